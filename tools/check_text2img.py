"""Quality check for text-to-image on the offline shapes: does it draw what people type?

Trains a preset (default text2img-shapes) in this process, or loads a finished run, then for
each wording (the data's own, and wordings no training caption uses, with words the
vocabulary lacks and words it knows from elsewhere, in English and Chinese) draws --n
samples for each of the 12 colour x shape captions and prints one row per wording:
  colour %   the mean hue of the drawn pixels is the asked-for colour (colour_shape_score)
  shape %    a CNN trained on real shapes reads the asked-for shape (shape_classifier)
  both %     both right in one picture
  diversity  pixel diversity of the samples over that of the real pictures of the same
             colour and shape (size and place are left open by these captions; 1 = as varied
             as the data, 0 = one picture)

    OMP_NUM_THREADS=1 nice python tools/check_text2img.py [--steps 3000] [--run RUN_DIR]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studio.core.data.shapes import (COLOURS, SHAPES, ZH_COLOUR, colour_shape_score,  # noqa: E402
                                     pixel_diversity, shape_classifier)

ZH_NOUN = {"circle": "圆形", "square": "正方形", "triangle": "三角形"}
# (template, seen in training?): {c} colour, {s} shape, {zc}/{zs} in Chinese.
WORDINGS = (
    ("a {c} {s}", True),
    ("一个{zc}的{zs}", True),
    ("draw me one {c} {s}, please", False),
    ("the {s} is {c}", False),
    ("could you paint the {c} {s} for me", False),
    ("there is one {c} {s} in the image, thanks", False),
    ("画一个{zc}的{zs}", False),
    ("请画一个{zc}{zs}", False),
    ("我想要{zc}的{zs}", False),
)


def fill(template: str, c: str, s: str) -> str:
    return template.format(c=c, s=s, zc=ZH_COLOUR[c], zs=ZH_NOUN[s])


def real_diversity(engine) -> dict[tuple[int, int], float]:
    """Pixel diversity of the training pictures of each (colour, shape)."""
    x = engine.x.cpu().numpy().astype(np.float32) / 255  # the engine keeps uint8
    a = engine.attrs
    return {(ci, si): pixel_diversity(x[(a["colour"] == ci) & (a["shape"] == si)])
            for ci in range(len(COLOURS)) for si in range(len(SHAPES))}


def score(engine, classify, template: str, n: int, real_div: dict) -> dict:
    """Colour, shape and both right (shares) and the mean diversity ratio for one wording."""
    colour = shape = both = 0.0
    ratios = []
    for ci, c in enumerate(COLOURS):
        for si, s in enumerate(SHAPES):
            images = engine.sample(n, caption=fill(template, c, s))["images"]
            col_ok = colour_shape_score(images)[0] == ci
            shp_ok = classify(images) == si
            colour, shape, both = colour + col_ok.mean(), shape + shp_ok.mean(), \
                both + (col_ok & shp_ok).mean()
            ratios.append(pixel_diversity(images) / real_div[ci, si])
    k = len(COLOURS) * len(SHAPES)
    return {"colour": colour / k, "shape": shape / k, "both": both / k,
            "diversity": float(np.mean(ratios))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="text2img-shapes")
    ap.add_argument("--steps", type=int, default=None, help="default: the preset's")
    ap.add_argument("--run", help="score this finished run instead of training one")
    ap.add_argument("--n", type=int, default=32, help="samples per caption")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--set", nargs="*", default=[], help="config overrides key=value")
    ap.add_argument("--grid", help="write a PNG: 12 samples for each of a few wordings")
    args = ap.parse_args()
    import torch

    if args.run:
        from studio.core.trained import load_run

        cfg, engine, _ = load_run(args.run, "cpu")
    else:
        from studio.core.devices import pick_device
        from studio.core.engines import make_engine
        from studio.presets import PRESETS

        cfg = PRESETS[args.preset].config()
        cfg.train.device, cfg.train.seed = "cpu", args.seed
        if args.steps is not None:
            cfg.train.steps = args.steps
        for kv in args.set:
            key, value = kv.split("=", 1)
            cfg.set(key, value)
        cfg.validate()
        engine = make_engine(cfg, pick_device("cpu"))
        t0 = time.perf_counter()
        for i in range(cfg.train.steps):
            engine.step()
            if (i + 1) % 500 == 0:
                print(f"step {i + 1}: {time.perf_counter() - t0:.0f} s", flush=True)
        print(f"trained {cfg.train.steps} steps in {time.perf_counter() - t0:.0f} s "
              f"({1000 * (time.perf_counter() - t0) / max(cfg.train.steps, 1):.0f} ms/step)")
    torch.manual_seed(args.seed)
    engine.gen.manual_seed(args.seed)
    classify, acc = shape_classifier(cfg.data.image_size)
    print(f"shape classifier: {acc:.1%} on held-out real shapes")
    real_div = real_diversity(engine)
    print(f"{'wording':44s} {'seen':>5s} {'colour':>7s} {'shape':>7s} {'both':>7s} "
          f"{'divers.':>8s}")
    for template, seen in WORDINGS:
        r = score(engine, classify, template, args.n, real_div)
        print(f"{template:44s} {'yes' if seen else 'no':>5s} {r['colour']:7.1%} "
              f"{r['shape']:7.1%} {r['both']:7.1%} {r['diversity']:8.2f}", flush=True)
    if args.grid:
        save_grid(engine, args.grid)
    return 0


def save_grid(engine, path: str) -> None:
    from PIL import Image
    from torchvision.utils import make_grid
    import torch

    captions = ["a red circle", "draw me one blue triangle, please", "画一个绿色的正方形",
                "the square is yellow", "a small red triangle in the top left"]
    images = np.concatenate([engine.sample(12, caption=c)["images"] for c in captions])
    grid = make_grid(torch.from_numpy(images), nrow=12, padding=2, pad_value=0.5)
    Image.fromarray((grid.permute(1, 2, 0).numpy() * 255).astype(np.uint8)).resize(
        (grid.shape[2] * 2, grid.shape[1] * 2), Image.NEAREST).save(path)
    print(f"rows: {captions} -> {path}")


if __name__ == "__main__":
    raise SystemExit(main())
