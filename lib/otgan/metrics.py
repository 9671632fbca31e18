"""Metrics of the book: image metrics on the project's MNIST classifier, and 2-D metrics for toy mixtures.

Image metrics work on the 128-d features (and softmax) of :mod:`otgan.classifier`; the real reference is the
held-out split. Each is a plain function of feature / probability tensors; :func:`evaluate` runs them all.
Numbers are only comparable at equal sample sizes: the book evaluates 1,000 generated digits against the 1,000
held-out ones, and reports the real-vs-real baseline (1,000 training digits vs the same 1,000 held-out) beside
every model.
"""
import time

import torch

from ._checks import as_points, labels, network, number, positive, probabilities, same_dim, tensor
from .transport import gaussian_w2, wasserstein

# ---------------------------------------------------------------------------------------------------------------
# features


@torch.no_grad()
def features_and_probs(images, classifier=None, batch_size=1000):
    """Penultimate-layer features (n, 128) and class probabilities (n, 10) of ``images`` in [-1, 1]."""
    from .classifier import load_classifier

    images = as_points(images, "images", ndim=4)
    positive(batch_size, "batch_size", integer=True)
    if classifier is not None:
        network(classifier, "classifier")
    if tuple(images.shape[1:]) != (1, 28, 28):
        raise ValueError(f"images must have shape (n, 1, 28, 28), got {tuple(images.shape)}")
    if images.min() < -1.001 or images.max() > 1.001:
        raise ValueError(f"images must lie in [-1, 1], got [{images.min():.3g}, {images.max():.3g}]")
    clf = classifier or load_classifier()
    dev = next(clf.parameters()).device
    clf.eval()
    feats, probs = [], []
    for i in range(0, len(images), batch_size):
        h = clf.features(images[i:i + batch_size].to(dev))
        feats.append(h)
        probs.append(torch.softmax(clf.head(h), dim=1))
    return torch.cat(feats).double(), torch.cat(probs).double()


# ---------------------------------------------------------------------------------------------------------------
# distribution metrics


def frechet_distance(real_features, fake_features):
    """Fréchet distance between Gaussians fitted to two feature sets (FID when the features are Inception's;
    here they are the MNIST classifier's).

    .. math:: \\mathrm{FD} = \\|\\mu_r - \\mu_g\\|^2 + \\mathrm{tr}\\big(\\Sigma_r + \\Sigma_g
              - 2(\\Sigma_r^{1/2}\\Sigma_g\\Sigma_r^{1/2})^{1/2}\\big)

    which is :math:`W_2^2` between the two Gaussians (:func:`otgan.transport.gaussian_w2`), computed in float64
    with symmetric eigen-square-roots (stable when a covariance is singular, e.g. a collapsed generator).

    References
    ----------
    Heusel, M. et al. (2017). GANs trained by a two time-scale update rule converge to a local Nash equilibrium.
    """
    r, f = as_points(real_features, "real_features").double(), as_points(fake_features, "fake_features").double()
    same_dim(r, f, "real_features", "fake_features")
    if len(r) < 2 or len(f) < 2:
        raise ValueError(f"need at least 2 samples per set, got {len(r)} and {len(f)}")
    return float(gaussian_w2(r.mean(0), torch.cov(r.T), f.mean(0), torch.cov(f.T)))


def inception_score(probs):
    """Inception-Score-like score from the classifier's softmax (Salimans et al., 2016).

    .. math:: \\mathrm{IS} = \\exp\\big(\\mathbb{E}_x\\, \\mathrm{KL}(p(y \\mid x) \\,\\|\\, p(y))\\big)

    From 1 (every sample the same, or every sample ambiguous) to 10 (confident predictions, classes balanced).
    """
    p = probabilities(probs, "probs").double().clamp_min(1e-12)
    marginal = p.mean(0, keepdim=True)
    return float(torch.exp((p * (p.log() - marginal.log())).sum(1).mean()))


def _kth_neighbour_radii(x, k, chunk=2048):
    """Distance from each row of ``x`` to its k-th nearest other row."""
    radii = []
    for i in range(0, len(x), chunk):
        d = torch.cdist(x[i:i + chunk], x)
        radii.append(torch.kthvalue(d, k + 1, dim=1).values)  # +1: the point itself is at distance 0
    return torch.cat(radii)


def _ball_counts(points, centres, radii, chunk=2048):
    """For each point, how many balls B(centre_i, radius_i) contain it; and for each ball, whether any does."""
    counts = torch.zeros(len(points), dtype=torch.long, device=points.device)
    hit = torch.zeros(len(centres), dtype=torch.bool, device=points.device)
    for i in range(0, len(points), chunk):
        inside = torch.cdist(points[i:i + chunk], centres) <= radii[None, :]
        counts[i:i + chunk] = inside.sum(1)
        hit |= inside.any(0)
    return counts, hit


