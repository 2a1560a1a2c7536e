"""The window half of `main.py bench` (run as `python -m studio.ui.bench_gui --row NAME`).

A real MainWindow trains one benchmark row with every panel live; the run starts, then waits
paused. Each line "N" on stdin resumes it for N steps and answers one JSON line on stdout:
the steps done, the seconds they took (between two progress signals, as the GUI thread sees
them) and the event-loop latencies of a timer in the GUI thread meanwhile. "quit" closes the
window (which ends the run). The parent interleaves these segments with its own loops.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication

TICK_MS = 10  # the latency probe: a single-shot timer re-armed every tick


def thread_cpu(where: tuple[int, int] | None) -> float | None:
    """CPU seconds a thread (pid, tid) has used, from /proc (Linux); None elsewhere."""
    if where is None:
        return None
    try:
        with open(f"/proc/{where[0]}/task/{where[1]}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


class SegmentDriver(QObject):
    command = Signal(str)  # a line from stdin (emitted by the reader thread, queued here)

    def __init__(self, win, app):
        super().__init__()
        self.win, self.app = win, app
        self.phase = "starting"  # starting, idle, measuring, pausing
        self.target = 0
        self.start: tuple[int, float] | None = None
        self.end: tuple[int, float] | None = None
        self.latencies: list[float] = []
        self.probe = QTimer(self)
        self.probe.setSingleShot(True)
        self.probe.setTimerType(Qt.TimerType.PreciseTimer)
        self.probe.timeout.connect(self._on_tick)
        self._armed = 0.0
        self.trainer: tuple[int, int] | None = None  # (pid, tid) of the training thread
        self.command.connect(self._on_command)
        win.run.state_changed.connect(self._on_state)
        win.run.event.connect(self._on_event)

    def begin(self) -> None:
        self.win.run.start(self.win.controls.cfg.copy(), self.win.run_dir)
        self._arm()

    def _on_event(self, event) -> None:
        if event.kind == "started":
            # A training process trains in its main thread; a thread run in its own thread.
            process = getattr(self.win.run.transport, "process", None)
            thread = getattr(self.win.run.transport, "_thread", None)
            self.trainer = ((process.pid, process.pid) if process is not None
                            else (os.getpid(), thread.native_id))
        elif event.kind == "progress":
            self._on_progress(event.data["step"])

    def _arm(self) -> None:
        self._armed = time.perf_counter()
        self.probe.start(TICK_MS)

    def _on_tick(self) -> None:
        late = time.perf_counter() - self._armed - TICK_MS / 1000
        if self.phase == "measuring" and self.start is not None:
            self.latencies.append(max(0.0, late) * 1000)
        self._arm()

    def _on_progress(self, step: int) -> None:
        now = time.perf_counter()
        if self.phase == "starting" and step > 0:
            self.win.run.pause(True)
        elif self.phase == "measuring":
            if self.start is None:
                self.start = (step, now)
                self.cpu0 = (time.thread_time(), time.process_time(),
                             thread_cpu(self.trainer))
            elif step >= self.start[0] + self.target:
                self.end = (step, now)
                self.cpu1 = (time.thread_time(), time.process_time(),
                             thread_cpu(self.trainer))
                self.phase = "pausing"
                self.win.run.pause(True)

    def _on_state(self, state: str) -> None:
        if state != "paused":
            return
        if self.phase == "starting":
            self.phase = "idle"
            self._reply({"ready": True})
        elif self.phase == "pausing":
            self.phase = "idle"
            (s0, t0), (s1, t1) = self.start, self.end
            # CPU seconds of the GUI thread, the whole process and the training thread.
            gui, proc = (b - a for a, b in zip(self.cpu0[:2], self.cpu1[:2]))
            trainer = (None if None in (self.cpu0[2], self.cpu1[2])
                       else self.cpu1[2] - self.cpu0[2])
            self._reply({"steps": s1 - s0, "seconds": t1 - t0, "latencies_ms": self.latencies,
                         "gui_cpu_s": gui, "process_cpu_s": proc, "trainer_cpu_s": trainer})

    def _on_command(self, line: str) -> None:
        if line == "quit" or not line:
            self.win.close()  # ends the run and waits for it
            self.app.quit()
            return
        self.target, self.start, self.end, self.latencies = int(line), None, None, []
        self.phase = "measuring"
        self.win.run.pause(False)

    @staticmethod
    def _reply(obj: dict) -> None:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m studio.ui.bench_gui")
    ap.add_argument("--row", required=True)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)

    from ..bench.rows import ROWS, row_config
    from ..core.memory import keep_freed_memory
    from .run.handle import preload_torch, wait_for_torch

    keep_freed_memory()  # as main.py does
    preload_torch(args.threads)  # as the window does: its runs use this many
    wait_for_torch()
    from .main_window import MainWindow, runs_root

    app = QApplication.instance() or QApplication(sys.argv[:1])
    cfg = row_config(args.row, args.device)
    cfg.train.steps = 10_000_000  # the parent decides when to stop
    preset = ROWS[args.row][1]
    win = MainWindow(preset)
    win.controls.set_config(cfg, preset=preset)
    win.set_view(cfg)
    win.run_dir = runs_root() / f"bench-{args.row}"
    win.show()
    driver = SegmentDriver(win, app)

    def read_stdin() -> None:
        for line in sys.stdin:
            driver.command.emit(line.strip())
        driver.command.emit("quit")

    threading.Thread(target=read_stdin, daemon=True).start()
    QTimer.singleShot(0, driver.begin)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
