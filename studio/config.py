"""Typed run configuration: one dataclass per section, each field with its help text and range.

The metadata on each field (help, lo, hi, choices) serves three readers: validate(), the
CLI's `--set key=value`, and the hyperparameter panel, which builds its form from it.
"""
from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from typing import Any

from .families import MODELS  # plain data: families import nothing of the studio

LOSS_NAMES = ("bce", "lsgan", "hinge", "wgan")  # core/losses.py defines each


class ConfigError(ValueError):
    """A bad value; `key` names the field (e.g. "gan.lr_g") so the UI can mark it."""

    def __init__(self, key: str, reason: str):
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.reason = reason


def opt(default, help: str, lo=None, hi=None, choices=None, label: str = "", live: bool = False):
    """A config field. `live`: may change while a run is going and takes effect next step."""
    meta = {"help": help, "lo": lo, "hi": hi, "choices": choices, "label": label, "live": live}
    return field(default=default, metadata=meta)


POINT_SETS = ("ring8", "grid25", "moons", "spiral")
TORCHVISION_SETS = ("mnist", "fashion-mnist", "kmnist", "cifar10", "svhn")  # downloaded once
IMAGE_SETS = ("digits",) + TORCHVISION_SETS + ("folder",)  # folder: data.path, the user's own
MIXTURE_SETS = ("blobs",)  # points drawn from a random true Gaussian mixture (gmm only)
CAPTION_SETS = ("shapes",)  # captioned (text2img); "digits" also gets captions there
PAIR_SETS = ("digits-invert", "digits-colour", "shapes-outline", "folder-pair")  # cyclegan
DATA_SETS = POINT_SETS + IMAGE_SETS + MIXTURE_SETS + CAPTION_SETS + PAIR_SETS


@dataclass
class DataConfig:
    name: str = opt("ring8", "Data set: a generated 2-D set, the offline 8x8 digits, MNIST, "
                             "Fashion-MNIST, KMNIST, CIFAR-10, SVHN (downloaded once), or a "
                             "folder of your own pictures (data.path).",
                             choices=DATA_SETS, label="Data set")
    path: str = opt("", "Your own data: .npz with images (N,H,W) uint8 [and labels], .npz or .csv "
                        "with 2-D points, or a folder of pictures (one sub-folder per class; "
                        "for text to image, with a captions.csv or captions.jsonl). A "
                        "folder holding the named set's files is read as that set.",
                        label="Own data (file/folder)")
    limit: int = opt(0, "Use at most this many images (a random subset; 0 = all).",
                        lo=0, hi=10_000_000, label="Use at most (images)")
    n_points: int = opt(20000, "How many points to generate for a 2-D set.",
                               lo=100, hi=2_000_000, label="Points")
    image_size: int = opt(28, "Side of the square images the model sees (digits are upsampled). "
                              "The networks grow with it: one up/down-sampling block per "
                              "doubling.", lo=8, hi=256, label="Image size")
    crop: str = opt("centre", "How a folder's pictures become squares: centre (crop the middle "
                              "square, then resize) or none (resize the whole picture, which "
                              "changes its proportions). Pictures are decoded once into the "
                              "cache.", choices=("centre", "none"), label="Crop")
    flip: bool = opt(False, "Mirror a random half of each batch left-right: twice the variety "
                            "for photos whose left and right mean the same (not for text or "
                            "digits).", label="Random flip")


@dataclass
class TrainConfig:
    steps: int = opt(5000, "Training steps (one step = one generator update).",
                           lo=1, hi=10_000_000, label="Steps")
    batch_size: int = opt(256, "Examples per step.", lo=1, hi=65536, label="Batch size")
    seed: int = opt(0, "Random seed: the same seed gives the same run.",
                       lo=0, hi=2**31 - 1, label="Seed")
    device: str = opt("auto", "Where to train: auto picks cuda, then mps, then cpu.",
                              choices=("auto", "cpu", "cuda", "mps"), label="Device")
    precision: str = opt("fp32", "Arithmetic: fp32, or bf16 mixed precision (matrix products and "
                                 "convolutions in bfloat16; needs a recent GPU or the CPU). bf16 "
                                 "saves memory; the studio's models are too small to run faster "
                                 "with it.", choices=("fp32", "bf16"), label="Precision")
    compile: bool = opt(False, "Compile the networks with torch.compile: the first steps wait for "
                               "the compiler (tens of seconds), later ones may run faster. Needs "
                               "a C++ compiler on the CPU. If compiled steps fail, the run goes "
                               "on uncompiled and says so.", label="Compile (torch.compile)")
    preview_every: int = opt(100, "Redraw samples every N steps.",
                                  lo=1, hi=1_000_000, label="Preview every")
    checkpoint_every: int = opt(1000, "Write checkpoint.pt every N steps.",
                                      lo=1, hi=10_000_000, label="Checkpoint every")
    autosave_minutes: float = opt(5.0, "Also write checkpoint.pt at least this often while "
                                       "training (minutes), so a crash loses little.",
                                       lo=0.1, hi=1440.0, label="Autosave (minutes)")


