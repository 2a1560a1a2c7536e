"""One training session: the policy every way of training shares (`main.py train`, the
window's training process, a thread where a process cannot be used).

A session builds the engine, opens the run directory, drives core.runner, and decides
everything around the steps: when to checkpoint (every `train.checkpoint_every` steps, after
the first at least MIN_CHECKPOINT_S apart, and at least every `train.autosave_minutes`),
what a divergence, an out-of-memory error or a full disk does, how stop, pause and requests
from outside are answered. It reports what happens as `Event`s to a sink (a callable), in
plain values that can cross a thread or a pipe; the words a person reads are made from them
by the sink's side (core.messages, translated by the window).

Stop and pause are flags and requests a queue (`Controls`), read between batches of steps,
so the same session runs under threading or multiprocessing primitives.
"""
from __future__ import annotations

import math
import queue
import threading
import time
import traceback
from array import array
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..config import ConfigError, RunConfig

EMIT_INTERVAL = 1 / 30  # seconds between metric/progress events (a window paints ~30 a second)
# A checkpoint holds the whole history: written twice a second on a fast 2-D run, it would
# cost more the longer the run. After the first, checkpoints are at least this far apart;
# a stop always saves.
MIN_CHECKPOINT_S = 10.0
# The run directory's sample pictures: every preview for the first DENSE_PICTURES, then half
# as often each time the step count doubles (a million-step run keeps a few hundred).
DENSE_PICTURES = 50

# How a session ended (the `finished` event's `outcome`).
FINISHED, STOPPED, DIVERGED, OUT_OF_MEMORY, FAILED = (
    "finished", "stopped", "diverged", "out_of_memory", "failed")


@dataclass
class Event:
    """Something that happened in a session. `kind` names it; `data` holds plain values."""
    kind: str
    data: dict = field(default_factory=dict)


@dataclass
class Controls:
    """What the driver of a session sets from outside: stop, pause, quit (a lingering session
    stops answering requests) and a queue of requests (kind, argument)."""
    stop: Any = field(default_factory=threading.Event)
    pause: Any = field(default_factory=threading.Event)
    quit: Any = field(default_factory=threading.Event)
    requests: Any = field(default_factory=queue.Queue)

    def request(self, kind: str, arg=None) -> None:
        self.requests.put((kind, arg))


class ListSink:
    """Keeps every event in a list (tests, and anything that reads a session afterwards)."""

    def __init__(self):
        self.events: list[Event] = []
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        with self._lock:
            self.events.append(event)

    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]

    def of(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.kind == kind]


