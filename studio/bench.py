"""`main.py bench`: how fast the studio trains, against the limit and a script-style loop.

Each training row times four loops over the same model, batch, data and device, interleaved
(a, b, c, d, a, b, ...) so that load from other processes hits all four alike; a loop's rate is
the median over its segments, a ratio between loops the median of the rounds' own ratios:
  a  limit   a minimal loop: data on the device, no metrics, no logging
  b  runner  the studio's runner headless (core.runner.run with its metrics and previews)
  c  window  the studio's worker in the real main window, every panel live (offscreen Qt, in a
             subprocess: this module never imports Qt)
  d  script  a script-style loop: a torchvision-style Dataset of PIL images, ToTensor (+
             Normalize), a DataLoader, plain Adam, `.item()` on the losses every step (in a
             plain subprocess: studio/bench_script.py)
a and b run in this process with the studio's process settings, as `main.py train` has them
(studio.core.memory). No Qt is imported here.
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .bench_script import SCRIPT_WORKERS
from .presets import PRESETS

TINY_ENV = "GENERATIVE_STUDIO_BENCH_TINY"  # tests: a few steps per loop, numbers meaningless

# name -> (title, preset, overrides)
ROWS = {
    "dcgan28": ("DCGAN 28x28 digits, batch 128", "dcgan-digits",
                {"train.batch_size": 128, "data.image_size": 28}),
    "dcgan32": ("DCGAN 32x32 digits, batch 128", "dcgan-digits",
                {"train.batch_size": 128, "data.image_size": 32}),
    "vae": ("VAE (MLP) 16x16 digits, batch 128", "vae-digits", {}),
    # Where per-step overhead dominates: a browser-demo-sized MLP (GAN Lab's are this small).
    "gan2d": ("2-D GAN ring of 8, MLP 2x32, batch 256", "gan-ring8",
              {"gan.hidden": 32, "gan.layers": 2, "gan.pack": 1, "train.batch_size": 256}),
    # The preset as users run it (3x128, PacGAN pairs): compute-bound on a CPU thread.
    "gan2d-preset": ("2-D GAN gan-ring8 preset, batch 128", "gan-ring8", {}),
}
QUICK_ROWS = ("dcgan28", "vae", "gan2d")


def has_qt() -> bool:
    """Whether the window loop (c) and the start-up time can be measured here: a GPU server
    may have torch but no Qt; the other loops still are."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("PySide6", "pyqtgraph"))


def row_config(name: str, device: str):
    _, preset, overrides = ROWS[name]
    cfg = PRESETS[preset].config()
    for k, v in {**overrides, "train.device": device}.items():
        cfg.set(k, v)
    return cfg.validate()


def default_threads() -> int:
    # What the window uses: a core left to the GUI thread (see run_gui).
    return max(1, (os.cpu_count() or 2) - 1)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


# -- the loops: each has run(n) -> (examples, seconds) --------------------------------------
class _Loop:
    def __init__(self, cfg):
        from .core.engines import make_engine

        self.cfg = cfg
        self.engine = make_engine(cfg)
        self.device = self.engine.device
        self.bs = cfg.train.batch_size

    def run(self, n: int) -> tuple[int, float]:
        """n steps of the subclass's step(), timed (Runner replaces this whole loop)."""
        _sync(self.device)
        t = time.perf_counter()
        for _ in range(n):
            self.step()
        _sync(self.device)
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
        x = e.data.x[e.data.batch_indices(self.bs, e.gen)]
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
            _sync(self.loop.device)
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
        from .core.runner import record, run, steps_per_batch

        e = self.engine
        cpu = time.thread_time()
        self.steps += n
        t = time.perf_counter()
        for batch in run(e, e.step_count + n, every=steps_per_batch(e, 20),
                         preview_every=self.cfg.train.preview_every,
                         headless=True):
            record(self.history, batch)
        _sync(self.device)
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


# -- measuring ------------------------------------------------------------------------------------
def _settings(quick: bool) -> dict:
    if os.environ.get(TINY_ENV):
        return {"rounds": 1, "seconds": 0.0, "startup_repeats": 1, "em_repeats": 2,
                "em_n": 5_000, "mem_steps": 2}
    if quick:
        return {"rounds": 4, "seconds": 1.5, "startup_repeats": 3, "em_repeats": 7,
                "em_n": 100_000, "mem_steps": 20}
    return {"rounds": 11, "seconds": 2.0, "startup_repeats": 5, "em_repeats": 11,
            "em_n": 100_000, "mem_steps": 50}


