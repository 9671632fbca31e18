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

# %% tags=["parameters", "hide-cell"]
SEED = 0
N_EVAL = 1000  # generated / real samples per evaluation, the size used throughout the book

# %% tags=["hide-cell"]
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

import otgan
from otgan import calibration, classifier, data, metrics, plotting, tables
from otgan.claims import claim, glue

print(otgan.describe())
_ = otgan.seed_everything(SEED)
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
glue("classifier_accuracy", accuracy * 100)
claim(abs(accuracy - info["heldout_accuracy"]) < 0.005, "the shipped classifier reproduces its recorded accuracy");

# %% [markdown]
# ## The metrics
#
# All are computed on the classifier's 128-d features $\phi(x)$ or its softmax $p(y \mid x)$, comparing $n$
# generated digits with the 1,000 held-out ones:
#
# - **FID** {cite}`heusel2017fid`: $W_2^2$ between Gaussians fitted to the two feature sets (lower is better).
# - **IS-like score** (column *is*) {cite}`salimans2016improved`: $\exp \mathbb{E}_x \mathrm{KL}(p(y \mid x) \| p(y))$, from 1 to 10.
# - **Precision / recall** {cite}`kynkaanniemi2019improved`: the fraction of generated samples inside the real
#   $k$-NN manifold ($k = 3$), and of real samples inside the generated one — fidelity and diversity.
# - **Density / coverage** {cite}`naeem2020reliable`: robust versions ($k = 5$); density $\approx 1$ for real-like
#   samples, coverage is the fraction of real neighbourhoods that receive a generated sample.
# - **Class histogram** of the predicted labels and its total-variation distance to uniform (column *class_tv*; 0 is balanced, 0.9
#   is a single class).
#
# ### Are precision, recall, density and coverage implemented right?
#
# The `prdc` package's README gives reference values for two independent samples of $N(0, I)$ in 1000-d with
# 10,000 points each and $k = 5$: precision 0.477, recall 0.471, density 1.056, coverage 0.974.

# %%
size, dim = otgan.settings(smoke=(1000, 100), book=(10000, 1000))
gen = torch.Generator().manual_seed(SEED)
real_g, fake_g = torch.randn(size, dim, generator=gen), torch.randn(size, dim, generator=gen)
t0 = time.perf_counter()
p, r = metrics.precision_recall(real_g, fake_g, k=5)
d, c = metrics.density_coverage(real_g, fake_g, k=5)
print(f"{size} points in {dim}-d ({time.perf_counter() - t0:.1f} s): precision {p:.3f}, recall {r:.3f}, "
      f"density {d:.3f}, coverage {c:.3f}   (reference at 10,000 in 1000-d: 0.477, 0.471, 1.056, 0.974)")
prc_gap = glue("prc_gap", max(abs(p - 0.477), abs(r - 0.471), abs(c - 0.974)))
density_gap = glue("density_gap", abs(d - 1.056))
claim(prc_gap < 0.01, "precision, recall and coverage match the prdc reference to 0.01")
claim(density_gap < 0.05, "density is within 0.05 of the prdc reference");

# %% [markdown]
# Precision, recall and coverage are within {glue:text}`prc_gap:.3f` of the reference values, density within
# {glue:text}`density_gap:.3f`. The reference is itself one random draw of the two samples, so only agreement up to
# sampling noise is expected here. The exact comparison, with the `prdc` package on the same points, is in the
# unit tests (`tests/test_metrics.py`), not on this page.

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
fid_rr = glue("fid_real_vs_real", summary.loc["fid", "mean"])
glue("fid_real_vs_real_std", summary.loc["fid", "std over draws"])
claim(fid_rr > 5, "real-vs-real FID at 1,000 samples is well above 0")
tables.styled(summary, index=True)

# %% [markdown]
# FID between two real samples of 1,000 digits is {glue:text}`fid_real_vs_real:.1f` on average (standard
# deviation {glue:text}`fid_real_vs_real_std:.1f` over the draws), not 0: the Fréchet distance of finite samples
# is biased upwards (its bias shrinks as the samples grow, a known property of the estimator, not measured on
# this page), so the book reports every FID at the same sample size, 1,000 against 1,000, next to this baseline.
#
# ## How the metrics move under known damage
#
# Four corruptions of 1,000 real training digits, each at five strengths: Gaussian pixel noise, blur, dropping
# classes (keeping the digits $\ge k$, resampled to 1,000), and replacing a fraction of digits by uniform noise.

