"""Evaluate in the Runs panel: core.evaluate in a background thread (EvaluateTask), the
list's evaluation columns, and the panel's Evaluate / Cancel handling (EvaluateMixin).

The work is torch (sampling, a small classifier, distances), which releases the GIL, so the
window keeps painting; Cancel is a flag the next progress report sees.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QThread, Signal
from PySide6.QtWidgets import QTreeWidgetItem

from ...core.evaluate import Cancelled, evaluate_run, summary


def _tr(text: str) -> str:
    return QCoreApplication.translate("RunsPanel", text)


# The Runs list's evaluation columns: (column title, evaluation.json key, digits)
EVAL_COLUMNS = (("FID", "fid", 4), ("FD", "fd_classifier", 4),
                (QT_TRANSLATE_NOOP("RunsPanel", "Precision"), "precision", 3),
                (QT_TRANSLATE_NOOP("RunsPanel", "Recall"), "recall", 3))
# core.evaluate's stages, for the translation tool (shown through _tr)
STAGES = (QT_TRANSLATE_NOOP("RunsPanel", "loading the run"),
          QT_TRANSLATE_NOOP("RunsPanel", "drawing samples"),
          QT_TRANSLATE_NOOP("RunsPanel", "training the feature classifier"),
          QT_TRANSLATE_NOOP("RunsPanel", "features"), QT_TRANSLATE_NOOP("RunsPanel", "distances"),
          QT_TRANSLATE_NOOP("RunsPanel", "FID (Inception)"))
FIRST_COL = 4  # after Run, Model, Data, Steps


def eval_cells(result: dict | None) -> list[str]:
    """The evaluation columns' texts (blank where the run was not evaluated)."""
    cells = []
    for _, key, digits in EVAL_COLUMNS:
        v = (result or {}).get(key if key != "fd_classifier" or "fd_points" not in (result or {})
                                else "fd_points")
        cells.append(f"{v:.{digits}g}" if isinstance(v, (int, float)) else "")
    return cells


class EvaluateTask(QThread):
    progressed = Signal(str, int, int)  # stage, done, total (0: no count)
    succeeded = Signal(object)  # the result dict (also in RUN_DIR/evaluation.json)
    failed = Signal(str)  # one line; "" when cancelled

    def __init__(self, run_dir, n: int = 1000, parent=None):
        super().__init__(parent)
        self.run_dir, self.n = run_dir, n
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def _progress(self, stage: str, done: int, total: int) -> None:
        if self._cancel:
            raise Cancelled
        self.progressed.emit(stage, done, total)

    def run(self) -> None:
        try:
            result = evaluate_run(self.run_dir, self.n, progress=self._progress)
        except Cancelled:
            self.failed.emit("")
        except (ValueError, OSError) as e:  # ConfigError, DataError, CheckpointError ...
            self.failed.emit(str(e).splitlines()[0] if str(e) else type(e).__name__)
        except Exception as e:  # never take the window down; say what broke
            self.failed.emit(f"{type(e).__name__}: {e}")
        else:
            self.succeeded.emit(result)


class EvaluateMixin:
    """RunsPanel's evaluation: needs path, task, evaluate_btn, eval_progress, status,
    _item_for() and _update_buttons() of the panel."""

    def _eval_tips(self, item: QTreeWidgetItem, result: dict | None) -> None:
        if not result:
            return
        tip = summary(result) + _tr(" (n=%1, step %2)").replace(
            "%1", str(result.get("n_fake"))).replace("%2", str(result.get("step")))
        for note in ("fid_note", "features_note"):
            if result.get(note):
                tip += "\n" + result[note]
        for col in range(FIRST_COL, FIRST_COL + len(EVAL_COLUMNS)):
            item.setToolTip(col, tip)

    def evaluate(self, path=None, n: int = 1000) -> bool:
        """Evaluate a run (the open one) in the background; False when one is running."""
        path = Path(path) if path is not None else self.path
        if self.task is not None or path is None:
            return False
        self.task = EvaluateTask(path, n, self)
        self.task.progressed.connect(self._on_eval_progress)
        self.task.succeeded.connect(lambda result, p=path: self._on_eval_done(p, result))
        self.task.failed.connect(self._on_eval_failed)
        self.task.finished.connect(self._on_eval_finished)
        self.evaluate_btn.setText(_tr("Cancel evaluation"))
        self.eval_progress.setRange(0, 0)
        self.eval_progress.setFormat(_tr("Evaluating %1").replace("%1", path.name))
        self.eval_progress.setVisible(True)
        self.task.start()
        self._update_buttons()
        return True

    def _on_evaluate(self) -> None:
        if self.task is not None:
            self.task.cancel()
        else:
            self.evaluate()

    def _on_eval_progress(self, stage: str, done: int, total: int) -> None:
        self.eval_progress.setRange(0, total)
        self.eval_progress.setValue(done)
        self.eval_progress.setFormat(_tr(stage) + (" %v / %m" if total else ""))
        self.eval_progress.setTextVisible(True)

    def _on_eval_done(self, path: Path, result: dict) -> None:
        item = self._item_for(path)
        if item is not None:
            for i, text in enumerate(eval_cells(result)):
                item.setText(FIRST_COL + i, text)
            self._eval_tips(item, result)
        text = _tr("%1 evaluated: %2").replace("%1", path.name).replace(
            "%2", summary(result))
        if result.get("fid_note") and result.get("fid") is None:
            text += "\n" + result["fid_note"]
        self.status.setText(text)

    def _on_eval_failed(self, message: str) -> None:
        self.status.setText(_tr("Evaluation cancelled") if not message else
                            _tr("Could not evaluate: %1").replace("%1", message))

    def _on_eval_finished(self) -> None:
        task, self.task = self.task, None
        if task is not None:
            task.wait()
            task.deleteLater()
        self.eval_progress.setVisible(False)
        self.evaluate_btn.setText(_tr("Evaluate"))
        self._update_buttons()

    def close_tasks(self) -> None:
        """Cancel an evaluation and wait for it (the window is closing)."""
        if self.task is not None:
            self.task.cancel()
            self.task.wait()
