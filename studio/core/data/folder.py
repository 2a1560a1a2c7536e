"""A folder of the user's own pictures: one sub-folder per class, or a flat folder (one class).

Every image is centre-cropped to a square and resized (or, with crop "none", resized whole),
so photos of any shape can be used. The folder is decoded once into the studio's cache
(core.data.cache), in parallel; later runs read the cache. Files that cannot be decoded are
skipped and named, so the UI can say which and how many.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from .files import DataError

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".ppm", ".pgm", ".pbm",
                    ".tif", ".tiff", ".webp")
MODES = ("RGB", "L", "auto")
CROPS = ("centre", "none")


@dataclass
class FolderImages:
    images: np.ndarray  # (N, C, size, size) uint8, C 3 (RGB) or 1 (L); memory-mapped cache
    labels: np.ndarray  # (N,) int64, an index into classes
    classes: list[str]  # sub-folder names; [the folder's own name] for a flat folder
    skipped: list[str] = field(default_factory=list)  # unreadable files, relative to the folder
    kept: np.ndarray | None = None  # (N,) which of the listed files each image is
    cache: object = None  # the core.data.cache.Decoded it was read from

    @property
    def n_skipped(self) -> int:
        return len(self.skipped)


def _image_files(d: Path, recursive: bool) -> list[Path]:
    it = d.rglob("*") if recursive else d.iterdir()
    return sorted(p for p in it if p.suffix.lower() in IMAGE_EXTENSIONS and p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(d).parts))


def list_image_files(root) -> tuple[list[tuple[Path, int]], list[str]]:
    """([(file, label)], class names). Sub-folders holding images are the classes (loose
    files beside them are ignored, as torchvision's ImageFolder does); else one class."""
    root = Path(root).expanduser()
    if not root.is_dir():
        raise DataError(f"{root}: not a folder")
    subdirs = sorted(d for d in root.iterdir() if d.is_dir() and not d.name.startswith("."))
    per_class = {d.name: files for d in subdirs if (files := _image_files(d, recursive=True))}
    if per_class:
        classes = list(per_class)
        return [(p, i) for i, c in enumerate(classes) for p in per_class[c]], classes
    return [(p, 0) for p in _image_files(root, recursive=False)], [root.resolve().name]


def pick_subset(files: list, limit: int | None, seed: int) -> list:
    """A fixed random subset of at most `limit` files (in listing order)."""
    if limit is None or len(files) <= limit:
        return files
    keep = np.sort(np.random.default_rng(seed).choice(len(files), limit, replace=False))
    return [files[i] for i in keep]


def load_image_folder(root, size: int, mode: str = "RGB", limit: int | None = None,
                      progress: Callable | None = None, seed: int = 0,
                      crop: str = "centre") -> FolderImages:
    """Every image under `root` as a size x size square, from the decoded cache (decoding
    the folder first if it changed or was never decoded).

    mode "RGB" or "L" converts every image; "auto" gives L when all images are grayscale.
    limit: read at most this many images (a random subset, fixed by seed) to bound memory.
    progress(done, total, "decode") while decoding; it may raise to cancel. Raises DataError
    if no image can be read.
    """
    from .cache import decode_files

    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if crop not in CROPS:
        raise ValueError(f"crop must be one of {CROPS}, got {crop!r}")
    if size < 1:
        raise ValueError(f"size must be positive, got {size}")
    root = Path(root).expanduser()
    files, classes = list_image_files(root)
    if not files:
        raise DataError(f"{root}: no image files ({', '.join(IMAGE_EXTENSIONS)})")
    files = pick_subset(files, limit, seed)
    dec = decode_files(root, [p for p, _ in files], size, mode, crop, progress,
                       variant=f"folder limit={limit} seed={seed}")
    if dec.n == 0:
        shown = ", ".join(dec.skipped[:3]) + (", ..." if len(dec.skipped) > 3 else "")
        raise DataError(f"{root}: none of the {len(files)} image files could be read ({shown})")
    labels = np.fromiter((files[i][1] for i in dec.kept), np.int64, dec.n)
    # Classes whose every file was unreadable are dropped, keeping labels 0..K-1 dense.
    present = np.unique(labels)
    if len(present) < len(classes):
        labels = np.searchsorted(present, labels).astype(np.int64)
        classes = [classes[k] for k in present]
    return FolderImages(dec.images, labels, classes, list(dec.skipped), dec.kept, dec)


@dataclass
class FolderSummary:
    n: int  # pictures (after data.limit)
    classes: int
    smallest: tuple[int, int]  # (width, height) of the smallest and largest of a sample
    largest: tuple[int, int]
    cache_bytes: int  # the decoded cache on disk now (0: decoded at the run's start)
    set_bytes: int  # the decoded set as uint8 at this size (RGB; grey pictures take a third)


def folder_summary(root, size: int, crop: str = "centre", limit: int | None = None,
                   seed: int = 0, sample: int = 32) -> FolderSummary:
    """What a folder holds, from its listing and the headers of a few pictures (nothing is
    decoded): for the window to show when a folder is chosen. DataError for no pictures."""
    from PIL import Image

    from .cache import cache_size, find_cache

    root = Path(root).expanduser()
    files, classes = list_image_files(root)
    if not files:
        raise DataError(f"{root}: no image files ({', '.join(IMAGE_EXTENSIONS)})")
    files = pick_subset(files, limit, seed)
    sizes = []
    for p, _ in files[:: max(1, len(files) // sample)][:sample]:
        try:
            with Image.open(p) as im:  # reads the header only
                sizes.append(im.size)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            pass
    by_area = sorted(sizes, key=lambda s: s[0] * s[1]) or [(0, 0)]
    found = find_cache(root, [p for p, _ in files], size, "auto", crop,
                       variant=f"folder limit={limit} seed={seed}")
    return FolderSummary(len(files), len(classes), by_area[0], by_area[-1], cache_size(found),
                         len(files) * 3 * size * size)
