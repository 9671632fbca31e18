"""The chapters as notebooks: the committed .ipynb mirror the .py sources, carry no outputs, and papermill can
run a chapter with parameters overridden. (nbval executes every chapter: `pytest --nbval-lax chapters/`.)"""
import json
import subprocess
import sys

import jupytext
import nbformat
import pytest

from conftest import CHAPTERS, ROOT


def test_there_are_chapters():
    assert CHAPTERS and CHAPTERS[0].name == "00_introduction.py"


@pytest.mark.parametrize("source", CHAPTERS, ids=lambda p: p.stem)
def test_ipynb_in_sync_and_stripped(source):
    ipynb = source.with_suffix(".ipynb")
    assert ipynb.exists(), f"{ipynb.name} is missing: run `make notebooks`"
    committed = nbformat.read(ipynb, as_version=4)
    expected = jupytext.read(source)
    assert [c.cell_type for c in committed.cells] == [c.cell_type for c in expected.cells], \
        f"{ipynb.name} is out of sync with {source.name}: run `make notebooks`"
    for got, want in zip(committed.cells, expected.cells):
        assert got.source == want.source, f"{ipynb.name} is out of sync with {source.name}: run `make notebooks`"
    for cell in committed.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{ipynb.name} carries outputs"


@pytest.mark.parametrize("source", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_has_parameters_cell(source):
    nb = jupytext.read(source)
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells if c.cell_type == "code")


@pytest.mark.slow
def test_papermill_parameter_override(tmp_path, smoke_env):
    out = tmp_path / "intro.ipynb"
    cmd = [sys.executable, "-m", "papermill", str(ROOT / "chapters/00_introduction.ipynb"), str(out),
           "-p", "SEED", "3", "-p", "PANEL_TOY", "rings", "--cwd", str(ROOT / "chapters"), "--no-progress-bar"]
    proc = subprocess.run(cmd, env=smoke_env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    nb = json.loads(out.read_text())
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injected and "PANEL_TOY = \"rings\"" in "".join(injected[0]["source"])
    widget_states = json.dumps(nb["metadata"].get("widgets", {})) + json.dumps(
        [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])])
    assert "rings" in widget_states  # the panel was drawn for the overridden toy
