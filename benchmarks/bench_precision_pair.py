"""The paired check behind the DCGAN's bf16 choice: the same model, the same budget, in float32.

    python benchmarks/bench_precision_pair.py        # book profile, one CPU thread, ~20 CPU-minutes (resumable)

Trains ``REGISTRY["dcgan"]`` with ``precision="fp32"`` for the protocol's budget (checkpoint
``runs/dcgan.fp32.pt``, so a killed run resumes), evaluates it like the shipped bf16 model (EMA generator with
standing statistics, 1,000 samples against the 1,000 held-out digits) and writes ``benchmarks/precision_pair.md``.
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


def main(name="dcgan", out=os.path.join(os.path.dirname(os.path.abspath(__file__)), "precision_pair.md")):
    torch.set_num_threads(1)
    rows = {}
    shipped = models.load([name])[name]
    rows["bf16 (shipped)"] = (shipped, metrics.evaluate(shipped.sampler, n=1000))
    spec = dataclasses.replace(models.REGISTRY[name], precision="fp32")
    fp32, n_steps = models.build(spec, checkpoint_path=os.path.join("runs", f"{name}.fp32.pt"))
    fp32.train(n_steps, desc=f"{name} fp32", progress=False)
    rows["fp32"] = (fp32, metrics.evaluate(fp32.sampler, n=1000))
    lines = [f"# Paired check: {name} in bf16 and in fp32, the same budget", "",
             f"`python benchmarks/bench_precision_pair.py` — {describe()}; {time.strftime('%Y-%m-%d')}. Both runs: "
             f"the protocol's {models.BUDGET_S / 60:.0f} CPU-minutes of one thread, training seed 0, evaluated on "
             "the same 1,000 latent codes against the 1,000 held-out digits.", "",
             "| arithmetic | steps | CPU ms / step | " + " | ".join(KEYS) + " |", "|---|---|---|" + "---|" * len(KEYS)]
    for label, (tr, m) in rows.items():
        lines.append(f"| {label} | {tr.step:,} | {1000 * tr.elapsed / tr.step:.1f} | "
                     + " | ".join(f"{m[k]:.3f}" if k != "fid" else f"{m[k]:.1f}" for k in KEYS) + " |")
    (tb, mb), (tf, mf) = rows["bf16 (shipped)"], rows["fp32"]
    lines += ["", f"bf16 makes {tb.step / tf.step:.2f}x the steps of fp32 in the same CPU time; its FID is "
              f"{'lower' if mb['fid'] < mf['fid'] else 'higher'} ({mb['fid']:.1f} against {mf['fid']:.1f}). One seed "
              "each; the runs were made on a machine shared with other training jobs, which also slows a step "
              "measured in CPU time (cache and memory traffic), so the step ratio varies between runs."]
    with open(out, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
