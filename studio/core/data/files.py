"""Reading the user's own data files: .npz images or points, .csv points."""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np


class DataError(ValueError):
    """A data file that cannot be used; the message names the file and the reason."""


MAX_CLASSES = 10_000  # labels name at most this many classes (and at most one per image)
MAX_ABS_POINT = 1e15  # larger coordinates overflow float32 statistics (x**2 > 3.4e38)


def npz_headers(path) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """{array name: (shape, dtype)} of an .npz, read from each member's .npy header: nothing
    is loaded, so a file that declares an absurd array costs nothing to refuse."""
    path = Path(path)
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise DataError(f"{path}: not a .npz (zip) file") from None
    out = {}
    with z:
        for info in z.infolist():
            if not info.filename.endswith(".npy"):
                continue
            name = info.filename[:-4]
            try:
                with z.open(info) as f:
                    version = np.lib.format.read_magic(f)
                    if version == (1, 0):
                        shape, _, dtype = np.lib.format.read_array_header_1_0(f)
                    elif version == (2, 0):
                        shape, _, dtype = np.lib.format.read_array_header_2_0(f)
                    else:
                        raise ValueError(f"npy format {version}")
            except (OSError, ValueError, EOFError, zipfile.BadZipFile, SyntaxError, TypeError,
                    NotImplementedError) as e:
                raise DataError(f"{path}: its array {name!r} is damaged or not a numpy "
                                f"array ({_first(e)})") from None
            out[name] = (tuple(int(d) for d in shape), np.dtype(dtype))
    return out


def _first(e: Exception) -> str:
    lines = [s.strip() for s in str(e).splitlines() if s.strip()]
    text = lines[0] if lines else type(e).__name__
    return text if len(text) <= 80 else text[:80].rsplit(" ", 1)[0] + " ..."


def _nbytes(shape, dtype: np.dtype) -> int:
    return int(np.prod(shape, dtype=object)) * dtype.itemsize


def _check_fits(path, name: str, shape, dtype: np.dtype) -> None:
    from ..free_memory import format_bytes, free_memory

    need, free = _nbytes(shape, dtype), free_memory("cpu")
    if need > free:
        raise DataError(f"{path}: its array {name!r} {shape} needs {format_bytes(need)}, "
                        f"more than the {format_bytes(free)} of memory free here")


def _load_npz(path: Path, names=None) -> dict:
    """The arrays `names` (default: all) of an .npz, each checked from its header first
    (no objects, a size that fits in memory) and only then read."""
    path = Path(path)
    headers = npz_headers(path)
    names = list(headers) if names is None else [n for n in names if n in headers]
    for n in names:
        shape, dtype = headers[n]
        if dtype.hasobject:
            raise DataError(f"{path}: its array {n!r} holds Python objects (refused: a data "
                            f"file never runs code)")
        _check_fits(path, n, shape, dtype)
    try:
        with np.load(path, allow_pickle=False) as z:
            return {n: z[n] for n in names}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as e:
        raise DataError(f"{path}: not a readable .npz file ({_first(e)})") from None


