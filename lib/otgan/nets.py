"""Generators and critics of the book: MLPs for 2-D and 28x28 images, DCGAN-style convnets for 28x28.

Every critic exposes ``features(x)`` (the penultimate layer) besides ``forward(x)``, so that the sliced, Cramér
and OT-GAN chapters can work on learned features. ``spectral_norm=True`` wraps every linear/conv layer of a
critic in :func:`torch.nn.utils.parametrizations.spectral_norm` (Miyato et al., 2018).
"""
import math

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm as _sn

from ._checks import choice, network, number, positive, promote, tensor

LATENTS = ("gaussian", "uniform")


def sample_latent(n, latent_dim, kind="gaussian", device=None, generator=None):
    """Draw ``n`` latent codes: standard Gaussian or uniform on :math:`[-1, 1]^d`.

    Examples
    --------
    >>> sample_latent(3, 8).shape
    torch.Size([3, 8])
    """
    positive(n, "n", integer=True)
    positive(latent_dim, "latent_dim", integer=True)
    choice(kind, "kind", LATENTS)
    if kind == "gaussian":
        z = torch.randn(n, latent_dim, generator=generator)
    else:
        z = 2 * torch.rand(n, latent_dim, generator=generator) - 1
    return z.to(device or "cpu")


def _shape(shape, name):
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if not shape or any((not isinstance(s, int)) or s < 1 for s in shape):
        raise ValueError(f"{name} must be a positive int or a tuple of them, got {shape!r}")
    return shape


def _widths(hidden):
    hidden = tuple(hidden) if isinstance(hidden, (list, tuple)) else hidden
    if not isinstance(hidden, tuple) or any(isinstance(h, bool) or not isinstance(h, int) or h < 1 for h in hidden):
        raise ValueError(f"hidden must be a tuple of positive ints, got {hidden!r}")
    return hidden


