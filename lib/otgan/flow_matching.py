r"""Flow matching with independent and minibatch optimal-transport couplings.

A flow transports a source :math:`p_0` (noise) to a target :math:`p_1` (data) along the ODE
:math:`\dot x_t = v_\theta(x_t, t)`. The density :math:`p_t` of :math:`x_t` then obeys the continuity equation

.. math:: \partial_t p_t + \nabla \cdot (p_t v_\theta) = 0 .

Conditional flow matching (Lipman et al., 2023; Liu et al., 2023) learns :math:`v_\theta` by regression on
straight lines between pairs :math:`(x_0, x_1) \sim \pi` of a coupling :math:`\pi` of the two samples:

.. math:: \mathcal L(\theta) = \mathbb E_{t \sim U[0,1],\,(x_0, x_1) \sim \pi}
          \big\| v_\theta(x_t, t) - (x_1 - x_0) \big\|^2, \qquad x_t = (1 - t)\, x_0 + t\, x_1 .

With the independent coupling :math:`\pi = p_0 \otimes p_1` the lines cross, their average velocity bends, and
an ODE solver needs many steps. With the optimal coupling of :math:`W_2` (computed per minibatch by an exact
OT solve: Tong et al., 2024; Pooladian et al., 2023) the lines do not cross and the learned flow is close to
the straight displacement interpolation of the :math:`W_2` map (McCann, 1997).

The training loop is :func:`train`, a small loop beside :class:`otgan.training.Trainer`: the trainer is built
around a critic and a generator that alternate (two optimizers, a latent sampler, a critic loss); a flow has
one network, one regression loss and a pairing step, so squeezing it into that shape would add fake roles
instead of removing code.

References
----------
Lipman, Chen, Ben-Hamu, Nickel, Le (2023). Flow Matching for Generative Modeling. ICLR.
Liu, Gong, Liu (2023). Flow Straight and Fast: Learning to Generate and Transfer Data with Rectified Flow. ICLR.
Tong, Fatras, Malkin, Huguet, Zhang, Rector-Brooks, Wolf, Bengio (2024). Improving and generalizing flow-based
generative models with minibatch optimal transport. TMLR.
Pooladian, Ben-Hamu, Domingo-Enrich, Amos, Lipman, Chen (2023). Multisample Flow Matching. ICML.
"""
import math
import os
import time

import numpy as np
import torch
from torch import nn

from ._checks import as_points, choice, positive
from .checkpoint import half_state_dict, load_checkpoint, load_state, save_checkpoint

COUPLINGS = ("independent", "ot", "sinkhorn")
SOLVERS = ("euler", "midpoint", "heun")
NFE_GRID = (1, 2, 4, 8, 16, 32, 64)


# ---------------------------------------------------------------------------------------------------------------
# the conditional path


def _time(t, n, like):
    t = torch.as_tensor(t, dtype=like.dtype, device=like.device)
    if t.dim() == 0:
        t = t.expand(n)
    if t.shape != (n,):
        raise ValueError(f"t must be a scalar or have shape ({n},), got {tuple(t.shape)}")
    return t


def conditional_path(x0, x1, t, sigma_min=0.0):
    r"""The point :math:`x_t` of the straight conditional path and its target velocity :math:`u_t`.

    .. math:: x_t = (1 - (1 - \sigma_{\min})\, t)\, x_0 + t\, x_1, \qquad
              u_t = \frac{d x_t}{dt} = x_1 - (1 - \sigma_{\min})\, x_0 ,

    Lipman et al.'s (2023) optimal-transport conditional path; :math:`\sigma_{\min} = 0` is Liu et al.'s (2023)
    rectified flow.

    Parameters
    ----------
    x0, x1 : Tensor, shape (n, ...)
        Paired source and target points.
    t : float or Tensor, shape (n,)
        Times in [0, 1].
    sigma_min : float
        Width of the path at t = 1 (default 0).

    Returns
    -------
    x_t, u_t : Tensor, shape (n, ...)

    Examples
    --------
    >>> x_t, u_t = conditional_path(torch.zeros(2, 1), torch.ones(2, 1), 0.25)
    >>> x_t.flatten().tolist(), u_t.flatten().tolist()
    ([0.25, 0.25], [1.0, 1.0])
    """
    if x0.shape != x1.shape:
        raise ValueError(f"x0 and x1 must have the same shape, got {tuple(x0.shape)} and {tuple(x1.shape)}")
    positive(float(sigma_min), "sigma_min", allow_zero=True)
    if sigma_min >= 1:
        raise ValueError(f"sigma_min must be < 1, got {sigma_min}")
    t = _time(t, x0.shape[0], x0).view(-1, *([1] * (x0.dim() - 1)))
    if (t < 0).any() or (t > 1).any():
        raise ValueError("t must lie in [0, 1]")
    x_t = (1 - (1 - sigma_min) * t) * x0 + t * x1
    return x_t, x1 - (1 - sigma_min) * x0


