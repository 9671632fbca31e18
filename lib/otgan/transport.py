"""Optimal-transport primitives on torch tensors: exact, sliced, max-sliced, entropic (Sinkhorn), energy.

Every function takes point clouds ``x`` of shape (n, d) and ``y`` of shape (m, d) (or a cost matrix), returns
tensors on the inputs' device, is differentiable, and raises ``ValueError`` naming the argument on bad input.
POT (Flamary et al., 2021) is the reference implementation in the tests and benchmarks, and the solver behind
:func:`wasserstein`.

References
----------
Peyré, G. and Cuturi, M. (2019). Computational Optimal Transport. Foundations and Trends in ML 11(5-6).
"""
import math
import warnings
from typing import NamedTuple

import numpy as np
import torch

from ._checks import as_points, choice, finite, nonzero_columns, number, order, positive, promote, psd, same_dim, \
    tensor, weights

COSTS = ("sqeuclidean", "euclidean", "cosine")


def _pair(x, y):
    x, y = as_points(x, "x"), as_points(y, "y")
    same_dim(x, y)
    return promote((x, "x"), (y, "y"))


# ---------------------------------------------------------------------------------------------------------------
# costs


def sqeuclidean_cost(x, y):
    """Squared Euclidean cost :math:`C_{ij} = \\|x_i - y_j\\|^2`, shape (n, m), clamped at 0.

    Examples
    --------
    >>> sqeuclidean_cost(torch.zeros(1, 2), torch.tensor([[3.0, 4.0]]))
    tensor([[25.]])
    """
    x, y = _pair(x, y)
    c = x.pow(2).sum(1, keepdim=True) + y.pow(2).sum(1) - 2 * x @ y.T
    return c.clamp_min(0)


def euclidean_cost(x, y):
    """Euclidean cost :math:`C_{ij} = \\|x_i - y_j\\|`, shape (n, m), with a gradient that is finite at 0.

    Examples
    --------
    >>> euclidean_cost(torch.zeros(1, 2), torch.tensor([[3.0, 4.0]]))
    tensor([[5.]])
    """
    x, y = _pair(x, y)
    return torch.cdist(x, y)


def cosine_cost(x, y):
    """Cosine cost on L2-normalized features, :math:`C_{ij} = 1 - \\langle x_i, y_j \\rangle / (\\|x_i\\| \\|y_j\\|)`,
    in [0, 2] (the cost of OT-GAN, Salimans et al., 2018).

    Examples
    --------
    >>> cosine_cost(torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, 2.0], [-1.0, 0.0]]))
    tensor([[1., 2.]])
    """
    x, y = _pair(x, y)
    xn = torch.nn.functional.normalize(x, dim=1, eps=1e-12)
    yn = torch.nn.functional.normalize(y, dim=1, eps=1e-12)
    return (1 - xn @ yn.T).clamp(0, 2)


def cost_matrix(x, y, cost="sqeuclidean"):
    """The cost matrix between two clouds: ``"sqeuclidean"``, ``"euclidean"``, ``"cosine"`` or a callable."""
    if callable(cost):
        x, y = _pair(x, y)
        C = as_points(cost(x, y), "cost(x, y)")
        if C.shape != (len(x), len(y)):
            raise ValueError(f"cost(x, y) must return shape ({len(x)}, {len(y)}), got {tuple(C.shape)}")
        return C
    return {"sqeuclidean": sqeuclidean_cost, "euclidean": euclidean_cost,
            "cosine": cosine_cost}[choice(cost, "cost", COSTS)](x, y)


# ---------------------------------------------------------------------------------------------------------------
# exact OT


def wasserstein(x, y, p=2, a=None, b=None, max_iter=1_000_000):
    """Exact Wasserstein distance :math:`W_p` between two weighted point clouds, by network simplex (POT's
    ``ot.emd``).

    .. math:: W_p(\\mu, \\nu) = \\Big(\\min_{P \\in U(a, b)} \\sum_{ij} P_{ij} \\|x_i - y_j\\|^p\\Big)^{1/p}

    The optimal plan is computed on the CPU in float64 and held fixed; the returned value is differentiable in
    ``x`` and ``y`` through the cost (the envelope theorem: the gradient of the minimum is that of the cost at
    the optimal plan).

    Parameters
    ----------
    x : Tensor, shape (n, d)
    y : Tensor, shape (m, d)
    p : float
        The order, >= 1.
    a, b : Tensor, shape (n,) and (m,), optional
        Weights summing to one (uniform by default).

    Returns
    -------
    Tensor
        A scalar, on ``x``'s device.

    Examples
    --------
    >>> x = torch.tensor([[0.0], [1.0]]); y = torch.tensor([[2.0], [3.0]])
    >>> wasserstein(x, y, p=1)
    tensor(2.)
    """
    x, y = _pair(x, y)
    order(p)
    a, b = weights(a, len(x), "a", x), weights(b, len(y), "b", x)
    import ot

    C = torch.cdist(x, y).pow(p)
    plan = ot.emd(a.detach().cpu().double().numpy(), b.detach().cpu().double().numpy(),
                  C.detach().cpu().double().numpy(), numItermax=max_iter)
    plan = torch.as_tensor(plan, dtype=C.dtype, device=C.device)
    return (plan * C).sum().clamp_min(0).pow(1 / p)


