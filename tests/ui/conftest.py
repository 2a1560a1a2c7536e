import json
import os

import pytest

# Two virtual screens for the offscreen platform: a laptop's (the primary, where windows open)
# and a desktop monitor's to its right, so that a test can ask whether the window fits them.
# Qt adds them in the order of their names, and the first added is the primary.
SCREENS = {"1366x768": (0, 1366, 768), "1920x1080": (1366, 1920, 1080)}


@pytest.fixture(scope="session")
def qapp_args(pytestconfig, tmp_path_factory):
    args = [pytestconfig.getini("qt_qapp_name")]
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        screens = [{"name": name, "x": x, "y": 0, "width": w, "height": h, "logicalDpi": 96,
                    "logicalBaseDpi": 96, "dpr": 1}
                   for name, (x, w, h) in SCREENS.items()]
        config = tmp_path_factory.mktemp("screens") / "screens.json"
        config.write_text(json.dumps({"screens": screens}))
        args += ["-platform", f"offscreen:configfile={config}"]
    return args


def screen(name: str):
    """The virtual screen called `name` (see SCREENS)."""
    from PySide6.QtWidgets import QApplication

    found = [s for s in QApplication.instance().screens() if s.name() == name]
    if not found:
        pytest.skip(f"no screen {name!r}: run with QT_QPA_PLATFORM=offscreen")
    return found[0]


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
    w.run.close()


@pytest.fixture
def held(qtbot):
    """Widgets a test makes, kept alive (registered with qtbot) until its teardown deletes
    them. pytest-qt holds only weak references: once the test function returns, the
    window's collector (ui/gc_guard) may clear a pyqtgraph widget's Python half while its C++
    half still lives, and its overrides then fail inside Qt."""
    import shiboken6

    widgets = []

    def hold(w):
        qtbot.addWidget(w)
        widgets.append(w)
        return w
    yield hold
    for w in widgets:
        if shiboken6.isValid(w):
            shiboken6.delete(w)
    widgets.clear()
