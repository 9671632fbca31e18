"""Every loss of the book on the same 2-D toys and every MNIST model on the same metrics: the tables of the
comparison chapter.

The 2-D runs themselves (recipes, sweep, three seeds per (toy, loss), shipped models) live in :mod:`otgan.toys`;
this module turns their table (``data/toys/table.json``) into the page's summary, mean and spread over seeds.
"""
import pandas as pd

from . import toys

TOYS = toys.TOYS
TOY_LOSSES = toys.LOSSES
#: Short column names of :func:`toy_summary` and what they mean.
TOY_COLUMNS = {"modes": "modes covered (of 8 or 25; mixtures only)", "HQ": "high-quality rate",
               "W1": "exact W1 to 2,000 fresh target points", "W2": "exact W2 to the same points",
               "ms/step": "milliseconds per generator step (one CPU thread, training only)",
               "steps conv.": "first step from which W1 stays within 1.2x its final value", "seeds": "seeds run"}


def _mean_spread(values, digits):
    s = pd.Series(values, dtype=float)
    if len(s) == 1:
        return f"{s.iloc[0]:.{digits}f}"
    return f"{s.mean():.{digits}f} ± {s.std(ddof=1):.{digits}f}"


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
        ``HQ``, ``W1``, ``W2``, ``ms``, ``steps``, ``seeds``, ``floor``.
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
            key = (name, toys.LABELS[loss])
            cells.append({"index": key, "modes": _mean_spread(part["modes_covered"], 1) if mixture else "",
                          "HQ": _mean_spread(part["high_quality"], 2), "W1": _mean_spread(part["W1"], 3),
                          "W2": _mean_spread(part["W2"], 3), "ms/step": _mean_spread(part["ms per step"], 1),
                          "steps conv.": _mean_spread(part["steps to converge"], 0), "seeds": str(len(part))})
            numbers.append({"index": key, "key": loss, "modes": part["modes_covered"].mean() if mixture else None,
                            "HQ": part["high_quality"].mean(), "W1": part["W1"].mean(), "W2": part["W2"].mean(),
                            "ms": part["ms per step"].mean(), "steps": part["steps to converge"].mean(),
                            "seeds": len(part), "floor": sum(floors) / len(floors),
                            "W1 min": part["W1"].min(), "modes min": part["modes_covered"].min() if mixture else None,
                            "HQ min": part["high_quality"].min()})
        cells.append({"index": (name, "floor (target vs target)"), "modes": "", "HQ": "",
                      "W1": _mean_spread(floors, 3), "W2": "", "ms/step": "", "steps conv.": "",
                      "seeds": str(len(floors))})
    summary = pd.DataFrame(cells).set_index("index")
    summary.index = pd.MultiIndex.from_tuples(summary.index, names=["toy", "loss"])
    numbers = pd.DataFrame(numbers).set_index("index")
    numbers.index = pd.MultiIndex.from_tuples(numbers.index, names=["toy", "loss"])
    return summary, numbers