def wasserstein_1d(u, v, p=2):
    """Exact :math:`W_p^p` between 1-D empirical measures with uniform weights, by sorting, batched.

    .. math:: W_p^p(\\mu, \\nu) = \\int_0^1 |F_\\mu^{-1}(t) - F_\\nu^{-1}(t)|^p \\, dt

    With ``n == m`` this is :math:`\\frac1n \\sum_i |u_{(i)} - v_{(i)}|^p`; otherwise the two quantile functions
    are compared exactly on the merged grid of levels :math:`\\{i/n\\} \\cup \\{j/m\\}`.

    Parameters
    ----------
    u : Tensor, shape (n, k)
        ``k`` one-dimensional samples of size ``n`` (one per column, e.g. one per projection).
    v : Tensor, shape (m, k)

    Returns
    -------
    Tensor, shape (k,)
        :math:`W_p^p` for each column.

    Examples
    --------
    >>> wasserstein_1d(torch.tensor([[0.0], [1.0]]), torch.tensor([[3.0], [2.0]]), p=1)
    tensor([2.])
    """
    u, v = promote((as_points(u, "u"), "u"), (as_points(v, "v"), "v"))
    if u.shape[1] != v.shape[1]:
        raise ValueError(f"u and v must have the same number of columns, got {u.shape[1]} and {v.shape[1]}")
    return _wasserstein_1d_rows(u.T, v.T, order(p))


def _sort_rows(t):
    """Sort a tensor along its last dimension (each row of a 2-D tensor), differentiably.

    On the CPU the permutation comes from NumPy's vectorized (SIMD) argsort, measured 3x faster than
    ``torch.sort`` on (500, 512) float32, and is applied with ``torch.gather`` so that gradients flow; elsewhere
    (CUDA, half precision) ``torch.sort`` is used.
    """
    if t.device.type == "cpu" and t.dtype in (torch.float32, torch.float64):
        idx = torch.from_numpy(np.argsort(t.detach().numpy(), axis=-1))
        return torch.gather(t, -1, idx)
    return torch.sort(t, dim=-1).values


def _sorted_rows_cost(u_sorted, v_sorted, p):
    """:math:`W_p^p` of each row pair of two equal-size sorted samples, (k, n) each: the mean of
    :math:`|u_{(i)} - v_{(i)}|^p` (the monotone coupling pairs the i-th smallest with the i-th smallest)."""
    diff = u_sorted - v_sorted
    return (diff * diff if p == 2 else diff.abs().pow(p)).mean(1)


def _wasserstein_1d_rows(u, v, p):
    """:func:`wasserstein_1d` on rows: ``u`` (k, n), ``v`` (k, m); sorting along the contiguous last dimension."""
    u_sorted, v_sorted = _sort_rows(u), _sort_rows(v)
    n, m = u.shape[1], v.shape[1]
    if n == m:
        return _sorted_rows_cost(u_sorted, v_sorted, p)
    levels = torch.cat([torch.arange(1, n + 1, device=u.device, dtype=u.dtype) / n,
                        torch.arange(1, m + 1, device=u.device, dtype=u.dtype) / m]).sort().values
    dt = torch.diff(levels, prepend=levels.new_zeros(1))
    mid = levels - dt / 2  # each interval's midpoint picks the quantile index unambiguously
    iu = (mid * n).floor().long().clamp_(0, n - 1)
    iv = (mid * m).floor().long().clamp_(0, m - 1)
    return (dt * (u_sorted[:, iu] - v_sorted[:, iv]).abs().pow(p)).sum(1)


# ---------------------------------------------------------------------------------------------------------------
# sliced and max-sliced


def random_projections(dim, n_projections, generator=None, device=None, dtype=torch.float32):
    """``n_projections`` directions drawn uniformly on the unit sphere :math:`S^{d-1}`, shape (d, n_projections).

    Examples
    --------
    >>> th = random_projections(3, 5, generator=torch.Generator().manual_seed(0))
    >>> th.shape, bool(torch.allclose(th.norm(dim=0), torch.ones(5)))
    (torch.Size([3, 5]), True)
    """
    positive(dim, "dim", integer=True)
    positive(n_projections, "n_projections", integer=True)
    theta = torch.randn(dim, n_projections, generator=generator, dtype=dtype)
    return (theta / theta.norm(dim=0, keepdim=True)).to(device or "cpu")


def _check_projections(projections, dim, like, name="projections"):
    projections = as_points(projections, name).to(device=like.device, dtype=like.dtype)
    if projections.shape[0] != dim:
        raise ValueError(f"{name} must have shape (d={dim}, n_projections), got {tuple(projections.shape)}")
    return nonzero_columns(projections, name)


