# Chapters are collected by nbval from their .ipynb; their .py sources must not be imported as test modules.
collect_ignore_glob = ["chapters/*.py", "benchmarks/*", "_build/*", ".venv/*"]


def pytest_collection_modifyitems(config, items):
    """The smoke build of the book (tests/test_book.py, several minutes) is scheduled first, so that under
    ``pytest -n 2 --dist loadfile`` one worker builds it while the other runs everything else."""
    items.sort(key=lambda item: item.path.name != "test_book.py")   # stable: every other order is kept
