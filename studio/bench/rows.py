"""The rows `main.py bench` measures: a preset and the overrides that make the row."""
from __future__ import annotations

import os

from ..presets import PRESETS

TINY_ENV = "GENERATIVE_STUDIO_BENCH_TINY"  # tests: a few steps per loop, numbers meaningless

# name -> (title, preset, overrides)
ROWS = {
    "dcgan28": ("DCGAN 28x28 digits, batch 128", "dcgan-digits",
                {"train.batch_size": 128, "data.image_size": 28}),
    "dcgan32": ("DCGAN 32x32 digits, batch 128", "dcgan-digits",
                {"train.batch_size": 128, "data.image_size": 32}),
    "vae": ("VAE (MLP) 16x16 digits, batch 128", "vae-digits", {}),
    # Where per-step overhead dominates: a browser-demo-sized MLP (GAN Lab's are this small).
    "gan2d": ("2-D GAN ring of 8, MLP 2x32, batch 256", "gan-ring8",
              {"gan.hidden": 32, "gan.layers": 2, "gan.pack": 1, "train.batch_size": 256}),
    # The preset as users run it (3x128, PacGAN pairs): compute-bound on a CPU thread.
    "gan2d-preset": ("2-D GAN gan-ring8 preset, batch 128", "gan-ring8", {}),
}
QUICK_ROWS = ("dcgan28", "vae", "gan2d")
TINY_ROWS = ("dcgan28",)  # the tests: every loop of one row (the rows differ only in config)


def has_qt() -> bool:
    """Whether the window loop (c) and the start-up time can be measured here: a GPU server
    may have torch but no Qt; the other loops still are."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("PySide6", "pyqtgraph"))


def row_config(name: str, device: str):
    _, preset, overrides = ROWS[name]
    cfg = PRESETS[preset].config()
    for k, v in {**overrides, "train.device": device}.items():
        cfg.set(k, v)
    if os.environ.get(TINY_ENV):  # the tests check the bench's plumbing, not its numbers
        cfg.set("train.batch_size", min(cfg.train.batch_size, 16))
    return cfg.validate()


def default_threads() -> int:
    # What the window uses: a core left to the GUI thread (see run_gui).
    return max(1, (os.cpu_count() or 2) - 1)
