"""Lipschitz constants of critics: measured, bounded, and enforced while fitting a critic to two samples.

* :func:`effective_lipschitz` — :math:`K_{eff}`, the largest slope between random pairs (the DOT estimate).
* :func:`spectral_norms` — the operator norm of every layer's weight (the bound that spectral normalization
  enforces).
* :func:`layer_gradient_norms` — the gradient of a loss w.r.t. each layer (vanishing / exploding under clipping).
* :func:`fit_critic` — train a critic between two fixed samples; its mean gap is a Kantorovich-Rubinstein
  estimate of :math:`W_1`.
"""
from typing import NamedTuple

import torch
from torch import nn

from ._checks import batch, callable_arg, choice, network, positive, same_shape
from .losses import WeightClipping, WGANGPCriticLoss, wasserstein_critic_loss
from .nets import MLPCritic


class LipschitzEstimate(NamedTuple):
    """What :func:`effective_lipschitz` returns."""

    mean: float            #: average over repeats of the max slope
    std: float             #: standard deviation of the max over repeats
    maxima: torch.Tensor   #: the max slope of each repeat, shape (n_repeats,)


def effective_lipschitz(f, x, y=None, n_pairs=1000, n_repeats=10, generator=None, batch_size=2000):
    """Empirical Lipschitz constant of ``f`` on samples: the mean over ``n_repeats`` of

    .. math:: K_{eff} = \\max_{(a, b)} \\frac{|f(a) - f(b)|}{\\|a - b\\|_2}

    over ``n_pairs`` random pairs drawn from the points of ``x`` (and ``y``, when given: e.g. real and generated
    samples together), as in Tanaka (2019) and the DOT report. A lower bound on the true constant; ``f`` is
    evaluated once per point, the pairs are gathered by indexing (no loop over pairs).

    Parameters
    ----------
    f : callable
        Maps a batch of shape (n, ...) to (n,) (a critic, or ``lambda z: critic(generator(z))``).
    x : Tensor, shape (n, ...)
    y : Tensor, shape (m, ...), optional
    n_pairs, n_repeats : int
    generator : torch.Generator, optional

    Returns
    -------
    LipschitzEstimate
        ``(mean, std, maxima)``.

    Examples
    --------
    >>> x = torch.randn(200, 3, generator=torch.Generator().manual_seed(0))
    >>> round(effective_lipschitz(lambda t: 2 * t[:, 0], x).mean, 3) <= 2.0
    True
    """
    callable_arg(f, "f")
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a tensor, got {type(x).__name__}")
    x = batch(x, "x")
    if y is not None:
        y = batch(y, "y")
        same_shape(x, y, "x", "y", start=1)
    positive(batch_size, "batch_size", integer=True)
    pts = x if y is None else torch.cat([x, y.to(x)])
    if pts.shape[0] < 2:
        raise ValueError(f"x (and y) must hold at least 2 points, got {pts.shape[0]}")
    positive(n_pairs, "n_pairs", integer=True)
    positive(n_repeats, "n_repeats", integer=True)
    with torch.no_grad():
        values = torch.cat([f(chunk).reshape(-1) for chunk in pts.split(batch_size)])
        if values.shape[0] != pts.shape[0]:
            raise ValueError(f"f must return one value per point, got {values.shape[0]} for {pts.shape[0]} points")
        flat = pts.flatten(1)
        n = pts.shape[0]
        i = torch.randint(n, (n_repeats, n_pairs), generator=generator).to(pts.device)
        j = (i + torch.randint(1, n, (n_repeats, n_pairs), generator=generator).to(pts.device)) % n  # j != i
        dist = (flat[i] - flat[j]).norm(dim=-1).clamp_min(1e-12)
        maxima = ((values[i] - values[j]).abs() / dist).amax(dim=1).cpu()
    return LipschitzEstimate(float(maxima.mean()), float(maxima.std()) if n_repeats > 1 else 0.0, maxima)


def _weighted_layers(module):
    return [(name, m) for name, m in module.named_modules() if isinstance(m, (nn.Linear, nn.Conv2d))]


