"""Runs side by side: one metric's curves overlaid (a colour and a name per run, a smoothing
slider), and one step slider that shows every run's saved sample picture at that step.

Each run's metrics.csv is read once when the view opens; the pictures are read from disk
as the slider moves (a run keeps at most a few hundred, dense early and sparser later).
"""
from __future__ import annotations

import bisect
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QComboBox, QFileDialog, QGridLayout, QHBoxLayout, QLabel,
                               QPushButton, QSlider, QSplitter, QVBoxLayout, QWidget)

from ...core.follow import RunFollower, sample_paths, step_of

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#e1a100", "#17becf", "#8c564b",
           "#e377c2"]
PICTURE = 180  # the side, in pixels, each run's picture is shown at


def smooth(y: np.ndarray, weight: float) -> np.ndarray:
    """Exponential moving average (TensorBoard's smoothing), debiased at the start."""
    if weight <= 0 or len(y) == 0:
        return y
    out = np.empty(len(y))
    acc, norm = 0.0, 0.0
    for i, v in enumerate(y):
        if np.isfinite(v):
            acc = acc * weight + (1 - weight) * v
            norm = norm * weight + (1 - weight)
        out[i] = acc / norm if norm else np.nan
    return out


class _Run:
    def __init__(self, path: Path):
        self.path, self.name = path, path.name
        follower = RunFollower(path)
        self.rows = follower.poll().rows  # every row written so far
        self.pictures = sample_paths(path)
        self.steps = [step_of(p) for p in self.pictures]

    def picture_at(self, step: int) -> Path | None:
        """The newest picture saved at or before `step` (the first one before any)."""
        if not self.pictures:
            return None
        i = bisect.bisect_right(self.steps, step) - 1
        return self.pictures[max(i, 0)]


