"""File > Use a folder of pictures: sets data.path, then says what the folder holds (pictures,
classes, their sizes, the decoded cache on disk) from a thread, so that a folder of 200,000
files never stalls the window; and the decode progress a run reports."""
from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QFileDialog

from ..core.free_memory import format_bytes


class FolderInfo(QObject):
    summarised = Signal(str, object)  # folder, FolderSummary or the error's text

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.summarised.connect(self._on_summarised)
        self._latest = ""
        self.last_text = ""

    def choose(self) -> None:
        w = self.window
        folder = QFileDialog.getExistingDirectory(w, self.tr("A folder of your pictures"))
        if folder:
            self.use(folder)

    def use(self, folder: str) -> None:
        """Train on `folder`; its summary arrives in the status bar when read."""
        w = self.window
        w.controls.set_value("data.path", folder)
        w.statusBar().showMessage(self.tr("Reading %1 …").replace("%1", folder))
        self._latest = folder
        d = w.controls.cfg.data
        args = (folder, d.image_size, d.crop, d.limit or None, w.controls.cfg.train.seed)
        threading.Thread(target=self._summarise, args=args, daemon=True,
                         name="studio-folder-summary").start()

    def _summarise(self, folder, size, crop, limit, seed) -> None:
        from ..core.data import DataError
        from ..core.data.folder import folder_summary

        try:
            result = folder_summary(folder, size, crop, limit, seed)
        except (DataError, OSError) as e:
            result = str(e)
        self.summarised.emit(folder, result)  # queued to the GUI thread

    def _on_summarised(self, folder: str, s) -> None:
        if folder != self._latest:
            return  # another folder was chosen since
        if isinstance(s, str):
            self.window.statusBar().showMessage(s)
            return
        cache = (self.tr("decoded cache %1 on disk").replace("%1", format_bytes(s.cache_bytes))
                 if s.cache_bytes else
                 self.tr("decoded into a cache of about %1 at Start").replace(
                     "%1", format_bytes(s.set_bytes)))
        text = self.tr("%1 pictures in %2 class(es), %3 to %4 px; %5 (press Start)")
        for k, v in (("%1", f"{s.n:,}"), ("%2", str(s.classes)),
                     ("%3", "×".join(map(str, s.smallest))),
                     ("%4", "×".join(map(str, s.largest))), ("%5", cache)):
            text = text.replace(k, v)
        self.last_text = text
        self.window.statusBar().showMessage(text)


def show_decode(window, done: int, total: int) -> None:
    """A run decoding its folder into the cache: the progress bar follows it."""
    c = window.controls
    text = QCoreApplication.translate("FolderInfo", "Decoding the pictures into the cache: %1 of %2")
    c.rate_label.setText(text.replace("%1", f"{done:,}").replace("%2", f"{total:,}"))
    if total:
        c.set_progress(0, 1, 0)
        bar = QCoreApplication.translate("FolderInfo", "decoding %1%")
        c.progress.setFormat(bar.replace("%1", str(100 * done // total)))