def sliced_wasserstein(x, y, n_projections=100, p=2, projections=None, generator=None):
    """Monte-Carlo sliced Wasserstein distance :math:`SW_p`, all projections at once (no Python loop).

    .. math:: SW_p^p(\\mu, \\nu) = \\int_{S^{d-1}} W_p^p(\\theta_\\# \\mu, \\theta_\\# \\nu)\\, d\\sigma(\\theta)
              \\approx \\frac1L \\sum_{l=1}^L W_p^p(\\theta_{l\\#} \\mu, \\theta_{l\\#} \\nu)

    Each 1-D problem is solved by sorting (:func:`wasserstein_1d`); unequal sample sizes are handled exactly by
    quantile interpolation.

    Parameters
    ----------
    x : Tensor, shape (n, d)
    y : Tensor, shape (m, d)
    n_projections : int
        :math:`L`, ignored when ``projections`` is given.
    p : float
    projections : Tensor, shape (d, L), optional
        Fixed unit directions (reproducible experiments; the same as POT's ``projections``).
    generator : torch.Generator, optional
        Source of the random directions.

    Returns
    -------
    Tensor
        :math:`SW_p`, a scalar differentiable in ``x`` and ``y``.

    References
    ----------
    Bonneel, N., Rabin, J., Peyré, G. and Pfister, H. (2015). Sliced and Radon Wasserstein barycenters of
    measures. Deshpande, I., Zhang, Z. and Schwing, A. (2018). Generative modeling using the sliced Wasserstein
    distance. CVPR.

    Examples
    --------
    >>> x = torch.tensor([[0.0, 0.0], [1.0, 0.0]]); y = x + torch.tensor([2.0, 0.0])
    >>> sliced_wasserstein(x, y, projections=torch.tensor([[1.0], [0.0]]))
    tensor(2.)
    """
    x, y = _pair(x, y)
    order(p)
    if projections is None:
        projections = random_projections(x.shape[1], n_projections, generator, x.device, x.dtype)
    else:
        projections = _check_projections(projections, x.shape[1], x)
    # (L, n) layout: each projection's sort runs along contiguous memory
    return _wasserstein_1d_rows(projections.T @ x.T, projections.T @ y.T, p).mean().clamp_min(0).pow(1 / p)


def max_sliced_wasserstein(x, y, p=2, n_init=16, n_steps=30, lr=0.1, direction=None, projections=None,
                           generator=None):
    """Max-sliced Wasserstein distance with the direction *optimized* by projected gradient ascent on the sphere.

    .. math:: \\max\\text{-}SW_p(\\mu, \\nu) = \\max_{\\theta \\in S^{d-1}} W_p(\\theta_\\# \\mu, \\theta_\\# \\nu)

    The ascent starts from the best of ``n_init`` random directions (or of ``projections``, or from
    ``direction`` to warm-start across training steps) and takes ``n_steps`` Riemannian steps
    :math:`\\theta \\leftarrow (\\theta + \\eta\\, g_\\perp / \\|g_\\perp\\|) / \\|\\cdot\\|`, with
    :math:`g_\\perp` the gradient projected on the tangent space and a step :math:`\\eta` halved whenever a step
    fails to increase the objective. The best direction seen is kept, so the result is never below the best
    starting direction.

    Parameters
    ----------
    x : Tensor, shape (n, d)
    y : Tensor, shape (m, d)
    p : float
    n_init : int
        Random starting directions (ignored when ``direction`` or ``projections`` is given).
    n_steps : int
        Ascent steps (0 gives the best of the starting directions, as POT's ``max_sliced_wasserstein_distance``).
    lr : float
        Initial step on the sphere (radians, roughly).
    direction : Tensor, shape (d,), optional
        Warm start.
    projections : Tensor, shape (d, L), optional
        Candidate starting directions.

    Returns
    -------
    distance : Tensor
        :math:`W_p` along the final direction, differentiable in ``x`` and ``y`` (the direction is held fixed:
        the envelope theorem).
    direction : Tensor, shape (d,)
        The unit direction found (detached).

    References
    ----------
    Deshpande, I. et al. (2019). Max-sliced Wasserstein distance and its use for GANs. CVPR.

    Examples
    --------
    >>> g = torch.Generator().manual_seed(0)
    >>> x = torch.randn(200, 5, generator=g); y = torch.randn(200, 5, generator=g) + torch.tensor([3., 0, 0, 0, 0])
    >>> d, theta = max_sliced_wasserstein(x, y, generator=g)
    >>> bool(theta[0].abs() > 0.95)
    True
    """
    x, y = _pair(x, y)
    order(p)
    positive(n_steps, "n_steps", integer=True, allow_zero=True)
    positive(lr, "lr")
    xd, yd = x.detach(), y.detach()
    if direction is not None:
        start = _check_projections(tensor(direction, "direction", ndim=1).reshape(-1, 1), x.shape[1], x,
                                   "direction")
    elif projections is not None:
        start = _check_projections(projections, x.shape[1], x)
    else:
        start = random_projections(x.shape[1], positive(n_init, "n_init", integer=True), generator, x.device, x.dtype)
    start = start / start.norm(dim=0, keepdim=True).clamp_min(1e-12)
    with torch.no_grad():
        values = wasserstein_1d(xd @ start, yd @ start, p)
    best_value, k = values.max(0)
    theta = start[:, k].clone()
    best = theta.clone()
    step = lr
    for _ in range(n_steps):
        th = theta.clone().requires_grad_(True)
        value = wasserstein_1d(xd @ th[:, None], yd @ th[:, None], p)[0]
        grad, = torch.autograd.grad(value, th)
        tangent = grad - (grad @ theta) * theta
        norm = tangent.norm()
        if norm < 1e-12:
            break
        candidate = theta + step * tangent / norm
        candidate = candidate / candidate.norm()
        with torch.no_grad():
            new_value = wasserstein_1d(xd @ candidate[:, None], yd @ candidate[:, None], p)[0]
        if new_value > best_value:
            best_value, best, theta = new_value, candidate.detach(), candidate.detach()
        else:
            step /= 2
            if step < 1e-6:
                break
    distance = wasserstein_1d(x @ best[:, None], y @ best[:, None], p)[0].clamp_min(0).pow(1 / p)
    return distance, best


