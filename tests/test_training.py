import os

import pytest
import torch

import otgan
from otgan import data, losses, nets, training
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
    assert fresh.load_or_train(5, shipped=str(shipped), progress=False) == "loaded"
    assert "Loaded shipped checkpoint" in capsys.readouterr().out
    for a, b in zip(tr.generator.parameters(), fresh.generator.parameters()):
        assert torch.allclose(a, b, atol=1e-3)  # float16 round trip
    assert fresh.metrics == {"fid": 1.0}
    monkeypatch.setenv("OTGAN_PROFILE", "smoke")
    assert make_trainer().load_or_train(3, shipped=str(shipped), progress=False) == "trained"


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
