"""The MNIST learning-rate sweep: every budgeted model, the same short runs at the same multiples of its
published learning rate, the same evaluation.

    python -m otgan.reproduce --profile book --only lr-sweep --jobs 2   # every (model, factor), 2 at a time
    python -m otgan.lr_sweep --name wgan_gp_mlp --factor 2              # one run

Each run is the model's :class:`otgan.models.ModelSpec` with ``lr`` (generator and critic alike) multiplied by a
factor of :data:`FACTORS`, trained for :data:`SWEEP_BUDGET_S` CPU-seconds of one thread from training seed 0, and
evaluated like the shipped models (EMA generator, 1,000 samples against the 1,000 held-out digits,
:func:`otgan.metrics.evaluate`). A short run favours large rates, so the sweep is a screen, not a verdict: the
shipped models are retrained at a swept rate only where it wins clearly (:func:`choose`). Results go to
``runs/lr_sweep/<name>.x<factor>.json`` (a finished run is skipped; a killed one resumes from its checkpoint) and
together to ``data/mnist_lr_sweep.json``.

The screen is then confirmed at full scale (:func:`confirm`): every model it moves is trained for the whole budget
at the new rate, and keeps that rate only if this run beats the full run at its paper's rate by the same margin,
:data:`CLEAR_WIN`. Both full runs are evaluated alike and recorded in ``data/mnist_lr_confirm.json``:

    python -m otgan.lr_sweep --confirm --name max_sw --factor 1 --export runs/confirm/max_sw.x1.pt
"""
import argparse
import dataclasses
import json
import os

import torch

from . import metrics, models
from ._checks import choice, positive
from .runtime import PROFILE_VARIABLE, data_path, profile, seed_everything

FACTORS = (0.5, 1.0, 2.0)
SWEEP_BUDGET_S = 180.0  # CPU-seconds of one thread per run (the shipped models get models.BUDGET_S)
SWEEP_FILE = "mnist_lr_sweep.json"
CONFIRM_FILE = "mnist_lr_confirm.json"
#: A swept rate replaces the published one only when its FID is lower by more than this fraction.
CLEAR_WIN = 0.10


def swept_models():
    """The models the sweep covers: every model trained for the equal budget (the protocol's models)."""
    return [name for name, spec in models.REGISTRY.items() if spec.budget_s is not None]


def variant(name, factor):
    """``REGISTRY[name]`` trained at ``factor`` times its paper's learning rate (whatever factor it ships with)."""
    choice(name, "name", models.REGISTRY)
    positive(factor, "factor")
    return dataclasses.replace(models.REGISTRY[name], lr_factor=float(factor))


def _stem(name, factor):
    return f"{name}.x{factor:g}"


def run(name, factor, runs_dir="runs", budget_s=SWEEP_BUDGET_S):
    """Train one sweep run (resumable) and evaluate it; returns its row, also written as JSON to
    ``runs_dir/lr_sweep/<name>.x<factor>.json``. A row already there for the same config and budget is returned
    without training."""
    spec = variant(name, factor)
    out_dir = os.path.join(runs_dir, "lr_sweep")
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, _stem(name, factor) + ".json")
    config = _recorded_config(spec, budget_s, profile())  # as stored
    if os.path.exists(out):
        with open(out) as f:
            row = json.load(f)
        if row.get("config") == config:
            return row
    seed_everything(0)
    trainer, n_steps = models.build(spec, checkpoint_path=os.path.join(out_dir, _stem(name, factor) + ".pt"))
    if profile() != "smoke":
        trainer.budget_s = budget_s
    trainer.train(n_steps, progress=False)
    m = metrics.evaluate(trainer.sampler, n=1000)
    row = {"model": name, "factor": factor, "lr": spec.lr_used, "steps": trainer.step, "cpu_s": trainer.elapsed,
           "config": config, **{k: m[k] for k in ("fid", "precision", "recall", "coverage")}}
    with open(out + ".tmp", "w") as f:
        json.dump(row, f, indent=1)
    os.replace(out + ".tmp", out)
    return row


def collect(runs_dir="runs", names=None, factors=FACTORS, path=None):
    """Gather the finished runs into ``data/mnist_lr_sweep.json`` (``path``); raises when one is missing."""
    rows, missing = [], []
    for name in names or swept_models():
        for factor in factors:
            f = os.path.join(runs_dir, "lr_sweep", _stem(name, factor) + ".json")
            if os.path.exists(f):
                with open(f) as fh:
                    rows.append(json.load(fh))
            else:
                missing.append(_stem(name, factor))
    if missing:
        raise FileNotFoundError(f"sweep runs not finished: {', '.join(missing)}; run "
                                f"`python -m otgan.reproduce --profile book --only lr-sweep`")
    table = {"factors": list(factors), "budget_s": rows[0]["config"]["sweep_budget_s"], "profile": profile(),
             "clear_win": CLEAR_WIN, "rows": rows}
    path = path or data_path(SWEEP_FILE)
    with open(path + ".tmp", "w") as f:
        json.dump(table, f, indent=1)
    os.replace(path + ".tmp", path)
    return table


