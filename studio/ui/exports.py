"""File > Export: an animated GIF of a run's samples, the plots as PNG or SVG, and the
central view copied to the clipboard for slides.

"The run" and "the plots" are what the user is looking at: the Runs panel's run when that
panel is on screen with a run open, else the run trained in this window.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from ..core.export import make_gif
from ..core.follow import sample_paths


def _tr(text: str) -> str:
    return QCoreApplication.translate("Export", text)


def _runs_panel(win):
    panel = getattr(win, "runs", None)
    return panel if panel is not None and panel.shows_run() else None


def gif_source(win) -> Path | None:
    panel = _runs_panel(win)
    if panel is not None:
        return panel.path
    for candidate in (win.run_dir, getattr(getattr(win, "runs", None), "path", None)):
        if candidate is not None and sample_paths(candidate):
            return Path(candidate)
    return None


def plot_panel(win):
    """The LossPanel on screen: the Runs panel's curves, or the window's."""
    panel = _runs_panel(win)
    return panel.losses if panel is not None else win.losses


def export_gif(win, out_path, run_dir=None, fps: float = 5.0, max_frames: int = 60) -> int:
    source = Path(run_dir) if run_dir is not None else gif_source(win)
    if source is None:
        raise ValueError(_tr("No run with samples: train one, or open one in the Runs panel"))
    return make_gif(source, out_path, fps=fps, max_frames=max_frames)


# pyqtgraph 0.14's SVGExporter cannot parse the closed paths ("... Z") that Qt 6 writes
# (pyqtgraph issue #3495), and its ImageExporter enlarges text out of proportion when
# asked for more pixels, so the plots are painted with Qt's own painters instead.
def export_plots(panel, path, scale: float = 2.0) -> None:
    """All plots of a LossPanel as on screen; .svg writes vectors, anything else pixels at
    `scale` times the screen size (sharp on a projector and in a paper)."""
    if str(path).lower().endswith(".svg"):
        _export_svg(panel.view, path)
        return
    from PySide6.QtGui import QImage, QPainter

    size = panel.view.size()
    image = QImage(int(size.width() * scale), int(size.height() * scale),
                   QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(scale)
    image.fill(panel.view.backgroundBrush().color())
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        panel.view.render(painter)
    finally:
        painter.end()
    if not image.save(str(path)):
        raise OSError(f"{path}: could not be written")


def _export_svg(view, path) -> None:
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    size = view.size()
    gen = QSvgGenerator()
    gen.setFileName(str(path))
    gen.setSize(size)
    gen.setViewBox(QRect(0, 0, size.width(), size.height()))
    gen.setTitle(_tr("Generative Studio plots"))
    painter = QPainter(gen)
    try:
        view.render(painter)
    finally:
        painter.end()
    if not Path(path).is_file():
        raise OSError(f"{path}: could not be written")


def copy_figure(win) -> bool:
    """The central view as a picture on the clipboard, ready to paste into slides."""
    widget = win.centralWidget()
    if widget is None:
        return False
    image = widget.grab().toImage()
    if image.isNull():
        return False
    QApplication.clipboard().setImage(image)
    win.statusBar().showMessage(_tr("Figure copied: paste it into your slides"), 5000)
    return True


# -- menu actions (with file dialogs) ----------------------------------------------------------
def on_export_gif(win) -> None:
    source = gif_source(win)
    if source is None:
        folder = QFileDialog.getExistingDirectory(win, _tr("Run folder with samples"))
        if not folder:
            return
        source = Path(folder)
    path, _ = QFileDialog.getSaveFileName(win, _tr("Animated GIF of samples"),
                                          f"{source.name}.gif", "GIF (*.gif)")
    if not path:
        return
    try:
        n = export_gif(win, path, run_dir=source)
    except (ValueError, OSError) as e:
        QMessageBox.warning(win, _tr("Cannot export the GIF"), str(e))
        return
    win.statusBar().showMessage(_tr("Wrote %1 frames to %2").replace("%1", str(n))
                                .replace("%2", path), 8000)


def on_export_plots(win, suffix: str) -> None:
    kind = "SVG" if suffix == "svg" else "PNG"
    path, _ = QFileDialog.getSaveFileName(win, _tr("Plots as %1").replace("%1", kind),
                                          f"plots.{suffix}", f"{kind} (*.{suffix})")
    if path:
        try:
            export_plots(plot_panel(win), path)
        except OSError as e:
            QMessageBox.warning(win, _tr("Cannot export the plots"), str(e))
            return
        win.statusBar().showMessage(_tr("Saved %1").replace("%1", path), 5000)


def model_source(win) -> Path | None:
    """The run whose model File > Export > Model writes: the Runs panel's open run, else
    the run trained in this window (each with a checkpoint)."""
    panel = _runs_panel(win)
    for candidate in ((panel.path if panel is not None else None), win.run_dir,
                      getattr(getattr(win, "runs", None), "path", None)):
        if candidate is not None and (Path(candidate) / "checkpoint.pt").is_file():
            return Path(candidate)
    return None


def export_model(win, out_dir, run_dir=None, overwrite: bool = False) -> dict:
    """core.export_model for the run on screen; ValueError (one line) when there is none."""
    from ..core.export_model import export_run

    source = Path(run_dir) if run_dir is not None else model_source(win)
    if source is None:
        raise ValueError(_tr("No trained run: train one, or open one in the Runs panel"))
    return export_run(source, out_dir, overwrite)


def on_export_model(win) -> None:
    source = model_source(win)
    if source is None:
        QMessageBox.information(win, _tr("Export model"), _tr(
            "No trained run: train one, or open one in the Runs panel"))
        return
    folder = QFileDialog.getExistingDirectory(win, _tr("Folder for the exported model"))
    if not folder:
        return
    overwrite = False
    if (Path(folder) / "generator.pt").exists():
        answer = QMessageBox.question(win, _tr("Export model"), _tr(
            "%1 holds an exported model already. Replace it?").replace("%1", folder))
        if answer != QMessageBox.StandardButton.Yes:
            return
        overwrite = True
    try:
        done = export_model(win, folder, source, overwrite)
    except (ValueError, OSError) as e:  # a checkpoint that cannot be read, a full disk ...
        QMessageBox.warning(win, _tr("Cannot export the model"), str(e).splitlines()[0])
        return
    text = _tr("Exported %1 to %2 (run generate.py there)").replace(
        "%1", source.name).replace("%2", folder)
    if done["note"]:
        text += " — " + done["note"]
    win.statusBar().showMessage(text, 10000)
