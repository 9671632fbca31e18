# Chapters are collected by nbval from their .ipynb; their .py sources must not be imported as test modules.
collect_ignore_glob = ["chapters/*.py", "benchmarks/*", "_build/*", ".venv/*"]
