"""Where a window's session runs: in a training process of its own (the default), or in a
thread of the window's process (where a process cannot be started). Both are driven alike:
`start()`, the `controls` (stop, pause, quit, requests) and `events()`, which yields the
session's events as they come. No Qt here: the window wraps a transport in its run handle.

Why a process: a training thread shares the interpreter lock with the GUI thread; a small
model's step is ~150 tiny ops, each of which lets go of the lock and takes it back, so a
training thread waits whenever the window paints (`main.py bench`, c/a). A process has a lock
of its own, and a crash in a native kernel ends the run, not the window. On Linux children
fork from a server that imported torch once (forkserver, started with the window by
`warm_up`), so a run starts in well under a second.
"""
from __future__ import annotations

import ctypes
import io
import multiprocessing as mp
import os
import queue
import sys
import threading
import time
import traceback
from typing import Iterator

from .session import Controls, Event, TrainingSession

# What the fork server imports once for every child it forks (nothing of Qt). torch._dynamo:
# every optimizer imports it (torch's add_param_group), 1.5-2 s a run otherwise.
PRELOAD = ["torch", "torch._dynamo", "studio.core.engines", "studio.core.runner",
           "studio.core.transport"]
EXIT_GRACE_S = 10.0  # a child told to quit has this long to end before it is killed
POLL_S = 0.5


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
    if sys.platform.startswith("linux"):
        from multiprocessing import forkserver

        context()
        forkserver.ensure_running()


def _session(job: dict, sink, controls: Controls) -> TrainingSession:
    from .rundir import RunDir

    run_dir, mode = job["run_dir"], job["mode"]

    def make_run_dir(cfg, _engine):
        return RunDir(run_dir, cfg, mode=mode, checkpoint=job["resume"]) \
            if run_dir is not None else None

    return TrainingSession(job["cfg"], sink, make_run_dir=make_run_dir, resume=job["resume"],
                           controls=controls, interactive=True, linger=True,
                           preview_interval=job["preview_interval"], threads=job["threads"])


class ThreadTransport:
    """The session in a thread of this process; its events through a queue."""

    def __init__(self, job: dict):
        self.job = job
        self.controls = Controls()
        self._events: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        def work() -> None:
            try:
                _session(self.job, self._events.put, self.controls).run()
            finally:
                self._events.put(None)
        self._thread = threading.Thread(target=work, name="training", daemon=True)
        self._thread.start()

    def events(self) -> Iterator[Event]:
        while True:
            event = self._events.get()
            if event is None:
                return
            yield event

    def end(self, timeout: float = EXIT_GRACE_S) -> bool:
        """Stop the run and its lingering; True once the thread has ended."""
        self.controls.stop.set()
        self.controls.quit.set()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()


class _PipeSink:
    """Sends events to the window; the run directory's writer thread reports too."""

    def __init__(self, conn, stop):
        self.conn, self.stop, self.lock = conn, stop, threading.Lock()

    def __call__(self, event: Event) -> None:
        with self.lock:
            try:
                self.conn.send(event)
            except (BrokenPipeError, OSError):
                # Nobody relays the run any more (the window's side is gone): end it, which
                # saves its checkpoint, rather than train on unseen.
                self.stop.set()


def _watch_parent(controls: Controls, parent: int) -> None:
    # If the window's process dies without ending the run, end it (a checkpoint is saved).
    while not controls.quit.is_set():
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            controls.stop.set()
            controls.quit.set()
        except PermissionError:
            pass
        time.sleep(1.0)


