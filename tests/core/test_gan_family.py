"""The GAN family engine: CGAN, DCGAN, losses and stabilisers, single steps, the 2-D field,
drawn data, sampling by label, and the data sets wired into load_dataset."""
import gzip
import struct

import numpy as np
import pytest
import torch

from studio.cli import main as cli_main
from studio.config import ConfigError, DataConfig, RunConfig
from studio.core.data import DataError, load_dataset
from studio.core.engines import make_engine
from studio.core.runner import run

torch.set_num_threads(1)
CPU = torch.device("cpu")


def gan_cfg(data="digits", **gan) -> RunConfig:
    cfg = RunConfig()
    cfg.model = "gan"
    cfg.data.name = data
    cfg.data.image_size = gan.pop("image_size", 8)
    cfg.data.n_points = 2000
    cfg.train.batch_size, cfg.train.device = 64, "cpu"
    cfg.gan.hidden, cfg.gan.layers, cfg.gan.latent_dim, cfg.gan.width = 64, 2, 8, 8
    for k, v in gan.items():
        cfg.set(f"gan.{k}", v)
    return cfg.validate()


def params(m):
    return torch.cat([p.detach().flatten() for p in m.parameters()]).clone()


def test_cgan_draws_the_label_asked_for():
    """A small classifier trained on the real digits reads each label's samples as that label."""
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression

    d = load_digits()
    clf = LogisticRegression(max_iter=1000).fit(d.data / 16, d.target)
    cfg = gan_cfg(conditional=True, hidden=128, latent_dim=16, lr_g=1e-3, lr_d=1e-3)
    e = make_engine(cfg, CPU)
    agree_before = np.mean(clf.predict(e.sample(200)["images"].reshape(200, -1))
                           == np.arange(200) % 10)
    list(run(e, 1500, every=100, preview_every=10**9))
    agree = [np.mean(clf.predict(e.sample(40, label=k)["images"].reshape(40, -1)) == k)
             for k in range(10)]
    assert agree_before < 0.3
    assert np.mean(agree) > 0.7, agree


def test_conditional_dcgan_preview_has_a_row_per_class_and_samples_by_label():
    e = make_engine(gan_cfg(arch="dcgan", conditional=True, image_size=16), CPU)
    e.step()
    p = e.preview()
    assert p["row_labels"] == [str(k) for k in range(10)] and p["classes"] == p["row_labels"]
    assert p["grid"].shape == (2 + 10 * 18, 2 + 8 * 18, 3)
    s = e.sample(6, label="7")
    assert s["images"].shape == (6, 1, 16, 16) and s["labels"].tolist() == [7] * 6
    assert e.sample(20)["labels"].tolist() == [k % 10 for k in range(20)]
    g = e.generate_preview(3, 5)
    assert g["kind"] == "generated" and g["label"] == 3 and g["grid"].shape[1] == 2 + 5 * 18
    assert "error" in e.generate_preview("eleven")
    with pytest.raises(DataError, match="not a class"):
        e.sample(2, label=10)


def test_truncation_narrows_samples_and_previews_of_the_open_run():
    e = make_engine(gan_cfg(data="ring8"), CPU)
    for _ in range(20):
        e.step()
    spread = lambda x: float(torch.as_tensor(x).std(0).mean())  # noqa: E731
    wide, wide_preview = spread(e.sample(2000)["points"]), spread(e.preview()["fake"])
    cut = e.cfg.copy()
    cut.set("gan.truncation", 0.1)  # live: the open run's next samples and previews
    e.set_hyperparameters(cut)
    assert spread(e.sample(2000)["points"]) < 0.5 * wide
    assert spread(e.preview()["fake"]) < 0.5 * wide_preview


def test_unconditional_model_refuses_a_label():
    e = make_engine(gan_cfg(), CPU)
    with pytest.raises(DataError, match="not conditional"):
        e.sample(2, label=1)
    assert "labels" not in e.sample(2)


def test_conditional_needs_labels(tmp_path):
    np.savez(tmp_path / "x.npz", images=np.zeros((10, 8, 8), np.uint8))
    cfg = gan_cfg(conditional=True)
    cfg.data.path = str(tmp_path / "x.npz")
    with pytest.raises(DataError, match="no labels"):
        make_engine(cfg, CPU)


