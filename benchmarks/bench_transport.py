"""Speed of the OT primitives of otgan.transport against POT, measured side by side in one run.

    python benchmarks/bench_transport.py            # writes benchmarks/transport.md

Timings are medians over repeats, forward + backward, on the device the package picks (CPU here).
"""
import os
import platform
import statistics
import sys
import time

import ot
import torch

from otgan import describe, device, seed_everything
from otgan import transport as T

REPEATS = int(os.environ.get("BENCH_REPEATS", 7))


def timeit(fn, repeats=REPEATS, warmup=1):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_sliced(dev):
    g = torch.Generator().manual_seed(0)
    x0, y0 = torch.randn(512, 784, generator=g).to(dev), torch.randn(512, 784, generator=g).to(dev) + 0.1
    proj = T.random_projections(784, 500, generator=g, device=dev)

    def ours():
        x = x0.clone().requires_grad_(True)
        T.sliced_wasserstein(x, y0, projections=proj).backward()
        return x.grad

    def pot():
        x = x0.clone().requires_grad_(True)
        ot.sliced_wasserstein_distance(x, y0, projections=proj).backward()
        return x.grad

    v_ours = T.sliced_wasserstein(x0, y0, projections=proj).item()
    v_pot = float(ot.sliced_wasserstein_distance(x0, y0, projections=proj))
    t_ours, t_pot = timeit(ours), timeit(pot)
    grad_gap = ((ours() - pot()).abs().max() / pot().abs().max()).item()
    return {"task": "SW2, 512 x 784, 500 projections, fwd+bwd", "ours_s": t_ours, "pot_s": t_pot,
            "speedup": t_pot / t_ours, "ours_value": v_ours, "pot_value": v_pot,
            "agreement": f"value rel. diff {abs(v_ours - v_pot) / v_pot:.1e}, grad rel. diff {grad_gap:.1e}"}


def bench_sinkhorn(dev):
    g = torch.Generator().manual_seed(1)
    x0, y0 = torch.randn(256, 2, generator=g).to(dev), torch.randn(256, 2, generator=g).to(dev) + 1
    a = torch.full((256,), 1 / 256, device=dev)

    def ours():
        x = x0.clone().requires_grad_(True)
        # the same algorithm as POT's sinkhorn_log: plain updates (no epsilon scaling, no over-relaxation)
        loss = T.sinkhorn(a, a, T.sqeuclidean_cost(x, y0), eps=0.05, n_iter=100, tol=0, eps_scaling=0,
                          relaxation=1).cost
        loss.backward()
        return loss

    def pot():
        x = x0.clone().requires_grad_(True)
        loss = ot.sinkhorn2(a, a, ot.dist(x, y0), 0.05, method="sinkhorn_log", numItermax=100, stopThr=0)
        loss.backward()
        return loss

    v_ours, v_pot = ours().item(), pot().item()
    t_ours, t_pot = timeit(ours), timeit(pot)
    # values agree to float32 round-off; in float64 the two implementations agree to ~1e-12
    x0, y0, a = x0.double(), y0.double(), a.double()
    v64_ours, v64_pot = ours().item(), pot().item()
    return {"task": "Sinkhorn loss, 256 x 256, log domain, eps 0.05, 100 it., fwd+bwd (float32)", "ours_s": t_ours,
            "pot_s": t_pot, "speedup": t_pot / t_ours, "ours_value": v_ours, "pot_value": v_pot,
            "agreement": f"value rel. diff {abs(v_ours - v_pot) / abs(v_pot):.1e} in float32, "
                         f"{abs(v64_ours - v64_pot) / abs(v64_pot):.1e} in float64"}


def bench_max_sliced(dev):
    g = torch.Generator().manual_seed(2)
    x0 = torch.randn(512, 784, generator=g).to(dev)
    scale = torch.ones(784)
    scale[:5] = torch.tensor([1.6, 1.5, 1.4, 1.3, 1.2])  # a few stretched directions, hidden in 784-d
    y0 = (torch.randn(512, 784, generator=g) * scale).to(dev)
    t_ours = timeit(lambda: T.max_sliced_wasserstein(x0, y0, n_init=16, n_steps=30, generator=g), repeats=3)
    v_ours = T.max_sliced_wasserstein(x0, y0, n_init=16, n_steps=30, generator=g)[0].item()
    # POT's max over random directions, given as many directions as fit in the same wall time
    t_per_1000 = timeit(lambda: ot.max_sliced_wasserstein_distance(x0, y0, n_projections=1000, seed=0), repeats=3)
    n_equal = max(1, int(1000 * t_ours / t_per_1000))
    t_pot = timeit(lambda: ot.max_sliced_wasserstein_distance(x0, y0, n_projections=n_equal, seed=0), repeats=3)
    v_pot = float(ot.max_sliced_wasserstein_distance(x0, y0, n_projections=n_equal, seed=0))
    return {"task": f"max-SW2, 512 x 784: ours (16 starts + 30 ascent steps) vs POT with {n_equal} random "
                    "directions (as many as fit in our time)", "ours_s": t_ours, "pot_s": t_pot, "speedup": t_pot / t_ours,
            "ours_value": v_ours, "pot_value": v_pot, "agreement": f"ours / POT value = {v_ours / v_pot:.2f}"}


def main(out=os.path.join(os.path.dirname(__file__), "transport.md")):
    seed_everything(0)
    dev = device()
    rows = [bench_sliced(dev), bench_sinkhorn(dev), bench_max_sliced(dev)]
    lines = ["# Benchmark: otgan.transport vs POT", "",
             f"`python benchmarks/bench_transport.py` — {describe()}; POT {ot.__version__}; "
             f"{platform.processor() or platform.machine()}; median of {REPEATS} runs; "
             f"{time.strftime('%Y-%m-%d')}.", "",
             "| task | otgan (s) | POT (s) | POT / otgan | otgan value | POT value | check |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['task']} | {r['ours_s']:.4f} | {r['pot_s']:.4f} | {r['speedup']:.2f}x | "
                     f"{r['ours_value']:.6g} | {r['pot_value']:.6g} | {r['agreement']} |")
    text = "\n".join(lines) + "\n"
    with open(out, "w") as fh:
        fh.write(text)
    print(text)
    return rows


if __name__ == "__main__":
    main(*sys.argv[1:])
