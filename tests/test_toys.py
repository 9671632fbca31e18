"""The 2-D toy recipes, their training and measurement, the shipped files and the comparison table."""
import math
import os

import pytest
import torch

from otgan import comparison, data, toys


@pytest.fixture
def tmp_data(tmp_path, monkeypatch):
    """A data folder of our own: toys reads and writes ``<tmp>/toys/...``."""
    (tmp_path / "toys").mkdir()
    monkeypatch.setattr(toys, "data_path", lambda name, make=None: _path(tmp_path, name, make))
    return tmp_path


def _path(root, name, make):
    path = os.path.join(root, name)
    if make is not None and not os.path.exists(path):
        raise FileNotFoundError(f"{path} is missing: make it with `{make}`")
    return path


def _small_grid(monkeypatch, losses, seeds):
    """The smoke profile on 8 Gaussians only (sweep and table), one learning rate, ``losses`` and ``seeds``."""
    monkeypatch.setenv("OTGAN_PROFILE", "smoke")
    monkeypatch.setattr(toys, "TOYS", ("8gaussians",))
    monkeypatch.setattr(toys, "SWEEP_TOYS", ("8gaussians",))
    monkeypatch.setattr(toys, "LOSSES", losses)
    monkeypatch.setattr(toys, "SEEDS", seeds)
    monkeypatch.setattr(toys, "LR_GRID", (1e-3,))


@pytest.mark.parametrize("loss", toys.LOSSES)
def test_every_recipe_trains_and_follows_its_paper(loss):
    torch.manual_seed(0)
    trainer = toys.build("8gaussians", loss, 1e-3)
    history = trainer.train(2, progress=False)
    assert all(math.isfinite(v) for v in history["generator loss"])
    assert trainer.sample(5).shape == (5, 2)
    recipe = toys.RECIPES[loss]
    assert trainer.config["loss"] == loss and trainer.config["lr"] == 1e-3
    assert (trainer.critic is None) == (recipe["n_critic"] == 0)
    if loss == "wgan-clip":
        assert max(p.abs().max().item() for p in trainer.critic.parameters()) <= recipe["clip"]
        assert isinstance(trainer.opt_generator, torch.optim.RMSprop)
    if loss in ("wgan-sn", "sn-hinge"):
        assert any("parametrizations" in n for n, _ in trainer.critic.named_parameters())
    if loss == "otgan":
        assert trainer.n_generator == 3


def test_build_rejects_bad_input():
    with pytest.raises(ValueError, match="loss"):
        toys.build("8gaussians", "wgan", 1e-3)
    with pytest.raises(ValueError, match="lr"):
        toys.build("8gaussians", "wgan-gp", -1.0)
    with pytest.raises(ValueError, match="name"):
        toys.build("9gaussians", "wgan-gp", 1e-3)


def test_floor_is_the_sampling_error_of_the_target():
    f = toys.floor("8gaussians", n=500)
    target = data.toy("8gaussians")
    shifted = toys.wasserstein(target.sample(500, seed=1) + 0.3, target.sample(500, seed=2), p=1)
    assert 0 < f < float(shifted)
    assert toys.floor("8gaussians", n=1000) < toys.floor("8gaussians", n=100)  # it shrinks with the sample size


def test_steps_to_converge():
    steps = [0, 100, 200, 300, 400]
    assert toys.steps_to_converge(steps, [2.0, 1.0, 0.5, 0.2, 0.2]) == 300
    assert toys.steps_to_converge(steps, [2.0, 0.2, 0.9, 0.21, 0.2]) == 300  # a relapse resets the count
    assert toys.steps_to_converge(steps, [0.2] * 5) == 0


def test_best_lr_prefers_the_lowest_w1_relative_to_the_floor():
    rows = [{"toy": "8gaussians", "loss": "sliced", "lr": lr, "W1": w} for lr, w in [(1e-4, 0.5), (1e-3, 0.1)]]
    assert toys.best_lr(rows, "sliced") == 1e-3
    with pytest.raises(ValueError, match="no row"):
        toys.best_lr(rows, "otgan")


