"""An independent judge of generated MNIST digits, for the quality checks in tools/.

The real MNIST test set (10,000 IDX images) is split in two halves: models train on half A
(`split` writes it as an .npz to pass as data.path), the judge is a small CNN trained on the
held-out half B with random shifts, rotations and scalings. It scores a set of samples by:
  fd          Fréchet distance to half B in the judge's 128-D penultimate features
  confident   share of samples the judge puts >= 0.9 on one class (reads as a digit)
  label_acc   for conditional samples: share read as the asked-for label, and the worst label
  spread      entropy of the predicted classes over log(10): 1.0 = all digits equally often

    python tools/digit_judge.py split ../shared/data/mnist q/      # q/mnist_a.npz, q/mnist_b.npz
    python tools/digit_judge.py train q/                           # q/judge.pt (about a minute)
    python tools/digit_judge.py score q/ samples.npz               # images (N,1,28,28) in [0,1]

`train --robust` trains the same net with the ink's intensity jittered as well (dimmer and
lifted strokes, noise, a blur): q/judge_robust.pt. The plain judge's accuracy halves when the
ink is scaled by 0.9 and lifted by 0.01, which is the most a recolouring read back from
colours ever differs by; tools/check_cyclegan_mnist.py reads digits with both.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio.core.data.torchvision_sets import read_idx  # noqa: E402
from studio.core.metrics.fidelity import frechet_distance  # noqa: E402

HALF = 5000
CONFIDENT = 0.9


def split(src: Path, out: Path) -> None:
    """Half A (first 5,000) for training models, half B (last 5,000) for the judge."""
    x = read_idx(next(src.glob("t10k-images-idx3-ubyte*")))
    y = read_idx(next(src.glob("t10k-labels-idx1-ubyte*")))
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / "mnist_a.npz", images=x[:HALF], labels=y[:HALF])
    np.savez(out / "mnist_b.npz", images=x[HALF:], labels=y[HALF:])


class Judge(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 32, 3, 1, 1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 32, 3, 1, 1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),  # 14
            nn.Conv2d(32, 64, 3, 1, 1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.Conv2d(64, 64, 3, 1, 1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),  # 7
            nn.Flatten(), nn.Dropout(0.3), nn.Linear(64 * 49, 128), nn.ReLU())
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(128, 10))

    def forward(self, x):
        return self.head(self.body(x))


def _photometric(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Ink at 60-100%, paper lifted by up to 0.1, noise up to 0.04, a blur (down to 14-28 px
    and back) for the whole batch."""
    n = len(x)
    side = int(torch.randint(14, 29, (1,), generator=gen))
    if side < 28:
        x = F.interpolate(F.interpolate(x, size=(side, side), mode="bilinear", antialias=True),
                          size=(28, 28), mode="bilinear")
    gain = 0.6 + 0.4 * torch.rand(n, 1, 1, 1, generator=gen)
    lift = 0.1 * torch.rand(n, 1, 1, 1, generator=gen)
    noise = 0.04 * torch.rand(n, 1, 1, 1, generator=gen) * torch.randn(x.shape, generator=gen)
    return (x * gain + lift * (1 - x) + noise).clamp(0, 1)


