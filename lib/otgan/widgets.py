"""ipywidgets panels for 2-D toys: they redraw live in Jupyter / Colab and keep their first picture in the static
HTML (the picture is an ``Image`` widget whose PNG bytes are saved with the notebook's widget state)."""
import ipywidgets as W
import matplotlib.pyplot as plt
import torch

from .data import TOYS, toy
from .plotting import figure_png, legend_below, plot_plan, plot_samples


def _labelled(widget, width="320px"):
    widget.layout = W.Layout(width=width, min_width=width)
    widget.style = {"description_width": "110px"}
    return widget


def _caption_html(text):
    """Caption markup that wraps (widget HTML otherwise keeps one line and clips it); ``text`` may hold <br>."""
    return f'<div style="white-space: normal; line-height: 1.4; font-size: 90%; max-width: 330px">{text}</div>'


def _panel(left, image):
    """Controls (a fixed 340 px column that never shrinks) beside the picture; the picture wraps below the
    controls on a narrow page instead of squeezing them to zero width."""
    column = W.VBox(left, layout=W.Layout(width="340px", min_width="340px", flex="0 0 340px"))
    return W.HBox([column, image], layout=W.Layout(flex_flow="row wrap", align_items="flex-start"))


def toy_panel(name="8gaussians", n=1000, noise=None, seed=0):
    """A panel to explore the 2-D toys: distribution, number of points, noise and seed.

    Returns
    -------
    ipywidgets.HBox
        Controls on the left, the scatter plot (with mode centres for the mixtures) on the right; the controls
        are reachable as ``panel.controls`` and the redraw function as ``panel.redraw``.
    """
    t = toy(name, noise)
    controls = {
        "name": _labelled(W.Dropdown(options=TOYS, value=name, description="distribution")),
        "n": _labelled(W.IntSlider(value=n, min=50, max=5000, step=50, description="points n")),
        "noise": _labelled(W.FloatSlider(value=t.noise, min=0.0, max=0.3, step=0.01, description="noise σ")),
        "seed": _labelled(W.IntSlider(value=seed, min=0, max=20, description="seed")),
    }
    image = W.Image(format="png", layout=W.Layout(width="380px"))
    caption = W.HTML()

    def redraw(_=None):
        c = {k: w.value for k, w in controls.items()}
        dist = toy(c["name"], c["noise"])
        x = dist.sample(c["n"], seed=c["seed"])
        fig, ax = plt.subplots(figsize=(4.2, 4.2))
        plot_samples(x, ax=ax, color="C0", s=3, label="samples")
        if dist.centers is not None:
            ax.scatter(*dist.centers.T, marker="x", c="C3", s=40, label="mode centres")
        legend_below(ax, fontsize=8)
        ax.set_title(f"{c['name']}: n={c['n']}, noise={c['noise']:.2f}")
        image.value = figure_png(fig)
        modes = "continuous support" if dist.centers is None else f"{len(dist.centers)} modes"
        caption.value = _caption_html(f"{c['name']}: {modes}; mean ({x[:, 0].mean():.2f}, {x[:, 1].mean():.2f})")

    for w in controls.values():
        w.observe(redraw, names="value")
    redraw()
    panel = _panel(list(controls.values()) + [caption], image)
    panel.controls, panel.redraw = controls, redraw
    return panel


