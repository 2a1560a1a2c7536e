"""The engine interface every model family implements.

An engine owns its models, optimisers and data. `step()` does one training step and
returns a StepResult whose metrics may still live on the device (tensors): the runner
fetches them in batches so that the training loop never waits on a host sync.
"""
from __future__ import annotations

from dataclasses import dataclass
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
    precision = "fp32"  # "bf16" where steps run in mixed precision (engines/speed.py)
    # Set by the runner while it drives step(): an engine may then leave out of step()'s
    # results (as None) metrics it computes for many steps at once in take_deferred().
    defer_metrics = False
    # False: step() trains and measures nothing (the benchmark's limit loop); its results
    # then carry no metrics the engine would compute for them alone.
    measure = True
    # A loss past this has exploded (finite, but the run is lost): the runner treats it as a
    # divergence. Summed pixel losses of large images stay far below it.
    loss_limit = 1e9

    def __init__(self) -> None:
        self.step_count = 0

    @abstractmethod
    def step(self) -> StepResult:
        ...

    @abstractmethod
    def preview(self) -> dict:
        """What the sample panel shows: numpy arrays only (safe to send across threads)."""
        ...

    def take_deferred(self) -> list[tuple[list[StepResult], tuple[str, ...], torch.Tensor]]:
        """The metrics left out of step()'s results since the last call, as blocks of
        (results, names, a (len(results), len(names)) tensor); the runner fetches them with
        the rest of the batch."""
        return []

    def headless_preview(self) -> dict:
        """The preview a run without a window saves (main.py train): what the run directory
        keeps, without what only a panel draws."""
        return self.preview()

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

    def compile_problem(self) -> str:
        """Why compiled steps were given up in this run (train.compile), or ""."""
        return getattr(self.step, "failed", "")

    def set_hyperparameters(self, cfg) -> None:
        """Apply values that may change mid-run (learning rates etc.); default: nothing."""


class FusedAdam(torch.optim.Adam):
    """torch's fused Adam (one kernel per step), stepped without torch's per-step Python.

    On a small model that Python, not the kernel, was the cost: Optimizer.step's hooks,
    profiler scope and per-parameter state checks took ~150 us against the kernel's ~15 us
    (two optimisers a 2-D GAN step: a fifth of it). The first step goes through torch, which
    creates the state; later steps call the same kernel on cached lists of the same tensors.
    Anything unusual (a missing gradient, mixed devices or dtypes, amsgrad) goes through torch.
    """

    def __init__(self, params, lr: float, betas: tuple[float, float], device: torch.device):
        super().__init__(params, lr=lr, betas=betas, fused=device.type in ("cpu", "cuda"))
        self._cached: list[tuple] | None = None

    def _cache(self) -> None:
        self._cached = []
        for group in self.param_groups:
            params = list(group["params"])
            states = [self.state.get(p, {}) for p in params]
            tensors = params + [s.get(k) for s in states for k in ("exp_avg", "exp_avg_sq")]
            if (not group["fused"] or group["amsgrad"] or group["maximize"]
                    or any(t is None for t in tensors)
                    or len({(t.device, t.dtype) for t in params}) > 1):
                self._cached = None
                return
            # The step counters become elements of one tensor: one add counts for all
            # instead of one add per tensor; each is still a tensor of its own.
            counters = torch.stack([s["step"] for s in states])
            for i, s in enumerate(states):
                s["step"] = counters[i]
            self._cached.append((group, params, [s["exp_avg"] for s in states],
                                 [s["exp_avg_sq"] for s in states], [s["step"] for s in states],
                                 counters))

    @torch.no_grad()
    def step(self, closure=None):
        if closure is not None or self._cached is None:
            loss = torch.optim.Adam.step(self, closure)
            self._cache()
            return loss
        for group, params, *_ in self._cached:
            if any(p.grad is None for p in params):
                return torch.optim.Adam.step(self)
        for group, params, exp_avgs, exp_avg_sqs, steps, counters in self._cached:
            beta1, beta2 = group["betas"]
            counters.add_(1)
            torch._fused_adam_(params, [p.grad for p in params], exp_avgs, exp_avg_sqs, [], steps,
                               amsgrad=False, lr=group["lr"], beta1=beta1, beta2=beta2,
                               weight_decay=group["weight_decay"], eps=group["eps"],
                               maximize=False, grad_scale=None, found_inf=None)
        return None

    step.hooked = True  # tells torch not to wrap this step in its profiling hooks

    def zero_grad(self, set_to_none: bool = True) -> None:
        if not set_to_none:
            return super().zero_grad(False)
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = None

    def load_state_dict(self, state_dict) -> None:
        super().load_state_dict(state_dict)
        self._cached = None  # new state tensors: the next step goes through torch

    def add_param_group(self, param_group) -> None:
        super().add_param_group(param_group)
        self._cached = None


def adam(params, lr: float, betas: tuple[float, float], device: torch.device) -> torch.optim.Adam:
    """Adam, fused into one kernel per step where torch has that kernel (CPU, CUDA): on a
    small model the per-parameter loop of plain Adam is a good part of each step. With the
    speed shortcuts off (engines/speed.py), torch's own fused Adam, stepped by torch."""
    from .speed import SHORTCUTS

    if not SHORTCUTS:
        return torch.optim.Adam(params, lr=lr, betas=betas,
                                fused=device.type in ("cpu", "cuda"))
    return FusedAdam(params, lr, betas, device)


def linear_decay(step: int, steps: int, start: float) -> float:
    """The learning-rate factor: 1 until `start` (a fraction of `steps`), then falling
    linearly to 0 at the last step (CycleGAN's schedule; the GAN family's lr_decay_from)."""
    if start >= 1.0 or steps <= 0:
        return 1.0
    return min(1.0, max(0.0, (steps - step) / (steps * (1.0 - start))))


def adam_set_lr(opt: torch.optim.Optimizer, lr: float, betas: tuple[float, float]) -> None:
    for group in opt.param_groups:
        group["lr"] = lr
        group["betas"] = betas
