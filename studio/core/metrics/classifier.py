"""A small classifier trained on a run's labelled images, whose penultimate layer is the
feature space of the offline Fréchet distance and precision/recall (core/evaluate.py).

Trained once per data set and kept in the cache (keyed by a fingerprint of the images and
labels): evaluating a second run of the same data reuses it, so their numbers compare.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

FEATURES = 128
STEPS = 400
BATCH = 64
VERSION = 2  # bump when the network or its training changes: old cache entries are ignored


def cache_dir() -> Path:
    """$GENERATIVE_STUDIO_CACHE/classifiers, else ~/.cache/generative-studio/classifiers."""
    env = os.environ.get("GENERATIVE_STUDIO_CACHE")
    root = Path(env).expanduser() if env else Path.home() / ".cache" / "generative-studio"
    return root / "classifiers"


class FeatureNet(nn.Module):
    def __init__(self, channels: int, num_classes: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, 16, 3, 2, 1), nn.ReLU(),  # (16, H/2, W/2)
            nn.Conv2d(16, 32, 3, 2, 1), nn.ReLU(),  # (32, H/4, W/4)
            nn.AdaptiveAvgPool2d(4), nn.Flatten(),  # (512,)
            nn.Linear(32 * 16, FEATURES), nn.ReLU())  # the features
        self.head = nn.Linear(FEATURES, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))

    @torch.no_grad()
    def features(self, x: torch.Tensor, batch: int = 512) -> torch.Tensor:
        """(N, FEATURES) for images (N, C, H, W) in [0, 1]."""
        self.eval()
        return torch.cat([self.body(x[i:i + batch].float()) for i in range(0, len(x), batch)])


def _as_float(x: torch.Tensor) -> torch.Tensor:
    return x.float() / 255 if x.dtype == torch.uint8 else x.float()


def fingerprint(images: torch.Tensor, labels: torch.Tensor) -> str:
    """The data set's identity: its shape, labels and pixels (as uint8)."""
    h = hashlib.sha256(f"v{VERSION} {tuple(images.shape)}".encode())
    u8 = images if images.dtype == torch.uint8 else (images.float() * 255).round().byte()
    h.update(u8.cpu().contiguous().numpy().tobytes())
    h.update(labels.cpu().long().numpy().tobytes())
    return h.hexdigest()[:24]


def train(images: torch.Tensor, labels: torch.Tensor, num_classes: int, seed: int = 0,
          progress: Callable[[int, int], None] | None = None) -> tuple[FeatureNet, float]:
    """(network, accuracy on a held-out tenth) after STEPS steps of Adam."""
    gen = torch.Generator().manual_seed(seed)
    x, y = _as_float(images.cpu()), labels.cpu().long()
    order = torch.randperm(len(x), generator=gen)
    n_test = max(1, len(x) // 10)
    test, tr = order[:n_test], order[n_test:]
    torch.manual_seed(seed)
    net = FeatureNet(x.shape[1], num_classes)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    net.train()
    for step in range(STEPS):
        idx = tr[torch.randint(0, len(tr), (min(BATCH, len(tr)),), generator=gen)]
        loss = F.cross_entropy(net(x[idx]), y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if progress is not None and (step + 1) % 50 == 0:
            progress(step + 1, STEPS)
    net.eval()
    with torch.no_grad():
        acc = (net.head(net.features(x[test])).argmax(1) == y[test]).float().mean().item()
    return net, acc


def classifier_for(images: torch.Tensor, labels: torch.Tensor, num_classes: int,
                   progress: Callable[[int, int], None] | None = None) -> tuple[FeatureNet, dict]:
    """The cached classifier for this data, trained now when there is none.
    Returns (network, {"accuracy", "cached", "file"})."""
    key = fingerprint(images, labels)
    path = cache_dir() / f"classifier-{key}.pt"
    if path.is_file():
        try:
            saved = torch.load(path, map_location="cpu", weights_only=True)
            net = FeatureNet(images.shape[1], num_classes)
            net.load_state_dict(saved["state"])
            return net.eval(), {"accuracy": float(saved["accuracy"]), "cached": True,
                                "file": str(path)}
        except (OSError, RuntimeError, KeyError, ValueError):
            pass  # a damaged or foreign file: train again and replace it
    net, acc = train(images, labels, num_classes, progress=progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    torch.save({"state": net.state_dict(), "accuracy": acc}, tmp)
    os.replace(tmp, path)  # atomic: another evaluation never reads half a file
    return net, {"accuracy": acc, "cached": False, "file": str(path)}
