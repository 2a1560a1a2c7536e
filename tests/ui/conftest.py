import pytest


@pytest.fixture
def thread_worker(monkeypatch):
    """GAN runs train in the worker's thread, not a process of their own: for the tests that
    reach into the live engine or patch what the run calls."""
    from studio.ui import worker_process

    monkeypatch.setattr(worker_process, "IN_PROCESS", False)
