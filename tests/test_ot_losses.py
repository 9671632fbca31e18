import pytest
import torch

from otgan import nets, ot_losses, transport
from otgan.training import Trainer


def _clouds(n=64, d=5, shift=2.0):
    g = torch.Generator().manual_seed(0)
    return torch.randn(n, d, generator=g), torch.randn(n, d, generator=g) + shift


def test_sliced_loss_matches_primitive_and_decreases_with_training():
    real, fake = _clouds()
    torch.manual_seed(0)
    a = ot_losses.SlicedLoss(200)(None, real, fake)
    torch.manual_seed(0)
    b = transport.sliced_wasserstein(fake, real, 200)
    assert a.item() == pytest.approx(b.item())
    torch.manual_seed(0)
    g = nets.MLPGenerator(4, 2, hidden=(32, 32))
    target = torch.randn(2000, 2) * 0.3 + torch.tensor([2.0, -1.0])
    tr = Trainer(g, None, target, ot_losses.SlicedLoss(50), n_critic=0, batch_size=128,
                 opt_generator=torch.optim.Adam(g.parameters(), 1e-2))
    before = transport.wasserstein(tr.sample(500), target[:500]).item()
    tr.train(300, progress=False)
    after = transport.wasserstein(tr.sample(500), target[:500]).item()
    assert after < 0.3 * before


def test_feature_losses_need_a_critic_with_features():
    real, fake = _clouds(d=2)
    with pytest.raises(ValueError, match="features"):
        ot_losses.SlicedLoss(10, features=True)(None, real, fake)
    critic = nets.MLPCritic(2, hidden=(16, 8))
    assert ot_losses.SlicedLoss(10, features=True)(critic, real, fake).item() >= 0


def test_max_sliced_loss_not_below_sliced_and_warm_starts():
    real, fake = _clouds()
    loss = ot_losses.MaxSlicedLoss(features=False)
    m = loss(None, real, fake)
    assert loss.direction.shape == (5,)
    assert m.item() >= transport.sliced_wasserstein(fake, real, 500).item()
    assert loss(None, real, fake).item() >= m.item() - 1e-5    # warm start from the previous direction


def test_sinkhorn_generator_loss_kinds():
    real, fake = _clouds()
    div = ot_losses.SinkhornGeneratorLoss(eps=1.0, n_iter=100)(None, real, fake)
    ent = ot_losses.SinkhornGeneratorLoss(eps=1.0, n_iter=100, kind="entropic")(None, real, fake)
    assert div.item() == pytest.approx(transport.sinkhorn_divergence(fake, real, 1.0, n_iter=100, tol=0).item(),
                                       rel=1e-5)
    assert 0 < div.item() < ent.item()
    assert ot_losses.SinkhornGeneratorLoss(1.0)(None, real, real).abs().item() < 1e-4
    with pytest.raises(ValueError, match="kind"):
        ot_losses.SinkhornGeneratorLoss(kind="raw")


def test_sinkhorn_two_batch_is_otgans_energy_form():
    """kind="two-batch": OT(X,Y) + OT(X,Y') + OT(X',Y) + OT(X',Y') - 2 OT(X,X') - 2 OT(Y,Y') on the halves,
    differentiable in the generated points, zero in expectation when they are drawn like the real ones."""
    real, fake = _clouds()
    fake = fake[: real.shape[0]].clone().requires_grad_(True)
    loss = ot_losses.SinkhornGeneratorLoss(eps=1.0, n_iter=200, kind="two-batch")
    value = loss(None, real, fake)

    def w(a, b):
        return transport.sinkhorn_loss(a, b, 1.0, n_iter=200, tol=0, warn=False)

    (x1, x2), (y1, y2) = fake.detach().chunk(2), real.chunk(2)
    expected = w(x1, y1) + w(x1, y2) + w(x2, y1) + w(x2, y2) - 2 * w(x1, x2) - 2 * w(y1, y2)
    assert value.item() == pytest.approx(expected.item(), rel=1e-5, abs=1e-6)
    value.backward()
    assert fake.grad is not None and fake.grad.abs().sum() > 0
    # the same distribution on both sides: the mean over many batch pairs is near zero (its spread shrinks as 1/sqrt)
    gen, quick = torch.Generator().manual_seed(0), ot_losses.SinkhornGeneratorLoss(1.0, 20, kind="two-batch")
    with torch.no_grad():
        values = torch.stack([quick(None, torch.randn(16, 2, generator=gen), torch.randn(16, 2, generator=gen))
                              for _ in range(100)])
        shifted = torch.stack([quick(None, torch.randn(16, 2, generator=gen), torch.randn(16, 2, generator=gen) + 1)
                               for _ in range(20)])
    assert values.mean().abs() < 3 * values.std() / 100 ** 0.5
    assert shifted.mean() > 10 * values.std() / 100 ** 0.5
    with pytest.raises(ValueError, match="even size"):
        loss(None, real[:5], fake[:5].detach())


