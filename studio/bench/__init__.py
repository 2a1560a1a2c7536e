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
             plain subprocess: studio/bench/script.py)
a and b run in this process with the studio's process settings, as `main.py train` has them
(studio.core.memory). No Qt is imported here. The folder row (studio/bench/folder.py) times a
large folder of JPEGs: decoding into the cache, opening it again, and DCGAN 64 px from it.
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

from .loops import AtThreads, Child, Limit, Runner, Window, peak_rss_mb, sync
from .rows import QUICK_ROWS, ROWS, TINY_ENV, TINY_ROWS, default_threads, has_qt, row_config
from .table import format_table

__all__ = ["run_bench", "bench_training_row", "main", "format_table", "row_config", "ROWS",
           "Limit", "Runner", "default_threads"]


# -- measuring ------------------------------------------------------------------------------------
def _settings(quick: bool) -> dict:
    if os.environ.get(TINY_ENV):
        return {"rounds": 1, "seconds": 0.0, "startup_repeats": 1, "em_repeats": 2,
                "em_n": 5_000, "mem_steps": 2, "folder_images": 64, "folder_steps": 1}
    if quick:
        return {"rounds": 4, "seconds": 1.5, "startup_repeats": 3, "em_repeats": 7,
                "em_n": 100_000, "mem_steps": 20, "folder_images": 2_000, "folder_steps": 2}
    return {"rounds": 11, "seconds": 2.0, "startup_repeats": 5, "em_repeats": 11,
            "em_n": 100_000, "mem_steps": 50, "folder_images": 50_000, "folder_steps": 3}


def bench_training_row(name: str, device: str, threads: int, s: dict,
                       say=lambda msg: None, window: bool = True) -> dict:
    cfg = row_config(name, device)
    loops: dict = {}
    # The in-process loops (a, b) run at `threads`, as the window's and the script's do
    # (at torch's default, small products split over threads that spin: NOTES.md).
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        loops["a"] = Limit(cfg)
        loops["b"] = Runner(cfg)
        if window:
            loops["c"] = Window(name, device, threads)
        loops["d"] = Child("studio.bench.script", name, device, threads)
        other = os.cpu_count() or 1  # torch's own default: one thread per core
        if other != threads and device == "cpu":
            loops["a_threads"] = AtThreads(Limit(cfg), other, 3 * s["seconds"] + 1)
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

    from ..core.em import gmm as G
    from ..core.em.bench import _blobs

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
            sync(dev)
            t = time.perf_counter()
            e = G.e_step(pts, mix, prec)
            m = G.m_step(pts, e.resp, "full", 1e-6)
            mix, prec = m.mixture, m.prec_chol
            ll = float(e.log_likelihood)  # a host sync, as the engine makes each step
            sync(dev)
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
    root = Path(__file__).resolve().parents[2]
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
def bench_memory(s: dict, device: str) -> dict:
    """Peak resident memory of `main.py train --preset dcgan-digits` (a child process), and
    of a bare `import torch` for scale."""
    root = Path(__file__).resolve().parents[2]
    main_py = ("import runpy; sys.argv = sys.argv[1:]; "
               "runpy.run_path(sys.argv[0], run_name='__main__')")
    with tempfile.TemporaryDirectory(prefix="studio-bench-") as tmp:
        run = peak_rss_mb(main_py, [str(root / "main.py"), "train", "--preset", "dcgan-digits",
                                     "--out", str(Path(tmp) / "run"), "--steps",
                                     str(s["mem_steps"]), "--device", device, "--quiet"], root, tmp)
        bare = peak_rss_mb("import torch", [], root, tmp)
    return {"preset": "dcgan-digits", "steps": s["mem_steps"], "peak_rss_mb": run,
            "import_torch_rss_mb": bare}


def run_bench(device: str = "cpu", quick: bool = False, threads: int | None = None,
              say=print, folder_images: int | None = None) -> dict:
    from ..core.devices import pick_device
    from ..core.memory import keep_freed_memory

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
    for name in (TINY_ROWS if os.environ.get(TINY_ENV) else QUICK_ROWS if quick else tuple(ROWS)):
        say(f"measuring {ROWS[name][0]} ...")
        out["rows"][name] = bench_training_row(name, dev.type, threads, s, say, window)
    say("measuring EM ...")
    out["em"] = bench_em_row(s, dev.type)
    say("measuring start-up and memory ...")
    out["startup"] = bench_startup(s) if window else None
    out["memory"] = bench_memory(s, dev.type)
    n = s["folder_images"] if folder_images is None else folder_images
    if n:
        from .folder import bench_folder

        say(f"measuring a folder of {n:,} JPEGs ...")
        out["folder"] = bench_folder(n, dev.type, s, say)
    out["machine"]["loadavg_after"] = list(os.getloadavg())
    return out


def main(device: str = "cpu", quick: bool = False, json_path: str | None = None,
         threads: int | None = None, folder_images: int | None = None) -> int:
    r = run_bench(device, quick, threads, say=lambda msg: print(msg, file=sys.stderr, flush=True),
                  folder_images=folder_images)
    print(format_table(r))
    if json_path:
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(json_path).write_text(json.dumps(r, indent=2))
    return 0
