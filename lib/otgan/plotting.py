"""Figures of the book: 2-D samples over the target, critic level sets, image grids, loss curves, animations.

Nothing here needs torchvision; animations come back as HTML that plays in the static book with no network.
"""
import io
import re

import matplotlib
import matplotlib.collections
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import animation

LIM = 2.6  # every 2-D toy fits in [-LIM, LIM]^2


def _np(x):
    return x.detach().float().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def plot_samples(samples, target=None, ax=None, title=None, lim=LIM, n_target=20000, s=4, color="C1",
                 label="generated"):
    """Scatter 2-D ``samples`` over the density of ``target`` (a :class:`otgan.data.Toy` or a tensor of points).

    The target density is drawn as a grey 2-D histogram of ``n_target`` of its samples (or of the given points).
    """
    ax = ax or plt.gca()
    if target is not None:
        pts = _np(target.sample(n_target, seed=0) if hasattr(target, "sample") else target)
        ax.hist2d(pts[:, 0], pts[:, 1], bins=120, range=[[-lim, lim], [-lim, lim]], cmap="Greys",
                  norm=matplotlib.colors.PowerNorm(0.4), rasterized=True)
    if samples is not None:
        xy = _np(samples)
        ax.scatter(xy[:, 0], xy[:, 1], s=s, c=color, alpha=0.6, linewidths=0, label=label)
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", xlabel="$x_1$", ylabel="$x_2$")
    if title:
        ax.set_title(title)
    return ax


@torch.no_grad()
def critic_grid(critic, lim=LIM, n=120):
    """Evaluate ``critic`` on an ``n`` x ``n`` grid of :math:`[-lim, lim]^2`; returns ``(xx, yy, values)``."""
    g = torch.linspace(-lim, lim, n)
    xx, yy = torch.meshgrid(g, g, indexing="xy")
    dev = next(critic.parameters()).device
    was = critic.training
    critic.eval()
    vals = critic(torch.stack([xx.flatten(), yy.flatten()], 1).to(dev)).reshape(n, n)
    critic.train(was)
    return xx.numpy(), yy.numpy(), _np(vals)


def plot_critic(critic, ax=None, lim=LIM, levels=20, title=None, colorbar=True):
    """Level sets of a 2-D critic :math:`D(x)` (filled contours) on :math:`[-lim, lim]^2`."""
    ax = ax or plt.gca()
    xx, yy, vals = critic_grid(critic, lim)
    cs = ax.contourf(xx, yy, vals, levels=levels, cmap="viridis", alpha=0.85)
    ax.contour(xx, yy, vals, levels=levels, colors="k", linewidths=0.3, alpha=0.5)
    if colorbar:
        plt.colorbar(cs, ax=ax, fraction=0.046, pad=0.04, label="critic output (for a GAN: the logit of $D(x)$)")
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", xlabel="$x_1$", ylabel="$x_2$")
    if title:
        ax.set_title(title)
    return ax


