"""The run directory: config.json, metrics.csv, checkpoint.pt, samples/*.png.

A run directory belongs to one run at a time: opening one takes its lock (core.runlock) for
the life of the run, a new run refuses a folder that already holds one, and a resumed run
first makes metrics.csv agree with its checkpoint. Checkpoints are written atomically and
read with every part checked (core.checkpoint).
"""
from __future__ import annotations

import csv
import io
import json
import queue
import threading
from pathlib import Path
from typing import Callable

import numpy as np

from ..config import RunConfig
from .checkpoint import (FORMAT_VERSION, CheckpointError, SaveError, Snapshot,
                         atomic_write_bytes, load_checkpoint, restore_engine, save_checkpoint)
from .runlock import RunDirError, RunLock, describe_holder, read_holder

__all__ = ["RunDir", "RunDirError", "BackgroundWriter", "CheckpointError", "SaveError",
           "Snapshot", "FORMAT_VERSION", "atomic_write_bytes", "describe_holder", "holds_run",
           "load_checkpoint", "preview_to_image", "read_holder", "reconcile_metrics",
           "remove_temp_files", "restore_engine", "save_checkpoint"]

MODES = ("new", "resume", "overwrite")
RUN_FILES = ("config.json", "metrics.csv", "checkpoint.pt")  # a folder holding one holds a run
EXPORTS = ("gmm.npz",)  # what engines export beside a run (engine.export)


def holds_run(path) -> bool:
    """Whether `path` holds a run's files (config.json, metrics.csv or checkpoint.pt)."""
    path = Path(path)
    return any((path / name).exists() for name in RUN_FILES)


def remove_temp_files(path) -> list[Path]:
    """Delete what a killed atomic write left behind (.NAME.tmp-PID-TID) in a run directory
    and its samples folder; returns what was removed."""
    removed = []
    for folder in (Path(path), Path(path) / "samples"):
        if not folder.is_dir():
            continue
        for p in folder.glob(".*.tmp-*"):
            try:
                p.unlink()
                removed.append(p)
            except OSError:
                pass
    return removed


