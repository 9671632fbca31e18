"""Discriminator Optimal Transport (Tanaka, 2019): move generated samples along a trained critic.

A WGAN critic approximates a Kantorovich potential, so the optimal transport from the generated distribution
toward the data moves each sample :math:`y` to

.. math:: y^\\star = \\arg\\min_x \\; \\|x - y\\|_2 - \\frac{1}{K_{eff}} D(x)        \\quad \\text{(target space)}

or, through the generator, each latent code :math:`z_y` to

.. math:: z^\\star = \\arg\\min_z \\; \\|z - z_y\\|_2 - \\frac{1}{k_{eff}} D(G(z))    \\quad \\text{(latent space)}

with :math:`K_{eff}` (:math:`k_{eff}`) the effective Lipschitz constant of :math:`D` (of :math:`D \\circ G`),
estimated by :func:`otgan.lipschitz.effective_lipschitz`. Both are solved by a few gradient steps from the
starting point, all samples at once; the norm is smoothed as :math:`\\sqrt{\\|\\cdot\\|^2 + \\delta}` so that its
gradient exists at the start. Any (generator, critic) pair works: for a GAN discriminator, ``D`` is its logit.
"""
import torch

from ._checks import batch, choice, network, positive, same_shape
from .data import load_mnist
from .lipschitz import effective_lipschitz
from .metrics import generate

PROJECTIONS = ("sphere", "box", "none")


def _eval(module):
    was = module.training
    module.eval()
    return was


def _descend(x0, objective, n_steps, lr, project=None, return_path=False):
    x = x0.detach().clone().requires_grad_(True)
    path = [x0.detach().cpu()] if return_path else None
    for _ in range(n_steps):
        with torch.enable_grad():  # also inside a caller's no_grad block
            grad, = torch.autograd.grad(objective(x).sum(), x)
        with torch.no_grad():
            if project is not None:
                grad, new = project(x, grad)
                x.copy_(new(x - lr * grad))
            else:
                x -= lr * grad
        if return_path:
            path.append(x.detach().cpu())
    return (x.detach(), path) if return_path else x.detach()


def dot_target(critic, y, k_eff, n_steps=20, lr=0.01, delta=1e-3, return_path=False):
    """Target-space DOT (Tanaka, 2019, Algorithm 1): gradient descent on
    :math:`\\sqrt{\\|x - y\\|^2 + \\delta} - D(x)/K_{eff}` from :math:`x = y`, for every sample at once.

    Parameters
    ----------
    critic : nn.Module
        Maps samples to scalars (evaluated in eval mode).
    y : Tensor, shape (n, ...)
        Generated samples.
    k_eff : float
        Effective Lipschitz constant of the critic.
    n_steps : int
    lr : float
    delta : float
    return_path : bool
        Also return the list of iterates (for animations), on the CPU.

    Returns
    -------
    Tensor (and list of Tensor)
        The moved samples, same shape as ``y``.
    """
    k_eff, lr = positive(k_eff, "k_eff"), positive(lr, "lr")
    positive(n_steps, "n_steps", integer=True, allow_zero=True)
    positive(delta, "delta")
    network(critic, "critic")
    y0 = batch(y, "y").detach()
    was = _eval(critic)
    try:
        def objective(x):
            return ((x - y0).flatten(1).pow(2).sum(1) + delta).sqrt() - critic(x).reshape(-1) / k_eff
        return _descend(y0, objective, n_steps, lr, return_path=return_path)
    finally:
        critic.train(was)


def _latent_projection(kind, z0):
    if kind == "sphere":
        radius = z0.norm(dim=1, keepdim=True)

        def project(z, grad):
            # gradient on the tangent space of the sphere through z, then back to the sphere of radius |z_y|
            radial = (grad * z).sum(1, keepdim=True) / z.pow(2).sum(1, keepdim=True)
            return grad - radial * z, lambda new: new * radius / new.norm(dim=1, keepdim=True)
        return project
    if kind == "box":
        return lambda z, grad: (grad, lambda new: new.clamp(-1, 1))
    return None


