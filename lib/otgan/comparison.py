"""Every loss of the book on the same 2-D toys and every MNIST model on the same metrics: the tables of the
comparison chapter.

The 2-D table trains one generator per (toy, loss) with the same architecture, seed and number of steps; it
is written to ``data/toy_comparison.json`` by ``python -m otgan.reproduce`` (or :func:`load_or_run_toys`), so
the ``book`` profile reads it instead of retraining 24 generators.
"""
import json
import os
import time

import torch

from . import ot_losses
from .data import toy
from .metrics import toy_metrics
from .models import toy_direct_trainer, toy_otgan_trainer, toy_trainer
from .runtime import data_path, profile, seed_everything, settings

TOYS = ("8gaussians", "25gaussians", "swissroll")
TOY_LOSSES = ("minimax", "nonsaturating", "wgan", "wgan-sn", "wgan-gp", "sliced", "sinkhorn", "otgan")
TOY_FILE = "toy_comparison.json"
TOY_COMMAND = "python -m otgan.reproduce --profile book --only toys"


def toy_path(must_exist=False):
    """Where the shipped 2-D table lives, ``<data>/toy_comparison.json`` (:func:`otgan.runtime.data_dir`, resolved
    at call time). With ``must_exist`` a missing file is a FileNotFoundError naming the command that makes it."""
    return data_path(TOY_FILE, make=TOY_COMMAND if must_exist else None)


def toy_steps():
    """Generator steps per 2-D run: 20 (smoke), 1,000 (book), 10,000 (full)."""
    return settings(smoke=20, book=1000, full=10000)


def _toy_run(target, loss):
    if loss in ("minimax", "nonsaturating"):
        return toy_trainer(target, loss)
    if loss == "wgan":
        return toy_trainer(target, "wgan", lr_generator=5e-5, lr_critic=5e-5)
    if loss in ("wgan-sn", "wgan-gp"):
        return toy_trainer(target, loss, lr_generator=1e-4, lr_critic=1e-4)
    if loss == "sliced":
        return toy_direct_trainer(target, n_projections=50)
    if loss == "sinkhorn":
        return toy_direct_trainer(target, loss=ot_losses.SinkhornGeneratorLoss(0.1, n_iter=50), batch_size=128)
    return toy_otgan_trainer(target, eps=0.1, n_iter=20)


def run_toys(steps, toys=TOYS, losses=TOY_LOSSES, seed=0, n_eval=2000):
    """Train a generator for every (toy, loss) pair for ``steps`` generator steps and measure it.

    Returns
    -------
    list of dict
        One row per pair: toy, loss, modes covered (mixtures), high-quality rate, exact W1 and W2 to the
        target (:func:`otgan.metrics.toy_metrics`), seconds, ms per step.
    """
    rows = []
    for name in toys:
        target = toy(name)
        for loss in losses:
            seed_everything(seed)
            trainer = _toy_run(target, loss)
            t0 = time.perf_counter()
            trainer.train(steps, progress=False)
            seconds = time.perf_counter() - t0
            m = toy_metrics(trainer.sample(n_eval).cpu(), target, n_ref=n_eval, seed=seed)
            rows.append({"toy": name, "loss": loss, "steps": steps, **m, "seconds": seconds,
                         "ms per step": 1000 * seconds / max(steps, 1)})
    return rows


def load_or_run_toys(steps, path=None, **kwargs):
    """The rows of :func:`run_toys`, read from ``path`` (default :func:`toy_path`) when it holds a run with this
    many steps, otherwise computed (and not written; ``python -m otgan.reproduce`` writes the shipped file).
    The ``book`` profile never computes them (minutes): there a missing or mismatched file is an error naming
    the command that makes it."""
    book = profile() == "book"
    if path is None:
        try:
            path = toy_path(must_exist=book)
        except FileNotFoundError:
            if book:
                raise
    if path is not None and os.path.exists(path):
        with open(path) as fh:
            stored = json.load(fh)
        if stored.get("steps") == steps:
            print(f"2-D comparison: read {os.path.basename(path)} ({steps} steps per run, made by {TOY_COMMAND})")
            return stored["rows"]
        if book:
            raise ValueError(f"{path} holds runs of {stored.get('steps')} steps, the book profile wants {steps}: "
                             f"remake it with `{TOY_COMMAND} --force`")
    elif book:
        raise FileNotFoundError(f"{path} is missing: make it with `{TOY_COMMAND}`")
    print(f"2-D comparison: training {len(kwargs.get('toys', TOYS)) * len(kwargs.get('losses', TOY_LOSSES))} "
          f"generators for {steps} steps each")
    return run_toys(steps, **kwargs)


def write_toys(steps, path=None, **kwargs):
    """Run :func:`run_toys` and write its rows to ``path`` (JSON; default :func:`toy_path`)."""
    path = path or toy_path()
    rows = run_toys(steps, **kwargs)
    tmp = path + ".tmp"
    with open(tmp, "w") as fh:
        json.dump({"steps": steps, "torch": torch.__version__, "rows": rows}, fh, indent=1)
    os.replace(tmp, path)
    return rows
