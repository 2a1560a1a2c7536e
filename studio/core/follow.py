"""Read a run directory while something else writes it: the CLI, the window, another machine.

`RunFollower.poll()` reads only the bytes appended to metrics.csv since the previous poll.
A partial last line (the writer is mid-row) is left for the next poll. A file that shrank,
was replaced (resume rewrites it atomically) or vanished is read again from the start, and
the update says so (`reset`), so a plot can clear before it draws the new rows.
"""
from __future__ import annotations

import csv
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# Bytes before the read offset remembered to tell "appended to" from "rewritten in place":
# the same inode and a larger size is not enough when a writer truncates and writes again.
_TAIL = 64


@dataclass
class Update:
    rows: dict[str, np.ndarray] = field(default_factory=dict)  # "step" and one array per metric
    sample: Path | None = None  # the newest samples/step_*.png, when it changed
    reset: bool = False  # metrics.csv was rewritten: drop what earlier polls returned

    @property
    def n(self) -> int:
        return len(self.rows.get("step", ()))

    def __bool__(self) -> bool:
        return self.n > 0 or self.sample is not None or self.reset


def parse_rows(columns: list[str], lines: list[str]) -> dict[str, np.ndarray]:
    """CSV lines -> {column: float array}; blank cells are NaN, malformed rows are skipped."""
    parsed = []
    for row in csv.reader(lines):
        if len(row) != len(columns):
            continue
        try:
            parsed.append([float(v) if v.strip() else np.nan for v in row])
        except ValueError:
            continue
    table = np.array(parsed, dtype=float).reshape(len(parsed), len(columns))
    return {c: table[:, i] for i, c in enumerate(columns)}


class RunFollower:
    def __init__(self, path):
        self.path = Path(path)
        self.metrics_path = self.path / "metrics.csv"
        self.samples_dir = self.path / "samples"
        self.columns: list[str] | None = None
        self.offset = 0  # bytes of metrics.csv consumed: always the end of a complete line
        self.rows_read = 0
        self._ident: tuple[int, int] | None = None
        self._tail = b""
        self._sample: Path | None = None
        self._samples_mtime: int | None = None
        self._samples_scanned = 0.0

    def poll(self) -> Update:
        update = self._poll_metrics()
        update.sample = self._poll_sample()
        return update

    # -- metrics.csv ---------------------------------------------------------------------------
    def _restart(self) -> bool:
        """Forget the file; True when rows were already handed out (the caller must clear)."""
        had = self.rows_read > 0 or self.columns is not None
        self.columns, self.offset, self.rows_read, self._tail = None, 0, 0, b""
        return had

    def _poll_metrics(self) -> Update:
        update = Update()
        try:
            f = open(self.metrics_path, "rb")
        except OSError:  # not written yet, or replaced between listing and opening
            if self.offset or self.columns is not None:
                update.reset = self._restart()
            return update
        with f:
            st = os.fstat(f.fileno())
            ident = (st.st_dev, st.st_ino)
            if self.offset and (ident != self._ident or st.st_size < self.offset
                                or not self._tail_matches(f)):
                update.reset = self._restart()
            self._ident = ident
            if st.st_size == self.offset:
                return update
            f.seek(self.offset)
            chunk = f.read(st.st_size - self.offset)
        end = chunk.rfind(b"\n")
        if end < 0:
            return update  # only part of a line so far
        complete = chunk[: end + 1]
        self.offset += len(complete)
        self._tail = (self._tail + complete)[-_TAIL:]
        lines = complete.decode("utf-8", errors="replace").splitlines()
        if self.columns is None:
            header = next(csv.reader(lines[:1]), [])
            lines = lines[1:]
            # Anything but a studio metrics file is passed over, not misread as numbers.
            self.columns = header if header[:1] == ["step"] else []
        if not self.columns:
            return update
        lines = [ln for ln in lines if ln.strip()]
        if lines:
            update.rows = parse_rows(self.columns, lines)
            self.rows_read += update.n
        return update

    def _tail_matches(self, f) -> bool:
        if not self._tail:
            return True
        f.seek(self.offset - len(self._tail))
        return f.read(len(self._tail)) == self._tail

    # -- samples/ --------------------------------------------------------------------------------
    def retry_sample(self) -> None:
        """Report the newest sample again next poll (it could not be read this time)."""
        self._sample, self._samples_mtime = None, None

    def _poll_sample(self) -> Path | None:
        try:
            mtime = self.samples_dir.stat().st_mtime_ns
        except OSError:
            return None
        now = time.time()
        # Coarse directory times (network shares, FAT) can hide a second change in the same
        # tick, so a directory that changed recently is listed again anyway.
        if mtime == self._samples_mtime and now - mtime / 1e9 > 2.0 \
                and now - self._samples_scanned < 30.0:
            return None
        self._samples_mtime, self._samples_scanned = mtime, now
        newest = latest_sample(self.path)
        if newest is None or newest == self._sample:
            return None
        self._sample = newest
        return newest