def test_reproduce_ships_models_the_book_profile_loads(tmp_data, monkeypatch):
    _small_grid(monkeypatch, losses=("wgan-gp", "sliced"), seeds=(0, 1))
    monkeypatch.setattr(toys, "EARLY_STEP", 4)
    table = toys.reproduce(log=lambda *a: None)
    assert {(r["loss"], r["seed"]) for r in table["rows"]} == {("wgan-gp", 0), ("wgan-gp", 1), ("sliced", 0),
                                                               ("sliced", 1)}
    assert set(table["lrs"]) == {"wgan-gp", "sliced"} and set(table["lrs"].values()) <= set(toys.LR_GRID)
    row = table["rows"][0]
    assert row["steps"] == toys.steps() and 0 <= row["high_quality"] <= 1 and row["W1"] > 0
    assert len(row["curve"]["W1"]) == len(row["curve"]["step"]) >= 2
    # a second call resumes: nothing is retrained
    monkeypatch.setattr(toys, "train", lambda *a, **k: pytest.fail("retrained a finished run"))
    assert len(toys.reproduce(log=lambda *a: None)["rows"]) == 4
    # the book profile loads the shipped seed-0 nets and their frames instead of training
    monkeypatch.setenv("OTGAN_PROFILE", "book")
    with pytest.raises(ValueError, match="smoke"):
        toys.load_table()
    gp = toys.load("8gaussians", "wgan-gp")
    shipped = torch.load(toys.model_path("8gaussians", "wgan-gp"), weights_only=False)
    assert gp.row == shipped["row"] and gp.frames.shape[1:] == (500, 2) and gp.critic is not None
    z = torch.randn(7, toys.LATENT)
    assert torch.allclose(gp.sample(7, z=z), gp.sample(7, z=z))
    early = toys.load("8gaussians", "wgan-gp", early=True)
    assert early.step == 4 and not torch.allclose(early.sample(7, z=z), gp.sample(7, z=z))
    with pytest.raises(ValueError, match="early"):
        toys.load("8gaussians", "sliced", early=True)
    os.remove(toys.model_path("8gaussians", "sliced"))
    with pytest.raises(FileNotFoundError, match="--only toys"):
        toys.load("8gaussians", "sliced")


def test_reproduce_reruns_what_another_recipe_or_grid_made(tmp_data, monkeypatch):
    _small_grid(monkeypatch, losses=("sliced", "sinkhorn"), seeds=(0,))
    toys.reproduce(log=lambda *a: None)
    runs = []
    real_train = toys.train

    def counting(toy, loss, *a, **k):
        runs.append((loss, k.get("curve_every") is not None))
        return real_train(toy, loss, *a, **k)

    monkeypatch.setattr(toys, "train", counting)
    # a changed recipe: the sweep and the table run that loss again, and only it
    monkeypatch.setitem(toys.RECIPES, "sliced", {**toys.RECIPES["sliced"], "n_projections": 7})
    table = toys.reproduce(log=lambda *a: None)
    assert sorted(runs) == [("sliced", False), ("sliced", True)]
    assert all(toys._current(r) for r in table["rows"]) and len(table["rows"]) == 2
    assert [r["config"]["n_projections"] for r in toys.load_sweep()["rows"] if r["loss"] == "sliced"] == [7]
    # a wider learning-rate grid: the whole sweep again (the table too where the chosen rate moved)
    runs.clear()
    monkeypatch.setattr(toys, "LR_GRID", (1e-3, 3e-3))
    toys.reproduce(log=lambda *a: None)
    sweep = toys.load_sweep()
    assert sweep["lrs"] == [1e-3, 3e-3] and {(r["loss"], r["lr"]) for r in sweep["rows"]} == {
        (loss, lr) for loss in ("sliced", "sinkhorn") for lr in (1e-3, 3e-3)}
    assert sum(swept for _, swept in runs) == 4


