"""Input validation shared by every public function of the package.

Each check raises ``ValueError`` (or ``TypeError``) whose message names the argument and says what was given,
so that bad input fails at the call, not as a NaN three cells later.
"""
import math

import torch


def as_points(x, name, ndim=2):
    """Return ``x`` as a floating tensor of ``ndim`` dimensions with finite entries."""
    if not isinstance(x, torch.Tensor):
        try:
            x = torch.as_tensor(x)
        except Exception as exc:  # noqa: BLE001 - any conversion failure is a type error for the caller
            raise TypeError(f"{name} must be a torch.Tensor or array-like, got {type(x).__name__}") from exc
    if not torch.is_floating_point(x):
        x = x.to(torch.get_default_dtype())
    if x.dim() != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {tuple(x.shape)}")
    if x.numel() == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(x.shape)}")
    finite(x, name)
    return x


def finite(x, name):
    """Raise if ``x`` holds NaN or inf."""
    if not torch.isfinite(x).all():
        n_bad = int((~torch.isfinite(x)).sum())
        raise ValueError(f"{name} contains {n_bad} NaN or inf value(s)")
    return x


def same_dim(x, y, name_x="x", name_y="y"):
    """Raise unless the point clouds ``x`` and ``y`` share their feature dimension."""
    if x.shape[-1] != y.shape[-1]:
        raise ValueError(
            f"{name_x} and {name_y} must have the same feature dimension, got {x.shape[-1]} and {y.shape[-1]}")


def positive(value, name, integer=False, allow_zero=False):
    """Return ``value`` after checking it is a finite positive number (an int when ``integer``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
        kind = "an integer" if integer else "a number"
        raise TypeError(f"{name} must be {kind}, got {value!r}")
    bad = value < 0 if allow_zero else value <= 0
    if bad or not math.isfinite(value):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be finite and {bound}, got {value!r}")
    return value


def weights(w, n, name, like):
    """Return histogram weights of length ``n`` (uniform when ``w`` is None), checked to be a probability vector."""
    if w is None:
        return torch.full((n,), 1.0 / n, dtype=like.dtype, device=like.device)
    w = as_points(w, name, ndim=1).to(dtype=like.dtype, device=like.device)
    if w.shape[0] != n:
        raise ValueError(f"{name} must have {n} entries (one per point), got {w.shape[0]}")
    if (w < 0).any():
        raise ValueError(f"{name} must be non-negative, got min {float(w.min()):.3g}")
    total = float(w.sum())
    if abs(total - 1.0) > 1e-6 * max(1.0, n ** 0.5) + 1e-7:
        raise ValueError(f"{name} must sum to one, got {total:.6g}")
    return w


def choice(value, name, options):
    """Raise unless ``value`` is one of ``options``."""
    if value not in options:
        raise ValueError(f"{name} must be one of {sorted(options)}, got {value!r}")
    return value
