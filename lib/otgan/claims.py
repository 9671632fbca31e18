"""Hold the book's prose to its runs: glue numbers into the text, check the claims a run can falsify.

A number the prose quotes is never typed by hand: the code cell computes it and :func:`glue` hands it to
myst-nb, whose ``{glue:text}`name:.3f``` role writes it into the sentence. A qualitative sentence that a run can
contradict ("the gradient-penalty critic recovers most of W1") is preceded by :func:`claim`, which fails the
``book`` and ``full`` builds when the run disagrees and only reports in ``smoke`` (tiny runs cannot be held to
book claims: a line on stdout, not a warning, since the book build fails on any stderr output). When a run
disagrees, change the text or fix the experiment, never the check.

Outside Jupyter Book (Colab, a plain kernel) :func:`glue` only stores the value, so the notebook still runs; the
markdown there shows the role's name (``{glue:text}`w1_drop```), which names the variable holding the number.
"""
import math
import numbers

from ._checks import positive
from .runtime import profile

#: Every claim checked in this kernel, in order: ``(text, passed)``.
CHECKED = []
#: Every value glued in this kernel: ``name -> value``.
GLUED = {}


class ClaimError(AssertionError):
    """A sentence of the book that its own run contradicts (``book`` and ``full`` profiles)."""


def claim(condition, text, active=None):
    """Check a sentence of the prose against the run that precedes it.

    Parameters
    ----------
    condition : bool
        What the run says (e.g. ``w1_after < 0.75 * w1_before``).
    text : str
        The sentence, or its gist, as the reader sees it.
    active : str, optional
        The profile; defaults to :func:`otgan.runtime.profile`.

    Returns
    -------
    bool
        ``condition`` as a bool.

    Raises
    ------
    ClaimError
        In the ``book`` and ``full`` profiles, when ``condition`` is false: the build fails. In ``smoke`` a false
        claim prints one line to stdout and returns False.

    Examples
    --------
    >>> claim(2 > 1, "two is more than one", active="book")
    True
    """
    if not isinstance(text, str) or not text.strip():
        raise TypeError(f"text must be a non-empty str (the sentence checked), got {text!r}")
    try:
        passed = bool(condition)
    except Exception as err:  # a tensor with several elements, say
        raise TypeError(f"condition must be a single truth value, got {type(condition).__name__}") from err
    CHECKED.append((text, passed))
    if not passed:
        if profile(active) == "smoke":
            # stdout, not a warning: the book build turns stderr output into a Sphinx warning, and -W into an error
            print(f"[smoke] claim not supported by this tiny run (checked in the book profile): {text}")
        else:
            raise ClaimError(f"the run contradicts the text: {text}")
    return passed


def glue(name, value, display=False):
    """Make a run's number available to the prose as ``{glue:text}`name``` (myst-nb), and return it.

    Parameters
    ----------
    name : str
        The key the markdown uses.
    value : number, str or object
        A Python number (tensors and numpy scalars are converted), a string, or a figure / table.
    display : bool, default False
        Also display the value in the cell's output.

    Returns
    -------
    object
        ``value`` (converted to a Python scalar when it was a 0-d tensor or numpy scalar).
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be an identifier-like str, got {name!r}")
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        value = value.item()
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and not math.isfinite(float(value)):
        raise ValueError(f"value of {name!r} must be finite to be quoted in the text, got {value}")
    GLUED[name] = value
    try:
        from myst_nb import glue as _glue
    except ImportError:  # Colab or a bare kernel: the value stays in GLUED
        return value
    _glue(name, value, display=display)
    return value


def _key(text):
    """``"W1/floor long"`` -> ``"W1_floor_long"``; ``"wgan-gp"`` -> ``"wgan_gp"``: a glue-name fragment."""
    return str(text).replace(" ", "_").replace("/", "_").replace("-", "_")


def glue_table(prefix, table, rows, columns):
    """Glue every cell ``table.loc[row, column]`` as ``{prefix}_{row}_{column}`` (spaces, "/" and "-" -> "_").

    The chapters quote a table's cells in their prose; this names them all one way, so the text and the run cannot
    use two spellings of one cell.

    Parameters
    ----------
    prefix : str
        The start of every name (an identifier).
    table : pandas.DataFrame
        The run's table.
    rows, columns : iterable
        The row and column labels to glue; rows absent from ``table`` are skipped (a run not recorded yet), an
        absent column is a ``KeyError``.

    Returns
    -------
    dict
        ``{name: value}`` of what was glued.
    """
    if not isinstance(prefix, str) or not prefix.isidentifier():
        raise ValueError(f"prefix must be an identifier-like str, got {prefix!r}")
    columns = list(columns)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise KeyError(f"columns {missing} are not in the table (it has {list(table.columns)})")
    out = {}
    for row in rows:
        if row not in table.index:
            continue
        for col in columns:
            name = f"{prefix}_{_key(row)}_{_key(col)}"
            out[name] = glue(name, table.loc[row, col])
    return out


def tied_best(values, decimals, largest=True):
    """The labels of ``values`` (a pandas Series) whose value, rounded to ``decimals`` as the prose prints it, equals
    the best one: the prose names every one of them rather than the first that ``idxmax`` happens to return.

    Examples
    --------
    >>> import pandas as pd
    >>> tied_best(pd.Series({"a": 0.861, "b": 0.858, "c": 0.80}), 2)
    ['a', 'b']
    """
    if len(values) == 0:
        raise ValueError("values must hold at least one value, got none")
    positive(decimals, "decimals", integer=True, allow_zero=True)
    rounded = values.astype(float).round(decimals)
    best = rounded.max() if largest else rounded.min()
    return [label for label, v in rounded.items() if v == best]


def english_list(items, empty="none"):
    """``["A", "B", "C"]`` -> ``"A, B and C"`` (``empty`` when there are none): a list of names for the prose."""
    items = [str(item) for item in items]
    if not items:
        return empty
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
