"""The command-line contract, run as a user runs it: a subprocess of main.py."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
# One thread per process keeps the run time steady when pytest shares the cores.
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def cli(*args, check=True):
    p = subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)],
                       capture_output=True, text=True, timeout=300, cwd=ROOT, env=ENV)
    if check:
        assert p.returncode == 0, p.stderr
    return p


def in_process(*args) -> int:
    """main.py's main() in this process: the same commands without a new interpreter (and
    torch's import) per call; the signal handlers `train` installs are put back after it."""
    import signal

    from studio.cli import main

    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        return main([str(a) for a in args])
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def test_presets_lists_name_model_data_description():
    out = cli("presets").stdout.splitlines()
    names = [line.split()[0] for line in out]
    assert {"gan-ring8", "gan-grid25", "gan-digits"} <= set(names)
    ring = next(line for line in out if line.startswith("gan-ring8"))
    assert ring.split()[1:3] == ["gan", "ring8"]


def test_train_then_sample_points(tmp_path):
    run = tmp_path / "ring"
    cli("train", "--preset", "gan-ring8", "--out", run, "--steps", 60, "--quiet",
        "--set", "data.n_points=1000", "--set", "gan.hidden=32")
    for name in ("config.json", "metrics.csv", "checkpoint.pt"):
        assert (run / name).is_file()
    assert list((run / "samples").glob("*.png"))
    assert len((run / "metrics.csv").read_text().splitlines()) == 61
    cli("sample", run, "--n", 300, "--out", tmp_path / "s.npz")
    pts = np.load(tmp_path / "s.npz")["points"]
    assert pts.shape == (300, 2) and np.isfinite(pts).all()


def test_train_then_sample_images_from_my_own_npz(tmp_path):
    imgs = np.random.default_rng(0).integers(0, 256, (64, 10, 10), dtype=np.uint8)
    np.savez(tmp_path / "mine.npz", images=imgs)
    run = tmp_path / "img"
    cli("train", "--preset", "gan-digits", "--out", run, "--steps", 5, "--quiet",
        "--set", f"data.path={tmp_path / 'mine.npz'}", "--set", "data.image_size=10",
        "--set", "train.batch_size=16")
    cli("sample", run, "--n", 7, "--out", tmp_path / "i.npz")
    x = np.load(tmp_path / "i.npz")["images"]
    assert x.shape == (7, 1, 10, 10) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1


def test_resume_continues_at_the_saved_step(tmp_path):
    run = tmp_path / "r"
    common = ["--quiet", "--set", "data.n_points=500", "--set", "gan.hidden=16"]
    cli("train", "--preset", "gan-ring8", "--out", run, "--steps", 30, *common)
    cli("train", "--preset", "gan-ring8", "--out", run, "--steps", 50, "--resume", *common)
    steps = [int(line.split(",")[0]) for line in (run / "metrics.csv").read_text().splitlines()[1:]]
    assert steps == list(range(1, 51))


