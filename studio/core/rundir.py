"""The run directory: config.json, metrics.csv, checkpoint.pt, samples/*.png.

Checkpoints are written atomically (temporary file, fsync, rename) so a crash mid-save
leaves the previous one intact, and read with `weights_only=True` so a file from a
stranger cannot run code.
"""
from __future__ import annotations

import csv
import io
import json
import os
import queue
import threading
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch

from ..config import ConfigError, RunConfig

FORMAT_VERSION = 1


class CheckpointError(ValueError):
    pass


def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """Write to a temporary file and rename it over `path`: readers see the old file or the
    new one, never half of one. `durable`: fsync first, so the new one survives a power cut
    too (checkpoints; a sample picture is not worth the wait)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def save_checkpoint(path, cfg: RunConfig, engine,
                    history: dict[str, Sequence[float]] | None = None):
    state = {
        "format_version": FORMAT_VERSION,
        "model": cfg.model,
        "config": cfg.to_json(),
        "step": int(engine.step_count),
        "engine": engine.state_dict(),
        # (np.array reads an array("d") as one block of memory, a list float by float.)
        "history": {k: torch.from_numpy(np.array(v, dtype=np.float64))
                    for k, v in (history or {}).items()},
    }
    buf = io.BytesIO()
    torch.save(state, buf)
    atomic_write_bytes(Path(path), buf.getvalue())


class Snapshot:
    """An engine's state copied to the CPU (step_count and state_dict(), as save_checkpoint
    reads them), so that another thread can write it while training goes on."""

    def __init__(self, engine):
        self.step_count = int(engine.step_count)
        self._state = _copy_tensors(engine.state_dict())

    def state_dict(self) -> dict:
        return self._state


def _copy_tensors(obj):
    if torch.is_tensor(obj):
        return obj.detach().to("cpu", copy=True)
    if isinstance(obj, dict):
        return {k: _copy_tensors(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_copy_tensors(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_copy_tensors(v) for v in obj)
    return obj


def load_checkpoint(path) -> dict:
    """Read a checkpoint; returns dict with config (RunConfig), step, engine, history."""
    path = Path(path)
    if path.is_dir():
        path = path / "checkpoint.pt"
    if not path.is_file():
        raise CheckpointError(f"{path}: no checkpoint there")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # truncated, corrupt, or a pickle that wants to run code
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise CheckpointError(f"{path}: not a readable studio checkpoint ({first[:120]})") from None
    if not isinstance(state, dict) or "format_version" not in state:
        raise CheckpointError(f"{path}: not a studio checkpoint")
    if state["format_version"] != FORMAT_VERSION:
        raise CheckpointError(f"{path}: checkpoint format {state['format_version']}, "
                              f"this studio reads format {FORMAT_VERSION}")
    try:
        cfg = RunConfig.from_dict(json.loads(state["config"]))
    except (ConfigError, ValueError) as e:
        raise CheckpointError(f"{path}: bad config inside ({e})") from None
    history = {k: v.tolist() for k, v in state.get("history", {}).items()}
    return {"config": cfg, "step": int(state["step"]), "engine": state["engine"],
            "history": history}


class RunDir:
    """Writes one run's files. Metrics are appended in batches (one write per batch)."""

    def __init__(self, path, cfg: RunConfig, resume: bool = False, extra: dict | None = None,
                 mode: str | None = None):
        """`extra`: more top-level keys for config.json (a distributed run's "distributed");
        the checkpoint keeps the plain config, so any run resumes on one machine."""
        resume = resume or mode == "resume"
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / "samples").mkdir(exist_ok=True)
        self.cfg = cfg
        text = cfg.to_json() if not extra else json.dumps({**cfg.to_dict(), **extra}, indent=2)
        atomic_write_bytes(self.path / "config.json", text.encode())
        self.metrics_path = self.path / "metrics.csv"
        self._columns: list[str] | None = None
        if resume and self.metrics_path.exists():
            with open(self.metrics_path, newline="") as f:
                header = next(csv.reader(f), None)
            self._columns = header
        elif self.metrics_path.exists():
            self.metrics_path.unlink()

    def truncate_metrics(self, step: int) -> None:
        """On resume: drop rows past the checkpoint's step so the curves stay consistent."""
        if not self.metrics_path.exists():
            return
        with open(self.metrics_path, newline="") as f:
            rows = list(csv.reader(f))
        if not rows:
            return
        keep = [rows[0]] + [r for r in rows[1:] if r and int(float(r[0])) <= step]
        buf = io.StringIO()
        csv.writer(buf).writerows(keep)
        atomic_write_bytes(self.metrics_path, buf.getvalue().encode())

    def append_metrics(self, results) -> None:
        if not results:
            return
        if self._columns is None:
            self._columns = ["step"] + list(results[0].metrics)
            with open(self.metrics_path, "w", newline="") as f:
                csv.writer(f).writerow(self._columns)
        names = self._columns[1:]
        # One format for a row of numbers: 3x faster than csv.writer with _fmt per value (it
        # runs beside a fast run's training, under the same interpreter lock), the same text.
        line = "%d" + ",%.12g" * len(names) + "\r\n"
        lines = []
        for r in results:
            values = [r.metrics.get(c, "") for c in names]
            try:
                lines.append(line % (r.step, *values))
            except TypeError:  # a missing or non-numeric value: csv quotes what needs it
                buf = io.StringIO()
                csv.writer(buf).writerow([r.step] + [_fmt(v) for v in values])
                lines.append(buf.getvalue())
        with open(self.metrics_path, "a", newline="") as f:
            f.write("".join(lines))

    def save_checkpoint(self, engine, history=None) -> None:
        save_checkpoint(self.path / "checkpoint.pt", self.cfg, engine, history)

    def save_preview(self, step: int, preview: dict) -> Path:
        from PIL import Image

        img = preview_to_image(preview)
        out = self.path / "samples" / f"step_{step:07d}.png"
        buf = io.BytesIO()
        Image.fromarray(img).save(buf, format="PNG")
        atomic_write_bytes(out, buf.getvalue(), durable=False)
        return out


