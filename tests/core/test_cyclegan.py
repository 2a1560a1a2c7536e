import numpy as np
import pytest
import torch

from studio.config import ConfigError, RunConfig
from studio.core.data import DataError, to_float
from studio.core.data.domains import colourise, load_domains, make_pair
from studio.core.engines import make_engine
from studio.presets import PRESETS


def small_cfg(name="digits-colour", **sets):
    cfg = RunConfig()
    cfg.model, cfg.data.name, cfg.data.image_size = "cyclegan", name, 16
    cfg.train.batch_size, cfg.train.device = 8, "cpu"
    for k, v in sets.items():
        cfg.set(k.replace("__", "."), v)
    return cfg


def test_offline_pairs_are_unpaired_and_in_their_domains():
    p = make_pair("digits-colour", 16)
    assert p.a.shape[1:] == p.b.shape[1:] == (3, 16, 16)
    assert len(set(p.labels_a.tolist())) == 10
    # A is gray (R = B), B is coloured: navy paper and orange ink both have R far from B.
    assert torch.allclose(p.a[:, 0], p.a[:, 2]) and (p.b[:, 2] - p.b[:, 0]).abs().mean() > 0.2
    inv = make_pair("digits-invert", 16)
    assert inv.a.mean() < 0.35 < 0.65 < inv.b.mean()
    shapes = make_pair("shapes-outline", 16, n_shapes=50)
    assert shapes.a.mean() > shapes.b.mean()


def test_translation_keeps_the_digit_and_cycle_error_falls():
    e = make_engine(small_cfg())
    d = e.data
    assert d.a.dtype == d.b.dtype == torch.uint8  # held as uint8, converted per batch
    cycle = []
    for _ in range(150):
        cycle.append(float(e.step().metrics["cycle_a"]))
    a = to_float(d.a[:300])
    out = e.translate(d.a[:300])
    # The exact answer is each digit recoloured; G's translation must be nearer to its own
    # digit's recolouring than to any other of the 300 (chance: 1 in 300;
    # about 0.6 after these 150 steps).
    exact = torch.from_numpy(colourise(a[:, :1].numpy()))
    dist = torch.cdist(out.flatten(1), exact.flatten(1))
    own = (dist.argmin(1) == torch.arange(len(a))).float().mean()
    assert own > 0.4, own  # 0.01 untrained
    # In domain B: coloured like B, not gray like A.
    b = to_float(d.b)
    colour = (out[:, 2] - out[:, 0]).abs().mean()
    assert abs(colour - (b[:, 2] - b[:, 0]).abs().mean()) < 0.1 and colour > 0.2
    assert np.mean(cycle[-20:]) < 0.6 * np.mean(cycle[:20])


def test_preview_sample_input_sliders_and_checkpoint(tmp_path):
    e = make_engine(small_cfg(**{"cyclegan__pool_size": 4}))
    for _ in range(3):
        m = e.step().metrics
    assert set(m) == set(e.metric_names) and all(torch.is_tensor(v) and v.dim() == 0
                                                  for v in m.values())
    p = e.preview()
    assert p["row_labels"] == ["A", "G(A)", "F(G(A))", "B", "F(B)", "G(F(B))"]
    assert p["grid"].shape == (2 + 6 * 18, 2 + 8 * 18, 3)
    cfg = e.cfg.copy()
    cfg.cyclegan.lambda_cycle, cfg.cyclegan.lambda_identity = 3.0, 0.0
    e.set_hyperparameters(cfg)
    assert e.preview()["lambda_cycle"] == 3.0
    e.step()  # identity off still reports its value
    gray_u8 = (np.random.default_rng(0).random((5, 28, 28)) * 255).astype(np.uint8)
    out = e.sample(5, input=gray_u8, labels=np.arange(5))
    assert out["images"].shape == (5, 3, 16, 16) and out["labels"].tolist() == list(range(5))
    assert 0 <= out["images"].min() and out["images"].max() <= 1
    with pytest.raises(DataError):
        e.sample(1, input=np.zeros((2, 5)))
    torch.save(e.state_dict(), tmp_path / "ck.pt")
    e2 = make_engine(small_cfg(**{"cyclegan__pool_size": 4}))
    e2.load_state_dict(torch.load(tmp_path / "ck.pt", weights_only=True))
    assert torch.equal(e.translate(e.fixed_a), e2.translate(e2.fixed_a))