@dataclass
class GANConfig:
    latent_dim: int = opt(16, "Size of the noise vector z the generator starts from.",
                              lo=1, hi=1024, label="Latent dim")
    hidden: int = opt(256, "Width of each hidden layer of G and D.",
                           lo=4, hi=8192, label="Hidden width")
    layers: int = opt(3, "Hidden layers in G and in D.", lo=1, hi=12, label="Hidden layers")
    lr_g: float = opt(2e-4, "Generator learning rate (Adam). Typical 1e-4 to 1e-3.",
                            lo=1e-7, hi=1.0, live=True, label="Learning rate G")
    lr_d: float = opt(2e-4, "Discriminator learning rate (Adam). Typical 1e-4 to 1e-3.",
                            lo=1e-7, hi=1.0, live=True, label="Learning rate D")
    beta1: float = opt(0.5, "Adam beta1 (momentum); GANs like 0.5 or lower.",
                            lo=0.0, hi=0.999, live=True, label="Adam beta1")
    beta2: float = opt(0.999, "Adam beta2.", lo=0.0, hi=0.9999, live=True, label="Adam beta2")
    d_steps: int = opt(1, "Discriminator updates per generator update.",
                          lo=1, hi=20, live=True, label="D steps per G step")
    lr_decay_from: float = opt(1.0, "When both learning rates start to fall, as a fraction of the "
                                    "run: from there they decrease linearly to zero at the last "
                                    "step, which sharpens the final samples. 1 = never.",
                                    lo=0.0, hi=1.0, live=True, label="Learning rates fall from")
    arch: str = opt("mlp", "Network type: mlp (fully connected) or dcgan (transposed convolutions "
                           "in G, strided convolutions in D; images only).",
                           choices=("mlp", "dcgan"), label="Architecture")
    width: int = opt(64, "DCGAN base width: channels of G's last and D's first conv layer "
                         "(doubled each layer).", lo=4, hi=512, label="Conv width (DCGAN)")
    depth: int = opt(0, "DCGAN: extra 3x3 convolution layers at each resolution of G and D "
                        "(0 = the paper's one layer per scale; 1 draws cleaner strokes for "
                        "about 1.5x the time).", lo=0, hi=4, label="Layers per scale")
    conditional: bool = opt(False, "Conditional GAN: the class label joins G's noise and D's "
                                   "input, so you can ask for a class (needs labelled data).",
                                   label="Conditional (label)")
    embed_dim: int = opt(0, "How the label is given: 0 = one-hot vector; >0 = a learned embedding "
                            "of this size.", lo=0, hi=1024, label="Label embedding (0 = one-hot)")
    aux_weight: float = opt(0.0, "Conditional DCGAN: weight of an auxiliary classifier in D "
                                 "that names each image's class, which G is trained to satisfy "
                                 "(AC-GAN): samples follow the asked label more closely "
                                 "(0 = off; 1 typical).", lo=0.0, hi=100.0,
                                 label="Class loss (AC-GAN)")
    loss: str = opt("bce", "GAN loss: bce (classic, non-saturating), lsgan (least squares, "
                           "smoother gradients), hinge (used by SNGAN/BigGAN), wgan (needs "
                           "gp_weight > 0).", choices=LOSS_NAMES, live=True, label="Loss")
    label_smoothing: float = opt(0.0, "One-sided label smoothing: D aims for 1 - s on real images "
                                      "instead of 1, so it grows less over-confident (bce and "
                                      "lsgan only). Typical 0.1.",
                                      lo=0.0, hi=0.5, live=True, label="Label smoothing")
    instance_noise: float = opt(0.0, "Instance noise: std of Gaussian noise added to D's real and "
                                     "fake inputs at the start, annealed to 0; makes D's task "
                                     "harder early on (0 = off).",
                                     lo=0.0, hi=10.0, live=True, label="Instance noise")
    instance_noise_steps: int = opt(2000, "Steps over which the instance noise fades linearly to "
                                          "zero.",
                                          lo=1, hi=10_000_000, live=True, label="Noise fade steps")
    r1_gamma: float = opt(0.0, "R1 penalty weight: penalises D's gradient on real data, keeping D "
                               "smooth (0 = off; typical 0.1 for 28-32 px, up to 10 for larger "
                               "images).", lo=0.0, hi=1000.0, live=True, label="R1 penalty")
    gp_weight: float = opt(0.0, "WGAN-GP gradient penalty weight: pushes D's gradient norm "
                                "towards 1 between real and fake (0 = off; typical 10 with the "
                                "wgan loss). Set before Start: D drops batch norm.",
                                lo=0.0, hi=1000.0, label="Gradient penalty")
    pack: int = opt(1, "PacGAN packing: D judges groups of this many samples at once, so it can "
                       "spot a generator that makes the same thing twice (1 = off; 2-4 fights "
                       "mode collapse).", lo=1, hi=8, label="Packing (PacGAN)")
    spectral_norm: bool = opt(False, "Spectral normalisation on D's layers: bounds how fast D can "
                                     "change (SNGAN); replaces batch norm in D.",
                                     label="Spectral norm (D)")
    minibatch_std: bool = opt(False, "Minibatch standard deviation feature in D: lets D see how "
                                     "varied a batch is, which discourages mode collapse "
                                     "(ProGAN).", label="Minibatch std (D)")
    ema: float = opt(0.0, "Samples come from an exponential moving average of G's weights with "
                          "this decay (0 = off; 0.999 typical): steadier, cleaner pictures than "
                          "the last step's G. Set before Start.",
                          lo=0.0, hi=0.9999, label="Weight average (EMA)")
    truncation: float = opt(1.0, "Samples and previews draw their noise z from N(0, t²) with this "
                                 "t (training always uses 1): below 1, fewer odd samples and less "
                                 "variety (the truncation trick); 1 = as trained.",
                            lo=0.1, hi=2.0, live=True, label="Sample truncation")
    model_file: str = opt("", "Your own networks: a Python file that defines generator(...) and "
                              "discriminator(...) (see the README). Empty = the studio's own "
                              "networks, sized by the fields above.", label="Model file (.py)")


