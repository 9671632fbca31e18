"""Time per training iteration of every MNIST model of the book (critic steps + generator steps), in float32 and
under bfloat16 autocast, on the CPU (one thread, as the shipped models were trained) and, when there is one, on
the GPU.

    python benchmarks/bench_training.py            # writes benchmarks/training.md

One iteration is what ``Trainer.train_step`` does: ``n_critic`` critic updates then ``n_generator`` generator
updates, at the model's batch size (the WGAN-clip reference schedule's 100-step bursts are not timed: the
table shows its ordinary iteration). On the CPU the time is the process's CPU time (:func:`time.process_time`),
what the equal budget counts; on a GPU, wall-clock time between synchronizations. fp32 and bf16 iterations
alternate, so that a machine shared with other jobs slows both alike; median over repeats after warm-up. bf16 is
used by a model where this table shows it faster (``precision`` in its config).
"""
import os
import platform
import sys
import time

import torch

from otgan import describe, models, seed_everything, training
from otgan.data import load_mnist
from otgan.nets import count_parameters

REPEATS = int(os.environ.get("BENCH_REPEATS", 15))
#: Variants timed beside the registry's models: WGAN-GP at the other MLP models' width (512 units; the registry's
#: WGAN-GP has 256), so that the WGAN critics' iterations can be compared at equal width.
VARIANT_ROWS = ("wgan_gp_mlp_h512",)


PRECISIONS = ("fp32", "bf16")


def choice_paragraph(rows):
    """The paragraph that says which models train in bf16, its numbers taken from ``rows`` (this run's table)."""
    speed = {r["model"]: r["cpu fp32"] / r["cpu bf16"] for r in rows}
    bf16 = [m for m in speed if next(r for r in rows if r["model"] == m)["uses"] == "bf16"]
    fp32 = [m for m in speed if m not in bf16]
    lo, hi = min(bf16, key=speed.get), max(bf16, key=speed.get)
    kept = "; ".join(f"{m}, {speed[m]:.2f}x" for m in fp32)
    return ("**The choice.** A model trains under bf16 autocast where this table shows it faster and its run of "
            "the whole budget in bf16 ended no worse than its float32 run, with one exception (below): "
            f"{len(bf16)} of the {len(rows)} models, from {speed[lo]:.2f}x ({lo}) to {speed[hi]:.2f}x ({hi}) the "
            "speed of float32 per iteration here. The DCGAN, the MLP GAN, OT-GAN, the SN-GAN and WGAN-GP were compared "
            "with paired runs of the same budget (`precision_pair*.md`); the others with the float32 runs their bf16 "
            "runs replaced (`engine.md`). The exception is WGAN-GP at its 256 units, where bf16 buys no speed (its "
            "paired float32 run made more steps and ended level with it, `precision_pair_wgan_gp_mlp.md`); it keeps "
            "bf16, in which its 512-unit runs were made, so that the comparison of the two widths changes the width "
            "alone. In float32: "
            + (kept or "none") + " (the pixel-space sliced loss's sorts and "
            "projections gain nothing from bf16; the plain-W-loss SN model is the WGAN chapter's counter-example, "
            "trained for a fixed number of steps and kept as it was measured).")


def main(out="benchmarks/training.md", threads=1):
    torch.set_num_threads(threads)
    seed_everything(0)
    real = load_mnist("train").images
    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    rows = []
    for name in [*models.REGISTRY, *VARIANT_ROWS]:
        row = {"model": name}
        for dev in devices:
            trainers = [models.build(name, device=dev, data=real)[0] for _ in PRECISIONS]
            for tr, prec in zip(trainers, PRECISIONS):
                tr.precision = prec
            for prec, t in zip(PRECISIONS, training.time_iterations(trainers, REPEATS)):
                row[f"{dev.type} {prec}"] = t
            trainer = trainers[0]
            row["uses"] = trainer.config.get("precision", "fp32")
            row["params G"] = count_parameters(trainer.generator)
            row["params D"] = count_parameters(trainer.critic) if trainer.critic is not None else 0
            row["loop"] = (f"{trainer.critic_steps()} critic + {trainer.n_generator} generator, "
                           f"batch {trainer.batch_size}")
        print(name, {k: v for k, v in row.items() if k != "model"}, flush=True)
        rows.append(row)
    cols = [f"{d.type} {p}" for d in devices for p in PRECISIONS]
    lines = ["# Benchmark: one training iteration of each MNIST model, fp32 and bf16", "",
             f"`python benchmarks/bench_training.py` — {describe()}; {platform.machine()}; torch threads "
             f"{torch.get_num_threads()}; CPU time (GPU: wall-clock), median of {REPEATS} iterations after 3 warm-up, fp32 and bf16 "
             f"interleaved; {time.strftime('%Y-%m-%d')}. *speed-up* = fp32 / bf16 time; *uses*: the precision "
             "in the model's config.", "",
             "| model | iteration | params G | params D | " + " | ".join(f"{c} (ms)" for c in cols)
             + " | speed-up | uses |",
             "|---|---|---|---|" + "---|" * len(cols) + "---|---|"]
    for r in rows:
        lines.append(f"| {r['model']} | {r['loop']} | {r['params G']:,} | {r['params D']:,} | "
                     + " | ".join(f"{r[c] * 1000:.1f}" for c in cols)
                     + f" | {r['cpu fp32'] / r['cpu bf16']:.2f}x | {r['uses']} |")
    lines += ["", "Under bf16 autocast the library runs the Sinkhorn solves (sinkhorn_mlp, sinkhorn_two_batch_mlp, "
              "otgan_mlp) and the gradient penalty in float32 (log-domain potentials at small eps need more than "
              "bf16's 8-bit mantissa), so their bf16 column times the nets in bf16 and those parts in float32. "
              "The times are CPU time, as the equal budget counts it; an earlier version of this table timed "
              "wall-clock medians on the machine shared with training jobs, and with the optimizer's unfused "
              "kernel, and put bf16 at 0.86x to 1.09x for the MLPs, which kept them in float32 "
              "(`engine.md` compares the kernels).", "",
              choice_paragraph([r for r in rows if r["model"] in models.REGISTRY]), "",
              "Below the registry's models: " + ", ".join(VARIANT_ROWS) + " (a variant: WGAN-GP at the other MLP "
              "models' width of 512 units, the registry's WGAN-GP having 256), timed for a comparison of the WGAN "
              "critics' iterations at equal width."]
    if not torch.cuda.is_available():
        lines += ["", "No GPU was available for this run; the GPU columns appear when one is."]
    with open(out, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
