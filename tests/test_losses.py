import math

import pytest
import torch

from otgan import losses


class Linear1D(torch.nn.Module):
    def __init__(self, w):
        super().__init__()
        self.w = torch.nn.Parameter(torch.tensor([w]))

    def forward(self, x):
        return (x.flatten(1) * self.w).sum(1)


def test_generator_loss_gradients_saturate_as_in_goodfellow():
    """d/dl of log(1 - sigmoid(l)) vanishes as D -> 0; -log sigmoid(l) does not."""
    logit = torch.tensor([-6.0], requires_grad=True)
    critic = lambda x: x.squeeze(-1)
    g_min, = torch.autograd.grad(losses.minimax_generator_loss(critic, None, logit[:, None]), logit)
    g_ns, = torch.autograd.grad(losses.nonsaturating_generator_loss(critic, None, logit[:, None]), logit)
    sig = 1 / (1 + math.exp(6))
    assert abs(g_min.item()) == pytest.approx(sig, rel=1e-4)
    assert abs(g_ns.item()) == pytest.approx(1 - sig, rel=1e-4)


def test_gradient_penalty_of_linear_critic_is_closed_form():
    critic = Linear1D(3.0)
    real, fake = torch.randn(16, 1), torch.randn(16, 1)
    assert losses.gradient_penalty(critic, real, fake).item() == pytest.approx((3 - 1) ** 2)
    assert losses.gradient_penalty(Linear1D(0.5), real, fake, one_sided=True).item() == 0
    with pytest.raises(ValueError, match="same shape"):
        losses.gradient_penalty(critic, real, fake[:3])


def test_weight_clipping():
    critic = Linear1D(3.0)
    losses.WeightClipping(0.01)(critic)
    assert critic.w.item() == pytest.approx(0.01)
    with pytest.raises(ValueError, match="c must be"):
        losses.WeightClipping(-1)


def test_wasserstein_loss_logs_w1_estimate():
    critic = Linear1D(1.0)
    loss, logs = losses.wasserstein_critic_loss(critic, torch.full((4, 1), 2.0), torch.zeros(4, 1))
    assert loss.item() == -2 and logs["W1 estimate"] == 2


def test_gan_losses_lookup():
    assert losses.gan_losses("wgan")[0] is losses.wasserstein_critic_loss
    with pytest.raises(ValueError, match="name"):
        losses.gan_losses("lsgan")
