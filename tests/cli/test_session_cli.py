"""`main.py train` over the shared training session: interrupts, resume changes, problems."""
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.test_cli import ENV, ROOT, cli, in_process

SMALL = ["--quiet", "--set", "data.n_points=500", "--set", "gan.hidden=16"]


def metric_steps(run):
    return [int(line.split(",")[0]) for line in (run / "metrics.csv").read_text().splitlines()[1:]]


@pytest.mark.parametrize("sig,status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupt_saves_the_last_finished_step_and_resume_continues(tmp_path, sig, status):
    from studio.core.rundir import load_checkpoint

    run = tmp_path / "r"
    p = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "train", "--preset", "gan-ring8",
                          "--out", str(run), "--steps", "1000000", *SMALL],
                         cwd=ROOT, env={**ENV, "PYTHONFAULTHANDLER": "1"}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    try:
        end = time.monotonic() + 120
        while time.monotonic() < end and not (run / "metrics.csv").exists():
            time.sleep(0.05)
        time.sleep(0.5)  # training, a checkpoint not yet due (checkpoint_every is 1,000)
        p.send_signal(sig)
        out, err = p.communicate(timeout=120)
    finally:
        p.kill()
    assert p.returncode == status, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "interrupted" in lines[0] and "--resume" in lines[0], err
    step = load_checkpoint(run)["step"]
    assert step > 0 and metric_steps(run) == list(range(1, step + 1))
    cli("train", "--out", run, "--resume", "--steps", step + 40, "--quiet")
    assert metric_steps(run) == list(range(1, step + 41))


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A short gan-ring8 run (20 steps), trained once; tests work on copies of it."""
    run = tmp_path_factory.mktemp("trained") / "r"
    assert in_process("train", "--preset", "gan-ring8", "--out", run, "--steps", 20, *SMALL) == 0
    return run


@pytest.fixture
def run(trained, tmp_path):
    import shutil

    return Path(shutil.copytree(trained, tmp_path / "r"))


def test_resume_takes_live_settings_and_writes_them_to_the_config(run):
    from studio.core.rundir import load_checkpoint

    cli("train", "--out", run, "--resume", "--steps", 60, "--set", "gan.lr_g=5e-5",
        "--set", "gan.lr_d=7e-5", "--set", "gan.lr_decay_from=1", "--device", "cpu", "--quiet")
    saved = json.loads((run / "config.json").read_text())
    assert saved["gan"]["lr_g"] == 5e-5 and saved["gan"]["lr_d"] == 7e-5
    ck = load_checkpoint(run)
    assert ck["step"] == 60 and ck["config"].gan.lr_g == 5e-5
    # The optimiser itself runs at the new rate (not only the file says so).
    assert ck["engine"]["opt_g"]["param_groups"][0]["lr"] == pytest.approx(5e-5)
    assert ck["engine"]["opt_d"]["param_groups"][0]["lr"] == pytest.approx(7e-5)


def test_a_checkpoint_written_on_cuda_resumes_on_this_cpu(run):
    """What a GPU run leaves: train.device "cuda" in its config and a CUDA generator's 16-byte
    state. On a machine without CUDA, --resume continues on the CPU, asked or not."""
    import torch

    from studio.core.rundir import load_checkpoint

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA: the checkpoint would resume there")
    state = torch.load(run / "checkpoint.pt", weights_only=True)
    cfg = json.loads(state["config"])
    cfg["train"]["device"] = "cuda"
    state["config"] = json.dumps(cfg)
    state["engine"]["rng"] = torch.arange(16, dtype=torch.uint8)
    torch.save(state, run / "checkpoint.pt")
    assert in_process("train", "--out", run, "--resume", "--steps", 25, "--quiet") == 0
    assert in_process("train", "--out", run, "--resume", "--steps", 30, "--device", "cpu",
                      "--quiet") == 0
    assert load_checkpoint(run)["step"] == 30 and metric_steps(run) == list(range(1, 31))


@pytest.mark.parametrize("args,words", [
    (["--set", "gan.hidden=64"], "--set gan.hidden"),
    (["--seed", "3"], "--seed"),
    (["--preset", "gan-grid25"], "--preset gan-grid25"),
    (["--overwrite"], "--overwrite"),
])
def test_resume_refuses_what_cannot_change_in_one_line(run, args, words, capsys):
    before = (run / "checkpoint.pt").read_bytes()
    capsys.readouterr()
    rc = in_process("train", "--out", run, "--resume", "--steps", 40, *args)
    lines = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(lines) == 1 and words in lines[0], lines
    assert (run / "checkpoint.pt").read_bytes() == before


def test_out_of_memory_exits_4_with_the_windows_advice(tmp_path, monkeypatch, capsys):
    import torch

    from studio import cli as cli_module
    from studio.core.engines.gan import GANEngine
    from studio.core.rundir import load_checkpoint

    real = GANEngine.step

    def step(self):
        if self.step_count == 30:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 8.00 GiB")
        return real(self)
    monkeypatch.setattr(GANEngine, "step", step)
    rc = cli_module.main(["train", "--preset", "gan-ring8", "--out", str(tmp_path / "r"),
                          "--steps", "100", *SMALL, "--set", "train.batch_size=64"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 4 and len(err) == 1 and "Traceback" not in err[0]
    assert "Out of memory at step 30 with batch size 64" in err[0] and "to 32" in err[0]
    assert load_checkpoint(tmp_path / "r")["step"] == 30
