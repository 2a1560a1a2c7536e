"""Live samples: an image grid from a fixed noise batch, or real vs generated 2-D points.

For a conditional model the grid has one row per class, named on the left, and a label
picker asks the model for fresh samples of one class (generate_requested).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox,
                               QStackedWidget, QVBoxLayout, QWidget)


class SamplePanel(QWidget):
    generate_requested = Signal(str, int)  # label (index or class name), how many

    def __init__(self, parent=None):
        super().__init__(parent)
        self.last: dict | None = None
        self._stale = False  # a preview arrived while hidden
        self.generated: dict | None = None
        self._row_texts: list[pg.TextItem] = []
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
        self.real = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(90, 90, 90, 110),
                                       name=self.tr("real"))
        self.fake = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(228, 87, 46, 170),
                                       name=self.tr("generated"))
        self.points_view.addItem(self.real)
        self.points_view.addItem(self.fake)
        self._ranged = False

        self.stack.addWidget(self.image_view)
        self.stack.addWidget(self.points_view)
        self.caption = QLabel(self.tr("Press Start to train; samples appear here."))

        # Conditional models: pick or type a label, generate, see the result below the grid.
        self.label_box = QWidget()
        self.label_pick = QComboBox()
        self.label_pick.setEditable(True)
        self.label_pick.setToolTip(self.tr("The class to draw: pick one, or type its number or "
                                           "name"))
        self.label_n = QSpinBox()
        self.label_n.setRange(1, 64)
        self.label_n.setValue(16)
        self.label_n.setToolTip(self.tr("How many samples to draw"))
        self.generate_btn = QPushButton(self.tr("Generate"))
        self.generate_btn.clicked.connect(self._on_generate)
        self.label_pick.lineEdit().returnPressed.connect(self._on_generate)
        row = QHBoxLayout(self.label_box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(self.tr("Label")))
        row.addWidget(self.label_pick, 1)
        row.addWidget(self.label_n)
        row.addWidget(self.generate_btn)
        self.gen_view = pg.GraphicsLayoutWidget()
        self.gen_view.setBackground("w")
        self.gen_view.setFixedHeight(110)
        gvb = self.gen_view.addViewBox(lockAspect=True, invertY=True)
        gvb.setMouseEnabled(False, False)
        self.gen_image = pg.ImageItem(axisOrder="row-major")
        gvb.addItem(self.gen_image)
        self.gen_box = gvb
        self.gen_caption = QLabel()
        self.label_box.hide()
        self.gen_view.hide()

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stack, 1)
        lay.addWidget(self.caption)
        lay.addWidget(self.label_box)
        lay.addWidget(self.gen_view)
        lay.addWidget(self.gen_caption)

    def show_preview(self, p: dict) -> None:
        self.last = p
        self.updates += 1
        if p.get("kind") != "generated" and not self.isVisible():
            self._stale = True  # behind another tab: drawn when shown (showEvent)
            return
        self._stale = False
        step = p.get("step", 0)
        if p.get("kind") == "images":
            self.stack.setCurrentWidget(self.image_view)
            self.image.setImage(np.clip(p["grid"], 0, 1), levels=(0, 1))
            self._show_row_labels(p)
            self.image_box.autoRange(padding=0.01)
            text = self.tr("Generated from a fixed noise batch · step %1").replace(
                "%1", f"{step:,}")
            if "row_labels" in p:
                text = self.tr("One row per class · %1").replace("%1", text)
            if "diversity" in p:
                text += self.tr(" · diversity %1 (real = 1)").replace(
                    "%1", f"{p['diversity']:.2f}")
            self.caption.setText(text)
        elif p.get("kind") == "points":
            self.stack.setCurrentWidget(self.points_view)
            self.real.setData(pos=p["real"])
            self.fake.setData(pos=p["fake"])
            if not self._ranged:  # frame the real data once; the user may zoom after
                self.points_view.autoRange(items=[self.real])
                self._ranged = True
            text = self.tr("Grey: real data · orange: generated · step %1").replace(
                "%1", f"{step:,}")
            if "modes_covered" in p:
                text += (self.tr(" · modes covered %1/%2 · high quality %3")
                         .replace("%1", str(p["modes_covered"]))
                         .replace("%2", str(p["modes_total"]))
                         .replace("%3", f"{p['high_quality']:.0%}"))
            self.caption.setText(text)

        elif p.get("kind") == "generated":
            self._show_generated(p)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale and self.last is not None:
            self.show_preview(self.last)

    def _show_row_labels(self, p: dict) -> None:
        names = p.get("row_labels") or []
        for t in self._row_texts:
            self.image_box.removeItem(t)
        self._row_texts = []
        if names:
            h = p["grid"].shape[0]
            cell = (h - 2) / len(names)  # make_grid: 2 px padding round each cell
            for i, name in enumerate(names):
                t = pg.TextItem(str(name), color="#222", anchor=(1, 0.5))
                t.setPos(-3, 2 + cell * i + (cell - 2) / 2)
                self.image_box.addItem(t)
                self._row_texts.append(t)
        classes = [str(c) for c in p.get("classes") or []]
        if classes != [self.label_pick.itemText(i) for i in range(self.label_pick.count())]:
            current = self.label_pick.currentText()
            self.label_pick.clear()
            self.label_pick.addItems(classes)
            if current in classes:
                self.label_pick.setCurrentText(current)
        self.label_box.setVisible(bool(classes))

    def _on_generate(self) -> None:
        label = self.label_pick.currentText().strip()
        if label:
            self.generate_requested.emit(label, self.label_n.value())

    def _show_generated(self, p: dict) -> None:
        self.generated = p
        if "error" in p:
            self.gen_caption.setText(self.tr("Cannot generate: %1").replace("%1", str(p["error"])))
            return
        self.gen_image.setImage(np.clip(p["grid"], 0, 1), levels=(0, 1))
        self.gen_box.autoRange(padding=0.01)
        self.gen_view.show()
        self.gen_caption.setText(self.tr("Label %1 · step %2").replace("%1", str(p["label_name"]))
                                 .replace("%2", f"{p.get('step', 0):,}"))

    def reset(self) -> None:
        self._ranged = False
        self.generated = None
        self.gen_view.hide()
        self.gen_caption.clear()

    def image_array(self) -> np.ndarray | None:
        """The picture being shown, as uint8 RGB (for export)."""
        from ...core.rundir import preview_to_image  # torch: not needed to show the window

        return preview_to_image(self.last) if self.last else None
