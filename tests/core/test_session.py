"""The training session's policy, observed through a list sink (no Qt, no process)."""
import errno
import threading

import numpy as np
import pytest
import torch

from studio.core import session as session_module
from studio.core.engines.gan import GANEngine
from studio.core.rundir import RunDir, load_checkpoint
from studio.core.session import (DIVERGED, FINISHED, OUT_OF_MEMORY, STOPPED, Controls, ListSink,
                                 TrainingSession)
from studio.presets import PRESETS


def small_cfg(steps=200, **changes):
    cfg = PRESETS["gan-ring8"].config()
    for k, v in {"train.steps": steps, "data.n_points": 500, "gan.hidden": 16,
                 "train.device": "cpu", "train.preview_every": 50, **changes}.items():
        cfg.set(k, v)
    return cfg.validate()


def session(cfg, run, sink, **kw):
    return TrainingSession(cfg, sink, make_run_dir=lambda c, _e: RunDir(run, c), headless=True,
                           **kw)


def metric_steps(run):
    return [int(line.split(",")[0]) for line in (run / "metrics.csv").read_text().splitlines()[1:]]


def test_a_run_to_the_end_reports_and_saves_everything(tmp_path):
    sink = ListSink()
    outcome = session(small_cfg(), tmp_path / "r", sink).run()
    assert outcome == FINISHED
    kinds = sink.kinds()
    assert kinds[0] == "started" and kinds[-1] == "finished"
    assert sink.of("finished")[0].data == {"step": 200, "outcome": FINISHED, "checkpoint_step": 200}
    steps = np.concatenate([e.data["columns"]["step"] for e in sink.of("metrics")])
    assert steps.tolist() == list(range(1, 201))
    assert metric_steps(tmp_path / "r") == list(range(1, 201))
    assert load_checkpoint(tmp_path / "r")["step"] == 200


def test_checkpoints_every_n_steps_when_far_enough_apart(tmp_path, monkeypatch):
    monkeypatch.setattr(session_module, "MIN_CHECKPOINT_S", 0.0)
    sink = ListSink()
    cfg = small_cfg(steps=100, **{"train.checkpoint_every": 20, "train.preview_every": 100})
    session(cfg, tmp_path / "r", sink).run()
    assert [e.data["step"] for e in sink.of("checkpoint")] == [20, 40, 60, 80, 100]


def test_after_the_first_checkpoint_the_next_waits_for_the_interval(tmp_path):
    sink = ListSink()
    cfg = small_cfg(steps=100, **{"train.checkpoint_every": 20, "train.preview_every": 100})
    session(cfg, tmp_path / "r", sink).run()
    # 100 steps take well under MIN_CHECKPOINT_S: the first at 20, then the final one.
    assert [e.data["step"] for e in sink.of("checkpoint")] == [20, 100]


def test_autosave_by_time_without_a_step_checkpoint_due(tmp_path, monkeypatch):
    clock = iter(np.arange(0.0, 1e6, 2.0))  # every reading of the clock is 2 s later
    monkeypatch.setattr(session_module.time, "perf_counter", lambda: float(next(clock)))
    cfg = small_cfg(steps=300, **{"train.checkpoint_every": 10_000_000,
                                  "train.autosave_minutes": 0.1})
    sink = ListSink()
    session(cfg, tmp_path / "r", sink).run()
    saved = [e.data["step"] for e in sink.of("checkpoint")]
    assert len(saved) >= 2 and saved[0] < 300 and saved[-1] == 300


def poison_at(monkeypatch, step):
    real = GANEngine.step

    def poisoned(self):
        if self.step_count == step:
            with torch.no_grad():
                next(self.G.parameters()).fill_(float("nan"))
        return real(self)
    monkeypatch.setattr(GANEngine, "step", poisoned)


def test_divergence_ends_a_non_interactive_run_and_keeps_the_last_good_checkpoint(
        tmp_path, monkeypatch):
    monkeypatch.setattr(session_module, "MIN_CHECKPOINT_S", 0.0)
    poison_at(monkeypatch, 45)
    sink = ListSink()
    outcome = session(small_cfg(**{"train.checkpoint_every": 20}), tmp_path / "r", sink).run()
    assert outcome == DIVERGED
    d = sink.of("diverged")[0].data
    assert d["step"] == 46 and d["checkpoint_step"] == 40 and d["metric"]
    assert load_checkpoint(tmp_path / "r")["step"] == 40


