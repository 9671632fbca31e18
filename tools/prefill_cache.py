"""Execute the book's chapters that the notebook cache lacks, several at once, before `jupyter-book build`.

Jupyter Book executes the pages one after the other while Sphinx reads them, so a build uses one core however many
the machine has. This script runs first (`make book`): it reads each page exactly as myst-nb does (jupytext,
``py:percent``), asks the jupyter-cache at ``CACHE`` whether those code cells have been executed already, and
executes the missing ones in ``--jobs`` worker processes, one torch thread per kernel unless ``OMP_NUM_THREADS``
says otherwise. The slowest page goes first, by the seconds recorded in ``page_seconds.json`` beside the cache (the
last build), else in ``tools/page_seconds.json`` (a build on 2 cores, for a fresh clone), else by size. The
executed notebooks are written to the cache, where the build then finds them and only renders. A page that fails
here is simply not cached: the build executes it again and reports the error with its traceback, as it would have
without this script.

    python tools/prefill_cache.py CACHE chapters/01_ot_primer.py ... [--jobs N]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path


def _read(text):
    import jupytext

    return jupytext.reads(text, fmt="py:percent")


def _execute(job):
    """Execute one page (its text as read when the cache was asked) in its own folder, as myst-nb does; return
    (path, notebook or None, seconds, error)."""
    from jupyter_cache.executors.utils import single_nb_execution

    path, text, timeout = job
    nb = _read(text)
    result = single_nb_execution(nb, cwd=str(Path(path).parent.absolute()), allow_errors=False, timeout=timeout,
                                 meta_override=True)
    if result.err is not None:
        return path, None, result.time, f"{type(result.err).__name__}: {str(result.err).splitlines()[-1:]}"
    return path, nb, result.time, None


def config_timeout(config=Path(__file__).resolve().parent.parent / "_config.yml"):
    """The per-cell timeout of the book's build (``execute.timeout`` in ``_config.yml``), so that a page the build
    would let run is not cut short here; None (no limit) when the config sets none."""
    import yaml

    execute = (yaml.safe_load(Path(config).read_text()) or {}).get("execute") or {}
    timeout = execute.get("timeout")
    return None if timeout is None or timeout < 0 else int(timeout)


def main(argv=None):
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cache", help="the jupyter-cache folder the build uses (_build/.jupyter_cache)")
    parser.add_argument("pages", nargs="+", help="the book's executable pages (.py, py:percent)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="pages executed at once (default: the number of CPUs)")
    parser.add_argument("--timeout", type=int, default=None,
                        help="seconds per cell (default: execute.timeout of the book's _config.yml)")
    args = parser.parse_args(argv)
    timeout = config_timeout() if args.timeout is None else args.timeout
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")

    cache = get_cache(args.cache)
    missing, texts = [], {}
    for page in args.pages:
        texts[page] = Path(page).read_text()
        try:
            cache.match_cache_notebook(_read(texts[page]))
        except KeyError:
            missing.append(page)
    if not missing:
        print(f"== notebook cache: all {len(args.pages)} pages executed already")
        return 0
    # the slowest pages first (longest-processing-time order packs the workers best): by the seconds each page took
    # in the last prefill of any cache beside this one, else by its size
    times_file = Path(args.cache).resolve().parent / "page_seconds.json"
    shipped = Path(__file__).with_name("page_seconds.json")  # a fresh clone: the times of a `make book` on 2 cores
    hints = times_file if times_file.exists() else shipped
    known = json.loads(hints.read_text()) if hints.exists() else {}
    missing.sort(key=lambda p: (known.get(Path(p).name, -1.0), Path(p).stat().st_size), reverse=True)
    jobs = min(args.jobs, len(missing))
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # the kernels inherit it: one thread each, no oversubscription
    print(f"== executing {len(missing)} of {len(args.pages)} pages, {jobs} at a time "
          f"(OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']})", flush=True)
    t0 = time.perf_counter()
    failed = 0
    with mp.get_context("spawn").Pool(jobs) as pool:
        for path, nb, secs, err in pool.imap_unordered(_execute, [(p, texts[p], timeout) for p in missing],
                                                          chunksize=1):
            if err is not None:
                failed += 1
                print(f"   {path}: failed after {secs:.0f} s ({err}); the build runs it again and reports it",
                      flush=True)
                continue
            uri = str(Path(path).absolute())
            cache.cache_notebook_bundle(CacheBundleIn(nb, uri, data={"execution_seconds": secs}),
                                        check_validity=False, overwrite=True)
            print(f"   {path}: {secs:.0f} s", flush=True)
            known[Path(path).name] = round(secs, 1)
            times_file.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n")
    print(f"== executed in {time.perf_counter() - t0:.0f} s wall ({failed} failed)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
