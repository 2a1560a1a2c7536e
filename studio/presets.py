"""Named, tested starting points: a model, a data set and hyperparameters that work."""
from __future__ import annotations

from dataclasses import dataclass, field

from .config import RunConfig


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    settings: dict = field(default_factory=dict)  # dotted key -> value, applied to defaults
    # Minutes the whole run takes on a 2-core CPU training with one thread (as the window
    # does there), measured by tools/time_presets.py; None: not measured. The gallery and
    # `main.py presets` both show this.
    cpu_minutes: float | None = None

    def config(self) -> RunConfig:
        cfg = RunConfig()
        for key, value in self.settings.items():
            cfg.set(key, value)
        return cfg

    @property
    def model(self) -> str:
        return self.settings.get("model", "gan")

    @property
    def data(self) -> str:
        return self.settings.get("data.name", "ring8")


# The 2-D recipe (both point presets): PacGAN's pairs keep every mode; the falling learning
# rates sharpen the points onto them.
_GAN_2D = {"model": "gan", "gan.latent_dim": 2, "gan.hidden": 128, "gan.layers": 3,
           "gan.lr_g": 2e-4, "gan.lr_d": 2e-4, "gan.pack": 2, "gan.lr_decay_from": 0.5,
           "train.batch_size": 128, "train.steps": 50000, "train.preview_every": 100}

# The DCGAN recipe for 28 px digits, measured on real MNIST (README, "Image quality on real
# MNIST"): one extra 3x3 layer per scale, samples from a weight average, faster Adam; the
# conditional one with an auxiliary classifier in D (AC-GAN).
_DCGAN_28 = {"model": "gan", "data.image_size": 28, "gan.arch": "dcgan", "gan.width": 32,
             "gan.latent_dim": 64, "gan.depth": 1, "gan.ema": 0.99, "gan.lr_g": 5e-4,
             "gan.lr_d": 5e-4, "gan.beta1": 0.5, "train.batch_size": 64}
# Truncation 0.9: more samples read as the asked digit, and a lower Fréchet distance too
# (unconditional DCGANs gained neither; README, "Image quality on real MNIST").
_CGAN_28 = {**_DCGAN_28, "gan.conditional": True, "gan.aux_weight": 1.0, "gan.lr_g": 4e-4,
            "gan.lr_d": 4e-4, "gan.truncation": 0.9}

