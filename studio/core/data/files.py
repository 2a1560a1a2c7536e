"""Reading the user's own data files: .npz images or points, .csv points."""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np


class DataError(ValueError):
    """A data file that cannot be used; the message names the file and the reason."""


def _load_npz(path: Path) -> dict:
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as e:
        raise DataError(f"{path}: not a readable .npz file ({e})") from None


def read_file(path) -> dict:
    """{'points': (N,2) float32} or {'images': (N,C,H,W) uint8, 'labels'?: (N,) int64}."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file")
    if path.suffix.lower() == ".csv":
        return {"points": read_csv_points(path)}
    if path.suffix.lower() != ".npz":
        raise DataError(f"{path}: expected a .npz or .csv file")
    z = _load_npz(path)
    if "points" in z:
        return {"points": check_points(path, z["points"])}
    if "images" in z:
        out = {"images": check_images(path, z["images"])}
        if "labels" in z:
            out["labels"] = check_labels(path, z["labels"], len(out["images"]))
        return out
    raise DataError(f"{path}: needs an array named 'images' or 'points' (found: "
                    f"{', '.join(z) or 'nothing'})")


def read_csv_rows(path: Path) -> np.ndarray:
    """(N,d) float64 from a .csv: one point a line, commas, semicolons or tabs between
    numbers, an optional header row; every row as long as the first."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(f"{path}: cannot read ({e})") from None
    rows: list[list[float]] = []
    for i, line in enumerate(text.splitlines()):
        cells = [c.strip() for c in line.replace(";", ",").replace("\t", ",").split(",")]
        cells = [c for c in cells if c]
        if not cells:
            continue
        try:
            rows.append([float(c) for c in cells])
        except ValueError:
            if not rows and i == _first_nonblank(text):  # a header row
                continue
            raise DataError(f"{path}: line {i + 1} is not a row of numbers") from None
        if len(rows[-1]) != len(rows[0]):
            raise DataError(f"{path}: line {i + 1} has {len(rows[-1])} numbers, "
                            f"the first row has {len(rows[0])}")
    if not rows:
        raise DataError(f"{path}: no points in the file")
    return np.array(rows, dtype=np.float64)


def _first_nonblank(text: str) -> int:
    for i, line in enumerate(text.splitlines()):
        if line.strip():
            return i
    return 0


def read_csv_points(path: Path) -> np.ndarray:
    return check_points(path, read_csv_rows(path))


def check_points(path, pts) -> np.ndarray:
    pts = np.asarray(pts)
    if pts.dtype == object or pts.ndim != 2 or pts.shape[1] != 2:
        raise DataError(f"{path}: points must be an (N, 2) array, got shape {pts.shape}")
    if not np.issubdtype(pts.dtype, np.number):
        raise DataError(f"{path}: points must be numbers")
    if len(pts) < 2:
        raise DataError(f"{path}: needs at least 2 points")
    pts = pts.astype(np.float32)
    if not np.isfinite(pts).all():
        raise DataError(f"{path}: points contain NaN or Inf")
    return pts


def check_images(path, imgs) -> np.ndarray:
    imgs = np.asarray(imgs)
    if imgs.ndim == 3:
        imgs = imgs[:, None]
    elif imgs.ndim == 4 and imgs.shape[-1] in (1, 3) and imgs.shape[1] not in (1, 3):
        imgs = imgs.transpose(0, 3, 1, 2)  # (N,H,W,C) -> (N,C,H,W)
    if imgs.ndim != 4 or imgs.shape[1] not in (1, 3):
        raise DataError(f"{path}: images must be (N,H,W) or (N,C,H,W) with C 1 or 3, "
                        f"got shape {np.asarray(imgs).shape}")
    if imgs.dtype != np.uint8:
        raise DataError(f"{path}: images must be uint8 (0-255), got {imgs.dtype}")
    if len(imgs) < 2 or min(imgs.shape[2:]) < 4:
        raise DataError(f"{path}: needs at least 2 images of at least 4x4 pixels")
    return imgs


def check_labels(path, labels, n: int) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.shape != (n,) or not np.issubdtype(labels.dtype, np.integer):
        raise DataError(f"{path}: labels must be ({n},) integers, got {labels.dtype} {labels.shape}")
    if labels.min() < 0:
        raise DataError(f"{path}: labels must be >= 0")
    return labels.astype(np.int64)
