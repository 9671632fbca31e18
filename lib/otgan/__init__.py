"""otgan: optimal transport for GANs -- the library behind the book.

Modules, one concept each:

- :mod:`otgan.runtime` -- device, seeds, run profile (``OTGAN_PROFILE``: smoke | book | full);
- :mod:`otgan.data` -- 2-D toys and MNIST (offline 5,000 real digits, or full MNIST);
- :mod:`otgan.nets` -- MLP and DCGAN generators / critics, spectral normalization;
- :mod:`otgan.losses` -- pluggable GAN / WGAN losses, gradient penalty, weight clipping;
- :mod:`otgan.ot_losses` -- sliced, max-sliced, Sinkhorn, energy, Cramér and OT-GAN losses;
- :mod:`otgan.minibatch` -- whether a minibatch loss prefers the data to a generator (minibatch bias);
- :mod:`otgan.transport` -- exact, sliced, max-sliced and entropic OT, energy distance, Gaussian W2;
- :mod:`otgan.lipschitz` -- K_eff, spectral norms, layer gradients, a critic as a W1 estimator;
- :mod:`otgan.dot` -- Discriminator Optimal Transport in target and latent space;
- :mod:`otgan.sliced_sgd` -- SGD on sliced losses (Tanguy's experiments);
- :mod:`otgan.classifier`, :mod:`otgan.metrics`, :mod:`otgan.calibration` -- the image metrics;
- :mod:`otgan.models` -- the named MNIST models and 2-D toy trainers; :mod:`otgan.reproduce` trains them all;
- :mod:`otgan.training` -- the one trainer, checkpoints, load-or-train;
- :mod:`otgan.checkpoint` -- atomic, resumable checkpoints;
- :mod:`otgan.plotting` -- samples, critics, image grids, losses, offline animations;
- :mod:`otgan.widgets` -- ipywidgets panels for 2-D toys.
"""
from .runtime import describe, device, profile, seed_everything, settings

__version__ = "0.1.0"
__all__ = ["describe", "device", "profile", "seed_everything", "settings"]
