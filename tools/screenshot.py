"""Open the studio on a preset, press Start, and save a screenshot after some seconds.

Run under a real X server to see what a user sees, e.g.:
  xvfb-run -a -s "-screen 0 1600x1000x24" python tools/screenshot.py gan-ring8 20 shot.png
Presentation mode (full screen at 1920x1080):
  PRESENT=1 xvfb-run -a -s "-screen 0 1920x1080x24" python tools/screenshot.py gan-ring8 20 shot.png
STUDIO_LANG=zh_CN (or en) picks the interface language; without it, the saved or system one.
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def main() -> int:
    preset, seconds, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    sets = [a.split("=", 1) for a in sys.argv[4:]]
    import torch

    from studio.ui import i18n
    from studio.ui.main_window import MainWindow

    torch.set_num_threads(1)
    app = QApplication(sys.argv[:1])
    i18n.install(os.environ.get("STUDIO_LANG") or i18n.saved_language())
    w = MainWindow(preset)
    for key, value in sets:
        w.controls.set_value(key, value)
    w.resize(1500, 920)
    w.show()
    if os.environ.get("PRESENT"):  # presentation mode, full screen
        w.presentation.enter()
    if w.view.uses_worker:
        QTimer.singleShot(500, w.controls.start_btn.click)

    def shoot():
        w.grab().save(out)
        print(f"step {w.step} -> {out}")
        w.close()
        app.quit()

    QTimer.singleShot(int(seconds * 1000), shoot)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
