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
    cfg.set("train.steps", 4000)  # 0.54 high quality here, 8/8 modes (~10 s)
    e = make_engine(cfg)
    before = mode_stats(e.sample(2000)["points"], e.data.modes, e.data.mode_sigma)
    list(run(e, cfg.train.steps, every=50, preview_every=10**9))
    after = mode_stats(e.sample(2000)["points"], e.data.modes, e.data.mode_sigma)
    assert before["high_quality"] < 0.05
    assert after["modes_covered"] >= 7 and after["high_quality"] > 0.35


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


def test_learning_rates_hold_then_fall_linearly_to_zero_and_follow_live_changes():
    cfg = PRESETS["gan-ring8"].config()
    for k, v in {"train.device": "cpu", "gan.hidden": 8, "train.steps": 40,
                 "gan.lr_decay_from": 0.5, "gan.lr_g": 1e-3, "gan.lr_d": 2e-3}.items():
        cfg.set(k, v)
    e = make_engine(cfg)
    seen = []
    for _ in range(40):
        e.step()
        seen.append((e.opt_g.param_groups[0]["lr"], e.opt_d.param_groups[0]["lr"]))
    # Steps 1-20 at the full rate; step k > 20 (k-1 done before it) at (40 - (k-1)) / 20.
    assert seen[:20] == [(1e-3, 2e-3)] * 20
    assert np.allclose([g for g, _ in seen[20:]], [1e-3 * (40 - k) / 20 for k in range(20, 40)])
    assert np.allclose([d / g for g, d in seen], 2.0)
    assert seen[-1][0] == 1e-3 / 20  # the last step still learns a little
    # A live change mid-decay keeps the decay: the new rate, scaled.
    new = e.cfg.copy()
    new.set("gan.lr_g", 4e-3)
    e.step_count = 30
    e.set_hyperparameters(new)
    assert np.isclose(e.opt_g.param_groups[0]["lr"], 4e-3 * 10 / 20)
    new.set("gan.lr_decay_from", 1.0)  # switched off: back to the full rate
    e.set_hyperparameters(new)
    assert e.opt_g.param_groups[0]["lr"] == 4e-3


def test_diagnostics_are_measured_every_nth_step_and_on_every_single_step():
    cfg = PRESETS["gan-ring8"].config()
    cfg.set("train.device", "cpu")
    cfg.set("gan.hidden", 8)
    e = make_engine(cfg)
    every = e.diag_every
    assert every == 100  # 2-D steps are short: diagnostics less often than on images (10)
    norms = [float(e.step().metrics["grad_norm_g"]) for _ in range(2 * every)]
    losses = [float(e.step().metrics["loss_g"]) for _ in range(3)]
    assert len(set(norms[:every])) == 1 and norms[every] != norms[0]
    assert len(set(losses)) == 3  # the losses are every step's own
    before = float(e.step_g().metrics["grad_norm_g"])  # single steps: always measured
    assert float(e.step_g().metrics["grad_norm_g"]) != before


def _dcgan_digits(**sets):
    cfg = PRESETS["dcgan-digits"].config()
    for k, v in {"train.device": "cpu", "gan.width": 8, "train.batch_size": 16, **sets}.items():
        cfg.set(k, v)
    return cfg


def test_weight_average_gives_the_samples_and_survives_a_checkpoint():
    cfg = _dcgan_digits(**{"gan.ema": 0.9})
    e = make_engine(cfg)
    list(run(e, 30, every=10))
    g = dict(e.G.named_parameters())
    avg = dict(e.sampler.named_parameters())
    assert e.sampler is not e.G and all(not p.requires_grad for p in avg.values())
    # an average of the last steps: near G, not G
    diff = [(avg[k] - g[k]).abs().max().item() for k in g]
    assert 0 < max(diff) < max(p.abs().max().item() for p in g.values())
    torch.manual_seed(1)
    z = torch.randn(4, cfg.gan.latent_dim)
    ema_out = e._generate(z)
    with torch.inference_mode():
        e.G.eval()
        assert not torch.allclose(ema_out, e.G(z).float())
        e.G.train()
    e2 = make_engine(cfg)
    e2.load_state_dict(e.state_dict())
    assert torch.equal(e2._generate(z), ema_out)
    off = make_engine(_dcgan_digits(**{"gan.ema": 0.0}))
    assert off.sampler is off.G and "G_ema" not in off.state_dict()


def test_auxiliary_class_loss_trains_d_to_name_real_classes():
    import pytest

    from studio.config import ConfigError

    cfg = _dcgan_digits(**{"gan.conditional": True, "gan.aux_weight": 1.0, "gan.lr_d": 1e-3})
    e = make_engine(cfg)
    x, y = e.data.batch(torch.arange(200)) * 2 - 1, e.data.labels[:200]

    def class_loss():
        with torch.no_grad():
            return torch.nn.functional.cross_entropy(e.D(x, y, with_class=True)[1], y).item()
    before = class_loss()
    list(run(e, 150, every=50))
    assert class_loss() < 0.7 * before
    with pytest.raises(ConfigError, match="gan.aux_weight"):
        make_engine(_dcgan_digits(**{"gan.conditional": True, "gan.aux_weight": 1.0,
                                     "gan.pack": 2}))