def bench_training_row(name: str, device: str, threads: int, s: dict,
                       say=lambda msg: None, window: bool = True) -> dict:
    cfg = row_config(name, device)
    limit_cls = LimitVAE if cfg.model == "vae" else LimitGAN
    loops: dict = {}
    # The in-process loops (a, b) run at `threads`, as the window's and the script's do. Left
    # at torch's default (a row timed alone, not through run_bench), the 2-D limit loop ran
    # ~40% slower in most rounds: its small products were split over two threads, one of
    # them spinning beside the loop.
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        loops["a"] = limit_cls(cfg)
        loops["b"] = Runner(cfg)
        if window:
            loops["c"] = Window(name, device, threads)
        loops["d"] = Child("studio.bench_script", name, device, threads)
        other = os.cpu_count() or 1  # torch's own default: one thread per core
        if other != threads and device == "cpu":
            loops["a_threads"] = AtThreads(limit_cls(cfg), other, 3 * s["seconds"] + 1)
        # Warm-up (allocator, first-call costs, DataLoader workers), and a segment length that
        # lasts about s["seconds"] for the limit loop.
        n = 2
        for loop in loops.values():
            loop.run(n)
        loops["b"].engine.preview()  # its first one imports torchvision (the window's did)
        _, took = loops["a"].run(n)
        per_step = took / n
        steps = max(2, int(s["seconds"] / max(per_step, 1e-6)))
        if cfg.model == "gan" and cfg.data.name != "digits":  # 2-D: steps of a millisecond
            steps = max(steps, 20)
        loops["b"].cpu_s, loops["b"].steps = 0.0, 0
        if window:
            loops["c"].latencies.clear()
            loops["c"].cpu = dict.fromkeys(loops["c"].cpu, 0.0)
            loops["c"].trainer = {"cpu_s": 0.0, "steps": 0}
        rates: dict[str, list[float]] = {k: [] for k in loops}
        order = np.random.default_rng(0)
        for r in range(s["rounds"]):
            # A new order each round: under load, a loop that runs right after the window's
            # segment (while this process slept) can get more of the CPU than the others.
            for key in order.permutation(list(loops)):
                examples, took = loops[key].run(steps)
                rates[key].append(examples / took)
            say(f"  {name} round {r + 1}/{s['rounds']}: " + ", ".join(
                f"{k} {v[-1]:,.0f}/s" for k, v in rates.items()))
        med = {k: statistics.median(v) for k, v in rates.items()}

        def ratio(x: str, y: str) -> float:
            # The median of each round's own ratio: on a shared host whole stretches of tens
            # of seconds can run ~35% slow, and a round's loops mostly share their stretch.
            return statistics.median(p / q for p, q in zip(rates[x], rates[y]))
        out = {"title": ROWS[name][0], "preset": ROWS[name][1], "steps_per_segment": steps,
               "rounds": s["rounds"], "batch_size": cfg.train.batch_size,
               "unit": "points/s" if cfg.data.name != "digits" else "images/s",
               "precision": loops["a"].engine.precision,
               "limit": med["a"], "runner": med["b"], "window": None, "script": med["d"],
               "b_over_a": ratio("b", "a"), "c_over_a": None,
               "a_over_d": ratio("a", "d"), "b_over_d": ratio("b", "d"),
               "script_workers": loops["d"].ready["workers"], "threads": threads,
               "limit_other_threads": ({"threads": os.cpu_count(), "rate": med["a_threads"],
                                        "over_a": ratio("a_threads", "a")}
                                       if "a_threads" in med else None),
               "all": rates}
        if window:
            c, lat = loops["c"], np.asarray(loops["c"].latencies or [0.0])
            out.update(window=med["c"], c_over_a=ratio("c", "a"),
                       # While the window trained: CPU seconds per wall second, GUI and process.
                       window_cpu={"gui": c.cpu["gui_cpu_s"] / c.cpu["seconds"],
                                   "process": c.cpu["process_cpu_s"] / c.cpu["seconds"]},
                       gui_latency_ms={"p50": float(np.percentile(lat, 50)),
                                       "p95": float(np.percentile(lat, 95)),
                                       "max": float(lat.max()), "samples": int(lat.size)})
            if c.trainer["steps"]:
                # CPU time per step of the window's training thread against the runner's:
                # above 1, what sharing the process (the GIL, caches) costs the training.
                out["trainer_cpu_over_runner"] = (c.trainer["cpu_s"] / c.trainer["steps"]) / (
                    loops["b"].cpu_s / max(loops["b"].steps, 1))
        return out
    finally:
        torch.set_num_threads(before)
        for loop in loops.values():
            loop.close()


