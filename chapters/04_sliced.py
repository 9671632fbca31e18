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
# (ch-sliced)=
# # Sliced and max-sliced Wasserstein
#
# In one dimension optimal transport is a sort. The sliced Wasserstein distance averages 1-D distances over
# random directions (defined and benchmarked in {ref}`ch-ot-primer`),
#
# $$
# SW_2^2(\mu, \nu) = \int_{S^{d-1}} W_2^2(\theta_\# \mu, \theta_\# \nu)\, d\sigma(\theta)
# \approx \frac1L \sum_{l=1}^L W_2^2(\theta_{l\#} \mu, \theta_{l\#} \nu),
# $$
#
# so it costs a matrix product and a sort, needs no critic, and its minibatch estimate is cheap to
# differentiate. This chapter trains generators on it directly {cite}`deshpande2018sliced`, on discriminator
# features, and with the single most informative direction (max-sliced, {cite}`deshpande2019maxsliced`); then it
# looks at what is known about running SGD on such a loss {cite}`tanguy2023sgd` and about its local
# optima {cite}`tanguy2023properties`.

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
from otgan import calibration, data, metrics, models, plotting, transport, widgets
from otgan import sliced_sgd as ssgd
from otgan.training import SampleRecorder

print(otgan.describe())
otgan.seed_everything(SEED)
toy_steps = TOY_STEPS or otgan.settings(smoke=30, book=2000)
record_every = max(10, toy_steps // 25)

# %% [markdown]
# ## A generator trained on $SW_2$, without a discriminator
#
# The generator ($8 \to 128 \to 128 \to 128 \to 2$) draws a batch of 256 points, the target gives 256 fresh
# points, and the loss is the sliced distance over $L = 50$ new random directions per step
# (`ot_losses.SlicedLoss`). Beside it, the non-saturating GAN of {ref}`ch-gan` on the same target and budget.

# %%
target = data.toy("8gaussians")
toy_metric = lambda x: metrics.toy_metrics(x, target, n_ref=1000)  # noqa: E731
runs = {}
for label, make in [("SW generator", lambda: models.toy_direct_trainer(target, 50)),
                    ("GAN", lambda: models.toy_trainer(target, "nonsaturating"))]:
    otgan.seed_everything(SEED)
    trainer, rec = make(), SampleRecorder(1000, metric=toy_metric, seed=SEED)
    t0 = time.perf_counter()
    trainer.train(toy_steps, callback=rec, callback_every=record_every, progress=False)
    runs[label] = (trainer, rec, time.perf_counter() - t0)

plotting.animate_panels({label: rec.frames for label, (_, rec, _) in runs.items()}, runs["GAN"][1].steps, target)

# %%
pd.DataFrame({label: {**{k: rec.metrics[-1][k] for k in ("modes_covered", "high_quality", "W1")},
                      "seconds": seconds} for label, (_, rec, seconds) in runs.items()}).T.round(3)

# %% [markdown]
# The two fail differently. The SW generator spreads its mass over the whole ring at once and only slowly
# concentrates it on the modes: after 2,000 steps few of its samples sit inside a mode (low high-quality
# rate), but its $W_1$ to the target is the lower of the two, because no region is left empty. The GAN's samples
# jump between modes in bursts as the discriminator changes its mind, and cover them unevenly. With no
# adversary there is nothing to collapse onto, but also nothing that sharpens the modes beyond what random
# 1-D projections can see.
#
# ### SGD or Adam, and how many projections
#
# The sliced loss is cheap but noisy (new directions every step). Plain SGD (step 0.05) against Adam
# (step $10^{-3}$), and then the number of directions $L$ per step with Adam:

# %%
opt_runs = {}
for opt in ("sgd", "adam"):
    otgan.seed_everything(SEED)
    trainer = models.toy_direct_trainer(target, 50, optimizer=opt)
    trainer.train(toy_steps, progress=False)
    opt_runs[opt] = trainer

n_proj_rows = {}
for L in otgan.settings(smoke=(1, 10), book=(1, 3, 10, 50, 200, 1000)):
    otgan.seed_everything(SEED)
    trainer = models.toy_direct_trainer(data.toy("25gaussians"), L)
    t0 = time.perf_counter()
    trainer.train(toy_steps, progress=False)
    ms = (time.perf_counter() - t0) / toy_steps * 1000
    m = metrics.toy_metrics(trainer.sample(2000), data.toy("25gaussians"))
    n_proj_rows[L] = {"modes covered (of 25)": m["modes_covered"], "high quality": m["high_quality"],
                      "W1 to target": m["W1"], "ms per step": ms, "trainer": trainer}

fig, axes = plt.subplots(1, 4, figsize=(16, 4))
for ax, (opt, trainer) in zip(axes[:2], opt_runs.items()):
    plotting.plot_losses(trainer.history, keys=("generator loss",), ax=ax, window=50,
                         title=f"{opt}: SW loss")
for ax, L in zip(axes[2:], (min(n_proj_rows), max(n_proj_rows))):
    plotting.plot_samples(n_proj_rows[L]["trainer"].sample(2000), data.toy("25gaussians"), ax=ax,
                          title=f"25 Gaussians, L = {L}")
plt.tight_layout()
plt.show()
print({opt: round(metrics.toy_metrics(tr.sample(1000), target)["W1"], 3) for opt, tr in opt_runs.items()})
pd.DataFrame({L: {k: v for k, v in row.items() if k != "trainer"} for L, row in n_proj_rows.items()}).T.round(3)

# %% [markdown]
# Adam gets to the plateau of the loss in a few hundred steps, plain SGD more slowly, and Adam ends with the
# slightly closer fit. On 25 Gaussians more directions lower $W_1$ (by about a fifth from $L = 1$ to
# $L \ge 50$), at a cost per step that grows slowly (the work is one $(n \times 2) \cdot (2 \times L)$ product
# and $L$ sorts of $n$ numbers, all batched), but no $L$ resolves the 25 modes in 2,000 steps: the samples stay
# spread over the square (right). A 1-D projection of a fine grid of modes is nearly uniform, so the sliced
# loss is almost flat with respect to *where* inside the square the mass sits.
#
# ## MNIST: pixels, discriminator features, and the max-sliced direction
#
# Three generators ($128 \to 512 \to 512 \to 512 \to 784$, batch norm, $\tanh$), trained by
# `python -m otgan.reproduce --profile book --threads 1 --only sw_pixel sw_features max_sw`:
#
# - **SW in pixel space** (`sw_pixel`): $SW_2$ between generated and real batches of 256 digits over 1,000
#   directions of $\mathbb{R}^{784}$, no discriminator, Adam $5 \cdot 10^{-4}$.
# - **SW on discriminator features** (`sw_features`, Deshpande et al. 2018): a discriminator is trained as in
#   the GAN chapter (dropout 0.3, label smoothing); the generator minimizes $SW_2$ between the 512-d penultimate
#   features of real and generated digits, over 1,000 directions.
# - **Max-sliced** (`max_sw`, Deshpande et al. 2019): the same, with one direction, the one that separates the
#   features most, found by projected gradient ascent on the sphere (10 steps per batch, warm-started).

# %%
sliced_models = models.load(["sw_pixel", "sw_features", "max_sw"], seed=SEED)
plotting.sample_grids(sliced_models, seed=SEED)
plt.show()

# %% [markdown]
# ### Why pixel-space SW blurs
#
# A random direction of $\mathbb{R}^{784}$ is a random mix of all pixels; projected on it, a sharp digit and a
# blurred one look alike, so the loss barely tells them apart. We measure $SW_2$ (1,000 directions) from 1,000
# real digits to other real digits, to the same digits blurred or noised, and to a generator's output, and
# compare with the FID of the same sets:

# %%
real_a = data.load_mnist("train").images[:1000]
real_b = data.load_mnist("heldout").images[:1000]
candidates = {"real (held-out)": real_b, "blurred real, sigma=1.5": calibration.blur(real_b, None, 1.5),
              "noisy real, sigma=0.5": calibration.gaussian_noise(real_b, None, 0.5)}
candidates.update({name: metrics.generate(tr.generator, 1000, seed=SEED) for name, tr in sliced_models.items()})
rows = {}
for label, imgs in candidates.items():
    torch.manual_seed(SEED)
    rows[label] = {"SW2 to real (pixels)": float(transport.sliced_wasserstein(imgs.flatten(1), real_a.flatten(1),
                                                                             1000)),
                   "FID": metrics.evaluate(imgs, n=1000)["fid"]}
pd.DataFrame(rows).T.round(3)

# %% [markdown]
# The generator trained on pixel SW reaches the level of real held-out digits *on its own loss* (about 0.17,
# like real vs real) while its FID is about 400: in 784 dimensions almost every random direction is a diffuse
# mix of pixels, along which a thin, broken or smeared stroke projects like a real one, so once the coarse
# statistics match the loss has nothing left to say. (It does rank a strong blur as far from the data, but
# far less decisively than the FID.) Its digits are thin and broken rather than sharp. Taking the slices in
# the discriminator's feature space, or along the most discriminative direction, fixes the geometry: both
# halve the FID.
#
# Metrics of the three generators (1,000 samples against the 1,000 held-out digits):

# %%
table, _ = metrics.metrics_table({name: tr.generator for name, tr in sliced_models.items()}, n=1000, seed=SEED)
pd.DataFrame(table).T.round(3)

# %% [markdown]
# ## SGD on a sliced loss: what is proved (Tanguy, 2023)
#
# **Setting.** A network $T(u, \cdot)$ with parameters $u \in \mathbb{R}^{d_u}$ pushes input samples
# $x_1, \dots, x_n \sim \mu$ forward; the target $\gamma = \frac1n \sum_j \delta_{y_j}$ is discrete. For a
# direction $\theta \in S^{d-1}$ the sample loss is
# $w(u, \theta, X) = W_2^2\big(P_{\theta\#}\frac1n\sum_i \delta_{T(u, x_i)}, P_{\theta\#}\gamma\big)$ and the
# objective is $F(u) = \mathbb{E}_{\theta, X}[w(u, \theta, X)]$. Because of the sort, $w$ is not differentiable
# where two projections tie, and $F$ is neither smooth nor convex; SGD uses an almost-everywhere gradient
# $\varphi$: $u_{k+1} = u_k - \alpha\, \varphi(u_k, \theta_{k+1}, X_{k+1})$. **Assumptions**: $T$ is
# piecewise polynomial in $(u, x)$ (ReLU networks qualify), the input measure has a density with compact
# support (or bounded moments), the target is discrete, and the iterates stay bounded.
#
# **Theorem 1.** As $\alpha \to 0$, the piecewise-constant interpolation $t \mapsto u_{\lfloor t/\alpha \rfloor}$
# converges, uniformly on $[0, T]$ and in probability, to the set of solutions of the subgradient flow
# $\dot u \in -\partial_C F(u)$ (Clarke subdifferential). It says nothing about where the flow goes, nor about a
# fixed $\alpha$.
#
# **Experiment 1.** A ReLU network $2 \to 16 \to 16 \to 2$ pushes $\mathcal{N}(0, I)$ to 64 points of 8
# Gaussians. The same initialization and the same sequence of inputs (64 per step) and directions (10 per step)
# are replayed for $\alpha_0 = 0.04$ and $\alpha_0/2, \alpha_0/4, \alpha_0/8$, up to time $T = k\alpha = 20$.

# %%
sizes = ssgd.mlp_sizes(2, (16, 16), 2)
u0 = ssgd.init_params(sizes, torch.Generator().manual_seed(SEED))
points = target.sample(64, seed=SEED)
T_end, alpha0 = otgan.settings(smoke=2.0, book=20.0), 0.04
alphas = [alpha0 / 2**k for k in range(4)]
inputs, directions = ssgd.random_sequence(int(round(T_end / alphas[-1])), 64, 2, 2, 10, seed=SEED)
trajectories = {a: ssgd.sliced_sgd(u0, points, sizes, a, int(round(T_end / a)), inputs, directions) for a in alphas}

fig, axes = plt.subplots(1, 3, figsize=(16, 3.8))
for a, (params, loss_k) in trajectories.items():
    t = np.arange(len(params)) * a
    axes[0].plot(t, params[:, 5].numpy(), lw=1, label=fr"$\alpha$ = {a:g}")
    axes[1].plot(t[1:], plotting.smooth(loss_k.numpy(), max(1, int(0.5 / a))), lw=1, label=fr"$\alpha$ = {a:g}")
sup = {a: ssgd.sup_distance(trajectories[a][0], a, trajectories[alphas[-1]][0], alphas[-1]) for a in alphas[:-1]}
axes[2].loglog(list(sup), list(sup.values()), "o-")
axes[0].set(xlabel=r"time $t = k\alpha$", ylabel="parameter $u_5$", title="One coordinate of the trajectory")
axes[1].set(xlabel=r"time $t = k\alpha$", ylabel="sample loss (smoothed)", title="Loss along the trajectory")
axes[2].set(xlabel=r"step $\alpha$", ylabel=r"$\sup_t \|u^\alpha(t) - u^{\alpha_0/8}(t)\|$",
            title=r"Distance to the smallest-step trajectory")
for ax in axes[:2]:
    ax.legend(fontsize=8)
plt.tight_layout()
plt.show()
pd.Series(sup, name="sup-distance to alpha0/8").round(4)

# %% [markdown]
# The trajectories bunch together as $\alpha$ halves, and the sup-distance to the $\alpha_0/8$ trajectory
# shrinks roughly in proportion to $\alpha$: the behaviour Theorem 1 predicts. What the theorem does *not*
# promise: a rate, convergence of the loss to a minimum, or anything at the fixed step one actually uses.
#
# **Theorem 2.** Noised, projected SGD,
# $u_{k+1} = \Pi_{B(0, r)}\big(u_k - \alpha(\varphi(u_k, \theta_{k+1}, X_{k+1}) + a\,\varepsilon_{k+1})\big)$
# with $\varepsilon_k \sim \mathcal{N}(0, I)$, has long-run iterates that, as $\alpha \to 0$, concentrate near
# the Clarke-critical points of $F$ in the ball $B(0, r)$. The noise ($a > 0$) is what the proof needs to
# escape the non-differentiable set; the projection keeps the iterates bounded. Critical points need not be
# minima, and a small ball can exclude the good ones.
#
# **Experiment 2.** The same problem with $\alpha = 0.01$ for $T = 20$, noise $a \in \{0, 1, 5\}$ and radius
# $r \in \{3, 10, \infty\}$ ($\|u_0\| = $ printed below).

# %%
alpha2 = 0.01
n2 = int(round(T_end / alpha2))
print(f"|u0| = {u0.norm():.2f}")
exp2 = {}
for a in (0.0, 1.0, 5.0):
    for r in (3.0, 10.0, None):
        params, loss_k = ssgd.sliced_sgd(u0, points, sizes, alpha2, n2, inputs, directions, noise=a, radius=r,
                                         noise_seed=SEED)
        exp2[a, r] = (params, loss_k)
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
for (a, r), (params, loss_k) in exp2.items():
    style = {3.0: ":", 10.0: "--", None: "-"}[r]
    axes[0].plot(np.arange(1, n2 + 1) * alpha2, plotting.smooth(loss_k.numpy(), 100), style, color=f"C{int(a) % 6}",
                 lw=1, label=f"a={a:g}, r={r or 'inf'}")
    axes[1].plot(np.arange(n2 + 1) * alpha2, params.norm(dim=1).numpy(), style, color=f"C{int(a) % 6}", lw=1)
axes[0].set(xlabel="time", ylabel="sample loss (smoothed)", yscale="log", title="Noised projected SGD")
axes[1].set(xlabel="time", ylabel=r"$\|u_k\|$", title="Parameter norm")
axes[0].legend(fontsize=7, ncol=3)
plt.tight_layout()
plt.show()
pd.DataFrame({f"a={a:g}, r={r or 'inf'}": {"final loss (last 10%)": float(lk[-n2 // 10:].mean()),
                                           "final |u|": float(p[-1].norm())}
              for (a, r), (p, lk) in exp2.items()}).T.round(4)

# %% [markdown]
# A radius smaller than the norm the network needs ($r = 3$) pins the iterates to the sphere and the loss
# plateaus higher: the iterates converge to critical points *of the constrained problem*. Moderate noise
# ($a = 1$) changes the limit little (the theorem's noise is a technical device as much as a practical one).
# Large noise ($a = 5$) at this fixed $\alpha$ keeps the loss high, and without the projection the parameters
# drift away (their norm grows several-fold): the ball is what keeps the noised iterates bounded, as the
# theorem assumes.
#
# ### Local optima of a sliced loss (Tanguy, Flamary and Delon, 2023)
#
# With finitely many directions, the sliced loss between two point clouds has many local minima: configurations
# that match every 1-D projection well but are not the target. We place 8 points $y_i$ at random and descend
# $SW_L^2(y, \gamma)$ with respect to their positions (200 random starts at once, a fixed set of $L$
# directions), then check with 2,000 fresh directions whether each start reached the target.

# %%
gen = torch.Generator().manual_seed(SEED)
cloud = torch.randn(8, 2, generator=gen)
starts = torch.randn(otgan.settings(smoke=20, book=200), 8, 2, generator=gen) * 2
check_dirs = transport.random_projections(2, 2000, torch.Generator().manual_seed(SEED + 1))
local = {}
for L in otgan.settings(smoke=(1, 10), book=(1, 2, 5, 10, 20, 50, 200)):
    theta = transport.random_projections(2, L, torch.Generator().manual_seed(L))
    y, loss_L = ssgd.descend_points(starts, cloud, theta, n_steps=otgan.settings(smoke=50, book=1000), lr=0.5)
    true = ssgd.sliced_w2_squared(y, cloud.expand_as(y), check_dirs)
    local[L] = {"SW_L^2 reached (mean)": float(loss_L.mean()), "true SW^2 (median)": float(true.median()),
                "share at the target": float((true < 1e-3).float().mean()), "y": y}
fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
Ls = list(local)
axes[0].semilogx(Ls, [local[L]["share at the target"] for L in Ls], "o-")
axes[0].set(xlabel="directions L", ylabel="share of starts", title="Starts that reach the target", ylim=(0, 1.05))
for ax, L in zip(axes[1:], (Ls[0], Ls[len(Ls) // 2])):
    ax.scatter(*local[L]["y"][:5].reshape(-1, 2).T, s=8, c="C1", label="final points (5 starts)")
    ax.scatter(*cloud.T, marker="x", c="k", s=60, label="target")
    ax.set(title=f"L = {L}", aspect="equal")
    ax.legend(fontsize=7)
plt.tight_layout()
plt.show()
pd.DataFrame({L: {k: v for k, v in row.items() if k != "y"} for L, row in local.items()}).T.round(4)

# %% [markdown]
# With one or two directions every start drives $SW_L$ to zero without reaching the target (the points only
# have to match two 1-D histograms); with $L = 10$ almost every start is stuck in a strict local minimum; only
# with many directions do most starts reach the target. The theory of Tanguy et al. describes these optima as
# the cells of an arrangement of hyperplanes, whose number falls as $L$ grows.
#
# ## Try it
#
# Train a sliced-Wasserstein generator on a toy: change the number of projections and the optimizer.

# %%
widgets.sliced_panel("25gaussians", n_projections=50, steps=otgan.settings(smoke=20, book=500))

# %% [markdown]
# ## Exercises
#
# ```{exercise}
# :label: ex-sliced-1d
# Write the sliced loss yourself for two clouds of equal size: project with one matrix product, sort each
# projection, and average the squared differences. Check it against `transport.sliced_wasserstein` with the
# same directions.
# ```
#
# ```{solution-start} ex-sliced-1d
# :class: dropdown
# ```

# %%
def my_sw2(x, y, theta):
    px, py = (x @ theta).sort(dim=0).values, (y @ theta).sort(dim=0).values
    return (px - py).pow(2).mean().sqrt()


x, y = data.toy("moons").sample(300, seed=1), data.toy("rings").sample(300, seed=2)
theta = transport.random_projections(2, 100, torch.Generator().manual_seed(0))
print(f"mine {my_sw2(x, y, theta):.6f}, library {transport.sliced_wasserstein(x, y, projections=theta):.6f}")

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise}
# :label: ex-sliced-step
# In Experiment 1, compare the final loss of the four step sizes at $T = 20$. Does a smaller step give a lower
# loss at equal *time*? At equal number of *steps*?
# ```
#
# ```{solution-start} ex-sliced-step
# :class: dropdown
# ```
#
# At equal time the four runs end close to each other (they approximate the same flow); at equal number of steps
# the large step has gone four to eight times further along the flow, so it is lower. Theorem 1 is a statement
# about time $t = k\alpha$, not about steps.

# %%
for a, (params, loss_k) in trajectories.items():
    k_common = int(round(T_end / alphas[0]))
    print(f"alpha={a:g}: loss over the last 10% of time {loss_k[-len(loss_k) // 10:].mean():.4f}; "
          f"after {k_common} steps {loss_k[max(0, k_common - 50):k_common].mean():.4f}")

# %% [markdown]
# ```{solution-end}
# ```
