"""The 2-D field panel, for GANs on points: real and generated points over D's output as a
heatmap, G's gradient as short arrows on the generated points, and the noise grid as G
warps it. Layers toggle; single steps (D, G or both) and a slow-motion mode; and a draw
mode in which mouse drags spray points that the GAN can then be trained on.

The panel never touches an engine: it emits requests (step_requested, points_drawn) and
shows what `show_field` is given (an engine preview dict holding "field", or the field).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QRectF, Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QGraphicsItem, QLabel, QPushButton,
                               QSpinBox, QVBoxLayout, QWidget)

from ..flow import FlowLayout

LAYERS = {"heat": QT_TRANSLATE_NOOP("Field2DPanel", "D heatmap"),
          "real": QT_TRANSLATE_NOOP("Field2DPanel", "Real"),
          "fake": QT_TRANSLATE_NOOP("Field2DPanel", "Generated"),
          "arrows": QT_TRANSLATE_NOOP("Field2DPanel", "G gradient"),
          "grid": QT_TRANSLATE_NOOP("Field2DPanel", "Noise grid"),
          "drawing": QT_TRANSLATE_NOOP("Field2DPanel", "My drawing")}
LAYER_TIPS = {
    "heat": QT_TRANSLATE_NOOP("Field2DPanel", "What D says at each place: green = looks real, "
                              "purple = looks fake."),
    "real": QT_TRANSLATE_NOOP("Field2DPanel", "A fixed sample of the training data."),
    "fake": QT_TRANSLATE_NOOP("Field2DPanel", "G's output for a fixed batch of noise."),
    "arrows": QT_TRANSLATE_NOOP("Field2DPanel", "Where G's loss pushes each generated point (its "
                                "negative gradient), scaled so the longest arrow is short."),
    "grid": QT_TRANSLATE_NOOP("Field2DPanel", "A square grid in noise space (the first two noise "
                              "dimensions) as G maps it: how G folds and stretches its input."),
    "drawing": QT_TRANSLATE_NOOP("Field2DPanel", "The points you drew."),
}
ARROW_FRACTION = 0.08  # the longest arrow, as a share of the view's width
MIN_DRAWN = 20  # fewer points than this make a poor data set


def _heat_cmap() -> pg.ColorMap:
    # Pale colours, so the points and arrows on top stay legible.
    return pg.ColorMap([0.0, 0.5, 1.0], [(206, 190, 236), (250, 250, 250), (186, 228, 186)])


class _DrawViewBox(pg.ViewBox):
    """Pans and zooms as usual; in draw mode, left drags and clicks add points instead."""

    def __init__(self, panel: "Field2DPanel"):
        super().__init__()
        self.panel = panel

    def _draw_at(self, ev) -> bool:
        if not self.panel.draw_mode or ev.button() != Qt.MouseButton.LeftButton:
            return False
        ev.accept()
        p = self.mapSceneToView(ev.scenePos())
        self.panel.spray(p.x(), p.y())
        return True

    def mouseDragEvent(self, ev, axis=None):
        if not self._draw_at(ev):
            super().mouseDragEvent(ev, axis)

    def mouseClickEvent(self, ev):
        if not self._draw_at(ev):
            super().mouseClickEvent(ev)


class Field2DPanel(QWidget):
    step_requested = Signal(str)  # "d", "g" or "both"
    points_drawn = Signal(object)  # (N, 2) float32: train on these
    layers_changed = Signal(object)  # {layer: visible}
    slow_motion_changed = Signal(bool)  # on: the window should pause the free-running loop

    def __init__(self, parent=None, seed: int = 0):
        super().__init__(parent)
        self.draw_mode = False
        self.updates = 0
        self.last: dict | None = None
        self._extent: tuple | None = None
        self._real: np.ndarray | None = None
        self._drawn: list[np.ndarray] = []
        self._rng = np.random.default_rng(seed)

        self.vb = _DrawViewBox(self)
        self.plot = pg.PlotWidget(viewBox=self.vb, background="w")
        self.plot.setAspectLocked(True)
        self.plot.showGrid(x=True, y=True, alpha=0.12)
        for name in ("left", "bottom"):
            # The axes draw the grid across the whole view: cached, a new field does not
            # repaint them (studio/bench/NOTES.md).
            self.plot.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.heat = pg.ImageItem(axisOrder="row-major")
        self.heat.setColorMap(_heat_cmap())
        self.grid = pg.PlotDataItem(pen=pg.mkPen(60, 110, 200, 110, width=1), connect="finite")
        self.real = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(70, 70, 70, 130))
        # The real sample stays put while the rest moves: a cached picture, not 1,000 points
        # drawn again at every new field.
        self.real.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.fake = pg.ScatterPlotItem(size=5, pen=None, brush=pg.mkBrush(228, 87, 46, 200))
        self.arrows = pg.PlotDataItem(pen=pg.mkPen(150, 30, 20, 200, width=1.2), connect="pairs")
        self.drawing = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(40, 90, 220, 170))
        self.items = {"heat": self.heat, "grid": self.grid, "real": self.real,
                      "fake": self.fake, "arrows": self.arrows, "drawing": self.drawing}
        for name in ("heat", "grid", "real", "fake", "arrows", "drawing"):
            self.plot.addItem(self.items[name])
        self.heat.setZValue(-10)

        self.checks: dict[str, QCheckBox] = {}
        layer_row = FlowLayout()
        for name, text in LAYERS.items():
            cb = QCheckBox(self.tr(text))
            cb.setChecked(True)
            cb.setToolTip(self.tr(LAYER_TIPS[name]))
            cb.toggled.connect(lambda on, n=name: self._on_layer_toggled(n, on))
            self.checks[name] = cb
            layer_row.addWidget(cb)

        self.d_btn = QPushButton(self.tr("D step"))
        self.d_btn.setToolTip(self.tr("One discriminator update (pause first to watch it alone)"))
        self.g_btn = QPushButton(self.tr("G step"))
        self.g_btn.setToolTip(self.tr("One generator update"))
        self.both_btn = QPushButton(self.tr("D+G step"))
        self.both_btn.setToolTip(self.tr("One full training step: D updates, then a G update"))
        self.d_btn.clicked.connect(lambda: self.step_requested.emit("d"))
        self.g_btn.clicked.connect(lambda: self.step_requested.emit("g"))
        self.both_btn.clicked.connect(lambda: self.step_requested.emit("both"))
        self.slow = QCheckBox(self.tr("Slow motion"))
        self.slow.setToolTip(self.tr("Pause the run and take full steps at this many per second"))
        self.slow_rate = QSpinBox()
        self.slow_rate.setRange(1, 30)
        self.slow_rate.setValue(4)
        self.slow_rate.setSuffix(self.tr(" steps/s"))
        self.slow_timer = QTimer(self)
        self.slow_timer.timeout.connect(lambda: self.step_requested.emit("both"))
        self.slow.toggled.connect(self._on_slow_toggled)
        self.slow_rate.valueChanged.connect(self._on_slow_rate)
        step_row = FlowLayout.of((self.d_btn, self.g_btn, self.both_btn, self.slow,
                                  self.slow_rate))

        self.draw_check = QCheckBox(self.tr("Draw"))
        self.draw_check.setToolTip(self.tr("Drag in the plot to spray points: your own "
                                           "distribution"))
        self.draw_check.toggled.connect(self._on_draw_toggled)
        self.clear_btn = QPushButton(self.tr("Clear drawing"))
        self.clear_btn.clicked.connect(self.clear_drawing)
        self.train_btn = QPushButton(self.tr("Train on my drawing"))
        self.train_btn.setToolTip(self.tr("Swap the training data for your points (at least %1)")
                                  .replace("%1", str(MIN_DRAWN)))
        self.train_btn.clicked.connect(self._on_train_drawing)
        draw_row = FlowLayout.of((self.draw_check, self.clear_btn, self.train_btn))

        self.caption = QLabel(self.tr("Train a GAN on 2-D points to see its field here."))
        self.caption.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.plot, 1)
        lay.addLayout(layer_row)
        lay.addLayout(step_row)
        lay.addLayout(draw_row)
        lay.addWidget(self.caption)
        self._update_draw_buttons()

    # -- showing ------------------------------------------------------------------------------------
    def show_field(self, p: dict) -> None:
        """Show a field dict, or the "field" inside an engine preview (others are ignored)."""
        f = p.get("field") if "field" in p else (p if "heat" in p else None)
        if f is None:
            return
        self.last = f
        self.updates += 1
        x0, x1, y0, y1 = f["extent"]
        heat = np.asarray(f["heat"], dtype=np.float32)
        if f.get("heat_label", "").startswith("D(x)"):
            levels = (0.0, 1.0)
        else:  # raw scores: centre the colour scale on 0
            m = float(np.abs(heat).max()) or 1.0
            levels = (-m, m)
        self.heat.setImage(heat, levels=levels)
        self.heat.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        if self._real is None or not np.array_equal(self._real, f["real"]):
            self._real = f["real"]  # the fixed real sample: set again only when the data change
            self.real.setData(pos=self._real)
        fake, arrows = np.asarray(f["fake"]), np.asarray(f["arrows"], dtype=np.float64)
        self.fake.setData(pos=fake)
        norms = np.linalg.norm(arrows, axis=1)
        scale = ARROW_FRACTION * (x1 - x0) / max(float(norms.max(initial=0.0)), 1e-12)
        seg = np.empty((2 * len(fake), 2))
        seg[0::2], seg[1::2] = fake, fake + arrows * scale
        self.arrows.setData(seg[:, 0], seg[:, 1])
        parts = []
        for lines in f.get("grid_lines", []):
            for line in lines:
                parts += [line, np.full((1, 2), np.nan)]
        xy = np.concatenate(parts) if parts else np.empty((0, 2))
        self.grid.setData(xy[:, 0], xy[:, 1])
        if self._extent != tuple(f["extent"]):
            self._extent = tuple(f["extent"])
            self.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        text = (self.tr("Step %1 · background: %2").replace("%1", f"{f.get('step', 0):,}")
                .replace("%2", self.tr(f.get("heat_label", "D"))))
        if "modes_covered" in p:
            text += (self.tr(" · modes covered %1/%2 · high quality %3")
                     .replace("%1", str(p["modes_covered"])).replace("%2", str(p["modes_total"]))
                     .replace("%3", f"{p['high_quality']:.0%}"))
        self.caption.setText(text)

    def reset(self) -> None:
        self._extent = None
        self.slow.setChecked(False)

    # -- layers ---------------------------------------------------------------------------------------
    def layers(self) -> dict[str, bool]:
        return {n: cb.isChecked() for n, cb in self.checks.items()}

    def _on_layer_toggled(self, name: str, on: bool) -> None:
        self.items[name].setVisible(on)
        self.layers_changed.emit(self.layers())

    # -- stepping -------------------------------------------------------------------------------------
    def _on_slow_toggled(self, on: bool) -> None:
        if on:
            self._on_slow_rate(self.slow_rate.value())
            self.slow_timer.start()
        else:
            self.slow_timer.stop()
        self.slow_motion_changed.emit(on)

    def _on_slow_rate(self, rate: int) -> None:
        self.slow_timer.setInterval(int(1000 / max(rate, 1)))

    # -- drawing --------------------------------------------------------------------------------------
    def _on_draw_toggled(self, on: bool) -> None:
        self.draw_mode = on
        self.vb.setMouseEnabled(not on, not on)

    def spray(self, x: float, y: float, n: int = 6) -> None:
        """Add n points scattered round (x, y), the brush a small share of the view."""
        (vx0, vx1), _ = self.vb.viewRange()
        brush = 0.012 * (vx1 - vx0)
        self._drawn.append(np.array([x, y]) + self._rng.normal(0, brush, (n, 2)))
        self.drawing.setData(pos=self.drawn_points())
        self._update_draw_buttons()

    def drawn_points(self) -> np.ndarray:
        return (np.concatenate(self._drawn) if self._drawn else np.empty((0, 2))).astype(np.float32)

    def clear_drawing(self) -> None:
        self._drawn = []
        self.drawing.setData(pos=np.empty((0, 2)))
        self._update_draw_buttons()

    def _update_draw_buttons(self) -> None:
        self.train_btn.setEnabled(len(self.drawn_points()) >= MIN_DRAWN)

    def _on_train_drawing(self) -> None:
        pts = self.drawn_points()
        if len(pts) >= MIN_DRAWN:
            self.points_drawn.emit(pts)
