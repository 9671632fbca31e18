"""Image and 2-D metrics: exact agreement with the `prdc` package, the published N(0, I) reference, the shipped
classifier's accuracy, and the direction each metric must move under corruptions of real digits."""
import json
import os

import numpy as np
import pytest
import torch

from otgan import classifier, data, metrics


@pytest.fixture(scope="module")
def real():
    """Train split in a random order (the stored order is by class), and the held-out split."""
    train = data.load_mnist("train", verbose=False)
    perm = torch.randperm(len(train), generator=torch.Generator().manual_seed(0))
    return data.Digits(train.images[perm], train.labels[perm], train.source, "train"), \
        data.load_mnist("heldout", verbose=False)


@pytest.fixture(scope="module")
def ref_feats():
    return metrics.reference_features("heldout")


def test_prdc_matches_the_prdc_package_exactly():
    prdc = pytest.importorskip("prdc")
    g = torch.Generator().manual_seed(0)
    r, f = torch.randn(1500, 32, generator=g, dtype=torch.float64), torch.randn(1200, 32, generator=g, dtype=torch.float64) + 0.2
    ref = prdc.compute_prdc(r.numpy(), f.numpy(), nearest_k=5)
    p, rec = metrics.precision_recall(r, f, k=5)
    d, c = metrics.density_coverage(r, f, k=5)
    assert (p, rec, d, c) == pytest.approx((ref["precision"], ref["recall"], ref["density"], ref["coverage"]),
                                           abs=1e-12)


@pytest.mark.slow
def test_prdc_on_gaussians_matches_published_reference():
    """prdc README: two 10,000-point samples of N(0, I) in 1000-d, k=5 -> P 0.477, R 0.471, D 1.056, C 0.974."""
    g = torch.Generator().manual_seed(0)
    r = torch.randn(10000, 1000, generator=g)
    f = torch.randn(10000, 1000, generator=g)
    p, rec = metrics.precision_recall(r, f, k=5)
    d, c = metrics.density_coverage(r, f, k=5)
    assert p == pytest.approx(0.477, abs=0.02) and rec == pytest.approx(0.471, abs=0.02)
    assert d == pytest.approx(1.056, abs=0.03) and c == pytest.approx(0.974, abs=0.01)


def test_shipped_classifier_accuracy_and_hash(real):
    info = classifier.classifier_info()
    assert info["sha256"] == classifier.sha256(classifier.default_weights())
    assert info["size_bytes"] < 5e6
    model = classifier.load_classifier(device="cpu")
    acc = classifier.accuracy(model, real[1].images, real[1].labels)
    assert acc >= 0.97 and acc == pytest.approx(info["heldout_accuracy"], abs=1e-3)


def test_real_vs_real_is_good_and_balanced():
    rvr = metrics.real_vs_real(n=1000)
    assert rvr["fid"] < 40 and rvr["is"] > 9 and rvr["class_tv"] < 0.1
    assert rvr["precision"] > 0.8 and rvr["recall"] > 0.8 and rvr["coverage"] > 0.9
    assert rvr["n_fake"] == rvr["n_real"] == 1000


def test_fid_rises_monotonically_with_noise(real):
    x = real[0].images[:1000]
    g = torch.Generator().manual_seed(0)
    noise = torch.randn(x.shape, generator=g)
    fids = [metrics.evaluate((x + s * noise).clamp(-1, 1))["fid"] for s in (0.0, 0.1, 0.25, 0.5, 1.0)]
    assert all(a < b for a, b in zip(fids, fids[1:])), fids


def test_recall_and_coverage_drop_when_classes_removed(real):
    train = real[0]
    full = metrics.evaluate(train.images[:1000])
    keep = train.labels < 5
    half = metrics.evaluate(train.images[keep][:1000])
    one = metrics.evaluate(train.images[train.labels == 3][:400])
    assert full["recall"] > half["recall"] > one["recall"]
    assert full["coverage"] > half["coverage"] > one["coverage"]
    assert half["class_tv"] == pytest.approx(0.5, abs=0.05) and one["class_tv"] > 0.85
    assert full["is"] > half["is"] > one["is"]


def test_collapsed_generator_is_caught():
    collapsed = data.load_mnist("train", verbose=False).images[:1].expand(500, 1, 28, 28)
    m = metrics.evaluate(collapsed)
    assert m["recall"] < 0.05 and m["coverage"] < 0.05 and m["is"] < 1.5 and m["class_tv"] > 0.85