_ALL = [
    Preset("gan-ring8", "A GAN learns a ring of 8 tight Gaussians (2-D).",
           {**_GAN_2D, "data.name": "ring8"},
           cpu_minutes=3.9),
    Preset("gan-grid25", "A GAN learns a 5x5 grid of Gaussians (2-D, harder: 25 modes).",
           {**_GAN_2D, "data.name": "grid25"},
           cpu_minutes=3.4),
    Preset("gan-digits", "An MLP GAN draws handwritten digits (scikit-learn's, offline).", {
        "model": "gan", "data.name": "digits", "data.image_size": 16, "gan.latent_dim": 32,
        "gan.hidden": 256, "gan.layers": 2, "gan.lr_g": 2e-4, "gan.lr_d": 2e-4,
        "train.batch_size": 128, "train.steps": 4000, "train.preview_every": 100},
           cpu_minutes=1.2),
    Preset("dcgan-digits", "A DCGAN (transposed convolutions) draws digits at 28x28 from "
           "scikit-learn's 8x8 digits (offline).", {
        **_DCGAN_28, "data.name": "digits", "train.steps": 2000, "train.preview_every": 50},
           cpu_minutes=8.1),
    Preset("cgan-digits", "A conditional DCGAN: ask for a digit and it draws that digit "
           "(offline digits, one row per class).", {
        **_CGAN_28, "data.name": "digits", "train.steps": 2000, "train.preview_every": 50},
           cpu_minutes=7.2),
    Preset("dcgan-mnist", "A DCGAN on MNIST (downloaded once, 11 MB).", {
        **_DCGAN_28, "data.name": "mnist", "gan.depth": 2, "gan.lr_g": 4e-4, "gan.lr_d": 4e-4,
        "train.steps": 5000, "train.preview_every": 100},
           cpu_minutes=22.8),
    Preset("cgan-mnist", "A conditional DCGAN on MNIST: one row per digit (downloaded once).", {
        **_CGAN_28, "data.name": "mnist", "gan.depth": 2, "train.steps": 5000,
        "train.preview_every": 100},
           cpu_minutes=20.2),
    Preset("dcgan-cifar10", "A DCGAN on CIFAR-10 colour photos at 32x32 (downloaded once, "
           "170 MB; wants a GPU).", {
        "model": "gan", "data.name": "cifar10", "data.image_size": 32, "gan.arch": "dcgan",
        "gan.width": 64, "gan.latent_dim": 100, "gan.lr_g": 2e-4, "gan.lr_d": 2e-4,
        "gan.beta1": 0.5, "train.batch_size": 128, "train.steps": 20000,
        "train.preview_every": 200},
           cpu_minutes=297.6),
    Preset("dcgan-folder-64", "A DCGAN on a folder of your own pictures at 64x64 (set "
           "data.path; decoded once into the cache; wants a GPU).", {
        "model": "gan", "data.name": "folder", "data.image_size": 64, "data.flip": True,
        "gan.arch": "dcgan", "gan.width": 64, "gan.latent_dim": 100, "gan.lr_g": 2e-4,
        "gan.lr_d": 2e-4, "gan.beta1": 0.5, "train.batch_size": 128, "train.steps": 20000,
        "train.preview_every": 200},
           cpu_minutes=1852.6),
    Preset("gmm-blobs", "EM fits 4 Gaussians to points drawn from a known mixture (2-D).", {
        "model": "gmm", "data.name": "blobs", "data.n_points": 2000, "gmm.true_k": 4,
        "gmm.k": 4, "gmm.covariance_type": "full", "gmm.init": "kmeans++",
        "train.steps": 200, "train.preview_every": 10},
           cpu_minutes=0.1),
    Preset("gmm-ring", "EM fits 8 round Gaussians to the ring of 8 (2-D).", {
        "model": "gmm", "data.name": "ring8", "data.n_points": 2000, "gmm.k": 8,
        "gmm.covariance_type": "spherical", "gmm.init": "kmeans++", "train.steps": 300,
        "train.preview_every": 10},
           cpu_minutes=0.1),
    Preset("ae-digits", "An autoencoder with a 2-D code on the offline digits: explore its "
           "latent space (random codes decode poorly).", {
        "model": "ae", "data.name": "digits", "data.image_size": 16, "vae.latent_dim": 2,
        "vae.arch": "mlp", "vae.hidden": 256, "vae.lr": 1e-3, "train.batch_size": 128,
        "train.steps": 3000, "train.preview_every": 100},
           cpu_minutes=0.8),
    Preset("vae-digits", "A VAE with a 2-D latent on the offline digits: drag in the explorer "
           "to decode any point.", {
        "model": "vae", "data.name": "digits", "data.image_size": 16, "vae.latent_dim": 2,
        "vae.arch": "mlp", "vae.hidden": 256, "vae.beta": 1.0, "vae.warmup_steps": 300,
        "vae.lr": 1e-3, "train.batch_size": 128, "train.steps": 3000,
        "train.preview_every": 100},
           cpu_minutes=0.5),
    Preset("ae-vs-vae-digits", "An AE and a VAE of the same architecture trained side by side "
           "on the digits; the same random codes decoded by both.", {
        "model": "ae-vs-vae", "data.name": "digits", "data.image_size": 16,
        "vae.latent_dim": 8, "vae.arch": "mlp", "vae.hidden": 256, "vae.warmup_steps": 300,
        "train.batch_size": 128, "train.steps": 3000, "train.preview_every": 100},
           cpu_minutes=0.6),
    Preset("vae-mnist", "A convolutional VAE on MNIST with a 16-D latent (downloaded once).", {
        "model": "vae", "data.name": "mnist", "data.image_size": 28, "vae.latent_dim": 16,
        "vae.arch": "conv", "vae.channels": 32, "vae.hidden": 256, "vae.warmup_steps": 500,
        "vae.lr": 1e-3, "vae.sample_from": "codes", "train.batch_size": 128,
        "train.steps": 5000, "train.preview_every": 100},
           cpu_minutes=13.4),
    Preset("vae-folder-64", "A convolutional VAE on a folder of your own pictures at 64x64 "
           "with a 64-D latent (set data.path; decoded once into the cache).", {
        "model": "vae", "data.name": "folder", "data.image_size": 64, "data.flip": True,
        "vae.latent_dim": 64, "vae.arch": "conv", "vae.channels": 32, "vae.hidden": 512,
        "vae.warmup_steps": 1000, "vae.lr": 1e-3, "vae.sample_from": "codes",
        "train.batch_size": 64, "train.steps": 20000, "train.preview_every": 200},
           cpu_minutes=101.5),
    Preset("cyclegan-digits-colour", "CycleGAN translates white-on-black digits to orange-on-navy "
           "and back without paired examples; each digit keeps its shape (offline, 16 px).", {
        "model": "cyclegan", "data.name": "digits-colour", "data.image_size": 16,
        # Full resolution and no normalisation: the map is a per-pixel recolouring, and
        # MNIST digits it never saw keep their shape and colours (tools/check_cyclegan_mnist.py).
        "cyclegan.width": 16, "cyclegan.blocks": 3, "cyclegan.downsample": 0,
        "cyclegan.norm": "none", "cyclegan.d_width": 32,
        "cyclegan.d_layers": 2, "train.batch_size": 8, "train.steps": 1500,
        "train.preview_every": 25},
           cpu_minutes=7.8),
    Preset("cyclegan-folders", "CycleGAN between two folders of your own pictures: set "
           "data.path to a folder holding sub-folders A and B (unpaired, 32 px).", {
        "model": "cyclegan", "data.name": "folder-pair", "data.image_size": 32,
        "cyclegan.width": 16, "cyclegan.blocks": 4, "cyclegan.d_width": 32,
        "cyclegan.d_layers": 2, "train.batch_size": 4, "train.steps": 5000,
        "train.preview_every": 50},
           cpu_minutes=23.5),
    Preset("cyclegan-folders-128", "CycleGAN between two folders of your own pictures at "
           "128x128, as in the paper: a ResNet-6 generator and the 70x70 PatchGAN (set "
           "data.path to a folder holding A and B; wants a GPU).", {
        "model": "cyclegan", "data.name": "folder-pair", "data.image_size": 128,
        "data.flip": True, "cyclegan.width": 32, "cyclegan.blocks": 6, "cyclegan.d_width": 64,
        "cyclegan.d_layers": 3, "train.batch_size": 1, "train.steps": 20000,
        "train.preview_every": 100},
           cpu_minutes=594.8),
    Preset("text2img-shapes", "Text to image: type \"a small red circle in the top left\" or "
           "\"一个蓝色的大方块\" and the GAN draws it (offline captioned shapes, 32 px).", {
        "model": "text2img", "data.name": "shapes", "data.image_size": 32,
        "text2img.width": 32, "train.batch_size": 64, "train.steps": 3000,
        "train.preview_every": 50},
           cpu_minutes=15.6),
    Preset("text2img-digits", "Text to image on the offline digits: \"the digit seven\", "
           "\"数字七\" (16 px).", {
        "model": "text2img", "data.name": "digits", "data.image_size": 16,
        "text2img.width": 32, "train.batch_size": 64, "train.steps": 2000,
        "train.preview_every": 50},
           cpu_minutes=2.8),
]

PRESETS: dict[str, Preset] = {p.name: p for p in _ALL}
DEFAULT_PRESET = "gan-ring8"
