"""Training in a QThread: a worker drives core.runner; the GUI thread only paints. GAN runs
go one step further and train in a process of their own (worker_process.py).

Stop, pause and requests (save a checkpoint, change hyperparameters) are flags and a queue
read between batches of steps; the thread is never terminated. Everything emitted is a
copy (floats, numpy arrays), throttled to about 30 updates a second.

torch (and so the core) is imported here only when a run starts: importing it takes 1-2 s,
which the window spends shown, loading it in the background (`preload_torch`).
"""
from __future__ import annotations

import math
import queue
import threading
from array import array
import time
import traceback

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from ..config import ConfigError, RunConfig
from . import gc_guard

EMIT_INTERVAL = 1 / 30  # seconds between updates sent to the GUI
PREVIEW_INTERVAL = 0.2  # seconds: previews due more often than this wait (fast devices)
# A checkpoint holds the whole history: on a 2-D run (checkpoint_every steps in half a second)
# writing it twice a second cost more the longer the run (500,000 steps: 0.14 s each). After
# the first, checkpoints are at least this far apart; a stop always saves.
MIN_CHECKPOINT_S = 10.0
SAVE_PREVIEW_S = 1.0  # the run directory's samples/: at most one picture a second (2-D: 5 shown)

_preload: threading.Thread | None = None
_threads = 1  # intra-op threads the window trains with (set by preload_torch)


def preload_torch(threads: int) -> None:
    """Import torch in a background thread and set its intra-op threads; runs wait for it."""
    global _preload, _threads
    _threads = threads

    def load() -> None:
        import torch

        torch.set_num_threads(threads)
        from .worker_process import warm_up

        warm_up()  # GAN runs train in a process forked from a server that imports torch once

    _preload = threading.Thread(target=load, name="preload-torch")
    _preload.start()


def wait_for_torch() -> None:
    if _preload is not None:
        _preload.join()


# Messages for the user in the current language (QCoreApplication.translate is thread-safe,
# so the worker's thread may call it); %1, %2...: the values, filled in by _fill.
def _tr(text: str) -> str:
    return QCoreApplication.translate("worker", text)


def _fill(template: str, *values) -> str:
    for i, v in enumerate(values, 1):
        template = template.replace(f"%{i}", str(v))
    return template


