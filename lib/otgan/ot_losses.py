"""Optimal-transport losses for generators, pluggable into the one trainer (:class:`otgan.training.Trainer`).

Every class here is called as ``loss(critic, real, fake)`` like the losses of :mod:`otgan.losses`; those that
need no critic ignore it (train them with ``critic=None, n_critic=0``). ``features=True`` compares the critic's
penultimate-layer features (``critic.features``) instead of pixels.

* :class:`SlicedLoss` — sliced Wasserstein (Deshpande et al., 2018), in pixel or feature space.
* :class:`MaxSlicedLoss` — max-sliced Wasserstein with the direction optimized (Deshpande et al., 2019).
* :class:`SinkhornGeneratorLoss` — minibatch Sinkhorn loss or divergence (Genevay et al., 2018).
* :class:`CramerCriticLoss`, :class:`CramerGeneratorLoss` — the Cramér GAN (Bellemare et al., 2017).
* :class:`OTGANLoss` — the mini-batch energy distance of OT-GAN (Salimans et al., 2018).
"""
import warnings

import torch

from ._checks import batch, choice, positive, promote, same_shape
from .losses import full_precision, gradient_penalty
from .transport import SinkhornConvergenceWarning, _divergence, _pair, _sinkhorn, _sort_rows, _sorted_rows_cost, \
    cost_matrix, cosine_cost, energy_distance, max_sliced_wasserstein, random_projections, sliced_wasserstein


def _batches(real, fake):
    """``real`` and ``fake`` checked: finite tensors of the same sample shape, one dtype, one device."""
    real, fake = batch(real, "real"), batch(fake, "fake")
    same_shape(real, fake, "real", "fake", start=1)
    return promote((real, "real"), (fake, "fake"))


def _features(critic):
    """The critic's feature map (``features=True``, Cramér and OT-GAN losses need one)."""
    if critic is None or not callable(getattr(critic, "features", None)):
        raise ValueError(f"critic must have a .features(x) method (features=True), got {type(critic).__name__}")
    return critic.features


def _embed(critic, real, fake, features):
    """Flattened pixels, or the critic's features of ``real`` (detached) and ``fake``."""
    real, fake = _batches(real, fake)
    if features:
        h = _features(critic)
        return h(real).detach(), h(fake)
    return real.flatten(1), fake.flatten(1)


def _halves(t, name):
    if t.shape[0] < 4 or t.shape[0] % 2:
        raise ValueError(f"{name} batch must have an even size >= 4 (it is split in two), got {t.shape[0]}")
    return t.chunk(2)


def _two_batch_pairs(x1, x2, y1, y2):
    """The six pairs of OT-GAN's two-batch energy form (Salimans et al., 2018), in the order :func:`_two_batch_form`
    weighs them: (X,Y), (X,Y'), (X',Y), (X',Y'), (X,X'), (Y,Y')."""
    return (x1, y1), (x1, y2), (x2, y1), (x2, y2), (x1, x2), (y1, y2)


def _two_batch_form(w):
    """W(X,Y) + W(X,Y') + W(X',Y) + W(X',Y') - 2 W(X,X') - 2 W(Y,Y') of the six costs of :func:`_two_batch_pairs`."""
    return w[0] + w[1] + w[2] + w[3] - 2 * w[4] - 2 * w[5]


def _float32(*tensors):
    """The tensors in at least float32: the Sinkhorn solves run outside bf16 autocast (log-domain potentials at
    small eps need more than bf16's 8-bit mantissa), on inputs upcast from bf16/float16 where autocast made them."""
    return [t.float() if t.dtype in (torch.bfloat16, torch.float16) else t for t in tensors]


def _energy_terms(x1, x2, y1, y2, cost, eps, n_iter, tol, grad):
    """The two-batch energy form of entropic OT costs and the six solves behind it, with ``cost`` a function of two
    point clouds."""
    results = [_sinkhorn(None, None, cost(a, b), eps, n_iter, tol, grad, 0.5)[0]
               for a, b in _two_batch_pairs(x1, x2, y1, y2)]
    return _two_batch_form([r.cost for r in results]), results


