"""Flow matching against closed forms: the straight path, the 1-D OT coupling (a sort), the W2 velocity between
Gaussians, the order of the ODE solvers, and a small flow that learns the Gaussian OT velocity."""
import math

import pytest
import torch

from otgan import flow_matching as fm

torch.set_num_threads(1)


def test_conditional_path_is_the_straight_line_and_its_derivative():
    g = torch.Generator().manual_seed(0)
    x0, x1 = torch.randn(5, 3, generator=g), torch.randn(5, 3, generator=g)
    t = torch.rand(5, generator=g)
    x_t, u_t = fm.conditional_path(x0, x1, t)
    assert torch.allclose(x_t, (1 - t[:, None]) * x0 + t[:, None] * x1)
    assert torch.allclose(u_t, x1 - x0)
    h = 1e-3
    ahead, _ = fm.conditional_path(x0, x1, t + h, sigma_min=0.1)
    here, u = fm.conditional_path(x0, x1, t, sigma_min=0.1)
    assert torch.allclose((ahead - here) / h, u, atol=1e-3)
    assert torch.allclose(fm.conditional_path(x0, x1, 0.0)[0], x0)
    assert torch.allclose(fm.conditional_path(x0, x1, 1.0)[0], x1)


def test_bad_input_names_the_argument():
    x = torch.zeros(4, 2)
    with pytest.raises(ValueError, match="x0 and x1"):
        fm.conditional_path(x, torch.zeros(3, 2), 0.5)
    with pytest.raises(ValueError, match="t must"):
        fm.conditional_path(x, x, 1.5)
    with pytest.raises(ValueError, match="coupling"):
        fm.couple(x, x, "random")
    with pytest.raises(ValueError, match="nfe must be even"):
        fm.sample(lambda x, t: x, x, 3, solver="midpoint")
    with pytest.raises(ValueError, match="solver"):
        fm.sample(lambda x, t: x, x, 2, solver="rk4")
    with pytest.raises(TypeError, match="nfe"):
        fm.sample(lambda x, t: x, x, 2.0)


def test_ot_coupling_of_1d_samples_is_the_sorted_matching():
    g = torch.Generator().manual_seed(1)
    x0, x1 = torch.randn(200, 1, generator=g), 3 + torch.rand(200, 1, generator=g)
    _, paired = fm.minibatch_ot(x0, x1)
    # the monotone rearrangement: the k-th smallest source goes to the k-th smallest target
    order = torch.argsort(x0[:, 0])
    assert torch.equal(paired[order, 0], torch.sort(x1[:, 0]).values)
    # and the independent coupling leaves the (unsorted) pairs as drawn
    assert torch.equal(fm.independent(x0, x1)[1], x1)


def test_entropic_coupling_tends_to_the_sort_as_eps_falls_and_to_random_as_it_grows():
    g = torch.Generator().manual_seed(2)
    x0, x1 = torch.randn(100, 1, generator=g), torch.randn(100, 1, generator=g)
    _, exact = fm.minibatch_ot(x0, x1)

    def cost(paired):
        return (paired - x0).pow(2).sum().item()

    _, sharp = fm.minibatch_ot(x0, x1, eps=1e-3, generator=g)
    _, blurred = fm.minibatch_ot(x0, x1, eps=10.0, generator=g)
    assert cost(exact) <= cost(sharp) < cost(blurred)
    assert cost(sharp) < 1.5 * cost(exact) + 1e-3
    assert cost(blurred) > 10 * cost(exact)


def _gaussians():
    mean0, mean1 = torch.tensor([0.0, 0.0], dtype=torch.float64), torch.tensor([2.0, -1.0], dtype=torch.float64)
    cov0 = torch.tensor([[1.0, 0.3], [0.3, 0.5]], dtype=torch.float64)
    cov1 = torch.tensor([[0.4, -0.2], [-0.2, 1.5]], dtype=torch.float64)
    return mean0, cov0, mean1, cov1


def test_gaussian_ot_velocity_gives_straight_paths_that_push_one_gaussian_onto_the_other():
    mean0, cov0, mean1, cov1 = _gaussians()
    g = torch.Generator().manual_seed(3)
    L0 = torch.linalg.cholesky(cov0)
    x0 = mean0 + torch.randn(20000, 2, generator=g, dtype=torch.float64) @ L0.T

    def field(x, t):
        return fm.gaussian_ot_velocity(x, float(t[0]), mean0, cov0, mean1, cov1)

    one = fm.sample(field, x0, 1)
    many = fm.sample(field, x0, 32, solver="heun")
    assert torch.allclose(one, many, atol=1e-10)           # straight, constant-speed paths: one Euler step is exact
    assert fm.straightness(field, x0[:500], nfe=16) < 1e-20
    assert torch.allclose(one.mean(0), mean1, atol=0.03)   # the pushforward is N(mean1, cov1)
    assert torch.allclose(torch.cov(one.T), cov1, atol=0.05)
    # the map is the W2 map: its transport cost is the closed-form Gaussian W2^2 (gaussian_w2 returns the square)
    from otgan.transport import gaussian_w2

    w2_sq = (one - x0).pow(2).sum(1).mean()
    assert math.isclose(w2_sq.item(), gaussian_w2(mean0, cov0, mean1, cov1).item(), rel_tol=0.03)


