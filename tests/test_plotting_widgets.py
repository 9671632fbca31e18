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


def test_animate_panels_checks_lengths():
    frames = [torch.randn(10, 2) for _ in range(3)]
    html = plotting.animate_panels({"a": frames, "b": frames}, [0, 1, 2]).data
    assert "cdnjs" not in html
    import pytest

    with pytest.raises(ValueError, match="frames"):
        plotting.animate_panels({"a": frames, "b": frames[:2]}, [0, 1, 2])
    plt.close("all")


def test_new_panels_train_and_draw():
    p = widgets.critic_panel("8gaussians", "clip", steps=10)
    assert p.children[1].value[:4] == b"\x89PNG" and "exact W1" in p.children[0].children[-1].value
    p = widgets.sliced_panel("8gaussians", n_projections=5, steps=3)
    assert p.trainer.step == 3
    p = widgets.sinkhorn_panel("8gaussians", loss="energy distance", batch_size=32, steps=2)
    assert p.trainer.step == 2
    p = widgets.dot_panel("8gaussians", train_steps=3, n_steps=2)
    before = p.children[1].value
    p.controls["n_steps"].value = 20
    assert p.children[1].value != before and p.k_eff > 0
    plt.close("all")


def test_plot_plan_draws_diffuse_plans_in_full():
    # a diffuse (independent) plan: every entry carries 1/m of its row's mass, so every segment is drawn, faintly;
    # a permutation: n opaque segments
    n = 60
    x, y = torch.randn(n, 2), torch.randn(n, 2)
    fig, axes = plt.subplots(1, 2)
    plotting.plot_plan(x, y, torch.full((n, n), 1.0 / n**2), ax=axes[0])
    plotting.plot_plan(x, y, torch.eye(n) / n, ax=axes[1])
    diffuse, perm = axes[0].collections[0], axes[1].collections[0]
    assert len(diffuse.get_segments()) == n * n
    assert np.allclose(diffuse.get_colors()[:, 3], 1.0 / n)
    assert len(perm.get_segments()) == n and np.allclose(perm.get_colors()[:, 3], 1.0)
    import pytest

    with pytest.raises(ValueError, match="plan must have shape"):
        plotting.plot_plan(x, y, torch.ones(n, n + 1))
    plt.close(fig)


def test_panel_controls_keep_their_width():
    # the controls column must not shrink to zero width beside a wide picture (02's gan_panel on a narrow page)
    panel = widgets.transport_panel(n=10)
    column = panel.children[0]
    assert column.layout.min_width == "340px" and panel.layout.flex_flow == "row wrap"
    assert all(w.layout.min_width for w in panel.controls.values())
    assert "white-space: normal" in column.children[-1].value
