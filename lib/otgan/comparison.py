"""Every loss of the book on the same 2-D toys and every MNIST model on the same metrics: the tables of the
comparison chapter.

The 2-D runs themselves (recipes, sweep, three seeds per (toy, loss), shipped models) live in :mod:`otgan.toys`;
this module turns their table (``data/toys/table.json``) into the page's summary, mean and spread over seeds, and
sets the long runs (``data/toys/long.json``) beside it.
"""
import pandas as pd

from . import toys
from .claims import english_list
from ._checks import choice, positive

TOYS = toys.TOYS
TOY_LOSSES = toys.LOSSES
#: Short column names of :func:`toy_summary` and what they mean.
TOY_COLUMNS = {"modes": "modes covered (of 8 or 25; mixtures only)", "HQ": "high-quality rate",
               "W1": "exact W1 to 2,000 fresh target points",
               "W1/floor": "each seed's W1 over that seed's floor (the floor row), mean over seeds",
               "W2": "exact W2 to the same points",
               "ms/step": "milliseconds per generator step (one CPU thread, training only)",
               "steps conv.": "first step from which W1 stays within 1.2x its final value", "seeds": "seeds run"}


#: Between a mean and its spread in a table cell: a breakable space before "±", a no-break space after it, so a
#: narrow cell wraps as "63.7" over "± 7.7" and never inside a number (with plain spaces the cell broke as
#: "63.7 ± 0." over "37"; with both spaces no-break the whole cell was one word and broke inside a number).
PLUS_MINUS = " ±\u00a0"


def _mean_spread(values, digits):
    s = pd.Series(values, dtype=float)
    if len(s) == 1:
        return f"{s.iloc[0]:,.{digits}f}"
    return f"{s.mean():,.{digits}f}{PLUS_MINUS}{s.std(ddof=1):,.{digits}f}"  # thousands separated, as the book's tables


def _seed_floor(floors, seed):
    """The floor measured for training seed ``seed`` (one per table seed), NaN for a seed the table has none of."""
    return floors[seed] if 0 <= seed < len(floors) else float("nan")


def toy_summary(table=None):
    """The 2-D table of the comparison chapter: one row per (toy, loss), each cell the mean ± standard deviation
    over the seeds run (:data:`TOY_COLUMNS` says what each column is), plus a "floor" row per toy: the exact W1
    between two fresh target samples of 2,000 points, what a perfect generator scores.

    Parameters
    ----------
    table : dict, optional
        The output of :func:`otgan.toys.reproduce`; default :func:`otgan.toys.load_table`.

    Returns
    -------
    summary : DataFrame
        Strings, indexed by (toy, loss label).
    numbers : DataFrame
        The per-(toy, loss) means as floats (for checks in the chapter), same index, columns ``key`` (the
        loss name of :data:`TOY_LOSSES`), ``modes``,
        ``HQ``, ``W1``, ``W2``, ``ms``, ``steps``, ``seeds``, ``floor`` and ``W1/floor``: the mean over seeds
        of each seed's W1 over that seed's floor, as :func:`long_summary` computes it (not the mean W1 over
        the mean floor), so that the chapter's ratios agree wherever they appear.
    """
    table = table or toys.load_table()
    rows = pd.DataFrame(table["rows"])
    cells, numbers = [], []
    for name in TOYS:
        if name not in table["floor"]:
            continue
        floors = table["floor"][name]
        for loss in TOY_LOSSES:
            part = rows[(rows.toy == name) & (rows.loss == loss)]
            if part.empty:
                continue
            mixture = "modes_covered" in part and part["modes_covered"].notna().all()
            ratios = part["W1"] / part["seed"].map(lambda sd: _seed_floor(floors, sd))
            key = (name, toys.LABELS[loss])
            cells.append({"index": key, "modes": _mean_spread(part["modes_covered"], 1) if mixture else "",
                          "HQ": _mean_spread(part["high_quality"], 2), "W1": _mean_spread(part["W1"], 3),
                          "W1/floor": _mean_spread(ratios, 2),
                          "W2": _mean_spread(part["W2"], 3), "ms/step": _mean_spread(part["ms per step"], 1),
                          "steps conv.": _mean_spread(part["steps to converge"], 0), "seeds": str(len(part))})
            numbers.append({"index": key, "key": loss, "modes": part["modes_covered"].mean() if mixture else None,
                            "HQ": part["high_quality"].mean(), "W1": part["W1"].mean(), "W2": part["W2"].mean(),
                            "ms": part["ms per step"].mean(), "steps": part["steps to converge"].mean(),
                            "seeds": len(part), "floor": sum(floors) / len(floors),
                            "W1/floor": ratios.mean(),
                            "W1 min": part["W1"].min(), "modes min": part["modes_covered"].min() if mixture else None,
                            "HQ min": part["high_quality"].min()})
        cells.append({"index": (name, "floor (target vs target)"), "modes": "", "HQ": "",
                      "W1": _mean_spread(floors, 3), "W1/floor": "", "W2": "", "ms/step": "", "steps conv.": "",
                      "seeds": str(len(floors))})
    summary = pd.DataFrame(cells).set_index("index")
    summary.index = pd.MultiIndex.from_tuples(summary.index, names=["toy", "loss"])
    numbers = pd.DataFrame(numbers).set_index("index")
    numbers.index = pd.MultiIndex.from_tuples(numbers.index, names=["toy", "loss"])
    return summary, numbers


