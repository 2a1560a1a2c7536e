"""The engine interface every model family implements.

An engine owns its models, optimisers and data. `step()` does one training step and
returns a StepResult whose metrics may still live on the device (tensors): the runner
fetches them in batches so that the training loop never waits on a host sync.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from abc import ABC, abstractmethod
from typing import Any

import torch


@dataclass
class StepResult:
    step: int  # the step just completed, counted from 1
    metrics: dict[str, Any]  # name -> float or 0-d tensor (fetched later by the runner)
    preview: dict | None = None  # set by the runner every preview_every steps
    diverged: str = ""  # name of the first non-finite metric, set by the runner


class Engine(ABC):
    """Base class: subclasses set `self.step_count` and implement the methods below."""

    kind = "points"  # "points" or "images": what preview() and sample() return
    metric_names: tuple[str, ...] = ()
    done = False  # True once the model has converged (EM): the runner stops there
    # Intra-op CPU threads this engine trains best on; None: as many as the caller allows.
    cpu_threads: int | None = None

    def __init__(self) -> None:
        self.step_count = 0

    @abstractmethod
    def step(self) -> StepResult:
        ...

    @abstractmethod
    def preview(self) -> dict:
        """What the sample panel shows: numpy arrays only (safe to send across threads)."""
        ...

    @abstractmethod
    def sample(self, n: int, **kwargs) -> dict:
        """Arrays for `main.py sample`: images (N,C,H,W) in [0,1] or points (N,2)."""
        ...

    @abstractmethod
    def state_dict(self) -> dict:
        ...

    @abstractmethod
    def load_state_dict(self, state: dict) -> None:
        ...

    def set_hyperparameters(self, cfg) -> None:
        """Apply values that may change mid-run (learning rates etc.); default: nothing."""


def adam(params, lr: float, betas: tuple[float, float], device: torch.device) -> torch.optim.Adam:
    """Adam, fused into one kernel per step where torch has that kernel (CPU, CUDA): on a
    small model the per-parameter loop of plain Adam is a good part of each step."""
    return torch.optim.Adam(params, lr=lr, betas=betas, fused=device.type in ("cpu", "cuda"))


def adam_set_lr(opt: torch.optim.Optimizer, lr: float, betas: tuple[float, float]) -> None:
    for group in opt.param_groups:
        group["lr"] = lr
        group["betas"] = betas
