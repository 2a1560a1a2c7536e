"""The presets gallery: a card per preset with a picture of its data, a friendly title and
the time it takes; a click loads the preset, ready to press Start.

Thumbnails are drawn from the preset's data set (never by training), once, and cached as
PNGs under the app data folder. Presets added elsewhere without an entry in GALLERY get
their description as the title.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFrame, QGridLayout, QLabel,
                               QScrollArea, QVBoxLayout, QWidget)

from ...presets import PRESETS, Preset
from .. import settings
from ..i18n import config_text, preset_description

# Each card's title; the expected time comes from the preset itself (Preset.cpu_minutes,
# measured, shared with `main.py presets`).
GALLERY = {
    "gan-ring8": QT_TRANSLATE_NOOP("Gallery", "Ring of 8 — watch a GAN find the modes"),
    "gan-grid25": QT_TRANSLATE_NOOP("Gallery", "25 modes — can a GAN find them all?"),
    "gan-digits": QT_TRANSLATE_NOOP("Gallery", "Handwritten digits from noise"),
    "dcgan-digits": QT_TRANSLATE_NOOP("Gallery", "Convolutions draw sharper digits"),
    "cgan-digits": QT_TRANSLATE_NOOP("Gallery", "Ask for a 7, get a 7 (conditional GAN)"),
    "dcgan-mnist": QT_TRANSLATE_NOOP("Gallery", "A DCGAN on real MNIST"),
    "cgan-mnist": QT_TRANSLATE_NOOP("Gallery", "MNIST on demand — one row per digit"),
    "dcgan-cifar10": QT_TRANSLATE_NOOP("Gallery", "Colour photos (CIFAR-10)"),
    "dcgan-folder-64": QT_TRANSLATE_NOOP("Gallery", "A DCGAN on your own pictures, 64 px"),
    "gmm-blobs": QT_TRANSLATE_NOOP("Gallery", "EM on four blobs"),
    "gmm-ring": QT_TRANSLATE_NOOP("Gallery", "EM fits the ring of 8"),
    "ae-digits": QT_TRANSLATE_NOOP("Gallery", "An autoencoder's 2-D map of digits"),
    "vae-digits": QT_TRANSLATE_NOOP("Gallery", "Drag through a VAE's latent space"),
    "ae-vs-vae-digits": QT_TRANSLATE_NOOP("Gallery", "Why a VAE, not an AE"),
    "vae-mnist": QT_TRANSLATE_NOOP("Gallery", "A convolutional VAE on real MNIST"),
    "vae-folder-64": QT_TRANSLATE_NOOP("Gallery", "A VAE on your own pictures, 64 px"),
    "cyclegan-digits-colour": QT_TRANSLATE_NOOP("Gallery", "CycleGAN paints digits orange on "
                                                           "navy, and back"),
    "cyclegan-folders": QT_TRANSLATE_NOOP("Gallery", "CycleGAN between two folders of your "
                                                     "pictures"),
    "cyclegan-folders-128": QT_TRANSLATE_NOOP("Gallery", "CycleGAN on your two folders at "
                                                         "128 px"),
    "text2img-shapes": QT_TRANSLATE_NOOP("Gallery", "Type a caption, get a shape"),
    "text2img-digits": QT_TRANSLATE_NOOP("Gallery", "Type \"the digit seven\", get a 7"),
}
THUMB_W, THUMB_H = 220, 150
THUMB_VERSION = 2  # bump when the drawing changes, so caches are redrawn
COLOURS = {"gan": (228, 87, 46), "gmm": (31, 119, 180), "vae": (44, 160, 44)}
# Sets that are downloaded (or are the user's own): a placeholder says so, nothing is fetched.
PLACEHOLDERS = {"mnist": QT_TRANSLATE_NOOP("Gallery", "MNIST\ndownloaded on first use"),
                "cifar10": QT_TRANSLATE_NOOP("Gallery", "CIFAR-10\ndownloaded on first use"),
                "folder-pair": QT_TRANSLATE_NOOP("Gallery", "your own pictures\nfolders A and B"),
                "folder": QT_TRANSLATE_NOOP("Gallery", "your own pictures\none folder")}


def _tr(text: str) -> str:
    return QCoreApplication.translate("Gallery", text)


def expected_time(preset: Preset) -> str:
    """The preset's measured time (Preset.cpu_minutes), in words; its step count when it
    has not been measured."""
    minutes = preset.cpu_minutes
    if minutes is None:
        return _tr("%1 steps").replace("%1", f"{preset.config().train.steps:,}")
    if minutes < 1:
        when = _tr("under a minute")
    elif minutes < 90:
        when = _tr("about %1 min").replace("%1", str(max(1, round(minutes))))
    else:
        when = _tr("about %1 h").replace("%1", f"{minutes / 60:.0f}")
    return _tr("%1 on a 2-core CPU (measured)").replace("%1", when)


def card_text(preset: Preset) -> tuple[str, str]:
    """(title, expected time), translated; the description for a preset this table does
    not know yet."""
    title = _tr(GALLERY[preset.name]) if preset.name in GALLERY else preset_description(preset)
    return title, expected_time(preset)


# -- thumbnails ----------------------------------------------------------------------------------
def _points_image(pts: np.ndarray, colour) -> np.ndarray:
    img = np.full((THUMB_H, THUMB_W, 3), 255, np.uint8)
    lo, hi = np.percentile(pts, 1, axis=0), np.percentile(pts, 99, axis=0)
    centre, half = (lo + hi) / 2, max(float((hi - lo).max()) / 2 * 1.2, 1e-6)
    side = THUMB_H - 8
    ij = ((pts - centre) / half * 0.5 + 0.5) * (side - 1)
    ij = np.clip(np.round(ij).astype(int), 0, side - 2)
    x0, y0 = (THUMB_W - side) // 2, 4
    for dx in (0, 1):  # 2x2 dots: single pixels vanish when the card is scaled
        for dy in (0, 1):
            img[y0 + side - 2 - ij[:, 1] + dy, x0 + ij[:, 0] + dx] = colour
    return img


def _tiles(x: np.ndarray, cell: int = 32, gap: int = 4, ink_dark: bool = True) -> np.ndarray:
    """(N, C, h, w) floats in [0, 1] (h divides cell) tiled over the thumbnail."""
    zoom = cell // x.shape[-1]
    cols, rows = (THUMB_W + gap) // (cell + gap), (THUMB_H + gap) // (cell + gap)
    img = np.full((THUMB_H, THUMB_W, 3), 255, np.uint8)
    ox = (THUMB_W - cols * (cell + gap) + gap) // 2
    oy = (THUMB_H - rows * (cell + gap) + gap) // 2
    for k in range(min(cols * rows, len(x))):
        pic = x[k].transpose(1, 2, 0)
        pic = np.repeat(pic, 3, axis=2) if pic.shape[2] == 1 else pic
        pic = 1 - pic if ink_dark and x.shape[1] == 1 else pic  # dark ink on white, as on paper
        r, q = divmod(k, cols)
        y0, x0 = oy + r * (cell + gap), ox + q * (cell + gap)
        big = np.kron(pic, np.ones((zoom, zoom, 1)))
        img[y0: y0 + cell, x0: x0 + cell] = (np.clip(big, 0, 1) * 255).astype(np.uint8)
    return img


def _data_images(name: str, size: int) -> np.ndarray | None:
    """A few images of an offline set, (N, C, h, w) in [0, 1], or None."""
    if name == "digits":
        from ...core.data import load_digits_images

        return load_digits_images(8)[0][:40]  # 0, 1, ..., 9, 0, ...: every digit shows
    if name == "shapes":
        from ...core.data.shapes import make_shapes

        return make_shapes(40, size=32, seed=0).x
    if name in ("digits-colour", "digits-invert"):
        from ...core.data.domains import make_pair

        pair = make_pair(name, size=16)
        a, b = pair.a[:20].numpy(), pair.b[:20].numpy()
        if a.shape[1] != b.shape[1]:
            a = np.repeat(a, 3, axis=1)
        return np.stack([a, b], 1).reshape(-1, *b.shape[1:])  # A, B, A, B ...: the two sides
    return None


def _text_image(text: str) -> np.ndarray:
    from PIL import Image, ImageDraw

    from ...core.export import caption_font

    im = Image.new("RGB", (THUMB_W, THUMB_H), (236, 240, 245))
    draw = ImageDraw.Draw(im)
    draw.multiline_text((THUMB_W // 2, THUMB_H // 2), text, fill=(60, 70, 90),
                        font=caption_font(17), anchor="mm", align="center", spacing=8)
    return np.asarray(im)


def draw_thumbnail(preset: Preset) -> np.ndarray:
    """(H, W, 3) uint8 picture of the preset's data set; no training, no download."""
    from ...core.data.toy2d import GENERATORS, make_points

    cfg = preset.config()
    family = "gmm" if cfg.model == "gmm" else ("gan" if cfg.model == "gan" else "vae")
    name = cfg.data.name
    if cfg.data.path:
        return _text_image(Path(cfg.data.path).name[:14])
    if name in GENERATORS:
        return _points_image(make_points(name, 1500, 0)[0], COLOURS[family])
    if name == "blobs":
        from ...core.em.data import make_data

        return _points_image(make_data("blobs", 1500, 0, cfg.gmm.true_k)[0], COLOURS[family])
    images = _data_images(name, cfg.data.image_size)
    if images is not None:
        return _tiles(images)
    return _text_image(_tr(PLACEHOLDERS[name]) if name in PLACEHOLDERS else name.upper())


