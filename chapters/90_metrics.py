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
# (ch-metrics)=
# # Appendix — metrics you can trust
#
# The papers compare GANs by FID and Inception Score on Inception-v3 features. Those weights cannot be downloaded
# offline, and an ImageNet network is a poor judge of digits anyway. This book measures MNIST generators with a
# small classifier of its own, and this appendix shows what its numbers mean: how good the classifier is, what
# two real samples score against each other, how every metric moves when real digits are damaged in known ways,
# and how much a number varies by chance. The code is in `lib/otgan/classifier.py`, `lib/otgan/metrics.py` and
# `lib/otgan/calibration.py`.

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
N_EVAL = 1000  # generated / real samples per evaluation, the size used throughout the book

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

import otgan
from otgan import calibration, classifier, data, metrics, plotting

print(otgan.describe())
otgan.seed_everything(SEED)
train, heldout = data.load_mnist("train"), data.load_mnist("heldout")

# %% [markdown]
# ## The classifier
#
# Two convolutional blocks (32 and 64 channels), dropout, a 128-d feature layer and 10 outputs, trained for 15
# epochs on the 4,000 training digits with random shifts of ±2 pixels. Its weights ship in `data/` with a JSON
# record (config, accuracy, time, SHA-256); re-train with `python -m otgan.classifier`.

# %%
info = classifier.classifier_info()
model = classifier.load_classifier()
accuracy = classifier.accuracy(model, heldout.images.to(otgan.device()), heldout.labels.to(otgan.device()))
print(f"held-out accuracy {accuracy:.1%} (recorded {info['heldout_accuracy']:.1%}); trained in "
      f"{info['train_time_s']:.0f} s on {info['threads']} CPU thread(s); weights {info['size_bytes'] / 1e6:.1f} MB, "
      f"sha256 {info['sha256'][:12]}...; data: {info['data']}")

# %% [markdown]
# ## The metrics
#
# All are computed on the classifier's 128-d features $\phi(x)$ or its softmax $p(y \mid x)$, comparing $n$
# generated digits with the 1,000 held-out ones:
#
# - **FID** {cite}`heusel2017fid`: $W_2^2$ between Gaussians fitted to the two feature sets (lower is better).
# - **IS-like score** {cite}`salimans2016improved`: $\exp \mathbb{E}_x \mathrm{KL}(p(y \mid x) \| p(y))$, from 1 to 10.
# - **Precision / recall** {cite}`kynkaanniemi2019improved`: the fraction of generated samples inside the real
#   $k$-NN manifold ($k = 3$), and of real samples inside the generated one — fidelity and diversity.
# - **Density / coverage** {cite}`naeem2020reliable`: robust versions ($k = 5$); density $\approx 1$ for real-like
#   samples, coverage is the fraction of real neighbourhoods that receive a generated sample.
# - **Class histogram** of the predicted labels and its total-variation distance to uniform (0 is balanced, 0.9
#   is a single class).
#
# ### Are precision, recall, density and coverage implemented right?
#
# The `prdc` package's README gives reference values for two independent samples of $N(0, I)$ in 1000-d with
# 10,000 points each and $k = 5$: precision 0.477, recall 0.471, density 1.056, coverage 0.974. (The unit tests
# also compare the library with the `prdc` package itself, digit for digit.)

# %%
size, dim = otgan.settings(smoke=(1000, 100), book=(10000, 1000))
gen = torch.Generator().manual_seed(SEED)
real_g, fake_g = torch.randn(size, dim, generator=gen), torch.randn(size, dim, generator=gen)
t0 = time.perf_counter()
p, r = metrics.precision_recall(real_g, fake_g, k=5)
d, c = metrics.density_coverage(real_g, fake_g, k=5)
print(f"{size} points in {dim}-d ({time.perf_counter() - t0:.1f} s): precision {p:.3f}, recall {r:.3f}, "
      f"density {d:.3f}, coverage {c:.3f}   (reference at 10,000 in 1000-d: 0.477, 0.471, 1.056, 0.974)")

# %% [markdown]
# ## The real-vs-real baseline
#
# A perfect generator would score like a second sample of real digits. We draw 1,000 training digits (five
# different draws) and evaluate them exactly as a generator's output. Any generator of the book is judged
# against these numbers, and the spread over the five draws says which differences are noise.

# %%
rows = [metrics.real_vs_real(n=N_EVAL, seed=s) for s in range(otgan.settings(smoke=2, book=5))]
keys = ["fid", "is", "precision", "recall", "density", "coverage", "class_tv"]
baseline = pd.DataFrame(rows)[keys]
summary = baseline.agg(["mean", "std"]).T.rename(columns={"mean": "mean", "std": "std over draws"})
summary.round(3)

