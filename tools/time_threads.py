"""ms per training step of a preset through core.runner.run, at 1 and 2 intra-op threads.

  python tools/time_threads.py gan-grid25 [--steps 3000]

Alternates 1, 2, 1, 2 threads on one engine so that drift hits both alike.
"""
import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from studio.core.engines import make_engine  # noqa: E402
from studio.core.runner import run  # noqa: E402
from studio.presets import PRESETS  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("preset")
    ap.add_argument("--steps", type=int, default=3000)
    a = ap.parse_args()
    cfg = PRESETS[a.preset].config()
    cfg.set("train.device", "cpu")
    e = make_engine(cfg)
    list(run(e, 200, every=20, preview_every=100))  # warm-up
    for threads in (1, 2, 1, 2):
        torch.set_num_threads(threads)
        t = time.perf_counter()
        list(run(e, e.step_count + a.steps, every=20, preview_every=100))
        ms = (time.perf_counter() - t) / a.steps * 1000
        print(f"{a.preset}: {threads} thread(s) {ms:.2f} ms/step", flush=True)


if __name__ == "__main__":
    main()