def long_per_seed(long=None, table=None, toy=None):
    """Each long run of :func:`otgan.toys.long_runs` on one toy beside the table's run of the same (toy, loss,
    seed), one row per run: modes covered, high-quality rate and exact W1 as a multiple of that seed's floor, after
    the table's steps (``short``) and the long runs' steps (``long``), and the minutes of the long run.

    Parameters
    ----------
    long, table : dict, optional
        Default :func:`otgan.toys.load_long` and :func:`otgan.toys.load_table`.
    toy : str, optional
        The toy whose long runs are listed (default :data:`otgan.toys.LONG_TOY`, 25 Gaussians).

    Returns
    -------
    DataFrame
        Indexed by loss name (one row per seed, in the long runs' order), float columns ``seed``, ``modes short``,
        ``modes long``, ``HQ short``, ``HQ long``, ``W1/floor short``, ``W1/floor long``, ``minutes long`` (the
        short columns are NaN where the table has no row of that seed).
    """
    long = long or toys.load_long()
    table = table or toys.load_table()
    name = choice(toy or toys.LONG_TOY, "toy", toys.TOYS)
    if name not in table["floor"]:
        raise ValueError(f"table has no floor for toy {name!r}: its toys are {sorted(table['floor'])}")
    floors = table["floor"][name]  # one per table seed
    per_seed = []
    for r in long["rows"]:
        if r.get("toy", long.get("toy")) != name:
            continue
        short = next((t for t in table["rows"] if (t["toy"], t["loss"], t["seed"]) == (name, r["loss"], r["seed"])),
                     None)
        floor = _seed_floor(floors, r["seed"])
        per_seed.append({"loss": r["loss"], "seed": r["seed"], "modes short": short and short.get("modes_covered"),
                         "modes long": r.get("modes_covered"), "HQ short": short and short["high_quality"],
                         "HQ long": r["high_quality"], "W1/floor short": short and short["W1"] / floor,
                         "W1/floor long": r["W1"] / floor, "minutes long": r["ms per step"] * r["steps"] / 60000})
    columns = ["seed", "modes short", "modes long", "HQ short", "HQ long", "W1/floor short", "W1/floor long",
               "minutes long"]
    if not per_seed:
        return pd.DataFrame(columns=columns, dtype=float).rename_axis("loss")
    return pd.DataFrame(per_seed).set_index("loss")[columns].astype(float)


