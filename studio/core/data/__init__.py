"""Data sets held on the device as one tensor; a batch is an index slice."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .files import DataError, read_file
from .toy2d import GENERATORS, make_points

__all__ = ["Dataset", "DataError", "load_dataset", "load_digits_images"]


@dataclass
class Dataset:
    kind: str  # "points" or "images"
    x: torch.Tensor  # points (N,2) float32; images (N,C,H,W) float32 in [0,1]
    labels: torch.Tensor | None = None  # (N,) int64 on the same device
    num_classes: int = 0
    modes: np.ndarray | None = None  # known mode centres of a generated 2-D set
    mode_sigma: float = 0.0
    name: str = ""

    def __len__(self) -> int:
        return len(self.x)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.x.shape[1:])

    def batch_indices(self, n: int, gen: torch.Generator) -> torch.Tensor:
        idx = torch.randint(0, len(self.x), (n,), device=gen.device, generator=gen)
        return idx if gen.device == self.x.device else idx.to(self.x.device)


def load_digits_images(size: int) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8x8 digits (1,797 images), upsampled; float in [0,1]."""
    from sklearn.datasets import load_digits

    d = load_digits()
    x = torch.from_numpy(d.images.astype(np.float32) / 16.0)[:, None]
    if size != 8:
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    return x.clamp(0, 1).numpy(), d.target.astype(np.int64)


def load_dataset(data_cfg, device: torch.device | str = "cpu", seed: int = 0) -> Dataset:
    """Build the data set a config names; raises DataError with a one-line reason."""
    if data_cfg.path:
        arrays = read_file(data_cfg.path)
        if "points" in arrays:
            return Dataset("points", torch.from_numpy(arrays["points"]).to(device),
                           name=str(data_cfg.path))
        imgs = torch.from_numpy(arrays["images"]).float().div_(255.0)
        labels = arrays.get("labels")
        return _images(imgs, labels, data_cfg.image_size, device, str(data_cfg.path))
    if data_cfg.name in GENERATORS:
        pts, centres, sigma = make_points(data_cfg.name, data_cfg.n_points, seed)
        return Dataset("points", torch.from_numpy(pts).to(device), modes=centres,
                       mode_sigma=sigma, name=data_cfg.name)
    if data_cfg.name == "digits":
        x, y = load_digits_images(8)
        return _images(torch.from_numpy(x), y, data_cfg.image_size, device, "digits")
    raise DataError(f"data.name: unknown data set {data_cfg.name!r}")


def _images(x: torch.Tensor, labels, size: int, device, name: str) -> Dataset:
    if x.shape[-1] != size or x.shape[-2] != size:
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False).clamp_(0, 1)
    y = torch.from_numpy(np.asarray(labels)).to(device) if labels is not None else None
    k = int(y.max().item()) + 1 if y is not None else 0
    return Dataset("images", x.contiguous().to(device), y, k, name=name)
