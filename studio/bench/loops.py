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
import torch.nn.functional as F

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


class LimitGAN(_Loop):
    """The engine's G, D, optimisers and on-device data, and its step's arithmetic (one D pass
    over real and fake where the engine makes one; only G's gradients in G's update); one D
    and one G update, nothing else."""

    def step(self) -> None:
        e, bs = self.engine, self.bs
        real = e._real_batch(bs)[0]
        if e.fast_now():  # the engine's hand-written gradients (gan_mlp_fast), no metrics
            fake = e.fast.generate(e._noise(bs))
            e.fast.d_grads(real, fake, e.cfg.gan.loss, 0.0)
            e.opt_d.step()
            e.fast.g_grads(fake, fake, e.cfg.gan.loss)
            e.opt_g.step()
            return
        with e.amp():
            fake = e.G(e._noise(bs))
            if e.joint_d:
                logit_real, logit_fake = e.D(torch.cat([real, fake.detach()])).float() \
                    .tensor_split(2)
            else:
                logit_real, logit_fake = e.D(real).float(), e.D(fake.detach()).float()
            loss_d = e.loss.d(logit_real, logit_fake)
        e.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        e.opt_d.step()
        with e.amp():
            loss_g = e.loss.g(e.D(fake).float())
        e.opt_g.zero_grad(set_to_none=True)
        loss_g.backward(inputs=e._g_params)
        e.opt_g.step()


class LimitVAE(_Loop):
    def step(self) -> None:
        e, m = self.engine, self.engine.model
        x = e.data.batch(e.data.batch_indices(self.bs, e.gen))
        with m.amp():
            mu, logvar = m.encode(x)
            z = mu.float() + (0.5 * logvar.float()).exp() * e._randn(len(x), m.latent_dim)
            recon = F.binary_cross_entropy_with_logits(m.logits(z).float(), x,
                                                       reduction="sum") / len(x)
            kl = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(1).mean()
            loss = recon + e.beta_now() * kl
        m.opt.zero_grad(set_to_none=True)
        loss.backward()
        m.opt.step()


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