class TrainingWorker(QObject):
    # The slot the controller's QThread starts. A subclass names its own: PySide6 runs a slot
    # overridden in a subclass in the GUI thread, whatever thread the object was moved to.
    entry = "work"

    started = Signal(str)  # device name
    metrics = Signal(object)  # {"step": np.ndarray, name: np.ndarray}, new points only
    progress = Signal(int, int, float)  # step, total, steps per second
    preview = Signal(object)  # engine.preview() dict
    download = Signal(int, int)  # bytes done, bytes total (0 = unknown)
    paused = Signal(bool)
    saved = Signal(str)
    diverged = Signal(int, str)  # step, metric name
    warning = Signal(str)  # a problem the run survives (disk full, out of memory): tell the user
    failed = Signal(str)
    finished = Signal(int)  # final step

    def __init__(self, cfg: RunConfig, run_dir=None, resume: dict | None = None):
        super().__init__()
        self.cfg = cfg.copy()
        self.run_dir = run_dir
        self.resume = resume
        self.engine = None
        # Per-step metrics as arrays of doubles: a checkpoint copies and saves them as memory
        # blocks (lists of floats took ~25 ms a checkpoint after 50,000 2-D steps, twice a
        # second, holding the interpreter lock the training thread needs).
        self.history: dict[str, array] = ({k: array("d", v) for k, v in resume["history"].items()}
                                          if resume else {})
        self._unsent: list[int] = []  # steps recorded in the history, not sent to the window
        self._stop = threading.Event()
        self._pause = threading.Event()
        self._requests: queue.Queue = queue.Queue()
        self.bad_step: int | None = None  # the step at which the run diverged, if it did
        self._disk_warned = False
        self._compile_told = False
        self._rd = None
        self._writer = None  # the run directory's BackgroundWriter while a run writes one

    # -- called from the GUI thread ------------------------------------------------------
    def request_stop(self) -> None:
        self._stop.set()

    def set_paused(self, on: bool) -> None:
        (self._pause.set if on else self._pause.clear)()

    def request_save(self, path: str) -> None:
        self._requests.put(("save", path))

    def request_hyperparameters(self, cfg: RunConfig) -> None:
        self._requests.put(("hyper", cfg.copy()))

    def request_preview(self) -> None:
        self._requests.put(("preview", None))

    def request_step(self, kind: str) -> None:
        """Single-step mode: one D update ("d"), one G update ("g") or a full step ("both")."""
        self._requests.put(("step", kind))

    def request_points(self, points) -> None:
        """Train a 2-D model on these (N, 2) points from now on (the user's drawing)."""
        self._requests.put(("points", np.array(points, dtype=np.float32)))

    def request_generate(self, label, n: int = 16) -> None:
        """Draw n samples of one class from a conditional model (shown by the sample panel)."""
        self._requests.put(("generate", (label, n)))

    def request_caption(self, text: str, other: str = "") -> None:
        """Text-to-image: images for a caption (or a walk to a second one), kept live."""
        self._requests.put(("caption", (text, other)))

    # -- the thread ------------------------------------------------------------------------
    @Slot()
    def work(self) -> None:
        wait_for_torch()  # its thread count is set before the first step
        from ..core.data import DataError
        from ..core.devices import DeviceError
        from ..core.rundir import CheckpointError, RunDirError

        try:
            self._work()
        except (ConfigError, DataError, DeviceError, RunDirError, CheckpointError) as e:
            self.failed.emit(str(e))
        except Exception as e:  # keep the window alive; say what broke
            traceback.print_exc()
            self.failed.emit(f"{type(e).__name__}: {e}")
        finally:
            self.finished.emit(self.engine.step_count if self.engine is not None else 0)
            # quit() is thread-safe; doing it here (not via a queued signal) lets a GUI
            # thread blocked in QThread.wait() see the thread end.
            QThread.currentThread().quit()

    def _work(self) -> None:
        from ..core.data import DataError
        from ..core.engines import make_engine
        from ..core.rundir import BackgroundWriter, RunDir

        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.perf_counter()
            if now - last[0] >= 0.1 or done == total:  # a download reports every few KB
                last[0] = now
                self.download.emit(int(done), int(total))
            if self._stop.is_set():
                raise DataError("download cancelled")

        engine = self.engine = make_engine(self.cfg, progress=progress)
        import torch

        # Set for every run: a run's threads carry over to the next run's thread.
        torch.set_num_threads(min(engine.cpu_threads or _threads, _threads))
        rd = RunDir(self.run_dir, self.cfg, "resume" if self.resume is not None else "new",
                    checkpoint=self.resume) if self.run_dir else None
        self._rd = rd
        self._writer = BackgroundWriter(self._disk_failed) if rd else None
        try:
            self._run(engine, rd)
        finally:
            if self._writer is not None:
                self._writer.close()
            if rd is not None:
                rd.close()  # the run directory's lock

    def _run(self, engine, rd) -> None:
        if self.resume is not None:
            engine.load_state_dict(self.resume["engine"])
            if rd:
                rd.truncate_metrics(engine.step_count)
        self.started.emit(str(getattr(engine, "device", "cpu")))
        skipped = getattr(getattr(engine, "data", None), "n_skipped", 0)
        if skipped:
            self.warning.emit(_fill(_tr("%1 file(s) in %2 could not be read (corrupt, empty or "
                                        "not an image) and were skipped; training uses the %3 "
                                        "others."), skipped, self.cfg.data.path, len(engine.data)))
        self.preview.emit(engine.preview())
        total = self.cfg.train.steps
        while engine.step_count < total and not self._stop.is_set():
            try:
                self._train(engine, rd, total)
            except RuntimeError as e:  # torch.OutOfMemoryError is a RuntimeError too
                if "out of memory" not in str(e).lower():
                    raise
                self._out_of_memory()
            if self._pause.is_set() and not self._stop.is_set():
                self._wait_while_paused()
        self._handle_requests()
        self._checkpoint(rd)
        self.progress.emit(engine.step_count, total, 0.0)

    def _train(self, engine, rd, total: int) -> None:
        """Run until the end, a stop, a pause or a divergence."""
        from ..core.runner import run

        last_emit = saved = -math.inf
        ck_step, ck_time, first_ck = engine.step_count, time.perf_counter(), True
        t0, s0 = time.perf_counter(), engine.step_count
        for batch in run(engine, total, stop=self._stop.is_set, every=self._every(),
                         preview_every=self.cfg.train.preview_every,
                         interrupt=self._pause.is_set, min_preview_interval=PREVIEW_INTERVAL):
            self._record(batch)
            if not self._compile_told and engine.compile_problem():
                self._compile_told = True
                self.warning.emit(_fill(_tr("torch.compile failed on this machine (%1); "
                                            "training goes on uncompiled."),
                                        engine.compile_problem()))
            if rd:
                self._writer.submit(rd.append_metrics, batch)
            last = batch[-1]
            now = time.perf_counter()
            if last.preview is not None:
                self.preview.emit(last.preview)
                if rd and (now - saved >= SAVE_PREVIEW_S or last.step >= total):
                    self._writer.submit(rd.save_preview, last.step, last.preview)
                    saved = now
            if now - last_emit >= EMIT_INTERVAL or last.diverged or self._pause.is_set():
                self._flush()
                rate = (engine.step_count - s0) / max(now - t0, 1e-9)
                self.progress.emit(engine.step_count, total, rate)
                last_emit = now
            if last.diverged:
                self.bad_step = last.step  # keep the last good checkpoint: never save NaN weights
                self.diverged.emit(last.step, last.diverged)
                self._pause.set()
                return
            steps_due = (engine.step_count - ck_step >= self.cfg.train.checkpoint_every
                         and (first_ck or now - ck_time >= MIN_CHECKPOINT_S))
            if rd and (steps_due or now - ck_time >= 60 * self.cfg.train.autosave_minutes):
                self._checkpoint(rd)
                ck_step, ck_time, first_ck = engine.step_count, now, False
            self._handle_requests()
            if self._pause.is_set():
                return
        self._flush()

    def _out_of_memory(self) -> None:
        """Pause instead of dying: the weights are intact; a smaller batch usually fits."""
        import torch

        if torch.cuda.is_available():
            torch.cuda.empty_cache()
        bs = self.cfg.train.batch_size
        self.warning.emit(_fill(_tr("Out of memory at step %1 with batch size %2. The run is "
                                    "paused and intact: Stop, set the batch size to %3 and "
                                    "Start again (the checkpoint resumes it)."),
                                self.engine.step_count, bs, max(1, bs // 2)))
        self._pause.set()

    def _disk_failed(self, e: OSError) -> None:
        """A full or read-only disk is reported (once), not fatal: writes are atomic, so what
        was saved before stays readable. Called from the writer's thread too."""
        if not self._disk_warned:
            self._disk_warned = True
            self.warning.emit(_fill(_tr("Could not write to the run directory (%1). Training "
                                        "goes on and everything saved so far is intact; free "
                                        "some space."), e))

    def _every(self) -> int:
        # A pause or stop ends a batch at once; requests and checkpoints wait for its end: a
        # few image steps, or 2-D steps for ~45 ms.
        from ..core.runner import steps_per_batch

        return steps_per_batch(self.engine, 5, self.cfg.train.checkpoint_every)

    def _wait_while_paused(self) -> None:
        # Rate 0: the window shows this exact step (it thins out updates while a run streams).
        self.progress.emit(self.engine.step_count, self.cfg.train.steps, 0.0)
        self.paused.emit(True)
        while self._pause.is_set() and not self._stop.is_set():
            self._handle_requests()
            time.sleep(0.02)
        self.paused.emit(False)

    def _handle_requests(self) -> None:
        while True:
            try:
                kind, arg = self._requests.get_nowait()
            except queue.Empty:
                return
            try:
                self._handle(kind, arg)
            except (ValueError, RuntimeError, OSError) as e:  # a bad request never ends the run
                self.warning.emit(f"{kind}: {e}")

    def _handle(self, kind: str, arg) -> None:
        if kind == "save":
            from ..core.rundir import save_checkpoint

            save_checkpoint(arg, self.cfg, self.engine, self.history)
            self.saved.emit(arg)
        elif kind == "hyper":
            self.engine.set_hyperparameters(arg)
            self.cfg = arg
        elif kind == "preview":
            self.preview.emit(self.engine.preview())
        elif kind == "step":
            self._single_step(arg)
        elif kind == "points":
            self.engine.set_points(arg)
            self.preview.emit(self.engine.preview())
        elif kind == "generate":
            self.preview.emit(self.engine.generate_preview(*arg))
        elif kind == "caption":
            self.preview.emit(self.engine.caption_preview(*arg))

    def _single_step(self, kind: str) -> None:
        from ..core.runner import fetch_metrics

        e = self.engine
        fn = {"d": getattr(e, "step_d", None), "g": getattr(e, "step_g", None)}.get(kind)
        r = (fn or e.step)()
        fetch_metrics([r])
        self._record([r])
        if self._rd:
            self._writer.submit(self._rd.append_metrics, [r])
        self._flush()
        self.preview.emit(e.preview())
        self.progress.emit(e.step_count, self.cfg.train.steps, 0.0)

    def _record(self, results: list) -> None:
        """Add the results to the history (core.runner.record) and to what _flush sends."""
        from ..core.runner import record

        record(self.history, results)
        self._unsent += [r.step for r in results]

    def _flush(self) -> None:
        """Send the window the steps recorded since the last flush: the history's tails."""
        n = len(self._unsent)
        if not n:
            return
        out = {"step": np.array(self._unsent, dtype=np.int64)}
        for k, column in self.history.items():
            out[k] = np.frombuffer(column[len(column) - n:], dtype=np.float64)  # (a copy)
        self._unsent = []
        self.metrics.emit(out)

    def _checkpoint(self, rd) -> None:
        """Hand a copy of the state to the writer thread (after the metric rows queued before
        it) and train on: serialising and fsync no longer stop the training thread (a 2-D run
        checkpoints about once a second; all its disk writes together cost it ~5%)."""
        if rd is not None and self.engine is not None and self.bad_step is None:
            from ..core.rundir import Snapshot

            history = {k: v[:] for k, v in self.history.items()}  # copies of the arrays
            self._writer.submit(rd.save_checkpoint, Snapshot(self.engine), history)


class TrainingController(QObject):
    """Owns the thread and the worker for one run at a time; the window talks only to this."""

    state_changed = Signal(str)  # idle, starting, running, paused, stopping

    def __init__(self, parent=None):
        super().__init__(parent)
        gc_guard.install()  # never collect Qt objects in the training thread
        self.thread: QThread | None = None
        self.worker: TrainingWorker | None = None
        self.state = "idle"

    def _set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)

    def start(self, cfg: RunConfig, run_dir=None, resume: dict | None = None,
              connect=None) -> TrainingWorker:
        """Start a run; `connect(worker)` hooks up its signals before the thread starts."""
        if self.thread is not None:
            raise RuntimeError("a run is already going; stop it first")
        from .worker_process import ProcessWorker, trains_in_process

        worker_class = ProcessWorker if trains_in_process(cfg) else TrainingWorker
        self.worker = worker_class(cfg, run_dir, resume)
        self.thread = QThread()
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(getattr(self.worker, self.worker.entry))
        # Bound methods, not lambdas: a lambda slot would run in the worker's thread.
        self.worker.started.connect(self._on_started)
        self.worker.paused.connect(self._on_paused)
        self.worker.finished.connect(self._on_finished)
        if connect is not None:
            connect(self.worker)
        self._set_state("starting")
        self.thread.start()
        return self.worker

    def pause(self) -> None:
        if self.worker is not None:
            self.worker.set_paused(True)

    def resume(self) -> None:
        if self.worker is not None:
            self.worker.set_paused(False)

    def stop(self) -> None:
        if self.worker is not None and self.state != "stopping":
            self._set_state("stopping")
            self.worker.request_stop()

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Stop and block until the thread has ended (used when the window closes)."""
        if self.thread is None:
            return True
        self.stop()
        ok = self.thread.wait(timeout_ms)
        if not ok and hasattr(self.worker, "kill"):  # a training process that does not answer
            self.worker.kill()
            ok = self.thread.wait(timeout_ms)
        self._cleanup()
        return ok

    def _on_started(self, _device: str) -> None:
        gc_guard.settle()  # torch and the engine are loaded: freeze them out of collections
        self._set_state("running")

    def _on_paused(self, on: bool) -> None:
        if self.state != "stopping":
            self._set_state("paused" if on else "running")

    def _on_finished(self, _step: int) -> None:
        if self.thread is not None:
            self.thread.quit()
            self.thread.wait()
        self._cleanup()

    def _cleanup(self) -> None:
        if self.thread is None:
            return
        self.thread.deleteLater()
        self.worker.deleteLater()
        self.thread = None
        self.worker = None
        self._set_state("idle")