def test_an_exploded_loss_counts_as_divergence(tmp_path):
    """lr=1.0: every value stays finite while the losses grow past a million."""
    sink = ListSink()
    cfg = small_cfg(steps=1500, **{"gan.lr_g": 1.0, "gan.lr_d": 1.0})
    assert session(cfg, tmp_path / "r", sink).run() == DIVERGED
    assert sink.of("diverged")[0].data["metric"].startswith("loss")


def run_in_thread(s):
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("outcome", s.run()))
    t.start()
    return t, out


def wait_for(sink, kind, timeout=60):
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if sink.of(kind):
            return sink.of(kind)
        time.sleep(0.01)
    raise AssertionError(f"no {kind} event; got {sink.kinds()[-10:]}")


def test_an_interactive_session_pauses_on_divergence_and_stops_when_told(tmp_path, monkeypatch):
    poison_at(monkeypatch, 30)
    sink, controls = ListSink(), Controls()
    cfg = small_cfg(steps=10_000, **{"train.checkpoint_every": 20})
    t, out = run_in_thread(session(cfg, tmp_path / "r", sink, controls=controls,
                                   interactive=True))
    wait_for(sink, "paused")
    assert controls.pause.is_set() and sink.of("diverged")[0].data["step"] == 31
    controls.stop.set()
    t.join(60)
    assert out["outcome"] == STOPPED
    assert load_checkpoint(tmp_path / "r")["step"] == 20  # no NaN weights saved on the way out


def oom_at(monkeypatch, step):
    real = GANEngine.step

    def oom(self):
        if self.step_count == step:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(self)
    monkeypatch.setattr(GANEngine, "step", oom)


def test_out_of_memory_ends_a_cli_style_run_with_advice_and_a_checkpoint(tmp_path, monkeypatch):
    oom_at(monkeypatch, 60)
    sink = ListSink()
    cfg = small_cfg(**{"train.batch_size": 128})
    assert session(cfg, tmp_path / "r", sink).run() == OUT_OF_MEMORY
    d = sink.of("out_of_memory")[0].data
    assert d["step"] == 60 and d["batch_size"] == 128 and d["suggested"] == 64
    assert load_checkpoint(tmp_path / "r")["step"] == 60  # the weights were intact


def test_out_of_memory_pauses_an_interactive_run(tmp_path, monkeypatch):
    oom_at(monkeypatch, 60)
    sink, controls = ListSink(), Controls()
    t, out = run_in_thread(session(small_cfg(steps=10_000), tmp_path / "r", sink,
                                   controls=controls, interactive=True))
    wait_for(sink, "paused")
    assert sink.of("out_of_memory")
    controls.stop.set()
    t.join(60)
    assert out["outcome"] == STOPPED


def test_a_full_disk_is_reported_once_and_training_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr(session_module, "MIN_CHECKPOINT_S", 0.0)

    def full(self, engine, history=None):
        raise OSError(errno.ENOSPC, "No space left on device", str(self.path / "checkpoint.pt"))
    monkeypatch.setattr(RunDir, "save_checkpoint", full)
    sink = ListSink()
    outcome = session(small_cfg(**{"train.checkpoint_every": 20}), tmp_path / "r", sink).run()
    assert outcome == FINISHED and sink.of("finished")[0].data["step"] == 200
    told = sink.of("disk_failed")
    assert len(told) == 1 and told[0].data["path"].endswith("checkpoint.pt")
    assert "space" in told[0].data["error"] and told[0].data["checkpoint_step"] is None


def test_stop_saves_the_last_finished_step_and_resume_continues_the_rows(tmp_path):
    sink, controls = ListSink(), Controls()

    def stop_soon(event):
        sink(event)
        if event.kind == "progress" and event.data["step"] >= 50:
            controls.stop.set()
    run = tmp_path / "r"
    outcome = session(small_cfg(steps=100_000), run, stop_soon, controls=controls).run()
    assert outcome == STOPPED
    ck = load_checkpoint(run)
    assert ck["step"] == sink.of("finished")[0].data["step"] >= 50
    assert metric_steps(run) == list(range(1, ck["step"] + 1))
    cfg = small_cfg(steps=ck["step"] + 30)
    again = TrainingSession(cfg, ListSink(), resume=ck, headless=True,
                            make_run_dir=lambda c, _e: RunDir(run, c, mode="resume"))
    assert again.run() == FINISHED
    assert metric_steps(run) == list(range(1, ck["step"] + 31))


