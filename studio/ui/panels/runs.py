"""Past and live runs: a list of run directories, and the curves and newest sample of one.

The list reads only config.json and metrics.csv's first and last lines per run, so a folder
of hundreds of runs lists quickly. Following a run polls a RunFollower on a timer, which
reads only what the writer (the CLI, this window, another machine on a shared folder)
appended since the last poll.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QLabel, QProgressBar,
                               QPushButton, QSplitter, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from ...core.evaluate import read_result
from ...core.follow import RunFollower, Update, find_runs, summarize
from .. import settings, theme
from ..flow import FlowLayout
from ...families import FAMILIES
from .losses import LossPanel
from .run_evaluation import EVAL_COLUMNS, FIRST_COL, EvaluateMixin, eval_cells

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#e1a100"]


def curves_for(model: str, columns: list[str]):
    """(curves, titles) for the loss panel: the family's own curves among the columns, or
    the first few columns in one plot for a family the panel does not know."""
    f = FAMILIES.get(model)
    if f is not None:
        curves = [(c.plot, c.key, c.label, c.colour) for c in f.curves if c.key in columns]
        if curves:
            return curves, f.plots
    names = [c for c in columns if c != "step"][:len(PALETTE)]
    return [(0, n, n, colour) for n, colour in zip(names, PALETTE)], (("Metrics", "value"),)


STEPS_COL = 3
METRICS_COL = FIRST_COL + len(EVAL_COLUMNS)


def _metrics_text(last: dict[str, float], n: int = 3) -> str:
    return "  ".join(f"{k} {v:.3g}" for k, v in list(last.items())[:n])


class RunsPanel(EvaluateMixin, QWidget):
    run_opened = Signal(str)
    continue_requested = Signal(str)  # a checkpoint.pt to continue training from

    COLUMNS = METRICS_COL + 1
    POLL_MS = 250

    def __init__(self, root: Callable[[], Path], parent=None):
        super().__init__(parent)
        self.root = root
        self.path: Path | None = None
        self.follower: RunFollower | None = None
        self.sample_path: Path | None = None
        self._configured = False
        self._last_rows = 0.0

        self.refresh_btn = QPushButton(self.tr("Refresh"))
        self.add_btn = QPushButton(self.tr("Add folder…"))
        self.follow_btn = QPushButton(self.tr("Follow live"))
        self.follow_btn.setCheckable(True)
        self.follow_btn.setToolTip(self.tr("Watch the selected run update while it is written "
                                           "(by the command line, or another machine)"))
        self.continue_btn = QPushButton(self.tr("Continue training"))
        self.continue_btn.setToolTip(self.tr("Load this run's checkpoint into the window"))
        self.evaluate_btn = QPushButton(self.tr("Evaluate"))
        self.evaluate_btn.setToolTip(self.tr(
            "FID (when the Inception weights are here), a classifier's Fréchet distance and "
            "precision/recall of this run's samples, in the background; saved in the run "
            "folder and shown in the list"))
        self.compare_btn = QPushButton(self.tr("Compare"))
        self.compare_btn.setToolTip(self.tr("Select several runs (Ctrl+click) to overlay their "
                                            "curves and step through their samples together"))
        buttons = FlowLayout.of((self.refresh_btn, self.add_btn, self.follow_btn,
                                 self.continue_btn, self.evaluate_btn, self.compare_btn))
        self.task = None  # the evaluation running, if any
        self.eval_progress = QProgressBar()
        self.eval_progress.setVisible(False)

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("Run"), self.tr("Model"), self.tr("Data"),
                                   self.tr("Steps")]
                                  + [self.tr(title) for title, _, _ in EVAL_COLUMNS]
                                  + [self.tr("Last metrics")])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.status = QLabel(self.tr("Pick a run to see its curves and newest samples."))
        self.status.setWordWrap(True)

        self.losses = LossPanel([], (("Losses", "loss"),))
        self.image_view = pg.GraphicsLayoutWidget()
        self.image_view.setBackground("w")
        box = self.image_view.addViewBox(lockAspect=True, invertY=True)
        box.setMouseEnabled(False, False)
        self.image = pg.ImageItem(axisOrder="row-major")
        box.addItem(self.image)
        self.sample_label = QLabel()
        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.image_view, 1)
        dl.addWidget(self.sample_label)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self.losses)
        split.addWidget(detail)
        split.setSizes([150, 440, 220])
        # Readable however small the dock: the list, the curves and the sample keep room.
        split.setChildrenCollapsible(False)
        self.tree.setMinimumHeight(80)
        self.losses.setMinimumHeight(220)
        detail.setMinimumHeight(100)
        self.splitter = split
        lay = QVBoxLayout(self)
        lay.addLayout(buttons)
        lay.addWidget(self.status)
        lay.addWidget(self.eval_progress)
        lay.addWidget(split, 1)

        self.timer = QTimer(self)
        self.timer.setInterval(self.POLL_MS)
        self.timer.timeout.connect(self._on_timer)
        self.refresh_btn.clicked.connect(self.refresh)
        self.add_btn.clicked.connect(self.choose_folder)
        self.follow_btn.toggled.connect(self._on_follow_toggled)
        self.continue_btn.clicked.connect(self._on_continue)
        self.evaluate_btn.clicked.connect(self._on_evaluate)
        self.compare_btn.clicked.connect(self._on_compare)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.compare_view = None
        self.tree.itemActivated.connect(self._on_item_activated)
        self.tree.itemClicked.connect(self._on_item_activated)
        self._update_buttons()

    # -- the list --------------------------------------------------------------------------------
    def folders(self) -> list[Path]:
        return [self.root()] + [Path(f) for f in settings.run_folders()]

    def refresh(self) -> None:
        seen: set[Path] = set()
        runs: list[Path] = []
        for folder in self.folders():
            for run in find_runs(folder):
                if run.resolve() not in seen:
                    seen.add(run.resolve())
                    runs.append(run)
        for recent in settings.recent_runs():
            p = Path(recent)
            if p.resolve() not in seen and (p / "config.json").is_file():
                seen.add(p.resolve())
                runs.append(p)
        self.tree.clear()
        for run in runs:
            s = summarize(run)
            if s is None:
                continue
            steps = f"{s.steps_done} / {s.steps_total}" if s.steps_total else str(s.steps_done)
            result = read_result(run)
            item = QTreeWidgetItem([run.name, s.model, Path(s.data).name or s.data, steps]
                                   + eval_cells(result) + [_metrics_text(s.last)])
            item.setData(0, Qt.ItemDataRole.UserRole, str(run))
            item.setToolTip(0, str(run))
            self._eval_tips(item, result)
            item.setToolTip(METRICS_COL, _metrics_text(s.last, n=len(s.last)))
            self.tree.addTopLevelItem(item)
            if self.path is not None and run.resolve() == self.path.resolve():
                self.tree.setCurrentItem(item)
        for col in range(self.COLUMNS - 1):
            self.tree.resizeColumnToContents(col)

    def run_paths(self) -> list[str]:
        return [self.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
                for i in range(self.tree.topLevelItemCount())]

    def add_folder(self, path) -> None:
        """Remember a folder of runs (or one run) and list what is in it."""
        path = Path(path)
        settings.add_run_folder(str(path))
        self.refresh()
        if (path / "config.json").is_file():
            self.open_run(path)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder with runs"),
                                                  str(self.root()))
        if folder:
            self.add_folder(folder)

    def _on_item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        path = Path(item.data(0, Qt.ItemDataRole.UserRole))
        if self.path is None or path.resolve() != self.path.resolve():
            self.open_run(path, follow=self.follow_btn.isChecked())

    # -- one run ---------------------------------------------------------------------------------
    def open_run(self, path, follow: bool = False) -> None:
        """Show a run's curves and newest sample (reading metrics.csv once); follow it live
        when asked. The folder may not exist yet: following waits for the writer."""
        self.path = Path(path)
        self.follower = RunFollower(self.path)
        self._configured = False
        self.sample_path = None
        self.losses.configure([], (("Losses", "loss"),))
        self.image.clear()
        self.sample_label.setText("")
        self._last_rows = time.monotonic()
        self._apply(self.follower.poll())
        if (self.path / "config.json").is_file():
            settings.add_recent_run(str(self.path))
            if self._item_for(self.path) is None:
                self.refresh()  # listed now (a recent run), and selected
        self.follow(follow)
        self._update_status()
        self._update_buttons()
        self.run_opened.emit(str(self.path))

    def follow(self, on: bool = True) -> None:
        if on and self.follower is None:
            return
        if self.follow_btn.isChecked() != on:
            self.follow_btn.setChecked(on)  # comes back through _on_follow_toggled
            return
        if on:
            self.timer.start()
        else:
            self.timer.stop()
        self.follow_btn.setText(self.tr("Stop following") if on else self.tr("Follow live"))
        self._update_status()

    @property
    def following(self) -> bool:
        return self.timer.isActive()

    def follow_path(self, path) -> None:
        self.open_run(path, follow=True)

    def _on_follow_toggled(self, on: bool) -> None:
        if on and self.follower is None:
            item = self.tree.currentItem()
            if item is None:
                self.follow_btn.setChecked(False)
                self.status.setText(self.tr("Pick a run in the list first, then Follow it."))
                return
            self.open_run(Path(item.data(0, Qt.ItemDataRole.UserRole)), follow=True)
            return
        self.follow(on)

    def _on_timer(self) -> None:
        if self.follower is None:
            return
        update = self.follower.poll()
        self._apply(update)
        self._update_status()
        item = self._item_for(self.path)
        if item is None and (self.path / "config.json").is_file():
            self.refresh()  # a run that started after the list was read
        elif item is not None and update.n:
            self._update_item(item, update.rows)

    def _item_for(self, path: Path) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if Path(item.data(0, Qt.ItemDataRole.UserRole)) == path:
                return item
        return None

    def _update_item(self, item: QTreeWidgetItem, rows: dict[str, np.ndarray]) -> None:
        total = item.text(STEPS_COL).partition(" / ")[2]
        step = str(int(rows["step"][-1]))
        item.setText(STEPS_COL, f"{step} / {total}" if total else step)
        last = {k: float(v[-1]) for k, v in rows.items() if k != "step" and np.isfinite(v[-1])}
        item.setText(METRICS_COL, _metrics_text(last))
        self.tree.resizeColumnToContents(STEPS_COL)

    def _apply(self, update: Update) -> None:
        if update.reset:
            self._configured = False
            self.losses.configure([], (("Losses", "loss"),))
        if update.n:
            if not self._configured:
                s = summarize(self.path)
                curves, titles = curves_for(s.model if s else "", self.follower.columns or [])
                self.losses.configure(curves, titles)
                theme.restyle(self.losses)
                self._configured = True
            self.losses.append(update.rows)
            self._last_rows = time.monotonic()
        if update.sample is not None:
            self._show_sample(update.sample)

    def _show_sample(self, path: Path) -> None:
        from PIL import Image

        try:
            with Image.open(path) as im:
                img = np.asarray(im.convert("RGB"))
        except OSError:  # still being copied onto a shared folder: the next poll retries
            self.follower.retry_sample()
            return
        self.image.setImage(img)
        self.sample_path = path
        self.sample_label.setText(self.tr("Newest sample: %1").replace("%1", path.name))

    def _update_status(self) -> None:
        if self.path is None:
            return
        n = self.losses.point_count()
        steps = self.losses.buffer.get("step")
        last = int(steps[-1]) if len(steps) else 0
        text = self.tr("%1: %2 rows, step %3").replace("%1", self.path.name) \
            .replace("%2", str(n)).replace("%3", str(last))
        if self.following:
            quiet = time.monotonic() - self._last_rows
            text += " — " + (self.tr("following live") if quiet < 5 else
                             self.tr("following; nothing new for %1 s").replace(
                                 "%1", str(int(quiet))))
        self.status.setText(text)

    def _update_buttons(self) -> None:
        has_ck = self.path is not None and (self.path / "checkpoint.pt").is_file()
        self.continue_btn.setEnabled(has_ck)
        self.evaluate_btn.setEnabled(has_ck or self.task is not None)
        self.compare_btn.setEnabled(len(self.selected_paths()) >= 2)

    def selected_paths(self) -> list[Path]:
        return [Path(item.data(0, Qt.ItemDataRole.UserRole))
                for item in self.tree.selectedItems()]

    # -- comparing ---------------------------------------------------------------------------------
    def _on_compare(self) -> None:
        self.compare(self.selected_paths())

    def compare(self, paths) -> object:
        """Open the compare view on these runs (a window of its own)."""
        from .compare import CompareView

        if self.compare_view is not None:
            self.compare_view.close()
            self.compare_view.deleteLater()
        # A window of its own, owned by the panel: it closes with the studio's window.
        self.compare_view = CompareView([Path(p) for p in paths], self)
        self.compare_view.show()
        return self.compare_view

    def _on_continue(self) -> None:
        if self.path is not None and (self.path / "checkpoint.pt").is_file():
            self.follow(False)
            self.continue_requested.emit(str(self.path / "checkpoint.pt"))

    def shows_run(self) -> bool:
        """A run is open here and the panel is on screen (not a hidden tab)."""
        return self.path is not None and self.isVisible() and not self.visibleRegion().isEmpty()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()


def open_run_folder(panel: RunsPanel, dock) -> None:
    """File > Open run folder: bring the Runs panel forward and ask for a folder."""
    dock.show()
    dock.raise_()
    panel.choose_folder()


def fill_recent_menu(menu, panel: RunsPanel, dock) -> None:
    """File > Recent runs, filled each time it opens (other windows may have added some)."""
    menu.clear()
    recent = [p for p in settings.recent_runs() if (Path(p) / "config.json").is_file()]
    for path in recent:
        action = menu.addAction(Path(path).name)
        action.setToolTip(path)
        action.triggered.connect(lambda _checked=False, p=path: (dock.show(), dock.raise_(),
                                                                  panel.open_run(p)))
    if not recent:
        menu.addAction(QCoreApplication.translate("RunsPanel", "(none yet)")).setEnabled(False)