def _input(x, name, shape, what, flat_ok=True):
    """Raise unless ``x`` is a tensor of shape (n, *shape) (or (n, prod(shape)) when ``flat_ok``); a shape
    check only, so that the forward pass stays free of device syncs."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    flat = flat_ok and tuple(x.shape[1:]) == (math.prod(shape),)
    if x.dim() < 2 or (tuple(x.shape[1:]) != tuple(shape) and not flat):
        raise ValueError(f"{name} must have shape (n, {', '.join(map(str, shape))}) for this {what}, got "
                         f"{tuple(x.shape)}")
    return x


def _maybe_sn(layer, use):
    return _sn(layer) if use else layer


class MLPGenerator(nn.Module):
    """Fully connected generator :math:`G: \\mathbb{R}^{d_z} \\to \\mathbb{R}^{out}`.

    Parameters
    ----------
    latent_dim : int
    out_shape : int or tuple
        ``2`` for 2-D toys, ``(1, 28, 28)`` for MNIST.
    hidden : tuple of int
        Widths of the hidden layers (LeakyReLU 0.2 between them).
    out_activation : {"tanh", None}
        ``"tanh"`` for images in [-1, 1]; ``None`` (linear) for 2-D.
    batch_norm : bool
        Batch normalization after each hidden layer.
    """

    def __init__(self, latent_dim=2, out_shape=2, hidden=(128, 128, 128), out_activation=None, batch_norm=False):
        super().__init__()
        positive(latent_dim, "latent_dim", integer=True)
        self.latent_dim = latent_dim
        self.out_shape = _shape(out_shape, "out_shape")
        hidden = _widths(hidden)
        if out_activation not in (None, "tanh"):
            raise ValueError(f"out_activation must be None or 'tanh', got {out_activation!r}")
        layers, width = [], latent_dim
        for h in hidden:
            layers += [nn.Linear(width, h)] + ([nn.BatchNorm1d(h)] if batch_norm else []) + [nn.LeakyReLU(0.2)]
            width = h
        layers.append(nn.Linear(width, math.prod(self.out_shape)))
        if out_activation == "tanh":
            layers.append(nn.Tanh())
        self.net = nn.Sequential(*layers)

    def forward(self, z):
        return self.net(_input(z, "z", (self.latent_dim,), "generator")).view(-1, *self.out_shape)


class MLPCritic(nn.Module):
    """Fully connected critic / discriminator :math:`D: \\mathbb{R}^{in} \\to \\mathbb{R}` (a logit or a potential).

    Parameters
    ----------
    in_shape : int or tuple
    hidden : tuple of int
        Widths of the hidden layers (LeakyReLU 0.2); the last one is the feature layer.
    spectral_norm : bool
        Normalize every linear layer by its spectral norm (one power iteration per update).
    dropout : float
        Dropout after each hidden layer (0 = none); it keeps a GAN discriminator from memorizing a small
        training set.
    """

    def __init__(self, in_shape=2, hidden=(128, 128, 128), spectral_norm=False, dropout=0.0):
        super().__init__()
        self.in_shape = _shape(in_shape, "in_shape")
        hidden = _widths(hidden)
        number(dropout, "dropout", low=0, high=1, high_open=True)
        layers, width = [nn.Flatten()], math.prod(self.in_shape)
        for h in hidden:
            layers += [_maybe_sn(nn.Linear(width, h), spectral_norm), nn.LeakyReLU(0.2)]
            layers += [nn.Dropout(dropout)] if dropout else []
            width = h
        self.body = nn.Sequential(*layers)
        self.head = _maybe_sn(nn.Linear(width, 1), spectral_norm)
        self.feature_dim = width

    def features(self, x):
        """Penultimate-layer features, shape (n, hidden[-1])."""
        return self.body(_input(x, "x", self.in_shape, "critic"))

    def forward(self, x):
        return self.head(self.features(x)).squeeze(-1)


class DCGANGenerator(nn.Module):
    """DCGAN generator for 28x28 images (Radford et al., 2016): a linear layer to 7x7, two strided transposed
    convolutions (7 -> 14 -> 28), batch norm and ReLU, no pooling, tanh output.

    Parameters
    ----------
    latent_dim : int
    base : int
        Channels of the last hidden feature map (the 7x7 map has ``2 * base``).
    extra_convs : int
        Stride-1 3x3 convolutions (batch norm, ReLU) on the 7x7 map before the first upsampling (0 = none): each
        widens every output pixel's view of the 7x7 map by one cell on each side (4 pixels of the output).
    """

    def __init__(self, latent_dim=100, base=64, extra_convs=0):
        super().__init__()
        positive(latent_dim, "latent_dim", integer=True)
        positive(base, "base", integer=True)
        positive(extra_convs, "extra_convs", integer=True, allow_zero=True)
        self.latent_dim, self.out_shape = latent_dim, (1, 28, 28)
        self.project = nn.Sequential(nn.Linear(latent_dim, 2 * base * 49, bias=False),
                                     nn.BatchNorm1d(2 * base * 49), nn.ReLU(True))
        extra = []
        for _ in range(extra_convs):
            extra += [nn.Conv2d(2 * base, 2 * base, 3, 1, 1, bias=False), nn.BatchNorm2d(2 * base), nn.ReLU(True)]
        self.net = nn.Sequential(
            *extra,
            nn.ConvTranspose2d(2 * base, base, 4, 2, 1, bias=False), nn.BatchNorm2d(base), nn.ReLU(True),
            nn.ConvTranspose2d(base, 1, 4, 2, 1), nn.Tanh())
        self.base = base

    def forward(self, z):
        return self.net(self.project(_input(z, "z", (self.latent_dim,), "generator")).view(-1, 2 * self.base, 7, 7))


class DCGANCritic(nn.Module):
    """DCGAN discriminator / critic for 28x28 images: strided convolutions (28 -> 14 -> 7), LeakyReLU 0.2, no
    pooling, a linear head. Batch norm is optional (off for WGAN-GP, whose penalty is per sample).

    Parameters
    ----------
    base : int
        Channels of the first feature map.
    spectral_norm : bool
    batch_norm : bool
    dropout : float
        Dropout after each LeakyReLU (0 = none), as in :class:`MLPCritic`: it keeps a discriminator from
        memorizing a small training set.
    extra_convs : int
        Stride-1 3x3 convolutions (batch norm if ``batch_norm``, LeakyReLU) on the 7x7 map before the head (0 =
        none): each widens every feature's view of the digit by 8 pixels (4 on each side) beyond the 10x10 patch
        the two strided convolutions see.
    """

    def __init__(self, base=64, spectral_norm=False, batch_norm=False, dropout=0.0, extra_convs=0):
        super().__init__()
        positive(base, "base", integer=True)
        number(dropout, "dropout", low=0, high=1, high_open=True)
        positive(extra_convs, "extra_convs", integer=True, allow_zero=True)
        self.in_shape = (1, 28, 28)
        def drop():
            return [nn.Dropout(dropout)] if dropout else []
        def norm():
            return [nn.BatchNorm2d(2 * base)] if batch_norm else []
        extra = []
        for _ in range(extra_convs):
            extra += [_maybe_sn(nn.Conv2d(2 * base, 2 * base, 3, 1, 1), spectral_norm), *norm(),
                      nn.LeakyReLU(0.2, True), *drop()]
        self.body = nn.Sequential(
            _maybe_sn(nn.Conv2d(1, base, 4, 2, 1), spectral_norm), nn.LeakyReLU(0.2, True), *drop(),
            _maybe_sn(nn.Conv2d(base, 2 * base, 4, 2, 1), spectral_norm),
            *norm(), nn.LeakyReLU(0.2, True), *drop(),
            *extra,
            nn.Flatten())
        self.head = _maybe_sn(nn.Linear(2 * base * 49, 1), spectral_norm)
        self.feature_dim = 2 * base * 49

    def features(self, x):
        """Penultimate-layer features, shape (n, 2 * base * 49)."""
        return self.body(_input(x, "x", self.in_shape, "critic", flat_ok=False))

    def forward(self, x):
        return self.head(self.features(x)).squeeze(-1)


def dcgan_init(module, std=0.02):
    """Radford et al.'s (2016) initialization, in place: the weights of every (transposed) convolution and linear
    layer drawn from :math:`\\mathcal{N}(0, \\text{std}^2)`, batch-norm scales from :math:`\\mathcal{N}(1,
    \\text{std}^2)`, every bias zero ("All weights were initialized from a zero-centered Normal distribution with
    standard deviation 0.02", Sec. 4). Spectrally normalized layers get it on their original weight.

    Returns
    -------
    nn.Module
        ``module``.

    Examples
    --------
    >>> g = dcgan_init(DCGANGenerator(8, base=4))
    >>> abs(float(g.net[0].weight.std()) - 0.02) < 0.005
    True
    """
    network(module, "module")
    number(std, "std", low=0, low_open=True)
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
                weight = m.parametrizations.weight.original if hasattr(m, "parametrizations") else m.weight
                weight.normal_(0.0, std)
                if m.bias is not None:
                    m.bias.zero_()
            elif isinstance(m, nn.modules.batchnorm._BatchNorm) and m.affine:
                m.weight.normal_(1.0, std)
                m.bias.zero_()
    return module


def count_parameters(module):
    """Number of trainable parameters of ``module``."""
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def interpolate_latents(z0, z1, n_steps=8, method="linear"):
    """Points between latent codes ``z0`` and ``z1`` (shape (d,) or (k, d)): ``n_steps`` per path, endpoints
    included; returns shape (k, n_steps, d).

    ``"linear"``: :math:`(1 - t) z_0 + t z_1`. ``"slerp"``: the spherical interpolation
    :math:`\\frac{\\sin((1-t)\\Omega)}{\\sin \\Omega} z_0 + \\frac{\\sin(t\\Omega)}{\\sin \\Omega} z_1`, with
    :math:`\\Omega` the angle between the codes; for Gaussian latents it keeps the norm typical of the prior
    (White, 2016, "Sampling generative networks").

    Examples
    --------
    >>> interpolate_latents(torch.zeros(3), torch.ones(3), 5).shape
    torch.Size([1, 5, 3])
    """
    choice(method, "method", ("linear", "slerp"))
    positive(n_steps, "n_steps", integer=True)
    z0, z1 = tensor(z0, "z0"), tensor(z1, "z1")
    for name, z in (("z0", z0), ("z1", z1)):
        if z.dim() not in (1, 2):
            raise ValueError(f"{name} must have shape (d,) or (k, d), got {tuple(z.shape)}")
    z0, z1 = promote((torch.atleast_2d(z0), "z0"), (torch.atleast_2d(z1), "z1"))
    if z0.shape != z1.shape:
        raise ValueError(f"z0 and z1 must have the same shape, got {tuple(z0.shape)} and {tuple(z1.shape)}")
    t = torch.linspace(0, 1, n_steps, dtype=z0.dtype, device=z0.device)[None, :, None]
    a, b = z0[:, None, :], z1[:, None, :]
    if method == "linear":
        return (1 - t) * a + t * b
    if (z0.norm(dim=1) == 0).any() or (z1.norm(dim=1) == 0).any():
        raise ValueError("z0 and z1 must have non-zero norm for method='slerp' (the angle is undefined at 0)")
    cos = torch.nn.functional.cosine_similarity(z0, z1, dim=1).clamp(-1 + 1e-7, 1 - 1e-7)[:, None, None]
    omega = torch.acos(cos)
    return (torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / torch.sin(omega)