def test_summary_table_has_mean_spread_and_the_floor():
    rows = [{"toy": "8gaussians", "loss": "wgan-gp", "seed": s, "W1": w, "W2": w + 0.1, "modes_covered": m,
             "n_modes": 8, "high_quality": 0.9, "ms per step": 10.0, "steps to converge": 500}
            for s, (w, m) in enumerate([(0.1, 8), (0.2, 7), (0.3, 8)])]
    summary, numbers = comparison.toy_summary({"rows": rows, "floor": {"8gaussians": [0.05, 0.07]}})
    assert summary.loc[("8gaussians", "WGAN-GP"), "W1"] == "0.200 ±\u00a00.100"
    assert summary.loc[("8gaussians", "floor (target vs target)"), "W1"] == "0.060 ±\u00a00.014"
    assert summary.loc[("8gaussians", "WGAN-GP"), "seeds"] == "3"
    assert numbers.loc[("8gaussians", "WGAN-GP"), "modes min"] == 7
    assert numbers.loc[("8gaussians", "WGAN-GP"), "floor"] == pytest.approx(0.06)
    # each seed over its own floor, not the mean W1 over the mean floor (0.2 / 0.06); seed 2 has no floor here
    assert numbers.loc[("8gaussians", "WGAN-GP"), "W1/floor"] == pytest.approx((0.1 / 0.05 + 0.2 / 0.07) / 2)
    assert summary.loc[("8gaussians", "WGAN-GP"), "W1/floor"] == "2.43 ±\u00a00.61"


def test_two_shards_share_the_work_and_merge_their_rows(tmp_data, monkeypatch):
    """``--shard 0/2`` and ``--shard 1/2`` side by side: each trains half the jobs, both wait for the whole sweep,
    and the table holds every row once."""
    import threading

    _small_grid(monkeypatch, losses=("sliced", "sinkhorn"), seeds=(0, 1))
    logs = {0: [], 1: []}
    errors = []

    def run(k):
        try:
            toys.reproduce(log=logs[k].append, shard=(k, 2))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors and not any(t.is_alive() for t in threads)
    table = toys.load_table()
    assert sorted((r["loss"], r["seed"]) for r in table["rows"]) == [("sinkhorn", 0), ("sinkhorn", 1),
                                                                     ("sliced", 0), ("sliced", 1)]
    trained = [[line for line in logs[k] if line.startswith("toys ")] for k in (0, 1)]
    assert len(trained[0]) == len(trained[1]) == 2
    assert len(toys.load_sweep()["rows"]) == 2
    with pytest.raises(ValueError, match="shard"):
        toys.reproduce(shard=(2, 2))


def test_a_shard_without_its_partner_times_out_naming_the_missing_losses(tmp_data, monkeypatch):
    """``--shard 0/2`` alone sweeps its half and, instead of waiting forever for shard 1, stops with an error
    that names the losses whose sweep rows never came."""
    _small_grid(monkeypatch, losses=("sliced", "sinkhorn"), seeds=(0,))
    with pytest.raises(TimeoutError, match=r"sinkhorn.*--shard"):
        toys.reproduce(log=lambda *a: None, shard=(0, 2), wait_s=0.0)


def test_long_runs_record_rows_ship_generators_and_resume(tmp_data, monkeypatch):
    first = toys.long_runs(losses_=("sn-hinge", "nonsaturating"), toys_=toys.LONG_TOY, shard=(0, 2),
                           log=lambda *a: None)
    assert len(first["rows"]) == 1  # one shard: one of the two losses
    both = toys.long_runs(losses_=("sn-hinge", "nonsaturating"), toys_=toys.LONG_TOY, shard=(1, 2),
                          log=lambda *a: None)
    assert sorted(r["loss"] for r in both["rows"]) == ["nonsaturating", "sn-hinge"]
    assert all(r["toy"] == toys.LONG_TOY and r["steps"] == toys.long_steps() for r in both["rows"])
    assert all(r["n_modes"] == 25 and 0 <= r["high_quality"] <= 1 for r in both["rows"])
    train = toys.train
    monkeypatch.setattr(toys, "train", lambda *a, **k: pytest.fail("retrained a finished long run"))
    assert len(toys.long_runs(losses_=("sn-hinge", "nonsaturating"), toys_=toys.LONG_TOY,
                              log=lambda *a: None)["rows"]) == 2
    model = toys.load_long_model("sn-hinge")
    assert model.row == next(r for r in toys.load_long()["rows"] if r["loss"] == "sn-hinge")
    assert model.sample(5).shape == (5, 2)
    monkeypatch.setattr(toys, "train", train)  # not undo(): that would also undo tmp_data's data folder
    seeded = toys.long_runs(losses_=("sn-hinge",), toys_=toys.LONG_TOY, seeds=(0, 1),
                            log=lambda *a: None)  # seed 0 kept, seed 1 added
    assert sorted((r["loss"], r["seed"]) for r in seeded["rows"]) == [("nonsaturating", 0), ("sn-hinge", 0),
                                                                      ("sn-hinge", 1)]
    assert toys.load_long_model("sn-hinge").row["seed"] == 0  # the shipped generator stays seed 0's
    with pytest.raises(FileNotFoundError, match="toys-long"):
        toys.load_long_model("wgan-gp")
    with pytest.raises(ValueError, match="shard"):
        toys.long_runs(shard=(2, 2))
    with pytest.raises(ValueError, match="seeds"):
        toys.long_runs(seeds=(-1,))
    with pytest.raises(ValueError, match="toys_"):
        toys.long_runs(toys_=("moons",))


