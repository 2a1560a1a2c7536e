"""Offline captioned images: coloured shapes and handwritten digits, captions in English and Chinese.

Shapes: circle, square or triangle; red, green, blue or yellow; small or large; in one of
five places, on black. Every image has several captions of varied wording, some naming only
part of what is drawn (size and place are often left out), half of them in Chinese, e.g.
"a small red circle in the top left", "一个蓝色的大方块". Rendering is 4x supersampled so
edges are anti-aliased. The attributes are kept, so checks can score generated images.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SHAPES = ("circle", "square", "triangle")
COLOURS = ("red", "green", "blue", "yellow")
SIZES = ("small", "large")
PLACES = ("top left", "top right", "bottom left", "bottom right", "center")
RGB = {"red": (0.92, 0.12, 0.10), "green": (0.10, 0.80, 0.20), "blue": (0.15, 0.30, 0.95),
       "yellow": (0.95, 0.85, 0.10)}
PLACE_XY = {"top left": (0.3, 0.3), "top right": (0.7, 0.3), "bottom left": (0.3, 0.7),
            "bottom right": (0.7, 0.7), "center": (0.5, 0.5)}
RADIUS = {"small": 0.14, "large": 0.25}  # of the image side

ZH_SHAPE = {"circle": ("圆形", "圆"), "square": ("方块", "正方形"), "triangle": ("三角形",)}
ZH_COLOUR = {"red": "红色", "green": "绿色", "blue": "蓝色", "yellow": "黄色"}
ZH_SIZE = {"small": "小", "large": "大"}
ZH_PLACE = {"top left": "左上角", "top right": "右上角", "bottom left": "左下角",
            "bottom right": "右下角", "center": "中间"}
EN_SIZE = {"small": ("small", "little"), "large": ("large", "big")}
EN_PLACE = {"top left": ("in the top left", "at the top left", "in the upper left corner"),
            "top right": ("in the top right", "at the top right", "in the upper right corner"),
            "bottom left": ("in the bottom left", "at the bottom left", "in the lower left corner"),
            "bottom right": ("in the bottom right", "at the bottom right",
                             "in the lower right corner"),
            "center": ("in the center", "in the middle", "in the centre")}
DIGIT_EN = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
DIGIT_ZH = "零一二三四五六七八九"


@dataclass
class CaptionedImages:
    x: np.ndarray  # (N, C, H, W) float32 in [0, 1], or uint8 (a folder's, from the cache)
    captions: list[list[str]]  # several captions per image
    attrs: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (N,) index
    name: str = ""
    n_skipped: int = 0  # pictures the captions name that could not be read


def render_shape(size: int, shape: str, colour, cx: float, cy: float, r: float,
                 outline: bool = False, ss: int = 4) -> np.ndarray:
    """One shape on black, (3, size, size) float32; centre and radius in pixels."""
    n = size * ss
    c = (np.arange(n) + 0.5) / ss
    x, y = np.meshgrid(c, c)
    dx, dy = x - cx, y - cy
    if shape == "circle":
        d = np.hypot(dx, dy) - r
    elif shape == "square":
        d = np.maximum(abs(dx), abs(dy)) - 0.85 * r
    elif shape == "triangle":
        # Apex up, base 1.8 r below it: signed distances to the base and the slanted sides.
        r *= 1.25  # a triangle fills less of its box: drawn larger to look the same size
        h, top = 1.8 * r, cy - r
        d = np.maximum(y - (top + h), (abs(dx) - (y - top) * r / h) * h / np.hypot(h, r))
    else:
        raise ValueError(f"unknown shape {shape!r}")
    stroke = max(1.2, size / 16)
    mask = (d <= 0) & (d > -stroke) if outline else d <= 0
    cover = mask.reshape(size, ss, size, ss).mean((1, 3)).astype(np.float32)
    return np.asarray(colour, np.float32)[:, None, None] * cover[None]


def shape_captions(rng: np.random.Generator, shape: str, colour: str, size: str, place: str,
                   k: int = 6) -> list[str]:
    """k captions for one picture, alternating English and Chinese; colour and shape always
    named, size and place each in about half of them."""
    out = []
    for i in range(k):
        with_size, with_place = rng.random() < 0.5, rng.random() < 0.5
        if i % 2 == 0:
            sz = f"{rng.choice(EN_SIZE[size])} " if with_size else ""
            pl = f" {rng.choice(EN_PLACE[place])}" if with_place else ""
            form = rng.integers(4)
            if form == 0:
                out.append(f"a {sz}{colour} {shape}{pl}")
            elif form == 1:
                out.append(f"{sz}{colour} {shape}{pl}")
            elif form == 2:
                out.append(f"there is a {sz}{colour} {shape}{pl}")
            else:
                out.append(f"a {sz}{shape} that is {colour}{pl}")
        else:
            zs, zc = ZH_SIZE[size] if with_size else "", ZH_COLOUR[colour]
            zp = ZH_PLACE[place] if with_place else ""
            noun = str(rng.choice(ZH_SHAPE[shape]))
            form = rng.integers(3)
            if form == 0:
                out.append(f"{zp}一个{zc}的{zs}{noun}")
            elif form == 1:
                out.append(f"{zp}有一个{zs}{zc}{noun}")
            else:
                out.append(f"{zc}{noun}{'在' + zp if zp else ''}")
    return out


def make_shapes(n: int, size: int = 32, seed: int = 0, exclude=(), outline: bool = False,
                captions_per_image: int = 6) -> CaptionedImages:
    """n random shapes. exclude: (colour, shape) pairs never drawn (to test captions
    made of known words in an unseen combination)."""
    rng = np.random.default_rng(seed)
    banned = {tuple(p) for p in exclude}
    combos = [(c, s) for c in range(len(COLOURS)) for s in range(len(SHAPES))
              if (COLOURS[c], SHAPES[s]) not in banned]
    pick = rng.integers(len(combos), size=n)
    colour = np.array([combos[i][0] for i in pick])
    shape = np.array([combos[i][1] for i in pick])
    sz = rng.integers(len(SIZES), size=n)
    place = rng.integers(len(PLACES), size=n)
    x = np.empty((n, 3, size, size), np.float32)
    caps = []
    for i in range(n):
        s, c, z, p = SHAPES[shape[i]], COLOURS[colour[i]], SIZES[sz[i]], PLACES[place[i]]
        px, py = PLACE_XY[p]
        jitter = rng.uniform(-0.04, 0.04, 2) * size
        tint = np.clip(np.asarray(RGB[c]) * rng.uniform(0.85, 1.0), 0, 1)
        x[i] = render_shape(size, s, tint, px * size + jitter[0], py * size + jitter[1],
                            RADIUS[z] * size, outline)
        caps.append(shape_captions(rng, s, c, z, p, captions_per_image))
    attrs = {"shape": shape, "colour": colour, "size": sz, "place": place}
    return CaptionedImages(x, caps, attrs, "shapes")


def digit_captions(rng: np.random.Generator, d: int, k: int = 6) -> list[str]:
    en = (f"the digit {DIGIT_EN[d]}", f"a handwritten {DIGIT_EN[d]}", f"the number {d}",
          f"a {d}", f"number {DIGIT_EN[d]}")
    zh = (f"数字{DIGIT_ZH[d]}", f"手写的{d}", f"一个手写的数字{DIGIT_ZH[d]}", f"数字 {d}")
    return [str(rng.choice(en if i % 2 == 0 else zh)) for i in range(k)]


def make_digit_captions(size: int = 16, seed: int = 0, limit: int | None = None,
                        captions_per_image: int = 6) -> CaptionedImages:
    """scikit-learn's offline digits with captions such as "the digit seven", "数字七"."""
    from . import load_digits_images

    x, y = load_digits_images(size)
    rng = np.random.default_rng(seed)
    if limit and limit < len(x):
        keep = np.sort(rng.choice(len(x), limit, replace=False))
        x, y = x[keep], y[keep]
    caps = [digit_captions(rng, int(d), captions_per_image) for d in y]
    return CaptionedImages(x.astype(np.float32), caps, {"digit": y.astype(np.int64)}, "digits")