def test_evaluate_a_generator(tmp_path):
    from otgan import nets
    g = nets.MLPGenerator(8, (1, 28, 28), hidden=(16,), out_activation="tanh")
    m = metrics.evaluate(g, n=300)
    assert m["n_fake"] == 300 and set(m) >= {"fid", "is", "precision", "recall", "density", "coverage",
                                                "class_hist", "class_tv", "seconds"}
    assert len(m["class_hist"]) == 10 and sum(m["class_hist"]) == pytest.approx(1)


def test_inception_score_bounds():
    assert metrics.inception_score(torch.eye(10)) == pytest.approx(10)
    assert metrics.inception_score(torch.full((5, 10), 0.1)) == pytest.approx(1)
    assert metrics.tv_to_uniform(torch.full((10,), 0.1)) == pytest.approx(0, abs=1e-7)


def test_fid_against_numpy_scipy():
    from scipy.linalg import sqrtm
    g = torch.Generator().manual_seed(2)
    a, b = torch.randn(300, 8, generator=g, dtype=torch.float64), torch.randn(200, 8, generator=g, dtype=torch.float64) * 1.5
    ca, cb = np.cov(a.numpy().T), np.cov(b.numpy().T)
    ref = ((a.mean(0) - b.mean(0)) ** 2).sum().item() + np.trace(ca + cb - 2 * sqrtm(ca @ cb).real)
    assert metrics.frechet_distance(a, b) == pytest.approx(ref, rel=1e-8)


def test_mode_coverage_and_toy_metrics():
    t = data.toy("25gaussians")
    x = t.sample(2500, seed=0)
    cov = metrics.mode_coverage(x, t.centers, t.noise)
    assert cov["modes_covered"] == 25 and cov["high_quality"] == pytest.approx(0.989, abs=0.01)
    collapsed = t.centers[[0, 5, 7]].repeat(200, 1) + 0.01 * torch.randn(600, 2)
    assert metrics.mode_coverage(collapsed, t.centers, t.noise)["modes_covered"] == 3
    good, bad = metrics.toy_metrics(x[:1000], t), metrics.toy_metrics(collapsed, t)
    assert good["W2"] < bad["W2"] and good["modes_covered"] == 25
    roll = data.toy("swissroll")
    assert metrics.toy_metrics(roll.sample(1000, seed=1), roll)["high_quality"] > 0.95
    assert metrics.toy_metrics(torch.zeros(500, 2) + 2.4, roll)["high_quality"] == 0


@pytest.mark.parametrize("call, exc, match", [
    (lambda: metrics.evaluate(torch.zeros(10, 784)), ValueError, "images must have 4 dimensions"),
    (lambda: metrics.evaluate(torch.zeros(10, 1, 32, 32)), ValueError, r"images must have shape \(n, 1, 28, 28\)"),
    (lambda: metrics.evaluate(torch.full((10, 1, 28, 28), 3.0)), ValueError, r"images must lie in \[-1, 1\]"),
    (lambda: metrics.precision_recall(torch.randn(5, 3), torch.randn(5, 3), k=5), ValueError, "k=5 must be smaller"),
    (lambda: metrics.frechet_distance(torch.randn(5, 3), torch.randn(5, 4)), ValueError, "same feature dimension"),
    (lambda: metrics.mode_coverage(torch.randn(5, 2), torch.randn(3, 2), std=0), ValueError, "std must be"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_metrics_table_has_baseline_first_and_same_keys():
    from otgan.data import load_mnist

    train = load_mnist("train", verbose=False).images
    other = train[torch.randperm(len(train), generator=torch.Generator().manual_seed(5))[:1000]]
    table, full = metrics.metrics_table({"other training digits": other}, n=1000)
    assert list(table) == ["real vs real", "other training digits"]
    assert set(table["other training digits"]) == set(metrics.TABLE_KEYS)
    assert "class_hist" in full["other training digits"]
    assert table["other training digits"]["fid"] < 2 * table["real vs real"]["fid"] < 100  # real against real


def test_paired_precision_change_matches_evaluate_and_its_standard_error(real):
    x = real[0].images[:300]
    noisy = x.clone()
    noisy[::2] = -noisy[::2]  # every other digit inverted (white background): off the real manifold
    out = metrics.paired_precision_change(x, noisy)
    assert out["n"] == 300
    assert out["before"] == pytest.approx(metrics.evaluate(x)["precision"])
    assert out["after"] == pytest.approx(metrics.evaluate(noisy)["precision"])
    assert out["delta"] == pytest.approx(out["after"] - out["before"]) and out["delta"] < -2 * out["se"] < 0
    same = metrics.paired_precision_change(x, x.clone())
    assert same["delta"] == 0 and same["se"] == 0
    with pytest.raises(ValueError, match="paired"):
        metrics.paired_precision_change(x, x[:10])
    with pytest.raises(ValueError, match="reference"):
        metrics.paired_precision_change(x, x, reference="test")
