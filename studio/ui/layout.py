"""Keeping the window on its screen and the view in the middle of it.

The window never grows past the screen it is on (a geometry saved on a bigger screen is
shrunk to this one), and when the view changes the docks are given their shares of the width
again, so the picture in the middle keeps most of it.
"""
from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

FORM_SHARE, SIDE_SHARE = 0.22, 0.24


def fit_to_screen(win: QMainWindow) -> None:
    """Shrink and move the window (its frame included) into its screen's free area."""
    if win.isFullScreen() or win.isMaximized() or win.screen() is None:
        return
    avail = win.screen().availableGeometry()
    frame, inner = win.frameGeometry(), win.geometry()
    extra_w, extra_h = frame.width() - inner.width(), frame.height() - inner.height()
    width = max(win.minimumWidth(), min(inner.width(), avail.width() - extra_w))
    height = max(win.minimumHeight(), min(inner.height(), avail.height() - extra_h))
    x = min(max(frame.x(), avail.x()), avail.x() + avail.width() - width - extra_w)
    y = min(max(frame.y(), avail.y()), avail.y() + avail.height() - height - extra_h)
    if (width, height) != (inner.width(), inner.height()):
        win.resize(width, height)
    if (x, y) != (frame.x(), frame.y()):
        win.move(max(x, avail.x()), max(y, avail.y()))


def clamp_rect(rect: QRect, avail: QRect) -> QRect:
    """`rect` moved and shrunk into `avail`."""
    w, h = min(rect.width(), avail.width()), min(rect.height(), avail.height())
    x = min(max(rect.x(), avail.x()), avail.x() + avail.width() - w)
    y = min(max(rect.y(), avail.y()), avail.y() + avail.height() - h)
    return QRect(x, y, w, h)


def _docked(dock: QDockWidget) -> bool:
    return dock.isVisible() and not dock.isFloating()


def balance_docks(win: QMainWindow, left: QDockWidget, left_min: int,
                  right: list[QDockWidget], left_share: float = FORM_SHARE,
                  right_share: float = SIDE_SHARE) -> None:
    """Size the left dock to its share of the window (never under what it needs) and the
    right one (the first of `right` shown) to its share; the view gets the rest."""
    width = win.width()
    docks, sizes = [], []
    if _docked(left):
        docks.append(left)
        sizes.append(max(left_min, int(left_share * width)))
    shown = [d for d in right if _docked(d)]
    if shown:
        docks.append(shown[0])
        sizes.append(max(shown[0].minimumSizeHint().width(), int(right_share * width)))
    if docks:
        win.resizeDocks(docks, sizes, Qt.Orientation.Horizontal)
