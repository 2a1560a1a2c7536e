"""The bench's limit loop with and without studio.core.memory's thresholds, each in a fresh
process (mallopt settings last a process), alternating; prints rates and page faults per step.

    python tools/time_malloc.py dcgan28 [--rounds 3] [--steps 20]
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(row: str, keep: bool, steps: int) -> None:
    sys.path.insert(0, str(ROOT))
    if keep:
        from studio.core.memory import keep_freed_memory

        assert keep_freed_memory(), "not glibc: nothing to compare"
    import torch

    from studio.bench import Limit, row_config

    torch.set_num_threads(1)
    cfg = row_config(row, "cpu")
    loop = Limit(cfg)
    loop.run(3)  # warm-up
    f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    examples, seconds = loop.run(steps)
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0) / steps
    print(json.dumps({"rate": examples / seconds, "faults_per_step": faults}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("row")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--child", choices=("keep", "default"))
    a = ap.parse_args()
    if a.child:
        child(a.row, a.child == "keep", a.steps)
        return
    out: dict[str, list[dict]] = {"default": [], "keep": []}
    for _ in range(a.rounds):
        for mode in out:
            p = subprocess.run([sys.executable, __file__, a.row, "--steps", str(a.steps),
                                "--child", mode], capture_output=True, text=True, check=True)
            out[mode].append(json.loads(p.stdout.strip().splitlines()[-1]))
    for mode, runs in out.items():
        print(f"{mode:8s} {statistics.median(r['rate'] for r in runs):9,.0f} examples/s   "
              f"{statistics.median(r['faults_per_step'] for r in runs):8,.0f} page faults/step")


if __name__ == "__main__":
    main()
