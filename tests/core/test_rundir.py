import pickle
from array import array

import pytest
import torch

from studio.config import RunConfig
from studio.core.engines import make_engine
from studio.core.rundir import CheckpointError, RunDir, load_checkpoint, save_checkpoint
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
                                                 "d_real": array("d")})
    ck = load_checkpoint(tmp_path / "c.pt")
    assert ck["step"] == 30 and ck["config"] == cfg
    assert ck["history"] == {"loss_d": [1.0, 2.0], "loss_g": [0.1, 1e300], "d_real": []}
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
