import os

# Before any Qt import: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))


@pytest.fixture(autouse=True)
def _runs_in_tmp(tmp_path, monkeypatch):
    """The window writes its runs under tmp, never into the user's home."""
    monkeypatch.setenv("GENERATIVE_STUDIO_RUNS", str(tmp_path / "runs"))