@dataclass
class VAEConfig:
    latent_dim: int = opt(8, "Size of the latent code z (2 lets the explorer show it directly).",
                             lo=2, hi=64, label="Latent dim")
    arch: str = opt("mlp", "Encoder/decoder: fully connected (mlp) or convolutional (conv).",
                           choices=("mlp", "conv"), label="Architecture")
    hidden: int = opt(256, "Width of the hidden layers (mlp) or of the dense layer (conv).",
                           lo=8, hi=8192, label="Hidden width")
    channels: int = opt(32, "Channels of the first conv layer (conv only; doubled after).",
                            lo=4, hi=512, label="Conv channels")
    recon: str = opt("bce", "Reconstruction loss, summed over pixels: bce (pixels as "
                            "probabilities) or mse.",
                            choices=("bce", "mse"), label="Reconstruction")
    beta: float = opt(1.0, "Weight of the KL term (VAE). 0 gives an autoencoder; >1 a smoother, "
                           "blurrier beta-VAE.",
                           lo=0.0, hi=100.0, live=True, label="Beta (KL weight)")
    warmup_steps: int = opt(500, "Steps over which beta ramps up from 0 (avoids early posterior "
                                 "collapse).",
                                 lo=0, hi=10_000_000, live=True, label="Beta warm-up steps")
    logvar_floor: float = opt(-6.0, "Smallest log-variance the encoder can output (keeps the "
                                    "posterior from collapsing to a point).",
                                    lo=-20.0, hi=2.0, label="Log-variance floor")
    sample_from: str = opt("prior", "Where `main.py sample` and `evaluate` take their codes: "
                                    "prior draws z ~ N(0, I), which a long run makes "
                                    "work; codes draws from a mixture of 10 Gaussians fitted by EM "
                                    "to the codes of the training images (two-stage VAE), which "
                                    "decodes to clean pictures after a short run too. The "
                                    "previews and a conditional model use the prior.",
                                    choices=("prior", "codes"), label="Sample codes from")
    conditional: bool = opt(False, "Conditional VAE: the label joins encoder and decoder inputs "
                                   "(needs labelled data).", label="Conditional (label)")
    lr: float = opt(1e-3, "Learning rate (Adam).",
                          lo=1e-7, hi=1.0, live=True, label="Learning rate")
    model_file: str = opt("", "Your own networks: a Python file that defines encoder(...) and "
                              "decoder(...) (see the README). Empty = the studio's own "
                              "networks, sized by the fields above.", label="Model file (.py)")


