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

# %% tags=["parameters", "hide-cell"]
SEED = 0
N_POINTS = None  # points per 2-D cloud; None picks the profile's default

# %% tags=["hide-cell"]
import warnings

import matplotlib.pyplot as plt
import numpy as np
import ot
import pandas as pd
import torch

import otgan
from otgan import data, plotting, tables, widgets
from otgan import transport as T
from otgan.claims import claim, english_list, glue

print(otgan.describe())
otgan.seed_everything(SEED)
n = N_POINTS or otgan.settings(smoke=40, book=150)

# %% [markdown]
# (sec-ot-primer-monge)=
# ## Monge, Kantorovich, Wasserstein
#
# The symbols are those of the {ref}`notation page <notation>`: $\mu$ and $\nu$ are two distributions (later
# $\mu$ is the data and $\nu_\theta$ the model), $C$ a cost matrix, $\varepsilon$ the entropic regularization.
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
# makes it useful for GANs ({ref}`ch-wgan`). For two clouds of $n$ points with weights $1/n$ the coupling is an
# $n \times n$ matrix $P$ with row and column sums $1/n$, and the problem is a linear program. POT solves it
# exactly with the network simplex; `otgan.transport.wasserstein` calls it and returns a differentiable tensor.

# %%
x = data.sample_toy("8gaussians", n, seed=SEED).double()
y = data.sample_toy("moons", n, seed=SEED + 1).double()
C = T.sqeuclidean_cost(x, y)
plan = ot.emd(ot.unif(n), ot.unif(n), C.numpy())
print(f"W2 = {T.wasserstein(x, y, p=2):.4f}, W1 = {T.wasserstein(x, y, p=1):.4f}; "
      f"non-zeros in the plan: {(plan > 0).sum()} (a permutation has {n})")
claim((plan > 0).sum() == n, "with uniform weights the exact plan is a permutation");

# %%
fig, ax = plt.subplots(figsize=(5, 5))
plotting.plot_plan(x, y, plan, ax=ax, title="Exact optimal plan for $W_2$, 8 Gaussians to moons", lim=2.6)
plotting.legend_below(ax)
plt.show()

# %% [markdown]
# With equal uniform weights the optimal plan is a permutation (Birkhoff's theorem): each blue point sends all
# its mass to exactly one red point, $x_i \mapsto y_{\sigma(i)}$. Flow matching pairs noise with data by exactly
# this plan, batch by batch, to straighten the paths of its ODE ({ref}`ch-flow-matching`).
#
# What does optimality look like on the picture? Swapping the targets of two points must never help. For the
# squared cost, $\|x_i - y_{\sigma(i)}\|^2 + \|x_j - y_{\sigma(j)}\|^2 \le \|x_i - y_{\sigma(j)}\|^2 +
# \|x_j - y_{\sigma(i)}\|^2$ expands to
#
# $$
# \langle x_i - x_j,\; y_{\sigma(i)} - y_{\sigma(j)} \rangle \ge 0 \quad \text{for every pair } i, j,
# $$
#
# (the plan is *cyclically monotone*; two-point swaps are the simplest cycles). It does **not** say that the
# segments never cross: $(0, 0) \to (4, 0)$ and $(1, -0.1) \to (5, 0.1)$ is optimal for $\|x - y\|^2$ and the
# two segments cross. Non-crossing holds for the cost $\|x - y\|$ ($W_1$): if two segments crossed, uncrossing
# them would be strictly shorter by the triangle inequality. The run checks both statements: on the $W_2$ plan drawn above, and on the exact $W_1$ plan of the
# same points (not drawn).

# %%
def crossing_pairs(x, y, sigma):
    """Number of pairs of segments x_i -> y_sigma(i) that cross (proper intersections)."""
    p, q = x.numpy(), y.numpy()[sigma]
    def side(a, b, c):  # sign of the turn a -> b -> c, for every pair (i, j) at once
        return np.sign((b[..., 0] - a[..., 0]) * (c[..., 1] - a[..., 1]) - (b[..., 1] - a[..., 1]) * (c[..., 0] - a[..., 0]))
    pi, qi, pj, qj = p[:, None], q[:, None], p[None, :], q[None, :]
    cross = (side(pi, qi, pj) * side(pi, qi, qj) < 0) & (side(pj, qj, pi) * side(pj, qj, qi) < 0)
    return int(np.triu(cross, 1).sum())


