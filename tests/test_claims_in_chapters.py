"""Every chapter holds its prose to its runs: it glues the numbers it quotes and checks its falsifiable sentences
(otgan.claims). The checks themselves fail the book build; here CI only asserts that the chapters make them, and
that every glued name the prose uses is glued by a code cell of the same chapter."""
import re
from pathlib import Path

import pytest

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"
# the chapters converted so far (issue 15); add a chapter here when its prose is held to its runs
CHECKED = ["00_introduction", "01_ot_primer", "02_gan", "90_metrics", "91_benchmarks"]


@pytest.mark.parametrize("name", CHECKED)
def test_chapter_calls_claim_and_glue(name):
    text = (CHAPTERS / f"{name}.py").read_text()
    assert re.search(r"^\s*claim\(", text, re.M), f"{name} checks no sentence with claim()"
    assert re.search(r"glue\(", text), f"{name} glues no number"


@pytest.mark.parametrize("name", CHECKED)
def test_every_glue_role_has_a_glue_call(name):
    text = (CHAPTERS / f"{name}.py").read_text()
    used = set(re.findall(r"\{glue:text\}`([A-Za-z_][A-Za-z0-9_]*)", text))
    glued = set(re.findall(r"glue\(\s*[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']", text))
    glued |= {m for prefix in re.findall(r"glue\(\s*f[\"']([A-Za-z_]*)\{", text) for m in used if m.startswith(prefix)}
    assert used <= glued, f"{name}: roles without a glue() call: {sorted(used - glued)}"


@pytest.mark.parametrize("name", sorted(p.stem for p in CHAPTERS.glob("[0-9]*.py")))
def test_no_cell_prints_the_value_of_its_last_check(name):
    """A cell that ends with a bare ``claim(...)`` or ``glue(...)`` shows its return value ("True", a number) under
    the cell on the page; the chapters end such cells with a semicolon."""
    import ast

    import jupytext

    for cell in jupytext.read(CHAPTERS / f"{name}.py").cells:
        if cell.cell_type != "code":
            continue
        src = cell.source
        tree = ast.parse(src)
        last = tree.body[-1] if tree.body else None
        if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call) \
                and getattr(last.value.func, "id", "") in ("claim", "glue"):
            assert src.split("\n")[last.end_lineno - 1].rstrip().endswith(";"), \
                f"{name}: a cell ends with a bare {last.value.func.id}(...) (line {last.lineno} of the cell): add ';'"