class _SinkhornBudget:
    """What the Sinkhorn losses share: a fixed iteration budget by design (``tol=0``, the iterations of
    Genevay et al.'s "Sinkhorn AutoDiff") and an honest report of what it reaches.

    Every call records the worst marginal error :math:`\\|P1 - a\\|_1 + \\|P^\\top 1 - b\\|_1` of its Sinkhorn
    solves in ``marginal_error`` and counts the calls above ``warn_tol`` in ``n_unconverged``; the first such
    call of a loss object issues one :class:`otgan.transport.SinkhornConvergenceWarning` (once per object, not
    once per training step). ``tol > 0`` lets the iterations stop early once the marginals hold to ``tol``.
    """

    def _init_budget(self, n_iter, tol, warn_tol):
        self.n_iter = positive(n_iter, "n_iter", integer=True)
        self.tol = positive(tol, "tol", allow_zero=True)
        self.warn_tol = positive(warn_tol, "warn_tol")
        self.marginal_error, self.n_calls, self.n_unconverged = float("nan"), 0, 0

    def _record(self, results):
        self.n_calls += 1
        self.marginal_error = max(r.marginal_error for r in results)
        if self.marginal_error > self.warn_tol:
            self.n_unconverged += 1
            if self.n_unconverged == 1:
                warnings.warn(f"{self!r}: Sinkhorn marginal error {self.marginal_error:.3g} > warn_tol "
                              f"{self.warn_tol:g} after n_iter={self.n_iter} iterations (warned once per loss "
                              "object; raise n_iter or eps, see .n_unconverged)", SinkhornConvergenceWarning,
                              stacklevel=3)


#: The estimators of :class:`SlicedLoss`.
SLICED_KINDS = ("one-batch", "two-batch")


class SlicedLoss:
    """Generator loss :math:`SW_p(\\mu_\\theta, \\nu)` over ``n_projections`` fresh random directions per call.

    .. math:: SW_p^p(\\mu, \\nu) \\approx \\frac1L \\sum_{l=1}^L W_p^p(\\theta_{l\\#}\\mu, \\theta_{l\\#}\\nu)

    In pixel space (``features=False``) no critic is needed: the generator is fitted to the data directly
    (Deshpande et al., 2018, Sec. 3). With ``features=True`` the discriminator of a GAN supplies the space in
    which the slices are taken (Deshpande et al., 2018, Sec. 4).

    ``kind="two-batch"`` takes OT-GAN's energy form of the same sliced costs instead (Salimans et al., 2018): each
    batch split in halves :math:`X, X'` (generated) and :math:`Y, Y'` (real), with one set of directions for all six
    terms,

    .. math:: \\sum_{A \\in \\{X, X'\\}, B \\in \\{Y, Y'\\}} SW_p^p(A, B) - 2\\, SW_p^p(X, X') - 2\\, SW_p^p(Y, Y'),

    whose expectation is zero when the generator draws from the data; the one-batch :math:`SW_p(G_n, Y_n)` is a
    biased estimate of :math:`SW_p(\\mu_\\theta, \\nu)` whose expectation need not be lowest there
    (:func:`otgan.minibatch.preference`).

    Parameters
    ----------
    n_projections : int
    p : float
    features : bool
    kind : {"one-batch", "two-batch"}
    """

    def __init__(self, n_projections=1000, p=2, features=False, kind="one-batch"):
        self.n_projections = positive(n_projections, "n_projections", integer=True)
        self.p = positive(p, "p")
        self.features = bool(features)
        self.kind = choice(kind, "kind", SLICED_KINDS)

    def __call__(self, critic, real, fake):
        r, f = _embed(critic, real, fake, self.features)
        if self.kind == "one-batch":
            return sliced_wasserstein(f, r, self.n_projections, self.p)
        (x1, x2), (y1, y2) = _halves(f, "fake"), _halves(r, "real")
        theta = random_projections(f.shape[1], self.n_projections, device=f.device, dtype=f.dtype)
        # each half projected and sorted once (four sorts, not twelve); equal halves pair sorted rows directly
        x1, x2, y1, y2 = (_sort_rows(theta.T @ h.T) for h in (x1, x2, y1, y2))
        return _two_batch_form([_sorted_rows_cost(a, b, self.p).mean() for a, b in _two_batch_pairs(x1, x2, y1, y2)])

    def __repr__(self):
        kind = "" if self.kind == "one-batch" else f", kind={self.kind!r}"
        return f"SlicedLoss(n_projections={self.n_projections}, p={self.p}, features={self.features}{kind})"


class MaxSlicedLoss:
    """Generator loss :math:`\\max_\\theta W_p(\\theta_\\#\\mu_\\theta, \\theta_\\#\\nu)` (Deshpande et al., 2019).

    The direction is found by :func:`otgan.transport.max_sliced_wasserstein` (projected gradient ascent on the
    sphere), warm-started from the previous call's direction, and then held fixed while the generator descends.
    The direction is kept in ``self.direction``; it is not part of checkpoints (a resumed run re-finds it).
    """

    def __init__(self, p=2, features=True, n_init=16, n_steps=10, lr=0.1):
        self.p = positive(p, "p")
        self.features = bool(features)
        self.n_init = positive(n_init, "n_init", integer=True)
        self.n_steps = positive(n_steps, "n_steps", integer=True, allow_zero=True)
        self.lr = positive(lr, "lr")
        self.direction = None

    def __call__(self, critic, real, fake):
        r, f = _embed(critic, real, fake, self.features)
        direction = self.direction if self.direction is not None and self.direction.shape[0] == r.shape[1] else None
        dist, self.direction = max_sliced_wasserstein(f, r, self.p, n_init=self.n_init, n_steps=self.n_steps,
                                                      lr=self.lr, direction=direction)
        return dist

    def __repr__(self):
        return f"MaxSlicedLoss(p={self.p}, features={self.features}, n_steps={self.n_steps})"


