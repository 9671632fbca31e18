"""The named MNIST models of the book: one place that says how each is built and trained.

``build(name)`` returns a ready :class:`otgan.training.Trainer` (nets, losses, optimizers, config) and the number
of generator steps of the ``book`` / ``full`` profile; chapters and :mod:`otgan.reproduce` both call it, so the
shipped checkpoint in ``data/<name>.pt`` always matches the chapter's config.
"""
import os

import torch

from . import losses, nets
from ._checks import choice
from .data import load_mnist
from .runtime import device as default_device
from .runtime import settings
from .training import Trainer

DATA_DIR = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "data"))


def _adam(params, lr, betas):
    """Adam, or RMSProp when ``betas`` is None (the original WGAN)."""
    if betas is None:
        return torch.optim.RMSprop(params, lr=lr)
    return torch.optim.Adam(params, lr=lr, betas=betas)


def _mlp_pair(latent_dim, spectral_norm=False, dropout=0.0, batch_norm=False):
    g = nets.MLPGenerator(latent_dim, (1, 28, 28), hidden=(512, 512, 512), out_activation="tanh",
                          batch_norm=batch_norm)
    d = nets.MLPCritic((1, 28, 28), hidden=(512, 512, 512), spectral_norm=spectral_norm, dropout=dropout)
    return g, d


def _wgan_gp_mlp(dev):
    """MLP WGAN-GP (Gulrajani et al., 2017): lambda 10, n_critic 5, Adam 2e-4 betas (0, 0.9), batch 64.
    The base model of the DOT chapter."""
    g, d = _mlp_pair(128)
    cfg = {"name": "wgan_gp_mlp", "latent": 128, "hidden": 512, "loss": "wgan-gp", "lambda": 10, "n_critic": 5,
           "lr": 2e-4, "betas": (0.0, 0.9), "batch_size": 64}
    return g, d, losses.wasserstein_generator_loss, losses.WGANGPCriticLoss(10.0), cfg, 2e-4, (0.0, 0.9), 5, 64


def _gan_mlp(dev):
    """MLP GAN with the non-saturating loss (the "VanillaGAN" of the OT-GAN report), Adam 2e-4 betas (0.5, 0.999).

    On 4,000 digits a plain discriminator memorizes the data and wins outright (D(fake) -> 0 and the generator
    collapses, measured: FID 1,900 after 15,000 steps); dropout 0.3 in the discriminator and one-sided label
    smoothing (0.9) keep the game balanced."""
    g, d = _mlp_pair(100, dropout=0.3, batch_norm=True)
    cfg = {"name": "gan_mlp", "latent": 100, "hidden": 512, "loss": "nonsaturating", "n_critic": 1, "lr": 2e-4,
           "betas": (0.5, 0.999), "batch_size": 64, "dropout": 0.3, "real_label": 0.9,
           "generator_batch_norm": True}
    return (g, d, losses.nonsaturating_generator_loss, losses.DiscriminatorLoss(0.9), cfg, 2e-4, (0.5, 0.999), 1,
            64)


def _dcgan(dev):
    """DCGAN (Radford et al., 2016) for 28x28: strided (transposed) convs, batch norm, no pooling; one-sided
    label smoothing (0.9) against a discriminator that otherwise wins on 4,000 digits (measured without it:
    FID 289, precision 0.55 after 8,000 steps)."""
    g = nets.DCGANGenerator(100, base=64)
    d = nets.DCGANCritic(base=64, batch_norm=True)
    cfg = {"name": "dcgan", "latent": 100, "base": 64, "loss": "nonsaturating", "n_critic": 1, "lr": 2e-4,
           "betas": (0.5, 0.999), "batch_size": 64, "real_label": 0.9}
    return (g, d, losses.nonsaturating_generator_loss, losses.DiscriminatorLoss(0.9), cfg, 2e-4, (0.5, 0.999), 1,
            64)


def _wgan_clip_mlp(dev):
    """MLP WGAN with weight clipping (Arjovsky et al., 2017): c = 0.01, RMSProp 5e-5, n_critic 5."""
    g, d = _mlp_pair(128)
    cfg = {"name": "wgan_clip_mlp", "latent": 128, "hidden": 512, "loss": "wgan", "clip": 0.01, "n_critic": 5,
           "optimizer": "rmsprop", "lr": 5e-5, "batch_size": 64}
    return g, d, losses.wasserstein_generator_loss, losses.wasserstein_critic_loss, cfg, 5e-5, None, 5, 64