def _feature_sets(real_features, fake_features, k):
    """Validated float64 feature sets for the k-NN metrics."""
    r, f = as_points(real_features, "real_features").double(), as_points(fake_features, "fake_features").double()
    same_dim(r, f, "real_features", "fake_features")
    positive(k, "k", integer=True)
    if k >= min(len(r), len(f)):
        raise ValueError(f"k={k} must be smaller than both sample sizes ({len(r)}, {len(f)})")
    return r, f


def precision_recall(real_features, fake_features, k=3):
    """Improved precision and recall (Kynkäänniemi et al., 2019) with k-NN manifolds.

    Precision: the fraction of generated samples inside the real manifold
    :math:`\\bigcup_i B(r_i, \\mathrm{NND}_k(r_i))`; recall: the fraction of real samples inside the generated
    manifold. Precision measures fidelity, recall diversity.

    Returns
    -------
    (float, float)
    """
    r, f = _feature_sets(real_features, fake_features, k)
    in_real, _ = _ball_counts(f, r, _kth_neighbour_radii(r, k))
    in_fake, _ = _ball_counts(r, f, _kth_neighbour_radii(f, k))
    return float((in_real > 0).double().mean()), float((in_fake > 0).double().mean())


def density_coverage(real_features, fake_features, k=5):
    """Density and coverage (Naeem et al., 2020), robust versions of precision and recall.

    .. math:: \\mathrm{density} = \\frac{1}{kM}\\sum_j \\sum_i \\mathbf 1[f_j \\in B(r_i, \\mathrm{NND}_k(r_i))],
              \\qquad \\mathrm{coverage} = \\frac1N \\sum_i \\mathbf 1[\\exists j: f_j \\in B(r_i,
              \\mathrm{NND}_k(r_i))]

    Density is about 1 for samples distributed like the real data (it can exceed 1); coverage is the fraction of
    real neighbourhoods that receive at least one generated sample.

    Returns
    -------
    (float, float)
    """
    r, f = _feature_sets(real_features, fake_features, k)
    counts, hit = _ball_counts(f, r, _kth_neighbour_radii(r, k))
    return float(counts.double().sum() / (k * len(f))), float(hit.double().mean())


def class_histogram(probs_or_labels, n_classes=10):
    """Fraction of samples per predicted class, shape (n_classes,) (argmax of probabilities, or labels)."""
    positive(n_classes, "n_classes", integer=True)
    x = tensor(probs_or_labels, "probs_or_labels", floating=False)
    if x.dim() == 2:
        if x.shape[1] != n_classes:
            raise ValueError(f"probs_or_labels as probabilities must have n_classes={n_classes} columns, got "
                             f"shape {tuple(x.shape)}")
        y = probabilities(x, "probs_or_labels").argmax(1)
    elif x.dim() == 1:
        y = labels(x, "probs_or_labels", n_classes)
    else:
        raise ValueError(f"probs_or_labels must be labels (n,) or probabilities (n, n_classes), got shape "
                         f"{tuple(x.shape)}")
    return torch.bincount(y.cpu(), minlength=n_classes).double() / y.numel()


def tv_to_uniform(histogram):
    """Total-variation distance :math:`\\frac12 \\sum_c |h_c - 1/C|` of a class histogram to uniform; 0 for
    balanced classes, 0.9 when one class of ten takes everything."""
    h = probabilities(histogram, "histogram", ndim=1).double()
    return float(0.5 * (h - 1.0 / len(h)).abs().sum())


def feature_metrics(real_feats, real_probs, fake_feats, fake_probs, k_pr=3, k_dc=5):
    """All image metrics from precomputed features and probabilities; see :func:`evaluate`."""
    precision, recall = precision_recall(real_feats, fake_feats, k_pr)
    density, coverage = density_coverage(real_feats, fake_feats, k_dc)
    hist = class_histogram(fake_probs)
    return {"fid": frechet_distance(real_feats, fake_feats), "is": inception_score(fake_probs),
            "precision": precision, "recall": recall, "density": density, "coverage": coverage,
            "class_hist": [round(v, 4) for v in hist.tolist()], "class_tv": tv_to_uniform(hist),
            "n_fake": len(fake_feats), "n_real": len(real_feats)}


_REFERENCE = {}


