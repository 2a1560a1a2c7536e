"""checkpoint.pt: written atomically, read with checks on everything in it.

Checkpoints are written to a temporary file, fsynced and renamed, so a crash mid-save
leaves the previous one intact. They are read with `weights_only=True`, so a file from a
stranger cannot run code; and every part is checked before anything is built from it (the
model its config asks for must fit in memory), so a stranger's file cannot exhaust memory
either. Every way a file can be malformed ends in a CheckpointError with one line.
"""
from __future__ import annotations

import io
import json
import math
import os
import pickle
import threading
import zipfile
from pathlib import Path
from typing import Sequence

import numpy as np
import torch

from ..config import ConfigError, RunConfig
from .data.reference import reference_for, reference_problem
from .one_line import one_line

FORMAT_VERSION = 1
REQUIRED = ("format_version", "config", "step", "engine", "history")
_INTEGERS = (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)


class CheckpointError(ValueError):
    """A checkpoint that cannot be used; the message is one line naming the file."""


class SaveError(OSError):
    """A checkpoint write that failed (a full or read-only disk). str() is one line: "could
    not write PATH: REASON; the checkpoint at step N is kept". errno and strerror are the
    original error's, filename the checkpoint's path, kept_step the step of the checkpoint
    still in place (None when there is none or it is not known)."""

    line = ""
    kept_step: int | None = None

    def __str__(self) -> str:
        return self.line or super().__str__()


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


_UNKNOWN = object()


def save_checkpoint(path, cfg: RunConfig, engine,
                    history: dict[str, Sequence[float]] | None = None,
                    kept_step: int | None | object = _UNKNOWN) -> None:
    """Write `engine`'s state with its config and history to `path`, atomically.

    A failed write raises SaveError: "could not write PATH: REASON; the checkpoint at step N
    is kept" (`kept_step`: the step of the checkpoint already at `path`, None when there is
    none; left out, the message says "the previous checkpoint" or "no checkpoint")."""
    path = Path(path)
    state = {
        "format_version": FORMAT_VERSION,
        "model": cfg.model,
        "config": cfg.to_json(),
        "step": int(engine.step_count),
        "engine": engine.state_dict(),
        # (np.array reads an array("d") as one block of memory, a list float by float.)
        "history": {k: torch.from_numpy(np.array(v, dtype=np.float64))
                    for k, v in (history or {}).items()},
        "data": reference_for(engine),  # so that the model samples without its data file
    }
    buf = io.BytesIO()
    torch.save(state, buf)
    try:
        atomic_write_bytes(path, buf.getvalue())
    except OSError as e:
        if kept_step is _UNKNOWN:
            kept = "the previous checkpoint is kept" if path.exists() else \
                "no checkpoint was written yet"
        elif kept_step is None:
            kept = "no checkpoint was written yet"
        else:
            kept = f"the checkpoint at step {kept_step} is kept"
        err = SaveError(e.errno, e.strerror or type(e).__name__, str(path))
        err.line = f"could not write {path}: {err.strerror}; {kept}"
        err.kept_step = kept_step if isinstance(kept_step, int) else None
        raise err from e


class Snapshot:
    """An engine's state copied to the CPU (step_count and state_dict(), as save_checkpoint
    reads them), so that another thread can write it while training goes on."""

    def __init__(self, engine):
        self.step_count = int(engine.step_count)
        self._state = _copy_tensors(engine.state_dict())
        self._data_reference = (None, reference_for(engine))

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


def _show(value) -> str:
    """A short description of a value for a message: itself if short, else its type."""
    text = repr(value)
    return text if len(text) <= 40 and "\n" not in text else type(value).__name__


def _whole(value) -> int | None:
    """A whole number >= 0 from an int, an integral float or a one-element tensor."""
    if torch.is_tensor(value):
        if value.numel() != 1 or value.dtype.is_complex or value.dtype == torch.bool:
            return None
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return None
    if not 0 <= value < 2 ** 53:
        return None
    return int(value)


def _check_archive(path: Path) -> None:
    """A torch checkpoint is a zip archive; refuse anything else, and one whose contents
    would not fit in memory, before torch reads a byte of it."""
    try:
        with zipfile.ZipFile(path) as z:
            size = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise CheckpointError(f"{path}: not a studio checkpoint (not a torch zip archive; "
                              f"the file may be damaged or truncated)") from None
    from .free_memory import format_bytes, free_memory

    free = free_memory(torch.device("cpu"))
    if size > free:
        raise CheckpointError(f"{path}: holds {format_bytes(size)} of data, more than the "
                              f"{format_bytes(free)} of memory free here")