def colour_shape_score(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pixel statistics of shape images (N, 3, H, W) in [0, 1]: (colour index by the mean
    hue of the bright pixels, foreground mass (N,)). Used by checks, not by training."""
    fg = images.max(1) > 0.35  # (N, H, W)
    mass = fg.mean((1, 2))
    mean = (images * fg[:, None]).sum((2, 3)) / np.maximum(fg.sum((1, 2)), 1)[:, None]
    protos = np.array([RGB[c] for c in COLOURS], np.float32)
    mean = mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-6)
    protos = protos / np.linalg.norm(protos, axis=1, keepdims=True)
    return (mean @ protos.T).argmax(1), mass


def pixel_diversity(images: np.ndarray, pairs: int = 2000, seed: int = 0) -> float:
    """Mean absolute pixel difference between random pairs of images (N, C, H, W): how much
    pictures of one caption differ (0 = all the same)."""
    rng = np.random.default_rng(seed)
    a, b = rng.integers(len(images), size=(2, pairs))
    keep = a != b
    return float(np.abs(images[a[keep]] - images[b[keep]]).mean())


def shape_classifier(size: int = 32, n: int = 2000, steps: int = 250, seed: int = 99):
    """A small CNN, trained on n real shapes, that tells circle, square and triangle apart
    by mass, not colour (it sees the brightest channel); returns (classify, held-out
    accuracy), classify mapping images (N, 3, H, W) in [0, 1] to shape indices. For checks."""
    import torch
    from torch import nn

    ref = make_shapes(n, size, seed=seed)
    x, y = torch.from_numpy(ref.x).amax(1, keepdim=True), torch.from_numpy(ref.attrs["shape"])
    cut = n * 4 // 5
    with torch.random.fork_rng():
        torch.manual_seed(0)
        clf = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveMaxPool2d(1),
                            nn.Flatten(), nn.Linear(32, 3))
        opt = torch.optim.Adam(clf.parameters(), 3e-3)
        for _ in range(steps):
            j = torch.randint(0, cut, (64,))
            loss = nn.functional.cross_entropy(clf(x[j]), y[j])
            opt.zero_grad()
            loss.backward()
            opt.step()
    clf.eval()

    @torch.no_grad()
    def classify(images: np.ndarray) -> np.ndarray:
        return clf(torch.from_numpy(np.asarray(images, np.float32)).amax(1, keepdim=True)
                   ).argmax(1).numpy()

    return classify, float((classify(ref.x[cut:]) == ref.attrs["shape"][cut:]).mean())
