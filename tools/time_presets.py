"""Measure how long each preset's run takes with `python main.py train`, for the gallery's and
`main.py presets`' time estimates (Preset.cpu_minutes in studio/presets.py).

Each preset is trained twice for part of its steps (FRACTION and 2 x FRACTION of them) with
one torch thread, as the window trains on a two-core machine (one core is left to the GUI);
a line through the two (wall and user+sys CPU time) gives start-up plus the full run. EM
presets run in full: they stop when they converge. A preset whose data are downloaded, or are
the user's own, is timed on stand-in data of the same shape (random pixels cost what real
ones do).

    python tools/time_presets.py [--fraction 0.1] [--full NAME ...] [--json FILE] [NAME ...]

--full NAME also trains NAME for all its steps, to check the estimate against a real run.
The machine may be shared: CPU time is the steadier number, wall time what a user waits.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studio.presets import PRESETS  # noqa: E402


def stand_in(preset, folder: Path) -> list[str]:
    """--set arguments that replace a downloaded or user's data set by random data of its
    shape; none for the offline sets."""
    cfg = preset.config()
    rng = np.random.default_rng(0)
    size = cfg.data.image_size
    if cfg.data.name in ("mnist", "cifar10"):
        channels = 3 if cfg.data.name == "cifar10" else 1
        path = folder / f"{cfg.data.name}.npz"
        np.savez(path, images=rng.integers(0, 256, (2000, channels, size, size), np.uint8),
                 labels=rng.integers(0, 10, 2000))
        return ["--set", f"data.path={path}"]
    if cfg.data.name == "folder":
        from PIL import Image

        (folder / "own").mkdir(parents=True, exist_ok=True)
        for i in range(256):
            pixels = rng.integers(0, 256, (size, size, 3), np.uint8)
            Image.fromarray(pixels).save(folder / "own" / f"{i}.png")
        return ["--set", f"data.path={folder / 'own'}"]
    if cfg.data.name == "folder-pair":
        from PIL import Image

        for side in ("A", "B"):
            (folder / "pair" / side).mkdir(parents=True, exist_ok=True)
            for i in range(64):
                pixels = rng.integers(0, 256, (size, size, 3), np.uint8)
                Image.fromarray(pixels).save(folder / "pair" / side / f"{i}.png")
        return ["--set", f"data.path={folder / 'pair'}"]
    return []


def timed_run(name: str, steps: int | None, extra: list[str], out: Path,
              threads: int) -> tuple[float, float]:
    """(wall seconds, user+sys CPU seconds) of one `main.py train`."""
    cmd = [sys.executable, str(ROOT / "main.py"), "train", "--preset", name, "--out", str(out),
           "--device", "cpu", "--quiet", *extra]
    if steps is not None:
        cmd += ["--steps", str(steps)]
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(name: str, fraction: float, full: bool, threads: int) -> dict:
    preset = PRESETS[name]
    steps = preset.config().train.steps
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        extra = stand_in(preset, tmp)
        row = {"preset": name, "steps": steps, "stand_in": bool(extra)}
        if preset.model == "gmm":
            row["wall_s"], row["cpu_s"] = timed_run(name, None, extra, tmp / "full", threads)
            row["how"] = "full run"
            return row
        n1 = max(10, int(steps * fraction))
        n2 = 2 * n1
        w1, c1 = timed_run(name, n1, extra, tmp / "a", threads)
        w2, c2 = timed_run(name, n2, extra, tmp / "b", threads)
        for key, (a, b) in (("wall_s", (w1, w2)), ("cpu_s", (c1, c2))):
            per_step = max(0.0, (b - a) / (n2 - n1))
            start = max(0.0, a - per_step * n1)
            row[key] = start + per_step * steps
            row[key.replace("_s", "_start_s")] = start
        row["how"] = f"{n1} and {n2} steps, scaled"
        if full:
            row["full_wall_s"], row["full_cpu_s"] = timed_run(name, None, extra, tmp / "full",
                                                              threads)
    return row


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("names", nargs="*", help="presets to time (default: all)")
    p.add_argument("--fraction", type=float, default=0.1)
    p.add_argument("--full", nargs="*", default=[], help="also train these in full")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--json", help="write the rows here")
    args = p.parse_args()
    rows = []
    for name in args.names or list(PRESETS):
        row = measure(name, args.fraction, name in args.full, args.threads)
        rows.append(row)
        line = (f"{name:<24} est. wall {row['wall_s'] / 60:6.1f} min  cpu "
                f"{row['cpu_s'] / 60:6.1f} min  ({row['how']}"
                f"{', stand-in data' if row['stand_in'] else ''})")
        if "full_wall_s" in row:
            line += (f"  full run: wall {row['full_wall_s'] / 60:.1f} min, cpu "
                     f"{row['full_cpu_s'] / 60:.1f} min")
        print(line, flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
