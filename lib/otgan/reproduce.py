"""Train the models of the book from scratch, resumably, and write the shipped checkpoints and their metrics.

    python -m otgan.reproduce --profile book              # every model, one after the other
    python -m otgan.reproduce --profile book --only wgan_gp_mlp
    python -m otgan.reproduce --profile book --only toys  # the 2-D toys: sweep, table, shipped toy models
    python -m otgan.reproduce --profile book --only toys-long --shard 0/2  # 25 and 8 Gaussians at 5x the steps (2 shards)
    python -m otgan.reproduce --profile book --only toys-long --seed 1 2   # ... and its other training seeds
    python -m otgan.reproduce --profile book --only toys-longer  # toys.LONGER (WGAN-GP, sliced; SN hinge, sliced, Cramér on 8 Gaussians) at 2x the long steps
    python -m otgan.reproduce --profile book --only toys-longest  # toys.LONGEST (Cramér on 8 Gaussians) at 2x the longer steps
    python -m otgan.reproduce --profile book --only toys-batch  # the sliced loss on 8 Gaussians at three batches
    python -m otgan.reproduce --profile book --only toys-batches --seed 0 1 2  # toys.LARGE_BATCHES (a GPU's batches)
    python -m otgan.reproduce --profile book --only gan_mlp wgan_gp_mlp --seed 1 2 --jobs 2  # 2 at a time
    python -m otgan.reproduce --profile book --only lr-sweep --jobs 2  # the MNIST learning-rate sweep

Each model trains with an atomic checkpoint in ``runs/<name>.pt`` (a killed run resumes from it), then is
exported in float16 with its config, history and metrics to ``data/<name>.pt``; a model whose export exists
for this profile is skipped. The 2-D toys (every loss on three toys, :mod:`otgan.toys`: the learning-rate sweep,
three seeds per pair, the seed-0 models) are written to ``data/toys/`` (resumable: finished runs are kept). The
MNIST learning-rate sweep (:mod:`otgan.lr_sweep`) is written to ``data/mnist_lr_sweep.json``. A summary table and the total time are printed at the end.
"""
import argparse
import os
import subprocess
import sys
import time

import torch

from . import lr_sweep, metrics, models, toys
from ._checks import positive
from .checkpoint import load_checkpoint
from .runtime import PROFILE_VARIABLE, describe, seed_everything


def reproduce(names, runs_dir="runs", force=False, seed=0):
    """Train and ship each named MNIST model with training seed ``seed``: 0 is torch's default generator state
    (the shipped ``data/<name>.pt``), K > 0 seeds everything with K first (``data/<name>.seed<K>.pt``,
    checkpoints ``runs/<name>.seed<K>.pt``)."""
    summary = []
    for name in names:
        out = models.shipped_path(name, seed=seed)
        if seed:
            seed_everything(seed)
        stem = f"{name}.seed{seed}" if seed else name
        trainer, n_steps = models.build(name, checkpoint_path=os.path.join(runs_dir, f"{stem}.pt"))
        if os.path.exists(out) and not force:
            ck = load_checkpoint(out)
            if ck.get("config") == trainer.config and trainer.finished(n_steps, ck.get("step", 0),
                                                                       ck.get("elapsed", 0.0)):
                print(f"{name}: done already ({out})")
                summary.append((name, ck["step"], ck["elapsed"], ck.get("metrics", {})))
                continue
        t0 = time.perf_counter()
        trainer.train(n_steps, desc=name)
        m = metrics.evaluate(trainer.sampler, n=1000)  # the EMA generator where the model keeps one
        trainer.export(out, metrics=m)
        print(f"{name}: {trainer.step} steps in {trainer.elapsed / 60:.1f} min (this call "
              f"{(time.perf_counter() - t0) / 60:.1f} min); FID {m['fid']:.1f}, precision {m['precision']:.2f}, "
              f"recall {m['recall']:.2f}; wrote {out} ({os.path.getsize(out) / 1e6:.1f} MB)")
        summary.append((name, trainer.step, trainer.elapsed, m))
    print(f"\n{'model':<14}{'steps':>8}{'minutes':>9}{'FID':>8}{'prec':>7}{'recall':>8}{'cover':>7}")
    for name, steps, elapsed, m in summary:
        print(f"{name:<14}{steps:>8}{elapsed / 60:>9.1f}{m.get('fid', float('nan')):>8.1f}"
              f"{m.get('precision', float('nan')):>7.2f}{m.get('recall', float('nan')):>8.2f}"
              f"{m.get('coverage', float('nan')):>7.2f}")
    return summary


