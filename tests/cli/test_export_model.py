"""`export`: the TorchScript file and generate.py draw what `sample` draws for the same
seed, in a fresh interpreter where the studio cannot be imported."""
import json
import subprocess
import sys

import numpy as np
import pytest

from studio.cli import main as cli_main
from tests import model_files as mf

# generate.py run as a user would, with `import studio` made to fail first.
NO_STUDIO = ("import runpy, sys; sys.modules['studio'] = None; sys.argv = sys.argv[1:]; "
             "runpy.run_path(sys.argv[0], run_name='__main__')")


def generate(folder, *args) -> dict:
    out = folder / "gen.npz"
    p = subprocess.run([sys.executable, "-I", "-c", NO_STUDIO, str(folder / "generate.py"),
                        "--out", str(out), *map(str, args)],
                       capture_output=True, text=True, timeout=120, cwd=folder)
    assert p.returncode == 0, p.stderr
    assert "Warning" not in p.stderr, p.stderr
    with np.load(out) as z:
        return {k: z[k] for k in z.files}


def sample(run, tmp_path, *args) -> dict:
    out = tmp_path / "sample.npz"
    assert cli_main(["sample", str(run), "--out", str(out), *map(str, args)]) == 0
    with np.load(out) as z:
        return {k: z[k] for k in z.files}


CASES = {
    # Truncated: the exported generator draws what `sample` draws, truncation included.
    "conditional-images": ("gan-digits", ["data.image_size=8", "gan.conditional=true",
                                          "gan.truncation=0.5"]),
    "points-model-file": ("gan-ring8", ["gan.pack=1", "gan.latent_dim=4", "data.n_points=300"]),
    "vae": ("vae-digits", ["data.image_size=8"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_exported_files_draw_what_sample_draws_without_the_studio(tmp_path, capsys, case):
    preset, sets = CASES[case]
    if case == "points-model-file":
        sets = sets + [f"gan.model_file={mf.write(tmp_path, 'mine.py', mf.MLP_GAN_2D)}"]
    run, folder = tmp_path / "run", tmp_path / "exported"
    assert cli_main(["train", "--preset", preset, "--out", str(run), "--steps", "10", "--quiet",
                     *[f"--set={s}" for s in sets]]) == 0
    assert cli_main(["export", str(run), "--out", str(folder)]) == 0
    assert "generate.py" in capsys.readouterr().out
    meta = json.loads((folder / "model.json").read_text())
    key = "points" if case.startswith("points") else "images"
    assert meta["output"] == key
    ours = generate(folder, "--n", 12, "--seed", 3)
    theirs = sample(run, tmp_path, "--n", 12, "--seed", 3)
    assert sorted(ours) == sorted(theirs)
    np.testing.assert_allclose(ours[key], theirs[key], atol=1e-5)
    if meta["num_classes"]:
        np.testing.assert_array_equal(ours["labels"], theirs["labels"])
        one = generate(folder, "--n", 4, "--seed", 1, "--label", 7)
        np.testing.assert_allclose(one[key], sample(run, tmp_path, "--n", 4, "--seed", 1,
                                                    "--label", 7)[key], atol=1e-5)
    onnx = pytest.importorskip("onnx")
    model = onnx.load(str(folder / "generator.onnx"))
    onnx.checker.check_model(model)
    assert [i.name for i in model.graph.input] == (["z", "labels"] if meta["num_classes"]
                                                    else ["z"])


def test_export_refuses_to_replace_an_export_and_bad_runs(tmp_path, capsys):
    run, folder = tmp_path / "run", tmp_path / "exported"
    assert cli_main(["train", "--preset", "gan-ring8", "--out", str(run), "--steps", "5",
                     "--quiet", "--set=gan.hidden=16"]) == 0
    assert cli_main(["export", str(run), "--out", str(folder)]) == 0
    before = (folder / "generator.pt").read_bytes()
    capsys.readouterr()
    assert cli_main(["export", str(run), "--out", str(folder)]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert (folder / "generator.pt").read_bytes() == before
    assert cli_main(["export", str(run), "--out", str(folder), "--overwrite"]) == 0
    assert cli_main(["export", str(tmp_path / "nothing"), "--out", str(tmp_path / "x")]) == 2
    assert "no checkpoint" in capsys.readouterr().err
