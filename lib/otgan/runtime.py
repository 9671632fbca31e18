"""Where and at what scale the book runs: device, seeds and the run profile.

One environment variable, ``OTGAN_PROFILE``, picks the scale of every chapter:

* ``smoke`` -- CI: every cell runs with tiny counts, on 2 CPU cores, in seconds;
* ``book`` (default) -- CPU-friendly; heavy models load shipped checkpoints, toys train live;
* ``full`` -- paper-scale settings, meant for a GPU; how the shipped checkpoints are made.

Kernels inherit the variable, so nbval, papermill and jupyter-book all obey it.
"""
import os
import random

import numpy as np
import torch

from ._checks import choice

PROFILE_VARIABLE = "OTGAN_PROFILE"
PROFILES = ("smoke", "book", "full")
DEFAULT_PROFILE = "book"
DATA_VARIABLE = "OTGAN_DATA"


def _checkout_data():
    """``<repo>/data`` when this package is imported from a repository checkout (``lib/otgan`` beside
    ``lib/pyproject.toml``), else None. Resolved at call time, so a pip-installed package imports without data."""
    lib = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    data = os.path.join(os.path.dirname(lib), "data")
    if os.path.isfile(os.path.join(lib, "pyproject.toml")) and os.path.isdir(data):
        return data
    return None


def data_dir():
    """The folder of the shipped assets (classifier weights, checkpoints, the 2-D comparison table).

    Looks in the repository checkout this package was imported from (``<repo>/data``), then in the folder named
    by ``$OTGAN_DATA`` (for a pip-installed package: ``OTGAN_DATA=<clone>/data``); raises otherwise, saying where
    it looked and how to get the files.

    Returns
    -------
    str
        An existing directory.

    Raises
    ------
    FileNotFoundError
        When neither place exists.
    """
    checkout = _checkout_data()
    if checkout:
        return checkout
    env = os.environ.get(DATA_VARIABLE, "").strip()
    if env:
        if os.path.isdir(env):
            return os.path.abspath(env)
        raise FileNotFoundError(f"${DATA_VARIABLE} names {env!r}, which is not a directory")
    lib = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    raise FileNotFoundError(
        f"otgan's shipped data (checkpoints, classifier) not found: this package is not in a repository checkout "
        f"(no data/ beside {lib}) and ${DATA_VARIABLE} is unset. Clone the repository and set "
        f"{DATA_VARIABLE}=<clone>/data, or make the files with `python -m otgan.reproduce --profile book` and "
        f"`python -m otgan.classifier` into a folder named by ${DATA_VARIABLE}.")


def data_path(name, make=None):
    """The path of the shipped asset ``name`` inside :func:`data_dir`.

    Parameters
    ----------
    name : str
        A file name, e.g. ``"gan_mlp.pt"``.
    make : str, optional
        The command that makes the file. When given, the file must exist: a missing file (or data folder) is a
        FileNotFoundError that says where it looked and names this command.

    Returns
    -------
    str
        The path (which may not exist yet when ``make`` is None: a script is about to write it).
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty file name, got {name!r}")
    try:
        path = os.path.join(data_dir(), name)
    except FileNotFoundError as err:
        if make is None:
            raise
        raise FileNotFoundError(f"{err} The command that makes {name}: `{make}`.") from None
    if make is not None and not os.path.exists(path):
        raise FileNotFoundError(f"shipped file {path} is missing: make it with `{make}` "
                                f"(or restore data/ from the repository).")
    return path


def device(prefer=None):
    """Return the device the book computes on: CUDA when present, else CPU.

    Parameters
    ----------
    prefer : str or torch.device, optional
        Force a device (``"cpu"``, ``"cuda"``, ``"cuda:1"``). ``"cuda"`` without a GPU raises.

    Returns
    -------
    torch.device

    Examples
    --------
    >>> device("cpu")
    device(type='cpu')
    """
    if prefer is not None:
        dev = torch.device(prefer)
        if dev.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(f"prefer={prefer!r} asks for CUDA but no GPU is available")
        return dev
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def seed_everything(seed):
    """Seed Python, NumPy and torch (CPU and CUDA) so that a re-run gives the same figures.

    Parameters
    ----------
    seed : int
        A non-negative integer.

    Returns
    -------
    torch.Generator
        A CPU generator seeded with ``seed``, for code that wants its own stream.

    Examples
    --------
    >>> _ = seed_everything(0); a = torch.rand(2)
    >>> _ = seed_everything(0); bool((a == torch.rand(2)).all())
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def profile(value=None):
    """Return the active run profile: ``value`` if given, else ``$OTGAN_PROFILE``, else ``"book"``.

    Parameters
    ----------
    value : str, optional
        An explicit profile (a papermill parameter, say) that overrides the environment.

    Returns
    -------
    str
        One of ``"smoke"``, ``"book"``, ``"full"``.

    Examples
    --------
    >>> profile("smoke")
    'smoke'
    """
    if value is None:
        value = os.environ.get(PROFILE_VARIABLE, "").strip() or DEFAULT_PROFILE
        name = f"${PROFILE_VARIABLE}"
    else:
        name = "profile"
    return choice(str(value).lower(), name, PROFILES)


def settings(smoke, book, full=None, active=None):
    """Pick a per-profile value, e.g. an iteration count.

    Parameters
    ----------
    smoke, book : object
        The values for the ``smoke`` and ``book`` profiles.
    full : object, optional
        The value for ``full``; defaults to ``book``.
    active : str, optional
        The profile to use; defaults to :func:`profile`.

    Returns
    -------
    object
        The value for the active profile.

    Examples
    --------
    >>> settings(smoke=10, book=2000, full=20000, active="smoke")
    10
    """
    table = {"smoke": smoke, "book": book, "full": book if full is None else full}
    return table[profile(active)]


def describe():
    """One line that says where the book runs: profile, device, torch version and threads."""
    dev = device()
    gpu = f" ({torch.cuda.get_device_name(dev)})" if dev.type == "cuda" else ""
    return (f"profile={profile()}  device={dev}{gpu}  torch={torch.__version__}  "
            f"cpu threads={torch.get_num_threads()}")
