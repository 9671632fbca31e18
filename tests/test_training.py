import contextlib
import copy
import math
import os

import pytest
import torch

import otgan
from otgan import data, losses, models, nets, ot_losses, training
from otgan.checkpoint import load_checkpoint, save_checkpoint


def make_trainer(tmp_path=None, name="ck"):
    otgan.seed_everything(0)
    g, d = nets.MLPGenerator(2, 2, hidden=(16,)), nets.MLPCritic(2, hidden=(16,))
    c_loss, g_loss = losses.gan_losses("wgan-gp")
    return training.Trainer(g, d, data.toy("8gaussians").sample, g_loss, c_loss, batch_size=32, n_critic=2,
                            config={"name": "test", "lr": 2e-4},
                            checkpoint_path=None if tmp_path is None else str(tmp_path / f"{name}.pt"),
                            checkpoint_every=5)


def test_history_and_logs():
    tr = make_trainer()
    h = tr.train(6, progress=False)
    assert h["step"] == [1, 2, 3, 4, 5, 6]
    assert {"generator loss", "critic loss", "W1 estimate", "gradient penalty"} <= set(h)
    assert all(len(v) == 6 for v in h.values())


def test_resume_gives_same_weights_as_uninterrupted_run(tmp_path):
    straight = make_trainer()
    straight.train(12, progress=False)

    first = make_trainer(tmp_path)
    first.train(5, progress=False)          # writes the checkpoint at step 5, then "dies"
    resumed = make_trainer(tmp_path)         # fresh process state, same config
    resumed.train(12, progress=False)        # resumes from step 5
    assert resumed.step == 12
    for a, b in zip(straight.generator.parameters(), resumed.generator.parameters()):
        assert torch.equal(a, b)
    for a, b in zip(straight.critic.parameters(), resumed.critic.parameters()):
        assert torch.equal(a, b)
    assert straight.history["generator loss"] == resumed.history["generator loss"]


def test_checkpoint_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "a.pt"
    save_checkpoint(path, {"v": 1})

    def broken_save(obj, fh):
        fh.write(b"partial")
        raise KeyboardInterrupt  # killed mid-write

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(path, {"v": 2})
    monkeypatch.undo()
    assert load_checkpoint(path)["v"] == 1
    assert os.listdir(tmp_path) == ["a.pt"]  # no temporary file left behind


def test_resume_refuses_other_config(tmp_path):
    tr = make_trainer(tmp_path)
    tr.train(5, progress=False)
    other = make_trainer(tmp_path)
    other.config["lr"] = 1e-3
    with pytest.raises(ValueError, match="another config"):
        other.train(6, progress=False)


def test_load_or_train(tmp_path, monkeypatch, capsys):
    tr = make_trainer()
    tr.train(5, progress=False)
    shipped = tmp_path / "shipped.pt"
    tr.export(shipped, metrics={"fid": 1.0})
    monkeypatch.setenv("OTGAN_PROFILE", "book")
    fresh = make_trainer()
    assert models.load_or_train(fresh, 5, shipped=str(shipped), progress=False) == "loaded"
    assert "Loaded shipped checkpoint" in capsys.readouterr().out
    for a, b in zip(tr.generator.parameters(), fresh.generator.parameters()):
        assert torch.allclose(a, b, atol=1e-3)  # float16 round trip
    assert fresh.metrics == {"fid": 1.0}
    monkeypatch.setenv("OTGAN_PROFILE", "smoke")
    assert models.load_or_train(make_trainer(), 3, shipped=str(shipped), progress=False) == "trained"