class CompareView(QWidget):
    def __init__(self, paths, parent=None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(self.tr("Compare runs"))
        self.runs = [_Run(Path(p)) for p in paths]
        self.shown: dict[str, Path | None] = {}  # run name -> the picture on screen

        self.metric_box = QComboBox()
        self.metric_box.addItems(self.metrics())
        self.metric_box.setToolTip(self.tr("The metric whose curves are overlaid"))
        self.smoothing = QSlider(Qt.Orientation.Horizontal)
        self.smoothing.setRange(0, 99)
        self.smoothing.setValue(60)
        self.smoothing.setToolTip(self.tr("Smoothing of the curves (a moving average)"))
        self.smooth_label = QLabel()
        self.export_btn = QPushButton(self.tr("Export PNG…"))
        self.export_btn.setToolTip(self.tr("Save this comparison, curves and pictures, as PNG"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Metric")))
        top.addWidget(self.metric_box)
        top.addWidget(QLabel(self.tr("Smoothing")))
        top.addWidget(self.smoothing, 1)
        top.addWidget(self.smooth_label)
        top.addWidget(self.export_btn)

        self.plot = pg.PlotWidget()
        self.plot.setBackground("w")
        self.plot.showGrid(x=True, y=True, alpha=0.3)
        self.plot.setLabel("bottom", self.tr("step"))
        self.legend = self.plot.addLegend(offset=(-10, 10))
        self.marker = pg.InfiniteLine(angle=90, pen=pg.mkPen("#888", width=1,
                                                             style=Qt.PenStyle.DashLine))
        self.plot.addItem(self.marker)  # the step the pictures below show
        self.curves = []
        for i, run in enumerate(self.runs):
            pen = pg.mkPen(COLOURS[i % len(COLOURS)], width=2)
            self.curves.append(self.plot.plot([], [], pen=pen, name=run.name))

        all_steps = sorted({s for run in self.runs for s in run.steps})
        self.all_steps = all_steps or [0]
        self.step_slider = QSlider(Qt.Orientation.Horizontal)
        self.step_slider.setRange(0, len(self.all_steps) - 1)
        self.step_slider.setValue(len(self.all_steps) - 1)
        self.step_slider.setToolTip(self.tr("Step through the saved sample pictures of every run "
                                     "at once"))
        self.step_label = QLabel()
        steps_row = QHBoxLayout()
        steps_row.addWidget(QLabel(self.tr("Step")))
        steps_row.addWidget(self.step_slider, 1)
        steps_row.addWidget(self.step_label)
        grid = QGridLayout()
        self.pictures: list[QLabel] = []
        self.captions: list[QLabel] = []
        for i, run in enumerate(self.runs):
            pic, cap = QLabel(), QLabel()
            pic.setFixedSize(PICTURE, PICTURE)
            pic.setAlignment(Qt.AlignmentFlag.AlignCenter)
            cap.setAlignment(Qt.AlignmentFlag.AlignCenter)
            cap.setStyleSheet(f"color: {COLOURS[i % len(COLOURS)]}; font-weight: bold;")
            grid.addWidget(pic, 0, i)
            grid.addWidget(cap, 1, i)
            self.pictures.append(pic)
            self.captions.append(cap)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.addLayout(steps_row)
        bl.addLayout(grid)
        bl.addStretch(1)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.plot)
        split.addWidget(bottom)
        split.setChildrenCollapsible(False)
        self.plot.setMinimumHeight(200)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(split, 1)

        self.metric_box.currentTextChanged.connect(self._on_curves)
        self.smoothing.valueChanged.connect(self._on_curves)
        self.step_slider.valueChanged.connect(self._on_step)
        self.export_btn.clicked.connect(self._on_export)
        self._on_curves()
        self._on_step()
        self.resize(min(1300, 260 + PICTURE * max(3, len(self.runs))), 680)  # fits 1366x768

    def metrics(self) -> list[str]:
        """Columns every run has (then those some have), losses first."""
        cols = [[c for c in run.rows if c != "step"] for run in self.runs]
        common = [c for c in cols[0] if all(c in other for other in cols[1:])] if cols else []
        rest = [c for cs in cols for c in cs if c not in common]
        return list(dict.fromkeys(common + rest))

    def _on_curves(self, *_args) -> None:
        weight = self.smoothing.value() / 100
        self.smooth_label.setText(f"{weight:.2f}")
        key = self.metric_box.currentText()
        for run, curve in zip(self.runs, self.curves):
            y = run.rows.get(key)
            if y is None or not len(y):
                curve.setData([], [])
                continue
            curve.setData(np.asarray(run.rows["step"], float), smooth(np.asarray(y, float),
                                                                      weight))
        self.plot.setLabel("left", key)

    def _on_step(self, *_args) -> None:
        step = self.all_steps[self.step_slider.value()]
        self.step_label.setText(str(step))
        self.marker.setValue(step)
        for run, pic, cap in zip(self.runs, self.pictures, self.captions):
            path = run.picture_at(step)
            self.shown[run.name] = path
            if path is None:
                pic.setText(self.tr("no pictures"))
                cap.setText(run.name)
                continue
            pix = QPixmap(str(path))
            pic.setPixmap(pix.scaled(PICTURE, PICTURE, Qt.AspectRatioMode.KeepAspectRatio,
                                     Qt.TransformationMode.FastTransformation))
            cap.setText(f"{run.name}\n" + self.tr("step %1").replace("%1", str(step_of(path))))

    def set_step(self, step: int) -> None:
        """Move the slider to the saved step nearest `step` (at or before it)."""
        i = max(bisect.bisect_right(self.all_steps, step) - 1, 0)
        self.step_slider.setValue(i)

    def export_png(self, path) -> None:
        if not self.grab().save(str(path)):
            raise OSError(f"{path}: could not be written")

    def _on_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export comparison"),
                                              "comparison.png", "PNG (*.png)")
        if path:
            try:
                self.export_png(path)
            except OSError as e:
                self.step_label.setText(str(e))
