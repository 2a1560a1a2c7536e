"""The window paints before torch is loaded (torch's import takes seconds): importing the
window's modules must not import torch."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_window_modules_do_not_import_torch():
    code = "import sys, studio.ui.main_window\nprint('torch' in sys.modules)"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "False"