def transport_panel(source="8gaussians", target="moons", n=60, eps=0.05):
    """A panel to compare transport between two 2-D toys: exact plan (POT) beside the Sinkhorn plan for the
    chosen :math:`\\varepsilon`, with :math:`W_2`, the entropic cost, the Sinkhorn divergence, SW and the energy
    distance printed below.

    Returns
    -------
    ipywidgets.HBox
        With ``panel.controls`` and ``panel.redraw``.
    """
    from . import transport as T

    controls = {
        "source": _labelled(W.Dropdown(options=TOYS, value=source, description="source μ")),
        "target": _labelled(W.Dropdown(options=TOYS, value=target, description="target ν")),
        "n": _labelled(W.IntSlider(value=n, min=10, max=200, step=10, description="points n")),
        "eps": _labelled(W.FloatLogSlider(value=eps, base=10, min=-3, max=1, step=0.25,
                                          description="ε")),
    }
    image = W.Image(format="png", layout=W.Layout(width="640px"))
    caption = W.HTML()

    def redraw(_=None):
        c = {k: w.value for k, w in controls.items()}
        x = toy(c["source"]).sample(c["n"], seed=0).double()
        y = toy(c["target"]).sample(c["n"], seed=1).double()
        C = T.sqeuclidean_cost(x, y)
        # the panel shows the marginal error instead of warning (a warning in a cell fails the -W book build)
        res = T.sinkhorn(None, None, C, c["eps"], n_iter=5000, tol=1e-6, warn=False)
        import ot
        exact = ot.emd(ot.unif(c["n"]), ot.unif(c["n"]), C.numpy())
        fig, axes = plt.subplots(1, 2, figsize=(8.4, 4.2))
        plot_plan(x, y, exact, ax=axes[0], title="exact plan (POT)", lim=2.6)
        plot_plan(x, y, res.plan, ax=axes[1], title=f"Sinkhorn plan, eps={c['eps']:.3g}", lim=2.6)
        legend_below(axes[0], fontsize=8)
        image.value = figure_png(fig)
        caption.value = _caption_html(
            f"W<sub>2</sub> = {float((exact * C.numpy()).sum()) ** 0.5:.3f}<br>"
            f"OT<sub>&epsilon;</sub> = {float(res.cost):.3f}"
            f"{'' if res.converged else f' (marginal error {float(res.marginal_error):.1e}: not converged)'}<br>"
            f"S<sub>&epsilon;</sub> = "
            f"{float(T.sinkhorn_divergence(x, y, c['eps'], n_iter=5000, warn=False)):.3f}<br>"
            f"SW<sub>2</sub> = {float(T.sliced_wasserstein(x, y, 500)):.3f} (L = 500 projections)<br>"
            f"energy distance = {float(T.energy_distance(x, y)):.3f}")

    for w in controls.values():
        w.observe(redraw, names="value")
    redraw()
    panel = _panel(list(controls.values()) + [caption], image)
    panel.controls, panel.redraw = controls, redraw
    return panel


def _action_panel(controls, action, label="Train", image_width="400px", seed=0):
    """The skeleton shared by the panels that run something on a button press: controls and the button on the
    left, the picture on the right, a caption below. ``action(values) -> (figure, caption text, trainer or
    result)`` runs with the seed reset; the panel keeps the last result as ``panel.trainer`` and
    ``panel.result`` and the action as ``panel.train`` (and ``panel.fit``)."""
    from .runtime import seed_everything

    button = W.Button(description=label, button_style="primary", icon="play")
    image = W.Image(format="png", layout=W.Layout(width=image_width))
    caption = W.HTML()
    panel = _panel(list(controls.values()) + [button, caption], image)

    def run(_=None):
        values = {k: w.value for k, w in controls.items()}
        seed_everything(seed)
        button.disabled, button.description = True, "running..."
        try:
            fig, text, result = action(values)
        finally:
            button.disabled, button.description = False, label
        image.value = figure_png(fig)
        caption.value = _caption_html(text)
        panel.trainer = panel.result = result

    button.on_click(run)
    panel.controls, panel.train, panel.fit = controls, run, run
    run()
    return panel


def _toy_caption(x, target):
    from .metrics import toy_metrics

    m = toy_metrics(x, target)
    extra = f"modes covered {m['modes_covered']}/{m['n_modes']}; " if "modes_covered" in m else ""
    return f"{extra}high quality {m['high_quality']:.0%}; W1 to target {m['W1']:.3f}"


