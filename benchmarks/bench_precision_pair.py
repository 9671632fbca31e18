"""The paired checks behind each MNIST model's choice of arithmetic: the same model, the same budget, the other
precision.

    python benchmarks/bench_precision_pair.py dcgan gan_mlp   # book profile, one CPU thread, ~20 CPU-minutes each

For each named model the shipped checkpoint (``data/<name>.pt``, in the precision of its ``ModelSpec``) is paired with
a run of the same spec in the other precision (bf16 <-> fp32) for the protocol's budget. That run is trained with a
resumable checkpoint ``runs/<name>.<other>.pt`` and exported to ``runs/precision_pair/<name>.<other>.pt``; an export
already there (its config is checked on loading) is evaluated without training. Both are evaluated like the shipped
models (EMA generator with standing statistics, 1,000 samples against the 1,000 held-out digits) and the pair is
written to ``benchmarks/precision_pair_<name>.md`` (the DCGAN's to ``benchmarks/precision_pair.md``).
"""
import dataclasses
import os
import sys
import time

import torch

os.environ.setdefault("OTGAN_PROFILE", "book")

from otgan import metrics, models  # noqa: E402
from otgan.runtime import describe  # noqa: E402

KEYS = ("fid", "precision", "recall", "density", "coverage")
HERE = os.path.dirname(os.path.abspath(__file__))
OTHER = {"bf16": "fp32", "fp32": "bf16"}


def out_path(name):
    return os.path.join(HERE, "precision_pair.md" if name == "dcgan" else f"precision_pair_{name}.md")


def other_run(name, precision):
    """The model ``name`` in ``precision``: loaded from its export, else trained for the budget and exported."""
    spec = dataclasses.replace(models.REGISTRY[name], precision=precision)
    export = os.path.join("runs", "precision_pair", f"{name}.{precision}.pt")
    trainer, n_steps = models.build(spec, checkpoint_path=os.path.join("runs", f"{name}.{precision}.pt"))
    if os.path.exists(export):
        trainer.load_exported(export)  # refuses an export of another config
        return trainer
    trainer.train(n_steps, desc=f"{name} {precision}", progress=False)
    os.makedirs(os.path.dirname(export), exist_ok=True)
    trainer.export(export)
    return trainer


def pair(name):
    torch.set_num_threads(1)
    mine = models.REGISTRY[name].precision
    other = OTHER[mine]
    shipped = models.load([name])[name]
    rows = {f"{mine} (shipped)": (shipped, metrics.evaluate(shipped.sampler, n=1000))}
    run = other_run(name, other)
    rows[other] = (run, metrics.evaluate(run.sampler, n=1000))
    lines = [f"# Paired check: {name} in bf16 and in fp32, the same budget", "",
             f"`python benchmarks/bench_precision_pair.py {name}` — {describe()}; {time.strftime('%Y-%m-%d')}. Both "
             f"runs: the protocol's {models.BUDGET_S / 60:.0f} CPU-minutes of one thread, training seed 0, evaluated "
             "on the same 1,000 latent codes against the 1,000 held-out digits.", "",
             "| arithmetic | steps | CPU ms / step | " + " | ".join(KEYS) + " |", "|---|---|---|" + "---|" * len(KEYS)]
    for label, (tr, m) in rows.items():
        lines.append(f"| {label} | {tr.step:,} | {1000 * tr.elapsed / tr.step:.1f} | "
                     + " | ".join(f"{m[k]:.3f}" if k != "fid" else f"{m[k]:.1f}" for k in KEYS) + " |")
    by_precision = {mine: rows[f"{mine} (shipped)"], other: rows[other]}
    (tb, mb), (tf, mf) = by_precision["bf16"], by_precision["fp32"]
    lines += ["", f"bf16 makes {tb.step / tf.step:.2f}x the steps of fp32 in the same CPU time; its FID is "
              f"{'lower' if mb['fid'] < mf['fid'] else 'higher'} ({mb['fid']:.1f} against {mf['fid']:.1f}). One seed "
              "each; the runs were made on a machine shared with other training jobs, which also slows a step "
              "measured in CPU time (cache and memory traffic), so the step ratio varies between runs."]
    with open(out_path(name), "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print("\n".join(lines))


def main(argv=None):
    names = (sys.argv[1:] if argv is None else argv) or ["dcgan"]
    for name in names:
        if name not in models.REGISTRY:
            raise SystemExit(f"unknown model {name!r}; choose from {sorted(models.REGISTRY)}")
        pair(name)


if __name__ == "__main__":
    sys.exit(main())