# ---------------------------------------------------------------------------------------------------------------
# entropic OT


class SinkhornConvergenceWarning(UserWarning):
    """Sinkhorn stopped at its iteration budget before its marginal error fell below ``tol``.

    A category of its own, so that it can be silenced or turned into an error::

        warnings.simplefilter("error", SinkhornConvergenceWarning)
    """


class SinkhornResult(NamedTuple):
    """What :func:`sinkhorn` returns."""

    cost: torch.Tensor           #: :math:`\langle P, C \rangle`, scalar
    plan: torch.Tensor           #: :math:`P`, shape (n, m)
    f: torch.Tensor              #: dual potential on the rows, shape (n,)
    g: torch.Tensor              #: dual potential on the columns, shape (m,)
    n_iter: int                  #: iterations run (annealing stages included)
    marginal_error: float        #: :math:`\|P 1 - a\|_1 + \|P^\top 1 - b\|_1` of the returned plan
    converged: bool = False      #: ``marginal_error <= tol`` (False when ``tol=0``: no stopping rule)


GRADIENTS = ("envelope", "autodiff")


def eps_schedule(eps, cost_scale, factor=0.5):
    """The decreasing values of epsilon of epsilon scaling: :math:`\\varepsilon_k = \\max(s q^k, \\varepsilon)`
    from the cost's scale :math:`s` (its largest entry) down to the target ``eps``, the target excluded.

    Empty when ``eps >= cost_scale`` (nothing to anneal) or ``factor`` is 0.

    Examples
    --------
    >>> eps_schedule(0.1, 1.0, factor=0.5)
    [1.0, 0.5, 0.25, 0.125]
    """
    positive(eps, "eps"), positive(cost_scale, "cost_scale")
    if factor is None or number(factor, "factor", low=0, high=1, high_open=True) == 0 or eps >= cost_scale:
        return []
    n = math.ceil(math.log(eps / cost_scale) / math.log(factor))
    return [cost_scale * factor ** k for k in range(n)]


def _convergence_message(err, tol, n_iter, eps, cost_scale, dtype):
    floor = torch.finfo(dtype).eps * cost_scale / eps
    hint = (f"; {dtype} resolves the marginals only to about {floor:.1g} at this eps, use float64"
            if floor > 0.1 * tol else "; raise n_iter or eps")
    return (f"Sinkhorn did not converge: marginal error {err:.3g} > tol {tol:.3g} after {n_iter} iterations at "
            f"eps = {eps:.3g} = {eps / cost_scale:.3g} x max cost{hint}")


