"""Tokeniser and vocabulary for captions, English and Chinese, with no external packages.

English: lower-cased runs of letters and digits ("Top-left" -> "top", "left"). Chinese has
no spaces: runs of CJK characters are cut by greedy longest match against a small lexicon
of known words (colours, shapes, places), and every other character is a token by itself,
so "一个蓝色的大方块" -> 一 个 蓝色 的 大 方块. Any character is still a token, so text made
of unknown words degrades to characters, and unseen characters map to <unk>.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

import torch

PAD, UNK = "<pad>", "<unk>"

# Multi-character words that mean more together than apart. Single characters need no entry.
LEXICON = frozenset({
    "红色", "绿色", "蓝色", "黄色", "紫色", "白色", "黑色", "橙色",
    "圆形", "圆圈", "方块", "方形", "正方形", "三角形", "三角",
    "左上", "右上", "左下", "右下", "左上角", "右上角", "左下角", "右下角", "中间", "中央",
    "上方", "下方", "左边", "右边", "一个", "数字", "手写",
})
# Words that say little about a picture in any caption set. Training inserts the ones a
# vocabulary knows at random places (with <unk>s for the words it lacks), so the caption
# encoder learns to pass over "please draw me one ..." as people type it.
FILLERS = ("a", "an", "the", "one", "is", "there", "that", "this", "it", "of", "in", "with",
           "please", "draw", "me", "picture", "image", "show", "make",
           "一个", "一", "个", "的", "有", "是", "在", "请", "画", "图", "我")
_MAX_WORD = max(map(len, LEXICON))
_TOKEN = re.compile(r"[a-z0-9]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\sa-z0-9]", re.I)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_PUNCT = set(",.;:!?'\"()[]-，。；：！？、（）“”‘’")


def _split_cjk(run: str, lexicon=LEXICON) -> list[str]:
    out, i = [], 0
    while i < len(run):
        for n in range(min(_MAX_WORD, len(run) - i), 0, -1):
            if n == 1 or run[i:i + n] in lexicon:
                out.append(run[i:i + n])
                i += n
                break
    return out


def tokenize(text: str) -> list[str]:
    """Words of a caption: English lower-cased, Chinese by longest lexicon match."""
    tokens: list[str] = []
    for m in _TOKEN.finditer(text):
        t = m.group(0)
        if _CJK.match(t):
            tokens += _split_cjk(t)
        elif t not in _PUNCT:
            tokens.append(t.lower())
    return tokens


class Vocab:
    """token <-> id; id 0 is <pad>, 1 is <unk>. Built from captions, saved as a token list."""

    def __init__(self, tokens: Iterable[str]):
        self.itos = [PAD, UNK] + [t for t in tokens if t not in (PAD, UNK)]
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    @classmethod
    def build(cls, captions: Iterable[str], min_count: int = 1) -> "Vocab":
        counts = Counter(t for c in captions for t in tokenize(c))
        # Sorted by count then text, so the same captions always give the same ids.
        return cls(t for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                   if n >= min_count)

    def __len__(self) -> int:
        return len(self.itos)

    def ids(self, text: str) -> list[int]:
        return [self.stoi.get(t, 1) for t in tokenize(text)]

    def unknown(self, text: str) -> list[str]:
        """The words of `text` the vocabulary does not know."""
        return [t for t in tokenize(text) if t not in self.stoi]

    def encode(self, texts: list[str], max_len: int = 24) -> tuple[torch.Tensor, torch.Tensor]:
        """(ids (B, L) int64 padded with 0, lengths (B,) int64, at least 1: an empty
        caption becomes a lone <unk>)."""
        seqs = [self.ids(t)[:max_len] or [1] for t in texts]
        length = max(len(s) for s in seqs)
        out = torch.zeros(len(seqs), length, dtype=torch.long)
        for i, s in enumerate(seqs):
            out[i, :len(s)] = torch.tensor(s)
        return out, torch.tensor([len(s) for s in seqs])

    def fillers(self) -> list[int]:
        """Ids of the FILLERS this vocabulary knows."""
        return [self.stoi[w] for w in FILLERS if w in self.stoi]

    def decode(self, ids) -> str:
        return " ".join(self.itos[int(i)] for i in ids if int(i) != 0)


def augment(ids: list[int], r: list[float], fillers: list[int], p_drop: float = 0.15
            ) -> list[int]:
    """One training rewording of a caption's ids, driven by the random numbers r (at least
    len(ids) + 9 of them, uniform in [0, 1)): each word becomes <unk> with p_drop
    (so no single word is leant on, and unknown words are seen), up to three filler or
    <unk> words go in at random places, and one word in three captions swaps with its
    neighbour (attribute words come in either order)."""
    it = iter(r)
    out = [1 if next(it) < p_drop else t for t in ids]
    if len(out) > 1 and next(it) < 1 / 3:
        i = int(next(it) * (len(out) - 1))
        out[i], out[i + 1] = out[i + 1], out[i]
    for _ in range(int(next(it) * 4)):
        pick = next(it)
        word = 1 if pick < 0.4 or not fillers else fillers[int((pick - 0.4) / 0.6 * len(fillers))]
        out.insert(int(next(it) * (len(out) + 1)), word)
    return out or [1]