sigma2 = plan.argmax(1)
plan1_exact = ot.emd(ot.unif(n), ot.unif(n), T.euclidean_cost(x, y).numpy())
sigma1 = plan1_exact.argmax(1)
dx, dy = x[:, None] - x[None, :], y[sigma2][:, None] - y[sigma2][None, :]
monotone_min = (dx * dy).sum(-1)[~torch.eye(len(x), dtype=torch.bool)].min().item()  # pairs i != j
crossings_w2, crossings_w1 = glue("crossings_w2", crossing_pairs(x, y, sigma2)), glue("crossings_w1", crossing_pairs(x, y, sigma1))
print(f"min over pairs i != j of <x_i - x_j, y_s(i) - y_s(j)> for the W2 plan: {monotone_min:.2e}")
print(f"crossing pairs of segments: W2 plan {crossings_w2}, W1 plan {crossings_w1}")
glue("monotone_min", monotone_min)
claim(monotone_min >= -1e-9, "the W2 plan satisfies <x_i - x_j, y_s(i) - y_s(j)> >= 0 for every pair")
claim(crossings_w1 == 0, "no two segments of the W1 plan cross");

# %% [markdown]
# On these clouds the $W_2$ plan has {glue:text}`crossings_w2` crossing pairs of segments while every pair
# satisfies the inequality (the smallest inner product over pairs $i \ne j$ is {glue:text}`monotone_min:.2g`,
# not negative); the $W_1$ plan has {glue:text}`crossings_w1`.
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
# a supremum over 1-Lipschitz functions. A WGAN critic is a neural network trained to be this $f$ ({ref}`ch-wgan`).
# POT's exact solver also returns the dual potentials; for $W_1$ they give the optimal $f$ on the samples, and
# the gap of its means equals $W_1$:

# %%
C1 = T.euclidean_cost(x, y).numpy()
plan1, log = ot.emd(ot.unif(n), ot.unif(n), C1, log=True)
f_x, g_y = log["u"], log["v"]
print(f"primal W1 = {(plan1 * C1).sum():.5f};  dual <f, a> + <g, b> = {f_x.mean() + g_y.mean():.5f}")
claim(abs((plan1 * C1).sum() - (f_x.mean() + g_y.mean())) < 1e-8, "the dual value equals the primal W1");

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
w1_exact = T.wasserstein(u[:, None], v[:, None], p=1)
print(f"W1 by sorting {w1_sort:.6f}  vs  POT's exact solver {w1_exact:.6f}")
claim(abs(w1_sort - w1_exact) < 1e-9, "sorting gives the exact 1-D W1");

# %% [markdown]
# Sorting costs $O(n \log n)$, against roughly $O(n^3)$ for the network simplex. Sliced Wasserstein, below,
# exploits this.
#
# ## Entropic OT and Sinkhorn
#
# Adding an entropy term $H(P) = -\sum_{ij} P_{ij} \log P_{ij}$ makes the problem strictly convex and solvable
# by matrix scaling {cite}`cuturi2013sinkhorn`. The entropic plan is
#
# $$
# P_\varepsilon = \arg\min_{P \in U(a, b)} \langle P, C \rangle - \varepsilon H(P)
# = \mathrm{diag}(e^{f/\varepsilon})\, e^{-C/\varepsilon}\, \mathrm{diag}(e^{g/\varepsilon}) \odot (a b^\top),
# $$
#
# where $U(a, b) = \{P \geq 0 : P \mathbf{1} = a,\ P^\top \mathbf{1} = b\}$ is the set of discrete couplings
# (the $\Pi(\mu, \nu)$ above for two weighted clouds) and $f, g$ are the dual potentials,
#
# and the book's **entropic OT cost** is the transport cost of that plan,
#
# $$
# OT_\varepsilon(\mu, \nu) = \langle P_\varepsilon, C \rangle
# $$
#
# (the "Sinkhorn loss" of {cite}`genevay2018sinkhorn`, what `otgan.transport.sinkhorn_loss` returns; see the
# {ref}`notation page <notation>`). The envelope theorem gives the derivative of the *regularized optimum*
# $F_\varepsilon = \min_P \langle P, C \rangle - \varepsilon H(P)$: $\partial F_\varepsilon / \partial C =
# P_\varepsilon$. Since $OT_\varepsilon = F_\varepsilon + \varepsilon H(P_\varepsilon)$, the plan is the exact
# gradient of $OT_\varepsilon$ only as $\varepsilon \to 0$; the library offers both gradients ({ref}`ch-sinkhorn` compares
# them).
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
n_iter = glue("sinkhorn_n_iter", otgan.settings(smoke=500, book=5000))  # marginals to machine precision
P_scratch = sinkhorn_from_scratch(a, b, C, eps, n_iter)
P_pot = ot.sinkhorn(a.numpy(), b.numpy(), C.numpy(), eps, method="sinkhorn_log", numItermax=n_iter, stopThr=0,
                   warn=False)