def read_file(path) -> dict:
    """{'points': (N,2) float32} or {'images': (N,C,H,W) uint8, 'labels'?: (N,) int64}.

    Shapes and types are checked from the .npz headers before any array is read."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file")
    if path.suffix.lower() == ".csv":
        return {"points": read_csv_points(path)}
    if path.suffix.lower() != ".npz":
        raise DataError(f"{path}: expected a .npz or .csv file")
    headers = npz_headers(path)
    if "points" in headers:
        shape, dtype = headers["points"]
        check_points_header(path, shape, dtype)
        return {"points": check_points(path, _load_npz(path, ["points"])["points"])}
    if "images" in headers:
        shape, dtype = headers["images"]
        n = check_images_header(path, shape, dtype)
        names = ["images"]
        if "labels" in headers:
            lshape, ldtype = headers["labels"]
            check_labels_header(path, lshape, ldtype, n)
            names.append("labels")
        z = _load_npz(path, names)
        out = {"images": check_images(path, z["images"])}
        if "labels" in z:
            out["labels"] = check_labels(path, z["labels"], len(out["images"]))
        return out
    raise DataError(f"{path}: needs an array named 'images' or 'points' (found: "
                    f"{', '.join(headers) or 'nothing'})")


def read_csv_rows(path: Path) -> np.ndarray:
    """(N,d) float64 from a .csv: one point a line, commas, semicolons or tabs between
    numbers, an optional header row; every row as long as the first. Read line by line
    into an array of doubles (8 bytes a number, not a Python float and list per row)."""
    from array import array

    _check_fits(path, "rows", (max(1, Path(path).stat().st_size // 2),), np.dtype(np.float64))
    values = array("d")
    width, header_seen = 0, False
    try:
        with open(path, encoding="utf-8-sig", newline=None) as f:
            for i, line in enumerate(f):
                cells = [c.strip() for c in line.replace(";", ",").replace("\t", ",").split(",")]
                cells = [c for c in cells if c]
                if not cells:
                    continue
                try:
                    row = [float(c) for c in cells]
                except ValueError:
                    if not width and not header_seen:  # a header row
                        header_seen = True
                        continue
                    raise DataError(f"{path}: line {i + 1} is not a row of numbers") from None
                header_seen = True
                if not width:
                    width = len(row)
                elif len(row) != width:
                    raise DataError(f"{path}: line {i + 1} has {len(row)} numbers, "
                                    f"the first row has {width}")
                values.extend(row)
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(f"{path}: cannot read ({_first(e)})") from None
    if not width:
        raise DataError(f"{path}: no points in the file")
    return np.frombuffer(values, dtype=np.float64).reshape(-1, width).copy()


def read_csv_points(path: Path) -> np.ndarray:
    return check_points(path, read_csv_rows(path))


def check_points_header(path, shape, dtype: np.dtype) -> None:
    """Refuse points by their header: an (N, 2) array of real numbers."""
    if dtype.hasobject:
        raise DataError(f"{path}: its points are Python objects, not numbers (refused: a "
                        f"data file never runs code)")
    if len(shape) != 2 or shape[1] != 2:
        raise DataError(f"{path}: points must be an (N, 2) array, got shape {tuple(shape)}")
    _check_point_dtype(path, dtype)


def _check_point_dtype(path, dtype: np.dtype) -> None:
    if np.issubdtype(dtype, np.complexfloating):
        raise DataError(f"{path}: points must be real numbers, got complex ({dtype}); keep "
                        f"the real part (or split real and imaginary into two columns)")
    if not np.issubdtype(dtype, np.number):
        raise DataError(f"{path}: points must be numbers")


def check_points(path, pts) -> np.ndarray:
    pts = np.asarray(pts)
    if pts.dtype == object or pts.ndim != 2 or pts.shape[1] != 2:
        raise DataError(f"{path}: points must be an (N, 2) array, got shape {pts.shape}")
    _check_point_dtype(path, pts.dtype)
    if len(pts) < 2:
        raise DataError(f"{path}: needs at least 2 points")
    if np.issubdtype(pts.dtype, np.floating) and not np.isfinite(pts).all():
        raise DataError(f"{path}: points contain NaN or Inf")
    biggest = float(np.abs(pts).max())
    if biggest > MAX_ABS_POINT:
        raise DataError(f"{path}: points reach {biggest:.3g}; training works with values "
                        f"up to {MAX_ABS_POINT:.0e}: rescale the points (e.g. divide by "
                        f"{10 ** int(np.log10(biggest)):.0e})")
    pts = pts.astype(np.float32)
    if not np.isfinite(pts).all():
        raise DataError(f"{path}: points contain NaN or Inf")
    return pts


def check_images_header(path, shape, dtype: np.dtype) -> int:
    """Refuse images by their header (before reading them); returns the number of images."""
    shape = tuple(shape)
    if len(shape) == 4 and shape[-1] in (1, 3) and shape[1] not in (1, 3):
        shape = (shape[0], shape[3], shape[1], shape[2])  # (N,H,W,C)
    if len(shape) == 3:
        shape = (shape[0], 1, *shape[1:])
    if len(shape) != 4 or shape[1] not in (1, 3):
        raise DataError(f"{path}: images must be (N,H,W) or (N,C,H,W) with C 1 or 3, "
                        f"got shape {tuple(shape)}")
    if dtype != np.uint8:
        raise DataError(f"{path}: images must be uint8 (0-255), got {dtype}")
    if shape[0] < 2 or min(shape[2:]) < 4:
        raise DataError(f"{path}: needs at least 2 images of at least 4x4 pixels")
    return shape[0]


def check_images(path, imgs) -> np.ndarray:
    imgs = np.asarray(imgs)
    check_images_header(path, imgs.shape, imgs.dtype)
    if imgs.ndim == 3:
        imgs = imgs[:, None]
    elif imgs.ndim == 4 and imgs.shape[-1] in (1, 3) and imgs.shape[1] not in (1, 3):
        imgs = imgs.transpose(0, 3, 1, 2)  # (N,H,W,C) -> (N,C,H,W)
    return imgs


def check_labels_header(path, shape, dtype: np.dtype, n: int) -> None:
    if tuple(shape) != (n,) or dtype == np.bool_ or not np.issubdtype(dtype, np.integer):
        raise DataError(f"{path}: labels must be ({n},) integers, got {dtype} {tuple(shape)}")


def check_labels(path, labels, n: int) -> np.ndarray:
    """Labels are class numbers 0..K-1, K at most the number of images and MAX_CLASSES:
    checked by value before anything is sized by them (a label of 1e9 would otherwise ask
    for a billion classes), and compared as they are (a uint64 near 2**64 does not wrap)."""
    labels = np.asarray(labels)
    check_labels_header(path, labels.shape, labels.dtype, n)
    lo, hi = int(labels.min()), int(labels.max())
    if lo < 0:
        raise DataError(f"{path}: labels must be class numbers >= 0, found {lo}")
    cap = min(n, MAX_CLASSES)
    if hi >= cap:
        why = "the number of images" if cap == n else f"{MAX_CLASSES:,} classes"
        raise DataError(f"{path}: labels must be class numbers 0..K-1 with K at most {cap:,} "
                        f"({why}), found {hi}")
    return labels.astype(np.int64)
