import pytest


@pytest.fixture
def ring_window(qtbot, monkeypatch):
    """The window on gan-ring8 (a small, long 2-D run on the CPU); the messages it would show
    in a box are collected in w.shown instead."""
    from PySide6.QtWidgets import QMessageBox

    from studio.ui.main_window import MainWindow
    from studio.ui.panels.controls import set_field_text

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    w = MainWindow("gan-ring8")
    qtbot.addWidget(w)
    w.show()
    set_field_text(w.controls, "gan.hidden", "32")
    set_field_text(w.controls, "train.steps", "100000")
    set_field_text(w.controls, "train.device", "cpu")
    w.shown = shown
    yield w
    w.controller.wait()


@pytest.fixture
def thread_worker(monkeypatch):
    """GAN runs train in the worker's thread, not a process of their own: for the tests that
    reach into the live engine or patch what the run calls."""
    from studio.ui import worker_process

    monkeypatch.setattr(worker_process, "IN_PROCESS", False)