def gan_panel(toy_name="8gaussians", loss="nonsaturating", steps=500, lr_generator=1e-3, lr_critic=1e-3,
              losses=None, seed=0):
    """A panel to train a GAN on a 2-D toy: pick the toy, the loss, the learning rates and the number of steps,
    press *Train*, and see the generated samples over the target and the critic's level sets.

    Parameters
    ----------
    losses : tuple of str, optional
        Losses offered (default: all of :data:`otgan.models.TOY_LOSSES`).

    Returns
    -------
    ipywidgets.HBox
        With ``panel.controls``, ``panel.train`` (the button's action) and ``panel.trainer`` (the last run).
    """
    from . import models
    from .plotting import plot_critic

    controls = {
        "toy": _labelled(W.Dropdown(options=TOYS, value=toy_name, description="target")),
        "loss": _labelled(W.Dropdown(options=losses or models.TOY_LOSSES, value=loss, description="loss")),
        "lr_generator": _labelled(W.FloatLogSlider(value=lr_generator, base=10, min=-5, max=-2, step=0.25,
                                                   description="lr generator")),
        "lr_critic": _labelled(W.FloatLogSlider(value=lr_critic, base=10, min=-5, max=-2, step=0.25,
                                                description="lr critic")),
        "steps": _labelled(W.IntSlider(value=steps, min=0, max=5000, step=100, description="steps")),
    }

    def train(c):
        target = toy(c["toy"])
        trainer = models.toy_trainer(target, c["loss"], c["lr_generator"], c["lr_critic"], device="cpu")
        trainer.train(c["steps"], progress=False)
        x = trainer.sample(1000).cpu()
        fig, axes = plt.subplots(1, 2, figsize=(8.4, 4.2))
        plot_samples(x, target, ax=axes[0], title=f"{c['loss']}: samples after {c['steps']} steps")
        plot_critic(trainer.critic, ax=axes[1], title="critic $D(x)$")
        axes[1].scatter(*x[:300].T, s=2, c="w", alpha=0.6)
        return fig, _toy_caption(x, target), trainer

    return _action_panel(controls, train, "Train", "640px", seed)


def critic_panel(toy_name="8gaussians", method="gp", strength=None, steps=1000, seed=0):
    """A panel to fit a WGAN critic on a 2-D toy and see its level sets: pick the toy, the Lipschitz method
    (``clip``, ``sn``, ``gp``), its strength (clip value ``c`` or penalty weight ``lambda``; spectral
    normalization has none) and the number of critic steps, then press *Fit*.

    The critic separates the toy from the toy plus unit Gaussian noise (:func:`otgan.lipschitz.critic_vs_w1`);
    the caption compares its gap with the exact :math:`W_1` and gives :math:`K_{eff}`.

    Returns
    -------
    ipywidgets.HBox
        With ``panel.controls``, ``panel.fit`` (the button's action) and ``panel.result`` (the last run).
    """
    from .lipschitz import METHODS, critic_vs_w1
    from .plotting import plot_critic

    controls = {
        "toy": _labelled(W.Dropdown(options=TOYS, value=toy_name, description="target")),
        "method": _labelled(W.Dropdown(options=METHODS, value=method, description="Lipschitz method")),
        "strength": _labelled(W.FloatLogSlider(value=strength or (0.01 if method == "clip" else 10.0), base=10,
                                               min=-3, max=2, step=0.25, description="c or λ")),
        "steps": _labelled(W.IntSlider(value=steps, min=10, max=5000, step=10, description="critic steps")),
    }

    def fit(c):
        res = critic_vs_w1(toy(c["toy"]), c["method"], None if c["method"] == "sn" else c["strength"],
                           n_steps=c["steps"], seed=seed)
        fig, ax = plt.subplots(figsize=(4.4, 4.2))
        plot_critic(res["critic"], ax=ax, title=f"{c['method']} critic after {c['steps']} steps")
        ax.scatter(*res["x"][:300].T, s=2, c="w", alpha=0.7)
        text = f"critic gap {res['gap']:.3f} vs exact W1 {res['exact_w1']:.3f}; K_eff {res['k_eff'].mean:.3f}"
        return fig, text, res

    return _action_panel(controls, fit, "Fit", "400px", seed)


def sliced_panel(toy_name="8gaussians", n_projections=50, optimizer="adam", lr=1e-3, steps=500, seed=0):
    """A panel to train a generator on the sliced Wasserstein distance to a 2-D toy (no critic): pick the
    target, the number of projections, the optimizer, its step and the number of steps, then press *Train*.

    Returns
    -------
    ipywidgets.HBox
        With ``panel.controls``, ``panel.train`` and ``panel.trainer`` (the last run).
    """
    from . import models

    controls = {
        "toy": _labelled(W.Dropdown(options=TOYS, value=toy_name, description="target")),
        "n_projections": _labelled(W.IntSlider(value=n_projections, min=1, max=500, description="projections")),
        "optimizer": _labelled(W.Dropdown(options=models.TOY_OPTIMIZERS, value=optimizer, description="optimizer")),
        "lr": _labelled(W.FloatLogSlider(value=lr, base=10, min=-4, max=0, step=0.25, description="step")),
        "steps": _labelled(W.IntSlider(value=steps, min=0, max=5000, step=100, description="steps")),
    }

    def train(c):
        target = toy(c["toy"])
        trainer = models.toy_direct_trainer(target, c["n_projections"], c["optimizer"], c["lr"], device="cpu")
        return _train_and_plot(trainer, c["steps"], target, f"SW generator, L={c['n_projections']}, {c['optimizer']}")

    return _action_panel(controls, train, "Train", "400px", seed)