def test_callback_and_critic_free_training():
    otgan.seed_everything(0)
    g = nets.MLPGenerator(2, 2, hidden=(16,))
    target = torch.tensor([[1.0, -1.0]])
    mean_loss = lambda critic, real, fake: (fake - real).mean(0).pow(2).sum()
    seen = []
    tr = training.Trainer(g, None, lambda n: target.expand(n, 2), mean_loss, n_critic=0, batch_size=64,
                          opt_generator=torch.optim.Adam(g.parameters(), 1e-2))
    tr.train(200, progress=False, callback=lambda t: seen.append(t.step), callback_every=100)
    assert seen == [0, 100, 200]
    assert torch.allclose(tr.sample(2000).mean(0), target[0], atol=0.05)


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"n_critic": -1}, ValueError, "n_critic"),
    ({"critic": None}, ValueError, "critic is None"),
    ({"data": "mnist"}, TypeError, "data must be"),
])
def test_trainer_bad_input(kwargs, exc, match):
    args = dict(generator=nets.MLPGenerator(2, 2), critic=nets.MLPCritic(2), data=torch.zeros(4, 2),
                generator_loss=losses.wasserstein_generator_loss, critic_loss=losses.wasserstein_critic_loss)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        training.Trainer(**args)


# -- engine options: NaN stop, EMA, augmentation, bf16, hinge, clipping schedule, budget ----------------------
from otgan import augment  # noqa: E402


class NaNAt:
    """Wraps a loss so that its value (or only its gradient) becomes NaN from its ``k``-th call on."""

    def __init__(self, loss, k, gradient_only=False):
        self.loss, self.k, self.calls, self.gradient_only = loss, k, 0, gradient_only

    def __call__(self, critic, real, fake):
        self.calls += 1
        out = self.loss(critic, real, fake)
        value = out[0] if isinstance(out, tuple) else out
        if self.calls >= self.k:
            if self.gradient_only:   # the value stays finite, the gradient reaching the generator is NaN
                fake.register_hook(lambda grad: grad * float("nan"))
            else:
                value = value * float("nan")
        return value


@pytest.mark.parametrize("which, gradient_only, match", [
    ("generator", False, "generator loss became nan at step 7"),
    ("critic", False, "critic loss became nan at step 7"),
    ("generator", True, "generator gradient norm became nan at step 7"),
])
def test_nonfinite_stops_and_keeps_last_good_checkpoint(tmp_path, which, gradient_only, match):
    tr = make_trainer(tmp_path)               # n_critic 2, checkpoint every 5 steps
    k = 7 if which == "generator" else 2 * 6 + 1   # the 7th generator step / the first critic step of step 7
    if which == "generator":
        tr.generator_loss = NaNAt(tr.generator_loss, k, gradient_only)
    else:
        tr.critic_loss = NaNAt(tr.critic_loss, k, gradient_only)
    with pytest.raises(training.NonFiniteError, match=match):
        tr.train(20, progress=False)
    assert tr.step == 6
    on_disk = load_checkpoint(tmp_path / "ck.pt")
    assert on_disk["step"] == 5               # the checkpoint of step 5 is the one left on disk, readable
    before = make_trainer()
    before.train(5, progress=False)           # the same run, uninterrupted to step 5
    for k_, v in before.generator.state_dict().items():
        assert torch.equal(on_disk["generator"][k_], v)
    assert all(torch.isfinite(v).all() for v in on_disk["generator"].values())


