"""Screenshots of the GAN panels after a short real training, under offscreen Qt:
resources/screenshots/field2d.png, dcgan_digits.png, cgan_digits.png.

    python tools/screenshot_gan_panels.py [--steps-2d 1500] [--steps-img 600]
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps-2d", type=int, default=1500)
    ap.add_argument("--steps-img", type=int, default=600)
    ap.add_argument("--out", default="resources/screenshots")
    a = ap.parse_args()

    import torch
    from PySide6.QtWidgets import QApplication

    from studio.core.engines import make_engine
    from studio.core.runner import run
    from studio.presets import PRESETS
    from studio.ui.panels.field2d import Field2DPanel
    from studio.ui.panels.samples import SamplePanel

    torch.set_num_threads(1)
    app = QApplication.instance() or QApplication([])
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)

    def grab(w, name, size):
        w.resize(*size)
        w.show()
        for _ in range(5):
            app.processEvents()
        w.grab().save(str(out / name))
        print("wrote", out / name)

    cfg = PRESETS["gan-ring8"].config()
    cfg.set("train.device", "cpu")
    e = make_engine(cfg)
    list(run(e, a.steps_2d, every=100, preview_every=10**9))
    field = Field2DPanel()
    field.show_field(e.preview())
    grab(field, "field2d.png", (760, 720))

    for preset, name in (("dcgan-digits", "dcgan_digits.png"), ("cgan-digits", "cgan_digits.png")):
        cfg = PRESETS[preset].config()
        cfg.set("train.device", "cpu")
        e = make_engine(cfg)
        list(run(e, a.steps_img, every=100, preview_every=10**9))
        panel = SamplePanel()
        panel.show_preview(e.preview())
        if e.num_classes:
            panel.label_pick.setCurrentText("3")
            panel.show_preview(e.generate_preview("3", 16))
        grab(panel, name, (620, 760 if e.num_classes else 640))


if __name__ == "__main__":
    main()