#: The latent-DOT step the book applies to every MNIST generator: the setting of lowest FID in the DOT chapter's
#: sweep (lr x updates on the WGAN-GP, whose critic is the closest to a transport potential); the chapter checks
#: that it still is.
MNIST_LATENT = {"lr": 0.01, "n_steps": 10}


def dot_latent(generator, critic, z, k_eff, n_steps=25, lr=0.05, delta=1e-3, latent="gaussian",
               return_path=False):
    """Latent-space DOT (Tanaka, 2019, Algorithm 2): gradient descent on
    :math:`\\sqrt{\\|z - z_y\\|^2 + \\delta} - D(G(z))/k_{eff}` from :math:`z = z_y`.

    For a Gaussian prior the step uses the gradient projected on the tangent space of the sphere of radius
    :math:`\\|z_y\\|` and returns to that sphere (codes keep a typical norm); for a uniform prior on
    :math:`[-1, 1]^d` the codes are clipped to the box. Defaults are the best setting of the DOT report
    (lr 0.05, 25 updates, delta 1e-3).

    Parameters
    ----------
    generator, critic : nn.Module
        Evaluated in eval mode (batch norm statistics and dropout frozen).
    z : Tensor, shape (n, latent_dim)
    k_eff : float
        Effective Lipschitz constant of :math:`D \\circ G` in latent space (:func:`latent_lipschitz`).
    latent : {"gaussian", "uniform", "none"}
        The prior, which picks the projection ("none": no projection).

    Returns
    -------
    Tensor (and list of Tensor)
        The moved latent codes; decode them with ``generator``.
    """
    k_eff, lr = positive(k_eff, "k_eff"), positive(lr, "lr")
    positive(n_steps, "n_steps", integer=True, allow_zero=True)
    positive(delta, "delta")
    kind = {"gaussian": "sphere", "uniform": "box", "none": "none"}[choice(latent, "latent",
                                                                            ("gaussian", "uniform", "none"))]
    network(generator, "generator"), network(critic, "critic")
    z = batch(z, "z")
    if z.dim() != 2:
        raise ValueError(f"z must have shape (n, latent_dim), got {tuple(z.shape)}")
    if kind == "sphere" and (z.norm(dim=1) == 0).any():
        raise ValueError("z must have non-zero rows for a Gaussian latent (they are kept on their sphere)")
    z0 = z.detach()
    was_g, was_c = _eval(generator), _eval(critic)
    try:
        def objective(zz):
            return ((zz - z0).pow(2).sum(1) + delta).sqrt() - critic(generator(zz)).reshape(-1) / k_eff
        return _descend(z0, objective, n_steps, lr, _latent_projection(kind, z0), return_path)
    finally:
        generator.train(was_g)
        critic.train(was_c)


class EnergyWitness(torch.nn.Module):
    """The witness function of the energy distance on a critic's features, as the potential DOT follows.

    .. math:: D(x) = \\frac{1}{m}\\sum_{j=1}^m \\|h(x) - h(y_j)\\|_2 - \\frac{1}{n}\\sum_{i=1}^n \\|h(x) - h(x_i)\\|_2

    for real samples :math:`x_i`, generated samples :math:`y_j` and the critic's features :math:`h` (its
    ``features`` method). The Cramér GAN (Bellemare et al., 2017) trains its generator on the energy distance
    :math:`2\\mathbb{E}\\|h(X) - h(Y)\\| - \\mathbb{E}\\|h(X) - h(X')\\| - \\mathbb{E}\\|h(Y) - h(Y')\\|`,
    whose first variation in the generated distribution is :math:`-2D`: moving a sample up :math:`D` is the
    direction in which its generator's loss falls fastest. Its critic's scalar ``head`` is never trained (the
    losses use only the features), so the head is not a potential; this is. :math:`D` is high near the real
    samples and far from the generated ones, as a WGAN critic is.

    Parameters
    ----------
    critic : nn.Module
        A critic with a ``features(x)`` method returning shape (n, d); evaluated as given (put it in eval mode).
    real, fake : Tensor, shape (n, ...) and (m, ...)
        The reference samples; their features are computed once, without gradients.
    """

    def __init__(self, critic, real, fake):
        super().__init__()
        network(critic, "critic")
        if not callable(getattr(critic, "features", None)):
            raise TypeError(f"critic must have a features(x) method, got {type(critic).__name__}")
        real, fake = batch(real, "real"), batch(fake, "fake")
        same_shape(real, fake, "real", "fake", start=1)
        self.critic = critic
        with torch.no_grad():
            self.register_buffer("h_real", critic.features(real).detach())
            self.register_buffer("h_fake", critic.features(fake).detach())

    def forward(self, x):
        h = self.critic.features(x)
        return torch.cdist(h, self.h_fake).mean(1) - torch.cdist(h, self.h_real).mean(1)


