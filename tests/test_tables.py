import pandas as pd
import pytest

from otgan import tables


def test_parse_markdown_table_keeps_cells_as_recorded():
    df = tables.parse_markdown_table(["| model | params G |", "|---|---:|", "| gan | 982,288 |"])
    assert list(df.columns) == ["model", "params G"] and df.iloc[0, 1] == "982,288"


def test_parse_rejects_non_tables_and_ragged_rows():
    with pytest.raises(ValueError, match="pipe table"):
        tables.parse_markdown_table(["| a |", "| b |"])
    with pytest.raises(ValueError, match="2 cells"):
        tables.parse_markdown_table(["| a | b |", "|---|---|", "| 1 |"])


def test_split_markdown_separates_prose_and_tables():
    text = "# Title\n\nsome prose\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nafter\n"
    kinds = [kind for kind, _ in tables.split_markdown(text)]
    assert kinds == ["markdown", "table", "markdown"]
    assert isinstance(tables.split_markdown(text)[1][1], pd.DataFrame)


def test_styled_prints_counts_as_integers():
    html = tables.styled(pd.DataFrame({"params": [982288.0], "fid": [83.41234]})).to_html()
    assert "982,288" in html and "982288.0" not in html and "83.412" in html


def test_styled_keeps_numbers_whole_and_lets_text_wrap():
    frame = pd.DataFrame({"model": ["sinkhorn_two_batch_mlp"], "fid": [83.4], "shown": ["1,234.5"], "gain": ["1.31x"],
                          "flag": [True]})
    css = tables.styled(frame)._compute().ctx  # (row, column) -> CSS of that cell
    whole = {col for (_, col), props in css.items() if ("word-break", "normal") in props}
    assert whole == {1, 2, 3}  # the float and the two numbers printed as text; not the name, not the boolean


def test_styled_formats_the_index_too():
    frame = pd.DataFrame({"fid": [20.0, 21.5]}, index=pd.MultiIndex.from_tuples([("noise", 0.0), ("noise", 0.1)]))
    html = tables.styled(frame, index=True).to_html()
    assert "0.000000" not in html and "0.100" in html


def test_inline_html_renders_bold_and_code_and_escapes_the_rest():
    assert tables.inline_html("**no**") == "<b>no</b>"
    assert tables.inline_html("`emd2` <P, C> & co") == "<code>emd2</code> &lt;P, C&gt; &amp; co"
    assert tables.inline_html(3) == "3"


def test_show_markdown_tables_carry_no_raw_markdown(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    tables.show_markdown("| a | meets |\n|---|---|\n| `x` | **no** |\n")
    html = shown[0].to_html()
    assert "<b>no</b>" in html and "<code>x</code>" in html and "**" not in html
