"""Choosing a folder of pictures in the window: what it holds is shown without stalling the
window, and a run's decoding into the cache drives the progress bar."""
import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PIL import Image  # noqa: E402

from studio.ui import main_window  # noqa: E402
from studio.ui.main_window import MainWindow  # noqa: E402
from studio.ui.panels.controls import set_field_text  # noqa: E402


def pictures(root, n=24):
    rng = np.random.default_rng(0)
    for i in range(n):
        sub = root / ("cats" if i % 2 else "dogs")
        sub.mkdir(parents=True, exist_ok=True)
        size = (40, 30) if i else (120, 90)
        Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), np.uint8)).save(
            sub / f"{i}.jpg")
    return root


def test_a_chosen_folder_is_summarised_then_decoded_with_progress(qtbot, tmp_path, monkeypatch):
    w = MainWindow("dcgan-folder-64")
    qtbot.addWidget(w)
    w.show()
    root = pictures(tmp_path / "pets")
    w.folder_info.use(str(root))
    assert w.controls.cfg.data.path == str(root)
    qtbot.waitUntil(lambda: "pictures" in w.folder_info.last_text, timeout=20000)
    text = w.folder_info.last_text
    assert "24 pictures in 2 class(es), 40×30 to 120×90 px" in text and "at Start" in text
    assert w.statusBar().currentMessage() == text
    seen = []
    real = main_window.show_decode
    monkeypatch.setattr(main_window, "show_decode",
                        lambda win, done, total: (seen.append((done, total)),
                                                  real(win, done, total)))
    for key, value in (("data.image_size", "16"), ("gan.width", "4"), ("train.steps", "2"),
                       ("train.batch_size", "4"), ("train.device", "cpu")):
        set_field_text(w.controls, key, value)
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.run.state == "idle" and w.step == 2, timeout=120000)
    assert seen and seen[-1] == (24, 24)  # the decode reported its progress to the end
    assert w.controls.progress.text() == "2 / 2 steps"  # then the bar counted steps again
    w.folder_info.use(str(root))  # the cache is there now, and said so
    qtbot.waitUntil(lambda: "on disk" in w.folder_info.last_text, timeout=20000)
    w.run.close()


def test_a_folder_without_pictures_is_one_line(qtbot, tmp_path):
    w = MainWindow("dcgan-folder-64")
    qtbot.addWidget(w)
    (tmp_path / "empty").mkdir()
    w.folder_info.use(str(tmp_path / "empty"))
    qtbot.waitUntil(lambda: "no image files" in w.statusBar().currentMessage(), timeout=20000)
    w.run.close()
