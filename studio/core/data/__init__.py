"""Data sets held on the device as one tensor; a batch is an index slice."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

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
    classes: list[str] | None = None  # a name per label (for the sample panel's rows)
    n_skipped: int = 0  # unreadable files left out of a folder

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


def load_dataset(data_cfg, device: torch.device | str = "cpu", seed: int = 0,
                 progress: Callable[[int, int], None] | None = None) -> Dataset:
    """Build the data set a config names; raises DataError with a one-line reason.

    progress(done, total) reports a download (bytes) or a folder being read (files).
    """
    from .torchvision_sets import SETS

    limit = getattr(data_cfg, "limit", 0) or None
    path = Path(data_cfg.path).expanduser() if data_cfg.path else None
    if path is not None and path.is_dir():
        from .torchvision_sets import has_local_files, load_torchvision_set

        if data_cfg.name in SETS and has_local_files(data_cfg.name, path):
            # The "choose folder" answer to an offline download: the set's own files.
            x, y = load_torchvision_set(data_cfg.name, root=path, download=False)
            return _images_u8(x, y, data_cfg, device, seed, limit,
                              list(SETS[data_cfg.name].classes))
        from .folder import load_image_folder

        f = load_image_folder(path, data_cfg.image_size, "auto", limit, progress, seed)
        if len(f.images) < 2:
            raise DataError(f"{path}: needs at least 2 readable images, found "
                            f"{len(f.images)}" + (f" ({f.n_skipped} unreadable file(s) "
                                                  f"skipped)" if f.n_skipped else ""))
        ds = _images_u8(f.images, f.labels, data_cfg, device, seed, None, f.classes)
        ds.n_skipped = f.n_skipped
        return ds
    if path is not None:
        arrays = read_file(path)
        if "points" in arrays:
            return Dataset("points", torch.from_numpy(arrays["points"]).to(device),
                           name=str(data_cfg.path))
        labels = arrays.get("labels")
        classes = [str(k) for k in range(int(labels.max()) + 1)] if labels is not None else None
        return _images_u8(arrays["images"], labels, data_cfg, device, seed, limit, classes)
    if data_cfg.name in GENERATORS:
        pts, centres, sigma = make_points(data_cfg.name, data_cfg.n_points, seed)
        return Dataset("points", torch.from_numpy(pts).to(device), modes=centres,
                       mode_sigma=sigma, name=data_cfg.name)
    if data_cfg.name == "digits":
        x, y = load_digits_images(8)
        x, y = _subset(x, y, limit, seed)
        ds = _images(torch.from_numpy(x), y, data_cfg.image_size, device, "digits")
        ds.classes = [str(k) for k in range(10)]
        return ds
    if data_cfg.name in SETS:
        from .torchvision_sets import load_torchvision_set

        x, y = load_torchvision_set(data_cfg.name, progress=progress)
        return _images_u8(x, y, data_cfg, device, seed, limit, list(SETS[data_cfg.name].classes))
    raise DataError(f"data.name: unknown data set {data_cfg.name!r}")


def _subset(x: np.ndarray, y, limit: int | None, seed: int):
    if not limit or len(x) <= limit:
        return x, y
    keep = np.sort(np.random.default_rng(seed).choice(len(x), limit, replace=False))
    return x[keep], (None if y is None else np.asarray(y)[keep])


def _images_u8(x: np.ndarray, y, data_cfg, device, seed: int, limit: int | None,
               classes: list[str] | None) -> Dataset:
    x, y = _subset(x, y, limit, seed)
    ds = _images(resize_u8(x, data_cfg.image_size, device), y, data_cfg.image_size, device,
                 str(data_cfg.path or data_cfg.name))
    if ds.labels is not None:
        ds.classes = classes if classes and len(classes) >= ds.num_classes else \
            [str(k) for k in range(ds.num_classes)]
    return ds


CHUNK_BYTES = 64 << 20  # float32 working memory per chunk when converting images


def resize_u8(x: np.ndarray, size: int, device="cpu") -> torch.Tensor:
    """uint8 images (N,C,H,W) -> float32 (N,C,size,size) in [0,1] on `device`, converted and
    resized a chunk at a time into the result: the peak is the result and one chunk, not a
    float32 copy of the whole set at its original size as well."""
    n, c, h, w = x.shape
    out = torch.empty((n, c, size, size), dtype=torch.float32, device=device)
    per_image = c * max(h * w, size * size) * 4 * 2
    step = max(1, CHUNK_BYTES // per_image)
    for i in range(0, n, step):
        part = torch.from_numpy(np.ascontiguousarray(x[i:i + step])).to(device)
        if h == size and w == size:  # converted in place, no temporary
            out[i:i + step].copy_(part).div_(255.0)
            continue
        part = part.float().div_(255.0)
        out[i:i + step] = F.interpolate(part, size=(size, size), mode="bilinear",
                                        antialias=True, align_corners=False).clamp_(0, 1)
    return out


def _images(x: torch.Tensor, labels, size: int, device, name: str) -> Dataset:
    if x.shape[-1] != size or x.shape[-2] != size:
        x = F.interpolate(x, size=(size, size), mode="bilinear", antialias=True,
                          align_corners=False).clamp_(0, 1)
    y = torch.from_numpy(np.asarray(labels, dtype=np.int64)).to(device) \
        if labels is not None else None
    k = int(y.max().item()) + 1 if y is not None else 0
    return Dataset("images", x.contiguous().to(device), y, k, name=name)
