"""The Colab bootstrap: the first code cell of every chapter, written from the one repository URL.

The repository URL lives in one place, ``repository.url`` in ``_config.yml`` (Jupyter Book needs it there for
the launch and repository buttons). ``make notebooks`` runs this script, which rewrites the first code cell of
every ``chapters/NN_name.py`` from :data:`TEMPLATE` and that URL, then jupytext regenerates the paired ``.ipynb``.
A fork changes the URL in ``_config.yml`` and runs ``make notebooks``; ``tests/test_install.py`` checks that the
chapters, ``_config.yml`` and the README agree.

The cell is tagged ``remove-cell``: the HTML does not show it, the ``.ipynb`` keeps it for Colab. Outside Colab it
does nothing. In Colab it clones the repository (shallow: the package and ``data/``), says clearly when the clone
fails, installs the package (not editable, so the running kernel imports it at once), points ``$OTGAN_DATA`` at
the clone's ``data/`` and moves into its ``chapters/``.

Usage: ``python tools/bootstrap_cells.py [--check]`` (``--check`` changes nothing and exits 1 when a chapter is
out of date).
"""
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTERS = sorted(ROOT.glob("chapters/[0-9][0-9]_*.py"))
HERE = "/content/otgan-book"
# the pieces a test replaces to run the cell the way Colab would (see tests/test_install.py)
IN_COLAB = 'importlib.util.find_spec("google") and importlib.util.find_spec("google.colab")'
INSTALL = '[sys.executable, "-m", "pip", "install", "-q", f"{HERE}/lib"]'
TEMPLATE = """# %% tags=["remove-cell"]
# Colab bootstrap (hidden in the HTML; does nothing outside Colab): clone the repository for its package and
# data/, install the package, work in its chapters/. Written by `make notebooks` from _config.yml.
import importlib, importlib.util, os, subprocess, sys  # noqa: E401
REPO, HERE = "@URL@", "@HERE@"
if @IN_COLAB@:
    if not os.path.isdir(f"{HERE}/lib"):
        clone = subprocess.run(["git", "clone", "-q", "--depth", "1", REPO, HERE], capture_output=True, text=True)
        if clone.returncode != 0:
            raise RuntimeError(f"Could not clone the book's repository {REPO}: {clone.stderr.strip()}\\n"
                               "This notebook needs it (the otgan package and data/). Check that the runtime is "
                               "online and the URL is right (a fork sets repository.url in _config.yml and runs "
                               "`make notebooks`).")
    if importlib.util.find_spec("otgan") is None:
        subprocess.run(@INSTALL@, check=True)
        importlib.invalidate_caches()
    os.environ["OTGAN_DATA"] = f"{HERE}/data"
    os.chdir(f"{HERE}/chapters")
""".replace("@HERE@", HERE).replace("@IN_COLAB@", IN_COLAB).replace("@INSTALL@", INSTALL)
# the first code cell of a py:percent file: from its "# %%" line to the next cell marker
FIRST_CODE_CELL = re.compile(r"^# %%(?! \[markdown\]).*?\n(?=^# %%)", re.M | re.S)


def repository_url(config=ROOT / "_config.yml"):
    """``repository.url`` of the book's ``_config.yml``, the one place the URL is written."""
    with open(config) as fh:
        url = yaml.safe_load(fh)["repository"]["url"]
    if not (isinstance(url, str) and url.startswith("https://github.com/")):
        raise ValueError(f"repository.url in {config} must be a https://github.com/ URL, got {url!r}")
    return url.rstrip("/")


def cell(url=None):
    """The bootstrap cell (py:percent source, blank line after it) for ``url`` (default: :func:`repository_url`)."""
    return TEMPLATE.replace("@URL@", url or repository_url()) + "\n"


def first_code_cell(text):
    """The first code cell of a py:percent chapter, as text."""
    match = FIRST_CODE_CELL.search(text)
    if match is None:
        raise ValueError("no code cell followed by another cell")
    return match.group(0)


def sync(paths=CHAPTERS, check=False):
    """Rewrite the first code cell of each chapter; return the chapters that were (or, with ``check``, would be)
    changed."""
    want, changed = cell(), []
    for path in paths:
        text = path.read_text()
        old = first_code_cell(text)
        if "Colab bootstrap" not in old:
            raise ValueError(f"{path.name}: the first code cell is not the Colab bootstrap; start the chapter with "
                             f"a copy of the first code cell of {paths[0].name} (this script then keeps it current)")
        if old != want:
            changed.append(path)
            if not check:
                path.write_text(text.replace(old, want, 1))
    return changed


if __name__ == "__main__":
    check = "--check" in sys.argv[1:]
    changed = sync(check=check)
    for path in changed:
        print(f"{'out of date' if check else 'rewrote the bootstrap cell of'}: {path.relative_to(ROOT)}")
    sys.exit(1 if check and changed else 0)