def long_summary(long=None, table=None, toy=None):
    """The long runs of :func:`long_per_seed` averaged over the seeds each loss has: modes covered, high-quality
    rate and exact W1 as a multiple of each seed's own floor, after the table's steps and after the long runs'
    steps, with the long runs' worst seed and the minutes of a long run.

    Parameters
    ----------
    long, table, toy
        As in :func:`long_per_seed`.

    Returns
    -------
    DataFrame
        Indexed by loss name (:data:`TOY_LOSSES` order, the losses with a long run), float columns ``seeds``,
        ``modes short``, ``modes long``, ``modes long min``, ``HQ short``, ``HQ long``, ``HQ long min``,
        ``W1/floor short``, ``W1/floor long``, ``minutes long`` (means over seeds except ``seeds`` and the
        minima; the short columns are NaN where the table has no row of those seeds).
    """
    columns = ["seeds", "modes short", "modes long", "modes long min", "HQ short", "HQ long", "HQ long min",
               "W1/floor short", "W1/floor long", "minutes long"]
    frame = long_per_seed(long, table, toy).drop(columns="seed")
    if frame.empty:
        return pd.DataFrame(columns=columns, dtype=float).rename_axis("loss")
    grouped = frame.groupby(level="loss")
    out = grouped.mean()
    out["seeds"] = grouped.size().astype(float)
    out["modes long min"] = grouped["modes long"].min()
    out["HQ long min"] = grouped["HQ long"].min()
    return out[columns].reindex([loss for loss in TOY_LOSSES if loss in out.index])


def long_shown(long_table, short_steps, long_steps):
    """:func:`long_summary`'s table as the chapter shows it: the book's loss labels as the index, the two step
    counts in the column names (``"HQ (4k steps)"``), one format per column.

    Returns
    -------
    shown : DataFrame
    formats : dict
        Column name to format string (modes and seeds as integers where every value is whole, else with one
        decimal; W1 ratios and minutes with one decimal; rates with two).
    """
    def k(steps):  # "4k steps": short headers keep a ten-column table readable on a page
        return f"{steps // 1000}k steps" if steps % 1000 == 0 else f"{steps:,} steps"

    short_k, long_k = k(short_steps), k(long_steps)
    shown = long_table.rename(columns=lambda c: c.replace("long min", f"({long_k}), worst seed").replace(
        "short", f"({short_k})").replace("long", f"({long_k})"))
    shown.index = [toys.LABELS[loss] for loss in shown.index]
    def fmt(column):
        if column.startswith(("modes", "seeds")):  # counts; a mean over seeds keeps its half mode
            whole = shown[column].dropna().apply(float.is_integer).all()
            return "{:.0f}" if whole else "{:.1f}"
        return "{:.1f}" if column.startswith(("W1", "minutes")) else "{:.2f}"

    return shown, {c: fmt(c) for c in shown.columns}


#: The losses issue 16 holds to the 8-Gaussian targets (all modes, HQ >= 0.9, W1 <= 2x the floor).
TOY8_TARGET_LOSSES = ("wgan-gp", "sn-hinge", "otgan", "sinkhorn", "sliced", "cramer")


def long_targets(long_table, n_modes, hq=0.9, w1_ratio=2.0):
    """Which long runs of :func:`long_summary` meet the 2-D targets: every seed covers all ``n_modes`` modes
    (``modes long min``), the mean high-quality rate is at least ``hq`` and the mean exact W1 is at most
    ``w1_ratio`` times the floor.

    Parameters
    ----------
    long_table : DataFrame
        :func:`long_summary`'s table.
    n_modes : int
        Number of modes of the toy (8 or 25).
    hq, w1_ratio : float
        The thresholds.

    Returns
    -------
    DataFrame
        Indexed like ``long_table``, boolean columns ``all modes``, ``HQ``, ``W1`` and ``all`` (the three together).
    """
    missing = {"modes long min", "HQ long", "W1/floor long"} - set(long_table.columns)
    if missing:
        raise ValueError(f"long_table lacks the columns {sorted(missing)}: pass long_summary's table")
    n_modes = positive(n_modes, "n_modes", integer=True)
    out = pd.DataFrame({"all modes": long_table["modes long min"] >= n_modes,
                        "HQ": long_table["HQ long"] >= hq,
                        "W1": long_table["W1/floor long"] <= w1_ratio}, index=long_table.index)
    out["all"] = out.all(axis=1)
    return out


