import sys

import pytest
import torch

from otgan import calibration, checkpoint, data, losses, models, reproduce


@pytest.fixture(scope="module")
def digits():
    d = data.load_mnist("heldout", verbose=False)
    idx = torch.randperm(len(d), generator=torch.Generator().manual_seed(0))[:200]
    return d.images[idx], d.labels[idx]


def test_corruptions(digits):
    x, y = digits
    g = lambda: torch.Generator().manual_seed(0)
    assert torch.equal(calibration.blur(x, y, 0.0), x)
    blurred = calibration.blur(x, y, 1.0)
    assert blurred.shape == x.shape and blurred.std() < x.std()
    noisy = calibration.gaussian_noise(x, y, 0.5, g())
    assert noisy.min() >= -1 and noisy.max() <= 1 and not torch.equal(noisy, x)
    kept = calibration.drop_classes(x, y, 5, g())
    assert kept.shape == x.shape
    with pytest.raises(ValueError, match="drops every class"):
        calibration.drop_classes(x[y < 3], y[y < 3], 5, g())
    replaced = calibration.noise_images(x, y, 0.25, g())
    assert (replaced != x).flatten(1).any(1).sum() == 50
    with pytest.raises(ValueError, match="kind"):
        calibration.corruption_table(x, y, kinds=["jpeg"])


@pytest.mark.parametrize("name", sorted(models.REGISTRY))
def test_models_build_and_step(name, monkeypatch):
    monkeypatch.setenv("OTGAN_PROFILE", "smoke")
    trainer, n_steps = models.build(name, data=torch.zeros(8, 1, 28, 28))
    assert n_steps == models.REGISTRY[name].steps[0]
    trainer.train(1, progress=False)
    assert trainer.config["name"] == name and trainer.sample(3).shape == (3, 1, 28, 28)
    if name == "wgan_clip_mlp":
        assert max(p.abs().max().item() for p in trainer.critic.parameters()) <= 0.01


def test_toy_trainer_losses():
    toy = data.toy("8gaussians")
    for loss in models.TOY_LOSSES:
        t = models.toy_trainer(toy, loss, batch_size=16)
        t.train(2, progress=False)
        assert t.n_critic == (5 if loss.startswith("wgan") else 1)
    with pytest.raises(ValueError, match="loss"):
        models.toy_trainer(toy, "hinge")


