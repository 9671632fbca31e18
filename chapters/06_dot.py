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
# (ch-dot)=
# # Discriminator Optimal Transport
#
# A trained WGAN critic is an approximate Kantorovich potential between the generated and the real
# distributions ({ref}`ch-wgan`). Tanaka {cite}`tanaka2019dot` used it *after* training: move each generated
# sample along the potential, and the samples get closer to the data without retraining anything. This chapter
# implements both versions of Discriminator Optimal Transport (DOT), in the sample space and in the latent space
# (`lib/otgan/dot.py`, callable on any generator and critic), checks them on 2-D toys against exact OT, and
# applies them to every MNIST generator of the book that has a critic.

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
EARLY = True        # False: start DOT from the converged WGAN-GP (step otgan.toys.steps()) instead of step EARLY_STEP
N_EVAL = None       # MNIST samples per metric evaluation; None: profile default

# %% tags=["hide-cell"]
import contextlib
import io
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

import otgan
from otgan import data, dot, lipschitz, losses, metrics, models, plotting, toys, transport, widgets
from otgan.claims import claim, english_list, glue
from otgan.tables import styled
from otgan.transport import SinkhornConvergenceWarning

# The OT-GAN and Sinkhorn toy losses run a fixed number of Sinkhorn iterations by design (as in the papers); their
# once-per-loss convergence warning is expected here (the Sinkhorn chapter measures what it changes).
warnings.filterwarnings("ignore", message=r"(OTGANLoss|SinkhornGeneratorLoss)\(",
                        category=SinkhornConvergenceWarning)

print(otgan.describe())
otgan.seed_everything(SEED)
n_eval = N_EVAL or otgan.settings(smoke=200, book=1000)

# %% [markdown]
# ## The idea
#
# If $D$ is the optimal critic between the generated distribution and the data, with Lipschitz constant $K$,
# the optimal transport map sends a generated sample $y$ to
#
# $$
# y^\star = \arg\min_x \; \|x - y\|_2 - \frac{1}{K_{eff}} D(x) \qquad \text{(target space)},
# $$
#
# and, through the generator, a latent code $z_y$ to
#
# $$
# z^\star = \arg\min_z \; \|z - z_y\|_2 - \frac{1}{k_{eff}} D(G(z)) \qquad \text{(latent space)}.
# $$
#
# Why the first is the transport map: let $D^\star$ be a 1-Lipschitz Kantorovich potential between the generated
# law $\nu_\theta$ and the data $\mu$, and $T$ the optimal map. The duality
# $W_1 = \mathbb{E}_\mu[D^\star] - \mathbb{E}_{\nu_\theta}[D^\star] = \mathbb{E}_{y \sim \nu_\theta}\|T(y) - y\|$, with
# $D^\star(T(y)) - D^\star(y) \le \|T(y) - y\|$ for every $y$ (Lipschitz), forces equality for almost every $y$:
# $D^\star$ rises at slope exactly 1 along every transport ray. For any other $x$, Lipschitz again gives
# $\|x - y\| - D^\star(x) \ge -D^\star(y) = \|T(y) - y\| - D^\star(T(y))$, so $T(y)$ minimizes
# $\|x - y\| - D^\star(x)$. A trained critic is not $D^\star$ but, at best, a multiple $D = K D^\star$, where $K$ is
# its (unknown) Lipschitz constant; dividing by $K$ gives the objective above, with $K$ replaced by its estimate
# $K_{eff}$ (notation page: $K$ the constant, $K_{eff}$ the largest slope measured over random pairs). Two
# consequences used below: the minimum is *flat* along the ray (every point between $y$ and $T(y)$ attains it,
# since the slope is exactly 1 there), so descent with the exact constant barely moves; and an overestimated
# $K_{eff}$ makes the critic's slope look smaller than 1, so the distance term wins and the sample stays put.
#
# Both are solved by a few gradient steps from $y$ (or $z_y$), all samples at once; the norm is smoothed as
# $\sqrt{\|\cdot\|^2 + \delta}$ so that it has a gradient at the start. $K_{eff}$ and $k_{eff}$ are the
# Lipschitz constants of $D$ and of $D \circ G$, estimated as in the report this chapter follows: the largest
# slope $|D(a) - D(b)| / \|a - b\|$ over many random pairs, repeated and averaged. With a Gaussian prior the
# latent step is projected on the tangent space of the sphere through $z$ (codes keep their typical norm); with
# a uniform prior the codes are clipped to the box.
#
# ## 2-D: a deliberately imperfect WGAN-GP
#
# A typical imperfect generator: the WGAN-GP of {ref}`ch-comparison` on 25 Gaussians and on the Swiss roll,
# stopped at generator step {glue:text}`dot_start_step:,`, long before it converges: on 25 Gaussians its samples
# spread over the grid, {glue:text}`dot_25g_modes_before` of the 25 modes marked and few samples on them
# (high-quality rate {glue:text}`dot_25g_hq_before:.2f`: the share of samples within three standard deviations of
# the nearest mode's centre, as in {ref}`ch-comparison`, where it is called HQ); on the Swiss roll they
# already follow the roll, more loosely than the converged model. Its nets are made by
# `python -m otgan.reproduce --profile book --only toys` and loaded in the `book` profile. Its critic is then
# refitted to convergence against the frozen generator (DOT needs the potential of the *current* generator).