def plot_plan(x, y, plan, ax=None, title=None, max_lines=None, lim=None, min_share=1e-3):
    """Draw a transport plan between two 2-D clouds: a segment from :math:`x_i` to :math:`y_j` for every entry
    that carries at least ``min_share`` of the mass of :math:`x_i`, drawn with opacity equal to that share,
    :math:`P_{ij} / \\sum_k P_{ik}`.

    A permutation (each point sends all its mass to one point) is drawn as opaque segments; a diffuse entropic
    plan, whose rows spread their mass over many targets, as a faint haze of many segments, so that the picture
    says how spread the plan is (drawing only the heaviest entries would make a diffuse plan look clustered).

    Parameters
    ----------
    x : Tensor or array, shape (n, 2)
    y : Tensor or array, shape (m, 2)
    plan : Tensor or array, shape (n, m)
        Non-negative transport plan.
    max_lines : int, optional
        Draw at most this many segments (the heaviest); default: all that pass ``min_share``.
    lim : float, optional
        Axis limits :math:`[-lim, lim]^2`.
    min_share : float
        Entries below this share of their row's mass are not drawn.
    """
    ax = ax or plt.gca()
    x, y, P = _np(x), _np(y), _np(plan).astype(np.float64)
    if P.shape != (len(x), len(y)):
        raise ValueError(f"plan must have shape (len(x), len(y)) = {(len(x), len(y))}, got {P.shape}")
    if (P < 0).any():
        raise ValueError("plan must be non-negative")
    share = P / np.maximum(P.sum(axis=1, keepdims=True), np.finfo(float).tiny)
    i, j = np.nonzero(share >= min_share)
    if max_lines is not None and len(i) > max_lines:
        top = np.argsort(share[i, j])[::-1][:max_lines]
        i, j = i[top], j[top]
    segs = np.stack([x[i], y[j]], axis=1)
    colors = np.zeros((len(i), 4))
    colors[:, 3] = np.clip(share[i, j], 0.0, 1.0)
    ax.add_collection(matplotlib.collections.LineCollection(segs, colors=colors, linewidths=0.8))
    ax.scatter(x[:, 0], x[:, 1], s=12, c="C0", label=r"$x_i \sim \mu$", zorder=3)
    ax.scatter(y[:, 0], y[:, 1], s=12, c="C3", label=r"$y_j \sim \nu$", zorder=3)
    ax.set(aspect="equal", xlabel="$x_1$", ylabel="$x_2$")
    if lim is not None:
        ax.set(xlim=(-lim, lim), ylim=(-lim, lim))
    if title:
        ax.set_title(title)
    return ax


def legend_below(ax, ncol=2, **kwargs):
    """A legend under the axes, outside the data area, so that it never hides a mode or a target point."""
    return ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=ncol, frameon=False, **kwargs)


def tile_images(images, nrow=8, pad=1):
    """Tile images of shape (n, 1, h, w) (or (n, h, w)) in [-1, 1] into one array in [0, 1], ``nrow`` per row."""
    x = _np(images)
    if x.ndim == 4:
        x = x[:, 0]
    n, h, w = x.shape
    ncol = nrow
    nrows = int(np.ceil(n / ncol))
    grid = np.ones((nrows * (h + pad) + pad, ncol * (w + pad) + pad), dtype=np.float32)
    for i in range(n):
        r, c = divmod(i, ncol)
        grid[pad + r * (h + pad):pad + r * (h + pad) + h, pad + c * (w + pad):pad + c * (w + pad) + w] = x[i]
    return np.clip((grid + 1) / 2, 0, 1) if grid.min() < 0 or x.min() < 0 else grid


