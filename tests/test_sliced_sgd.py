import pytest
import torch

from otgan import data, transport
from otgan import sliced_sgd as ssgd


def test_mlp_forward_batched_matches_loop():
    sizes = ssgd.mlp_sizes(2, (8,), 2)
    assert ssgd.n_params(sizes) == 2 * 8 + 8 + 8 * 2 + 2
    u = torch.stack([ssgd.init_params(sizes, torch.Generator().manual_seed(s)) for s in range(3)])
    x = torch.randn(3, 10, 2)
    out = ssgd.mlp_forward(u, x, sizes)
    for r in range(3):
        assert torch.allclose(out[r], ssgd.mlp_forward(u[r], x[r], sizes), atol=1e-6)


def test_sliced_w2_matches_transport():
    x, y = torch.randn(40, 2), torch.randn(40, 2) + 1
    theta = transport.random_projections(2, 30, torch.Generator().manual_seed(0))
    assert ssgd.sliced_w2_squared(x, y, theta).item() == pytest.approx(
        transport.sliced_wasserstein(x, y, projections=theta).item() ** 2, rel=1e-5)


def test_trajectories_converge_as_the_step_shrinks():
    """Tanguy (2023), Theorem 1, on a small instance: the sup-distance to the finest trajectory shrinks."""
    sizes = ssgd.mlp_sizes(2, (8,), 2)
    u0 = ssgd.init_params(sizes, torch.Generator().manual_seed(0))
    target = data.toy("8gaussians").sample(32, seed=0)
    alphas = [0.04, 0.02, 0.01]
    xs, th = ssgd.random_sequence(int(2.0 / alphas[-1]), 32, 2, 2, 5, seed=0)
    runs = {a: ssgd.sliced_sgd(u0, target, sizes, a, int(round(2.0 / a)), xs, th)[0] for a in alphas}
    d = [ssgd.sup_distance(runs[a], a, runs[0.01], 0.01) for a in alphas[:2]]
    assert d[1] < d[0]
    assert ssgd.sup_distance(runs[0.01], 0.01, runs[0.01], 0.01) == 0


def test_projection_and_noise():
    sizes = ssgd.mlp_sizes(2, (8,), 2)
    u0 = ssgd.init_params(sizes, torch.Generator().manual_seed(0))
    target = torch.randn(16, 2) * 5
    xs, th = ssgd.random_sequence(50, 16, 2, 2, 3)
    params, losses = ssgd.sliced_sgd(u0, target, sizes, 0.05, 50, xs, th, noise=1.0, radius=1.0)
    assert params[1:].norm(dim=1).max() <= 1.0 + 1e-5 and losses.shape == (50,)
    with pytest.raises(ValueError, match="exceeds"):
        ssgd.sliced_sgd(u0, target, sizes, 0.05, 51, xs, th)
    with pytest.raises(ValueError, match="divide"):
        ssgd.sup_distance(params, 0.05, params, 0.03)


def test_more_directions_fewer_spurious_optima():
    g = torch.Generator().manual_seed(0)
    cloud = torch.randn(6, 2, generator=g)
    starts = torch.randn(40, 6, 2, generator=g) * 2
    check = transport.random_projections(2, 500, torch.Generator().manual_seed(1))
    share = {}
    for L in (1, 100):
        theta = transport.random_projections(2, L, torch.Generator().manual_seed(L))
        y, loss = ssgd.descend_points(starts, cloud, theta, n_steps=400, lr=0.5)
        share[L] = float((ssgd.sliced_w2_squared(y, cloud.expand_as(y), check) < 1e-3).float().mean())
        assert loss.max() < 0.5
    assert share[1] < share[100]
