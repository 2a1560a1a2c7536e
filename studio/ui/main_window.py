"""The studio window: docks the panels around the family's view and drives its runs through
the view's run handle (ui/run), whatever the family."""
from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

from PySide6.QtCore import (QCoreApplication, QEvent, QObject, QStandardPaths, Qt, QTimer,
                            Signal)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QDockWidget, QFileDialog, QLabel, QMainWindow,
                               QMessageBox, QScrollArea, QVBoxLayout, QWidget)

from ..config import RunConfig
from ..presets import DEFAULT_PRESET, PRESETS
from . import exports, i18n, layout, model_file, settings, status, theme
from .folder_data import FolderInfo, show_decode
from .panels.controls import ControlPanel
from .panels.losses import LossPanel
from .panels import gallery
from .panels.runs import RunsPanel, fill_recent_menu, open_run_folder
from .presentation import Presentation
from .run import messages
from .run.handle import preload_torch
from .views import View, make_view


def runs_root() -> Path:
    """Where the window writes its runs (GENERATIVE_STUDIO_RUNS overrides)."""
    env = os.environ.get("GENERATIVE_STUDIO_RUNS")
    if env:
        return Path(env)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".generative-studio") / "runs"


# Windows replaced by a language switch live on here (run_gui holds only the first).
_windows: list = []
DEFAULT_SIZE = (1600, 1000)  # a first start, shrunk to the screen


def new_run_dir(name: str) -> Path:
    """A folder for a new run: NAME-DATE-TIME, with -2, -3 ... when a run started in the same
    second already has that name (a run can start and stop within a second)."""
    base = runs_root() / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"
    path, n = base, 1
    while path.exists():
        n += 1
        path = base.with_name(f"{base.name}-{n}")
    return path


