# The two commands a new user types: `make book` (build the HTML) and `make test` (run every test).
VENV    ?= .venv
PY      := $(VENV)/bin/python
PROFILE ?= book
CHAPTERS := $(wildcard chapters/[0-9]*.py)

.PHONY: venv book notebooks test test-fast clean

$(VENV)/.installed: requirements.txt lib/pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -e lib
	touch $@

venv: $(VENV)/.installed

# Paired .ipynb (outputs stripped) from the py:percent sources, for Colab, nbval and papermill.
notebooks: venv
	$(VENV)/bin/jupytext --quiet --update --to ipynb $(CHAPTERS)

# The HTML book in the default (book) profile: _build/html/index.html
book: venv
	OTGAN_PROFILE=$(PROFILE) $(VENV)/bin/jupyter-book build . -W -n --keep-going
	@echo "open _build/html/index.html"

# Unit tests of lib/, every chapter executed in the smoke profile (nbval), a papermill run, the smoke build
# of the book and its check in headless Chromium.
test: venv
	OTGAN_PROFILE=smoke $(PY) -m pytest

# Unit tests only (seconds).
test-fast: venv
	OTGAN_PROFILE=smoke $(PY) -m pytest tests -m "not slow"

clean:
	rm -rf _build
