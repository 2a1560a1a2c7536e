"""The training loop shared by the CLI and the GUI worker.

`run()` hands control back after every batch of `every` steps: metrics of the batch are
fetched from the device in one transfer (one host sync per batch, not per step), checked
for NaN/Inf, and yielded as plain floats. Stopping is a flag the caller sets.
"""
from __future__ import annotations

import math
import time
from array import array
from typing import Callable, Iterator

import torch

from .engines.base import Engine, StepResult


# Steps per batch (one metrics fetch each) on 2-D data: steps there are so short that a
# batch's fixed costs (the fetch, the engine's deferred metrics) must spread over many.
POINTS_EVERY = 100


def steps_per_batch(engine: Engine, other: int, checkpoint_every: int | None = None) -> int:
    """How many steps run() should batch for `engine`: POINTS_EVERY on 2-D data, else `other`;
    at most `checkpoint_every`, for a caller that checkpoints between batches."""
    n = POINTS_EVERY if engine.kind == "points" else other
    return n if checkpoint_every is None else min(n, checkpoint_every)


def fetch_metrics(results: list[StepResult],
                  reduce: Callable[[torch.Tensor], torch.Tensor] | None = None,
                  deferred: list = (), limit: float = Engine.loss_limit) -> bool:
    """Replace tensor metrics by floats in place, with a single device->host copy. True when
    every metric is then known finite and within `limit` (no step need be searched for
    NaN/Inf or an exploded loss).

    `deferred`: Engine.take_deferred()'s blocks, filled into their results in the same copy.
    `reduce` maps the stacked values on the device before the copy (a distributed run
    averages them across ranks there)."""
    # Engines carry a metric measured now and then over the steps between (GAN diagnostics):
    # each tensor is copied once, however many steps show it.
    tensors, where, index = [], [], {}
    other = False  # a metric given as a number: its finiteness is not in `values`
    for r in results:
        for k, v in r.metrics.items():
            if isinstance(v, torch.Tensor):
                i = index.get(id(v))
                if i is None:
                    i = index[id(v)] = len(tensors)
                    tensors.append(v)
                where.append((r, k, i))
            elif v is not None:
                other = True
    parts = []
    with torch.no_grad():  # engines keep metrics as 0-d float32 tensors: stack them as they are
        if tensors:
            parts.append(torch.stack([v if v.dtype == torch.float32 and v.dim() == 0 else
                                      v.detach().float().reshape(()) for v in tensors]))
        parts += [block.detach().float().reshape(-1) for _, _, block in deferred]
    if not parts:
        return not other
    stacked = parts[0] if len(parts) == 1 else torch.cat(parts)
    if reduce is not None:
        stacked = reduce(stacked)
    values = stacked.cpu().tolist()
    for r, k, i in where:
        r.metrics[k] = values[i]
    i = len(tensors)
    for block_results, names, _ in deferred:
        for r in block_results:
            for k in names:
                r.metrics[k] = values[i]
                i += 1
    # One sum instead of a test per value: NaN and Inf carry through it (an overflow to Inf
    # only sends the caller to look step by step); an exploded loss is looked for the same way.
    return (not other and math.isfinite(sum(values))
            and abs(max(values, key=abs, default=0.0)) <= limit)


def record(history: dict[str, array], results: list[StepResult]) -> None:
    """Append the results' metrics to `history`, a column of doubles per metric (one pass per
    column: a 2-D run makes ~2,000 steps a second). Every column gets a value for every step,
    NaN where a step lacks the metric, so that each stays aligned with the steps."""
    for k in {**dict.fromkeys(history), **dict.fromkeys(results[0].metrics)}:
        history.setdefault(k, array("d")).extend([r.metrics.get(k, math.nan) for r in results])


def first_nonfinite(result: StepResult, limit: float = Engine.loss_limit) -> str:
    """The first metric that is NaN or infinite, or a loss past `limit`; "" if none."""
    for k, v in result.metrics.items():
        if isinstance(v, float) and (not math.isfinite(v) or "loss" in k and abs(v) > limit):
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
    window: on a fast device, previews every few steps would cost more than the steps);
    without that interval, a batch ends at each due preview, so that each is made.
    `reduce_metrics` goes to `fetch_metrics` (distributed runs: the mean over the ranks).
    `headless`: no window shows the previews (engine.headless_preview).
    """
    every = max(1, every)
    engine.defer_metrics = True
    try:
        yield from _run(engine, steps, stop, every, preview_every, interrupt,
                        min_preview_interval, reduce_metrics, headless)
    finally:
        engine.defer_metrics = False
        engine.take_deferred()  # a run left between steps and a fetch: nothing waits on it


def _run(engine, steps, stop, every, preview_every, interrupt, min_preview_interval,
         reduce_metrics, headless):
    want_preview = False
    last_preview = -math.inf
    while engine.step_count < steps and not stop() and not engine.done:
        batch: list[StepResult] = []
        while len(batch) < every and engine.step_count < steps and not engine.done:
            r = engine.step()
            batch.append(r)
            if r.step % preview_every == 0 or r.step == steps or engine.done:
                want_preview = True
                if not min_preview_interval:
                    break  # each due preview is made (main.py train saves every one)
            if stop() or interrupt():
                break
        if not fetch_metrics(batch, reduce_metrics, engine.take_deferred(), engine.loss_limit):
            for r in batch:
                bad = first_nonfinite(r, engine.loss_limit)
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
