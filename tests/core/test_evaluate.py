"""`evaluate`: the classifier Fréchet distance and precision/recall equal a direct computation
on the same features; FID runs through torchmetrics with a stand-in for Inception; offline,
the note names the weights file to place and where."""
import json

import numpy as np
import pytest
import torch
from torch import nn

from studio.cli import main as cli_main
from studio.core import evaluate as ev
from studio.core.metrics import classifier
from studio.core.metrics.fidelity import INCEPTION_FILE, fid, frechet_distance, precision_recall
from studio.core.trained import load_run


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("GENERATIVE_STUDIO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path / "hub"))  # no weights


def train(tmp_path, preset, *sets, steps=20) -> str:
    run = tmp_path / preset
    args = ["train", "--preset", preset, "--out", str(run), "--steps", str(steps), "--quiet"]
    assert cli_main(args + [f"--set={s}" for s in sets]) == 0
    return run


def direct_fd(a, b) -> float:
    """The Fréchet distance by eigenvalues: Tr((S_a S_b)^(1/2)) = sum of sqrt(eig(S_a S_b))."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    sa, sb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    eig = np.linalg.eigvals(sa @ sb)
    tr_sqrt = np.sqrt(np.clip(eig.real, 0, None)).sum()
    return float(((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(sa) + np.trace(sb) - 2 * tr_sqrt)


def direct_pr(real, fake, k=3) -> tuple[float, float]:
    from sklearn.neighbors import NearestNeighbors

    def manifold(ref, query):
        radii = NearestNeighbors(n_neighbors=k + 1).fit(ref).kneighbors(ref)[0][:, k]
        d = np.linalg.norm(query[:, None, :] - ref[None, :, :], axis=2)
        return float((d <= radii[None, :]).any(1).mean())

    real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)
    return manifold(real, fake), manifold(fake, real)


def same_features(run, n):
    """The rows evaluate compared, rebuilt here: the seeded samples and real subset, through
    the classifier now in the cache."""
    cfg, engine, _ = load_run(run, whole_data=True)  # as evaluate loads it
    fake = ev.draw_samples(cfg, engine, n, 0)
    real_x, _ = ev._real_rows(engine.data, n, 0)
    if engine.data.kind == "points":
        return real_x.numpy(), fake["points"]
    net, info = classifier.classifier_for(engine.data.x, engine.data.labels,
                                          engine.data.num_classes)
    assert info["cached"]  # the one evaluate trained, not a new one
    return net.features(real_x).numpy(), net.features(torch.as_tensor(fake["images"])).numpy()


def test_classifier_distance_and_precision_recall_equal_a_direct_computation(tmp_path):
    run = train(tmp_path, "gan-digits", "data.image_size=8")
    out = ev.evaluate_run(run, n=120)
    saved = json.loads((run / "evaluation.json").read_text())
    assert saved["fd_classifier"] == pytest.approx(out["fd_classifier"])
    assert saved["step"] == 20 and saved["n_fake"] == 120
    assert saved["classifier"]["accuracy"] > 0.8  # the features know digits
    real, fake = same_features(run, 120)
    assert out["fd_classifier"] == pytest.approx(direct_fd(real, fake), rel=1e-4, abs=1e-6)
    assert (out["precision"], out["recall"]) == pytest.approx(direct_pr(real, fake))
    assert out["fid"] is None and INCEPTION_FILE in out["fid_note"]
    assert str(tmp_path / "hub" / "checkpoints" / INCEPTION_FILE) in out["fid_note"]
    again = ev.evaluate_run(run, n=120)  # the cached classifier: the same numbers
    assert again["classifier"]["cached"] and again["fd_classifier"] == out["fd_classifier"]


def test_a_points_run_is_measured_in_the_plane(tmp_path):
    run = train(tmp_path, "gan-ring8", "gan.hidden=16", "data.n_points=400")
    out = ev.evaluate_run(run, n=200)
    real, fake = same_features(run, 200)
    assert out["fd_points"] == pytest.approx(direct_fd(real, fake), rel=1e-4)
    assert (out["precision"], out["recall"]) == pytest.approx(direct_pr(real, fake))
    assert "fid" not in out  # FID is for images


def test_real_against_itself_is_perfect_and_a_shift_is_seen():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(400, 3))
    assert frechet_distance(a, a) == pytest.approx(0, abs=1e-6)
    assert precision_recall(a, a) == (1.0, 1.0)
    far = a + 100
    assert frechet_distance(a, far) == pytest.approx(3 * 100 ** 2, rel=1e-3)
    assert precision_recall(a, far) == (0.0, 0.0)


class StandIn(nn.Module):
    """In place of Inception: pooled pixels as 12 features."""
    num_features = 12

    def forward(self, x):
        return nn.functional.adaptive_avg_pool2d(x.float(), 2).flatten(1)


def test_fid_runs_through_torchmetrics_with_a_stand_in_network(tmp_path):
    pytest.importorskip("torchmetrics")
    torch.manual_seed(0)
    real, fake = torch.rand(64, 1, 8, 8), torch.rand(64, 1, 8, 8) ** 2
    net = StandIn()
    got = fid(real, fake, net)
    feats = [net(x.expand(-1, 3, -1, -1)).numpy() for x in (real, fake)]
    assert got == pytest.approx(direct_fd(*feats), rel=1e-3)
    run = train(tmp_path, "gan-digits", "data.image_size=8")
    out = ev.evaluate_run(run, n=50, fid_feature=StandIn())
    assert out["fid"] > 0 and "stand-in" in out["fid_note"]


def test_cli_evaluate_writes_the_json_and_refuses_bad_input(tmp_path, capsys):
    run = train(tmp_path, "gan-ring8", "gan.hidden=16", "data.n_points=400")
    assert cli_main(["evaluate", str(run), "--n", "50"]) == 0
    printed = capsys.readouterr()
    assert "precision" in printed.out and (run / "evaluation.json").is_file()
    assert cli_main(["evaluate", str(run), "--n", "3"]) == 2
    assert "--n" in capsys.readouterr().err
    assert cli_main(["evaluate", str(tmp_path / "nowhere")]) == 2
    assert "not a run directory" in capsys.readouterr().err
