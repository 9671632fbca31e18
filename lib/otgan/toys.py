"""Every loss of the book trained to convergence on the 2-D toys: recipes, a learning-rate sweep, training with a
convergence curve, and the small shipped models of ``data/toys/``.

One architecture for every loss (latent size 8, generator and critic MLPs 128-128-128, LeakyReLU 0.2, batch
normalization in the generator, batch 256, the same number of generator steps, learning rates decayed linearly to
zero, the generator's weights averaged with :data:`EMA`); per loss only what its paper prescribes (optimizer betas, critic steps per
generator step, clipping, spectral norm, penalty) and the learning rate, picked by :func:`sweep` on the grid
``LR_GRID``. ``python -m otgan.reproduce --profile book --only toys`` runs the sweep (:data:`SWEEP_FILE`), trains
every (toy, loss) pair for ``SEEDS`` seeds, writes the table (:data:`TABLE_FILE`) and ships the seed-0 generators
(and the critics the chapters use) as ``data/toys/<toy>_<loss>.pt``; the ``book`` profile loads them
(:func:`load`), ``full`` and ``smoke`` train them (``smoke`` for a few steps).
"""
import contextlib
import functools
import json
import math
import os
import time

import torch

from . import losses, nets, ot_losses
from ._checks import choice, positive
from .checkpoint import half_state_dict, load_checkpoint, load_state, save_checkpoint
from .data import TOY_LABELS as DATA_TOY_LABELS
from .data import toy as make_toy
from .metrics import toy_metrics
from .minibatch import preference
from .runtime import data_path, profile, seed_everything, settings
from .runtime import device as default_device
from .training import SampleRecorder, Trainer
from .transport import wasserstein

TOYS = ("8gaussians", "25gaussians", "swissroll")
#: The toys' names as the book writes them.
TOY_LABELS = {name: DATA_TOY_LABELS[name] for name in TOYS}
LOSSES = ("minimax", "nonsaturating", "wgan-clip", "wgan-sn", "sn-hinge", "wgan-gp", "cramer", "otgan",
          "sinkhorn", "sliced")
#: Short names for tables and titles.
LABELS = {"minimax": "GAN minimax", "nonsaturating": "GAN non-sat.", "wgan-clip": "WGAN clip",
          "wgan-sn": "WGAN SN (W-loss)", "sn-hinge": "SN hinge", "wgan-gp": "WGAN-GP", "cramer": "Cramér",
          "otgan": "OT-GAN", "sinkhorn": "Sinkhorn div.", "sliced": "sliced SW2"}
#: The learning rates of the sweep. 3e-3 was added when the sweep picked the top of (1e-4, 3e-4, 1e-3) for 9 of the
#: 10 losses (and an SN-hinge run at 3e-3 did at least as well as at 1e-3 over 12,000 steps on 8 Gaussians).
LR_GRID = (1e-4, 3e-4, 1e-3, 3e-3)
SEEDS = (0, 1, 2)
LATENT, HIDDEN, BATCH = 8, (128, 128, 128), 256
#: Weight averaging of every toy generator (Yazici et al., 2019) and the learning-rate schedule. Batch norm in the
#: generator: a generator without it needed four times as many steps to split the 8-Gaussian ring into modes
#: (measured with the sliced loss: high-quality rate 0.41 after 20,000 steps without, 0.47 after 5,000 with).
EMA, LR_DECAY, BATCH_NORM = 0.999, "linear", True
#: The critic-side part of each recipe (Gulrajani et al., 2017; Arjovsky et al., 2017; Miyato et al., 2018;
#: Bellemare et al., 2017; Salimans et al., 2018; Genevay et al., 2018; Deshpande et al., 2018).
RECIPES = {
    "minimax": {"n_critic": 1, "betas": (0.5, 0.999)},
    "nonsaturating": {"n_critic": 1, "betas": (0.5, 0.999)},
    "wgan-clip": {"n_critic": 5, "optimizer": "rmsprop", "clip": 0.01},
    "wgan-sn": {"n_critic": 5, "betas": (0.5, 0.9), "spectral_norm": True},
    "sn-hinge": {"n_critic": 1, "betas": (0.0, 0.9), "spectral_norm": True},
    # Gulrajani et al.'s toy code (gan_toy.py) uses beta1 = 0.5; with beta1 = 0 (their image setting) the 2-D
    # generator oscillated between modes here (measured: W1 between 0.85 and 2.2 over 1,000 steps on 8 Gaussians)
    # and lambda = 0.1 ("smaller lambda seems to help for toy tasks specifically", gan_toy.py); with lambda = 10
    # no toy reached more than 4 of 8 modes in 1,000 steps here
    "wgan-gp": {"n_critic": 5, "betas": (0.5, 0.9), "lambda": 0.1},
    # the penalty weight of the toy WGAN-GP: with lambda = 10 (the image setting) the Cramer generator covered 0 of
    # 8 modes on every seed after 4,000 steps; with 0.1 it covered 8/8 (high-quality rate 0.71, measured here)
    # Other screens on 8 Gaussians (seed 0, 4,000 steps; the recipe's high-quality rate 0.71, its three seeds 0.71 to
    # 0.74): lambda = 1 0.63; the sweep's neighbouring rates 1e-3 0.65 and 1e-2 0.75 (W1 0.201 against 0.173); batch
    # 512 0.75 at 1.5x the time per step (measured here); none is clearly ahead of the seed spread
    "cramer": {"n_critic": 5, "betas": (0.5, 0.9), "lambda": 0.1},
    # OT-GAN's paper stresses large batches; on 25 Gaussians (seed 0, 5,000 steps) batch 512 sharpened the modes it
    # found (high-quality rate 0.49 against 0.25 at 128) but covered fewer (13 against 15; W1 0.306 against 0.291)
    # at 2.3x the time per step, so the toy recipe keeps 128 (measured here)
    "otgan": {"n_critic": 1, "n_generator": 3, "betas": (0.5, 0.999), "eps": 0.1, "n_iter": 10, "batch_size": 128},
    # the minibatch bias of the sliced loss (below), and a blur of sqrt(eps) in the units of the toy: on 8 Gaussians
    # after 4,000 steps the high-quality rate was 0.30 at batch 128, eps 0.1; 0.54 at 256, eps 0.05 (47 ms/step);
    # 0.65 at 512, eps 0.05 (162 ms/step, too slow for three toys and three seeds here; measured here). Neither a
    # sharper plan nor an unbiased estimator fixes it at batch 256 (seed 0, 4,000 steps): eps 0.01 with 50 iterations
    # gave 0.61 (110 ms/step); OT-GAN's two-batch form (kind="two-batch") 0.55 at batch 256 (58 ms/step) and 0.68 at
    # 512 (144 ms/step). The one-batch divergence's expected minibatch value is lower at the trained ring than at the
    # data (minibatch_preference; the comparison chapter), so more steps converge to the ring.
    "sinkhorn": {"n_critic": 0, "betas": (0.5, 0.999), "eps": 0.05, "n_iter": 30, "batch_size": 256},
    # a critic-free minibatch loss is biased toward blurred samples at small batches (its expected minibatch value
    # is not minimized by the target); in 2-D a large batch is cheap: on 8 Gaussians after 4,000 steps (seed 0) the
    # high-quality rate is 0.50 at batch 256, 0.72 at 1,024 and 0.82 at 4,096 (batch_runs, data/toys/batch.json,
    # shown in the comparison chapter). OT-GAN's two-batch
    # form of the sliced costs (kind="two-batch", unbiased) does not do better at batch 4,096 (seed 0, 4,000 steps):
    # high-quality rate 0.79 and W1 0.177 at 126 ms/step (53 ms/step since each half is sorted once), against 0.82
    # and 0.148 at 56 ms/step for the recipe (its table row, reproduced exactly): each of its transport problems
    # sees half the batch. For the long runs' 20,000 steps (seed 0) it narrowed the 8-Gaussian modes (spread 0.071
    # against 0.081 around the centres; HQ 0.89 against 0.85, W1 0.123 against 0.096) but not the 25-Gaussian ones
    # (HQ 0.71 against 0.75, W1 0.166 against 0.132): no better on both, so the recipe keeps the one-batch estimator
    # of Deshpande et al. (measured here). Other screens at batch 4,096 (seed 0, 4,000 steps; the recipe 0.82): SW_1
    # (p = 1) 0.72; rate 1e-3 0.78, 1e-2 0.83; 1,000 directions 0.82 (W1 0.116 against 0.148, at about 8x the time per
    # step). What lies outside the modes is mostly a thin bridge along the ring between neighbouring modes: of the
    # recipe's samples 10.8% are beyond 6 noise levels of every centre, 6.9% between 3 and 6. Recomputing the
    # batch-norm statistics of the averaged generator (standing statistics) moves the 40,000-step model's rate by
    # under 0.01 (0.842 -> 0.843), so the generator's statistics are not the cause (measured here).
    "sliced": {"n_critic": 0, "betas": (0.5, 0.999), "n_projections": 100, "batch_size": 4096},
}
SUBDIR = "toys"
SWEEP_FILE = "toys/sweep.json"
TABLE_FILE = "toys/table.json"
COMMAND = "python -m otgan.reproduce --profile book --only toys"
#: Which shipped models keep their critic (the WGAN chapter's contours and the DOT chapter).
KEEP_CRITIC = {("8gaussians", "wgan-clip"), ("8gaussians", "wgan-sn"), ("8gaussians", "wgan-gp"),
               ("8gaussians", "sn-hinge"), ("25gaussians", "wgan-gp"), ("swissroll", "wgan-gp")}