def reference_features(split="heldout", classifier=None):
    """Features and probabilities of a real split (cached): the reference set of :func:`evaluate`."""
    from .data import load_mnist

    key = (split, id(classifier))
    if key not in _REFERENCE:
        real = load_mnist(split, verbose=False)
        _REFERENCE[key] = features_and_probs(real.images, classifier) + (real.source,)
    return _REFERENCE[key]


@torch.no_grad()
def generate(generator, n, latent="gaussian", batch_size=1000, seed=0):
    """``n`` samples of ``generator`` (eval mode) from a seeded latent stream, on its device."""
    from .nets import sample_latent

    positive(n, "n", integer=True)
    positive(batch_size, "batch_size", integer=True)
    network(generator, "generator")
    if not isinstance(getattr(generator, "latent_dim", None), int):
        raise TypeError(f"generator must have an integer latent_dim attribute, got {type(generator).__name__}")
    dev = next(generator.parameters()).device
    was = generator.training
    generator.eval()
    gen = torch.Generator().manual_seed(seed)
    out = torch.cat([generator(sample_latent(min(batch_size, n - i), generator.latent_dim, latent, dev, gen))
                     for i in range(0, n, batch_size)])
    generator.train(was)
    return out.clamp(-1, 1)


def evaluate(generator_or_samples, n=1000, reference="heldout", classifier=None, latent="gaussian", seed=0,
             k_pr=3, k_dc=5):
    """Every image metric of the book for a generator (or a tensor of samples) against real MNIST.

    Parameters
    ----------
    generator_or_samples : nn.Module or Tensor, shape (n, 1, 28, 28)
        A generator with ``latent_dim`` (``n`` samples are drawn with ``seed``) or images in [-1, 1].
    n : int
        Number of generated samples (ignored for a tensor). Keep it equal to the reference size (1,000) to
        compare with the real-vs-real baseline.
    reference : {"heldout", "train"}
        The real split to compare with.

    Returns
    -------
    dict
        ``fid``, ``is``, ``precision``, ``recall`` (k = ``k_pr``), ``density``, ``coverage`` (k = ``k_dc``),
        ``class_hist``, ``class_tv``, ``n_fake``, ``n_real``, ``reference``, ``seconds``.
    """
    t0 = time.perf_counter()
    if reference not in ("heldout", "train"):
        raise ValueError(f"reference must be one of ['heldout', 'train'], got {reference!r}")
    if isinstance(generator_or_samples, torch.nn.Module):
        samples = generate(generator_or_samples, n, latent, seed=seed)
    else:
        samples = generator_or_samples
    fake_feats, fake_probs = features_and_probs(samples, classifier)
    real_feats, real_probs, source = reference_features(reference, classifier)
    out = feature_metrics(real_feats, real_probs, fake_feats, fake_probs, k_pr, k_dc)
    out.update(reference=f"{reference} ({source})", seconds=round(time.perf_counter() - t0, 2))
    return out


def paired_precision_change(before, after, reference="heldout", k=3, classifier=None):
    """The change of precision (:func:`precision_recall`) between two paired sets of generated images (the same
    latent codes before and after a move such as DOT), with its paired standard error.

    Each generated image is inside the real k-NN manifold or not; precision is the mean of that indicator
    :math:`\\mathbb{1}_i`. The change is :math:`\\Delta = \\frac{1}{n}\\sum_i (\\mathbb{1}_i^{after} -
    \\mathbb{1}_i^{before})` and its standard error over the latent codes :math:`\\mathrm{sd}(\\mathbb{1}^{after}
    - \\mathbb{1}^{before}) / \\sqrt{n}` (the reference digits held fixed).

    Parameters
    ----------
    before, after : Tensor, shape (n, 1, 28, 28)
        Images in [-1, 1], row i of ``after`` moved from row i of ``before``.
    reference : {"heldout", "train"}

    Returns
    -------
    dict
        ``delta``, ``se``, ``before``, ``after`` (the two precisions) and ``n``.
    """
    before, after = as_points(before, "before", ndim=4), as_points(after, "after", ndim=4)
    if before.shape != after.shape:
        raise ValueError(f"before and after must be paired (the same shape), got {tuple(before.shape)} and "
                         f"{tuple(after.shape)}")
    if len(before) < 2:
        raise ValueError(f"before and after need at least 2 paired images, got {len(before)}")
    if reference not in ("heldout", "train"):
        raise ValueError(f"reference must be one of ['heldout', 'train'], got {reference!r}")
    real, _, _ = reference_features(reference, classifier)
    radii = None  # the real manifold's k-NN radii, the same for both sets
    inside = []
    for images in (before, after):
        r, f = _feature_sets(real, features_and_probs(images, classifier)[0], k)
        radii = _kth_neighbour_radii(r, k) if radii is None else radii
        counts, _ = _ball_counts(f, r, radii)
        inside.append((counts > 0).double())
    diff = inside[1] - inside[0]
    return {"delta": float(diff.mean()), "se": float(diff.std() / len(diff) ** 0.5),
            "before": float(inside[0].mean()), "after": float(inside[1].mean()), "n": len(diff)}