def job_command(name, seed, profile, runs_dir="runs", force=False):
    """The command line that trains one (model, training seed) job in its own process on one CPU thread."""
    cmd = [sys.executable, "-m", "otgan.reproduce", "--profile", profile, "--only", name, "--seed", str(seed),
           "--threads", "1", "--runs-dir", runs_dir]
    return cmd + (["--force"] if force else [])


def sweep_command(name, factor, profile, runs_dir="runs"):
    """The command line of one learning-rate sweep run (:mod:`otgan.lr_sweep`), in its own one-thread process."""
    return [sys.executable, "-m", "otgan.lr_sweep", "--name", name, "--factor", f"{factor:g}", "--profile", profile,
            "--runs-dir", runs_dir]


def run_jobs(commands, logs, n_jobs=2, poll_s=1.0):
    """Run ``commands`` (argument lists), at most ``n_jobs`` at a time in the order given, each one's output to
    its file of ``logs``; wait for all of them.

    A job that is interrupted (the machine stops, the session ends) resumes from its checkpoint when the same
    command is run again; jobs already shipped are skipped by the child itself.

    Returns
    -------
    list of int
        The exit codes, in the order of ``commands``.
    """
    positive(n_jobs, "n_jobs", integer=True)
    if len(logs) != len(commands):
        raise ValueError(f"logs must give one file per command: {len(logs)} logs for {len(commands)} commands")
    pending, running, codes = list(range(len(commands))), {}, [None] * len(commands)
    while pending or running:
        while pending and len(running) < n_jobs:
            i = pending.pop(0)
            os.makedirs(os.path.dirname(os.path.abspath(logs[i])), exist_ok=True)
            with open(logs[i], "w") as log:
                running[i] = subprocess.Popen(commands[i], stdout=log, stderr=subprocess.STDOUT)
        for i, proc in list(running.items()):
            if proc.poll() is not None:
                codes[i] = proc.returncode
                del running[i]
        if running:
            time.sleep(poll_s)
    return codes