P_lib = T.sinkhorn(a, b, C, eps, n_iter=n_iter, tol=0).plan
gap_pot = glue("sinkhorn_gap_pot", float(np.abs(P_scratch.numpy() - P_pot).max()))
gap_lib = glue("sinkhorn_gap_lib", float((P_scratch - P_lib).abs().max()))
print(f"max |scratch - POT| = {gap_pot:.2e}, max |scratch - otgan| = {gap_lib:.2e}")
claim(max(gap_pot, gap_lib) < 1e-12, "the three Sinkhorn plans agree to machine precision");

# %% [markdown]
# Run for {glue:text}`sinkhorn_n_iter:,` iterations each, the three agree to machine precision (largest
# differences {glue:text}`sinkhorn_gap_pot:.2e` and {glue:text}`sinkhorn_gap_lib:.2e`). The library version adds input checks, a stopping rule on the
# marginal error, and two ways to differentiate (through the iterations, or by the envelope theorem at the
# solution); its docstring explains both.
#
# ### The effect of $\varepsilon$
#
# Small $\varepsilon$ gives a plan whose cost is close to the exact one; large $\varepsilon$ spreads each point's
# mass over many targets (at $\varepsilon \to \infty$, the independent coupling $a b^\top$). $\varepsilon$ is in
# the units of the cost: here the squared distances have mean {glue:text}`cost_mean:.2f` and median
# {glue:text}`cost_median:.2f`. Each segment below is drawn with an opacity equal to the share of its blue
# point's mass that it carries, so a diffuse plan shows as a web of many faint segments, dark only where
# they overlap.

# %%
glue("cost_mean", C.mean()), glue("cost_median", C.median())
epsilons = [0.02, 0.1, 1.0, 10.0]
entropies, costs = [], []
fig, axes = plt.subplots(2, 2, figsize=(9, 9.4))
for ax, e in zip(axes.flat, epsilons):
    res = T.sinkhorn(a, b, C, e, n_iter=5000, tol=1e-6)
    entropies.append(float(-(res.plan * res.plan.clamp_min(1e-300).log()).sum()))
    costs.append(float(res.cost))
    plotting.plot_plan(x, y, res.plan, ax=ax, lim=2.6,
                       title=f"$\\varepsilon$={e}: $OT_\\varepsilon$ = {res.cost:.2f}, $H(P_\\varepsilon)$ = {entropies[-1]:.1f}")
plt.tight_layout()
plt.show()
glue("log_n", np.log(n)), glue("two_log_n", 2 * np.log(n))
glue("entropy_small_eps", entropies[0]), glue("entropy_large_eps", entropies[-1])
w2_squared = (plan * C.numpy()).sum()
glue("cost_small_eps", costs[0]), glue("w2_squared", w2_squared)
glue("cost_excess_pct", 100 * (costs[0] / w2_squared - 1))
claim(all(np.diff(entropies) > 0) and all(np.diff(costs) > 0), "entropy and transport cost grow with eps")
claim(entropies[0] > np.log(n) + 1 and costs[0] < 1.02 * w2_squared,
      "at the smallest eps the plan is well above log n in entropy yet within 2% of the exact cost")
claim(abs(entropies[-1] - 2 * np.log(n)) < 0.2, "at eps = 10 the entropy is close to 2 log n");

