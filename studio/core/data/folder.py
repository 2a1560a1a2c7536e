"""A folder of the user's own pictures: one sub-folder per class, or a flat folder (one class).

Every image is centre-cropped to a square and resized, so photos of any shape can be used.
Files that cannot be decoded are skipped and named, so the UI can say which and how many.
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
_GRAY = ("1", "L", "LA", "I", "I;16", "F")


@dataclass
class FolderImages:
    images: np.ndarray  # (N, C, size, size) uint8, C 3 (RGB) or 1 (L)
    labels: np.ndarray  # (N,) int64, an index into classes
    classes: list[str]  # sub-folder names; [the folder's own name] for a flat folder
    skipped: list[str] = field(default_factory=list)  # unreadable files, relative to the folder

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


def _read(path: Path, size: int, mode: str) -> tuple[np.ndarray, bool]:
    """(pixels (size, size[, 3]) uint8, whether the file was grayscale)."""
    from PIL import Image, ImageOps

    with Image.open(path) as im:
        im.load()  # decode now: truncated and corrupt files fail here, not later
        gray = im.mode in _GRAY
        if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
            # Transparent pixels hold arbitrary colours; show them over white, as viewers do.
            rgba = im.convert("RGBA")
            im = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
        im = im.convert("L" if mode == "L" else "RGB")
        im = ImageOps.fit(im, (size, size), Image.Resampling.LANCZOS)
        return np.asarray(im, dtype=np.uint8), gray


def load_image_folder(root, size: int, mode: str = "RGB", limit: int | None = None,
                      progress: Callable[[int, int], None] | None = None,
                      seed: int = 0) -> FolderImages:
    """Read every image under `root` as a size x size square.

    mode "RGB" or "L" converts every image; "auto" gives L when all images are grayscale.
    limit: read at most this many images (a random subset, fixed by seed) to bound memory.
    progress(done, total) after each file. Raises DataError if no image can be read.
    """
    from PIL import Image

    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if size < 1:
        raise ValueError(f"size must be positive, got {size}")
    root = Path(root).expanduser()
    files, classes = list_image_files(root)
    if not files:
        raise DataError(f"{root}: no image files ({', '.join(IMAGE_EXTENSIONS)})")
    if limit is not None and len(files) > limit:
        keep = np.sort(np.random.default_rng(seed).choice(len(files), limit, replace=False))
        files = [files[i] for i in keep]
    channels = 1 if mode == "L" else 3
    images = np.empty((len(files), channels, size, size), np.uint8)
    labels = np.empty(len(files), np.int64)
    skipped: list[str] = []
    n, all_gray = 0, True
    for i, (path, label) in enumerate(files):
        try:
            pixels, gray = _read(path, size, mode)
        except (OSError, ValueError, EOFError, SyntaxError, Image.DecompressionBombError):
            skipped.append(path.relative_to(root).as_posix())
        else:
            images[n] = pixels[None] if channels == 1 else pixels.transpose(2, 0, 1)
            labels[n] = label
            all_gray &= gray
            n += 1
        if progress:
            progress(i + 1, len(files))
    if n == 0:
        shown = ", ".join(skipped[:3]) + (", ..." if len(skipped) > 3 else "")
        raise DataError(f"{root}: none of the {len(files)} image files could be read ({shown})")
    images, labels = images[:n], labels[:n]
    if mode == "auto" and all_gray:
        images = images[:, :1]  # grayscale converted to RGB has R = G = B
    # Classes whose every file was unreadable are dropped, keeping labels 0..K-1 dense.
    present = np.unique(labels)
    if len(present) < len(classes):
        labels = np.searchsorted(present, labels).astype(np.int64)
        classes = [classes[k] for k in present]
    return FolderImages(np.ascontiguousarray(images), labels, classes, skipped)