def test_requests_are_answered_between_steps_and_after_the_run_when_lingering(tmp_path):
    sink, controls = ListSink(), Controls()
    controls.request("hyper", small_cfg(**{"gan.lr_g": 1e-3}))
    controls.request("save", str(tmp_path / "copy.pt"))
    t, out = run_in_thread(TrainingSession(small_cfg(steps=100), sink, controls=controls,
                                           linger=True))
    wait_for(sink, "finished")
    controls.request("preview")
    n = len(sink.of("preview"))
    wait_for(sink, "preview")
    import time
    end = time.monotonic() + 30
    while len(sink.of("preview")) <= n and time.monotonic() < end:
        time.sleep(0.01)
    assert len(sink.of("preview")) > n  # answered after the run: the session lingers
    controls.quit.set()
    t.join(30)
    assert not t.is_alive() and out["outcome"] == FINISHED
    assert sink.of("saved")[0].data["path"] == str(tmp_path / "copy.pt")
    assert load_checkpoint(tmp_path / "copy.pt")["config"].gan.lr_g == 1e-3


def test_a_bad_request_is_reported_and_the_run_goes_on():
    sink, controls = ListSink(), Controls()
    controls.request("points", np.zeros((3, 5)))  # not (N, 2)
    assert TrainingSession(small_cfg(steps=50), sink, controls=controls).run() == FINISHED
    assert sink.of("request_failed")[0].data["request"] == "points"


def test_bad_settings_end_in_one_failed_event():
    cfg = small_cfg()
    cfg.data.path = "/no/such/file.npz"
    sink = ListSink()
    assert TrainingSession(cfg, sink).run() == "failed"
    failed = sink.of("failed")[0].data
    assert failed["user_error"] and "no such file" in failed["message"]
    assert sink.kinds()[-1] == "finished"


@pytest.mark.parametrize("preset", ["vae-digits", "ae-vs-vae-digits"])
def test_a_latent_request_answers_with_a_decoder_copy(preset):
    cfg = PRESETS[preset].config()
    for k, v in {"train.steps": 20, "vae.hidden": 32, "train.device": "cpu"}.items():
        cfg.set(k, v)
    sink, controls = ListSink(), Controls()
    controls.request("latent", True)
    TrainingSession(cfg, sink, controls=controls).run()
    snaps = sink.of("latent")[0].data["snapshots"]
    assert set(snaps) == ({"vae"} if preset == "vae-digits" else {"ae", "vae"})
    snap = snaps["vae"]
    data = snap.encode_dataset()
    assert data["mu"].shape[1] == snap.latent_dim and data["images"].dtype == np.float32
    img = snap.decode(np.zeros(snap.latent_dim))
    assert img.shape == (1, *snap.image_shape) and 0 <= img.min() <= img.max() <= 1


def test_sample_pictures_are_dense_early_and_bounded_for_a_million_steps():
    from studio.core.session import next_picture_step

    def kept(total, every):
        steps, s = [], 0
        while True:
            s = next_picture_step(s, every)
            if s > total:
                return steps
            steps.append(s)
    early = kept(5_000, 100)
    assert early == list(range(100, 5_001, 100))  # every preview for the first 50
    million = kept(1_000_000, 100)
    assert 200 < len(million) < 300 and million[-1] >= 900_000
    gaps = np.diff(million)
    assert (gaps[1:] >= gaps[:-1]).all()  # never denser later


def test_a_headless_run_keeps_a_picture_per_preview_early_on(tmp_path):
    session(small_cfg(steps=300), tmp_path / "r", ListSink()).run()
    pictures = sorted(p.name for p in (tmp_path / "r" / "samples").glob("*.png"))
    assert pictures == [f"step_{s:07d}.png" for s in range(50, 301, 50)]