@dataclass
class GMMConfig:
    k: int = opt(4, "Number of Gaussian components K (an init file sets its own K).",
                    lo=1, hi=64, label="Components K")
    covariance_type: str = opt("full", "Shape of each covariance: full, tied (one shared), diag "
                                       "(axis-aligned) or spherical (round).",
                                       choices=("full", "tied", "diag", "spherical"),
                                       label="Covariance")
    reg_covar: float = opt(1e-6, "Added to each covariance diagonal so it stays invertible (as "
                                 "scikit-learn).", lo=0.0, hi=1e3, label="reg_covar")
    tol: float = opt(1e-3, "Stop when the mean log-likelihood changes by less than this.",
                           lo=0.0, hi=1e3, label="Tolerance")
    init: str = opt("kmeans++", "Starting parameters: k-means++ seeds, random responsibilities, "
                                "or means at random data points.",
                                choices=("kmeans++", "random", "random_from_data"),
                                label="Initialisation")
    init_file: str = opt("", "A .npz with weights (K,), means (K,d), covariances (K,d,d) to start "
                             "from. Overrides gmm.init and gmm.k.", label="Start from file")
    true_k: int = opt(4, "Components of the true mixture that data.name=blobs draws from.",
                         lo=1, hi=32, label="True components")
    dim: int = opt(2, "Dimension of the points data.name=blobs draws (1 or 2).",
                      lo=1, hi=2, label="Dimensions")


@dataclass
class CycleGANConfig:
    width: int = opt(16, "Channels of each generator's first layer (doubled by each of its "
                         "downsamplings).", lo=4, hi=256, label="Generator width")
    blocks: int = opt(3, "Residual blocks in each generator (the paper uses 6 to 9 for 256 px "
                         "photos).", lo=1, hi=12, label="Residual blocks")
    downsample: int = opt(2, "Stride-2 downsamplings in each generator before its residual "
                             "blocks (the paper's 2; fewer keep small images' strokes: at 16 px, 2 "
                             "squeeze them through 4x4).",
                             lo=0, hi=4, label="Generator downsamplings")
    norm: str = opt("instance", "Normalisation in each generator: instance (the paper's) or none "
                                "(each pixel's colour then does not hang on the whole picture's "
                                "statistics, so unseen pictures keep their colours).",
                    choices=("instance", "none"), label="Generator normalisation")
    d_width: int = opt(32, "Channels of each PatchGAN discriminator's first layer.",
                           lo=4, hi=256, label="Discriminator width")
    d_layers: int = opt(2, "Stride-2 layers in each discriminator: more = larger patches (3 is "
                           "the paper's 70x70 PatchGAN).",
                           lo=1, hi=5, label="D layers (patch size)")
    lambda_cycle: float = opt(10.0, "Weight of the cycle loss |F(G(a)) - a| + |G(F(b)) - b|: how "
                                    "strongly a translation must keep the content.",
                                    lo=0.0, hi=100.0, label="Cycle weight", live=True)
    lambda_identity: float = opt(0.5, "Weight of the identity loss |G(b) - b| + |F(a) - a|, as a "
                                      "fraction of the cycle weight (keeps colours; 0 = off).",
                                      lo=0.0, hi=10.0, label="Identity weight", live=True)
    lr: float = opt(2e-4, "Learning rate (Adam) of all four networks.",
                          lo=1e-7, hi=1.0, live=True, label="Learning rate")
    beta1: float = opt(0.5, "Adam beta1.", lo=0.0, hi=0.999, live=True, label="Adam beta1")
    lr_decay_from: float = opt(0.5, "When the learning rate starts to fall, as a fraction of the "
                                    "run: from there it decreases linearly to zero at the last "
                                    "step, as in the paper (0.5). 1 = never.",
                                    lo=0.0, hi=1.0, live=True, label="Learning rate falls from")
    pool_size: int = opt(50, "Past fakes each discriminator is shown again (image pool); 0 = only "
                             "the newest.", lo=0, hi=1000, label="Image pool size")


