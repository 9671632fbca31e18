"""The prose is held to its runs: otgan.claims.claim() fails the book build when a run contradicts the text and
only reports (one line on stdout, no stderr: the book build fails on stderr) in smoke; glue() hands numbers to the markdown. And every chapter uses both (a static check of the
sources, so that CI in the smoke profile, where claims only warn, still sees that the claims exist)."""
import math
import re
import warnings

import jupytext
import numpy as np
import pytest
import torch

from conftest import CHAPTERS
from otgan import claims
from otgan.claims import ClaimError, claim, glue


# ---------------------------------------------------------------------------------------------------------------
# claim()

@pytest.mark.parametrize("active", ["book", "full"])
def test_false_claim_fails_the_book_and_full_builds(active):
    with pytest.raises(ClaimError, match="the run contradicts the text: W1 drops by a quarter"):
        claim(0.61 < 0.3, "W1 drops by a quarter", active=active)
    assert claims.CHECKED[-1] == ("W1 drops by a quarter", False)


def test_false_claim_only_reports_in_smoke_on_stdout(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning: it would reach stderr, which fails the book build
        assert claim(False, "W1 drops by a quarter", active="smoke") is False
    out = capsys.readouterr()
    assert "claim not supported" in out.out and "W1 drops by a quarter" in out.out and out.err == ""
    assert claims.CHECKED[-1] == ("W1 drops by a quarter", False)


@pytest.mark.parametrize("active", ["smoke", "book", "full"])
def test_true_claim_passes_silently_and_is_recorded(active, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert claim(np.float64(2.0) > 1, "two is more than one", active=active) is True
    assert capsys.readouterr() == ("", "")
    assert claims.CHECKED[-1] == ("two is more than one", True)


def test_claim_follows_the_profile_of_the_environment(monkeypatch, capsys):
    monkeypatch.setenv("OTGAN_PROFILE", "smoke")
    assert claim(False, "smoke only reports") is False
    assert "smoke only reports" in capsys.readouterr().out
    monkeypatch.setenv("OTGAN_PROFILE", "book")
    with pytest.raises(ClaimError):
        claim(False, "book fails")
    monkeypatch.delenv("OTGAN_PROFILE")  # the default profile is book: it must fail too
    with pytest.raises(ClaimError):
        claim(False, "the default profile fails")


def test_claim_accepts_one_element_tensors_and_rejects_ambiguous_conditions():
    assert claim(torch.tensor(3.0) > 2, "a 0-d tensor", active="book") is True
    with pytest.raises(TypeError, match="condition must be a single truth value"):
        claim(torch.tensor([1.0, 2.0]) > 0, "two truth values", active="book")
    with pytest.raises(TypeError, match="condition must be a single truth value"):
        claim(np.array([True, False]), "two truth values", active="book")


@pytest.mark.parametrize("text", ["", "   ", None, 3])
def test_claim_needs_the_sentence(text):
    with pytest.raises(TypeError, match="text must be a non-empty str"):
        claim(True, text, active="book")


# ---------------------------------------------------------------------------------------------------------------
# glue()

def test_glue_stores_python_scalars():
    assert glue("h15b_tensor", torch.tensor(0.25)) == 0.25
    assert type(claims.GLUED["h15b_tensor"]) is float
    assert glue("h15b_numpy", np.float32(1.5)) == 1.5 and type(claims.GLUED["h15b_numpy"]) is float
    assert glue("h15b_int", np.int64(7)) == 7 and type(claims.GLUED["h15b_int"]) is int
    assert glue("h15b_text", "all ten digits") == "all ten digits"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, torch.tensor(float("nan"))])
def test_glue_refuses_numbers_that_cannot_be_quoted(value):
    with pytest.raises(ValueError, match="must be finite"):
        glue("h15b_bad", value)


@pytest.mark.parametrize("name", ["", "w1 drop", "1st", "a-b", 3])
def test_glue_needs_an_identifier_name(name):
    with pytest.raises(ValueError, match="name must be an identifier-like str"):
        glue(name, 1.0)


# ---------------------------------------------------------------------------------------------------------------
# every chapter calls them (static: CI runs smoke, where a false claim only warns)

GLUE_ROLE = re.compile(r"\{glue(?::[a-z]*)?\}`([A-Za-z_][A-Za-z0-9_]*)")
GLUE_CALL = re.compile(r"\bglue\(\s*(f?)([\"'])(.+?)\2")
GLUE_TABLE_CALL = re.compile(r"\bglue_table\(\s*([\"'])(\w+)\1")  # glue_table("long8", ...) glues long8_<row>_<col>
DYNAMIC_GLUE = re.compile(r"\bglue\(\s*(?![fFrR]?[\"'])[A-Za-z_]")  # glue(name, value) with the name in a variable
CLAIM_CALL = re.compile(r"\bclaim\(")


