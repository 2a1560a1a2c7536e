"""The run handle: what the window and its views hold to start, pause, stop and ask a run,
whichever family it is. `RunHandle` wraps a core.transport (a training process by default)
and relays its events into the GUI thread; EM's handle (views/gmm.py) steps the fit in the
window behind the same calls.

States: idle, starting, running, paused, stopping. A run that ended is idle, but its
session may linger to answer requests (draw this caption, re-encode the latent space) until
the next run starts or the handle is closed.
"""
from __future__ import annotations

import os
import threading

from PySide6.QtCore import QObject, QThread, Signal

from ...core.session import Event
from .. import gc_guard

IN_PROCESS = True  # False: sessions run in a thread of the window (where processes cannot)
PREVIEW_INTERVAL = 0.2  # seconds: previews due more often than this wait (fast devices)
_threads = max(1, (os.cpu_count() or 2) - 1)  # intra-op threads a run may use (preload_torch)


_preload: threading.Thread | None = None
_stuck: list = []  # relays of runs that did not end when closed (kept, never deleted)


def preload_torch(threads: int) -> None:
    """Import torch in a background thread (1-2 s; the window is shown meanwhile) and start
    the training processes' fork server; runs wait for it (`wait_for_torch`). `threads`:
    intra-op threads a run may use (a core is left to the GUI thread: OpenMP threads that
    spin against the painter slow small models down many times over)."""
    global _preload, _threads
    _threads = threads

    def load() -> None:
        import torch

        torch.set_num_threads(threads)
        if IN_PROCESS:
            from ...core.transport import warm_up

            warm_up()

    _preload = threading.Thread(target=load, name="preload-torch")
    _preload.start()


def wait_for_torch() -> None:
    if _preload is not None:
        _preload.join()


class _Relay(QThread):
    """Reads one transport's events in a thread of its own and hands them over as a signal
    (queued into the GUI thread, where the handle lives)."""

    got = Signal(object, object)  # relay, event

    def __init__(self, transport):
        super().__init__()
        self.transport = transport

    def run(self) -> None:
        for event in self.transport.events():
            self.got.emit(self, event)


class BaseHandle(QObject):
    """What the window calls; subclasses run the session somewhere."""

    state_changed = Signal(str)
    event = Signal(object)  # core.session.Event, in the GUI thread

    def __init__(self, parent=None):
        super().__init__(parent)
        self.state = "idle"

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    @property
    def live(self) -> bool:
        """Whether a session answers requests now (running, paused, or lingering after)."""
        return False

    def start(self, cfg, run_dir, mode: str = "new", resume: dict | None = None) -> None:
        raise NotImplementedError

    def pause(self, on: bool = True) -> None:
        """Pause (on) or go on; nothing when no run is going."""

    def toggle_pause(self) -> None:
        if self.state == "running":
            self.pause(True)
        elif self.state == "paused":
            self.pause(False)

    def stop(self) -> None:
        """End the run at the next step; it saves its checkpoint."""

    def one_step(self) -> None:
        """Single-step mode: pause, then one full step."""

    def request(self, kind: str, arg=None) -> bool:
        """Ask the session something; False when none is there to answer."""
        return False

    def close(self, timeout_s: float = 30.0) -> bool:
        """End the run and any lingering session; True once nothing runs any more."""
        return True


class RunHandle(BaseHandle):
    """A session in a training process (or a thread: IN_PROCESS False)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        gc_guard.install()  # never collect Qt objects in the relay's thread
        self.transport = None
        self.relay: _Relay | None = None
        self._lingering = False

    @property
    def live(self) -> bool:
        return self.transport is not None and (self.state in ("running", "paused")
                                               or self._lingering)

    def start(self, cfg, run_dir, mode: str = "new", resume: dict | None = None) -> None:
        from ...core.transport import make_transport

        if self.state != "idle":
            raise RuntimeError("a run is already going; stop it first")
        self.close()
        wait_for_torch()
        self.transport = make_transport(cfg, run_dir, mode, resume, _threads, PREVIEW_INTERVAL,
                                        IN_PROCESS)
        self.relay = _Relay(self.transport)
        self.relay.got.connect(self._on_got)  # queued: the relay emits from its thread
        self.relay.finished.connect(self._on_relay_done)
        self._lingering = False
        self._set_state("starting")
        try:
            self.transport.start()
        except Exception as e:  # no memory for a process, no fork server
            self.transport = None
            self.relay = None
            self._set_state("idle")
            self.event.emit(Event("failed", {"message": f"{type(e).__name__}: {e}",
                                             "user_error": False}))
            self.event.emit(Event("finished", {"step": 0, "outcome": "failed",
                                               "checkpoint_step": None}))
            return
        self.relay.start()

    def _on_got(self, relay, event: Event) -> None:
        if relay is not self.relay:
            return  # a run that was closed: its last words are not this run's
        kind = event.kind
        if kind == "started":
            gc_guard.settle()  # torch and the models are loaded: freeze them out of collections
            if self.state == "starting":
                self._set_state("running")
        elif kind == "paused" and self.state != "stopping":
            self._set_state("paused" if event.data["on"] else "running")
        elif kind == "finished":
            self._lingering = event.data["outcome"] != "failed"
            self._set_state("idle")
        self.event.emit(event)

    def _on_relay_done(self) -> None:
        if self.sender() is self.relay:
            self._lingering = False
            if self.state != "idle":  # no `finished` came (cannot happen; be safe anyway)
                self._set_state("idle")

    def pause(self, on: bool = True) -> None:
        if self.transport is not None and self.state in ("running", "paused", "starting"):
            (self.transport.controls.pause.set if on else self.transport.controls.pause.clear)()

    def stop(self) -> None:
        if self.transport is not None and self.state in ("starting", "running", "paused"):
            self._set_state("stopping")
            self.transport.controls.stop.set()

    def one_step(self) -> None:
        if self.transport is not None and self.state in ("running", "paused"):
            self.pause(True)  # a step at a time: the free-running loop waits
            self.request("step", "both")

    def request(self, kind: str, arg=None) -> bool:
        if not self.live:
            return False
        self.transport.controls.request(kind, arg)
        return True

    def close(self, timeout_s: float = 30.0) -> bool:
        transport, relay = self.transport, self.relay
        self.transport, self.relay, self._lingering = None, None, False
        if transport is None:
            self._set_state("idle")
            return True
        if self.state != "idle":
            self._set_state("stopping")
        ok = transport.end(timeout_s)
        if relay is not None:
            if relay.wait(int(timeout_s * 1000)):
                relay.deleteLater()
            else:  # a thread run stuck in a step: never delete a running QThread (it aborts)
                _stuck.append(relay)
                ok = False
        self._set_state("idle")
        return ok