def _train_and_plot(trainer, steps, target, title):
    """Train a panel's toy ``trainer`` for ``steps``; return its figure (1,000 samples over the target), its
    caption (metrics and seconds) and the trainer."""
    import time

    t0 = time.perf_counter()
    trainer.train(steps, progress=False)
    seconds = time.perf_counter() - t0
    x = trainer.sample(1000).cpu()
    fig, ax = plt.subplots(figsize=(4.4, 4.2))
    plot_samples(x, target, ax=ax, title=title)
    return fig, f"{_toy_caption(x, target)}; {seconds:.1f} s", trainer


SINKHORN_PANEL_LOSSES = ("Sinkhorn (entropic)", "Sinkhorn divergence", "energy distance")


def sinkhorn_panel(toy_name="8gaussians", eps=0.1, batch_size=256, loss="Sinkhorn divergence", steps=500, seed=0):
    """A panel to train a generator on an entropic OT loss to a 2-D toy (no critic): pick the target,
    :math:`\\varepsilon`, the batch size and the loss (raw entropic cost, debiased Sinkhorn divergence, or the
    energy distance), then press *Train*.

    Returns
    -------
    ipywidgets.HBox
        With ``panel.controls``, ``panel.train`` and ``panel.trainer`` (the last run).
    """
    from . import models, ot_losses

    controls = {
        "toy": _labelled(W.Dropdown(options=TOYS, value=toy_name, description="target")),
        "loss": _labelled(W.Dropdown(options=SINKHORN_PANEL_LOSSES, value=loss, description="loss")),
        "eps": _labelled(W.FloatLogSlider(value=eps, base=10, min=-3, max=1, step=0.25,
                                          description="ε")),
        "batch_size": _labelled(W.IntSlider(value=batch_size, min=16, max=1024, step=16, description="batch size")),
        "steps": _labelled(W.IntSlider(value=steps, min=0, max=3000, step=100, description="steps")),
    }

    def train(c):
        target = toy(c["toy"])
        if c["loss"] == "energy distance":
            loss = ot_losses.EnergyLoss()
        else:
            kind = "entropic" if c["loss"].startswith("Sinkhorn (") else "divergence"
            loss = ot_losses.SinkhornGeneratorLoss(c["eps"], n_iter=100, kind=kind)
        trainer = models.toy_direct_trainer(target, loss=loss, batch_size=c["batch_size"], device="cpu")
        eps_text = "" if c["loss"] == "energy distance" else f", eps={c['eps']:.3g}"
        return _train_and_plot(trainer, c["steps"], target, f"{c['loss']}{eps_text}")

    return _action_panel(controls, train, "Train", "400px", seed)


