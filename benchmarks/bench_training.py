"""Time per training iteration of every MNIST model of the book (critic steps + generator steps), in float32 and
under bfloat16 autocast, on the CPU (one thread, as the shipped models were trained) and, when there is one, on
the GPU.

    python benchmarks/bench_training.py            # writes benchmarks/training.md

One iteration is what ``Trainer.train_step`` does: ``n_critic`` critic updates then ``n_generator`` generator
updates, at the model's batch size (the WGAN-clip reference schedule's 100-step bursts are not timed: the
table shows its ordinary iteration). fp32 and bf16 iterations alternate, so that a machine shared with other
jobs slows both alike; median over repeats after warm-up. bf16 is used by a model only where this table shows it
faster (``precision`` in its config).
"""
import os
import platform
import statistics
import sys
import time

import torch

from otgan import describe, models, seed_everything
from otgan.data import load_mnist
from otgan.nets import count_parameters

REPEATS = int(os.environ.get("BENCH_REPEATS", 15))


PRECISIONS = ("fp32", "bf16")


def time_steps(trainers, repeats=REPEATS, warmup=3):
    """Median seconds per ``train_step`` of each trainer, their iterations interleaved."""
    for tr in trainers:
        if callable(tr.n_critic):             # a schedule (WGAN-clip): time its ordinary iteration
            tr.n_critic = tr.n_critic.n_critic
        for _ in range(warmup):
            tr.train_step()
    sync = torch.cuda.synchronize if trainers[0].device.type == "cuda" else (lambda: None)
    times = [[] for _ in trainers]
    for _ in range(repeats):
        for tr, ts in zip(trainers, times):
            sync()
            t0 = time.perf_counter()
            tr.train_step()
            sync()
            ts.append(time.perf_counter() - t0)
    return [statistics.median(ts) for ts in times]


def choice_paragraph(rows):
    """The paragraph that says which models train in bf16, its numbers taken from ``rows`` (this run's table)."""
    speed = {r["model"]: r["cpu fp32"] / r["cpu bf16"] for r in rows}
    others = {m: v for m, v in speed.items() if m not in ("dcgan", "gan_mlp", "sngan_hinge_mlp")}
    lo, hi = min(others, key=others.get), max(others, key=others.get)
    dcgan = f"{speed['dcgan']:.2f}x per iteration in this table" if "dcgan" in speed else "more per iteration"
    return ("**The choice.** bf16 is used where a paired run of the whole budget in each arithmetic "
            "(`benchmarks/bench_precision_pair.py NAME`) shows it makes more steps and ends no worse: the DCGAN, "
            f"whose convolutions gain {dcgan} and whose paired run made more steps with a lower FID "
            "(`precision_pair.md`), and the MLP GAN, whose bf16 run made more steps and reached a lower FID "
            "(`precision_pair_gan_mlp.md`; one seed in float32, whose FID is above all three of its bf16 seeds "
            "in the comparison chapter; no float32 seed spread was measured). The SN-GAN hinge model's three seeds retrained in bf16 made as many "
            "steps as its float32 seeds and ended no lower (`precision_pair_sngan_hinge_mlp_seeds.md`), so it stays "
            f"in fp32. The other models range from {others[lo]:.2f}x ({lo}) to {others[hi]:.2f}x ({hi}) per "
            "iteration here, a ratio that moves between runs on a shared machine; they train in fp32 until paired "
            "runs of the whole budget are made.")


def main(out="benchmarks/training.md", threads=1):
    torch.set_num_threads(threads)
    seed_everything(0)
    real = load_mnist("train").images
    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    rows = []
    for name in models.REGISTRY:
        row = {"model": name}
        for dev in devices:
            trainers = [models.build(name, device=dev, data=real)[0] for _ in PRECISIONS]
            for tr, prec in zip(trainers, PRECISIONS):
                tr.precision = prec
            for prec, t in zip(PRECISIONS, time_steps(trainers)):
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
             f"{torch.get_num_threads()}; median of {REPEATS} iterations after 3 warm-up, fp32 and bf16 "
             f"interleaved; {time.strftime('%Y-%m-%d')}. *speed-up* = fp32 / bf16 time; *uses*: the precision "
             "in the model's config.", "",
             "| model | iteration | params G | params D | " + " | ".join(f"{c} (ms)" for c in cols)
             + " | speed-up | uses |",
             "|---|---|---|---|" + "---|" * len(cols) + "---|---|"]
    for r in rows:
        lines.append(f"| {r['model']} | {r['loop']} | {r['params G']:,} | {r['params D']:,} | "
                     + " | ".join(f"{r[c] * 1000:.1f}" for c in cols)
                     + f" | {r['cpu fp32'] / r['cpu bf16']:.2f}x | {r['uses']} |")
    lines += ["", "The models that solve Sinkhorn problems (sinkhorn_mlp, otgan_mlp) train in fp32, and under bf16 "
              "autocast the library runs their solves in float32 anyway (log-domain potentials at small eps need "
              "more than bf16's 8-bit mantissa), so their bf16 column times the nets in bf16 and the solves in "
              "float32. The times are wall-clock medians on a machine shared with training jobs (two cores): upper "
              "bounds, about twice the CPU time per step that a whole-budget run measures (the paired runs' \"CPU "
              "ms / step\"). Interleaving exposes both arithmetics to the same load, but the ratio still moves "
              "between runs: compare ratios within this table, not times across tables.", "",
              choice_paragraph(rows)]
    if not torch.cuda.is_available():
        lines += ["", "No GPU was available for this run; the GPU columns appear when one is."]
    with open(out, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
