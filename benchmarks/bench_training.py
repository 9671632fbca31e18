"""Time per training iteration of every MNIST model of the book (critic steps + generator steps), on the CPU and,
when there is one, on the GPU.

    python benchmarks/bench_training.py            # writes benchmarks/training.md

One iteration is what ``Trainer.train_step`` does: ``n_critic`` critic updates then ``n_generator`` generator
updates, at the model's batch size. Median over repeats after warm-up.
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


def time_step(trainer, repeats=REPEATS, warmup=3):
    for _ in range(warmup):
        trainer.train_step()
    sync = torch.cuda.synchronize if trainer.device.type == "cuda" else (lambda: None)
    times = []
    for _ in range(repeats):
        sync()
        t0 = time.perf_counter()
        trainer.train_step()
        sync()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(out="benchmarks/training.md"):
    seed_everything(0)
    real = load_mnist("train").images
    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    rows = []
    for name in models.REGISTRY:
        row = {"model": name}
        for dev in devices:
            trainer, _ = models.build(name, device=dev, data=real)
            row[dev.type] = time_step(trainer)
            row["params G"] = count_parameters(trainer.generator)
            row["params D"] = count_parameters(trainer.critic) if trainer.critic is not None else 0
            row["loop"] = (f"{trainer.n_critic} critic + {trainer.n_generator} generator, "
                           f"batch {trainer.batch_size}")
        print(name, {k: v for k, v in row.items() if k != "model"}, flush=True)
        rows.append(row)
    cols = [d.type for d in devices]
    lines = ["# Benchmark: one training iteration of each MNIST model", "",
             f"`python benchmarks/bench_training.py` — {describe()}; {platform.machine()}; median of {REPEATS} "
             f"iterations after 3 warm-up; {time.strftime('%Y-%m-%d')}.", "",
             "| model | iteration | params G | params D | " + " | ".join(f"{c} (ms)" for c in cols) + " |",
             "|---|---|---|---|" + "---|" * len(cols)]
    for r in rows:
        lines.append(f"| {r['model']} | {r['loop']} | {r['params G']:,} | {r['params D']:,} | "
                     + " | ".join(f"{r[c] * 1000:.1f}" for c in cols) + " |")
    if not torch.cuda.is_available():
        lines += ["", "No GPU was available for this run; the GPU column appears when one is."]
    with open(out, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