# ---------------------------------------------------------------------------------------------------------------
# couplings


def _flat_pair(x0, x1):
    if x0.shape != x1.shape:
        raise ValueError(f"x0 and x1 must have the same shape (equal batch sizes), got {tuple(x0.shape)} and "
                         f"{tuple(x1.shape)}")
    return x0.reshape(len(x0), -1), x1.reshape(len(x1), -1)


def independent(x0, x1):
    r"""The independent coupling :math:`\pi = p_0 \otimes p_1`: independent draws paired as they come.

    Returns ``(x0, x1)`` unchanged (after the shape check): two independent samples zipped together are a
    sample of the product coupling.
    """
    _flat_pair(x0, x1)
    return x0, x1


def ot_permutation(x0, x1):
    r"""The optimal matching of two equal-size samples for the squared Euclidean cost, by POT's exact solver.

    .. math:: \sigma^\star = \arg\min_{\sigma \in S_n} \sum_i \| x_0^{(i)} - x_1^{(\sigma(i))} \|^2 ,

    read off the exact plan of ``ot.emd`` with uniform weights (a permutation matrix divided by n, a vertex of
    the Birkhoff polytope).

    Returns
    -------
    Tensor of int64, shape (n,)
        ``perm`` such that ``x1[perm]`` is matched to ``x0``.

    Examples
    --------
    >>> ot_permutation(torch.tensor([[0.], [1.]]), torch.tensor([[1.1], [0.1]])).tolist()
    [1, 0]
    """
    import ot

    a, b = _flat_pair(x0, x1)
    cost = torch.cdist(a.double(), b.double()).pow(2).cpu().numpy()
    n = len(a)
    w = np.full(n, 1.0 / n)
    plan = ot.emd(w, w, cost, numItermax=1_000_000)
    return torch.from_numpy(plan.argmax(axis=1)).to(x1.device)


def minibatch_ot(x0, x1, eps=None, generator=None):
    r"""Pair a source and a target minibatch by optimal transport (Tong et al., 2024; Pooladian et al., 2023).

    With ``eps=None`` the pairs follow the exact plan of :math:`W_2^2` (:func:`ot_permutation`, POT's
    ``ot.emd``). With ``eps > 0`` the plan is the entropic one of :func:`otgan.transport.sinkhorn`,
    :math:`P^\varepsilon = \arg\min_P \langle P, C\rangle - \varepsilon H(P)` with :math:`C` the squared
    distances divided by their mean (so ``eps`` is relative), and each :math:`x_0^{(i)}` draws its partner
    from the row :math:`P^\varepsilon_{i\cdot}`.

    Parameters
    ----------
    x0, x1 : Tensor, shape (n, ...)
        Source and target minibatches of equal size.
    eps : float, optional
        Entropic regularization (relative to the mean cost); None for the exact plan.
    generator : torch.Generator, optional
        For the draws from the entropic plan.

    Returns
    -------
    x0, x1_paired : Tensor, shape (n, ...)
    """
    if eps is None:
        return x0, x1[ot_permutation(x0, x1)]
    from .transport import sinkhorn

    positive(eps, "eps")
    a, b = _flat_pair(x0, x1)
    cost = torch.cdist(a.double(), b.double()).pow(2)
    cost = cost / cost.mean()
    n = len(a)
    w = torch.full((n,), 1.0 / n, dtype=cost.dtype, device=cost.device)
    plan = sinkhorn(w, w, cost, eps, warn=False).plan
    idx = torch.multinomial(plan.float().cpu() + 1e-30, 1, generator=generator).squeeze(1)
    return x0, x1[idx.to(x1.device)]


def couple(x0, x1, coupling="ot", eps=0.05, generator=None):
    """Pair ``x0`` and ``x1`` by ``coupling``: ``"independent"``, ``"ot"`` (exact) or ``"sinkhorn"`` (``eps``)."""
    choice(coupling, "coupling", COUPLINGS)
    if coupling == "independent":
        return independent(x0, x1)
    return minibatch_ot(x0, x1, eps=eps if coupling == "sinkhorn" else None, generator=generator)


def count_crossings(x0, x1):
    r"""How many pairs of the segments :math:`[x_0^{(i)}, x_1^{(i)}]` (2-D) cross: the number of :math:`i < j`
    whose segments intersect at an interior point (orientation test on both segments).

    Examples
    --------
    >>> count_crossings(torch.tensor([[0., 0.], [0., 1.]]), torch.tensor([[1., 1.], [1., 0.]]))
    1
    """
    x0, x1 = as_points(x0, "x0"), as_points(x1, "x1")
    if x0.shape != x1.shape or x0.shape[1] != 2:
        raise ValueError(f"x0 and x1 must both have shape (n, 2), got {tuple(x0.shape)} and {tuple(x1.shape)}")

    def orient(a, b, c):  # sign of the turn a -> b -> c, for every pair (i, j) at once
        return torch.sign((b[:, None, 0] - a[:, None, 0]) * (c[None, :, 1] - a[:, None, 1])
                          - (b[:, None, 1] - a[:, None, 1]) * (c[None, :, 0] - a[:, None, 0]))

    cross = ((orient(x0, x1, x0) * orient(x0, x1, x1) < 0)
             & (orient(x0, x1, x0).T * orient(x0, x1, x1).T < 0))
    return int(torch.triu(cross, diagonal=1).sum())


