"""Rename a shipped MNIST model: move ``data/OLD[.seedK].pt`` to ``data/NEW[.seedK].pt`` for every training seed
shipped, and write NEW into each checkpoint's ``config["name"]`` (the weights, steps, history and metrics are kept).

    python tools/rename_checkpoint.py wgan_gp_mlp wgan_gp_mlp_h512   # then
    python tools/rename_checkpoint.py wgan_gp_mlp_h256 wgan_gp_mlp

Used when a variant becomes the registry's model (and the model a variant): the run is the same, only the name
under which the book loads it changes. Refuses to overwrite an existing file.
"""
import argparse
import glob
import os
import re

from otgan.checkpoint import load_checkpoint, save_checkpoint


def rename(old, new, data_dir="data"):
    """Move every ``data_dir/old[.seedK].pt`` to ``data_dir/new[.seedK].pt`` with ``config["name"] = new``."""
    paths = [p for p in glob.glob(os.path.join(data_dir, f"{old}*.pt"))
             if re.fullmatch(re.escape(old) + r"(\.seed\d+)?\.pt", os.path.basename(p))]
    if not paths:
        raise FileNotFoundError(f"no data/{old}[.seedK].pt in {data_dir}")
    moves = [(p, os.path.join(data_dir, new + os.path.basename(p)[len(old):])) for p in sorted(paths)]
    for _, dst in moves:
        if os.path.exists(dst):
            raise FileExistsError(f"{dst} exists: rename it first")
    for src, dst in moves:
        ck = load_checkpoint(src)
        if ck["config"]["name"] != old:
            raise ValueError(f"{src} holds {ck['config']['name']!r}, not {old!r}")
        ck["config"]["name"] = new
        save_checkpoint(dst, ck)
        os.remove(src)
        print(f"{src} -> {dst}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--data-dir", default="data")
    a = ap.parse_args()
    rename(a.old, a.new, a.data_dir)