@dataclass
class Text2ImgConfig:
    latent_dim: int = opt(32, "Size of the noise vector z that varies images of one caption.",
                              lo=1, hi=512, label="Noise dim")
    width: int = opt(32, "DCGAN base width of G and D.", lo=4, hi=512, label="Conv width")
    word_dim: int = opt(64, "Size of each word's learned embedding.",
                            lo=4, hi=1024, label="Word embedding")
    text_dim: int = opt(128, "Size of the caption embedding (a two-way GRU over the words, "
                             "pooled by attention).",
                             lo=8, hi=2048, label="Caption embedding")
    cond_dim: int = opt(64, "The caption embedding is compressed to this size before it joins G's "
                            "noise and D's features.", lo=4, hi=1024, label="Caption to G/D")
    lr_g: float = opt(4e-4, "Generator learning rate (Adam).",
                            lo=1e-7, hi=1.0, live=True, label="Learning rate G")
    lr_d: float = opt(6e-4, "Discriminator and text encoder learning rate (Adam).",
                            lo=1e-7, hi=1.0, live=True, label="Learning rate D + text")
    beta1: float = opt(0.5, "Adam beta1.", lo=0.0, hi=0.999, live=True, label="Adam beta1")
    match_weight: float = opt(1.0, "Weight of the contrastive image-caption matching loss (each "
                                   "picture must fit its own caption better than the batch's "
                                   "others); 0 = plain GAN-CLS.",
                                   lo=0.0, hi=100.0, live=True, label="Matching loss weight")
    word_noise: float = opt(0.5, "Share of training captions reworded on the fly: unknown and "
                                 "filler words put in, words dropped, neighbours swapped, so "
                                 "captions as people type them still work; 0 = the data's "
                                 "wording only.",
                            lo=0.0, hi=1.0, live=True, label="Caption rewording")
    diversity_weight: float = opt(0.2, "Weight of the mode-seeking term (MSGAN): two noises with "
                                       "one caption must give different pictures, so what the "
                                       "caption leaves open (size, place) varies; 0 = off.",
                                  lo=0.0, hi=100.0, live=True, label="Diversity weight")


