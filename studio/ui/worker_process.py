"""Training in a process of its own, for the model families whose view never touches the
engine (the GANs: their panels only send requests and show previews).

Why: a training thread shares the interpreter lock with the GUI thread. A small model's step
is ~150 tiny ops, each of which lets go of the lock and takes it back; inside the window the
2-D GAN's training thread needed 15-18% more CPU per step than alone and waited whenever the
GUI thread painted: it trained at 0.66-0.78x its headless rate (`main.py bench`, c/a). A
process has a lock of its own. And a crash in a native kernel ends the run, not the window.

The child runs the same TrainingWorker: its signals are replaced by senders on a pipe, its
stop/pause flags and request queue are multiprocessing ones. The GUI side, ProcessWorker, is
a TrainingWorker whose work() (in the controller's QThread) starts the child and relays the
pipe into its own signals, so the window and the controller see one interface. On Linux the
children fork from a server that imported torch once (forkserver, warmed up with the window:
`warm_up`), so a run starts in well under a second instead of paying torch's import each time.
"""
from __future__ import annotations

import io
import multiprocessing as mp
import os
import sys
import threading
import time
import traceback

from PySide6.QtCore import QCoreApplication, QThread, Slot

from . import worker as worker_module
from .worker import TrainingWorker, _fill

IN_PROCESS = True  # False: every run trains in the worker's thread (tests that reach into it)
PROCESS_MODELS = ("gan",)  # families whose views never call the engine
SIGNALS = ("started", "metrics", "progress", "preview", "download", "paused", "saved",
           "diverged", "warning", "failed", "finished")
# What the server imports once for every child it forks.
PRELOAD = ["torch", "studio.core.engines", "studio.core.runner", "studio.ui.worker_process"]
EXIT_GRACE_S = 10.0  # a stopped child has this long to save its checkpoint before it is killed


def _tr(text: str) -> str:
    return QCoreApplication.translate("worker", text)


def trains_in_process(cfg) -> bool:
    return IN_PROCESS and cfg.model in PROCESS_MODELS


def context():
    if sys.platform.startswith("linux"):
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    # macOS and Windows: a fresh interpreter per run (forking after Qt or Objective-C
    # frameworks are loaded is not safe there).
    return mp.get_context("spawn")


def warm_up() -> None:
    """Start the fork server (it imports torch, ~1-2 s) before the first Start needs it."""
    if IN_PROCESS and sys.platform.startswith("linux"):
        from multiprocessing import forkserver

        context()
        forkserver.ensure_running()


class _Sender:
    """Stands in for one of the child worker's signals: emit() sends it to the window."""

    def __init__(self, name: str, conn, lock: threading.Lock, stop):
        self.name, self.conn, self.lock, self.stop = name, conn, lock, stop

    def emit(self, *values) -> None:
        with self.lock:  # the run directory's writer thread emits warnings too
            try:
                self.conn.send((self.name, values))
            except (BrokenPipeError, OSError):
                # Nobody relays the run any more (the window's side is gone): end it, which
                # saves its checkpoint, rather than train on unseen.
                self.stop.set()


def _watch_parent(stop, parent: int) -> None:
    # If the window's process dies without stopping the run, stop it (a checkpoint is saved).
    while not stop.is_set():
        if not _parent_alive(parent):
            stop.set()
        time.sleep(1.0)


