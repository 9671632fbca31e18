import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTERS = sorted(ROOT.glob("chapters/[0-9][0-9]_*.py"))


@pytest.fixture(scope="session")
def smoke_env():
    env = dict(os.environ, OTGAN_PROFILE="smoke", PYTHONHASHSEED="0")
    env.pop("MPLBACKEND", None)  # the kernels must keep their inline backend, or figures vanish
    return env


@pytest.fixture(scope="session")
def built_book(tmp_path_factory, smoke_env):
    """The whole book built once per session in the smoke profile, as CI sees it (-W -n --keep-going)."""
    out = tmp_path_factory.mktemp("book")
    jb = pathlib.Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run([str(jb), "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"],
                          env=smoke_env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, f"jupyter-book build failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"
    return out / "_build" / "html"
