"""The one training loop of the book: any generator, any critic, losses plugged in.

:class:`Trainer` runs ``n_critic`` critic steps then one generator step, per iteration; the losses are functions
(see :mod:`otgan.losses`), so the vanilla GAN, WGAN (clip / SN / GP), sliced, Sinkhorn, Cramér and OT-GAN
generators all train through the same code. Critic-free generators (SW or Sinkhorn in pixel space) pass
``critic=None``.

Options of the loop that any model can switch on (Yazıcı et al., 2019; Zhao et al., 2020):

* ``ema``: an exponential moving average of the generator's weights, used for sampling, evaluation and export
  (the raw generator is kept for resuming);
* ``augment``: a differentiable augmentation (:mod:`otgan.augment`) applied to every image the critic sees;
* ``precision="bf16"``: bfloat16 autocast of the forward passes (CPU or CUDA), with the gradient penalty in
  float32 (:func:`otgan.losses.full_precision`);
* ``n_critic`` as a schedule ``step -> int`` (the reference WGAN's, :class:`otgan.losses.CriticSchedule`);
* ``budget_s``: stop after that many seconds of training (equal wall-clock budgets), resumable;
* a NaN or inf in a loss or a gradient stops training with :class:`NonFiniteError` before anything is saved, so
  the last good checkpoint on disk stays intact.
"""
import contextlib
import copy
import math
import os
import statistics
import time

import torch
from torch.nn.utils import parametrize
from tqdm.auto import tqdm

from ._checks import choice, positive
from .augment import AugmentedCritic
from .checkpoint import half_state_dict, load_checkpoint, load_state, save_checkpoint
from .nets import sample_latent


def _split_logs(out):
    return out if isinstance(out, tuple) else (out, {})


PRECISIONS = ("fp32", "bf16")


class NonFiniteError(FloatingPointError):
    """A loss or a gradient became NaN or inf during training (the message says which, and at which step)."""


@torch.no_grad()
def update_ema(ema, model, decay):
    """Move the weights of ``ema`` toward those of ``model`` and copy its buffers (batch-norm statistics).

    .. math:: \\bar\\theta \\leftarrow \\beta\\,\\bar\\theta + (1 - \\beta)\\,\\theta

    Parameters
    ----------
    ema, model : nn.Module
        Same architecture (``ema`` is typically a deep copy of ``model``).
    decay : float
        :math:`\\beta` in [0, 1).

    References
    ----------
    Yazıcı, Foo, Winkler, Yap, Piliouras, Chandrasekhar (2019), "The Unusual Effectiveness of Averaging in GAN
    Training", ICLR.
    """
    if not 0.0 <= decay < 1.0:
        raise ValueError(f"decay must be in [0, 1), got {decay}")
    for pe, p in zip(ema.parameters(), model.parameters()):
        pe.lerp_(p.detach(), 1.0 - decay)
    for be, b in zip(ema.buffers(), model.buffers()):
        be.copy_(b)


