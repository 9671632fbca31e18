"""The named MNIST models of the book: one place that says how each is built and trained.

``build(name)`` returns a ready :class:`otgan.training.Trainer` (nets, losses, optimizers, config) and the number
of generator steps of the ``book`` / ``full`` profile; chapters and :mod:`otgan.reproduce` both call it, so the
shipped checkpoint in ``data/<name>.pt`` always matches the chapter's config.
"""
from dataclasses import dataclass, replace

import os

import torch

from . import losses, nets, ot_losses
from ._checks import choice, positive
from .augment import DiffAugment
from .data import load_mnist
from .runtime import data_path
from .runtime import device as default_device
from .runtime import profile, settings
from .checkpoint import load_checkpoint
from .training import Trainer, adam


def _adam(params, lr, betas):
    """Adam, or RMSProp when ``betas`` is None (the original WGAN)."""
    if betas is None:
        return torch.optim.RMSprop(params, lr=lr)
    return adam(params, lr, betas)


BUDGET_S = 20 * 60.0  # the book profile's equal budget per MNIST model: 20 minutes of CPU time of one thread
SINKHORN_EPS = 4.0  # squared distances of [-1, 1] pixels are 4x those of [0, 1] pixels
#: The losses a spec can name, with the parameters each reads from :attr:`ModelSpec.loss_params`.
LOSS_KINDS = ("nonsaturating", "wgan", "wgan-gp", "hinge", "sliced", "sliced-features", "max-sliced-features",
              "sinkhorn-divergence", "cramer", "otgan")


@dataclass(frozen=True)
class ModelSpec:
    """Everything that defines one MNIST model of the book, as data: the nets, the loss, the optimizer, the
    training additions and the steps per profile. :func:`build` makes the nets, losses and :class:`Trainer` from
    it, and :meth:`config` (stored in every checkpoint and compared on loading) is derived from it, so a shipped
    checkpoint cannot drift from what is built.

    Attributes
    ----------
    name : str
    doc : str
        The recipe and its paper.
    arch : {"mlp", "dcgan"}
        MLP generator and critic (``hidden`` units, 3 layers) or the DCGAN convolutional pair (``base`` channels).
    latent : int
    loss : str
        One of :data:`LOSS_KINDS`.
    loss_params : tuple of (str, value)
        ``lambda`` (gradient penalty), ``clip`` (weight clipping), ``real_label`` (one-sided label smoothing),
        ``n_projections``, ``ascent_steps``, ``eps``, ``n_iter``.
    lr, betas : float, tuple or None
        The paper's learning rate of Adam, generator and critic alike; ``betas=None`` is RMSProp.
    lr_factor : float
        The multiple of ``lr`` the model trains with: 1, or the factor the learning-rate sweep chose
        (:mod:`otgan.lr_sweep`). The config records the rate used, ``lr * lr_factor``.
    n_critic, n_generator, batch_size : int
    steps : (int, int, int)
        Generator steps in the ``smoke``, ``book`` and ``full`` profiles (an upper bound where ``budget_s`` stops
        the ``book`` run).
    hidden, base : int or None
    generator_batch_norm, spectral_norm : bool
    critic_batch_norm : bool
        Batch norm in the DCGAN critic (Radford et al.'s discriminator has it); MLP critics have none.
    dropout : float
    augment : str or None
        DiffAugment policy applied to everything the critic sees (``"translation"``), with ``translation``.
    ema : float or None
    precision : {"fp32", "bf16"}
    budget_s : float or None
        CPU seconds of one thread in the ``book`` profile (the equal budget); ``smoke``/``full`` use ``steps``.
    critic_schedule : bool
        Replace the fixed ``n_critic`` by the reference WGAN schedule :class:`otgan.losses.CriticSchedule`
        (``n_critic`` otherwise, 100 critic steps at the start and every 500th generator step).
    lr_decay : {None, "linear"}
        Learning rates decayed linearly to zero over the run (the budget, where there is one; see
        :class:`otgan.training.Trainer`).
    generator_base : int or None
        Channels of the DCGAN generator when they differ from the critic's ``base`` (None: ``base`` for both).
    extra_convs : int
        Stride-1 3x3 convolutions added on the 7x7 maps of both DCGAN nets (:class:`otgan.nets.DCGANGenerator`,
        :class:`otgan.nets.DCGANCritic`); 0 is the plain DCGAN.
    weight_init : {None, "dcgan"}
        PyTorch's default initialization, or Radford et al.'s :math:`\\mathcal{N}(0, 0.02^2)` weights
        (:func:`otgan.nets.dcgan_init`) in both nets.
    """

    name: str
    doc: str
    loss: str
    latent: int
    lr: float
    betas: tuple
    batch_size: int
    steps: tuple
    loss_params: tuple = ()
    lr_factor: float = 1.0
    arch: str = "mlp"
    hidden: int = 512
    base: int = None
    n_critic: int = 1
    n_generator: int = 1
    generator_batch_norm: bool = False
    critic_batch_norm: bool = True
    spectral_norm: bool = False
    dropout: float = 0.0
    augment: str = None
    translation: float = 0.125
    ema: float = None
    precision: str = "fp32"
    budget_s: float = None
    critic_schedule: bool = False
    lr_decay: str = None
    weight_init: str = None
    generator_base: int = None
    extra_convs: int = 0

    def __post_init__(self):
        choice(self.loss, "loss", LOSS_KINDS)
        choice(self.arch, "arch", ("mlp", "dcgan"))
        if self.lr_decay is not None:
            choice(self.lr_decay, "lr_decay", ("linear",))
        if self.weight_init is not None:
            choice(self.weight_init, "weight_init", ("dcgan",))
        for field in ("generator_base", "extra_convs"):
            if getattr(self, field) and self.arch != "dcgan":
                raise ValueError(f"{field} is for arch='dcgan' only, got arch={self.arch!r}")

    @property
    def lr_used(self):
        """The learning rate trained with: the paper's ``lr`` times the sweep's ``lr_factor``."""
        return self.lr if self.lr_factor == 1.0 else float(f"{self.lr * self.lr_factor:.3g}")

    @property
    def has_critic(self):
        return self.loss not in ("sliced", "sinkhorn-divergence")

    def param(self, key, default=None):
        return dict(self.loss_params).get(key, default)

    def config(self):
        """The checkpoint config: every field that changes what is trained (not the steps, which checkpoints
        record separately, nor the docstring)."""
        cfg = {"name": self.name, "latent": self.latent}
        cfg.update({"hidden": self.hidden} if self.arch == "mlp" else {"base": self.base})
        cfg["loss"] = self.loss
        cfg.update(self.loss_params)
        if self.spectral_norm:
            cfg["spectral_norm"] = True
        if self.has_critic:
            cfg["n_critic"] = self.n_critic
        if self.critic_schedule:
            cfg["critic_schedule"] = "reference (100 for the first 25 and every 500th generator step)"
        if self.n_generator != 1:
            cfg["n_generator"] = self.n_generator
        cfg["lr"] = self.lr_used
        cfg.update({"betas": self.betas} if self.betas is not None else {"optimizer": "rmsprop"})
        cfg["batch_size"] = self.batch_size
        if self.dropout:
            cfg["dropout"] = self.dropout
        if self.generator_batch_norm:
            cfg["generator_batch_norm"] = True
        if self.arch == "dcgan" and not self.critic_batch_norm:
            cfg["critic_batch_norm"] = False
        if self.augment:
            cfg.update(augment=self.augment, translation=self.translation)
        if self.ema is not None:
            cfg["ema"] = self.ema
        if self.augment or self.ema is not None or self.budget_s is not None:
            cfg["precision"] = self.precision
        if self.budget_s is not None:
            cfg["budget_s"] = self.budget_s
        if self.lr_decay is not None:
            cfg["lr_decay"] = self.lr_decay
        if self.weight_init is not None:
            cfg["weight_init"] = self.weight_init
        if self.generator_base is not None:
            cfg["generator_base"] = self.generator_base
        if self.extra_convs:
            cfg["extra_convs"] = self.extra_convs
        return cfg

    def summary(self):
        """The recipe in a few words, for tables: architecture, loss, optimizer, critic and generator steps per
        iteration, batch size and the protocol's additions.

        Example
        -------
        >>> REGISTRY["wgan_gp_mlp"].summary()["optimizer"]
        'Adam 2e-04, betas (0.0, 0.9)'
        """
        arch = f"MLP {self.hidden}x3" if self.arch == "mlp" else f"DCGAN conv, {self.base} ch."
        if self.generator_batch_norm:
            arch += ", BN gen."
        if self.arch == "dcgan" and not self.critic_batch_norm:
            arch += ", no BN critic"
        if self.spectral_norm:
            arch += ", SN critic"
        if self.dropout:
            arch += f", dropout {self.dropout} critic"
        if self.weight_init == "dcgan":
            arch += ", N(0, 0.02) init"
        if self.generator_base is not None:
            arch += f", {self.generator_base} ch. gen."
        if self.extra_convs:
            arch += f", +{self.extra_convs} 3x3 conv"
        loss = self.loss + "".join(f", {k} {v}" for k, v in self.loss_params)
        opt = "RMSProp" if self.betas is None else "Adam"
        opt += f" {self.lr_used:.0e}" + ("" if self.betas is None else f", betas {tuple(self.betas)}")
        if self.lr_factor != 1.0:
            opt += f" (paper's rate x{self.lr_factor:g}, from the sweep)"
        steps = (("scheduled " if self.critic_schedule else "") + f"{self.n_critic} critic : {self.n_generator} gen."
                 if self.has_critic else f"no critic, {self.n_generator} gen.")
        additions = [a for a, on in (("EMA", self.ema is not None), ("DiffAugment", bool(self.augment)),
                                     ("bf16", self.precision == "bf16")) if on]
        return {"architecture": arch, "loss": loss, "optimizer": opt, "steps per iteration": steps,
                "batch": self.batch_size, "additions": ", ".join(additions) or "none",
                "budget": f"{self.budget_s / 60:.0f} min" if self.budget_s else "steps"}

    def nets(self):
        """The generator and the critic (None for critic-free losses)."""
        g, d = self._nets()
        if self.weight_init == "dcgan":
            g, d = nets.dcgan_init(g), None if d is None else nets.dcgan_init(d)
        return g, d

    def _nets(self):
        if self.arch == "dcgan":
            critic = nets.DCGANCritic(base=self.base, spectral_norm=self.spectral_norm,
                                      batch_norm=self.critic_batch_norm, dropout=self.dropout,
                                      extra_convs=self.extra_convs) if self.has_critic else None
            return nets.DCGANGenerator(self.latent, base=self.generator_base or self.base,
                                       extra_convs=self.extra_convs), critic
        g = nets.MLPGenerator(self.latent, (1, 28, 28), hidden=(self.hidden,) * 3, out_activation="tanh",
                              batch_norm=self.generator_batch_norm)
        d = nets.MLPCritic((1, 28, 28), hidden=(self.hidden,) * 3, spectral_norm=self.spectral_norm,
                           dropout=self.dropout) if self.has_critic else None
        return g, d

    def losses(self):
        """``(generator_loss, critic_loss, critic_hooks)`` for :attr:`loss` with :attr:`loss_params`."""
        kind, p = self.loss, self.param
        if kind == "otgan":
            g_loss = ot_losses.OTGANLoss(p("eps"), p("n_iter"))
            return g_loss, g_loss.critic_loss(), []
        def smoothed():
            return losses.DiscriminatorLoss(p("real_label", 1.0))

        table = {  # built lazily: each kind reads only its own parameters
            "nonsaturating": lambda: (losses.nonsaturating_generator_loss, smoothed()),
            "wgan": lambda: (losses.wasserstein_generator_loss, losses.wasserstein_critic_loss),
            "wgan-gp": lambda: (losses.wasserstein_generator_loss, losses.WGANGPCriticLoss(float(p("lambda")))),
            "hinge": lambda: (losses.hinge_generator_loss, losses.hinge_critic_loss),
            "sliced": lambda: (ot_losses.SlicedLoss(p("n_projections"), kind=p("kind", "one-batch")), None),
            "sliced-features": lambda: (ot_losses.SlicedLoss(p("n_projections"), features=True), smoothed()),
            "max-sliced-features": lambda: (ot_losses.MaxSlicedLoss(features=True, n_steps=p("ascent_steps")),
                                            smoothed()),
            "sinkhorn-divergence": lambda: (ot_losses.SinkhornGeneratorLoss(p("eps"), p("n_iter"),
                                                                            kind=p("kind", "divergence")), None),
            "cramer": lambda: (ot_losses.CramerGeneratorLoss(), ot_losses.CramerCriticLoss(float(p("lambda")))),
        }
        g_loss, c_loss = table[kind]()
        hooks = [losses.WeightClipping(p("clip"))] if p("clip") is not None else []
        return g_loss, c_loss, hooks