def test_longer_runs_train_twice_the_long_steps_in_their_own_file(tmp_data, monkeypatch):
    calls = []
    train = toys.train
    monkeypatch.setattr(toys, "train", lambda *a, **k: calls.append(a[:3]) or train(*a, **k))
    monkeypatch.setattr(toys, "LONGER", {"25gaussians": ("sliced",), "8gaussians": ("sn-hinge",)})
    longer = toys.longer_runs(toys_="25gaussians", log=lambda *a: None)
    assert calls == [("25gaussians", "sliced", toys.longer_steps())]
    assert toys.longer_steps() == 2 * toys.long_steps()
    assert longer["steps"] == toys.longer_steps() and [r["loss"] for r in longer["rows"]] == ["sliced"]
    assert toys.load_longer() == longer
    model = toys.load_long_model("sliced", "25gaussians", longer=True)
    assert model.row["steps"] == toys.longer_steps() and model.sample(4).shape == (4, 2)
    with pytest.raises(FileNotFoundError, match="toys-long`"):  # the long runs' file is another one
        toys.load_long()
    both = toys.longer_runs(log=lambda *a: None)  # the 25-Gaussian row kept, the 8-Gaussian one added
    assert sorted((r["toy"], r["loss"]) for r in both["rows"]) == [("25gaussians", "sliced"), ("8gaussians", "sn-hinge")]
    assert len(calls) == 2
    with pytest.raises(ValueError, match="toys_"):
        toys.longer_runs(toys_=("swissroll",))


def test_longest_runs_train_twice_the_longer_steps_in_their_own_file(tmp_data, monkeypatch):
    calls = []
    train = toys.train
    monkeypatch.setattr(toys, "train", lambda *a, **k: calls.append(a[:3]) or train(*a, **k))
    monkeypatch.setattr(toys, "LONGEST", {"8gaussians": ("sn-hinge",)})
    longest = toys.longest_runs(seeds=(0, 1), log=lambda *a: None)
    assert calls == [("8gaussians", "sn-hinge", toys.longest_steps())] * 2
    assert toys.longest_steps() == 2 * toys.longer_steps()
    assert sorted(r["seed"] for r in longest["rows"]) == [0, 1] and longest["steps"] == toys.longest_steps()
    assert toys.load_longest() == longest
    model = toys.load_long_model("sn-hinge", "8gaussians", longest=True)
    assert model.row["steps"] == toys.longest_steps() and model.row["seed"] == 0
    with pytest.raises(FileNotFoundError, match="toys-longer`"):  # the longer runs' file is another one
        toys.load_longer()
    with pytest.raises(ValueError, match="longest"):
        toys.load_long_model("sn-hinge", "8gaussians", longer=True, longest=True)
    toys.longest_runs(seeds=(0, 1), log=lambda *a: None)  # recorded rows are kept, not trained again
    assert len(calls) == 2
    with pytest.raises(ValueError, match="toys_"):
        toys.longest_runs(toys_=("25gaussians",))