def chapter_parts(source):
    nb = jupytext.read(source)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return code, markdown


def glued_names(code):
    """Literal names glued in the code, and patterns for f-string names (``f"w1_{key}"`` -> ``w1_\\w+``)."""
    literal, patterns = set(), []
    for is_f, _, name in GLUE_CALL.findall(code):
        if is_f and "{" in name:
            parts = re.split(r"\{[^}]*\}", name)
            patterns.append(re.compile(r"\w+".join(re.escape(p) for p in parts) + r"\Z"))
        else:
            literal.add(name)
    for _, prefix in GLUE_TABLE_CALL.findall(code):
        patterns.append(re.compile(re.escape(prefix) + r"_\w+\Z"))
    return literal, patterns


@pytest.mark.parametrize("source", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_checks_its_claims_and_glues_its_numbers(source):
    code, markdown = chapter_parts(source)
    assert CLAIM_CALL.search(code), f"{source.name} checks none of its sentences with claim()"
    assert GLUE_CALL.search(code), f"{source.name} glues no number from a run (glue())"
    assert GLUE_ROLE.search(markdown), f"{source.name} quotes no glued number in its prose ({{glue:text}})"


@pytest.mark.parametrize("source", CHAPTERS, ids=lambda p: p.stem)
def test_every_glued_name_in_the_prose_is_glued_by_the_code(source):
    code, markdown = chapter_parts(source)
    literal, patterns = glued_names(code)
    missing = sorted({name for name in GLUE_ROLE.findall(markdown)
                      if name not in literal and not any(p.match(name) for p in patterns)})
    if missing and DYNAMIC_GLUE.search(code):
        pytest.skip(f"{source.name} glues names held in variables; not checked statically: {missing}")
    assert not missing, f"{source.name} quotes numbers that no glue() call provides: {missing}"


def test_the_static_checks_can_fail():
    code = 'x = 1\nglue(f"w1_{key}", x)\nglue("drop", 2)\n'
    literal, patterns = glued_names(code)
    assert literal == {"drop"} and patterns[0].match("w1_sw") and not patterns[0].match("fid_sw")
    _, patterns = glued_names('glue_table("long8", table, rows, cols)')
    assert patterns[0].match("long8_sn_hinge_HQ_long") and not patterns[0].match("long_sn_hinge_HQ_long")
    assert GLUE_ROLE.findall("W1 falls by {glue:text}`drop:.0%`, {glue}`w1_sw` and {glue:}`n`") == ["drop", "w1_sw", "n"]
    assert DYNAMIC_GLUE.search("for k, v in d.items():\n    glue(k, v)") and not DYNAMIC_GLUE.search(code)
    assert not CLAIM_CALL.search("# no claims here\nprint(1)")


def test_glue_table_names_cells_one_way_and_skips_absent_rows():
    import pandas as pd

    from otgan.claims import GLUED, glue_table

    table = pd.DataFrame({"W1/floor long": [1.5, 2.5], "modes long": [8, 7]}, index=["wgan-gp", "sn-hinge"])
    out = glue_table("t8", table, ["wgan-gp", "sinkhorn"], ["W1/floor long", "modes long"])
    assert out == {"t8_wgan_gp_W1_floor_long": 1.5, "t8_wgan_gp_modes_long": 8}
    assert GLUED["t8_wgan_gp_W1_floor_long"] == 1.5
    with pytest.raises(KeyError, match="HQ"):
        glue_table("t8", table, ["wgan-gp"], ["HQ"])
    with pytest.raises(ValueError, match="prefix"):
        glue_table("8t", table, ["wgan-gp"], ["modes long"])


def test_english_list():
    from otgan.claims import english_list

    assert english_list([]) == "none"
    assert english_list(["A"]) == "A"
    assert english_list(["A", "B"]) == "A and B"
    assert english_list(iter(["A", "B", "C"])) == "A, B and C"


def test_tied_best_names_every_row_that_prints_as_the_best():
    import pandas as pd

    from otgan.claims import tied_best

    hq = pd.Series({"WGAN-GP": 0.861, "GAN": 0.858, "clip": 0.2})
    assert tied_best(hq, 2) == ["WGAN-GP", "GAN"]
    assert tied_best(hq, 3) == ["WGAN-GP"]
    assert tied_best(pd.Series({"a": 6.14, "b": 6.06, "c": 9.0}), 1, largest=False) == ["a", "b"]
    with pytest.raises(ValueError, match="values"):
        tied_best(pd.Series(dtype=float), 2)
    with pytest.raises(ValueError, match="decimals"):
        tied_best(hq, -1)
