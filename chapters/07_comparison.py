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
# (ch-comparison)=
# # Every generator, side by side
#
# The chapters trained one idea at a time. Here every generator of the book meets the same data, the same
# metrics and the same run: the MNIST models of {ref}`ch-gan`, {ref}`ch-wgan`, {ref}`ch-sliced` and
# {ref}`ch-sinkhorn`, before and after the Discriminator Optimal Transport of {ref}`ch-dot`, and every loss
# on three 2-D toys. All numbers below are computed when this page is built.

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
SEED = 0
N_EVAL = None  # MNIST samples per evaluation; None: profile default (1,000 in book)

# %%
import matplotlib.pyplot as plt
import pandas as pd
import torch

import otgan
from otgan import comparison, dot, metrics, models, plotting
from otgan.nets import count_parameters

print(otgan.describe())
otgan.seed_everything(SEED)
n_eval = N_EVAL or otgan.settings(smoke=200, book=1000)

# %% [markdown]
# ## MNIST
#
# Eleven generators, all trained on the same 4,000 digits by `python -m otgan.reproduce --profile book`, and
# evaluated on the same 1,000 held-out digits with the book's classifier ({ref}`ch-metrics`). The latent codes
# are the same for every model of a given latent size. *After DOT* is latent-space DOT (lr 0.02, 25 updates,
# $k_{eff}$ estimated per model) for the models that have a critic.

# %%
NAMES = ["gan_mlp", "dcgan", "wgan_clip_mlp", "wgan_sn_mlp", "wgan_gp_mlp", "sw_pixel", "sw_features", "max_sw",
         "sinkhorn_mlp", "cramer_mlp", "otgan_mlp"]
reference = metrics.real_vs_real(n=n_eval)
trainers, results = models.load(NAMES, seed=SEED), {}
for name, trainer in trainers.items():
    g, d = trainer.generator.float(), trainer.critic
    z = torch.randn(n_eval, g.latent_dim, generator=torch.Generator().manual_seed(SEED))
    g.eval()
    with torch.no_grad():
        before = metrics.evaluate(g(z), n=n_eval)
    after = None
    if d is not None:
        d = d.float()
        z_dot = dot.dot_latent(g, d, z, dot.latent_lipschitz(g, d, z).mean, n_steps=25, lr=0.02)
        with torch.no_grad():
            after = metrics.evaluate(g(z_dot), n=n_eval)
    results[name] = (before, after)

keys = ["fid", "is", "precision", "recall", "density", "coverage", "class_tv"]
rows = {"real vs real": {**{k: reference[k] for k in keys}, "FID / real-vs-real": 1.0}}
for name, (before, after) in results.items():
    tr = trainers[name]
    rows[name] = {**{k: before[k] for k in keys}, "FID / real-vs-real": before["fid"] / reference["fid"],
                  "params G": count_parameters(tr.generator),
                  "params D": count_parameters(tr.critic) if tr.critic is not None else 0,
                  "train steps": tr.step, "train minutes (2 CPUs)": tr.elapsed / 60,
                  "FID after DOT": after["fid"] if after else float("nan"),
                  "precision after DOT": after["precision"] if after else float("nan"),
                  "recall after DOT": after["recall"] if after else float("nan")}
mnist_table = pd.DataFrame(rows).T
mnist_table.round(3)

# %% [markdown]
# Sixteen samples of each generator, same latent codes per latent size:

# %%
fig, axes = plt.subplots(2, 6, figsize=(18, 6.6))
for ax, name in zip(axes.ravel(), NAMES):
    plotting.image_grid(metrics.generate(trainers[name].generator, 16, seed=SEED), nrow=4, ax=ax,
                        title=f"{name}\nFID {results[name][0]['fid']:.0f}")
axes.ravel()[-1].axis("off")
plt.tight_layout()
plt.show()