SINKHORN_KINDS = ("divergence", "entropic", "two-batch")


class SinkhornGeneratorLoss(_SinkhornBudget):
    """Minibatch Sinkhorn loss between generated and real samples (Genevay et al., 2018), no critic.

    ``kind="entropic"`` is the raw entropic cost :math:`OT_\\varepsilon(\\mu_\\theta, \\nu)`, biased toward
    shrunken samples for large :math:`\\varepsilon`; ``kind="divergence"`` is the debiased
    :math:`S_\\varepsilon = OT_\\varepsilon(\\mu, \\nu) - \\frac12 OT_\\varepsilon(\\mu, \\mu) -
    \\frac12 OT_\\varepsilon(\\nu, \\nu)`, each term on the same two batches; ``kind="two-batch"`` splits each
    batch in halves :math:`X, X'` (generated) and :math:`Y, Y'` (real) and takes OT-GAN's energy form of the same
    entropic costs, :math:`OT(X,Y) + OT(X,Y') + OT(X',Y) + OT(X',Y') - 2\\,OT(X,X') - 2\\,OT(Y,Y')` (Salimans et
    al., 2018): its expectation is zero when the generator draws from the data. The one-batch divergence is not: its
    expected minibatch value can be lower for a blurred generator than for the data itself (measured with
    :func:`otgan.minibatch.preference` on 8 Gaussians in the comparison chapter and on MNIST in the Sinkhorn
    chapter), so SGD on it has no reason to leave the blur. ``grad="autodiff"`` backpropagates through the
    ``n_iter`` log-domain iterations (the paper's "Sinkhorn AutoDiff"); ``"envelope"`` uses the fixed plan. ``eps`` is in the units of
    the cost (squared pixel distances for ``"sqeuclidean"``; see :func:`otgan.transport.sinkhorn`). The
    iteration budget is fixed and its marginal error reported as described in :class:`_SinkhornBudget`
    (``tol``, ``warn_tol``, ``marginal_error``, ``n_unconverged``).
    """

    def __init__(self, eps=1.0, n_iter=50, kind="divergence", grad="envelope", cost="sqeuclidean", tol=0.0,
                 warn_tol=1e-2):
        self.eps = positive(eps, "eps")
        self._init_budget(n_iter, tol, warn_tol)
        self.kind = choice(kind, "kind", SINKHORN_KINDS)
        self.grad, self.cost = choice(grad, "grad", ("envelope", "autodiff")), cost

    def __call__(self, critic, real, fake):
        real, fake = _batches(real, fake)
        f, r = _pair(*_float32(fake.flatten(1), real.flatten(1)))
        with full_precision(f.device):  # the solves in float32 even inside a bf16-autocast step
            if self.kind == "divergence":
                value, results, _ = _divergence(f, r, self.eps, self.cost, self.n_iter, self.tol, self.grad, 0.5)
            elif self.kind == "two-batch":
                (f1, f2), (r1, r2) = _halves(f, "fake"), _halves(r, "real")
                value, results = _energy_terms(f1, f2, r1, r2, lambda a, b: cost_matrix(a, b, self.cost),
                                               self.eps, self.n_iter, self.tol, self.grad)
            else:
                res, _ = _sinkhorn(None, None, cost_matrix(f, r, self.cost), self.eps, self.n_iter, self.tol,
                                   self.grad, 0.5)
                value, results = res.cost, [res]
        self._record(results)
        return value

    def __repr__(self):
        return f"SinkhornGeneratorLoss(eps={self.eps}, n_iter={self.n_iter}, kind={self.kind!r}, grad={self.grad!r})"


class EnergyLoss:
    """Generator loss: the energy distance between generated and real batches in pixel space, no critic
    (:func:`otgan.transport.energy_distance`; the limit of the Sinkhorn divergence as eps grows, for the
    Euclidean cost)."""

    def __call__(self, critic, real, fake):
        real, fake = _batches(real, fake)
        return energy_distance(fake.flatten(1), real.flatten(1))

    def __repr__(self):
        return "EnergyLoss()"


def _cramer_terms(h_real, h_fake1, h_fake2):
    """Bellemare et al.'s energy distance estimate with two independent generated batches."""
    return ((h_real - h_fake1).norm(dim=1).mean() + (h_real - h_fake2).norm(dim=1).mean()
            - (h_fake1 - h_fake2).norm(dim=1).mean())


