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
# (ch-gan)=
# # Generative adversarial networks
#
# A GAN {cite}`goodfellow2014gan` trains a generator $G$ against a discriminator $D$. This chapter writes the game
# down, shows why its original loss stalls and how the non-saturating loss fixes that, watches a GAN collapse
# onto a few modes of a 2-D mixture, and trains an MLP GAN and a DCGAN {cite}`radford2016dcgan` on MNIST. Every
# model goes through the one trainer of the book (`lib/otgan/training.py`); the losses are the small functions
# of `lib/otgan/losses.py`.

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
TOY_STEPS = None  # generator steps on the 2-D toys; None picks the profile's default

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

import otgan
from otgan import data, losses, metrics, models, nets, plotting, widgets
from otgan.training import SampleRecorder

print(otgan.describe())
otgan.seed_everything(SEED)
toy_steps = TOY_STEPS or otgan.settings(smoke=60, book=3000)
record_every = max(1, toy_steps // 30)

# %% [markdown]
# ## The game
#
# The discriminator $D: \mathcal{X} \to [0, 1]$ says how likely a sample is real; the generator maps noise
# $z \sim \zeta$ to samples $G(z)$. They play
#
# $$
# \min_G \max_D \; V(G, D) = \mathbb{E}_{x \sim p}[\log D(x)] + \mathbb{E}_{z \sim \zeta}[\log(1 - D(G(z)))].
# $$
#
# For a fixed generator with density $q$, the best discriminator is $D^\star(x) = p(x) / (p(x) + q(x))$, and
# plugging it in gives
#
# $$
# V(G, D^\star) = -\log 4 + 2\, \mathrm{JS}(p \,\|\, q),
# $$
#
# so an optimal discriminator turns the game into minimizing the Jensen–Shannon divergence. Chapter 3 shows
# why that is a problem when $p$ and $q$ do not overlap.
#
# ## Saturation, and the non-saturating loss
#
# Early in training the fakes are bad and $D(G(z)) \approx 0$. Writing $D = \sigma(\ell)$ with logit $\ell$, the
# generator's gradient through the minimax term is $\partial_\ell \log(1 - \sigma(\ell)) = -\sigma(\ell) = -D$:
# it vanishes exactly when the generator most needs it. Goodfellow et al. proposed maximizing $\log D(G(z))$
# instead, whose gradient $1 - D$ is largest there. We compute both with autograd from the library's losses:

# %%
d_values = torch.linspace(0.001, 0.999, 200)
logits = torch.logit(d_values).requires_grad_(True)
as_critic = lambda x: x.squeeze(-1)  # the "critic" returns the logit we feed it
grads = {}
for name, loss in [("minimax  $\\log(1 - D(G(z)))$", losses.minimax_generator_loss),
                   ("non-saturating  $-\\log D(G(z))$", losses.nonsaturating_generator_loss)]:
    g, = torch.autograd.grad(loss(as_critic, None, logits[:, None]) * len(logits), logits)
    grads[name] = g.abs()
fig, ax = plt.subplots(figsize=(6, 3.8))
for name, g in grads.items():
    ax.plot(d_values, g, label=name)
ax.set(xlabel="$D(G(z))$", ylabel="|d loss / d logit|", title="Generator gradient vs the discriminator's verdict")
ax.axvspan(0, 0.1, color="gray", alpha=0.15, label="early training")
ax.legend()
plt.show()

# %% [markdown]
# Where the discriminator confidently rejects the fakes (the grey band), the minimax gradient is near zero and
# the non-saturating one near one.
#
# A real run makes the point. We give the discriminator a head start (200 steps against the initial generator,
# which the trainer does as one iteration with `n_critic=200`), then train the generator on 8 Gaussians with each
# loss from the same initialization. The generator uses plain SGD here: Adam divides each gradient by its own
# running magnitude, which hides a vanishing gradient (try it in the panel below: with Adam both losses train).

# %%
target = data.toy("8gaussians")
runs = {}
for loss in ("minimax", "nonsaturating"):
    otgan.seed_everything(SEED)
    trainer = models.toy_trainer(target, loss)
    trainer.opt_generator = torch.optim.SGD(trainer.generator.parameters(), lr=0.05)
    trainer.n_critic = otgan.settings(smoke=20, book=200)
    trainer.train(1, progress=False)           # the head start
    trainer.n_critic = 1
    trainer.train(otgan.settings(smoke=60, book=1500), desc=loss)
    runs[loss] = trainer

fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
for loss, trainer in runs.items():
    h = trainer.history
    axes[0].plot(h["step"], plotting.smooth(h["generator grad norm"], 25), label=loss)
    axes[1].plot(h["step"], plotting.smooth(h["D(fake)"], 25), label=loss)
axes[0].set(xlabel="generator step", ylabel="generator gradient norm", yscale="log",
            title="Gradient reaching the generator")
axes[1].set(xlabel="generator step", ylabel="mean $D(G(z))$", yscale="log", title="The discriminator's verdict on fakes")
for ax in axes:
    ax.legend()
plt.tight_layout()
plt.show()
for loss, trainer in runs.items():
    h = trainer.history
    print(f"{loss:>14}: gradient norm {np.mean(h['generator grad norm'][1:50]):.1e} (first steps) -> "
          f"{np.mean(h['generator grad norm'][-50:]):.1e}; D(G(z)) {np.mean(h['D(fake)'][-50:]):.1e} (last steps)")

# %% [markdown]
# The minimax generator receives gradients around a millionth of the non-saturating one and never gets the
# discriminator to accept a single fake: it is stalled. The non-saturating generator gets full-size gradients
# and lifts $D(G(z))$ to tens of percent within a few hundred steps — it is playing the game. (Playing the game
# is not yet matching the data: with plain SGD against an Adam discriminator it chases the discriminator around
# the ring rather than settling; the runs below use Adam for both networks.)
#
# ## Mode collapse on 2-D mixtures
#
# The non-saturating GAN learns, but it does not necessarily learn *everything*. The generator is rewarded for
# samples the discriminator currently believes, so it can park its mass on a few modes, and the pair can chase
# each other around the mixture. We train it on three toys and record samples (fixed latents) and metrics from
# `otgan.metrics.toy_metrics`: modes covered (a mode counts when it gets at least 20% of its fair share of
# samples within 3 standard deviations) and the fraction of high-quality samples.

# %%
toy_runs = {}
for name in ("8gaussians", "25gaussians", "rings"):
    otgan.seed_everything(SEED)
    toy_target = data.toy(name)
    trainer = models.toy_trainer(toy_target, "nonsaturating")
    recorder = SampleRecorder(1000, metric=lambda x, t=toy_target: metrics.toy_metrics(x, t, n_ref=1000))
    trainer.train(toy_steps, callback=recorder, callback_every=record_every, desc=name)
    toy_runs[name] = (toy_target, trainer, recorder)

fig, axes = plt.subplots(1, 3, figsize=(13, 4.3))
for ax, (name, (toy_target, trainer, rec)) in zip(axes, toy_runs.items()):
    m = rec.metrics[-1]
    modes = f"{m['modes_covered']}/{m['n_modes']} modes, " if "modes_covered" in m else ""
    plotting.plot_samples(rec.frames[-1], toy_target, ax=ax, title=f"{name}: {modes}{m['high_quality']:.0%} HQ")
plt.tight_layout()
plt.show()

# %% [markdown]
# The animation plays the 8-Gaussian run (it needs no kernel: press play). Watch the samples jump between
# modes rather than spread over all of them.

# %%
toy_target, trainer, rec = toy_runs["8gaussians"]
plotting.animate_samples(rec.frames, rec.steps, toy_target, title="non-saturating GAN,")

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
for name, (toy_target, trainer, rec) in toy_runs.items():
    if "modes_covered" in rec.metrics[0]:
        axes[0].plot(rec.steps, [m["modes_covered"] / m["n_modes"] for m in rec.metrics], label=name)
    axes[1].plot(rec.steps, [m["high_quality"] for m in rec.metrics], label=name)
axes[0].set(xlabel="generator step", ylabel="fraction of modes covered", title="Modes covered", ylim=(0, 1.05))
axes[1].set(xlabel="generator step", ylabel="fraction of samples", title="High-quality samples", ylim=(0, 1.05))
for ax in axes:
    ax.legend()
plt.tight_layout()
plt.show()
print({name: {k: round(v, 3) for k, v in rec.metrics[-1].items()} for name, (_, _, rec) in toy_runs.items()})

# %% [markdown]
# Coverage rises, then wanders: modes are found and lost again as the discriminator moves. The Wasserstein
# losses of the next chapters change this picture.
#
# ## Try it
#
# Pick a toy, a loss and learning rates, then *Train*. In Jupyter or Colab the panel trains and redraws (a few
# seconds for 1,000 steps on a CPU); in this static page it shows its initial state only, and the figures above
# are the reference.

# %%
widgets.gan_panel("25gaussians", "nonsaturating", steps=otgan.settings(smoke=20, book=1000),
                  losses=("minimax", "nonsaturating"))

# %% [markdown]
# ## MNIST: an MLP GAN and a DCGAN
#
# Two models, both trained on the 4,000 training digits by `python -m otgan.reproduce --profile book --only
# gan_mlp dcgan`:
#
# - **MLP GAN** (the "VanillaGAN" of the OT-GAN report): generator $100 \to 512 \to 512 \to 512 \to 784$ with
#   batch norm and $\tanh$; discriminator $784 \to 512 \to 512 \to 512 \to 1$ with LeakyReLU and dropout 0.3.
# - **DCGAN**: strided transposed convolutions $7 \to 14 \to 28$ with batch norm in the generator, strided
#   convolutions and LeakyReLU in the discriminator, no pooling.
#
# Both use the non-saturating loss, Adam ($2 \cdot 10^{-4}$, $\beta = (0.5, 0.999)$) and one-sided label smoothing
# (real label 0.9). Without dropout and smoothing the discriminator memorizes 4,000 digits and wins outright: the
# first MLP run ended with $D(G(z)) \approx 0$ and FID 1,900.
#
# In the `book` profile the chapter loads the shipped checkpoints; in `smoke` and `full` it trains.

# %%
gans = models.load(["gan_mlp", "dcgan"], seed=SEED)
plotting.sample_grids(gans, seed=SEED, width=6)
plt.show()

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 3.6))
for ax, (name, trainer) in zip(axes, gans.items()):
    plotting.plot_losses(trainer.history, ax=ax, window=200, title=f"{name}: losses")
