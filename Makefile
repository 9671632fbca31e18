# The two commands a new user types: `make book` (build the HTML) and `make test` (run every test). Both set up
# what they need on a bare Debian/Ubuntu machine with Python 3.11: the venv with the pinned requirements, and for
# `make test` the Chromium that checks the built HTML (installed with apt-get, with sudo when not root).
VENV    ?= .venv
PY      := $(VENV)/bin/python
PROFILE ?= book
CHAPTERS := $(wildcard chapters/[0-9]*.py)
# Executed notebooks are cached by jupyter-cache (`execute_notebooks: cache` in _config.yml) in
# $(CACHE)/<key>, outside _build/ so that `make clean` keeps them. <key> hashes what a chapter's outputs depend on
# besides its own code: the package lib/otgan, data/, the pinned requirements and the profile. When any of them
# changes the build starts a fresh cache and re-reads every page (--all); otherwise only the chapters whose code
# changed are executed again. After a failed build every page is re-read too (a page that failed is not cached, so
# it runs and fails again rather than being skipped as up to date by Sphinx).
CACHE   ?= .jupyter_cache
# Chapters missing from the cache are executed JOBS at a time (one torch thread each) before Sphinx reads the pages,
# which would execute them one after the other (tools/prefill_cache.py).
JOBS    ?= $(shell nproc 2>/dev/null || echo 1)
SUDO    := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: venv book notebooks chromium test test-fast clean clean-cache

$(VENV)/.installed: requirements.txt lib/pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -e lib
	touch $@

venv: $(VENV)/.installed

# The Colab bootstrap cells from repository.url in _config.yml, then the paired .ipynb (outputs stripped) from the
# py:percent sources, for Colab, nbval and papermill.
notebooks: venv
	$(PY) tools/bootstrap_cells.py
	$(VENV)/bin/jupytext --quiet --update --to ipynb $(CHAPTERS)

# The HTML book in the default (book) profile: _build/html/index.html
book: venv
	@key=$$( { echo "profile=$(PROFILE)"; cat requirements.txt; \
	          find lib/otgan data -type f ! -name '*.pyc' -print0 | sort -z | xargs -0 sha256sum; } \
	        | sha256sum | cut -c1-16 ); \
	all=""; [ "$$(cat _build/.cache-key 2>/dev/null)" = "$$key" ] || all="--all"; \
	rm -f _build/.cache-key; \
	mkdir -p $(CACHE)/$$key _build; \
	[ -L _build/.jupyter_cache ] || rm -rf _build/.jupyter_cache; \
	ln -sfn "$(abspath $(CACHE))/$$key" _build/.jupyter_cache; \
	echo "== notebook cache $(CACHE)/$$key$${all:+ (new inputs or a failed last build: every page is re-read)}"; \
	OTGAN_PROFILE=$(PROFILE) $(PY) tools/prefill_cache.py _build/.jupyter_cache $(CHAPTERS) --jobs $(JOBS) && \
	OTGAN_PROFILE=$(PROFILE) $(VENV)/bin/jupyter-book build . -W -n --keep-going $$all \
	  && echo $$key > _build/.cache-key
	@echo "open _build/html/index.html"

# Headless Chromium for the check of the built HTML (tests/test_book.py), installed when missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "== installing chromium (Debian) for the headless HTML check"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Unit tests of lib/, every chapter executed in the smoke profile (nbval), a papermill run, the wheel install and
# a Colab-style run, the smoke build of the book and its check in headless Chromium. Two workers of one thread each
# (pytest-xdist): a file's tests run on one worker in order (a notebook's cells share its kernel; the book's checks
# share its smoke build), in collection order (no reordering by size), so the book's build, collected first,
# starts at once on one worker while the other runs the rest.
test: venv chromium
	OTGAN_PROFILE=smoke OMP_NUM_THREADS=1 $(PY) -m pytest -n 2 --dist loadfile --no-loadscope-reorder

# Unit tests only (seconds).
test-fast: venv
	OTGAN_PROFILE=smoke $(PY) -m pytest tests -m "not slow"

# The HTML and Sphinx's state; the notebook cache stays (`make clean-cache` removes it).
clean:
	rm -rf _build

clean-cache:
	rm -rf $(CACHE)