#: The ``--only`` names that are not MNIST models: the studies this command also runs.
STUDIES = ("lr-sweep", "toys", "toys-long", "toys-longer", "toys-longest", "toys-batches", "toys-batch", "flow")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", choices=["smoke", "book", "full"], default="book")
    parser.add_argument("--only", nargs="*", choices=sorted({**models.REGISTRY, **models.VARIANTS}) + list(STUDIES), default=None)
    parser.add_argument("--runs-dir", default="runs")
    parser.add_argument("--force", action="store_true", help="retrain even when an export exists")
    parser.add_argument("--seed", type=int, nargs="+", default=[0], help="training seeds of the MNIST models "
                        "(0: the shipped data/NAME.pt; K > 0: data/NAME.seedK.pt) and of toys-long")
    parser.add_argument("--jobs", type=int, default=1, help="MNIST (model, seed) jobs run side by side, each in "
                        "its own process on one CPU thread, logging to RUNS_DIR/NAME[.seedK].log")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    parser.add_argument("--shard", default="0/1", help="K/N: with --only toys or toys-long, this process does every N-th job "
                        "from K (run N processes side by side)")
    args = parser.parse_args(argv)
    os.environ[PROFILE_VARIABLE] = args.profile
    if args.threads:
        torch.set_num_threads(args.threads)
    print(describe())
    t0 = time.perf_counter()
    if args.only is None or "lr-sweep" in args.only:
        sweep_jobs = [(n, f) for n in lr_sweep.swept_models() for f in lr_sweep.FACTORS]
        logs = [os.path.join(args.runs_dir, "lr_sweep", f"{n}.x{f:g}.log") for n, f in sweep_jobs]
        print(f"learning-rate sweep: {len(sweep_jobs)} runs, {args.jobs} at a time", flush=True)
        codes = run_jobs([sweep_command(n, f, args.profile, args.runs_dir) for n, f in sweep_jobs], logs, args.jobs)
        failed = [log for log, code in zip(logs, codes) if code]
        if failed:
            raise SystemExit(f"sweep runs failed, see {', '.join(failed)}")
        sweep = lr_sweep.collect(args.runs_dir)
        print(lr_sweep.table(sweep).to_string(float_format=lambda v: f"{v:.3g}"))
    names = [n for n in (args.only or list(models.REGISTRY)) if n not in STUDIES]
    jobs = [(name, seed) for seed in args.seed for name in names]
    if args.jobs > 1 and len(jobs) > 1:
        logs = [os.path.join(args.runs_dir, f"{n}.seed{s}.log" if s else f"{n}.log") for n, s in jobs]
        print(f"{len(jobs)} jobs, {args.jobs} at a time; logs: {', '.join(logs)}", flush=True)
        codes = run_jobs([job_command(n, s, args.profile, args.runs_dir, args.force) for n, s in jobs], logs,
                         args.jobs)
        for (n, s), log, code in zip(jobs, logs, codes):
            print(f"{n} seed {s}: {'done' if code == 0 else f'FAILED (exit {code})'}, log {log}")
        if any(codes):
            raise SystemExit(1)
    else:
        for seed in args.seed:
            if names:
                reproduce(names, args.runs_dir, args.force, seed=seed)
    if args.only is None or "toys" in args.only:
        t1 = time.perf_counter()
        table = toys.reproduce(force=args.force, shard=tuple(int(v) for v in args.shard.split("/")))
        print(f"toys: {len(table['rows'])} 2-D runs of {table['steps']} steps, "
              f"{(time.perf_counter() - t1) / 60:.1f} min in this call; wrote {toys.data_path(toys.TABLE_FILE)}")
    if args.only is None or "toys-long" in args.only:  # 25 and 8 Gaussians for 5x the table's steps (after it)
        long = toys.long_runs(seeds=args.seed, shard=tuple(int(v) for v in args.shard.split("/")))
        print(f"toys-long: {len(long['rows'])} runs of {long['steps']} steps on "
              f"{', '.join(sorted({r['toy'] for r in long['rows']}))}")
    if args.only is None or "toys-longer" in args.only:  # toys.LONGER at twice the long runs' steps
        longer = toys.longer_runs(seeds=args.seed, shard=tuple(int(v) for v in args.shard.split("/")))
        print(f"toys-longer: {len(longer['rows'])} runs of {longer['steps']} steps")
    if args.only is None or "toys-longest" in args.only:  # toys.LONGEST at twice the longer runs' steps
        longest = toys.longest_runs(seeds=args.seed, shard=tuple(int(v) for v in args.shard.split("/")))
        print(f"toys-longest: {len(longest['rows'])} runs of {longest['steps']} steps")
    if args.only is None or "toys-batches" in args.only:  # toys.LARGE_BATCHES: the longer runs at larger batches
        runs = toys.large_batch_runs(seeds=args.seed, shard=tuple(int(v) for v in args.shard.split("/")))
        print("toys-batches: " + ", ".join(f"{len(r['rows'])} runs at batch {b}" for b, r in runs.items()))
    if args.only is None or "toys-batch" in args.only:  # the sliced loss at three batch sizes (after the table)
        study = toys.batch_runs()
        print(f"toys-batch: {study['loss']} on {study['toy']} at batches "
              f"{', '.join(str(r['batch_size']) for r in study['rows'])}")
    if args.only is None or "flow" in args.only:  # the flow-matching chapter's models (issue 19)
        from . import flow_matching

        flow_matching.reproduce(args.profile, runs_dir=args.runs_dir)
    print(f"total time of this call: {(time.perf_counter() - t0) / 60:.1f} min")


if __name__ == "__main__":
    main()
