import pytest
import torch

from otgan import data, lipschitz, nets


def test_effective_lipschitz_of_linear_map_is_its_norm():
    w = torch.tensor([3.0, -4.0])
    x = torch.randn(500, 2, generator=torch.Generator().manual_seed(0))
    est = lipschitz.effective_lipschitz(lambda t: t @ w, x, n_pairs=5000, n_repeats=5)
    assert est.mean <= 5.0 + 1e-4          # never above the true constant
    assert est.mean > 4.9                  # pairs aligned with w exist among 5,000
    assert est.maxima.shape == (5,)


def test_effective_lipschitz_bad_input():
    with pytest.raises(ValueError, match="at least 2 points"):
        lipschitz.effective_lipschitz(lambda t: t[:, 0], torch.zeros(1, 2))
    with pytest.raises(ValueError, match="n_pairs"):
        lipschitz.effective_lipschitz(lambda t: t[:, 0], torch.zeros(5, 2), n_pairs=0)
    with pytest.raises(ValueError, match="one value per point"):
        lipschitz.effective_lipschitz(lambda t: t[:1, 0], torch.randn(5, 2))
    with pytest.raises(TypeError, match="x must be a tensor"):
        lipschitz.effective_lipschitz(lambda t: t, [[0.0, 1.0]])


def test_spectral_norms_match_svd_and_sn_layers_are_normalized():
    torch.manual_seed(0)
    plain = nets.MLPCritic(3, hidden=(16, 8))
    norms = lipschitz.spectral_norms(plain)
    w = plain.body[1].weight.detach()
    assert norms["body.1"] == pytest.approx(float(torch.linalg.svdvals(w)[0]), rel=1e-5)
    sn = nets.MLPCritic(3, hidden=(16, 8), spectral_norm=True)
    for _ in range(30):                    # power iterations run in training-mode forward passes
        sn(torch.randn(4, 3))
    assert all(v == pytest.approx(1.0, abs=0.02) for v in lipschitz.spectral_norms(sn).values())


def test_layer_gradient_norms_vanish_under_small_clipping():
    torch.manual_seed(0)
    target = data.toy("8gaussians")
    x, y = target.sample(256, seed=0), target.sample(256, seed=1) + torch.randn(256, 2)
    out = {}
    for c in (0.001, 0.1):
        critic, loss_fn, hooks, opt = lipschitz.critic_setup("clip", hidden=(64,) * 6, strength=c)
        hooks[0](critic)
        loss, _ = loss_fn(critic, x, y)
        out[c] = list(lipschitz.layer_gradient_norms(critic, loss).values())
    assert len(out[0.1]) == 7
    assert max(out[0.001]) < 1e-6 < min(out[0.1])


def test_fitted_critic_estimates_w1_and_clipping_does_not():
    res_gp = lipschitz.critic_vs_w1(data.toy("8gaussians"), "gp", n=256, n_steps=600, seed=0)
    res_clip = lipschitz.critic_vs_w1(data.toy("8gaussians"), "clip", n=256, n_steps=300, seed=0)
    exact = res_gp["exact_w1"]
    assert 0.75 * exact < res_gp["gap"] <= 1.05 * exact
    assert 0.7 < res_gp["k_eff"].mean < 2.0
    assert res_clip["gap"] < 0.05 * exact
    assert res_clip["k_eff"].mean < 0.05
    assert res_clip["exact_w1"] == pytest.approx(exact)    # same samples for every method


def test_critic_setup_bad_method():
    with pytest.raises(ValueError, match="method must be one of"):
        lipschitz.critic_setup("dropout")
    with pytest.raises(ValueError, match="strength"):
        lipschitz.critic_setup("clip", strength=-1)