class MainWindow(QMainWindow):
    checkpoint_saved = Signal(str)  # path, emitted in the GUI thread
    replaced = Signal(object)  # the window rebuilt in another language

    def __init__(self, preset: str = DEFAULT_PRESET, cfg: RunConfig | None = None):
        super().__init__()
        self.setWindowTitle("Generative Studio")
        self.resize(*DEFAULT_SIZE)
        self.run_dir: Path | None = None
        self.resume_state: dict | None = None
        self.step = 0
        self.pending_language: str | None = None

        cfg = cfg.copy() if cfg is not None else PRESETS[preset].config()
        self.controls = ControlPanel(cfg)
        self.controls.preset.setCurrentText(preset)
        self.view: View = make_view(cfg)
        self.losses = LossPanel(self.view.curves, self.view.titles)
        self.setCentralWidget(self.view.widget)
        scroll = QScrollArea()  # the form can be taller than a laptop screen
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.form_scroll = scroll
        left = QWidget()
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        left_lay.addWidget(scroll, 1)
        left_lay.addWidget(self.controls.run_box)  # Start/Pause/Stop always in view
        self.form_dock = self._dock("Model && hyperparameters", self.tr("Model && hyperparameters"),
                                    left, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.loss_dock = self._dock("Losses", self.tr("Losses"), self.losses,
                                    Qt.DockWidgetArea.RightDockWidgetArea)
        self.runs = RunsPanel(runs_root)
        self.runs_dock = self._dock("Runs", self.tr("Runs"), self.runs,
                                    Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.loss_dock, self.runs_dock)
        self.loss_dock.raise_()
        self.runs.continue_requested.connect(self.open_checkpoint)

        self.state_label = QLabel()
        self.device_label = QLabel()
        status.install(self)
        self._make_actions()

        self.controls.start_requested.connect(self._on_start)
        self.controls.pause_requested.connect(self._on_pause)
        self.controls.stop_requested.connect(lambda: self.run.stop())
        self.controls.preset_chosen.connect(self.load_preset)
        self.controls.config_changed.connect(self._on_config_changed)
        self._connect_run()
        self._on_state("idle")
        self._show_view_docks()
        self.device_label.setText(self.tr("Device: %1").replace("%1",
                                                                self.controls.cfg.train.device))
        theme.install(self)  # View > Light / Dark, and the theme saved last time
        self._form_width()
        self.restored = settings.restore_window(self)
        self._fitted = False
        self.presentation = Presentation(self)
        view_menu = self.view_menu  # made by theme.install
        view_menu.addSeparator()
        present = QAction(self.tr("&Presentation mode"), self)
        present.setShortcut(QKeySequence("F11"))
        present.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        present.triggered.connect(self.presentation.toggle)
        view_menu.addAction(present)
        self.addAction(present)  # F11 works with the menu bar hidden too
        self._make_language_menu()

    # -- fitting the screen --------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._fitted:  # the first show: the frame and the screen are known now
            self._fitted = True
            layout.fit_to_screen(self)
            if not self.restored:
                self.balance_docks()
            QTimer.singleShot(0, self, lambda: layout.fit_to_screen(self))

    def _form_width(self) -> int:
        """The narrowest the form can be: what its fields need, labels shortened."""
        scroll = self.form_scroll
        need = (max(self.controls.minimumSizeHint().width(),
                    self.controls.run_box.minimumSizeHint().width())
                + scroll.verticalScrollBar().sizeHint().width() + 2 * scroll.frameWidth())
        scroll.setMinimumWidth(need)
        return need

    def balance_docks(self) -> None:
        """Give the docks their shares of the window, so the view gets the rest."""
        layout.balance_docks(self, self.form_dock, self._form_width(),
                             [self.loss_dock, self.runs_dock])

    def _dock(self, name: str, title: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # untranslated: saved layouts work in every language
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def _make_actions(self) -> None:
        def action(menu, text, slot, shortcut=None):
            a = QAction(text, self)
            if shortcut:
                a.setShortcut(QKeySequence(shortcut))
                self.addAction(a)  # works with the menu bar hidden (presentation mode) too
            a.triggered.connect(slot)
            menu.addAction(a)
            return a

        file = self.menuBar().addMenu(self.tr("&File"))
        self.open_action = action(file, self.tr("&Open checkpoint…"), self._on_open, "Ctrl+O")
        self.save_action = action(file, self.tr("&Save checkpoint…"), self._on_save, "Ctrl+S")
        action(file, self.tr("Use my own &data…"), self._on_choose_data, "Ctrl+D")
        self.folder_info = FolderInfo(self)
        action(file, self.tr("Use a &folder of pictures…"), self.folder_info.choose)
        action(file, self.tr("Presets &gallery…"), lambda: gallery.show_gallery(self), "Ctrl+G")
        action(file, self.tr("Open &run folder…"),
               lambda: open_run_folder(self.runs, self.runs_dock))
        recent = file.addMenu(self.tr("Recent r&uns"))
        recent.aboutToShow.connect(lambda: fill_recent_menu(recent, self.runs, self.runs_dock))
        file.addSeparator()
        action(file, self.tr("Export samples as &PNG…"), self._on_export_png, "Ctrl+E")
        action(file, self.tr("Export losses as &CSV…"), self._on_export_csv, "Ctrl+Shift+E")
        export = file.addMenu(self.tr("E&xport"))
        action(export, self.tr("Animated &GIF of samples…"), lambda: exports.on_export_gif(self))
        action(export, self.tr("Plots as &PNG…"), lambda: exports.on_export_plots(self, "png"))
        action(export, self.tr("Plots as &SVG…"), lambda: exports.on_export_plots(self, "svg"))
        action(export, self.tr("&Model (TorchScript, ONNX)…"), lambda: exports.on_export_model(self))
        self.copy_figure_action = action(export, self.tr("&Copy figure"),
                                         lambda: exports.copy_figure(self), "Ctrl+Shift+C")
        file.addSeparator()
        action(file, self.tr("&Quit"), self.close, "Ctrl+Q")
        run = self.menuBar().addMenu(self.tr("&Run"))
        action(run, self.tr("&Start"), self._on_start_shortcut, "Ctrl+Return")
        action(run, self.tr("&Pause / Resume"), lambda: self.run.toggle_pause(), "Ctrl+P")
        action(run, self.tr("S&top"), lambda: self.run.stop(), "Ctrl+.")
        model_file.install(self)  # Model > Load model file…

    # -- language ---------------------------------------------------------------------------------
    def _make_language_menu(self) -> None:
        from PySide6.QtGui import QActionGroup

        menu = self.menuBar().addMenu(self.tr("&Language"))
        group = QActionGroup(self)
        self.language_actions = {}
        for lang, name in i18n.LANGUAGES.items():
            a = QAction(name, self)  # each language in its own words, findable in either
            a.setCheckable(True)
            a.setChecked(lang == i18n.current())
            a.triggered.connect(lambda _checked=False, lang=lang: self.set_language(lang))
            group.addAction(a)
            menu.addAction(a)
            self.language_actions[lang] = a

    def set_language(self, lang: str) -> None:
        """Switch the interface language: now when idle, else when the run stops."""
        settings.put("language", lang)
        self.language_actions[lang].setChecked(True)
        if self.run.state != "idle":
            self.pending_language = lang
            self.statusBar().showMessage(self.tr("The language changes when the run stops."))
            return
        self.pending_language = lang
        self._apply_pending_language()

    def _apply_pending_language(self) -> None:
        lang, self.pending_language = self.pending_language, None
        if not lang or self.run.state != "idle" or lang == i18n.current():
            return
        i18n.install(lang)
        self.rebuild()

    def rebuild(self) -> "MainWindow":
        """A fresh window (texts in the current language) on the same settings and layout;
        a stopped run's checkpoint is opened again so Start continues it."""
        preset = self.controls.preset.currentText()
        cfg = self.controls.cfg
        present = self.presentation.active
        if present:
            self.presentation.leave()
        new = MainWindow(preset if preset in PRESETS else DEFAULT_PRESET, cfg)
        carried = self.view.carry()  # what the view holds itself (an EM fit)
        if carried is not None:
            new.set_view(cfg, carried)
        new.restoreGeometry(self.saveGeometry())
        if not (self.isMaximized() or self.isFullScreen()):
            new.setGeometry(self.geometry())  # restoreGeometry shrinks a window to the screen
        new.restoreState(self.saveState())
        checkpoint = self.run_dir / "checkpoint.pt" if self.run_dir else None
        if self.resume_state is not None:
            new.resume_state, new.step, new.run_dir = self.resume_state, self.step, self.run_dir
            new.losses.reset(self.resume_state.get("history"))
            new.controls.set_progress(self.step, cfg.train.steps, 0)
        elif self.step > 0 and checkpoint is not None and checkpoint.exists():
            new.open_checkpoint(str(checkpoint))
        preview = self.view.last_preview()
        if preview is not None and new.view.cfg.model == self.view.cfg.model:
            new.view.restore_preview(preview)
        _windows.append(new)
        new.show()
        if present:
            new.presentation.enter()
        self.close()
        if self in _windows:
            _windows.remove(self)
        self.deleteLater()  # its application-wide F11 would clash with the new window's
        self.replaced.emit(new)
        return new

    # -- presets and config -------------------------------------------------------------------
    def load_preset(self, name: str) -> None:
        if self.run.state != "idle":
            return
        self.resume_state = None
        self.step = 0  # a fresh preset: no run on screen
        cfg = PRESETS[name].config()
        self.controls.set_config(cfg, preset=name)
        self.set_view(cfg)
        self.controls.set_progress(0, cfg.train.steps, 0)

    @property
    def run(self):
        """The run handle of the view on screen: start, pause, stop and ask its runs."""
        return self.view.handle

    def _connect_run(self) -> None:
        self.run.state_changed.connect(self._on_state)
        self.run.event.connect(self._on_event)

    def set_view(self, cfg: RunConfig, carried=None) -> None:
        """Show what the model family needs (a fresh view, with a run handle of its own; a
        run the old view's session still answered for ends)."""
        old = self.view
        self.view = make_view(cfg.copy(), carried)
        self.setCentralWidget(self.view.widget)  # Qt deletes the old central widget
        old.close()
        self._connect_run()
        self.losses.configure(self.view.curves, self.view.titles)
        theme.restyle(self)  # the new view's plots follow the theme
        self._show_view_docks()
        if not self.presentation.active:  # after Qt has laid the new view out
            QTimer.singleShot(0, self, self._after_view_change)

    def _after_view_change(self) -> None:
        if not self.presentation.active:
            self.balance_docks()
            layout.fit_to_screen(self)

    def _show_view_docks(self) -> None:
        self.loss_dock.setVisible(bool(self.view.curves))
        self.controls.set_run_buttons_visible(self.view.run_controls)

    def _on_config_changed(self, cfg: RunConfig) -> None:
        if not self.controls.is_valid():
            return
        if self.run.state in ("running", "paused"):
            self.run.request("hyper", cfg)  # live settings take effect at the next step
        elif self.view.wants_new_view(cfg):
            try:
                self.set_view(cfg)
            except ValueError as e:  # a data file that cannot be read, a bad init file
                self.statusBar().showMessage(str(e))

    # -- running ---------------------------------------------------------------------------------
    def _on_start_shortcut(self) -> None:
        if self.controls.start_btn.isEnabled() or not self.view.run_controls:
            self._on_start()

    def _on_start(self) -> None:
        if self.run.state != "idle" or not self.controls.is_valid():
            return
        cfg = self.controls.cfg.copy()
        resume, mode = self.resume_state, "resume"
        if resume is None:
            self.losses.reset()
            self.view.reset()
            mode = "new"
            if self.view.keeps_runs:
                self.run_dir = new_run_dir(self.controls.preset.currentText())
        self.run.start(cfg, self.run_dir if self.view.keeps_runs else None, mode, resume)
        self.resume_state = None

    def _on_event(self, event) -> None:
        """Everything a run reports, in the GUI thread; the view hears every event too."""
        kind, d = event.kind, event.data
        if kind == "metrics":
            self.losses.append(d["columns"])
        elif kind == "progress":
            self.step = d["step"]
            self.controls.set_progress(d["step"], d["total"], d["rate"])
        elif kind == "started":  # after any download or decode: the bar counts steps again
            self.device_label.setText(self.tr("Device: %1").replace("%1", d["device"]))
            self.controls.progress.setFormat(QCoreApplication.translate("ControlPanel",
                                                                        "%v / %m steps"))
        elif kind == "download":
            self._on_download(d["done"], d["total"])
        elif kind == "decode":
            show_decode(self, d["done"], d["total"])
        elif kind == "saved":
            self._on_saved(d["path"])
        elif kind == "diverged":
            self._on_diverged(messages.text(event))
        elif kind == "failed":
            self._on_failed(messages.text(event))
        elif kind == "request_failed":
            self.statusBar().showMessage(messages.text(event))
        elif messages.has_text(event):  # out of memory, a full disk, skipped files ...
            self._on_warning(messages.text(event))
        self.view.on_event(event)

    def _on_download(self, done: int, total: int) -> None:
        mb = (self.tr("%1 MB of %2 MB").replace("%2", f"{total / 1e6:.1f}") if total
              else self.tr("%1 MB")).replace("%1", f"{done / 1e6:.1f}")
        self.controls.rate_label.setText(self.tr("Downloading the data set: %1").replace("%1", mb))
        if total:
            self.controls.set_progress(0, 1, 0)
            self.controls.progress.setFormat(self.tr("download %1%").replace(
                "%1", str(100 * done // total)))

    def _on_saved(self, path: str) -> None:
        self.statusBar().showMessage(self.tr("Saved %1").replace("%1", path), 5000)
        self.checkpoint_saved.emit(path)

    def _on_pause(self, pause: bool) -> None:
        self.run.pause(pause)

    def _on_state(self, state: str) -> None:
        self.controls.set_run_state(state)
        self.state_label.setText(self.tr("State: %1").replace("%1", i18n.text_in("state", state)))
        self.open_action.setEnabled(state == "idle")
        if state in ("running", "idle") and self.run_dir is not None and self.runs.isVisible():
            self.runs.refresh()  # the window's own run is in the list while and after it runs
        if state == "idle" and self.pending_language:
            QTimer.singleShot(0, self._apply_pending_language)  # after the stop's own slots

    def _on_diverged(self, message: str) -> None:
        self.statusBar().showMessage(message)
        if QMessageBox.warning(self, self.tr("Training diverged"), message + "\n\n" + self.tr(
                "The run is paused. Roll back to the last good checkpoint now?"),
                QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Ignore
        ) == QMessageBox.StandardButton.Retry:
            self.roll_back()

    def roll_back(self) -> bool:
        """End the run and load its last good checkpoint, ready to Start again."""
        path = self.run_dir / "checkpoint.pt" if self.run_dir else None
        self.run.close()
        if path is None or not path.exists():
            self.statusBar().showMessage(self.tr("No checkpoint to roll back to yet"))
            return False
        return self.open_checkpoint(str(path))

    def _on_warning(self, message: str) -> None:
        self.statusBar().showMessage(message)
        QMessageBox.warning(self, self.tr("Training"), message)

    def _on_failed(self, message: str) -> None:
        self.statusBar().showMessage(message)
        self.controls.progress.setFormat(QCoreApplication.translate("ControlPanel",
                                                                    "%v / %m steps"))
        if model_file.show_failure(self, message):  # its line goes under the field
            return
        if "download failed" in message or "data.path" in message:
            # Offline, or the data set is elsewhere: offer to point at a folder that has it.
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Data set not available"),
                              message, QMessageBox.StandardButton.Cancel, self)
            choose = box.addButton(self.tr("Choose folder…"), QMessageBox.ButtonRole.AcceptRole)
            box.exec()
            if box.clickedButton() is choose:
                folder = QFileDialog.getExistingDirectory(self, self.tr("Folder with the data set"))
                if folder:
                    self.controls.set_value("data.path", folder)
            return
        QMessageBox.critical(self, self.tr("Could not train"), message)

    # -- files -------------------------------------------------------------------------------------
    def _on_save(self) -> None:
        """Save the run's checkpoint where the user says: the running run's, or after Stop
        (or the end) the one it left in its run folder. The dialog opens in that folder."""
        done = self.run_dir / "checkpoint.pt" if self.run_dir else None
        if not self.run.live and (done is None or not done.is_file()):
            QMessageBox.information(self, self.tr("Nothing to save"), self.tr(
                "Start a run first: there is no checkpoint to save yet.") if self.view.keeps_runs
                else self.tr("An EM fit is stepped in its view and has no checkpoint; export "
                             "its picture with Ctrl+E."))
            return
        name = f"checkpoint-step{self.step}.pt"  # the folder already names the run
        folder = self.run_dir if self.run_dir and self.run_dir.is_dir() else runs_root()
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save checkpoint"),
                                              str(folder / name), self.tr("Checkpoints (*.pt)"))
        if path:
            self.save_checkpoint(path)

    def save_checkpoint(self, path: str) -> bool:
        """The run saves itself (running, or its session still there after it); otherwise
        the checkpoint it left in its run folder is copied."""
        if self.run.request("save", path):
            return True
        source = self.run_dir / "checkpoint.pt" if self.run_dir else None
        if source is None or not source.is_file():
            return False
        target = Path(path)
        if target.resolve() == source.resolve():
            self._on_saved(str(target))  # it is there already
            return True
        tmp = target.with_name(f".{target.name}.part")
        try:  # a copy beside it, then renamed: never a half-written checkpoint
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            self.statusBar().showMessage(self.tr("Could not save %1: %2").replace(
                "%1", str(target)).replace("%2", e.strerror or str(e)))
            return False
        self._on_saved(str(target))
        return True

    def _on_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open checkpoint"), str(runs_root()),
                                              self.tr("Checkpoints (*.pt)"))
        if path:
            self.open_checkpoint(path)

    def open_checkpoint(self, path: str) -> bool:
        """Load a checkpoint so that Start continues it at the same step with the same curves."""
        if self.run.state != "idle":
            return False
        from ..core.rundir import CheckpointError, load_checkpoint  # torch: loaded after show

        try:
            ck = load_checkpoint(path)
        except CheckpointError as e:
            QMessageBox.warning(self, self.tr("Cannot open checkpoint"), str(e))
            return False
        if not model_file.confirm_resume(self, ck):
            return False
        self.controls.set_config(ck["config"])
        self.set_view(ck["config"])
        try:
            self.view.opened(ck)  # (EM: the fit steps on from the checkpoint's parameters)
        except CheckpointError as e:
            QMessageBox.warning(self, self.tr("Cannot open checkpoint"), str(e))
            return False
        self.losses.reset(ck["history"])
        self.controls.set_progress(ck["step"], ck["config"].train.steps, 0)
        self.resume_state = ck
        self.step = ck["step"]
        parent = Path(path).parent
        self.run_dir = parent if (parent / "config.json").exists() else new_run_dir("resumed")
        opened = (self.tr("Opened %1 at step %2; press Start to continue") if self.view.run_controls
                  else self.tr("Opened %1 at step %2; step on with E-step, M-step or Play"))
        self.statusBar().showMessage(opened.replace("%1", path).replace("%2", str(ck["step"])))
        return True

    def _on_choose_data(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Use my own data"), "",
            self.tr("Points or images (*.npz *.csv);;All files (*)"))
        if path:
            self.controls.set_value("data.path", path)
            using = (self.tr("Training data: %1 (press Start)") if self.view.run_controls
                     else self.tr("Training data: %1 (step with E-step, M-step or Play)"))
            self.statusBar().showMessage(using.replace("%1", path), 8000)

    def _on_export_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export samples"), "samples.png",
                                              "PNG (*.png)")
        if path:
            self.export_png(path)

    def export_png(self, path: str) -> bool:
        return self.view.export_png(path)

    def _on_export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export losses"), "losses.csv",
                                              "CSV (*.csv)")
        if path:
            self.losses.export_csv(path)

    def closeEvent(self, event) -> None:
        # End the run and wait for it (it saves): never "QThread: Destroyed while running".
        self.run.close()
        self.runs.close_tasks()  # an evaluation in the background
        settings.save_window(self)
        super().closeEvent(event)


