"""Presentation mode: full screen, large type, the lesson sidebar, keyboard control."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from studio.core.lessons import lesson  # noqa: E402
from studio.presets import PRESETS  # noqa: E402
from studio.ui.main_window import MainWindow  # noqa: E402
from studio.ui.panels.controls import set_field_text  # noqa: E402


@pytest.fixture
def window(qtbot):
    w = MainWindow("gan-ring8")
    qtbot.addWidget(w)
    w.show()
    yield w
    w.presentation.leave()
    w.run.close()


def test_enter_and_leave_restore_the_window(qtbot, window):
    w = window
    size = QApplication.instance().font().pointSizeF()
    w.presentation.toggle()
    assert w.presentation.active and w.isFullScreen()
    assert QApplication.instance().font().pointSizeF() > size * 1.5
    assert w.presentation.dock.isVisible() and not w.menuBar().isVisible()
    assert w.losses.curves["loss_g"].opts["pen"].width() >= 4
    assert "G turns random noise" in w.presentation.panel.body.text()
    w.presentation.toggle()
    assert not w.presentation.active and not w.isFullScreen()
    assert QApplication.instance().font().pointSizeF() == size
    assert w.menuBar().isVisible() and not w.presentation.dock.isVisible()


def test_keys_play_pause_step_reset_and_choose_presets(qtbot, window):
    w = window
    set_field_text(w.controls, "gan.hidden", "16")
    set_field_text(w.controls, "train.steps", "100000")
    set_field_text(w.controls, "train.device", "cpu")
    w.presentation.enter()
    qtbot.keyClick(w, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: w.step >= 20, timeout=30000)
    qtbot.keyClick(w, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: w.run.state == "paused", timeout=10000)
    before = w.step
    qtbot.keyClick(w, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: w.step == before + 1, timeout=10000)
    w.presentation.update_lesson()
    assert w.presentation.panel.title.text()  # the sidebar speaks of the run
    qtbot.keyClick(w, Qt.Key.Key_R)
    assert w.run.state == "idle"
    assert w.controls.cfg == PRESETS["gan-ring8"].config()  # the preset again
    qtbot.keyClick(w, Qt.Key.Key_3)
    assert w.controls.preset.currentText() == list(__import__("studio.presets").presets.PRESETS)[2]


@pytest.mark.parametrize("model,metrics,phase,words", [
    ("gan", {"d_real": 0.9, "d_fake": 0.1}, "", "D is winning"),
    ("gan", {"d_real": 0.52, "d_fake": 0.47, "modes_covered": 7, "modes_total": 8}, "", "7 of 8"),
    ("gan", {"d_real": 0.4, "d_fake": 0.7}, "", "G is ahead"),
    ("vae", {"kl": 3.2}, "", "3.2 nats"),
    ("ae", {}, "", "gaps"),
    ("gmm", {"log_likelihood": -2.5}, "M", "responsibilit"),
    ("gmm", {}, "E", "M-step"),
])
def test_lessons_follow_the_state(model, metrics, phase, words):
    title, body = lesson(model, 100, metrics, phase)
    assert words in title + body