def sample_paths(run_dir) -> list[Path]:
    """samples/step_*.png in step order (the names are zero-padded)."""
    d = Path(run_dir) / "samples"
    try:
        names = [e.name for e in os.scandir(d)
                 if e.name.startswith("step_") and e.name.endswith(".png")]
    except OSError:
        return []
    return [d / n for n in sorted(names, key=_step_of)]


def _step_of(name: str) -> int:
    digits = Path(name).stem.removeprefix("step_")
    return int(digits) if digits.isdigit() else -1


def latest_sample(run_dir) -> Path | None:
    paths = sample_paths(run_dir)
    return paths[-1] if paths else None


def step_of(path) -> int:
    return _step_of(Path(path).name)


@dataclass
class RunSummary:
    path: Path
    model: str = "?"
    data: str = "?"
    steps_total: int = 0
    steps_done: int = 0
    last: dict[str, float] = field(default_factory=dict)
    modified: float = 0.0  # newest of config.json / metrics.csv, seconds since the epoch


def last_line(path, block: int = 4096) -> str | None:
    """The last complete line of a text file, reading only its end."""
    try:
        with open(path, "rb") as f:
            size = f.seek(0, os.SEEK_END)
            start = max(0, size - block)
            f.seek(start)
            data = f.read()
    except OSError:
        return None
    end = data.rfind(b"\n")
    if end < 0:
        return None
    begin = data.rfind(b"\n", 0, end) + 1
    if begin == 0 and start > 0:
        return last_line(path, block * 4) if block < 1 << 20 else None
    return data[begin:end].decode("utf-8", errors="replace")


def summarize(run_dir) -> RunSummary | None:
    """Model, data, steps and last metrics from config.json and metrics.csv's first and last
    lines; None when the folder is not a run directory."""
    run_dir = Path(run_dir)
    try:
        cfg = json.loads((run_dir / "config.json").read_text())
        cfg_mtime = (run_dir / "config.json").stat().st_mtime
    except (OSError, ValueError):
        return None
    if not isinstance(cfg, dict):
        return None
    data = cfg.get("data") or {}
    s = RunSummary(run_dir, model=str(cfg.get("model", "?")),
                   data=str(data.get("path") or data.get("name") or "?"),
                   steps_total=int((cfg.get("train") or {}).get("steps", 0) or 0),
                   modified=cfg_mtime)
    metrics = run_dir / "metrics.csv"
    try:
        with open(metrics, newline="") as f:
            header = next(csv.reader(f), None)
        s.modified = max(s.modified, metrics.stat().st_mtime)
    except OSError:
        return s
    line = last_line(metrics)
    if header and line and line.split(",", 1)[0] != header[0]:
        rows = parse_rows(header, [line])
        if len(rows.get("step", ())):
            s.steps_done = int(rows["step"][0])
            s.last = {k: float(v[0]) for k, v in rows.items() if k != "step" and np.isfinite(v[0])}
    return s


def find_runs(folder, depth: int = 2) -> list[Path]:
    """Run directories (with a config.json) at or below `folder`, newest first."""
    folder = Path(folder)
    found: list[Path] = []

    def walk(d: Path, left: int) -> None:
        if (d / "config.json").is_file():
            found.append(d)
            return
        if left == 0:
            return
        try:
            subs = sorted(e.path for e in os.scandir(d) if e.is_dir() and not e.name.startswith("."))
        except OSError:
            return
        for sub in subs:
            walk(Path(sub), left - 1)

    walk(folder, depth)
    return sorted(found, key=_mtime, reverse=True)


def _mtime(p: Path) -> float:
    try:
        return max(p.stat().st_mtime, (p / "metrics.csv").stat().st_mtime)
    except OSError:
        return 0.0
