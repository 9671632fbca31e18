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
# (ch-sinkhorn)=
# # Sinkhorn, Cramér and OT-GAN
#
# Entropic regularization makes optimal transport smooth, fast on a GPU and differentiable
# ({ref}`ch-ot-primer`). This chapter trains generators with it: directly on minibatch Sinkhorn losses
# {cite}`genevay2018sinkhorn`, with the energy distance of the Cramér GAN {cite}`bellemare2017cramer`, and with
# OT-GAN {cite}`salimans2018otgan`, which combines both ideas on a learned cost. All of them go through the same
# trainer; the losses are in `lib/otgan/ot_losses.py`.

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
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

import otgan
from otgan import data, metrics, models, nets, ot_losses, plotting, transport, widgets

print(otgan.describe())
otgan.seed_everything(SEED)
toy_steps = TOY_STEPS or otgan.settings(smoke=20, book=600)
target = data.toy("8gaussians")

# %% [markdown]
# ## Minibatch Sinkhorn losses (Genevay et al., 2018)
#
# For a generated batch $\{G(z_i)\}$ and a real batch $\{x_j\}$ with cost $c(x, y) = \|x - y\|^2$, the
# entropic cost $OT_\varepsilon$ is computed by $L$ log-domain Sinkhorn iterations and differentiated, and the
# *Sinkhorn divergence* removes its bias,
#
# $$
# S_\varepsilon(\mu, \nu) = OT_\varepsilon(\mu, \nu) - \tfrac12 OT_\varepsilon(\mu, \mu) - \tfrac12 OT_\varepsilon(\nu, \nu),
# $$
#
# which interpolates between $W_2^2$ ($\varepsilon \to 0$) and an energy-distance-like MMD
# ($\varepsilon \to \infty$). The raw cost $OT_\varepsilon(\mu, \nu)$ is *not* minimized at $\mu = \nu$: for
# large $\varepsilon$ its minimizer shrinks toward the mean of the data. A generator on 8 Gaussians, trained on
# either, for three values of $\varepsilon$ (batch 128, 50 iterations):

# %%
eps_values = (0.1, 1.0, 10.0)
eps_runs = {}
for kind in ("entropic", "divergence"):
    for eps in eps_values:
        otgan.seed_everything(SEED)
        loss = ot_losses.SinkhornGeneratorLoss(eps, n_iter=50, kind=kind)
        trainer = models.toy_direct_trainer(target, loss=loss, batch_size=128)
        trainer.train(toy_steps, progress=False)
        eps_runs[kind, eps] = trainer

fig, axes = plt.subplots(2, 3, figsize=(12, 8))
for ax, ((kind, eps), trainer) in zip(axes.ravel(), eps_runs.items()):
    x = trainer.sample(1000)
    w1 = metrics.toy_metrics(x, target)["W1"]
    name = "raw $OT_\\varepsilon$" if kind == "entropic" else "$S_\\varepsilon$ (debiased)"
    plotting.plot_samples(x, target, ax=ax, title=f"{name}, eps={eps:g}: W1 {w1:.2f}")
plt.tight_layout()
plt.show()

# %% [markdown]
# Top row: as $\varepsilon$ grows the raw entropic loss pulls the samples toward the middle (at
# $\varepsilon = 10$ all samples collapse onto the mean). Bottom row: the debiased divergence never
# collapses; it matches the ring for small $\varepsilon$, and for large $\varepsilon$ it behaves like an MMD with
# a very wide kernel, a weak signal that leaves the samples spread over the square after the same number of
# steps.
#
# ### Backpropagating through the iterations, or not
#
# Genevay et al. differentiate through all $L$ iterations ("Sinkhorn AutoDiff"). The envelope theorem gives
# the gradient of the converged value without storing the iterations: $\partial OT_\varepsilon / \partial C = P$.
# Same gradient? Same training? Same time?

# %%
x_real, x_fake = target.sample(256, seed=1), (target.sample(256, seed=2) * 0.7).requires_grad_(True)
rows = {}
for eps in (0.05, 0.5):
    grads, secs = {}, {}
    for grad in ("autodiff", "envelope"):
        t0 = time.perf_counter()
        for _ in range(5):
            x_fake.grad = None
            transport.sinkhorn_divergence(x_fake, x_real, eps, n_iter=200, tol=0, grad=grad).backward()
        secs[grad] = (time.perf_counter() - t0) / 5 * 1000
        grads[grad] = x_fake.grad.clone()
    cos = torch.nn.functional.cosine_similarity(grads["autodiff"].flatten(), grads["envelope"].flatten(), dim=0)
    rel = (grads["autodiff"] - grads["envelope"]).norm() / grads["autodiff"].norm()
    rows[f"eps={eps}"] = {"cosine(grad autodiff, grad envelope)": float(cos), "relative difference": float(rel),
                          "ms autodiff": secs["autodiff"], "ms envelope": secs["envelope"]}
