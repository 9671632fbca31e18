"""ipywidgets panels for 2-D toys: they redraw live in Jupyter / Colab and keep their first picture in the static
HTML (the picture is an ``Image`` widget whose PNG bytes are saved with the notebook's widget state)."""
import ipywidgets as W
import matplotlib.pyplot as plt

from .data import TOYS, toy
from .plotting import figure_png, plot_plan, plot_samples


def _labelled(widget, width="320px"):
    widget.layout = W.Layout(width=width)
    widget.style = {"description_width": "110px"}
    return widget


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
        "n": _labelled(W.IntSlider(value=n, min=50, max=5000, step=50, description="points \\(n\\)")),
        "noise": _labelled(W.FloatSlider(value=t.noise, min=0.0, max=0.3, step=0.01, description="noise \\(\\sigma\\)")),
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
        ax.legend(loc="upper right", fontsize=8)
        ax.set_title(f"{c['name']}: n={c['n']}, noise={c['noise']:.2f}")
        image.value = figure_png(fig)
        modes = "continuous support" if dist.centers is None else f"{len(dist.centers)} modes"
        caption.value = f"<small>{c['name']}: {modes}; mean ({x[:, 0].mean():.2f}, {x[:, 1].mean():.2f})</small>"

    for w in controls.values():
        w.observe(redraw, names="value")
    redraw()
    panel = W.HBox([W.VBox(list(controls.values()) + [caption]), image])
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
        "source": _labelled(W.Dropdown(options=TOYS, value=source, description="source \\(\\mu\\)")),
        "target": _labelled(W.Dropdown(options=TOYS, value=target, description="target \\(\\nu\\)")),
        "n": _labelled(W.IntSlider(value=n, min=10, max=200, step=10, description="points \\(n\\)")),
        "eps": _labelled(W.FloatLogSlider(value=eps, base=10, min=-3, max=1, step=0.25,
                                          description="\\(\\varepsilon\\)")),
    }
    image = W.Image(format="png", layout=W.Layout(width="640px"))
    caption = W.HTML()

    def redraw(_=None):
        c = {k: w.value for k, w in controls.items()}
        x = toy(c["source"]).sample(c["n"], seed=0).double()
        y = toy(c["target"]).sample(c["n"], seed=1).double()
        C = T.sqeuclidean_cost(x, y)
        res = T.sinkhorn(None, None, C, c["eps"], n_iter=2000, tol=1e-9)
        import ot
        exact = ot.emd(ot.unif(c["n"]), ot.unif(c["n"]), C.numpy())
        fig, axes = plt.subplots(1, 2, figsize=(8.4, 4.2))
        plot_plan(x, y, exact, ax=axes[0], title="exact plan (POT)", lim=2.6)
        plot_plan(x, y, res.plan, ax=axes[1], title=f"Sinkhorn plan, eps={c['eps']:.3g}", lim=2.6)
        axes[0].legend(loc="lower left", fontsize=8)
        image.value = figure_png(fig)
        caption.value = (
            f"<small>W2 = {float((exact * C.numpy()).sum()) ** 0.5:.3f}; entropic cost = {float(res.cost):.3f}; "
            f"Sinkhorn divergence = {float(T.sinkhorn_divergence(x, y, c['eps'], n_iter=2000)):.3f}; "
            f"SW2 = {float(T.sliced_wasserstein(x, y, 500)):.3f}; "
            f"energy = {float(T.energy_distance(x, y)):.3f}</small>")

    for w in controls.values():
        w.observe(redraw, names="value")
    redraw()
    panel = W.HBox([W.VBox(list(controls.values()) + [caption], layout=W.Layout(width="340px")), image])
    panel.controls, panel.redraw = controls, redraw
    return panel
