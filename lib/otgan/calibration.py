"""Calibrating the image metrics: how they move when real digits are corrupted in known ways.

Each corruption takes real digits (images in [-1, 1] and labels) and a strength, and returns images; the
:func:`corruption_table` evaluates all metrics of :mod:`otgan.metrics` along a grid of strengths.
"""
import math

import torch
import torch.nn.functional as F

from . import metrics
from ._checks import choice


def gaussian_noise(images, labels, strength, generator=None):
    """Add :math:`N(0, s^2)` pixel noise, clamp to [-1, 1]."""
    return (images + strength * torch.randn(images.shape, generator=generator)).clamp(-1, 1)


def blur(images, labels, strength, generator=None):
    """Gaussian blur with standard deviation ``strength`` pixels (0 = identity)."""
    if strength <= 0:
        return images
    radius = max(1, math.ceil(3 * strength))
    t = torch.arange(-radius, radius + 1, dtype=images.dtype)
    k = torch.exp(-t**2 / (2 * strength**2))
    k = k / k.sum()
    x = F.conv2d(F.pad(images, [radius, radius, 0, 0], mode="replicate"), k.view(1, 1, 1, -1))
    return F.conv2d(F.pad(x, [0, 0, radius, radius], mode="replicate"), k.view(1, 1, -1, 1))


def drop_classes(images, labels, strength, generator=None):
    """Keep only the classes ``>= round(strength)``: strength 0 keeps all ten, 9 keeps only nines. The kept
    digits are resampled to the original count so that sample sizes stay equal."""
    keep = torch.nonzero(labels >= int(round(strength))).flatten()
    if len(keep) == 0:
        raise ValueError(f"strength={strength} drops every class present in labels")
    idx = keep[torch.randint(len(keep), (len(images),), generator=generator)] if int(round(strength)) else \
        torch.arange(len(images))
    return images[idx]


def noise_images(images, labels, strength, generator=None):
    """Replace a fraction ``strength`` of the digits by uniform-noise images."""
    n_bad = int(round(strength * len(images)))
    out = images.clone()
    idx = torch.randperm(len(images), generator=generator)[:n_bad]
    out[idx] = 2 * torch.rand(n_bad, *images.shape[1:], generator=generator) - 1
    return out


CORRUPTIONS = {
    "gaussian noise (std)": (gaussian_noise, (0.0, 0.1, 0.25, 0.5, 1.0)),
    "blur (sigma, px)": (blur, (0.0, 0.5, 1.0, 1.5, 2.0)),
    "classes dropped": (drop_classes, (0, 2, 5, 8, 9)),
    "noise images (fraction)": (noise_images, (0.0, 0.1, 0.25, 0.5, 1.0)),
}


def corruption_table(images, labels, kinds=None, seed=0, reference="heldout"):
    """Evaluate every metric on corrupted copies of ``images``.

    Returns
    -------
    list of dict
        One row per (corruption, strength) with ``corruption``, ``strength`` and the metrics of
        :func:`otgan.metrics.evaluate`.
    """
    rows = []
    for kind in kinds or CORRUPTIONS:
        fn, strengths = CORRUPTIONS[choice(kind, "kind", CORRUPTIONS)]
        for s in strengths:
            gen = torch.Generator().manual_seed(seed)
            m = metrics.evaluate(fn(images, labels, s, gen), reference=reference)
            rows.append({"corruption": kind, "strength": s, **m})
    return rows


def corrupted_real(kind, strength, n=1000, seed=0):
    """The metrics of ``n`` real training digits corrupted by ``kind`` at ``strength``, against the held-out split:
    the same digits as :func:`otgan.metrics.real_vs_real`, so the two rows differ only by the corruption (e.g.
    ``corrupted_real("blur (sigma, px)", 1.0)["fid"]``: how far a one-pixel blur alone moves the FID).

    Returns
    -------
    dict
        What :func:`otgan.metrics.evaluate` returns.
    """
    from .data import load_mnist

    fn, _ = CORRUPTIONS[choice(kind, "kind", CORRUPTIONS)]
    train = load_mnist("train", verbose=False)
    idx = torch.randperm(len(train), generator=torch.Generator().manual_seed(seed))[:n]
    return metrics.evaluate(fn(train.images[idx], train.labels[idx], strength, torch.Generator().manual_seed(seed)))
