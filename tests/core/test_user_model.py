"""The user's own networks (gan.model_file, vae.model_file): built from the file, checked by a
dry pass, trained by the studio's engines, saved without code, checked again on resume."""
import pickle
import zipfile

import numpy as np
import pytest
import torch

from studio.config import ConfigError, RunConfig
from studio.core.checkpoint import CheckpointError, load_checkpoint, restore_engine, save_checkpoint
from studio.core.engines import make_engine
from studio.core.latent_snapshot import latent_snapshots
from studio.core.models import user
from tests import model_files as mf

torch.set_num_threads(1)
CPU = torch.device("cpu")


def cfg_for(model: str, path, **sets) -> RunConfig:
    cfg = RunConfig()
    cfg.model = model
    cfg.train.batch_size, cfg.train.device, cfg.train.steps = 32, "cpu", 50
    if model == "gan":
        cfg.gan.model_file, cfg.gan.latent_dim, cfg.gan.pack = str(path), 4, 1
    else:
        cfg.vae.model_file, cfg.vae.latent_dim = str(path), 2
        cfg.data.name = "digits"
    for k, v in sets.items():
        cfg.set(k, v)
    return cfg.validate()


def params(m):
    return torch.cat([p.detach().flatten() for p in m.parameters()]).clone()


def train(engine, steps: int) -> list[dict]:
    out = []
    for _ in range(steps):
        r = engine.step()
        out.append({k: float(v) for k, v in r.metrics.items() if v is not None})
    return out


def test_an_mlp_gan_on_points_trains_in_the_data_units(tmp_path):
    path = mf.write(tmp_path, "mine.py", mf.MLP_GAN_2D)
    e = make_engine(cfg_for("gan", path, **{"data.name": "grid25", "data.n_points": 500}), CPU)
    assert isinstance(e.G, user.UserGenerator) and isinstance(e.D, user.UserDiscriminator)
    assert e.G.scale.active and float(e.G.scale.std) > 1  # the grid spans [-4, 4]
    g0, d0 = params(e.G), params(e.D)
    rows = train(e, 20)
    assert all(np.isfinite(list(r.values())).all() for r in rows)
    assert not torch.equal(params(e.G), g0) and not torch.equal(params(e.D), d0)
    p = e.preview()
    assert p["fake"].shape == (1000, 2) and "field" in p  # the 2-D field panel works too
    assert "modes_covered" in rows[-1]


def test_a_conv_gan_on_images_trains_with_the_stabilisers(tmp_path):
    path = mf.write(tmp_path, "conv.py", mf.CONV_GAN)
    cfg = cfg_for("gan", path, **{"data.name": "digits", "data.image_size": 16,
                                  "gan.loss": "hinge", "gan.spectral_norm": True,
                                  "gan.r1_gamma": 1.0, "gan.instance_noise": 0.1})
    e = make_engine(cfg, CPU)
    assert any(hasattr(m, "parametrizations") for m in e.D.modules())  # spectral norm put on
    g0 = params(e.G)
    rows = train(e, 3)
    assert all(np.isfinite(r["loss_d"]) and np.isfinite(r["loss_g"]) for r in rows)
    assert not torch.equal(params(e.G), g0)
    assert e.preview()["grid"].ndim == 3
    assert e.sample(5)["images"].shape == (5, 1, 16, 16)


def test_a_vae_pair_trains_and_the_explorer_decodes_without_the_file(tmp_path):
    path = mf.write(tmp_path, "vae.py", mf.VAE_PAIR)
    e = make_engine(cfg_for("vae", path, **{"data.image_size": 8}), CPU)
    rows = train(e, 5)
    assert rows[-1]["kl"] >= 0 and np.isfinite(rows[-1]["loss"])
    snaps = pickle.loads(pickle.dumps(latent_snapshots(e)))  # as it crosses the pipe
    snap = snaps["vae"]
    assert snap.decoder_script and not snap.decoder_state  # TorchScript, not the file's code
    path.unlink()  # the window's copy needs no file
    codes = np.array([[0.5, -1.0], [0.0, 0.0]], np.float32)
    assert np.allclose(snap.decode(codes), e.decode(codes), atol=1e-6)


