import torch

import numpy as np

from studio.core.text import Vocab, augment, tokenize


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


def test_fillers_are_the_known_filler_words():
    v = Vocab.build(["a red circle", "一个红色圆形", "the blue square"])
    assert sorted(v.itos[i] for i in v.fillers()) == ["a", "the", "一个"]


def test_augment_rewords_without_losing_the_caption():
    rng = np.random.default_rng(0)
    ids, fillers = [5, 6, 7], [2, 3]
    outs = [augment(ids, rng.random(len(ids) + 9).tolist(), fillers) for _ in range(400)]
    assert all(set(o) <= {1, 2, 3, 5, 6, 7} for o in outs)
    assert any(len(o) > 3 for o in outs) and any(o == ids for o in outs)
    assert any(1 in o for o in outs) and any(2 in o or 3 in o for o in outs)  # unk, filler
    assert any([t for t in o if t > 4] == [6, 5, 7] for o in outs)  # neighbours swapped
    # Most rewordings keep every word of the caption (dropping is rare).
    assert np.mean([all(t in o for t in ids) for o in outs]) > 0.5
    # The same random numbers give the same rewording.
    r = rng.random(12).tolist()
    assert augment(ids, r, fillers) == augment(ids, r, fillers)
    assert augment([], [0.9] * 9, []) in ([1], [1, 1], [1, 1, 1], [1, 1, 1, 1])
