"""Decoding many picture files into one raw uint8 file, on every core.

Each worker decodes its share of the files and writes each image straight to its row of the
output file (os.pwrite), so no image crosses a process boundary and the parent holds none of
them. On Linux the workers are forked (they run PIL and numpy only, already imported);
elsewhere threads do it (PIL lets go of the interpreter lock while it decodes). A worker
reports a status byte per file; the parent turns them into progress and may cancel at any
time (its progress callback raises), which ends the workers at once.
"""
from __future__ import annotations

import os
import select
import signal
import struct
import sys
import warnings
from pathlib import Path
from typing import Callable

import numpy as np

COLOUR, GRAY, BAD = 0, 1, 2  # a file's status
CHUNK = 16  # files a worker takes at a time (chunks are dealt round-robin)
_ERRORS = (OSError, ValueError, EOFError, SyntaxError, TypeError, IndexError, KeyError,
           ZeroDivisionError, MemoryError, RuntimeError)


_GRAY = ("1", "L", "LA", "I", "I;16", "F")  # PIL modes of grayscale pictures


def read_image(path, size: int, mode: str = "RGB", crop: str = "centre") -> tuple[np.ndarray, bool]:
    """(pixels (size, size[, 3]) uint8, whether the file was grayscale). mode "L" gives one
    channel, anything else three. Raises what PIL raises for a file it cannot decode."""
    from PIL import Image
    from torchvision.transforms import InterpolationMode
    from torchvision.transforms.v2 import functional as TF

    with Image.open(path) as im:
        # JPEGs decode at 1/2, 1/4 or 1/8 scale when that still covers `size`: a photo
        # shrunk to 64 px decodes several times faster.
        im.draft("L" if mode == "L" else "RGB", (size, size))
        im.load()  # decode now: truncated and corrupt files fail here, not later
        gray = im.mode in _GRAY
        if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
            # Transparent pixels hold arbitrary colours; show them over white, as viewers do.
            rgba = im.convert("RGBA")
            im = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
        im = im.convert("L" if mode == "L" else "RGB")
        if crop == "centre":
            side = min(im.size)
            im = TF.center_crop(im, [side, side])
        im = TF.resize(im, [size, size], interpolation=InterpolationMode.LANCZOS, antialias=True)
        return np.asarray(im, dtype=np.uint8), gray


def cpu_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _decode_one(path, size: int, mode: str, crop: str) -> tuple[bytes, int]:
    from PIL import Image


    try:
        pixels, gray = read_image(path, size, mode, crop)
    except (*_ERRORS, Image.DecompressionBombError):
        return b"", BAD
    if pixels.ndim == 3:
        pixels = pixels.transpose(2, 0, 1)  # (H, W, C) -> (C, H, W)
    return np.ascontiguousarray(pixels).tobytes(), GRAY if gray else COLOUR


def _chunks(n: int, worker: int, workers: int):
    for start in range(worker * CHUNK, n, workers * CHUNK):
        yield start, min(n, start + CHUNK)


def _worker(fd_out: int, pipe_w: int, files, size, mode, crop, row_bytes, worker, workers):
    for start, end in _chunks(len(files), worker, workers):
        status = bytearray()
        for i in range(start, end):
            data, st = _decode_one(files[i], size, mode, crop)
            if st != BAD:
                os.pwrite(fd_out, data, i * row_bytes)
            status.append(st)
        msg = struct.pack("<II", start, len(status)) + bytes(status)
        os.write(pipe_w, msg)  # < PIPE_BUF bytes: one atomic write


def decode_to_file(out: Path, files: list, size: int, channels: int, mode: str, crop: str,
                   progress: Callable | None = None, workers: int | None = None) -> np.ndarray:
    """Decode `files` into `out`, a raw (N, channels, size, size) uint8 file (row i is
    file i; rows of unreadable files are left zero). Returns the status of each file
    (COLOUR, GRAY or BAD). progress(done, total, "decode") may raise to cancel: the workers
    end and the exception propagates."""
    n = len(files)
    row_bytes = channels * size * size
    workers = max(1, min(workers or cpu_workers(), -(-n // CHUNK)))
    with open(out, "wb") as f:
        f.truncate(n * row_bytes)
    if n == 0:
        return np.zeros(0, np.uint8)
    # Imported here, before any fork: a worker then finds them loaded.
    from PIL import Image
    from torchvision.transforms.v2 import functional  # noqa: F401

    Image.init()
    fork = workers > 1 and sys.platform.startswith("linux") and hasattr(os, "fork")
    if fork:
        return _decode_forked(out, files, size, mode, crop, row_bytes, workers, progress)
    return _decode_threads(out, files, size, mode, crop, row_bytes, workers, progress)


def _decode_forked(out, files, size, mode, crop, row_bytes, workers, progress) -> np.ndarray:
    n = len(files)
    status = np.full(n, 255, np.uint8)
    done = 0
    fd_out = os.open(out, os.O_WRONLY)
    pids, pipes = [], {}
    try:
        for w in range(workers):
            r, wfd = os.pipe()
            with warnings.catch_warnings():  # 3.12+: the child runs no threads of ours
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
            if pid == 0:  # the worker
                code = 0
                try:
                    os.close(r)
                    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides
                    _worker(fd_out, wfd, files, size, mode, crop, row_bytes, w, workers)
                except BaseException:
                    code = 1
                finally:
                    os._exit(code)
            os.close(wfd)
            pids.append(pid)
            pipes[r] = b""
        open_pipes = set(pipes)
        while open_pipes:
            ready, _, _ = select.select(list(open_pipes), [], [], 0.1)
            for r in ready:
                data = os.read(r, 65536)
                if not data:
                    open_pipes.discard(r)
                    continue
                buf = pipes[r] + data
                while len(buf) >= 8:
                    start, count = struct.unpack_from("<II", buf)
                    if len(buf) < 8 + count:
                        break
                    status[start:start + count] = np.frombuffer(buf, np.uint8, count, 8)
                    done += count
                    buf = buf[8 + count:]
                pipes[r] = buf
            if progress is not None:
                progress(done, n, "decode")
        for pid in pids:
            _, code = os.waitpid(pid, 0)
            if code:
                raise RuntimeError("an image decoding worker failed")
        pids = []
    finally:
        for pid in pids:  # cancelled or failed: end the others now
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        for r in pipes:
            os.close(r)
        os.close(fd_out)
    if (status == 255).any():
        raise RuntimeError("an image decoding worker ended early")
    return status


def _decode_threads(out, files, size, mode, crop, row_bytes, workers, progress) -> np.ndarray:
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    n = len(files)
    status = np.zeros(n, np.uint8)
    rows = np.memmap(out, np.uint8, "r+", shape=(n, row_bytes))

    def work(start: int, end: int) -> int:
        for i in range(start, end):
            data, st = _decode_one(files[i], size, mode, crop)
            if st != BAD:
                rows[i] = np.frombuffer(data, np.uint8)
            status[i] = st
        return end - start

    done = 0
    try:
        with ThreadPoolExecutor(workers) as pool:
            pending = {pool.submit(work, s, min(n, s + CHUNK)) for s in range(0, n, CHUNK)}
            try:
                while pending:
                    finished, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
                    done += sum(f.result() for f in finished)
                    if progress is not None:
                        progress(done, n, "decode")
            except BaseException:
                for f in pending:
                    f.cancel()
                raise
        rows.flush()
    finally:
        del rows
    return status
