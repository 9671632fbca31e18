"""Tables on the page: recorded Markdown reports shown as real tables, and DataFrames that fit the page.

The book's recorded benchmarks are Markdown files (``benchmarks/*.md``). A notebook output of type
``text/markdown`` is rendered by myst-nb as CommonMark, which has no tables, so the pipes would show as raw text;
:func:`show_markdown` therefore displays the prose blocks as Markdown and each pipe table as a pandas table
(HTML), which renders the same in the book, in Jupyter and in Colab.
"""
import html
import re

import pandas as pd

_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
#: A cell that is one number as a table prints it: sign, thousands commas, decimals, exponent, a trailing % or x.
_NUMBER = re.compile(r"[+\-\u2212]?[\d,]*\.?\d+(e[+\-]?\d+)?[%x]?")
_WHOLE = "overflow-wrap: normal; word-break: normal;"


def _cells(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_markdown_table(lines):
    """A pandas DataFrame from the lines of one Markdown pipe table (header, ``|---|`` separator, rows).

    Parameters
    ----------
    lines : list of str

    Returns
    -------
    pandas.DataFrame
        One column per header cell, the cells as strings (numbers keep their recorded formatting, such as
        ``993,552``).

    Examples
    --------
    >>> parse_markdown_table(["| a | b |", "|---|---|", "| 1 | x |"]).to_dict("list")
    {'a': ['1'], 'b': ['x']}
    """
    lines = [line for line in lines if line.strip()]
    if len(lines) < 2 or not _SEPARATOR.match(lines[1]):
        raise ValueError(f"lines must be a Markdown pipe table (header, then a |---| separator), got {lines[:2]!r}")
    header = _cells(lines[0])
    rows = [_cells(line) for line in lines[2:]]
    bad = [len(r) for r in rows if len(r) != len(header)]
    if bad:
        raise ValueError(f"every row of the table must have {len(header)} cells, got rows with {bad}")
    return pd.DataFrame(rows, columns=header)


def split_markdown(text):
    """Split Markdown ``text`` into blocks: ``("markdown", str)`` for prose, ``("table", DataFrame)`` for each
    pipe table."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    blocks, prose, table = [], [], []

    def flush_prose():
        if "".join(prose).strip():
            blocks.append(("markdown", "\n".join(prose).strip()))
        prose.clear()

    for line in text.splitlines() + [""]:
        if line.lstrip().startswith("|"):
            if not table:
                flush_prose()
            table.append(line)
            continue
        if table:
            blocks.append(("table", parse_markdown_table(table)))
            table = []
        prose.append(line)
    flush_prose()
    return blocks


def _keep_whole(value):
    """The CSS that keeps a number's cell from breaking inside the number (text cells still wrap)."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, (int, float)) or (isinstance(value, str) and _NUMBER.fullmatch(value.strip())):
        return _WHOLE
    return ""


def styled(frame, index=False, precision=3):
    """A pandas Styler that fits the page: compact font, wrapping text cells, number cells never broken inside a
    number (the page's narrow columns would otherwise split "1,234.5" over two lines), integers without a decimal
    point, floats to ``precision`` digits, the index hidden unless ``index``."""
    def fmt(value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return value
        if value != value:
            return ""
        if float(value).is_integer() and abs(value) >= 1000:
            return f"{int(value):,}"
        if float(value).is_integer():
            return f"{int(value)}"
        return f"{value:.{precision}f}"

    style = frame.style.format(fmt).format_index(fmt, axis=0).set_table_styles(
        [{"selector": "th, td", "props": "white-space: normal; font-size: 85%; padding: 2px 6px;"}]).map(_keep_whole)
    return style if index else style.hide(axis="index")


def inline_html(cell):
    """One cell of a recorded Markdown table as HTML: special characters escaped, then ``**bold**`` and
    ```code``` made bold and code (a pandas table does not render Markdown, so they would show as raw text).

    Examples
    --------
    >>> inline_html("**no** for <P, C>, see `emd2`")
    '<b>no</b> for &lt;P, C&gt;, see <code>emd2</code>'
    """
    text = html.escape(str(cell), quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def show_markdown(text, skip_title=False):
    """Display recorded Markdown ``text`` with its pipe tables as real tables (see the module docstring).

    Parameters
    ----------
    text : str
    skip_title : bool
        Drop a first line that is a ``#`` heading (the page already has one).
    """
    from IPython.display import Markdown, display

    if skip_title and text.lstrip().startswith("#"):
        text = text.lstrip().split("\n", 1)[1] if "\n" in text.lstrip() else ""
    for kind, block in split_markdown(text):
        if kind == "table":
            block = block.rename(columns=inline_html)
            display(styled(block.apply(lambda column: column.map(inline_html))))
        else:
            display(Markdown(re.sub(r"^#{1,2} ", "### ", block, flags=re.MULTILINE)))