train_rows = {}
for grad in ("autodiff", "envelope"):
    otgan.seed_everything(SEED)
    trainer = models.toy_direct_trainer(target, loss=ot_losses.SinkhornGeneratorLoss(0.3, 50, grad=grad),
                                        batch_size=128)
    t0 = time.perf_counter()
    trainer.train(toy_steps, progress=False)
    train_rows[grad] = {"W1 to target": metrics.toy_metrics(trainer.sample(1000), target)["W1"],
                        "ms per step": (time.perf_counter() - t0) / toy_steps * 1000}
display(pd.DataFrame(rows).T.round(4))  # noqa: F821 - display is an IPython builtin
pd.DataFrame(train_rows).T.round(3)

# %% [markdown]
# The two are *not* the same gradient: autodiff differentiates the returned value $\langle P_\varepsilon, C\rangle$
# through the dependence of the plan on the points, while the envelope gradient is that of the regularized
# objective $\langle P, C\rangle - \varepsilon H(P)$ at the optimal plan (and, after a finite number of
# iterations, of a plan that is not exactly optimal). They point in similar directions (cosine close to 1 for
# $\varepsilon = 0.5$, lower for the small $\varepsilon = 0.05$, where 200 iterations are not enough to
# converge), and training with either reaches a similar fit, the envelope version in about half the time and
# with memory that does not grow with the number of iterations.
#
# ## The energy distance and the Cramér GAN (Bellemare et al., 2017)
#
# The energy distance $\mathcal{E}(P, Q) = 2\mathbb{E}\|X - Y\| - \mathbb{E}\|X - X'\| - \mathbb{E}\|Y - Y'\|$ is
# an expectation of simple functions of independent samples, so its minibatch estimate (with the diagonal
# terms removed) has an *unbiased* gradient. The minibatch Wasserstein distance does not: the expected gradient
# over batches of size $m$ is not the gradient of $W_1$, so SGD on it minimizes the *expected minibatch*
# distance, whose minimizer is not the data distribution. Bellemare et al. used this to motivate the Cramér
# GAN. We measure it in 1-D: the data are $\mathcal{N}(0, 1)$, the model $\mathcal{N}(0, \sigma^2)$, and
# Adam fits $\sigma$ by descending the minibatch loss averaged over many independent batches of size $m$ (an
# estimate of the expected minibatch gradient). The right answer is $\sigma = 1$.