def _wgan_sn_mlp(dev):
    """MLP WGAN whose critic is spectrally normalized (Miyato et al., 2018): Adam 1e-4 betas (0.5, 0.9),
    n_critic 5."""
    g, d = _mlp_pair(128, spectral_norm=True)
    cfg = {"name": "wgan_sn_mlp", "latent": 128, "hidden": 512, "loss": "wgan", "spectral_norm": True,
           "n_critic": 5, "lr": 1e-4, "betas": (0.5, 0.9), "batch_size": 64}
    return g, d, losses.wasserstein_generator_loss, losses.wasserstein_critic_loss, cfg, 1e-4, (0.5, 0.9), 5, 64


REGISTRY = {"wgan_gp_mlp": _wgan_gp_mlp, "gan_mlp": _gan_mlp, "dcgan": _dcgan, "wgan_clip_mlp": _wgan_clip_mlp,
            "wgan_sn_mlp": _wgan_sn_mlp}
CRITIC_HOOKS = {"wgan_clip_mlp": lambda: [losses.WeightClipping(0.01)]}
# generator steps per profile: (smoke, book, full)
STEPS = {"wgan_gp_mlp": (20, 12000, 40000), "gan_mlp": (20, 20000, 40000), "dcgan": (20, 10000, 30000),
         "wgan_clip_mlp": (20, 12000, 40000), "wgan_sn_mlp": (20, 12000, 40000)}


TOY_LOSSES = ("minimax", "nonsaturating", "wgan", "wgan-gp")


def toy_trainer(toy, loss="nonsaturating", lr_generator=1e-3, lr_critic=1e-3, batch_size=256, n_critic=None,
                hidden=(128, 128, 128), latent_dim=8, clip=0.01, device=None):
    """A GAN on a 2-D toy (a :class:`otgan.data.Toy`): MLP generator and critic, the chosen loss.

    ``"minimax"`` and ``"nonsaturating"`` train a discriminator with Adam (betas (0.5, 0.999)); ``"wgan"`` clips
    the critic's weights to ``[-clip, clip]`` and uses RMSProp (Arjovsky et al., 2017); ``"wgan-gp"`` uses the
    gradient penalty (lambda 10) and Adam with betas (0, 0.9) (Gulrajani et al., 2017). ``n_critic`` defaults
    to 1 for GANs and 5 for WGANs.
    """
    choice(loss, "loss", TOY_LOSSES)
    dev = device or default_device()
    g = nets.MLPGenerator(latent_dim, 2, hidden=hidden)
    d = nets.MLPCritic(2, hidden=hidden)
    critic_loss, generator_loss = losses.gan_losses(loss)
    hooks = []
    if loss == "wgan":
        opt_g = torch.optim.RMSprop(g.parameters(), lr=lr_generator)
        opt_d = torch.optim.RMSprop(d.parameters(), lr=lr_critic)
        hooks = [losses.WeightClipping(clip)]
    else:
        betas = (0.0, 0.9) if loss == "wgan-gp" else (0.5, 0.999)
        opt_g, opt_d = _adam(g.parameters(), lr_generator, betas), _adam(d.parameters(), lr_critic, betas)
    n_critic = n_critic if n_critic is not None else (5 if loss.startswith("wgan") else 1)
    cfg = {"toy": toy.name, "loss": loss, "lr_generator": lr_generator, "lr_critic": lr_critic, "n_critic": n_critic}
    return Trainer(g.to(dev), d.to(dev), toy.sample, generator_loss, critic_loss, opt_generator=opt_g,
                   opt_critic=opt_d, batch_size=batch_size, n_critic=n_critic, critic_hooks=hooks, config=cfg,
                   device=dev)


def shipped_path(name):
    """Where the shipped checkpoint of model ``name`` lives (``data/<name>.pt``)."""
    return os.path.join(DATA_DIR, f"{name}.pt")


def build(name, device=None, checkpoint_path=None, data=None):
    """A :class:`Trainer` for the model ``name`` and its number of steps in the active profile.

    Returns
    -------
    trainer : Trainer
    n_steps : int
    """
    choice(name, "name", REGISTRY)
    dev = device or default_device()
    g, d, g_loss, c_loss, cfg, lr, betas, n_critic, batch = REGISTRY[name](dev)
    real = data if data is not None else load_mnist("train").images
    trainer = Trainer(g.to(dev), d.to(dev), real.to(dev), g_loss, c_loss,
                      opt_generator=_adam(g.parameters(), lr, betas), opt_critic=_adam(d.parameters(), lr, betas),
                      batch_size=batch, n_critic=n_critic, critic_hooks=CRITIC_HOOKS.get(name, list)(),
                      config=cfg, checkpoint_path=checkpoint_path,
                      checkpoint_every=500, device=dev)
    return trainer, settings(*STEPS[name])