def _augment(x: torch.Tensor, gen: torch.Generator, robust: bool = False) -> torch.Tensor:
    """Random rotation (±12°), scale (0.9-1.1) and shift (±2 px) of a batch; with `robust`,
    half the batch gets _photometric too."""
    n = len(x)
    ang = (torch.rand(n, generator=gen) - 0.5) * 2 * 0.21
    sc = 0.9 + 0.2 * torch.rand(n, generator=gen)
    sh = (torch.rand(n, 2, generator=gen) - 0.5) * 2 * (2 / 14)
    cos, sin = torch.cos(ang) / sc, torch.sin(ang) / sc
    theta = torch.stack([torch.stack([cos, -sin, sh[:, 0]], 1),
                         torch.stack([sin, cos, sh[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")
    if robust:
        x = torch.cat([x[: n // 2], _photometric(x[n // 2:], gen)])
    return x


def _load_npz(path: Path) -> tuple[torch.Tensor, torch.Tensor | None]:
    with np.load(path) as f:
        x = torch.from_numpy(np.asarray(f["images"]))
        y = torch.from_numpy(np.asarray(f["labels"])).long() if "labels" in f else None
    x = x.float() / 255 if x.dtype == torch.uint8 else x.float()
    if x.dim() == 3:
        x = x[:, None]
    return x, y


def judge_file(robust: bool) -> str:
    return "judge_robust.pt" if robust else "judge.pt"


def train(folder: Path, steps: int = 3000, robust: bool = False) -> None:
    torch.manual_seed(0)
    x, y = _load_npz(folder / "mnist_b.npz")
    xa, ya = _load_npz(folder / "mnist_a.npz")
    net, gen = Judge(), torch.Generator().manual_seed(0)
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 3e-3, total_steps=steps)
    for step in range(steps):
        idx = torch.randint(0, len(x), (128,), generator=gen)
        loss = F.cross_entropy(net(_augment(x[idx], gen, robust)), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    net.eval()
    with torch.no_grad():
        acc = (net(xa).argmax(1) == ya).float().mean().item()
    torch.save(net.state_dict(), folder / judge_file(robust))
    print(f"{judge_file(robust)}: accuracy {acc:.4f} on half A (not trained on)")


class Scorer:
    def __init__(self, folder: Path, robust: bool = False):
        self.net = Judge()
        self.net.load_state_dict(torch.load(folder / judge_file(robust), weights_only=True))
        self.net.eval()
        xb, _ = _load_npz(folder / "mnist_b.npz")
        self.ref = self.features(xb)[0]

    @torch.no_grad()
    def features(self, x: torch.Tensor) -> tuple[np.ndarray, torch.Tensor]:
        feats, probs = [], []
        for i in range(0, len(x), 500):
            f = self.net.body(x[i:i + 500].float().clamp(0, 1))
            feats.append(f)
            probs.append(self.net.head(f).softmax(1))
        return torch.cat(feats).numpy(), torch.cat(probs)

    def score(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> dict:
        if x.shape[-1] != 28:
            x = F.interpolate(x.float(), size=(28, 28), mode="bilinear", antialias=True)
        feats, probs = self.features(x)
        conf, pred = probs.max(1)
        hist = torch.bincount(pred, minlength=10).float() / len(pred)
        ent = -(hist[hist > 0] * hist[hist > 0].log()).sum().item() / np.log(10)
        out = {"n": len(x), "fd": round(frechet_distance(feats, self.ref), 2),
               "confident": round((conf >= CONFIDENT).float().mean().item(), 4),
               "spread": round(ent, 4)}
        if labels is not None:
            right = (pred == labels).float()
            per = [right[labels == k].mean().item() for k in range(10) if (labels == k).any()]
            out.update(label_acc=round(right.mean().item(), 4), worst_label=round(min(per), 4))
        return out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("split")
    s.add_argument("src", type=Path)
    s.add_argument("out", type=Path)
    t = sub.add_parser("train")
    t.add_argument("folder", type=Path)
    t.add_argument("--robust", action="store_true", help="jitter the ink's intensity too")
    c = sub.add_parser("score")
    c.add_argument("folder", type=Path)
    c.add_argument("samples", type=Path)
    c.add_argument("--robust", action="store_true", help="score with judge_robust.pt")
    a = p.parse_args(argv)
    if a.cmd == "split":
        split(a.src, a.out)
    elif a.cmd == "train":
        train(a.folder, robust=a.robust)
    else:
        x, y = _load_npz(a.samples)
        print(json.dumps(Scorer(a.folder, a.robust).score(x, y)))


if __name__ == "__main__":
    main()
