import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from otgan import data, nets, plotting, widgets  # noqa: E402


def test_tile_images_layout_and_range():
    imgs = torch.linspace(-1, 1, 5)[:, None, None, None].expand(5, 1, 4, 4)
    grid = plotting.tile_images(imgs, nrow=3, pad=1)
    assert grid.shape == (2 * 5 + 1, 3 * 5 + 1)
    assert grid.min() == 0 and grid.max() == 1
    assert grid[1, 1] == 0 and grid[1, 6] == 0.25


def test_plots_draw_without_error():
    fig, axes = plt.subplots(1, 3)
    plotting.plot_samples(torch.randn(50, 2), data.toy("8gaussians"), ax=axes[0], title="t")
    plotting.plot_critic(nets.MLPCritic(2, hidden=(8,)), ax=axes[1])
    plotting.plot_losses({"step": [1, 2, 3], "critic loss": [1, 2, 3], "generator loss": [3, 2, 1]}, ax=axes[2])
    assert len(axes[2].lines) == 2
    plt.close(fig)


def test_smooth():
    assert np.allclose(plotting.smooth([1, 2, 3, 4], 2), [1, 1.5, 2.5, 3.5])


def test_animation_is_offline():
    fig, ax = plt.subplots()
    line, = ax.plot([], [])
    html = plotting.animation_html(fig, lambda i: line.set_data([0, i], [0, i]), frames=3).data
    assert "<img id=" in html or "_anim_img" in html
    assert "cdnjs" not in html and "font-awesome" not in html.lower()


def test_toy_panel_redraws():
    panel = widgets.toy_panel("8gaussians", n=100)
    image = panel.children[1]
    before = image.value
    panel.controls["name"].value = "moons"
    assert image.value != before and image.value[:4] == b"\x89PNG"
