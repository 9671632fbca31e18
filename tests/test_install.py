"""A newcomer's first hour: the package installed from a wheel (not editable) finds its data or says how to get
it, the Colab bootstrap cells agree with the one repository URL, and one chapter runs the way Colab runs it."""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import time

import jupytext
import nbformat
import pytest

from conftest import CHAPTERS, ROOT

sys.path.insert(0, str(ROOT / "tools"))
import bootstrap_cells  # noqa: E402


def _first_code_cell(nb):
    return next(c for c in nb.cells if c.cell_type == "code")


# -- one repository URL -----------------------------------------------------------------------------------------

def test_bootstrap_cells_agree_with_the_one_repository_url():
    url = bootstrap_cells.repository_url()
    assert bootstrap_cells.sync(check=True) == [], "a chapter's bootstrap cell is out of date: run `make notebooks`"
    want = bootstrap_cells.cell(url).rstrip("\n").split("\n", 1)[1]  # the source, without the "# %%" line
    for source in CHAPTERS:
        for nb in (jupytext.read(source), nbformat.read(source.with_suffix(".ipynb"), as_version=4)):
            cell = _first_code_cell(nb)
            assert cell.source == want, f"{source.name}: first code cell is not the bootstrap for {url}"
            assert "remove-cell" in cell.metadata.get("tags", []), f"{source.name}: bootstrap shown in the HTML"
    assert url in (ROOT / "README.md").read_text(), "README.md does not give the repository URL of _config.yml"


def test_repository_url_must_be_github(tmp_path):
    bad = tmp_path / "_config.yml"
    bad.write_text("repository:\n  url: https://example.org/x/y\n")
    with pytest.raises(ValueError, match="repository.url"):
        bootstrap_cells.repository_url(bad)


def _colab_cell(repo, here, install=None):
    """The bootstrap cell as Colab runs it: the Colab check forced on, the clone from ``repo`` into ``here``, and
    optionally the install step replaced by ``install`` (a Python list expression)."""
    src = bootstrap_cells.cell(repo)
    for old, new in [(bootstrap_cells.IN_COLAB, "True"), (f'"{bootstrap_cells.HERE}"', repr(str(here))),
                     (bootstrap_cells.INSTALL, install or bootstrap_cells.INSTALL)]:
        assert src.count(old) == 1, f"the bootstrap template changed: {old!r} not found once"
        src = src.replace(old, new)
    return src


