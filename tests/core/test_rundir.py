import json
import os
import pickle
from array import array

import pytest
import torch

from studio.config import RunConfig
from studio.core.engines import make_engine
from studio.core.rundir import (CheckpointError, RunDir, load_checkpoint, restore_engine,
                                save_checkpoint)
from studio.core.runner import run


def small_cfg():
    cfg = RunConfig()
    cfg.set("train.device", "cpu")
    cfg.set("data.n_points", 500)
    cfg.set("gan.hidden", 16)
    cfg.set("train.batch_size", 32)
    return cfg


def test_checkpoint_round_trip_restores_the_step_and_the_weights(tmp_path):
    cfg = small_cfg()
    e = make_engine(cfg)
    list(run(e, 30, every=10))
    # The window keeps its history in arrays of doubles, the CLI in lists: both read back alike.
    save_checkpoint(tmp_path / "c.pt", cfg, e, {"loss_d": [1.0, 2.0],
                                                 "loss_g": array("d", [0.1, 1e300]),
                                                 "d_real": array("d", [float("nan"), 0.5])})
    ck = load_checkpoint(tmp_path / "c.pt")
    assert ck["step"] == 30 and ck["config"] == cfg
    assert ck["history"]["loss_d"] == [1.0, 2.0] and ck["history"]["loss_g"] == [0.1, 1e300]
    assert ck["history"]["d_real"][1] == 0.5 and ck["history"]["d_real"][0] != 0.0
    e2 = make_engine(ck["config"])
    e2.load_state_dict(ck["engine"])
    assert e2.step_count == 30
    for a, b in zip(e.G.parameters(), e2.G.parameters()):
        assert torch.equal(a, b)
    # Resuming continues exactly as the original would have.
    list(run(e, 35, every=5))
    list(run(e2, 35, every=5))
    assert torch.equal(e.G.net[0].weight, e2.G.net[0].weight)