# %% [markdown]
# FID between two real samples of 1,000 digits is about 20, not 0: the Fréchet distance of finite samples is
# biased upwards, which is why the book always reports it at the same sample size and next to this baseline.
#
# ## How the metrics move under known damage
#
# Four corruptions of 1,000 real training digits, each at five strengths: Gaussian pixel noise, blur, dropping
# classes (keeping the digits $\ge k$, resampled to 1,000), and replacing a fraction of digits by uniform noise.

# %%
perm = torch.randperm(len(train), generator=torch.Generator().manual_seed(SEED))[:N_EVAL]
examples = [fn(train.images[perm[:8]], train.labels[perm[:8]], strengths[2], torch.Generator().manual_seed(0))
            for fn, strengths in calibration.CORRUPTIONS.values()]
fig, axes = plt.subplots(1, 4, figsize=(16, 2.6))
for ax, name, imgs in zip(axes, calibration.CORRUPTIONS, examples):
    plotting.image_grid(imgs, nrow=8, ax=ax, title=f"{name} = {calibration.CORRUPTIONS[name][1][2]}")
plt.show()

# %%
kinds = otgan.settings(smoke=["gaussian noise (std)", "classes dropped"], book=list(calibration.CORRUPTIONS))
table = pd.DataFrame(calibration.corruption_table(train.images[perm], train.labels[perm], kinds, seed=SEED))
table[["corruption", "strength"] + keys].round(3)

# %%
fig, axes = plt.subplots(1, 4, figsize=(17, 3.6))
for ax, key in zip(axes, ["fid", "precision", "recall", "coverage"]):
    for kind, group in table.groupby("corruption", sort=False):
        strength = np.arange(len(group))
        ax.plot(strength, group[key], "o-", label=kind)
    ax.set(xlabel="corruption level (0 = none, 4 = strongest)", ylabel=key, title=key)
    if key == "fid":
        ax.set_yscale("log")
axes[0].legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# What the table shows:
#
# - **FID** rises monotonically with every corruption (the tests assert it for noise) — it mixes fidelity and
#   diversity into one number.
# - **Recall and coverage** fall as classes are dropped (asserted in the tests) and as noise or blur pushes the
#   digits off the real manifold, and the **class histogram** catches missing classes directly.
# - **Precision stays high under noise and blur.** Blurred or noisy digits still land inside the $k$-NN balls of
#   the real features (the balls of outlying real digits are large), so precision alone does not certify sharp
#   samples; it does fall when digits are replaced by pure noise. Read precision together with FID and density.
#
# ## How much is chance?
#
# The spread of each metric over five independent draws at the book's sample size (1,000 vs 1,000) — for real
# digits above, and here for a fixed set of corrupted digits (noise 0.25) with five different reference draws:

# %%
noisy = calibration.gaussian_noise(train.images, train.labels, 0.25, torch.Generator().manual_seed(SEED))
spread = pd.DataFrame([metrics.evaluate(noisy[torch.randperm(len(train), generator=torch.Generator().manual_seed(s))
                                               [:N_EVAL]]) for s in range(otgan.settings(smoke=2, book=5))])[keys]
spread.agg(["mean", "std"]).round(3)

# %% [markdown]
# A rule of thumb for this book: FID differences below about twice the standard deviation above (a few units
# near the baseline) are not significant; precision/recall differences below about 0.02 neither.
#
# ## Speed
#
# Metrics are computed often (after training, in sweeps, in the comparison chapter), so they must be fast: the
# target is under 10 s for 5,000 generated digits on 2 CPU cores.

# %%
many = train.images[torch.randint(len(train), (5000,), generator=torch.Generator().manual_seed(1))]
t0 = time.perf_counter()
result = metrics.evaluate(many)
print(f"evaluate() on {result['n_fake']} digits against {result['n_real']}: {time.perf_counter() - t0:.1f} s "
      f"on {otgan.device()}")

# %% [markdown]
# ## Exercise
#
# ```{exercise}
# :label: ex-metrics-collapse
# A generator that outputs one single (perfect) digit over and over: predict its precision, recall, coverage,
# IS-like score and class-histogram distance before you compute them.
# ```
#
# ```{solution-start} ex-metrics-collapse
# :class: dropdown
# ```
#
# The copies sit inside the real manifold (precision near 1) but cover one neighbourhood (recall and coverage
# near 0); every prediction is the same class (IS near 1, distance to uniform 0.9).

# %%
collapsed = train.images[:1].expand(N_EVAL, 1, 28, 28)
m = metrics.evaluate(collapsed)
print({k: round(m[k], 3) for k in keys})

# %% [markdown]
# ```{solution-end}
# ```
