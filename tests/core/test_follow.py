"""RunFollower reads what a writer appends to a run directory, and only that."""
import json
import os

import numpy as np

from studio.core.follow import RunFollower, find_runs, last_line, sample_paths, summarize


def write(path, text, mode="a"):
    with open(path, mode) as f:
        f.write(text)


def test_missing_then_appended_rows_with_a_partial_line(tmp_path):
    f = RunFollower(tmp_path)
    assert not f.poll()  # nothing there yet
    csv_path = tmp_path / "metrics.csv"
    write(csv_path, "step,loss_g,loss_d\n1,0.5,1.5\n2,0.25,")
    u = f.poll()
    assert list(u.rows) == ["step", "loss_g", "loss_d"]
    np.testing.assert_array_equal(u.rows["step"], [1])
    np.testing.assert_array_equal(u.rows["loss_d"], [1.5])
    assert not u.reset
    assert not f.poll()  # the partial row is not handed out until it is complete
    write(csv_path, "1.25\n3,0.125,1.0\n4,,2")
    u = f.poll()
    np.testing.assert_array_equal(u.rows["step"], [2, 3])
    np.testing.assert_array_equal(u.rows["loss_d"], [1.25, 1.0])
    write(csv_path, "\n")
    u = f.poll()
    np.testing.assert_array_equal(u.rows["step"], [4])
    assert np.isnan(u.rows["loss_g"][0])  # a blank cell is NaN, not a dropped row
    assert f.rows_read == 4


def test_only_the_appended_bytes_are_read(tmp_path, monkeypatch):
    csv_path = tmp_path / "metrics.csv"
    write(csv_path, "step,loss\n" + "".join(f"{i},{i / 10}\n" for i in range(1, 1001)))
    f = RunFollower(tmp_path)
    assert f.poll().n == 1000
    size = csv_path.stat().st_size
    assert f.offset == size
    write(csv_path, "1001,0.5\n")
    reads = []
    real_open = open

    class Spy:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *a):
            self.fh.close()

        def read(self, n=-1):
            data = self.fh.read(n)
            reads.append(len(data))
            return data

        def __getattr__(self, name):
            return getattr(self.fh, name)

    monkeypatch.setattr("builtins.open", lambda *a, **k: Spy(real_open(*a, **k)))
    u = f.poll()
    monkeypatch.undo()
    assert u.n == 1 and u.rows["step"][0] == 1001
    assert sum(reads) < 100, reads  # the tail check and the new row, not 12 kB again


def test_truncated_or_replaced_file_starts_over(tmp_path):
    csv_path = tmp_path / "metrics.csv"
    write(csv_path, "step,loss\n" + "".join(f"{i},1.0\n" for i in range(1, 51)))
    f = RunFollower(tmp_path)
    assert f.poll().n == 50
    # A resume keeps rows up to its checkpoint: a shorter file in place of the old one.
    tmp = tmp_path / "new.csv"
    write(tmp, "step,loss\n" + "".join(f"{i},2.0\n" for i in range(1, 21)), "w")
    os.replace(tmp, csv_path)
    u = f.poll()
    assert u.reset and u.n == 20 and u.rows["loss"][0] == 2.0
    # Rewritten in place to the same length with different bytes: still a new file.
    text = csv_path.read_text()
    write(csv_path, text.replace("2.0", "3.0"), "w")
    u = f.poll()
    assert u.reset and u.n == 20 and np.all(u.rows["loss"] == 3.0)
    csv_path.unlink()
    u = f.poll()
    assert u.reset and u.n == 0
    assert not f.poll()
    write(csv_path, "step,loss\n1,4.0\n")
    u = f.poll()
    assert not u.reset and u.n == 1  # the caller already cleared when the file went away


def test_newest_sample_reported_once(tmp_path):
    f = RunFollower(tmp_path)
    (tmp_path / "samples").mkdir()
    assert f.poll().sample is None
    for step in (50, 100, 1000):
        (tmp_path / "samples" / f"step_{step:07d}.png").write_bytes(b"png")
    assert f.poll().sample.name == "step_0001000.png"
    assert f.poll().sample is None
    (tmp_path / "samples" / "step_0001050.png").write_bytes(b"png")
    assert f.poll().sample.name == "step_0001050.png"
    assert [p.name for p in sample_paths(tmp_path)][:2] == ["step_0000050.png", "step_0000100.png"]


def test_summary_reads_config_and_last_line(tmp_path):
    run = tmp_path / "a" / "run1"
    run.mkdir(parents=True)
    (run / "config.json").write_text(json.dumps(
        {"model": "gan", "data": {"name": "ring8", "path": ""}, "train": {"steps": 400}}))
    assert summarize(run).steps_done == 0
    write(run / "metrics.csv", "step,loss_g,d_real\n" + "".join(
        f"{i},{1 / i},0.5\n" for i in range(1, 5001)))
    s = summarize(run)
    assert (s.model, s.data, s.steps_total, s.steps_done) == ("gan", "ring8", 400, 5000)
    assert s.last == {"loss_g": 1 / 5000, "d_real": 0.5}
    assert last_line(run / "metrics.csv").startswith("5000,")
    assert summarize(tmp_path) is None  # not a run directory
    (tmp_path / "b").mkdir()
    assert find_runs(tmp_path) == [run]
    assert find_runs(run) == [run]  # a run directory itself