def real_vs_real(n=1000, seed=0, classifier=None, **kw):
    """The baseline: ``n`` random training digits evaluated against the held-out split."""
    from .data import load_mnist

    train = load_mnist("train", verbose=False)
    idx = torch.randperm(len(train), generator=torch.Generator().manual_seed(seed))[:n]
    return evaluate(train.images[idx], classifier=classifier, **kw)


TABLE_KEYS = ("fid", "is", "precision", "recall", "density", "coverage", "class_tv")


def metrics_table(generators, n=1000, seed=0, keys=TABLE_KEYS):
    """Evaluate several generators (a dict name -> generator or samples) with :func:`evaluate`, after the
    real-vs-real baseline, on the same held-out digits.

    Returns
    -------
    table : dict
        ``{name: {key: value}}`` for ``keys``, first row ``"real vs real"`` (``pandas.DataFrame(table).T`` prints
        it as a table).
    full : dict
        ``{name: metrics}``, everything :func:`evaluate` returned (class histograms included).
    """
    full = {"real vs real": real_vs_real(n=n, seed=seed)}
    full.update({name: evaluate(g, n=n, seed=seed) for name, g in generators.items()})
    return {name: {k: m[k] for k in keys} for name, m in full.items()}, full


# ---------------------------------------------------------------------------------------------------------------
# 2-D toys


def mode_coverage(samples, centers, std, min_share=0.2, radius=3.0):
    """Modes of a Gaussian mixture that a sample covers, and the fraction of high-quality samples.

    A sample is *high quality* when it lies within ``radius`` standard deviations of its nearest centre; a
    mode is *covered* when it receives at least ``min_share`` of its fair share :math:`n / k` of high-quality
    samples (the convention of VEEGAN / PacGAN: 20 of 2,500 samples for 25 modes is 20% of a fair share).

    Returns
    -------
    dict
        ``modes_covered``, ``n_modes``, ``high_quality`` (fraction), ``counts`` (per mode).
    """
    x = as_points(samples, "samples")
    c = as_points(centers, "centers").to(x)
    same_dim(x, c, "samples", "centers")
    positive(std, "std")
    positive(radius, "radius")
    number(min_share, "min_share", low=0)
    d = torch.cdist(x, c)
    nearest, which = d.min(1)
    good = nearest <= radius * std
    counts = torch.bincount(which[good], minlength=len(c))
    covered = int((counts >= min_share * len(x) / len(c)).sum())
    return {"modes_covered": covered, "n_modes": len(c), "high_quality": float(good.double().mean()),
            "counts": counts.tolist()}


def toy_metrics(samples, toy, n_ref=2000, seed=0, radius=3.0):
    """2-D metrics of generated ``samples`` against a toy distribution.

    Exact :math:`W_1` and :math:`W_2` (POT's network simplex) to ``n_ref`` fresh target samples; for mixtures
    the modes covered and high-quality rate (:func:`mode_coverage`); for continuous supports the high-quality
    rate is the fraction within ``radius`` noise levels of the noiseless support.
    """
    x = as_points(samples, "samples").detach().float().cpu()
    if not hasattr(toy, "sample") or not hasattr(toy, "centers"):
        raise TypeError(f"toy must be an otgan.data.Toy, got {type(toy).__name__}")
    if x.shape[1] != 2:
        raise ValueError(f"samples must be 2-D points, shape (n, 2), got {tuple(x.shape)}")
    positive(n_ref, "n_ref", integer=True)
    positive(radius, "radius")
    target = toy.sample(n_ref, seed=seed)
    m = min(len(x), n_ref)
    out = {"W1": float(wasserstein(x[:m], target[:m], p=1)), "W2": float(wasserstein(x[:m], target[:m], p=2))}
    if toy.centers is not None:
        cov = mode_coverage(x, toy.centers, max(toy.noise, 1e-3), radius=radius)
        out.update(modes_covered=cov["modes_covered"], n_modes=cov["n_modes"], high_quality=cov["high_quality"])
    else:
        support = type(toy)(toy.name, 0.0, None).sample(20000, seed=seed + 1)
        near = torch.cdist(x, support).min(1).values <= radius * max(toy.noise, 1e-3)
        out.update(high_quality=float(near.double().mean()))
    return out