def test_ema_average_buffers_export_and_resume(tmp_path):
    otgan.seed_everything(0)
    g = nets.MLPGenerator(2, 2, hidden=(16,), batch_norm=True)
    tr = training.Trainer(g, nets.MLPCritic(2, hidden=(16,)), data.toy("8gaussians").sample,
                          losses.hinge_generator_loss, losses.hinge_critic_loss, batch_size=32, ema=0.9,
                          checkpoint_path=str(tmp_path / "e.pt"), checkpoint_every=4, config={"name": "ema"})
    tr.train(8, progress=False)
    assert tr.sampler is tr.ema_generator and not tr.ema_generator.training
    for e, r in zip(tr.ema_generator.parameters(), tr.generator.parameters()):
        assert not torch.equal(e, r)                                     # an average, not the raw weights
    for be, b in zip(tr.ema_generator.buffers(), tr.generator.buffers()):
        assert torch.equal(be, b)                                        # BN statistics copied
    assert not any(p.requires_grad for p in tr.ema_generator.parameters())
    # one update is beta * average + (1 - beta) * raw; decay 0 makes the average the raw generator
    ref = copy.deepcopy(tr.generator)
    before = [p.clone() for p in ref.parameters()]
    with torch.no_grad():
        for p in ref.parameters():
            p.add_(1.0)
    training.update_ema(ref, tr.generator, 0.75)
    for e, b, r in zip(ref.parameters(), before, tr.generator.parameters()):
        assert torch.allclose(e, 0.75 * (b + 1.0) + 0.25 * r)
    training.update_ema(ref, tr.generator, 0.0)
    assert all(torch.equal(a, b) for a, b in zip(ref.parameters(), tr.generator.parameters()))
    with pytest.raises(ValueError, match="decay"):
        training.update_ema(ref, tr.generator, 1.0)
    # export ships the average; resume restores both
    tr.export(tmp_path / "ship.pt")
    shipped = load_checkpoint(tmp_path / "ship.pt")["generator"]
    for k_, v in tr.ema_generator.state_dict().items():
        assert torch.allclose(shipped[k_].float(), v.float(), atol=1e-2)
    otgan.seed_everything(1)
    back = training.Trainer(nets.MLPGenerator(2, 2, hidden=(16,), batch_norm=True), nets.MLPCritic(2, hidden=(16,)),
                            data.toy("8gaussians").sample, losses.hinge_generator_loss, losses.hinge_critic_loss,
                            batch_size=32, ema=0.9, checkpoint_path=str(tmp_path / "e.pt"), config={"name": "ema"})
    back.resume(tmp_path / "e.pt")
    for a, b in zip(back.ema_generator.parameters(), tr.ema_generator.parameters()):
        assert torch.equal(a, b)
    for a, b in zip(back.generator.parameters(), tr.generator.parameters()):
        assert torch.equal(a, b)


def test_translate_and_cutout():
    x = torch.full((64, 1, 9, 9), -1.0)
    x[:, :, 4, 4] = 1.0                       # one bright pixel in the centre
    y = augment.translate(x, ratio=2 / 9)     # shifts of at most 2 pixels
    rows, cols = torch.nonzero(y[:, 0] > 0, as_tuple=True)[1:]
    assert len(rows) == 64                    # the pixel survives in every image (never shifted out)
    assert rows.sub(4).abs().max() == 2 and cols.sub(4).abs().max() == 2   # 64 draws reach the largest shift
    assert rows.sub(4).abs().max() <= 2 and (y == -1).sum() == 64 * 80     # background stays background
    assert torch.equal(augment.translate(x, 0.0), x)
    z = torch.zeros(16, 3, 8, 8)
    c = augment.cutout(z, ratio=0.5, fill=1.0)
    assert ((c == 1).flatten(1).sum(1) <= 3 * 16).all() and (c == 1).any()
    xg = torch.randn(4, 1, 8, 8, requires_grad=True)
    augment.translate(xg, 0.25).sum().backward()
    assert ((xg.grad == 0) | (xg.grad == 1)).all()     # a gather: each pixel used at most once
    for bad, exc in [(torch.zeros(4, 784), ValueError), ("x", TypeError)]:
        with pytest.raises(exc, match="x must"):
            augment.translate(bad)
    with pytest.raises(ValueError, match="policy"):
        augment.DiffAugment(("flip",))


def test_augmented_critic_sees_augmented_real_and_fake():
    seen = []

    class Spy(torch.nn.Module):
        def forward(self, x):
            seen.append(x)
            return x.flatten(1).sum(1)

        def features(self, x):
            seen.append(x)
            return x.flatten(1)

    marker = lambda x: x + 100.0
    view = augment.AugmentedCritic(Spy(), marker)
    real, fake = torch.zeros(4, 1, 2, 2), torch.ones(4, 1, 2, 2)
    losses.hinge_critic_loss(view, real, fake)
    view.features(fake)
    assert len(seen) == 3 and all(s.min() >= 100 for s in seen)