def test_truncated_and_garbage_files_give_a_clear_error(tmp_path):
    cfg = small_cfg()
    e = make_engine(cfg)
    save_checkpoint(tmp_path / "c.pt", cfg, e)
    data = (tmp_path / "c.pt").read_bytes()
    (tmp_path / "trunc.pt").write_bytes(data[: len(data) // 2])
    (tmp_path / "junk.pt").write_bytes(b"hello")
    for name in ("trunc.pt", "junk.pt", "missing.pt"):
        with pytest.raises(CheckpointError):
            load_checkpoint(tmp_path / name)


class Exploit:
    def __reduce__(self):
        return (exec, ("open('PWNED', 'w').write('x')",))


def test_a_malicious_pickle_is_refused_and_never_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    torch.save({"format_version": 1, "evil": Exploit()}, tmp_path / "evil.pt")
    with open(tmp_path / "plain.pt", "wb") as f:
        pickle.dump(Exploit(), f)
    for name in ("evil.pt", "plain.pt"):
        with pytest.raises(CheckpointError):
            load_checkpoint(tmp_path / name)
    assert not (tmp_path / "PWNED").exists()


def test_rundir_writes_config_metrics_and_samples(tmp_path):
    cfg = small_cfg()
    e = make_engine(cfg)
    rd = RunDir(tmp_path / "run", cfg)
    for batch in run(e, 20, every=10, preview_every=10):
        rd.append_metrics(batch)
        if batch[-1].preview:
            rd.save_preview(batch[-1].step, batch[-1].preview)
    rd.save_checkpoint(e)
    lines = (tmp_path / "run" / "metrics.csv").read_text().splitlines()
    assert lines[0] == ("step,loss_d,loss_g,d_real,d_fake,grad_norm_d,grad_norm_g,"
                        "modes_covered,high_quality") and len(lines) == 21
    assert RunConfig.from_dict(__import__("json").loads((tmp_path / "run" / "config.json").read_text())) == cfg
    assert sorted(p.name for p in (tmp_path / "run" / "samples").iterdir()) == \
        ["step_0000010.png", "step_0000020.png"]
    rd.truncate_metrics(5)
    assert len((tmp_path / "run" / "metrics.csv").read_text().splitlines()) == 6


def test_metric_rows_read_back_as_written(tmp_path):
    # Rows of numbers take a fast format; anything else goes through csv: the file reads
    # the same either way (12 significant digits, nan and inf, an empty missing value).
    import csv

    from studio.core.engines.base import StepResult

    rd = RunDir(tmp_path / "run", small_cfg())
    rd.append_metrics([StepResult(1, {"a": 0.1 + 0.2, "b": float("nan")}),
                       StepResult(2, {"a": -1e-300, "b": float("inf")}),
                       StepResult(3, {"a": 2}),
                       StepResult(4, {"a": "x,y", "b": 1 / 3})])
    with open(tmp_path / "run" / "metrics.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [["step", "a", "b"], ["1", "0.3", "nan"], ["2", "-1e-300", "inf"],
                    ["3", "2", ""], ["4", "x,y", "0.333333333333"]]


def test_background_writer_keeps_order_reports_errors_and_goes_on(tmp_path):
    from studio.core.rundir import BackgroundWriter

    errors = []
    out = tmp_path / "log.txt"

    def write(text):
        if text == "bad":
            raise OSError(28, "No space left on device")
        with open(out, "a") as f:
            f.write(text + "\n")

    w = BackgroundWriter(errors.append)
    for i in range(200):
        w.submit(write, "bad" if i == 100 else str(i))
    w.flush()  # everything submitted so far is on disk now
    lines = out.read_text().split()
    assert lines == [str(i) for i in range(200) if i != 100]
    assert len(errors) == 1 and errors[0].errno == 28
    w.submit(write, "last")
    w.close()
    assert out.read_text().split()[-1] == "last"


def test_a_generator_state_from_another_device_seeds_the_generator_the_same_way_each_time():
    """A checkpoint written on a GPU holds a CUDA generator's 16-byte state; resumed on the CPU
    it cannot be loaded as it is, and the resumed run must still repeat itself."""
    import torch

    from studio.core.devices import load_generator_state

    cpu = torch.Generator().manual_seed(3)
    saved = cpu.get_state()
    first = torch.rand(3, generator=cpu)
    load_generator_state(cpu, saved)  # a state of its own kind: restored exactly
    assert torch.equal(torch.rand(3, generator=cpu), first)
    cuda_state = torch.arange(16, dtype=torch.uint8)
    draws = []
    for _ in range(2):
        g = torch.Generator()
        load_generator_state(g, cuda_state)
        draws.append(torch.rand(3, generator=g))
    assert torch.equal(draws[0], draws[1])
    other = torch.Generator()
    load_generator_state(other, cuda_state.flip(0))
    assert not torch.equal(torch.rand(3, generator=other), draws[0])


# -- opening a run directory: new, resume, overwrite ----------------------------------------
def finished_run(path, steps=20):
    """A run directory as a finished run leaves it: config, metrics, checkpoint, samples."""
    cfg = small_cfg()
    e = make_engine(cfg)
    hist = {}
    from studio.core.runner import record

    with RunDir(path, cfg) as rd:
        for batch in run(e, steps, every=10, preview_every=10):
            rd.append_metrics(batch)
            record(hist, batch)
            if batch[-1].preview:
                rd.save_preview(batch[-1].step, batch[-1].preview)
        rd.save_checkpoint(e, hist)
    return cfg, e, hist


def snapshot(path):
    return {p.relative_to(path).as_posix(): p.read_bytes()
            for p in sorted(path.rglob("*")) if p.is_file() and p.name != ".lock"}


@pytest.mark.parametrize("keep", ["config.json", "metrics.csv", "checkpoint.pt", None])
def test_a_new_run_refuses_a_folder_holding_a_run_and_leaves_it_byte_identical(tmp_path, keep):
    from studio.core.rundir import RunDirError

    run_dir = tmp_path / "run"
    finished_run(run_dir)
    for name in ("config.json", "metrics.csv", "checkpoint.pt"):
        if keep is not None and name != keep:
            (run_dir / name).unlink()
    before = snapshot(run_dir)
    other = RunConfig.from_dict({"model": "vae", "data": {"name": "digits"}})
    with pytest.raises(RunDirError) as e:
        RunDir(run_dir, other)
    msg = str(e.value)
    assert "\n" not in msg and str(run_dir) in msg
    assert "--resume" in msg and "--overwrite" in msg and "another folder" in msg
    assert snapshot(run_dir) == before
    with pytest.raises(RunDirError):  # the old spelling refuses the same way
        RunDir(run_dir, other, resume=False)
    assert snapshot(run_dir) == before


def test_a_new_run_may_use_an_empty_or_missing_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("mine")
    for path in (tmp_path / "empty", tmp_path / "a" / "b"):
        with RunDir(path, small_cfg()) as rd:
            assert rd.locked and (path / "config.json").is_file() and (path / "samples").is_dir()
    assert (tmp_path / "empty" / "notes.txt").read_text() == "mine"


def test_overwrite_replaces_the_run_and_keeps_other_files(tmp_path):
    run_dir = tmp_path / "run"
    finished_run(run_dir)
    (run_dir / "notes.txt").write_text("mine")
    (run_dir / "gmm.npz").write_bytes(b"old export")
    vae = RunConfig.from_dict({"model": "vae", "data": {"name": "digits"}})
    with RunDir(run_dir, vae, "overwrite"):
        assert not (run_dir / "checkpoint.pt").exists() and not (run_dir / "metrics.csv").exists()
        assert not list((run_dir / "samples").glob("*.png")) and not (run_dir / "gmm.npz").exists()
        assert json.loads((run_dir / "config.json").read_text())["model"] == "vae"
    assert (run_dir / "notes.txt").read_text() == "mine"


def test_resume_needs_a_checkpoint_and_the_same_model(tmp_path):
    from studio.core.rundir import RunDirError

    with pytest.raises(RunDirError, match="holds no run to resume"):
        RunDir(tmp_path / "none", small_cfg(), "resume")
    assert not (tmp_path / "none").exists()
    run_dir = tmp_path / "run"
    finished_run(run_dir)
    (run_dir / "checkpoint.pt").unlink()
    with pytest.raises(RunDirError, match="no checkpoint yet.*--overwrite"):
        RunDir(run_dir, small_cfg(), "resume")
    finished_run(tmp_path / "gan")
    before = snapshot(tmp_path / "gan")
    vae = RunConfig.from_dict({"model": "vae", "data": {"name": "digits"}})
    with pytest.raises(RunDirError, match="gan run; it cannot be resumed as vae"):
        RunDir(tmp_path / "gan", vae, "resume")
    assert snapshot(tmp_path / "gan") == before


def test_resume_reads_the_folders_checkpoint_after_taking_the_lock(tmp_path):
    run_dir = tmp_path / "run"
    cfg, e, hist = finished_run(run_dir, steps=20)
    with RunDir(run_dir, None, "resume") as rd:
        assert rd.checkpoint["step"] == 20 and rd.cfg == cfg and rd.saved_step == 20
        e2 = make_engine(rd.cfg)
        restore_engine(e2, rd.checkpoint)
        for batch in run(e2, 25, every=5):
            rd.append_metrics(batch)
    steps = [int(r.split(",")[0]) for r in (run_dir / "metrics.csv").read_text().split()[1:]]
    assert steps == list(range(1, 26))


def test_a_killed_saves_temporary_files_are_removed_on_open(tmp_path):
    run_dir = tmp_path / "run"
    finished_run(run_dir)
    litter = [run_dir / ".checkpoint.pt.tmp-123-456", run_dir / ".config.json.tmp-9-9",
              run_dir / "samples" / ".step_0000010.png.tmp-1-2"]
    for p in litter:
        p.write_bytes(b"half a file")
    (run_dir / "keep.tmp-1").write_bytes(b"not ours")
    with RunDir(run_dir, None, "resume"):
        assert not any(p.exists() for p in litter)
    assert (run_dir / "keep.tmp-1").exists()


def test_a_full_disk_names_the_file_and_the_kept_step(tmp_path, monkeypatch):
    import errno

    from studio.core.rundir import SaveError

    run_dir = tmp_path / "run"
    finished_run(run_dir, steps=20)
    rd = RunDir(run_dir, None, "resume")
    e = make_engine(rd.cfg)
    restore_engine(e, rd.checkpoint)
    list(run(e, 30, every=10))

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(SaveError) as err:
        rd.save_checkpoint(e)
    assert str(err.value) == (f"could not write {run_dir / 'checkpoint.pt'}: No space left on "
                              f"device; the checkpoint at step 20 is kept")
    assert err.value.errno == errno.ENOSPC and err.value.strerror == "No space left on device"
    assert err.value.filename == str(run_dir / "checkpoint.pt") and err.value.kept_step == 20
    assert str(pickle.loads(pickle.dumps(err.value))) == str(err.value)  # crosses processes
    monkeypatch.undo()
    assert load_checkpoint(run_dir)["step"] == 20
    assert not list(run_dir.glob(".*.tmp-*"))
    rd.close()
    fresh = RunDir(tmp_path / "fresh", small_cfg())
    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(SaveError, match="no checkpoint was written yet"):
        fresh.save_checkpoint(e)