#: Losses whose 8-Gaussian training is recorded as animation frames (the WGAN chapter).
ANIMATED = ("wgan-clip", "wgan-sn", "sn-hinge", "wgan-gp")
#: The deliberately early-stopped WGAN-GP generators (and critics) the DOT chapter starts from.
EARLY_STEP = 1000


def steps():
    """Generator steps of every toy run: 10 (smoke), 4,000 (book), 10,000 (full)."""
    return settings(smoke=10, book=4000, full=10000)


#: The toys of the learning-rate sweep: the two mixtures, where the losses differ most. At 250 steps on 25
#: Gaussians alone (the sweep of the previous version) the rates were within noise of each other and the sweep
#: picked 3e-3 for OT-GAN, which then covered 4 of 8 modes on 8 Gaussians in the full run (0.86 high-quality rate
#: at 1e-3); after 500 steps on 8 Gaussians 1e-3 is clearly ahead (W1 0.30 against 0.37; measured here).
SWEEP_TOYS = ("8gaussians", "25gaussians")


def sweep_steps():
    """Generator steps of a sweep run: 10 (smoke), 500 (book), 2,000 (full)."""
    return settings(smoke=10, book=500, full=2000)


def _optimizer(params, recipe, lr):
    if recipe.get("optimizer") == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr)
    return torch.optim.Adam(params, lr=lr, betas=recipe["betas"])


def recipe_config(toy, loss, lr):
    """The configuration :func:`build` gives a trainer of ``loss`` on the toy named ``toy`` at learning rate ``lr``
    (architecture, batch, averaging and :data:`RECIPES`), as stored in checkpoints and in every row of the sweep
    and the table: a stored row whose config differs was made with another recipe and is run again."""
    config = {"toy": toy, "loss": loss, "lr": lr, "latent": LATENT, "hidden": list(HIDDEN),
              "batch_size": BATCH, "ema": EMA, "lr_decay": LR_DECAY, "batch_norm": BATCH_NORM, **RECIPES[loss]}
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in config.items()}


def _current(row, batch_size=None):
    """Whether a stored sweep or table row was made with today's recipe (:func:`recipe_config`; with
    ``batch_size``, the recipe at that batch)."""
    config = recipe_config(row["toy"], row["loss"], row["lr"])
    if batch_size is not None:
        config["batch_size"] = batch_size
    return row.get("config") == config


