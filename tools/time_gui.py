"""GUI-thread CPU per wall second while a bench row's run streams, without training: the
window is fed what its worker sends (metric chunks and progress 30 times a second, previews
with the 2-D field 5 times a second, each made once by a real engine) for SECONDS, and the
GUI thread's CPU time is read. The workload is fixed, so before/after changes compare with
little noise; the training thread's share of the GIL is what this leaves it.

    QT_QPA_PLATFORM=offscreen python tools/time_gui.py [gan2d] [SECONDS] [losses,progress,...]
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

STEPS_PER_SECOND = 800  # a 2-D row's pace in the window on two cores
PARTS = {"losses", "progress", "samples", "field"}


def main() -> int:
    row = sys.argv[1] if len(sys.argv) > 1 else "gan2d"
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
    if len(sys.argv) > 3:  # a comma-separated subset of PARTS: what each part costs
        PARTS.intersection_update(sys.argv[3].split(","))
    import torch

    from studio.bench import ROWS, row_config
    from studio.core.engines import make_engine
    from studio.core.runner import fetch_metrics
    from studio.ui.main_window import MainWindow

    torch.set_num_threads(1)
    cfg = row_config(row, "cpu")
    engine = make_engine(cfg)
    previews, rows = [], []
    for _ in range(8):  # a few distinct previews and metric rows to cycle through
        for _ in range(50):
            r = engine.step()
        fetch_metrics([r])
        rows.append(r.metrics)
        previews.append(engine.preview())
    app = QApplication.instance() or QApplication(sys.argv[:1])
    win = MainWindow(ROWS[row][1])
    win.controls.set_config(cfg, preset=ROWS[row][1])
    win.set_view(cfg)
    win.show()
    field = getattr(win.view, "field", None)
    if field is not None:  # shown, as the window does when the first 2-D preview arrives
        win.view.tabs.setCurrentWidget(field)
    state = {"step": 0, "tick": 0, "t0": None}
    total = 10_000_000

    def metrics_tick():
        n = STEPS_PER_SECOND // 30
        steps = np.arange(state["step"] + 1, state["step"] + n + 1)
        state["step"] += n
        m = rows[state["tick"] % len(rows)]
        chunk = {"step": steps}
        chunk.update({k: np.full(n, v, dtype=np.float64) + np.random.rand(n) * 0.01
                      for k, v in m.items()})
        if "losses" in PARTS:
            win.losses.append(chunk)
        if "progress" in PARTS:
            win._on_progress(state["step"], total, float(STEPS_PER_SECOND))
        state["tick"] += 1

    def preview_tick():
        p = dict(previews[state["tick"] % len(previews)], step=state["step"])
        if "samples" in PARTS:
            win._on_preview(p)
        if field is not None and "field" in PARTS:
            field.show_field(p)

    timers = []
    for interval, fn in ((1000 // 30, metrics_tick), (200, preview_tick)):
        t = QTimer()
        t.timeout.connect(fn)
        t.start(interval)
        timers.append(t)

    prof = None
    if os.environ.get("PROFILE"):  # cProfile of the measured seconds, written to this file
        import cProfile
        prof = cProfile.Profile()

    def begin():
        state["t0"] = (time.perf_counter(), time.thread_time())
        if prof:
            prof.enable()

    def end():
        wall = time.perf_counter() - state["t0"][0]
        cpu = time.thread_time() - state["t0"][1]
        if prof:
            prof.disable()
            prof.dump_stats(os.environ["PROFILE"])
        print(f"{row}: GUI thread CPU {cpu / wall:.1%} of one core over {wall:.0f} s "
              f"({state['step']:,} steps shown)")
        for t in timers:
            t.stop()
        win.close()
        app.quit()

    QTimer.singleShot(3000, begin)  # after the first paints and layout
    QTimer.singleShot(int(3000 + seconds * 1000), end)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
