"""Full-size checks of the CycleGAN and text-to-image presets (minutes on CPU).

  python tools/check_apps.py [--steps-cyclegan 600] [--steps-text 1500]

CycleGAN (cyclegan-digits-colour): a logistic regression trained on real domain-B digits
reads G's translations of held-out A digits; prints its accuracy (chance 0.1) and the
cycle error at the start and end. Text-to-image (text2img-shapes, 32 px): for each of the
12 colour x shape captions, generated images are scored by colour (pixel statistics) and
shape (a small CNN trained on real shapes), for seen wordings and for unseen ones.
"""
import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402


def check_cyclegan(steps: int) -> None:
    from sklearn.linear_model import LogisticRegression

    from studio.core.engines import make_engine
    from studio.presets import PRESETS

    cfg = PRESETS["cyclegan-digits-colour"].config()
    cfg.train.device = "cpu"
    e = make_engine(cfg)
    d = e.data
    clf = LogisticRegression(max_iter=2000).fit(d.b.flatten(1).numpy(), d.labels_b.numpy())
    t0, cyc = time.time(), []
    for _ in range(steps):
        cyc.append(float(e.step().metrics["cycle_a"]))
    out = e.translate(d.a)
    acc = (clf.predict(out.flatten(1).numpy()) == d.labels_a.numpy()).mean()
    print(f"cyclegan-digits-colour {steps} steps ({time.time() - t0:.0f} s): digit kept "
          f"{acc:.3f} (chance 0.1); cycle L1 first 20 steps {np.mean(cyc[:20]):.3f} -> last 20 "
          f"{np.mean(cyc[-20:]):.3f}")


def check_text(steps: int) -> None:
    from studio.core.data.shapes import COLOURS, SHAPES, colour_shape_score
    from studio.core.engines import make_engine
    from studio.presets import PRESETS
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "core"))
    from test_text2img import shape_classifier

    cfg = PRESETS["text2img-shapes"].config()
    cfg.train.device = "cpu"
    e = make_engine(cfg)
    classify = shape_classifier(cfg.data.image_size)
    t0 = time.time()
    for _ in range(steps):
        e.step()
    for name, template in (("seen", "a {c} {s}"), ("unseen", "the {s} is {c}"),
                           ("chinese", "{zc}的{zs}")):
        from studio.core.data.shapes import ZH_COLOUR, ZH_SHAPE
        hits_c = hits_s = n = 0
        for ci, c in enumerate(COLOURS):
            for si, s in enumerate(SHAPES):
                cap = template.format(c=c, s=s, zc=ZH_COLOUR[c], zs=ZH_SHAPE[s][0])
                im = e.sample(64, caption=cap)["images"]
                hits_c += (colour_shape_score(im)[0] == ci).sum()
                hits_s += (classify(im) == si).sum()
                n += len(im)
        print(f"text2img-shapes {steps} steps ({time.time() - t0:.0f} s) {name} captions: "
              f"colour {hits_c / n:.3f} (chance 0.25), shape {hits_s / n:.3f} (chance 0.333)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps-cyclegan", type=int, default=600)
    ap.add_argument("--steps-text", type=int, default=1500)
    args = ap.parse_args()
    torch.set_num_threads(1)
    check_cyclegan(args.steps_cyclegan)
    check_text(args.steps_text)
