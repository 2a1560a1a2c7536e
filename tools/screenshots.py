"""One screenshot of the studio as a user sees it: the whole (virtual) screen, after training
a preset for some steps (or LONGEST_S seconds on a busy machine). tools/screenshots.sh runs
it under Xvfb for every family.

    xvfb-run -a -s "-screen 0 1366x768x24" python tools/screenshots.py SHOT OUT.png [STEPS]

SHOT is one of SHOTS below. STUDIO_LANG=zh_CN for the Chinese interface.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

# shot -> (preset, training steps to wait for, what to show afterwards)
SHOTS = {
    "main_window": ("gan-ring8", 4000, "samples"),
    "field2d": ("gan-ring8", 4000, "field"),
    "dcgan_digits": ("dcgan-digits", 300, ""),
    "cgan_digits": ("cgan-digits", 300, ""),
    "vae_explorer": ("vae-digits", 400, "explorer"),
    "vae_compare": ("ae-vs-vae-digits", 400, "explorer"),
    "em": ("gmm-blobs", 0, "em"),
    "cyclegan": ("cyclegan-digits-colour", 150, ""),
    "text2img": ("text2img-shapes", 300, ""),
    "presentation": ("gan-ring8", 3000, "present"),
    "gallery": ("gan-ring8", 0, "gallery"),
    "runs": ("vae-digits", 200, "runs"),
    # A folder of pictures (made here: coloured digits, nothing downloaded), at 64 px, and two
    # folders (grey and coloured digits) at 128 px; smaller batches, so that a CPU shows steps.
    "folder64": ("dcgan-folder-64", 20, "folder"),
    "cyclegan_folders128": ("cyclegan-folders-128", 6, "folders"),
}
LONGEST_S = 150  # a busy machine: shoot what there is by then


def make_folders(pair: bool) -> str:
    """A folder of 300 coloured digits (PNG, 96 px); `pair`: A grey, B coloured."""
    import numpy as np
    from PIL import Image
    from sklearn.datasets import load_digits

    root = Path(tempfile.mkdtemp())
    digits = load_digits().images[:300] / 16.0
    rng = np.random.default_rng(0)
    for side in ("A", "B") if pair else ("",):
        (root / side).mkdir(exist_ok=True)
        for i, d in enumerate(digits):
            ink = np.array([1.0, 1.0, 1.0]) if side == "A" else rng.uniform(0.3, 1.0, 3)
            paper = np.zeros(3) if side == "A" else rng.uniform(0.0, 0.3, 3)
            rgb = paper + d[..., None] * (ink - paper)
            img = Image.fromarray((rgb * 255).astype(np.uint8)).resize((96, 96), Image.BICUBIC)
            img.save(root / side / f"{i}.png")
    return str(root)


def main() -> int:
    shot, out = sys.argv[1], sys.argv[2]
    preset, steps, show = SHOTS[shot]
    if len(sys.argv) > 3:
        steps = int(sys.argv[3])
    os.environ.setdefault("GENERATIVE_STUDIO_SETTINGS", tempfile.mkdtemp())  # a fresh start
    os.environ.setdefault("GENERATIVE_STUDIO_RUNS", tempfile.mkdtemp())
    from studio.ui import i18n
    from studio.ui.main_window import MainWindow
    from studio.ui.panels import gallery
    from studio.ui.run.handle import preload_torch

    app = QApplication(sys.argv[:1])
    i18n.install(os.environ.get("STUDIO_LANG", "en"))
    w = MainWindow(preset)
    if show in ("folder", "folders"):
        w.controls.set_value("train.batch_size", "16" if show == "folder" else "1")
        w.controls.set_value("train.preview_every", "2")
        w.controls.set_value("data.path", make_folders(show == "folders"))  # in view last
    elif w.view.run_controls:
        w.controls.set_value("train.preview_every", "10")  # the newest samples, not step 0
    w.show()
    preload_torch(max(1, (os.cpu_count() or 2) - 1))
    if show == "present":
        w.presentation.enter()
    if w.view.run_controls and steps > 0:
        QTimer.singleShot(500, w.controls.start_btn.click)

    def arrange() -> None:
        if show in ("explorer", "samples", "field"):
            tabs = w.view.tabs
            pick = {"explorer": tabs.count() - 1, "samples": 0}.get(show)
            if show == "field":
                pick = tabs.indexOf(w.view.field)
            tabs.setCurrentIndex(pick)
            if show == "explorer" and w.view.explorer is not None:
                tabs.setCurrentWidget(w.view.explorer)
                w.view.explorer.refresh()
        elif show == "em":
            p = w.view.panel
            for _ in range(4):
                p.btn_step.click()
            p.tabs.setCurrentWidget(p.choose_k)
            p.choose_k.compute.click()
        elif show == "gallery":
            gallery.show_gallery(w)
        elif show == "runs":
            w.runs_dock.raise_()
            w.runs.open_run(w.run_dir)

    def shoot() -> None:
        app.primaryScreen().grabWindow(0).save(out)
        print(f"{shot}: step {w.step} -> {out}", flush=True)
        w.presentation.leave()
        w.close()
        app.quit()

    t0 = time.monotonic()

    def wait() -> None:
        if w.step < steps and time.monotonic() - t0 < LONGEST_S:
            QTimer.singleShot(500, wait)
            return
        arrange()
        QTimer.singleShot(4000 if show != "em" else 15000, shoot)

    QTimer.singleShot(1000, wait)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