def build(toy, loss, lr, device=None, batch_size=None):
    """A :class:`otgan.training.Trainer` for ``loss`` on the toy ``toy`` (a name or :class:`otgan.data.Toy`),
    with the recipe ``RECIPES[loss]`` and learning rate ``lr`` for generator and critic alike.

    Parameters
    ----------
    toy : str or Toy
    loss : str
        One of :data:`LOSSES`.
    lr : float
    device : str or torch.device, optional
        Default :func:`otgan.runtime.device`: the GPU when there is one (the large-batch study), else the CPU.
    batch_size : int, optional
        Replaces the recipe's batch (:func:`batch_runs`); the config records it.

    Returns
    -------
    Trainer
    """
    choice(loss, "loss", LOSSES)
    positive(lr, "lr")
    target = make_toy(toy) if isinstance(toy, str) else toy
    recipe = RECIPES[loss]
    g = nets.MLPGenerator(LATENT, 2, hidden=HIDDEN, batch_norm=BATCH_NORM)
    d = None if recipe["n_critic"] == 0 else nets.MLPCritic(2, hidden=HIDDEN,
                                                            spectral_norm=recipe.get("spectral_norm", False))
    hooks, g_loss, c_loss = [], None, None
    if loss in ("minimax", "nonsaturating"):
        c_loss, g_loss = losses.gan_losses(loss)
    elif loss in ("wgan-clip", "wgan-sn"):
        c_loss, g_loss = losses.wasserstein_critic_loss, losses.wasserstein_generator_loss
        if loss == "wgan-clip":
            hooks = [losses.WeightClipping(recipe["clip"])]
    elif loss == "sn-hinge":
        c_loss, g_loss = losses.hinge_critic_loss, losses.hinge_generator_loss
    elif loss == "wgan-gp":
        c_loss, g_loss = losses.WGANGPCriticLoss(recipe["lambda"]), losses.wasserstein_generator_loss
    elif loss == "cramer":
        c_loss, g_loss = ot_losses.CramerCriticLoss(recipe["lambda"]), ot_losses.CramerGeneratorLoss()
    elif loss == "otgan":
        g_loss = ot_losses.OTGANLoss(recipe["eps"], recipe["n_iter"])
        c_loss = g_loss.critic_loss()
    elif loss == "sinkhorn":
        g_loss = ot_losses.SinkhornGeneratorLoss(recipe["eps"], recipe["n_iter"], kind=recipe.get("kind", "divergence"))
    else:
        g_loss = ot_losses.SlicedLoss(recipe["n_projections"], kind=recipe.get("kind", "one-batch"))
    config = recipe_config(target.name, loss, lr)
    if batch_size is not None:
        config["batch_size"] = positive(batch_size, "batch_size", integer=True)
    return Trainer(g, d, target.sample, g_loss, c_loss, opt_generator=_optimizer(g.parameters(), recipe, lr),
                   opt_critic=None if d is None else _optimizer(d.parameters(), recipe, lr),
                   batch_size=config["batch_size"],
                   n_critic=recipe["n_critic"], n_generator=recipe.get("n_generator", 1), critic_hooks=hooks,
                   config=config, device=default_device() if device is None else device, ema=EMA, lr_decay=LR_DECAY)


def n_eval():
    """Samples per evaluation (exact W1, W2 against as many fresh target points): 300 (smoke), 2,000."""
    return settings(smoke=300, book=2000, full=2000)


@functools.lru_cache(maxsize=None)
def _floor(toy, n, seed):
    target = make_toy(toy)
    return float(wasserstein(target.sample(n, seed=10_000 + seed), target.sample(n, seed=20_000 + seed), p=1))


def floor(toy, n=None, seed=0):
    """Exact :math:`W_1` between two independent samples of size ``n`` of the toy: the value a perfect generator
    reaches on average with this many samples (the "floor" of the table); ``toy`` is a name of :data:`TOYS`, ``n`` defaults to :func:`n_eval`."""
    return _floor(toy, n or n_eval(), seed)


class _Curve:
    """Training callback: exact W1 of ``n`` samples to ``n`` fixed target points (500, or :func:`n_eval` when
    smaller) every call; optional animation frames."""

    def __init__(self, target, n=None, frames=0, seed=0):
        n = n or min(500, n_eval())
        self.ref = target.sample(n, seed=30_000 + seed)
        self.n, self.steps, self.w1 = n, [], []
        self.recorder = SampleRecorder(frames, seed=seed) if frames else None

    def __call__(self, trainer):
        self.steps.append(trainer.step)
        self.w1.append(float(wasserstein(trainer.sample(self.n).cpu(), self.ref, p=1)))
        if self.recorder is not None:
            self.recorder(trainer)


def steps_to_converge(steps_, w1, tol=1.2):
    """The first recorded step from which the W1 curve stays within ``tol`` times its final value (the
    average of its last two points): how long a run takes to reach its plateau."""
    final = sum(w1[-2:]) / len(w1[-2:])
    for i in range(len(w1)):
        if all(v <= tol * final for v in w1[i:]):
            return int(steps_[i])
    return int(steps_[-1])


