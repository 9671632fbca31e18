"""Pluggable GAN losses and critic hooks for the one trainer of the book.

A *critic loss* is called as ``critic_loss(critic, real, fake)`` and a *generator loss* as
``generator_loss(critic, real, fake)``; both return a scalar tensor to minimize, or ``(tensor, logs)`` where
``logs`` is a dict of floats the trainer records. A *critic hook* is called as ``hook(critic)`` after each critic
optimizer step (weight clipping is one).
"""
import torch
import torch.nn.functional as F

from ._checks import choice, gan_inputs, number, positive


class DiscriminatorLoss:
    """Binary cross-entropy of the GAN discriminator (Goodfellow et al., 2014).

    .. math:: \\mathcal{L}_D = -\\mathbb{E}_x[\\log D(x)] - \\mathbb{E}_z[\\log(1 - D(G(z)))]

    with :math:`D = \\sigma(\\text{logit})`, computed from logits for stability. ``real_label < 1`` is one-sided
    label smoothing (Salimans et al., 2016): the target for real data becomes e.g. 0.9, which keeps the
    discriminator from saturating on a small training set.
    """

    def __init__(self, real_label=1.0):
        if not 0.5 < number(real_label, "real_label") <= 1.0:
            raise ValueError(f"real_label must be in (0.5, 1], got {real_label}")
        self.real_label = real_label

    def __call__(self, critic, real, fake):
        real, fake = gan_inputs(critic, real, fake)
        lr, lf = critic(real), critic(fake)
        loss = F.binary_cross_entropy_with_logits(lr, torch.full_like(lr, self.real_label)) + \
            F.binary_cross_entropy_with_logits(lf, torch.zeros_like(lf))
        d_real, d_fake = torch.sigmoid(lr).mean().detach(), torch.sigmoid(lf).mean().detach()
        return loss, {"D(real)": float(d_real), "D(fake)": float(d_fake)}

    def __repr__(self):
        return f"DiscriminatorLoss(real_label={self.real_label})"


discriminator_loss = DiscriminatorLoss()


def minimax_generator_loss(critic, real, fake):
    """The original (saturating) generator loss :math:`\\mathbb{E}_z[\\log(1 - D(G(z)))]`, minimized.

    Its gradient vanishes when the discriminator confidently rejects fakes (:math:`D(G(z)) \\to 0`).
    """
    real, fake = gan_inputs(critic, real, fake)
    return -F.softplus(critic(fake)).mean()  # log(1 - sigmoid(l)) = -softplus(l)


def nonsaturating_generator_loss(critic, real, fake):
    """The non-saturating generator loss :math:`-\\mathbb{E}_z[\\log D(G(z))]` (Goodfellow et al., 2014)."""
    real, fake = gan_inputs(critic, real, fake)
    return F.softplus(-critic(fake)).mean()  # -log sigmoid(l) = softplus(-l)


def wasserstein_critic_loss(critic, real, fake):
    """WGAN critic loss (Arjovsky et al., 2017): minimize :math:`\\mathbb{E}[D(G(z))] - \\mathbb{E}[D(x)]`.

    Minus this loss, for a 1-Lipschitz critic at its optimum, is the Kantorovich-Rubinstein estimate of
    :math:`W_1`; it is logged as ``"W1 estimate"``.
    """
    real, fake = gan_inputs(critic, real, fake)
    gap = critic(real).mean() - critic(fake).mean()
    return -gap, {"W1 estimate": float(gap.detach())}


def wasserstein_generator_loss(critic, real, fake):
    """WGAN generator loss: minimize :math:`-\\mathbb{E}_z[D(G(z))]`."""
    real, fake = gan_inputs(critic, real, fake)
    return -critic(fake).mean()


def full_precision(device):
    """A context in which autocast is off on ``device``: float32 for the numerics that need it (the gradient
    penalty's double backward, Sinkhorn solves) inside a bf16-autocast training step."""
    return torch.autocast(torch.device(device).type, enabled=False)


def interpolate_gradient_norms(critic, real, fake, create_graph=False):
    """Gradient norms of the critic at random interpolates of real and generated samples.

    .. math:: \\|\\nabla D(\\hat x)\\|_2,\\quad \\hat x = t x + (1 - t) G(z),\\ t \\sim U[0, 1]

    What the gradient penalty holds near 1 (Gulrajani et al., 2017); computed in at least float32, with autocast
    off, so the double backward of the penalty is exact under bf16 training.

    Parameters
    ----------
    critic : callable
        Maps a batch to one value per sample.
    real, fake : Tensor, shape (n, ...)
    create_graph : bool
        Keep the graph (for a penalty that is backpropagated).

    Returns
    -------
    Tensor, shape (n,)
    """
    real, fake = gan_inputs(critic, real, fake)
    if real.shape != fake.shape:
        raise ValueError(f"real and fake must have the same shape, got {tuple(real.shape)} and {tuple(fake.shape)}")
    dtype = torch.promote_types(torch.promote_types(real.dtype, fake.dtype), torch.float32)  # never below fp32
    real, fake = real.detach().to(dtype), fake.detach().to(dtype)
    t = torch.rand(real.shape[0], *([1] * (real.dim() - 1)), device=real.device, dtype=real.dtype)
    x_hat = (t * real + (1 - t) * fake).requires_grad_(True)
    with full_precision(real.device):  # the double backward stays in float32 under bf16 autocast
        grad, = torch.autograd.grad(critic(x_hat).to(dtype).sum(), x_hat, create_graph=create_graph)
    return grad.flatten(1).norm(dim=1)


