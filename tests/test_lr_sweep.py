import json
import os

import pytest

from otgan import lr_sweep, models, reproduce


def test_sweep_covers_the_protocol_models_at_the_same_factors():
    names = lr_sweep.swept_models()
    assert "wgan_sn_mlp" not in names                       # the counter-example keeps its fixed step count
    assert {"sngan_hinge_mlp", "wgan_gp_mlp", "dcgan", "sw_pixel"} <= set(names)
    assert lr_sweep.FACTORS == tuple(sorted(lr_sweep.FACTORS)) and 1.0 in lr_sweep.FACTORS
    for name in names:
        spec = models.REGISTRY[name]
        for f in lr_sweep.FACTORS:
            v = lr_sweep.variant(name, f)
            assert v.lr_used == pytest.approx(spec.lr * f, rel=1e-3) and v.lr == spec.lr
            assert v.config()["lr"] == v.lr_used and {k: x for k, x in v.config().items() if k != "lr"} == \
                {k: x for k, x in spec.config().items() if k != "lr"}          # only the rate differs
            assert models.build(v)[0].opt_generator.param_groups[0]["lr"] == v.lr_used
    with pytest.raises(ValueError, match="factor"):
        lr_sweep.variant("gan_mlp", 0)
    with pytest.raises(ValueError, match="name"):
        lr_sweep.variant("no_such_model", 1.0)


def test_a_smoke_run_is_recorded_reused_and_collected(tmp_path, monkeypatch):
    monkeypatch.setenv("OTGAN_PROFILE", "smoke")
    row = lr_sweep.run("sw_pixel", 2.0, str(tmp_path))
    assert row["steps"] == models.REGISTRY["sw_pixel"].steps[0] and row["lr"] == pytest.approx(1e-3)
    assert row["fid"] > 0 and 0 <= row["precision"] <= 1
    saved = tmp_path / "lr_sweep" / "sw_pixel.x2.json"
    assert json.loads(saved.read_text())["fid"] == row["fid"]
    os.remove(tmp_path / "lr_sweep" / "sw_pixel.x2.pt")
    assert lr_sweep.run("sw_pixel", 2.0, str(tmp_path)) == row       # finished: read back, not retrained
    with pytest.raises(FileNotFoundError, match="sw_pixel.x1"):
        lr_sweep.collect(str(tmp_path), names=["sw_pixel"], path=str(tmp_path / "s.json"))
    table = lr_sweep.collect(str(tmp_path), names=["sw_pixel"], factors=(2.0,), path=str(tmp_path / "s.json"))
    assert lr_sweep.load(str(tmp_path / "s.json")) == table and table["rows"] == [row]


def test_drift_names_the_fields_a_recorded_run_lacks_and_nothing_for_a_run_made_today(tmp_path, monkeypatch):
    monkeypatch.setenv("OTGAN_PROFILE", "smoke")
    row = lr_sweep.run("sw_pixel", 0.5, str(tmp_path))
    sweep = {"budget_s": lr_sweep.SWEEP_BUDGET_S, "profile": "smoke", "rows": [row]}
    assert lr_sweep.drift(sweep) == {}
    old = dict(row, config={**row["config"], "batch_size": 64})
    old["config"].pop("ema")
    assert lr_sweep.drift(dict(sweep, rows=[row, old])) == {"sw_pixel": {"batch_size", "ema"}}


def test_choose_keeps_the_published_rate_unless_another_wins_clearly():
    rows = [{"model": m, "factor": f, "fid": fid} for m, f, fid in [
        ("a", 0.5, 100.0), ("a", 1.0, 105.0), ("a", 2.0, 96.0),     # 8.6% better: not a clear win
        ("b", 0.5, 80.0), ("b", 1.0, 100.0), ("b", 2.0, 95.0),      # 20% better at half the rate
        ("c", 0.5, 150.0), ("c", 1.0, 100.0), ("c", 2.0, 120.0)]]   # the published rate is best
    assert lr_sweep.choose(rows) == {"a": 1.0, "b": 0.5, "c": 1.0}
    assert lr_sweep.choose(rows, clear_win=0.05) == {"a": 2.0, "b": 0.5, "c": 1.0}
    with pytest.raises(ValueError, match="factor 1"):
        lr_sweep.choose([{"model": "d", "factor": 2.0, "fid": 1.0}])


def test_reproduce_names_one_sweep_process_per_run():
    cmd = reproduce.sweep_command("dcgan", 0.5, "book", "somewhere")
    assert cmd[1:] == ["-m", "otgan.lr_sweep", "--name", "dcgan", "--factor", "0.5", "--profile", "book",
                       "--runs-dir", "somewhere"]


def test_confirm_keeps_a_moved_rate_only_if_the_full_run_wins_clearly(tmp_path):
    sweep = [{"model": m, "factor": f, "fid": fid} for m, f, fid in [
        ("a", 1.0, 100.0), ("a", 2.0, 80.0),      # moved by the screen, confirmed by the full runs
        ("b", 1.0, 100.0), ("b", 2.0, 80.0),      # moved by the screen, the full run at x2 only 4% ahead
        ("c", 1.0, 100.0), ("c", 2.0, 80.0),      # moved, full run at x2 not recorded yet
        ("d", 1.0, 100.0), ("d", 2.0, 95.0)]]     # not moved: no full run needed
    full = [{"model": "a", "factor": 1.0, "fid": 800.0}, {"model": "a", "factor": 2.0, "fid": 540.0},
            {"model": "b", "factor": 1.0, "fid": 115.0}, {"model": "b", "factor": 2.0, "fid": 111.0},
            {"model": "b", "factor": 2.0, "seed": 1, "fid": 50.0},     # other seeds do not decide
            {"model": "c", "factor": 1.0, "fid": 100.0}]
    assert lr_sweep.confirm(sweep, full) == {"a": 2.0, "b": 1.0, "c": None, "d": 1.0}
    path = str(tmp_path / "c.json")
    for r in full:
        lr_sweep.record(r, path)
    lr_sweep.record({"model": "a", "factor": 2.0, "fid": 530.0}, path)          # replaced, not appended
    rows = lr_sweep.load_confirmation(path)["rows"]
    assert len(rows) == len(full) and {r["fid"] for r in rows if r["model"] == "a"} == {800.0, 530.0}


def test_every_shipped_model_trains_at_its_confirmed_rate():
    kept = lr_sweep.confirm(lr_sweep.load()["rows"], lr_sweep.load_confirmation()["rows"])
    assert None not in kept.values(), f"moved by the screen, full runs not recorded: {kept}"
    assert {n: models.REGISTRY[n].lr_factor for n in kept} == kept


def test_a_confirmation_export_of_another_rate_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("OTGAN_PROFILE", "smoke")
    export = str(tmp_path / "x2.pt")
    trainer, n_steps = models.build(lr_sweep.variant("sw_pixel", 2.0))
    trainer.train(n_steps, progress=False)
    trainer.export(export)
    assert lr_sweep.evaluate_export("sw_pixel", 2.0, export)["lr"] == pytest.approx(1e-3)
    with pytest.raises(ValueError, match="config"):
        lr_sweep.evaluate_export("sw_pixel", 1.0, export)