def test_minibatch_ot_targets_match_the_gaussian_ot_velocity_in_1d():
    mean0, cov0 = torch.zeros(1, dtype=torch.float64), torch.eye(1, dtype=torch.float64)
    mean1, cov1 = torch.tensor([3.0], dtype=torch.float64), torch.tensor([[0.25]], dtype=torch.float64)
    g = torch.Generator().manual_seed(4)
    x0 = torch.randn(1000, 1, generator=g, dtype=torch.float64)
    x1 = 3 + 0.5 * torch.randn(1000, 1, generator=g, dtype=torch.float64)
    x0, x1 = fm.minibatch_ot(x0, x1)
    x_t, u_t = fm.conditional_path(x0, x1, 0.5)
    v = fm.gaussian_ot_velocity(x_t, 0.5, mean0, cov0, mean1, cov1)
    assert (u_t - v).abs().median() < 0.08
    # random pairs do not: their targets scatter around the conditional mean
    x_t, u_t = fm.conditional_path(*fm.independent(x0, x1[torch.randperm(1000, generator=g)]), 0.5)
    v = fm.gaussian_ot_velocity(x_t, 0.5, mean0, cov0, mean1, cov1)
    assert (u_t - v).abs().median() > 0.3


@pytest.mark.parametrize("solver,order", [("euler", 1), ("midpoint", 2), ("heun", 2)])
def test_solver_order_on_a_linear_ode(solver, order):
    lam = -1.3

    def field(x, t):
        return lam * x

    x0 = torch.ones(1, 1, dtype=torch.float64)
    exact = math.exp(lam)
    errors = [abs(fm.sample(field, x0, nfe, solver).item() - exact) for nfe in (16, 32, 64, 128)]
    rates = [math.log2(a / b) for a, b in zip(errors, errors[1:])]
    assert all(abs(r - order) < 0.2 for r in rates), rates


def test_a_small_flow_learns_the_1d_gaussian_ot_velocity_and_samples_the_target():
    torch.manual_seed(0)
    target = lambda n, g: 3 + 0.5 * torch.randn(n, 1, generator=g)  # noqa: E731
    tr = fm.FlowTrainer(fm.VelocityMLP((1,), hidden=32, depth=2, time_dim=8), target, coupling="ot",
                        batch_size=256, lr=3e-3, seed=0)
    tr.train(n_steps=600)
    grid = torch.linspace(-1.5, 1.5, 7)[:, None]
    learned = tr.velocity(grid, torch.zeros(7)).detach()
    exact = fm.gaussian_ot_velocity(grid, 0.0, torch.zeros(1), torch.eye(1), torch.tensor([3.0]),
                                    torch.tensor([[0.25]]))
    assert (learned - exact).abs().max() < 0.25
    x = fm.sample(tr.velocity, torch.randn(4000, 1, generator=torch.Generator().manual_seed(5)), 4)
    assert abs(x.mean().item() - 3) < 0.1 and abs(x.std().item() - 0.5) < 0.1
    assert tr.coupling_seconds > 0 and tr.history["step"][-1] == 600


def test_trainer_resumes_from_its_checkpoint_and_exports_half_weights(tmp_path):
    path = tmp_path / "run.pt"
    tr = fm.toy_trainer("8gaussians", "ot", hidden=16, depth=1, batch_size=32)
    tr.checkpoint_path = str(path)
    tr.train(n_steps=5)
    again = fm.FlowTrainer(fm.VelocityMLP((2,), 16, 1), fm.toy_source("8gaussians"), fm.toy_source("gaussian"),
                           "ot", 32, tr.config["lr"], checkpoint_path=str(path))
    assert again.step == 5
    assert all(torch.equal(a, b) for a, b in zip(again.velocity.parameters(), tr.velocity.parameters()))
    out = tr.export(tmp_path / "ship.pt", by_nfe={4: {"fid": 1.0}})
    net = fm.load_velocity(torch.load(out, weights_only=False))
    assert net(torch.zeros(3, 2), torch.zeros(3)).shape == (3, 2)
    with pytest.raises(ValueError, match="another config"):
        fm.FlowTrainer(fm.VelocityMLP((2,), 8, 1), fm.toy_source("8gaussians"), coupling="ot",
                       checkpoint_path=str(path))


def test_count_crossings_on_an_x_and_on_parallel_segments():
    x0 = torch.tensor([[0.0, 0.0], [0.0, 1.0], [0.0, 2.0]])
    assert fm.count_crossings(x0, torch.tensor([[1.0, 1.0], [1.0, 0.0], [1.0, 2.5]])) == 1
    assert fm.count_crossings(x0, x0 + torch.tensor([1.0, 0.0])) == 0
    with pytest.raises(ValueError, match="shape"):
        fm.count_crossings(torch.zeros(3, 3), torch.zeros(3, 3))


def test_flow_panel_trains_and_keeps_its_trainer():
    from otgan import widgets

    panel = widgets.flow_panel("moons", "independent", nfe=2, steps=50)
    assert panel.trainer.step == 50 and panel.trainer.coupling == "independent"
    assert len(panel.children[1].value) > 1000  # the PNG of the first run
    panel.controls["coupling"].value = "sinkhorn"
    panel.train()
    assert panel.trainer.coupling == "sinkhorn" and panel.trainer.coupling_seconds > 0


def test_velocity_skip_path_is_a_time_gated_identity_and_round_trips():
    torch.manual_seed(0)
    net = fm.VelocityMLP((1, 4, 4), hidden=8, depth=1, time_dim=4, skip=True)
    for p in net.net.parameters():
        torch.nn.init.zeros_(p)
    x, t = torch.randn(5, 1, 4, 4), torch.rand(5)
    tf = torch.cat([t[:, None], fm.time_embedding(t, 4)], dim=1)
    assert torch.allclose(net(x, t), net.gate(tf).view(5, 1, 1, 1) * x, atol=1e-6)
    again = fm.load_velocity({"config": {"velocity": net.config}, "velocity": net.state_dict()})
    assert torch.allclose(again(x, t), net(x, t), atol=1e-6)