def train(toy, loss, n_steps, lr, seed=0, n_samples=None, curve_every=None, frames=0, early=None, batch_size=None):
    """Train one (toy, loss) run and measure it (``batch_size`` replaces the recipe's batch, as in :func:`build`).

    Returns
    -------
    trainer : Trainer
    row : dict
        toy, loss, seed, lr, steps, the :func:`otgan.metrics.toy_metrics` of ``n_samples`` samples (default
        :func:`n_eval`; exact W1, W2 to as many fresh target points; modes covered and high-quality rate), ms per step (training only),
        steps to converge (:func:`steps_to_converge`), the W1 curve.
    extras : dict
        ``frames``/``frame_steps`` (with ``frames``), ``early`` (a copy of the nets at step ``early``).
    """
    seed_everything(seed)
    target = make_toy(toy)
    trainer = build(target, loss, lr, batch_size=batch_size)
    curve = _Curve(target, frames=frames, seed=seed)
    extras = {}

    def callback(tr):
        curve(tr)
        if early is not None and tr.step == early:
            extras["early"] = {"generator": half_state_dict(tr.sampler),
                               "critic": None if tr.critic is None else half_state_dict(tr.critic)}

    every = curve_every or max(1, n_steps // 20)
    if early is not None and early % every:
        raise ValueError(f"early={early} must be a multiple of the curve interval {every}")
    trainer.train(n_steps, callback=callback, callback_every=every, progress=False)
    n_samples = n_samples or n_eval()
    m = toy_metrics(trainer.sample(n_samples).cpu(), target, n_ref=n_samples, seed=seed)
    row = {"toy": target.name, "loss": loss, "seed": seed, "lr": lr, "steps": n_steps, "config": trainer.config, **m,
           "ms per step": 1000 * trainer.elapsed / max(n_steps, 1),
           "steps to converge": steps_to_converge(curve.steps, curve.w1),
           "curve": {"step": curve.steps, "W1": curve.w1}}
    if curve.recorder is not None:
        extras["frames"] = torch.stack(curve.recorder.frames).half()
        extras["frame_steps"] = list(curve.recorder.steps)
    return trainer, row, extras


def sweep(toys=None, losses_=None, lrs=None, n_steps=None, seed=0, log=print):
    """Train every (toy, loss, lr) of the grid for ``n_steps`` (default :func:`sweep_steps`) and measure it.

    Returns
    -------
    list of dict
        The rows of :func:`train` (without curves).
    """
    n_steps = n_steps or sweep_steps()
    rows = []
    for loss in losses_ or LOSSES:
        for name in toys or SWEEP_TOYS:
            for lr in lrs or LR_GRID:
                _, row, _ = train(name, loss, n_steps, lr, seed=seed, curve_every=n_steps)
                row.pop("curve")
                rows.append(row)
                log(f"sweep {loss:<14}{name:<12} lr {lr:.0e}: W1 {row['W1']:.3f} HQ {row['high_quality']:.2f} "
                    f"modes {row.get('modes_covered', '-')} ({row['ms per step']:.1f} ms/step)")
    return rows


def best_lr(sweep_rows, loss):
    """The learning rate of ``LR_GRID`` with the lowest W1 relative to each toy's floor, summed over the toys
    (so that one toy does not dominate)."""
    score = {}
    for r in sweep_rows:
        if r["loss"] == loss:
            score[r["lr"]] = score.get(r["lr"], 0.0) + math.log(r["W1"] / floor(r["toy"]))
    if not score:
        raise ValueError(f"the sweep has no row for loss={loss!r}")
    return min(score, key=score.get)


def model_path(toy, loss, must_exist=False):
    """``<data>/toys/<toy>_<loss>.pt``; with ``must_exist`` a missing file names the command that makes it."""
    return data_path(f"{SUBDIR}/{toy}_{loss}.pt", make=COMMAND if must_exist else None)


def ship(trainer, row, extras, path):
    """Write the seed's generator as sampled and measured (the weight average, :attr:`Trainer.sampler`; float16),
    the critic too where :data:`KEEP_CRITIC` says, config, row, frames and early nets to ``path``."""
    key = (row["toy"], row["loss"])
    state = {"config": trainer.config, "step": trainer.step, "row": row, "generator_kind": "sampler",
             "generator": half_state_dict(trainer.sampler),
             "critic": half_state_dict(trainer.critic) if key in KEEP_CRITIC else None, **extras}
    if key not in KEEP_CRITIC and "early" in state:
        state["early"] = {**state["early"], "critic": None}
    return save_checkpoint(path, state)


def reproduce(force=False, log=print, shard=(0, 1), wait_s=6 * 3600.0):
    """The ``--only toys`` path of :mod:`otgan.reproduce`: sweep (or reuse ``data/toys/sweep.json``), then every
    (toy, loss) for every seed of :data:`SEEDS`, writing ``data/toys/table.json`` and the seed-0 models.

    Parameters
    ----------
    shard : (int, int)
        ``(k, n)``: this process does every n-th job starting at k (sweep and training), so that n processes
        (one CPU thread each) share the work; they merge their rows into the same files under a lock and wait
        for each other's sweep rows before training. Interrupted runs resume where they stopped.
    wait_s : float
        How long a shard waits for the other shards' sweep rows before it stops with a TimeoutError that names
        the missing losses (a shard that was never started, or died, would otherwise be waited for forever).
    """
    k, n = shard
    positive(n, "shard count", integer=True)
    if not 0 <= k < n:
        raise ValueError(f"shard must be (k, n) with 0 <= k < n, got {shard!r}")
    prof = profile()
    sweep_file = data_path(SWEEP_FILE)
    os.makedirs(os.path.dirname(sweep_file), exist_ok=True)
    fresh_sweep = {"profile": prof, "steps": sweep_steps(), "lrs": list(LR_GRID), "rows": [], "minutes": 0.0}

    def valid_sweep(stored):
        return (bool(stored) and stored.get("profile") == prof and stored.get("steps") == sweep_steps()
                and stored.get("lrs") == list(LR_GRID) and not force)

    def swept(rows, loss):  # every rate of the grid on every sweep toy, each run with today's recipe
        mine = {(r["toy"], r["lr"]) for r in rows if r["loss"] == loss and _current(r)}
        return mine >= {(name, lr) for name in SWEEP_TOYS for lr in LR_GRID}

    with _locked(sweep_file):
        stored = _read(sweep_file)
        if not valid_sweep(stored):
            stored = fresh_sweep
            if k == 0:
                _write(sweep_file, stored)
    missing = [loss for loss in LOSSES if not swept(stored["rows"], loss)]
    for loss in missing[k::n]:  # losses whose sweep is not stored (all of them the first time)
        t0 = time.perf_counter()
        rows = sweep(losses_=[loss], log=log)
        with _locked(sweep_file):
            stored = _read(sweep_file) if valid_sweep(_read(sweep_file)) else fresh_sweep
            stored["rows"] = [r for r in stored["rows"] if r["loss"] != loss] + rows
            stored["minutes"] += (time.perf_counter() - t0) / 60
            _write(sweep_file, stored)
    deadline = time.monotonic() + wait_s
    while True:  # the other shards' sweep rows
        stored = _read(sweep_file)
        missing = [loss for loss in LOSSES if not swept(stored["rows"], loss)]
        if not missing:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"shard {k}/{n} waited {wait_s:.0f} s for the sweep rows of {missing} in {sweep_file}: "
                               f"start the other shards (--shard K/{n}) or run with --shard 0/1")
        time.sleep(min(5.0, max(wait_s, 0.0)))
    log(f"toys: sweep in {sweep_file}")
    lrs = {loss: best_lr(stored["rows"], loss) for loss in LOSSES}
    table_file = data_path(TABLE_FILE)

    def fresh_table():
        return {"profile": prof, "steps": steps(), "seeds": list(SEEDS), "lrs": lrs, "rows": [],
                "floor": {name: [floor(name, seed=s) for s in SEEDS] for name in TOYS}}

    def current(table):  # rows made with another recipe or learning rate are dropped, not shown as results
        ok = table and table.get("profile") == prof and table.get("steps") == steps() and not force
        table = table if ok else fresh_table()
        table["lrs"] = lrs
        table["rows"] = [r for r in table["rows"] if r["lr"] == lrs[r["loss"]] and _current(r)]
        return table

    with _locked(table_file):
        table = current(_read(table_file))
        if k == 0:
            _write(table_file, table)
    done = {(r["toy"], r["loss"], r["seed"]) for r in table["rows"]}
    t0 = time.perf_counter()
    jobs = sorted(((s, name, loss) for s in SEEDS for name in TOYS for loss in LOSSES), key=_priority)
    for seed, name, loss in jobs[k::n]:
        if (name, loss, seed) in done and (seed != SEEDS[0] or os.path.exists(model_path(name, loss))):
            continue
        first = seed == SEEDS[0]
        trainer, row, extras = train(
            name, loss, steps(), lrs[loss], seed=seed,
            frames=500 if first and name == "8gaussians" and loss in ANIMATED else 0,
            early=EARLY_STEP if first and loss == "wgan-gp" and steps() > EARLY_STEP else None)
        if first:
            ship(trainer, row, extras, model_path(name, loss))
        with _locked(table_file):
            table = current(_read(table_file))
            table["rows"] = [r for r in table["rows"] if (r["toy"], r["loss"], r["seed"]) != (name, loss, seed)]
            table["rows"].append(row)
            _write(table_file, table)
        log(f"toys {loss:<14}{name:<12} seed {seed}: W1 {row['W1']:.3f} W2 {row['W2']:.3f} "
            f"HQ {row['high_quality']:.2f} modes {row.get('modes_covered', '-')} "
            f"{row['ms per step']:.1f} ms/step ({(time.perf_counter() - t0) / 60:.1f} min)")
    return table


