"""Atomic, resumable checkpoints with the config and the history inside."""
import os
import tempfile

import torch


def save_checkpoint(path, state):
    """Write ``state`` (a dict) to ``path`` atomically: a temporary file in the same folder, then a rename.

    A run killed mid-write leaves the previous checkpoint intact, never a truncated file.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pt")
    try:
        with os.fdopen(fd, "wb") as fh:
            torch.save(state, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600 files
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def load_checkpoint(path, map_location="cpu"):
    """Read a checkpoint written by :func:`save_checkpoint`."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no checkpoint at path={path!r}")
    return torch.load(path, map_location=map_location, weights_only=False)


def half_state_dict(module):
    """A state dict with floating tensors in float16: for shipping generator/critic weights at half the size."""
    return {k: (v.half() if torch.is_floating_point(v) else v) for k, v in module.state_dict().items()}


def load_state(module, state_dict):
    """Load ``state_dict`` into ``module``, casting each tensor to the dtype of the module's own."""
    own = module.state_dict()
    cast = {k: v.to(own[k].dtype) if k in own and torch.is_floating_point(v) else v for k, v in state_dict.items()}
    module.load_state_dict(cast)
    return module
