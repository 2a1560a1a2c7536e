"""Rows of images, each with its name at the left: the shared body of the CycleGAN and
text-to-image panels. Pixels are drawn unsmoothed and scaled to fit, keeping their aspect."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget


def to_qimage(rgb: np.ndarray) -> QImage:
    """(H, W, 3) or (H, W) floats in [0, 1] -> a QImage that owns its pixels."""
    a = np.clip(rgb, 0, 1)
    if a.ndim == 2:
        a = np.repeat(a[..., None], 3, axis=2)
    a = np.ascontiguousarray((a * 255).round().astype(np.uint8))
    h, w, _ = a.shape
    return QImage(a.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class PixelImage(QWidget):
    """A picture scaled to the widget with square pixels, centred."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.image: QImage | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(40, 24)

    def set_array(self, rgb: np.ndarray) -> None:
        self.image = to_qimage(rgb)
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#ffffff"))
        if self.image is not None and not self.image.isNull():
            w, h = self.image.width(), self.image.height()
            scale = min(self.width() / w, self.height() / h)
            tw, th = int(w * scale), int(h * scale)
            target = QRect((self.width() - tw) // 2, (self.height() - th) // 2, tw, th)
            p.drawImage(target, self.image)  # no smooth transform: crisp pixels
        p.end()


def split_rows(grid: np.ndarray, n_rows: int) -> list[np.ndarray]:
    """The rows of a torchvision make_grid picture (2 px padding), each with its padding."""
    cell = (grid.shape[0] - 2) // n_rows
    return [grid[i * cell: (i + 1) * cell + 2] for i in range(n_rows)]


class ImageRows(QWidget):
    """set_rows([(name, picture)]): one line per row, name left, picture right."""

    def __init__(self, label_width: int = 150, parent=None):
        super().__init__(parent)
        self.label_width = label_width
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(2)
        self.grid.setColumnStretch(1, 1)
        self.labels: list[QLabel] = []
        self.images: list[PixelImage] = []

    def set_rows(self, rows: list[tuple[str, np.ndarray]]) -> None:
        while len(self.labels) < len(rows):
            i = len(self.labels)
            label = QLabel()
            label.setWordWrap(True)
            label.setFixedWidth(self.label_width)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            image = PixelImage()
            self.grid.addWidget(label, i, 0)
            self.grid.addWidget(image, i, 1)
            self.grid.setRowStretch(i, 1)
            self.labels.append(label)
            self.images.append(image)
        for i, (label, image) in enumerate(zip(self.labels, self.images)):
            shown = i < len(rows)
            label.setVisible(shown)
            image.setVisible(shown)
            self.grid.setRowStretch(i, 1 if shown else 0)
            if shown:
                label.setText(rows[i][0])
                image.set_array(rows[i][1])

    def row_texts(self) -> list[str]:
        return [lab.text() for lab in self.labels if lab.isVisibleTo(self)]