def sinkhorn(a, b, C, eps, n_iter=1000, tol=1e-6, grad="envelope", eps_scaling=0.5, relaxation="auto", warn=True):
    """Entropic optimal transport by log-domain Sinkhorn iterations with epsilon scaling.

    Solves :math:`\\min_{P \\in U(a, b)} \\langle P, C \\rangle - \\varepsilon H(P)` through its dual potentials,

    .. math:: g_j \\leftarrow -\\varepsilon \\log \\sum_i a_i e^{(f_i - C_{ij})/\\varepsilon}, \\qquad
              f_i \\leftarrow -\\varepsilon \\log \\sum_j b_j e^{(g_j - C_{ij})/\\varepsilon}, \\qquad
              P_{ij} = a_i b_j e^{(f_i + g_j - C_{ij})/\\varepsilon},

    with log-sum-exp throughout, so that small ``eps`` and large costs give neither NaN nor inf.

    **What eps means.** ``eps`` is in the units of ``C``: what matters is the ratio
    :math:`\\varepsilon / \\max C`. Near 1 the plan is almost the independent coupling :math:`a b^\\top`; at
    1e-2 it is concentrated near the optimal plan; at 1e-3 and below it is close to the exact OT plan
    (:math:`0 \\le \\langle P, C \\rangle - W \\le \\varepsilon \\log(nm)`), and plain Sinkhorn needs more
    and more iterations (of the order of :math:`\\max C / \\varepsilon` in the worst case). Two accelerations
    are on by default:

    * **Epsilon scaling** (Schmitzer, 2019; the annealing of geomloss, Feydy et al., 2019): the iterations start
      at the power of two above :math:`\\max C` and multiply epsilon by ``eps_scaling`` after every iteration
      down to ``eps`` (:func:`eps_schedule`), each stage warm-started from the previous potentials; then they
      continue at ``eps``. With ``eps >= max C`` there is nothing to anneal.
    * **Over-relaxation** (Thibault et al., 2021): at ``eps``,
      :math:`f \\leftarrow (1 - \\omega) f + \\omega T_f(g)` and the same for ``g``. With
      ``relaxation="auto"`` the rate :math:`r` of plain Sinkhorn is measured over iterations 5 to 10 and
      :math:`\\omega = 2 / (1 + \\sqrt{1 - r})` (at most 1.9) is used from then on, the optimal factor of
      successive over-relaxation, reset to 1 if the error grows to 100 times its minimum (``grad="envelope"``
      only: with ``"autodiff"``, "auto" means 1, since a factor measured from the data would be a hidden
      function of ``C``).

    With ``grad="envelope"`` and positive weights, the updates at ``eps`` are computed as matrix-vector products
    with a kernel stabilized at recent potentials (:class:`_StabilizedKernel`; Schmitzer, 2019), the same
    :math:`T_f, T_g` for a product instead of :math:`nm` exponentials per half-iteration.

    **Stopping rule.** ``marginal_error`` is :math:`\\|P 1 - a\\|_1 + \\|P^\\top 1 - b\\|_1` of the returned
    plan, computed for free from the updates (row sums are :math:`a_i e^{(f_i - T_f(g)_i)/\\varepsilon}`); the
    iterations stop when it is :math:`\\le` ``tol`` or after ``n_iter`` iterations. In the second case
    ``converged`` is False and a :class:`SinkhornConvergenceWarning` is issued (``warn=True``). ``tol=0`` runs
    exactly ``n_iter`` iterations and never warns. A plan returned unconverged comes from a plain update of ``f``:
    its row marginals are exact.

    Two gradients, both of the returned ``cost`` :math:`\\langle P, C \\rangle`:

    * ``grad="envelope"`` (default): iterate without building a graph and differentiate the entropic OT value
      at the fixed optimal plan and potentials: :math:`\\partial/\\partial C = P`, :math:`\\partial/\\partial a = f`,
      :math:`\\partial/\\partial b = g` (the envelope theorem; the convention of POT's ``sinkhorn2``). Cheap in
      memory, exact at convergence.
    * ``grad="autodiff"``: backpropagate through all the iterations (Genevay et al., 2018, "Sinkhorn AutoDiff");
      memory grows with the number of iterations; exact for the truncated algorithm.

    Parameters
    ----------
    a : Tensor, shape (n,), or None
        Row weights summing to one (uniform when None).
    b : Tensor, shape (m,), or None
    C : Tensor, shape (n, m)
        Cost matrix.
    eps : float
        Entropic regularization, > 0, in the units of ``C`` (see above).
    n_iter : int
        Maximum number of iterations, annealing stages included (one iteration updates g then f).
    tol : float
        Tolerance on the marginal error in L1 (0 disables the stopping rule). float32 resolves it only to about
        :math:`10^{-7} \\max C / \\varepsilon`.
    grad : {"envelope", "autodiff"}
    eps_scaling : float in [0, 1)
        Factor by which epsilon shrinks per annealing iteration; 0 (or None) gives plain Sinkhorn at ``eps``.
    relaxation : "auto" or float in [1, 2)
        Over-relaxation factor :math:`\\omega` at ``eps`` (1: plain Sinkhorn updates).
    warn : bool
        Issue a :class:`SinkhornConvergenceWarning` when the budget runs out before ``tol``.

    Returns
    -------
    SinkhornResult
        ``(cost, plan, f, g, n_iter, marginal_error, converged)``.

    References
    ----------
    Cuturi, M. (2013). Sinkhorn distances: lightspeed computation of optimal transport. NeurIPS.
    Schmitzer, B. (2019). Stabilized sparse scaling algorithms for entropy regularized transport problems.
    SIAM J. Sci. Comput. 41(3).
    Feydy, J. et al. (2019). Interpolating between optimal transport and MMD using Sinkhorn divergences. AISTATS.
    Genevay, A., Peyré, G. and Cuturi, M. (2018). Learning generative models with Sinkhorn divergences. AISTATS.
    Thibault, A., Chizat, L., Dossal, C. and Papadakis, N. (2021). Overrelaxed Sinkhorn-Knopp algorithm for
    regularized optimal transport. Algorithms 14(5).

    Examples
    --------
    >>> C = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> res = sinkhorn(None, None, C, eps=0.01)
    >>> round(float(res.cost), 4), res.plan.sum().item(), res.converged
    (0.0, 1.0, True)
    """
    res, cost_scale = _sinkhorn(a, b, C, eps, n_iter, tol, grad, eps_scaling, relaxation)
    if warn and tol and not res.converged:
        warnings.warn(_convergence_message(res.marginal_error, tol, res.n_iter, eps, cost_scale, C.dtype),
                      SinkhornConvergenceWarning, stacklevel=2)
    return res


