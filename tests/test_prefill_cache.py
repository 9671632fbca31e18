"""tools/prefill_cache.py: the pages the notebook cache lacks are executed and cached under the hash myst-nb looks
up, pages already cached are not executed again, and a page that fails is left uncached for the build to report."""
import json
import sys

import jupytext
import pytest
from jupyter_cache import get_cache

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import prefill_cache  # noqa: E402

PAGE = """# %% [markdown]
# A page.

# %%
x = 6 * 7
print(x)
"""


def test_executes_missing_pages_and_skips_cached_ones(tmp_path, capsys):
    page, bad = tmp_path / "page.py", tmp_path / "bad.py"
    page.write_text(PAGE)
    bad.write_text(PAGE.replace("6 * 7", "1 / 0"))
    cache_dir = tmp_path / "cache"
    assert prefill_cache.main([str(cache_dir), str(page), str(bad), "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    assert "executing 2 of 2 pages" in out and "(1 failed)" in out
    cache = get_cache(str(cache_dir))
    # myst-nb matches the notebook it reads from the .py (jupytext, py:percent) against the cache
    record, merged = cache.merge_match_into_notebook(jupytext.reads(page.read_text(), fmt="py:percent"))
    assert merged.cells[1].outputs[0]["text"] == "42\n"
    with pytest.raises(KeyError):
        cache.match_cache_notebook(jupytext.reads(bad.read_text(), fmt="py:percent"))
    # a second run executes only the failed page
    prefill_cache.main([str(cache_dir), str(page), str(bad)])
    assert "executing 1 of 2 pages" in capsys.readouterr().out


def test_jobs_must_be_positive(tmp_path):
    with pytest.raises(SystemExit):
        prefill_cache.main([str(tmp_path / "c"), "page.py", "--jobs", "0"])


def test_slowest_recorded_page_runs_first(tmp_path, capsys):
    pages = []
    for name in ("a.py", "b.py"):
        pages.append(tmp_path / name)
        pages[-1].write_text(PAGE)
    (tmp_path / "page_seconds.json").write_text('{"a.py": 1.0, "b.py": 50.0}')
    prefill_cache.main([str(tmp_path / "cache"), *map(str, pages), "--jobs", "1"])
    out = capsys.readouterr().out
    assert out.index("b.py") < out.index("a.py")
    assert set(json.loads((tmp_path / "page_seconds.json").read_text())) == {"a.py", "b.py"}


def test_timeout_is_the_books(tmp_path, capsys):
    """The per-cell timeout comes from the build's _config.yml (execute.timeout), and a cell that runs past the
    timeout given leaves its page uncached."""
    import yaml

    assert prefill_cache.config_timeout() == yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]["timeout"]
    config = tmp_path / "_config.yml"
    config.write_text("execute:\n  timeout: -1\n")
    assert prefill_cache.config_timeout(config) is None
    slow = tmp_path / "slow.py"
    slow.write_text(PAGE.replace("x = 6 * 7", "import time\ntime.sleep(30)\nx = 1"))
    assert prefill_cache.main([str(tmp_path / "cache"), str(slow), "--timeout", "2"]) == 0
    assert "(1 failed)" in capsys.readouterr().out