def test_sliced_two_batch_is_the_energy_form_of_sliced_costs_with_shared_directions():
    """SlicedLoss(kind="two-batch"): the six SW_p^p terms of the halves with one set of directions, differentiable in
    the generated points, zero in expectation when both batches come from one distribution (the one-batch SW is
    positive there), and clear errors for an odd batch or an unknown kind."""
    real, fake = _clouds()
    fake = fake[: real.shape[0]].clone().requires_grad_(True)
    loss = ot_losses.SlicedLoss(50, kind="two-batch")
    torch.manual_seed(7)
    value = loss(None, real, fake)
    torch.manual_seed(7)
    theta = transport.random_projections(real.shape[1], 50)

    def sw(a, b):
        return transport.sliced_wasserstein(a, b, projections=theta) ** 2

    (x1, x2), (y1, y2) = fake.detach().chunk(2), real.chunk(2)
    expected = sw(x1, y1) + sw(x1, y2) + sw(x2, y1) + sw(x2, y2) - 2 * sw(x1, x2) - 2 * sw(y1, y2)
    assert value.item() == pytest.approx(expected.item(), rel=1e-5, abs=1e-7)
    value.backward()
    assert fake.grad is not None and fake.grad.abs().sum() > 0
    torch.manual_seed(7)  # p = 1: the same form of SW_1 terms
    value = ot_losses.SlicedLoss(50, p=1, kind="two-batch")(None, real, fake.detach())
    pairs = [(x1, y1), (x1, y2), (x2, y1), (x2, y2), (x1, x2), (y1, y2)]
    expected = sum(w * transport.sliced_wasserstein(a, b, p=1, projections=theta)
                   for w, (a, b) in zip((1, 1, 1, 1, -2, -2), pairs))
    assert value.item() == pytest.approx(expected.item(), rel=1e-5, abs=1e-7)
    gen = torch.Generator().manual_seed(0)
    one = ot_losses.SlicedLoss(20)
    with torch.no_grad():
        pairs = [(torch.randn(16, 2, generator=gen), torch.randn(16, 2, generator=gen)) for _ in range(100)]
        two_batch = torch.stack([loss(None, a, b) for a, b in pairs])
        one_batch = torch.stack([one(None, a, b) for a, b in pairs])
    assert two_batch.mean().abs() < 3 * two_batch.std() / 100 ** 0.5
    assert one_batch.mean() > 10 * one_batch.std() / 100 ** 0.5
    assert "two-batch" in repr(loss) and "kind" not in repr(one)
    with pytest.raises(ValueError, match="even size"):
        loss(None, real[:5], fake[:5].detach())
    with pytest.raises(ValueError, match="kind"):
        ot_losses.SlicedLoss(kind="three-batch")


def test_cramer_losses_are_finite_and_split_batches():
    torch.manual_seed(0)
    critic = nets.MLPCritic(2, hidden=(16, 8))
    real, fake = _clouds(d=2)
    c_loss, logs = ot_losses.CramerCriticLoss()(critic, real, fake.requires_grad_())
    g_loss = ot_losses.CramerGeneratorLoss()(critic, real, fake)
    assert torch.isfinite(c_loss) and torch.isfinite(g_loss)
    assert {"surrogate", "gradient penalty"} <= set(logs)
    g_loss.backward()
    assert fake.grad is not None and fake.grad.abs().sum() > 0
    with pytest.raises(ValueError, match="even size"):
        ot_losses.CramerGeneratorLoss()(critic, real, fake[:5])


def test_otgan_distance_zero_for_identical_halves_and_positive_apart():
    torch.manual_seed(0)
    critic = nets.MLPCritic(2, hidden=(16, 8))
    real, fake = _clouds(d=2, shift=3.0)
    loss = ot_losses.OTGANLoss(eps=0.05)
    same = torch.cat([real[:32], real[:32]])
    assert abs(loss(critic, same, same).item()) < 1e-5
    assert loss(critic, real, fake).item() > 0
    c, logs = loss.critic_loss()(critic, real, fake)
    assert c.item() == pytest.approx(-logs["OT-GAN distance"])


def test_trainer_n_generator_steps():
    torch.manual_seed(0)
    g, d = nets.MLPGenerator(2, 2, hidden=(8,)), nets.MLPCritic(2, hidden=(8,))
    calls = []

    def g_loss(critic, real, fake):
        calls.append(1)
        return fake.pow(2).mean()

    loss = ot_losses.OTGANLoss()
    tr = Trainer(g, d, torch.randn(100, 2), g_loss, loss.critic_loss(), batch_size=8, n_generator=3)
    tr.train(4, progress=False)
    assert len(calls) == 12 and tr.step == 4
    with pytest.raises(ValueError, match="n_generator"):
        Trainer(g, d, torch.randn(10, 2), g_loss, loss.critic_loss(), n_generator=0)