class _FirstExpose(QObject):
    """Calls `then` once, soon after the window is first exposed (Qt paints it then)."""

    def __init__(self, win, then):
        super().__init__(win)
        self.then = then
        win.windowHandle().installEventFilter(self)
        QTimer.singleShot(1000, self._go)  # a platform that never sends an expose

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Expose and obj.isExposed():
            QTimer.singleShot(50, self._go)
        return False

    def _go(self) -> None:
        if self.then is not None:
            then, self.then = self.then, None
            then()


def after_first_paint(win, then) -> None:
    _FirstExpose(win, then)


def run_gui(argv: list[str]) -> int:
    preset = DEFAULT_PRESET
    if "--preset" in argv:
        i = argv.index("--preset")
        if i + 1 < len(argv) and argv[i + 1] in PRESETS:
            preset = argv[i + 1]
        else:
            print(f"error: --preset: one of {', '.join(PRESETS)}", file=sys.stderr)
            return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Generative Studio")
    app.setOrganizationName("Generative Studio")
    i18n.install(i18n.saved_language())
    win = MainWindow(preset)
    win.show()
    # torch takes 1-2 s to import: load it behind the shown window (runs wait for it), once
    # the window has painted: importing holds the interpreter, and a window shown while it
    # does stays black until it is done. Leave a core to the GUI thread: spinning OpenMP
    # threads that compete with the painter slow small models down many times over
    # (`main.py bench` measures it).
    threads = max(1, (os.cpu_count() or 2) - 1)
    after_first_paint(win, lambda: preload_torch(threads))
    if not os.environ.get("GENERATIVE_STUDIO_QUIT_WHEN_SHOWN"):
        gallery.show_on_first_start(win)  # a new user starts from a picture, not a form
    if os.environ.get("GENERATIVE_STUDIO_QUIT_WHEN_SHOWN"):
        # `main.py bench` times start-up: report once the window is up and painted, then quit.
        from PySide6.QtCore import QTimer

        def shown() -> None:
            print("window shown", flush=True)
            app.quit()

        QTimer.singleShot(0, shown)
    return app.exec()