@torch.no_grad()
def standing_statistics(generator, n_batches=50, batch_size=256, latent="gaussian", seed=0):
    """Recompute the batch-norm statistics of ``generator`` for its own weights ("standing statistics").

    An EMA generator's weights are an average, but the batch-norm running statistics it inherits (copied by
    :func:`update_ema`) were measured on the raw generator's activations. This resets them and measures the exact
    mean and variance of every batch-norm layer over ``n_batches`` batches of ``batch_size`` latent codes,

    .. math:: \\mu = \\frac{1}{B} \\sum_b \\mu_b, \\qquad \\sigma^2 = \\frac{1}{B} \\sum_b \\sigma_b^2
        \\quad\\text{(cumulative average, momentum None)},

    from a fixed latent stream ``seed``, so it is deterministic. The generator is left in eval mode.

    Parameters
    ----------
    generator : nn.Module
        With ``latent_dim``; a generator without batch norm is returned unchanged.

    Returns
    -------
    int
        The number of batch-norm layers recalibrated.

    References
    ----------
    Brock, Donahue, Simonyan (2019), "Large Scale GAN Training for High Fidelity Natural Image Synthesis", ICLR
    (Appendix C.1, standing statistics).
    """
    positive(n_batches, "n_batches", integer=True)
    positive(batch_size, "batch_size", integer=True)
    bns = [m for m in generator.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if not bns:
        return 0
    momenta = [m.momentum for m in bns]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
    device = next(generator.parameters()).device
    gen = torch.Generator().manual_seed(seed)
    generator.train()
    for _ in range(n_batches):
        generator(sample_latent(batch_size, generator.latent_dim, latent, generator=gen).to(device))
    for m, momentum in zip(bns, momenta):
        m.momentum = momentum
    generator.eval()
    return len(bns)


#: Optimizer fields that choose a kernel, not the arithmetic: a resumed optimizer keeps its own.
_KERNEL_FLAGS = ("fused", "foreach")


def adam(params, lr=2e-4, betas=(0.5, 0.999), fused=True):
    """Adam (Kingma & Ba, 2015) with PyTorch's fused kernel where it has one for the parameters' device.

    .. math:: m \\leftarrow \\beta_1 m + (1-\\beta_1) g,\\quad v \\leftarrow \\beta_2 v + (1-\\beta_2) g^2,\\quad
              \\theta \\leftarrow \\theta - \\eta\\, \\hat m / (\\sqrt{\\hat v} + \\epsilon)

    The fused kernel updates every tensor in one pass instead of one pass per elementwise operation: on this
    book's CPU it made the step of the MNIST MLPs' 1.9 million parameters 3-7x faster than PyTorch's default
    kernel (1.0 ms against 3.3-7.3 ms in repeated measurements on a shared machine; ``benchmarks/engine.md``).
    Same update, same state dict; the rounding differs, so a chaotic run (a GAN) follows another trajectory than
    with the default kernel.

    Parameters
    ----------
    params : iterable of Tensor
    lr : float
    betas : (float, float)
    fused : bool
        False keeps PyTorch's default kernel (on a CPU, one tensor at a time), the one the book's live 2-D runs
        were written against.

    Returns
    -------
    torch.optim.Adam
    """
    params = list(params)
    if not params:
        raise ValueError("params is empty: Adam needs at least one parameter")
    if not isinstance(fused, bool):
        raise TypeError(f"fused must be a bool, got {fused!r}")
    fused = fused and all(p.is_floating_point() and p.device.type in ("cpu", "cuda") for p in params)
    return torch.optim.Adam(params, lr=positive(lr, "lr"), betas=betas, fused=fused or None)


def _load_optimizer(opt, state):
    """``opt.load_state_dict(state)``, keeping ``opt``'s kernel choice (fused / foreach): a checkpoint made with
    the slower kernel would otherwise switch a resumed run to it."""
    flags = [{k: g[k] for k in _KERNEL_FLAGS if k in g} for g in opt.param_groups]
    opt.load_state_dict(state)
    for group, kept in zip(opt.param_groups, flags):
        group.update(kept)


def _grad_norm(params):
    return torch.nn.utils.clip_grad_norm_(params, float("inf"))


class Trainer:
    """Alternating critic / generator training with history, hooks and atomic checkpoints.

    Parameters
    ----------
    generator : nn.Module
        Maps latent codes of size ``generator.latent_dim`` to samples.
    critic : nn.Module or None
        The discriminator / critic; None for critic-free losses.
    data : Tensor or callable
        Real data: a tensor of samples (rows are drawn uniformly with replacement), or ``data(n)`` returning a
        fresh batch (a 2-D toy's ``sample``).
    generator_loss, critic_loss : callable
        ``loss(critic, real, fake) -> Tensor or (Tensor, dict)``.
    opt_generator, opt_critic : torch.optim.Optimizer, optional
        Default: Adam(lr 2e-4, betas (0.5, 0.999)).
    batch_size : int
    n_critic : int or callable
        Critic steps per iteration (5 for WGAN), or a schedule ``n_critic(step) -> int`` of the generator step.
    n_generator : int
        Generator steps per iteration (3 in OT-GAN, Salimans et al., 2018); ``step`` counts iterations.
    critic_hooks : list of callable
        Called as ``hook(critic)`` after every critic step (e.g. :class:`otgan.losses.WeightClipping`).
    latent : {"gaussian", "uniform"}
    config : dict
        Everything that defines the run; stored in checkpoints and compared before a checkpoint is reused.
    checkpoint_path : str, optional
        Where :meth:`train` saves every ``checkpoint_every`` steps and at the end, and resumes from.
    device : torch.device, optional
        Default: the generator's device.
    ema : float, optional
        Decay of the exponential moving average of the generator's weights (e.g. 0.999); its effective value at
        update ``t`` is ``min(ema, (1 + t) / (10 + t))`` so that early averages forget the initialization.
        :meth:`sample`, :attr:`sampler` and :meth:`export` use the average; ``generator`` is the raw one.
    augment : callable, optional
        Differentiable augmentation applied to every image the critic sees (real, fake, penalties, features).
    precision : {"fp32", "bf16"}
        ``"bf16"`` runs the losses under bfloat16 autocast (the weights and optimizers stay float32).
    budget_s : float, optional
        Training stops once ``elapsed`` (seconds spent in training steps, kept across resumes) reaches it. With a
        budget on a CPU device, ``elapsed`` counts the process's CPU time (:func:`time.process_time`: seconds of
        one thread when torch runs one thread), so a budget buys the same work on a machine shared with other
        jobs; otherwise, and on CUDA, it is wall-clock time.
    lr_decay : {None, "linear"}
        ``"linear"``: every learning rate decays linearly to zero over the run: over the ``n_steps`` of
        :meth:`train`, or over ``budget_s`` where the budget ends the run first (the further along of the two).
    standing_stats : bool or int
        With ``ema``: recompute the EMA generator's batch-norm statistics for its averaged weights
        (:func:`standing_statistics`) at the end of :meth:`train` and after :meth:`load_exported`, so that the
        exported and the loaded sampler are the same deterministic function. Samples drawn by a callback during
        training use the copied statistics. An int is the number of latent batches measured (``True``: 50).
    """

    def __init__(self, generator, critic, data, generator_loss, critic_loss=None, opt_generator=None,
                 opt_critic=None, batch_size=64, n_critic=1, critic_hooks=(), latent="gaussian", config=None,
                 checkpoint_path=None, checkpoint_every=500, device=None, n_generator=1, ema=None, augment=None,
                 precision="fp32", budget_s=None, lr_decay=None, standing_stats=False):
        positive(batch_size, "batch_size", integer=True)
        if lr_decay not in (None, "linear"):
            raise ValueError(f"lr_decay must be None or 'linear', got {lr_decay!r}")
        self.lr_decay = lr_decay
        if not callable(n_critic):
            positive(n_critic, "n_critic", integer=True, allow_zero=True)
        self.n_generator = positive(n_generator, "n_generator", integer=True)
        if ema is not None and not (isinstance(ema, float) and 0.0 <= ema < 1.0):
            raise ValueError(f"ema must be None or a decay in [0, 1), got {ema!r}")
        if augment is not None and not callable(augment):
            raise TypeError(f"augment must be None or callable, got {type(augment).__name__}")
        self.precision = choice(precision, "precision", PRECISIONS)
        self.budget_s = None if budget_s is None else positive(budget_s, "budget_s")
        if critic is None and n_critic:
            raise ValueError("critic is None, so n_critic must be 0")
        if critic is not None and n_critic and critic_loss is None:
            raise ValueError("critic_loss is required when a critic is trained (n_critic > 0)")
        if not (isinstance(data, torch.Tensor) or callable(data)):
            raise TypeError(f"data must be a tensor of samples or a callable data(n), got {type(data).__name__}")
        self.device = torch.device(device) if device is not None else next(generator.parameters()).device
        self.generator = generator.to(self.device)
        self.critic = critic.to(self.device) if critic is not None else None
        self.data = data.to(self.device) if isinstance(data, torch.Tensor) else data
        self.generator_loss, self.critic_loss = generator_loss, critic_loss
        self.opt_generator = opt_generator or adam(generator.parameters())
        self.opt_critic = opt_critic
        if critic is not None and opt_critic is None:
            self.opt_critic = adam(critic.parameters())
        self.batch_size, self.n_critic = batch_size, n_critic
        self.critic_hooks = list(critic_hooks)
        self.latent = latent
        self.config = dict(config or {})
        self.checkpoint_path = checkpoint_path
        self.checkpoint_every = positive(checkpoint_every, "checkpoint_every", integer=True)
        self.step = 0
        self.history = {"step": [], "time": [], "generator loss": [], "critic loss": []}
        self.elapsed = 0.0
        self.ema = ema
        self.standing_stats = 50 if standing_stats is True else \
            positive(standing_stats, "standing_stats", integer=True, allow_zero=True) if standing_stats else 0
        self.ema_generator = None
        if ema is not None:
            self.ema_generator = copy.deepcopy(self.generator).eval().requires_grad_(False)
        self.augment = augment
        self._critic_view = None
        if self.critic is not None:
            self._critic_view = AugmentedCritic(self.critic, augment) if augment is not None else self.critic
        self._parametrized = self.critic is not None and any(parametrize.is_parametrized(m)
                                                             for m in self.critic.modules())

    @property
    def sampler(self):
        """The generator to sample from: the weight average when ``ema`` is set, the raw generator otherwise."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    def _autocast(self):
        return torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.precision == "bf16")

    def _check_finite(self, what, value):
        if not math.isfinite(value):
            raise NonFiniteError(f"{what} became {value} at step {self.step + 1} (the last good checkpoint is "
                                 f"left as it was): lower the learning rate, try precision='fp32', or check the loss")

    def _once(self):
        """Within one update, compute the critic's parametrized weights (spectral norm's power iteration and
        :math:`W / \\sigma(W)`) once and reuse them for every call of the critic (real, fake, penalty, features):
        one power iteration per update, as Miyato et al. (2018) count it. A critic called twice per update (real,
        then fake) otherwise recomputed both, which made SN-GAN steps ~1.2x slower on a CPU."""
        return parametrize.cached() if self._parametrized else contextlib.nullcontext()

    def critic_steps(self):
        """Critic steps of the coming iteration (``n_critic``, or the schedule's value at this step)."""
        return int(self.n_critic(self.step)) if callable(self.n_critic) else self.n_critic

    def finished(self, n_steps, step=None, elapsed=None):
        """Whether a run at ``step`` / ``elapsed`` (default: this trainer's) has reached ``n_steps`` or the budget."""
        step = self.step if step is None else step
        elapsed = self.elapsed if elapsed is None else elapsed
        return step >= n_steps or (self.budget_s is not None and elapsed >= self.budget_s)

    # -- sampling ---------------------------------------------------------------------------------------------
    def real_batch(self, n=None):
        """A batch of real samples on the trainer's device."""
        n = n or self.batch_size
        if isinstance(self.data, torch.Tensor):
            idx = torch.randint(self.data.shape[0], (n,), device=self.data.device)
            return self.data[idx]
        return self.data(n).to(self.device)

    def sample_latent(self, n):
        return sample_latent(n, self.generator.latent_dim, self.latent, device=self.device)

    @torch.no_grad()
    def sample(self, n, z=None):
        """``n`` generated samples (the :attr:`sampler` in eval mode), detached."""
        g = self.sampler
        was_training = g.training
        g.eval()
        out = g(self.sample_latent(n) if z is None else z.to(self.device))
        g.train(was_training)
        return out

    # -- one iteration ----------------------------------------------------------------------------------------
    def train_step(self):
        """``n_critic`` critic updates then ``n_generator`` generator updates; returns the logs of this iteration."""
        logs = {}
        critic = self._critic_view
        for _ in range(self.critic_steps()):
            real = self.real_batch()
            with torch.no_grad(), self._autocast():
                fake = self.generator(self.sample_latent(self.batch_size))
            with self._once(), self._autocast():
                c_loss, c_logs = _split_logs(self.critic_loss(critic, real, fake.float()))
                value = float(c_loss.detach())
                self._check_finite("critic loss", value)
                self.opt_critic.zero_grad(set_to_none=True)
                c_loss.backward()
            self._check_finite("critic gradient norm", float(_grad_norm(self.critic.parameters())))
            self.opt_critic.step()
            for hook in self.critic_hooks:
                hook(self.critic)
            logs.update(c_logs)
            logs["critic loss"] = value
        if self.critic is not None:
            self.critic.requires_grad_(False)
        try:
            for _ in range(self.n_generator):
                real = self.real_batch()
                with self._once():
                    with self._autocast():
                        fake = self.generator(self.sample_latent(self.batch_size))
                        g_loss, g_logs = _split_logs(self.generator_loss(critic, real, fake.float()))
                    value = float(g_loss.detach())
                    self._check_finite("generator loss", value)
                    self.opt_generator.zero_grad(set_to_none=True)
                    g_loss.backward()
                grad_norm = float(_grad_norm(self.generator.parameters()))
                self._check_finite("generator gradient norm", grad_norm)
                self.opt_generator.step()
                if self.ema_generator is not None:
                    t = self.step * self.n_generator
                    update_ema(self.ema_generator, self.generator, min(self.ema, (1 + t) / (10 + t)))
        finally:
            if self.critic is not None:
                self.critic.requires_grad_(True)
        logs.update(g_logs)
        logs["generator loss"] = value
        logs["generator grad norm"] = grad_norm
        return logs

    def _decay_lr(self, n_steps):
        """Linear decay of every learning rate from its initial value at step 0 to ``1 / n_steps`` of it at the
        last step (Gulrajani et al., 2017, Appendix: the CIFAR-10 schedule); with a budget, the fraction of the run
        done is the larger of ``step / n_steps`` and ``elapsed / budget_s``, so a budgeted run ends near zero.
        Set from ``self.step`` and ``self.elapsed``, so a resumed run continues the same schedule."""
        done = self.step / max(n_steps, 1)
        if self.budget_s is not None:
            done = max(done, self.elapsed / self.budget_s)
        factor = max(1.0 - done, 0.0)
        for opt in (self.opt_generator, self.opt_critic):
            for group in [] if opt is None else opt.param_groups:
                group.setdefault("initial_lr", group["lr"])
                group["lr"] = group["initial_lr"] * factor

    def _record(self, logs):
        h = self.history
        h["step"].append(self.step)
        h["time"].append(self.elapsed)
        for key in set(h) | set(logs):
            if key in ("step", "time"):
                continue
            h.setdefault(key, [float("nan")] * (len(h["step"]) - 1)).append(logs.get(key, float("nan")))

    def train(self, n_steps, callback=None, callback_every=100, progress=True, desc=None):
        """Train until ``self.step == n_steps`` or the time budget ``budget_s`` is spent (resuming from
        ``checkpoint_path`` when it holds this config).

        Parameters
        ----------
        n_steps : int
            Total number of generator steps (not additional ones): a resumed run continues to the same end.
        callback : callable, optional
            ``callback(trainer)`` every ``callback_every`` steps and at the end (animation frames, metrics).
        progress : bool
            Show a tqdm bar.

        Returns
        -------
        dict
            The history: lists keyed by ``"step"``, ``"time"``, ``"generator loss"``, ``"critic loss"`` and any
            quantity the losses log.
        """
        positive(n_steps, "n_steps", integer=True, allow_zero=True)
        if self.checkpoint_path and os.path.exists(self.checkpoint_path) and self.step == 0:
            self.resume(self.checkpoint_path)
        bar = tqdm(total=n_steps, initial=min(self.step, n_steps), desc=desc or self.config.get("name", "training"),
                   disable=not progress, mininterval=1.0)
        self.generator.train()
        if self.critic is not None:
            self.critic.train()
        if callback is not None and self.step == 0:
            callback(self)
        clock = time.process_time if self.budget_s is not None and self.device.type == "cpu" else time.perf_counter
        while not self.finished(n_steps):
            t0 = clock()
            if self.lr_decay == "linear":
                self._decay_lr(n_steps)
            logs = self.train_step()
            self.elapsed += clock() - t0
            self.step += 1
            self._record(logs)
            bar.update(1)
            if self.step % 50 == 0:
                bar.set_postfix({k: f"{v:.3g}" for k, v in logs.items() if k.endswith("loss")}, refresh=False)
            last = self.finished(n_steps)
            if callback is not None and (self.step % callback_every == 0 or last):
                callback(self)
            if self.checkpoint_path and (self.step % self.checkpoint_every == 0 or last):
                self.save(self.checkpoint_path)
        bar.close()
        self._stand()
        return self.history

    def _stand(self):
        if self.standing_stats and self.ema_generator is not None:
            standing_statistics(self.ema_generator, n_batches=self.standing_stats, latent=self.latent)

    # -- checkpoints ------------------------------------------------------------------------------------------
    def state(self):
        """Everything needed to resume exactly: nets, optimizers, RNG states, step, history, config."""
        return {
            "config": self.config, "step": self.step, "elapsed": self.elapsed, "history": self.history,
            "generator": self.generator.state_dict(), "opt_generator": self.opt_generator.state_dict(),
            "ema_generator": None if self.ema_generator is None else self.ema_generator.state_dict(),
            "critic": None if self.critic is None else self.critic.state_dict(),
            "opt_critic": None if self.opt_critic is None else self.opt_critic.state_dict(),
            "rng_cpu": torch.get_rng_state(),
            "rng_cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None,
        }

    def save(self, path):
        """Save a resumable checkpoint atomically."""
        return save_checkpoint(path, self.state())

    def _check_config(self, ckpt, path):
        if ckpt.get("config") != self.config:
            raise ValueError(f"checkpoint {path!r} was made with another config:\n  theirs {ckpt.get('config')}\n"
                             f"  ours   {self.config}")

    def resume(self, path):
        """Restore nets, optimizers, RNG, step and history from a checkpoint of the same config."""
        ckpt = load_checkpoint(path, map_location=self.device)
        self._check_config(ckpt, path)
        self.generator.load_state_dict(ckpt["generator"])
        _load_optimizer(self.opt_generator, ckpt["opt_generator"])
        if self.ema_generator is not None:
            self.ema_generator.load_state_dict(ckpt["ema_generator"])
        if self.critic is not None:
            self.critic.load_state_dict(ckpt["critic"])
            _load_optimizer(self.opt_critic, ckpt["opt_critic"])
        torch.set_rng_state(ckpt["rng_cpu"].cpu())
        if ckpt.get("rng_cuda") is not None and torch.cuda.is_available():
            torch.cuda.set_rng_state_all([s.cpu() for s in ckpt["rng_cuda"]])
        self.step, self.elapsed, self.history = ckpt["step"], ckpt["elapsed"], ckpt["history"]
        return self

    def export(self, path, metrics=None):
        """Write a lean, shippable checkpoint: the :attr:`sampler` (the EMA generator when there is one) and the
        critic in float16, config, history, metrics."""
        state = {"config": self.config, "step": self.step, "elapsed": self.elapsed, "history": self.history,
                 "generator": half_state_dict(self.sampler),
                 "critic": None if self.critic is None else half_state_dict(self.critic),
                 "metrics": metrics or {}, "shipped": True}
        return save_checkpoint(path, state)

    def load_exported(self, path):
        """Load the weights and history of a checkpoint written by :meth:`export` (config must match)."""
        ckpt = load_checkpoint(path, map_location=self.device)
        self._check_config(ckpt, path)
        return self.load_weights(ckpt)

    def load_weights(self, ckpt):
        """Load an exported checkpoint's weights (a dict, as :meth:`export` writes it) into the nets, its step and
        history, and measure the standing statistics, without comparing configs: for a checkpoint of an earlier
        recipe of the same nets (:meth:`load_exported` checks the config first)."""
        load_state(self.generator, ckpt["generator"])
        if self.ema_generator is not None:
            load_state(self.ema_generator, ckpt["generator"])
        if self.critic is not None and ckpt.get("critic") is not None:
            load_state(self.critic, ckpt["critic"])
        self.step, self.elapsed, self.history = ckpt["step"], ckpt["elapsed"], ckpt["history"]
        self.metrics = ckpt.get("metrics", {})
        self._stand()
        return self


class SampleRecorder:
    """A :meth:`Trainer.train` callback that keeps the generator's output on fixed latents, and optional
    metrics, at each call: the frames of a training animation.

    Parameters
    ----------
    n : int
        Number of fixed latent codes.
    metric : callable, optional
        ``metric(samples) -> dict`` recorded beside each frame (e.g. 2-D mode coverage).
    """

    def __init__(self, n=500, metric=None, seed=0):
        self.n, self.metric, self.seed = n, metric, seed
        self.steps, self.frames, self.metrics = [], [], []
        self._z = None

    def __call__(self, trainer):
        if self._z is None:
            gen = torch.Generator().manual_seed(self.seed)
            self._z = sample_latent(self.n, trainer.generator.latent_dim, trainer.latent, generator=gen)
        x = trainer.sample(self.n, z=self._z).cpu()
        self.steps.append(trainer.step)
        self.frames.append(x)
        if self.metric is not None:
            self.metrics.append(self.metric(x))


def time_iterations(trainers, repeats=12, warmup=3, before=None):
    """Median time of one iteration (:meth:`Trainer.train_step`) of each trainer, their iterations interleaved.

    Round ``r`` runs one iteration of every trainer in turn, so that a machine shared with other jobs slows every
    configuration alike and their ratios hold. On a CPU the clock is the process's CPU time, which is what an
    equal budget (``budget_s``) counts; on CUDA, wall-clock time between device synchronizations. A trainer whose
    ``n_critic`` is a schedule (the reference WGAN's, :class:`otgan.losses.CriticSchedule`) is timed at its
    ordinary iteration: its schedule is replaced by the ordinary count.

    Parameters
    ----------
    trainers : sequence of Trainer
        Built trainers on one device; they are trained (``warmup + repeats`` iterations each).
    repeats : int, default 12
        Timed iterations per trainer; the median is returned.
    warmup : int, default 3
        Untimed iterations per trainer first (allocations, autotuning).
    before : callable, optional
        ``before(i)`` is called before each iteration of ``trainers[i]``, warm-up included, outside the clock
        (e.g. to select the kernel that trainer is measured with).

    Returns
    -------
    list of float
        Seconds per iteration, one per trainer.
    """
    trainers = list(trainers)
    if not trainers or not all(isinstance(t, Trainer) for t in trainers):
        raise TypeError(f"trainers must be a non-empty sequence of Trainer, got {trainers!r}")
    positive(repeats, "repeats", integer=True), positive(warmup, "warmup", integer=True, allow_zero=True)
    if before is not None and not callable(before):
        raise TypeError(f"before must be callable, got {before!r}")
    before = before or (lambda i: None)
    cuda = trainers[0].device.type == "cuda"
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    clock = time.perf_counter if cuda else time.process_time
    for i, tr in enumerate(trainers):
        if callable(tr.n_critic):
            tr.n_critic = tr.n_critic.n_critic
        for _ in range(warmup):
            before(i)
            tr.train_step()
    times = [[] for _ in trainers]
    for _ in range(repeats):
        for i, (tr, ts) in enumerate(zip(trainers, times)):
            before(i)
            sync()
            t0 = clock()
            tr.train_step()
            sync()
            ts.append(clock() - t0)
    return [statistics.median(ts) for ts in times]


def snapshot(module):
    """A detached deep copy of ``module`` in eval mode (e.g. to keep a generator from an earlier step)."""
    return copy.deepcopy(module).eval()