def test_trainer_applies_augmentation_everywhere():
    calls = []

    def aug(x):
        calls.append(x.shape[0])
        return x

    otgan.seed_everything(0)
    g, d = nets.MLPGenerator(2, (1, 2, 2), hidden=(8,)), nets.MLPCritic((1, 2, 2), hidden=(8,))
    tr = training.Trainer(g, d, torch.zeros(16, 1, 2, 2), losses.wasserstein_generator_loss,
                          losses.WGANGPCriticLoss(10.0), batch_size=4, n_critic=1, augment=aug)
    tr.train(1, progress=False)
    assert calls == [4, 4, 4, 4]       # critic step: real, fake, interpolates; generator step: fake


def test_hinge_loss_values():
    critic = lambda x: x[:, 0]
    real, fake = torch.tensor([[2.0], [0.5]]), torch.tensor([[-3.0], [0.0]])
    loss, logs = losses.hinge_critic_loss(critic, real, fake)
    assert loss.item() == pytest.approx((0 + 0.5) / 2 + (0 + 1) / 2)
    assert logs["margin"] == pytest.approx(1.25 - (-1.5))
    assert losses.hinge_generator_loss(critic, real, fake).item() == pytest.approx(1.5)
    assert losses.gan_losses("hinge") == (losses.hinge_critic_loss, losses.hinge_generator_loss)


def test_clipping_schedule_drives_critic_steps():
    s = losses.CriticSchedule()
    assert [s(0), s(24), s(25), s(499), s(500), s(1000), s(1001)] == [100, 100, 5, 5, 100, 100, 5]
    tr = make_trainer()
    tr.n_critic = losses.CriticSchedule(n_critic=2, burst=7, warmup=1, every=3)
    counter = NaNAt(tr.critic_loss, 10 ** 9)
    tr.critic_loss = counter
    tr.train(4, progress=False)       # steps 0..3: 7 (warm-up), 2, 2, 7 (every 3rd)
    assert counter.calls == 7 + 2 + 2 + 7
    with pytest.raises(ValueError, match="n_critic"):
        losses.CriticSchedule(n_critic=0)


def test_bf16_autocast_keeps_gradient_penalty_float32():
    otgan.seed_everything(0)
    d = nets.MLPCritic(8, hidden=(16,))
    real, fake = torch.randn(32, 8), torch.randn(32, 8)
    otgan.seed_everything(1)
    ref = losses.gradient_penalty(d, real, fake)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        otgan.seed_everything(1)
        gp = losses.gradient_penalty(d, real, fake)
    assert gp.dtype == torch.float32 and torch.allclose(gp, ref, rtol=1e-5)
    tr = make_trainer()
    tr.precision = "bf16"
    h = tr.train(3, progress=False)
    assert all(math.isfinite(v) for v in h["critic loss"])
    with pytest.raises(ValueError, match="precision"):
        training.Trainer(nets.MLPGenerator(2, 2), None, torch.zeros(4, 2), lambda c, r, f: f.sum(), n_critic=0,
                         precision="fp16")


def test_budget_stops_training_and_counts_across_resumes(tmp_path):
    tr = make_trainer(tmp_path)
    tr.budget_s = 1e-9
    tr.train(50, progress=False)
    assert tr.step == 1 and tr.finished(50)
    on_disk = load_checkpoint(tmp_path / "ck.pt")
    assert on_disk["step"] == 1               # the budget's end is saved
    again = make_trainer(tmp_path)
    again.budget_s = 1e-9
    again.train(50, progress=False)           # resumes, finds the budget spent, trains no further
    assert again.step == 1
    assert not again.finished(50, step=3, elapsed=0.0)
    unlimited = make_trainer()
    assert not unlimited.finished(50) and unlimited.finished(50, step=50)
    with pytest.raises(ValueError, match="budget_s"):
        training.Trainer(nets.MLPGenerator(2, 2), None, torch.zeros(4, 2), lambda c, r, f: f.sum(), n_critic=0,
                         budget_s=-1.0)