def thumbnail_path(preset: Preset) -> Path:
    from .. import i18n

    key = json.dumps([THUMB_VERSION, preset.settings, i18n.current()], sort_keys=True,
                     default=str)  # a placeholder's words are in the interface's language
    digest = hashlib.sha1(key.encode()).hexdigest()[:10]
    return settings.app_data_dir() / "thumbnails" / f"{preset.name}-{digest}.png"


def thumbnail(preset: Preset) -> QImage:
    """The cached thumbnail, drawn and saved the first time."""
    path = thumbnail_path(preset)
    img = QImage(str(path))
    if not img.isNull():
        return img
    arr = np.ascontiguousarray(draw_thumbnail(preset))
    img = QImage(arr.data, arr.shape[1], arr.shape[0], arr.strides[0],
                 QImage.Format.Format_RGB888).copy()  # copy: arr is freed on return
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(str(path))
    return img


# -- widgets ---------------------------------------------------------------------------------------
class PresetCard(QFrame):
    clicked = Signal(str)

    def __init__(self, preset: Preset, parent=None):
        super().__init__(parent)
        self.name = preset.name
        self.setObjectName("presetCard")
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet("QFrame#presetCard { border: 1px solid palette(mid); border-radius: 8px;"
                           " background: palette(base); }"
                           "QFrame#presetCard:hover, QFrame#presetCard:focus {"
                           " border: 2px solid palette(highlight); }")
        title, when = card_text(preset)
        self.picture = QLabel()
        self.picture.setPixmap(QPixmap.fromImage(thumbnail(preset)))
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel(title)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.title.setFont(font)
        self.time = QLabel(self.tr("Time: %1").replace("%1", when))
        self.time.setWordWrap(True)
        self.detail = QLabel(f"{preset.name} · {preset.model} · {config_text(preset.data)}")
        self.detail.setEnabled(False)  # the palette's muted text colour, in either theme
        self.detail.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 10, 10, 10)
        lay.addWidget(self.picture)
        lay.addWidget(self.title)
        lay.addWidget(self.time)
        lay.addWidget(self.detail)
        lay.addStretch(1)
        self.setToolTip(preset_description(preset))
        self.setFixedWidth(THUMB_W + 24)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit(self.name)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit(self.name)
            return
        super().keyPressEvent(event)