plt.tight_layout()
plt.show()

# %% [markdown]
# ### Latent interpolation
#
# Walking in latent space shows whether the generator learned a smooth map. Each row goes from one random code
# to another; linear interpolation passes through codes of unusually small norm for a Gaussian prior, spherical
# interpolation (slerp) keeps the norm typical.

# %%
gen = torch.Generator().manual_seed(SEED + 1)
z0, z1 = torch.randn(4, 100, generator=gen), torch.randn(4, 100, generator=gen)
fig, axes = plt.subplots(2, 2, figsize=(13, 5.4))
for row, (name, trainer) in enumerate(gans.items()):
    for col, method in enumerate(("linear", "slerp")):
        path = nets.interpolate_latents(z0, z1, 10, method).reshape(-1, 100)
        plotting.image_grid(trainer.sample(len(path), z=path), nrow=10, ax=axes[row, col],
                            title=f"{name}, {method}")
plt.tight_layout()
plt.show()

# %% [markdown]
# ### Metrics
#
# 1,000 samples of each generator against the 1,000 held-out digits, with the real-vs-real baseline (1,000
# training digits) on the first row; the metrics and their calibration are in the appendix {ref}`ch-metrics`.

# %%
table, rows = metrics.metrics_table({name: tr.generator for name, tr in gans.items()}, n=1000, seed=SEED)
pd.DataFrame(table).T.round(3)

