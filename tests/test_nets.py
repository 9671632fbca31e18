import pytest
import torch

from otgan import nets


def test_mlp_shapes():
    g = nets.MLPGenerator(8, (1, 28, 28), hidden=(32,), out_activation="tanh")
    d = nets.MLPCritic((1, 28, 28), hidden=(32, 16))
    x = g(torch.randn(5, 8))
    assert x.shape == (5, 1, 28, 28) and x.abs().max() <= 1
    assert d(x).shape == (5,) and d.features(x).shape == (5, 16)
    g2 = nets.MLPGenerator(2, 2)
    assert g2(torch.randn(3, 2)).shape == (3, 2)


def test_dcgan_shapes():
    g = nets.DCGANGenerator(16, base=8)
    d = nets.DCGANCritic(base=8, batch_norm=True)
    x = g(torch.randn(4, 16))
    assert x.shape == (4, 1, 28, 28)
    assert d(x).shape == (4,) and d.features(x).shape == (4, d.feature_dim)


def test_dcgan_extra_convs_keep_shapes_and_the_plain_nets_state_dict_keys():
    g, d = nets.DCGANGenerator(16, base=8, extra_convs=2), nets.DCGANCritic(base=8, batch_norm=True, extra_convs=1)
    x = g(torch.randn(4, 16))
    assert x.shape == (4, 1, 28, 28) and d(x).shape == (4,) and d.features(x).shape == (4, d.feature_dim)
    convs = [m for m in g.net if isinstance(m, torch.nn.Conv2d)]
    assert len(convs) == 2 and all(c.kernel_size == (3, 3) and c.stride == (1, 1) for c in convs)
    assert sum(isinstance(m, torch.nn.Conv2d) for m in d.modules()) == 3
    # without extra convolutions the parameter names are those of the shipped checkpoints
    assert list(nets.DCGANGenerator(16, base=8, extra_convs=0).state_dict()) == list(
        nets.DCGANGenerator(16, base=8).state_dict())
    assert "net.0.weight" in nets.DCGANGenerator(16, base=8).state_dict()
    # a pixel's gradient reaches farther across the input with the extra convolution: the critic's receptive field
    img = torch.zeros(1, 1, 28, 28, requires_grad=True)
    for k, net in enumerate((nets.DCGANCritic(base=4), nets.DCGANCritic(base=4, extra_convs=1))):
        net.eval()
        img.grad = None
        net.features(img)[0, 3 * 7 + 3].backward()  # channel 0 at the middle (3, 3) of the 7x7 map
        seen = (img.grad[0, 0].abs() > 0).any(0).sum().item()
        assert seen == (10, 18)[k]
    with pytest.raises(ValueError, match="extra_convs"):
        nets.DCGANGenerator(16, extra_convs=-1)
    with pytest.raises(TypeError, match="extra_convs"):
        nets.DCGANCritic(extra_convs=1.5)


def test_dcgan_critic_dropout_acts_in_training_only():
    d = nets.DCGANCritic(base=8, dropout=0.5)
    x = torch.randn(6, 1, 28, 28)
    assert sum(isinstance(m, torch.nn.Dropout) for m in d.modules()) == 2
    torch.manual_seed(0)
    assert not torch.equal(d(x), d(x))  # two dropout masks
    d.eval()
    assert torch.equal(d(x), d(x))


def test_dcgan_init_draws_every_layer_from_radford_normal():
    torch.manual_seed(0)
    g, d = nets.DCGANGenerator(16, base=16), nets.DCGANCritic(base=16, batch_norm=True, spectral_norm=True)
    assert nets.dcgan_init(g) is g and nets.dcgan_init(d) is d
    weights = [g.project[0].weight, g.net[0].weight, g.net[3].weight, d.head.parametrizations.weight.original]
    for w in weights:
        assert abs(float(w.std()) - 0.02) < 0.003 and abs(float(w.mean())) < 0.002
    bn = g.project[1]
    assert abs(float(bn.weight.mean()) - 1) < 0.003 and float(bn.bias.abs().max()) == 0
    assert float(g.net[3].bias.abs().max()) == 0
    with pytest.raises(TypeError, match="module"):
        nets.dcgan_init("generator")
    with pytest.raises(ValueError, match="std"):
        nets.dcgan_init(g, std=0)


@pytest.mark.parametrize("make", [lambda: nets.MLPCritic(2, hidden=(64, 64), spectral_norm=True),
                                  lambda: nets.DCGANCritic(base=8, spectral_norm=True)])
def test_spectral_norm_layers_have_unit_norm(make):
    critic = make()
    critic.train()
    x = torch.randn(8, *critic.in_shape)
    for _ in range(30):  # power iterations run in train-mode forwards
        critic(x)
    critic.eval()
    for m in critic.modules():
        if isinstance(m, torch.nn.Linear):
            assert torch.linalg.matrix_norm(m.weight, ord=2).item() == pytest.approx(1.0, abs=0.05)


def test_latents():
    z = nets.sample_latent(1000, 4, "uniform")
    assert z.min() >= -1 and z.max() <= 1
    assert nets.sample_latent(1000, 4).std().item() == pytest.approx(1, abs=0.1)
    with pytest.raises(ValueError, match="kind"):
        nets.sample_latent(3, 4, "laplace")
    with pytest.raises(ValueError, match="latent_dim"):
        nets.MLPGenerator(0, 2)
    with pytest.raises(ValueError, match="out_shape"):
        nets.MLPGenerator(2, (1, -28))


def test_count_parameters():
    assert nets.count_parameters(torch.nn.Linear(3, 2)) == 8


def test_interpolate_latents():
    z0, z1 = torch.randn(4, 16), torch.randn(4, 16)
    for method in ("linear", "slerp"):
        path = nets.interpolate_latents(z0, z1, 7, method)
        assert path.shape == (4, 7, 16)
        assert torch.allclose(path[:, 0], z0, atol=1e-5) and torch.allclose(path[:, -1], z1, atol=1e-5)
    e0, e1 = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    mid = nets.interpolate_latents(e0, e1, 3, "slerp")[0, 1]
    assert torch.allclose(mid.norm(), torch.tensor(1.0))  # slerp stays on the circle; linear would give 0.707
    with pytest.raises(ValueError, match="method"):
        nets.interpolate_latents(e0, e1, 3, "cubic")