class CramerGeneratorLoss:
    """Generator loss of the Cramér GAN (Bellemare et al., 2017, Algorithm 1), on critic features :math:`h`.

    .. math:: \\mathcal{L}_G = \\mathbb{E}\\|h(x_r) - h(x_g)\\| + \\mathbb{E}\\|h(x_r) - h(x_g')\\|
              - \\mathbb{E}\\|h(x_g) - h(x_g')\\|

    (the energy distance up to the constant :math:`\\mathbb{E}\\|h(x_r) - h(x_r')\\|`); the fake batch is split
    into the two independent batches :math:`x_g, x_g'`. Its sample gradients are unbiased.
    """

    def __call__(self, critic, real, fake):
        h = _features(critic)
        real, fake = _batches(real, fake)
        f1, f2 = _halves(fake, "fake")
        return _cramer_terms(h(real[: len(f1)]).detach(), h(f1), h(f2))

    def __repr__(self):
        return "CramerGeneratorLoss()"


class CramerCriticLoss:
    """Critic loss of the Cramér GAN: maximize the surrogate
    :math:`f(x_r) - f(x_g)` with :math:`f(x) = \\|h(x) - h(x_g')\\| - \\|h(x)\\|`, plus :math:`\\lambda` times the
    gradient penalty on :math:`f` (Bellemare et al., 2017, Algorithm 1; :math:`\\lambda = 10`).
    """

    def __init__(self, lam=10.0):
        self.lam = positive(lam, "lam", allow_zero=True)

    def __call__(self, critic, real, fake):
        _features(critic)
        real, fake = _batches(real, fake)
        f1, f2 = _halves(fake, "fake")
        real = real[: len(f1)]
        h2 = critic.features(f2)

        def surrogate(x):
            hx = critic.features(x)
            return (hx - h2).norm(dim=1) - hx.norm(dim=1)

        gap = surrogate(real).mean() - surrogate(f1).mean()
        gp = gradient_penalty(surrogate, real, f1)
        return -gap + self.lam * gp, {"surrogate": float(gap.detach()), "gradient penalty": float(gp.detach())}

    def __repr__(self):
        return f"CramerCriticLoss(lam={self.lam})"


class OTGANLoss(_SinkhornBudget):
    """The mini-batch energy distance of OT-GAN (Salimans et al., 2018), with two independent batches per side.

    .. math:: \\mathcal{D}^2 = \\mathcal{W}_c(X, Y) + \\mathcal{W}_c(X, Y') + \\mathcal{W}_c(X', Y)
              + \\mathcal{W}_c(X', Y') - 2\\mathcal{W}_c(X, X') - 2\\mathcal{W}_c(Y, Y')

    where :math:`\\mathcal{W}_c` is the entropic OT cost (Sinkhorn, ``eps``) for the learned cosine cost
    :math:`c(x, y) = 1 - \\langle v(x), v(y)\\rangle / \\|v(x)\\|\\|v(y)\\|` on the critic's features :math:`v`.
    No gradient flows through the Sinkhorn iterations (envelope gradient at the fixed plan). The generator
    minimizes :math:`\\mathcal{D}^2`; the critic maximizes it (``critic_loss()`` gives its loss, the negative).
    Real and fake batches are each split into the two halves :math:`X, X'` and :math:`Y, Y'`. ``eps`` is in
    the units of the cosine cost, which lies in [0, 2]; the fixed iteration budget and its report are those of
    :class:`_SinkhornBudget`.
    """

    def __init__(self, eps=0.05, n_iter=100, tol=0.0, warn_tol=1e-2):
        self.eps = positive(eps, "eps")
        self._init_budget(n_iter, tol, warn_tol)

    def value(self, critic, real, fake):
        """:math:`\\mathcal{D}^2` for one real and one generated batch (each split in two halves)."""
        features = _features(critic)
        real, fake = _batches(real, fake)
        x1, x2 = _halves(real, "real")
        y1, y2 = _halves(fake, "fake")
        v = features(torch.cat([x1, x2, y1, y2]))
        vx1, vx2, vy1, vy2 = _float32(*v.chunk(4))
        with full_precision(v.device):  # the six solves in float32 even inside a bf16-autocast step
            value, results = _energy_terms(vx1, vx2, vy1, vy2, cosine_cost, self.eps, self.n_iter, self.tol,
                                           "envelope")
        self._record(results)
        return value

    def __call__(self, critic, real, fake):
        return self.value(critic, real, fake)

    def critic_loss(self):
        """The critic's loss: :math:`-\\mathcal{D}^2`, with the value logged as ``"OT-GAN distance"``."""
        def loss(critic, real, fake):
            d2 = self.value(critic, real, fake)
            return -d2, {"OT-GAN distance": float(d2.detach())}
        return loss

    def __repr__(self):
        return f"OTGANLoss(eps={self.eps}, n_iter={self.n_iter})"
