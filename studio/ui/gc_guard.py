"""Python's garbage collector runs only in the GUI thread while the studio is open.

Automatic collection runs in whichever thread happens to allocate. When the training thread
triggers it, it can destroy Qt widgets left in reference cycles (an old window's menus):
their C++ destructors then run in the wrong thread, take Qt's locks and wait for the GIL,
while the GUI thread holds the GIL and waits for those locks. The window freezes for good
(seen on a cold start: the worker importing torchvision collected a closed window's QMenu).
So automatic collection is switched off and the GUI thread collects on a timer instead,
with the same generation thresholds (pyqtgraph ships the same remedy).
"""
from __future__ import annotations

import gc
import time

from PySide6.QtCore import QCoreApplication, QTimer

INTERVAL_MS = 500
FULL_EVERY_S = 10.0  # a full collection walks every object (torch's included): ~10 ms
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