class RunDir:
    """Writes one run's files, holding the folder's lock until close().

    mode "new": refuses (RunDirError) a folder that already holds a run.
    mode "resume": continues the run whose checkpoint is `checkpoint` (a dict from
      load_checkpoint, the caller's) or, if None, the folder's checkpoint.pt (read here, after
      the lock is taken; then available as `self.checkpoint`); metrics.csv is made to agree
      with it. `cfg` None takes the checkpoint's config.
    mode "overwrite": the caller's explicit choice to replace a run: its checkpoint, metrics,
      samples and exports are deleted.
    Nothing is written or deleted before the checks pass: a refused open leaves the folder as
    it was. Temporary files of a killed save are removed on every open. `resume` (True or
    False) is the older spelling of mode "resume" / "new".
    """

    def __init__(self, path, cfg: RunConfig | None = None, mode: str | None = None, *,
                 checkpoint: dict | None = None, extra: dict | None = None,
                 resume: bool | None = None):
        """`extra`: more top-level keys for config.json (a distributed run's "distributed");
        the checkpoint keeps the plain config, so any run resumes on one machine."""
        if mode is None:
            mode = "resume" if resume else "new"
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        if cfg is None and mode != "resume":
            raise ValueError(f"a {mode} run needs its config")
        self.path, self.mode = Path(path), mode
        self.metrics_path = self.path / "metrics.csv"
        self._lock: RunLock | None = None
        self._columns: list[str] | None = None
        self._extra = extra
        self.checkpoint = checkpoint
        self.saved_step: int | None = None  # the step of the checkpoint in the folder
        self._check_before_lock()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise RunDirError(f"{self.path}: cannot create the run directory "
                              f"({e.strerror or e})") from None
        self._lock = RunLock(self.path)
        try:
            self._open(cfg)
        except BaseException:
            self.close()
            raise

    def _check_before_lock(self) -> None:
        p = self.path
        if p.exists() and not p.is_dir():
            raise RunDirError(f"{p}: exists and is not a folder")
        if self.mode == "new" and holds_run(p):
            raise RunDirError(f"{p}: already holds a run; continue it with --resume, choose "
                              f"another folder, or replace it with --overwrite")
        if self.mode == "resume" and self.checkpoint is None \
                and not (p / "checkpoint.pt").is_file():
            what = ("holds no checkpoint yet (the run stopped before its first one); start "
                    "it again with --overwrite") if holds_run(p) else \
                "holds no run to resume; start one without --resume"
            raise RunDirError(f"{p}: {what}")

    def _open(self, cfg: RunConfig | None) -> None:
        self._check_before_lock()  # again, now that no other run can start here
        remove_temp_files(self.path)
        if self.mode == "resume":
            if self.checkpoint is None:
                self.checkpoint = load_checkpoint(self.path / "checkpoint.pt")
                self.saved_step = self.checkpoint["step"]
            elif (self.path / "checkpoint.pt").is_file():
                self.saved_step = _same_file_step(self.path / "checkpoint.pt", self.checkpoint)
            ck = self.checkpoint
            had = ck.get("config")
            if cfg is not None and had is not None and cfg.model != had.model:
                raise RunDirError(f"{self.path}: its checkpoint is a {had.model} run; it "
                                  f"cannot be resumed as {cfg.model}")
            cfg = had if cfg is None else cfg
            if cfg is None:
                raise ValueError("resuming needs a config: give cfg, or a checkpoint with one")
            self._columns = reconcile_metrics(self.metrics_path, checkpoint_step(ck),
                                              ck.get("history"))
        elif self.mode == "overwrite":
            self._clear()
        (self.path / "samples").mkdir(exist_ok=True)
        self.set_config(cfg)

    def _clear(self) -> None:
        # The checkpoint first: an overwrite cut short must never leave another model's
        # checkpoint beside this run's config and rows.
        for name in ("checkpoint.pt", "metrics.csv", *EXPORTS):
            (self.path / name).unlink(missing_ok=True)
        samples = self.path / "samples"
        if samples.is_dir():
            for p in samples.glob("step_*.png"):
                p.unlink(missing_ok=True)

    # -- the lock ---------------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self._lock is not None and self._lock.held

    def close(self) -> None:
        """Give the folder's lock back (the files stay); safe to call twice."""
        if self._lock is not None:
            self._lock.release()

    def __enter__(self) -> "RunDir":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- files ------------------------------------------------------------------------------
    def set_config(self, cfg: RunConfig) -> None:
        """Write config.json (atomically) and use `cfg` for the checkpoints from now on."""
        self.cfg = cfg
        extra = self._extra
        text = cfg.to_json() if not extra else json.dumps({**cfg.to_dict(), **extra}, indent=2)
        atomic_write_bytes(self.path / "config.json", text.encode())

    def truncate_metrics(self, step: int) -> None:
        """Drop rows past `step` (and a row cut short). A resumed RunDir did this on opening,
        against the checkpoint's history too; kept for older callers."""
        history = self.checkpoint.get("history") if self.checkpoint is not None \
            and checkpoint_step(self.checkpoint) == step else None
        self._columns = reconcile_metrics(self.metrics_path, step, history)

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
        """Write checkpoint.pt; a failed write raises SaveError naming the file and the step
        of the checkpoint that is kept."""
        step, out = int(engine.step_count), self.path / "checkpoint.pt"
        if self.saved_step is None and out.exists():  # a checkpoint of unknown step
            save_checkpoint(out, self.cfg, engine, history)
        else:
            save_checkpoint(out, self.cfg, engine, history, kept_step=self.saved_step)
        self.saved_step = step

    def save_preview(self, step: int, preview: dict) -> Path:
        from PIL import Image

        img = preview_to_image(preview)
        out = self.path / "samples" / f"step_{step:07d}.png"
        buf = io.BytesIO()
        Image.fromarray(img).save(buf, format="PNG")
        atomic_write_bytes(out, buf.getvalue(), durable=False)
        return out


