"""Minibatch bias: does a loss computed on minibatches prefer the data to a generator?

A generator trained by SGD on a minibatch loss :math:`\\ell(G_n, Y_n)` minimizes its expectation over batches, which
for OT losses is not always lowest at the data (Bellemare et al., 2017; Fatras et al., 2020). :func:`preference`
measures it for a trained generator; :func:`otgan.toys.minibatch_preference` is the same test on a 2-D toy.
"""
import math

import torch

from ._checks import positive


def preference(loss, sample, real, n=256, trials=50, seed=0):
    """Paired over ``trials`` real batches: the loss of ``n`` generated samples against the batch minus the loss of
    ``n`` fresh target samples against the same batch.

    .. math:: \\Delta = \\mathbb{E}\\big[\\ell(G_n, Y_n)\\big] - \\mathbb{E}\\big[\\ell(X_n, Y_n)\\big],
              \\quad X_n, Y_n \\sim \\nu^{\\otimes n},\\ G_n \\sim \\mu_\\theta^{\\otimes n}

    A negative :math:`\\Delta` means the expected minibatch loss is lower at the generator than at the data: SGD on
    that loss is drawn away from the data toward the generator. A :math:`\\Delta` within its standard error of zero
    means the loss, at this batch size, cannot tell the generator from the data.

    Parameters
    ----------
    loss : callable
        ``loss(critic, real, fake)`` of a critic-free loss (called with ``critic=None``, without gradients).
    sample : callable
        ``sample(n)`` -> ``n`` generated samples, shaped like the target's.
    real : callable or Tensor
        The target: ``real(n, seed)`` -> ``n`` samples from a seeded stream (a toy's sampler; trial ``k`` uses
        seeds ``40_000 + 2 j`` and ``40_001 + 2 j`` with ``j = seed * trials + k``), or a tensor of at least ``2 n``
        data points, from which each trial draws its two batches without replacement (disjoint).
    n, trials : int
        Batch size (the training batch, for the bias SGD sees) and number of paired batches (at least 2).
    seed : int
        Seed of the target batches. The generator's samples and any randomness of the loss itself (e.g. sliced
        directions) come from torch's global stream and are not paired: they add to the standard error.

    Returns
    -------
    dict
        ``delta`` (mean difference), ``se`` (its standard error), ``target_preferred`` (fraction of trials with a
        positive difference, i.e. where the data scores lower), ``n``, ``trials``.

    Examples
    --------
    >>> shrink = lambda critic, real, fake: (fake.mean(0) - real.mean(0)).square().sum() + fake.var(0).sum()
    >>> data = torch.randn(400, 2, generator=torch.Generator().manual_seed(0))
    >>> r = preference(shrink, lambda n: 0.1 * torch.randn(n, 2), data, n=100, trials=10)
    >>> r["delta"] < 0, r["target_preferred"]   # this loss prefers a collapsed generator to the data
    (True, 0.0)
    """
    positive(n, "n", integer=True)
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 2:
        raise ValueError(f"trials must be an int >= 2, got {trials!r}")
    if not callable(sample):
        raise TypeError(f"sample must be callable as sample(n), got {type(sample).__name__}")
    if torch.is_tensor(real):
        if real.shape[0] < 2 * n:
            raise ValueError(f"real holds {real.shape[0]} points; each trial draws two disjoint batches of n={n}")
        gen = torch.Generator().manual_seed(seed)

        def batches(k):
            perm = torch.randperm(real.shape[0], generator=gen)
            return real[perm[:n]], real[perm[n:2 * n]]
    elif callable(real):
        def batches(k):
            j = seed * trials + k
            return real(n, 40_000 + 2 * j), real(n, 40_001 + 2 * j)
    else:
        raise TypeError(f"real must be a tensor of data points or callable as real(n, seed), got {type(real).__name__}")
    diffs = []
    with torch.no_grad():
        for k in range(trials):
            target, fresh = batches(k)
            fake = sample(n).to(target.dtype)
            diffs.append(float(loss(None, target, fake)) - float(loss(None, target, fresh)))
    d = torch.tensor(diffs, dtype=torch.float64)
    return {"delta": float(d.mean()), "se": float(d.std() / math.sqrt(trials)),
            "target_preferred": float((d > 0).double().mean()), "n": n, "trials": trials}


def preference_table(results, digits=3, generator="the generator", data="the data"):
    """The results of :func:`preference` as a table: one row per labelled result.

    Parameters
    ----------
    results : dict
        ``{row label: preference(...) result}``.
    digits : int
        Decimals of the difference and its standard error (the losses' units differ).
    generator, data : str
        How the column titles name the two sides, e.g. ``"the ring"`` and ``"real digits"``.

    Returns
    -------
    pandas.DataFrame
        Columns ``"<generator> minus <data>"`` (the first letter capitalized), ``"standard error"`` and
        ``"batches where <data> scored lower"`` (a percentage).

    Examples
    --------
    >>> t = preference_table({"a loss": {"delta": -0.51234, "se": 0.0432, "target_preferred": 0.1}}, digits=2)
    >>> t.loc["a loss"].astype(str).tolist(), list(t.columns)[0]
    (['-0.51', '0.04', '10%'], 'The generator minus the data')
    """
    import pandas as pd

    if not isinstance(results, dict) or not results:
        raise ValueError(f"results must be a non-empty dict of preference() results, got {results!r}")
    positive(digits, "digits", integer=True, allow_zero=True)
    rows, difference = list(results.values()), f"{generator} minus {data}"
    return pd.DataFrame({difference[:1].upper() + difference[1:]: [round(r["delta"], digits) for r in rows],
                         "standard error": [round(r["se"], digits) for r in rows],
                         f"batches where {data} scored lower": [f"{r['target_preferred']:.0%}" for r in rows]},
                        index=list(results))