#: The MNIST losses whose generator descends the energy distance on the critic's features with the critic's head
#: never trained: latent DOT follows their :class:`EnergyWitness` (:func:`potential`), not the head. OT-GAN's head
#: is never trained either, but its loss's analogues did worse than the head (seed 0, the book's DOT step; FID 222.9
#: before DOT): 203.0 along the head, 232.4 along the Sinkhorn witness of its loss (the dual potentials of fake to
#: real minus fake to fake, cosine cost, eps 0.05, 500 digits and 500 samples each), 254.3 along the energy
#: witness of its cosine cost; so it keeps its head (measured here).
WITNESS_LOSSES = ("cramer",)


def potential(trainer, n_ref=500, seed=0):
    """The potential latent DOT follows for a trained MNIST model: its critic (for a GAN discriminator, the
    logit), or, for a loss of :data:`WITNESS_LOSSES` (the Cramér GAN), the :class:`EnergyWitness` of its critic's
    features between ``n_ref`` training digits and ``n_ref`` samples of its generator (both drawn with ``seed``).

    Returns
    -------
    nn.Module or None
        None for a model without a critic.
    """
    positive(n_ref, "n_ref", integer=True)
    critic = getattr(trainer, "critic", None)
    if critic is None:
        return None
    critic = critic.float().eval()
    if trainer.config.get("loss") not in WITNESS_LOSSES:
        return critic
    real = load_mnist("train", verbose="once").images
    pick = torch.randperm(len(real), generator=torch.Generator().manual_seed(seed))[:n_ref]
    dev = next(critic.parameters()).device
    fake = generate(trainer.sampler.float(), n_ref, seed=seed + 1).to(dev)
    return EnergyWitness(critic, real[pick].to(dev), fake)


def latent_lipschitz(generator, critic, z, n_pairs=1000, n_repeats=10, generator_rng=None):
    """:math:`k_{eff}` of :math:`D \\circ G` over random pairs of latent codes ``z``
    (:func:`otgan.lipschitz.effective_lipschitz`), with both nets in eval mode."""
    network(generator, "generator"), network(critic, "critic")
    z = batch(z, "z", min_size=2)
    was_g, was_c = _eval(generator), _eval(critic)
    try:
        return effective_lipschitz(lambda t: critic(generator(t)), z, n_pairs=n_pairs, n_repeats=n_repeats,
                                   generator=generator_rng, batch_size=500)
    finally:
        generator.train(was_g)
        critic.train(was_c)


def target_lipschitz(critic, real, fake, n_pairs=1000, n_repeats=10, generator_rng=None):
    """:math:`K_{eff}` of the critic over random pairs of real and generated samples (critic in eval mode)."""
    network(critic, "critic")
    real, fake = batch(real, "real"), batch(fake, "fake")
    if real.shape[1:] != fake.shape[1:]:
        raise ValueError(f"real and fake must have the same sample shape, got {tuple(real.shape[1:])} and "
                         f"{tuple(fake.shape[1:])}")
    was = _eval(critic)
    try:
        return effective_lipschitz(critic, real, fake, n_pairs=n_pairs, n_repeats=n_repeats,
                                   generator=generator_rng)
    finally:
        critic.train(was)
