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
# (ch-ot-primer)=
# # An optimal transport primer
#
# Every later chapter trains a generator by making one distribution look like another. Optimal transport (OT)
# gives the yardstick: the least effort needed to move one pile of mass onto another. This chapter builds the
# tools the rest of the book uses — exact OT, its 1-D shortcut, entropic OT (Sinkhorn), sliced Wasserstein and
# the energy distance — and checks each against POT {cite}`flamary2021pot`. The code lives in
# `lib/otgan/transport.py`; the standard reference for the math is {cite}`peyre2019computational`.

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
N_POINTS = None  # points per 2-D cloud; None picks the profile's default

# %%
import matplotlib.pyplot as plt
import numpy as np
import ot
import torch

import otgan
from otgan import data, plotting, widgets
from otgan import transport as T

print(otgan.describe())
otgan.seed_everything(SEED)
n = N_POINTS or otgan.settings(smoke=40, book=150)

# %% [markdown]
# ## Monge, Kantorovich, Wasserstein
#
# Monge asked for a map $T$ pushing $\mu$ onto $\nu$ ($T_\# \mu = \nu$) at least cost $\int c(x, T(x))\,d\mu$.
# A map may not exist (one point cannot be split in two), so Kantorovich relaxed it to a *coupling*
# $\pi \in \Pi(\mu, \nu)$, a joint law with marginals $\mu$ and $\nu$. With $c(x, y) = \|x - y\|^p$,
#
# $$
# W_p(\mu, \nu) = \Big(\min_{\pi \in \Pi(\mu, \nu)} \int \|x - y\|^p \, d\pi(x, y)\Big)^{1/p}
# $$
#
# is a distance between distributions, finite even when their supports do not overlap — the property that
# makes it useful for GANs (chapter 3). For two clouds of $n$ points with weights $1/n$ the coupling is an
# $n \times n$ matrix $P$ with row and column sums $1/n$, and the problem is a linear program. POT solves it
# exactly with the network simplex; `otgan.transport.wasserstein` calls it and returns a differentiable tensor.

# %%
x = data.sample_toy("8gaussians", n, seed=SEED).double()
y = data.sample_toy("moons", n, seed=SEED + 1).double()
C = T.sqeuclidean_cost(x, y)
plan = ot.emd(ot.unif(n), ot.unif(n), C.numpy())
print(f"W2 = {T.wasserstein(x, y, p=2):.4f}, W1 = {T.wasserstein(x, y, p=1):.4f}; "
      f"non-zeros in the plan: {(plan > 0).sum()} (a permutation has {n})")

# %%
fig, ax = plt.subplots(figsize=(5, 5))
plotting.plot_plan(x, y, plan, ax=ax, title="Exact optimal plan for $W_2$, 8 Gaussians to moons", lim=2.6)
ax.legend(loc="lower left")
plt.show()

# %% [markdown]
# With equal uniform weights the optimal plan is a permutation (Birkhoff's theorem): each blue point sends all
# its mass to exactly one red point, and no two segments of a $W_2$ plan cross.
#
# ## The dual: what a critic estimates
#
# Kantorovich duality turns the minimum over couplings into a maximum over potentials. For $p = 1$ it takes the
# Kantorovich–Rubinstein form
#
# $$
# W_1(\mu, \nu) = \sup_{\|f\|_{\mathrm{Lip}} \le 1} \; \mathbb{E}_{x \sim \mu}[f(x)] - \mathbb{E}_{y \sim \nu}[f(y)],
# $$
#
# a supremum over 1-Lipschitz functions. A WGAN critic is a neural network trained to be this $f$ (chapter 3).
# POT's exact solver also returns the dual potentials; for $W_1$ they give the optimal $f$ on the samples, and
# the gap of its means equals $W_1$:

# %%
C1 = T.euclidean_cost(x, y).numpy()
plan1, log = ot.emd(ot.unif(n), ot.unif(n), C1, log=True)
f_x, g_y = log["u"], log["v"]
print(f"primal W1 = {(plan1 * C1).sum():.5f};  dual <f, a> + <g, b> = {f_x.mean() + g_y.mean():.5f}")

# %% [markdown]
# ## One dimension: OT is sorting
#
# On the line, the optimal coupling matches quantiles: $W_p^p(\mu, \nu) = \int_0^1 |F_\mu^{-1}(t) -
# F_\nu^{-1}(t)|^p\,dt$, so for two samples of equal size it pairs the $i$-th smallest with the $i$-th smallest.
# The area between the two quantile functions below is $W_1$.