# %%
toy_cases = {}
for name in ("25gaussians", "swissroll"):
    otgan.seed_everything(SEED)
    toy = data.toy(name)
    trainer = toys.load(name, "wgan-gp", seed=SEED, early=EARLY)
    if name == "25gaussians":  # the same stopping step for both toys; glued once
        glue("dot_start_step", trainer.step)
    trainer.critic.float()
    trainer.sampler.float()
    opt = torch.optim.Adam(trainer.critic.parameters(), 1e-4, betas=(0.0, 0.9))
    lipschitz.fit_critic(trainer.critic, toy.sample(4000, seed=SEED + 5), trainer.sample(4000),
                         losses.WGANGPCriticLoss(10), opt, n_steps=otgan.settings(smoke=20, book=1000))
    y, ref = trainer.sample(1000), toy.sample(1000, seed=SEED + 1)
    k = dot.target_lipschitz(trainer.critic, ref, y, n_pairs=5000)
    toy_cases[name] = {"toy": toy, "trainer": trainer, "y": y, "ref": ref, "k": k}

fig, axes = plt.subplots(1, 2, figsize=(9, 3))
for ax, (name, case) in zip(axes, toy_cases.items()):
    ax.hist(case["k"].maxima.numpy(), bins=10)
    ax.set(xlabel=r"max slope over 5,000 pairs", ylabel="repeats", title=f"{data.TOY_LABELS[name]}: $K_{{eff}}$ = {case['k'].mean:.3f}")
plt.tight_layout()
plt.show()

# %% [markdown]
# Target-space DOT, 200 steps of size 0.05, with $K_{eff}$ as estimated and with $K_{eff}$ scaled by 0.8.
# Before and after: the exact Wasserstein distances $W_1$ and $W_2$ to 1,000 fresh target samples (network
# simplex), the high-quality rate (HQ) and, on 25 Gaussians, the modes covered:

# %%
dot_rows, moved = [], {}
for name, case in toy_cases.items():
    before = metrics.toy_metrics(case["y"], case["toy"], n_ref=1000, seed=SEED + 1)
    row = {"toy": name, "K_eff": case["k"].mean, "W1 before": before["W1"], "W2 before": before["W2"],
           "HQ before": before["high_quality"], "modes before": before.get("modes_covered")}
    for factor in (1.0, 0.8):
        out, path = dot.dot_target(case["trainer"].critic, case["y"], factor * case["k"].mean, n_steps=200,
                                   lr=0.05, return_path=True)
        moved[name, factor] = (out, path)
        after = metrics.toy_metrics(out, case["toy"], n_ref=1000, seed=SEED + 1)
        row[f"W1 (K x {factor})"], row[f"W2 (K x {factor})"] = after["W1"], after["W2"]
        row[f"HQ (K x {factor})"], row[f"modes (K x {factor})"] = after["high_quality"], after.get("modes_covered")
    dot_rows.append(row)
dot_toy = pd.DataFrame(dot_rows).set_index("toy")
for name in toy_cases:
    short = {"25gaussians": "25g", "swissroll": "swiss"}[name]
    r = dot_toy.loc[name]
    glue(f"dot_{short}_w1_before", r["W1 before"])
    glue(f"dot_{short}_w1_after", r["W1 (K x 0.8)"])
    glue(f"dot_{short}_w1_exact_k", r["W1 (K x 1.0)"])
    glue(f"dot_{short}_w1_drop", 1 - r["W1 (K x 0.8)"] / r["W1 before"])
    glue(f"dot_{short}_hq_before", r["HQ before"])
    glue(f"dot_{short}_hq_after", r["HQ (K x 0.8)"])
r25 = dot_toy.loc["25gaussians"]
glue("dot_25g_modes_before", int(r25["modes before"]))
glue("dot_25g_modes_after", int(r25["modes (K x 0.8)"]))
rows_ = dot_toy.to_dict("index")
rs = dot_toy.loc["swissroll"]
glue("dot_swiss_hq_exact_k", rs["HQ (K x 1.0)"])
glue("dot_25g_hq_exact_k", r25["HQ (K x 1.0)"])
glue("dot_25g_modes_exact_k", int(r25["modes (K x 1.0)"]))
claim(all(abs(r["W1 (K x 1.0)"] - r["W1 before"]) < 0.15 * r["W1 before"] for r in rows_.values()),
      "with K_eff as estimated the samples move a short way (W1 changes by less than 15%)")
claim(r25["modes (K x 1.0)"] > r25["modes before"] and r25["HQ (K x 1.0)"] > r25["HQ before"]
      and r25["HQ (K x 1.0)"] < min(0.5, r25["HQ (K x 0.8)"]),
      "with K_eff as estimated the 25-Gaussian modes covered and HQ rise, but most samples stay off the modes")
