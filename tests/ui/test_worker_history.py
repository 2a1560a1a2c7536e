"""The worker's record of a run: every step's metrics in the history (what a checkpoint
saves) and sent to the window once, in order."""
import math
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

from studio.config import RunConfig  # noqa: E402
from studio.core.engines.base import StepResult  # noqa: E402
from studio.ui.worker import TrainingWorker  # noqa: E402


def results(steps, **columns):
    return [StepResult(s, {k: v[i] for k, v in columns.items() if i < len(v)})
            for i, s in enumerate(steps)]


def test_each_step_is_kept_and_sent_once(qapp):
    w = TrainingWorker(RunConfig(), resume={"history": {"a": [9.0], "b": [8.0]}, "engine": {}})
    sent = []
    w.metrics.connect(sent.append)
    w._record(results([2, 3], a=[0.5, 1.5], b=[2.0, 3.0]))
    w._record(results([4], a=[2.5], b=[]))  # a missing value is kept as NaN
    w._flush()
    w._flush()  # nothing new: nothing sent
    w._record(results([5], a=[3], b=[4.0]))
    w._flush()
    assert [list(m["step"]) for m in sent] == [[2, 3, 4], [5]]
    assert list(sent[0]["a"]) == [0.5, 1.5, 2.5] and sent[0]["b"][:2].tolist() == [2.0, 3.0]
    assert math.isnan(sent[0]["b"][2]) and sent[1]["a"].dtype == np.float64
    assert list(w.history["a"]) == [9.0, 0.5, 1.5, 2.5, 3.0]  # the resumed run's first
    assert list(w.history["b"])[:3] == [8.0, 2.0, 3.0] and list(w.history["b"])[4] == 4.0


def _fast_run(tmp_path, monkeypatch, min_checkpoint_s, save_preview_s):
    from studio.core.rundir import RunDir
    from studio.ui import worker

    saved = []
    real = RunDir.save_checkpoint
    monkeypatch.setattr(RunDir, "save_checkpoint",
                        lambda self, e, h=None: (saved.append(e.step_count), real(self, e, h)))
    monkeypatch.setattr(worker, "MIN_CHECKPOINT_S", min_checkpoint_s)
    monkeypatch.setattr(worker, "SAVE_PREVIEW_S", save_preview_s)
    monkeypatch.setattr(worker, "PREVIEW_INTERVAL", 0.0)
    cfg = RunConfig()
    for k, v in {"train.device": "cpu", "data.n_points": 500, "gan.hidden": 16,
                 "train.batch_size": 32, "train.steps": 300, "train.checkpoint_every": 20,
                 "train.preview_every": 20}.items():
        cfg.set(k, v)
    run = tmp_path / f"run{min_checkpoint_s}"
    TrainingWorker(cfg, run)._work()  # (work() would also quit the calling QThread)
    return saved, sorted(p.name for p in (run / "samples").iterdir())


def test_a_fast_run_checkpoints_and_saves_pictures_at_a_bounded_rate(qapp, tmp_path, monkeypatch):
    # 300 steps take well under the floors: the first checkpoint and the last; the first
    # picture and the last.
    saved, samples = _fast_run(tmp_path, monkeypatch, 60.0, 60.0)
    assert saved == [20, 300] and samples == ["step_0000020.png", "step_0000300.png"]
    # Without the floors: every checkpoint_every steps, every preview.
    saved, samples = _fast_run(tmp_path, monkeypatch, 0.0, 0.0)
    assert saved == list(range(20, 301, 20)) + [300] and len(samples) == 15
