"""Own networks through the command line: `--set gan.model_file=PATH` (or vae.model_file)."""
import csv

import numpy as np
import pytest

from studio.cli import main as cli_main
from tests import model_files as mf
from tests.cli.test_cli import cli


def run_main(capsys, *args) -> tuple[int, str]:
    """main.py in this process (the same code path, without a new interpreter's start-up)."""
    rc = cli_main([str(a) for a in args])
    return rc, capsys.readouterr().err


def curves(run) -> dict[str, list[float]]:
    with open(run / "metrics.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return {k: [float(r[k]) for r in rows] for k in rows[0]}


@pytest.mark.parametrize("kind", ["points", "images", "vae"])
def test_a_model_file_trains_and_samples(tmp_path, kind):
    source, preset, sets = {
        "points": (mf.MLP_GAN_2D, "gan-ring8", ["gan.pack=1", "data.n_points=500",
                                                "gan.latent_dim=4"]),
        "images": (mf.CONV_GAN, "gan-digits", ["data.image_size=16", "train.batch_size=32"]),
        "vae": (mf.VAE_PAIR, "vae-digits", ["data.image_size=8", "train.batch_size=32"]),
    }[kind]
    section = "vae" if kind == "vae" else "gan"
    path = mf.write(tmp_path, "mine.py", source)
    run = tmp_path / "run"
    args = [f"--set={s}" for s in sets + [f"{section}.model_file={path}",
                                          "train.preview_every=5"]]
    cli("train", "--preset", preset, "--out", run, "--steps", 10, "--quiet", *args)
    c = curves(run)
    assert c["step"] == list(range(1, 11))
    loss = c["loss"] if kind == "vae" else c["loss_g"]
    assert np.isfinite(loss).all()
    assert sorted(p.name for p in (run / "samples").glob("*.png")) == [
        "step_0000005.png", "step_0000010.png"]
    cli("sample", run, "--n", 6, "--out", tmp_path / "s.npz")
    out = np.load(tmp_path / "s.npz")
    got = out["points"] if kind == "points" else out["images"]
    assert got.shape == ((6, 2) if kind == "points" else (6, 1, 16, 16) if kind == "images"
                         else (6, 1, 8, 8))


@pytest.mark.parametrize("case", ["SYNTAX_ERROR", "WRONG_SHAPE", "FAILS_TO_BUILD"])
def test_a_bad_model_file_exits_2_with_one_line_naming_file_and_line(tmp_path, case, capsys):
    source, line, words = getattr(mf, case)
    path = mf.write(tmp_path, "bad.py", source)
    rc, err = run_main(capsys, "train", "--preset", "gan-ring8", "--out", tmp_path / "run",
                       "--steps", 3, "--quiet", "--set", "gan.pack=1",
                       "--set", f"gan.model_file={path}")
    assert rc == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: gan.model_file: ")
    assert f"{path}, line {line}:" in lines[0] and words in lines[0]


def test_resume_with_a_changed_model_file_refuses_unless_told_to_go_on(tmp_path, capsys):
    path = mf.write(tmp_path, "mine.py", mf.MLP_GAN_2D)
    run = tmp_path / "run"
    rc, _ = run_main(capsys, "train", "--preset", "gan-ring8", "--out", run, "--steps", 5,
                     "--quiet", "--set", "data.n_points=300", "--set", "gan.pack=1",
                     "--set", f"gan.model_file={path}")
    assert rc == 0
    path.write_text(mf.MLP_GAN_2D.replace("32", "48"))  # wider: the weights no longer fit
    rc, err = run_main(capsys, "train", "--out", run, "--steps", 8, "--resume", "--quiet")
    assert rc == 2 and len(err.strip().splitlines()) == 1
    assert "changed since the checkpoint" in err and "--model-changed-ok" in err
    assert curves(run)["step"][-1] == 5  # nothing was trained

    path.write_text(mf.MLP_GAN_2D + "\n# only a comment changed\n")
    rc, _ = run_main(capsys, "train", "--out", run, "--steps", 8, "--resume", "--quiet",
                     "--model-changed-ok")
    assert rc == 0 and curves(run)["step"][-1] == 8
    rc, _ = run_main(capsys, "train", "--out", run, "--steps", 9, "--resume", "--quiet")
    assert rc == 0 and curves(run)["step"][-1] == 9  # the new hash was kept
