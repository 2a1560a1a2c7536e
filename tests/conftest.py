import os

# Before any Qt import: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
import torch  # noqa: E402

# Training processes fork from a server that imports these modules once: tests/fault_plugin
# lets a test ask a run for a fault (an out-of-memory error) through the run's environment.
from studio.core import transport  # noqa: E402

transport.PRELOAD.append("tests.fault_plugin")

# One intra-op thread: the GUI thread and the worker share the cores, and OpenMP threads that
# spin while another process holds a core make small models many times slower.
torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _runs_in_tmp(tmp_path, monkeypatch):
    """The window writes its runs under tmp, never into the user's home."""
    monkeypatch.setenv("GENERATIVE_STUDIO_RUNS", str(tmp_path / "runs"))
    monkeypatch.setenv("GENERATIVE_STUDIO_CACHE", str(tmp_path / "cache"))  # decoded folders
    # Window layout, theme, recent runs and thumbnails too: never the user's own settings.
    monkeypatch.setenv("GENERATIVE_STUDIO_SETTINGS", str(tmp_path / "settings"))