class _StabilizedKernel:
    """The log-domain updates :math:`T_f, T_g` computed with matrix-vector products (Schmitzer, 2019).

    With a stabilization point :math:`(f^0, g^0)` and the kernel
    :math:`K_{ij} = a_i b_j e^{(f^0_i + g^0_j - C_{ij})/\\varepsilon}`,

    .. math:: T_f(g)_i = f^0_i + \\varepsilon \\log a_i - \\varepsilon \\log \\big(K e^{(g - g^0)/\\varepsilon}\\big)_i,

    which costs a product with :math:`K` instead of :math:`n m` exponentials. The kernel is rebuilt at the
    current potentials (absorption) when they move more than ``30 eps`` from the point; where a product
    underflows, that update is the log-sum-exp one and the kernel is rebuilt at the next.
    """

    ABSORB = 30.0

    def __init__(self, C, log_a, log_b, eps):
        self.C, self.log_a, self.log_b, self.eps = C, log_a, log_b, eps
        self.f0 = self.g0 = self.K = None

    def _absorb(self, f, g):
        self.f0, self.g0 = f, g
        self.K = torch.exp(self.log_a[:, None] + self.log_b[None, :] + (f[:, None] + g[None, :] - self.C) / self.eps)

    def _stale(self, f, g):
        return (self.K is None or float((f - self.f0).abs().max()) > self.ABSORB * self.eps
                or float((g - self.g0).abs().max()) > self.ABSORB * self.eps)

    def update_f(self, f, g):
        if self._stale(f, g):
            self._absorb(f, g)
        t = self.f0 + self.eps * (self.log_a - torch.log(self.K @ torch.exp((g - self.g0) / self.eps)))
        if not torch.isfinite(t).all():  # a row of K underflowed: the log-domain update, and a new kernel
            self.K = None
            t = -self.eps * torch.logsumexp(self.log_b[None, :] + (g[None, :] - self.C) / self.eps, dim=1)
        return t

    def update_g(self, f, g):
        if self._stale(f, g):
            self._absorb(f, g)
        t = self.g0 + self.eps * (self.log_b - torch.log(self.K.T @ torch.exp((f - self.f0) / self.eps)))
        if not torch.isfinite(t).all():
            self.K = None
            t = -self.eps * torch.logsumexp(self.log_a[:, None] + (f[:, None] - self.C) / self.eps, dim=0)
        return t


_RATE_WINDOW = (5, 10)  # iterations at the target eps over which the plain rate is measured
_MAX_RELAXATION = 1.9


def _sinkhorn(a, b, C, eps, n_iter, tol, grad, eps_scaling, relaxation="auto", symmetric=False):
    """:func:`sinkhorn` without the warning; also returns the cost's scale (its largest entry).

    ``symmetric=True`` is for :math:`OT_\\varepsilon(\\mu, \\mu)` (``a = b``, ``C`` symmetric): one potential
    :math:`f = g` and the averaged update :math:`f \\leftarrow (f + T(f)) / 2` of Feydy et al. (2019), which
    converges where the alternating updates oscillate.
    """
    C = as_points(C, "C")
    n, m = C.shape
    a, b = weights(a, n, "a", C), weights(b, m, "b", C)
    positive(eps, "eps")
    positive(n_iter, "n_iter", integer=True)
    positive(tol, "tol", allow_zero=True)
    choice(grad, "grad", GRADIENTS)
    if eps_scaling is None:
        eps_scaling = 0.0
    positive(eps_scaling, "eps_scaling", allow_zero=True)
    if eps_scaling >= 1:
        raise ValueError(f"eps_scaling must be in [0, 1), got {eps_scaling!r}")
    # autodiff differentiates the iterations as run: an omega measured from the data would be a hidden function of C
    adaptive = relaxation == "auto" and grad == "envelope"
    relaxation = 1.0 if relaxation == "auto" else relaxation
    omega = positive(relaxation, "relaxation")
    if not 1 <= omega < 2:
        raise ValueError(f"relaxation must be 'auto' or a number in [1, 2), got {relaxation!r}")
    cost_scale = max(float(C.detach().abs().max()), 1e-30)
    log_a, log_b = a.log(), b.log()  # zero weights give -inf: those rows/columns receive no mass
    # annealing starts at the power of two above max C: a schedule that does not move with C keeps the autodiff
    # gradient that of the computed iterations
    schedule = eps_schedule(eps, 2.0 ** math.ceil(math.log2(cost_scale)), eps_scaling)[: n_iter - 1]

    def update_g(f, Cm, la, e):
        return -e * torch.logsumexp(la[:, None] + (f[:, None] - Cm) / e, dim=0)

    def update_f(g, Cm, lb, e):
        return -e * torch.logsumexp(lb[None, :] + (g[None, :] - Cm) / e, dim=1)

    def iterate_symmetric(Cm, la, lb):
        aw = la.exp()
        f = torch.zeros_like(la)
        for e in schedule:
            f = 0.5 * (f + update_g(f, Cm, la, e))
        it, err = len(schedule), float("inf")
        while True:
            t = update_g(f, Cm, la, eps)
            with torch.no_grad():  # row (= column) sums of P(f, f) are a_i exp((f_i - T(f)_i) / eps)
                err = float((aw * torch.expm1((f - t) / eps)).abs().sum())
            if err <= tol or it >= n_iter:
                return f, f, it, err
            it += 1
            f = 0.5 * (f + t)

    def iterate(Cm, la, lb):
        if symmetric:
            return iterate_symmetric(Cm, la, lb)
        aw, bw = la.exp(), lb.exp()
        f = torch.zeros_like(la)
        for e in schedule:  # annealing: one iteration per stage, warm-started
            f = update_f(update_g(f, Cm, la, e), Cm, lb, e)
        g = update_g(f, Cm, la, eps)
        kernel = _StabilizedKernel(Cm, la, lb, eps) if stabilized else None
        it, err, best, w = len(schedule), float("inf"), float("inf"), omega
        while it < n_iter:
            it += 1
            tf = kernel.update_f(f, g) if kernel else update_f(g, Cm, lb, eps)
            f = tf if w == 1 else (1 - w) * f + w * tf
            tg = kernel.update_g(f, g) if kernel else update_g(f, Cm, la, eps)
            # P(f, g) has row sums a_i exp((f_i - T_f(g)_i) / eps) and column sums b_j exp((g_j - T_g(f)_j) / eps):
            # its marginal error costs nothing extra (rows are exact when w = 1)
            with torch.no_grad():
                err = float((bw * torch.expm1((g - tg) / eps)).abs().sum())
                if w != 1:
                    err += float((aw * torch.expm1((f - tf) / eps)).abs().sum())
            if err <= tol or it >= n_iter:
                break
            k = it - len(schedule)
            if adaptive and k == _RATE_WINDOW[0]:
                err0 = err
            elif adaptive and k == _RATE_WINDOW[1] and err0 > 0:
                # plain Sinkhorn's error shrinks by a rate r per iteration; SOR's optimal factor for that rate
                rate = min((err / err0) ** (1 / (_RATE_WINDOW[1] - _RATE_WINDOW[0])), 0.9999)
                w = min(_MAX_RELAXATION, 2 / (1 + math.sqrt(1 - rate)))
            best = min(best, err)
            if w != 1 and err > 100 * best:  # safeguard: over-relaxation diverging
                w = 1.0
            g = tg if w == 1 else (1 - w) * g + w * tg
        if err > tol and w != 1:  # out of budget: end on a plain f update, whose plan has exact rows
            f = update_f(g, Cm, lb, eps)
            with torch.no_grad():
                err = float((bw * torch.expm1((g - update_g(f, Cm, la, eps)) / eps)).abs().sum())
        return f, g, it, err

    # matrix-vector iterations on a stabilized kernel (Schmitzer, 2019) where no gradient flows through them
    stabilized = grad == "envelope" and not symmetric and bool((a > 0).all() and (b > 0).all())
    if grad == "autodiff":
        f, g, it, err = iterate(C, log_a, log_b)
        plan = torch.exp(log_a[:, None] + log_b[None, :] + (f[:, None] + g[None, :] - C) / eps)
        cost = (plan * C).sum()
    else:
        with torch.no_grad():
            f, g, it, err = iterate(C.detach(), log_a.detach(), log_b.detach())
            plan = torch.exp(log_a[:, None] + log_b[None, :] + (f[:, None] + g[None, :] - C) / eps)
        # value <P, C>; gradient P for C, f for a, g for b (the latter two are zero-valued terms)
        cost = (plan * C).sum() + (f * (a - a.detach())).sum() + (g * (b - b.detach())).sum()
    finite(cost.detach().reshape(1), "the Sinkhorn cost (lower n_iter or raise eps)")
    return SinkhornResult(cost, plan, f, g, it, err, bool(err <= tol)), cost_scale