# %%
n_corrupt = otgan.settings(smoke=300, book=N_EVAL)  # digits per corrupted set
perm = torch.randperm(len(train), generator=torch.Generator().manual_seed(SEED))[:n_corrupt]
pool = perm[:200]  # corrupt 200 digits and show 8, so that "classes dropped" resamples from all kept classes
examples = [fn(train.images[pool], train.labels[pool], strengths[2], torch.Generator().manual_seed(0))[:8]
            for fn, strengths in calibration.CORRUPTIONS.values()]
fig, axes = plt.subplots(2, 2, figsize=(11, 3.0))
for ax, name, imgs in zip(axes.flat, calibration.CORRUPTIONS, examples):
    plotting.image_grid(imgs, nrow=8, ax=ax, title=f"{name} = {calibration.CORRUPTIONS[name][1][2]}")
plt.tight_layout()
plt.show()

# %%
kinds = list(calibration.CORRUPTIONS)  # all four corruptions, in every profile
table = pd.DataFrame(calibration.corruption_table(train.images[perm], train.labels[perm], kinds, seed=SEED))
tables.styled(table.set_index(["corruption", "strength"])[keys], index=True)

# %% [markdown]
# The same numbers as curves: each corruption's five strengths, from none to the strongest (listed in the
# legend); the dotted line is the real-vs-real mean of the section above.

# %%
fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
metric_names = {"fid": "FID (log scale)", "precision": "precision", "recall": "recall", "coverage": "coverage"}
for ax, (key, label) in zip(axes.flat, metric_names.items()):
    for kind, group in table.groupby("corruption", sort=False):
        levels = ", ".join(f"{v:g}" for v in group["strength"])
        ax.plot(np.arange(len(group)), group[key], "o-", label=f"{kind}: {levels}")
    ax.axhline(summary.loc[key, "mean"], color="gray", ls=":", lw=1)  # the real-vs-real mean
    ax.set(xlabel="corruption level (the strengths in the legend, in order)", ylabel=label, title=label,
           xticks=range(len(group)))
    if key == "fid":
        ax.set_yscale("log")
handles, names = axes[0, 0].get_legend_handles_labels()  # one legend below the panels, covering no curve
fig.legend(handles, names, fontsize=8, title="corruption: strengths", title_fontsize=8, loc="lower center", ncol=2)
plt.tight_layout(rect=(0, 0.09, 1, 1))
plt.show()

# %% tags=["hide-input"]
by_kind = {kind: group.reset_index(drop=True) for kind, group in table.groupby("corruption", sort=False)}
claim(all(g["fid"].is_monotonic_increasing for g in by_kind.values()), "FID rises monotonically with every corruption")
claim(all(g["recall"].iloc[-1] < g["recall"].iloc[0] and g["coverage"].iloc[-1] < g["coverage"].iloc[0]
          for g in by_kind.values()), "recall and coverage are lower at every corruption's strongest level")
if "blur (sigma, px)" in by_kind:
    blur_rows = by_kind["blur (sigma, px)"].set_index("strength")
    glue("fid_blur_0", blur_rows.loc[0.0, "fid"]), glue("fid_blur_1px", blur_rows.loc[1.0, "fid"]), glue("precision_blur_2px", blur_rows.loc[2.0, "precision"])
    glue("density_blur_2px", blur_rows.loc[2.0, "density"])
    noisy_rows = by_kind["gaussian noise (std)"].set_index("strength")
    glue("precision_noise_05", noisy_rows.loc[0.5, "precision"])
    replaced = by_kind["noise images (fraction)"].set_index("strength")
    glue("precision_replaced_all", replaced.loc[1.0, "precision"])
    recall_half, recall_clean = glue("recall_replaced_half", replaced.loc[0.5, "recall"]), glue("recall_clean", replaced.loc[0.0, "recall"])
    claim(recall_half > recall_clean - 0.05 and replaced.loc[1.0, "recall"] < 0.5 * recall_clean,
          "recall barely moves with half the digits replaced by noise, and falls when all are")
    claim(min(blur_rows.loc[2.0, "precision"], noisy_rows.loc[0.5, "precision"]) > 0.5,
          "precision stays high under noise and blur")
    claim(replaced.loc[1.0, "precision"] < 0.2, "precision falls when digits are replaced by pure noise")
    claim(blur_rows.loc[1.0, "fid"] > 10 * fid_rr, "a 1-pixel blur multiplies the FID many times")
    claim(blur_rows.loc[2.0, "density"] > 1, "density rises above 1 under a 2-pixel blur");

