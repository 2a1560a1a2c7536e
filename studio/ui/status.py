"""The window's status bar: messages in a label of their own, left of the permanent device
and state labels, shortened with "…" when long (the tooltip holds all of it), so that a
message never runs into them."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QStatusBar

from .elided import ElidedLabel


class StatusBar(QStatusBar):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.message = ElidedLabel(mode=Qt.TextElideMode.ElideMiddle)  # keeps a path's end
        self.message.setObjectName("statusMessage")
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.clearMessage)
        self.addPermanentWidget(self.message, 1)

    def showMessage(self, text: str, timeout: int = 0) -> None:
        self.message.setText(text)
        if timeout > 0:
            self._timer.start(timeout)
        else:
            self._timer.stop()

    def clearMessage(self) -> None:
        self._timer.stop()
        self.message.setText("")

    def currentMessage(self) -> str:
        return self.message.text()


def install(win) -> StatusBar:
    """The window's status bar, with its device and state labels at the right."""
    bar = StatusBar(win)
    win.setStatusBar(bar)
    for label in (win.device_label, win.state_label):
        line = QFrame()
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        bar.addPermanentWidget(line)
        bar.addPermanentWidget(label)
    return bar
