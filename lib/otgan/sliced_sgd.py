"""SGD on sliced Wasserstein losses: the experiments of Tanguy (2023) and Tanguy, Flamary and Delon (2023).

Setting (Tanguy, 2023). A network :math:`T(u, \\cdot)` with parameters :math:`u \\in \\mathbb{R}^{d_u}` pushes an
input measure :math:`\\mu` forward; the target :math:`\\gamma = \\frac1n \\sum_j \\delta_{y_j}` is discrete. With
:math:`x_1, \\dots, x_n \\sim \\mu` and a direction :math:`\\theta \\sim \\sigma` on the sphere, the sample loss is

.. math:: w(u, \\theta, X) = W_2^2\\big(P_{\\theta\\#} \\tfrac1n \\textstyle\\sum_i \\delta_{T(u, x_i)},\\,
          P_{\\theta\\#} \\gamma\\big), \\qquad F(u) = \\mathbb{E}_{\\theta, X}[w(u, \\theta, X)],

a function that is not differentiable everywhere (sorting changes at ties) but is almost everywhere, so SGD
uses an almost-everywhere gradient :math:`\\varphi(u, \\theta, X)`: :math:`u_{k+1} = u_k - \\alpha\\,
\\varphi(u_k, \\theta_{k+1}, X_{k+1})`. Here a *batch* of ``n_projections`` directions per step replaces the
single :math:`\\theta` (an average of such terms, covered by the same theory).

Everything runs on a flat parameter vector and a tiny ReLU MLP (piecewise linear, as the theory assumes), so
the same random sequence of inputs and directions can be replayed for several step sizes.
"""
import math

import torch

from ._checks import positive
from .transport import _sort_rows


def mlp_sizes(in_dim=2, hidden=(16, 16), out_dim=2):
    """Layer shapes ``[(fan_in, fan_out), ...]`` of a ReLU MLP."""
    dims = [in_dim, *hidden, out_dim]
    return list(zip(dims[:-1], dims[1:]))


def n_params(sizes):
    """Number of parameters (weights and biases) of the MLP with these ``sizes``."""
    return sum(i * o + o for i, o in sizes)


def init_params(sizes, generator=None):
    """He-uniform initialization of the flat parameter vector."""
    parts = []
    for i, o in sizes:
        bound = math.sqrt(6 / i)
        parts += [(torch.rand(i * o, generator=generator) * 2 - 1) * bound, torch.zeros(o)]
    return torch.cat(parts)


def mlp_forward(u, x, sizes):
    """Evaluate the ReLU MLP with flat parameters ``u`` on ``x`` (shape (n, in_dim)); ``u`` may carry a
    leading batch dimension (shape (R, n_params)) with ``x`` of shape (R, n, in_dim)."""
    batched = u.dim() == 2
    h, k = x, 0
    for layer, (i, o) in enumerate(sizes):
        w = u[..., k:k + i * o].reshape(*u.shape[:-1], i, o)
        b = u[..., k + i * o:k + i * o + o]
        k += i * o + o
        h = (h @ w + (b[:, None, :] if batched else b))
        if layer < len(sizes) - 1:
            h = torch.relu(h)
    return h


def sliced_w2_squared(x, y, theta):
    """:math:`\\frac1L \\sum_l W_2^2(\\theta_{l\\#} x, \\theta_{l\\#} y)` for equal-size clouds, batched:
    ``x``, ``y`` of shape (..., n, d), ``theta`` of shape (d, L)."""
    px = _sort_rows((x @ theta).transpose(-1, -2))
    py = _sort_rows((y @ theta).transpose(-1, -2))
    return (px - py).pow(2).mean(dim=(-1, -2))


def random_sequence(n_steps, n_samples, in_dim, out_dim, n_projections, seed=0):
    """The random inputs :math:`X_k` (shape (n_steps, n_samples, in_dim)) and directions :math:`\\theta_k`
    (shape (n_steps, out_dim, n_projections)) replayed for every step size."""
    g = torch.Generator().manual_seed(seed)
    xs = torch.randn(n_steps, n_samples, in_dim, generator=g)
    th = torch.randn(n_steps, out_dim, n_projections, generator=g)
    return xs, th / th.norm(dim=1, keepdim=True)