_MLP_GAN = dict(latent=128, lr=2e-4, betas=(0.5, 0.999), dropout=0.3, generator_batch_norm=True)
#: The book's protocol, added to every method's published recipe: an EMA generator (Yazici et al., 2019), DiffAugment
#: translation of everything a critic sees (Zhao et al., 2020) and the equal wall-clock budget :data:`BUDGET_S`.
_PROTOCOL = dict(augment="translation", translation=0.125, ema=0.999, budget_s=BUDGET_S)
#: Critic-free pixel losses compare real and generated digits directly: no critic to augment for.
_PROTOCOL_NO_CRITIC = dict(ema=0.999, budget_s=BUDGET_S)
_BUDGETED = 10 ** 6  # book-profile step bound of a budgeted model: the budget stops it
#: Generator steps of the MNIST models in the ``smoke`` profile: enough to run every code path, few enough that a
#: chapter loading ten models runs in seconds (WGAN-clip takes 2: its reference schedule makes each 100 critic steps).
_SMOKE_STEPS = 5

#: The DCGAN with two strided layers per net (7 -> 14 -> 28), the book's first 28x28 adaptation, at the sweep's rate:
#: the compared DCGAN until one more convolution per net (``dcgan_deeper``) more than halved its FID.
_DCGAN_TWO_LAYER = ModelSpec("dcgan_two_layer", """The DCGAN (Radford et al., 2016) as first adapted to 28x28, two
    strided layers per net (the compared ``dcgan`` has one more 3x3 convolution in each), with their recipe: strided
    (transposed) convs, batch norm, no pooling, every weight drawn from N(0, 0.02^2)
    (:func:`otgan.nets.dcgan_init`), Adam 2e-4 betas (0.5, 0.999); one-sided label smoothing (0.9) against a
    discriminator that otherwise wins on 4,000 digits (measured without it: FID 289, precision 0.55 after 8,000
    steps, with PyTorch's default initialization). Trained under bf16 autocast, 1.8x faster per step here than
    float32 (``benchmarks/training.md``). At the paper's rate the initialization lowers the FID on each of three
    training seeds against PyTorch's default (``dcgan_paper_lr`` 308.0 / 251.1 / 289.8 against
    ``dcgan_default_init`` 346.7 / 340.4 / 350.4). DiffAugment is not what holds it back: with the default
    initialization, in 5-minute runs without it the FID was 425 against 574 with it (no label smoothing: 558; twice
    the rate: 429; float32: 626), but for the whole budget without it the FID was 338 (10,017 steps) against 347,
    precision 0.54 in both (measured here, seed 0). Nor did two 5-minute screens on top of the initialization (FID
    409 after 3,000 steps): a generator of twice the channels (``generator_base=128``, the common MNIST DCGAN's 256
    and 128 channels; FID 431 after 1,597 steps) and Radford et al.'s batch of 128 (FID 405 after 1,746 steps).

    Trained at twice the paper's rate, 4e-4: the learning-rate sweep's 3-minute runs (made again with this
    initialization) gave FID 386 at 2x against 466 at 1x and 553 at 0.5x (:mod:`otgan.lr_sweep`), and the full
    20-minute runs confirmed it: FID 235.6 at 2x (12,354 steps) against 308.0 at 1x (11,424 steps; recorded under
    this name in ``data/mnist_lr_confirm.json``). The one-change variants of the GAN chapter were made on the run at
    the paper's rate, shipped as the variant ``dcgan_paper_lr``; one of them, ``dcgan_deeper``, led to the compared
    ``dcgan``.""",
              "nonsaturating", 100, 2e-4, (0.5, 0.999), 64, (_SMOKE_STEPS, _BUDGETED, 30000), (("real_label", 0.9),),
              arch="dcgan", base=64, precision="bf16", weight_init="dcgan", lr_factor=2.0, **_PROTOCOL)