@pytest.mark.parametrize("settings", [
    dict(arch="dcgan", loss="hinge", spectral_norm=True, pack=2, image_size=16),
    dict(arch="dcgan", loss="lsgan", label_smoothing=0.1, instance_noise=0.2,
         minibatch_std=True, image_size=16),
    dict(arch="dcgan", loss="wgan", gp_weight=10.0, embed_dim=4, conditional=True,
         image_size=16),
    dict(arch="mlp", loss="bce", r1_gamma=1.0, pack=4, minibatch_std=True, conditional=True),
])
def test_losses_and_stabilisers_train_with_finite_metrics(settings):
    e = make_engine(gan_cfg(**settings), CPU)
    g0, d0 = params(e.G), params(e.D)
    batches = list(run(e, 4, every=4, preview_every=10**9))
    m = batches[-1][-1].metrics
    assert set(m) == {"loss_d", "loss_g", "d_real", "d_fake", "grad_norm_d", "grad_norm_g",
                      "diversity"}
    assert all(np.isfinite(v) for v in m.values()), m
    assert m["grad_norm_d"] > 0 and m["grad_norm_g"] > 0
    assert not torch.equal(g0, params(e.G)) and not torch.equal(d0, params(e.D))


def test_wgan_without_a_penalty_is_refused_and_dcgan_needs_a_supported_size():
    with pytest.raises(ConfigError, match="gan.gp_weight"):
        gan_cfg(loss="wgan")
    with pytest.raises(ConfigError, match="data.image_size"):
        make_engine(gan_cfg(arch="dcgan", image_size=10), CPU)
    with pytest.raises(ConfigError, match="gan.arch"):
        make_engine(gan_cfg(data="ring8", arch="dcgan"), CPU)


def test_metrics_stay_on_the_device_and_count_modes():
    e = make_engine(gan_cfg(data="ring8"), CPU)
    r = e.step()
    assert set(r.metrics) == {"loss_d", "loss_g", "d_real", "d_fake", "grad_norm_d",
                              "grad_norm_g", "modes_covered", "high_quality"}
    assert all(torch.is_tensor(v) and v.dim() == 0 for v in r.metrics.values())
    assert 0 <= float(r.metrics["modes_covered"]) <= 8


def test_single_steps_move_only_their_network():
    e = make_engine(gan_cfg(data="ring8"), CPU)
    g0, d0 = params(e.G), params(e.D)
    r = e.step_d()
    assert e.step_count == 0 and r.step == 0
    assert torch.equal(g0, params(e.G)) and not torch.equal(d0, params(e.D))
    d1 = params(e.D)
    r = e.step_g()
    assert e.step_count == 1 and r.step == 1
    assert torch.equal(d1, params(e.D)) and not torch.equal(g0, params(e.G))
    assert set(r.metrics) == set(e.metric_names)


def test_live_settings_reach_the_next_step_and_fixed_ones_do_not():
    e = make_engine(gan_cfg(data="ring8"), CPU)
    new = e.cfg.copy()
    new.set("gan.loss", "hinge")
    new.set("gan.lr_g", 3e-3)
    new.set("gan.instance_noise", 0.5)
    new.set("gan.pack", 4)  # fixed: the networks are built
    e.set_hyperparameters(new)
    assert e.cfg.gan.loss == "hinge" and e.loss.d.__name__ == "hinge_d"
    assert e.opt_g.param_groups[0]["lr"] == 3e-3 and e.cfg.gan.instance_noise == 0.5
    assert e.cfg.gan.pack == 1
    r = e.step()
    # Hinge reports D's raw scores, not probabilities.
    assert float(r.metrics["loss_d"]) == pytest.approx(
        float(torch.relu(1 - r.metrics["d_real"]) + torch.relu(1 + r.metrics["d_fake"])), abs=0.5)


