"""Live loss curves: G and D loss on top, D(x) and D(G(z)) below.

Curves are made once; new points go into preallocated arrays that double when full, and
pyqtgraph downsamples and clips to the view, so a 100,000-step run paints as fast as a short one.
Redraws are coalesced to a few a second: a repaint of the plots costs ~20 ms of the GUI
thread, which shares two cores with the training worker.
"""
from __future__ import annotations

import csv
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QGraphicsItem, QVBoxLayout, QWidget

REDRAW_INTERVAL = 0.5  # seconds: the most often the curves are redrawn while points stream in
X_HEADROOM = 1.25  # the step axis grows by this factor, so its ticks are redrawn only now and then

def _tr(text: str) -> str:
    """Plot titles, axis names and legends (context "plots")."""
    return QCoreApplication.translate("plots", text)


class SeriesBuffer:
    """Growing float arrays without reallocating every append."""

    def __init__(self, capacity: int = 4096):
        self.n = 0
        self.data: dict[str, np.ndarray] = {}
        self.capacity = capacity

    def extend(self, chunk: dict[str, np.ndarray]) -> None:
        m = len(chunk["step"])
        if self.n + m > self.capacity:
            self.capacity = max(self.capacity * 2, self.n + m)
            for k, arr in self.data.items():
                grown = np.full(self.capacity, np.nan)
                grown[: self.n] = arr[: self.n]
                self.data[k] = grown
        for k, v in chunk.items():
            if k not in self.data:
                self.data[k] = np.full(self.capacity, np.nan)
            self.data[k][self.n: self.n + m] = v
        self.n += m

    def get(self, key: str) -> np.ndarray:
        return self.data[key][: self.n] if key in self.data else np.empty(0)

    def clear(self) -> None:
        self.n = 0
        self.data = {}


class LossPanel(QWidget):
    """Two stacked plots; `configure(curves, titles)` picks what they show for a model family.

    curves: [(plot row, metric name, legend label, colour)]; metrics not listed are kept
    (and exported) but not drawn.
    """

    def __init__(self, curves, titles, parent=None):
        super().__init__(parent)
        self.buffer = SeriesBuffer()
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground("w")
        self.plots = []
        self.curves: dict = {}
        self._last_redraw = 0.0
        self._x_max = 0.0  # right end of the step axis while it follows the run
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.timeout.connect(self._redraw)
        self.configure(curves, titles)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.view)

    def configure(self, curves, titles) -> None:
        """One plot per title; made again only when the number of plots changes."""
        if len(self.plots) != len(titles):
            self.view.clear()
            self.plots = []
            for row in range(len(titles)):
                p = self.view.addPlot(row=row, col=0)
                p.setLabel("bottom", _tr("step"))
                p.showGrid(x=True, y=True, alpha=0.2)
                p.setDownsampling(auto=True, mode="peak")
                p.setClipToView(True)
                for name in ("left", "bottom"):
                    # Replaying an axis's text is most of a repaint; a cached pixmap is a blit.
                    p.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
                p.addLegend(offset=(-10, 10), brush=pg.mkBrush(255, 255, 255, 200),
                            labelTextColor="#222")
                p.getViewBox().sigRangeChangedManually.connect(self._on_user_range)
                self.plots.append(p)
        for p in self.plots:
            p.legend.clear()
            for item in list(p.listDataItems()):
                p.removeItem(item)
            p.enableAutoRange(axis="y", enable=True)
            p.enableAutoRange(axis="x", enable=False)
        self._x_max = 0.0
        for p, (title, ylabel) in zip(self.plots, titles):
            p.setTitle(_tr(title))
            p.setLabel("left", _tr(ylabel))
        if any(key == "d_real" for _, key, _, _ in curves):
            self.plots[1].setYRange(0, 1)  # D outputs are probabilities
        # One-pixel pens: Qt strokes wider lines far slower, time the GUI thread holds the
        # GIL while a run trains (studio/bench/NOTES.md).
        self.curves = {key: self.plots[row].plot([], [], name=_tr(label),
                                                 pen=pg.mkPen(colour, width=1))
                       for row, key, label, colour in curves}
        self.buffer.clear()

    def reset(self, history: dict[str, list[float]] | None = None) -> None:
        """Clear, or reload the curves of a resumed run (history: name -> values from step 1)."""
        self.buffer.clear()
        self._x_max = 0.0
        for p in self.plots:
            p.enableAutoRange(axis="x", enable=False)
        if history:
            n = max(len(v) for v in history.values())
            chunk = {"step": np.arange(1, n + 1)}
            chunk.update({k: np.asarray(v, dtype=float) for k, v in history.items() if len(v) == n})
            self.buffer.extend(chunk)
        self._redraw()

    def append(self, chunk: dict[str, np.ndarray]) -> None:
        self.buffer.extend(chunk)
        wait = REDRAW_INTERVAL - (time.perf_counter() - self._last_redraw)
        if wait <= 0:
            self._redraw()
        elif not self._redraw_timer.isActive():
            self._redraw_timer.start(int(wait * 1000) + 1)

    def _redraw(self) -> None:
        self._redraw_timer.stop()
        self._last_redraw = time.perf_counter()
        steps = self.buffer.get("step")
        self._follow_steps(steps)
        for key, curve in self.curves.items():
            y = self.buffer.get(key)
            if len(y) == len(steps):
                curve.setData(steps, y)
            else:
                curve.setData([], [])

    def _follow_steps(self, steps: np.ndarray) -> None:
        # Until the user pans, zooms or picks auto-range, the step axis grows in jumps.
        if self._x_max < 0 or any(p.getViewBox().autoRangeEnabled()[0] for p in self.plots):
            return
        last = float(steps[-1]) if len(steps) else 0.0
        if last > self._x_max or not len(steps):
            self._x_max = max(50.0, last * X_HEADROOM)
            for p in self.plots:
                p.setXRange(0, self._x_max, padding=0)

    def _on_user_range(self, *_) -> None:
        self._x_max = -1.0  # the user's range stands until the next run

    def point_count(self) -> int:
        """Points held; a pending redraw happens now, so the curves show all of them."""
        if self._redraw_timer.isActive():
            self._redraw()
        return self.buffer.n

    def export_csv(self, path: str) -> None:
        keys = ["step"] + [k for k in self.buffer.data if k != "step"]
        cols = [self.buffer.get(k) for k in keys]
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(keys)
            for row in zip(*cols):
                w.writerow([int(row[0])] + [f"{v:.6g}" for v in row[1:]])