def load(path=None):
    """The recorded sweep (``data/mnist_lr_sweep.json``)."""
    path = path or data_path(SWEEP_FILE, make="python -m otgan.reproduce --profile book --only lr-sweep")
    with open(path) as f:
        return json.load(f)


def _recorded_config(spec, budget_s, profile_name):
    """A spec's config as a sweep row stores it (JSON: tuples become lists), with the sweep's budget and profile."""
    return json.loads(json.dumps(dict(spec.config(), sweep_budget_s=budget_s, profile=profile_name)))


def drift(sweep=None):
    """Where the recorded sweep's runs differ from the models as the registry defines them now: for each model
    with a run whose recorded config is not its present recipe at that run's rate (:func:`variant`), the set of
    config fields that differ. Empty when every run is what the registry would train today.

    Returns
    -------
    dict
        ``{model: set of field names}``.
    """
    sweep = sweep or load()
    out = {}
    for r in sweep["rows"]:
        now = _recorded_config(variant(r["model"], r["factor"]), sweep["budget_s"], sweep["profile"])
        fields = {k for k in set(now) | set(r["config"]) if now.get(k) != r["config"].get(k)}
        if fields:
            out.setdefault(r["model"], set()).update(fields)
    return out


def choose(rows, clear_win=CLEAR_WIN):
    """Per model, the factor to train with: the one of lowest FID if it beats the published rate's (factor 1)
    by more than ``clear_win`` (a fraction), else 1.

    Returns
    -------
    dict
        ``{model: factor}``.
    """
    by_model = {}
    for r in rows:
        by_model.setdefault(r["model"], {})[r["factor"]] = r["fid"]
    chosen = {}
    for name, fids in by_model.items():
        if 1.0 not in fids:
            raise ValueError(f"the sweep of {name} has no run at the published rate (factor 1)")
        best = min(fids, key=fids.get)
        chosen[name] = best if fids[best] < (1.0 - clear_win) * fids[1.0] else 1.0
    return chosen


def train_full(name, factor, runs_dir="runs"):
    """The confirmation's run of ``name`` at ``factor`` times its paper's rate for the model's whole budget (training
    seed 0, as the shipped ``data/<name>.pt``; resumable from ``runs_dir/lr_sweep/<name>.x<factor>.full.pt``),
    exported with its metrics to ``runs_dir/lr_sweep/<name>.x<factor>.full.export.pt``.

    Returns
    -------
    str
        The export's path, for :func:`evaluate_export`.
    """
    spec = variant(name, factor)
    out_dir = os.path.join(runs_dir, "lr_sweep")
    os.makedirs(out_dir, exist_ok=True)
    stem = _stem(name, factor) + ".full"
    trainer, n_steps = models.build(spec, checkpoint_path=os.path.join(out_dir, stem + ".pt"))
    trainer.train(n_steps, desc=stem, progress=profile() != "smoke")
    export = os.path.join(out_dir, stem + ".export.pt")
    trainer.export(export, metrics=metrics.evaluate(trainer.sampler, n=1000))
    return export


def evaluate_export(name, factor, export, seed=0):
    """One full-budget run of the confirmation: the exported checkpoint ``export`` of ``name`` trained at
    ``factor`` times its paper's rate, evaluated like the shipped models (its EMA generator with standing
    statistics, 1,000 samples against the 1,000 held-out digits).

    Raises
    ------
    ValueError
        ``export`` was made for another config (another rate, recipe or budget).
    """
    spec = variant(name, factor)
    trainer, _ = models.build(spec, device="cpu")
    trainer.load_exported(export)  # refuses a checkpoint of another config
    m = metrics.evaluate(trainer.sampler, n=1000)
    return {"model": name, "factor": float(factor), "seed": int(seed), "lr": spec.lr_used, "steps": trainer.step,
            "cpu_s": trainer.elapsed, **{k: float(m[k]) for k in ("fid", "precision", "recall", "coverage")}}


def record(row, path=None):
    """Add (or replace) ``row``, keyed by model, factor and seed, in ``data/mnist_lr_confirm.json``."""
    path = path or data_path(CONFIRM_FILE)
    rows = load_confirmation(path)["rows"] if os.path.exists(path) else []
    key = (row["model"], row["factor"], row.get("seed", 0))
    rows = [r for r in rows if (r["model"], r["factor"], r.get("seed", 0)) != key] + [row]
    rows.sort(key=lambda r: (r["model"], r.get("seed", 0), r["factor"]))
    with open(path + ".tmp", "w") as f:
        json.dump({"clear_win": CLEAR_WIN, "profile": profile(), "rows": rows}, f, indent=1)
    os.replace(path + ".tmp", path)
    return rows


