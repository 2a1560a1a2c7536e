"""What the studio remembers between sessions: window layout, theme, run folders, recent runs.

GENERATIVE_STUDIO_SETTINGS names a folder to keep the settings file and the app's cached
data in (tests point it at a temporary folder so they never touch the user's settings).
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

MAX_RECENT = 10


def settings() -> QSettings:
    folder = os.environ.get("GENERATIVE_STUDIO_SETTINGS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
    return QSettings("Generative Studio", "Generative Studio")


def app_data_dir() -> Path:
    """A folder for caches (gallery thumbnails)."""
    folder = os.environ.get("GENERATIVE_STUDIO_SETTINGS")
    if folder:
        return Path(folder) / "data"
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) if base else Path.home() / ".generative-studio"


def _list(key: str) -> list[str]:
    value = settings().value(key, [])
    if isinstance(value, str):  # QSettings hands back a one-item list as a plain string
        return [value] if value else []
    return [str(v) for v in value or []]


def get(key: str, default=None):
    return settings().value(key, default)


def put(key: str, value) -> None:
    s = settings()
    s.setValue(key, value)
    s.sync()


def flag(key: str) -> bool:
    return str(get(key, "false")).lower() in ("true", "1")


def run_folders() -> list[str]:
    return _list("runs/folders")


def add_run_folder(path: str) -> None:
    folders = run_folders()
    if path not in folders:
        put("runs/folders", folders + [path])


def recent_runs() -> list[str]:
    return _list("runs/recent")


def add_recent_run(path: str) -> None:
    recent = [path] + [p for p in recent_runs() if p != path]
    put("runs/recent", recent[:MAX_RECENT])


def save_window(win) -> None:
    s = settings()
    s.setValue("window/geometry", win.saveGeometry())
    s.setValue("window/state", win.saveState())
    s.sync()


def restore_window(win) -> bool:
    """Geometry and dock layout of the last session; False when there is none."""
    s = settings()
    geometry, state = s.value("window/geometry"), s.value("window/state")
    if geometry is not None:
        win.restoreGeometry(geometry)
    if state is not None:
        win.restoreState(state)
    if geometry is not None:  # saved on a bigger screen, or grown past this one: shrink it
        from .layout import fit_to_screen

        fit_to_screen(win)
    return geometry is not None