#: The long runs: the table's 4,000 steps leave every loss spreading mass over the whole square of 25 Gaussians
#: (13-19 of 25 modes, high-quality rate <= 0.3), while an SN-hinge run of the same recipe split it into 25/25 modes
#: by 20,000 steps (high-quality rate 0.73, W1 1.1x the floor; 10,000 steps: 0.49, measured here). Other changes
#: did not move the plateau in 3,000-4,000 SN-hinge steps (13-14 modes, high-quality rate <= 0.29 each): widths
#: 512 instead of 128, latent size 2, no batch norm, learning rates 1e-4 to 1e-3 (measured here). The same recipes
#: and learning rates as the table, only 5x the steps, seed 0; cheapest losses first (:func:`long_runs`).
LONG_TOY = "25gaussians"
#: The toys trained long, in order. 8 Gaussians joined 25 Gaussians because the table's 4,000 steps leave every
#: loss with samples on the bridges between its eight modes (high-quality rate 0.56-0.88 on 8/8 modes, under the
#: 0.9 that separated modes call for; measured here). At 20,000 steps (seed 0) WGAN-GP meets all three 8-Gaussian
#: targets (8/8 modes, HQ 0.94, W1 1.8x the floor); the comparison chapter lists the rest.
LONG_TOYS = ("25gaussians", "8gaussians")
LONG_FILE = "toys/long.json"
LONG_COMMAND = "python -m otgan.reproduce --profile book --only toys-long"


def long_steps():
    """Generator steps of a long run: 20 (smoke), 20,000 (book), 40,000 (full)."""
    return settings(smoke=20, book=20000, full=40000)


def long_runs(losses_=None, toys_=LONG_TOYS, seeds=(0,), shard=(0, 1), log=print):
    """Train each loss on each toy of ``toys_`` for :func:`long_steps` with the table's recipe and learning rate,
    once per training seed of ``seeds``, measured like the table's runs, and record every row in
    ``data/toys/long.json`` (:data:`LONG_FILE`); seed 0's generator (its weight average) is shipped in
    ``data/toys/long/<toy>_<loss>.pt``. A row already recorded with today's recipe and step count is kept; the
    (toy, loss, seed) jobs run seed by seed, toy by toy, cheapest loss first, and ``shard=(k, n)`` does every n-th
    job from k, so n processes share the work.

    Returns
    -------
    dict
        ``{"profile", "steps", "rows"}``, each row naming its ``toy``.
    """
    return _recorded_runs(losses_, toys_, seeds, shard, log, long_steps(), LONG_FILE, "long")


#: The longest runs, toy -> losses, trained for twice the long runs' steps with nothing else changed: on 25
#: Gaussians the losses that cover all 25 modes at :func:`long_steps` but stay under a high-quality rate of 0.8
#: there (WGAN-GP and the sliced loss); on 8 Gaussians SN hinge, sharp there (HQ 0.95) but with W1 above twice the
#: floor on average (seed 0: 0.195 against a floor of 0.061), and the sliced loss, close in W1 (1.4x the floor)
#: but with wide modes (HQ 0.85): do more steps sharpen them, or is its minibatch bias the limit? And Cramér, all
#: eight modes and W1 within twice the floor but HQ 0.84: a critic-based loss, like SN hinge, that may sharpen.
LONGER = {"25gaussians": ("wgan-gp", "sliced"), "8gaussians": ("sn-hinge", "sliced", "cramer")}
LONGER_FILE = "toys/longer.json"
LONGER_COMMAND = "python -m otgan.reproduce --profile book --only toys-longer"


def longer_steps():
    """Generator steps of a longer run: 40 (smoke), 40,000 (book), 80,000 (full); twice :func:`long_steps`."""
    return settings(smoke=40, book=40000, full=80000)


def longer_runs(toys_=None, seeds=(0,), shard=(0, 1), log=print):
    """:func:`long_runs` of the losses :data:`LONGER` names for each toy of ``toys_`` (default all of them) for
    :func:`longer_steps`, recorded in ``data/toys/longer.json`` (:data:`LONGER_FILE`), seed 0's generator shipped
    in ``data/toys/longer/<toy>_<loss>.pt``. ``shard=(k, n)`` splits each toy's jobs.

    Returns
    -------
    dict
        ``{"profile", "steps", "rows"}``, each row naming its ``toy``.
    """
    return _tier_runs(LONGER, toys_, seeds, shard, log, longer_steps(), LONGER_FILE, "longer")


def _tier_runs(tier, toys_, seeds, shard, log, n_steps, file, subdir):
    """The runs of a tier of :func:`longer_runs` or :func:`longest_runs`: for each toy of ``toys_`` (default every
    toy of ``tier``, a dict toy -> losses), :func:`_recorded_runs` of its losses; returns the last file read."""
    if isinstance(toys_, str):
        toys_ = (toys_,)
    toys_ = tuple(choice(toy, "toys_", tuple(tier)) for toy in (toys_ or tier))
    out = None
    for toy in toys_:
        out = _recorded_runs(tier[toy], (toy,), seeds, shard, log, n_steps, file, subdir)
    return out


