"""AE / VAE engines: shapes, losses, checkpoints, arrays in and out, and sample quality."""
from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from sklearn.neighbors import KNeighborsClassifier

from studio.config import ConfigError, RunConfig
from studio.core.data import DataError, load_digits_images
from studio.core.engines import make_engine
from studio.core.engines.vae import AEvsVAEEngine, decode_arrays, encode_arrays
from studio.core.latent import interpolate
from studio.core.models.ae import make_encoder_decoder
from studio.core.runner import run

SIZE = 12
CPU = torch.device("cpu")


@pytest.fixture(autouse=True)
def _one_thread():
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def make_cfg(model="vae", **vae) -> RunConfig:
    cfg = RunConfig()
    cfg.model = model
    cfg.data.name, cfg.data.image_size = "digits", SIZE
    cfg.train.batch_size = 64
    cfg.vae.hidden, cfg.vae.warmup_steps = 128, 100
    for k, v in vae.items():
        cfg.set(f"vae.{k}", v)
    return cfg.validate()


def train(engine, steps):
    for _ in run(engine, steps, every=50, preview_every=10**9):
        pass
    return engine


class DigitJudge:
    """A k-NN classifier trained on real digits; an image counts as a digit when its nearest
    training image is as close as 95% of held-out real digits' are and 4 of its 5 nearest
    neighbours agree on the class."""

    def __init__(self, size=SIZE):
        x, y = load_digits_images(size)
        perm = np.random.default_rng(0).permutation(len(x))
        tr, te = perm[:1400], perm[1400:]
        self.X, self.y = x.reshape(len(x), -1), y
        self.tr = tr
        self.knn = KNeighborsClassifier(5).fit(self.X[tr], y[tr])
        d, _ = self.knn.kneighbors(self.X[te])
        self.threshold = np.quantile(d[:, 0], 0.95)
        self.test_images = x[te]

    def is_digit(self, images) -> np.ndarray:
        d, i = self.knn.kneighbors(np.asarray(images).reshape(len(images), -1))
        labels = self.y[self.tr][i]
        agree = (labels == labels[:, :1]).mean(1)
        return (d[:, 0] < self.threshold) & (agree >= 0.8)


@pytest.fixture(scope="module")
def compare_engine():
    torch.set_num_threads(1)
    return train(make_engine(make_cfg("ae-vs-vae", latent_dim=8), CPU), 800)


@pytest.fixture(scope="module")
def judge():
    return DigitJudge()


# -- models ------------------------------------------------------------------------------
@pytest.mark.parametrize("arch", ["mlp", "conv"])
@pytest.mark.parametrize("shape", [(1, 8, 8), (1, 10, 10), (3, 28, 28), (1, 13, 9)])
@pytest.mark.parametrize("conditional", [False, True])
def test_encoder_decoder_shapes(arch, shape, conditional):
    cfg = make_cfg(arch=arch, latent_dim=5, conditional=conditional, channels=4, hidden=16)
    enc, dec = make_encoder_decoder(cfg.vae, shape, variational=True, num_classes=3)
    x, y = torch.rand(2, *shape), torch.tensor([0, 2])
    mu, lv = enc(x, y)
    assert mu.shape == lv.shape == (2, 5)
    assert dec(mu, y).shape == (2, *shape)
    ae_enc, _ = make_encoder_decoder(cfg.vae, shape, variational=False, num_classes=3)
    assert ae_enc(x, y)[1] is None


def test_conditional_models_use_the_label():
    cfg = make_cfg(conditional=True, latent_dim=4, hidden=16)
    _, dec = make_encoder_decoder(cfg.vae, (1, 8, 8), variational=True, num_classes=10)
    z = torch.zeros(2, 4)
    a, b = dec(z, torch.tensor([1, 7]))
    assert not torch.allclose(a, b)


