"""Mode coverage of the 2-D GAN presets over several seeds, through the real CLI.

  python tools/check_modes.py gan-ring8 --seeds 0 1 2 3 4 [--from-file]

Each seed: `main.py train` into a temporary run directory (timed), then `main.py sample`
of 2,500 points, scored as PacGAN scores them (a mode is covered by at least one sample
within 3 sigma; high quality = the fraction of samples within 3 sigma of a mode).
--from-file trains on the same points saved to a .npz (`--set data.path=...`), as a user would.
"""
import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studio.core.data.toy2d import make_points  # noqa: E402
from studio.core.metrics.modes import mode_stats  # noqa: E402
from studio.presets import PRESETS  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("preset")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    ap.add_argument("--from-file", action="store_true")
    ap.add_argument("--n", type=int, default=2500)
    args = ap.parse_args()
    cfg = PRESETS[args.preset].config()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            pts, centres, sigma = make_points(cfg.data.name, cfg.data.n_points, seed)
            extra = []
            if args.from_file:
                np.savez(Path(tmp) / "points.npz", points=pts)
                extra = ["--set", f"data.path={Path(tmp) / 'points.npz'}"]
            run = Path(tmp) / f"run{seed}"
            t = time.perf_counter()
            subprocess.run([sys.executable, str(ROOT / "main.py"), "train", "--preset", args.preset,
                            "--out", str(run), "--seed", str(seed), "--quiet", *extra], check=True)
            took = time.perf_counter() - t
            out = Path(tmp) / f"s{seed}.npz"
            subprocess.run([sys.executable, str(ROOT / "main.py"), "sample", str(run), "--n",
                            str(args.n), "--out", str(out), "--seed", str(seed)], check=True,
                           capture_output=True)
            with np.load(out) as z:
                s = mode_stats(z["points"], centres, sigma)
            rows.append((seed, s["modes_covered"], s["modes_total"], s["high_quality"], took))
            print(f"seed {seed}: modes {s['modes_covered']}/{s['modes_total']}  "
                  f"high quality {s['high_quality']:.1%}  train {took:.0f} s", flush=True)
    modes = np.mean([r[1] for r in rows])
    hq = np.mean([r[3] for r in rows])
    print(f"{args.preset}{' (from file)' if args.from_file else ''}: mean modes {modes:.1f}/"
          f"{rows[0][2]}, mean high quality {hq:.1%}, worst {min(r[3] for r in rows):.1%}, "
          f"slowest run {max(r[4] for r in rows):.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
