"""CycleGAN panel: rows A, G(A), F(G(A)) and B, F(B), G(F(B)) from fixed images, and
sliders for the cycle and identity weights (they change the running model next step)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QSlider, QVBoxLayout, QWidget

from ...core.rundir import preview_to_image
from ..i18n import config_text
from .image_rows import ImageRows, split_rows

# slider -> (config key, label, value per slider tick, ticks)
SLIDERS = (("cyclegan.lambda_cycle", QT_TRANSLATE_NOOP("config", "Cycle weight"), 0.5, 100),
           ("cyclegan.lambda_identity", QT_TRANSLATE_NOOP("config", "Identity weight"), 0.05, 40))
# The built-in domains' names (studio/core/data/domains.py); a folder's name is shown as is.
DOMAIN_NAMES = (QT_TRANSLATE_NOOP("CycleGANPanel", "digits"),
                QT_TRANSLATE_NOOP("CycleGANPanel", "inverted digits"),
                QT_TRANSLATE_NOOP("CycleGANPanel", "colour digits"))


class CycleGANPanel(QWidget):
    setting_changed = Signal(str, float)  # config key, new value

    def __init__(self, lambda_cycle: float = 10.0, lambda_identity: float = 0.5, parent=None):
        super().__init__(parent)
        self.last: dict | None = None
        self.updates = 0
        self.hint = QLabel(self.tr("Press Start: each column follows one picture of domain A "
                                   "through G (A → B) and back through F, and one of B through "
                                   "F and back."))
        self.hint.setWordWrap(True)
        self.rows = ImageRows(label_width=130)
        self.caption = QLabel()

        self.sliders: dict[str, QSlider] = {}
        self.values: dict[str, QLabel] = {}
        form = QGridLayout()
        for i, (key, text, tick, ticks) in enumerate(SLIDERS):
            s = QSlider(Qt.Orientation.Horizontal)
            s.setRange(0, ticks)
            s.setObjectName(key)
            s.setToolTip(self.tr("Cycle: how strongly F(G(a)) must give back a (keeps content). "
                                 "Identity: how much G must leave a B picture as it is (keeps "
                                 "colours); a fraction of the cycle weight. Takes effect at the "
                                 "next step.")
                         if i == 0 else self.tr("Identity loss |G(b) - b| + |F(a) - a|, as a "
                                                "fraction of the cycle weight; 0 turns it off. "
                                                "Takes effect at the next step."))
            s.valueChanged.connect(lambda v, k=key, t=tick: self._on_slider(k, v * t))
            value = QLabel()
            value.setMinimumWidth(40)
            form.addWidget(QLabel(config_text(text)), i, 0)
            form.addWidget(s, i, 1)
            form.addWidget(value, i, 2)
            self.sliders[key], self.values[key] = s, value
        self.set_weights(lambda_cycle, lambda_identity)

        lay = QVBoxLayout(self)
        lay.addWidget(self.hint)
        lay.addWidget(self.rows, 1)
        lay.addWidget(self.caption)
        lay.addLayout(form)

    def _on_slider(self, key: str, value: float) -> None:
        self.values[key].setText(f"{value:g}")
        self.setting_changed.emit(key, float(round(value, 4)))

    def set_weights(self, lambda_cycle: float, lambda_identity: float) -> None:
        """Show the model's weights without echoing them back as a change."""
        for (key, _, tick, _), v in zip(SLIDERS, (lambda_cycle, lambda_identity)):
            s = self.sliders[key]
            s.blockSignals(True)
            s.setValue(int(round(v / tick)))
            s.blockSignals(False)
            self.values[key].setText(f"{v:g}")

    def show_preview(self, p: dict) -> None:
        if p.get("kind") != "images" or "row_labels" not in p:
            return
        self.last = p
        self.updates += 1
        a, b = (self.tr(d) if d in DOMAIN_NAMES else d for d in p.get("domains", ("A", "B")))
        names = [f"A: {a}", "G(A): A → B", self.tr("F(G(A)): back to A"),
                 f"B: {b}", "F(B): B → A", self.tr("G(F(B)): back to B")]
        self.rows.set_rows(list(zip(names, split_rows(p["grid"], len(p["row_labels"])))))
        self.hint.hide()
        self.caption.setText(self.tr("Step %1 · cycle error %2 (mean |F(G(a)) - a|, pixels in "
                                     "[0, 1])").replace("%1", f"{p.get('step', 0):,}").replace(
            "%2", f"{p.get('cycle_error', float('nan')):.3f}"))
        if not any(s.isSliderDown() for s in self.sliders.values()):
            self.set_weights(p["lambda_cycle"], p["lambda_identity"])

    def reset(self) -> None:
        self.caption.clear()

    def image_array(self) -> np.ndarray | None:
        return preview_to_image(self.last) if self.last else None