# %% [markdown]
# The plan's entropy lies between $\log n =$ {glue:text}`log_n:.2f` (a permutation, mass $1/n$ on $n$ entries)
# and $2 \log n =$ {glue:text}`two_log_n:.2f` (the independent coupling, mass $1/n^2$ everywhere), and it grows
# with $\varepsilon$, as does the transport cost. At $\varepsilon = 0.02$ it is already
# {glue:text}`entropy_small_eps:.2f`, well above $\log n$, although the plan costs only
# {glue:text}`cost_excess_pct:.1f`% more than the exact one ({glue:text}`cost_small_eps:.3f` against
# $W_2^2 =$ {glue:text}`w2_squared:.3f`): the entropic plan spreads each point's mass over several targets at
# almost no extra cost. At $\varepsilon = 10$, larger than the typical
# cost, the entropy is {glue:text}`entropy_large_eps:.2f` and each point spreads its mass almost evenly over all
# the targets.
#
# ### Entropic bias and the Sinkhorn divergence
#
# Because of the entropy, the entropic cost $OT_\varepsilon(\mu, \nu) = \langle P_\varepsilon, C \rangle$ of a
# cloud to itself is positive — the blurred plan moves mass even when nothing needs to move — and, unless
# $\varepsilon$ is small against the cost's scale, its minimum over $\nu$ is not at $\nu = \mu$ (measured below):
# a generator trained on it is biased. The Sinkhorn divergence
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
s_ot, s_div = glue("s_min_ot", scales[np.argmin(curves["OT"])]), glue("s_min_div", scales[np.argmin(curves["S"])])
ot_at_one = glue("ot_at_one", curves["OT"][int(np.argmin(np.abs(scales - 1)))])
print(f"OT_eps is smallest at s = {s_ot:.2f}, the Sinkhorn divergence at s = {s_div:.2f}")
claim(s_ot > 1 and abs(s_div - 1) < 1e-9 and ot_at_one > 0.1,
      "at eps = 1 raw OT_eps is positive at s = 1 and minimal at an inflated s; S_eps minimal at s = 1");

# %% [markdown]
# The dots mark the minima. At $\varepsilon = 1$ the raw entropic cost is {glue:text}`ot_at_one:.2f` at
# $\nu = \mu$ and is minimal at an inflated $\nu$, $s =$ {glue:text}`s_min_ot:.2f`; the Sinkhorn divergence, like
# $W_2^2$, is zero and minimal at $s = 1$.
#
# Inflated here, but {ref}`ch-sinkhorn` finds the raw cost pulling a generator *toward* the mean. Both are right: where
# the minimum lies depends on $\varepsilon$ relative to the cost's scale (the mean squared distance between two
# points of $\mu$, here {glue:text}`self_cost_scale:.2f`). A heuristic, not measured here: for moderate
# $\varepsilon$ the blur acts like a little extra noise that a slightly wider $\nu$ matches best. As $\varepsilon$ grows past the cost's scale,
# $P_\varepsilon$ tends to the independent coupling and $OT_\varepsilon \to \mathbb{E}\|X - Y\|^2 =
# \mathrm{Var}\,\mu + s^2 \mathrm{Var}\,\mu$ for independent $X \sim \mu$, $Y \sim \nu$, minimal at $s = 0$.
# The minimizing scale for a range of $\varepsilon$:

# %%
glue("self_cost_scale", T.sqeuclidean_cost(x, x).mean())
eps_sweep = otgan.settings(smoke=[0.1, 1.0, 100.0], book=[0.01, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0])
fine = np.linspace(0.0, 1.5, otgan.settings(smoke=16, book=61))
s_best = []
with warnings.catch_warnings():  # the smallest eps stop at a marginal error ~1e-4, far below the grid's resolution
    warnings.simplefilter("ignore")
    for e in eps_sweep:
        values = [T.sinkhorn_loss(x, x.mean(0) + s * (x - x.mean(0)), eps=e, n_iter=2000).item() for s in fine]
        s_best.append(fine[int(np.argmin(values))])
fig, ax = plt.subplots(figsize=(6, 3.6))
ax.semilogx(eps_sweep, s_best, "o-", label=r"$\arg\min_s OT_\varepsilon(\mu, \nu_s)$")
ax.axhline(1.0, color="gray", ls=":", label="$s = 1$ ($\\nu = \\mu$)")
ax.set(xlabel=r"$\varepsilon$ (cost: squared distance)", ylabel="minimizing scale $s$",
       title="Where the raw entropic cost is minimal")
ax.legend()
plt.show()
s_best, eps_sweep = np.array(s_best), np.array(eps_sweep)
step = fine[1] - fine[0]
glue("s_grid_step", step), glue("s_best_max", s_best.max()), glue("eps_s_best_max", eps_sweep[s_best.argmax()])
glue("eps_first_collapse", eps_sweep[s_best < 0.5].min() if (s_best < 0.5).any() else np.nan)
claim(np.all(np.abs(s_best[eps_sweep < 0.5] - 1) <= step + 1e-9), "for small eps the minimizer is s = 1 on the grid")
claim(s_best.max() > 1 and eps_sweep[s_best.argmax()] < T.sqeuclidean_cost(x, x).mean().item(),
      "inflated for eps somewhat below the cost's scale")
