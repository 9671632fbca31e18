# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# (ch-benchmarks)=
# # Benchmarks
#
# Two recorded benchmarks live in `benchmarks/`: the optimal-transport primitives of `otgan.transport` against
# POT on the same inputs, and one training iteration of every MNIST model of the book. Each script writes the
# Markdown file shown here; rerun them on your machine (and on a GPU, where the training benchmark adds a
# column) with
#
# ```
# python benchmarks/bench_transport.py
# python benchmarks/bench_training.py
# ```
#
# The tables below are the recorded outputs (they are not recomputed when the book is built: timings depend on
# the machine, and the build machine is busy executing the chapters).

# %% tags=["remove-cell"]
# Colab bootstrap (hidden in the HTML; does nothing outside Colab): clone the repository for its package and
# data/, install the package, work in its chapters/. Written by `make notebooks` from _config.yml.
import importlib, importlib.util, os, subprocess, sys  # noqa: E401
REPO, HERE = "https://github.com/otgan-book/optimal-transport-for-gans", "/content/otgan-book"
if importlib.util.find_spec("google") and importlib.util.find_spec("google.colab"):
    if not os.path.isdir(f"{HERE}/lib"):
        clone = subprocess.run(["git", "clone", "-q", "--depth", "1", REPO, HERE], capture_output=True, text=True)
        if clone.returncode != 0:
            raise RuntimeError(f"Could not clone the book's repository {REPO}: {clone.stderr.strip()}\n"
                               "This notebook needs it (the otgan package and data/). Check that the runtime is "
                               "online and the URL is right (a fork sets repository.url in _config.yml and runs "
                               "`make notebooks`).")
    if importlib.util.find_spec("otgan") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"{HERE}/lib"], check=True)
        importlib.invalidate_caches()
    os.environ["OTGAN_DATA"] = f"{HERE}/data"
    os.chdir(f"{HERE}/chapters")

# %% tags=["parameters"]
BENCH_DIR = "../benchmarks"  # where the recorded Markdown tables are

# %%
from pathlib import Path

from IPython.display import Markdown, display

BENCH = Path(BENCH_DIR)
for name in ("transport.md", "training.md"):
    path = BENCH / name
    text = path.read_text() if path.exists() else f"`{path}` has not been recorded yet."
    display(Markdown(text.replace("# Benchmark:", "### Benchmark:")))

# %% [markdown]
# Reading them: the sliced distance is one matrix product and one batched sort, so it beats POT's loop-free
# NumPy version mainly through PyTorch's threading; the log-domain Sinkhorn matches POT's value to
# $10^{-15}$ in float64. In the training table, OT-GAN (three generator steps, each with six Sinkhorn problems)
# and the penalized critics (Cramér, WGAN-GP: a double backward pass per critic step, five critic steps per
# iteration) are the expensive ones on a CPU; spectral normalization costs almost as much as the penalty, and
# clipping half of it.