def test_bootstrap_says_clearly_when_the_clone_fails(tmp_path):
    missing = tmp_path / "no-such-repository"
    proc = subprocess.run([sys.executable, "-c", _colab_cell(str(missing), tmp_path / "clone")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode != 0
    assert "Could not clone the book's repository" in proc.stderr and str(missing) in proc.stderr
    assert "repository.url in _config.yml" in proc.stderr


# -- shipped data: where it is looked for, and what the book profile does without it ------------------------------

@pytest.fixture
def no_checkout(monkeypatch):
    """As if the package were installed outside a checkout: only $OTGAN_DATA can point at the data."""
    from otgan import runtime

    monkeypatch.setattr(runtime, "_checkout_data", lambda: None)
    monkeypatch.delenv("OTGAN_DATA", raising=False)
    return monkeypatch


def test_data_dir_says_where_it_looked(no_checkout, tmp_path):
    from otgan import runtime

    with pytest.raises(FileNotFoundError, match="OTGAN_DATA=<clone>/data"):
        runtime.data_dir()
    with pytest.raises(FileNotFoundError, match="python -m otgan.classifier"):
        runtime.data_path("mnist_classifier.pt", make="python -m otgan.classifier")
    no_checkout.setenv("OTGAN_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="not a directory"):
        runtime.data_dir()
    no_checkout.setenv("OTGAN_DATA", str(tmp_path))
    assert runtime.data_dir() == str(tmp_path)
    assert runtime.data_path("x.pt") == str(tmp_path / "x.pt")  # may not exist: a script is about to write it
    with pytest.raises(FileNotFoundError, match="make it with `make x`"):
        runtime.data_path("x.pt", make="make x")
    with pytest.raises(TypeError, match="name"):
        runtime.data_path("")


def test_checkout_data_is_found_without_the_variable():
    from otgan import runtime

    assert runtime._checkout_data() == str(ROOT / "data") and runtime.data_dir() == str(ROOT / "data")


def test_book_profile_never_trains_a_missing_shipped_model(no_checkout, tmp_path):
    from otgan import models, toys

    no_checkout.setenv("OTGAN_PROFILE", "book")
    no_checkout.setenv("OTGAN_DATA", str(tmp_path))
    trained = []
    no_checkout.setattr(models.Trainer, "train", lambda self, *a, **k: trained.append(a))
    with pytest.raises(FileNotFoundError, match="--only gan_mlp"):
        models.load(["gan_mlp"])
    trainer, n_steps = models.build("gan_mlp", device="cpu")
    with pytest.raises(FileNotFoundError, match="python -m otgan.reproduce --profile book --only gan_mlp"):
        models.load_or_train(trainer, n_steps, shipped=str(tmp_path / "gan_mlp.pt"))
    trainer.config = dict(trainer.config, lr=1.0)  # a shipped file made for another config
    with pytest.raises(ValueError, match="--only gan_mlp --force"):
        models.load_or_train(trainer, n_steps, shipped=str(ROOT / "data" / "gan_mlp.pt"))
    with pytest.raises(FileNotFoundError, match="--only toys"):
        toys.load_table()
    assert not trained
    no_checkout.setenv("OTGAN_PROFILE", "smoke")  # smoke (and full) train, with or without data
    assert models.load_or_train(trainer, n_steps, shipped=str(tmp_path / "gan_mlp.pt")) == "trained" and trained


# -- the package from a wheel, not editable ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory):
    """A venv with otgan installed from a wheel built from lib/ (not editable). Its other dependencies come from
    the running environment through a .pth line (offline), which does not run that environment's editable
    finder for otgan."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "lib"
    shutil.copytree(ROOT / "lib", src, ignore=shutil.ignore_patterns("*.egg-info", "build", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", str(src),
                    "-w", str(tmp / "dist")], check=True, capture_output=True, timeout=300)
    wheel = next((tmp / "dist").glob("otgan-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = pathlib.Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                       check=True, capture_output=True, text=True).stdout.strip())
    (site / "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--ignore-installed",
                    str(wheel)], check=True, capture_output=True, timeout=300)
    return {"python": python, "site": site, "wheel": wheel, "prefix": venv, "cwd": tmp}


# What models.load and load_classifier do in the wheel's venv, as JSON.
PROBE = textwrap.dedent("""
    import json, os, sys, time
    out = {"sys_path_has_lib": any(p.rstrip("/").endswith("/lib") for p in sys.path)}
    import otgan
    from otgan import classifier, data, models
    out["otgan_file"] = otgan.__file__
    held = data.load_mnist("heldout")
    for what, call in [("models", lambda: models.load(["gan_mlp"])["gan_mlp"].step),
                       ("classifier", lambda: classifier.accuracy(classifier.load_classifier(device="cpu"),
                                                                  held.images, held.labels))]:
        t0 = time.perf_counter()
        try:
            out[what] = {"ok": call()}
        except Exception as err:
            out[what] = {"error": type(err).__name__, "message": str(err)}
        out[what]["seconds"] = time.perf_counter() - t0
    print("PROBE" + json.dumps(out))
""")


def _probe(venv, profile, data_dir=None):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "OTGAN_DATA")}
    env.update(OTGAN_PROFILE=profile, OMP_NUM_THREADS="1")
    if data_dir is not None:
        env["OTGAN_DATA"] = str(data_dir)
    proc = subprocess.run([str(venv["python"]), "-c", PROBE], env=env, cwd=venv["cwd"], capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("PROBE"))
    out = json.loads(line[len("PROBE"):])
    assert out["otgan_file"].startswith(str(venv["site"])), "otgan was not imported from the wheel"
    assert not out["sys_path_has_lib"]
    return out, proc.stdout


@pytest.mark.slow
def test_wheel_without_data_fails_fast_and_says_how_to_get_it(wheel_venv):
    out, _ = _probe(wheel_venv, "book")
    m, c = out["models"], out["classifier"]
    assert m.get("error") == "FileNotFoundError", m
    assert "OTGAN_DATA" in m["message"] and "python -m otgan.reproduce --profile book --only gan_mlp" in m["message"]
    assert m["seconds"] < 60, "the book profile must not start training a missing model"
    assert c.get("error") == "FileNotFoundError", c
    assert "OTGAN_DATA" in c["message"] and "python -m otgan.classifier" in c["message"]


@pytest.mark.slow
def test_wheel_with_an_empty_data_folder_names_the_commands(wheel_venv, tmp_path):
    out, _ = _probe(wheel_venv, "book", tmp_path)
    m, c = out["models"], out["classifier"]
    assert m.get("error") == "FileNotFoundError" and str(tmp_path / "gan_mlp.pt") in m["message"], m
    assert "python -m otgan.reproduce --profile book --only gan_mlp" in m["message"]
    assert m["seconds"] < 60
    assert c.get("error") == "FileNotFoundError" and "python -m otgan.classifier" in c["message"], c


@pytest.mark.slow
def test_wheel_with_otgan_data_loads_the_shipped_files(wheel_venv):
    from otgan.checkpoint import load_checkpoint

    out, stdout = _probe(wheel_venv, "book", ROOT / "data")
    # the installed package loads the shipped model as it was trained (a budgeted model: its step count)
    assert out["models"].get("ok", 0) == load_checkpoint(ROOT / "data" / "gan_mlp.pt")["step"], out["models"]
    assert "Loaded shipped checkpoint gan_mlp.pt" in stdout
    assert out["classifier"].get("ok", 0) > 0.95, out["classifier"]  # the shipped classifier on held-out digits


@pytest.mark.slow
def test_wheel_without_data_trains_in_smoke(wheel_venv):
    from otgan import models

    out, _ = _probe(wheel_venv, "smoke")
    assert out["models"].get("ok") == models.REGISTRY["gan_mlp"].steps[0], out["models"]  # smoke trains, needs no data


# -- one chapter the way Colab runs it ---------------------------------------------------------------------------

COLAB_CHAPTER = "00_introduction"


@pytest.mark.slow
def test_chapter_runs_like_colab_from_the_wheel(wheel_venv, tmp_path, smoke_env):
    """papermill, a fresh kernel in the wheel's venv (no lib/ on sys.path), cwd chapters/; the bootstrap runs as in
    Colab: it clones the repository (this checkout, committed state) and installs the package, from the wheel."""
    python, prefix, here = wheel_venv["python"], wheel_venv["prefix"], tmp_path / "otgan-book"
    subprocess.run([str(python), "-m", "ipykernel", "install", "--prefix", str(prefix), "--name", "otgan-wheel"],
                   check=True, capture_output=True, timeout=120)
    # uninstalled first, so that the bootstrap's own install step is what puts the package in the kernel's venv
    subprocess.run([str(python), "-m", "pip", "uninstall", "-q", "-y", "otgan"], check=True, capture_output=True)
    nb = nbformat.read(ROOT / "chapters" / f"{COLAB_CHAPTER}.ipynb", as_version=4)
    boot = _first_code_cell(nb)
    install = repr([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel_venv["wheel"])])
    boot.source = _colab_cell(f"file://{ROOT}", here, install).split("\n", 1)[1]
    nb.cells.append(nbformat.v4.new_code_cell(textwrap.dedent("""
        import json, os, sys
        print("COLAB" + json.dumps({"otgan": otgan.__file__, "cwd": os.getcwd(), "path": sys.path,
                                    "data": otgan.runtime.data_dir()}))
    """)))
    notebook = tmp_path / "in.ipynb"
    nbformat.write(nb, notebook)
    env = {k: v for k, v in smoke_env.items() if k not in ("PYTHONPATH", "OTGAN_DATA")}
    env["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "papermill", str(notebook), str(tmp_path / "out.ipynb"),
                           "-k", "otgan-wheel", "--cwd", str(ROOT / "chapters"), "--no-progress-bar"],
                          env=env, capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    text = "".join(o.get("text", "") for o in out.cells[-1].outputs)
    got = json.loads(text[text.index("COLAB") + len("COLAB"):])
    assert got["otgan"].startswith(str(wheel_venv["site"])), got["otgan"]
    assert got["cwd"] == str(here / "chapters") and got["data"] == str(here / "data")
    libs = {str(ROOT / "lib"), str(here / "lib")}
    assert not [p for p in got["path"] if os.path.abspath(p or ".") in libs]
    print(f"{COLAB_CHAPTER} ran Colab-style from the wheel in {seconds:.0f} s")
