import numpy as np
import pytest
import torch

from studio.config import RunConfig
from studio.core.data import DataError
from studio.core.data.shapes import (COLOURS, SHAPES, ZH_COLOUR, colour_shape_score, make_shapes,
                                     pixel_diversity, shape_classifier)
from studio.core.engines import make_engine
from studio.core.text import tokenize
from studio.presets import PRESETS


def small_cfg(name="shapes", steps=0):
    cfg = RunConfig()
    cfg.model, cfg.data.name, cfg.data.image_size = "text2img", name, 16
    cfg.data.limit = 1500
    cfg.train.batch_size, cfg.train.device, cfg.train.steps = 64, "cpu", steps
    return cfg


def test_captions_in_both_languages_and_every_word_known():
    d = make_shapes(50, 16, seed=1)
    flat = [c for caps in d.captions for c in caps]
    assert any("一个" in c for c in flat) and any(c.startswith(("a ", "there")) for c in flat)
    e = make_engine(small_cfg())
    assert all(t in e.vocab.stoi for c in e.captions[0] for t in tokenize(c))
    assert e.vocab.unknown("一个蓝色的大方块") == []


ZH_NOUN = {"circle": "圆形", "square": "正方形", "triangle": "三角形"}
# Wordings no training caption uses: words the vocabulary lacks (draw, me, please, 画),
# words it knows from elsewhere (one, the, 一个), attribute words in another order.
UNSEEN = ("the {s} is {c}", "draw me one {c} {s}, please", "画一个{zc}的{zs}")


@torch.no_grad()
def score(e, classify, template):
    """(colour right, shape right, both right, diversity ratio) over the 12 colour x shape
    captions; diversity: pixel diversity of the samples over the real pictures' of the same
    colour and shape (the caption leaves size and place open)."""
    colour_hits = shape_hits = both = n = 0
    ratios = []
    x = e.x.numpy().astype(np.float32) / 255
    for ci, c in enumerate(COLOURS):
        for si, s in enumerate(SHAPES):
            text = template.format(c=c, s=s, zc=ZH_COLOUR[c], zs=ZH_NOUN[s])
            images = e.sample(24, caption=text)["images"]
            col, shp = colour_shape_score(images)[0] == ci, classify(images) == si
            colour_hits, shape_hits, both = col.sum() + colour_hits, shp.sum() + shape_hits, \
                (col & shp).sum() + both
            n += len(images)
            real = x[(e.attrs["colour"] == ci) & (e.attrs["shape"] == si)]
            ratios.append(pixel_diversity(images) / pixel_diversity(real))
    return colour_hits / n, shape_hits / n, both / n, float(np.mean(ratios))


@pytest.fixture(scope="module")
def trained():
    """Scores before training, then after 550 steps with training's wording and with each of
    the UNSEEN wordings."""
    e = make_engine(small_cfg(steps=550))
    classify, accuracy = shape_classifier(16)
    assert accuracy > 0.9
    before = score(e, classify, "a {c} {s}")
    for _ in range(550):
        e.step()
    flat = [c for caps in e.captions for c in caps]
    assert not any(c.startswith("the ") and " is " in c for c in flat)
    assert not any(w in c for c in flat for w in ("draw", "please", "画"))
    return before, score(e, classify, "a {c} {s}"), [score(e, classify, t) for t in UNSEEN]


def test_generated_images_follow_colour_words_even_in_unseen_captions(trained):
    before, seen, unseen = trained
    # Chance is 1/4 for colour; an untrained G hits one colour only.
    assert before[0] < 0.4
    assert seen[0] > 0.8 and all(u[0] > 0.7 for u in unseen), (seen, unseen)


def test_generated_shapes_follow_shape_words_even_in_unseen_captions(trained):
    _, seen, unseen = trained
    assert seen[1] > 0.5 and all(u[1] > 0.45 for u in unseen), (seen, unseen)  # chance: 1/3
    assert all(u[2] > 0.4 for u in unseen), (seen, unseen)  # colour and shape in one picture


def test_samples_of_one_caption_vary_where_it_leaves_freedom(trained):
    # A generator that ignores its noise draws one picture per caption (ratio near 0).
    _, seen, unseen = trained
    assert seen[3] > 0.5 and all(u[3] > 0.5 for u in unseen), (seen, unseen)


def test_preview_caption_grid_interpolation_and_checkpoint(tmp_path):
    e = make_engine(small_cfg(steps=3))
    for _ in range(3):
        e.step()
    m = e.step().metrics
    assert set(m) == set(e.metric_names) and all(v.dim() == 0 for v in m.values())
    p = e.preview()
    assert p["grid"].shape[0] == 2 + len(p["row_labels"]) * 18 and "caption" not in p
    one = e.caption_preview("一个蓝色的大方块")
    assert one["grid"].shape == (2 + 2 * 18, 2 + 8 * 18, 3) and one["unknown"] == []
    walk = e.caption_preview("a red circle", "a blue square")
    assert walk["grid"].shape[0] == 2 + 4 * 18
    assert "caption" in e.preview()  # the last caption is redrawn live
    bad = e.caption_preview("purple elephants")
    assert "error" in bad and bad["unknown"] == ["elephants", "purple"]
    torch.save(e.state_dict(), tmp_path / "ck.pt")
    e2 = make_engine(small_cfg())
    e2.load_state_dict(torch.load(tmp_path / "ck.pt", weights_only=True))
    z, t = e.fixed_z, e.embed(["a red circle"]).expand(8, -1)
    assert torch.equal(e.generate(z, t), e2.generate(z, t))
    out = e2.sample(5, caption="the digit")
    assert out["images"].shape == (5, 3, 16, 16)
    with pytest.raises(DataError):
        e2.sample(2, caption="purple elephants")
    old = e.state_dict()  # a checkpoint from before the attention pooling
    old["enc"] = {k: v for k, v in old["enc"].items() if not k.startswith(("attend", "out"))}
    with pytest.raises(ValueError, match="older text-to-image version"):
        e2.load_state_dict(old)


def test_digit_captions_and_bad_data():
    e = make_engine(small_cfg("digits"))
    assert e.x.shape[1:] == (1, 16, 16) and "seven" in e.vocab.stoi and "七" in e.vocab.stoi
    out = e.sample(4)
    assert out["images"].shape == (4, 1, 16, 16) and len(out["captions"]) == 4
    with pytest.raises(DataError, match="data.name"):
        make_engine(small_cfg("ring8"))


def test_presets_build():
    for name in ("text2img-shapes", "text2img-digits"):
        cfg = PRESETS[name].config().validate()
        cfg.data.limit = 200
        assert make_engine(cfg).preview()["kind"] == "images"