def plot_long_runs(long_table, toy, steps, n=2000, seed=0, ncols=5, longer=False):
    """Samples of each long-run generator (seed 0, :func:`otgan.toys.load_long_model`; with ``longer``, those of
    :func:`otgan.toys.longer_runs`) of ``long_table``'s losses over the density of ``toy``, titled with the modes
    it covers and its high-quality rate in these ``n`` fresh samples (evaluation stream ``seed``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from . import metrics, plotting
    from .data import toy as make_toy

    target = make_toy(toy)
    nrows = max(1, -(-len(long_table) // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3 * ncols, 3.6 * nrows), squeeze=False)
    for ax in axes.flat[len(long_table):]:
        ax.axis("off")
    for ax, loss in zip(axes.flat, long_table.index):
        x = toys.load_long_model(loss, toy=toy, longer=longer).sample(n)
        r = metrics.toy_metrics(x, target, n_ref=n, seed=seed)
        plotting.plot_samples(x, target, ax=ax, s=2, title=f"{toys.LABELS[loss]}\n{r['modes_covered']}/"
                              f"{r['n_modes']} modes, HQ {r['high_quality']:.2f}")
        ax.set(xlabel="", ylabel="")
    fig.suptitle(f"{toys.TOY_LABELS[toy]}, {steps:,} generator steps, seed 0", y=1.0)
    fig.tight_layout()
    return fig



def plot_zoomed_pair(samplers, toy, zoom, suptitle, n=2000, seed=0):
    """Samples of two (or more) generators side by side over the density of ``toy``, whole (top row) and zoomed
    into the window ``zoom = ((x0, x1), (y0, y1))`` (bottom row), each titled with the modes it covers and its
    high-quality rate in these ``n`` samples (:func:`otgan.metrics.toy_metrics`, evaluation stream ``seed``).

    Parameters
    ----------
    samplers : dict
        Column title -> a function ``n -> samples`` (e.g. a trainer's ``sample``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from . import metrics, plotting
    from .data import toy as make_toy

    if not isinstance(samplers, dict) or not samplers:
        raise ValueError("samplers must be a non-empty dict of title -> sampling function")
    (x0, x1), (y0, y1) = zoom
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"zoom must be ((x0, x1), (y0, y1)) with x0 < x1 and y0 < y1, got {zoom!r}")
    target = make_toy(toy)
    fig, axes = plt.subplots(2, len(samplers), figsize=(4.2 * len(samplers), 8.4), squeeze=False)
    for j, (label, sample) in enumerate(samplers.items()):
        x = sample(n)
        r = metrics.toy_metrics(x, target, n_ref=n, seed=seed)
        for i in range(2):
            plotting.plot_samples(x, target, ax=axes[i, j], s=3 if i else 2,
                                  title=None if i else f"{label}: {r['modes_covered']}/{r['n_modes']} modes, HQ "
                                                       f"{r['high_quality']:.2f}")
            axes[i, j].set(xlabel="", ylabel="")
        axes[1, j].set(xlim=(x0, x1), ylim=(y0, y1))
    fig.suptitle(suptitle, y=1.0)
    fig.tight_layout()
    return fig


def runs_note(n_done, n_all, seeds, planned):
    """How much of a grid of runs a table rests on, for a parenthesis in the prose.

    Parameters
    ----------
    n_done, n_all : int
        Rows of the table and rows the command makes (e.g. (toy, loss) pairs).
    seeds : pandas.Series
        Seeds per row.
    planned : int
        Seeds per row the command runs.

    Returns
    -------
    str
        "all 30 (toy, loss) pairs, 3 seeds each" when every row is complete, else e.g. "28 of the 30 (toy, loss)
        pairs, 1 to 3 of the 3 seeds the command runs".
    """
    for value, name in ((n_done, "n_done"), (n_all, "n_all"), (planned, "planned")):
        positive(value, name, integer=True)
    if n_done > n_all:
        raise ValueError(f"n_done must be at most n_all, got {n_done} > {n_all}")
    if len(seeds) != n_done:
        raise ValueError(f"seeds must have one entry per row (n_done={n_done}), got {len(seeds)}")
    lo, hi = int(seeds.min()), int(seeds.max())
    if n_done == n_all and lo == hi == planned:
        return f"all {n_all} (toy, loss) pairs, {planned} seeds each"
    pairs = f"all {n_all} (toy, loss) pairs" if n_done == n_all else f"{n_done} of the {n_all} (toy, loss) pairs"
    some = f"{lo}" if lo == hi else f"{lo} to {hi}"
    return f"{pairs}, {some} of the {planned} seeds the command runs"

