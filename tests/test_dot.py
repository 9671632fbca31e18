import pytest
import torch

from otgan import dot, nets


class Quadratic(torch.nn.Module):
    """D(x) = -|x - c|^2 / 2: its gradient points to c, so DOT must move samples toward c."""

    def __init__(self, c):
        super().__init__()
        self.c = torch.nn.Parameter(c)

    def forward(self, x):
        return -0.5 * (x.flatten(1) - self.c).pow(2).sum(1)


def test_target_dot_moves_toward_the_critic_maximum_and_stops():
    critic = Quadratic(torch.tensor([2.0, 0.0]))
    y = torch.zeros(5, 2)
    out, path = dot.dot_target(critic, y, k_eff=1.0, n_steps=300, lr=0.05, return_path=True)
    assert len(path) == 301
    # stationary point of |x - y| - D(x): |x - c| = 1 on the segment, i.e. x = (1, 0)
    assert torch.allclose(out, torch.tensor([[1.0, 0.0]]).expand(5, 2), atol=0.05)
    # a larger K_eff means a weaker pull: the samples stop closer to where they started
    weaker = dot.dot_target(critic, y, k_eff=4.0, n_steps=300, lr=0.05)
    assert weaker[:, 0].mean() < out[:, 0].mean()


def test_dot_zero_steps_is_identity_and_restores_training_mode():
    critic = nets.MLPCritic(2, hidden=(8,), dropout=0.2)
    critic.train()
    y = torch.randn(4, 2)
    assert torch.equal(dot.dot_target(critic, y, 1.0, n_steps=0), y)
    assert critic.training


def test_latent_dot_keeps_the_norm_for_gaussian_and_the_box_for_uniform():
    torch.manual_seed(0)
    g, d = nets.MLPGenerator(6, 2, hidden=(16,)), nets.MLPCritic(2, hidden=(16,))
    z = torch.randn(20, 6)
    k = dot.latent_lipschitz(g, d, z).mean
    zs = dot.dot_latent(g, d, z, k, n_steps=10, lr=0.5)
    assert torch.allclose(zs.norm(dim=1), z.norm(dim=1), atol=1e-4)
    assert not torch.allclose(zs, z)
    zu = dot.dot_latent(g, d, torch.rand(20, 6) * 2 - 1, k, n_steps=10, lr=5.0, latent="uniform")
    assert zu.abs().max() <= 1.0
    with torch.no_grad():       # works inside a caller's no_grad block too
        dot.dot_latent(g, d, z, k, n_steps=2)


def test_dot_improves_the_critic_value():
    torch.manual_seed(0)
    g, d = nets.MLPGenerator(4, 2, hidden=(16,)), nets.MLPCritic(2, hidden=(16,))
    z = torch.randn(50, 4)
    zs = dot.dot_latent(g, d, z, dot.latent_lipschitz(g, d, z).mean, n_steps=20, lr=0.05)
    g.eval()
    with torch.no_grad():
        assert d(g(zs)).mean() > d(g(z)).mean()


def test_dot_bad_input():
    critic = Quadratic(torch.zeros(2))
    with pytest.raises(ValueError, match="k_eff"):
        dot.dot_target(critic, torch.zeros(3, 2), k_eff=0)
    with pytest.raises(ValueError, match="latent"):
        dot.dot_latent(nets.MLPGenerator(2, 2, hidden=(4,)), critic, torch.zeros(3, 2), 1.0, latent="laplace")
    with pytest.raises(ValueError, match="z must have shape"):
        dot.dot_latent(nets.MLPGenerator(2, 2, hidden=(4,)), critic, torch.zeros(3), 1.0)


class Identity(torch.nn.Module):
    """A critic whose features are the points themselves (and whose head is a constant)."""

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))

    def features(self, x):
        return x.flatten(1) + 0 * self.w

    def forward(self, x):
        return self.w.expand(len(x))


def test_energy_witness_is_the_energy_distance_first_variation_and_dot_follows_it():
    gen = torch.Generator().manual_seed(0)
    real = torch.randn(300, 2, generator=gen) * 0.1 + torch.tensor([2.0, 0.0])
    fake = torch.randn(200, 2, generator=gen) * 0.1
    w = dot.EnergyWitness(Identity(), real, fake)
    x = torch.randn(7, 2, generator=gen)
    expected = torch.cdist(x, fake).mean(1) - torch.cdist(x, real).mean(1)
    assert torch.allclose(w(x), expected, atol=1e-5)
    # -2 D is the first variation of the energy distance: moving one generated point by a small dx changes
    # 2 E|X - Y| - E|Y - Y'| (the terms that depend on it, over m points) by -2 grad D(y) . dx / m
    def energy(f):
        return 2 * torch.cdist(f, real).mean() - torch.cdist(f, f).sum() / (len(f) * (len(f) - 1))
    y = fake.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(energy(y), y)
    yi = fake[:1].clone().requires_grad_(True)
    wit = dot.EnergyWitness(Identity(), real, fake[1:])  # the others, as the variation at one point sees them
    (gd,) = torch.autograd.grad(wit(yi).sum(), yi)
    assert torch.allclose(g[0] * len(fake), -2 * gd[0], rtol=0.05, atol=1e-3)
    # DOT with it moves the generated points toward the real cluster and raises D
    moved = dot.dot_target(w, fake[:20], k_eff=0.25, n_steps=50, lr=0.05)  # |grad D| <= 2: k_eff < 1 moves all
    assert (moved[:, 0] > fake[:20, 0] + 0.1).all() and (w(moved) > w(fake[:20])).all()


def test_energy_witness_bad_input():
    with pytest.raises(TypeError, match="features"):
        dot.EnergyWitness(torch.nn.Linear(2, 1), torch.zeros(3, 2), torch.zeros(3, 2))
    with pytest.raises(ValueError, match="real and fake"):
        dot.EnergyWitness(Identity(), torch.zeros(3, 2), torch.zeros(3, 3))
    with pytest.raises(ValueError, match="real"):
        dot.EnergyWitness(Identity(), torch.zeros(0, 2), torch.zeros(3, 2))


def test_potential_is_the_critic_or_for_the_cramer_gan_its_energy_witness():
    from types import SimpleNamespace

    torch.manual_seed(0)
    g = nets.MLPGenerator(4, (1, 28, 28), hidden=(16,), out_activation="tanh")
    d = nets.MLPCritic((1, 28, 28), hidden=(16, 8))
    gan = SimpleNamespace(critic=d, sampler=g, config={"loss": "wgan-gp"})
    assert dot.potential(gan) is d
    assert dot.potential(SimpleNamespace(critic=None, sampler=g, config={"loss": "sliced"})) is None
    cramer = SimpleNamespace(critic=d, sampler=g, config={"loss": "cramer"})
    w = dot.potential(cramer, n_ref=20)
    assert isinstance(w, dot.EnergyWitness) and w.h_real.shape == w.h_fake.shape == (20, 8)
    x = g(torch.randn(5, 4))
    assert w(x).shape == (5,) and torch.equal(dot.potential(cramer, n_ref=20).h_fake, w.h_fake)  # seeded
    with pytest.raises(ValueError, match="n_ref"):
        dot.potential(cramer, n_ref=0)