def child(conn, controls: Controls, job: dict) -> None:
    """The training process: one session, reported over `conn`."""
    os.environ.clear()
    os.environ.update(job["env"])  # the fork server's environment is from when it started
    # Anything the run prints goes to stderr: the window's stdout may be a channel
    # (`main.py bench` reads JSON answers from it).
    sys.stdout.flush()
    os.dup2(2, 1)
    sink = _PipeSink(conn, controls.stop)
    try:
        from .memory import keep_freed_memory

        keep_freed_memory()
        if job["resume"] is not None:
            import torch

            job["resume"] = torch.load(io.BytesIO(job["resume"]), map_location="cpu",
                                       weights_only=True)
        threading.Thread(target=_watch_parent, args=(controls, job["parent"]), daemon=True,
                         name="watch-window").start()
        _session(job, sink, controls).run()  # reports failures itself, ends with `finished`
    except BaseException as e:  # before the session could: say what broke
        traceback.print_exc()
        sink(Event("failed", {"message": f"{type(e).__name__}: {e}", "user_error": False}))
        sink(Event("finished", {"step": 0, "outcome": "failed", "checkpoint_step": None}))
    finally:
        conn.close()


class Flag:
    """A set-or-not flag shared with a training process, with the calls of threading.Event.
    Not a multiprocessing Event: that takes a lock on every is_set, and a child killed while
    holding it (it checks `stop` every step) would hang the window's next set() for good."""

    def __init__(self, ctx):
        self._value = ctx.RawValue(ctypes.c_bool, False)

    def set(self) -> None:
        self._value.value = True

    def clear(self) -> None:
        self._value.value = False

    def is_set(self) -> bool:
        return bool(self._value.value)

    def wait(self, timeout: float | None = None) -> bool:
        end = None if timeout is None else time.monotonic() + timeout
        while not self.is_set() and (end is None or time.monotonic() < end):
            time.sleep(0.01)
        return self.is_set()


class ProcessTransport:
    """The session in a child process; its events through a pipe. A child that dies without
    a word (killed, a crash in a native kernel) ends in a `failed` and a `finished` event."""

    def __init__(self, job: dict):
        self._ctx = context()
        self.controls = Controls(stop=Flag(self._ctx), pause=Flag(self._ctx),
                                 quit=Flag(self._ctx), requests=self._ctx.Queue())
        self.job = job
        self.process = None
        self._recv = None

    def start(self) -> None:
        job = dict(self.job)
        if job["resume"] is not None:
            import torch

            buf = io.BytesIO()  # tensors by value: no shared-memory handles to outlive
            torch.save({k: job["resume"][k] for k in ("engine", "history")}, buf)
            job["resume"] = buf.getvalue()
        job.update(env=dict(os.environ), parent=os.getpid())
        recv, send = self._ctx.Pipe(duplex=False)
        self.process = self._ctx.Process(target=child, args=(send, self.controls, job),
                                         name="studio-training", daemon=True)
        self.process.start()
        send.close()  # the child holds the only writing end now
        self._recv = recv

    def events(self) -> Iterator[Event]:
        recv, child_ = self._recv, self.process
        finished, step = False, 0
        try:
            while True:
                if not recv.poll(POLL_S):
                    if child_.is_alive():
                        continue
                    if not recv.poll(0):
                        break  # gone without a word
                try:
                    event = recv.recv()
                except (EOFError, OSError):
                    break
                if event.kind == "progress":
                    step = event.data["step"]
                elif event.kind == "finished":
                    finished = True
                yield event
        finally:
            recv.close()
        child_.join(1.0)
        if not finished:
            yield Event("failed", {"message": None, "exit_code": child_.exitcode,
                                   "user_error": False})
            yield Event("finished", {"step": step, "outcome": "failed", "checkpoint_step": None})

    def end(self, timeout: float = EXIT_GRACE_S) -> bool:
        """Stop the run and its lingering; kill a child that does not end in `timeout`."""
        self.controls.stop.set()
        self.controls.quit.set()
        # Requests nobody will read must not hold up this process's exit.
        self.controls.requests.cancel_join_thread()
        p = self.process
        if p is None:
            return True
        p.join(timeout)
        if p.is_alive():
            p.kill()
            p.join()
        return True


def make_transport(cfg, run_dir, mode: str, resume: dict | None, threads: int | None,
                   preview_interval: float, in_process: bool = True):
    job = {"cfg": cfg.copy(), "run_dir": None if run_dir is None else str(run_dir),
           "mode": mode, "resume": resume, "threads": threads,
           "preview_interval": preview_interval}
    return (ProcessTransport if in_process else ThreadTransport)(job)