def _parent_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _child(conn, stop, pause, requests, job: dict) -> None:
    """The training process: one TrainingWorker run, reported over `conn`."""
    os.environ.clear()
    os.environ.update(job["env"])  # the fork server's environment is from when it started
    # Anything the run prints goes to stderr: the window's stdout may be a channel
    # (`main.py bench` reads JSON answers from it).
    sys.stdout.flush()
    os.dup2(2, 1)
    lock = threading.Lock()
    try:
        from PySide6.QtCore import QCoreApplication

        from ..core.memory import keep_freed_memory
        from . import i18n

        keep_freed_memory()
        QCoreApplication.instance() or QCoreApplication([])  # for the messages' translations
        i18n.install(job["lang"])
        worker_module._threads = job["threads"]
        resume = None
        if job["resume"] is not None:
            import torch

            resume = torch.load(io.BytesIO(job["resume"]), map_location="cpu", weights_only=False)
        w = TrainingWorker(job["cfg"], job["run_dir"], resume)
        w._stop, w._pause, w._requests = stop, pause, requests
        for name in SIGNALS:
            setattr(w, name, _Sender(name, conn, lock, stop))
        threading.Thread(target=_watch_parent, args=(stop, job["parent"]), daemon=True,
                         name="watch-window").start()
        w.work()  # reports failures itself and ends with `finished`
    except BaseException as e:  # before the worker could: say what broke
        traceback.print_exc()
        _Sender("failed", conn, lock, stop).emit(f"{type(e).__name__}: {e}")
        _Sender("finished", conn, lock, stop).emit(0)
    finally:
        conn.close()


class ProcessWorker(TrainingWorker):
    """A TrainingWorker whose run happens in a child process (see the module's docstring)."""

    def __init__(self, cfg, run_dir=None, resume: dict | None = None):
        super().__init__(cfg, run_dir, resume)
        self._ctx = context()
        self._stop, self._pause = self._ctx.Event(), self._ctx.Event()
        self._requests = self._ctx.Queue()
        self.process = None

    def _job(self) -> dict:
        resume = None
        if self.resume is not None:
            import torch

            buf = io.BytesIO()  # tensors by value: no shared-memory handles to outlive
            torch.save(self.resume, buf)
            resume = buf.getvalue()
        from . import i18n

        return {"cfg": self.cfg, "run_dir": self.run_dir, "resume": resume,
                "threads": worker_module._threads, "lang": i18n.current(),
                "env": dict(os.environ), "parent": os.getpid()}

    entry = "relay"

    @Slot()
    def relay(self) -> None:
        """The QThread's job: start the child and pass on what it says until it finishes."""
        step = int(self.resume["engine"]["step"]) if self.resume else 0
        finished = False
        recv = None
        try:
            recv, send = self._ctx.Pipe(duplex=False)
            child = self._ctx.Process(
                target=_child, args=(send, self._stop, self._pause, self._requests, self._job()),
                name="studio-training", daemon=True)
            child.start()
            self.process = child
            send.close()  # the child holds the only writing end now
            while True:
                if not recv.poll(0.5):
                    if child.is_alive():
                        continue
                    if not recv.poll(0):
                        break  # gone without a word
                try:
                    name, values = recv.recv()
                except (EOFError, OSError):
                    break
                if name == "progress":
                    step = values[0]
                elif name == "diverged":
                    self.bad_step = values[0]
                elif name == "finished":
                    finished = True
                getattr(self, name).emit(*values)
                if finished:
                    break
        except Exception as e:  # the process could not start (no memory, no fork server)
            traceback.print_exc()
            self.failed.emit(f"{type(e).__name__}: {e}")
        finally:
            self._end(finished, step)
            if recv is not None:
                recv.close()
            QThread.currentThread().quit()

    def _end(self, finished: bool, step: int) -> None:
        child = self.process
        if child is not None:
            child.join(EXIT_GRACE_S if finished else 1.0)
            if child.is_alive():
                child.kill()
                child.join()
        if finished:
            return
        if child is not None and child.exitcode:
            self.failed.emit(_fill(_tr(
                "The training process ended unexpectedly (exit code %1). What it saved is "
                "intact: open its checkpoint (File > Open checkpoint) to go on."), child.exitcode))
        self.finished.emit(step)

    def kill(self) -> None:
        """End the child now (a stop it did not answer): what it saved stays intact."""
        if self.process is not None and self.process.is_alive():
            self.process.kill()
