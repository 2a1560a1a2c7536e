"""Presentation mode for a lecture: full screen, large type, thick lines, a lesson sidebar,
and keyboard control (Space play/pause, Right one step, R reset, 1-9 presets).

It only rearranges the window it is given and restores it on exit; training goes on
through the same run handle.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QVBoxLayout, QWidget

from ..presets import PRESETS
from . import layout
from .i18n import lesson

SCALE = 1.7  # type size on a projector, relative to the desktop's
LINE_WIDTH = 5


class LessonPanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.keys = QLabel(self.tr("Space play/pause · → one step · R reset · 1-9 presets · "
                                   "F11 leave"))
        self.keys.setWordWrap(True)
        self.keys.setStyleSheet("color: #555;")
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.body, 1)
        lay.addWidget(self.keys)

    def show_lesson(self, title: str, body: str) -> None:
        self.title.setText(f"<b>{title}</b>")
        self.body.setText(body)


class Presentation(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.win = window
        self.active = False
        self.panel = LessonPanel()
        self.dock = QDockWidget(self.tr("Lesson"), window)
        self.dock.setObjectName("Lesson")
        self.dock.setWidget(self.panel)
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        # Left: where the hyperparameter form was; it is hidden in presentation mode.
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        self.dock.hide()
        self.timer = QTimer(self, interval=500)  # the sidebar reads twice a second, no faster
        self.timer.timeout.connect(self.update_lesson)
        keys = {"Space": self.play_pause, "Right": self.one_step, "R": self.reset}
        keys.update({str(i + 1): (lambda n=name: self.win.load_preset(n))
                     for i, name in enumerate(list(PRESETS)[:9])})
        self.shortcuts = []
        for key, slot in keys.items():
            sc = QShortcut(QKeySequence(key), window)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(slot)
            sc.setEnabled(False)
            self.shortcuts.append(sc)
        self._saved: dict = {}

    # -- entering and leaving -------------------------------------------------------------------
    def toggle(self) -> None:
        (self.leave if self.active else self.enter)()

    def enter(self) -> None:
        if self.active:
            return
        self.active = True
        app = QApplication.instance()
        w = self.win
        self._saved = {"font": QFont(app.font()), "geometry": QRect(w.geometry()),
                       "maximized": w.isMaximized(), "state": w.saveState(),
                       "docks": [d for d in w.findChildren(QDockWidget) if d.isVisible()]}
        font = QFont(app.font())
        font.setPointSizeF(font.pointSizeF() * SCALE)
        app.setFont(font)
        for label, factor in ((self.panel.title, 1.5), (self.panel.body, 1.2),
                              (self.panel.keys, 0.9)):  # its style sheet keeps the old size
            f = QFont(font)
            f.setPointSizeF(font.pointSizeF() * factor)
            label.setFont(f)
        for d in self._saved["docks"]:
            if d is not w.loss_dock:
                d.hide()  # the lesson needs the picture, the curves and the words
        w.loss_dock.setVisible(bool(w.view.curves))
        w.menuBar().hide()
        self.dock.show()
        self._thicken(LINE_WIDTH)
        for sc in self.shortcuts:
            sc.setEnabled(True)
        self.timer.start()
        self.update_lesson()
        screen = w.screen().geometry()
        w.setGeometry(screen)  # without a window manager, full screen alone does not resize
        w.showFullScreen()
        # The lesson and the curves beside the picture, which keeps over half the width.
        layout.balance_docks(w, self.dock, self.panel.minimumSizeHint().width(), [w.loss_dock],
                             left_share=0.22, right_share=0.24)

    def leave(self) -> None:
        if not self.active:
            return
        self.active = False
        w = self.win
        self.timer.stop()
        for sc in self.shortcuts:
            sc.setEnabled(False)
        QApplication.instance().setFont(self._saved["font"])
        for _ in range(3):  # the minimum sizes shrink back now, before the window is sized
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self._thicken(2)
        self.dock.hide()
        w.menuBar().show()
        w.showNormal()
        self._restore_frame()
        # Again once the window system has handled the end of full screen (it restores the
        # size full screen began with) and the type is back to its size.
        QTimer.singleShot(0, self, self._restore_frame)

    def _restore_frame(self) -> None:
        if self.active:
            return
        w = self.win
        if self._saved["maximized"]:
            w.showMaximized()
        else:
            w.setGeometry(self._saved["geometry"])
        w.restoreState(self._saved["state"])
        for d in self._saved["docks"]:
            d.show()
        layout.fit_to_screen(w)

    def _thicken(self, width: int) -> None:
        for curve in self.win.losses.curves.values():
            pen = curve.opts["pen"]
            pen.setWidth(width)
            curve.setPen(pen)

    # -- keys ---------------------------------------------------------------------------------------
    def play_pause(self) -> None:
        w = self.win
        if w.run.state == "idle":
            w._on_start_shortcut()
        else:
            w.run.toggle_pause()

    def one_step(self) -> None:
        self.win.run.one_step()

    def reset(self) -> None:
        w = self.win
        w.run.close()
        w.load_preset(w.controls.preset.currentText())

    # -- the sidebar ------------------------------------------------------------------------------
    def current_lesson(self) -> tuple[str, str]:
        """(title, body) in the interface's language."""
        w = self.win
        step, metrics, phase = w.view.lesson_inputs(w)
        return lesson(w.view.cfg.model, step, metrics, phase)

    def update_lesson(self) -> None:
        title, body = self.current_lesson()
        self.panel.show_lesson(title, body)