def _warn_unconverged(results, tol, eps, cost_scale, dtype, stacklevel=3):
    """One :class:`SinkhornConvergenceWarning` for the worst of ``results`` that missed ``tol``."""
    missed = [r for r in results if not r.converged]
    if tol and missed:
        worst = max(missed, key=lambda r: r.marginal_error)
        warnings.warn(_convergence_message(worst.marginal_error, tol, worst.n_iter, eps, cost_scale, dtype),
                      SinkhornConvergenceWarning, stacklevel=stacklevel)


def sinkhorn_loss(x, y, eps, cost="sqeuclidean", n_iter=1000, tol=1e-6, grad="envelope", a=None, b=None,
                  eps_scaling=0.5, relaxation="auto", warn=True):
    """Entropic OT cost :math:`\\langle P_\\varepsilon, C \\rangle` between two point clouds (the "Sinkhorn loss"
    of Genevay et al., 2018), by :func:`sinkhorn` (epsilon scaling, stopping rule, either gradient).

    ``eps`` is in the units of the cost (for ``"sqeuclidean"``, squared distances): see :func:`sinkhorn`. A
    :class:`SinkhornConvergenceWarning` says when ``n_iter`` iterations did not reach ``tol``.

    Examples
    --------
    >>> x = torch.zeros(3, 2); round(sinkhorn_loss(x, x + 1, eps=0.1).item(), 5)
    2.0
    """
    x, y = _pair(x, y)
    res, scale = _sinkhorn(a, b, cost_matrix(x, y, cost), eps, n_iter, tol, grad, eps_scaling, relaxation)
    if warn:
        _warn_unconverged([res], tol, eps, scale, x.dtype)
    return res.cost


def _divergence(x, y, eps, cost, n_iter, tol, grad, eps_scaling, relaxation="auto"):
    """:math:`S_\\varepsilon` and the three :class:`SinkhornResult` behind it, and the largest cost scale."""
    solves = [_sinkhorn(None, None, cost_matrix(u, v, cost), eps, n_iter, tol, grad, eps_scaling, relaxation,
                        u is v)
              for u, v in ((x, y), (x, x), (y, y))]
    (xy, _), (xx, _), (yy, _) = solves
    return xy.cost - 0.5 * xx.cost - 0.5 * yy.cost, [xy, xx, yy], max(scale for _, scale in solves)