def _recorded_runs(losses_, toys_, seeds, shard, log, n_steps, file, subdir, batch_size=None):
    """The jobs of :func:`long_runs`, :func:`longer_runs` and :func:`large_batch_runs`: ``n_steps`` per run (at
    ``batch_size`` instead of the recipe's batch, if given), rows in ``file``, seed 0's generator in
    ``data/toys/<subdir>/``."""
    k, n = shard
    if not 0 <= k < n:
        raise ValueError(f"shard must be (k, n) with 0 <= k < n, got {shard!r}")
    if isinstance(toys_, str):
        toys_ = (toys_,)
    toys_ = tuple(choice(toy, "toys_", TOYS) for toy in toys_)
    if not toys_:
        raise ValueError("toys_ must name at least one toy, got none")
    if isinstance(losses_, str):
        losses_ = (losses_,)
    losses_ = tuple(choice(loss, "losses_", LOSSES) for loss in (losses_ or LOSSES))
    table = load_table() if profile() == "book" else {"lrs": {}, "rows": []}
    lrs = table["lrs"]
    cost = {(r["toy"], r["loss"]): r["ms per step"] for r in table["rows"]}  # cheapest first
    path = data_path(file)
    os.makedirs(data_path(f"{SUBDIR}/{subdir}"), exist_ok=True)

    def current(stored):
        ok = stored and stored.get("profile") == profile() and stored.get("steps") == n_steps
        stored = stored if ok else {"profile": profile(), "steps": n_steps, "rows": []}
        stored.pop("toy", None)  # files of one toy (25 Gaussians) named it once; every row names its own
        stored["rows"] = [r for r in stored["rows"]
                          if _current(r, batch_size) and r["lr"] == lrs.get(r["loss"], r["lr"])]
        return stored

    seeds = tuple(positive(sd, "seeds", integer=True, allow_zero=True) for sd in seeds)
    if not seeds:
        raise ValueError("seeds must name at least one training seed, got none")
    jobs = [(toy, loss, sd) for sd in seeds for toy in toys_
            for loss in sorted(losses_, key=lambda loss: cost.get((toy, loss), 0.0))]
    for toy, loss, seed in jobs[k::n]:
        with _locked(path):
            stored = current(_read(path))
        if any((r["toy"], r["loss"], r["seed"]) == (toy, loss, seed) for r in stored["rows"]):
            continue
        lr = lrs.get(loss, _shipped_lr(loss))
        t0 = time.perf_counter()
        trainer, row, _ = train(toy, loss, n_steps, lr, seed=seed, batch_size=batch_size)
        row = {**row, "device": trainer.device.type}  # "ms per step" is the time on this device
        if seed == 0:
            save_checkpoint(data_path(f"{SUBDIR}/{subdir}/{toy}_{loss}.pt"),
                            {"config": trainer.config, "step": trainer.step, "row": row, "generator_kind": "sampler",
                             "generator": half_state_dict(trainer.sampler)})
        with _locked(path):
            stored = current(_read(path))
            stored["rows"] = [r for r in stored["rows"] if (r["toy"], r["loss"], r["seed"]) != (toy, loss, seed)]
            stored["rows"].append(row)
            _write(path, stored)
        log(f"{subdir} {loss:<14}{toy:<12} seed {seed}: W1 {row['W1']:.3f} HQ {row['high_quality']:.2f} "
            f"modes {row.get('modes_covered', '-')} ({(time.perf_counter() - t0) / 60:.1f} min)")
    with _locked(path):
        return current(_read(path))


def load_long(toy=None):
    """The long runs recorded by :func:`long_runs` (``data/toys/long.json``), those of ``toy`` only if given; a
    missing file names the command."""
    stored = _read(data_path(LONG_FILE, make=LONG_COMMAND))
    if "toy" in stored:  # a file of one toy, written before the long runs had several
        stored = {**{k: v for k, v in stored.items() if k != "toy"},
                  "rows": [{"toy": stored["toy"], **r} for r in stored["rows"]]}
    if toy is not None:
        choice(toy, "toy", TOYS)
        stored = {**stored, "rows": [r for r in stored["rows"] if r["toy"] == toy]}
    return stored


def load_longer():
    """The runs of :func:`longer_runs` (``data/toys/longer.json``); a missing file names the command."""
    return _read(data_path(LONGER_FILE, make=LONGER_COMMAND))


#: The longest runs: the losses of :data:`LONGER` still improving at :func:`longer_steps` on a toy where they miss a
#: target, trained for twice those steps again with nothing else changed. On 8 Gaussians Cramér: its high-quality
#: rate went from 0.84 (20,000 steps) to 0.88 (40,000; seeds 0-2), short of 0.9, and its W1 fell (measured here).
LONGEST = {"8gaussians": ("cramer",)}
LONGEST_FILE = "toys/longest.json"
LONGEST_COMMAND = "python -m otgan.reproduce --profile book --only toys-longest"


def longest_steps():
    """Generator steps of a longest run: 80 (smoke), 80,000 (book), 160,000 (full); twice :func:`longer_steps`."""
    return settings(smoke=80, book=80000, full=160000)


def longest_runs(toys_=None, seeds=(0,), shard=(0, 1), log=print):
    """:func:`long_runs` of the losses :data:`LONGEST` names for each toy of ``toys_`` (default all of them) for
    :func:`longest_steps`, recorded in ``data/toys/longest.json`` (:data:`LONGEST_FILE`), seed 0's generator
    shipped in ``data/toys/longest/<toy>_<loss>.pt``. ``shard=(k, n)`` splits each toy's jobs.

    Returns
    -------
    dict
        ``{"profile", "steps", "rows"}``, each row naming its ``toy``.
    """
    return _tier_runs(LONGEST, toys_, seeds, shard, log, longest_steps(), LONGEST_FILE, "longest")


def load_longest():
    """The runs of :func:`longest_runs` (``data/toys/longest.json``); a missing file names the command."""
    return _read(data_path(LONGEST_FILE, make=LONGEST_COMMAND))


#: The large-batch study: the critic-free losses, whose minibatch bias shrinks as the batch grows, trained for
#: :func:`longer_steps` at batches beyond their recipe's, nothing else changed; ``(toy, loss) -> batches``. The sliced
#: loss covers all 25 modes at its recipe's 4,096 but with modes a little too wide (high-quality rate 0.79 at 40,000
#: steps, seeds 0-2) and stops at 0.85 on 8 Gaussians; the Sinkhorn divergence's recipe batch is 256 (HQ 0.58 on 8
#: Gaussians). On a CPU, 8,192 is the largest batch affordable (about 90 minutes for 40,000 steps of the sliced
#: loss); the larger ones are a GPU's (``python -m otgan.reproduce --profile book --only toys-batches``). Measured on
#: one H200, one process alone: 4.7 ms per step for the sliced loss at 8,192 and 7.3 at 32,768, 40.5 for the
#: Sinkhorn divergence at 2,048 (its 30 iterations are many small kernels), so 40,000 steps take 3, 5 and 27
#: minutes; six processes sharing the GPU finished none of their runs in 7 minutes: run them one at a time.
LARGE_BATCHES = {("25gaussians", "sliced"): (8192, 32768), ("8gaussians", "sliced"): (32768,),
                 ("8gaussians", "sinkhorn"): (2048,)}
BATCHES_COMMAND = "python -m otgan.reproduce --profile book --only toys-batches"