def test_user_folders_and_bad_settings(tmp_path):
    from PIL import Image

    for dom, colour in (("A", (200, 30, 30)), ("trainB", (30, 30, 200))):
        (tmp_path / dom).mkdir()
    (tmp_path / "B").mkdir()
    for i in range(3):
        Image.new("RGB", (20, 30), (200, 30, 30)).save(tmp_path / "A" / f"{i}.png")
        Image.new("RGB", (40, 40), (30, 30, 200)).save(tmp_path / "B" / f"{i}.jpg")
    cfg = small_cfg("folder-pair")
    cfg.data.path = str(tmp_path)
    pair = load_domains(cfg.data, "cpu")
    assert pair.a.shape == (3, 3, 16, 16) and pair.b.shape == (3, 3, 16, 16)
    assert pair.names == ("A", "B")
    e = make_engine(cfg)
    e.step()
    cfg.data.path = ""
    with pytest.raises(DataError, match="data.path"):
        make_engine(cfg)
    cfg.data.path = str(tmp_path / "A")
    with pytest.raises(DataError, match="A and B"):
        make_engine(cfg)
    with pytest.raises(ConfigError, match="d_layers"):
        make_engine(small_cfg(**{"cyclegan__d_layers": 3}))


def test_presets_build():
    cfg = PRESETS["cyclegan-digits-colour"].config().validate()
    assert make_engine(cfg).preview()["kind"] == "images"
    with pytest.raises(DataError, match="data.path"):
        make_engine(PRESETS["cyclegan-folders"].config())


@pytest.mark.parametrize("n_down", [0, 1, 2])
def test_generator_downsamplings_keep_the_size(n_down):
    from studio.core.models.cyclegan import ResnetGenerator

    g = ResnetGenerator(3, 3, 8, 1, n_down)
    assert g(torch.zeros(2, 3, 16, 16)).shape == (2, 3, 16, 16)
    # One conv per downsampling and one transposed conv per upsampling.
    assert sum(isinstance(m, torch.nn.ConvTranspose2d) for m in g.modules()) == n_down
    plain = ResnetGenerator(3, 3, 8, 1, n_down, norm="none")
    assert not any(isinstance(m, torch.nn.InstanceNorm2d) for m in plain.modules())
    assert plain.state_dict().keys() == g.state_dict().keys()  # instance norm holds no weights
    with pytest.raises(ConfigError, match="divisible by 8"):
        make_engine(small_cfg(**{"cyclegan__downsample": 3, "data__image_size": 20}))


def test_learning_rate_constant_then_linear_to_zero():
    e = make_engine(small_cfg(**{"train__steps": 8, "cyclegan__lr_decay_from": 0.5}))
    lrs = []
    for _ in range(8):
        e.step()
        lrs.append(e.opt_g.param_groups[0]["lr"])
    lr = e.cfg.cyclegan.lr
    # The rate used at step k (0-based) is lr * min(1, (8 - k) / 4): 0 after the last.
    assert lrs[:5] == [lr] * 5 and lrs[5:] == pytest.approx([lr * 3 / 4, lr / 2, lr / 4])
    assert e.opt_d.param_groups[0]["lr"] == pytest.approx(lr / 4)
    cfg = e.cfg.copy()
    cfg.cyclegan.lr_decay_from = 1.0
    e.set_hyperparameters(cfg)
    assert e.opt_g.param_groups[0]["lr"] == lr


def test_old_checkpoints_load_and_mismatched_ones_are_refused(tmp_path):
    import json

    from studio.core.checkpoint import CheckpointError, save_checkpoint
    from studio.core.trained import load_run

    cfg = small_cfg(**{"cyclegan__downsample": 2, "cyclegan__pool_size": 2})
    e = make_engine(cfg)
    e.step()

    def write(name, edit):
        save_checkpoint(tmp_path / name, cfg, e)
        state = torch.load(tmp_path / name, weights_only=False)
        d = json.loads(state["config"])
        edit(d["cyclegan"])
        state["config"] = json.dumps(d)
        torch.save(state, tmp_path / name)
        return tmp_path / name

    # Written before cyclegan.downsample existed: the paper's two, which its weights fit.
    old = write("old.pt", lambda c: (c.pop("downsample"), c.pop("lr_decay_from")))
    _, e2, _ = load_run(old)
    assert e2.cfg.cyclegan.downsample == 2
    assert torch.equal(e.translate(e.fixed_a), e2.translate(e.fixed_a))
    bad = write("bad.pt", lambda c: c.update(downsample=1))
    with pytest.raises(CheckpointError, match="do not fit"):
        load_run(bad)
