"""Model > Load model file…: train the user's own networks (gan.model_file, vae.model_file).

The window only compiles the file when it is picked (nothing in it runs in the window); the
training process builds the networks and checks them by a dry forward pass when Start is
pressed. Either way a problem is one line under the model-file field, naming file and line.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox


KEYS = ("gan.model_file", "vae.model_file")


def _tr(text: str) -> str:
    return QCoreApplication.translate("ModelFile", text)


def install(win) -> None:
    """The Model menu, after the menus already on the bar."""
    menu = win.menuBar().addMenu(_tr("&Model"))
    load = QAction(_tr("&Load model file…"), win)
    load.triggered.connect(lambda: on_load(win))
    menu.addAction(load)
    builtin = QAction(_tr("Use the studio's &networks"), win)
    builtin.triggered.connect(lambda: use_builtin(win))
    menu.addAction(builtin)
    win.model_menu = menu


def _key(win) -> str:
    from ..core.models.user import model_file  # (it imports torch: not before the first paint)

    key, _ = model_file(win.controls.cfg)
    return key


def on_load(win) -> None:
    folder = ""
    key = _key(win)
    if key and win.controls.cfg.get(key):
        from pathlib import Path

        folder = str(Path(win.controls.cfg.get(key)).parent)
    path, _ = QFileDialog.getOpenFileName(win, _tr("Load model file"), folder,
                                          _tr("Python files (*.py)"))
    if path:
        load_model_file(win, path)


def load_model_file(win, path: str) -> bool:
    """Point the form's model file at `path` (the GAN's or the autoencoder's, whichever the
    form shows); a file that does not compile is marked with its line. True when it does."""
    status = win.statusBar()
    if win.run.state != "idle":
        status.showMessage(_tr("Stop the run first: the networks cannot change while it "
                               "trains"))
        return False
    key = _key(win)
    if not key:
        win.controls.error_label.setText(_tr(
            "Own networks plug into the gan, ae, vae and ae-vs-vae models; choose one of them "
            "under Model first"))
        return False
    win.controls.set_value(key, path)
    from ..core.models.user import ModelFileError, check_syntax

    try:
        check_syntax(path, key)
    except ModelFileError as e:
        win.controls.note(key, e.reason)
        status.showMessage(str(e))
        return False
    status.showMessage(_tr("Own networks from %1: checked by a trial pass when you press "
                           "Start").replace("%1", path), 8000)
    return True


def use_builtin(win) -> None:
    key = _key(win)
    if key and win.run.state == "idle":
        win.controls.set_value(key, "")


def show_failure(win, message: str) -> bool:
    """A run that failed on its model file: the line goes under the field (no dialog).
    True when `message` was about a model file."""
    for key in KEYS:
        if message.startswith(key + ":") and key in win.controls.fields:
            win.controls.note(key, message[len(key) + 1:].strip())
            win.statusBar().showMessage(message)
            return True
    return False


def confirm_resume(win, checkpoint: dict) -> bool:
    """A checkpoint of a model-file run whose file changed since: ask whether to train on
    with the file as it is now. True to go on (the checkpoint takes the new sha256)."""
    from ..core.models.user import accept_current, changed

    why = changed(checkpoint)
    if not why:
        return True
    answer = QMessageBox.question(
        win, _tr("Model file changed"),
        _tr("%1.\n\nTrain on with the file as it is now? (The weights must still fit the "
            "networks it builds.)").replace("%1", why))
    if answer != QMessageBox.StandardButton.Yes:
        win.statusBar().showMessage(why)
        return False
    accept_current(checkpoint)
    return True
