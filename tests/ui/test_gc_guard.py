"""Garbage (old windows' widgets included) is collected in the GUI thread only: collected in
the training thread, a Qt destructor can deadlock against the GUI thread."""
import gc
import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from studio.ui import gc_guard  # noqa: E402
from studio.ui.run.handle import RunHandle  # noqa: E402


class Cyclic:
    freed_in: list = []

    def __init__(self):
        self.me = self

    def __del__(self):
        Cyclic.freed_in.append(threading.current_thread().name)


def test_cycles_are_freed_by_the_gui_thread_while_another_thread_allocates(qtbot):
    RunHandle()  # what every window's view creates
    assert not gc.isenabled()
    Cyclic.freed_in.clear()
    for _ in range(50):
        Cyclic()

    kept = []

    def churn():  # far more live containers than would trigger an automatic collection
        kept.append([[i] for i in range(100_000)])

    t = threading.Thread(target=churn, name="trainer")
    t.start()
    t.join()
    assert Cyclic.freed_in == []  # nothing was collected in the allocating thread
    # The next tick collects (a full collection waits up to gc_guard.FULL_EVERY_S).
    wait_ms = int(gc_guard.FULL_EVERY_S * 1000) + 5000
    qtbot.waitUntil(lambda: len(Cyclic.freed_in) == 50, timeout=wait_ms)
    kept.clear()
    assert set(Cyclic.freed_in) == {threading.main_thread().name}


def test_collect_due_waits_for_the_threshold_then_collects():
    was = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        Cyclic.freed_in.clear()
        Cyclic()
        gc_guard.collect_due()
        assert Cyclic.freed_in == []  # below every threshold: nothing collected yet
        kept = [[i] for i in range(gc.get_threshold()[0] + 100)]
        gc_guard.collect_due()
        assert len(Cyclic.freed_in) == 1  # gen 0 passed its threshold: collected
        kept.clear()
    finally:
        if was:
            gc.enable()


def test_settle_frees_garbage_freezes_survivors_and_thaws_them_next_time():
    was = gc.isenabled()
    gc.disable()
    try:
        Cyclic.freed_in.clear()
        Cyclic()  # garbage before a run starts
        survivor = Cyclic()  # alive when the run starts
        gc_guard.settle()
        assert len(Cyclic.freed_in) == 1
        assert gc.get_freeze_count() > 0
        # A full collection now skips the frozen survivor, even once it is garbage...
        del survivor
        gc.collect()
        assert len(Cyclic.freed_in) == 1
        # ...until the next run's settle() thaws it: nothing is kept for good.
        gc_guard.settle()
        assert len(Cyclic.freed_in) == 2
    finally:
        gc.unfreeze()
        if was:
            gc.enable()