def test_field_layers_and_arrows_point_where_d_rises():
    e = make_engine(gan_cfg(data="ring8", hidden=32), CPU)
    list(run(e, 30, every=30, preview_every=10**9))
    f = e.field(grid_n=24)
    x0, x1, y0, y1 = f["extent"]
    assert x0 < -1 < 1 < x1 and y0 < -1 < 1 < y1
    assert f["heat"].shape == (24, 24) and 0 <= f["heat"].min() and f["heat"].max() <= 1
    assert f["fake"].shape == f["arrows"].shape and f["fake"].shape[1] == 2
    assert f["real"].shape[1] == 2
    assert len(f["grid_lines"]) == 2 and f["grid_lines"][0].shape == (11, 41, 2)
    # Moving each fake a little along its arrow raises D's opinion of it.
    fake = torch.from_numpy(f["fake"])
    step = torch.from_numpy(f["arrows"])
    step = 1e-3 * step / step.norm(dim=1, keepdim=True).clamp_min(1e-12)
    with torch.no_grad():
        gain = e.D(fake + step) - e.D(fake)
    assert (gain > 0).float().mean() > 0.9
    # The heat grid's row 0 is the bottom of the view: D there matches a direct evaluation.
    with torch.no_grad():
        corner = torch.sigmoid(e.D(torch.tensor([[x0, y0]], dtype=torch.float32)))
    assert f["heat"][0, 0] == pytest.approx(float(corner), abs=1e-5)
    assert "field" in e.preview()


def test_training_on_a_drawing_swaps_the_data_and_survives_a_checkpoint():
    e = make_engine(gan_cfg(data="ring8", hidden=16), CPU)
    drawn = np.random.default_rng(0).normal([5, 5], 0.3, (200, 2)).astype(np.float32)
    e.set_points(drawn)
    assert e.data.name == "drawing" and len(e.data) == 200
    assert "modes_covered" not in e.metric_names
    assert e.view[0] < 5 < e.view[1]
    r = e.step()
    assert set(r.metrics) == set(e.metric_names)
    state = e.state_dict()
    e2 = make_engine(gan_cfg(data="ring8", hidden=16), CPU)
    e2.load_state_dict(state)
    assert e2.data.name == "drawing" and torch.equal(e2.data.x, e.data.x)
    e.gen.manual_seed(1)
    e2.gen.manual_seed(1)
    np.testing.assert_array_equal(e2.sample(5)["points"], e.sample(5)["points"])
    with pytest.raises(DataError):
        e.set_points(np.zeros((1, 2)))


def test_g_and_d_work_in_the_datas_units_kept_by_drawings_and_checkpoints():
    e = make_engine(gan_cfg(data="grid25", hidden=16), CPU)
    x = e.data.x
    mean, std = (t.clone() for t in e.data_scale)  # copies: the engine's may change
    assert torch.allclose(mean, x.mean(0), atol=1e-5)
    assert float(std) == pytest.approx(float((x - x.mean(0)).pow(2).mean().sqrt()), rel=1e-5)
    assert 2.5 < float(std) < 3.2  # the grid spans [-4, 4]
    z = e._noise(500)
    raw = e.G.net(z)
    torch.testing.assert_close(e.G(z), raw * std + mean)  # G speaks the data's units
    pts = x[:7]
    torch.testing.assert_close(e.D(pts), e.D.net((pts - mean) / std).squeeze(1))
    # A drawing changes the data, not the units G has learnt in.
    e.set_points(np.random.default_rng(0).normal(0, 0.1, (100, 2)).astype(np.float32))
    assert torch.equal(e.data_scale[1], std)
    state = e.state_dict()
    e2 = make_engine(gan_cfg(data="ring8", hidden=16), CPU)  # other data: other units
    assert not torch.equal(e2.data_scale[1], std)
    e2.load_state_dict(state)
    assert torch.equal(e2.G.scale.std, std) and torch.equal(e2.D.scale.mean, mean)
    # A checkpoint saved before the units existed loads as it was trained: no scaling.
    for k in ("data_mean", "data_std"):
        state.pop(k)
    e2.load_state_dict(state)
    torch.testing.assert_close(e2.G(z), e2.G.net(z))


