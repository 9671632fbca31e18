"""Print the README's two MNIST tables from the shipped checkpoints, evaluated as the chapters evaluate them.

    OTGAN_PROFILE=book python tools/readme_tables.py

The README is not executed, so its tables are pasted from this script's output after a model is retrained.
"""
import contextlib
import io
import os

os.environ.setdefault("OTGAN_PROFILE", "book")

import torch  # noqa: E402

from otgan import comparison, metrics, models  # noqa: E402

CHAPTERS = {"wgan_gp_mlp": "3, 6", "gan_mlp": "2", "dcgan": "2", "wgan_clip_mlp": "3", "wgan_sn_mlp": "3",
            "sw_pixel": "4", "sw_features": "4", "max_sw": "4", "sinkhorn_mlp": "5",
            "sinkhorn_two_batch_mlp": "5", "cramer_mlp": "5",
            "otgan_mlp": "5", "sngan_hinge_mlp": "3", "sw_pixel_batch1024": "4 (variant)",
            "sw_pixel_lr_decay": "4 (variant)",
            "gan_mlp_lr_decay": "7 (variant)", "gan_mlp_ema9995": "7 (variant)", "gan_mlp_lr2x": "7 (variant)",
            "sngan_hinge_mlp_lr2x": "7 (variant)", "gan_mlp_2x_steps": "7 (variant)", "gan_mlp_4x_steps": "7 (variant)",
            "wgan_gp_mlp_h512": "7 (variant)", "cramer_mlp_h256": "7 (variant)", "otgan_mlp_h256": "7 (variant)",
            "gan_mlp_h256": "7 (variant)", "sngan_hinge_mlp_h256": "7 (variant)",
            "sw_features_h256": "7 (variant)", "max_sw_h256": "7 (variant)",
            "dcgan_critic_dropout": "2 (variant)", "dcgan_base32": "2 (variant)", "dcgan_paper_lr": "2 (variant)",
            "dcgan_default_init": "2 (variant)", "dcgan_deeper": "2 (variant)", "dcgan_two_layer": "2 (variant)",
            "sw_pixel_two_batch": "4 (variant)"}


def main():
    torch.set_num_threads(1)
    with contextlib.redirect_stdout(io.StringIO()):
        trainers = models.load(list(CHAPTERS))
    print("| model | chapter | protocol | lr | steps | CPU min | FID | precision | recall | coverage |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    specs = {**models.REGISTRY, **models.VARIANTS}
    for name, tr in trainers.items():
        m = metrics.evaluate(tr.sampler, n=1000)
        print(f"| `{name}` | {CHAPTERS[name]} | {'yes' if tr.config.get('budget_s') else 'no'} | "
              f"{specs[name].lr_used:.0e} | {tr.step:,} | {tr.elapsed / 60:.1f} | {m['fid']:.1f} | "
              f"{m['precision']:.2f} | {m['recall']:.2f} | {m['coverage']:.2f} |")
    with contextlib.redirect_stdout(io.StringIO()):
        runs, _ = comparison.seed_spread(loaded={(n, 0): trainers[n] for n in comparison.SEEDED_MODELS})
    print("\n| model | FID seed 0 / 1 / 2 | mean ± sd | steps seed 0 / 1 / 2 |\n|---|---|---|---|")
    for name in comparison.SEEDED_MODELS:
        r = runs.xs(name, level="model")
        print(f"| `{name}` | {' / '.join(f'{v:.1f}' for v in r['fid'])} | {r['fid'].mean():.1f} ± "
              f"{r['fid'].std():.1f} | {' / '.join(f'{int(v):,}' for v in r['steps'])} |")


if __name__ == "__main__":
    main()
