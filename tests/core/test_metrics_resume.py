"""On resume, metrics.csv is made to agree with the checkpoint, whatever happened to it."""
import csv

import pytest

from studio.core.rundir import RunDir, reconcile_metrics

HISTORY = {"loss_d": [1.5, 1.25, 1.0, 0.75, 0.5], "loss_g": [0.1, 0.2, 0.3, 0.4, 0.5]}
CLEAN = ("step,loss_d,loss_g\r\n1,1.5,0.1\r\n2,1.25,0.2\r\n3,1,0.3\r\n4,0.75,0.4\r\n"
         "5,0.5,0.5\r\n")


def rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def expected(step=5):
    return [["step", "loss_d", "loss_g"]] + [
        [str(i + 1), f"{HISTORY['loss_d'][i]:.12g}", f"{HISTORY['loss_g'][i]:.12g}"]
        for i in range(step)]


@pytest.mark.parametrize("text", [
    CLEAN + "6,0.25,0.6\r\n7,0.1,0.7\r\n",  # rows written after the checkpoint
    CLEAN[:-12],  # killed mid-row: the last row is cut, though its step (5) survives
    CLEAN[:-2],  # the last row without its line end: it may have lost digits
    "step,loss_d,loss_g\r\n1,1.5,0.1\r\n2,1.25,0.2\r\n",  # short: rows missing before the step
    "step,loss_d,loss_g,d_real\r\n1,1.5,0.1,0\r\n",  # another model's header
    CLEAN + CLEAN.split("\r\n", 1)[1],  # two writers: every step twice
    "\x00\x01\x02binary\xff",  # garbage
    "",  # empty
    "step,loss_d\r\n1,2,3,4\r\n2,2\r\n",  # a bad row before the last
], ids=["rows-past-step", "cut-row", "no-line-end", "short", "other-header", "duplicated",
        "binary", "empty", "bad-middle-row"])
def test_metrics_are_rebuilt_from_the_checkpoints_history(tmp_path, text):
    path = tmp_path / "metrics.csv"
    path.write_bytes(text.encode("latin-1"))
    assert reconcile_metrics(path, 5, HISTORY) == ["step", "loss_d", "loss_g"]
    assert rows(path) == expected()


def test_a_missing_file_is_rebuilt_and_a_consistent_one_left_alone(tmp_path):
    path = tmp_path / "metrics.csv"
    reconcile_metrics(path, 5, HISTORY)
    assert rows(path) == expected()
    path.write_text(CLEAN, newline="")
    before = path.stat().st_mtime_ns
    reconcile_metrics(path, 5, HISTORY)
    assert path.read_bytes() == CLEAN.encode() and path.stat().st_mtime_ns == before


def test_a_history_shorter_than_the_step_gives_the_last_steps(tmp_path):
    path = tmp_path / "metrics.csv"
    reconcile_metrics(path, 12, {"loss": [3.0, 2.0]})
    assert rows(path) == [["step", "loss"], ["11", "3"], ["12", "2"]]


def test_without_a_history_rows_past_the_step_and_a_cut_row_are_dropped(tmp_path):
    path = tmp_path / "metrics.csv"
    path.write_text("step,a\r\n1,0.5\r\n2,0.25\r\n3,0.1\r\n4,0.0", newline="")
    assert reconcile_metrics(path, 2, {}) == ["step", "a"]
    assert rows(path) == [["step", "a"], ["1", "0.5"], ["2", "0.25"]]
    path.write_bytes(b"\xff\xfe garbage")
    assert reconcile_metrics(path, 2, None) is None and not path.exists()


def test_a_resumed_run_dir_appends_after_the_rebuilt_rows(tmp_path):
    from studio.config import RunConfig
    from studio.core.engines.base import StepResult

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "metrics.csv").write_bytes(b"\x00garbage\x00")
    ck = {"config": RunConfig(), "step": 5, "history": HISTORY, "engine": {"step": 5}}
    with RunDir(run_dir, None, "resume", checkpoint=ck) as rd:
        rd.append_metrics([StepResult(6, {"loss_d": 0.25, "loss_g": 0.6})])
        rd.truncate_metrics(5)  # older callers still call this: nothing left to do but drop 6
    assert rows(run_dir / "metrics.csv") == expected()


def test_a_checkpoint_of_engine_state_and_history_alone_is_enough(tmp_path):
    """What a training process is handed: the engine state (with its step) and the history."""
    from studio.config import RunConfig

    with RunDir(tmp_path / "run", RunConfig(), "resume",
                checkpoint={"engine": {"step": 5}, "history": HISTORY}):
        pass
    assert rows(tmp_path / "run" / "metrics.csv") == expected()
