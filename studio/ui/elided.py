"""A one-line label that ends in "…" when it has less room than its text: its minimum width
is a few letters, so long texts (a form's labels, a status message with a path) never force
their panel or the window wider. The tooltip holds the whole text."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel


class ElidedLabel(QLabel):
    def __init__(self, text: str = "", parent=None, max_ems: int | None = None,
                 min_ems: int = 5, mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight):
        super().__init__(text, parent)
        self.max_ems, self.min_ems, self.mode = max_ems, min_ems, mode
        self.setToolTip(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def _ems(self, n: int) -> int:
        return self.fontMetrics().horizontalAdvance("m") * n

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        width = hint.width() if self.max_ems is None else min(hint.width(),
                                                              self._ems(self.max_ems))
        return QSize(width, hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self._ems(self.min_ems)), hint.height())

    def shown_text(self) -> str:
        """The text as painted (shortened to the label's width)."""
        return self.fontMetrics().elidedText(self.text().replace("\n", " "),
                                             self.mode, self.contentsRect().width())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        align = self.alignment() | Qt.AlignmentFlag.AlignVCenter
        self.style().drawItemText(painter, self.contentsRect(), int(align), self.palette(),
                                  self.isEnabled(), self.shown_text(), self.foregroundRole())
        painter.end()