def test_interpolate_gradient_norms_of_a_linear_critic():
    w = torch.tensor([3.0, 4.0], dtype=torch.float64)
    real, fake = torch.randn(16, 2, dtype=torch.float64), torch.randn(16, 2, dtype=torch.float64)
    norms = losses.interpolate_gradient_norms(lambda x: x @ w, real, fake)
    assert norms.dtype == torch.float64 and torch.allclose(norms, torch.full((16,), 5.0, dtype=torch.float64))
    assert losses.gradient_penalty(lambda x: x @ w, real, fake).item() == pytest.approx(16.0)
    with pytest.raises(ValueError, match="same shape"):
        losses.interpolate_gradient_norms(lambda x: x @ w, real, fake[:3])


def test_linear_lr_decay_follows_the_step_and_survives_resume(tmp_path):
    def lrs(tr):
        return [g["lr"] for opt in (tr.opt_generator, tr.opt_critic) for g in opt.param_groups]

    full = make_trainer()
    full.lr_decay = "linear"
    full.train(8, progress=False)  # the last update of 8 uses 1/8 of the initial rate
    assert lrs(full) == pytest.approx([2e-4 / 8] * 2)

    def crash(tr):
        if tr.step == 6:
            raise KeyboardInterrupt
    first = make_trainer(tmp_path, "decay")
    first.lr_decay = "linear"
    with pytest.raises(KeyboardInterrupt):
        first.train(8, callback=crash, callback_every=1, progress=False)  # checkpoint at step 5
    resumed = make_trainer(tmp_path, "decay")
    resumed.lr_decay = "linear"
    resumed.train(8, progress=False)
    assert lrs(resumed) == pytest.approx(lrs(full))
    for a, b in zip(full.generator.parameters(), resumed.generator.parameters()):
        assert torch.allclose(a, b)  # the same schedule and trajectory as the uninterrupted run
    with pytest.raises(ValueError, match="lr_decay"):
        training.Trainer(nets.MLPGenerator(2, 2, hidden=(4,)), None, torch.zeros(4, 2), lambda c, r, f: f.sum(),
                         n_critic=0, lr_decay="cosine")

    budgeted = make_trainer()
    budgeted.lr_decay, budgeted.budget_s = "linear", 10.0
    budgeted.step, budgeted.elapsed = 100, 7.5  # 3/4 of the budget spent, 1e-4 of the step bound
    budgeted._decay_lr(10 ** 6)
    assert lrs(budgeted) == pytest.approx([2e-4 / 4] * 2)  # the budget, further along, sets the rate
    budgeted.elapsed = 12.0
    budgeted._decay_lr(10 ** 6)
    assert lrs(budgeted) == [0.0, 0.0]  # past the budget: zero, never negative


def test_standing_statistics_measure_the_ema_weights_own_activations(tmp_path):
    otgan.seed_everything(0)
    g = nets.MLPGenerator(3, 2, hidden=(16,), batch_norm=True)
    tr = training.Trainer(g, nets.MLPCritic(2, hidden=(16,)), data.toy("8gaussians").sample,
                          losses.hinge_generator_loss, losses.hinge_critic_loss, batch_size=32, ema=0.9,
                          standing_stats=True, config={"name": "stand"})
    tr.train(10, progress=False)
    ema = tr.ema_generator
    bn = next(m for m in ema.modules() if isinstance(m, torch.nn.BatchNorm1d))
    raw_bn = next(m for m in tr.generator.modules() if isinstance(m, torch.nn.BatchNorm1d))
    assert not torch.allclose(bn.running_mean, raw_bn.running_mean)   # no longer the raw generator's copy
    # the exact mean / unbiased variance of the first layer's pre-activations of the EMA weights on the same latents
    gen = torch.Generator().manual_seed(0)
    z = torch.cat([nets.sample_latent(256, 3, generator=gen) for _ in range(50)])
    first = next(m for m in ema.modules() if isinstance(m, torch.nn.Linear))
    pre = first(z).view(50, 256, -1)
    assert torch.allclose(bn.running_mean, pre.mean(1).mean(0), atol=1e-5)
    assert torch.allclose(bn.running_var, pre.var(1, unbiased=True).mean(0), rtol=1e-4)
    assert not ema.training and bn.momentum == raw_bn.momentum
    # deterministic, and applied again when the export is loaded
    tr.export(tmp_path / "s.pt")
    back = training.Trainer(nets.MLPGenerator(3, 2, hidden=(16,), batch_norm=True), nets.MLPCritic(2, hidden=(16,)),
                            data.toy("8gaussians").sample, losses.hinge_generator_loss, losses.hinge_critic_loss,
                            ema=0.9, standing_stats=True, config={"name": "stand"}).load_exported(tmp_path / "s.pt")
    back_bn = next(m for m in back.ema_generator.modules() if isinstance(m, torch.nn.BatchNorm1d))
    assert torch.allclose(back_bn.running_mean, bn.running_mean, atol=1e-2)
    assert training.standing_statistics(nets.MLPGenerator(3, 2, hidden=(8,))) == 0      # no batch norm: untouched
    with pytest.raises(ValueError, match="n_batches"):
        training.standing_statistics(ema, n_batches=0)