def next_picture_step(step: int, every: int, dense: int = DENSE_PICTURES) -> int:
    """The step from which the next sample picture is kept, after one kept at `step`: every
    `every` steps up to `dense` pictures, then twice as far apart each time the step doubles."""
    interval = every
    while step >= dense * interval:
        interval *= 2
    return (step // interval + 1) * interval


def is_out_of_memory(e: BaseException) -> bool:
    # torch.OutOfMemoryError is a RuntimeError; allocators elsewhere raise plain RuntimeErrors.
    return isinstance(e, MemoryError) or (isinstance(e, RuntimeError)
                                          and "out of memory" in str(e).lower())


class TrainingSession:
    """One run of one config. `run()` trains until the last step, a stop or a problem and
    returns how it ended (FINISHED, STOPPED, DIVERGED, OUT_OF_MEMORY or FAILED).

    `interactive`: someone can act on a divergence or an out-of-memory error (the window):
    the session pauses and waits. Otherwise (the CLI) it ends there. `linger`: after the run,
    keep answering requests (draw this caption, re-encode) until `controls.quit` is set.
    `preview_interval`: previews at most this often (seconds; the window on a fast device);
    0 makes every due preview. `headless`: no window shows previews (engine.headless_preview).
    `make_run_dir(cfg, engine) -> RunDir or None`: opens the run directory once the engine
    exists (the CLI's distributed ranks give a NullRunDir).
    """

    def __init__(self, cfg: RunConfig, sink: Callable[[Event], None], *,
                 make_run_dir: Callable | None = None, resume: dict | None = None,
                 controls: Controls | None = None, interactive: bool = False,
                 linger: bool = False, headless: bool = False, preview_interval: float = 0.0,
                 emit_interval: float = EMIT_INTERVAL, batch_steps: int = 5,
                 threads: int | None = None, device=None, reduce_metrics=None,
                 prepare: Callable | None = None):
        self.cfg = cfg.copy()
        self.sink = sink
        self.make_run_dir = make_run_dir
        self.resume = resume
        self.controls = controls or Controls()
        self.interactive, self.linger, self.headless = interactive, linger, headless
        self.preview_interval, self.emit_interval = preview_interval, emit_interval
        self.batch_steps, self.threads, self.device = batch_steps, threads, device
        self.reduce_metrics, self.prepare = reduce_metrics, prepare
        self.engine = None
        self.rd = None
        self._writer = None
        self.history: dict[str, array] = ({k: array("d", v) for k, v in resume["history"].items()}
                                          if resume else {})
        self._unsent: list[int] = []
        self.bad_step: int | None = None  # set when the run diverged: never save those weights
        self.checkpoint_step: int | None = None  # the step of the last checkpoint written
        self._disk_told = False
        self._compile_told = False
        self._download_told = -math.inf
        self._next_picture = 0  # the step from which the next preview is kept as a picture
        self._checkpoints = 0  # checkpoints handed to the writer
        self._submitted_step: int | None = None  # the step of the last one

    # -- reporting -------------------------------------------------------------------------------
    def emit(self, kind: str, **data) -> None:
        self.sink(Event(kind, data))

    # -- the whole session --------------------------------------------------------------------
    def run(self) -> str:
        from .checkpoint import CheckpointError
        from .data import DataError
        from .devices import DeviceError
        from .runlock import RunDirError

        outcome = FAILED
        try:
            outcome = self._run()
        except (ConfigError, DataError, DeviceError, RunDirError, CheckpointError) as e:
            self.emit("failed", message=str(e), user_error=True)
        except Exception as e:  # keep the caller alive; say what broke
            if is_out_of_memory(e):
                self._out_of_memory()
                outcome = OUT_OF_MEMORY
            else:
                traceback.print_exc()
                self.emit("failed", message=f"{type(e).__name__}: {e}", user_error=False)
        finally:
            if self._writer is not None:
                self._writer.close()
            step = self.engine.step_count if self.engine is not None else 0
            self.emit("finished", step=step, outcome=outcome,
                      checkpoint_step=self.checkpoint_step)
        if self.linger and self.engine is not None:
            self._serve()
        if self.rd is not None and hasattr(self.rd, "close"):
            self.rd.close()
        return outcome

    def _run(self) -> str:
        from .engines import make_engine
        from .rundir import BackgroundWriter

        engine = self.engine = make_engine(self.cfg, self.device, progress=self._progress)
        if self.threads or engine.cpu_threads:
            import torch

            # Set for every run: a thread's count carries over to the next run in that thread.
            torch.set_num_threads(min(engine.cpu_threads or self.threads,
                                      self.threads or engine.cpu_threads))
        if self.resume is not None:
            from .checkpoint import restore_engine

            restore_engine(engine, self.resume)  # weights that do not fit: one clear line
        if self.prepare is not None:
            self.prepare(engine)
        self.rd = self.make_run_dir(self.cfg, engine) if self.make_run_dir else None
        if self.rd is not None:
            self._writer = BackgroundWriter(self._disk_failed)
            if self.resume is not None:
                self.rd.truncate_metrics(engine.step_count)
        self.emit("started", device=str(getattr(engine, "device", "cpu")),
                  step=engine.step_count, total=self.cfg.train.steps)
        skipped = getattr(getattr(engine, "data", None), "n_skipped", 0)
        if skipped:
            self.emit("skipped_files", n=skipped, path=self.cfg.data.path,
                      used=len(engine.data))
        if not self.headless:
            self.emit("preview", preview=engine.preview())
        outcome = FINISHED
        total = self.cfg.train.steps
        while engine.step_count < total and not self.controls.stop.is_set() \
                and not engine.done:
            try:
                problem = self._train(total)
            except Exception as e:
                if not is_out_of_memory(e):
                    raise
                self._out_of_memory()
                problem = OUT_OF_MEMORY
            if problem and not self.interactive:
                outcome = problem
                break
            if problem:
                self.controls.pause.set()
            if self.controls.pause.is_set() and not self.controls.stop.is_set():
                self._wait_while_paused()
        if outcome == FINISHED and self.controls.stop.is_set() and engine.step_count < total \
                and not engine.done:
            outcome = STOPPED
        self._handle_requests()
        self._checkpoint()
        if self._writer is not None:
            self._writer.flush()
        if self.rd is not None and hasattr(engine, "export") and outcome != DIVERGED:
            engine.export(self.rd.path)  # EM: the fitted mixture as gmm.npz too
        self._flush()
        self.emit("progress", step=engine.step_count, total=total, rate=0.0)
        return outcome

    def _train(self, total: int) -> str:
        """Run until the end, a stop, a pause or a problem; the problem's outcome, or ""."""
        from .runner import record, run, steps_per_batch

        engine, rd, c = self.engine, self.rd, self.cfg.train
        last_emit = -math.inf
        ck_step, ck_time = engine.step_count, time.perf_counter()
        t0, s0 = time.perf_counter(), engine.step_count
        every = steps_per_batch(engine, self.batch_steps, c.checkpoint_every)
        for batch in run(engine, total, stop=self.controls.stop.is_set, every=every,
                         preview_every=c.preview_every, interrupt=self.controls.pause.is_set,
                         min_preview_interval=self.preview_interval,
                         reduce_metrics=self.reduce_metrics, headless=self.headless):
            record(self.history, batch)
            self._unsent += [r.step for r in batch]
            if not self._compile_told and engine.compile_problem():
                self._compile_told = True
                self.emit("compile_failed", reason=engine.compile_problem())
            if rd is not None:
                self._writer.submit(rd.append_metrics, batch)
            last = batch[-1]
            now = time.perf_counter()
            if last.preview is not None:
                if not self.headless:
                    self.emit("preview", preview=last.preview)
                if rd is not None and (last.step >= self._next_picture or last.step >= total):
                    self._writer.submit(rd.save_preview, last.step, last.preview)
                    self._next_picture = next_picture_step(last.step, c.preview_every)
            if now - last_emit >= self.emit_interval or last.diverged \
                    or self.controls.pause.is_set():
                self._flush()
                rate = (engine.step_count - s0) / max(now - t0, 1e-9)
                self.emit("progress", step=engine.step_count, total=total, rate=rate)
                last_emit = now
            if last.diverged:
                self._flush()
                self.bad_step = last.step  # keep the last good checkpoint: never save these
                self._wait_for_writes()  # so that the step named is the one on disk
                self.emit("diverged", step=last.step, metric=last.diverged,
                          checkpoint_step=self.checkpoint_step)
                return DIVERGED
            by_steps = engine.step_count - ck_step >= c.checkpoint_every and (
                not self._checkpoints or now - ck_time >= MIN_CHECKPOINT_S)
            if rd is not None and (by_steps or now - ck_time >= 60 * c.autosave_minutes):
                self._checkpoint()
                ck_step, ck_time = engine.step_count, now
            self._handle_requests()
            if self.controls.pause.is_set():
                return ""
        self._flush()
        return ""

    # -- problems --------------------------------------------------------------------------------
    def _out_of_memory(self) -> None:
        """The weights are intact: say so, with a batch size that usually fits."""
        try:
            import torch

            if torch.cuda.is_available():
                torch.cuda.empty_cache()
        except Exception:  # the report matters more than the cache
            pass
        bs = self.cfg.train.batch_size
        self._wait_for_writes()
        self.emit("out_of_memory", step=self.engine.step_count if self.engine else 0,
                  batch_size=bs, suggested=max(1, bs // 2), checkpoint_step=self.checkpoint_step)

    def _wait_for_writes(self) -> None:
        if self._writer is not None:
            self._writer.flush()

    def _disk_failed(self, e: OSError) -> None:
        """A full or read-only disk is reported once and is not fatal: writes are atomic, so
        what was saved before stays readable. Called from the writer's thread too."""
        if not self._disk_told:
            self._disk_told = True
            self.emit("disk_failed", path=str(getattr(e, "filename", None) or
                                               (self.rd.path if self.rd else "")),
                      error=e.strerror or str(e), checkpoint_step=self.checkpoint_step)

    def _progress(self, done: int, total: int, kind: str = "download") -> None:
        """Data being made ready: a download (bytes) or a folder decoded into the cache
        ("decode", files); Stop cancels either."""
        now = time.perf_counter()
        if now - self._download_told >= 0.1 or done == total:  # it reports every few KB
            self._download_told = now
            self.emit(kind, done=int(done), total=int(total))
        if self.controls.stop.is_set():
            from .data import DataError

            raise DataError("download cancelled" if kind == "download" else "decoding cancelled")

    # -- pause and requests ------------------------------------------------------------------------
    def _wait_while_paused(self) -> None:
        self._flush()
        # Rate 0: the window shows this exact step (it thins out updates while a run streams).
        self.emit("progress", step=self.engine.step_count, total=self.cfg.train.steps, rate=0.0)
        self.emit("paused", on=True)
        while self.controls.pause.is_set() and not self.controls.stop.is_set():
            self._handle_requests()
            time.sleep(0.02)
        self.emit("paused", on=False)

    def _serve(self) -> None:
        """After the run: answer requests until told to quit (the window still shows it)."""
        while not self.controls.quit.is_set():
            self._handle_requests()
            time.sleep(0.02)

    def _handle_requests(self) -> None:
        while True:
            try:
                kind, arg = self.controls.requests.get_nowait()
            except queue.Empty:
                return
            try:
                self._handle(kind, arg)
            except Exception as e:  # a bad request never ends the run
                if is_out_of_memory(e):
                    self._out_of_memory()
                    continue
                self.emit("request_failed", request=kind, message=f"{e}")

    def _handle(self, kind: str, arg) -> None:
        e = self.engine
        if kind == "save":
            from .rundir import save_checkpoint

            save_checkpoint(arg, self.cfg, e, self.history)
            self.emit("saved", path=str(arg), step=e.step_count)
        elif kind == "hyper":
            e.set_hyperparameters(arg)
            self.cfg = arg.copy()
            if self.rd is not None and hasattr(self.rd, "update_config"):
                self.rd.update_config(self.cfg)
        elif kind == "preview":
            self.emit("preview", preview=e.preview())
        elif kind == "step":
            self._single_step(arg)
        elif kind == "points":
            e.set_points(np.asarray(arg, np.float32))
            self.emit("preview", preview=e.preview())
        elif kind == "generate":
            self.emit("preview", preview=e.generate_preview(*arg))
        elif kind == "caption":
            self.emit("preview", preview=e.caption_preview(*arg))
        elif kind == "latent":
            from .latent_snapshot import latent_snapshots

            self.emit("latent", snapshots=latent_snapshots(e, with_images=bool(arg)))
        else:
            raise ValueError(f"unknown request {kind!r}")

    def _single_step(self, kind: str) -> None:
        """Single-step mode: one D update ("d"), one G update ("g") or a full step ("both")."""
        from .runner import fetch_metrics, record

        e = self.engine
        if e.step_count >= self.cfg.train.steps:
            return
        fn = {"d": getattr(e, "step_d", None), "g": getattr(e, "step_g", None)}.get(kind)
        r = (fn or e.step)()
        fetch_metrics([r])
        record(self.history, [r])
        self._unsent.append(r.step)
        if self.rd is not None:
            self._writer.submit(self.rd.append_metrics, [r])
        self._flush()
        self.emit("preview", preview=e.preview())
        self.emit("progress", step=e.step_count, total=self.cfg.train.steps, rate=0.0)

    # -- what is sent and saved ----------------------------------------------------------------------
    def _flush(self) -> None:
        """Send the steps recorded since the last flush: the history's tails, as arrays."""
        n = len(self._unsent)
        if not n:
            return
        out = {"step": np.array(self._unsent, dtype=np.int64)}
        for k, column in self.history.items():
            out[k] = np.frombuffer(column[len(column) - n:], dtype=np.float64)  # (a copy)
        self._unsent = []
        self.emit("metrics", columns=out)

    def _checkpoint(self) -> None:
        """Hand a CPU copy of the state to the writer thread (after the metric rows queued
        before it) and train on. Never after a divergence: the last good one stays."""
        if self.rd is None or self.engine is None or self.bad_step is not None \
                or self._submitted_step == self.engine.step_count:
            return
        from .rundir import Snapshot

        history = {k: v[:] for k, v in self.history.items()}  # copies of the arrays
        self._writer.submit(self._save, Snapshot(self.engine), history)
        self._checkpoints += 1
        self._submitted_step = self.engine.step_count

    def _save(self, snap, history) -> None:
        self.rd.save_checkpoint(snap, history)
        self.checkpoint_step = snap.step_count
        self.emit("checkpoint", step=snap.step_count, path=str(self.rd.path))
