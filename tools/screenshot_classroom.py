"""Screenshots of the presets gallery and of the Runs panel following a command-line run.

  xvfb-run -a -s "-screen 0 1600x1000x24" python tools/screenshot_classroom.py gallery OUT.png
  xvfb-run -a -s "-screen 0 1600x1000x24" python tools/screenshot_classroom.py runs OUT.png [dark]

Settings and runs go to a temporary folder: the user's own settings are not touched.
"""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
TMP = Path(tempfile.mkdtemp(prefix="studio-shot-"))
os.environ["GENERATIVE_STUDIO_SETTINGS"] = str(TMP / "settings")
os.environ["GENERATIVE_STUDIO_RUNS"] = str(TMP / "runs")

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def main() -> int:
    what, out = sys.argv[1], sys.argv[2]
    import torch

    from studio.ui import theme
    from studio.ui.main_window import MainWindow
    from studio.ui.panels import gallery

    torch.set_num_threads(1)
    app = QApplication(sys.argv[:1])
    w = MainWindow("gan-ring8")
    w.resize(1500, 920)
    w.show()
    if "dark" in sys.argv[3:]:
        theme.choose("dark", w)
    proc = None
    if what == "gallery":
        dialog = gallery.show_gallery(w)
        target = dialog
        delay = 1500
    else:
        # An earlier, finished run for the list, and a live one to follow.
        done = TMP / "runs" / "gan-ring8-earlier"
        subprocess.run([sys.executable, "main.py", "train", "--preset", "gan-ring8", "--out",
                        str(done), "--steps", "300", "--quiet", "--set", "gan.hidden=32"],
                       cwd=REPO, check=True, env=dict(os.environ, OMP_NUM_THREADS="1"))
        live = TMP / "runs" / "gan-ring8-live"
        proc = subprocess.Popen([sys.executable, "main.py", "train", "--preset", "gan-ring8",
                                 "--out", str(live), "--steps", "20000", "--quiet",
                                 "--set", "gan.hidden=64", "--set", "train.preview_every=100"],
                                cwd=REPO, env=dict(os.environ, OMP_NUM_THREADS="1"))
        w.runs_dock.raise_()
        w.resizeDocks([w.runs_dock], [560], Qt.Orientation.Horizontal)
        w.runs.follow_path(live)
        QTimer.singleShot(2500, w.runs.refresh)
        target = w
        delay = 14000

    def shoot():
        target.grab().save(out)
        print(f"-> {out}")
        if proc is not None:
            proc.kill()
            proc.wait()
        w.close()
        app.quit()

    QTimer.singleShot(delay, shoot)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