@pytest.mark.parametrize("case", ["SYNTAX_ERROR", "WRONG_SHAPE", "FAILS_TO_BUILD"])
def test_a_bad_file_is_one_line_naming_the_file_and_the_line(tmp_path, case):
    source, line, words = getattr(mf, case)
    path = mf.write(tmp_path, "bad.py", source)
    with pytest.raises(ConfigError) as info:
        make_engine(cfg_for("gan", path, **{"data.name": "ring8", "data.n_points": 200}), CPU)
    text = str(info.value)
    assert info.value.key == "gan.model_file" and "\n" not in text
    assert f"{path}, line {line}:" in text and words in text


def test_a_vae_encoder_without_a_log_variance_is_named(tmp_path):
    source = mf.VAE_PAIR.replace("return self.mu(h), self.logvar(h)", "return self.mu(h)")
    path = mf.write(tmp_path, "vae.py", source)
    line = source.splitlines().index("        return self.mu(h)") + 1
    with pytest.raises(ConfigError, match=rf"vae.py, line {line}: the encoder returned no "
                                          r"log-variance"):
        make_engine(cfg_for("vae", path, **{"data.image_size": 8}), CPU)
    make_engine(cfg_for("ae", path, **{"data.image_size": 8}), CPU)  # an AE needs none


def test_settings_that_live_inside_the_studios_d_are_refused_by_name(tmp_path):
    path = mf.write(tmp_path, "mine.py", mf.MLP_GAN_2D)
    with pytest.raises(ConfigError) as info:
        make_engine(cfg_for("gan", path, **{"data.name": "ring8", "gan.pack": 2}), CPU)
    assert info.value.key == "gan.pack"


def test_a_checkpoint_holds_the_files_hash_and_no_code(tmp_path):
    path = mf.write(tmp_path, "mine.py", mf.MLP_GAN_2D)
    cfg = cfg_for("gan", path, **{"data.name": "ring8", "data.n_points": 300})
    e = make_engine(cfg, CPU)
    train(e, 3)
    ck_path = tmp_path / "checkpoint.pt"
    save_checkpoint(ck_path, cfg, e)
    with zipfile.ZipFile(ck_path) as z:
        blob = b"".join(z.read(n) for n in z.namelist())
    assert mf.MARKER.encode() not in blob and b"Critic" not in blob  # no source, no class
    torch.load(ck_path, weights_only=True)  # plain tensors and values only
    ck = load_checkpoint(ck_path)
    assert user.recorded_sha(ck) == user.file_sha256(str(path))
    assert user.changed(ck) == ""

    path.write_text(mf.MLP_GAN_2D + "\n# tuned\n")
    why = user.changed(ck)
    assert str(path) in why and "changed since the checkpoint" in why
    fresh = make_engine(cfg, CPU)
    with pytest.raises(CheckpointError, match="changed since the checkpoint"):
        restore_engine(fresh, ck)  # the engine checks too, whoever resumes
    user.accept_current(ck)  # "train on with the changed file"
    restore_engine(fresh, ck)
    assert fresh.step_count == 3 and user.changed(ck) == ""


def test_reading_a_checkpoint_never_runs_the_model_file(tmp_path):
    """The window opens checkpoints: its memory check must not import the user's file."""
    path = mf.write(tmp_path, "mine.py", mf.LEAVES_A_TRACE)
    cfg = cfg_for("gan", path, **{"data.name": "ring8", "data.n_points": 300})
    e = make_engine(cfg, CPU)
    save_checkpoint(tmp_path / "ck.pt", cfg, e)
    trace = tmp_path / "the_file_ran"
    trace.unlink()
    ck = load_checkpoint(tmp_path / "ck.pt")
    assert user.changed(ck) == "" and not trace.exists()
