"""The decoded-image cache: a folder's pictures decoded and resized once, on every core, into
a memory-mapped uint8 file, so that later runs start in seconds and a set larger than memory
can still be trained on (pages are read as batches need them).

<cache root>/<key>/images.u8  raw (N, C, S, S) uint8, one row per readable file
                   meta.json  n, channels, size, the files left out as unreadable, ...
                   kept.npy   (N,) which of the listed files each row is
The key hashes the decode settings and every file's name, size and modification time: a
changed folder decodes again, and the cache it replaces is removed. A cache is written under
a temporary name and renamed when complete, so a cancelled or killed decode never leaves
one that a later run would trust.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from .files import DataError

ENV_VAR = "GENERATIVE_STUDIO_CACHE"
VERSION = 1
COPY_ROWS_BYTES = 32 << 20  # rows moved at a time when a cache is compacted


def cache_root() -> Path:
    """$GENERATIVE_STUDIO_CACHE, else ~/.cache/generative-studio/decoded."""
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser() if env else \
        Path.home() / ".cache" / "generative-studio" / "decoded"


@dataclass
class Decoded:
    images: np.ndarray  # (N, C, S, S) uint8, memory-mapped copy-on-write (writes stay private)
    kept: np.ndarray  # (N,) int64: the index in the listed files of each row
    skipped: list[str] = field(default_factory=list)  # unreadable files, relative names
    path: Path | None = None  # the cache's folder
    built: bool = False  # decoded by this call (False: an existing cache was opened)
    seconds: float = 0.0  # how long the decode (or the opening) took

    @property
    def n(self) -> int:
        return len(self.images)

    @property
    def nbytes(self) -> int:
        return int(self.images.nbytes)


def _stats(root: Path, files: list[Path]) -> list[tuple[str, int, int]]:
    out = []
    for p in files:
        try:
            st = p.stat()
            out.append((p.relative_to(root).as_posix(), st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((p.relative_to(root).as_posix(), -1, 0))
    return out


def _variant(root: Path, size: int, mode: str, crop: str, variant: str) -> str:
    """What a cache is a cache of (the folder and how it is decoded); a rebuilt cache
    replaces the others of the same variant."""
    text = json.dumps([VERSION, str(root.resolve()), size, mode, crop, variant])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cache_key(root: Path, files: list[Path], size: int, mode: str, crop: str,
              variant: str = "") -> tuple[str, str]:
    """(key, variant id): the key changes with any file's name, size or modification time."""
    var = _variant(root, size, mode, crop, variant)
    h = hashlib.sha256(var.encode())
    for name, nbytes, mtime in _stats(root, files):
        h.update(f"{name}\0{nbytes}\0{mtime}\n".encode())
    return f"{var}-{h.hexdigest()[:24]}", var


def open_cache(path: Path) -> Decoded | None:
    """The cache in `path`, or None when it is missing or incomplete."""
    try:
        meta = json.loads((path / "meta.json").read_text())
        n, c, s = int(meta["n"]), int(meta["channels"]), int(meta["size"])
        kept = np.load(path / "kept.npy", allow_pickle=False)
        if meta.get("version") != VERSION or len(kept) != n or \
                (path / "images.u8").stat().st_size != n * c * s * s:
            return None
        images = np.memmap(path / "images.u8", np.uint8, "c", shape=(n, c, s, s)) if n else \
            np.zeros((0, c, s, s), np.uint8)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Decoded(images, kept.astype(np.int64), list(meta.get("skipped", [])), path)


def decode_files(root, files: list[Path], size: int, mode: str = "auto", crop: str = "centre",
                 progress: Callable | None = None, variant: str = "",
                 workers: int | None = None) -> Decoded:
    """The files (under `root`) decoded at size x size: from the cache when it holds them
    as they are now, else decoded on every core first (progress(done, total, "decode"),
    which may raise to cancel) and cached."""
    from .decode import BAD, GRAY, decode_to_file

    t0 = time.perf_counter()
    root = Path(root).expanduser()
    key, var = cache_key(root, files, size, mode, crop, variant)
    base = cache_root()
    target = base / key
    found = open_cache(target)
    if found is not None:
        found.seconds = time.perf_counter() - t0
        return found
    try:
        base.mkdir(parents=True, exist_ok=True)
        tmp = base / f".part-{key}-{os.getpid()}-{time.monotonic_ns()}"
        tmp.mkdir()
    except OSError as e:
        raise DataError(f"cannot write the decoded-image cache in {base} "
                        f"({e.strerror or e}); set {ENV_VAR} to a writable folder") from None
    try:
        channels = 1 if mode == "L" else 3
        raw = tmp / "raw.u8"
        try:
            status = decode_to_file(raw, files, size, channels, mode, crop, progress, workers)
        except OSError as e:
            raise DataError(f"cannot write the decoded-image cache in {base} "
                            f"({e.strerror or e}); free some space or set {ENV_VAR}") from None
        kept = np.flatnonzero(status != BAD).astype(np.int64)
        gray = mode == "auto" and len(kept) > 0 and bool((status[kept] == GRAY).all())
        out_channels = 1 if gray else channels
        _compact(raw, tmp / "images.u8", len(files), channels, size, kept, out_channels)
        np.save(tmp / "kept.npy", kept)
        skipped = [files[i].relative_to(root).as_posix() for i in np.flatnonzero(status == BAD)]
        meta = {"version": VERSION, "n": int(len(kept)), "channels": out_channels, "size": size,
                "mode": mode, "crop": crop, "variant": var, "source": str(root.resolve()),
                "files": len(files), "skipped": skipped, "created": time.time()}
        (tmp / "meta.json").write_text(json.dumps(meta))
        try:
            os.rename(tmp, target)
        except OSError:  # another run finished the same cache first: use that one
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _remove_replaced(base, var, key)
    out = open_cache(target)
    if out is None:
        raise DataError(f"the decoded-image cache {target} could not be read back")
    out.built, out.seconds = True, time.perf_counter() - t0
    return out


def _compact(raw: Path, dst: Path, n: int, channels: int, size: int, kept: np.ndarray,
             out_channels: int) -> None:
    """The rows of `kept` (and only the first channel when out_channels is 1) into `dst`,
    read with plain file reads a block at a time: no mapping of the whole file, so the
    memory it takes stays a block however large the set."""
    if len(kept) == n and out_channels == channels:
        os.replace(raw, dst)
        return
    row = channels * size * size
    step = max(1, COPY_ROWS_BYTES // row)
    with open(raw, "rb") as src, open(dst, "wb") as out:
        for a in range(0, n, step):
            b = min(n, a + step)
            block = np.frombuffer(src.read((b - a) * row), np.uint8).reshape(b - a, channels,
                                                                              size, size)
            rows = kept[(kept >= a) & (kept < b)] - a
            out.write(np.ascontiguousarray(block[rows, :out_channels]).tobytes())
    raw.unlink()


def _remove_replaced(base: Path, variant: str, keep: str) -> None:
    for d in base.glob(f"{variant}-*"):
        if d.name != keep and d.is_dir():
            shutil.rmtree(d, ignore_errors=True)


def cache_size(path: Path | None) -> int:
    """Bytes a cache takes on disk (0 for none)."""
    if path is None or not path.is_dir():
        return 0
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file())


def find_cache(root, files: list[Path], size: int, mode: str = "auto", crop: str = "centre",
               variant: str = "") -> Path | None:
    """The folder of the complete cache of these files as they are now, or None."""
    root = Path(root).expanduser()
    path = cache_root() / cache_key(root, files, size, mode, crop, variant)[0]
    return path if open_cache(path) is not None else None
