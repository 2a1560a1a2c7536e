"""The animated GIF of a run's samples opens, has frames, and shows training progress."""
import numpy as np
import pytest
from PIL import Image

from studio.cli import main as cli_main
from studio.core.export import make_gif, pick_evenly
from studio.core.follow import sample_paths


def gif_frames(path):
    frames = []
    with Image.open(path) as im:
        info = {"format": im.format, "n_frames": im.n_frames, "loop": im.info.get("loop")}
        for i in range(im.n_frames):
            im.seek(i)
            frames.append(np.asarray(im.convert("RGB")).astype(int))
    return info, frames


@pytest.mark.parametrize("preset, sets", [
    ("gan-ring8", ["data.n_points=1000", "gan.hidden=32"]),
    ("gan-digits", ["gan.hidden=64", "train.batch_size=64"]),
])
def test_gif_of_a_trained_run_shows_progress(tmp_path, preset, sets):
    run = tmp_path / "run"
    args = ["train", "--preset", preset, "--out", str(run), "--steps", "300", "--quiet",
            "--device", "cpu", "--set", "train.preview_every=50"]
    for s in sets:
        args += ["--set", s]
    assert cli_main(args) == 0
    pngs = sample_paths(run)
    assert len(pngs) >= 4
    out = tmp_path / "samples.gif"
    n = make_gif(run, out, fps=4)
    info, frames = gif_frames(out)
    assert info["format"] == "GIF" and info["n_frames"] == n == len(pngs)
    assert info["loop"] == 0
    first, last = frames[0], frames[-1]
    with Image.open(pngs[0]) as png:
        h = png.height * (first.shape[1] // png.width)
    # The samples changed while it trained (the picture above the caption strip).
    assert np.abs(first[:h] - last[:h]).mean() > 1.0
    # Each frame carries a caption: dark text pixels in the white strip below the picture.
    assert (first[h:] < 128).any() and not np.array_equal(first[h:], last[h:])


def test_frames_are_downsampled_evenly_keeping_first_and_last(tmp_path):
    paths = []
    for i, step in enumerate(range(10, 1010, 10)):
        p = tmp_path / f"step_{step:07d}.png"
        Image.fromarray(np.full((8, 8, 3), i * 2, np.uint8)).save(p)
        paths.append(p)
    out = tmp_path / "a.gif"
    assert make_gif(paths, out, max_frames=7, caption=False) == 7
    info, frames = gif_frames(out)
    assert info["n_frames"] == 7 and frames[0].shape == (256, 256, 3)  # small frames scaled up
    assert frames[0][0, 0, 0] == 0 and frames[-1][0, 0, 0] == 198
    assert pick_evenly(list(range(100)), 5) == [0, 25, 50, 74, 99]
    assert pick_evenly([1, 2], 5) == [1, 2]


def test_no_samples_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="no samples"):
        make_gif(tmp_path, tmp_path / "x.gif")
    with pytest.raises(ValueError, match="max_frames"):
        pick_evenly([1], 0)