def sinkhorn_divergence(x, y, eps, cost="sqeuclidean", n_iter=1000, tol=1e-6, grad="envelope", eps_scaling=0.5,
                        relaxation="auto", warn=True):
    """Debiased Sinkhorn divergence (Genevay et al., 2018; Feydy et al., 2019).

    .. math:: S_\\varepsilon(\\mu, \\nu) = OT_\\varepsilon(\\mu, \\nu) - \\tfrac12 OT_\\varepsilon(\\mu, \\mu)
              - \\tfrac12 OT_\\varepsilon(\\nu, \\nu)

    with :math:`OT_\\varepsilon` the entropic cost of :func:`sinkhorn_loss`. It removes the entropic bias:
    :math:`S_\\varepsilon(\\mu, \\mu) = 0`, and it interpolates between :math:`W` (:math:`\\varepsilon \\to 0`;
    :math:`W_2^2` for the squared Euclidean cost) and an MMD (:math:`\\varepsilon \\to \\infty`). ``eps`` is in
    the units of the cost (see :func:`sinkhorn`); each of the three problems is solved with epsilon scaling and
    the stopping rule, and one :class:`SinkhornConvergenceWarning` reports the worst that missed ``tol``.

    Examples
    --------
    >>> x = torch.randn(50, 2, generator=torch.Generator().manual_seed(0))
    >>> abs(sinkhorn_divergence(x, x, eps=0.5).item()) < 1e-5
    True
    """
    x, y = _pair(x, y)
    value, results, scale = _divergence(x, y, eps, cost, n_iter, tol, grad, eps_scaling, relaxation)
    if warn:
        _warn_unconverged(results, tol, eps, scale, x.dtype)
    return value


# ---------------------------------------------------------------------------------------------------------------
# energy distance


def energy_distance(x, y, unbiased=False):
    """Energy distance (the multivariate Cramér distance of Bellemare et al., 2017).

    .. math:: \\mathcal{E}(\\mu, \\nu) = 2\\,\\mathbb{E}\\|X - Y\\| - \\mathbb{E}\\|X - X'\\| - \\mathbb{E}\\|Y - Y'\\|

    Its sample gradients are unbiased (unlike those of :math:`W_p` from mini-batches), the property that
    motivates the Cramér GAN. ``unbiased=True`` excludes the zero diagonal from the within-sample terms (a
    U-statistic, which may be slightly negative); the default V-statistic is always >= 0.

    Examples
    --------
    >>> energy_distance(torch.tensor([[0.0]]), torch.tensor([[2.0]])).item()
    4.0
    """
    x, y = _pair(x, y)
    n, m = len(x), len(y)
    dxy = torch.cdist(x, y).mean()
    dxx, dyy = torch.cdist(x, x).sum(), torch.cdist(y, y).sum()
    if unbiased:
        if n < 2 or m < 2:
            raise ValueError(f"unbiased=True needs at least 2 points in x and y, got {n} and {m}")
        dxx, dyy = dxx / (n * (n - 1)), dyy / (m * (m - 1))
    else:
        dxx, dyy = dxx / n**2, dyy / m**2
    return 2 * dxy - dxx - dyy


# ---------------------------------------------------------------------------------------------------------------
# Gaussians


def sqrtm_psd(S):
    """Square root of a symmetric positive semi-definite matrix via its eigendecomposition (negative eigenvalues
    from round-off are clipped to 0)."""
    S = psd(as_points(S, "S"), "S")
    vals, vecs = torch.linalg.eigh((S + S.T) / 2)
    return (vecs * vals.clamp_min(0).sqrt()) @ vecs.T


def gaussian_w2(mean1, cov1, mean2, cov2):
    """Closed-form squared :math:`W_2` between two Gaussians (the Fréchet distance of FID).

    .. math:: W_2^2 = \\|m_1 - m_2\\|^2 + \\mathrm{tr}\\big(\\Sigma_1 + \\Sigma_2
              - 2 (\\Sigma_1^{1/2} \\Sigma_2 \\Sigma_1^{1/2})^{1/2}\\big)

    computed with symmetric square roots (numerically stable for singular covariances).

    Examples
    --------
    >>> gaussian_w2(torch.zeros(2), torch.eye(2), torch.ones(2), 4 * torch.eye(2)).item()
    4.0
    """
    mean1, cov1, mean2, cov2 = promote((as_points(mean1, "mean1", 1), "mean1"), (as_points(cov1, "cov1"), "cov1"),
                                       (as_points(mean2, "mean2", 1), "mean2"), (as_points(cov2, "cov2"), "cov2"))
    d = mean1.shape[0]
    for name, v in (("mean2", mean2), ("cov1", cov1), ("cov2", cov2)):
        if v.shape[0] != d or (v.dim() == 2 and v.shape[1] != d):
            raise ValueError(f"{name} must match the dimension {d} of mean1, got shape {tuple(v.shape)}")
    psd(cov1, "cov1"), psd(cov2, "cov2")
    s1 = sqrtm_psd(cov1)
    cross = sqrtm_psd(s1 @ cov2 @ s1)
    return ((mean1 - mean2).pow(2).sum() + torch.trace(cov1) + torch.trace(cov2) - 2 * torch.trace(cross)).clamp_min(0)


def gaussian_quantiles(n, mean=0.0, std=1.0, dtype=torch.float64):
    """``n`` deterministic samples of :math:`N(m, s^2)` at the quantile levels :math:`(i - 1/2)/n` (a
    low-discrepancy 1-D sample, for closed-form checks)."""
    positive(n, "n", integer=True)
    number(mean, "mean"), positive(std, "std")
    t = (torch.arange(1, n + 1, dtype=dtype) - 0.5) / n
    return mean + std * math.sqrt(2) * torch.erfinv(2 * t - 1)
