"""File > Open with every kind of malformed checkpoint: a message naming what is wrong, never a
traceback or a hang; weights that do not fit their config fail the run in one line."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys  # noqa: E402

import torch  # noqa: E402

from studio.core.engines import make_engine  # noqa: E402
from studio.core.rundir import save_checkpoint  # noqa: E402
from tests.core.test_checkpoint_faults import MALFORMED, tiny, valid_state  # noqa: E402


def test_every_malformed_checkpoint_is_refused_with_a_message(qtbot, ring_window, tmp_path,
                                                              monkeypatch):
    w = ring_window
    errors = []
    monkeypatch.setattr(sys, "excepthook", lambda *a: errors.append(a))
    good = valid_state(tmp_path)
    for case, (change, words) in MALFORMED.items():
        path = tmp_path / f"{case.replace(' ', '-')}.pt"
        torch.save(change(good), path)
        n = len(w.shown)
        assert w.open_checkpoint(str(path)) is False, case
        assert len(w.shown) == n + 1 and words in w.shown[-1] and str(path) in w.shown[-1], case
        assert w.resume_state is None and w.run.state == "idle"
    for content in (b"", b"not a checkpoint at all", b"PK\x03\x04 cut"):
        path = tmp_path / "junk.pt"
        path.write_bytes(content)
        assert w.open_checkpoint(str(path)) is False and str(path) in w.shown[-1]
    assert errors == [] and w.controls.start_btn.isEnabled()


def test_weights_that_do_not_fit_end_the_run_in_one_line(qtbot, ring_window, tmp_path):
    w = ring_window
    cfg = tiny()
    path = tmp_path / "c.pt"
    save_checkpoint(path, cfg, make_engine(cfg))
    state = torch.load(path, weights_only=True)
    state["engine"]["G"] = {k: torch.zeros(3) for k in state["engine"]["G"]}  # wrong shapes
    torch.save(state, path)
    assert w.open_checkpoint(str(path))
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.run.state == "idle" and bool(w.shown), timeout=60000)
    assert "weights do not fit its config" in w.shown[-1] and "\n" not in w.shown[-1]
    assert w.controls.start_btn.isEnabled()