# ---------------------------------------------------------------------------------------------------------------
# the velocity network and the loss


def time_embedding(t, dim):
    r"""Sinusoidal features of the time, :math:`[\sin(2\pi k t), \cos(2\pi k t)]_{k = 1..dim/2}`, shape (n, dim)."""
    k = torch.arange(1, dim // 2 + 1, dtype=t.dtype, device=t.device)
    angle = 2 * math.pi * t[:, None] * k[None]
    return torch.cat([angle.sin(), angle.cos()], dim=1)


class VelocityMLP(nn.Module):
    r"""A velocity field :math:`v_\theta(x, t)`: an MLP on the flattened point and sinusoidal time features.

    Parameters
    ----------
    shape : tuple of int
        Shape of one point: ``(2,)`` for the toys, ``(1, 28, 28)`` for MNIST.
    hidden : int
        Width of the hidden layers.
    depth : int
        Number of hidden layers.
    time_dim : int
        Number of time features (even).
    skip : bool, default False
        Add a time-gated identity path, :math:`v_\theta(x, t) = f_\theta(x, t) + g_\theta(t)\, x`. The exact
        velocity of a Gaussian source, :math:`(\mathbb E[x_1 \mid x_t] - x_t)/(1 - t)`, carries a
        :math:`-x_t/(1-t)` term; an MLP narrower than its input (512 < 784 for MNIST) cannot pass the noise
        through its bottleneck, and its samples keep per-pixel noise (measured: FID ~1,400 at 23,000 steps
        without it). The gate costs one small MLP on the time features.
    """

    def __init__(self, shape=(2,), hidden=256, depth=3, time_dim=32, skip=False):
        super().__init__()
        positive(hidden, "hidden", integer=True)
        positive(depth, "depth", integer=True)
        if time_dim % 2:
            raise ValueError(f"time_dim must be even, got {time_dim}")
        self.shape, self.time_dim = tuple(shape), time_dim
        dim = int(np.prod(self.shape))
        layers, width = [], dim + time_dim + 1
        for _ in range(depth):
            layers += [nn.Linear(width, hidden), nn.SiLU()]
            width = hidden
        layers.append(nn.Linear(width, dim))
        self.net = nn.Sequential(*layers)
        self.gate = nn.Sequential(nn.Linear(time_dim + 1, 64), nn.SiLU(), nn.Linear(64, 1)) if skip else None
        self.config = {"shape": list(self.shape), "hidden": hidden, "depth": depth, "time_dim": time_dim}
        if skip:
            self.config["skip"] = True

    def forward(self, x, t):
        t = _time(t, x.shape[0], x)
        tf = torch.cat([t[:, None], time_embedding(t, self.time_dim)], dim=1)
        flat = x.reshape(len(x), -1)
        out = self.net(torch.cat([flat, tf], dim=1))
        if self.gate is not None:
            out = out + self.gate(tf) * flat
        return out.view_as(x)


def cfm_loss(velocity, x0, x1, t=None, sigma_min=0.0, generator=None):
    r"""The conditional flow-matching loss of paired points (Lipman et al., 2023, eq. 23):

    .. math:: \frac1n \sum_i \big\| v_\theta(x_{t_i}, t_i) - u_{t_i} \big\|^2, \qquad t_i \sim U[0, 1],

    with :math:`x_t, u_t` from :func:`conditional_path` (mean over points of the squared norm, divided by the
    dimension so that toys and images share a scale).
    """
    if t is None:
        t = torch.rand(len(x0), generator=generator).to(x0)
    x_t, u_t = conditional_path(x0, x1, t, sigma_min)
    return (velocity(x_t, t) - u_t).pow(2).mean()


# ---------------------------------------------------------------------------------------------------------------
# the ODE sampler and the straightness of its paths


@torch.no_grad()
def sample(velocity, x0, nfe, solver="euler", return_path=False):
    r"""Integrate :math:`\dot x = v(x, t)` from :math:`t = 0` to 1 with a fixed number of velocity evaluations.

    Euler takes ``nfe`` steps :math:`x \leftarrow x + h\, v(x, t)`; the midpoint rule
    :math:`x \leftarrow x + h\, v(x + \tfrac h2 v(x, t), t + \tfrac h2)` and Heun's method
    :math:`x \leftarrow x + \tfrac h2 [v(x, t) + v(x + h v(x, t), t + h)]` take ``nfe / 2`` steps of two
    evaluations each (second order: the error falls four-fold when ``nfe`` doubles, Euler's two-fold).

    Parameters
    ----------
    velocity : callable
        ``velocity(x, t)`` with ``t`` of shape (n,).
    x0 : Tensor, shape (n, ...)
        Starting points (source samples).
    nfe : int
        Number of function evaluations (even for midpoint / Heun).
    solver : {"euler", "midpoint", "heun"}
    return_path : bool
        Also return the states after each step.

    Returns
    -------
    x1 : Tensor, shape (n, ...)
        or ``(x1, path)`` with ``path`` of shape (steps + 1, n, ...) when ``return_path``.
    """
    positive(nfe, "nfe", integer=True)
    choice(solver, "solver", SOLVERS)
    if solver != "euler" and nfe % 2:
        raise ValueError(f"nfe must be even for solver={solver!r} (two evaluations a step), got {nfe}")
    was = getattr(velocity, "training", None)
    if was is not None:
        velocity.eval()
    steps = nfe if solver == "euler" else nfe // 2
    h = 1.0 / steps
    x, path = x0, [x0]
    for k in range(steps):
        t = torch.full((len(x),), k * h, dtype=x.dtype, device=x.device)
        v = velocity(x, t)
        if solver == "euler":
            x = x + h * v
        elif solver == "midpoint":
            x = x + h * velocity(x + 0.5 * h * v, t + 0.5 * h)
        else:
            x = x + 0.5 * h * (v + velocity(x + h * v, t + h))
        if return_path:
            path.append(x)
    if was:
        velocity.train()
    return (x, torch.stack(path)) if return_path else x


@torch.no_grad()
def straightness(velocity, x0, nfe=64):
    r"""How far the sampled paths are from straight lines (Liu et al., 2023, eq. 7):

    .. math:: S = \int_0^1 \mathbb E\, \big\| (x_1 - x_0) - v(x_t, t) \big\|^2 \, dt \Big/ \mathbb E\|x_1 - x_0\|^2 ,

    estimated on the Euler path with ``nfe`` steps (left Riemann sum). Zero exactly when every path is a line
    run at constant speed, which is what lets one Euler step land on :math:`x_1`; normalized by the squared
    length of the displacement so that toys and images compare.

    Returns
    -------
    float
    """
    x1, path = sample(velocity, x0, nfe, return_path=True)
    disp = (x1 - x0).reshape(len(x0), -1)
    dev = 0.0
    for k in range(nfe):
        t = torch.full((len(x0),), k / nfe, dtype=x0.dtype, device=x0.device)
        dev += (disp - velocity(path[k], t).reshape(len(x0), -1)).pow(2).sum(1).mean().item() / nfe
    return dev / max(disp.pow(2).sum(1).mean().item(), 1e-12)


def gaussian_ot_velocity(x, t, mean0, cov0, mean1, cov1):
    r"""The velocity of the :math:`W_2` displacement interpolation between two Gaussians (McCann, 1997).

    The OT map is :math:`T(x) = m_1 + A (x - m_0)` with
    :math:`A = \Sigma_0^{-1/2} (\Sigma_0^{1/2} \Sigma_1 \Sigma_0^{1/2})^{1/2} \Sigma_0^{-1/2}`; a point at time
    :math:`t` came from :math:`x_0 = M_t^{-1}(x_t - t (m_1 - A m_0))`, :math:`M_t = (1 - t) I + t A`, and moves at

    .. math:: v(x_t, t) = T(x_0) - x_0 .

    This is the field that minibatch-OT flow matching learns in the limit of large batches; it is what the tests
    compare with.

    Parameters
    ----------
    x : Tensor, shape (n, d)
    t : float in [0, 1]
    mean0, mean1 : Tensor, shape (d,)
    cov0, cov1 : Tensor, shape (d, d), symmetric positive definite

    Returns
    -------
    Tensor, shape (n, d)
    """
    from .transport import sqrtm_psd

    x = as_points(x, "x")
    s0 = sqrtm_psd(cov0)
    s0_inv = torch.linalg.inv(s0)
    A = s0_inv @ sqrtm_psd(s0 @ cov1 @ s0) @ s0_inv
    eye = torch.eye(len(A), dtype=A.dtype)
    M = (1 - t) * eye + t * A
    b = mean1 - A @ mean0
    x0 = torch.linalg.solve(M, (x - t * b).T).T
    return x0 @ (A - eye).T + b


# ---------------------------------------------------------------------------------------------------------------
# training


class FlowTrainer:
    r"""Train a velocity field by conditional flow matching with a given coupling, resumably.

    One Adam optimizer, one loss (:func:`cfm_loss`) on pairs from :func:`couple`. The clock is the process CPU
    time (``time.process_time``), so that two runs on a shared machine get the same budget of CPU work; the
    time spent in the coupling (the OT solve) is kept apart in ``coupling_seconds``.

    Parameters
    ----------
    velocity : nn.Module
    target : Tensor, shape (N, ...) or callable
        The data (minibatches drawn without replacement within an epoch) or ``target(n, generator)``.
    source : callable, optional
        ``source(n, generator)``: draws of :math:`p_0` (default a standard Gaussian of the data's shape).
    coupling : {"independent", "ot", "sinkhorn"}
    batch_size : int
    lr : float
    eps : float
        For ``coupling="sinkhorn"``.
    sigma_min : float
    seed : int
    checkpoint_path : str, optional
        Where :meth:`train` saves and resumes.
    """

    def __init__(self, velocity, target, source=None, coupling="ot", batch_size=256, lr=1e-3, eps=0.05,
                 sigma_min=0.0, seed=0, checkpoint_path=None):
        choice(coupling, "coupling", COUPLINGS)
        positive(batch_size, "batch_size", integer=True)
        positive(lr, "lr")
        self.velocity, self.target, self.coupling = velocity, target, coupling
        self.source = source or (lambda n, g: torch.randn(n, *velocity.shape, generator=g))
        self.batch_size, self.eps, self.sigma_min = batch_size, eps, sigma_min
        self.optimizer = torch.optim.Adam(velocity.parameters(), lr=lr)
        self.generator = torch.Generator().manual_seed(seed)
        self.checkpoint_path = checkpoint_path
        self.step, self.elapsed, self.coupling_seconds = 0, 0.0, 0.0
        self.history = {"step": [], "loss": []}
        self._perm, self._pos = None, 0
        self.config = {"velocity": velocity.config, "coupling": coupling, "batch_size": batch_size, "lr": lr,
                       "eps": eps if coupling == "sinkhorn" else None, "sigma_min": sigma_min, "seed": seed}
        if checkpoint_path and os.path.exists(checkpoint_path):
            self._resume(load_checkpoint(checkpoint_path))

    def _target_batch(self):
        if callable(self.target):
            return self.target(self.batch_size, self.generator)
        n = len(self.target)
        if self._perm is None or self._pos + self.batch_size > n:
            self._perm, self._pos = torch.randperm(n, generator=self.generator), 0
        idx = self._perm[self._pos:self._pos + self.batch_size]
        self._pos += self.batch_size
        return self.target[idx]

    def train_step(self):
        """One step: draw, pair, regress. Returns the loss."""
        x1 = self._target_batch()
        x0 = self.source(len(x1), self.generator).to(x1)
        t0 = time.process_time()
        x0, x1 = couple(x0, x1, self.coupling, self.eps, self.generator)
        self.coupling_seconds += time.process_time() - t0
        loss = cfm_loss(self.velocity, x0, x1, sigma_min=self.sigma_min, generator=self.generator)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        self.step += 1
        return loss.item()

    def train(self, n_steps=None, cpu_seconds=None, log_every=50, save_every=60.0, progress=None):
        """Train until ``n_steps`` steps or ``cpu_seconds`` of process CPU time in all (resumed runs included),
        saving to ``checkpoint_path`` every ``save_every`` CPU seconds and at the end. Returns ``self``."""
        if n_steps is None and cpu_seconds is None:
            raise ValueError("give n_steps or cpu_seconds (or both)")
        self.velocity.train()
        last_save = self.elapsed
        while (n_steps is None or self.step < n_steps) and (cpu_seconds is None or self.elapsed < cpu_seconds):
            t0 = time.process_time()
            loss = self.train_step()
            self.elapsed += time.process_time() - t0
            if self.step % log_every == 0 or self.step == 1:
                self.history["step"].append(self.step)
                self.history["loss"].append(loss)
                if progress:
                    progress(self)
            if self.checkpoint_path and self.elapsed - last_save > save_every:
                self.save()
                last_save = self.elapsed
        if self.checkpoint_path:
            self.save()
        return self

    @property
    def seconds_per_step(self):
        """Mean CPU seconds per step, and the share of it spent in the coupling: ``(total, coupling)``."""
        return self.elapsed / max(self.step, 1), self.coupling_seconds / max(self.step, 1)

    def state(self):
        return {"config": self.config, "velocity": self.velocity.state_dict(), "optimizer":
                self.optimizer.state_dict(), "step": self.step, "elapsed": self.elapsed,
                "coupling_seconds": self.coupling_seconds, "history": self.history,
                "generator": self.generator.get_state()}

    def save(self, path=None):
        return save_checkpoint(path or self.checkpoint_path, self.state())

    def _resume(self, ck):
        if ck.get("config") != self.config:
            raise ValueError(f"checkpoint at {self.checkpoint_path!r} has another config: {ck.get('config')}")
        self.velocity.load_state_dict(ck["velocity"])
        self.optimizer.load_state_dict(ck["optimizer"])
        self.step, self.elapsed, self.history = ck["step"], ck["elapsed"], ck["history"]
        self.coupling_seconds = ck["coupling_seconds"]
        self.generator.set_state(ck["generator"])

    def export(self, path, **extra):
        """Write the shipped form: float16 weights, config, history, timings and ``extra`` (e.g. metrics)."""
        state = {"config": self.config, "velocity": half_state_dict(self.velocity), "step": self.step,
                 "elapsed": self.elapsed, "coupling_seconds": self.coupling_seconds, "history": self.history}
        state.update(extra)
        return save_checkpoint(path, state)


def load_velocity(ck):
    """The :class:`VelocityMLP` of a checkpoint written by :meth:`FlowTrainer.export` (float32, eval mode)."""
    cfg = ck["config"]["velocity"]
    net = VelocityMLP(tuple(cfg["shape"]), cfg["hidden"], cfg["depth"], cfg["time_dim"], cfg.get("skip", False))
    return load_state(net, ck["velocity"]).eval()


# ---------------------------------------------------------------------------------------------------------------
# 2-D toys and MNIST: the book's experiments

TOY_PAIRS = {"8gaussians": ("gaussian", "8gaussians"), "moons": ("moons", "8gaussians"),
             "swissroll": ("gaussian", "swissroll")}
TOY_FILE = "flow_toys.pt"
MNIST_FILE = "flow_mnist_{}.pt"


def toy_source(name):
    """``source(n, generator)`` of a toy pair's source: a standard Gaussian or a 2-D toy."""
    if name == "gaussian":
        return lambda n, g: torch.randn(n, 2, generator=g)
    from .data import toy

    dist = toy(name)
    return lambda n, g: dist.sample(n, seed=int(torch.randint(2 ** 31, (1,), generator=g)))


def toy_trainer(pair, coupling, hidden=128, depth=3, batch_size=256, lr=2e-3, seed=0):
    """A :class:`FlowTrainer` for one of :data:`TOY_PAIRS` (source -> target)."""
    choice(pair, "pair", TOY_PAIRS)
    src, tgt = TOY_PAIRS[pair]
    torch.manual_seed(seed)
    return FlowTrainer(VelocityMLP((2,), hidden, depth), toy_source(tgt), toy_source(src), coupling,
                       batch_size, lr, seed=seed)


def toy_distances(velocity, pair, nfes=NFE_GRID, n=1000, seed=1):
    """Exact :math:`W_1` and :math:`W_2` (POT) between ``n`` flow samples and ``n`` fresh target points, for each
    number of Euler steps. Returns ``{nfe: {"W1": ..., "W2": ...}}``."""
    from .transport import wasserstein

    src, tgt = TOY_PAIRS[pair]
    g = torch.Generator().manual_seed(seed)
    x0, y = toy_source(src)(n, g), toy_source(tgt)(n, g)
    out = {}
    for nfe in nfes:
        x = sample(velocity, x0, nfe)
        out[nfe] = {"W1": float(wasserstein(x, y, p=1)), "W2": float(wasserstein(x, y, p=2))}
    return out


def train_toys(n_steps, couplings=("independent", "ot"), pairs=tuple(TOY_PAIRS), nfes=NFE_GRID, n_eval=1000,
               log=print):
    """Train a flow per toy pair and coupling for ``n_steps``, measure W1/W2 vs NFE, straightness and CPU time
    per step. Returns ``{(pair, coupling): {"trainer", "distances", "straightness", "sec_per_step",
    "coupling_sec_per_step"}}``."""
    out = {}
    for pair in pairs:
        for coupling in couplings:
            tr = toy_trainer(pair, coupling).train(n_steps)
            x0 = toy_source(TOY_PAIRS[pair][0])(1000, torch.Generator().manual_seed(2))
            total, solve = tr.seconds_per_step
            out[pair, coupling] = {"trainer": tr, "distances": toy_distances(tr.velocity, pair, nfes, n_eval),
                                   "straightness": straightness(tr.velocity, x0), "sec_per_step": total,
                                   "coupling_sec_per_step": solve}
            d = out[pair, coupling]["distances"]
            log(f"{pair:>10} {coupling:>11}: {n_steps} steps, {1e3 * total:.1f} ms/step ({1e3 * solve:.1f} in the "
                f"coupling), W2 at NFE {nfes[0]} / {nfes[-1]}: {d[nfes[0]]['W2']:.3f} / {d[nfes[-1]]['W2']:.3f}")
    return out


def ship_toys(results, path):
    """Save :func:`train_toys` results (float16 weights, configs, distances, timings) to ``path``."""
    state = {f"{pair}/{coupling}": {"config": r["trainer"].config, "velocity": half_state_dict(r["trainer"].velocity),
                                     "step": r["trainer"].step, "history": r["trainer"].history,
                                     "distances": r["distances"],
                                     "straightness": r["straightness"], "sec_per_step": r["sec_per_step"],
                                     "coupling_sec_per_step": r["coupling_sec_per_step"]}
             for (pair, coupling), r in results.items()}
    return save_checkpoint(path, state)


def load_toys(path):
    """The inverse of :func:`ship_toys`: the same dict, with ``"velocity"`` a loaded network."""
    out = {}
    for key, r in load_checkpoint(path).items():
        pair, coupling = key.split("/")
        r = dict(r, velocity=load_velocity(r))
        r["distances"] = {int(k): v for k, v in r["distances"].items()}
        out[pair, coupling] = r
    return out


MNIST_CONFIG = {"hidden": 512, "depth": 3, "time_dim": 32, "skip": True, "batch_size": 128, "lr": 5e-4}


def mnist_trainer(coupling, checkpoint_path=None, hidden=None, depth=None, batch_size=None, seed=0):
    """A :class:`FlowTrainer` on the 4,000 training digits (:func:`otgan.data.load_mnist`), Gaussian source."""
    from .data import load_mnist

    cfg = dict(MNIST_CONFIG)
    cfg.update({k: v for k, v in (("hidden", hidden), ("depth", depth), ("batch_size", batch_size)) if v})
    torch.manual_seed(seed)
    net = VelocityMLP((1, 28, 28), cfg["hidden"], cfg["depth"], cfg["time_dim"], cfg["skip"])
    return FlowTrainer(net, load_mnist("train", verbose=False).images, None, coupling, cfg["batch_size"],
                       cfg["lr"], seed=seed, checkpoint_path=checkpoint_path)


@torch.no_grad()
def generate_digits(velocity, n, nfe, seed=0, solver="euler", batch_size=500):
    """``n`` digits in [-1, 1] from the flow with ``nfe`` evaluations, from seeded Gaussian noise."""
    g = torch.Generator().manual_seed(seed)
    x0 = torch.randn(n, *velocity.shape, generator=g)
    return torch.cat([sample(velocity, x0[i:i + batch_size], nfe, solver)
                      for i in range(0, n, batch_size)]).clamp(-1, 1)


def evaluate_nfe(velocity, nfes=NFE_GRID, n=1000, seed=0):
    """The book's image metrics (:func:`otgan.metrics.evaluate`, 1,000 samples against the 1,000 held-out
    digits) at each NFE, with the CPU seconds the sampling took. Returns ``{nfe: metrics}``."""
    from .metrics import evaluate

    out = {}
    for nfe in nfes:
        t0 = time.process_time()
        x = generate_digits(velocity, n, nfe, seed)
        seconds = time.process_time() - t0
        m = evaluate(x)
        m["sampling_seconds"] = seconds
        out[nfe] = m
    return out


def best_nfe(by_nfe):
    """The NFE of lowest FID in an :func:`evaluate_nfe` table."""
    return min(by_nfe, key=lambda k: by_nfe[k]["fid"])


def load_mnist_flow(coupling, path=None):
    """The shipped MNIST flow of ``coupling``: ``(velocity, checkpoint dict)``."""
    from .runtime import data_path

    ck = load_checkpoint(path or data_path(MNIST_FILE.format(coupling)))
    ck["by_nfe"] = {int(k): v for k, v in ck["by_nfe"].items()}
    return load_velocity(ck), ck


def comparison_rows(couplings=("independent", "ot"), nfe=None):
    """Rows for the comparison chapter's MNIST table: the metrics of each shipped flow at ``nfe`` (default its
    best NFE) with ``nfe``, ``sampling_seconds`` (CPU s for 1,000 digits) and ``train_minutes`` (CPU)."""
    rows = {}
    for coupling in couplings:
        _, ck = load_mnist_flow(coupling)
        k = best_nfe(ck["by_nfe"]) if nfe is None else nfe
        rows[f"flow ({coupling}), NFE {k}"] = dict(ck["by_nfe"][k], nfe=k, train_minutes=ck["elapsed"] / 60)
    return rows


def reproduce(profile_name, cpu_minutes=None, runs_dir="runs", couplings=("independent", "ot"), toys=True,
              log=print):
    """Train and ship the book's flows: the 2-D toy flows (``data/flow_toys.pt``) and the two MNIST flows
    (``data/flow_mnist_<coupling>.pt``, ``cpu_minutes`` of process CPU time each, resumable from
    ``runs_dir``), each evaluated at every NFE of :data:`NFE_GRID`. Called by ``python -m otgan.reproduce
    --only flow``."""
    from .runtime import data_dir, settings

    toy_steps = settings(smoke=100, book=1500, full=3000, active=profile_name)
    cpu_minutes = cpu_minutes or settings(smoke=0.1, book=8.0, full=30.0, active=profile_name)
    toy_path = os.path.join(data_dir(), TOY_FILE)
    if toys and not os.path.exists(toy_path):
        ship_toys(train_toys(toy_steps, log=log), toy_path)
        log(f"wrote {toy_path}")
    for coupling in couplings:
        out = os.path.join(data_dir(), MNIST_FILE.format(coupling))
        if os.path.exists(out):
            log(f"{out}: done already")
            continue
        tr = mnist_trainer(coupling, checkpoint_path=os.path.join(runs_dir, f"flow_mnist_{coupling}.pt"))
        tr.train(cpu_seconds=60 * cpu_minutes, log_every=100,
                 progress=lambda t: log(f"{coupling}: step {t.step}, {t.elapsed / 60:.1f} CPU min, "
                                        f"loss {t.history['loss'][-1]:.4f}") if t.step % 1000 == 0 else None)
        x0 = torch.randn(256, 1, 28, 28, generator=torch.Generator().manual_seed(3))
        by_nfe = evaluate_nfe(tr.velocity)
        tr.export(out, by_nfe=by_nfe, straightness=straightness(tr.velocity, x0, 32), profile=profile_name)
        k = best_nfe(by_nfe)
        log(f"{coupling}: {tr.step} steps in {tr.elapsed / 60:.1f} CPU min ({tr.coupling_seconds:.0f} s pairing); "
            f"FID at NFE 4 {by_nfe[4]['fid']:.1f}, best {by_nfe[k]['fid']:.1f} at NFE {k}; wrote {out}")


# ---------------------------------------------------------------------------------------------------------------
# pictures


def plot_paths(path, target=None, ax=None, n_lines=200, title=None, lim=None):
    """Draw sampled ODE paths, shape (steps + 1, n, 2), as curves from their start (grey) to their end (colour),
    over the target density when a :class:`otgan.data.Toy` is given."""
    import matplotlib.pyplot as plt

    from .plotting import LIM, plot_samples

    path = path.detach().cpu()
    ax = ax or plt.subplots(figsize=(4.4, 4.4))[1]
    plot_samples(None, target, ax=ax, lim=lim or LIM, title=title)
    for k in range(min(n_lines, path.shape[1])):
        ax.plot(path[:, k, 0], path[:, k, 1], lw=0.5, c="k", alpha=0.35)
    ax.scatter(*path[0, :n_lines].T, s=4, c="0.5", label="$x_0$")
    ax.scatter(*path[-1, :n_lines].T, s=4, c="C1", label="$x_1$")
    return ax


# ---------------------------------------------------------------------------------------------------------------
# what the chapter calls: shipped models in the book profile, trained ones otherwise

REPRODUCE = "python -m otgan.reproduce --profile book --only flow"


def book_toys(active=None):
    """The 2-D flows of the chapter, ``{(pair, coupling): {"velocity", "distances", "straightness",
    "sec_per_step", "coupling_sec_per_step", "history", "step"}}``: loaded from ``data/flow_toys.pt`` in the
    ``book`` profile, trained here otherwise (a few steps in ``smoke``)."""
    from .runtime import data_path, profile, settings

    if profile(active) == "book":
        return load_toys(data_path(TOY_FILE, make=REPRODUCE))
    res = train_toys(settings(smoke=30, book=1500, full=3000, active=active),
                     nfes=settings(smoke=(1, 4, 16), book=NFE_GRID, active=active),
                     n_eval=settings(smoke=100, book=1000, active=active), log=lambda *a: None)
    return {key: dict(r, velocity=r["trainer"].velocity.eval(), history=r["trainer"].history,
                      step=r["trainer"].step) for key, r in res.items()}


def book_mnist(couplings=("independent", "ot"), active=None):
    """The MNIST flows of the chapter, ``{coupling: (velocity, info)}`` with ``info`` holding ``by_nfe`` (the
    metrics at each NFE), ``step``, ``elapsed`` (CPU s), ``coupling_seconds``, ``straightness``: the shipped
    ones in the ``book`` profile, a tiny network trained for a few steps in ``smoke``, the book's recipe with
    8 CPU minutes each in ``full``."""
    from .runtime import profile, settings

    if profile(active) == "book":
        from .runtime import data_path

        return {c: load_mnist_flow(c, data_path(MNIST_FILE.format(c), make=REPRODUCE)) for c in couplings}
    smoke = profile(active) == "smoke"
    out = {}
    for coupling in couplings:
        tr = mnist_trainer(coupling, **({"hidden": 64, "depth": 2} if smoke else {}))
        tr.train(n_steps=40) if smoke else tr.train(cpu_seconds=8 * 60)
        nfes = (1, 2, 4) if smoke else NFE_GRID
        x0 = torch.randn(64, 1, 28, 28, generator=torch.Generator().manual_seed(3))
        out[coupling] = (tr.velocity.eval(), {
            "by_nfe": evaluate_nfe(tr.velocity, nfes, n=settings(smoke=200, book=1000, active=active)),
            "step": tr.step, "elapsed": tr.elapsed, "coupling_seconds": tr.coupling_seconds,
            "history": tr.history, "config": tr.config,
            "straightness": straightness(tr.velocity, x0, settings(smoke=4, book=32, active=active))})
    return out
