"""The latent-space explorer for one AE or VAE.

`model` is anything with latent_dim, variational, conditional, num_classes and the two
calls of studio.core.engines.vae.LatentModel: encode_dataset() (run by refresh(): once per
refresh, never per mouse move) and decode(codes, labels) (fast; called on each move).
Left button click or drag decodes the point under the mouse; Shift+click picks the data
points at the two ends of an interpolation; hovering a point of a VAE draws its posterior.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel,
                               QPushButton, QScrollArea, QSlider, QSpinBox, QVBoxLayout, QWidget)

from ...core import latent
from ..flow import FlowLayout
from .vae_panels import ImagePane, _titled

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf"]
SLIDER_RANGE = 4.0  # sliders span [-4, 4]: the prior's mass and a little beyond
GRID_N = 10  # the most decodes per side of the grid
MIN_TILE = 24  # px: fewer, larger decodes when the grid is small
ACCENT = "#ff2bd6"  # marker, ellipse and ends: readable on dark and light plot backgrounds
INTERP_N = 8


def busiest_dims(mu: np.ndarray, logvar: np.ndarray | None) -> tuple[int, int]:
    """The two latent dimensions the model uses most: the largest mean KL to the prior over
    the data (a VAE), or the largest spread of the codes (an AE)."""
    mu = np.asarray(mu, np.float64)
    if logvar is None:
        use = mu.var(axis=0)
    else:
        lv = np.asarray(logvar, np.float64)
        use = 0.5 * (mu ** 2 + np.exp(lv) - lv - 1).mean(axis=0)
    i, j = np.argsort(-use, kind="stable")[:2]
    return int(i), int(j)


class _PickViewBox(pg.ViewBox):
    """Left button picks (click and drag); the right and middle buttons pan and zoom as usual."""

    picked = Signal(float, float, bool)  # view x, view y, shift held

    def mouseClickEvent(self, ev):
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            p = self.mapSceneToView(ev.scenePos())
            shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.picked.emit(p.x(), p.y(), shift)
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None):
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            p = self.mapSceneToView(ev.scenePos())
            self.picked.emit(p.x(), p.y(), False)
        else:
            super().mouseDragEvent(ev, axis)


class LatentExplorer(QWidget):
    decoded = Signal()  # the current decode was redrawn
    refreshed = Signal()  # the data set was re-encoded and the scatter redrawn

    def __init__(self, model, parent=None, title: str = "", compact: bool = False):
        super().__init__(parent)
        self.compact = compact  # a second explorer beside it: the interpolation in the side
        self.grid_n = GRID_N
        self._axes_chosen = False  # set once the user picks the axes: no more picking for them
        self.model = model
        self.dim = int(model.latent_dim)
        self.code = np.zeros(self.dim)
        self.data: dict | None = None
        self.proj = latent.axis_projection(self.dim, 0, 1)
        self.xy = np.zeros((0, 2))
        self.ends: list[int] = []  # data indices of the interpolation's ends
        self.hovered = -1  # data index whose posterior ellipse is drawn
        self._build(title)
        self._grid_timer = QTimer(self, singleShot=True, interval=80)
        self._grid_timer.timeout.connect(self._update_grid)
        self._decode_current()

    # -- layout --------------------------------------------------------------------------
    def _build(self, title: str) -> None:
        self.plot = pg.PlotWidget(viewBox=_PickViewBox())
        self.vb: _PickViewBox = self.plot.getViewBox()
        self.plot.setTitle(title or None)
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.setMinimumSize(140, 140)
        self.scatter = pg.ScatterPlotItem(size=5, pen=None)
        self.ellipse = pg.PlotCurveItem(pen=pg.mkPen(ACCENT, width=2))
        self.line = pg.PlotCurveItem(pen=pg.mkPen(ACCENT, width=2, style=Qt.PenStyle.DashLine))
        self.ends_marker = pg.ScatterPlotItem(size=14, symbol="s", brush=None,
                                              pen=pg.mkPen(ACCENT, width=2))
        self.marker = pg.ScatterPlotItem(size=22, symbol="+", pen=pg.mkPen("w", width=1),
                                         brush=ACCENT)
        for item in (self.scatter, self.line, self.ellipse, self.ends_marker, self.marker):
            self.plot.addItem(item)
        # The scatter takes left clicks that land on a point; treat them as clicks on the view.
        self.scatter.sigClicked.connect(self._on_points_clicked)
        # The classes' colours in a line under the plot, not over the area one clicks in.
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.hide()
        self._legend_done = False
        self.vb.picked.connect(self._on_picked)
        self.vb.sigRangeChanged.connect(self._on_range_changed)
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)

        self.projection = QComboBox()
        self.projection.addItems([self.tr("dimensions"), "PCA"])
        self.dim_x, self.dim_y = QSpinBox(), QSpinBox()
        for box, v in ((self.dim_x, 0), (self.dim_y, 1)):
            box.setRange(0, self.dim - 1)
            box.setValue(v)
            box.valueChanged.connect(self._on_projection_changed)
            box.valueChanged.connect(self._on_axes_chosen)
        self.projection.currentIndexChanged.connect(self._on_projection_changed)
        self.label_box = QComboBox()
        self.label_box.addItems([str(k) for k in range(max(1, self.model.num_classes))])
        self.label_box.setVisible(bool(self.model.conditional))
        self.label_box.currentIndexChanged.connect(self._on_label_changed)
        self.grid_check = QCheckBox(self.tr("decode grid"))
        self.grid_check.setChecked(True)
        self.grid_check.toggled.connect(self._on_range_changed)
        reset = QPushButton("z = 0")
        reset.clicked.connect(self._on_reset)
        refresh = QPushButton(self.tr("Re-encode"))
        refresh.clicked.connect(self.refresh)
        axes = QLabel(self.tr("Axes"))
        controls = FlowLayout.of((axes, self.projection, self.dim_x, self.dim_y, self.label_box,
                                  self.grid_check, reset, refresh))
        axes.setVisible(self.dim > 2)
        self.projection.setVisible(self.dim > 2)
        self.dim_x.setVisible(self.dim > 2)
        self.dim_y.setVisible(self.dim > 2)

        self.image = ImagePane(min_size=56)
        self.grid_image = ImagePane(min_size=120)
        self.grid_image.resized.connect(self._on_grid_resized)
        self.strip = ImagePane(min_size=24)
        self.strip.setMaximumHeight(70)
        self.sliders: list[QSlider] = []
        sliders = QWidget()
        sl = QGridLayout(sliders)
        sl.setContentsMargins(2, 2, 2, 2)
        sl.setVerticalSpacing(0)
        for d in range(self.dim):
            s = QSlider(Qt.Orientation.Horizontal)
            s.setRange(-int(SLIDER_RANGE * 100), int(SLIDER_RANGE * 100))
            s.valueChanged.connect(lambda v, d=d: self._on_slider(d, v))
            sl.addWidget(QLabel(f"z{d}"), d, 0)
            sl.addWidget(s, d, 1)
            self.sliders.append(s)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(sliders)
        scroll.setMinimumWidth(120)
        scroll.setMinimumHeight(40)

        # The plot one clicks in and the decodes over it side by side, the same size; the
        # decode of the marked point and the code's sliders in a narrow column beside them.
        plot_box = QVBoxLayout()
        plot_box.setSpacing(1)
        plot_box.addWidget(self.plot, 1)
        plot_box.addWidget(self.legend)
        side = QVBoxLayout()
        side.addWidget(_titled(self.tr("Decode of the marked point"), self.image), 2)
        strip = _titled(self.tr("Interpolation (Shift+click two points): A ... B"), self.strip)
        if self.compact:
            side.addWidget(strip, 1)
        side.addWidget(_titled(self.tr("Code (one slider per dimension)"), scroll), 2)
        top = QHBoxLayout()
        top.addLayout(plot_box, 4)
        top.addWidget(_titled(self.tr("Decodes over the visible area"), self.grid_image), 4)
        top.addLayout(side, 2)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(2, 2, 2, 2)
        outer.addLayout(controls)
        outer.addLayout(top, 1)
        if not self.compact:
            outer.addWidget(strip)

    # -- data ----------------------------------------------------------------------------
    def refresh(self, model=None) -> None:
        """Re-encode the data set (call after training steps), or show `model`'s (a newer
        copy of the same model); keeps the current code."""
        if model is not None:
            self.model = model
        self.data = self.model.encode_dataset()
        moved = False
        if not self._axes_chosen and self.dim > 2:  # the busiest dimensions, as they change
            i, j = busiest_dims(self.data["mu"], self.data["logvar"])
            moved = (i, j) != (self.dim_x.value(), self.dim_y.value())
            for box, v in ((self.dim_x, i), (self.dim_y, j)):
                box.blockSignals(True)
                box.setValue(v)
                box.blockSignals(False)
        self._set_projection()
        if moved and len(self.xy):
            self.vb.autoRange()
        self._decode_current()  # the marked point as the model decodes it now
        self.refreshed.emit()

    def _set_projection(self) -> None:
        if self.projection.currentText() == "PCA" and self.data is not None \
                and len(self.data["mu"]) > 2:
            self.proj = latent.pca_projection(self.data["mu"])
        else:
            i, j = self.dim_x.value(), self.dim_y.value()
            self.proj = latent.axis_projection(self.dim, i, j if j != i else (i + 1) % self.dim)
        self.plot.setLabel("bottom", self.proj.name.split(" / ")[0])
        self.plot.setLabel("left", self.proj.name.split(" / ")[1])
        if self.data is not None:
            self.xy = self.proj.project(self.data["mu"])
            labels = self.data["labels"]
            brushes = [pg.mkBrush(PALETTE[k % len(PALETTE)] + "b0") for k in range(10)]
            self.scatter.setData(pos=self.xy, brush=None if labels is None else
                                 [brushes[int(k) % 10] for k in labels])
            if labels is None:
                self.scatter.setBrush(pg.mkBrush("#1f77b4b0"))
            self._make_legend(labels)
        self.ellipse.setData([], [])
        self._draw_marker()
        self._update_strip()
        self._on_range_changed()

    def _make_legend(self, labels) -> None:
        if self._legend_done or labels is None:
            return
        self.legend.setText("&nbsp; ".join(
            f'<span style="color:{PALETTE[int(k) % 10]}">■</span>&nbsp;{int(k)}'
            for k in np.unique(labels)[:10]))
        self.legend.show()
        self._legend_done = True

    # -- decoding ------------------------------------------------------------------------
    def _labels(self, n: int):
        return np.full(n, self.label_box.currentIndex()) if self.model.conditional else None

    def set_code(self, code) -> None:
        self.code = np.asarray(code, np.float64).copy()
        for s, v in zip(self.sliders, self.code):
            s.blockSignals(True)
            s.setValue(int(round(np.clip(v, -SLIDER_RANGE, SLIDER_RANGE) * 100)))
            s.blockSignals(False)
        self._decode_current()
        self._draw_marker()
        if self.grid_check.isChecked() and self.dim > 2:
            self._grid_timer.start()  # off-plane coordinates changed what the grid shows

    def decode_at(self, x: float, y: float) -> None:
        """Decode the code whose projection is (x, y), keeping its other coordinates."""
        self.code = self.proj.lift([[x, y]], self.code)[0]
        self.set_code(self.code)

    def _decode_current(self) -> None:
        self.current_image = self.model.decode(self.code[None], self._labels(1))[0]
        self.image.set(_hwc(self.current_image))
        self.decoded.emit()

    def _draw_marker(self) -> None:
        self.marker.setData(pos=self.proj.project(self.code[None]))

    def _update_grid(self) -> None:
        if not self.grid_check.isChecked():
            return
        (x0, x1), (y0, y1) = self.vb.viewRange()
        n = self.grid_n
        pts = latent.grid_points((x0, x1), (y0, y1), n)
        imgs = self.model.decode(self.proj.lift(pts, self.code), self._labels(len(pts)))
        self.grid_image.set(latent.tile(imgs, n, pad=0))

    def _on_grid_resized(self) -> None:
        side = min(self.grid_image.width(), self.grid_image.height())
        n = int(np.clip(side // MIN_TILE, 3, GRID_N))
        if n != self.grid_n:
            self.grid_n = n
            self._on_range_changed()

    def pick(self, index: int) -> None:
        """Make data point `index` an end of the interpolation (the older end is dropped)."""
        self.ends = (self.ends + [int(index)])[-2:]
        self._update_strip()

    def _update_strip(self) -> None:
        if self.data is None or not self.ends:
            self.ends_marker.setData([], [])
            self.line.setData([], [])
            return
        mu = self.data["mu"]
        self.ends = [i for i in self.ends if i < len(mu)]
        xy = self.xy[self.ends]
        self.ends_marker.setData(pos=xy)
        self.line.setData(xy[:, 0], xy[:, 1])
        if len(self.ends) < 2:
            return
        a, b = self.ends
        codes = latent.interpolate(mu[a], mu[b], INTERP_N)
        row = np.concatenate([self.data["images"][[a]],
                              self.model.decode(codes, self._labels(INTERP_N)),
                              self.data["images"][[b]]])
        self.strip.set(latent.tile(row, len(row)))

    def nearest(self, x: float, y: float, radius_px: float = 8.0) -> int:
        """Index of the data point nearest (x, y) within radius_px screen pixels, else -1."""
        if not len(self.xy):
            return -1
        px, py = self.vb.viewPixelSize()
        d2 = ((self.xy[:, 0] - x) / px) ** 2 + ((self.xy[:, 1] - y) / py) ** 2
        i = int(np.argmin(d2))
        return i if d2[i] <= radius_px ** 2 else -1

    # -- handlers ------------------------------------------------------------------------
    def _on_picked(self, x: float, y: float, shift: bool) -> None:
        if shift:
            i = self.nearest(x, y, radius_px=15.0)
            if i >= 0:
                self.pick(i)
            return
        self.decode_at(x, y)

    def _on_points_clicked(self, item, points, ev) -> None:
        p = self.vb.mapSceneToView(ev.scenePos())
        self._on_picked(p.x(), p.y(), bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier))

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        if self.data is None or self.data["logvar"] is None:
            return
        if not self.vb.sceneBoundingRect().contains(scene_pos):
            self.hovered = -1
            self.ellipse.setData([], [])
            return
        p = self.vb.mapSceneToView(scene_pos)
        i = self.nearest(p.x(), p.y())
        self.hovered = i
        if i < 0:
            self.ellipse.setData([], [])
            return
        cov = self.proj.covariance(np.exp(self.data["logvar"][i:i + 1]))[0]
        outline = latent.ellipse(self.xy[i], cov)
        self.ellipse.setData(outline[:, 0], outline[:, 1])

    def _on_slider(self, d: int, value: int) -> None:
        self.code[d] = value / 100.0
        self._decode_current()
        self._draw_marker()
        if self.grid_check.isChecked():
            self._grid_timer.start()

    def _on_range_changed(self, *args) -> None:
        if self.grid_check.isChecked():
            self._grid_timer.start()

    def _on_projection_changed(self, *args) -> None:
        pca = self.projection.currentText() == "PCA"
        self.dim_x.setEnabled(not pca)
        self.dim_y.setEnabled(not pca)
        self._set_projection()
        if len(self.xy):
            self.vb.autoRange()

    def _on_axes_chosen(self, *args) -> None:
        self._axes_chosen = True  # the user's (the refresh sets them with signals blocked)

    def _on_label_changed(self, *args) -> None:
        self._decode_current()
        self._update_strip()
        self._on_range_changed()

    def _on_reset(self) -> None:
        self.set_code(np.zeros(self.dim))


def _hwc(img: np.ndarray) -> np.ndarray:
    """(C,H,W) -> (H,W) gray or (H,W,3) for ImageItem."""
    return img[0] if img.shape[0] == 1 else img.transpose(1, 2, 0)
