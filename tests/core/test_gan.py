import numpy as np
import torch

from studio.core.engines import make_engine
from studio.core.metrics.modes import mode_stats
from studio.core.runner import run
from studio.presets import PRESETS


def test_ring8_preset_learns_most_modes():
    """A loose bound for CI; the real bar (8/8, >=95% high quality) is measured in the issue note."""
    cfg = PRESETS["gan-ring8"].config()
    cfg.set("train.device", "cpu")
    cfg.set("train.steps", 2500)
    e = make_engine(cfg)
    before = mode_stats(e.sample(2000)["points"], e.data.modes, e.data.mode_sigma)
    list(run(e, cfg.train.steps, every=50, preview_every=10**9))
    after = mode_stats(e.sample(2000)["points"], e.data.modes, e.data.mode_sigma)
    assert before["high_quality"] < 0.05
    assert after["modes_covered"] >= 6 and after["high_quality"] > 0.3


def test_image_gan_shapes_and_preview():
    cfg = PRESETS["gan-digits"].config()
    cfg.set("train.device", "cpu")
    cfg.set("gan.hidden", 32)
    e = make_engine(cfg)
    r = e.step()
    assert set(r.metrics) == {"loss_d", "loss_g", "d_real", "d_fake", "grad_norm_d",
                              "grad_norm_g", "diversity"}
    assert all(torch.is_tensor(v) for v in r.metrics.values())  # no host sync per step
    p = e.preview()
    assert p["kind"] == "images" and p["grid"].ndim == 3 and p["grid"].shape[2] == 3
    x = e.sample(5)["images"]
    assert x.shape == (5, 1, 16, 16) and 0 <= x.min() and x.max() <= 1


def test_live_learning_rate_change_reaches_the_optimiser():
    cfg = PRESETS["gan-ring8"].config()
    cfg.set("train.device", "cpu")
    e = make_engine(cfg)
    new = cfg.copy()
    new.set("gan.lr_d", 5e-3)
    new.set("gan.d_steps", 3)
    e.set_hyperparameters(new)
    assert e.opt_d.param_groups[0]["lr"] == 5e-3 and e.cfg.gan.d_steps == 3


def test_same_seed_same_run():
    def train():
        cfg = PRESETS["gan-ring8"].config()
        cfg.set("train.device", "cpu")
        cfg.set("gan.hidden", 16)
        e = make_engine(cfg)
        list(run(e, 20, every=10))
        return e.sample(10)["points"]
    assert np.array_equal(train(), train())
