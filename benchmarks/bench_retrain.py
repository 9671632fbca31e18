"""What a retraining round changed: every shipped MNIST checkpoint of ``data/`` beside the one it replaced.

    python benchmarks/bench_retrain.py REV        # writes benchmarks/retrain.md and benchmarks/retrain.json

``REV`` is the git revision that holds the replaced checkpoints (e.g. the commit before the round). A row is made
for every ``data/*.pt`` with metrics whose bytes differ from ``REV``'s: steps, arithmetic, FID (and its ratio to
real vs real), precision, recall, coverage and smallest class share, before and after. Both checkpoints are
evaluated here, the same way as the chapters evaluate a model: the EMA generator with its standing batch-norm
statistics, 1,000 samples from the seed-0 latent codes against the 1,000 held-out digits, the book's classifier.
The metrics stored in a checkpoint are not used: those of earlier checkpoints were computed by an earlier
evaluation and differ from what the chapters measure on the same weights (``wgan_gp_mlp`` before this round:
stored FID 143.9, measured 131.6).
"""
import io
import json
import os
import subprocess
import sys
import time

import torch

from otgan import metrics, models
from otgan.runtime import data_dir

COLUMNS = ("fid", "precision", "recall", "coverage")


def _checkpoint_at(rev, relpath):
    """The checkpoint ``relpath`` (relative to the repository) at git revision ``rev``, or None."""
    out = subprocess.run(["git", "show", f"{rev}:{relpath}"], capture_output=True, check=False)
    if out.returncode != 0:
        return None
    return torch.load(io.BytesIO(out.stdout), map_location="cpu", weights_only=False)


def evaluate(name, ckpt, seed=0, n=1000):
    """The chapters' evaluation of the generator in ``ckpt`` (a checkpoint of model ``name``): its weights in the
    model's nets, standing statistics measured for them, ``n`` samples from the seed-``seed`` latent codes."""
    trainer, _ = models.build(name, data=torch.zeros(8, 1, 28, 28), device="cpu")
    trainer.load_weights(ckpt)
    return metrics.evaluate(trainer.sampler.float(), n=n, seed=seed)


def rows_against(rev):
    """One dict per checkpoint of ``data/`` that differs from ``rev``'s, with both evaluations."""
    folder = data_dir()
    root = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                          cwd=folder, check=True).stdout.strip()
    rows = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".pt"):
            continue
        path = os.path.join(folder, name)
        now = torch.load(path, map_location="cpu", weights_only=False)
        if not isinstance(now, dict) or "metrics" not in now or "fid" not in now["metrics"]:
            continue
        before = _checkpoint_at(rev, os.path.relpath(path, root))
        if before is None or before.get("metrics") == now["metrics"]:
            continue
        row = {"model": name[:-3]}
        for when, ck in (("before", before), ("after", now)):
            m = evaluate(ck["config"]["name"], ck)
            row[when] = {"steps": int(ck["step"]), "precision_mode": ck["config"].get("precision", "fp32"),
                         **{c: float(m[c]) for c in COLUMNS}, "smallest_class": float(min(m["class_hist"]))}
        rows.append(row)
    return rows


def main(rev):
    real = metrics.real_vs_real(n=1000)["fid"]
    rows = rows_against(rev)
    lines = ["# Retraining: each replaced MNIST checkpoint beside its replacement", "",
             f"`python benchmarks/bench_retrain.py {rev}` — {time.strftime('%Y-%m-%d')}; both checkpoints evaluated "
             "here as the chapters evaluate a model (EMA generator, standing statistics, 1,000 samples from the "
             f"seed-0 latent codes against the 1,000 held-out digits); FID ratio to real vs real ({real:.1f}).", "",
             "| model | steps | arithmetic | FID | FID / real | precision | recall | coverage | smallest class |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        b, a = r["before"], r["after"]
        lines.append(f"| {r['model']} | {b['steps']:,} → {a['steps']:,} ({a['steps'] / b['steps']:.2f}x) | "
                     f"{b['precision_mode']} → {a['precision_mode']} | {b['fid']:.1f} → {a['fid']:.1f} | "
                     f"{b['fid'] / real:.2f}x → {a['fid'] / real:.2f}x | "
                     f"{b['precision']:.3f} → {a['precision']:.3f} | "
                     f"{b['recall']:.3f} → {a['recall']:.3f} | {b['coverage']:.3f} → {a['coverage']:.3f} | "
                     f"{b['smallest_class']:.3f} → {a['smallest_class']:.3f} |")
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "retrain")
    with open(out + ".md", "w") as fh:
        fh.write("\n".join(lines) + "\n")
    with open(out + ".json", "w") as fh:
        json.dump({"before": rev, "real_fid": real, "rows": rows}, fh, indent=1)
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python benchmarks/bench_retrain.py REV (the git revision holding the replaced checkpoints)")
    sys.exit(main(sys.argv[1]))