class BackgroundWriter:
    """Runs file writes in a thread of its own, in the order given, so that training does not
    wait for them: the window hands over metric rows and preview pictures and trains on (PNG
    encoding and fsync release the GIL). `on_error(OSError)` is called in the writer's thread.
    """

    def __init__(self, on_error: Callable[[OSError], None]):
        self._queue: queue.Queue = queue.Queue()
        self._on_error = on_error
        self._thread = threading.Thread(target=self._loop, name="run-dir-writer", daemon=True)
        self._thread.start()

    def submit(self, fn: Callable, *args) -> None:
        self._queue.put((fn, args))

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                fn, args = item
                try:
                    fn(*args)
                except OSError as e:
                    self._on_error(e)
            finally:
                self._queue.task_done()

    def flush(self) -> None:
        """Wait until everything submitted so far is written (or has failed)."""
        self._queue.join()

    def close(self) -> None:
        """Write what is queued, then end the thread. (It waits on the queue, not with
        Thread.join: join would register a QThread caller with `threading` for good.)"""
        self._queue.put(None)
        self._queue.join()


def _fmt(v):
    # 12 significant digits: enough to compare log-likelihoods to 1e-9 relative
    return f"{v:.12g}" if isinstance(v, float) else v


def preview_to_image(preview: dict, size: int = 256) -> np.ndarray:
    """uint8 RGB picture of a preview: the image grid, or a scatter of real/fake points."""
    if preview.get("kind") == "images":
        g = np.clip(preview["grid"], 0, 1)
        if g.ndim == 2:
            g = np.repeat(g[..., None], 3, axis=2)
        return (g * 255).round().astype(np.uint8)
    img = np.full((size, size, 3), 255, np.uint8)
    real, fake = preview["real"], preview["fake"]
    both = np.concatenate([real, fake])
    lo, hi = np.percentile(both, 0.5, axis=0), np.percentile(both, 99.5, axis=0)
    centre, half = (lo + hi) / 2, max(float((hi - lo).max()) / 2 * 1.15, 1e-6)
    for pts, colour in ((real, (120, 120, 120)), (fake, (220, 60, 30))):
        ij = ((pts - centre) / half * 0.5 + 0.5) * (size - 1)
        ij = np.clip(np.round(ij).astype(int), 0, size - 1)
        img[size - 1 - ij[:, 1], ij[:, 0]] = colour
    return img