_SPECS = [
    ModelSpec("wgan_gp_mlp", """MLP WGAN-GP (Gulrajani et al., 2017): lambda 10, n_critic 5, Adam 2e-4 betas
    (0, 0.9), batch 64; the penalty's interpolates are augmented as the critic's inputs are; batch norm in the
    generator (not in the critic), as in Gulrajani et al.'s generators. Without it, under the protocol, the
    generator's tanh outputs saturated at +-1 (speckled binary digits, FID 1,290 and recall 0 after 4,500 steps,
    the critic's W1 estimate rising from 7.7 to 10.3). The base model of the DOT chapter.

    Hidden layers of 256 units (the other MLP models have 512): its five penalized critic steps make each iteration
    one of the protocol's slowest, and at half the width an iteration costs about half the time, so the 20 minutes
    buy about twice the steps. Over three training seeds that gave FID 70.5 / 80.9 / 72.1 (19,244 / 18,849 / 20,191
    steps) against 99.2 / 108.3 / 88.5 (10,262 / 9,781 / 10,872 steps) at 512 units (``wgan_gp_mlp_h512``), every
    narrow seed below every wide one (the comparison chapter, "Half the width, more steps"). The learning-rate
    sweep chose the rate on the 512-unit nets. Conv nets (the DCGAN's, with its extra 3x3 convolution, no batch norm
    in the critic, bf16) were screened for 3 minutes: 159 generator steps (about 1.1 s each with five penalized
    critic steps), FID 1,554, against 992 steps and FID 611 for the 512-unit MLPs; too slow for the budget on this
    CPU. Trained under bf16 autocast with the penalty in float32, as its 512-unit runs were (where a bf16 iteration
    costs about 1.3x less CPU time than a float32 one, ``benchmarks/engine.md``), so that the width comparison
    changes the width alone. At 256 units bf16 buys no speed: a paired float32 run of the whole budget (seed 0) made
    20,666 steps against 19,244 and ended at FID 72.6 against 70.5 (``benchmarks/precision_pair_wgan_gp_mlp.md``).""",
              "wgan-gp", 128, 2e-4, (0.0, 0.9), 64, (_SMOKE_STEPS, _BUDGETED, 40000), (("lambda", 10),), n_critic=5,
              hidden=256, generator_batch_norm=True, precision="bf16", **_PROTOCOL),
    ModelSpec("gan_mlp", """MLP GAN with the non-saturating loss (the "VanillaGAN" of the OT-GAN report), Adam 2e-4
    betas (0.5, 0.999). On 4,000 digits a plain discriminator memorizes the data and wins outright (D(fake) -> 0
    and the generator collapses, measured: FID 1,900 after 15,000 steps); dropout 0.3 in the discriminator and
    one-sided label smoothing (0.9) keep the game balanced. Trained under bf16 autocast: in the same 20 CPU-minutes
    it made 39,353 steps (30.6 ms each) against 32,052 in float32 (37.4 ms), and reached FID 55.7 against 83.9
    (seed 0; ``benchmarks/precision_pair_gan_mlp.md``). Retrained with the trainer's fused optimizer, seed 0 made
    49,191 steps and reached FID 53.8 (``benchmarks/retrain.md``).""",
              "nonsaturating", 100, 2e-4, (0.5, 0.999), 64, (_SMOKE_STEPS, _BUDGETED, 40000), (("real_label", 0.9),),
              dropout=0.3, generator_batch_norm=True, precision="bf16", **_PROTOCOL),
    replace(_DCGAN_TWO_LAYER, name="dcgan", extra_convs=1, doc="""DCGAN (Radford et al., 2016) adapted to 28x28: strided
    (transposed) convolutions 7 -> 14 -> 28 with batch norm, no pooling, plus one stride-1 3x3 convolution on the 7x7
    map of each net (batch norm and ReLU in the generator, before its first upsampling; batch norm and LeakyReLU in the
    discriminator, before its head; :class:`otgan.nets.DCGANGenerator`, :class:`otgan.nets.DCGANCritic`
    ``extra_convs=1``), so that each feature of the discriminator's last map sees an 18x18 patch of the digit (10x10
    with two layers). Radford et al.'s recipe: every weight drawn from N(0, 0.02^2) (:func:`otgan.nets.dcgan_init`),
    Adam betas (0.5, 0.999), their rate 2e-4; one-sided label smoothing (0.9) against a discriminator that
    otherwise wins on 4,000 digits. Trained under bf16 autocast, 1.8x faster per step here than float32
    (``benchmarks/training.md``).

    The extra convolution is what made the DCGAN work here (the GAN chapter): at the paper's rate, over three
    training seeds, FID 113.3 / 116.0 / 100.7 (``dcgan_deeper``) against 308.0 / 251.1 / 289.8 with two layers per
    net (``dcgan_paper_lr``); the two-layer DCGAN at the sweep's rate, 4e-4, reached 235.6 (``dcgan_two_layer``,
    whose docstring records the other changes tried on it).

    Trained at twice the paper's rate, 4e-4: the learning-rate sweep's 3-minute runs, made with these nets, gave FID
    266 at 2x against 385 at 1x and 532 at 0.5x (:mod:`otgan.lr_sweep`), and the full 20-minute runs confirmed it:
    FID 89.0 at 2x (7,613 steps) against 113.3 at 1x (7,966 steps; :func:`otgan.lr_sweep.confirm`), the 1x run
    being ``dcgan_deeper``'s seed 0."""),
    ModelSpec("wgan_clip_mlp", """MLP WGAN with weight clipping (Arjovsky et al., 2017): c = 0.01, RMSProp 5e-5,
    the reference code's critic schedule (100 critic steps for the first 25 generator steps and at every 500th,
    5 otherwise; :class:`otgan.losses.CriticSchedule`); batch norm in the generator, as in the reference code's
    DCGAN generator (its MLP generator has none, and here generators without it saturated their tanh outputs
    under the protocol: see ``wgan_gp_mlp``). Trained at twice the paper's rate, 1e-4: the learning-rate sweep's
    3-minute runs gave FID 1,366 at 2x against 1,562 at 1x and 1,708 at 0.5x (:mod:`otgan.lr_sweep`), and the
    full 20-minute runs confirmed it: FID 541 at 2x against 815 at 1x (:func:`otgan.lr_sweep.confirm`). Conv nets
    (the DCGAN's, with its extra 3x3 convolution, bf16) were screened for 3 minutes: the schedule's first 2,500
    critic steps alone took most of them (21 generator steps, FID 1,974). Trained on for the whole 20 minutes
    (seed 0, not shipped): 1,947 generator steps, FID 457 against 541 for these MLPs, precision 0.45 against 0.74,
    recall 0.45 against 0.20; lower, but still about 22 times the real-vs-real FID. Trained under bf16 autocast with the
    trainer's fused optimizer: seed 0 made 18,025 steps and reached FID 523.0 in the 20 minutes, against 11,089 steps
    and FID 541.2 for its float32 run with the earlier kernels (``benchmarks/retrain.md``).""",
              "wgan", 128, 5e-5, None, 64, (2, _BUDGETED, 60000), (("clip", 0.01),), n_critic=5, lr_factor=2.0,
              critic_schedule=True, generator_batch_norm=True, precision="bf16", **_PROTOCOL),
    ModelSpec("wgan_sn_mlp", """MLP WGAN whose critic is spectrally normalized (Miyato et al., 2018) but trained
    with the plain W-loss: Adam 1e-4 betas (0.5, 0.9), n_critic 5 (the WGAN chapter's measured counter-example;
    Miyato et al. used the hinge loss, :data:`REGISTRY` ``["sngan_hinge_mlp"]``).""",
              "wgan", 128, 1e-4, (0.5, 0.9), 64, (_SMOKE_STEPS, 24000, 60000), n_critic=5, spectral_norm=True),
    ModelSpec("sw_pixel", """Sliced Wasserstein generator in pixel space, no discriminator (Deshpande et al., 2018,
    Sec. 3): SW_2 over 1,000 fresh directions per step, Adam 5e-4 betas (0.5, 0.999), batch 256.""",
              "sliced", 128, 5e-4, (0.5, 0.999), 256, (_SMOKE_STEPS, _BUDGETED, 20000), (("n_projections", 1000),),
              generator_batch_norm=True, **_PROTOCOL_NO_CRITIC),
    ModelSpec("sw_features", """Sliced Wasserstein on discriminator features (Deshpande et al., 2018, Sec. 4): the
    discriminator is trained as in ``gan_mlp`` (dropout 0.3, label smoothing 0.9); the generator minimizes SW_2
    between the 512-d penultimate features of real and generated batches, over 1,000 directions. Trained at the
    paper's rate: the learning-rate sweep's 3-minute runs favoured twice the rate (FID 325 against 448), but the
    full 20-minute runs did not confirm it by the sweep's margin (:func:`otgan.lr_sweep.confirm`; seed 0: FID 111.0
    at 2x against 115.7 at 1x, and over three seeds 2x was level with 1x). Trained under bf16 autocast with the
    trainer's fused optimizer: seed 0 made 22,043 steps and reached FID 98.7 in the 20 minutes, against 15,252 steps and
    FID 115.7 for its float32 run with the earlier kernels (``benchmarks/retrain.md``).""",
              "sliced-features", batch_size=128, steps=(_SMOKE_STEPS, _BUDGETED, 40000),
              loss_params=(("n_projections", 1000), ("real_label", 0.9)), **_MLP_GAN, precision="bf16", **_PROTOCOL),
    ModelSpec("max_sw", """Max-sliced Wasserstein on discriminator features (Deshpande et al., 2019): as
    ``sw_features``, but the generator descends W_2 along the single direction that separates the features most
    (10 ascent steps per call, warm-started). Trained at the paper's rate: the learning-rate sweep's 3-minute runs
    favoured twice the rate (FID 348 against 473), but the full 20-minute run at 2x was worse (FID 137.9 against
    116.1 at 1x; :func:`otgan.lr_sweep.confirm`). Trained under bf16 autocast with the trainer's fused optimizer: seed 0
    made 25,001 steps and reached FID 107.3 in the 20 minutes, against 16,864 steps and FID 116.1 for its float32 run
    with the earlier kernels (``benchmarks/retrain.md``).""",
              "max-sliced-features", batch_size=128, steps=(_SMOKE_STEPS, _BUDGETED, 40000),
              loss_params=(("ascent_steps", 10), ("real_label", 0.9)), **_MLP_GAN, precision="bf16", **_PROTOCOL),
    ModelSpec("sinkhorn_mlp", """Sinkhorn generator (Genevay et al., 2018): the debiased Sinkhorn divergence in
    pixel space (squared Euclidean cost on pixels in [-1, 1], eps = 4, i.e. eps = 1 for pixels in [0, 1] as in the
    paper; 30 log-domain iterations, envelope gradient), batch 200, no critic, Adam 5e-4, EMA generator and the
    equal budget (no augmentation: no critic sees the digits). Trained under bf16 autocast with the trainer's fused
    optimizer (the Sinkhorn solves in float32): seed 0 made 25,024 steps and reached FID 464.7 in the 20 minutes,
    against 18,969 steps and FID 470.8 for its float32 run with the earlier kernels (``benchmarks/retrain.md``).""",
              "sinkhorn-divergence", 128, 5e-4, (0.5, 0.999), 200, (_SMOKE_STEPS, _BUDGETED, 20000),
              (("eps", SINKHORN_EPS), ("n_iter", 30)), generator_batch_norm=True, precision="bf16",
              **_PROTOCOL_NO_CRITIC),
    ModelSpec("sinkhorn_two_batch_mlp", """``sinkhorn_mlp`` with one change: the generator minimizes OT-GAN's two-batch
    form of the same entropic costs (Salimans et al., 2018), each batch split in halves, OT(X,Y) + OT(X,Y') +
    OT(X',Y) + OT(X',Y') - 2 OT(X,X') - 2 OT(Y,Y') (:class:`otgan.ot_losses.SinkhornGeneratorLoss`,
    ``kind="two-batch"``), instead of the one-batch debiased divergence. Same cost, eps, iterations, batch, nets,
    optimizer and budget. The one-batch divergence's expected minibatch value is not lowest at the data (it
    prefers blurred samples; measured on 8 Gaussians in the comparison chapter); this form's expectation is zero
    at the data. Trained here first as a variant of ``sinkhorn_mlp`` (18,730 steps, FID 104.8 against 470.8 for
    the one-batch divergence), in float32 with the trainer's earlier kernels; the shipped file is its retrain
    under bf16 autocast with the fused optimizer (the Sinkhorn solves in float32): 27,739 steps, FID 85.5
    (``benchmarks/retrain.md``).""",
              "sinkhorn-divergence", 128, 5e-4, (0.5, 0.999), 200, (_SMOKE_STEPS, _BUDGETED, 20000),
              (("eps", SINKHORN_EPS), ("n_iter", 30), ("kind", "two-batch")), generator_batch_norm=True,
              precision="bf16", **_PROTOCOL_NO_CRITIC),
    ModelSpec("cramer_mlp", """Cramér GAN (Bellemare et al., 2017) with MLP nets: energy distance on the critic's
    512-d features, gradient penalty 10 on the surrogate critic, n_critic 5, Adam 2e-4 betas (0.5, 0.9), batch 128
    (two generated halves). Trained at twice the rate, 4e-4: the learning-rate sweep's 3-minute runs gave FID 528
    at 2x against 662 at 1x, and the full 20-minute runs confirmed it: FID 188 at 2x (6,226 steps) against 244 at
    1x (4,873 steps; :func:`otgan.lr_sweep.confirm`). Trained under bf16 autocast with the trainer's fused optimizer
    (the gradient penalty in float32): seed 0 made 8,076 steps and reached FID 153.6 in the 20 minutes, against 6,226
    steps and FID 188.2 for its float32 run with the earlier kernels (``benchmarks/retrain.md``).""",
              "cramer", 128, 2e-4, (0.5, 0.9), 128, (_SMOKE_STEPS, _BUDGETED, 40000), (("lambda", 10),), n_critic=5,
              lr_factor=2.0, generator_batch_norm=True, precision="bf16", **_PROTOCOL),
    ModelSpec("otgan_mlp", """OT-GAN (Salimans et al., 2018) with MLP nets: mini-batch energy distance with
    Sinkhorn (eps 0.05, 50 iterations, no backprop through the plan) on the cosine cost between critic features,
    the critic maximizing it, 3 generator steps per critic step, Adam 3e-4 betas (0.5, 0.999), batch 256 (two
    halves per side). Trained at the paper's rate: the learning-rate sweep's 3-minute runs favoured twice the rate
    (FID 434 against 553), but the full 20-minute run at 2x was far worse (FID 389 against 231 at 1x, 3,188
    steps; :func:`otgan.lr_sweep.confirm`). Trained under bf16 autocast (its Sinkhorn solves in float32): the paired
    run of the whole budget made 3,554 steps against 2,816 in float32 and ended at FID 222.9 against 231.1 (seed 0;
    ``benchmarks/precision_pair_otgan_mlp.md``). Retrained with the trainer's fused optimizer in the same
    arithmetic: 3,866 steps and FID 252.3 (``benchmarks/retrain.md``). The two bf16 runs of seed 0 differ only in
    kernels that do not change what a step computes, so the difference is run-to-run spread, not a change of
    recipe.""",
              "otgan", 128, 3e-4, (0.5, 0.999), 256, (_SMOKE_STEPS, _BUDGETED, 20000), (("eps", 0.05), ("n_iter", 50)),
              n_generator=3, generator_batch_norm=True, precision="bf16", **_PROTOCOL),
    ModelSpec("sngan_hinge_mlp", """SN-GAN (Miyato et al., 2018) as its authors trained it, adapted to MLP nets on
    28x28: every critic layer spectrally normalized, the **hinge** loss (Lim & Ye, 2017), one critic step per
    generator step, Adam 2e-4 betas (0, 0.9), batch 64; plus DiffAugment translation (1/8 of the size) of real
    and generated digits (Zhao et al., 2020) and an EMA generator (decay 0.999; Yazıcı et al., 2019), trained for a
    wall-clock budget (``BUDGET_S`` of one CPU thread in the book profile), under bf16 autocast. Its bf16 runs
    made with the earlier kernels gained nothing (three seeds: 0.998x the float32 steps, mean FID 75.3 against
    73.7; ``benchmarks/precision_pair_sngan_hinge_mlp_seeds.md``); with the trainer's fused optimizer a bf16
    iteration costs about 1.3x less CPU time than a float32 one (``benchmarks/engine.md``), and seed 0 made 41,415
    steps and reached FID 64.7, against 32,795 steps and FID 85.5 for its float32 run (``benchmarks/retrain.md``).

    The generator has batch norm, as SN-GAN's generators do. Without it two runs here collapsed to one
    speckled digit (bf16: FID 2,077 at 6,500 steps; fp32: FID 1,913 at 6,000 steps, recall 0): the generator's
    gradient norm fell from ~3 to 0.000 after 5,000 steps, its tanh outputs saturated at +-1 while the critic's
    hinge loss went to 0.4. Conv nets (the DCGAN's, with its extra 3x3 convolution, every critic layer
    spectrally normalized, no batch norm in the critic, bf16) were screened for 3 minutes at the paper's rate: FID
    435 after 1,165 steps against 441 after 3,639 for these MLPs, no clear gain.""",
              "hinge", 128, 2e-4, (0.0, 0.9), 64, (_SMOKE_STEPS, 10 ** 6, 100000), spectral_norm=True,
              generator_batch_norm=True, precision="bf16",
              **_PROTOCOL),
]
#: Every MNIST model of the book by name: a frozen :class:`ModelSpec` each.
REGISTRY = {spec.name: spec for spec in _SPECS}

