"""The training loop shared by the CLI and the GUI worker.

`run()` hands control back after every batch of `every` steps: metrics of the batch are
fetched from the device in one transfer (one host sync per batch, not per step), checked
for NaN/Inf, and yielded as plain floats. Stopping is a flag the caller sets.
"""
from __future__ import annotations

import math
import time
from typing import Callable, Iterator

import torch

from .engines.base import Engine, StepResult


def fetch_metrics(results: list[StepResult],
                  reduce: Callable[[torch.Tensor], torch.Tensor] | None = None) -> None:
    """Replace tensor metrics by floats in place, with a single device->host copy.

    `reduce` maps the stacked values on the device before the copy (a distributed run
    averages them across ranks there)."""
    tensors = [(r, k, v) for r in results for k, v in r.metrics.items() if torch.is_tensor(v)]
    if not tensors:
        return
    with torch.no_grad():  # engines keep metrics as 0-d float32 tensors: stack them as they are
        stacked = torch.stack([v if v.dtype == torch.float32 and v.dim() == 0 else
                               v.detach().float().reshape(()) for _, _, v in tensors])
    if reduce is not None:
        stacked = reduce(stacked)
    values = stacked.cpu().tolist()
    for (r, k, _), value in zip(tensors, values):
        r.metrics[k] = value


def first_nonfinite(result: StepResult) -> str:
    for k, v in result.metrics.items():
        if isinstance(v, float) and not math.isfinite(v):
            return k
    return ""


def run(engine: Engine, steps: int, stop: Callable[[], bool] = lambda: False,
        every: int = 10, preview_every: int = 100,
        interrupt: Callable[[], bool] = lambda: False,
        min_preview_interval: float = 0.0,
        reduce_metrics: Callable[[torch.Tensor], torch.Tensor] | None = None,
        headless: bool = False) -> Iterator[list[StepResult]]:
    """Train until `engine.step_count == steps` or `stop()`; yield batches of StepResults.

    `interrupt()` ends the current batch early (so a pause takes effect within one step)
    without ending the run.

    The last result of a batch carries `preview` when a preview was due inside the batch,
    and `diverged` names a non-finite metric (the caller pauses; the loop ends there).
    A preview due less than `min_preview_interval` seconds after the last one waits (the
    window: on a fast device, previews every few steps would cost more than the steps).
    `reduce_metrics` goes to `fetch_metrics` (distributed runs: the mean over the ranks).
    `headless`: no window shows the previews (engine.headless_preview).
    """
    every = max(1, every)
    want_preview = False
    last_preview = -math.inf
    while engine.step_count < steps and not stop() and not engine.done:
        batch: list[StepResult] = []
        while len(batch) < every and engine.step_count < steps and not engine.done:
            r = engine.step()
            batch.append(r)
            if r.step % preview_every == 0 or r.step == steps or engine.done:
                want_preview = True
            if stop() or interrupt():
                break
        fetch_metrics(batch, reduce_metrics)
        for r in batch:
            bad = first_nonfinite(r)
            if bad:
                r.diverged = bad
                yield batch[: batch.index(r) + 1]
                return
        now = time.perf_counter()
        if want_preview and (now - last_preview >= min_preview_interval
                             or engine.step_count >= steps or engine.done):
            batch[-1].preview = engine.headless_preview() if headless else engine.preview()
            want_preview, last_preview = False, now
        yield batch