def sliced_sgd(u0, target, sizes, alpha, n_steps, inputs, directions, noise=0.0, radius=None, noise_seed=0):
    """Fixed-step (noised, projected) SGD on the sliced loss, recording the whole trajectory.

    .. math:: u_{k+1} = \\Pi_{B(0, r)}\\big(u_k - \\alpha(\\varphi(u_k, \\theta_{k+1}, X_{k+1})
              + a\\,\\varepsilon_{k+1})\\big), \\qquad \\varepsilon_k \\sim \\mathcal{N}(0, I)

    ``noise`` is :math:`a` and ``radius`` is :math:`r` (Tanguy, 2023, Theorem 2); with ``noise=0`` and no
    radius this is the plain SGD of Theorem 1. Step ``k`` uses ``inputs[k]`` and ``directions[k]``, so runs with
    different ``alpha`` see the same random sequence.

    Returns
    -------
    params : Tensor, shape (n_steps + 1, n_params)
    losses : Tensor, shape (n_steps,)
        The sample loss :math:`w(u_k, \\theta_{k+1}, X_{k+1})` at each step.
    """
    positive(alpha, "alpha")
    positive(n_steps, "n_steps", integer=True)
    positive(noise, "noise", allow_zero=True)
    if n_steps > len(inputs) or n_steps > len(directions):
        raise ValueError(f"n_steps={n_steps} exceeds the random sequence ({len(inputs)} inputs, "
                         f"{len(directions)} directions)")
    if radius is not None:
        positive(radius, "radius")
    g = torch.Generator().manual_seed(noise_seed)
    u = u0.detach().clone()
    params, losses = [u.clone()], []
    for k in range(n_steps):
        u.requires_grad_(True)
        loss = sliced_w2_squared(mlp_forward(u, inputs[k], sizes), target, directions[k])
        grad, = torch.autograd.grad(loss, u)
        with torch.no_grad():
            step = grad + noise * torch.randn(u.shape, generator=g) if noise else grad
            u = u - alpha * step
            if radius is not None:
                u = u * (radius / u.norm()).clamp(max=1.0)
        params.append(u.clone())
        losses.append(float(loss.detach()))
    return torch.stack(params), torch.tensor(losses)


def sup_distance(params_coarse, alpha_coarse, params_fine, alpha_fine):
    """:math:`\\sup_{t} \\|u^{\\alpha}(t) - u^{\\alpha'}(t)\\|` over the times :math:`t = k\\alpha` of the coarse
    trajectory, with the fine trajectory (step ``alpha_fine`` dividing ``alpha_coarse``) read at the same
    times. Both are the piecewise-constant interpolations of Theorem 1."""
    ratio = round(alpha_coarse / alpha_fine)
    if ratio < 1 or abs(ratio * alpha_fine - alpha_coarse) > 1e-9 * alpha_coarse:
        raise ValueError(f"alpha_fine={alpha_fine} must divide alpha_coarse={alpha_coarse}")
    n = min(len(params_coarse), (len(params_fine) - 1) // ratio + 1)
    return float((params_coarse[:n] - params_fine[: (n - 1) * ratio + 1: ratio]).norm(dim=1).max())


def descend_points(y0, target, theta, n_steps=500, lr=1.0):
    """Gradient descent of the *point positions* ``y`` (shape (R, n, d): R independent starts) on the sliced
    loss with a fixed set of directions ``theta`` (d, L), all starts at once (Tanguy, Flamary and Delon, 2023).

    Returns the final positions and their final loss, shape (R,).
    """
    y = y0.detach().clone().requires_grad_(True)
    for _ in range(positive(n_steps, "n_steps", integer=True)):
        loss = sliced_w2_squared(y, target.expand_as(y), theta)
        grad, = torch.autograd.grad(loss.sum(), y)
        with torch.no_grad():
            # the sliced gradient of point i is (1/L) sum_l 2 (<y_i, th_l> - matched_l) th_l: scale by n
            y -= lr * y.shape[-2] * grad
    with torch.no_grad():
        return y.detach(), sliced_w2_squared(y, target.expand_as(y), theta)
