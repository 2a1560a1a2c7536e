"""Checkpoints survive crashes mid-save and refuse files they cannot trust or read."""
import io
import json
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


# -- every malformed kind: one line, naming the file ----------------------------------------
def valid_state(tmp_path):
    cfg = tiny()
    e = make_engine(cfg)
    e.step()
    e.step()
    save_checkpoint(tmp_path / "good.pt", cfg, e, {"loss_d": [1.0, 2.0], "loss_g": [3.0, 4.0]})
    return torch.load(tmp_path / "good.pt", weights_only=True)


def _without(key):
    return lambda s: {k: v for k, v in s.items() if k != key}


def _with(key, value):
    return lambda s: {**s, key: value}


def _engine(**changes):
    def change(s):
        engine = {k: v for k, v in s["engine"].items()
                  if k not in changes or changes[k] is not None}
        engine.update({k: v for k, v in changes.items() if v is not None})
        return {**s, "engine": engine}
    return change


def _config(**sets):
    def change(s):
        d = json.loads(s["config"])
        for key, value in sets.items():
            section, name = key.split("__")
            d[section][name] = value
        return {**s, "config": json.dumps(d)}
    return change


MALFORMED = {
    "no config": (_without("config"), "no 'config'"),
    "no step": (_without("step"), "no 'step'"),
    "no engine": (_without("engine"), "no 'engine'"),
    "no history": (_without("history"), "no 'history'"),
    "no format version": (_without("format_version"), "not a studio checkpoint"),
    "format version a tensor": (_with("format_version", torch.ones(3)), "checkpoint format"),
    "step not a number": (_with("step", "twelve"), "step must be a whole number"),
    "negative step": (_with("step", -3), "step must be a whole number >= 0, got -3"),
    "fractional step": (_with("step", 2.5), "step must be a whole number"),
    "step a bool": (_with("step", True), "step must be a whole number"),
    "history a list": (_with("history", [1.0, 2.0]), "history is not a table"),
    "history of text": (_with("history", {"loss_d": "1,2"}), "not a column of numbers"),
    "history 2-D": (_with("history", {"loss_d": torch.zeros(2, 2)}), "not a column of numbers"),
    "history complex": (_with("history", {"loss_d": torch.zeros(2, dtype=torch.complex64)}),
                        "not a column of numbers"),
    "history ragged": (_with("history", {"a": torch.zeros(2), "b": torch.zeros(3)}),
                       "differ in length"),
    "engine without step": (_engine(step=None), "engine state has no step"),
    "engine at another step": (_engine(step=7),
                               "engine state is at step 7, the checkpoint at step 2"),
    "engine a list": (_with("engine", [1, 2]), "engine state is not a table"),
    "config not text": (_with("config", {"model": "gan"}), "config is not JSON text"),
    "config not JSON": (_with("config", "{model: gan"), "config is not valid JSON"),
    "config out of range": (_config(gan__lr_g=-1.0), "gan.lr_g: must be at least"),
    "config unknown key": (_config(gan__warp=9), "gan.warp: unknown setting"),
    "config wrong type": (_config(train__steps="many"), "train.steps: expected a number"),
    "data reference text": (_with("data", "ring8"), "data reference is not a table"),
    "data reference of code": (_with("data", {"type": "script"}), "data reference is not a"),
    "data reference too many": (_with("data", {"type": "dataset", "kind": "points",
                                               "x": torch.zeros(100_000, 2), "num_classes": 0}),
                                "data reference's 'x' is not a tensor of 256 or fewer"),
    "data reference labels off": (_with("data", {"type": "dataset", "kind": "points",
                                                 "x": torch.zeros(2, 2), "num_classes": 2,
                                                 "labels": torch.tensor([0, 5])}),
                                  "data reference's labels are outside its classes"),
    "data reference images float": (_with("data", {"type": "dataset", "kind": "images",
                                                   "x": torch.zeros(2, 1, 8, 8), "num_classes": 0}),
                                    "data reference's 'x' is not a tensor"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_every_malformed_checkpoint_ends_in_one_clear_line(tmp_path, case):
    change, words = MALFORMED[case]
    torch.save(change(valid_state(tmp_path)), tmp_path / "bad.pt")
    with pytest.raises(CheckpointError) as e:
        load_checkpoint(tmp_path / "bad.pt")
    msg = str(e.value)
    assert words in msg and str(tmp_path / "bad.pt") in msg
    assert "\n" not in msg and "weights_only" not in msg


@pytest.mark.parametrize("content,words", [
    (b"step,loss\n1,2\n", "not a torch zip archive"),
    (b"", "not a torch zip archive"),
    ("zip", "damaged or truncated"),
    ("pickle", "not a torch zip archive"),
    ("cut", "not a torch zip archive"),
])
def test_files_that_are_not_checkpoints_end_in_one_clear_line(tmp_path, content, words):
    import zipfile

    path = tmp_path / "x.pt"
    if content == "zip":  # a zip archive, but not torch's layout
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("notes.txt", "hello")
    elif content == "pickle":
        import pickle

        path.write_bytes(pickle.dumps({"format_version": 1}))
    elif content == "cut":
        save_checkpoint(path, tiny(), make_engine(tiny()))
        path.write_bytes(path.read_bytes()[:-100])
    else:
        path.write_bytes(content)
    with pytest.raises(CheckpointError) as e:
        load_checkpoint(path)
    msg = str(e.value)
    assert words in msg and "\n" not in msg and "weights_only" not in msg
    assert not msg.endswith("...") or "(" not in msg  # never a library message cut mid-word


def test_weights_that_do_not_fit_their_config_end_in_one_clear_line(tmp_path):
    from studio.core.rundir import restore_engine

    cfg = tiny()
    save_checkpoint(tmp_path / "c.pt", cfg, make_engine(cfg))
    ck = load_checkpoint(tmp_path / "c.pt")
    wider = tiny()
    wider.set("gan.hidden", 16)
    with pytest.raises(CheckpointError) as e:
        restore_engine(make_engine(wider), ck)
    msg = str(e.value)
    assert "weights do not fit its config" in msg and "size mismatch" in msg and "\n" not in msg
    ck["engine"] = {k: v for k, v in ck["engine"].items() if k != "G"}
    with pytest.raises(CheckpointError, match="engine state has no 'G'"):
        restore_engine(make_engine(cfg), ck)


def bomb_checkpoint(path):
    """A few KB: a valid checkpoint of a tiny GAN whose config asks for a ~24 GB model."""
    cfg = tiny()
    e = make_engine(cfg)
    save_checkpoint(path, cfg, e)
    state = torch.load(path, weights_only=True)
    d = json.loads(state["config"])
    d["gan"].update(hidden=8192, layers=12)
    state["config"] = json.dumps(d)
    torch.save(state, path)


def test_a_memory_bomb_checkpoint_is_refused_before_anything_is_built(tmp_path, monkeypatch):
    from studio.core import budget
    from studio.core.engines import gan_parts

    bomb_checkpoint(tmp_path / "bomb.pt")
    assert (tmp_path / "bomb.pt").stat().st_size < 100_000
    monkeypatch.setattr(budget, "free_memory", lambda device=None: 8 << 30)
    built = []
    real_build = gan_parts.build_models
    monkeypatch.setattr(gan_parts, "build_models", lambda *a: built.append(
        torch.empty(0).device) or real_build(*a))
    with pytest.raises(CheckpointError) as e:
        load_checkpoint(tmp_path / "bomb.pt")
    msg = str(e.value)
    assert "gan.hidden" in msg and "billion parameters" in msg and "\n" not in msg
    assert built == [torch.device("meta")]  # sized on the meta device only


def test_a_memory_bomb_checkpoint_refuses_quickly_under_a_memory_limit(tmp_path):
    from tests.core.limited import run_limited

    bomb_checkpoint(tmp_path / "bomb.pt")
    p = run_limited(f"""
from studio.core.rundir import CheckpointError, load_checkpoint
t = time.perf_counter()
try:
    load_checkpoint({str(tmp_path / "bomb.pt")!r})
except CheckpointError as e:
    print(f"{{time.perf_counter() - t:.2f}}")
    print(e)
""")
    assert p.returncode == 0, p.stderr
    took, msg = p.stdout.strip().split("\n")
    assert float(took) < 5 and "gan.hidden" in msg and "bomb.pt" in msg
