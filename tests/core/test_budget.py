"""Memory budgets: a run is sized from its config before anything is allocated, and one
that would not fit in the device's free memory is refused with one line naming the field."""
import pytest
import torch

from studio.config import ConfigError, RunConfig
from studio.core import budget
from studio.core.engines import make_engine
from studio.presets import PRESETS

GB = 1 << 30


@pytest.fixture
def free_8gb(monkeypatch):
    """A machine with 8 GB free, whatever this one has."""
    monkeypatch.setattr(budget, "free_memory", lambda device=None: 8 * GB)


def bomb():
    cfg = RunConfig()
    cfg.set("train.device", "cpu")
    cfg.set("gan.hidden", 8192)
    cfg.set("gan.layers", 12)
    return cfg.validate()  # allowed settings, each within its range


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_passes_untouched(name):
    cfg = PRESETS[name].config()
    before = cfg.to_dict()
    est = budget.check_training(cfg, torch.device("cpu"))
    assert 0 < est.total < 2 * GB and cfg.to_dict() == before


def test_the_largest_allowed_mlp_gan_is_refused_naming_gan_hidden(free_8gb):
    with pytest.raises(ConfigError) as e:
        make_engine(bomb())
    assert e.value.key == "gan.hidden" and "\n" not in str(e.value)
    assert "1.48 billion parameters" in str(e.value) and "gan.layers" in str(e.value)


def test_the_bomb_is_refused_quickly_under_a_memory_limit():
    from tests.core.limited import run_limited

    p = run_limited("""
from studio.config import ConfigError, RunConfig
from studio.core.engines import make_engine
cfg = RunConfig()
for k, v in {"train.device": "cpu", "gan.hidden": 8192, "gan.layers": 12}.items():
    cfg.set(k, v)
t = time.perf_counter()
try:
    make_engine(cfg)
except ConfigError as e:
    print(f"{time.perf_counter() - t:.2f}")
    print(e)
""")
    assert p.returncode == 0, p.stderr
    took, msg = p.stdout.strip().split("\n")
    assert float(took) < 5 and msg.startswith("gan.hidden: ")


def test_an_address_space_limit_counts_as_less_free_memory():
    from tests.core.limited import LIMIT, run_limited

    p = run_limited("from studio.core.budget import free_memory; print(free_memory('cpu'))")
    assert p.returncode == 0, p.stderr
    assert 0 < int(p.stdout) < LIMIT


@pytest.mark.parametrize("sets,key", [
    ({"model": "gan", "gan.arch": "dcgan", "data.name": "digits", "data.image_size": 128,
      "train.batch_size": 65536}, "train.batch_size"),
    ({"model": "vae", "vae.arch": "conv", "vae.channels": 512, "vae.hidden": 8192,
      "data.name": "digits", "data.image_size": 128}, "vae.channels"),
    ({"model": "cyclegan", "cyclegan.width": 32, "cyclegan.blocks": 3,
      "data.name": "digits-colour", "data.image_size": 128, "train.batch_size": 4096},
     "train.batch_size"),
])
def test_other_families_are_refused_naming_what_to_change(free_8gb, sets, key):
    cfg = RunConfig()
    for k, v in sets.items():
        cfg.set(k, v)
    with pytest.raises(ConfigError) as e:
        budget.check_training(cfg.validate(), torch.device("cpu"))
    assert e.value.key == key and "\n" not in str(e.value)
    if key == "train.batch_size":
        fits = int(str(e.value).rsplit("at most ", 1)[1])
        cfg.set("train.batch_size", fits)
        budget.check_training(cfg, torch.device("cpu"))  # the advice is right


def test_a_data_set_too_large_for_memory_suggests_a_limit(monkeypatch):
    monkeypatch.setattr(budget, "free_memory", lambda device=None: 100 << 20)
    # 1,797 digits at 256 px are 118 MB as uint8.
    cfg = RunConfig.from_dict({"model": "vae", "data": {"name": "digits", "image_size": 256},
                               "vae": {"hidden": 16}, "train": {"batch_size": 8}})
    with pytest.raises(ConfigError) as e:
        budget.check_training(cfg, torch.device("cpu"))
    assert e.value.key == "data.limit"
    cfg.set("data.limit", int(str(e.value).rsplit("data.limit=", 1)[1]))
    budget.check_training(cfg, torch.device("cpu"))


@pytest.mark.parametrize("name", ["gan-ring8", "dcgan-digits", "cgan-digits", "vae-digits",
                                  "ae-vs-vae-digits", "cyclegan-digits-colour",
                                  "text2img-digits"])
def test_the_parameter_count_is_that_of_the_built_engine(name):
    cfg = PRESETS[name].config()
    cfg.set("train.device", "cpu")
    est = budget.estimate(cfg)
    e = make_engine(cfg)
    nets = [m for m in vars(e).values() if isinstance(m, torch.nn.Module)]
    nets += [n for m in getattr(e, "models", {}).values() for n in (m.enc, m.dec)]
    real = sum(p.numel() for n in nets for p in n.parameters())
    if name.startswith("text2img"):  # a caption vocabulary is counted at its largest
        assert real <= est.params < real + budget.TEXT_VOCAB * cfg.text2img.word_dim
    else:
        assert est.params == real


def test_sample_counts_are_batched_and_bounded(free_8gb):
    cfg = PRESETS["dcgan-digits"].config()
    limits = budget.sample_limits(cfg, torch.device("cpu"))
    assert 1 <= limits.batch <= budget.MAX_SAMPLE_BATCH and limits.max_n <= 1_000_000
    assert sum(limits.batches(10_001)) == 10_001 and max(limits.batches(10_001)) <= limits.batch
    limits.check(1000)
    with pytest.raises(ConfigError) as e:
        limits.check(100_000_000)
    assert e.value.key == "--n" and "at most 1,000,000" in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(ConfigError, match="at least 1"):
        limits.check(0)


def test_sample_counts_shrink_when_memory_is_short(monkeypatch):
    monkeypatch.setattr(budget, "free_memory", lambda device=None: 100 << 20)
    cfg = RunConfig.from_dict({"model": "gan", "gan": {"arch": "dcgan"},
                               "data": {"name": "digits", "image_size": 64}})
    limits = budget.sample_limits(cfg, torch.device("cpu"))
    assert limits.max_n == (50 << 20) // (4 * 64 * 64 + 8)
    with pytest.raises(ConfigError, match="KB each"):
        limits.check(limits.max_n + 1)
