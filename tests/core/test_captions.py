"""Text-to-image on the user's own captioned pictures (captions.csv / captions.jsonl)."""
import json

import pytest
import torch
from PIL import Image

from studio.config import RunConfig
from studio.core.data import DataError
from studio.core.data.captions import read_captions
from studio.core.engines import make_engine

COLOURS = {"red": (220, 30, 30), "blue": (30, 30, 220), "green": (30, 200, 30)}
ZH = {"red": "红色", "blue": "蓝色", "green": "绿色"}


def pictures(root, n=12):
    root.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(n):
        colour = list(COLOURS)[i % 3]
        name = f"p{i}.png"
        Image.new("RGB", (20, 16), COLOURS[colour]).save(root / name)
        names.append((name, colour))
    return names


def cfg_for(root):
    cfg = RunConfig()
    cfg.model, cfg.data.path, cfg.data.image_size = "text2img", str(root), 16
    cfg.text2img.width = 8
    cfg.train.batch_size, cfg.train.device = 4, "cpu"
    return cfg


def test_captions_csv_in_english_and_chinese_train_text_to_image(tmp_path):
    root = tmp_path / "own"
    rows = ["file,caption"]
    for name, colour in pictures(root):
        rows += [f"{name},a {colour} square", f"{name},一个{ZH[colour]}的方块"]  # two per file
    rows.append("missing.png,a picture that is not there")
    (root / "captions.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    e = make_engine(cfg_for(root))
    assert e.x.dtype == torch.uint8 and e.x.shape == (12, 3, 16, 16)
    assert "blue" in e.vocab.stoi and "蓝色" in e.vocab.stoi
    assert sorted(e.captions[0]) == ["a red square", "一个红色的方块"]
    for _ in range(2):
        e.step()
    grid = e.caption_preview("a blue elephant")
    assert grid["unknown"] == ["elephant"] and "grid" in grid  # unknown words are named
    assert e.sample(3, caption="一个绿色的方块")["images"].shape == (3, 3, 16, 16)
    rows = e.preview()["row_labels"]  # the preview draws the user's own captions
    assert len(rows) >= 3 and set(rows) <= {c for caps in e.captions for c in caps}


def test_captions_jsonl_with_one_or_several_captions(tmp_path):
    root = tmp_path / "own"
    lines = []
    for i, (name, colour) in enumerate(pictures(root, 6)):
        lines.append(json.dumps({"file": name, "caption": f"a {colour} picture"} if i % 2 else
                                {"file": name, "captions": [f"{colour}", ZH[colour]]},
                                ensure_ascii=False))
    (root / "captions.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_captions(root)
    assert table["p0.png"] == ["red", "红色"] and table["p1.png"] == ["a blue picture"]
    e = make_engine(cfg_for(root))
    assert len(e.x) == 6 and "红色" in e.vocab.stoi
    e.step()


@pytest.mark.parametrize("name, text, match", [
    ("captions.csv", "p0.png\n", r"captions.csv: line 1 needs two columns"),
    ("captions.csv", "../x.png,a picture\n", r"line 1: '../x.png' is outside the folder"),
    ("captions.jsonl", '{"file": "p0.png", "caption": "ok"}\nnot json\n',
     r"captions.jsonl: line 2 is not JSON"),
    ("captions.jsonl", '{"file": "p0.png", "caption": 3}\n', r"line 1 needs a caption"),
    ("captions.csv", "", r"captions.csv: no captions in it"),
])
def test_a_bad_captions_file_is_one_line_naming_it(tmp_path, name, text, match):
    root = tmp_path / "own"
    pictures(root, 2)
    (root / name).write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=match) as e:
        make_engine(cfg_for(root))
    assert "\n" not in str(e.value)


def test_a_folder_without_captions_or_in_another_encoding(tmp_path):
    root = tmp_path / "own"
    pictures(root, 2)
    with pytest.raises(DataError, match="no captions.csv or captions.jsonl"):
        make_engine(cfg_for(root))
    (root / "captions.csv").write_bytes("p0.png,红色\n".encode("gb18030"))
    with pytest.raises(DataError, match="not UTF-8"):
        make_engine(cfg_for(root))