@pytest.mark.parametrize("args,words", [
    (["train", "--preset", "nope", "--out", "x"], "--preset"),
    (["train", "--preset", "gan-ring8", "--out", "x", "--set", "gan.lr_g=fast"], "gan.lr_g"),
    (["train", "--preset", "gan-ring8", "--out", "x", "--set", "gan.lr_g=-1"], "gan.lr_g"),
    (["train", "--preset", "gan-ring8", "--out", "x", "--set", "warp=9"], "warp"),
    (["train", "--preset", "gan-ring8", "--out", "x", "--set", "noequals"], "KEY=VALUE"),
    (["train", "--preset", "gan-ring8", "--out", "x", "--set", "data.path=/no/such.npz"], "no such file"),
    (["train", "--preset", "gan-ring8", "--out", "x", "--steps", "many"], "--steps"),
    (["sample", "/no/such/run", "--n", "3", "--out", "s.npz"], "no checkpoint"),
    (["frobnicate"], "invalid choice"),
    ([], "expected a command"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, args, words):
    args = [a if a != "x" else str(tmp_path / "x") for a in args]
    p = cli(*args, check=False) if args else subprocess.run(
        [sys.executable, "-c", "import sys; from studio.cli import main; sys.exit(main([]))"],
        capture_output=True, text=True, cwd=ROOT, env=ENV)
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in p.stderr


def test_vae_encode_decode_and_reconstruct(tmp_path):
    from sklearn.datasets import load_digits

    d = load_digits()
    imgs = (d.images[:12] * 16).clip(0, 255).astype(np.uint8)
    np.savez(tmp_path / "digits.npz", images=imgs, labels=d.target[:12])
    run = tmp_path / "vae"
    cli("train", "--preset", "vae-digits", "--out", run, "--steps", 20, "--quiet",
        "--set", "vae.hidden=32", "--set", "data.image_size=8")
    cli("encode", run, "--input", tmp_path / "digits.npz", "--out", tmp_path / "codes.npz")
    with np.load(tmp_path / "codes.npz") as z:
        codes, logvars = z["codes"], z["logvars"]
    assert codes.shape == (12, 2) and logvars.shape == (12, 2) and np.isfinite(codes).all()
    cli("decode", run, "--input", tmp_path / "codes.npz", "--out", tmp_path / "dec.npz")
    with np.load(tmp_path / "dec.npz") as z:
        assert z["images"].shape == (12, 1, 8, 8)
    cli("sample", run, "--n", 5, "--out", tmp_path / "prior.npz")
    cli("sample", run, "--n", 5, "--input", tmp_path / "digits.npz", "--out", tmp_path / "rec.npz")
    with np.load(tmp_path / "prior.npz") as p, np.load(tmp_path / "rec.npz") as r:
        assert p["images"].shape == (5, 1, 8, 8) and r["images"].shape == (12, 1, 8, 8)
    bad = cli("encode", run, "--input", tmp_path / "codes.npz", "--out", tmp_path / "x.npz",
              check=False)
    assert bad.returncode == 2 and "images" in bad.stderr


def test_a_diverging_cli_run_stops_and_keeps_the_last_good_checkpoint(tmp_path, monkeypatch, capsys):
    """In-process, so the engine can be poisoned at a known step."""
    import torch

    from studio import cli
    from studio.core.engines.gan import GANEngine
    from studio.core.rundir import load_checkpoint

    real_step = GANEngine.step

    def step(self):
        if self.step_count == 45:
            with torch.no_grad():
                next(self.G.parameters()).fill_(float("nan"))
        return real_step(self)
    monkeypatch.setattr(GANEngine, "step", step)
    rc = cli.main(["train", "--preset", "gan-ring8", "--out", str(tmp_path / "r"), "--steps", "200",
                   "--quiet", "--set", "data.n_points=500", "--set", "gan.hidden=16",
                   "--set", "train.checkpoint_every=20"])
    err = capsys.readouterr().err.strip().splitlines()
    # After the first checkpoint (step 20) the next waits MIN_CHECKPOINT_S: 20 is the last good.
    assert rc == 3 and len(err) == 1 and "diverged at step 46" in err[0] and "step 20" in err[0]
    assert load_checkpoint(tmp_path / "r")["step"] == 20


def test_text_to_image_on_my_captioned_folder_then_a_bad_captions_file(tmp_path):
    from PIL import Image

    own = tmp_path / "own"
    own.mkdir()
    rows = []
    for i, (colour, zh) in enumerate([("red", "红色"), ("blue", "蓝色")] * 3):
        Image.new("RGB", (24, 24), (200, 20, 20) if colour == "red" else (20, 20, 200)).save(
            own / f"{i}.png")
        rows += [f"{i}.png,a {colour} square", f"{i}.png,一个{zh}的方块"]
    (own / "captions.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    env = {**ENV, "GENERATIVE_STUDIO_CACHE": str(tmp_path / "cache")}
    args = [sys.executable, str(ROOT / "main.py"), "train", "--preset", "text2img-digits",
            "--out", str(tmp_path / "run"), "--steps", "2", "--set", f"data.path={own}",
            "--set", "train.batch_size=4", "--set", "text2img.width=8"]
    p = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    assert p.returncode == 0, p.stderr
    assert "decoding" in p.stderr  # the decode's progress bar
    p = cli("sample", tmp_path / "run", "--n", 2, "--out", tmp_path / "s.npz",
            "--caption", "一个蓝色的方块")
    assert np.load(tmp_path / "s.npz")["images"].shape == (2, 3, 16, 16)
    (own / "captions.csv").write_text("0.png\n", encoding="utf-8")
    args[args.index(str(tmp_path / "run"))] = str(tmp_path / "run2")
    p = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    lines = p.stderr.strip().splitlines()
    assert p.returncode == 2 and len(lines) == 1, p.stderr
    assert "captions.csv: line 1 needs two columns" in lines[0]