claim(r25["modes before"] < 20 and r25["HQ before"] < 0.3,
      "the early generator misses modes and puts few samples on the 25 modes")
claim(r25["modes (K x 0.8)"] >= r25["modes before"] + 5 and r25["HQ (K x 0.8)"] > 2 * r25["HQ before"]
      and r25["W1 (K x 0.8)"] < 0.85 * r25["W1 before"],
      "with the 0.8 factor the 25-Gaussian samples travel into the modes: more modes, higher HQ, lower W1")
claim(rs["W1 (K x 0.8)"] > rs["W1 before"], "on the Swiss roll the 0.8 factor overshoots: W1 rises")
claim(rs["W1 (K x 1.0)"] < rs["W1 before"] and rs["HQ (K x 1.0)"] > rs["HQ before"],
      "on the Swiss roll the estimated K_eff lowers W1 and raises the high-quality rate")
styled(dot_toy.rename(index=toys.TOY_LABELS).T, index=True)  # one row per quantity: thirteen columns do not fit

# %%
fig, axes = plt.subplots(2, 3, figsize=(13, 8.6))
for row, (name, case) in zip(axes, toy_cases.items()):
    plotting.plot_samples(case["y"], case["toy"], ax=row[0], title=f"{data.TOY_LABELS[name]}: generator")
    for ax, factor in zip(row[1:], (1.0, 0.8)):
        plotting.plot_samples(moved[name, factor][0], case["toy"], ax=ax, color="C2",
                              title=f"after DOT, K_eff x {factor}")
plt.tight_layout()
plt.show()

# %% [markdown]
# With $K_{eff}$ as estimated the samples move a short way: $W_1$ goes from {glue:text}`dot_25g_w1_before:.3f` to
# {glue:text}`dot_25g_w1_exact_k:.3f` on 25 Gaussians and from {glue:text}`dot_swiss_w1_before:.3f` to
# {glue:text}`dot_swiss_w1_exact_k:.3f` on the Swiss roll. A short way is enough for samples already at the edge
# of a mode: on 25 Gaussians the modes covered rise from {glue:text}`dot_25g_modes_before` to
# {glue:text}`dot_25g_modes_exact_k` and the high-quality rate from {glue:text}`dot_25g_hq_before:.2f` to
# {glue:text}`dot_25g_hq_exact_k:.2f`, but most samples between the modes stay there. The reason is in
# the objective: its gradient is $\frac{x - y}{\|x - y\|} - \nabla D(x)/K_{eff}$; once $x$ has left $y$ the
# first term is a unit vector, so a sample keeps moving only where the critic's slope along its way exceeds
# $K_{eff}$, and $K_{eff}$, a *maximum* slope over pairs, sits above the typical gradient norm of a penalized
# critic. This is the flat minimum of the derivation above, made flatter by the overestimate. Scaling $K_{eff}$
# by 0.8 makes the critic look $1/0.8 = 1.25$ times steeper than the distance wherever its slope is near
# $K_{eff}$, and the samples travel. On 25 Gaussians, far from converged, they travel into the modes: the modes
# covered go from {glue:text}`dot_25g_modes_before` to {glue:text}`dot_25g_modes_after`, the high-quality rate
# from {glue:text}`dot_25g_hq_before:.2f` to {glue:text}`dot_25g_hq_after:.2f`, and $W_1$ drops by
# {glue:text}`dot_25g_w1_drop:.0%` (to {glue:text}`dot_25g_w1_after:.3f`). On the Swiss roll the generator is
# already close (high-quality rate {glue:text}`dot_swiss_hq_before:.2f`) and the same factor overshoots: $W_1$
# rises to {glue:text}`dot_swiss_w1_after:.3f` (high-quality rate {glue:text}`dot_swiss_hq_after:.2f`), while
# the estimated $K_{eff}$ improves both (high-quality rate
# {glue:text}`dot_swiss_hq_exact_k:.2f`). The factor is a step size: how far the critic may pull depends on how
# far the generator is from the data. The exercise at the end sweeps the factor; scaled further down the samples
# overshoot and run off, since the critic is only meaningful near the data. The animation plays the 200 steps
# (with the 0.8 factor):

