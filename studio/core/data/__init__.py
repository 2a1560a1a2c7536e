"""Data sets: points as float32, images as uint8, converted to float a batch at a time.

A set of images that fits the device is held there as one uint8 tensor (a batch is an index
slice, converted on the device); a larger one stays in host memory, mapped from the decoded
cache, and is streamed: batches are gathered ahead into pinned memory (core.data.stream).
Engines read batches through `Dataset.batch(indices)`; no float32 copy of a whole set exists.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from .files import DataError, read_file
from .toy2d import GENERATORS, make_points

__all__ = ["Dataset", "DataError", "load_dataset", "load_digits_images", "to_float", "to_u8"]

# A set is held on the device when it takes at most this share of the device's free memory
# (the networks and a step's activations need the rest); a larger one is streamed.
DEVICE_SHARE = 0.5


@dataclass
class Dataset:
    kind: str  # "points" or "images"
    x: torch.Tensor  # points (N,2) float32; images (N,C,H,W) uint8 (on the device, or in
    # host memory mapped from the decoded cache when the device cannot hold the set)
    labels: torch.Tensor | None = None  # (N,) int64 on the training device
    num_classes: int = 0
    modes: np.ndarray | None = None  # known mode centres of a generated 2-D set
    mode_sigma: float = 0.0
    name: str = ""
    classes: list[str] | None = None  # a name per label (for the sample panel's rows)
    n_skipped: int = 0  # unreadable files left out of a folder
    flip: bool = False  # images: mirror a random half of every batch left-right
    device: torch.device | None = None  # where batches go (x's device unless streamed)
    stream: object = None  # a core.data.stream.HostStream when x stays in host memory

    def __post_init__(self):
        if self.device is None:
            self.device = self.x.device
        self._u8 = self.x.dtype == torch.uint8

    def __len__(self) -> int:
        return len(self.x)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.x.shape[1:])

    def batch_indices(self, n: int, gen: torch.Generator) -> torch.Tensor:
        """n random indices, on the training device (a streamed set draws its own, ahead)."""
        if self.stream is not None and n == self.stream.batch_size:
            return self.stream.next_indices()
        idx = torch.randint(0, len(self.x), (n,), device=gen.device, generator=gen)
        return idx if gen.device == self.device else idx.to(self.device)

    def batch(self, idx: torch.Tensor) -> torch.Tensor:
        """The examples at `idx` on the training device: points as they are, images as
        float32 in [0, 1] (mirrored at random when `flip`)."""
        if not self._u8:
            return self.x.index_select(0, idx)
        x = self.stream.batch_for(idx) if self.stream is not None else None
        if x is None:
            x = self.x.index_select(0, idx if idx.device == self.x.device else idx.to(self.x.device))
        x = to_float(x, self.device)
        if self.flip:
            from torchvision.transforms.v2 import functional as TF

            mirror = torch.rand(len(x), device=x.device) < 0.5
            x = torch.where(mirror[:, None, None, None], TF.horizontal_flip(x), x)
        return x


def to_float(x: torch.Tensor, device=None) -> torch.Tensor:
    """Images to float32 in [0, 1] on `device` (default: where they are); uint8 is copied to
    the device as it is (a quarter of the bytes) and converted there."""
    if device is not None and x.device != torch.device(device):
        x = x.to(device, non_blocking=True)
    return x.float().div_(255.0) if x.dtype == torch.uint8 else x


def to_u8(x) -> np.ndarray:
    """Float images in [0, 1] (numpy or torch) to uint8, rounded."""
    x = torch.as_tensor(x)
    if x.dtype == torch.uint8:
        return x.numpy()
    return x.float().clamp(0, 1).mul(255.0).round_().to(torch.uint8).numpy()


def _digits_8x8() -> tuple[np.ndarray, np.ndarray]:
    """(1797, 8, 8) pixels 0-16 and the labels, read from scikit-learn's bundled file without
    importing scikit-learn (with scipy that takes seconds, at every run's start)."""
    import gzip
    import importlib.util

    spec = importlib.util.find_spec("sklearn")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "datasets" / "data" / "digits.csv.gz"
        if path.is_file():
            with gzip.open(path, "rt") as f:
                table = np.loadtxt(f, delimiter=",", dtype=np.float32)
            if table.ndim == 2 and table.shape[1] == 65:
                return table[:, :64].reshape(-1, 8, 8), table[:, 64].astype(np.int64)
    from sklearn.datasets import load_digits  # where the file moved: the public way

    d = load_digits()
    return d.images.astype(np.float32), d.target.astype(np.int64)


def load_digits_images(size: int) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8x8 digits (1,797 images), upsampled; float in [0,1]."""
    images, labels = _digits_8x8()
    x = torch.from_numpy(images / 16.0)[:, None]
    if size != 8:
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    return x.clamp(0, 1).numpy(), labels


def load_dataset(data_cfg, device: torch.device | str = "cpu", seed: int = 0,
                 progress: Callable | None = None, batch_size: int = 0) -> Dataset:
    """Build the data set a config names; raises DataError with a one-line reason.

    progress(done, total[, "decode"]) reports a download (bytes) or a folder being decoded
    into the cache (files); it may raise to cancel. batch_size: the batches a streamed set
    gathers ahead.
    """
    from .torchvision_sets import SETS

    device = torch.device(device)
    limit = getattr(data_cfg, "limit", 0) or None
    flip = bool(getattr(data_cfg, "flip", False))
    path = Path(data_cfg.path).expanduser() if data_cfg.path else None
    if path is not None and path.is_dir():
        from .torchvision_sets import has_local_files, load_torchvision_set

        if data_cfg.name in SETS and has_local_files(data_cfg.name, path):
            # The "choose folder" answer to an offline download: the set's own files.
            x, y = load_torchvision_set(data_cfg.name, root=path, download=False)
            return _images_u8(x, y, data_cfg, device, seed, limit,
                              list(SETS[data_cfg.name].classes))
        from .folder import load_image_folder

        f = load_image_folder(path, data_cfg.image_size, "auto", limit, progress, seed,
                              getattr(data_cfg, "crop", "centre"))
        if len(f.images) < 2:
            raise DataError(f"{path}: needs at least 2 readable images, found "
                            f"{len(f.images)}" + (f" ({f.n_skipped} unreadable file(s) "
                                                  f"skipped)" if f.n_skipped else ""))
        x, stream = place(f.images, device, batch_size, seed)
        ds = Dataset("images", x, torch.from_numpy(f.labels).to(device),
                     len(f.classes), name=str(path), classes=f.classes,
                     n_skipped=f.n_skipped, flip=flip, device=device, stream=stream)
        return ds
    if data_cfg.name == "folder" and path is None:
        raise DataError("data.path: choose a folder of your pictures (one sub-folder per "
                        "class, or all in one folder)")
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
        ds = _images(torch.from_numpy(to_u8(x)), y, data_cfg.image_size, device, "digits")
        ds.classes = [str(k) for k in range(10)]
        ds.flip = flip
        return ds
    if data_cfg.name in SETS:
        from .torchvision_sets import load_torchvision_set

        x, y = load_torchvision_set(data_cfg.name, progress=progress)
        return _images_u8(x, y, data_cfg, device, seed, limit, list(SETS[data_cfg.name].classes))
    raise DataError(f"data.name: unknown data set {data_cfg.name!r}")


def place(images: np.ndarray, device: torch.device, batch_size: int = 0, seed: int = 0):
    """(x, stream) for uint8 images in host memory (a mapped cache, or an array): on the
    device when they take at most DEVICE_SHARE of its free memory (on the CPU, a mapped cache
    is used where it lies: no copy), else left in host memory with a HostStream over them
    (when batch_size is given)."""
    from ..free_memory import free_memory

    x = torch.from_numpy(images)
    if images.nbytes <= DEVICE_SHARE * free_memory(device):
        return x.to(device), None
    if not batch_size:
        return x, None
    from .stream import HostStream

    return x, HostStream(x, device, batch_size, seed)


def _subset(x: np.ndarray, y, limit: int | None, seed: int):
    if not limit or len(x) <= limit:
        return x, y
    keep = np.sort(np.random.default_rng(seed).choice(len(x), limit, replace=False))
    return x[keep], (None if y is None else np.asarray(y)[keep])


def _images_u8(x: np.ndarray, y, data_cfg, device, seed: int, limit: int | None,
               classes: list[str] | None) -> Dataset:
    x, y = _subset(x, y, limit, seed)
    ds = _images(resize_u8(x, data_cfg.image_size), y, data_cfg.image_size, device,
                 str(data_cfg.path or data_cfg.name))
    ds.flip = bool(getattr(data_cfg, "flip", False))
    if ds.labels is not None:
        ds.classes = classes if classes and len(classes) >= ds.num_classes else \
            [str(k) for k in range(ds.num_classes)]
    return ds


CHUNK_BYTES = 64 << 20  # float32 working memory per chunk when resizing images


def resize_u8(x: np.ndarray, size: int, device="cpu") -> torch.Tensor:
    """uint8 images (N,C,H,W) -> uint8 (N,C,size,size) on `device`, resized a chunk at a
    time in float32 (antialiased bilinear) and rounded: the peak is the result and one chunk,
    never a float32 copy of the whole set."""
    n, c, h, w = x.shape
    if h == size and w == size:
        return torch.from_numpy(np.ascontiguousarray(x)).to(device)
    out = torch.empty((n, c, size, size), dtype=torch.uint8, device=device)
    per_image = c * max(h * w, size * size) * 4 * 2
    step = max(1, CHUNK_BYTES // per_image)
    for i in range(0, n, step):
        part = torch.from_numpy(np.ascontiguousarray(x[i:i + step])).to(device).float()
        part = F.interpolate(part, size=(size, size), mode="bilinear", antialias=True,
                             align_corners=False)
        out[i:i + step] = part.clamp_(0, 255).round_().to(torch.uint8)
    return out


def _images(x: torch.Tensor, labels, size: int, device, name: str) -> Dataset:
    """A Dataset of uint8 images x (N,C,h,w), resized to size x size."""
    if x.shape[-1] != size or x.shape[-2] != size:
        x = resize_u8(x.numpy(), size)
    y = torch.from_numpy(np.asarray(labels, dtype=np.int64)).to(device) \
        if labels is not None else None
    k = int(y.max().item()) + 1 if y is not None else 0
    return Dataset("images", x.contiguous().to(device), y, k, name=name)