def _read(path: Path) -> dict:
    _check_archive(path)
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:  # weights_only met an object it will not build
        raise CheckpointError(f"{path}: refused: it holds Python objects, not only tensors "
                              f"and plain values (a checkpoint never runs code)") from None
    except MemoryError:
        raise CheckpointError(f"{path}: too large to read into memory") from None
    except Exception:  # a damaged record, a bad CRC, a cut archive
        raise CheckpointError(f"{path}: damaged or truncated checkpoint (torch cannot read "
                              f"it)") from None
    if not isinstance(state, dict) or "format_version" not in state:
        raise CheckpointError(f"{path}: not a studio checkpoint")
    version = state["format_version"]
    if not isinstance(version, int) or isinstance(version, bool) or version != FORMAT_VERSION:
        raise CheckpointError(f"{path}: checkpoint format {_show(version)}, this studio reads "
                              f"format {FORMAT_VERSION}")
    missing = [k for k in REQUIRED if k not in state]
    if missing:
        raise CheckpointError(f"{path}: damaged studio checkpoint: it has no "
                              f"{', '.join(repr(k) for k in missing)}")
    return state


def _config(path: Path, text) -> RunConfig:
    if not isinstance(text, str):
        raise CheckpointError(f"{path}: its config is not JSON text ({type(text).__name__})")
    try:
        cfg = RunConfig.from_dict(json.loads(text)).validate()
    except ConfigError as e:
        raise CheckpointError(f"{path}: bad config inside ({one_line(e)})") from None
    except (ValueError, RecursionError) as e:
        raise CheckpointError(f"{path}: its config is not valid JSON ({one_line(e, 80)})") \
            from None
    return cfg


def _history(path: Path, history) -> dict[str, list[float]]:
    if not isinstance(history, dict):
        raise CheckpointError(f"{path}: its history is not a table of metrics "
                              f"({type(history).__name__})")
    out: dict[str, list[float]] = {}
    length = None
    for name, column in history.items():
        if not isinstance(name, str):
            raise CheckpointError(f"{path}: its history has a metric named {_show(name)}")
        if not torch.is_tensor(column) or column.ndim != 1 or not (
                column.dtype.is_floating_point or column.dtype in _INTEGERS):
            raise CheckpointError(f"{path}: its history of {name!r} is not a column of "
                                  f"numbers")
        if length is not None and len(column) != length:
            raise CheckpointError(f"{path}: its history columns differ in length "
                                  f"({name!r} has {len(column)}, others {length})")
        length = len(column)
        out[name] = column.double().tolist()
    return out


def load_checkpoint(path) -> dict:
    """Read and check a checkpoint (a file, or a run directory holding checkpoint.pt).

    Returns {"config": RunConfig, "step": int, "engine": dict, "history": {name: [float]},
    "path": Path, "data": the data reference (core.data.reference) or None}. Raises CheckpointError with one line for anything malformed: not a
    torch file, objects that are not tensors, missing parts, a step that is not a whole
    number >= 0, a malformed history, an engine state without the checkpoint's step, a
    config that fails validation, or a model too large for this machine's memory."""
    path = Path(path)
    if path.is_dir():
        path = path / "checkpoint.pt"
    if not path.is_file():
        raise CheckpointError(f"{path}: no checkpoint there")
    state = _read(path)
    step = _whole(state["step"])
    if step is None:
        raise CheckpointError(f"{path}: its step must be a whole number >= 0, got "
                              f"{_show(state['step'])}")
    cfg = _config(path, state["config"])
    from .budget import check_model_size

    try:
        check_model_size(cfg, torch.device("cpu"))
    except ConfigError as e:
        raise CheckpointError(f"{path}: refused before building anything: {one_line(e, 400)}") \
            from None
    engine = state["engine"]
    if not isinstance(engine, dict):
        raise CheckpointError(f"{path}: its engine state is not a table "
                              f"({type(engine).__name__})")
    if "step" not in engine:
        raise CheckpointError(f"{path}: its engine state has no step")
    if _whole(engine["step"]) != step:
        raise CheckpointError(f"{path}: its engine state is at step {_show(engine['step'])}, "
                              f"the checkpoint at step {step}")
    data = state.get("data")  # older checkpoints have none: the model then needs its data
    if data is not None and reference_problem(data):
        raise CheckpointError(f"{path}: {reference_problem(data)}")
    return {"config": cfg, "step": step, "engine": engine,
            "history": _history(path, state["history"]), "path": path, "data": data}


def restore_engine(engine, checkpoint: dict) -> None:
    """engine.load_state_dict(checkpoint["engine"]), with weights that do not fit the
    engine's networks (or parts missing) reported as one CheckpointError line."""
    where = checkpoint.get("path", "checkpoint")
    try:
        engine.load_state_dict(checkpoint["engine"])
    except KeyError as e:
        raise CheckpointError(f"{where}: its engine state has no {_show(e.args[0])} (it was "
                              f"written by another model or version)") from None
    except (RuntimeError, ValueError, TypeError, IndexError, AttributeError) as e:
        lines = [s.strip() for s in str(e).splitlines() if s.strip()]
        detail = lines[1] if len(lines) > 1 and lines[0].startswith("Error(s) in loading") \
            else (lines[0] if lines else type(e).__name__)
        raise CheckpointError(f"{where}: its weights do not fit its config "
                              f"({one_line(detail, 200)})") from None
