"""Does a digits-colour CycleGAN keep unseen digits when it recolours them?

Takes MNIST digits the run never saw (half A of the real MNIST test set), resizes them to the
run's size and gives them domain A's look exactly as the data set does, translates them A -> B
with the trained run, reads the ink back from the colours (each pixel projected onto the
navy -> orange axis of domain B) and lets the independent judge (tools/digit_judge.py, trained
on the other half) read the digits. Prints, per run, the judge's label accuracy on the inputs
themselves (28 -> size -> 28) and on the translations (as read back, and with each image's
contrast stretched, as the judge is fragile to it), and the mean absolute colour error
against the exact recolouring; the same on the run's own training digits (domain A). With
q/judge_robust.pt (digit_judge.py train --robust) it also reads them with the judge that
was trained on dimmed, lifted and blurred ink.

    python tools/check_cyclegan_mnist.py before=/tmp/cyc_before after=/tmp/cyc_run \
        --q /work/q --grid /work/q/cyclegan_grid.png
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from digit_judge import Scorer, judge_file  # noqa: E402
from studio.core.data import to_u8  # noqa: E402
from studio.core.data.domains import NAVY, ORANGE, _resize, colourise, make_pair  # noqa: E402
from studio.core.trained import load_run  # noqa: E402


def domain_a_look(gray28: np.ndarray, size: int) -> np.ndarray:
    """(N, 28, 28) uint8 -> (N, 3, size, size) uint8, made as make_pair + load_domains do."""
    t = _resize(gray28[:, None].astype(np.float32) / 255.0, size)
    return to_u8(t.repeat(1, 3, 1, 1))


def ink(rgb: np.ndarray) -> np.ndarray:
    """(N, 3, H, W) colours in [0, 1] -> (N, 1, H, W) ink: position on the navy -> orange axis."""
    axis = ORANGE - NAVY
    t = np.einsum("nchw,c->nhw", rgb - NAVY[None, :, None, None], axis) / float(axis @ axis)
    return np.clip(t, 0, 1)[:, None].astype(np.float32)


def stretch(x: np.ndarray) -> np.ndarray:
    """Each image's own range to [0, 1], its median (the background) to 0: the judge reads
    MNIST's contrast only (a uniform +0.03 or strokes at 0.6 halve its accuracy), so this
    asks about shape alone; colour_err tells how far the colours are."""
    lo = np.median(x, axis=(1, 2, 3), keepdims=True)
    hi = x.max(axis=(1, 2, 3), keepdims=True)
    return np.clip((x - lo) / np.maximum(hi - lo, 1e-3), 0, 1).astype(np.float32)


def to28(x: np.ndarray) -> torch.Tensor:
    return F.interpolate(torch.from_numpy(x).float(), size=(28, 28), mode="bilinear",
                         antialias=True, align_corners=False).clamp(0, 1)


def evaluate(engine, scorers: dict, a_u8: np.ndarray, labels: np.ndarray) -> dict:
    gray = a_u8[:, :1].astype(np.float32) / 255.0  # what the model is shown, as ink
    out = engine.sample(len(a_u8), input=a_u8)["images"]
    exact = colourise(gray)
    y = torch.from_numpy(np.asarray(labels)).long()
    r = {"colour_err": round(float(np.abs(out - exact).mean()), 4)}
    for name, scorer in scorers.items():
        acc = lambda v: scorer.score(to28(v), y)["label_acc"]  # noqa: E731
        r.update({f"{name}inputs_acc": acc(gray), f"{name}translated_acc": acc(ink(out))})
        if not name:
            r.update(inputs_acc_stretched=acc(stretch(gray)),
                     translated_acc_stretched=acc(stretch(ink(out))))
    return {**r, "_gray": gray, "_ink": ink(out), "_rgb": out}


def grid(rows: list[np.ndarray], path: Path, n: int = 16, scale: int = 4) -> None:
    from PIL import Image
    from torchvision.utils import make_grid

    imgs = [torch.from_numpy(r[:n]).float().expand(-1, 3, -1, -1) for r in rows]
    g = make_grid(torch.cat(imgs), nrow=n, padding=1, pad_value=0.5)
    arr = (g.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
    Image.fromarray(arr).resize((arr.shape[1] * scale, arr.shape[0] * scale),
                                Image.NEAREST).save(path)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("runs", nargs="+", help="NAME=RUN_DIR (or a run directory)")
    p.add_argument("--q", type=Path, default=Path("q"), help="mnist_a.npz + judge.pt (digit_judge.py)")
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--grid", type=Path, help="PNG: inputs, then each run's translations")
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    scorers = {"": Scorer(a.q)}
    if (a.q / judge_file(True)).exists():  # digit_judge.py train --robust
        scorers["robust_"] = Scorer(a.q, robust=True)
    mn = np.load(a.q / "mnist_a.npz")
    x28, y = mn["images"][: a.n], mn["labels"][: a.n]
    rows, results = [], {}
    for spec in a.runs:
        name, _, run = spec.rpartition("=")
        name = name or run
        cfg, engine, _ = load_run(run, "cpu", whole_data=True)
        size = cfg.data.image_size
        r = evaluate(engine, scorers, domain_a_look(x28, size), y)
        pair = make_pair(cfg.data.name, size, cfg.train.seed)
        t = evaluate(engine, scorers, to_u8(pair.a), pair.labels_a.numpy())
        results[name] = {"mnist": {k: v for k, v in r.items() if k[0] != "_"},
                         "train": {k: v for k, v in t.items() if k[0] != "_"}}
        print(name, json.dumps(results[name]), flush=True)
        if not rows:
            rows.append(r["_gray"])
        rows.append(r["_rgb"])
    if a.grid:
        grid(rows, a.grid)
        print("grid:", a.grid)


if __name__ == "__main__":
    main()