# %%
fig, ax = plt.subplots(figsize=(7, 3.4))
width = 0.27
for k, (name, m) in enumerate(rows.items()):
    ax.bar(np.arange(10) + (k - 1) * width, m["class_hist"], width, label=name)
ax.axhline(0.1, color="gray", ls=":")
ax.set(xlabel="predicted digit", ylabel="fraction of samples", xticks=range(10), title="Class histograms")
ax.legend()
plt.show()

# %% [markdown]
# Both GANs make all ten digits, though the DCGAN rarely draws a 2 or a 4, and both stay far from the
# real-vs-real FID. The MLP GAN's digits are speckled but
# varied; the DCGAN's strokes are smooth, but more of its digits are malformed (lower precision and density).
# These are CPU budgets (about 14 minutes each); the `full` profile trains longer on full MNIST.
#
# ## Exercises
#
# ```{exercise}
# :label: ex-gan-minimax
# Train the 8-Gaussian GAN with the minimax loss *without* the discriminator's head start. Does it still stall?
# Explain with the gradient figure.
# ```
#
# ```{solution-start} ex-gan-minimax
# :class: dropdown
# ```
#
# Without the head start $D(G(z))$ starts near 0.5, where the minimax gradient is not small, so the generator
# learns at first; it slows down whenever the discriminator gets ahead.

# %%
otgan.seed_everything(SEED)
no_head_start = models.toy_trainer(target, "minimax")
no_head_start.train(toy_steps, progress=False)
print(f"minimax without head start: W1 {metrics.toy_metrics(no_head_start.sample(1000), target)['W1']:.3f}; "
      f"mean D(G(z)) over the last steps {np.mean(no_head_start.history['D(fake)'][-50:]):.2f}")

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise}
# :label: ex-gan-capacity
# Make the discriminator much smaller (one hidden layer of 16 units) and train on 25 Gaussians. How many modes
# are covered now?
# ```
#
# ```{solution-start} ex-gan-capacity
# :class: dropdown
# ```
#
# A weak discriminator cannot separate 25 nearby modes, so it gives the generator little signal about where
# the modes are: the samples stay smeared between them, with few high-quality samples and few modes covered.

# %%
otgan.seed_everything(SEED)
grid = data.toy("25gaussians")
small = models.toy_trainer(grid, "nonsaturating")
small.critic = nets.MLPCritic(2, hidden=(16,)).to(small.device)
small.opt_critic = torch.optim.Adam(small.critic.parameters(), 1e-3, betas=(0.5, 0.999))
small.train(toy_steps, progress=False)
print(metrics.toy_metrics(small.sample(2000), grid))

# %% [markdown]
# ```{solution-end}
# ```