@dataclass
class RunConfig:
    model: str = opt("gan", "Model family.", choices=MODELS, label="Model")
    data: DataConfig = field(default_factory=DataConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    gan: GANConfig = field(default_factory=GANConfig)
    gmm: GMMConfig = field(default_factory=GMMConfig)
    vae: VAEConfig = field(default_factory=VAEConfig)
    cyclegan: CycleGANConfig = field(default_factory=CycleGANConfig)
    text2img: Text2ImgConfig = field(default_factory=Text2ImgConfig)

    # -- (de)serialisation --------------------------------------------------------------
    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "RunConfig":
        cfg = cls()
        if not isinstance(d, dict):
            raise ConfigError("config", "must be a JSON object")
        for key, value in d.items():
            if key not in _sections(cfg) and key != "model":
                raise ConfigError(key, "unknown section")
            if isinstance(value, dict):
                for sub, v in value.items():
                    cfg.set(f"{key}.{sub}", v)
            else:
                cfg.set(key, value)
        return cfg

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def copy(self) -> "RunConfig":
        return RunConfig.from_dict(self.to_dict())

    # -- access by dotted key ------------------------------------------------------------
    def field_info(self, key: str) -> tuple[Any, dataclasses.Field]:
        """(owner object, dataclass field) for "section.name" or "model"."""
        parts = key.split(".")
        owner: Any = self
        for p in parts[:-1]:
            if p not in _sections(owner):
                raise ConfigError(key, "unknown setting")
            owner = getattr(owner, p)
        fields = {f.name: f for f in dataclasses.fields(owner)}
        f = fields.get(parts[-1])
        if f is None or f.name in _sections(owner):
            raise ConfigError(key, "unknown setting")
        return owner, f

    def get(self, key: str):
        owner, f = self.field_info(key)
        return getattr(owner, f.name)

    def set(self, key: str, value) -> None:
        """Set a field from a string or a value of the right type; raises ConfigError."""
        owner, f = self.field_info(key)
        setattr(owner, f.name, _coerce(key, f, value))

    def keys(self) -> list[str]:
        out = ["model"]
        for name in _sections(self):
            out += [f"{name}.{f.name}" for f in dataclasses.fields(getattr(self, name))]
        return out

    # -- validation ------------------------------------------------------------------------
    def errors(self) -> dict[str, str]:
        """Every bad field, key -> reason (empty when the config is valid)."""
        errs: dict[str, str] = {}
        for key in self.keys():
            owner, f = self.field_info(key)
            reason = _check(f, getattr(owner, f.name))
            if reason:
                errs[key] = reason
        if self.train.batch_size > self.data.n_points and not self.data.path \
                and self.data.name in POINT_SETS:
            errs.setdefault("train.batch_size",
                            f"larger than the data set ({self.data.n_points} points)")
        if self.model == "gan" and self.gan.loss == "wgan" and self.gan.gp_weight <= 0 \
                and not self.gan.spectral_norm:
            # An unconstrained critic's scores grow without bound.
            errs.setdefault("gan.gp_weight", "the wgan loss needs a gradient penalty (try 10) "
                                             "or spectral norm")
        return errs

    def validate(self) -> "RunConfig":
        errs = self.errors()
        if errs:
            key, reason = next(iter(errs.items()))
            raise ConfigError(key, reason)
        return self


def label(key: str) -> str:
    """The form's short name of a setting (English; the window translates it)."""
    return RunConfig().field_info(key)[1].metadata.get("label") or key


# What a resumed run may change besides the live fields: how long and where it trains, and
# how often it saves. The rest shapes the model or its data (a checkpoint would not fit) or
# is the random state the checkpoint continues (the seed).
RESUME_KEYS = ("train.steps", "train.device", "train.batch_size", "train.precision",
               "train.compile", "train.preview_every", "train.checkpoint_every",
               "train.autosave_minutes", "data.path", "data.flip")


def can_change_on_resume(cfg: RunConfig, key: str) -> bool:
    return key in RESUME_KEYS or bool(cfg.field_info(key)[1].metadata.get("live"))


def fixed_changes(old: RunConfig, new: RunConfig) -> list[str]:
    """The keys of `old`'s model whose values differ in `new` and cannot change on resume."""
    from .families import family

    if old.model != new.model:
        return ["model"]
    mine = ("data", "train", family(old.model).section)
    return [k for k in old.keys() if k.split(".")[0] in mine and old.get(k) != new.get(k)
            and not can_change_on_resume(old, k)]


def _sections(obj) -> list[str]:
    return [f.name for f in dataclasses.fields(obj) if dataclasses.is_dataclass(f.type)
            or (isinstance(f.type, str) and f.type.endswith("Config"))]


def _coerce(key: str, f: dataclasses.Field, value):
    kind = f.type if isinstance(f.type, str) else f.type.__name__
    try:
        if kind == "bool":
            if isinstance(value, str):
                low = value.strip().lower()
                if low not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                    raise ValueError
                return low in ("1", "true", "yes", "on")
            if not isinstance(value, (bool, int)):
                raise ValueError
            return bool(value)
        if kind == "int":
            if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
                raise ValueError
            if isinstance(value, str):
                value = value.strip()
                return int(float(value)) if "e" in value.lower() and float(value).is_integer() \
                    else int(value)
            return int(value)
        if kind == "float":
            if isinstance(value, bool):
                raise ValueError
            v = float(value.strip() if isinstance(value, str) else value)
            return v
        if kind == "str":
            if not isinstance(value, str):
                raise ValueError
            return value
    except (ValueError, TypeError, OverflowError):
        raise ConfigError(key, f"expected {'a number' if kind in ('int', 'float') else kind}"
                               f", got {str(value)[:40]!r}") from None
    raise ConfigError(key, f"unsupported type {kind}")


def _check(f: dataclasses.Field, value) -> str:
    m = f.metadata
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number"
    if m.get("choices") and value not in m["choices"]:
        return f"must be one of {', '.join(map(str, m['choices']))}"
    if m.get("lo") is not None and value < m["lo"]:
        return f"must be at least {m['lo']}"
    if m.get("hi") is not None and value > m["hi"]:
        return f"must be at most {m['hi']}"
    return ""
