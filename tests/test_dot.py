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
