"""Live samples: an image grid from a fixed noise batch, or real vs generated 2-D points."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from ...core.rundir import preview_to_image


class SamplePanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.last: dict | None = None
        self.updates = 0
        self.stack = QStackedWidget()

        self.image_view = pg.GraphicsLayoutWidget()
        self.image_view.setBackground("w")
        vb = self.image_view.addViewBox(lockAspect=True, invertY=True)
        vb.setMouseEnabled(False, False)
        self.image = pg.ImageItem(axisOrder="row-major")
        vb.addItem(self.image)
        self.image_box = vb

        self.points_view = pg.PlotWidget(background="w")
        self.points_view.setAspectLocked(True)
        self.points_view.showGrid(x=True, y=True, alpha=0.15)
        self.points_view.addLegend(offset=(10, 10), brush=pg.mkBrush(255, 255, 255, 200),
                                   labelTextColor="#222")
        self.real = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(90, 90, 90, 110), name="real")
        self.fake = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(228, 87, 46, 170),
                                       name="generated")
        self.points_view.addItem(self.real)
        self.points_view.addItem(self.fake)
        self._ranged = False

        self.stack.addWidget(self.image_view)
        self.stack.addWidget(self.points_view)
        self.caption = QLabel("Press Start to train; samples appear here.")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stack, 1)
        lay.addWidget(self.caption)

    def show_preview(self, p: dict) -> None:
        self.last = p
        self.updates += 1
        step = p.get("step", 0)
        if p.get("kind") == "images":
            self.stack.setCurrentWidget(self.image_view)
            self.image.setImage(np.clip(p["grid"], 0, 1), levels=(0, 1))
            self.image_box.autoRange(padding=0.01)
            self.caption.setText(f"Generated from a fixed noise batch · step {step:,}")
        elif p.get("kind") == "points":
            self.stack.setCurrentWidget(self.points_view)
            self.real.setData(pos=p["real"])
            self.fake.setData(pos=p["fake"])
            if not self._ranged:  # frame the real data once; the user may zoom after
                self.points_view.autoRange(items=[self.real])
                self._ranged = True
            text = f"Grey: real data · orange: generated · step {step:,}"
            if "modes_covered" in p:
                text += (f" · modes covered {p['modes_covered']}/{p['modes_total']}"
                         f" · high quality {p['high_quality']:.0%}")
            self.caption.setText(text)

    def reset(self) -> None:
        self._ranged = False

    def image_array(self) -> np.ndarray | None:
        """The picture being shown, as uint8 RGB (for export)."""
        return preview_to_image(self.last) if self.last else None