@pytest.mark.parametrize("loss", ["hinge", "wgan-gp"])
def test_spectral_norm_is_computed_once_per_update(loss):
    """The SN critic's power iteration and W / sigma run once per critic update and once per generator update,
    although the losses call the critic on real, fake (and interpolated) batches separately; without the cache it
    ran once per call."""
    def run(cached):
        otgan.seed_everything(0)
        g, d = nets.MLPGenerator(2, 2, hidden=(16,)), nets.MLPCritic(2, hidden=(16, 16), spectral_norm=True)
        c_loss, g_loss = losses.gan_losses(loss)
        tr = training.Trainer(g, d, data.toy("8gaussians").sample, g_loss, c_loss, batch_size=32, n_critic=3)
        calls = []
        for m in d.modules():
            if hasattr(m, "parametrizations"):
                m.parametrizations.weight[0].register_forward_hook(lambda *a: calls.append(1))
        if not cached:
            tr._once = contextlib.nullcontext
        tr.train(2, progress=False)
        return len(calls), torch.cat([p.detach().flatten() for p in g.parameters()])

    n_layers = 3
    calls, weights = run(cached=True)
    assert calls == 2 * (3 + 1) * n_layers  # 2 iterations of 3 critic updates and 1 generator update
    assert run(cached=False)[0] > calls
    assert torch.isfinite(weights).all()


def test_bf16_autocast_keeps_sinkhorn_solves_float32():
    gen = torch.Generator().manual_seed(0)
    real, fake = torch.randn(64, 20, generator=gen), torch.randn(64, 20, generator=gen)
    for kind in ("divergence", "two-batch"):
        loss = ot_losses.SinkhornGeneratorLoss(eps=0.5, n_iter=50, kind=kind)
        ref = loss(None, real, fake)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            out = loss(None, real, fake)
        assert out.dtype == torch.float32 and torch.allclose(out, ref, rtol=1e-5)
        upcast = loss(None, real, fake.bfloat16())  # what a bf16-autocast generator hands the loss
        assert upcast.dtype == torch.float32 and torch.allclose(upcast, ref, rtol=5e-2)  # bf16-rounded input
    otgan.seed_everything(0)
    critic = nets.MLPCritic(20, hidden=(32,))
    otgan_loss = ot_losses.OTGANLoss(eps=0.5, n_iter=50)
    ref = otgan_loss.value(critic, real, fake)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = otgan_loss.value(critic, real, fake)
    assert out.dtype == torch.float32 and torch.isfinite(out) and torch.allclose(out, ref, rtol=0.1, atol=1e-3)


