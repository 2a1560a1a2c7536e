"""Model & hyperparameter panel: preset, form built from the config's field metadata,
Start / Pause / Stop, and a progress bar with steps/s and ETA.

Bad values are marked on the field itself (red, with the reason as its tooltip and in a
line under the form) and Start is disabled until they are fixed.
"""
from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QProgressBar, QPushButton,
                               QVBoxLayout, QWidget)

from ...config import ConfigError, RunConfig, label as field_label
from ...families import FAMILIES
from ...presets import PRESETS
from ..elided import ElidedLabel
from ..i18n import config_reason, config_text

INVALID_STYLE = "border: 2px solid #d33; background: #fff0f0;"
LABEL_EMS = 13  # a form label is at most this many "m" wide; longer ones end in "…"
FIELD_CHARS = 8  # a choice box asks for room for this many characters, not its longest choice


def _narrow_combo(box: QComboBox) -> QComboBox:
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(FIELD_CHARS)
    return box


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class ControlPanel(QWidget):
    start_requested = Signal()
    pause_requested = Signal(bool)  # True = pause, False = resume
    stop_requested = Signal()
    config_changed = Signal(object)  # RunConfig, valid or not
    preset_chosen = Signal(str)

    def __init__(self, cfg: RunConfig, parent=None):
        super().__init__(parent)
        self.cfg = cfg.copy()
        self.errors: dict[str, str] = {}
        self.notes: dict[str, str] = {}  # a problem found later (a model file), not blocking
        self.fields: dict[str, QWidget] = {}
        self._running = False
        self._paused = False

        self.preset = _narrow_combo(QComboBox())
        self.preset.addItems(list(PRESETS))
        self.preset.setToolTip(self.tr("A named starting point: model, data and hyperparameters "
                                       "that work."))
        self.preset.activated.connect(lambda i: self.preset_chosen.emit(self.preset.itemText(i)))
        self.model = _narrow_combo(QComboBox())
        self.model.setToolTip(config_text(RunConfig.__dataclass_fields__["model"].metadata["help"]))

        top = QFormLayout()
        top.addRow(self.tr("Preset"), self.preset)
        top.addRow(self.tr("Model"), self.model)
        self.form_box = QGroupBox(self.tr("Hyperparameters"))
        self.form = QFormLayout(self.form_box)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.reasons: dict[str, QLabel] = {}  # a bad value's reason, on a line under its field
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c22;")

        self.start_btn = QPushButton(self.tr("Start"))
        self.start_btn.setToolTip(self.tr("Start training (Ctrl+Return)"))
        self.pause_btn = QPushButton(self.tr("Pause"))
        self.pause_btn.setToolTip(self.tr("Pause or resume (Ctrl+P)"))
        self.stop_btn = QPushButton(self.tr("Stop"))
        self.stop_btn.setToolTip(self.tr("Stop the run; the checkpoint is kept (Ctrl+.)"))
        self.start_btn.clicked.connect(self.start_requested)
        self.pause_btn.clicked.connect(lambda: self.pause_requested.emit(not self._paused))
        self.stop_btn.clicked.connect(self.stop_requested)
        buttons = QHBoxLayout()
        for b in (self.start_btn, self.pause_btn, self.stop_btn):
            buttons.addWidget(b)

        self.progress = QProgressBar()
        self.progress.setFormat(self.tr("%v / %m steps"))
        self.rate_label = QLabel(self.tr("Ready"))
        self.rate_label.setWordWrap(True)
        self._shown = -1.0  # time.monotonic() of the last progress shown

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.form_box)
        lay.addWidget(self.error_label)
        lay.addStretch(1)
        # The run controls live in their own widget so the window can keep them in view
        # below a scrolling form.
        self.run_box = QWidget()
        run_lay = QVBoxLayout(self.run_box)
        run_lay.setContentsMargins(6, 0, 6, 6)
        run_lay.addLayout(buttons)
        run_lay.addWidget(self.progress)
        run_lay.addWidget(self.rate_label)
        self.model.currentTextChanged.connect(self._on_model_changed)
        self.set_config(cfg)

    # -- building the form -----------------------------------------------------------------
    def set_config(self, cfg: RunConfig, preset: str = "") -> None:
        self.cfg = cfg.copy()
        if preset:
            self.preset.setCurrentText(preset)
        self.model.blockSignals(True)
        self.model.clear()
        self.model.addItems(list(FAMILIES))
        self.model.setCurrentText(cfg.model)
        self.model.blockSignals(False)
        self._build_form()
        self.blockSignals(True)  # a programmatic load is not a user edit
        self._validate()
        self.blockSignals(False)

    def _build_form(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields = {}
        self.reasons = {}
        for key in FAMILIES[self.cfg.model].form:
            _, f = self.cfg.field_info(key)
            value = self.cfg.get(key)
            meta = f.metadata
            tip = config_text(meta["help"])
            if meta.get("lo") is not None:
                tip += self.tr(" Range %1 to %2.").replace("%1", _fmt(meta["lo"])).replace(
                    "%2", _fmt(meta["hi"]))
            if meta.get("live"):
                tip += self.tr(" Can be changed while training.")
            if meta.get("choices"):
                w = _narrow_combo(QComboBox())
                for c in meta["choices"]:  # shown translated, the config keeps the name
                    w.addItem(config_text(str(c)), str(c))
                w.setCurrentIndex(w.findData(str(value)))
                w.currentIndexChanged.connect(
                    lambda i, k=key, box=w: i >= 0 and self._on_edit(k, box.itemData(i)))
            elif isinstance(value, bool):
                w = QCheckBox()
                w.setChecked(value)
                w.toggled.connect(lambda on, k=key: self._on_edit(k, on))
            else:
                w = QLineEdit(_fmt(value))
                w.textChanged.connect(lambda text, k=key: self._on_edit(k, text))
            w.setToolTip(tip)
            w.setProperty("help", tip)
            w.setObjectName(key)
            self.fields[key] = w
            label = ElidedLabel(config_text(field_label(key)), max_ems=LABEL_EMS)
            label.setToolTip(f"{label.text()}\n\n{tip}")
            label.setBuddy(w)
            self.form.addRow(label, w)
            reason = QLabel()
            reason.setWordWrap(True)
            reason.setStyleSheet("color: #c22;")
            reason.setObjectName(f"{key}:reason")
            self.form.addRow(reason)
            self.form.setRowVisible(reason, False)
            self.reasons[key] = reason

    # -- editing -----------------------------------------------------------------------------
    def _on_model_changed(self, model: str) -> None:
        if model and model != self.cfg.model:
            self.cfg.model = model
            self._build_form()
            self._validate()

    def _on_edit(self, key: str, value) -> None:
        self.errors.pop(key, None)
        self.notes.pop(key, None)
        try:
            self.cfg.set(key, value)
        except ConfigError as e:
            self.errors[key] = e.reason
        self._validate()

    def _validate(self) -> None:
        parse_errors = {k: v for k, v in self.errors.items() if k in self.fields}
        self.errors = {**self.cfg.errors(), **parse_errors}
        for key, w in self.fields.items():
            reason = self.errors.get(key) or self.notes.get(key)
            w.setStyleSheet(INVALID_STYLE if reason else "")
            w.setToolTip(f"{config_reason(reason)}\n\n{w.property('help')}" if reason
                         else w.property("help"))
            self.reasons[key].setText(config_reason(reason) if reason else "")
            self.form.setRowVisible(self.reasons[key], bool(reason))
        self.error_label.setText("\n".join(
            self.tr("%1: %2").replace("%1", config_text(field_label(k))).replace(
                "%2", config_reason(r)) for k, r in self.errors.items()))
        self._update_buttons()
        self.config_changed.emit(self.cfg)

    def set_value(self, key: str, value) -> None:
        """Set a setting from outside the form (a file dialog, a shortcut), then re-check."""
        if key in self.fields:
            set_field_text(self, key, str(value))
        else:
            self._on_edit(key, value)

    def note(self, key: str, reason: str) -> None:
        """Show a problem found outside the form (a model file's line) under its field;
        Start stays enabled: the file may be fixed on disk and tried again."""
        self.notes[key] = reason
        self._validate()

    def is_valid(self) -> bool:
        return not self.errors

    def live_keys(self) -> set[str]:
        return {k for k in self.fields if self.cfg.field_info(k)[1].metadata.get("live")}

    # -- run state -----------------------------------------------------------------------------
    def set_run_state(self, state: str) -> None:
        self._running = state in ("starting", "running", "paused", "stopping")
        self._paused = state == "paused"
        self.pause_btn.setText(self.tr("Resume") if self._paused else self.tr("Pause"))
        live = self.live_keys()
        for key, w in self.fields.items():
            w.setEnabled(not self._running or key in live)
        self.model.setEnabled(not self._running)
        self.preset.setEnabled(not self._running)
        if state == "idle":
            done = self.progress.value()
            self.rate_label.setText(self.tr("Ready") if done <= 0 else
                                    self.tr("Finished") if done >= self.progress.maximum() else
                                    self.tr("Stopped"))
        elif state == "paused":
            self.rate_label.setText(self.tr("Paused"))
        self._update_buttons()

    def set_run_buttons_visible(self, on: bool) -> None:
        """EM is stepped from its own panel; the run buttons and progress are hidden then."""
        for w in (self.start_btn, self.pause_btn, self.stop_btn, self.progress, self.rate_label):
            w.setVisible(on)

    def _update_buttons(self) -> None:
        self.start_btn.setEnabled(not self._running and self.is_valid())
        self.pause_btn.setEnabled(self._running)
        self.stop_btn.setEnabled(self._running)

    def set_progress(self, step: int, total: int, rate: float) -> None:
        # While a run streams (rate > 0), the bar and the rate text at most 4 times a second:
        # each update re-lays out the panel, GUI-thread time a small model's training waits
        # for (they share the GIL). Rate 0 (paused, single step, done) shows the exact step.
        now = time.monotonic()
        if rate > 0 and (now - self._shown < 0.25 or not self._running):
            return  # (a rate that arrives after the run ended would hide Stopped/Finished)
        self._shown = now
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(step)
        if rate > 0:
            left = (total - step) / rate
            m, s = divmod(int(left + 0.5), 60)
            h, m = divmod(m, 60)
            eta = f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
            shown = f"{rate:,.0f}" if rate >= 10 else f"{rate:.2g}"  # slow runs: 0.25, not 0
            self.rate_label.setText(self.tr("%1 steps/s · ETA %2").replace(
                "%1", shown).replace("%2", eta))
        elif step >= total:
            self.rate_label.setText(self.tr("Finished"))


def set_field_text(panel: ControlPanel, key: str, text: str) -> None:
    """Set a field as a user would (used by the window's shortcuts and by tests)."""
    w = panel.fields[key]
    if isinstance(w, QComboBox):
        i = w.findData(text)  # a setting's name, or the text shown
        w.setCurrentIndex(i) if i >= 0 else w.setCurrentText(text)
    elif isinstance(w, QCheckBox):
        w.setChecked(text in ("1", "true", "True"))
    else:
        w.setText(text)
    w.setFocus(Qt.FocusReason.OtherFocusReason)
