"""Named, tested starting points: a model, a data set and hyperparameters that work."""
from __future__ import annotations

from dataclasses import dataclass, field

from .config import RunConfig


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    settings: dict = field(default_factory=dict)  # dotted key -> value, applied to defaults

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


_ALL = [
    Preset("gan-ring8", "A GAN learns a ring of 8 tight Gaussians (2-D, about a minute on CPU).", {
        "model": "gan", "data.name": "ring8", "gan.latent_dim": 2, "gan.hidden": 256,
        "gan.layers": 3, "gan.lr_g": 1e-4, "gan.lr_d": 1e-4, "train.batch_size": 256,
        "train.steps": 5000, "train.preview_every": 100}),
    Preset("gan-grid25", "A GAN learns a 5x5 grid of Gaussians (2-D, harder: 25 modes).", {
        "model": "gan", "data.name": "grid25", "gan.latent_dim": 2, "gan.hidden": 256,
        "gan.layers": 3, "gan.lr_g": 1e-4, "gan.lr_d": 1e-4, "train.batch_size": 256,
        "train.steps": 8000, "train.preview_every": 100}),
    Preset("gan-digits", "An MLP GAN draws handwritten digits (scikit-learn's, offline).", {
        "model": "gan", "data.name": "digits", "data.image_size": 16, "gan.latent_dim": 32,
        "gan.hidden": 256, "gan.layers": 2, "gan.lr_g": 2e-4, "gan.lr_d": 2e-4,
        "train.batch_size": 128, "train.steps": 4000, "train.preview_every": 100}),
]

PRESETS: dict[str, Preset] = {p.name: p for p in _ALL}
DEFAULT_PRESET = "gan-ring8"