def test_translate_is_the_shift_of_each_image_with_fill_and_twice_differentiable():
    """Against a per-image reference (pad, then slice at the drawn offset), on several channels; the gradient
    penalty differentiates through it twice."""
    x = torch.randn(6, 3, 10, 12)
    g1, g2 = torch.Generator().manual_seed(5), torch.Generator().manual_seed(5)
    y = augment.translate(x, ratio=0.25, fill=-2.0, generator=g1)
    sh, sw = 3, 3                              # round(0.25 * 10), round(0.25 * 12)
    dy = torch.randint(-sh, sh + 1, (6, 1), generator=g2)
    dx = torch.randint(-sw, sw + 1, (6, 1), generator=g2)
    padded = torch.nn.functional.pad(x, (sw, sw, sh, sh), value=-2.0)
    for i in range(6):
        r0, c0 = sh - int(dy[i]), sw - int(dx[i])
        assert torch.equal(y[i], padded[i, :, r0:r0 + 10, c0:c0 + 12])
    xg = x.clone().requires_grad_()
    (grad,) = torch.autograd.grad(augment.translate(xg, 0.25).pow(3).sum(), xg, create_graph=True)
    grad.sum().backward()                      # the double backward of a gather
    assert xg.grad is not None and torch.isfinite(xg.grad).all()


def test_adam_is_fused_on_cpu_and_a_resumed_run_keeps_its_kernel():
    net = torch.nn.Linear(3, 2)
    opt = training.adam(net.parameters(), 1e-3, (0.5, 0.9))
    assert opt.param_groups[0]["fused"] is True and opt.param_groups[0]["betas"] == (0.5, 0.9)
    ref = torch.optim.Adam(copy.deepcopy(net).parameters(), 1e-3, betas=(0.5, 0.9), foreach=False)
    twin = copy.deepcopy(net)
    opt = training.adam(twin.parameters(), 1e-3, (0.5, 0.9))
    for _ in range(3):                         # the same update as the reference implementation
        ref.zero_grad()
        opt.zero_grad()
        sum(p.sum() ** 2 for p in ref.param_groups[0]["params"]).backward()
        sum(p.sum() ** 2 for p in twin.parameters()).backward()
        ref.step()
        opt.step()
    for a, b in zip(ref.param_groups[0]["params"], twin.parameters()):
        assert torch.allclose(a, b, atol=1e-6)
    # a checkpoint written by the unfused kernel does not switch a resumed optimizer back to it
    old = torch.optim.Adam(net.parameters(), 1e-3)
    sum(p.sum() for p in net.parameters()).backward()
    old.step()
    fresh = training.adam(net.parameters(), 1e-3)
    training._load_optimizer(fresh, old.state_dict())
    assert fresh.param_groups[0]["fused"] is True and len(fresh.state) == 2
    assert training.adam(net.parameters(), 1e-3, fused=False).param_groups[0]["fused"] is None
    toy = models.toy_trainer(otgan.data.toy("8gaussians"), "nonsaturating")
    assert not toy.opt_generator.param_groups[0]["fused"] and not toy.opt_critic.param_groups[0]["fused"]
    with pytest.raises(TypeError, match="fused"):
        training.adam(net.parameters(), 1e-3, fused="yes")
    with pytest.raises(ValueError, match="params"):
        training.adam([], 1e-3)
    with pytest.raises(ValueError, match="lr"):
        training.adam(net.parameters(), -1.0)


def test_time_iterations_interleaves_counts_and_checks_its_input():
    a, b = make_trainer(), make_trainer()
    order = []
    times = training.time_iterations([a, b], repeats=3, warmup=1, before=order.append)
    assert len(times) == 2 and all(t > 0 for t in times)
    assert order == [0, 1] + [0, 1] * 3          # warm-up of each, then the timed rounds interleaved
    clip = make_trainer()
    clip.n_critic = losses.CriticSchedule(n_critic=2)
    training.time_iterations([clip], repeats=1, warmup=0)
    assert clip.n_critic == 2                      # a schedule is timed at its ordinary iteration
    with pytest.raises(TypeError, match="trainers"):
        training.time_iterations([], repeats=1)
    with pytest.raises(ValueError, match="repeats"):
        training.time_iterations([a], repeats=0)
    with pytest.raises(TypeError, match="before"):
        training.time_iterations([a], before=3)