claim(np.all(s_best[eps_sweep >= 10] < 0.5), "for eps at and above 10 the minimizer collapses toward the mean")
div_best = {}
with warnings.catch_warnings():  # as above: eps = 0.1 stops at a marginal error far below what is compared
    warnings.simplefilter("ignore")
    for e in (0.1, 3.0, 100.0):
        values = {s: T.sinkhorn_divergence(x, x.mean(0) + s * (x - x.mean(0)), eps=e, n_iter=2000).item()
                  for s in (0.8, 1.0, 1.2)}
        div_best[e] = min(values, key=values.get)
glue("div_eps_checked", english_list([f"{e:g}" for e in div_best]))
claim(all(s == 1.0 for s in div_best.values()), "the Sinkhorn divergence is smallest at s = 1 at every eps checked");

# %% [markdown]
# For small $\varepsilon$ the minimizer is $s = 1$ to the resolution of the grid ({glue:text}`s_grid_step:.3f`);
# somewhat below the cost's scale it is inflated (largest: $s =$ {glue:text}`s_best_max:.3f` at
# $\varepsilon =$ {glue:text}`eps_s_best_max`); from $\varepsilon =$ {glue:text}`eps_first_collapse` on, at about
# the cost's scale, the minimizer collapses to the mean. That is the regime of {ref}`ch-sinkhorn`, where the raw cost pulls a
# generator's samples to the middle. Rescaling the data by a factor $r$ scales the squared cost by $r^2$, and the
# entropic plan depends only on $C / \varepsilon$, so the same picture holds with $\varepsilon$ measured relative
# to the cost's scale. The Sinkhorn divergence is zero at $\nu = \mu$ by construction. Built from the
# regularized optimum $F_\varepsilon$, it is also nonnegative and zero only at $\nu = \mu$ at every $\varepsilon$
# {cite}`feydy2019interpolating`; the book's version is built from the transport cost $\langle P_\varepsilon, C
# \rangle$, which that theorem does not cover, so the run checks it: at $\varepsilon$ =
# {glue:text}`div_eps_checked`, against $s = 0.8$ and $s = 1.2$, each time $s = 1$ gives the smallest value.
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
    axes[0].annotate(str(k + 1), (2.3 * th[0].item(), 2.3 * th[1].item()), color=f"C{k + 4}", weight="bold",
                     ha="center", va="center", fontsize=13)
    px, py = (x @ th).numpy(), (y @ th).numpy()
    bins = np.linspace(-3, 3, 40)
    axes[k + 1].hist(px, bins, alpha=0.6, color="C0", label="$\\theta_\\# \\mu$")
    axes[k + 1].hist(py, bins, alpha=0.6, color="C3", label="$\\theta_\\# \\nu$")
    w2 = T.wasserstein_1d((x @ th)[:, None], (y @ th)[:, None]).item() ** 0.5
    axes[k + 1].set(xlabel="$\\langle \\theta, x \\rangle$", ylabel="count")
    axes[k + 1].set_title(f"direction {k + 1}: $W_2$ = {w2:.2f}", color=f"C{k + 4}")
    axes[k + 1].legend()
axes[0].legend(loc="lower left")
plt.tight_layout()
plt.show()

# %% [markdown]
# Different directions see different discrepancies; SW averages them. It is always at most $W_p$, and it is a
# true distance, but in high dimension most random directions see little (the max-sliced variant of {ref}`ch-sliced`
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
slope = glue("sw_slope", np.polyfit(np.log(Ls), np.log(errors), 1)[0])
print(f"fitted slope: {slope:.2f}")
claim(abs(slope + 0.5) < 0.1, "the Monte-Carlo error of SW follows L^(-1/2)");