# %%
fig, ax = plt.subplots(figsize=(7, 5))
for name, (before, after) in results.items():
    ax.scatter(before["recall"], before["precision"], s=40)
    ax.annotate(name, (before["recall"], before["precision"]), fontsize=8, xytext=(3, 3),
                textcoords="offset points")
    if after:
        ax.annotate("", (after["recall"], after["precision"]), (before["recall"], before["precision"]),
                    arrowprops={"arrowstyle": "->", "color": "gray", "lw": 0.8})
ax.scatter(reference["recall"], reference["precision"], marker="*", s=200, c="k", label="real vs real")
ax.set(xlabel="recall", ylabel="precision", title="Precision and recall (arrows: after latent DOT)")
ax.legend()
plt.show()

# %% [markdown]
# ## 2-D toys
#
# Every loss with the same generator ($8 \to 128 \to 128 \to 128 \to 2$), the same seed and the same number of
# generator steps, on 8 Gaussians, 25 Gaussians and the Swiss roll. Modes covered and the high-quality rate
# (samples within three standard deviations of a mode, or of the roll) come from `metrics.toy_metrics`, with the
# exact $W_1$ to 2,000 target samples. In the `book` profile the runs are read from
# `data/toy_comparison.json`, written by `python -m otgan.reproduce --only toys`.

# %%
toy_rows = pd.DataFrame(comparison.load_or_run_toys(comparison.toy_steps(), seed=SEED,
                                                   n_eval=otgan.settings(smoke=300, book=2000)))
cols = ["modes_covered", "high_quality", "W1", "ms per step"]
toy_table = toy_rows.pivot(index="loss", columns="toy", values=["modes_covered", "high_quality", "W1"])
toy_table = toy_table.reindex(comparison.TOY_LOSSES)
toy_table.round(3)

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 3.6))
for ax, name in zip(axes, comparison.TOYS):
    part = toy_rows[toy_rows.toy == name].set_index("loss").reindex(comparison.TOY_LOSSES)
    ax.bar(range(len(part)), part["W1"])
    ax.set_xticks(range(len(part)), part.index, rotation=45, ha="right")
    ax.set(ylabel="exact $W_1$ to target", title=name)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Reading the tables
#
# The printed numbers are the ones to trust; the reading below says what they show at these CPU budgets
# (minutes per model on 4,000 digits, far from the papers' GPU-days), and should not be read as a ranking of the
# methods at scale.
#
# - **On MNIST, the gradient-penalty WGAN is the best single model** (lowest FID, high precision and recall):
#   its critic is close to 1-Lipschitz, so its gradient stays informative. OT-GAN, with a learned cost and the
#   energy-distance form, comes second and has the most even class proportions. Clipping and spectral
#   normalization give flatter critics and are far behind at the same budget, despite twice the steps.
# - **The critic-free losses** (pixel SW, Sinkhorn) make all ten digits but their samples are thin and broken
#   (SW) or blurred (Sinkhorn, highest precision and lowest recall of all: smooth averages sit inside the data's
#   support but cover little of it). Moving the comparison to learned features (SW on features, max-SW,
#   Cramér, OT-GAN) brings sharper strokes and halves the FID.
# - **DOT** improves most generators here: the WGAN-GP (a real potential), and, as a heuristic, the GAN-style
#   discriminators, whose FID drops the most. It hurts the clipped WGAN and the Cramér GAN, whose critics'
#   scalar outputs are poor potentials ({ref}`ch-dot` explains why).
# - **In 2-D**, at an equal budget of 1,000 generator steps no loss covers every mode. The critic-free losses
#   (SW, Sinkhorn) reach a low $W_1$ by spreading mass over the whole support but put few samples inside the
#   modes; the non-saturating GAN and OT-GAN cover the most modes of 8 Gaussians; OT-GAN has the best Swiss
#   roll; the WGANs with the papers' small learning rates are the slowest to start. A step costs from under
#   2 ms (SW) to about 60 ms (OT-GAN, whose generator takes three steps with six Sinkhorn problems each).
