import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.config import ConfigError, RunConfig
from studio.presets import PRESETS


def test_set_parses_strings_by_field_type():
    cfg = RunConfig()
    cfg.set("gan.lr_g", "3e-4")
    cfg.set("train.steps", "1e3")
    cfg.set("data.name", "grid25")
    assert cfg.gan.lr_g == pytest.approx(3e-4)
    assert cfg.train.steps == 1000 and isinstance(cfg.train.steps, int)
    assert cfg.data.name == "grid25"


@pytest.mark.parametrize("key,value,words", [
    ("gan.lr_g", "abc", "expected a number"),
    ("train.steps", "2.5", "expected a number"),
    ("gan.nope", "1", "unknown setting"),
    ("nope.lr", "1", "unknown setting"),
    ("gan", "1", "unknown setting"),
])
def test_set_rejects_bad_values_naming_the_key(key, value, words):
    with pytest.raises(ConfigError) as e:
        RunConfig().set(key, value)
    assert e.value.key == key and words in e.value.reason


@pytest.mark.parametrize("key,value", [("gan.lr_g", "-1"), ("gan.lr_g", "nan"), ("train.batch_size", "0"),
                                       ("data.name", "mars"), ("train.device", "tpu"),
                                       ("gan.beta1", "1.5")])
def test_validate_marks_out_of_range_fields(key, value):
    cfg = RunConfig()
    cfg.set(key, value)
    assert key in cfg.errors()
    with pytest.raises(ConfigError):
        cfg.validate()


def test_round_trip_through_json():
    cfg = PRESETS["gan-digits"].config()
    back = RunConfig.from_dict(json.loads(cfg.to_json()))
    assert back == cfg


def test_from_dict_rejects_unknown_sections():
    with pytest.raises(ConfigError):
        RunConfig.from_dict({"warp": {"speed": 9}})


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_is_valid(name):
    assert PRESETS[name].config().validate()


keys = st.sampled_from(RunConfig().keys() + ["x", "gan.", ".", "train.steps.x", ""])
values = st.one_of(st.text(max_size=12), st.integers(), st.floats(allow_nan=True),
                   st.booleans(), st.none(), st.lists(st.integers(), max_size=2))


@settings(max_examples=300, deadline=None)
@given(keys, values)
def test_random_keys_and_values_never_raise_anything_but_config_error(key, value):
    cfg = RunConfig()
    try:
        cfg.set(key, value)
    except ConfigError:
        return
    cfg.errors()  # must not raise whatever was stored