# %% [markdown]
# The measured error follows the $L^{-1/2}$ line (fitted slope {glue:text}`sw_slope:.2f`): quadrupling the
# projections halves the error.
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
# It is zero exactly when $\mu = \nu$ and its mini-batch gradients are unbiased. It is also where the Sinkhorn
# divergence with the cost $\|x - y\|$ ends up: as $\varepsilon \to \infty$ the entropic plan becomes the
# independent coupling, $OT_\varepsilon(\mu, \nu) \to \mathbb{E}\|X - Y\|$, and $S_\varepsilon \to
# \tfrac12 \mathcal{E}$. (With the squared cost the same limit is $\|\mathbb{E}X - \mathbb{E}Y\|^2$, which only
# compares the means.) Below, all five discrepancies of this chapter for the 8 Gaussians against a shifted copy
# of themselves:

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
    ax.plot(shifts, values, label=name, ls="--" if name == "W2" else "-")  # W2 = W1 here: dashed, to show both
ax.set(xlabel="shift $\\delta$ of $\\nu = \\mu + (\\delta, 0)$", ylabel="discrepancy",
       title="Five discrepancies under a translation")
ax.legend()
plt.show()
table = {name: np.array(values) for name, values in table.items()}
moved = shifts > 0
sw_ratio = glue("sw_ratio", np.mean(table["SW2"][moved] / shifts[moved]))
claim(np.abs(table["W1"] - shifts).max() < 1e-6 and np.abs(table["W2"] - shifts).max() < 1e-6,
      "W1 and W2 equal the shift exactly")
claim(abs(sw_ratio - 2 ** -0.5) < 0.03, "SW2 is the shift times the RMS of cos, 1/sqrt(2) in 2-D")
claim(np.abs(table["Sinkhorn div. (eps=0.5)"] - shifts ** 2).max() < 1e-3, "S_eps equals delta^2 under a translation")
energy_slope = np.diff(table["energy"]) / np.diff(shifts)
glue("energy_slope_first", energy_slope[0]), glue("energy_slope_last", energy_slope[-1])
glue("cloud_diameter", torch.pdist(x).max().item())
claim(np.all(np.diff(energy_slope) > 0) and energy_slope[-1] < 2,
      "over these shifts the energy distance grows faster than linearly, its slope still under its limit of 2")
s_far = T.sinkhorn_divergence(x, y, eps=1e4, cost="euclidean", n_iter=50).item()
claim(abs(s_far - 0.5 * T.energy_distance(x, y).item()) < 1e-2 * s_far, "S_eps with |x-y| tends to half the energy distance");

# %% [markdown]
# $W_1$ and $W_2$ both equal the shift $\delta$ exactly (a translation is its own optimal map). $SW_2$ is smaller:
# the 1-D shift seen along $\theta$ is $\delta \cos \angle(\theta, e_1)$, so $SW_2^2 = \delta^2\,
# \mathbb{E}_\theta[\cos^2]$ and $SW_2 = \delta \sqrt{\mathbb{E}[\cos^2]}$, the shift times the *root mean square*
# of the cosine, $1/\sqrt 2 \approx 0.707$ in 2-D (measured: {glue:text}`sw_ratio:.3f`, with 500 random
# projections). The Sinkhorn divergence equals $\delta^2$ exactly: with the squared cost a translation adds
# $\delta^2$ plus terms linear in $x_i$ and in $y_j$ to $C$, which do not change the entropic plan. The energy
# distance grows faster than linearly over these shifts: its slope rises from {glue:text}`energy_slope_first:.2f`
# to {glue:text}`energy_slope_last:.2f`. For a shift far larger than the cloud (its diameter here is
# {glue:text}`cloud_diameter:.1f`, against shifts of at most 2) it would grow like $2\delta$, since then
# $\mathbb{E}\|X - Y\| \approx \delta$; for small shifts it grows like $\delta^2$.
#
# ## Timings
#
# Speed matters: a generator calls these functions at every step. `benchmarks/bench_transport.py` measures the
# library against POT side by side; the table is its last recorded output. The first two rows compute the same quantity both
# ways (the check column compares values and gradients). The max-SW row compares two ways of finding the most
# discrepant direction in about the same time: ours ascends from 16 random starts, POT keeps the best of as many
# random directions as fit in that time; the larger value is the better answer to a maximum.

# %% tags=["remove-input"]
bench = os.path.join("..", "benchmarks", "transport.md")  # chapters run from chapters/
if os.path.exists(bench):
    tables.show_markdown(open(bench).read(), skip_title=True)
else:
    print("benchmarks/transport.md not found (it ships with the repository)")

