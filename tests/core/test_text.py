import torch

from studio.core.text import Vocab, tokenize


def test_english_is_lowercased_words_without_punctuation():
    assert tokenize("A small RED circle, in the top-left!") == \
        ["a", "small", "red", "circle", "in", "the", "top", "left"]


def test_chinese_splits_known_words_then_characters():
    assert tokenize("一个蓝色的大方块") == ["一个", "蓝色", "的", "大", "方块"]
    assert tokenize("左上角有一个红色圆形。") == ["左上角", "有", "一个", "红色", "圆形"]
    # Unknown Chinese words fall back to single characters.
    assert tokenize("紫罗兰") == ["紫", "罗", "兰"]


def test_mixed_languages_and_digits():
    assert tokenize("数字7 the digit seven") == ["数字", "7", "the", "digit", "seven"]


def test_vocab_pads_and_marks_unknown_words():
    v = Vocab.build(["a red circle", "一个红色圆形", "a blue square"])
    assert v.itos[:2] == ["<pad>", "<unk>"]
    ids, lengths = v.encode(["a red circle", "a purple circle", "红色"])
    assert ids.shape == (3, 3) and lengths.tolist() == [3, 3, 1]
    assert ids[1, 1].item() == 1  # purple -> <unk>
    assert ids[2, 1:].tolist() == [0, 0]  # padding
    assert v.decode(ids[0]) == "a red circle"
    assert v.unknown("a purple circle") == ["purple"]


def test_vocab_is_deterministic_and_rebuilds_from_its_tokens():
    caps = ["b a", "a c", "c a"]
    v1, v2 = Vocab.build(caps), Vocab.build(list(reversed(caps)))
    assert v1.itos == v2.itos
    assert Vocab(v1.itos[2:]).itos == v1.itos
    ids, lengths = v1.encode([""])
    assert ids.tolist() == [[1]] and lengths.tolist() == [1] and ids.dtype == torch.long
