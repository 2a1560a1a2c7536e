"""Animated GIF of a run's sample grids over training, for slides and chat."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .follow import sample_paths, step_of


def pick_evenly(items: list, max_items: int) -> list:
    """At most max_items of items, evenly spread, always keeping the first and the last."""
    if max_items < 1:
        raise ValueError("max_frames: must be at least 1")
    if len(items) <= max_items:
        return list(items)
    if max_items == 1:
        return [items[-1]]
    idx = np.unique(np.linspace(0, len(items) - 1, max_items).round().astype(int))
    return [items[i] for i in idx]


def caption_font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: a fixed bitmap font
        return ImageFont.load_default()


def _frame(path: Path, size: tuple[int, int] | None, caption: str | None, min_side: int):
    from PIL import Image, ImageDraw

    with Image.open(path) as im:
        img = im.convert("RGB")
    if size is None:
        # Grids of 16x16 digits are tiny: scale up by a whole factor so pixels stay crisp.
        k = max(1, -(-min_side // max(1, min(img.size))))
        size = (img.width * k, img.height * k)
    if img.size != size:
        img = img.resize(size, Image.Resampling.NEAREST)
    if not caption:
        return img, size
    bar = max(14, size[1] // 14)
    out = Image.new("RGB", (size[0], size[1] + bar), "white")
    out.paste(img, (0, 0))
    draw = ImageDraw.Draw(out)
    draw.text((4, size[1] + bar // 2), caption, fill=(30, 30, 30), font=caption_font(bar - 4),
              anchor="lm")
    return out, size


def make_gif(source, out_path, fps: float = 5.0, max_frames: int = 60, caption: bool = True,
             min_side: int = 256, hold_last: float = 1.5) -> int:
    """Write the sample PNGs of a run directory (or a list of PNG paths) as a looping GIF.

    Frames are downsampled evenly in number to max_frames; each gets a "step N" caption
    strip. The last frame is held for `hold_last` seconds. Returns the number of frames.
    """
    if fps <= 0:
        raise ValueError("fps: must be positive")
    paths = sample_paths(source) if isinstance(source, (str, Path)) else [Path(p) for p in source]
    if not paths:
        raise ValueError(f"{source}: no samples/step_*.png to make a GIF from")
    paths = pick_evenly(paths, max_frames)
    frames, size = [], None
    for p in paths:
        step = step_of(p)
        img, size = _frame(p, size, f"step {step}" if caption and step >= 0 else None, min_side)
        frames.append(img)
    ms = max(20, round(1000 / fps))
    durations = [ms] * (len(frames) - 1) + [max(ms, round(hold_last * 1000))]
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    frames[0].save(out_path, format="GIF", save_all=True, append_images=frames[1:],
                   duration=durations, loop=0, disposal=1)
    return len(frames)