def test_large_batch_runs_change_only_the_batch_and_keep_one_file_per_batch(tmp_data, monkeypatch):
    """The large-batch study: each job trained at each of its batches, its config the recipe's but for the batch,
    one file per batch, seed 0's generator shipped, kept on a second call; bad arguments name themselves."""
    calls = []
    train = toys.train
    monkeypatch.setattr(toys, "train", lambda *a, **k: calls.append((a[:3], k.get("batch_size"))) or train(*a, **k))
    runs = toys.large_batch_runs({("8gaussians", "sliced"): (64, 32)}, log=lambda *a: None)
    assert sorted(calls) == [(("8gaussians", "sliced", toys.longer_steps()), 32),
                             (("8gaussians", "sliced", toys.longer_steps()), 64)]
    assert set(runs) == {32, 64}
    (row,) = runs[64]["rows"]
    assert row["config"] == {**toys.recipe_config("8gaussians", "sliced", row["lr"]), "batch_size": 64}
    assert toys.load_batch_runs(64) == runs[64] and toys.load_batch_runs(32)["rows"][0]["config"]["batch_size"] == 32
    assert sorted(os.listdir(os.path.join(tmp_data, "toys", "batches"))) == ["b32", "b32.json", "b32.json.lock",
                                                                             "b64", "b64.json", "b64.json.lock"]
    model = toys.load_long_model("sliced", "8gaussians", batch_size=64)
    assert model.row == row and model.config["batch_size"] == 64 and model.sample(4).shape == (4, 2)
    assert toys.large_batch_runs({("8gaussians", "sliced"): (64,)}, log=lambda *a: None)[64] == runs[64]
    assert len(calls) == 2  # resumed: nothing retrained
    with pytest.raises(FileNotFoundError, match="toys-batches"):
        toys.load_batch_runs(128)
    with pytest.raises(ValueError, match="batch_size"):
        toys.load_batch_runs(0)
    with pytest.raises(ValueError, match="jobs"):
        toys.large_batch_runs({})


def test_batch_runs_train_each_batch_once_with_only_the_batch_changed(tmp_data, monkeypatch):
    """The batch study: one row per batch, each trained with the recipe and that batch (its config says so and
    nothing else differs), kept on a second call; bad arguments name themselves."""
    monkeypatch.setenv("OTGAN_PROFILE", "smoke")
    calls = []
    real_train = toys.train

    def counted(*args, **kwargs):
        calls.append(kwargs.get("batch_size"))
        return real_train(*args, **kwargs)

    monkeypatch.setattr(toys, "train", counted)
    study = toys.batch_runs(batches=(32, 64), log=lambda *a: None)
    assert [r["batch_size"] for r in study["rows"]] == [32, 64] and calls == [32, 64]
    recipe = toys.recipe_config("8gaussians", "sliced", study["rows"][0]["lr"])
    for r in study["rows"]:
        assert r["config"] == {**recipe, "batch_size": r["batch_size"]} and not r["from_table"]
        assert r["steps"] == toys.steps() and (r["toy"], r["loss"]) == ("8gaussians", "sliced")
    assert toys.load_batch() == study
    toys.batch_runs(batches=(32, 64), log=lambda *a: None)
    assert calls == [32, 64]  # recorded rows are kept
    with pytest.raises(ValueError, match="batches"):
        toys.batch_runs(batches=(0,))
    with pytest.raises(ValueError, match="loss"):
        toys.batch_runs(loss="hinge")


def test_build_records_a_replaced_batch():
    trainer = toys.build("8gaussians", "sliced", 1e-3, batch_size=64)
    assert trainer.batch_size == 64 and trainer.config["batch_size"] == 64
    with pytest.raises(ValueError, match="batch_size"):
        toys.build("8gaussians", "sliced", 1e-3, batch_size=0)


def test_long_runs_of_a_second_toy_keep_the_first_toys_rows(tmp_data):
    """8 Gaussians trained long beside 25 Gaussians: one file, each row naming its toy, each toy's generator
    shipped under its own name, and :func:`otgan.toys.load_long` reading one toy's rows."""
    quiet = dict(losses_=("sn-hinge",), log=lambda *a: None)
    toys.long_runs(toys_="25gaussians", **quiet)
    both = toys.long_runs(toys_=toys.LONG_TOYS, **quiet)
    assert sorted(r["toy"] for r in both["rows"]) == ["25gaussians", "8gaussians"]
    eight = toys.load_long("8gaussians")
    assert [(r["toy"], r["n_modes"]) for r in eight["rows"]] == [("8gaussians", 8)]
    assert toys.load_long_model("sn-hinge", toy="8gaussians").row == eight["rows"][0]
    assert toys.load_long_model("sn-hinge").row["toy"] == "25gaussians"
    with pytest.raises(ValueError, match="toy"):
        toys.load_long("moons")


