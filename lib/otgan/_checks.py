"""Input validation shared by every public function of the package.

Each check raises ``ValueError`` (or ``TypeError``) whose message names the argument and says what was given,
so that bad input fails at the call, not as a NaN three cells later.

The conversion rule (:func:`tensor`): the math functions (transport, metrics, losses) accept a tensor, or a
NumPy array / list converted by ``torch.as_tensor``, integers becoming the default float dtype; functions whose
input goes through a network (a critic, a generator: lipschitz, dot, the nets' forward passes) take tensors
only. Tensors of different float dtypes are promoted to the wider one (:func:`promote`); tensors on different
devices are refused.
"""
import math

import torch


def tensor(x, name, ndim=None, min_ndim=None, floating=True, allow_empty=False):
    """The one conversion rule of the package: return ``x`` as a tensor, checked.

    A ``torch.Tensor`` is kept as it is (device, dtype and autograd graph included); a NumPy array, a list or a
    number is converted with ``torch.as_tensor`` (NumPy's float64 stays float64). ``floating=True`` turns
    integer and boolean input into the default float dtype. Raises ``TypeError`` for anything else (a string,
    None, an object, a complex tensor) and ``ValueError`` for the wrong number of dimensions, an empty tensor or
    NaN / inf, each message naming ``name`` and saying what was given.
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be a torch.Tensor or array-like, got {type(x).__name__}")
    if not isinstance(x, torch.Tensor):
        try:
            x = torch.as_tensor(x)
        except Exception as exc:  # noqa: BLE001 - any conversion failure is a type error for the caller
            raise TypeError(f"{name} must be a torch.Tensor or array-like, got {type(x).__name__}") from exc
    if x.is_complex():
        raise TypeError(f"{name} must be real, got dtype {x.dtype}")
    if floating and not torch.is_floating_point(x):
        x = x.to(torch.get_default_dtype())
    if ndim is not None and x.dim() != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {tuple(x.shape)}")
    if min_ndim is not None and x.dim() < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimensions, got shape {tuple(x.shape)}")
    if x.numel() == 0 and not allow_empty:
        raise ValueError(f"{name} must not be empty, got shape {tuple(x.shape)}")
    if torch.is_floating_point(x):
        finite(x, name)
    return x


def as_points(x, name, ndim=2):
    """Return ``x`` as a floating tensor of ``ndim`` dimensions with finite entries (:func:`tensor`)."""
    return tensor(x, name, ndim=ndim)


def batch(x, name, min_size=1):
    """A batch of samples, shape (n, ...): a finite floating tensor with at least one dimension and
    ``min_size`` rows."""
    x = tensor(x, name, min_ndim=1)
    if x.shape[0] < min_size:
        raise ValueError(f"{name} must hold at least {min_size} samples, got {x.shape[0]}")
    return x


def promote(*named):
    """Tensors ``(tensor, name)`` brought to their common floating dtype; they must share a device."""
    devices = {t.device for t, _ in named}
    if len(devices) > 1:
        listing = ", ".join(f"{n} on {t.device}" for t, n in named)
        raise ValueError(f"{' and '.join(n for _, n in named)} must be on the same device, got {listing}")
    dtype = named[0][0].dtype
    for t, _ in named[1:]:
        dtype = torch.promote_types(dtype, t.dtype)
    return tuple(t.to(dtype) for t, _ in named)


def same_shape(x, y, name_x, name_y, start=0):
    """Raise unless ``x.shape[start:] == y.shape[start:]``."""
    if tuple(x.shape[start:]) != tuple(y.shape[start:]):
        what = "shape" if start == 0 else "sample shape"
        raise ValueError(f"{name_x} and {name_y} must have the same {what}, got {tuple(x.shape[start:])} and "
                         f"{tuple(y.shape[start:])}")


def number(value, name, low=None, high=None, low_open=False, high_open=False, integer=False):
    """Return ``value`` after checking it is a finite real number (an int when ``integer``) in the interval
    from ``low`` to ``high`` (open at an end when ``low_open`` / ``high_open``). NumPy and 0-d tensor scalars
    are accepted and returned as Python numbers."""
    if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_complex():
        value = value.item()
    elif hasattr(value, "item") and type(value).__module__ == "numpy":
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
        kind = "an integer" if integer else "a real number"
        raise TypeError(f"{name} must be {kind}, got {value!r} ({type(value).__name__})")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if low is not None and (value <= low if low_open else value < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {value!r}")
    if high is not None and (value >= high if high_open else value > high):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high}, got {value!r}")
    return value


def order(p, name="p"):
    """The order ``p`` of a Wasserstein distance: a real number >= 1."""
    return number(p, name, low=1)


def probabilities(p, name, ndim=2):
    """Probability vectors (rows of a 2-D tensor, or one 1-D vector): entries in [0, 1] summing to one."""
    p = tensor(p, name, ndim=ndim)
    if (p < 0).any() or (p > 1).any():
        raise ValueError(f"{name} must lie in [0, 1], got values in [{float(p.min()):.3g}, {float(p.max()):.3g}]")
    sums = p.sum(-1)
    # float32 softmax outputs (often stored as float64 afterwards) sum to one only to ~1e-7 per entry
    bad = (sums - 1).abs() > 1e-5 * max(1, p.shape[-1])
    if bad.any():
        raise ValueError(f"{name} must sum to one along its last dimension, got sums in "
                         f"[{float(sums.min()):.6g}, {float(sums.max()):.6g}]")
    return p


def labels(y, name, n_classes):
    """Integer class labels in ``[0, n_classes)``, as a 1-D int64 tensor (floats must be whole numbers)."""
    y = tensor(y, name, floating=False).flatten()
    if y.dtype == torch.bool:
        raise TypeError(f"{name} must hold integer labels, got dtype {y.dtype}")
    if torch.is_floating_point(y):
        if not torch.equal(y, y.round()):
            raise ValueError(f"{name} must hold whole-number labels, got non-integer values")
        y = y.long()
    if (y < 0).any() or (y >= n_classes).any():
        raise ValueError(f"{name} must lie in [0, {n_classes - 1}] (n_classes={n_classes}), got "
                         f"[{int(y.min())}, {int(y.max())}]")
    return y.long()


def nonzero_columns(v, name):
    """Raise if a column of ``v`` (a direction) has zero norm."""
    norms = v.norm(dim=0)
    if (norms <= 1e-12).any():
        raise ValueError(f"{name} must have non-zero columns (directions), got {int((norms <= 1e-12).sum())} "
                         "of zero norm")
    return v


def psd(S, name, rtol=1e-6):
    """Raise unless ``S`` is a square, symmetric, positive semi-definite matrix (up to round-off, relative to
    its largest eigenvalue)."""
    if S.shape[0] != S.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {tuple(S.shape)}")
    scale = float(S.abs().max()) or 1.0
    if (S - S.T).abs().max() > 1e-5 * scale:
        raise ValueError(f"{name} must be symmetric, got max |S - S^T| = {float((S - S.T).abs().max()):.3g}")
    smallest = float(torch.linalg.eigvalsh((S + S.T).double() / 2).min())
    tol = rtol * scale * S.shape[0] * (1e3 if S.dtype in (torch.float32, torch.float16, torch.bfloat16) else 1)
    if smallest < -tol:
        raise ValueError(f"{name} must be positive semi-definite, got smallest eigenvalue {smallest:.3g}")
    return S


def callable_arg(m, name):
    """Raise unless ``m`` is callable (a network, or a function of a batch)."""
    if not callable(m):
        raise TypeError(f"{name} must be a torch.nn.Module or a callable, got {type(m).__name__}")
    return m


def network(m, name):
    """Raise unless ``m`` is a ``torch.nn.Module`` with parameters."""
    if not isinstance(m, torch.nn.Module):
        raise TypeError(f"{name} must be a torch.nn.Module, got {type(m).__name__}")
    if next(m.parameters(), None) is None:
        raise ValueError(f"{name} must have parameters, got a module without any")
    return m


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
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        value = value.item()
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


def gan_inputs(critic, real, fake, need_critic=True):
    """What every GAN loss checks first: a callable ``critic`` and ``real`` / ``fake`` batches of finite values
    with the same sample shape, brought to one dtype on one device."""
    if need_critic:
        callable_arg(critic, "critic")
    if real is None:  # generator losses do not use the real batch
        return None, batch(fake, "fake")
    real, fake = batch(real, "real"), batch(fake, "fake")
    same_shape(real, fake, "real", "fake", start=1)
    return promote((real, "real"), (fake, "fake"))