def batch_dir(batch_size):
    """Where the large-batch runs at ``batch_size`` live under ``data/toys/``: ``batches/b<batch_size>`` (the
    generators in that folder, the rows in that name plus ``.json``, :func:`batch_file`)."""
    return f"batches/b{positive(batch_size, 'batch_size', integer=True)}"


def batch_file(batch_size):
    """The file of the large-batch runs at ``batch_size``: ``toys/batches/b<batch_size>.json``."""
    return f"{SUBDIR}/{batch_dir(batch_size)}.json"


def large_batch_runs(jobs=None, seeds=(0,), shard=(0, 1), log=print):
    """Train each (toy, loss) of ``jobs`` (default :data:`LARGE_BATCHES`) at each of its batches for
    :func:`longer_steps`, with the recipe and learning rate of the table but that batch, once per seed of ``seeds``.
    The rows of one batch are recorded in ``data/toys/batches/b<batch>.json`` (:func:`batch_file`), seed 0's
    generator in ``data/toys/batches/b<batch>/<toy>_<loss>.pt``; resumable like :func:`long_runs`, and
    ``shard=(k, n)`` splits the seeds of each job.

    Returns
    -------
    dict
        ``batch -> {"profile", "steps", "rows"}``; each row's ``config`` records its batch.
    """
    jobs = LARGE_BATCHES if jobs is None else jobs
    if not jobs:
        raise ValueError("jobs must name at least one (toy, loss) with its batches, got none")
    out = {}
    for (toy, loss), batches in jobs.items():
        for batch in batches:
            out[batch] = _recorded_runs((loss,), (toy,), seeds, shard, log, longer_steps(), batch_file(batch),
                                        batch_dir(batch), batch_size=batch)
    return out


def load_batch_runs(batch_size):
    """The large-batch runs at ``batch_size`` (:func:`large_batch_runs`); a missing file names the command."""
    return _read(data_path(batch_file(batch_size), make=BATCHES_COMMAND))


#: The batch study (:func:`batch_runs`): the sliced loss on 8 Gaussians at these batches, everything else its recipe.
BATCH_STUDY = {"loss": "sliced", "toy": "8gaussians", "batches": (256, 1024, 4096, 8192)}
BATCH_FILE = "toys/batch.json"
BATCH_COMMAND = "python -m otgan.reproduce --profile book --only toys-batch"


def batch_runs(loss=None, toy=None, batches=None, seed=0, log=print):
    """Train ``loss`` on ``toy`` with its recipe, learning rate and :func:`steps`, once per batch size of
    ``batches`` (defaults: :data:`BATCH_STUDY`), measured like the table's runs, and record the rows in
    ``data/toys/batch.json`` (:data:`BATCH_FILE`). A critic-free minibatch loss is biased toward blurred samples at
    small batches (its expected minibatch value is not minimized by the target; :func:`minibatch_preference`), and
    this measures what the batch buys in training. The recipe's own batch is not trained again: its row is the
    table's run of the same seed (same config, same steps). A row already recorded with today's recipe is kept.

    Returns
    -------
    dict
        ``{"profile", "steps", "loss", "toy", "rows"}``, one row per batch (``batch_size``; ``from_table`` says
        which row is the table's).
    """
    loss = choice(loss or BATCH_STUDY["loss"], "loss", LOSSES)
    toy = choice(toy or BATCH_STUDY["toy"], "toy", TOYS)
    batches = tuple(positive(b, "batches", integer=True) for b in (batches or BATCH_STUDY["batches"]))
    if not batches:
        raise ValueError("batches must name at least one batch size, got none")
    table = load_table() if profile() == "book" else {"lrs": {}, "rows": []}
    lr = table["lrs"].get(loss, _shipped_lr(loss))
    path = data_path(BATCH_FILE)
    stored = _read(path) or {}
    if (stored.get("profile"), stored.get("steps"), stored.get("loss"), stored.get("toy")) != (
            profile(), steps(), loss, toy):
        stored = {"profile": profile(), "steps": steps(), "loss": loss, "toy": toy, "rows": []}
    recipe_batch = recipe_config(toy, loss, lr)["batch_size"]

    def wanted(batch):
        cfg = {**recipe_config(toy, loss, lr), "batch_size": batch}
        return [r for r in stored["rows"] if r["config"] == cfg and r["seed"] == seed]

    for batch in batches:
        if wanted(batch):
            continue
        t0 = time.perf_counter()
        same = [r for r in table["rows"] if (r["toy"], r["loss"], r["seed"]) == (toy, loss, seed) and _current(r)
                and r["steps"] == steps() and batch == recipe_batch]
        if same:
            row = {**same[0], "batch_size": batch, "from_table": True}
        else:
            _, row, _ = train(toy, loss, steps(), lr, seed=seed, batch_size=batch)
            row = {**row, "batch_size": batch, "from_table": False}
        stored["rows"] = [r for r in stored["rows"] if r["batch_size"] != batch] + [row]
        stored["rows"].sort(key=lambda r: r["batch_size"])
        _write(path, stored)
        log(f"batch {batch:>5} {loss} on {toy}: HQ {row['high_quality']:.2f} W1 {row['W1']:.3f} "
            f"({(time.perf_counter() - t0) / 60:.1f} min{', the table row' if row['from_table'] else ''})")
    return stored


def load_batch():
    """The batch study written by :func:`batch_runs` (``data/toys/batch.json``); a missing file names the command."""
    return _read(data_path(BATCH_FILE, make=BATCH_COMMAND))


def minibatch_preference(loss, sample, toy, n=256, trials=50, seed=0):
    """:func:`otgan.minibatch.preference` on the 2-D toy ``toy`` (a name of :data:`TOYS`): does a minibatch loss
    prefer the toy's distribution to a generator? The real and fresh batches are the toy's seeded samples.

    .. math:: \\Delta = \\mathbb{E}\\big[\\ell(G_n, Y_n)\\big] - \\mathbb{E}\\big[\\ell(X_n, Y_n)\\big]

    Returns
    -------
    dict
        ``delta``, ``se``, ``target_preferred``, ``n``, ``trials`` (see :func:`otgan.minibatch.preference`).
    """
    choice(toy, "toy", TOYS)
    target = make_toy(toy)
    return preference(loss, lambda n_: sample(n_).float(), lambda n_, s: target.sample(n_, seed=s), n=n,
                      trials=trials, seed=seed)