def checkpoint_step(checkpoint: dict) -> int:
    """The step of a checkpoint dict: its "step", or its engine state's (a transport ships
    only the engine state and the history)."""
    if "step" in checkpoint:
        return int(checkpoint["step"])
    return int(checkpoint["engine"]["step"])


def _same_file_step(path: Path, checkpoint: dict) -> int | None:
    """The step of the checkpoint at `path` when it is the one given, else None (unknown)."""
    given = checkpoint.get("path")
    try:
        if given is not None and Path(given).resolve() == path.resolve():
            return checkpoint_step(checkpoint)
    except OSError:
        pass
    return None


# -- metrics.csv against a checkpoint ----------------------------------------------------------
def _read_metrics(path: Path) -> tuple[list[str], list[list[str]], bool] | None:
    """(header, rows, whether a last row cut short was left out), or None when the file is
    not a metrics table (binary, not text, no "step" column, a bad row before the last)."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if "\0" in text:
        return None
    try:
        table = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        return None
    if not table or not table[0] or table[0][0] != "step":
        return None
    header, rows = table[0], [r for r in table[1:] if r]
    cut = bool(rows) and not text.endswith("\n")  # killed mid-row: the last line has no end
    good = []
    for i, r in enumerate(rows):
        ok = len(r) == len(header) and _int(r[0]) is not None
        if not ok or (cut and i == len(rows) - 1):
            if i == len(rows) - 1:
                cut = True
                break
            return None
        good.append(r)
    return header, good, cut


def _int(text: str) -> int | None:
    try:
        v = float(text)
    except ValueError:
        return None
    return int(v) if v.is_integer() else None


def reconcile_metrics(path, step: int, history: dict | None) -> list[str] | None:
    """Make metrics.csv agree with a checkpoint at `step` whose history is `history`
    ({metric: values}, one per step up to `step`), and return its columns (None when there
    is no file and nothing to write).

    With a history, the file is kept only if it is exactly the history's table: its header
    is "step" and the history's metrics, and its rows are the history's steps. Anything
    else (rows past the step, a row cut short, rows missing, another header, duplicated
    steps, a binary or garbled file, no file) is rebuilt from the history. Without one, rows
    past the step and a cut last row are dropped, and a file that is not a table removed."""
    path = Path(path)
    found = _read_metrics(path) if path.exists() else None
    if history:
        columns = ["step", *history]
        values = [np.asarray(v, dtype=np.float64).tolist() for v in history.values()]
        n = min(step, min(len(v) for v in values))
        first = step - n + 1
        if found is not None:
            header, rows, cut = found
            if not cut and header == columns and len(rows) == n and \
                    all(_int(r[0]) == first + i for i, r in enumerate(rows)):
                return columns
        line = "%d" + ",%.12g" * len(values) + "\r\n"
        tails = [v[len(v) - n:] for v in values]
        body = [line % (first + i, *row) for i, row in enumerate(zip(*tails))]
        buf = io.StringIO()
        csv.writer(buf).writerow(columns)
        atomic_write_bytes(path, (buf.getvalue() + "".join(body)).encode())
        return columns
    if found is None:
        path.unlink(missing_ok=True)
        return None
    header, rows, cut = found
    keep = [r for r in rows if _int(r[0]) <= step]
    if cut or len(keep) != len(rows):
        buf = io.StringIO()
        csv.writer(buf).writerows([header, *keep])
        atomic_write_bytes(path, buf.getvalue().encode())
    return header


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
                try:
                    item[0](*item[1])
                except OSError as e:
                    self._on_error(e)
            finally:
                # Drop the item here, in the loop: tensors freed later, while the interpreter
                # exits, would abort it (freeing a tensor releases the GIL).
                item = None
                self._queue.task_done()

    def flush(self) -> None:
        """Wait until everything submitted so far is written (or has failed)."""
        self._queue.join()

    def close(self) -> None:
        """Write what is queued, then end the thread."""
        self._queue.put(None)
        self._thread.join()


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