#: One-change experiments on models of :data:`REGISTRY`: each is its base with the fields its name and docstring
#: give changed and nothing else, trained and shipped like the registry's models (``python -m otgan.reproduce
#: --profile book --only NAME``; :func:`build`, :func:`load` and :func:`shipped_path` take their names), but not one of
#: the book's compared models.
#: The DCGAN at its paper's rate, 2e-4: the base of the GAN chapter's one-change DCGAN experiments, made before the
#: learning-rate sweep moved the compared ``dcgan`` to twice the rate.
_DCGAN_PAPER_LR = replace(_DCGAN_TWO_LAYER, name="dcgan_paper_lr", lr_factor=1.0, doc="""``dcgan_two_layer`` at the
    paper's learning rate, 2e-4, instead of the sweep's 4e-4, nothing else changed: the run the learning-rate sweep's
    confirmation compared against (FID 308.0 after 11,424 steps, seed 0; 251.1 and 289.8 with training seeds 1
    and 2), and the base of the GAN chapter's one-change DCGAN experiments (``dcgan_default_init``,
    ``dcgan_critic_dropout``, ``dcgan_base32``, ``dcgan_deeper``).""")
VARIANTS = {spec.name: spec for spec in [
    _DCGAN_TWO_LAYER,
    _DCGAN_PAPER_LR,
    replace(REGISTRY["sw_pixel"], name="sw_pixel_batch1024", batch_size=1024, doc="""``sw_pixel`` with batches of
    1,024 digits instead of 256, nothing else changed: under its training loss a batch of 256 hardly separates the
    pixel-SW generator from real digits (real digits score lower in 57% of the batches), a batch of 1,024 does (87%;
    :func:`otgan.minibatch.preference`, the sliced chapter). Each step costs about four times as much, so the same
    budget buys about a quarter of the steps (5,704 against 23,540; FID 326 against 288)."""),
    replace(REGISTRY["sw_pixel"], name="sw_pixel_two_batch",
            loss_params=REGISTRY["sw_pixel"].loss_params + (("kind", "two-batch"),), doc="""``sw_pixel`` with one
    change: the generator minimizes OT-GAN's two-batch form of the same sliced costs (Salimans et al., 2018), each
    batch of 256 split in halves, :math:`\\sum SW_2^2(A, B) - 2 SW_2^2(X, X') - 2 SW_2^2(Y, Y')`
    (:class:`otgan.ot_losses.SlicedLoss`, ``kind="two-batch"``), instead of the one-batch :math:`SW_2`. Its
    expectation is zero when the generator draws from the data, where the one-batch loss hardly separates the
    pixel-SW generator from real digits at this batch (the sliced chapter); the same change took the pixel Sinkhorn
    generator from FID 470.8 to 104.8 (``sinkhorn_two_batch_mlp``)."""),
    replace(REGISTRY["sw_pixel"], name="sw_pixel_lr_decay", lr_decay="linear", doc="""``sw_pixel`` with one
    change: the learning rate decays linearly to zero over the 20-minute budget (by the share of the budget spent)
    instead of staying at 5e-4. Tanguy's (2023) results on SGD for a sliced loss describe the limit of small steps
    (the sliced chapter); it asks whether the noise of a constant step holds the pixel-SW generator back. Measured
    (seed 0): 26,626 steps, FID 296 against 288, precision 0.77 against 0.76, recall 0.58 against 0.61: no better
    in this budget (one run each), though its training loss ends lower; both runs' training loss ends below the
    same loss between two batches of real digits."""),
    replace(_DCGAN_PAPER_LR, name="dcgan_default_init", weight_init=None, doc="""``dcgan_paper_lr`` with PyTorch's
    default initialization (uniform, scaled by the fan-in) instead of Radford et al.'s N(0, 0.02^2) weights,
    nothing else changed: the book's DCGAN before it was given the whole of their recipe. Its discriminator wins
    from the first thousand steps (D(fake) about 0.13). Measured, training seeds 0 / 1 / 2: FID 346.7 / 340.4 /
    350.4 (11,648 / 12,243 / 12,385 steps) against 308.0 / 251.1 / 289.8 with the initialization."""),
    replace(_DCGAN_PAPER_LR, name="dcgan_critic_dropout", critic_batch_norm=False, dropout=0.3, doc="""
    ``dcgan_paper_lr`` with its discriminator as the MLP GAN's is: no batch norm, dropout 0.3 after each
    LeakyReLU (the common Keras/TensorFlow MNIST DCGAN's discriminator), everything else unchanged. It asks whether
    the DCGAN's discriminator, which ends the budget winning (its loss under 1, the MLP GAN's near 2 log 2), is what
    holds its digits back. Measured (seed 0): 9,283 steps, FID 294.3 against 308.0, recall 0.56 against 0.39, its
    discriminator's loss 1.30 over the last tenth. On ``dcgan_default_init`` the same change gave FID 327.6 against
    346.7 (8,603 steps), recall 0.54 against 0.26; dropout alone, with the batch norm kept, did not help there (FID
    384 after 7,873 steps)."""),
    replace(_DCGAN_PAPER_LR, name="dcgan_base32", base=32, doc="""``dcgan_paper_lr`` with half the channels (32 in the
    first feature map instead of 64, in generator and discriminator), nothing else changed. A DCGAN step costs about
    three times an MLP GAN step on this CPU, so in the same 20 minutes it makes about a third of the steps; at half
    the width each step is cheaper. It asks whether the DCGAN is behind the MLP GAN because it is step-starved in
    the budget. Measured (seed 0): 30,635 steps against 11,424, FID 263.3 against 308.0, inside the range of
    ``dcgan_paper_lr``'s three seeds (251.1 to 308.0). On ``dcgan_default_init`` the same change gave 22,297 steps
    against 11,648 and FID 342.3 against 346.7."""),
    replace(_DCGAN_PAPER_LR, name="dcgan_deeper", extra_convs=1, doc="""``dcgan_paper_lr`` with one stride-1 3x3
    convolution added on the 7x7 map of each net (batch norm and ReLU in the generator, before its first
    upsampling; batch norm and LeakyReLU in the discriminator, before its head), nothing else changed. Radford et
    al.'s nets for 64x64 images have four strided layers each, so that the discriminator's last features see the
    whole image; the book's 28x28 adaptation has two, and each feature of its discriminator sees a 10x10 patch,
    combined by one linear head. It asks whether the DCGAN's malformed digits (smooth strokes that do not add up to
    a digit) come from nets too shallow to see a digit whole. Measured (seed 0): 7,966 steps (each costs about 1.4
    times a ``dcgan_paper_lr`` step), FID 113.3 against 308.0, precision 0.54 against 0.49, recall 0.62 against
    0.39, every digit at least 7.9% of the samples; the grid shows mostly whole, readable digits. The compared
    ``dcgan`` is these nets at the sweep's rate, twice this one."""),
    replace(REGISTRY["gan_mlp"], name="gan_mlp_lr_decay", lr_decay="linear", doc="""``gan_mlp`` with one change: both
    learning rates decay linearly to zero over the 20-minute budget (Gulrajani et al.'s schedule, by the share of
    the budget spent), instead of staying at 2e-4. Measured (seed 0), retrained with the trainer's fused optimizer
    as its base was: 52,598 steps, FID 68.2 against 53.8, worse than every seed of ``gan_mlp`` (53.8 to 63.2); its
    first run, with the earlier kernels, was worse still (39,507 steps, FID 96.7 against 55.7)."""),
    replace(REGISTRY["gan_mlp"], name="gan_mlp_ema9995", ema=0.9995, doc="""``gan_mlp`` with one change: the
    generator's weight average has decay 0.9995 (about 2,000 steps) instead of 0.999 (about 1,000). Measured (seed
    0), retrained with the trainer's fused optimizer as its base was: 52,905 steps, FID 51.3, below every seed of
    ``gan_mlp`` (53.8 to 63.2) though within about two of their standard deviations of their mean (the comparison
    chapter); its first run, with the earlier kernels, gave FID 66.6 (39,296 steps)."""),
    replace(REGISTRY["gan_mlp"], name="gan_mlp_lr2x", lr_factor=2.0, doc="""``gan_mlp`` with one change: twice
    the paper's learning rate, 4e-4 for both nets, for the whole budget (the learning-rate sweep's 3-minute runs
    put it ahead, by less than the sweep's margin). Measured (seed 0), retrained with the trainer's fused optimizer
    as its base was: 52,533 steps, FID 79.1, above every seed of ``gan_mlp`` (53.8 to 63.2); its first run, with the
    earlier kernels, gave FID 72.6 (40,830 steps)."""),
    replace(REGISTRY["sngan_hinge_mlp"], name="sngan_hinge_mlp_lr2x", lr_factor=2.0, budget_s=None,
            steps=(_SMOKE_STEPS, 41415, REGISTRY["sngan_hinge_mlp"].steps[2]), doc="""``sngan_hinge_mlp`` with
    one change: twice the paper's learning rate, 4e-4 for both nets (the learning-rate sweep's other close case:
    its 3-minute runs put 2x within the sweep's margin of 1x). It is trained for the 41,415 steps that seed 0 of
    ``sngan_hinge_mlp`` made in its 20 minutes, not for 20 minutes, so that the two runs differ in the rate alone
    and not in the steps a shared machine allowed. Measured (bf16, the fused optimizer): FID 63.2 against 64.7 for
    seed 0 of its base, inside the range of the base's three seeds (57.4 to 64.7). (Its first run, in float32 with
    the trainer's earlier kernels, was trained for that seed's 32,795 steps then, because the machine ran it about a
    fifth slower per step: FID 70.6 against 85.5.)"""),
    replace(REGISTRY["wgan_gp_mlp"], name="wgan_gp_mlp_h512", hidden=512, doc="""``wgan_gp_mlp`` at the width of
    the other MLP models, 512 units in generator and critic, instead of 256: the book's WGAN-GP until its three
    training seeds at half the width settled the question. At 512 units an iteration takes about twice the time
    (202 against 109 ms in float32 here, one thread), so the 20 minutes buy about half the steps. Measured (bf16,
    the fused optimizer, ``benchmarks/retrain.md``), seeds 0 / 1 / 2: 10,262 / 9,781 / 10,872 steps, FID 99.2 /
    108.3 / 88.5 (mean 98.7), against 70.5 / 80.9 / 72.1 (mean 74.5) at 256 units; every narrow seed below every
    wide one. In float32 with the trainer's earlier kernels (seed 0): 7,189 steps against 14,052, FID 131.6 against
    125.3."""),
    replace(REGISTRY["cramer_mlp"], name="cramer_mlp_h256", hidden=256, doc="""``cramer_mlp`` with one change:
    hidden layers of 256 units instead of 512, in generator and critic (an iteration takes 106 against 235 ms
    here, one thread), so the same 20 minutes buy about twice the steps. Measured (seed 0), both in float32 with the
    trainer's earlier kernels: 10,860 steps against 6,226, FID 177.7 against 188.2; both retrained under bf16
    autocast with the fused optimizer: 16,078 steps against 8,076, FID 128.8 against 153.6."""),
    replace(REGISTRY["otgan_mlp"], name="otgan_mlp_h256", hidden=256, doc="""``otgan_mlp`` with one change:
    hidden layers of 256 units instead of 512, in generator and critic (in float32 an iteration takes 317 against
    535 ms here, one thread), so the same 20 minutes buy more steps for the protocol's most step-starved model.
    Trained, like its base, under bf16 autocast. Measured (seed 0), with the trainer's earlier kernels: 4,978 steps
    against 3,554, and a collapse: FID 758.3 against 222.9, recall 0.02; the narrow critic's mini-batch energy
    distance fell to about 1e-5 by the end of the run. Trained in float32 with its float32 base, it collapsed the
    same way (4,612 steps against 2,816, FID 689.5 against 231.1, recall 0.01). Retrained with the fused optimizer
    (same arithmetic, so a second run of the same recipe): 5,282 steps against 3,866, FID 364.4 against 252.3,
    recall 0.14 against 0.48; worse than its base again, without the full collapse."""),
    replace(REGISTRY["gan_mlp"], name="gan_mlp_h256", hidden=256, doc="""``gan_mlp`` with one change: hidden layers
    of 256 units instead of 512, in generator and discriminator. Half the width gave WGAN-GP about twice the steps in
    the 20 minutes and a lower FID on every seed (``wgan_gp_mlp`` against ``wgan_gp_mlp_h512``); this asks whether
    the best model gains the same way. Measured (seed 0, bf16, the fused optimizer): 91,427 steps against 49,191,
    FID 67.3 against 53.8, above every seed of ``gan_mlp`` (53.8 to 63.2); the smallest class share falls to 0.058.
    No."""),
    replace(REGISTRY["sngan_hinge_mlp"], name="sngan_hinge_mlp_h256", hidden=256, doc="""``sngan_hinge_mlp`` with one
    change: hidden layers of 256 units instead of 512, in generator and critic; the same question as
    ``gan_mlp_h256`` for the second-best model. Measured (seed 0, bf16, the fused optimizer): 82,573 steps against
    41,415, FID 63.4 against 64.7, inside the range of ``sngan_hinge_mlp``'s seeds (57.4 to 64.7): no gain beyond
    the seeds' spread."""),
    replace(REGISTRY["sw_features"], name="sw_features_h256", hidden=256, doc="""``sw_features`` with one change:
    hidden layers of 256 units instead of 512, in generator and discriminator (the features it slices are then
    256-d). Half the width gave WGAN-GP about twice the steps in the 20 minutes and a lower FID on every seed
    (``wgan_gp_mlp`` against ``wgan_gp_mlp_h512``), and gave the MLP GAN, whose discriminator ``sw_features``
    shares, a worse one (``gan_mlp_h256``); this asks which way the sliced generator on features goes. Measured
    (seed 0, bf16, the fused optimizer): 33,415 steps against 22,043, FID 102.9 against 98.7, inside the range of
    ``sw_features``'s three seeds (98.7 to 115.0): no gain beyond the seeds' spread."""),
    replace(REGISTRY["max_sw"], name="max_sw_h256", hidden=256, doc="""``max_sw`` with one change: hidden layers of
    256 units instead of 512, in generator and discriminator; the same question as ``sw_features_h256`` for the
    max-sliced generator. Measured (seed 0, bf16, the fused optimizer): 42,371 steps against 25,001, FID 105.2
    against 107.3, a 2% change, less than one model's three seeds differ here (up to 22%, ``wgan_gp_mlp_h512``)."""),
    replace(REGISTRY["gan_mlp"], name="gan_mlp_2x_steps", budget_s=None,
            steps=(_SMOKE_STEPS, 2 * 39353, REGISTRY["gan_mlp"].steps[2]), doc="""``gan_mlp`` with one change: a
    longer run, given as steps: 78,706, twice the 39,353 steps an earlier seed-0 run of ``gan_mlp`` made in its 20
    minutes, under the trainer's earlier optimizer and translation kernels (the present seed 0 makes 49,191, so
    this is 1.6 times its steps). A step count trains the same model on any machine, and the kernels changed the
    cost of a step, not its arithmetic, so the run was not repeated. It asks whether the best model's distance to
    the ratio target is a matter of budget."""),
    replace(REGISTRY["gan_mlp"], name="gan_mlp_4x_steps", budget_s=None,
            steps=(_SMOKE_STEPS, 4 * 39353, REGISTRY["gan_mlp"].steps[2]), doc="""``gan_mlp`` with one change: a
    still longer run, given as steps (157,412, four times the same earlier 39,353; 3.2 times the present seed 0's),
    the next point after ``gan_mlp_2x_steps`` on the best model's budget curve: does more training alone reach twice
    the real-vs-real FID?"""),
]}


