"""Checkpoints survive crashes mid-save and refuse files they cannot trust or read."""
import io
import os

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.cli import UsageError, build_parser, config_from_args
from studio.config import ConfigError, RunConfig
from studio.core.engines import make_engine
from studio.core.rundir import CheckpointError, load_checkpoint, save_checkpoint


def tiny():
    cfg = RunConfig()
    for k, v in {"train.device": "cpu", "data.n_points": 300, "gan.hidden": 8}.items():
        cfg.set(k, v)
    return cfg


def test_a_crash_mid_save_leaves_the_previous_checkpoint_loadable(tmp_path, monkeypatch):
    cfg = tiny()
    e = make_engine(cfg)
    e.step()
    save_checkpoint(tmp_path / "c.pt", cfg, e)
    e.step()

    def killed(src, dst):  # the process dies after writing the temporary file, before rename
        raise KeyboardInterrupt
    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(tmp_path / "c.pt", cfg, e)
    monkeypatch.undo()
    assert load_checkpoint(tmp_path / "c.pt")["step"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["c.pt"]  # no temporary file left behind


def test_wrong_version_and_not_a_checkpoint(tmp_path):
    buf = io.BytesIO()
    torch.save({"format_version": 99, "config": "{}"}, buf)
    (tmp_path / "future.pt").write_bytes(buf.getvalue())
    with pytest.raises(CheckpointError, match="format 99"):
        load_checkpoint(tmp_path / "future.pt")
    torch.save({"weights": torch.zeros(3)}, tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="not a studio checkpoint"):
        load_checkpoint(tmp_path / "other.pt")


def test_a_checkpoint_of_another_model_is_refused_with_a_message(tmp_path):
    gan_cfg = tiny()
    save_checkpoint(tmp_path / "gan.pt", gan_cfg, make_engine(gan_cfg))
    vae_cfg = RunConfig.from_dict({"model": "vae", "data": {"name": "digits", "image_size": 8},
                                   "train": {"device": "cpu"}, "vae": {"hidden": 8}})
    vae = make_engine(vae_cfg)
    with pytest.raises((KeyError, RuntimeError, ValueError)):
        vae.load_state_dict(load_checkpoint(tmp_path / "gan.pt")["engine"])


keys = st.sampled_from(RunConfig().keys() + ["x", "gan.", "=", "a.b.c", ""])
values = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=15) | \
    st.sampled_from(["-1", "0", "1e309", "nan", "inf", "1e-400", "true", "ring8", "9" * 30])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(keys, values), max_size=4), st.sampled_from(["gan-ring8", "vae-digits",
                                                                       "gmm-blobs", "nope"]))
def test_random_cli_settings_give_a_config_or_a_one_line_error(pairs, preset):
    argv = ["train", "--preset", preset, "--out", "/tmp/never-written"]
    for k, v in pairs:
        argv += ["--set", f"{k}={v}"]
    try:
        cfg = config_from_args(build_parser().parse_args(argv))
    except (UsageError, ConfigError) as e:
        assert "\n" not in str(e) and str(e)
        return
    assert cfg.errors() == {}