# -- engine ------------------------------------------------------------------------------
def test_step_metrics_stay_on_device_and_preview_is_numpy():
    eng = make_engine(make_cfg("ae-vs-vae", latent_dim=3), CPU)
    r = eng.step()
    assert set(r.metrics) == set(eng.metric_names)
    assert all(torch.is_tensor(v) and v.dim() == 0 for v in r.metrics.values())
    p = eng.preview()
    assert p["kind"] == "images" and p["grid"].ndim == 3 and p["grid"].shape[2] == 3
    assert p["kl_per_dim"].shape == (3,) and "kl_per_dim" not in p["models"]["ae"]

    def check(obj):
        if isinstance(obj, dict):
            return all(check(v) for v in obj.values())
        return isinstance(obj, (np.ndarray, int, float, str))
    assert check(p)


def test_logvar_floor_holds_and_loss_is_recon_plus_beta_kl():
    eng = make_engine(make_cfg(logvar_floor=-3.0), CPU)
    m = eng.model
    with torch.no_grad():
        m.enc.logvar.bias.fill_(-50.0)
    with torch.no_grad():
        _, lv = m.encode(eng.fixed_x)
    assert float(lv.min()) >= -3.0 - 1e-5
    beta = eng.beta_now()
    r = eng.step()
    assert beta == pytest.approx(0.01)  # first step of a 100-step warm-up
    assert float(r.metrics["loss"]) == pytest.approx(
        float(r.metrics["recon"]) + beta * float(r.metrics["kl"]), rel=1e-5)


def test_beta_warms_up_and_is_live():
    eng = make_engine(make_cfg(beta=2.0, warmup_steps=10), CPU)
    assert eng.beta_now() == pytest.approx(0.2)
    eng.step_count = 20
    assert eng.beta_now() == pytest.approx(2.0)
    new = eng.cfg.copy()
    new.vae.beta, new.vae.lr = 0.5, 1e-4
    eng.set_hyperparameters(new)
    assert eng.beta_now() == pytest.approx(0.5)
    assert eng.model.opt.param_groups[0]["lr"] == 1e-4


def test_checkpoint_round_trip_with_weights_only():
    cfg = make_cfg("vae", arch="conv", conditional=True, latent_dim=4, channels=8)
    eng = train(make_engine(cfg, CPU), 5)
    buf = io.BytesIO()
    torch.save(eng.state_dict(), buf)
    buf.seek(0)
    state = torch.load(buf, weights_only=True)
    fresh = make_engine(cfg, CPU)
    fresh.load_state_dict(state)
    z = np.random.default_rng(0).standard_normal((3, 4))
    np.testing.assert_array_equal(fresh.decode(z, [1, 2, 3]), eng.decode(z, [1, 2, 3]))
    assert fresh.step_count == 5
    r1, r2 = eng.step(), fresh.step()  # same RNG state: the same next step
    assert float(r1.metrics["loss"]) == pytest.approx(float(r2.metrics["loss"]), rel=1e-5)


def test_bad_settings_are_reported():
    cfg = make_cfg()
    with pytest.raises(ConfigError, match="vae.latent_dim"):
        cfg.set("vae.latent_dim", 1)
        cfg.validate()
    cfg = RunConfig()
    cfg.model = "vae"
    with pytest.raises(DataError, match="image"):
        make_engine(cfg, CPU)  # the default data set is 2-D points


def test_conditional_needs_labels(tmp_path):
    path = tmp_path / "nolabels.npz"
    np.savez(path, images=np.random.default_rng(0).integers(0, 255, (10, 8, 8), dtype=np.uint8))
    cfg = make_cfg(conditional=True)
    cfg.data.path = str(path)
    with pytest.raises(DataError, match="vae.conditional"):
        make_engine(cfg, CPU)


# -- arrays in, arrays out (CLI encode / decode / sample) ----------------------------------
def test_encode_decode_arrays(compare_engine):
    x, _ = load_digits_images(8)
    u8 = (x[:6, 0] * 255).round().astype(np.uint8)  # (N,H,W) uint8 at another size
    enc = encode_arrays(compare_engine, u8)
    assert enc["codes"].shape == enc["logvars"].shape == enc["ae_codes"].shape == (6, 8)
    dec = decode_arrays(compare_engine, enc["codes"])
    assert dec["images"].shape == dec["ae_images"].shape == (6, 1, SIZE, SIZE)
    assert dec["images"].min() >= 0 and dec["images"].max() <= 1
    # Reconstructions look more like their own input than like the other inputs.
    target = encode_arrays(compare_engine, x[:6])["codes"]
    np.testing.assert_allclose(target, enc["codes"], atol=0.05)
    with pytest.raises(DataError, match="codes"):
        decode_arrays(compare_engine, np.zeros((2, 3)))
    with pytest.raises(DataError, match="images"):
        encode_arrays(compare_engine, np.zeros((2, 3, 8, 8), np.float32))