TOY_LOSSES = ("minimax", "nonsaturating", "wgan", "wgan-sn", "wgan-gp")


def toy_trainer(toy, loss="nonsaturating", lr_generator=1e-3, lr_critic=1e-3, batch_size=256, n_critic=None,
                hidden=(128, 128, 128), latent_dim=8, clip=0.01, device=None):
    """A GAN on a 2-D toy (a :class:`otgan.data.Toy`): MLP generator and critic, the chosen loss.

    ``"minimax"`` and ``"nonsaturating"`` train a discriminator with Adam (betas (0.5, 0.999)); ``"wgan"`` clips
    the critic's weights to ``[-clip, clip]`` and uses RMSProp (Arjovsky et al., 2017); ``"wgan-sn"`` normalizes
    every critic layer by its spectral norm, Adam betas (0.5, 0.9) (Miyato et al., 2018); ``"wgan-gp"`` uses the
    gradient penalty (lambda 10) and Adam with betas (0, 0.9) (Gulrajani et al., 2017). ``n_critic`` defaults
    to 1 for GANs and 5 for WGANs.
    """
    choice(loss, "loss", TOY_LOSSES)
    dev = device or default_device()
    g = nets.MLPGenerator(latent_dim, 2, hidden=hidden)
    d = nets.MLPCritic(2, hidden=hidden, spectral_norm=loss == "wgan-sn")
    critic_loss, generator_loss = losses.gan_losses("wgan" if loss == "wgan-sn" else loss)
    hooks = []
    if loss == "wgan":
        opt_g = torch.optim.RMSprop(g.parameters(), lr=lr_generator)
        opt_d = torch.optim.RMSprop(d.parameters(), lr=lr_critic)
        hooks = [losses.WeightClipping(clip)]
    else:
        betas = {"wgan-gp": (0.0, 0.9), "wgan-sn": (0.5, 0.9)}.get(loss, (0.5, 0.999))
        # the unfused kernel: the chapters' live single-seed runs (and the claims checked on them) were made with
        # it, and a step-counted 2-D run gains nothing from a faster optimizer step
        opt_g = adam(g.parameters(), lr_generator, betas, fused=False)
        opt_d = adam(d.parameters(), lr_critic, betas, fused=False)
    n_critic = n_critic if n_critic is not None else (5 if loss.startswith("wgan") else 1)
    cfg = {"toy": toy.name, "loss": loss, "lr_generator": lr_generator, "lr_critic": lr_critic, "n_critic": n_critic}
    return Trainer(g.to(dev), d.to(dev), toy.sample, generator_loss, critic_loss, opt_generator=opt_g,
                   opt_critic=opt_d, batch_size=batch_size, n_critic=n_critic, critic_hooks=hooks, config=cfg,
                   device=dev)