# %% [markdown]
# ```{admonition} CPU and GPU
# :class: note
# These timings were taken on 2 CPU cores. On a GPU the same calls run on the device of their inputs; the
# sort-based SW is one batched projection and sort, and each log-domain Sinkhorn iteration one batched
# log-sum-exp, with nothing copied back to the host between iterations.
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
sw_np, sw_lib = sw2_numpy(x.numpy(), y.numpy(), proj.numpy()), T.sliced_wasserstein(x, y, projections=proj).item()
print(f"numpy {sw_np:.10f}  otgan {sw_lib:.10f}")
claim(abs(sw_np - sw_lib) < 1e-12, "the NumPy SW2 matches the library");

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise}
# :label: ex-w2-gaussians
# For Gaussians, $W_2^2(N(m_1, \Sigma_1), N(m_2, \Sigma_2)) = \|m_1 - m_2\|^2 + \mathrm{tr}(\Sigma_1 + \Sigma_2 -
# 2(\Sigma_1^{1/2}\Sigma_2\Sigma_1^{1/2})^{1/2})$. Sample two 2-D Gaussians with different covariances and show
# that the exact $W_2^2$ between growing samples approaches the closed form (`otgan.transport.gaussian_w2`).
# One sample per size is not enough to see a trend: average over repeated draws.
# ```
#
# ```{solution-start} ex-w2-gaussians
# :class: dropdown
# ```
#
# The empirical $W_2^2$ is biased upwards: $W_2^2$ is jointly convex in its two arguments and the empirical
# measures average to $\mu$ and $\nu$, so by Jensen $\mathbb{E}\, W_2^2(\hat\mu_n, \hat\nu_n) \ge
# W_2^2(\mu, \nu)$ — sampling noise must be transported too. One draw per size fluctuates by more than the bias,
# so we average over repeated draws and show the standard error.

# %%
m1, m2 = torch.zeros(2, dtype=torch.float64), torch.tensor([1.0, 0.5], dtype=torch.float64)
S1 = torch.tensor([[1.0, 0.3], [0.3, 0.5]], dtype=torch.float64)
S2 = torch.tensor([[0.4, -0.2], [-0.2, 1.2]], dtype=torch.float64)
closed = glue("w2_closed", T.gaussian_w2(m1, S1, m2, S2).item())
L1, L2 = torch.linalg.cholesky(S1), torch.linalg.cholesky(S2)
sizes = otgan.settings(smoke=[25, 100], book=[25, 50, 100, 200, 400, 800])
repeats = otgan.settings(smoke=3, book=40)
rows = []
for size in sizes:
    draws = []
    for _ in range(repeats):
        xs = m1 + torch.randn(size, 2, generator=gen, dtype=torch.float64) @ L1.T
        ys = m2 + torch.randn(size, 2, generator=gen, dtype=torch.float64) @ L2.T
        draws.append(T.wasserstein(xs, ys).item() ** 2)
    rows.append({"n": size, "mean W2^2": np.mean(draws), "std. error": np.std(draws, ddof=1) / np.sqrt(repeats),
                 "bias": np.mean(draws) - closed})
bias = pd.DataFrame(rows)
glue("w2_bias_small", bias["bias"].iloc[0]), glue("w2_bias_large", bias["bias"].iloc[-1])
glue("w2_repeats", repeats), glue("w2_n_small", sizes[0]), glue("w2_n_large", sizes[-1])
claim(bias["bias"].iloc[0] > 3 * bias["std. error"].iloc[0], "the empirical W2^2 is biased upwards at small n")
claim(bias["bias"].iloc[-1] < bias["bias"].iloc[0] / 3, "the bias shrinks as n grows")
sd_large = glue("w2_sd_large", bias["std. error"].iloc[-1] * np.sqrt(repeats))
claim(sd_large > bias["bias"].iloc[-1], "at the largest n one draw's spread exceeds the bias")
print(f"closed form W2^2 = {closed:.4f}; {repeats} draws per size")
tables.styled(bias)

# %% [markdown]
# Averaged over {glue:text}`w2_repeats` draws, the bias falls from {glue:text}`w2_bias_small:.3f` at
# $n =$ {glue:text}`w2_n_small` to {glue:text}`w2_bias_large:.3f` at $n =$ {glue:text}`w2_n_large` (closed form
# {glue:text}`w2_closed:.3f`). A single draw at $n =$ {glue:text}`w2_n_large` has a standard deviation of
# {glue:text}`w2_sd_large:.3f`, larger than the bias: one draw per size can land on either side of the closed form,
# and only the average shows the trend.
#
# ```{solution-end}
# ```