def test_sample_draws_from_the_prior_and_reconstructs(compare_engine, judge):
    s = compare_engine.sample(10)
    assert s["images"].shape == s["ae_images"].shape == (10, 1, SIZE, SIZE)
    rec = compare_engine.sample(0, input=judge.test_images[:20])["images"]
    err_own = ((rec - judge.test_images[:20]) ** 2).mean()
    err_shuffled = ((rec - judge.test_images[20:40]) ** 2).mean()
    assert err_own < 0.5 * err_shuffled


# -- the point of a VAE ------------------------------------------------------------------
def test_vae_prior_samples_are_digits_far_more_often_than_ae(compare_engine, judge):
    z = np.random.default_rng(1).standard_normal((400, 8))
    vae = judge.is_digit(compare_engine.models["vae"].decode(z)).mean()
    ae = judge.is_digit(compare_engine.models["ae"].decode(z)).mean()
    real = judge.is_digit(judge.test_images).mean()
    assert real > 0.85  # the judge accepts real held-out digits
    assert vae > 0.5 and vae > 2.5 * ae, (vae, ae)


def test_vae_interpolations_pass_through_digits(compare_engine, judge):
    vae = compare_engine.models["vae"]
    codes, _ = vae.encode_tensor(torch.from_numpy(judge.test_images[:40]))
    rng = np.random.default_rng(2)
    inner = []
    for _ in range(20):
        a, b = rng.choice(40, 2, replace=False)
        path = vae.decode(interpolate(codes[a], codes[b], 9))[1:-1]  # the 7 in-between images
        inner.append(judge.is_digit(path))
    assert np.concatenate(inner).mean() > 0.6


def test_conditional_vae_draws_the_asked_digit(judge):
    eng = train(make_engine(make_cfg(conditional=True, latent_dim=4), CPU), 600)
    labels = np.repeat(np.arange(10), 5)
    z = np.random.default_rng(3).standard_normal((50, 4)) * 0.5
    pred = judge.knn.predict(eng.decode(z, labels).reshape(50, -1))
    assert (pred == labels).mean() > 0.7


@pytest.mark.parametrize("name", ["ae-digits", "vae-digits", "ae-vs-vae-digits"])
def test_presets_build_and_step(name):
    from studio.presets import PRESETS

    cfg = PRESETS[name].config().validate()
    cfg.data.image_size = SIZE  # keep the test small; the preset's own size is checked below
    assert PRESETS[name].settings["data.image_size"] == 16
    eng = make_engine(cfg, CPU)
    r = eng.step()
    assert set(r.metrics) == set(eng.metric_names) and eng.model.latent_dim >= 2


def test_samples_from_the_fitted_codes_are_digits_more_often_than_prior_draws(compare_engine,
                                                                             judge):
    e = compare_engine
    prior = judge.is_digit(e.sample(400)["images"]).mean()
    e.cfg.vae.sample_from = "codes"
    try:
        codes = judge.is_digit(e.sample(400)["images"]).mean()
        state = e.state_dict()
    finally:
        e.cfg.vae.sample_from = "prior"
    mix = state["code_mixture"]
    assert mix["means"].shape == (10, 8) and mix["covariances"].shape == (10, 8, 8)
    assert codes > prior + 0.05, (codes, prior)
    # the checkpoint carries the mixture: a fresh engine samples from it without refitting
    cfg = e.cfg.copy()
    cfg.vae.sample_from = "codes"
    fresh = make_engine(cfg, CPU)
    fresh.load_state_dict(state)
    assert torch.equal(fresh.code_mixture().means, e._mix[1].means)