def gradient_penalty(critic, real, fake, one_sided=False):
    """Gradient penalty of WGAN-GP (Gulrajani et al., 2017) on random interpolates.

    .. math:: \\mathbb{E}_{\\hat x}\\big[(\\|\\nabla D(\\hat x)\\|_2 - 1)^2\\big],\\quad
              \\hat x = t x + (1 - t) G(z),\\ t \\sim U[0, 1]

    ``one_sided=True`` penalizes only norms above one: :math:`\\max(0, \\|\\nabla D\\| - 1)^2`.
    """
    excess = interpolate_gradient_norms(critic, real, fake, create_graph=True) - 1
    if one_sided:
        excess = excess.clamp(min=0)
    return excess.pow(2).mean()


class WGANGPCriticLoss:
    """WGAN critic loss plus :math:`\\lambda` times the gradient penalty (Gulrajani et al., 2017; lambda 10)."""

    def __init__(self, lam=10.0, one_sided=False):
        self.lam = positive(lam, "lam", allow_zero=True)
        if not isinstance(one_sided, bool):
            raise TypeError(f"one_sided must be a bool, got {one_sided!r}")
        self.one_sided = one_sided

    def __call__(self, critic, real, fake):
        loss, logs = wasserstein_critic_loss(critic, real, fake)
        gp = gradient_penalty(critic, real, fake, self.one_sided)
        logs["gradient penalty"] = float(gp.detach())
        return loss + self.lam * gp, logs

    def __repr__(self):
        return f"WGANGPCriticLoss(lam={self.lam}, one_sided={self.one_sided})"


class WeightClipping:
    """Critic hook of the original WGAN: clamp every parameter to :math:`[-c, c]` after each critic step."""

    def __init__(self, c=0.01):
        self.c = positive(c, "c")

    @torch.no_grad()
    def __call__(self, critic):
        if not isinstance(critic, torch.nn.Module):
            raise TypeError(f"critic must be a torch.nn.Module, got {type(critic).__name__}")
        for p in critic.parameters():
            p.clamp_(-self.c, self.c)

    def __repr__(self):
        return f"WeightClipping(c={self.c})"


def hinge_critic_loss(critic, real, fake):
    """Hinge loss of the SN-GAN critic (Lim & Ye, 2017; Miyato et al., 2018), minimized:

    .. math:: \\mathcal{L}_D = \\mathbb{E}_x[\\max(0, 1 - D(x))] + \\mathbb{E}_z[\\max(0, 1 + D(G(z)))]

    The margins stop the critic from pushing real and fake scores apart once they are separated by 1, so a
    spectrally normalized critic keeps useful gradients; ``D(real) - D(fake)`` is logged as ``"margin"``.
    """
    real, fake = gan_inputs(critic, real, fake)
    d_real, d_fake = critic(real), critic(fake)
    loss = F.relu(1 - d_real).mean() + F.relu(1 + d_fake).mean()
    return loss, {"margin": float((d_real.mean() - d_fake.mean()).detach())}


def hinge_generator_loss(critic, real, fake):
    """Generator loss of the hinge SN-GAN (Miyato et al., 2018): minimize :math:`-\\mathbb{E}_z[D(G(z))]`."""
    real, fake = gan_inputs(critic, real, fake)
    return -critic(fake).mean()


class CriticSchedule:
    """Critic steps per generator step of the reference WGAN code (Arjovsky et al., 2017,
    martinarjovsky/WassersteinGAN ``main.py``): ``burst`` critic steps for the first ``warmup`` generator steps
    and at every ``every``-th one, ``n_critic`` otherwise, so that the clipped critic is near its optimum
    whenever the generator relies on it.

    .. math:: n_D(t) = \\begin{cases}100 & t < 25 \\text{ or } t \\bmod 500 = 0\\\\ 5 & \\text{otherwise}
              \\end{cases}

    Called as ``schedule(step) -> int`` with the generator step ``step`` (0-based).

    Example
    -------
    >>> s = CriticSchedule()
    >>> [s(0), s(24), s(25), s(500), s(501)]
    [100, 100, 5, 100, 5]
    """

    def __init__(self, n_critic=5, burst=100, warmup=25, every=500):
        self.n_critic = positive(n_critic, "n_critic", integer=True)
        self.burst = positive(burst, "burst", integer=True)
        self.warmup = positive(warmup, "warmup", integer=True, allow_zero=True)
        self.every = positive(every, "every", integer=True)

    def __call__(self, step):
        positive(step, "step", integer=True, allow_zero=True)
        return self.burst if step < self.warmup or step % self.every == 0 else self.n_critic

    def __repr__(self):
        return f"CriticSchedule(n_critic={self.n_critic}, burst={self.burst}, warmup={self.warmup}, every={self.every})"


GAN_LOSSES = {
    "minimax": (discriminator_loss, minimax_generator_loss),
    "nonsaturating": (discriminator_loss, nonsaturating_generator_loss),
    "wgan": (wasserstein_critic_loss, wasserstein_generator_loss),
    "wgan-gp": (WGANGPCriticLoss(10.0), wasserstein_generator_loss),
    "hinge": (hinge_critic_loss, hinge_generator_loss),
}


def gan_losses(name):
    """Return ``(critic_loss, generator_loss)`` for ``"minimax"``, ``"nonsaturating"``, ``"wgan"``, ``"wgan-gp"`` or
    ``"hinge"``."""
    return GAN_LOSSES[choice(name, "name", GAN_LOSSES)]