def bench_em_row(s: dict, device: str, k: int = 8, seed: int = 0) -> dict:
    """Seconds per EM iteration (E + M step), ours and scikit-learn's, interleaved iteration by
    iteration from the same start on the same float64 data; then the two results compared."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    from .core.em import gmm as G
    from .core.em.bench import _blobs

    n, d = s["em_n"], 2
    rng = np.random.default_rng(seed)
    x = _blobs(n, d, k, rng)
    w0, m0 = np.full(k, 1.0 / k), x[rng.choice(n, k, replace=False)]
    c0 = np.repeat(np.eye(d)[None], k, axis=0)
    dev = torch.device(device)
    pts = G.Points(torch.from_numpy(x).to(dev))
    cov0 = G.reduce_covariances(torch.from_numpy(c0), "full", torch.from_numpy(w0))
    mix = G.Mixture(torch.from_numpy(w0), torch.from_numpy(m0), cov0, "full").to(dev)
    prec = None
    gm = GaussianMixture(k, covariance_type="full", reg_covar=1e-6, tol=0.0, max_iter=1,
                         warm_start=True, weights_init=w0, means_init=m0,
                         precisions_init=np.linalg.inv(c0))
    ours, theirs = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for i in range(s["em_repeats"] + 1):
            _sync(dev)
            t = time.perf_counter()
            e = G.e_step(pts, mix, prec)
            m = G.m_step(pts, e.resp, "full", 1e-6)
            mix, prec = m.mixture, m.prec_chol
            ll = float(e.log_likelihood)  # a host sync, as the engine makes each step
            _sync(dev)
            t_ours = time.perf_counter() - t
            t = time.perf_counter()
            if i == 0:
                gm.fit(x)  # validation and set-up, then one E + M step from the given start
            else:
                _, log_resp = gm._e_step(x)
                gm._m_step(x, log_resp)
            t_theirs = time.perf_counter() - t
            if i:  # the first iteration of each warms up
                ours.append(t_ours)
                theirs.append(t_theirs)
    ours_means = mix.means.detach().cpu().numpy()
    ll_theirs = float(gm.score(x))
    return {"n": n, "d": d, "k": k, "covariance_type": "full", "iterations": s["em_repeats"] + 1,
            "ours_s_per_iter": statistics.median(ours),
            "sklearn_s_per_iter": statistics.median(theirs),
            "speedup": statistics.median(theirs) / statistics.median(ours),
            "max_abs_mean_diff": float(np.abs(ours_means - gm.means_).max()),
            "ours_log_likelihood": ll, "sklearn_log_likelihood_next": ll_theirs}


def bench_startup(s: dict) -> dict:
    """Seconds from `python main.py` to the window shown (the window says so, then quits)."""
    root = Path(__file__).resolve().parent.parent
    times = []
    with tempfile.TemporaryDirectory(prefix="studio-bench-") as tmp:
        env = dict(os.environ, GENERATIVE_STUDIO_QUIT_WHEN_SHOWN="1", GENERATIVE_STUDIO_RUNS=tmp,
                   QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        for _ in range(s["startup_repeats"]):
            t = time.perf_counter()
            p = subprocess.Popen([sys.executable, str(root / "main.py")], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True, env=env, cwd=root)
            line = p.stdout.readline()
            took = time.perf_counter() - t
            p.stdout.close()
            p.wait(120)
            if "window shown" not in line:
                raise RuntimeError("the window did not report being shown")
            times.append(took)
    return {"window_shown_s": statistics.median(times), "all": times}


# The child reports its own peak: its VmHWM after exec. (A parent's view, ru_maxrss, starts
# from this process's size at fork: Linux carries it across exec.)
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


def _peak_rss_mb(code: str, args: list[str], cwd: Path, tmp: str) -> float:
    out = Path(tmp) / "peak.txt"
    env = dict(os.environ, STUDIO_BENCH_PEAK=str(out))
    p = subprocess.run([sys.executable, "-c", _PEAK + code, *args], cwd=cwd, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if p.returncode:
        raise RuntimeError(f"{' '.join(args[:2]) or code} failed (exit status {p.returncode})")
    return int(out.read_text()) / 1024


def bench_memory(s: dict, device: str) -> dict:
    """Peak resident memory of `main.py train --preset dcgan-digits` (a child process), and
    of a bare `import torch` for scale."""
    root = Path(__file__).resolve().parent.parent
    main_py = ("import runpy; sys.argv = sys.argv[1:]; "
               "runpy.run_path(sys.argv[0], run_name='__main__')")
    with tempfile.TemporaryDirectory(prefix="studio-bench-") as tmp:
        run = _peak_rss_mb(main_py, [str(root / "main.py"), "train", "--preset", "dcgan-digits",
                                     "--out", str(Path(tmp) / "run"), "--steps",
                                     str(s["mem_steps"]), "--device", device, "--quiet"], root, tmp)
        bare = _peak_rss_mb("import torch", [], root, tmp)
    return {"preset": "dcgan-digits", "steps": s["mem_steps"], "peak_rss_mb": run,
            "import_torch_rss_mb": bare}


def run_bench(device: str = "cpu", quick: bool = False, threads: int | None = None,
              say=print) -> dict:
    from .core.devices import pick_device
    from .core.memory import keep_freed_memory

    keep_freed_memory()  # a and b as `main.py train` runs (main.py has set it already)
    dev = pick_device(device)
    threads = threads or default_threads()
    torch.set_num_threads(threads)
    s = _settings(quick)
    out = {"machine": {"cpus": os.cpu_count(), "torch_threads": threads,
                       "python": platform.python_version(), "torch": torch.__version__,
                       "device": str(dev), "loadavg_before": list(os.getloadavg())},
           "quick": quick, "rows": {}}
    window = has_qt()
    if not window:
        say("PySide6 or pyqtgraph is not installed here: the window loop (c) and the start-up "
            "time are left out")
    for name in (QUICK_ROWS if quick else tuple(ROWS)):
        say(f"measuring {ROWS[name][0]} ...")
        out["rows"][name] = bench_training_row(name, dev.type, threads, s, say, window)
    say("measuring EM ...")
    out["em"] = bench_em_row(s, dev.type)
    say("measuring start-up and memory ...")
    out["startup"] = bench_startup(s) if window else None
    out["memory"] = bench_memory(s, dev.type)
    out["machine"]["loadavg_after"] = list(os.getloadavg())
    return out


def format_table(r: dict) -> str:
    m = r["machine"]
    lines = [f"device {m['device']}, {m['cpus']} CPU cores, torch {m['torch']} with "
             f"{m['torch_threads']} intra-op thread(s); load average {m['loadavg_before'][0]:.2f}"
             f" before, {m['loadavg_after'][0]:.2f} after",
             "",
             f"{'row':<36}{'a limit':>10}{'b runner':>10}{'c window':>10}{'d script':>10}"
             f"{'b/a':>7}{'c/a':>7}{'a/d':>7}{'b/d':>7}{'a@' + str(m['cpus']) + 't/a':>9}"
             f"   GUI latency p50/p95/max ms, GUI thread CPU, training thread CPU per step / b's"]
    def num(v, fmt):
        return "-" if v is None else format(v, fmt)

    for row in r["rows"].values():
        other = row["limit_other_threads"]
        line = (f"{row['title']:<36}{row['limit']:>10,.0f}{row['runner']:>10,.0f}"
                f"{num(row['window'], ',.0f'):>10}{row['script']:>10,.0f}{row['b_over_a']:>7.2f}"
                f"{num(row['c_over_a'], '.2f'):>7}{row['a_over_d']:>7.2f}{row['b_over_d']:>7.2f}"
                f"{num(other and other['over_a'], '.2f'):>9}")
        if row["window"] is not None:
            lat = row["gui_latency_ms"]
            line += (f"   {lat['p50']:.1f} / {lat['p95']:.1f} / {lat['max']:.0f}, "
                     f"{row['window_cpu']['gui']:.0%}")
            if "trainer_cpu_over_runner" in row:
                line += f", {row['trainer_cpu_over_runner']:.2f}"
        if row.get("precision", "fp32") != "fp32":
            line += f"   ({row['precision']} mixed precision)"
        lines.append(line)
    lines.append(f"(rates in {', '.join(sorted({row['unit'] for row in r['rows'].values()}))}; "
                 f"medians over {next(iter(r['rows'].values()))['rounds']} interleaved rounds; "
                 f"script loops: DataLoader with {SCRIPT_WORKERS} workers for images, "
                 f"0 for points)")
    em = r["em"]
    lines += ["",
              f"EM, {em['n']:,} 2-D points, K={em['k']} full: ours "
              f"{em['ours_s_per_iter'] * 1e3:.1f} ms/iteration, scikit-learn "
              f"{em['sklearn_s_per_iter'] * 1e3:.1f} ms, {em['speedup']:.1f}x; same result: "
              f"means differ by {em['max_abs_mean_diff']:.1e} after {em['iterations']} iterations",
              ("start-up: not measured (no Qt here)" if r["startup"] is None else
               f"start-up: window shown {r['startup']['window_shown_s']:.2f} s after "
               f"`python main.py`"),
              f"memory: peak {r['memory']['peak_rss_mb']:.0f} MB for a {r['memory']['steps']}-step "
              f"{r['memory']['preset']} run (`import torch` alone: "
              f"{r['memory']['import_torch_rss_mb']:.0f} MB)"]
    return "\n".join(lines)


def main(device: str = "cpu", quick: bool = False, json_path: str | None = None,
         threads: int | None = None) -> int:
    r = run_bench(device, quick, threads, say=lambda msg: print(msg, file=sys.stderr, flush=True))
    print(format_table(r))
    if json_path:
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(json_path).write_text(json.dumps(r, indent=2))
    return 0
