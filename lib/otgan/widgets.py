"""ipywidgets panels for 2-D toys: they redraw live in Jupyter / Colab and keep their first picture in the static
HTML (the picture is an ``Image`` widget whose PNG bytes are saved with the notebook's widget state)."""
import ipywidgets as W
import matplotlib.pyplot as plt

from .data import TOYS, toy
from .plotting import figure_png, plot_samples


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
