"""One screenshot of the studio as a user sees it: the whole (virtual) screen, after training
a preset for a while. tools/screenshots.sh runs it under Xvfb for every family.

    xvfb-run -a -s "-screen 0 1366x768x24" python tools/screenshots.py SHOT OUT.png [SECONDS]

SHOT is one of SHOTS below. STUDIO_LANG=zh_CN for the Chinese interface.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

# shot -> (preset, seconds of training, what to show afterwards)
SHOTS = {
    "main_window": ("gan-ring8", 25, "samples"),
    "field2d": ("gan-ring8", 25, "field"),
    "dcgan_digits": ("dcgan-digits", 45, ""),
    "cgan_digits": ("cgan-digits", 45, ""),
    "vae_explorer": ("vae-digits", 30, "explorer"),
    "vae_compare": ("ae-vs-vae-digits", 30, "explorer"),
    "em": ("gmm-blobs", 8, "em"),
    "cyclegan": ("cyclegan-digits-colour", 45, ""),
    "text2img": ("text2img-shapes", 45, ""),
    "presentation": ("gan-ring8", 25, "present"),
    "gallery": ("gan-ring8", 0, "gallery"),
    "runs": ("vae-digits", 20, "runs"),
}


def main() -> int:
    shot, out = sys.argv[1], sys.argv[2]
    preset, seconds, show = SHOTS[shot]
    if len(sys.argv) > 3:
        seconds = float(sys.argv[3])
    os.environ.setdefault("GENERATIVE_STUDIO_SETTINGS", tempfile.mkdtemp())  # a fresh start
    os.environ.setdefault("GENERATIVE_STUDIO_RUNS", tempfile.mkdtemp())
    from studio.ui import i18n
    from studio.ui.main_window import MainWindow
    from studio.ui.panels import gallery
    from studio.ui.worker import preload_torch

    app = QApplication(sys.argv[:1])
    i18n.install(os.environ.get("STUDIO_LANG", "en"))
    w = MainWindow(preset)
    w.show()
    preload_torch(max(1, (os.cpu_count() or 2) - 1))
    if show == "present":
        w.presentation.enter()
    if w.view.uses_worker and seconds > 0:
        QTimer.singleShot(500, w.controls.start_btn.click)

    def arrange() -> None:
        if show in ("explorer", "samples", "field"):
            tabs = w.view.tabs
            pick = {"explorer": tabs.count() - 1, "samples": 0}.get(show)
            if show == "field":
                pick = tabs.indexOf(w.view.field)
            tabs.setCurrentIndex(pick)
            if show == "explorer" and w.view.explorer is not None:
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
            w.controller.wait()
            w.runs_dock.raise_()
            w.runs.open_run(w.run_dir)

    def shoot() -> None:
        app.primaryScreen().grabWindow(0).save(out)
        print(f"{shot}: step {w.step} -> {out}", flush=True)
        w.presentation.leave()
        w.close()
        app.quit()

    QTimer.singleShot(int(seconds * 1000) + 800, arrange)
    QTimer.singleShot(int(seconds * 1000) + 4000, shoot)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