# %%
u = torch.randn(n, dtype=torch.float64) * 0.7 - 1
v = torch.cat([torch.randn(n // 2, dtype=torch.float64) * 0.3 + 1, torch.randn(n - n // 2, dtype=torch.float64) * 0.3 + 2.5])
levels = (torch.arange(n) + 0.5) / n
fig, ax = plt.subplots(figsize=(6, 3.6))
ax.step(levels, u.sort().values, where="mid", label=r"$F_\mu^{-1}$: $N(-1, 0.7^2)$")
ax.step(levels, v.sort().values, where="mid", label=r"$F_\nu^{-1}$: mixture")
ax.fill_between(levels, u.sort().values, v.sort().values, step="mid", alpha=0.2, label="area $= W_1$")
ax.set(xlabel="quantile level $t$", ylabel="value", title="1-D optimal transport pairs the quantiles")
ax.legend()
plt.show()
w1_sort = (u.sort().values - v.sort().values).abs().mean()
print(f"W1 by sorting {w1_sort:.6f}  vs  POT's exact solver {T.wasserstein(u[:, None], v[:, None], p=1):.6f}")

# %% [markdown]
# Sorting costs $O(n \log n)$, against roughly $O(n^3)$ for the network simplex. Sliced Wasserstein, below,
# exploits this.
#
# ## Entropic OT and Sinkhorn
#
# Adding an entropy term makes the problem strictly convex and solvable by matrix scaling
# {cite}`cuturi2013sinkhorn`:
#
# $$
# OT_\varepsilon(\mu, \nu) = \min_{P \in U(a, b)} \langle P, C \rangle - \varepsilon H(P), \qquad
# P^\star = \mathrm{diag}(e^{f/\varepsilon})\, e^{-C/\varepsilon}\, \mathrm{diag}(e^{g/\varepsilon})
# \odot (a b^\top).
# $$
#
# Sinkhorn's algorithm alternately fixes the column and the row marginals. In the log domain (stable for small
# $\varepsilon$) the whole algorithm is a few lines:

# %%
def sinkhorn_from_scratch(a, b, C, eps, n_iter):
    f, g = torch.zeros_like(a), torch.zeros_like(b)
    for _ in range(n_iter):
        g = -eps * torch.logsumexp(a.log()[:, None] + (f[:, None] - C) / eps, dim=0)
        f = -eps * torch.logsumexp(b.log()[None, :] + (g[None, :] - C) / eps, dim=1)
    return torch.exp(a.log()[:, None] + b.log()[None, :] + (f[:, None] + g[None, :] - C) / eps)


a = b = torch.full((n,), 1.0 / n, dtype=torch.float64)
eps = 0.05
P_scratch = sinkhorn_from_scratch(a, b, C, eps, 500)
P_pot = ot.sinkhorn(a.numpy(), b.numpy(), C.numpy(), eps, method="sinkhorn_log", numItermax=500, stopThr=0,
                   warn=False)
P_lib = T.sinkhorn(a, b, C, eps, n_iter=500, tol=0).plan
print(f"max |scratch - POT| = {np.abs(P_scratch.numpy() - P_pot).max():.2e}, "
      f"max |scratch - otgan| = {(P_scratch - P_lib).abs().max():.2e}")

# %% [markdown]
# The three agree to machine precision. The library version adds input checks, a stopping rule on the
# marginal error, and two ways to differentiate (through the iterations, or by the envelope theorem at the
# solution); its docstring explains both.
#
# ### The effect of $\varepsilon$
#
# Small $\varepsilon$ gives a nearly sparse plan close to the exact one; large $\varepsilon$ spreads each point's
# mass over many targets (at $\varepsilon \to \infty$, the independent coupling $a b^\top$). The costs here are
# squared distances of order 1–10, so $\varepsilon$ is in those units.

# %%
epsilons = [0.01, 0.1, 1.0, 10.0]
fig, axes = plt.subplots(1, len(epsilons), figsize=(4 * len(epsilons), 4))
for ax, e in zip(axes, epsilons):
    res = T.sinkhorn(a, b, C, e, n_iter=3000, tol=1e-9)
    entropy = -(res.plan * res.plan.clamp_min(1e-300).log()).sum()
    plotting.plot_plan(x, y, res.plan, ax=ax, lim=2.6,
                       title=f"$\\varepsilon$={e}: cost {res.cost:.2f}, H(P)={entropy:.1f}")
plt.tight_layout()
plt.show()

# %% [markdown]
# The plan's entropy $H(P)$ grows from $\log n$ (a permutation, mass $1/n$ on $n$ entries) towards $2 \log n$
# (the independent coupling, mass $1/n^2$ everywhere), and the transport cost grows with it.
#
# ### Entropic bias and the Sinkhorn divergence
#
# Because of the entropy, the entropic cost $OT_\varepsilon(\mu, \nu) = \langle P_\varepsilon, C \rangle$ of a
# cloud to itself is positive — the blurred plan moves mass even when nothing needs to move — and its minimum
# over $\nu$ is not at $\nu = \mu$: a generator trained on it is biased. The Sinkhorn divergence
# {cite}`genevay2018sinkhorn` subtracts the self-terms,
#
# $$
# S_\varepsilon(\mu, \nu) = OT_\varepsilon(\mu, \nu) - \tfrac12 OT_\varepsilon(\mu, \mu) - \tfrac12 OT_\varepsilon(\nu, \nu),
# $$
#
# so that $S_\varepsilon(\mu, \mu) = 0$. Below, $\nu$ is $\mu$ shrunk towards its mean by a factor $s$; the true
# $W_2^2$ is zero only at $s = 1$.

# %%
scales = np.linspace(0.0, 1.5, otgan.settings(smoke=7, book=31))
labels = {"W2": "exact $W_2^2$", "OT": r"$OT_\varepsilon$, $\varepsilon$=1", "S": r"$S_\varepsilon$, $\varepsilon$=1"}
curves = {key: [] for key in labels}
for s in scales:
    ys = x.mean(0) + s * (x - x.mean(0))
    curves["W2"].append(T.wasserstein(x, ys, p=2).item() ** 2)
    curves["OT"].append(T.sinkhorn_loss(x, ys, eps=1.0, n_iter=500).item())
    curves["S"].append(T.sinkhorn_divergence(x, ys, eps=1.0, n_iter=500).item())
fig, ax = plt.subplots(figsize=(6.5, 4))
for key, values in curves.items():
    line, = ax.plot(scales, values, label=labels[key])
    ax.plot(scales[np.argmin(values)], min(values), "o", color=line.get_color())
ax.axvline(1.0, color="gray", ls=":", label="$\\nu = \\mu$")
ax.set(xlabel="scale $s$ of $\\nu$ around the mean of $\\mu$", ylabel="loss", title="Entropic bias and its removal")
ax.legend()
plt.show()
print(f"OT_eps is smallest at s = {scales[np.argmin(curves['OT'])]:.2f}, "
      f"the Sinkhorn divergence at s = {scales[np.argmin(curves['S'])]:.2f}")

# %% [markdown]
# The dots mark the minima. The raw entropic cost stays far above zero at $\nu = \mu$ and is minimal at a
# slightly inflated $\nu$; the Sinkhorn divergence, like $W_2^2$, is zero and minimal at $s = 1$.
#
# ## Sliced Wasserstein
#
# Project both clouds on a direction $\theta$ of the unit sphere, solve the 1-D problem by sorting, and average
# over directions:
#
# $$
# SW_p^p(\mu, \nu) = \int_{S^{d-1}} W_p^p(\theta_\# \mu, \theta_\# \nu)\, d\sigma(\theta)
# \approx \frac1L \sum_{l=1}^L W_p^p(\theta_{l\#} \mu, \theta_{l\#} \nu).
# $$
#
# `otgan.transport.sliced_wasserstein` does all $L$ projections as one matrix product and one batched sort,
# with no Python loop. Each panel below is one of those 1-D problems.

# %%
thetas = T.random_projections(2, 3, generator=torch.Generator().manual_seed(SEED), dtype=torch.float64)
fig, axes = plt.subplots(1, 4, figsize=(16, 3.8))
plotting.plot_samples(x, ax=axes[0], color="C0", s=8, label="$\\mu$")
plotting.plot_samples(y, ax=axes[0], color="C3", s=8, label="$\\nu$", title="two clouds and three directions")
for k, th in enumerate(thetas.T):
    axes[0].arrow(0, 0, 2 * th[0].item(), 2 * th[1].item(), width=0.03, color=f"C{k + 4}")
    px, py = (x @ th).numpy(), (y @ th).numpy()
    bins = np.linspace(-3, 3, 40)
    axes[k + 1].hist(px, bins, alpha=0.6, color="C0", label="$\\theta_\\# \\mu$")
    axes[k + 1].hist(py, bins, alpha=0.6, color="C3", label="$\\theta_\\# \\nu$")
    w2 = T.wasserstein_1d((x @ th)[:, None], (y @ th)[:, None]).item() ** 0.5
    axes[k + 1].set(title=f"direction {k + 1}: $W_2$ = {w2:.2f}", xlabel="$\\langle \\theta, x \\rangle$",
                    ylabel="count")
    axes[k + 1].legend()
axes[0].legend(loc="lower left")
plt.tight_layout()
plt.show()

# %% [markdown]
# Different directions see different discrepancies; SW averages them. It is always at most $W_p$, and it is a
# true distance, but in high dimension most random directions see little (the max-sliced variant of chapter 4
# looks for the best one).
#
# ### How many projections?
#
# The Monte-Carlo estimate is an average of $L$ i.i.d. terms, so its error decreases like $1/\sqrt{L}$. We measure
# it against a reference computed with many projections, on 10-d Gaussians, over repeated draws.

# %%
gen = torch.Generator().manual_seed(SEED)
xa = torch.randn(500, 10, generator=gen, dtype=torch.float64)
ya = torch.randn(500, 10, generator=gen, dtype=torch.float64) * torch.linspace(0.5, 2, 10)
reference = T.sliced_wasserstein(xa, ya, otgan.settings(smoke=2000, book=50000), generator=gen).item() ** 2
Ls = np.unique(np.logspace(0, otgan.settings(smoke=2.5, book=3.5), 12).astype(int))
repeats = otgan.settings(smoke=5, book=40)
errors = [np.sqrt(np.mean([(T.sliced_wasserstein(xa, ya, int(L), generator=gen).item() ** 2 - reference) ** 2
                           for _ in range(repeats)])) for L in Ls]
fig, ax = plt.subplots(figsize=(5.5, 4))
ax.loglog(Ls, errors, "o-", label=f"RMS error of $SW_2^2$ ({repeats} repeats)")
ax.loglog(Ls, errors[0] / np.sqrt(Ls), "k--", label="slope $-1/2$")
ax.set(xlabel="number of projections $L$", ylabel="RMS error", title="Monte-Carlo error of sliced Wasserstein")
ax.legend()
plt.show()
slope = np.polyfit(np.log(Ls), np.log(errors), 1)[0]
print(f"fitted slope: {slope:.2f}")

# %% [markdown]
# The measured error follows the $L^{-1/2}$ line: quadrupling the projections halves the error.
#
# ## Energy distance
#
# The energy distance (the multivariate Cramér distance of {cite}`bellemare2017cramer`) needs no optimization at
# all:
#
# $$
# \mathcal{E}(\mu, \nu) = 2\,\mathbb{E}\|X - Y\| - \mathbb{E}\|X - X'\| - \mathbb{E}\|Y - Y'\|.
# $$
#
# It is zero exactly when $\mu = \nu$, its mini-batch gradients are unbiased, and it is the
# $\varepsilon \to \infty$ limit of the Sinkhorn divergence with the cost $\|x - y\|$. Below, all five
# discrepancies of this chapter for the 8 Gaussians against a shifted copy of themselves:

# %%
shifts = np.linspace(0, 2, otgan.settings(smoke=5, book=21))
table = {name: [] for name in ("W1", "W2", "SW2", "Sinkhorn div. (eps=0.5)", "energy")}
for s in shifts:
    ys = x + torch.tensor([s, 0.0], dtype=torch.float64)
    table["W1"].append(T.wasserstein(x, ys, p=1).item())
    table["W2"].append(T.wasserstein(x, ys, p=2).item())
    table["SW2"].append(T.sliced_wasserstein(x, ys, 500, generator=gen).item())
    table["Sinkhorn div. (eps=0.5)"].append(T.sinkhorn_divergence(x, ys, eps=0.5, n_iter=500).item())
    table["energy"].append(T.energy_distance(x, ys).item())
fig, ax = plt.subplots(figsize=(6.5, 4))
for name, values in table.items():
    ax.plot(shifts, values, label=name)
ax.set(xlabel="shift $\\delta$ of $\\nu = \\mu + (\\delta, 0)$", ylabel="discrepancy",
       title="Five discrepancies under a translation")
ax.legend()
plt.show()

# %% [markdown]
# $W_1$ and $W_2$ both equal the shift $\delta$ exactly (a translation is its own optimal map); SW is smaller by
# the average of $|\cos|$ over directions ($\sqrt{1/2}$ for $SW_2$ in 2-D); the Sinkhorn divergence grows like
# $\delta^2$ (its cost is the squared distance); the energy distance grows linearly once the shift exceeds the
# spread of the clouds.
#
# ## Timings
#
# Speed matters: a generator calls these functions at every step. `benchmarks/bench_transport.py` measures the
# library against POT side by side; its last recorded output:

# %%
bench = os.path.join(os.path.dirname(os.path.abspath(otgan.__file__)), "..", "..", "benchmarks", "transport.md")
if os.path.exists(bench):
    from IPython.display import Markdown, display
    display(Markdown(open(bench).read().split("\n", 2)[2]))
else:
    print("benchmarks/transport.md not found (it ships with the repository)")

# %% [markdown]
# ```{admonition} CPU and GPU
# :class: note
# These timings were taken on 2 CPU cores. On a GPU the same calls run on the device of their inputs; the
# sort-based SW and the log-domain Sinkhorn are both single batched kernels there.
# ```
#
# ## Explore
#
# Pick two toys and $\varepsilon$; the panel draws the exact plan beside the Sinkhorn plan and prints every
# discrepancy of this chapter. In this static page it shows its initial state only (no Python kernel runs behind
# the HTML); the figures above are the reference. In Jupyter or Colab it redraws live.

# %%
widgets.transport_panel("8gaussians", "moons", n=otgan.settings(smoke=20, book=60))

# %% [markdown]
# ## Exercises
#
# ```{exercise}
# :label: ex-sw-numpy
# Implement $SW_2$ between two equal-size point clouds in NumPy, with no Python loop over projections, and check
# it against `otgan.transport.sliced_wasserstein` with the same projection matrix.
# ```
#
# ```{solution-start} ex-sw-numpy
# :class: dropdown
# ```
#
# Project with one matrix product, sort each column, average the squared differences over samples and
# projections, take the square root.

# %%
def sw2_numpy(xs, ys, projections):
    px, py = np.sort(xs @ projections, axis=0), np.sort(ys @ projections, axis=0)
    return np.sqrt(np.mean((px - py) ** 2))


proj = T.random_projections(2, 200, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
print(f"numpy {sw2_numpy(x.numpy(), y.numpy(), proj.numpy()):.10f}  "
      f"otgan {T.sliced_wasserstein(x, y, projections=proj).item():.10f}")

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise}
# :label: ex-w2-gaussians
# For Gaussians, $W_2^2(N(m_1, \Sigma_1), N(m_2, \Sigma_2)) = \|m_1 - m_2\|^2 + \mathrm{tr}(\Sigma_1 + \Sigma_2 -
# 2(\Sigma_1^{1/2}\Sigma_2\Sigma_1^{1/2})^{1/2})$. Sample two 2-D Gaussians with different covariances and show
# that the exact $W_2^2$ between growing samples approaches the closed form (`otgan.transport.gaussian_w2`).
# ```
#
# ```{solution-start} ex-w2-gaussians
# :class: dropdown
# ```
#
# The empirical $W_2^2$ is biased upwards at small $n$ (sampling noise must be transported too) and converges
# to the closed form as $n$ grows.

# %%
m1, m2 = torch.zeros(2, dtype=torch.float64), torch.tensor([1.0, 0.5], dtype=torch.float64)
S1 = torch.tensor([[1.0, 0.3], [0.3, 0.5]], dtype=torch.float64)
S2 = torch.tensor([[0.4, -0.2], [-0.2, 1.2]], dtype=torch.float64)
closed = T.gaussian_w2(m1, S1, m2, S2).item()
L1, L2 = torch.linalg.cholesky(S1), torch.linalg.cholesky(S2)
for size in otgan.settings(smoke=[50, 200], book=[50, 200, 800, 2000]):
    xs = m1 + torch.randn(size, 2, generator=gen, dtype=torch.float64) @ L1.T
    ys = m2 + torch.randn(size, 2, generator=gen, dtype=torch.float64) @ L2.T
    print(f"n = {size:5d}: empirical W2^2 = {T.wasserstein(xs, ys).item() ** 2:.4f}   closed form {closed:.4f}")

# %% [markdown]
# ```{solution-end}
# ```
