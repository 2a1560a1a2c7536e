"""The loops `main.py bench` times; each has run(n) -> (examples, seconds)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from .rows import row_config


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


class _Loop:
    def __init__(self, cfg):
        from ..core.engines import make_engine

        self.cfg = cfg
        self.engine = make_engine(cfg)
        self.device = self.engine.device
        self.bs = cfg.train.batch_size

    def run(self, n: int) -> tuple[int, float]:
        """n steps of the subclass's step(), timed (Runner replaces this whole loop)."""
        sync(self.device)
        t = time.perf_counter()
        for _ in range(n):
            self.step()
        sync(self.device)
        return n * self.bs, time.perf_counter() - t

    def close(self) -> None:
        """The in-process loops hold nothing to free."""


class Limit(_Loop):
    """The engine's own step with nothing measured (Engine.measure off): its networks,
    optimisers and on-device data, one D and one G update (or one VAE update), no metrics,
    diagnostics, previews or logging."""

    def __init__(self, cfg):
        super().__init__(cfg)
        self.engine.measure = False

    def step(self) -> None:
        self.engine.step()


class AtThreads:
    """A loop run at another intra-op thread count; a segment also ends after `budget` s
    (with threads spinning against a busy core, a step can take many times longer)."""

    def __init__(self, loop: _Loop, threads: int, budget: float):
        self.loop, self.threads, self.budget = loop, threads, budget
        self.bs = loop.bs

    def run(self, n: int) -> tuple[int, float]:
        before = torch.get_num_threads()
        torch.set_num_threads(self.threads)
        try:
            t = time.perf_counter()
            done = 0
            while done < n and (done == 0 or time.perf_counter() - t < self.budget):
                self.loop.step()
                done += 1
            sync(self.loop.device)
            return done * self.bs, time.perf_counter() - t
        finally:
            torch.set_num_threads(before)

    def close(self) -> None:
        self.loop.close()


class Runner(_Loop):
    """core.runner.run as `main.py train` drives it (its batches, previews), minus the disk."""

    def __init__(self, cfg):
        super().__init__(cfg)
        self.history: dict = {}  # as main.py train keeps it (core.runner.record)
        self.cpu_s, self.steps = 0.0, 0  # this thread's CPU time over the timed segments

    def run(self, n: int) -> tuple[int, float]:
        from ..core.runner import record, run, steps_per_batch

        e = self.engine
        cpu = time.thread_time()
        self.steps += n
        t = time.perf_counter()
        for batch in run(e, e.step_count + n, every=steps_per_batch(e, 20),
                         preview_every=self.cfg.train.preview_every,
                         headless=True):
            record(self.history, batch)
        sync(self.device)
        took = time.perf_counter() - t
        self.cpu_s += time.thread_time() - cpu
        return n * self.bs, took


class Child:
    """A loop in a subprocess (`python -m MODULE --row ...`), one segment per request over its
    stdin: "N" -> one JSON line with the steps done and the seconds they took."""

    def __init__(self, module: str, row: str, device: str, threads: int):
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        self._tmp = tempfile.TemporaryDirectory(prefix="studio-bench-")
        env["GENERATIVE_STUDIO_RUNS"] = self._tmp.name
        # A file, not a pipe: a chatty child could fill a pipe nobody reads and stall.
        self._err = open(Path(self._tmp.name) / "stderr.txt", "w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", module, "--row", row, "--device", device,
             "--threads", str(threads)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._err, text=True,
            env=env)
        self.bs = row_config(row, device).train.batch_size
        self.ready = self._reply()  # set up (the window: the run has started and is paused)

    def _reply(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            self._err.seek(0)
            err = self._err.read()
            raise RuntimeError(f"the benchmark's {self.proc.args[2]} ended early:\n"
                               f"{err[-2000:]}")
        return json.loads(line)

    def segment(self, n: int) -> dict:
        self.proc.stdin.write(f"{n}\n")
        self.proc.stdin.flush()
        return self._reply()

    def run(self, n: int) -> tuple[int, float]:
        r = self.segment(n)
        return r["steps"] * self.bs, r["seconds"]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.proc.stdin.close()
        self._err.close()
        self._tmp.cleanup()


class Window(Child):
    """The main window in a subprocess (`python -m studio.ui.bench_gui`); it also reports the
    GUI thread's timer latencies and CPU time."""

    def __init__(self, row: str, device: str, threads: int):
        super().__init__("studio.ui.bench_gui", row, device, threads)
        self.latencies: list[float] = []
        self.cpu = {"gui_cpu_s": 0.0, "process_cpu_s": 0.0, "seconds": 0.0}
        self.trainer = {"cpu_s": 0.0, "steps": 0}  # where /proc tells the thread's CPU time

    def run(self, n: int) -> tuple[int, float]:
        r = self.segment(n)
        self.latencies += r["latencies_ms"]
        for k in self.cpu:
            self.cpu[k] += r[k]
        if r.get("trainer_cpu_s") is not None:
            self.trainer["cpu_s"] += r["trainer_cpu_s"]
            self.trainer["steps"] += r["steps"]
        return r["steps"] * self.bs, r["seconds"]


_PEAK = """import atexit, os, sys
def _peak():
    kib = None
    try:
        with open("/proc/self/status") as f:
            kib = next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))
    except OSError:
        import resource
        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB; bytes on macOS
        kib //= 1024 if sys.platform == "darwin" else 1
    with open(os.environ["STUDIO_BENCH_PEAK"], "w") as f:
        f.write(str(kib))
atexit.register(_peak)
"""


def peak_rss_mb(code: str, args: list[str], cwd: Path, tmp: str) -> float:
    out = Path(tmp) / "peak.txt"
    env = dict(os.environ, STUDIO_BENCH_PEAK=str(out))
    p = subprocess.run([sys.executable, "-c", _PEAK + code, *args], cwd=cwd, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if p.returncode:
        raise RuntimeError(f"{' '.join(args[:2]) or code} failed (exit status {p.returncode})")
    return int(out.read_text()) / 1024