# %% [markdown]
# What the table shows:
#
# - **FID** rises monotonically with every corruption — it mixes fidelity and diversity into one number. It is
#   very sensitive to blur: a Gaussian blur of 1 pixel already gives FID {glue:text}`fid_blur_1px:.0f`, against
#   {glue:text}`fid_blur_0:.0f` for the same digits unblurred. This FID is computed on the features of the book's own
#   MNIST classifier, not of Inception-v3: its values are not comparable with the Inception-FIDs of the papers.
# - **Recall and coverage** are lower at every corruption's strongest level than without it: dropped classes,
#   and noise or blur that pushes the digits off the real manifold. They need not fall step by step, and recall
#   is blind to partial junk: with half of the digits replaced by noise images it is still
#   {glue:text}`recall_replaced_half:.2f` (uncorrupted: {glue:text}`recall_clean:.2f`): the real digits left
#   still reach the real digits' neighbourhoods. It falls when every digit is replaced (no fraction between a half
#   and all was tried). The **class histogram**
#   catches missing classes directly.
# - **Precision stays high under noise and blur** ({glue:text}`precision_noise_05:.2f` at noise 0.5,
#   {glue:text}`precision_blur_2px:.2f` at a 2-pixel blur). Blurred or noisy digits still land inside the
#   $k$-NN balls of the real features, so precision alone does not certify sharp samples; it does fall when
#   digits are replaced by pure noise ({glue:text}`precision_replaced_all:.2f`). Read precision together with FID,
#   which the blur multiplies, and density, which rises above 1 when samples crowd into a few real neighbourhoods
#   (here {glue:text}`density_blur_2px:.2f` at a 2-pixel blur).
#
# ## How much is chance?
#
# The spread of each metric over five independent draws at the book's sample size (1,000 vs 1,000) — for real
# digits above, and here for five draws of 1,000 noisy digits (noise 0.25) against the same held-out reference:

# %%
noisy = calibration.gaussian_noise(train.images, train.labels, 0.25, torch.Generator().manual_seed(SEED))
spread = pd.DataFrame([metrics.evaluate(noisy[torch.randperm(len(train), generator=torch.Generator().manual_seed(s))
                                               [:N_EVAL]]) for s in range(otgan.settings(smoke=2, book=5))])[keys]
spread_summary = spread.agg(["mean", "std"])
glue("fid_two_std", 2 * max(spread_summary.loc["std", "fid"], summary.loc["fid", "std over draws"]))
glue("pr_two_std", 2 * max(spread_summary.loc["std", ["precision", "recall"]].max(),
                           summary.loc[["precision", "recall"], "std over draws"].max()))
tables.styled(spread_summary, index=True)

# %% [markdown]
# A rule of thumb for this book: FID differences below about twice the standard deviation over draws (here up to
# {glue:text}`fid_two_std:.1f`) are not significant; precision/recall differences below
# {glue:text}`pr_two_std:.3f` neither.
#
# ## Speed
#
# Metrics are computed often (after training, in sweeps, in the comparison chapter), so they must be fast: the
# target is under 10 s for 5,000 generated digits on one CPU thread.

# %%
many = train.images[torch.randint(len(train), (5000,), generator=torch.Generator().manual_seed(1))]
t0 = time.perf_counter()
result = metrics.evaluate(many)
seconds = glue("evaluate_seconds", time.perf_counter() - t0)
print(f"evaluate() on {result['n_fake']} digits against {result['n_real']}: {seconds:.1f} s on {otgan.device()}")

# %% [markdown]
# On the machine that built this page it took {glue:text}`evaluate_seconds:.1f` s.

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
claim(m["precision"] > 0.9 and m["recall"] < 0.05 and m["coverage"] < 0.05 and m["is"] < 1.1
      and abs(m["class_tv"] - 0.9) < 1e-6, "one repeated digit: precision ~1, recall/coverage ~0, IS ~1, TV 0.9");

# %% [markdown]
# ```{solution-end}
# ```
