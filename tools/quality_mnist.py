"""The studio's MNIST presets beside the plain pytorch/examples scripts, scored by one judge.

Each row trains on half A of the real MNIST test set for the steps the issue fixes (DCGAN and
CGAN 2,000, VAE 3,000), draws 5,000 samples and has tools/digit_judge.py (trained on half B)
score them. Rows run one after another; results are appended to OUT/results.jsonl.

    python tools/digit_judge.py split ../shared/data/mnist q && python tools/digit_judge.py train q
    OMP_NUM_THREADS=1 python tools/quality_mnist.py q --rows peer-dcgan dcgan-digits \
        [--set gan.ema=0] [--tag name] [--grids q/grids]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from digit_judge import Scorer, _load_npz  # noqa: E402

# row -> (preset or peer model, steps)
ROWS = {
    "peer-dcgan": ("peer:dcgan", 2000), "peer-vae": ("peer:vae", 3000),
    "dcgan-digits": ("dcgan-digits", 2000), "dcgan-mnist": ("dcgan-mnist", 2000),
    "cgan-digits": ("cgan-digits", 2000), "cgan-mnist": ("cgan-mnist", 2000),
    "vae-mnist": ("vae-mnist", 3000),
}


def _run(cmd: list[str]) -> None:
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr[-2000:]}")


def produce(row: str, q: Path, work: Path, sets: list[str], n: int) -> Path:
    what, steps = ROWS[row]
    out = work / "samples.npz"
    if what.startswith("peer:"):
        model = what.split(":")[1]
        _run([sys.executable, "tools/peer_mnist.py", model, str(q / "mnist_a.npz"), "--steps",
              str(steps), "--latent", "16", "--n", str(n), "--out", str(out)])
        return out
    run_dir = work / "run"
    cmd = [sys.executable, "main.py", "train", "--preset", what, "--out", str(run_dir),
           "--steps", str(steps), "--set", f"data.path={q / 'mnist_a.npz'}"]
    for s in sets:
        cmd += ["--set", s]
    _run(cmd)
    _run([sys.executable, "main.py", "sample", str(run_dir), "--n", str(n), "--out", str(out)])
    return out


def grid(x: torch.Tensor, path: Path, rows: int = 10) -> None:
    from torchvision.utils import make_grid, save_image

    save_image(make_grid(x[: rows * 10], nrow=10, padding=2, pad_value=0.5), path)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("q", type=Path, help="the folder of digit_judge.py split/train")
    p.add_argument("--rows", nargs="+", choices=list(ROWS), required=True)
    p.add_argument("--set", action="append", default=[], help="key=value for the studio rows")
    p.add_argument("--tag", default="", help="a name for this variant in the table")
    p.add_argument("--n", type=int, default=5000)
    p.add_argument("--grids", type=Path, help="write a 10x10 sample grid per row here")
    a = p.parse_args(argv)
    scorer = Scorer(a.q)
    for row in a.rows:
        work = a.q / "runs" / f"{row}{'-' + a.tag if a.tag else ''}"
        work.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        path = produce(row, a.q, work, [] if row.startswith("peer") else a.set, a.n)
        minutes = (time.perf_counter() - t0) / 60
        x, y = _load_npz(path)
        res = {"row": row, "tag": a.tag, "set": a.set, "minutes": round(minutes, 1),
               **scorer.score(x, y)}
        print(json.dumps(res), flush=True)
        with open(a.q / "results.jsonl", "a") as f:
            f.write(json.dumps(res) + "\n")
        if a.grids:
            a.grids.mkdir(parents=True, exist_ok=True)
            order = (torch.cat([torch.nonzero(y == k).flatten()[:10] for k in range(10)])
                     if y is not None else torch.arange(len(x)))  # one row per label
            grid(x[order], a.grids / f"{row}{'-' + a.tag if a.tag else ''}.png")


if __name__ == "__main__":
    main()