def test_checkpoint_round_trip_of_a_conditional_dcgan():
    cfg = gan_cfg(arch="dcgan", conditional=True, image_size=16)
    e = make_engine(cfg, CPU)
    list(run(e, 2, every=2, preview_every=10**9))
    e2 = make_engine(cfg, CPU)
    e2.load_state_dict(e.state_dict())
    e.gen.manual_seed(5)
    e2.gen.manual_seed(5)
    np.testing.assert_array_equal(e.sample(4, label=2)["images"], e2.sample(4, label=2)["images"])
    assert torch.equal(e.fixed_y, e2.fixed_y)


def test_cli_sample_with_a_label(tmp_path):
    run_dir, out = tmp_path / "run", tmp_path / "s.npz"
    assert cli_main(["train", "--preset", "cgan-digits", "--out", str(run_dir), "--steps", "2",
                     "--quiet", "--set", "gan.width=4", "--set", "data.image_size=16",
                     "--set", "data.limit=200"]) == 0
    assert cli_main(["sample", str(run_dir), "--n", "5", "--out", str(out), "--label", "4"]) == 0
    with np.load(out) as z:
        assert z["images"].shape == (5, 1, 16, 16) and z["labels"].tolist() == [4] * 5
    assert cli_main(["sample", str(run_dir), "--n", "5", "--out", str(out), "--label", "x"]) == 2


# -- data sets wired into load_dataset --------------------------------------------------------------

def test_image_folder_with_class_subfolders_and_a_corrupt_file(tmp_path):
    from PIL import Image

    for k, name in enumerate(["cats", "dogs"]):
        (tmp_path / name).mkdir()
        for i in range(3):
            Image.fromarray(np.full((20, 30, 3), 40 * (k + i), np.uint8)).save(
                tmp_path / name / f"{i}.png")
    (tmp_path / "dogs" / "broken.png").write_bytes(b"not a png")
    ds = load_dataset(DataConfig(path=str(tmp_path), image_size=8))
    assert ds.x.shape == (6, 3, 8, 8) and ds.num_classes == 2
    assert ds.classes == ["cats", "dogs"] and ds.n_skipped == 1
    assert ds.labels.tolist() == [0, 0, 0, 1, 1, 1]


def _write_idx(path, arr):
    with gzip.open(path, "wb") as f:
        f.write(bytes([0, 0, 8, arr.ndim]) + struct.pack(">" + "I" * arr.ndim, *arr.shape))
        f.write(arr.astype(np.uint8).tobytes())


def test_a_folder_holding_the_named_sets_files_is_read_as_that_set(tmp_path):
    imgs = np.random.default_rng(0).integers(0, 256, (30, 28, 28))
    _write_idx(tmp_path / "train-images-idx3-ubyte.gz", imgs)
    _write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.arange(30) % 10)
    ds = load_dataset(DataConfig(name="fashion-mnist", path=str(tmp_path), image_size=28,
                                 limit=20))
    assert ds.x.shape == (20, 1, 28, 28) and ds.num_classes == 10
    assert ds.classes[0] == "T-shirt/top"
    assert ds.x.dtype == torch.uint8 and float(ds.batch(torch.arange(20)).max()) <= 1.0


def test_named_torchvision_set_offline_gives_one_clear_line(tmp_path, monkeypatch):
    import studio.core.data.torchvision_sets as tvs

    monkeypatch.setenv(tvs.ENV_VAR, str(tmp_path))

    def offline(url, timeout):
        raise OSError("network is unreachable")

    monkeypatch.setattr(tvs, "_open_url", offline)
    with pytest.raises(DataError) as e:
        load_dataset(DataConfig(name="kmnist", image_size=28))
    msg = str(e.value)
    assert "\n" not in msg and "data.path" in msg and "network is unreachable" in msg


def test_downsampling_user_images_is_smooth(tmp_path):
    imgs = np.zeros((4, 32, 32), np.uint8)
    imgs[:, ::2, ::2] = 255  # a fine checkerboard: plain bilinear would alias it
    np.savez(tmp_path / "c.npz", images=imgs)
    ds = load_dataset(DataConfig(path=str(tmp_path / "c.npz"), image_size=8))
    x = ds.batch(torch.arange(len(ds)))  # float32 in [0, 1]
    assert float(x.std()) < 0.05 and float(x.mean()) == pytest.approx(0.25, abs=0.03)