def test_load_long_reads_a_file_of_one_toy(tmp_data):
    """The earlier file named its toy once, not per row: its rows are read as that toy's."""
    toys._write(toys.data_path(toys.LONG_FILE), {"profile": "smoke", "toy": "25gaussians", "steps": 20,
                                                  "rows": [{"loss": "sliced", "seed": 0}]})
    assert toys.load_long()["rows"] == [{"toy": "25gaussians", "loss": "sliced", "seed": 0}]
    assert toys.load_long("8gaussians")["rows"] == []


def test_long_summary_sets_each_long_run_beside_its_table_row():
    table = {"floor": {"25gaussians": [0.1, 0.2]}, "rows": [
        {"toy": "25gaussians", "loss": "wgan-gp", "seed": 0, "modes_covered": 13, "high_quality": 0.25, "W1": 0.3},
        {"toy": "25gaussians", "loss": "wgan-gp", "seed": 1, "modes_covered": 16, "high_quality": 0.3, "W1": 0.2}]}
    long = {"toy": "25gaussians", "steps": 100, "rows": [
        {"loss": "sliced", "seed": 0, "modes_covered": 5, "high_quality": 0.2, "W1": 0.25, "ms per step": 60.0,
         "steps": 100},
        {"loss": "wgan-gp", "seed": 0, "modes_covered": 25, "high_quality": 0.85, "W1": 0.12, "ms per step": 30.0,
         "steps": 100}]}
    out = comparison.long_summary(long, table)
    assert list(out.index) == ["wgan-gp", "sliced"]  # the book's order of losses
    gp = out.loc["wgan-gp"]
    assert (gp["seeds"], gp["modes short"], gp["modes long"], gp["HQ long"]) == (1, 13, 25, 0.85)
    assert gp["W1/floor short"] == pytest.approx(3.0) and gp["W1/floor long"] == pytest.approx(1.2)
    assert gp["minutes long"] == pytest.approx(30.0 * 100 / 60000)
    assert math.isnan(out.loc["sliced", "modes short"])  # no table row for it
    eight = {"steps": 100, "rows": [{"toy": "8gaussians", **long["rows"][1], "modes_covered": 8}]}
    assert comparison.long_summary(eight, table).empty  # 25 Gaussians by default: no row of that toy
    with pytest.raises(ValueError, match="floor"):  # a toy the table has no floor for
        comparison.long_summary(eight, table, toy="8gaussians")
    with pytest.raises(ValueError, match="toy"):
        comparison.long_summary(eight, table, toy="moons")


def test_long_summary_averages_seeds_each_against_its_own_floor_and_keeps_the_worst():
    table = {"floor": {"25gaussians": [0.1, 0.2]}, "rows": [
        {"toy": "25gaussians", "loss": "wgan-gp", "seed": 0, "modes_covered": 13, "high_quality": 0.25, "W1": 0.3},
        {"toy": "25gaussians", "loss": "wgan-gp", "seed": 1, "modes_covered": 16, "high_quality": 0.3, "W1": 0.2}]}
    row = {"loss": "wgan-gp", "ms per step": 30.0, "steps": 100}
    long = {"toy": "25gaussians", "steps": 100, "rows": [
        {**row, "seed": 0, "modes_covered": 25, "high_quality": 0.85, "W1": 0.12},
        {**row, "seed": 1, "modes_covered": 22, "high_quality": 0.65, "W1": 0.3}]}
    gp = comparison.long_summary(long, table).loc["wgan-gp"]
    assert gp["seeds"] == 2 and gp["modes long"] == 23.5 and gp["modes long min"] == 22
    assert gp["HQ long"] == pytest.approx(0.75) and gp["HQ long min"] == pytest.approx(0.65)
    assert gp["modes short"] == 14.5
    assert gp["W1/floor long"] == pytest.approx((0.12 / 0.1 + 0.3 / 0.2) / 2)  # each seed over its own floor
    assert gp["W1/floor short"] == pytest.approx((3.0 + 1.0) / 2)
    assert comparison.long_summary({"toy": "25gaussians", "steps": 100, "rows": []}, table).empty
    seeds = comparison.long_per_seed(long, table).loc[["wgan-gp"]]  # the rows the mean is over
    assert list(seeds["seed"]) == [0, 1] and list(seeds["modes long"]) == [25, 22]
    assert list(seeds["W1/floor long"]) == pytest.approx([0.12 / 0.1, 0.3 / 0.2])
    assert seeds["W1/floor long"].mean() == pytest.approx(gp["W1/floor long"])
    assert comparison.long_per_seed({"toy": "25gaussians", "steps": 100, "rows": []}, table).empty