def dot_panel(toy_name="25gaussians", train_steps=500, lr=0.05, n_steps=20, k_scale=1.0, seed=0, trainer=None):
    """A panel for Discriminator Optimal Transport on a 2-D toy: a WGAN-GP is trained briefly (so that its
    generator is imperfect), then the sliders set the DOT step, the number of updates and a factor on
    :math:`K_{eff}`; the picture shows the samples before and after target-space DOT with their moves.
    ``trainer`` (a trained WGAN-GP on ``toy_name``, e.g. :func:`otgan.toys.load`) replaces the brief training.

    Returns
    -------
    ipywidgets.HBox
        With ``panel.controls``, ``panel.redraw``, ``panel.trainer`` and ``panel.k_eff``.
    """
    from . import models
    from .dot import dot_target, target_lipschitz
    from .runtime import seed_everything
    from .transport import wasserstein

    seed_everything(seed)
    target = toy(toy_name)
    if trainer is None:
        trainer = models.toy_trainer(target, "wgan-gp", lr_generator=1e-4, lr_critic=1e-4, device="cpu")
        trainer.train(train_steps, progress=False)
    gen = torch.Generator().manual_seed(seed)
    y = trainer.sample(500).cpu()
    ref = target.sample(500, seed=seed + 1)
    k_eff = target_lipschitz(trainer.critic, ref, y, generator_rng=gen).mean
    controls = {
        "lr": _labelled(W.FloatLogSlider(value=lr, base=10, min=-3, max=0, step=0.25, description="step")),
        "n_steps": _labelled(W.IntSlider(value=n_steps, min=0, max=200, step=5, description="updates")),
        "k_scale": _labelled(W.FloatLogSlider(value=k_scale, base=10, min=-1, max=1, step=0.1,
                                              description="K_eff factor")),
    }
    image = W.Image(format="png", layout=W.Layout(width="420px"))
    caption = W.HTML()
    w_before = float(wasserstein(y, ref))

    def redraw(_=None):
        c = {k: w.value for k, w in controls.items()}
        moved = dot_target(trainer.critic, y, k_eff * c["k_scale"], c["n_steps"], c["lr"])
        fig, ax = plt.subplots(figsize=(4.6, 4.4))
        plot_samples(None, target, ax=ax)
        for a, b in zip(y[:150], moved[:150]):
            ax.plot([a[0], b[0]], [a[1], b[1]], c="k", lw=0.4, alpha=0.5)
        ax.scatter(*y.T, s=3, c="C3", alpha=0.5, label="generator")
        ax.scatter(*moved.T, s=3, c="C2", alpha=0.7, label="after DOT")
        legend_below(ax, fontsize=7)
        ax.set_title(f"{toy_name}: {c['n_steps']} DOT updates")
        image.value = figure_png(fig)
        caption.value = _caption_html(f"K_eff {k_eff:.3f}; W2 to target {w_before:.3f} before, "
                                      f"{float(wasserstein(moved, ref)):.3f} after")

    for w in controls.values():
        w.observe(redraw, names="value")
    redraw()
    panel = _panel(list(controls.values()) + [caption], image)
    panel.controls, panel.redraw, panel.trainer, panel.k_eff = controls, redraw, trainer, k_eff
    return panel


def flow_panel(pair="8gaussians", coupling="ot", nfe=4, steps=500, seed=0):
    """A panel to train a flow-matching model on a 2-D toy pair (:data:`otgan.flow_matching.TOY_PAIRS`): pick the
    pair, the coupling (independent, exact minibatch OT, entropic) and the number of Euler steps of the sampler,
    press *Train*; the picture shows the sampled paths over the target, the caption the exact :math:`W_2` to the
    target, the straightness and the CPU milliseconds per training step (of which the coupling).

    Returns
    -------
    ipywidgets.HBox
        With ``panel.controls``, ``panel.train`` and ``panel.trainer`` (the last :class:`FlowTrainer`).
    """
    from . import flow_matching as fm

    controls = {
        "pair": _labelled(W.Dropdown(options=list(fm.TOY_PAIRS), value=pair, description="target")),
        "coupling": _labelled(W.Dropdown(options=fm.COUPLINGS, value=coupling, description="coupling")),
        "nfe": _labelled(W.SelectionSlider(options=list(fm.NFE_GRID), value=nfe, description="NFE (Euler)")),
        "steps": _labelled(W.IntSlider(value=steps, min=50, max=3000, step=50, description="train steps")),
    }

    def train(c):
        trainer = fm.toy_trainer(c["pair"], c["coupling"], seed=seed).train(c["steps"])
        src, tgt = fm.TOY_PAIRS[c["pair"]]
        gen = torch.Generator().manual_seed(seed + 1)
        x0, y = fm.toy_source(src)(1000, gen), fm.toy_source(tgt)(1000, gen)
        x1, path = fm.sample(trainer.velocity, x0, c["nfe"], return_path=True)
        fig, ax = plt.subplots(figsize=(4.6, 4.6))
        fm.plot_paths(path, toy(tgt), ax=ax, n_lines=150, lim=3.0,
                      title=f"{src} to {tgt}, {c['coupling']}, NFE {c['nfe']}")
        total, solve = trainer.seconds_per_step
        from .transport import wasserstein

        text = (f"W2 to target {float(wasserstein(x1, y)):.3f}; straightness "
                f"{fm.straightness(trainer.velocity, x0[:300], 32):.3f}; {1e3 * total:.1f} ms per step "
                f"({1e3 * solve:.1f} ms in the coupling)")
        return fig, text, trainer

    return _action_panel(controls, train, "Train", "420px", seed)
