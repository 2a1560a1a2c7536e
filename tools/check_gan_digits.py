"""Quality check for the digit GAN presets on an .npz of labelled 28x28 digits (e.g. MNIST).

Trains the preset on FILE for --steps steps (CPU), trains a small CNN classifier on the same
file, then reports:
  cgan-*:  for each label L, the share of samples drawn with --label L that the classifier
           reads as L (agreement), and the classifier's mean confidence;
  dcgan-*: the classes the classifier sees in the samples (how many of 10, and the largest
           share: varied digits), its mean confidence (recognisable digits), the share of
           near-black/near-white pixels (sharp strokes), and the diversity ratio.
Writes a sample grid PNG. Example:

    python tools/check_gan_digits.py --npz mnist_test.npz --preset cgan-digits --steps 2000
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def train_classifier(x: torch.Tensor, y: torch.Tensor, epochs: int = 3, seed: int = 0):
    """A small CNN on (N,1,28,28) in [0,1]; returns (model, held-out accuracy)."""
    torch.manual_seed(seed)
    perm = torch.randperm(len(x))
    n_test = len(x) // 10
    test, train = perm[:n_test], perm[n_test:]
    net = nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(16, 32, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10))
    opt = torch.optim.Adam(net.parameters(), 2e-3)
    for _ in range(epochs):
        for idx in train[torch.randperm(len(train))].split(128):
            loss = F.cross_entropy(net(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    net.eval()
    with torch.no_grad():
        acc = (net(x[test]).argmax(1) == y[test]).float().mean().item()
    return net, acc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--npz", required=True)
    ap.add_argument("--preset", default="cgan-digits")
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n", type=int, default=100, help="samples per label (or x10 in total)")
    ap.add_argument("--png", default="", help="write the sample grid here")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)

    from studio.core.engines import make_engine
    from studio.core.metrics.diversity import diversity_ratio
    from studio.core.runner import run
    from studio.presets import PRESETS

    cfg = PRESETS[a.preset].config()
    cfg.set("data.path", a.npz)
    cfg.set("train.device", "cpu")
    cfg.set("train.seed", a.seed)
    cfg.validate()
    e = make_engine(cfg)
    t0 = time.perf_counter()
    for batch in run(e, a.steps, every=100, preview_every=10**9):
        r = batch[-1]
        print(f"step {r.step:5d}  " + "  ".join(f"{k} {v:.3g}" for k, v in r.metrics.items()),
              flush=True)
    train_s = time.perf_counter() - t0

    with np.load(a.npz) as z:
        x = torch.from_numpy(z["images"]).float().div(255).reshape(-1, 1, 28, 28)
        y = torch.from_numpy(z["labels"]).long()
    clf, acc = train_classifier(x, y, seed=a.seed)
    print(f"\n{a.preset}: {a.steps} steps in {train_s:.0f} s; classifier held-out accuracy {acc:.3f}")

    e.gen.manual_seed(a.seed + 1)
    with torch.no_grad():
        if e.num_classes:
            agree = []
            imgs = []
            for k in range(10):
                s = torch.from_numpy(e.sample(a.n, label=k)["images"])
                imgs.append(s[:10])
                pred = clf(s).argmax(1)
                agree.append((pred == k).float().mean().item())
                print(f"  label {k}: classifier agrees on {agree[-1]:.0%}")
            print(f"cgan agreement (mean over labels): {np.mean(agree):.3f}  (min {min(agree):.2f})")
            grid_imgs = torch.cat(imgs)
        else:
            s = torch.from_numpy(e.sample(10 * a.n)["images"])
            prob = clf(s).softmax(1)
            pred = prob.argmax(1)
            share = torch.bincount(pred, minlength=10).float() / len(pred)
            sharp = ((s < 0.1) | (s > 0.9)).float().mean().item()
            real_sharp = ((x < 0.1) | (x > 0.9)).float().mean().item()
            print(f"dcgan classes seen {int((share > 0.02).sum())}/10, largest share {share.max():.2f}, "
                  f"mean confidence {prob.max(1).values.mean():.3f}, share confident (>0.9) "
                  f"{(prob.max(1).values > 0.9).float().mean():.3f}")
            print(f"  sharp pixels (<0.1 or >0.9) {sharp:.3f} (real {real_sharp:.3f}); diversity "
                  f"ratio {diversity_ratio(s * 2 - 1, x[:512] * 2 - 1):.3f}")
            grid_imgs = s[:100]
    if a.png:
        from PIL import Image
        from torchvision.utils import make_grid

        g = make_grid(grid_imgs, nrow=10, padding=2, pad_value=0.5)
        Image.fromarray((g.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)).save(a.png)
        print(f"grid -> {a.png}")


if __name__ == "__main__":
    main()
