"""Builds the engine a model family names (studio.families). Engine modules are imported
only when a run needs one, so start-up stays fast."""
from __future__ import annotations

import importlib
import inspect

import torch

from ..devices import pick_device
from .base import Engine, StepResult


def make_engine(cfg, device: torch.device | None = None, progress=None,
                memory: str = "train", reference: dict | None = None) -> Engine:
    """Build the engine a (validated) config names; DataError/DeviceError on bad input.

    Before anything is built, the run's memory is estimated (core.budget) and a run that
    would not fit in the device's free memory is refused with a ConfigError naming the field
    to change. `memory`: "train" counts a training step's activations, "model" only the
    networks and data (a trained model built to sample from).
    `progress(done, total)` hears about downloads, for the families that may download.
    `reference`: a checkpoint's data reference (core.data.reference), used instead of loading
    the data set: enough to sample, encode and decode, not to train.
    """
    from ...families import FAMILIES

    if cfg.model not in FAMILIES:
        from ...config import ConfigError
        raise ConfigError("model", f"no engine for {cfg.model!r} yet")
    if memory not in ("train", "model"):
        raise ValueError(f"memory must be 'train' or 'model', got {memory!r}")
    device = pick_device(cfg.train.device) if device is None else device
    from ..budget import check_training

    check_training(cfg, device, model_only=memory == "model")
    module, cls = FAMILIES[cfg.model].engine.split(":")
    engine_cls = getattr(importlib.import_module(module), cls)
    takes = inspect.signature(engine_cls).parameters
    kwargs = {}
    if progress is not None and "progress" in takes:
        kwargs["progress"] = progress
    if reference is not None and "data" in takes:
        from ..data.reference import data_from_reference

        kwargs["data"] = data_from_reference(reference, device)
    return engine_cls(cfg, device, **kwargs)


__all__ = ["Engine", "StepResult", "make_engine"]