def image_grid(images, nrow=8, ax=None, title=None):
    """Show a grid of MNIST-like images in [-1, 1]."""
    ax = ax or plt.gca()
    ax.imshow(tile_images(images, nrow), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def smooth(values, window):
    """Moving average with a window of ``window`` points (same length, shorter windows at the start)."""
    v = np.asarray(values, dtype=float)
    if window <= 1 or len(v) < 2:
        return v
    c = np.cumsum(np.insert(np.nan_to_num(v), 0, 0.0))
    idx = np.arange(1, len(v) + 1)
    lo = np.maximum(idx - window, 0)
    return (c[idx] - c[lo]) / (idx - lo)


def plot_losses(history, keys=("critic loss", "generator loss"), ax=None, window=25, title="Training losses"):
    """Loss curves from a trainer's history, smoothed by a moving average of ``window`` steps."""
    ax = ax or plt.gca()
    for key in keys:
        if key in history and len(history[key]):
            ax.plot(history["step"], smooth(history[key], window), label=key)
    ax.set(xlabel="generator step", ylabel="loss", title=title)
    ax.legend()
    return ax


_CDN_LINK = re.compile(r"<link[^>]+(?:font-awesome|fontawesome|cdnjs)[^>]*>", re.IGNORECASE)


def animation_html(fig, update, frames, interval=120):
    """Animate ``fig`` by calling ``update(i)`` for each frame and return HTML that plays offline.

    The HTML comes from matplotlib's ``to_jshtml`` with its Font Awesome CDN ``<link>`` removed (the player
    buttons keep working as plain buttons), so the static book makes no network request.

    Returns
    -------
    IPython.display.HTML
    """
    from IPython.display import HTML

    anim = animation.FuncAnimation(fig, update, frames=frames, interval=interval, blit=False)
    html = _CDN_LINK.sub("", anim.to_jshtml(default_mode="once"))
    plt.close(fig)
    return HTML(html)


def figure_png(fig, dpi=90):
    """The PNG bytes of ``fig`` (the figure is closed)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def animate_samples(frames, steps, target=None, title="", interval=150, lim=LIM, color="C1"):
    """An offline HTML animation of 2-D samples over the target density, one frame per recorded step (for
    example from :class:`otgan.training.SampleRecorder`)."""
    fig, ax = plt.subplots(figsize=(4.6, 4.6))
    plot_samples(None, target, ax=ax, lim=lim)
    first = _np(frames[0])
    scat = ax.scatter(first[:, 0], first[:, 1], s=5, c=color, alpha=0.7, linewidths=0)
    label = ax.set_title("")

    def update(i):
        scat.set_offsets(_np(frames[i]))
        label.set_text(f"{title} step {steps[i]}")
        return scat, label

    return animation_html(fig, update, frames=len(frames), interval=interval)


def animate_panels(runs, steps, target=None, interval=150, lim=LIM, step_label="step"):
    """Several 2-D sample animations side by side, in step: ``runs`` maps a panel title to its list of frames
    (all lists as long as ``steps``). Offline HTML, as :func:`animate_samples`."""
    titles = list(runs)
    lengths = {len(runs[t]) for t in titles}
    if lengths != {len(steps)}:
        raise ValueError(f"every run must have len(steps)={len(steps)} frames, got {sorted(lengths)}")
    fig, axes = plt.subplots(1, len(titles), figsize=(4.2 * len(titles), 4.3), squeeze=False)
    scats, labels = [], []
    for k, (ax, title) in enumerate(zip(axes[0], titles)):
        plot_samples(None, target, ax=ax, lim=lim)
        first = _np(runs[title][0])
        scats.append(ax.scatter(first[:, 0], first[:, 1], s=5, c=f"C{k + 1}", alpha=0.7, linewidths=0))
        labels.append(ax.set_title(title))
    fig.tight_layout()

    def update(i):
        for scat, label, title in zip(scats, labels, titles):
            scat.set_offsets(_np(runs[title][i]))
            label.set_text(f"{title}, {step_label} {steps[i]}")
        return (*scats, *labels)

    return animation_html(fig, update, frames=len(steps), interval=interval)


def sample_grids(trainers, n=64, nrow=8, seed=0, width=5.0, ncol=None):
    """One image grid of ``n`` samples per trained model (a dict name -> :class:`otgan.training.Trainer`),
    ``ncol`` per row (default: all side by side), titled with the steps and training minutes; the same latent
    codes for models of the same latent size (:func:`otgan.metrics.generate` with ``seed``). Samples come from
    the trainer's ``sampler`` (the EMA generator of the models that keep one)."""
    from .metrics import generate

    ncol = len(trainers) if ncol is None else min(int(ncol), len(trainers))
    nrows = -(-len(trainers) // ncol)
    fig, axes = plt.subplots(nrows, ncol, figsize=(width * ncol, (width + 0.4) * nrows), squeeze=False)
    for ax, (name, trainer) in zip(axes.ravel(), trainers.items()):
        image_grid(generate(trainer.sampler, n, seed=seed), nrow=nrow, ax=ax,
                   title=f"{name}: {trainer.step:,} steps, {trainer.elapsed / 60:.0f} min")
    for ax in axes.ravel()[len(trainers):]:
        ax.axis("off")
    fig.tight_layout()
    return fig