def load_long_model(loss, toy=LONG_TOY, longer=False, batch_size=None, longest=False):
    """The generator of seed 0's long run (``data/toys/long/<toy>_<loss>.pt``; with ``longer``, of
    :func:`longer_runs`, ``data/toys/longer/``; with ``longest``, of :func:`longest_runs`, ``data/toys/longest/``;
    with ``batch_size``, of :func:`large_batch_runs` at that batch, ``data/toys/batches/b<batch_size>/``) in a
    :class:`Trainer` of its recipe (at that batch), with its measured row as ``trainer.row``."""
    if sum((bool(longer), bool(longest), batch_size is not None)) > 1:
        raise ValueError("pass at most one of longer, longest and batch_size")
    if batch_size is not None:
        subdir, command = batch_dir(batch_size), BATCHES_COMMAND
    elif longest:
        subdir, command = "longest", LONGEST_COMMAND
    else:
        subdir, command = ("longer", LONGER_COMMAND) if longer else ("long", LONG_COMMAND)
    ck = load_checkpoint(data_path(f"{SUBDIR}/{subdir}/{toy}_{loss}.pt", make=command))
    trainer = _recipe_trainer(toy, loss, ck, f"the {subdir} run of {loss} on {toy} was made", command,
                              batch_size=batch_size)
    _load_generator(trainer, ck["generator"])
    trainer.step, trainer.row = ck["step"], ck["row"]
    return trainer


def _recipe_trainer(toy, loss, ck, what, command, batch_size=None):
    """A CPU trainer of today's recipe (at ``batch_size``, if given) for the shipped file ``ck``; a file made with
    another recipe is a ValueError that names ``command``."""
    trainer = build(toy, loss, ck["config"]["lr"], device="cpu", batch_size=batch_size)
    if ck["config"] != trainer.config:
        raise ValueError(f"{what} with another recipe: remake it with `{command}`")
    return trainer


def _load_generator(trainer, state):
    """Load shipped generator weights into the raw generator and, where there is one, the weight average that
    :meth:`Trainer.sample` draws from."""
    load_state(trainer.generator, state)
    if trainer.ema_generator is not None:
        load_state(trainer.ema_generator, state)


@contextlib.contextmanager
def _locked(path):
    """An exclusive lock on ``path + ".lock"`` (the shards of :func:`reproduce` share their files)."""
    import fcntl  # POSIX; only the sharded reproduce path needs it

    with open(path + ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


#: What the chapters load, trained first: the WGAN chapter's 8-Gaussian WGANs, then the DOT chapter's WGAN-GPs.
FIRST = [("8gaussians", loss) for loss in ANIMATED] + [("25gaussians", "wgan-gp"), ("swissroll", "wgan-gp")]


def _priority(job):
    """Every first seed before any second one (an interrupted run still ships every model), and within a seed
    what the chapters use first (:data:`FIRST`), then toy by toy."""
    seed, name, loss = job
    first = FIRST.index((name, loss)) if (name, loss) in FIRST else len(FIRST)
    return seed, first, TOYS.index(name), LOSSES.index(loss)


def _read(path):
    if not os.path.exists(path):
        return None
    with open(path) as fh:
        return json.load(fh)


def _write(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w") as fh:
        json.dump(obj, fh, indent=1)
    os.replace(tmp, path)


def load_table():
    """The table written by :func:`reproduce` (``data/toys/table.json``) in every profile (reading it is instant;
    ``python -m otgan.reproduce --profile full --only toys`` remakes it at full scale). A missing table is a
    FileNotFoundError naming that command; in the ``book`` profile a table made in another profile is a
    ValueError."""
    path = data_path(TABLE_FILE, make=COMMAND)
    table = _read(path)
    if table.get("profile") != "book" and profile() == "book":
        raise ValueError(f"{path} was made in the {table.get('profile')!r} profile: remake it with `{COMMAND}`")
    return table


def load_sweep():
    """The learning-rate sweep written by :func:`reproduce` (``data/toys/sweep.json``): ``rows`` (one per loss
    and learning rate), ``steps``, ``lrs``."""
    return _read(data_path(SWEEP_FILE, make=COMMAND))


def load(toy, loss, seed=0, early=False):
    """A trained model of ``loss`` on ``toy``: in the ``book`` profile loaded from ``data/toys/<toy>_<loss>.pt``
    (seed 0, the net the table measured), in ``smoke`` and ``full`` trained now for :func:`steps` with the
    shipped learning rate (the table's, else the recipe grid's middle value).

    Parameters
    ----------
    early : bool
        Return the nets as they were at step :data:`EARLY_STEP` instead (WGAN-GP only): a typical imperfect
        generator.

    Returns
    -------
    trainer : Trainer
        ``trainer.row`` holds the measured row (metrics, curve); ``trainer.frames`` / ``trainer.frame_steps`` the
        animation frames where recorded; ``trainer.shipped_kind`` is ``"sampler"`` when the loaded weights are
        those the row measured (the weight average) and ``"raw"`` for files that hold the last raw weights
        instead (made before the average was shipped: measure what you show).
    """
    choice(toy, "toy", TOYS)
    choice(loss, "loss", LOSSES)
    if profile() == "book":
        ck = load_checkpoint(model_path(toy, loss, must_exist=True))
        trainer = _recipe_trainer(toy, loss, ck, f"{model_path(toy, loss)} was made", COMMAND)
        if early and "early" not in ck:
            raise ValueError(f"{model_path(toy, loss)} holds no early-stopped nets (only WGAN-GP keeps them)")
        nets_ = ck["early"] if early else ck
        _load_generator(trainer, nets_["generator"])
        # files written before the EMA was shipped hold the raw generator, not the average the row measured
        trainer.shipped_kind = ck.get("generator_kind", "raw")
        if trainer.critic is not None and nets_.get("critic") is not None:
            load_state(trainer.critic, nets_["critic"])
        trainer.step = EARLY_STEP if early else ck["step"]
        trainer.row, trainer.frames, trainer.frame_steps = ck["row"], ck.get("frames"), ck.get("frame_steps")
        return trainer
    lr = _shipped_lr(loss)
    n = EARLY_STEP if early and profile() == "full" else (min(steps(), 10) if early else steps())
    trainer, row, extras = train(toy, loss, n, lr, seed=seed, frames=500 if loss in ANIMATED else 0)
    trainer.row, trainer.frames, trainer.frame_steps = row, extras.get("frames"), extras.get("frame_steps")
    trainer.shipped_kind = "sampler"
    return trainer


def _shipped_lr(loss):
    try:
        table = _read(data_path(TABLE_FILE)) or {}
    except FileNotFoundError:
        table = {}
    return table.get("lrs", {}).get(loss, LR_GRID[1])
