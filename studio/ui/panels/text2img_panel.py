"""Text-to-image panel: a row of images for each of a few fixed captions, and a text box:
type a caption (English or Chinese) and see images for it, redrawn live while training;
give a second caption to walk from one to the other."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from ...core.rundir import preview_to_image
from .image_rows import ImageRows, PixelImage, split_rows

EXAMPLE = "a small red circle in the top left"


class Text2ImgPanel(QWidget):
    caption_requested = Signal(str, str)  # caption, optional second caption (interpolate)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.last: dict | None = None
        self.caption_result: dict | None = None
        self.updates = 0
        self.hint = QLabel(self.tr("Press Start: each row shows images for its caption, from "
                                   "the same noise; type your own caption below."))
        self.hint.setWordWrap(True)
        self.rows = ImageRows(label_width=210)
        self.step_label = QLabel()

        box = QGroupBox(self.tr("Your caption"))
        self.text = QLineEdit(EXAMPLE)  # drawn as soon as a model exists
        self.text.setPlaceholderText(self.tr("e.g. %1 · 一个蓝色的大方块").replace("%1",
                                                                                  EXAMPLE))
        self.other = QLineEdit()
        self.other.setPlaceholderText(self.tr("optional: a second caption to interpolate to"))
        self.go = QPushButton(self.tr("Generate"))
        self.go.setToolTip(self.tr("Draw images for the caption; they are redrawn as the model "
                                   "trains"))
        for w in (self.text, self.other):
            w.returnPressed.connect(self._on_generate)
        self.go.clicked.connect(self._on_generate)
        line = QHBoxLayout()
        line.addWidget(self.text, 3)
        line.addWidget(self.other, 2)
        line.addWidget(self.go)
        self.result = PixelImage()
        self.result.setMinimumHeight(90)
        self.status = QLabel(self.tr("Start training, then type a caption and press Generate."))
        self.status.setWordWrap(True)
        inner = QVBoxLayout(box)
        inner.addLayout(line)
        inner.addWidget(self.result, 1)
        inner.addWidget(self.status)

        lay = QVBoxLayout(self)
        lay.addWidget(self.hint)
        lay.addWidget(self.rows, 3)
        lay.addWidget(self.step_label)
        lay.addWidget(box, 2)

    def _on_generate(self) -> None:
        text, other = self.text.text().strip(), self.other.text().strip()
        if not text and not other:
            self.status.setText(self.tr("Type a caption first, e.g. %1").replace("%1", EXAMPLE))
            return
        self.status.setText(self.tr("Drawing…"))
        self.caption_requested.emit(text, other)

    def show_preview(self, p: dict) -> None:
        if p.get("kind") == "caption":
            self.show_caption(p)
            return
        if p.get("kind") != "images" or "row_labels" not in p:
            return
        self.last = p
        self.updates += 1
        labels = [str(c) for c in p["row_labels"]]
        self.rows.set_rows(list(zip(labels, split_rows(p["grid"], len(labels)))))
        self.hint.hide()
        self.step_label.setText(self.tr("Step %1 · the same noise in each column").replace(
            "%1", f"{p.get('step', 0):,}"))
        if "caption" in p:
            self.show_caption(p["caption"])
        elif self.caption_result is None and self.text.text().strip():
            self._on_generate()  # the first picture of a run: show the typed caption too

    def show_caption(self, c: dict) -> None:
        self.caption_result = c
        if "error" in c:
            self.status.setText(self.tr("Cannot draw that: %1").replace("%1", str(c["error"])))
            return
        self.result.set_array(c["grid"])
        what = (self.tr("“%1” → “%2”, left to right").replace("%1", c["text"]).replace(
            "%2", c["other"]) if c["text"] and c["other"] else f"“{c['text'] or c['other']}”")
        note = self.tr(" · unknown words ignored: %1").replace("%1", ", ".join(c["unknown"])) \
            if c.get("unknown") else ""
        self.status.setText(self.tr("%1 · step %2").replace("%1", what).replace(
            "%2", f"{c.get('step', 0):,}") + note)

    def show_message(self, text: str) -> None:
        self.status.setText(text)

    def reset(self) -> None:
        self.caption_result = None

    def image_array(self) -> np.ndarray | None:
        return preview_to_image(self.last) if self.last else None