def _long_table():
    table = {"floor": {"8gaussians": [0.1]}, "rows": []}
    row = {"toy": "8gaussians", "seed": 0, "ms per step": 30.0, "steps": 100}
    long = {"steps": 100, "rows": [
        {**row, "loss": "wgan-gp", "modes_covered": 8, "high_quality": 0.94, "W1": 0.15},
        {**row, "loss": "sliced", "modes_covered": 8, "high_quality": 0.85, "W1": 0.12},
        {**row, "loss": "sinkhorn", "modes_covered": 8, "high_quality": 0.95, "W1": 0.25},
        {**row, "loss": "nonsaturating", "modes_covered": 7, "high_quality": 0.95, "W1": 0.3}]}
    return comparison.long_summary(long, table, toy="8gaussians")


def test_long_targets_needs_every_seed_on_all_modes_and_both_thresholds():
    out = comparison.long_targets(_long_table(), 8)
    assert out.loc["wgan-gp"].all()  # 8 modes, HQ 0.94, W1 1.5x the floor
    assert not out.loc["sliced", "HQ"] and out.loc["sliced", "W1"] and not out.loc["sliced", "all"]
    assert not out.loc["sinkhorn", "W1"] and out.loc["sinkhorn", "HQ"]
    assert not out.loc["nonsaturating", "all modes"]
    assert comparison.long_targets(_long_table(), 8, hq=0.8).loc["sliced", "all"]
    with pytest.raises(ValueError, match="n_modes"):
        comparison.long_targets(_long_table(), 0)
    with pytest.raises(TypeError, match="n_modes"):  # the project's checks: a non-integer count is a TypeError
        comparison.long_targets(_long_table(), 8.0)
    with pytest.raises(ValueError, match="long_table"):
        comparison.long_targets(_long_table().drop(columns="HQ long"), 8)


def test_long_shown_names_both_budgets_and_the_losses():
    shown, formats = comparison.long_shown(_long_table(), 4000, 20000)
    assert list(shown.index) == [toys.LABELS[loss] for loss in ("nonsaturating", "wgan-gp", "sinkhorn", "sliced")]
    assert "modes (4k steps)" in shown.columns and "HQ (20k steps)" in shown.columns
    assert "modes (20k steps), worst seed" in shown.columns
    assert "HQ (2,500 steps)" in comparison.long_shown(_long_table(), 2500, 20000)[0].columns
    assert set(formats) == set(shown.columns) and formats["seeds"] == "{:.0f}"
    halves = _long_table().assign(**{"modes long": [7.5, 8, 8, 8]})  # a mean over two seeds shows its half
    assert comparison.long_shown(halves, 4000, 20000)[1]["modes (20k steps)"] == "{:.1f}"