class GalleryDialog(QDialog):
    preset_chosen = Signal(str)
    COLUMNS = 4

    def __init__(self, parent=None, presets: dict[str, Preset] | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Presets gallery"))
        presets = PRESETS if presets is None else presets
        intro = QLabel(self.tr("Pick a starting point: it loads with its settings, ready to "
                               "press Start. You can change any setting afterwards."))
        intro.setWordWrap(True)
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setSpacing(12)
        self.cards: dict[str, PresetCard] = {}
        for i, preset in enumerate(presets.values()):
            card = PresetCard(preset)
            card.clicked.connect(self._on_card_clicked)
            grid.addWidget(card, i // self.COLUMNS, i % self.COLUMNS, Qt.AlignmentFlag.AlignTop)
            self.cards[preset.name] = card
        scroll = QScrollArea()
        scroll.setWidget(grid_host)
        scroll.setWidgetResizable(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(scroll, 1)
        lay.addWidget(buttons)
        self.resize(self.COLUMNS * (THUMB_W + 36) + 60, 760)

    def _on_card_clicked(self, name: str) -> None:
        self.preset_chosen.emit(name)
        self.accept()


def show_gallery(win) -> GalleryDialog:
    """Open the gallery over the window (not blocking); a chosen card loads its preset."""
    dialog = GalleryDialog(win)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def chosen(name: str) -> None:
        win.load_preset(name)
        if win.controls.preset.currentText() == name:
            loaded = (QCoreApplication.translate("GalleryDialog", "Loaded %1: press Start")
                      if win.view.run_controls else QCoreApplication.translate(
                          "GalleryDialog", "Loaded %1: press E-step, M-step or Play"))
            win.statusBar().showMessage(loaded.replace("%1", card_text(PRESETS[name])[0]), 8000)
        else:  # load_preset refuses while a run is going
            win.statusBar().showMessage(QCoreApplication.translate(
                "GalleryDialog", "Stop the current run to load a preset"), 8000)

    dialog.preset_chosen.connect(chosen)
    dialog.open()
    return dialog


def show_on_first_start(win) -> GalleryDialog | None:
    if settings.flag("gallery/shown"):
        return None
    settings.put("gallery/shown", True)
    return show_gallery(win)
