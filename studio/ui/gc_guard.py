"""Python's garbage collector runs only in the GUI thread while the studio is open.

Automatic collection runs in whichever thread happens to allocate. When the training thread
triggers it, it can destroy Qt widgets left in reference cycles (an old window's menus):
their C++ destructors then run in the wrong thread, take Qt's locks and wait for the GIL,
while the GUI thread holds the GIL and waits for those locks. The window freezes for good
(seen on a cold start: the worker importing torchvision collected a closed window's QMenu).
So automatic collection is switched off and the GUI thread collects on a timer instead,
with the same generation thresholds (pyqtgraph ships the same remedy).

A full collection walks every object: with torch, torchvision and the window loaded that is
~390,000 objects and ~170 ms, during which the window freezes and training waits for the
GIL. So once a run has started, `settle()` collects once and freezes the survivors (modules,
the window, the engine): later full collections walk only what is newer.
"""
from __future__ import annotations

import gc
import time

from PySide6.QtCore import QCoreApplication, QTimer

INTERVAL_MS = 500
FULL_EVERY_S = 10.0  # a full collection walks every object not frozen by settle()
_timer: QTimer | None = None
_last_full = 0.0


def collect_due() -> int:
    """Collect the oldest generation whose threshold has been passed; objects found.
    Full collections at most every FULL_EVERY_S seconds (Python's own collector also
    postpones them, by a rule on long-lived objects it keeps private)."""
    global _last_full
    counts, limits = gc.get_count(), gc.get_threshold()
    now = time.monotonic()
    if counts[2] > limits[2] and now - _last_full >= FULL_EVERY_S:
        _last_full = now
        return gc.collect(2)
    for gen in (1, 0):
        if counts[gen] > limits[gen]:
            return gc.collect(gen)
    return 0


def settle() -> None:
    """Collect everything, then leave the survivors out of later collections (gc.freeze).
    What the last settle() froze is thawed first, so a finished run's garbage is freed now."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def install() -> None:
    """Idempotent; needs a QCoreApplication (the timer lives as long as it does)."""
    global _timer
    app = QCoreApplication.instance()
    if _timer is not None or app is None:
        return
    gc.disable()
    _timer = QTimer(app)
    _timer.timeout.connect(collect_due)
    _timer.start(INTERVAL_MS)
