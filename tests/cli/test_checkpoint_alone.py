"""A trained model needs only its run directory: `sample`, `encode` and `decode` keep working
after the data it was trained on is moved away (or the run is copied to another machine).
Commands run in-process (studio.cli.main, what main.py calls), one through main.py itself."""
import shutil

import numpy as np
import torch
from PIL import Image

from studio.core.data.reference import N_REFERENCE
from studio.core.rundir import load_checkpoint
from tests.cli.test_cli import cli, in_process


def studio(*args) -> None:
    assert in_process(*args) == 0


def labelled_npz(path, n=300, size=8):
    rng = np.random.default_rng(0)
    labels = np.arange(n) % 3
    imgs = np.zeros((n, size, size), np.uint8)
    for i, k in enumerate(labels):  # a bar whose position is the class
        imgs[i, :, 1 + 2 * k: 3 + 2 * k] = 200 + rng.integers(0, 50)
    np.savez(path, images=imgs, labels=labels)


def test_a_conditional_gan_samples_each_class_after_its_data_file_is_gone(tmp_path, capsys):
    data = tmp_path / "mine.npz"
    labelled_npz(data)
    run, moved = tmp_path / "run", tmp_path / "elsewhere" / "run"
    studio("train", "--preset", "cgan-digits", "--out", run, "--steps", 5, "--quiet",
           "--set", f"data.path={data}", "--set", "data.image_size=8",
           "--set", "train.batch_size=16")
    data.unlink()
    ref = load_checkpoint(run)["data"]  # a few examples as uint8, not the data set
    assert ref["x"].dtype == torch.uint8 and ref["x"].shape == (N_REFERENCE, 1, 8, 8)
    shutil.copytree(run, moved)  # another machine: only the run directory travels
    shutil.rmtree(run)
    cli("sample", moved, "--n", 4, "--label", 1, "--out", tmp_path / "s1.npz")  # as users do
    for label in (0, 2):
        studio("sample", moved, "--n", 4, "--label", label, "--out", tmp_path / f"s{label}.npz")
    for label in (0, 1, 2):
        with np.load(tmp_path / f"s{label}.npz") as z:
            assert z["images"].shape == (4, 1, 8, 8) and (z["labels"] == label).all()
    bad = in_process("sample", moved, "--n", 2, "--label", 3, "--out", tmp_path / "x.npz")
    assert bad == 2 and "--label" in capsys.readouterr().err  # the classes travelled too


def test_a_vae_encodes_decodes_and_samples_after_its_data_file_is_gone(tmp_path):
    data = tmp_path / "mine.npz"
    labelled_npz(data)
    run = tmp_path / "vae"
    studio("train", "--preset", "vae-digits", "--out", run, "--steps", 10, "--quiet",
           "--set", f"data.path={data}", "--set", "data.image_size=8", "--set", "vae.hidden=32")
    inputs = tmp_path / "inputs.npz"
    shutil.move(data, inputs)
    studio("encode", run, "--input", inputs, "--out", tmp_path / "codes.npz")
    studio("decode", run, "--input", tmp_path / "codes.npz", "--out", tmp_path / "dec.npz")
    studio("sample", run, "--n", 3, "--out", tmp_path / "prior.npz")
    with np.load(tmp_path / "dec.npz") as d, np.load(tmp_path / "prior.npz") as p:
        assert d["images"].shape == (300, 1, 8, 8) and p["images"].shape == (3, 1, 8, 8)


def test_a_cyclegan_on_two_folders_translates_after_the_folders_are_gone(tmp_path):
    rng = np.random.default_rng(0)
    root = tmp_path / "pairs"
    for side, tint in (("A", (200, 40, 40)), ("B", (40, 40, 200))):
        (root / side).mkdir(parents=True)
        for i in range(6):
            img = (rng.random((16, 16, 1)) * np.array(tint)).astype(np.uint8)
            Image.fromarray(img).save(root / side / f"{i}.png")
    run = tmp_path / "cyc"
    studio("train", "--preset", "cyclegan-folders", "--out", run, "--steps", 2, "--quiet",
           "--set", f"data.path={root}", "--set", "data.image_size=16",
           "--set", "cyclegan.width=8", "--set", "cyclegan.blocks=1",
           "--set", "train.batch_size=2")
    shutil.rmtree(root)
    studio("sample", run, "--n", 3, "--out", tmp_path / "t.npz")
    with np.load(tmp_path / "t.npz") as z:
        assert all(np.isfinite(v).all() for v in z.values())
        assert {v.shape[1:] for v in z.values() if v.ndim == 4} == {(3, 16, 16)}