def test_plot_long_runs_draws_the_shipped_generators_with_their_modes():
    """The chapter's figure from the shipped 8-Gaussian long runs: one panel per loss, titled with its modes."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = comparison.long_summary(toys.load_long(), toys.load_table(), toy="8gaussians").iloc[:2]
    fig = comparison.plot_long_runs(table, "8gaussians", 20000, n=300, ncols=3)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert len(titles) == 2 and all("/8 modes" in t for t in titles)
    assert sum(not ax.axison for ax in fig.axes) == 1  # the spare panel is switched off
    plt.close(fig)


def test_plot_zoomed_pair_draws_each_generator_whole_and_zoomed():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    target = data.toy("8gaussians")
    fig = comparison.plot_zoomed_pair({"a": lambda n: target.sample(n, seed=1), "b": lambda n: target.sample(n, seed=2)},
                                      "8gaussians", ((1.0, 2.5), (-0.5, 1.5)), "two samples", n=400)
    axes = fig.axes
    assert len(axes) == 4 and all(axes[i].get_title().startswith(("a: 8/8 modes", "b: 8/8 modes")) for i in (0, 1))
    assert axes[2].get_xlim() == (1.0, 2.5) and axes[3].get_ylim() == (-0.5, 1.5)
    plt.close(fig)
    with pytest.raises(ValueError, match="zoom"):
        comparison.plot_zoomed_pair({"a": target.sample}, "8gaussians", ((1.0, 0.5), (0, 1)), "bad")
    with pytest.raises(ValueError, match="samplers"):
        comparison.plot_zoomed_pair({}, "8gaussians", ((0, 1), (0, 1)), "none")


def test_runs_note_says_how_complete_the_grid_is():
    import pandas as pd

    from otgan import comparison

    assert comparison.runs_note(30, 30, pd.Series([3] * 30), 3) == "all 30 (toy, loss) pairs, 3 seeds each"
    assert (comparison.runs_note(2, 30, pd.Series([1, 3]), 3)
            == "2 of the 30 (toy, loss) pairs, 1 to 3 of the 3 seeds the command runs")
    assert comparison.runs_note(2, 2, pd.Series([1, 1]), 3) == "all 2 (toy, loss) pairs, 1 of the 3 seeds the command runs"
    with pytest.raises(ValueError, match="n_done"):
        comparison.runs_note(3, 2, pd.Series([1, 1, 1]), 3)
    with pytest.raises(ValueError, match="seeds"):
        comparison.runs_note(2, 2, pd.Series([1]), 3)


def test_seed_note_says_what_the_seeds_are():
    import pandas as pd

    from otgan import comparison

    labels = {"a": "A", "b": "B", "c": "C"}
    assert comparison.seed_note(pd.Series({"a": 1, "b": 1}), labels).startswith("Every loss was run once")
    note = comparison.seed_note(pd.Series({"a": 3, "b": 2, "c": 1}), labels)
    assert note.startswith("A and B were run with 2 seeds or more, the others once")
    note = comparison.seed_note(pd.Series({"a": 3.0, "b": 2.0, "c": 3.0}), labels)
    assert note.startswith("Every loss was run with 2 seeds or more (3 for A and C)") and "others" not in note
    assert comparison.seed_note(pd.Series({"a": 2, "b": 2}), labels).startswith("Every loss was run with 2 seeds:")
    with pytest.raises(ValueError, match="seeds"):
        comparison.seed_note(pd.Series(dtype=float))


def test_minibatch_preference_sees_a_biased_loss_and_an_unbiased_one():
    """A loss that rewards shrinking toward the origin prefers a shrunken generator to the data (delta < 0); the
    sliced Wasserstein distance of a generator far from the data does not (delta > 0)."""
    from otgan import ot_losses, toys
    from otgan.data import toy

    target = toy("8gaussians")

    def shrink(critic, real, fake):
        return fake.norm(dim=1).mean()

    pref = toys.minibatch_preference(shrink, lambda n: 0.5 * target.sample(n), "8gaussians", n=64, trials=5)
    assert pref["delta"] < 0 and pref["target_preferred"] == 0.0 and pref["trials"] == 5
    far = toys.minibatch_preference(ot_losses.SlicedLoss(20), lambda n: target.sample(n) + 3.0, "8gaussians",
                                    n=64, trials=5)
    assert far["delta"] > 10 * far["se"] and far["target_preferred"] == 1.0
    with pytest.raises(ValueError, match="trials"):
        toys.minibatch_preference(shrink, target.sample, "8gaussians", trials=1)
    with pytest.raises(ValueError, match="toy"):
        toys.minibatch_preference(shrink, target.sample, "9gaussians")