def load_confirmation(path=None):
    """The recorded full-budget runs of the confirmation (``data/mnist_lr_confirm.json``)."""
    path = path or data_path(CONFIRM_FILE, make="python -m otgan.lr_sweep --confirm --name NAME --factor F "
                                                "--export PATH")
    with open(path) as f:
        return json.load(f)


def confirm(sweep_rows, full_rows, clear_win=CLEAR_WIN):
    """The rate each model trains at: the screen's choice (:func:`choose`) where the full-budget run at it (seed
    0) beats the full-budget run at the paper's rate by more than ``clear_win``, else the paper's rate; ``None``
    for a moved model whose two full runs are not both recorded yet.

    Returns
    -------
    dict
        ``{model: factor or None}``.
    """
    full = {(r["model"], r["factor"]): r["fid"] for r in full_rows if r.get("seed", 0) == 0}
    out = {}
    for name, factor in choose(sweep_rows, clear_win).items():
        if factor == 1.0:
            out[name] = 1.0
        elif (name, factor) in full and (name, 1.0) in full:
            out[name] = factor if full[name, factor] < (1.0 - clear_win) * full[name, 1.0] else 1.0
        else:
            out[name] = None
    return out


def confirmation_table(sweep=None, full=None):
    """The moved models' full-budget runs side by side: steps and FID at the paper's rate (x1) and at the
    screen's choice (the new factor), the change of FID in percent, and the factor kept."""
    import pandas as pd

    sweep, full = sweep or load(), full or load_confirmation()
    screen = choose(sweep["rows"], sweep.get("clear_win", CLEAR_WIN))
    kept = confirm(sweep["rows"], full["rows"], full.get("clear_win", CLEAR_WIN))
    rows = {(r["model"], r["factor"]): r for r in full["rows"] if r.get("seed", 0) == 0}
    out = []
    for name, factor in screen.items():
        if factor == 1.0:
            continue
        a, b = rows.get((name, 1.0)), rows.get((name, factor))
        out.append({"model": name, "new factor": factor,
                    "steps at x1": a and a["steps"], "FID at x1": a and a["fid"],
                    "steps at the new factor": b and b["steps"], "FID at the new factor": b and b["fid"],
                    "FID change (%)": a and b and 100 * (b["fid"] / a["fid"] - 1),
                    "factor kept": kept[name]})
    return pd.DataFrame(out).set_index("model")


def table(sweep=None):
    """The sweep as a DataFrame: one row per model, the FID at each factor, the published rate and the choice."""
    import pandas as pd

    sweep = sweep or load()
    rows = sweep["rows"]
    chosen = choose(rows, sweep.get("clear_win", CLEAR_WIN))
    df = pd.DataFrame(rows).pivot(index="model", columns="factor", values="fid")
    df.columns = [f"FID at lr x{f:g}" for f in df.columns]
    steps = pd.DataFrame(rows).pivot(index="model", columns="factor", values="steps")
    df["steps at x1"] = steps[1.0].astype(int)
    df.insert(0, "published lr", [f"{models.REGISTRY[n].lr:.0e}" for n in df.index])  # a string: 2e-04
    df["chosen factor"] = [chosen[n] for n in df.index]
    return df


def main(argv=None):
    parser = argparse.ArgumentParser(description="One run of the MNIST learning-rate sweep, or (--confirm) the "
                                                 "record of one full-budget run for its confirmation")
    parser.add_argument("--name", required=True, choices=sorted(models.REGISTRY))
    parser.add_argument("--factor", type=float, required=True)
    parser.add_argument("--profile", choices=["smoke", "book", "full"], default="book")
    parser.add_argument("--runs-dir", default="runs")
    parser.add_argument("--confirm", action="store_true", help="evaluate --export and record it in "
                                                               f"data/{CONFIRM_FILE}")
    parser.add_argument("--export", help="with --confirm: the exported full-budget checkpoint (default with "
                                         "--train: the run it trains)")
    parser.add_argument("--train", action="store_true", help="with --confirm: first train the full-budget run at "
                                                             "--factor (train_full)")
    parser.add_argument("--seed", type=int, default=0, help="with --confirm: the training seed of --export")
    args = parser.parse_args(argv)
    os.environ[PROFILE_VARIABLE] = args.profile
    torch.set_num_threads(1)
    if args.train and not args.confirm:
        parser.error("--train goes with --confirm")
    if args.confirm:
        if args.train:
            args.export = train_full(args.name, args.factor, args.runs_dir)
        if not args.export:
            parser.error("--confirm needs --export PATH or --train")
        row = evaluate_export(args.name, args.factor, args.export, args.seed)
        record(row)
        print(f"recorded {args.name} lr x{args.factor:g} seed {args.seed}: {row['steps']} steps, "
              f"FID {row['fid']:.1f}")
        return
    row = run(args.name, args.factor, args.runs_dir)
    print(f"{args.name} lr x{args.factor:g} ({row['lr']:.2g}): {row['steps']} steps, FID {row['fid']:.1f}, "
          f"precision {row['precision']:.2f}, recall {row['recall']:.2f}")


if __name__ == "__main__":
    main()