def test_reproduce_is_resumable_and_skips_done(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OTGAN_PROFILE", "smoke")
    def path(name, make=None):  # a data folder of our own (the repository's data/ is never written)
        p = tmp_path / name
        if make is not None and not p.exists():
            raise FileNotFoundError(f"{p} is missing: make it with `{make}`")
        return str(p)

    monkeypatch.setattr(models, "data_path", path)
    reproduce.reproduce(["gan_mlp"], runs_dir=str(tmp_path / "runs"))
    shipped = checkpoint.load_checkpoint(tmp_path / "gan_mlp.pt")
    assert shipped["step"] == models.REGISTRY["gan_mlp"].steps[0] and shipped["shipped"]
    assert {"fid", "precision", "recall"} <= set(shipped["metrics"])
    assert next(iter(shipped["generator"].values())).dtype == torch.float16
    reproduce.reproduce(["gan_mlp"], runs_dir=str(tmp_path / "runs"))
    assert "done already" in capsys.readouterr().out
    # another training seed: its own checkpoint and export, other weights
    reproduce.reproduce(["gan_mlp"], runs_dir=str(tmp_path / "runs"), seed=1)
    assert (tmp_path / "runs" / "gan_mlp.seed1.pt").exists()
    seeded = checkpoint.load_checkpoint(tmp_path / "gan_mlp.seed1.pt")
    assert not all(torch.equal(a, b) for a, b in zip(seeded["generator"].values(), shipped["generator"].values()))
    monkeypatch.setenv("OTGAN_PROFILE", "book")
    with pytest.raises(FileNotFoundError, match="--only wgan_gp_mlp --seed 2"):
        models.load(["wgan_gp_mlp"], seed=2)
    with pytest.raises(TypeError, match="seed"):
        models.shipped_path("gan_mlp", seed=1.5)


def test_toy_direct_and_otgan_trainers():
    toy = data.toy("8gaussians")
    t = models.toy_direct_trainer(toy, n_projections=5, optimizer="sgd", batch_size=16)
    t.train(2, progress=False)
    assert t.critic is None and t.config["optimizer"] == "sgd"
    with pytest.raises(ValueError, match="optimizer"):
        models.toy_direct_trainer(toy, optimizer="lbfgs")
    frozen = models.toy_otgan_trainer(toy, n_iter=5, frozen=True, batch_size=16)
    w0 = [p.clone() for p in frozen.critic.parameters()]
    frozen.train(2, progress=False)
    assert all(torch.equal(a, b) for a, b in zip(w0, frozen.critic.parameters()))
    assert frozen.n_generator == 3


def test_load_trains_in_smoke_and_resets_the_seed(monkeypatch):
    monkeypatch.setenv("OTGAN_PROFILE", "smoke")
    import matplotlib

    matplotlib.use("Agg")
    from otgan import plotting

    a = models.load(["sw_pixel", "gan_mlp"], seed=3)
    b = models.load(["gan_mlp"], seed=3)
    assert list(a) == ["sw_pixel", "gan_mlp"] and a["gan_mlp"].step == models.REGISTRY["gan_mlp"].steps[0]
    for p, q in zip(a["gan_mlp"].generator.parameters(), b["gan_mlp"].generator.parameters()):
        assert torch.equal(p, q)        # independent of what was loaded before
    fig = plotting.sample_grids(a, n=4, nrow=2)
    assert len(fig.axes) == 2 and "steps" in fig.axes[0].get_title()


@pytest.mark.parametrize("name", sorted(n for n, spec in models.REGISTRY.items() if spec.budget_s is not None))
def test_every_method_trains_under_the_protocol_its_config_says(name, monkeypatch):
    """The book's protocol: an EMA generator, augmentation wherever a critic sees digits, the equal budget (book
    profile only). ``wgan_sn_mlp`` is the WGAN chapter's counter-example and keeps its step count."""
    monkeypatch.setenv("OTGAN_PROFILE", "book")
    trainer, _ = models.build(name, data=torch.zeros(8, 1, 28, 28))
    cfg = trainer.config
    assert trainer.budget_s == cfg["budget_s"] == models.BUDGET_S
    assert trainer.ema == cfg["ema"] and trainer.ema_generator is not None and trainer.sampler is not trainer.generator
    assert trainer.precision == cfg["precision"]
    if trainer.critic is not None:
        assert trainer.augment.policy == (cfg["augment"],)
    else:
        assert trainer.augment is None and "augment" not in cfg
    monkeypatch.setenv("OTGAN_PROFILE", "smoke")
    assert models.build(name, data=torch.zeros(8, 1, 28, 28))[0].budget_s is None   # smoke: a step count


def test_all_but_the_counter_example_follow_the_protocol():
    outside = {n for n, spec in models.REGISTRY.items() if spec.budget_s is None}
    assert outside == {"wgan_sn_mlp"} and len(models.REGISTRY) == 13


def test_wgan_clip_runs_the_reference_critic_schedule(monkeypatch):
    monkeypatch.setenv("OTGAN_PROFILE", "smoke")
    trainer, _ = models.build("wgan_clip_mlp", data=torch.zeros(8, 1, 28, 28))
    assert isinstance(trainer.n_critic, losses.CriticSchedule) and "critic_schedule" in trainer.config
    assert [trainer.n_critic(t) for t in (0, 24, 25, 500, 501)] == [100, 100, 5, 100, 5]
    assert models.build("gan_mlp", data=torch.zeros(8, 1, 28, 28))[0].n_critic == 1


def test_corrupted_real_is_real_vs_real_plus_the_corruption():
    from otgan import metrics

    clean = calibration.corrupted_real("blur (sigma, px)", 0.0, n=300)
    assert clean["fid"] == pytest.approx(metrics.real_vs_real(n=300)["fid"])
    assert calibration.corrupted_real("blur (sigma, px)", 1.0, n=300)["fid"] > 5 * clean["fid"]
    with pytest.raises(ValueError, match="kind"):
        calibration.corrupted_real("jpeg", 1.0)


def test_registry_is_frozen_specs_and_every_shipped_checkpoint_matches_its_spec(monkeypatch):
    """The config is derived from the spec (one source), so what is built is what was shipped."""
    import dataclasses
    import os

    monkeypatch.setenv("OTGAN_PROFILE", "book")
    spec = models.REGISTRY["wgan_gp_mlp"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.lr = 1.0
    with pytest.raises(ValueError, match="loss"):
        dataclasses.replace(spec, loss="lsgan")
    shipped = 0
    for name, spec in models.REGISTRY.items():
        trainer, n_steps = models.build(name, data=torch.zeros(8, 1, 28, 28), device="cpu")
        assert trainer.config == spec.config() and n_steps == spec.steps[1]
        assert (trainer.critic is None) == (not spec.has_critic) and trainer.batch_size == spec.batch_size
        path = models.shipped_path(name)
        if os.path.exists(path):
            assert checkpoint.load_checkpoint(path, map_location="cpu")["config"] == spec.config(), name
            shipped += 1
    assert shipped >= 11


def test_dcgan_spec_fields_build_what_the_config_says():
    import dataclasses

    base = models.VARIANTS["dcgan_default_init"]
    assert models.REGISTRY["dcgan"].config()["weight_init"] == "dcgan"  # the compared DCGAN has Radford et al.'s init
    spec = dataclasses.replace(base, generator_base=16, weight_init="dcgan")
    g, d = spec.nets()
    assert g.base == 16 and d.feature_dim == 2 * base.base * 49  # the critic keeps base's channels
    assert abs(float(g.net[0].weight.std()) - 0.02) < 0.005  # Radford et al.'s initialization
    assert spec.config()["generator_base"] == 16 and spec.config()["weight_init"] == "dcgan"
    assert "generator_base" not in base.config() and "weight_init" not in base.config()
    with pytest.raises(ValueError, match="weight_init"):
        dataclasses.replace(base, weight_init="xavier")
    with pytest.raises(ValueError, match="generator_base"):
        dataclasses.replace(models.REGISTRY["gan_mlp"], generator_base=16)
    with pytest.raises(ValueError, match="extra_convs"):
        dataclasses.replace(models.REGISTRY["gan_mlp"], extra_convs=1)
    deeper = dataclasses.replace(base, extra_convs=1)
    g, d = deeper.nets()
    assert deeper.config()["extra_convs"] == 1 and "extra_convs" not in base.config()
    assert sum(isinstance(m, torch.nn.Conv2d) for m in g.modules()) == 1  # the generator's added 3x3 conv
    assert sum(isinstance(m, torch.nn.Conv2d) for m in d.modules()) == 3


def test_run_jobs_runs_at_most_n_at_a_time_and_reports_each_exit_code(tmp_path):
    """The scheduler behind ``reproduce --jobs N`` (each child a one-thread training process): here with children
    that record when they start and stop, so that no data file is written."""
    stamp = ("import sys, time, pathlib; p = pathlib.Path(sys.argv[1]); p.write_text(f'{time.time()}\\n');"
             "time.sleep(0.4); p.write_text(p.read_text() + f'{time.time()}'); print('ran', p.name);"
             "sys.exit(int(sys.argv[2]))")
    cmds = [[sys.executable, "-c", stamp, str(tmp_path / f"job{i}"), str(int(i == 3))] for i in range(5)]
    logs = [str(tmp_path / "logs" / f"job{i}.log") for i in range(5)]
    assert reproduce.run_jobs(cmds, logs, n_jobs=2, poll_s=0.05) == [0, 0, 0, 1, 0]
    spans = [tuple(map(float, (tmp_path / f"job{i}").read_text().split())) for i in range(5)]
    for t in [s for s, _ in spans]:
        assert sum(s <= t < e for s, e in spans) <= 2          # never more than two running
    assert max(s for s, _ in spans[:2]) < min(e for _, e in spans[:2])   # the first two ran side by side
    assert all(open(log).read().startswith("ran job") for log in logs)
    with pytest.raises(ValueError, match="logs"):
        reproduce.run_jobs(cmds, logs[:2])
    with pytest.raises(ValueError, match="n_jobs"):
        reproduce.run_jobs(cmds, logs, n_jobs=0)
    cmd = reproduce.job_command("gan_mlp", 2, "book", "runs")
    assert cmd[1:] == ["-m", "otgan.reproduce", "--profile", "book", "--only", "gan_mlp", "--seed", "2",
                       "--threads", "1", "--runs-dir", "runs"]


def test_each_variant_changes_only_what_it_names_and_its_shipped_checkpoint_matches(monkeypatch):
    """A variant is a one-change experiment: its config differs from its base's in its name and the named fields
    only, it is not one of the compared models, and build / load / shipped_path take its name."""
    import os

    monkeypatch.setenv("OTGAN_PROFILE", "book")
    changed = {"sw_pixel_batch1024": ("sw_pixel", {"batch_size"}), "sw_pixel_lr_decay": ("sw_pixel", {"lr_decay"}),
               "sw_pixel_two_batch": ("sw_pixel", {"kind"}),
               "gan_mlp_lr_decay": ("gan_mlp", {"lr_decay"}),
               "gan_mlp_ema9995": ("gan_mlp", {"ema"}), "gan_mlp_lr2x": ("gan_mlp", {"lr"}),
               # trained for seed 0's step count instead of the wall-clock budget (its docstring says why)
               "sngan_hinge_mlp_lr2x": ("sngan_hinge_mlp", {"lr", "budget_s"}),
               "gan_mlp_2x_steps": ("gan_mlp", {"budget_s"}),  # twice seed 0's steps instead of the budget
               "gan_mlp_4x_steps": ("gan_mlp", {"budget_s"}),  # four times seed 0's steps
               "wgan_gp_mlp_h512": ("wgan_gp_mlp", {"hidden"}), "cramer_mlp_h256": ("cramer_mlp", {"hidden"}),
               "otgan_mlp_h256": ("otgan_mlp", {"hidden"}), "gan_mlp_h256": ("gan_mlp", {"hidden"}),
               "sngan_hinge_mlp_h256": ("sngan_hinge_mlp", {"hidden"}),
               "sw_features_h256": ("sw_features", {"hidden"}), "max_sw_h256": ("max_sw", {"hidden"}),
               # the GAN chapter's DCGAN experiments, made at the paper's rate before the sweep moved the DCGAN
               "dcgan_two_layer": ("dcgan", {"extra_convs"}),  # the compared DCGAN before one more conv per net
               "dcgan_paper_lr": ("dcgan_two_layer", {"lr"}),
               "dcgan_critic_dropout": ("dcgan_paper_lr", {"dropout", "critic_batch_norm"}),
               "dcgan_base32": ("dcgan_paper_lr", {"base"}), "dcgan_default_init": ("dcgan_paper_lr", {"weight_init"}),
               "dcgan_deeper": ("dcgan_paper_lr", {"extra_convs"})}
    assert set(models.VARIANTS) == set(changed) and not set(models.VARIANTS) & set(models.REGISTRY)
    for name, (base, fields) in changed.items():
        spec, base_cfg = models.VARIANTS[name], {**models.REGISTRY, **models.VARIANTS}[base].config()
        cfg = spec.config()
        assert {k for k in set(cfg) | set(base_cfg) if cfg.get(k) != base_cfg.get(k)} == {"name"} | fields
        trainer, _ = models.build(name, data=torch.zeros(8, 1, 28, 28), device="cpu")
        assert trainer.config == cfg
        assert (trainer.lr_decay, trainer.ema) == (spec.lr_decay, spec.ema)  # what the config says is what is built
        path = models.shipped_path(name, must_exist=True)
        assert os.path.basename(path) == f"{name}.pt"
        assert checkpoint.load_checkpoint(path, map_location="cpu")["config"] == cfg
    with pytest.raises(ValueError, match="name must be one of"):
        models.build("sw_pixel_batch2048")


def test_a_critic_free_loss_on_conv_nets_builds_no_critic():
    """A DCGAN-architecture spec with a pixel loss (no critic) builds the conv generator and no critic."""
    import dataclasses

    from otgan import nets

    spec = dataclasses.replace(models.REGISTRY["sw_pixel"], arch="dcgan", base=8, extra_convs=1)
    g, d = spec.nets()
    assert d is None and isinstance(g, nets.DCGANGenerator)
    assert g(torch.randn(2, spec.latent)).shape == (2, 1, 28, 28)


def test_a_spectrally_normalized_conv_spec_normalizes_its_conv_critic():
    """``spectral_norm`` on a DCGAN-architecture spec reaches the conv critic's layers."""
    import dataclasses

    spec = dataclasses.replace(models.REGISTRY["sngan_hinge_mlp"], arch="dcgan", base=8, critic_batch_norm=False)
    _, d = spec.nets()
    convs = [m for m in d.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    assert convs and all(hasattr(m, "parametrizations") for m in convs)