# %%
frames = {name: moved[name, 0.8][1][::max(1, len(moved[name, 0.8][1]) // 40)] for name in toy_cases}
steps = list(range(0, 201, max(1, 201 // 40)))[: len(next(iter(frames.values())))]
plotting.animate_panels({f"{data.TOY_LABELS[name]}, DOT": frames[name] for name in toy_cases}, steps, None, step_label="update")

# %% [markdown]
# ## MNIST, target space: 784 dimensions
#
# The same target-space update on the MNIST WGAN-GP of {ref}`ch-wgan` (`wgan_gp_mlp`):

# %%
wgan = models.load(["wgan_gp_mlp"], seed=SEED)["wgan_gp_mlp"]
G, D = wgan.sampler.float(), wgan.critic.float()
real = data.load_mnist("heldout").images[:n_eval]
z = torch.randn(n_eval, G.latent_dim, generator=torch.Generator().manual_seed(SEED))
G.eval()
with torch.no_grad():
    x0 = G(z)
K = dot.target_lipschitz(D, real, x0)
k_lat = dot.latent_lipschitz(G, D, z)
print(f"K_eff (pixels) {K.mean:.3f} +- {K.std:.3f};  k_eff (latent) {k_lat.mean:.3f} +- {k_lat.std:.3f}")
keys = ["fid", "precision", "recall", "density", "coverage"]
base = metrics.evaluate(x0, n=n_eval)
target_rows = {"no DOT": {k: base[k] for k in keys}}
target_imgs = {}
for lr in (0.01, 0.1):
    xt = dot.dot_target(D, x0, K.mean, n_steps=25, lr=lr).clamp(-1, 1)
    target_imgs[lr] = xt
    target_rows[f"target DOT lr={lr}"] = {**{k: metrics.evaluate(xt, n=n_eval)[k] for k in keys},
                                          "mean |x* - y|": float((xt - x0).flatten(1).norm(dim=1).mean())}
display(styled(pd.DataFrame(target_rows).T, index=True))  # noqa: F821 - IPython builtin
fig, axes = plt.subplots(1, 3, figsize=(13, 4.6))
for ax, (title, imgs) in zip(axes, [("generator", x0), ("target DOT lr=0.01", target_imgs[0.01]),
                                    ("target DOT lr=0.1", target_imgs[0.1])]):
    plotting.image_grid(imgs[:36], nrow=6, ax=ax, title=title)
plt.tight_layout()
plt.show()

# %%
fid_small, fid_large = (target_rows[f"target DOT lr={lr}"]["fid"] for lr in (0.01, 0.1))
glue("px_fid_base", base["fid"])
glue("px_fid_small", fid_small)
glue("px_fid_large", fid_large)
glue("px_change_large_pct", 100 * abs(fid_large - base["fid"]) / base["fid"])
claim(all(abs(f - base["fid"]) < 0.1 * base["fid"] for f in (fid_small, fid_large)),
      "pixel-space DOT moves the FID by less than a tenth, with either step");

# %% [markdown]
# In pixel space the critic's gradient is a faint, noisy image: following it changes pixels here and there
# rather than moving strokes, and the FID moves little ( {glue:text}`px_fid_base:.1f` before,
# {glue:text}`px_fid_small:.1f` after 25 steps of 0.01, {glue:text}`px_fid_large:.1f` after 25 steps of 0.1: even
# the large step changes it by {glue:text}`px_change_large_pct:.0f`%) — the DOT report found pixel-space DOT
# ineffective too. The latent space is only 128-dimensional and every point of it decodes to a plausible image,
# so the moves stay on the generator's manifold.
#
# ## MNIST, latent space (Algorithm 2)
#
# A sweep over the step size and the number of updates ($\delta = 10^{-3}$), on the same 1,000 latent codes:

# %%
sweep = {}
for lr in otgan.settings(smoke=(0.05,), book=(0.01, 0.02, 0.05, 0.1)):
    for n_up in otgan.settings(smoke=(5,), book=(10, 25, 50)):
        zs = dot.dot_latent(G, D, z, k_lat.mean, n_steps=n_up, lr=lr)
        with torch.no_grad():
            sweep[lr, n_up] = {k: v for k, v in metrics.evaluate(G(zs), n=n_eval).items() if k in keys}
sweep_table = pd.DataFrame({f"lr={lr}, {n} updates": m for (lr, n), m in sweep.items()}).T
display(pd.concat([pd.DataFrame({"no DOT": {k: base[k] for k in keys}}).T, sweep_table]).round(3))  # noqa: F821

fig, ax = plt.subplots(figsize=(6, 4.4))
ax.plot(base["recall"], base["precision"], "k*", ms=14, label="no DOT")
for lr in sorted({lr for lr, _ in sweep}):
    pts = [(sweep[lr, n]["recall"], sweep[lr, n]["precision"]) for (l2, n) in sweep if l2 == lr]
    ax.plot(*zip(*pts), "o-", label=f"lr={lr}")
ax.set(xlabel="recall", ylabel="precision", title="Precision/recall over the DOT sweep")
ax.legend(fontsize=8)
plt.show()

# %%
lrs, ups = sorted({lr for lr, _ in sweep}), sorted({n for _, n in sweep})
report_fid = sweep.get((0.05, 25), sweep[lrs[-1], ups[-1]])["fid"]
lowest_fid = min(m["fid"] for m in sweep.values())
glue("lat_least_rise_pct", 100 * (lowest_fid / base["fid"] - 1))
glue("lat_report_fid", report_fid)
glue("lat_base_fid", base["fid"])
claim(all(m["precision"] > base["precision"] for m in sweep.values()), "every latent DOT setting raises precision")
claim(sweep[lrs[-1], ups[-1]]["recall"] < sweep[lrs[0], ups[0]]["recall"],
      "the longest, largest moves end with a lower recall than the shortest, smallest")
claim(lowest_fid > base["fid"], "no latent DOT setting lowers this generator's FID")
claim(all(m["fid"] < report_fid for (lr, n), m in sweep.items() if lr < 0.05 and n <= 25),
      "every move with a smaller step than the report's and no more updates raises the FID less")
claim(report_fid > base["fid"], "the report's setting (lr 0.05, 25 updates) raises the FID")
best_lr, best_n = min(sweep, key=lambda key: sweep[key]["fid"])
glue("lat_best_lr", best_lr), glue("lat_best_n", best_n)
claim((best_lr, best_n) == (dot.MNIST_LATENT["lr"], dot.MNIST_LATENT["n_steps"]),
      "the setting the book applies to every model (dot.MNIST_LATENT) is the sweep's lowest FID");

# %% [markdown]
# Latent DOT trades recall for precision and density: every setting raises precision, and the longest, largest
# moves end with a lower recall than the shortest, smallest ones, since samples gather where the critic is most
# confident. On this generator no setting lowers the FID: the smallest moves raise it least, by
# {glue:text}`lat_least_rise_pct:.0f`%, and the report's setting (lr 0.05, 25 updates) raises it from
# {glue:text}`lat_base_fid:.1f` to {glue:text}`lat_report_fid:.1f`; every move with a smaller step and no more
# updates raises it less.
# The FID weighs the gain in precision and density against the loss of recall, and here the loss weighs more:
# gathering the samples where the critic is most confident narrows them more than it sharpens them. The lowest FID
# is at lr
# {glue:text}`lat_best_lr:g` with {glue:text}`lat_best_n:d` updates, the setting this book applies to every MNIST
# generator from here on (`dot.MNIST_LATENT`). The same latents, before and after it:

# %%
best = dot.dot_latent(G, D, z[:48], k_lat.mean, **dot.MNIST_LATENT)
with torch.no_grad():
    pair = torch.cat([G(z[:48]), G(best)])
fig, axes = plt.subplots(1, 2, figsize=(12, 5))
plotting.image_grid(pair[:48], nrow=8, ax=axes[0], title="generator")
plotting.image_grid(pair[48:], nrow=8, ax=axes[1], title=f"after latent DOT (lr {dot.MNIST_LATENT['lr']:g}, "
                                                         f"{dot.MNIST_LATENT['n_steps']} updates)")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## DOT on every MNIST generator with a critic
#
# Latent-space DOT with the sweep's best step (lr {glue:text}`lat_best_lr:g`, {glue:text}`lat_best_n:d` updates,
# chosen on the WGAN-GP above; $k_{eff}$ estimated per model) on each generator that comes with a critic. For the GAN
# discriminators $D$ is the logit; for the Cramér GAN, the witness of the distance its generator descends (explained
# below the table); for every other model its critic's scalar output (for OT-GAN an untrained head, below);
# `dot.potential` picks $D$ for each model. Before → after, 1,000 samples against the held-out digits. As everywhere
# in the book, FID is computed on the features of the book's small MNIST classifier, not on Inception features: it is
# not comparable with published FIDs, and it is very sensitive to blur ({ref}`ch-metrics`).

# %%
with_critic = ["gan_mlp", "dcgan", "wgan_clip_mlp", "wgan_sn_mlp", "wgan_gp_mlp", "sngan_hinge_mlp", "sw_features",
               "max_sw", "cramer_mlp", "otgan_mlp"]
table = {}
with contextlib.redirect_stdout(io.StringIO()):  # a "Loaded ..." line per model: the table names them
    critic_models = models.load(with_critic, seed=SEED)
for name, tr in critic_models.items():
    g_ = tr.sampler.float()
    zz = torch.randn(n_eval, g_.latent_dim, generator=torch.Generator().manual_seed(SEED))
    g_.eval()
    with torch.no_grad():
        x_before = g_(zz)
        before = metrics.evaluate(x_before, n=n_eval)
    # the potential DOT follows: the critic, or the Cramér GAN's energy witness (below); its untrained head too
    potentials = {name: dot.potential(tr, seed=SEED)}
    if potentials[name] is not tr.critic:
        potentials[f"{name} (head)"] = tr.critic.float()
    for row, d_ in potentials.items():
        kk = dot.latent_lipschitz(g_, d_, zz).mean
        z_dot = dot.dot_latent(g_, d_, zz, kk, **dot.MNIST_LATENT)
        with torch.no_grad():
            x_after = g_(z_dot)
            after = metrics.evaluate(x_after, n=n_eval)
        paired = metrics.paired_precision_change(x_before, x_after)  # the same codes: a paired difference
        table[row] = {"k_eff": kk, **{f"{k} before": before[k] for k in ("fid", "precision", "recall")},
                      **{f"{k} after": after[k] for k in ("fid", "precision", "recall")},
                      "precision change": paired["delta"], "± SE": paired["se"]}
dot_all = pd.DataFrame(table).T
dot_all["FID change"] = dot_all["fid after"] - dot_all["fid before"]
shown = pd.DataFrame({"k_eff": dot_all["k_eff"], "FID": dot_all["fid before"], "FID after": dot_all["fid after"],
                      "precision": dot_all["precision before"], "precision after": dot_all["precision after"],
                      "Δ precision ± SE": [f"{c:+.3f} ± {e:.3f}" for c, e in
                                           zip(dot_all["precision change"], dot_all["± SE"])],
                      "recall": dot_all["recall before"], "recall after": dot_all["recall after"]})
styled(shown, index=True).format({**{c: "{:.3f}" for c in shown.columns if c != "Δ precision ± SE"},
                                  "FID": "{:.1f}", "FID after": "{:.1f}"})

# %% tags=["hide-input"]
change = dot_all["FID change"]
before_after = lambda name, key: (dot_all.loc[name, f"{key} before"], dot_all.loc[name, f"{key} after"])  # noqa: E731
gp_p, gp_r, clip_p = before_after("wgan_gp_mlp", "precision"), before_after("wgan_gp_mlp", "recall"), \
    before_after("wgan_clip_mlp", "precision")
for key, (b, a) in {"gp_p": gp_p, "gp_r": gp_r, "clip_p": clip_p}.items():
    glue(f"dot_all_{key}_before", b), glue(f"dot_all_{key}_after", a)
worse = {n: glue(f"dot_all_worse_{n.replace(' (head)', '_head')}", 100 * change[n] / dot_all.loc[n, "fid before"])
         for n in dot_all.index}
generators = [n for n in dot_all.index if not n.endswith(" (head)")]  # one row per generator, its potential's
hurt = [n for n in generators if change[n] > 0]
best3 = list(dot_all.loc[generators, "fid before"].astype(float).nsmallest(3).index)
glue("dot_all_best3", english_list(best3))
p_down = [n for n in generators if dot_all.loc[n, "precision after"] < dot_all.loc[n, "precision before"]]
glue("dot_all_fid_sentence", f"lowers the FID of {len(generators) - len(hurt)} of the {len(generators)} generators "
     f"(raised: {english_list(hurt)})" if hurt else f"lowers the FID of all {len(generators)} generators")
pc, se = dot_all.loc[generators, "precision change"], dot_all.loc[generators, "± SE"]
p_up_sig, p_sig = list(pc.index[pc > 2 * se]), list(pc.index[pc < -2 * se])  # beyond two paired SEs, up / down
glue("dot_all_p_up_sig", english_list(p_up_sig))
glue("dot_all_p_down_sig", english_list(p_sig, empty="none of them"))
glue("dot_all_p_n_noise", len(generators) - len(p_up_sig) - len(p_sig))
glue("dot_all_p_down", english_list(p_down))
gp_pc = dot_all.loc["wgan_gp_mlp", ["precision change", "± SE"]]
clip_pc = dot_all.loc["wgan_clip_mlp", ["precision change", "± SE"]]
se_units = lambda pc: pc.iloc[0] / pc.iloc[1] if pc.iloc[1] > 0 else 0.0  # noqa: E731 - SE 0: smoke's tiny nets
glue("dot_all_clip_z", se_units(clip_pc))
glue("dot_all_gp_z", se_units(gp_pc))
claim(gp_pc.iloc[0] > 2 * gp_pc.iloc[1], "the WGAN-GP's precision rises by more than two paired standard errors")
claim(abs(clip_pc.iloc[0]) < 2 * clip_pc.iloc[1] and change["wgan_clip_mlp"] > 0,
      "DOT raises the clipped WGAN's FID, and its precision moves by less than two paired standard errors")
claim(all(abs(dot_all.loc[n, "precision change"] - (dot_all.loc[n, "precision after"]
                                                    - dot_all.loc[n, "precision before"])) < 1e-9 for n in generators),
      "the paired precision change is the difference of the two precisions")
glue("dot_all_n_p_up", len(generators) - len(p_down))
best_after = dot_all.loc[generators, "fid after"]
glue("dot_all_best_after", best_after.idxmin()), glue("dot_all_best_after_fid", best_after.min())
cr_p = before_after("cramer_mlp", "precision")
glue("dot_all_cr_p_before", cr_p[0]), glue("dot_all_cr_p_after", cr_p[1])
cr_r = before_after("cramer_mlp", "recall")
glue("dot_all_cr_r_before", cr_r[0]), glue("dot_all_cr_r_after", cr_r[1])
claim(cr_r[1] < cr_r[0], "along its witness the Cramér GAN's recall falls")
glue("dot_all_cr_fid_before", dot_all.loc["cramer_mlp", "fid before"])
glue("dot_all_cr_fid_after", dot_all.loc["cramer_mlp", "fid after"])
glue("dot_all_cr_head_fid_after", dot_all.loc["cramer_mlp (head)", "fid after"])
claim(0 < worse["wgan_gp_mlp"] < 10 and gp_p[1] > gp_p[0] and gp_r[1] < gp_r[0],
      "DOT raises the WGAN-GP's FID by under a tenth and raises its precision, at a cost in recall")
claim(set(best3) <= set(hurt), "DOT raises the FID of the three generators of lowest FID")
claim(change["wgan_sn_mlp"] < 0, "DOT helps the spectrally normalized critic too")
claim(all(abs(worse[n]) < 10 for n in ("gan_mlp", "sngan_hinge_mlp")),
      "DOT moves the FID of the two best models by under a tenth")
claim(worse["cramer_mlp (head)"] > 0 and -10 < worse["otgan_mlp"] < 0,
      "DOT along their untrained heads hurts the Cramér GAN and lowers OT-GAN's FID by less than a tenth")
cr_pc = dot_all.loc["cramer_mlp", ["precision change", "± SE"]]
glue("dot_all_cr_z", se_units(cr_pc))
claim(worse["cramer_mlp"] < -20 and abs(cr_pc.iloc[0]) < 2 * cr_pc.iloc[1],
      "along its energy witness DOT lowers the Cramér GAN's FID by over a fifth; its precision moves within two "
      "paired standard errors");

# %% [markdown]
# Where DOT helps and where it does not (read the table above; the numbers are recomputed at every build):
#
# - With the sweep's small step DOT {glue:text}`dot_all_fid_sentence` and raises precision for
#   {glue:text}`dot_all_n_p_up` (lowered: {glue:text}`dot_all_p_down`). Some of these precision changes are within the
#   sampling noise of 1,000 samples: the column *Δ precision ± SE* gives each with its paired standard error over the
#   latent codes (`metrics.paired_precision_change`; the FID changes have no such estimate here). Measured against it,
#   precision rises by more than two standard errors for {glue:text}`dot_all_p_up_sig` and falls by more than two for
#   {glue:text}`dot_all_p_down_sig`; the remaining {glue:text}`dot_all_p_n_noise` changes, rises and falls alike, are
#   within two. The lowest FID after DOT is {glue:text}`dot_all_best_after`'s,
#   {glue:text}`dot_all_best_after_fid:.1f`.
# - The generators whose FID DOT raises include the three of lowest FID ({glue:text}`dot_all_best3`): their
#   samples are close to the digits already, and what DOT's moves cost them in recall outweighs what they gain in
#   precision.
# - For the **gradient-penalty WGAN**, whose critic is the closest to a transport potential, DOT raises precision
#   beyond the noise ({glue:text}`dot_all_gp_p_before:.3f` → {glue:text}`dot_all_gp_p_after:.3f`,
#   {glue:text}`dot_all_gp_z:+.1f` paired standard errors), at a cost in recall
#   ({glue:text}`dot_all_gp_r_before:.2f` → {glue:text}`dot_all_gp_r_after:.2f`), and its FID rises by
#   {glue:text}`dot_all_worse_wgan_gp_mlp:+.0f`%, as in the sweep (whose $k_{eff}$ was estimated on other pairs, so
#   its numbers differ slightly). For the **spectrally normalized** critic of the
#   plain-loss model (`wgan_sn_mlp`, the plain Wasserstein loss without a penalty) it lowers the FID
#   ({glue:text}`dot_all_worse_wgan_sn_mlp:+.0f`%). For the **clipped** critic the FID rises by
#   {glue:text}`dot_all_worse_wgan_clip_mlp:+.0f`% and precision moves within the noise
#   ({glue:text}`dot_all_clip_p_before:.3f` → {glue:text}`dot_all_clip_p_after:.3f`,
#   {glue:text}`dot_all_clip_z:+.1f` paired standard errors): its moves do not bring the digits closer to the data.
# - The **GAN discriminators** (the MLP GAN, the hinge SN-GAN) are classifiers: their logit is not a transport
#   potential, and DOT on a discriminator is a heuristic (close to discriminator-driven latent sampling), not
#   optimal transport. With the small step it moves the FID of the two best models of the book by under a tenth
#   ({glue:text}`dot_all_worse_gan_mlp:+.0f`% and {glue:text}`dot_all_worse_sngan_hinge_mlp:+.0f`%). Their
#   $k_{eff}$ is small, which lengthens every step, so a larger step overshoots, as the sweep above shows for the
#   WGAN-GP.
# - **OT-GAN** and the **Cramér GAN** never train the scalar head of their critic (their losses use only the
#   features), so their head is a random linear read-out of learned features, not a trained potential. Along it DOT
#   raises the Cramér GAN's FID ({glue:text}`dot_all_worse_cramer_mlp_head:+.0f`%, row *cramer_mlp (head)*) and
#   lowers OT-GAN's by a few percent ({glue:text}`dot_all_worse_otgan_mlp:+.0f`%). The Cramér GAN's loss, though, names a potential:
#   its generator descends the energy distance between the features of real and generated digits, and that distance
#   falls fastest when a sample moves up the energy distance's *witness*,
#   $D(x) = \frac{1}{m}\sum_j \|h(x) - h(y_j)\| - \frac{1}{n}\sum_i \|h(x) - h(x_i)\|$, with $h$ the critic's
#   features, over generated digits $y_j$ and real ones $x_i$ (`dot.EnergyWitness`; here 500 training digits and 500 samples, the row *cramer_mlp*). Along the witness,
#   with the same step, DOT lowers the Cramér GAN's FID from {glue:text}`dot_all_cr_fid_before:.0f` to
#   {glue:text}`dot_all_cr_fid_after:.0f` ({glue:text}`dot_all_worse_cramer_mlp:+.0f`%;
#   {glue:text}`dot_all_cr_head_fid_after:.0f` along the head), but its precision moves within the noise
#   ({glue:text}`dot_all_cr_p_before:.3f` → {glue:text}`dot_all_cr_p_after:.3f`, {glue:text}`dot_all_cr_z:+.1f` paired
#   standard errors) and its recall falls
#   ({glue:text}`dot_all_cr_r_before:.2f` → {glue:text}`dot_all_cr_r_after:.2f`): the moved digits are closer to the
#   real ones in FID, not each one more like a real digit. That a random read-out of OT-GAN's features helps it while
#   the Cramér GAN's hurts, this table does not explain.
#
# ## Try it
#
# Target-space DOT on the early-stopped WGAN-GP of the 2-D section (its refitted critic): change the step, the
# number of updates and the factor on $K_{eff}$. The panel opens on the setting of the table above (200 updates
# of 0.05, factor 0.8); its caption gives $W_2$ to the target before and after.
# (Live in Jupyter or Colab; the static page shows the initial state.)

# %%
panel = widgets.dot_panel("25gaussians", trainer=toy_cases["25gaussians"]["trainer"], lr=0.05, n_steps=200,
                          k_scale=0.8)
panel

# %% [markdown]
# ## Exercises
#
# ```{exercise}
# :label: ex-dot-step
# Write one target-space DOT update yourself for a batch $y$: the gradient of
# $\sqrt{\|x - y\|^2 + \delta} - D(x)/K$ at $x$, then $x \leftarrow x - \text{lr} \cdot \text{grad}$. Run 200
# updates on the 25-Gaussian case and check that you get `dot.dot_target`'s result.
# ```
#
# ```{solution-start} ex-dot-step
# :class: dropdown
# ```

# %%
case = toy_cases["25gaussians"]
critic, y0, K_toy = case["trainer"].critic.eval(), case["y"], 0.8 * case["k"].mean
x = y0.clone()
for _ in range(200):
    x.requires_grad_(True)
    obj = (((x - y0) ** 2).sum(1) + 1e-3).sqrt() - critic(x) / K_toy
    grad, = torch.autograd.grad(obj.sum(), x)
    x = (x - 0.05 * grad).detach()
print("max difference to the library:", float((x - moved["25gaussians", 0.8][0]).abs().max()))

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise}
# :label: ex-dot-keff
# How sensitive is target-space DOT to $K_{eff}$? Sweep the factor on $K_{eff}$ from 0.5 to 1.2 on the Swiss
# roll and plot $W_1$ after DOT.
# ```
#
# ```{solution-start} ex-dot-keff
# :class: dropdown
# ```

# %%
case = toy_cases["swissroll"]
factors = np.linspace(0.5, 1.2, otgan.settings(smoke=3, book=8))
w1s = [float(transport.wasserstein(dot.dot_target(case["trainer"].critic, case["y"], f * case["k"].mean, 200, 0.05),
                                   case["ref"], p=1)) for f in factors]
plt.figure(figsize=(5, 3))
plt.plot(factors, w1s, "o-")
w1_start = float(transport.wasserstein(case["y"], case["ref"], p=1))
plt.axhline(w1_start, color="gray", ls=":", label="before DOT")
plt.gca().set(xlabel=r"factor on $K_{eff}$", ylabel="$W_1$ after DOT", yscale="log",
              title="Swiss roll: target-space DOT, 200 updates")
plt.legend()
plt.show()
best = int(np.argmin(w1s))
glue("dot_ex_best_factor", float(factors[best]))
glue("dot_ex_best_w1", w1s[best])
glue("dot_ex_low_w1", w1s[0])
glue("dot_ex_high_w1", w1s[-1])
glue("dot_ex_start_w1", w1_start)
claim(factors[best] >= 0.9, "on this Swiss roll, already close to the data, W1 after DOT is lowest at a factor of 0.9 or more")
claim(w1s[0] > w1_start, "at the smallest factor the samples overshoot: W1 ends above its value before DOT")
claim(abs(w1s[-1] - w1_start) < 0.1 * w1_start, "at the largest factor the samples hardly move");

# %% [markdown]
# Too small a factor is too large a step: at 0.5 the samples overshoot the data and run off, and $W_1$ ends at
# {glue:text}`dot_ex_low_w1:.2f`, worse than before DOT ({glue:text}`dot_ex_start_w1:.3f`). $W_1$ is lowest,
# {glue:text}`dot_ex_best_w1:.3f`, at a factor of {glue:text}`dot_ex_best_factor:.2f`, and at the largest factor
# the samples hardly move ($W_1$ {glue:text}`dot_ex_high_w1:.3f`). The best factor depends on how far the generator
# is from the data: this Swiss-roll generator is already close, and a factor near 1 is best; the 25-Gaussian one
# is far, and there 0.8 pulled the samples into the modes (above). With $K_{eff}$ estimated as a maximum over
# pairs, a factor near 1 is about the right step for a generator this close to the data; a factor below 1 is a
# larger step, worth taking only far from the data.

# %% [markdown]
# ```{solution-end}
# ```