def shipped_path(name, must_exist=False, seed=0):
    """Where the shipped checkpoint of model ``name`` trained with ``seed`` lives: ``<data>/<name>.pt`` for seed 0,
    ``<data>/<name>.seed<K>.pt`` otherwise (:func:`otgan.runtime.data_dir`, resolved at call time). With
    ``must_exist`` a missing file is a FileNotFoundError naming the command that makes it,
    ``python -m otgan.reproduce --profile book --only <name> [--seed K]``."""
    seed = positive(seed, "seed", integer=True, allow_zero=True)
    make = (f"python -m otgan.reproduce --profile book --only {name}" + (f" --seed {seed}" if seed else "")
            if must_exist else None)
    return data_path(f"{name}.pt" if seed == 0 else f"{name}.seed{seed}.pt", make=make)



def build(name, device=None, checkpoint_path=None, data=None):
    """A :class:`Trainer` for the model ``name`` (made from ``REGISTRY[name]``, a :class:`ModelSpec`, or from a
    :class:`ModelSpec` passed as ``name``: a variant such as the learning-rate sweep's) and its number of steps in
    the active profile.

    Returns
    -------
    trainer : Trainer
    n_steps : int
    """
    if isinstance(name, ModelSpec):
        spec = name
    else:
        known = {**REGISTRY, **VARIANTS}
        choice(name, "name", known)
        spec = known[name]
    dev = device or default_device()
    g, d = spec.nets()
    g_loss, c_loss, hooks = spec.losses()
    real = data if data is not None else load_mnist("train", verbose="once").images
    augment = DiffAugment((spec.augment,), translation=spec.translation) if spec.augment else None
    trainer = Trainer(g.to(dev), None if d is None else d.to(dev), real.to(dev), g_loss, c_loss,
                      opt_generator=_adam(g.parameters(), spec.lr_used, spec.betas),
                      opt_critic=None if d is None else _adam(d.parameters(), spec.lr_used, spec.betas),
                      batch_size=spec.batch_size, n_critic=(0 if d is None else losses.CriticSchedule(spec.n_critic)
                                                            if spec.critic_schedule else spec.n_critic),
                      critic_hooks=hooks, config=spec.config(), checkpoint_path=checkpoint_path,
                      checkpoint_every=500, device=dev, n_generator=spec.n_generator, ema=spec.ema,
                      augment=augment, precision=spec.precision, lr_decay=spec.lr_decay,
                      standing_stats=settings(smoke=4, book=50) if spec.ema is not None else False,
                      budget_s=spec.budget_s if spec.budget_s is not None and profile() == "book" else None)
    return trainer, settings(*spec.steps)