#: The MNIST models trained with three seeds (the five best on seed 0, and WGAN-GP, in the order of their mean FID)
#: and the training seeds.
SEEDED_MODELS = ("gan_mlp", "sngan_hinge_mlp", "dcgan", "sinkhorn_two_batch_mlp", "sw_features", "wgan_gp_mlp")
TRAINING_SEEDS = (0, 1, 2)
SEED_COLUMNS = ("fid", "FID / real-vs-real", "precision", "recall", "coverage", "smallest class share", "steps")


def seed_spread(names=SEEDED_MODELS, seeds=TRAINING_SEEDS, n=1000, real_fid=None, eval_seed=0, loaded=None):
    """Each model of ``names`` trained with every training seed of ``seeds`` (:func:`otgan.models.load`, seed
    K: ``data/<name>.seedK.pt`` in the ``book`` profile), evaluated the same way (EMA generator, ``n`` samples
    from the latent stream ``eval_seed`` against the held-out digits, :func:`otgan.metrics.evaluate`).

    Parameters
    ----------
    real_fid : float, optional
        The real-vs-real FID, for the ratio column (default: :func:`otgan.metrics.real_vs_real` with ``n``).
    loaded : dict, optional
        ``{(name, seed): Trainer}`` already loaded (e.g. the chapter's seed-0 models), reused instead of loading.

    Returns
    -------
    runs : DataFrame
        One row per (model, seed): :data:`SEED_COLUMNS`.
    summary : DataFrame
        One row per model: each column's mean ± standard deviation over the seeds (strings), and ``seeds``.
    """
    from . import metrics, models

    if not names or not seeds:
        raise ValueError("names and seeds must be non-empty")
    real_fid = real_fid or metrics.real_vs_real(n=n)["fid"]
    loaded = dict(loaded or {})
    rows = []
    for seed in seeds:
        missing = [name for name in names if (name, seed) not in loaded]
        if missing:
            loaded.update({(name, seed): tr for name, tr in models.load(missing, seed=seed).items()})
        for name in names:
            tr = loaded[(name, seed)]
            r = metrics.evaluate(tr.sampler.float(), n=n, seed=eval_seed)
            rows.append({"model": name, "seed": seed, "fid": r["fid"], "FID / real-vs-real": r["fid"] / real_fid,
                         "precision": r["precision"], "recall": r["recall"], "coverage": r["coverage"],
                         "smallest class share": float(min(r["class_hist"])), "steps": tr.step})
    runs = pd.DataFrame(rows).set_index(["model", "seed"])
    digits = {"fid": 1, "FID / real-vs-real": 2, "steps": 0}
    summary = pd.DataFrame({name: {c: _mean_spread(runs.loc[name][c], digits.get(c, 3)) for c in SEED_COLUMNS}
                            for name in names}).T
    summary["seeds"] = [len(runs.loc[name]) for name in names]
    return runs, summary


def seed_note(seeds, labels=None):
    """The sentence that says how many training seeds each row of a table rests on (no final period).

    Parameters
    ----------
    seeds : pandas.Series
        Seeds per row (index: loss names), e.g. the ``"seeds"`` column of :func:`long_summary`.
    labels : dict, optional
        Display names of the index (default :data:`otgan.toys.LABELS`).

    Returns
    -------
    str
        E.g. "A and B were run with 2 seeds or more, the others once: a single run is not a ranking", or, when
        every row has several, "Every loss was run with 2 seeds or more (3 for A and B): a few seeds, so a small
        difference is not a ranking".
    """
    if len(seeds) == 0:
        raise ValueError("seeds must name at least one row, got none")
    labels = toys.LABELS if labels is None else labels
    seeds = seeds.astype(int)

    def names(index):
        return english_list(labels.get(k, k) for k in index)

    several = seeds[seeds > 1]
    if several.empty:
        return "Every loss was run once (seed 0): single runs, not a ranking"
    if len(several) < len(seeds):
        return (f"{names(several.index)} were run with {several.min()} seeds or more, the others once: a single run "
                "is not a ranking")
    most = seeds[seeds == seeds.max()]
    extra = f" ({seeds.max()} for {names(most.index)})" if seeds.min() < seeds.max() else ""
    return (f"Every loss was run with {seeds.min()} seeds{' or more' if extra else ''}{extra}: a few seeds, so a "
            "small difference is not a ranking")
