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

# %% tags=["parameters", "hide-cell"]
BENCH_DIR = "../benchmarks"  # where the recorded Markdown tables are

# %% tags=["remove-input"]
from pathlib import Path

from otgan.tables import show_markdown

BENCH = Path(BENCH_DIR)
for name in ("transport.md", "training.md"):
    path = BENCH / name
    show_markdown(path.read_text() if path.exists() else f"`{path}` has not been recorded yet.")

# %% tags=["hide-input"]
import re

from otgan.claims import claim, glue
from otgan.tables import split_markdown


def recorded_table(name):
    """The first table of a recorded benchmark, or None when it has not been recorded."""
    path = BENCH / name
    blocks = split_markdown(path.read_text()) if path.exists() else []
    return next((block for kind, block in blocks if kind == "table"), None)


transport, training = recorded_table("transport.md"), recorded_table("training.md")
if transport is not None and training is not None:
    sw_row = transport[transport["task"].str.startswith("SW2")].iloc[0]
    sk_row = transport[transport["task"].str.startswith("Sinkhorn loss")].iloc[0]
    glue("sw_speedup", float(sw_row["POT / otgan"].rstrip("x")))
    sk_f64 = glue("sinkhorn_f64_diff", float(re.search(r"([0-9.e+-]+) in float64", sk_row["check"]).group(1)))
    ms = training.set_index("model")["cpu fp32 (ms)"].astype(float)
    slowest = list(ms.sort_values(ascending=False).index[:2])
    glue("slowest_a", slowest[0]), glue("slowest_b", slowest[1])
    glue("ms_slowest_a", ms[slowest[0]]), glue("ms_slowest_b", ms[slowest[1]])
    for name in ("wgan_gp_mlp", "wgan_sn_mlp", "wgan_clip_mlp", "gan_mlp"):
        glue(f"ms_{name}", ms[name])
    claim(float(sw_row["POT / otgan"].rstrip("x")) > 1, "the library's SW2 is faster than POT's")
    claim(sk_f64 < 1e-12, "the log-domain Sinkhorn matches POT's value to machine precision in float64")
    claim(set(slowest) == {"otgan_mlp", "cramer_mlp"}, "OT-GAN and the Cramér GAN are the two slowest iterations")
    claim(ms["wgan_clip_mlp"] < ms["wgan_sn_mlp"] < ms["wgan_gp_mlp"],
          "per iteration: clipping < spectral normalization < gradient penalty")

# %% [markdown]
# Reading them: the sliced distance is one matrix product and one batched sort with no Python loop, and it runs
# {glue:text}`sw_speedup:.1f` times faster than POT's version on the recorded machine; the log-domain Sinkhorn
# matches POT's value to {glue:text}`sinkhorn_f64_diff:.0e` in float64. In the training table the two most
# expensive iterations on a CPU are {glue:text}`slowest_a` ({glue:text}`ms_slowest_a:.0f` ms) and
# {glue:text}`slowest_b` ({glue:text}`ms_slowest_b:.0f` ms): OT-GAN makes three generator steps, each with six
# Sinkhorn problems, and the Cramér critic pays a double backward pass (its gradient penalty) in each of five
# critic steps. Among the WGAN critics, five critic steps cost {glue:text}`ms_wgan_clip_mlp:.0f` ms with clipping,
# {glue:text}`ms_wgan_sn_mlp:.0f` ms with spectral normalization and {glue:text}`ms_wgan_gp_mlp:.0f` ms with the
# gradient penalty, against {glue:text}`ms_gan_mlp:.0f` ms for one step of the plain MLP GAN.
