"""otgan.minibatch.preference: the paired test of whether a minibatch loss prefers the data to a generator, on
data tensors (MNIST-style) and seeded samplers (the toys)."""
import pytest
import torch

from otgan import minibatch, ot_losses, toys
from otgan.minibatch import preference


def _shrink(critic, real, fake):
    """Biased toward collapse: lowest for a point mass at the real mean."""
    return (fake.mean(0) - real.mean(0)).square().sum() + fake.var(0).sum()


DATA = torch.randn(600, 3, generator=torch.Generator().manual_seed(0))


def test_a_loss_biased_toward_collapse_prefers_a_collapsed_generator():
    r = preference(_shrink, lambda n: 0.1 * torch.randn(n, 3), DATA, n=100, trials=8)
    assert r["delta"] < -5 * r["se"] and r["target_preferred"] == 0.0
    assert (r["n"], r["trials"]) == (100, 8)


def test_an_ot_loss_prefers_the_data_to_a_shifted_generator():
    r = preference(ot_losses.SlicedLoss(50), lambda n: torch.randn(n, 3) + 3.0, DATA, n=100, trials=6)
    assert r["delta"] > 5 * r["se"] and r["target_preferred"] == 1.0


def test_each_trial_draws_two_disjoint_batches_from_the_tensor():
    data = torch.arange(50.0).unsqueeze(1)
    seen = []

    def record(critic, real, fake):
        seen.append((real[:, 0].tolist(), fake[:, 0].tolist()))
        return real.sum() * 0

    preference(record, lambda n: torch.full((n, 1), -1.0), data, n=20, trials=3)
    for (real, gen), (real2, fresh) in zip(seen[::2], seen[1::2]):
        assert real == real2 and gen == [-1.0] * 20          # the same real batch scores both
        assert not set(real) & set(fresh) and len(set(real) | set(fresh)) == 40  # disjoint, without replacement


def test_the_toy_wrapper_is_the_seeded_sampler_case():
    target = toys.make_toy("8gaussians")
    sample = lambda n: 0.5 * target.sample(n)  # noqa: E731
    torch.manual_seed(3)
    a = toys.minibatch_preference(_shrink, sample, "8gaussians", n=32, trials=4, seed=1)
    torch.manual_seed(3)
    b = preference(_shrink, sample, lambda n, s: target.sample(n, seed=s), n=32, trials=4, seed=1)
    assert a == b


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(real=DATA[:150], n=100), ValueError, "real holds 150 points"),
    (dict(real=DATA, trials=1), ValueError, "trials"),
    (dict(real=DATA, n=0), ValueError, "n must be"),
    (dict(real=[[0.0, 0.0, 0.0]]), TypeError, "real must be"),
    (dict(real=DATA, sample="gen"), TypeError, "sample must be callable"),
])
def test_bad_arguments_name_themselves(kwargs, error, match):
    args = dict(loss=_shrink, sample=lambda n: torch.zeros(n, 3), n=10, trials=2) | kwargs
    with pytest.raises(error, match=match):
        preference(**args)


def test_preference_table_rows_columns_and_errors():
    """One row per labelled result, the difference rounded to ``digits``, the share as a percentage; bad input named."""
    r = {"delta": -0.123456, "se": 0.0123, "target_preferred": 0.25, "n": 8, "trials": 4}
    t = minibatch.preference_table({"first": r, "second": {**r, "delta": 0.5}}, digits=3, generator="the ring",
                                   data="real digits")
    assert list(t.index) == ["first", "second"]
    assert list(t.columns) == ["The ring minus real digits", "standard error", "batches where real digits scored lower"]
    assert t.iloc[0, 0] == -0.123 and t.iloc[1, 0] == 0.5 and t.iloc[0, 2] == "25%"
    with pytest.raises(ValueError, match="results"):
        minibatch.preference_table({})
    with pytest.raises(ValueError, match="digits"):
        minibatch.preference_table({"first": r}, digits=-1)