def spectral_norms(module):
    """Largest singular value of each linear / conv layer's weight (reshaped to ``(out, -1)`` for convs, the
    matrix spectral normalization works on), as computed by ``torch.linalg.matrix_norm(ord=2)``.

    For a spectrally normalized layer this is the *normalized* weight actually used in the forward pass. The
    product of the norms bounds the Lipschitz constant of a network with 1-Lipschitz activations.

    Returns
    -------
    dict
        ``{layer name: sigma}``.
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    with torch.no_grad():
        return {name: float(torch.linalg.matrix_norm(m.weight.flatten(1), ord=2))
                for name, m in _weighted_layers(module)}


def layer_gradient_norms(module, loss):
    """:math:`\\|\\partial \\mathcal{L} / \\partial W_l\\|_2` for every linear / conv layer ``l`` of ``module``
    (input side first), the quantity of Gulrajani et al. (2017), Fig. 1b."""
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        raise TypeError(f"loss must be a scalar tensor, got {type(loss).__name__}")
    if not torch.isfinite(loss).all():
        raise ValueError(f"loss must be finite, got {float(loss)}")
    layers = _weighted_layers(module)
    grads = torch.autograd.grad(loss, [m.weight for _, m in layers], allow_unused=True)
    return {name: 0.0 if g is None else float(g.norm()) for (name, _), g in zip(layers, grads)}


METHODS = ("clip", "sn", "gp")


def critic_setup(method, in_dim=2, hidden=(128, 128, 128), strength=None, lr=None):
    """A critic, its loss, its hooks and its optimizer for one Lipschitz method.

    ``"clip"``: weights clipped to ``[-strength, strength]`` (default 0.01), RMSProp (Arjovsky et al., 2017);
    ``"sn"``: spectral normalization of every layer (Miyato et al., 2018), Adam betas (0.5, 0.9);
    ``"gp"``: gradient penalty of weight ``strength`` (default 10), Adam betas (0, 0.9) (Gulrajani et al.,
    2017). ``lr`` defaults to 1e-3 (toy problems; the papers' MNIST rates are in :mod:`otgan.models`).

    Returns
    -------
    critic, critic_loss, hooks, optimizer
    """
    choice(method, "method", METHODS)
    lr = positive(lr if lr is not None else 1e-3, "lr")
    critic = MLPCritic(in_dim, hidden=hidden, spectral_norm=method == "sn")
    if method == "clip":
        c = positive(strength if strength is not None else 0.01, "strength")
        return critic, wasserstein_critic_loss, [WeightClipping(c)], torch.optim.RMSprop(critic.parameters(), lr=lr)
    if method == "sn":
        return critic, wasserstein_critic_loss, [], torch.optim.Adam(critic.parameters(), lr=lr, betas=(0.5, 0.9))
    lam = positive(strength if strength is not None else 10.0, "strength")
    return critic, WGANGPCriticLoss(lam), [], torch.optim.Adam(critic.parameters(), lr=lr, betas=(0.0, 0.9))


def fit_critic(critic, x, y, critic_loss, optimizer, hooks=(), n_steps=2000, batch_size=256, generator=None,
               record_every=50):
    """Train ``critic`` to separate two fixed samples: ``x`` plays the data, ``y`` the generated points.

    At a 1-Lipschitz optimum the gap :math:`\\frac1n\\sum_i D(x_i) - \\frac1m\\sum_j D(y_j)` equals
    :math:`W_1` between the two empirical measures (Kantorovich-Rubinstein duality); any other critic gives a
    lower value divided by its Lipschitz constant.

    Returns
    -------
    dict
        ``"step"`` and ``"gap"`` (the full-sample gap every ``record_every`` steps).
    """
    network(critic, "critic"), callable_arg(critic_loss, "critic_loss")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    x, y = batch(x, "x"), batch(y, "y")
    same_shape(x, y, "x", "y", start=1)
    positive(n_steps, "n_steps", integer=True)
    positive(batch_size, "batch_size", integer=True)
    positive(record_every, "record_every", integer=True)
    history = {"step": [], "gap": []}
    critic.train()
    for step in range(1, n_steps + 1):
        ix = torch.randint(len(x), (min(batch_size, len(x)),), generator=generator).to(x.device)
        iy = torch.randint(len(y), (min(batch_size, len(y)),), generator=generator).to(y.device)
        out = critic_loss(critic, x[ix], y[iy])
        loss = out[0] if isinstance(out, tuple) else out
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        for hook in hooks:
            hook(critic)
        if step % record_every == 0 or step == n_steps:
            history["step"].append(step)
            history["gap"].append(critic_gap(critic, x, y))
    return history


def critic_gap(critic, x, y):
    """:math:`\\frac1n\\sum_i D(x_i) - \\frac1m\\sum_j D(y_j)` (no gradient)."""
    callable_arg(critic, "critic")
    x, y = batch(x, "x"), batch(y, "y")
    with torch.no_grad():
        return float(critic(x).mean() - critic(y).mean())


def critic_vs_w1(target, method, strength=None, n=512, n_steps=2000, noise=1.0, seed=0, lr=None):
    """The experiment of Gulrajani et al. (2017), Fig. 1, with the exact answer beside it.

    ``n`` points of the toy ``target`` play the data; the same number of points of the toy plus
    :math:`\\mathcal{N}(0, \\text{noise}^2 I)` play a fixed generator. A critic of the given Lipschitz ``method``
    is fitted between them (:func:`fit_critic`) and its gap is compared with the exact :math:`W_1` of the two
    samples (network simplex, :func:`otgan.transport.wasserstein`).

    Returns
    -------
    dict
        ``critic``, ``x``, ``y``, ``history``, ``gap`` (final), ``exact_w1``, ``k_eff`` (a
        :class:`LipschitzEstimate` on the union of the samples), ``spectral_norms``.
    """
    from .transport import wasserstein

    if not hasattr(target, "sample"):
        raise TypeError(f"target must be an otgan.data.Toy, got {type(target).__name__}")
    choice(method, "method", METHODS)
    positive(n, "n", integer=True), positive(n_steps, "n_steps", integer=True)
    gen = torch.Generator().manual_seed(seed)
    x = target.sample(n, seed=seed)
    y = target.sample(n, seed=seed + 1) + positive(noise, "noise") * torch.randn(n, 2, generator=gen)
    torch.manual_seed(seed)
    critic, loss, hooks, opt = critic_setup(method, strength=strength, lr=lr)
    history = fit_critic(critic, x, y, loss, opt, hooks, n_steps=n_steps, generator=gen)
    return {"critic": critic, "x": x, "y": y, "history": history, "gap": history["gap"][-1],
            "exact_w1": float(wasserstein(x, y, p=1)),
            "k_eff": effective_lipschitz(critic, x, y, n_pairs=5000, n_repeats=10, generator=gen),
            "spectral_norms": spectral_norms(critic)}
