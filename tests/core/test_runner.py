import math

import torch

from studio.core.engines.base import Engine, StepResult
from studio.core.runner import fetch_metrics, run


class CountingEngine(Engine):
    """Metrics are device tensors, as a real engine returns them; NaN from `nan_at` on."""

    def __init__(self, nan_at=None):
        super().__init__()
        self.nan_at = nan_at
        self.previews = 0

    def step(self):
        self.step_count += 1
        bad = self.nan_at is not None and self.step_count >= self.nan_at
        return StepResult(self.step_count, {"loss": torch.tensor(math.nan if bad else self.step_count * 1.0)})

    def preview(self):
        self.previews += 1
        return {"kind": "points", "step": self.step_count}

    def sample(self, n, **kw):
        return {}

    def state_dict(self):
        return {}

    def load_state_dict(self, state):
        pass


def test_runs_to_the_end_in_batches_with_float_metrics():
    e = CountingEngine()
    batches = list(run(e, 25, every=10, preview_every=10))
    assert [len(b) for b in batches] == [10, 10, 5]
    assert all(isinstance(r.metrics["loss"], float) for b in batches for r in b)
    assert [r.step for b in batches for r in b] == list(range(1, 26))
    # previews at 10, 20 and at the last step
    assert [b[-1].preview["step"] for b in batches if b[-1].preview] == [10, 20, 25]


def test_stop_flag_ends_the_run_between_steps():
    e = CountingEngine()
    out = list(run(e, 1000, stop=lambda: e.step_count >= 7, every=5))
    assert e.step_count == 7 and out[-1][-1].step == 7


def test_interrupt_ends_a_batch_but_not_the_run():
    e = CountingEngine()
    batches = list(run(e, 12, every=10, interrupt=lambda: e.step_count == 3))
    assert [len(b) for b in batches] == [3, 9]


def test_without_a_preview_interval_each_due_preview_is_made():
    """main.py train saves every preview: one due inside a batch ends the batch; the window
    (an interval) keeps its batches whole and shows the newest."""
    e = CountingEngine()
    headless = list(run(e, 100, every=100, preview_every=25))
    assert [b[-1].preview["step"] for b in headless] == [25, 50, 75, 100]
    e = CountingEngine()
    shown = list(run(e, 100, every=100, preview_every=25, min_preview_interval=60.0))
    assert [len(b) for b in shown] == [100] and shown[-1][-1].preview["step"] == 100


def test_a_fetch_says_whether_every_metric_is_finite():
    def results(loss, lr=None):
        extra = {} if lr is None else {"lr": lr}
        return [StepResult(i, {"loss": torch.tensor(loss), "d": None, **extra}) for i in (1, 2)]

    assert fetch_metrics(results(1.0)) is True
    assert fetch_metrics(results(math.inf)) is False
    assert fetch_metrics(results(1.0, lr=0.5)) is False  # a number: the caller looks at it
    ok = results(1.0)
    assert fetch_metrics(ok, None, [(ok, ("d",), torch.tensor([[1.0], [math.nan]]))]) is False


class Deferring(CountingEngine):
    """Two more metrics: "d" left to take_deferred (NaN at step d_nan_at) and "lr" given as a
    number (Inf at step lr_inf_at)."""

    def __init__(self, d_nan_at=None, lr_inf_at=None):
        super().__init__()
        self.d_nan_at, self.lr_inf_at, self.pending = d_nan_at, lr_inf_at, []

    def step(self):
        r = super().step()
        r.metrics.update(d=None, lr=math.inf if r.step == self.lr_inf_at else 0.1)
        self.pending.append(r)
        return r

    def take_deferred(self):
        done, self.pending = self.pending, []
        block = torch.tensor([[math.nan if r.step == self.d_nan_at else 1.0] for r in done])
        return [(done, ("d",), block)] if done else []


def test_divergence_in_a_number_or_a_deferred_metric_is_found():
    last = list(run(Deferring(lr_inf_at=17), 100, every=10))[-1][-1]
    assert last.step == 17 and last.diverged == "lr"
    last = list(run(Deferring(d_nan_at=24), 100, every=10))[-1][-1]
    assert last.step == 24 and last.diverged == "d"
    assert list(run(Deferring(), 30, every=10))[-1][-1].diverged == ""


def test_divergence_is_reported_and_stops_at_the_bad_step():
    e = CountingEngine(nan_at=13)
    batches = list(run(e, 100, every=10))
    last = batches[-1][-1]
    assert last.step == 13 and last.diverged == "loss"
    assert all(not r.diverged for b in batches for r in b[:-1] if r is not last)


def test_a_headless_run_saves_previews_without_the_2d_field():
    """`main.py train` has no window to draw the 2-D field (most of a 2-D preview's time);
    the window's previews keep it."""
    from studio.config import RunConfig
    from studio.core.engines import make_engine

    cfg = RunConfig()
    cfg.data.n_points, cfg.train.batch_size, cfg.train.device = 1000, 64, "cpu"
    cfg.gan.hidden, cfg.gan.layers, cfg.gan.latent_dim = 16, 1, 2
    e = make_engine(cfg.validate())
    headless = [b[-1].preview for b in run(e, 10, every=5, preview_every=5, headless=True)]
    shown = [b[-1].preview for b in run(e, 20, every=5, preview_every=5)]
    assert all(p is not None and "field" not in p and p["fake"].shape == (1000, 2)
               for p in headless)
    assert all(p is not None and "heat" in p["field"] for p in shown)


def test_one_fetch_fills_shared_tensors_and_deferred_blocks_through_one_reduce():
    shared = torch.tensor(7.0)  # a diagnostic carried over several steps: one tensor
    results = [StepResult(i, {"loss": torch.tensor(float(i)), "norm": shared, "d": None,
                              "lr": 0.5}) for i in range(3)]
    block = torch.tensor([[10.0], [11.0]])  # the engine's deferred "d" of the last two steps
    calls = []

    def reduce(values):
        calls.append(values.clone())
        return values * 2

    fetch_metrics(results, reduce, [(results[1:], ("d",), block)])
    assert len(calls) == 1 and calls[0].tolist() == [0.0, 7.0, 1.0, 2.0, 10.0, 11.0]
    assert [r.metrics for r in results] == [
        {"loss": 0.0, "norm": 14.0, "d": None, "lr": 0.5},
        {"loss": 2.0, "norm": 14.0, "d": 20.0, "lr": 0.5},
        {"loss": 4.0, "norm": 14.0, "d": 22.0, "lr": 0.5}]
