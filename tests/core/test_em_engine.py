"""GMMEngine: steps, E/M separately, history, editing, checkpoints, export, presets."""
import io

import numpy as np
import pytest
import torch

from studio.config import RunConfig
from studio.core.data.files import DataError
from studio.core.engines import make_engine
from studio.core.engines.base import StepResult
from studio.core.runner import run
from studio.presets import PRESETS

torch.set_num_threads(1)
CPU = torch.device("cpu")


def _cfg(**settings):
    cfg = RunConfig()
    for k, v in {"model": "gmm", "data.name": "blobs", "data.n_points": 600, "gmm.k": 3,
                 "gmm.true_k": 3, "train.steps": 50, **settings}.items():
        cfg.set(k, v)
    return cfg.validate()


@pytest.mark.parametrize("name", ["gmm-blobs", "gmm-ring"])
def test_presets_converge_through_the_runner(name):
    cfg = PRESETS[name].config()
    cfg.set("data.n_points", 1000)
    eng = make_engine(cfg.validate(), CPU)
    results = [r for batch in run(eng, cfg.train.steps, every=5, preview_every=5) for r in batch]
    assert eng.converged and len(results) == eng.step_count < cfg.train.steps
    lls = [r.metrics["log_likelihood"] for r in results]
    assert all(isinstance(v, float) for v in lls) and np.all(np.diff(lls) > -1e-6)
    shown = [r.preview for r in results if r.preview is not None]
    # every 5 steps, and once more at convergence so the last picture is the fitted mixture
    assert all(p["kind"] == "gmm" for p in shown)
    assert [p["step"] for p in shown][-1] == eng.step_count
    assert len(shown) == eng.step_count // 5 + (eng.step_count % 5 != 0)


def test_e_then_m_equals_step_and_step_back_restores():
    a, b = make_engine(_cfg(), CPU), make_engine(_cfg(), CPU)
    assert "E-step" in a.e_step() and a.phase == "M"
    ra = a.m_step()
    rb = b.step()
    assert isinstance(ra, StepResult) and ra.step == rb.step == 1
    assert ra.metrics == rb.metrics
    torch.testing.assert_close(a.mix.means, b.mix.means)
    start = a.history[0].mix.means.clone()
    a.step()
    assert a.step_count == 2 and len(a.ll_history) == 2
    assert a.step_back() and a.phase == "M" and a.step_count == 1  # undid the M-step
    assert a.step_back() and a.phase == "E" and a.step_count == 1  # undid the E-step
    torch.testing.assert_close(a.mix.means, b.mix.means)
    assert len(a.ll_history) == 1
    a.reset()
    assert a.step_count == 0 and a.ll_history == [] and not a.step_back()
    torch.testing.assert_close(a.mix.means, start)


def test_dragging_a_mean_before_the_first_step_moves_the_start():
    eng = make_engine(_cfg(), CPU)
    eng.set_mean(1, (7.5, -2.0))
    assert eng.mix.means[1].tolist() == [7.5, -2.0]
    eng.step()
    eng.reset()
    assert eng.mix.means[1].tolist() == [7.5, -2.0]
    eng.set_mean(0, (1.0, 1.0))
    eng.step()
    eng.set_mean(0, (3.0, 3.0))  # after a step: an undoable edit
    assert eng.step_back() and eng.mix.means[0].tolist() != [3.0, 3.0]


def test_points_can_be_added_and_removed():
    eng = make_engine(_cfg(), CPU)
    n = eng.n_points
    eng.add_point((100.0, 100.0))
    assert eng.n_points == n + 1 and eng.points_edited
    assert not eng.remove_point((50.0, 50.0), radius=1.0)
    assert eng.remove_point((100.2, 99.9), radius=1.0) and eng.n_points == n


def test_one_dimensional_data_and_preview():
    eng = make_engine(_cfg(**{"gmm.dim": 1, "gmm.k": 2}), CPU)
    while not eng.done:
        eng.step()
    p = eng.preview()
    assert p["dim"] == 1 and p["points"].shape == (600, 1) and p["resp"].shape == (600, 2)
    assert p["covariances"].shape == (2, 1, 1) and p["true_means"].shape == (3, 1)
    assert p["real"].shape[1] == 2 and p["fake"].shape == (1000, 2)
    assert eng.sample(50)["points"].shape == (50, 1)


def test_checkpoint_round_trip_with_weights_only(tmp_path):
    eng = make_engine(_cfg(**{"gmm.covariance_type": "diag"}), CPU)
    for _ in range(3):
        eng.step()
    eng.add_point((9.0, 9.0))
    eng.step()
    buf = io.BytesIO()
    torch.save(eng.state_dict(), buf)
    buf.seek(0)
    state = torch.load(buf, weights_only=True)
    other = make_engine(_cfg(**{"gmm.covariance_type": "diag"}), CPU)
    other.load_state_dict(state)
    assert other.step_count == 1 and other.n_points == eng.n_points
    a, b = eng.step(), other.step()
    assert a.metrics["log_likelihood"] == pytest.approx(b.metrics["log_likelihood"], rel=1e-12)


def test_export_and_init_file_and_csv_path(tmp_path):
    eng = make_engine(_cfg(), CPU)
    for _ in range(5):
        eng.step()
    out = eng.export(tmp_path)
    with np.load(out) as z:
        assert z["weights"].shape == (3,) and z["covariances"].shape == (3, 2, 2)
        assert z["log_likelihood"].shape == (5,) and str(z["covariance_type"]) == "full"
        np.savez(tmp_path / "init.npz", weights=z["weights"], means=z["means"],
                 covariances=z["covariances"])
    pts = eng.pts.x.numpy()
    np.savetxt(tmp_path / "p.csv", pts, delimiter=",", header="x,y", comments="")
    cfg = _cfg(**{"data.path": str(tmp_path / "p.csv"), "gmm.init_file": str(tmp_path / "init.npz"),
                  "gmm.k": 5})
    again = make_engine(cfg, CPU)
    assert again.k == 3 and again.init_method == "file"
    torch.testing.assert_close(again.mix.means, eng.mix.means)
    assert again.step().metrics["log_likelihood"] >= eng.ll_history[-1] - 1e-9


def test_bad_inputs_raise_data_error(tmp_path):
    with pytest.raises(DataError, match="needs points"):
        make_engine(_cfg(**{"data.name": "digits"}), CPU)
    with pytest.raises(DataError, match="at least"):
        make_engine(_cfg(**{"data.n_points": 100, "gmm.k": 64, "gmm.true_k": 2}), CPU) \
            .set_data(np.zeros((3, 2)))
    np.savez(tmp_path / "i.npz", weights=[1.0], means=[[0.0]], covariances=[[[1.0]]])
    with pytest.raises(DataError, match="means must be"):
        make_engine(_cfg(**{"gmm.init_file": str(tmp_path / "i.npz")}), CPU)


def test_choose_k_prefers_the_true_number():
    eng = make_engine(_cfg(**{"data.n_points": 1500}), CPU)
    scores = [eng.score_k(k) for k in range(1, 6)]
    assert min(scores, key=lambda s: s["bic"])["k"] == 3