# %%
def fitted_sigma(m, loss, steps=otgan.settings(smoke=20, book=200)):
    gen = torch.Generator().manual_seed(SEED)
    log_sigma = torch.zeros((), requires_grad=True)
    opt = torch.optim.Adam([log_sigma], lr=0.05)
    n_batches = max(8, int(4e4 // m) if loss == "W1" else int(4e4 // m**2))
    for _ in range(steps):
        x = torch.randn(n_batches, m, generator=gen)
        y = log_sigma.exp() * torch.randn(n_batches, m, generator=gen)
        if loss == "W1":   # 1-D minibatch W1: match the sorted samples
            value = (y.sort(dim=1).values - x.sort(dim=1).values).abs().mean()
        else:              # energy distance, within-sample term without its zero diagonal
            cross = (x[:, :, None] - y[:, None, :]).abs().mean((1, 2))
            within = (y[:, :, None] - y[:, None, :]).abs().sum((1, 2)) / (m * (m - 1))
            value = (2 * cross - within).mean()
        opt.zero_grad()
        value.backward()
        opt.step()
    return float(log_sigma.detach().exp())


sizes = otgan.settings(smoke=(2, 16), book=(2, 4, 8, 16, 64, 256))
bias = pd.DataFrame({m: {"sigma fitted by minibatch W1": fitted_sigma(m, "W1"),
                         "sigma fitted by minibatch energy distance": fitted_sigma(m, "energy")} for m in sizes}).T
bias.index.name = "batch size m"
ax = bias.plot(marker="o", logx=True, figsize=(7, 3.4), title="What SGD on a minibatch loss converges to")
ax.axhline(1.0, color="gray", ls=":")
ax.set(ylabel=r"fitted $\sigma$ (truth: 1)")
plt.show()
bias.round(3)

# %% [markdown]
# With batches of two, SGD on the minibatch $W_1$ shrinks the model to a third of the data's spread, and the
# bias fades only slowly with $m$; the energy distance gives $\sigma \approx 1$ at every batch size.
#
# The Cramér GAN applies the energy distance to learned features $h$ (the critic's 512-d penultimate layer).
# With two independent generated batches $x_g, x_g'$, the generator minimizes
# $\mathbb{E}\|h(x_r) - h(x_g)\| + \mathbb{E}\|h(x_r) - h(x_g')\| - \mathbb{E}\|h(x_g) - h(x_g')\|$ and the critic
# maximizes the surrogate $f(x_r) - f(x_g)$, $f(x) = \|h(x) - h(x_g')\| - \|h(x)\|$, with a gradient penalty
# (10) on $f$ (`ot_losses.CramerCriticLoss`).
#
# ## OT-GAN (Salimans et al., 2018)
#
# OT-GAN measures distances with Sinkhorn on a *learned* cost, the cosine distance between critic features
# $v(x)$, and uses the mini-batch energy distance with two independent batches per side,
#
# $$
# \mathcal{D}^2 = \mathcal{W}_c(X, Y) + \mathcal{W}_c(X, Y') + \mathcal{W}_c(X', Y) + \mathcal{W}_c(X', Y')
# - 2\mathcal{W}_c(X, X') - 2\mathcal{W}_c(Y, Y'),
# $$
#
# which, like the energy distance, is zero in expectation only when the distributions match. The critic
# maximizes $\mathcal{D}^2$, the generator minimizes it (three generator steps per critic step), and no gradient
# flows through the Sinkhorn iterations (`ot_losses.OTGANLoss`).
#
# **The frozen-critic experiment.** What if the critic is never trained? A GAN generator then climbs the fixed
# discriminator's logit and collapses onto its maximum. OT-GAN's loss with fixed random features is still a
# distance between distributions (a Sinkhorn divergence for a fixed cost), so the generator still has to match
# all the data.

# %%
frozen_runs = {}
for label, make in [("GAN, frozen discriminator", lambda: models.toy_trainer(target, "nonsaturating")),
                    ("OT-GAN, frozen critic", lambda: models.toy_otgan_trainer(target, n_iter=30, frozen=True)),
                    ("OT-GAN, trained critic", lambda: models.toy_otgan_trainer(target, n_iter=30))]:
    otgan.seed_everything(SEED)
    trainer = make()
    if label.startswith("GAN"):
        trainer.n_critic = 0
    trainer.train(toy_steps, progress=False)
    frozen_runs[label] = trainer

fig, axes = plt.subplots(1, 3, figsize=(13, 4.3))
for ax, (label, trainer) in zip(axes, frozen_runs.items()):
    tm = metrics.toy_metrics(trainer.sample(1000), target)
    plotting.plot_samples(trainer.sample(1000), target, ax=ax,
                          title=f"{label}\n{tm['modes_covered']}/8 modes, W1 {tm['W1']:.2f}")
plt.tight_layout()
plt.show()

# %% [markdown]
# Without training, the GAN's generator climbs the fixed logit without end and leaves the picture ($W_1$ in
# the thousands). OT-GAN with random frozen features still has to match the data in that random feature space:
# its samples stay spread around the ring of modes (low $W_1$, few samples inside a mode); training the critic
# sharpens them onto the modes.
#
# ## MNIST: Sinkhorn generator, Cramér GAN, OT-GAN
#
# Trained by `python -m otgan.reproduce --profile book --threads 1 --only sinkhorn_mlp cramer_mlp otgan_mlp`
# (same MLP generator as the other chapters, $128 \to 512 \to 512 \to 512 \to 784$ with batch norm):
#
# - **Sinkhorn generator** (`sinkhorn_mlp`): the Sinkhorn divergence in pixel space, squared Euclidean cost,
#   $\varepsilon = 4$ for pixels in $[-1, 1]$ (that is $\varepsilon = 1$ for pixels in $[0, 1]$, as in the
#   paper), 30 iterations, batch 200, no critic.
# - **Cramér GAN** (`cramer_mlp`): energy distance on 512-d critic features, gradient penalty 10, five critic
#   steps per generator step, batch 128.
# - **OT-GAN** (`otgan_mlp`): Sinkhorn ($\varepsilon = 0.05$, 50 iterations) on the cosine cost of 512-d critic
#   features, batch 256 (two halves per side), three generator steps per critic step.

# %%
ot_models = models.load(["sinkhorn_mlp", "cramer_mlp", "otgan_mlp"], seed=SEED)
plotting.sample_grids(ot_models, seed=SEED)
plt.show()

# %% [markdown]
# Latent interpolations (spherical), one row per model:

# %%
gen = torch.Generator().manual_seed(SEED + 1)
z0, z1 = torch.randn(2, 128, generator=gen), torch.randn(2, 128, generator=gen)
path = nets.interpolate_latents(z0, z1, 10, "slerp").reshape(-1, 128)
fig, axes = plt.subplots(1, 3, figsize=(16, 2.6))
for ax, (name, trainer) in zip(axes, ot_models.items()):
    plotting.image_grid(trainer.sample(len(path), z=path), nrow=10, ax=ax, title=name)
plt.tight_layout()
plt.show()

# %% [markdown]
# Metrics (1,000 samples against the 1,000 held-out digits) and the class proportions of each generator, read
# by the book's classifier; `class_tv` is the total-variation distance of the class histogram to uniform
# (0 for perfectly balanced classes, 0.9 for a single class).

# %%
table, mrows = metrics.metrics_table({name: tr.generator for name, tr in ot_models.items()}, n=1000, seed=SEED)
display(pd.DataFrame(table).T.round(3))  # noqa: F821

fig, ax = plt.subplots(figsize=(8, 3.4))
width = 0.2
for k, (name, m) in enumerate(mrows.items()):
    ax.bar(np.arange(10) + (k - 1.5) * width, m["class_hist"], width, label=name)
ax.axhline(0.1, color="gray", ls=":")
ax.set(xlabel="predicted digit", ylabel="fraction of samples", xticks=range(10), title="Class histograms")
ax.legend(fontsize=8)
plt.show()
print("smallest class share:", {name: round(min(m["class_hist"]), 3) for name, m in mrows.items()})

# %% [markdown]
# The OT-GAN report found a whole digit missing from its OT-GAN; here every generator of the chapter makes all
# ten digits (the smallest class share is printed above), and OT-GAN's class proportions are the closest to
# uniform, nearly as close as real digits (compare `class_tv` with the real-vs-real row). OT-GAN is also the
# best model of the chapter on FID. The pixel-space Sinkhorn generator's digits are smooth but blurred (an average
# over nearby digits, as $\varepsilon$ is not small relative to the distances between digits), which the
# classifier-based FID penalizes; the two critic-based models draw sharper strokes.
#
# ## Try it
#
# Train a generator on a Sinkhorn loss, its debiased version, or the energy distance; vary $\varepsilon$ and
# the batch size.

# %%
widgets.sinkhorn_panel("8gaussians", eps=1.0, loss="Sinkhorn (entropic)", steps=otgan.settings(smoke=10, book=300))

# %% [markdown]
# ## Exercises
#
# ```{exercise}
# :label: ex-sinkhorn-debias
# Show numerically that the raw entropic cost is not minimized at $\mu = \nu$: for a sample $x$ of 8 Gaussians,
# compare $OT_\varepsilon(x, x)$ with $OT_\varepsilon(s x, x)$ for shrink factors $s \in [0.2, 1]$ at
# $\varepsilon = 10$. Do the same for the divergence $S_\varepsilon$.
# ```
#
# ```{solution-start} ex-sinkhorn-debias
# :class: dropdown
# ```

# %%
x = target.sample(300, seed=3)
for s in (0.2, 0.4, 0.6, 0.8, 1.0):
    raw = transport.sinkhorn_loss(s * x, x, eps=10.0, n_iter=200)
    div = transport.sinkhorn_divergence(s * x, x, eps=10.0, n_iter=200)
    print(f"s={s:.2f}: OT_eps {raw:.4f}   S_eps {div:.4f}")

# %% [markdown]
# The raw cost is smallest for a shrunken copy ($s < 1$); the divergence is smallest at $s = 1$, where it is 0.
#
# ```{solution-end}
# ```
#
# ```{exercise}
# :label: ex-otgan-halves
# OT-GAN uses *two* independent batches per side. Write the biased version with one batch per side,
# $\mathcal{W}_c(X, Y)$ alone, as a generator loss on the 8-Gaussian toy (with `ot_losses.SinkhornGeneratorLoss`
# and the `"cosine"` cost on the raw 2-D points) and compare with the energy-distance version.
# ```
#
# ```{solution-start} ex-otgan-halves
# :class: dropdown
# ```
#
# With one batch per side the loss is a minibatch entropic OT cost: biased (its minimizer is not the data
# distribution) and, with the cosine cost on raw points, blind to the radius, so the samples only match the
# *directions* of the modes. The two-batch energy form removes the bias term.

# %%
otgan.seed_everything(SEED)
single = models.toy_direct_trainer(target, loss=ot_losses.SinkhornGeneratorLoss(0.1, 50, kind="entropic",
                                                                                 cost="cosine"), batch_size=128)
single.train(toy_steps, progress=False)
print("one batch per side, cosine cost:", {k: round(v, 3) for k, v in
                                           metrics.toy_metrics(single.sample(1000), target).items()
                                           if k in ("modes_covered", "high_quality", "W1")})

# %% [markdown]
# ```{solution-end}
# ```
