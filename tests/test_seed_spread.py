"""The comparison chapter's seed table: one row per (model, training seed), mean ± spread per model."""
import pytest

from otgan import comparison


def test_seed_spread_trains_each_seed_and_summarizes_mean_and_spread(monkeypatch):
    monkeypatch.setenv("OTGAN_PROFILE", "smoke")
    runs, summary = comparison.seed_spread(names=("gan_mlp",), seeds=(0, 1), n=100, real_fid=10.0)
    assert list(runs.index) == [("gan_mlp", 0), ("gan_mlp", 1)]
    assert runs.loc[("gan_mlp", 0), "fid"] != runs.loc[("gan_mlp", 1), "fid"]     # two trainings, not one twice
    assert runs["FID / real-vs-real"].tolist() == pytest.approx((runs["fid"] / 10.0).tolist())
    assert comparison.PLUS_MINUS in summary.loc["gan_mlp", "fid"] and summary.loc["gan_mlp", "seeds"] == 2
    mean = float(summary.loc["gan_mlp", "fid"].split(comparison.PLUS_MINUS)[0].replace(",", ""))  # thousands separated
    assert mean == pytest.approx(runs["fid"].mean(), abs=0.05)


def test_seed_spread_reuses_loaded_models_and_rejects_empty_input(monkeypatch):
    monkeypatch.setenv("OTGAN_PROFILE", "smoke")
    from otgan import models

    loaded = {("gan_mlp", 0): models.load(["gan_mlp"])["gan_mlp"]}
    monkeypatch.setattr(models, "load", lambda *a, **k: pytest.fail("loaded again"))
    runs, _ = comparison.seed_spread(names=("gan_mlp",), seeds=(0,), n=100, real_fid=10.0, loaded=loaded)
    assert runs.loc[("gan_mlp", 0), "steps"] == loaded[("gan_mlp", 0)].step
    with pytest.raises(ValueError, match="names and seeds"):
        comparison.seed_spread(names=(), seeds=(0,))