TOY_OPTIMIZERS = ("adam", "sgd")


def toy_direct_trainer(toy, n_projections=50, optimizer="adam", lr=None, batch_size=256, hidden=(128, 128, 128),
                       latent_dim=8, loss=None, device=None):
    """A generator on a 2-D toy trained directly on a critic-free loss, by default the sliced Wasserstein distance
    :math:`SW_2` over ``n_projections`` fresh directions per step (Deshpande et al., 2018).

    ``optimizer`` is ``"adam"`` (lr 1e-3, betas (0.5, 0.999)) or ``"sgd"`` (plain, lr 0.05); ``loss`` replaces
    the sliced loss by any critic-free loss of :mod:`otgan.ot_losses` (e.g. a Sinkhorn loss).
    """
    choice(optimizer, "optimizer", TOY_OPTIMIZERS)
    dev = device or default_device()
    g = nets.MLPGenerator(latent_dim, 2, hidden=hidden).to(dev)
    if optimizer == "adam":
        opt = torch.optim.Adam(g.parameters(), lr=lr or 1e-3, betas=(0.5, 0.999))
    else:
        opt = torch.optim.SGD(g.parameters(), lr=lr or 0.05)
    loss = loss or ot_losses.SlicedLoss(n_projections)
    cfg = {"toy": toy.name, "loss": repr(loss), "optimizer": optimizer, "lr": opt.param_groups[0]["lr"]}
    return Trainer(g, None, toy.sample, loss, n_critic=0, opt_generator=opt, batch_size=batch_size, config=cfg,
                   device=dev)


def toy_otgan_trainer(toy, eps=0.1, n_iter=100, frozen=False, lr=1e-3, batch_size=256, hidden=(128, 128, 128),
                      latent_dim=8, device=None):
    """OT-GAN on a 2-D toy (Salimans et al., 2018): mini-batch energy distance with Sinkhorn on the cosine cost
    between critic features, 3 generator steps per critic step, Adam betas (0.5, 0.999). ``frozen=True`` never
    trains the critic (its random initial features are kept), the paper's frozen-critic experiment."""
    dev = device or default_device()
    g = nets.MLPGenerator(latent_dim, 2, hidden=hidden).to(dev)
    d = nets.MLPCritic(2, hidden=hidden).to(dev)
    loss = ot_losses.OTGANLoss(eps, n_iter)
    cfg = {"toy": toy.name, "loss": repr(loss), "frozen": frozen, "lr": lr}
    return Trainer(g, d, toy.sample, loss, loss.critic_loss(), batch_size=batch_size,
                   n_critic=0 if frozen else 1, n_generator=3,
                   opt_generator=torch.optim.Adam(g.parameters(), lr, betas=(0.5, 0.999)),
                   opt_critic=torch.optim.Adam(d.parameters(), lr, betas=(0.5, 0.999)), config=cfg, device=dev)


def load_or_train(trainer, n_steps, shipped=None, **train_kwargs):
    """In the ``book`` profile, load the shipped checkpoint ``shipped`` into ``trainer``; in ``smoke`` and
    ``full`` (or with ``shipped=None``) train it, resuming from its ``checkpoint_path`` if any. Prints which. The
    policy lives here, not in :class:`Trainer`, which is only the loop and its checkpoints.

    The ``book`` profile never trains a shipped model silently: a missing checkpoint, or one that does not
    match this config and ``n_steps``, is an error naming the command that makes it,
    ``python -m otgan.reproduce --profile book --only NAME``.

    Returns
    -------
    str
        ``"loaded"`` or ``"trained"``.

    Raises
    ------
    FileNotFoundError
        ``book`` profile, ``shipped`` does not exist.
    ValueError
        ``book`` profile, ``shipped`` was made for another config or fewer steps.
    """
    if profile() == "book" and shipped is not None:
        make = f"python -m otgan.reproduce --profile book --only {os.path.splitext(os.path.basename(shipped))[0]}"
        if not os.path.exists(shipped):
            raise FileNotFoundError(f"shipped checkpoint {shipped} is missing: the book profile loads it and does "
                                    f"not train it. Make it with `{make}` (or train from scratch with "
                                    f"OTGAN_PROFILE=full).")
        ckpt = load_checkpoint(shipped, map_location="cpu")
        if ckpt.get("config") == trainer.config and trainer.finished(n_steps, ckpt.get("step", 0),
                                                                     ckpt.get("elapsed", 0.0)):
            trainer.load_exported(shipped)
            print(f"Loaded shipped checkpoint {os.path.basename(shipped)}: {trainer.step} steps, "
                  f"trained in {trainer.elapsed / 60:.1f} min by the project's script.")
            return "loaded"
        raise ValueError(f"shipped checkpoint {shipped} does not match this model's config or step count: "
                         f"remake it with `{make} --force` (or train from scratch with OTGAN_PROFILE=full).")
    trainer.train(n_steps, **train_kwargs)
    print(f"Trained for {trainer.step} steps in {trainer.elapsed:.1f} s on {trainer.device}.")
    return "trained"


def load(names, seed=0, device=None):
    """Each named model: in the ``book`` profile with its shipped checkpoint for training seed ``seed`` loaded
    (:func:`shipped_path`: ``data/<name>.pt`` for seed 0; a missing one is an error naming the command that makes
    it), in ``smoke`` and ``full`` trained for the profile's steps (:func:`load_or_train`); the seed is reset
    before each model, so the result does not depend on the order of ``names``.

    Returns
    -------
    dict
        ``{name: Trainer}`` in the order of ``names``.
    """
    from .runtime import seed_everything

    trainers = {}
    for name in names:
        seed_everything(seed)
        trainer, n_steps = build(name, device=device)
        shipped = shipped_path(name, must_exist=True, seed=seed) if profile() == "book" else None
        # no progress bar for the seconds-long smoke runs: its residue would be left on the built page
        load_or_train(trainer, n_steps, shipped=shipped, progress=profile() != "smoke")
        trainers[name] = trainer
    return trainers
