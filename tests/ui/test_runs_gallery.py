"""Runs panel (list, open, follow a CLI run live), exports, presets gallery, settings, themes."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QPalette  # noqa: E402
from PySide6.QtWidgets import (QApplication, QDockWidget, QLabel,  # noqa: E402
                               QMainWindow)

from studio.cli import main as cli_main  # noqa: E402
from studio.presets import PRESETS, Preset  # noqa: E402
from studio.ui import exports, settings, theme  # noqa: E402
from studio.ui.main_window import MainWindow, runs_root  # noqa: E402
from studio.ui.panels import gallery  # noqa: E402
from studio.ui.panels.runs import METRICS_COL, RunsPanel  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
TRAIN = ["train", "--preset", "gan-ring8", "--steps", "400", "--set", "data.n_points=1000",
         "--set", "gan.hidden=32", "--quiet"]
# Long enough to be caught mid-run: the 400 steps above take well under a second.
LIVE_STEPS = 5000


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    run = tmp_path_factory.mktemp("cli") / "ring-run"
    assert cli_main(TRAIN + ["--out", str(run), "--device", "cpu"]) == 0
    return run


@pytest.fixture
def window(qtbot):
    w = MainWindow("gan-ring8")
    qtbot.addWidget(w)
    w.show()
    yield w
    w.run.close()


@pytest.fixture
def light_again():
    yield
    theme.apply("light")  # the palette is the application's: leave it as found


def test_follow_a_cli_run_while_it_trains(qtbot, tmp_path):
    out = tmp_path / "live"
    panel = RunsPanel(lambda: tmp_path)
    qtbot.addWidget(panel)
    panel.show()
    env = dict(os.environ, OMP_NUM_THREADS="1")
    live = TRAIN[:4] + [str(LIVE_STEPS)] + TRAIN[5:]
    proc = subprocess.Popen([sys.executable, "main.py"] + live + ["--out", str(out)],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        panel.follow_path(out)  # before the CLI has written anything
        assert panel.following and panel.losses.point_count() == 0
        assert panel.follow_btn.isChecked() and panel.follow_btn.text() == "Stop following"
        seen_while_running = []

        def gained_while_running():
            n = panel.losses.point_count()
            if proc.poll() is None and n > 0:
                seen_while_running.append(n)
            assert seen_while_running or proc.poll() is None, "points only after the run ended"
            return bool(seen_while_running)

        qtbot.waitUntil(gained_while_running, timeout=60000)
        assert proc.wait(timeout=60) == 0, proc.stderr.read().decode()[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    # Everything the CLI wrote shows up within a second of it being written.
    qtbot.waitUntil(lambda: panel.losses.point_count() == LIVE_STEPS, timeout=1000)
    assert seen_while_running[0] < LIVE_STEPS
    x, y = panel.losses.curves["loss_g"].getData()
    assert len(x) == LIVE_STEPS and x[-1] == LIVE_STEPS and np.isfinite(y).all()
    qtbot.waitUntil(lambda: panel.sample_path is not None
                    and panel.sample_path.name == f"step_{LIVE_STEPS:07d}.png", timeout=1000)
    assert panel.image.image is not None
    panel.follow(False)
    assert not panel.timer.isActive() and not panel.follow_btn.isChecked()
    assert panel.follow_btn.text() == "Follow live"


def test_runs_list_open_and_continue(qtbot, window, finished_run):
    w = window
    w.runs_dock.raise_()
    w.runs.add_folder(finished_run.parent)  # File > Open run folder, with a folder of runs
    assert w.runs.run_paths() == [str(finished_run)]
    item = w.runs.tree.topLevelItem(0)
    assert [item.text(i) for i in range(4)] == ["ring-run", "gan", "ring8", "400 / 400"]
    assert "loss_d" in item.text(METRICS_COL)
    assert w.runs.losses.point_count() == 0  # listed, not opened
    w.runs.tree.itemClicked.emit(item, 0)
    assert w.runs.path == finished_run and not w.runs.following
    assert w.runs.losses.point_count() == 400
    assert w.runs.sample_path.name == "step_0000400.png"
    assert settings.recent_runs() == [str(finished_run)]
    assert settings.run_folders() == [str(finished_run.parent)]
    assert w.runs.continue_btn.isEnabled()
    with qtbot.waitSignal(w.runs.continue_requested, timeout=1000):
        w.runs.continue_btn.click()
    assert w.resume_state is not None and w.step == 400  # ready to continue training


def test_exports_from_the_window(qtbot, window, finished_run, tmp_path):
    w = window
    w.runs_dock.raise_()
    w.runs.open_run(finished_run)
    assert exports.gif_source(w) == finished_run
    assert exports.plot_panel(w) is w.runs.losses
    gif = tmp_path / "s.gif"
    assert exports.export_gif(w, gif) >= 4
    with Image.open(gif) as im:
        assert im.n_frames >= 4
    png, svg = tmp_path / "plots.png", tmp_path / "plots.svg"
    exports.export_plots(exports.plot_panel(w), png)
    exports.export_plots(exports.plot_panel(w), svg)
    with Image.open(png) as im:
        view = w.runs.losses.view
        assert im.size == (view.width() * 2, view.height() * 2)
        assert len(np.unique(np.asarray(im.convert("L")))) > 10  # curves and text, not blank
    text = svg.read_text()
    assert text.startswith("<?xml") and "<svg" in text and "<path" in text
    w.loss_dock.raise_()  # now the window's own (empty) curves are the ones on screen
    qtbot.waitUntil(lambda: not w.runs.shows_run(), timeout=1000)
    assert exports.plot_panel(w) is w.losses
    QApplication.clipboard().clear()
    w.copy_figure_action.trigger()
    image = QApplication.clipboard().image()
    assert not image.isNull() and image.size() == w.centralWidget().grab().size()
    assert w.copy_figure_action.shortcut().toString() == "Ctrl+Shift+C"


def test_gallery_cards_load_a_preset(qtbot, window, monkeypatch):
    w = window
    extra = Preset("zz-new", "A preset someone added today.", {"model": "gan",
                                                                "data.name": "moons"})
    monkeypatch.setitem(PRESETS, "zz-new", extra)
    d = gallery.show_gallery(w)
    qtbot.addWidget(d)
    assert set(d.cards) == set(PRESETS)
    assert d.cards["ae-vs-vae-digits"].title.text() == "Why a VAE, not an AE"
    assert d.cards["zz-new"].title.text() == extra.description  # the fallback
    assert "steps" in d.cards["zz-new"].time.text()  # not measured: its length in steps
    for name in set(PRESETS) - {"zz-new"}:  # every shipped preset has a title of its own
        assert d.cards[name].title.text() not in (PRESETS[name].description, "")
    for name in PRESETS:
        pix = d.cards[name].picture.pixmap()
        assert pix.width() == gallery.THUMB_W and pix.height() == gallery.THUMB_H
    # Thumbnails are drawn from the data (2-D points, digits) and cached on disk.
    ring = gallery.thumbnail(PRESETS["gan-ring8"])
    assert gallery.thumbnail_path(PRESETS["gan-ring8"]).is_file()
    assert ring.pixelColor(0, 0).name() == "#ffffff"
    assert len({ring.pixelColor(x, y).name() for x in range(0, 220, 2)
                for y in range(0, 150, 2)}) > 1
    monkeypatch.setattr(gallery, "draw_thumbnail", lambda p: pytest.fail("redrawn"))
    gallery.thumbnail(PRESETS["vae-digits"])  # from the cache
    with qtbot.waitSignal(d.preset_chosen, timeout=1000):
        qtbot.mouseClick(d.cards["vae-digits"], Qt.MouseButton.LeftButton)
    assert w.controls.preset.currentText() == "vae-digits" and w.view.cfg.model == "vae"
    assert not d.isVisible()


def test_gallery_shows_on_first_start_only(qtbot, window):
    first = gallery.show_on_first_start(window)
    assert first is not None
    qtbot.addWidget(first)
    assert first.isVisible()
    first.close()
    assert gallery.show_on_first_start(window) is None
    action = next(a for a in window.findChildren(type(window.copy_figure_action))
                  if a.shortcut().toString() == "Ctrl+G")
    action.trigger()
    shown = [d for d in window.findChildren(gallery.GalleryDialog) if d.isVisible()]
    assert len(shown) == 1
    shown[0].close()


def test_layout_and_theme_are_remembered(qtbot, light_again):
    w = MainWindow("gan-ring8")
    qtbot.addWidget(w)
    w.show()
    w.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, w.runs_dock)
    qtbot.waitUntil(lambda: w.dockWidgetArea(w.runs_dock) == Qt.DockWidgetArea.LeftDockWidgetArea,
                    timeout=1000)
    light = QApplication.palette().color(QPalette.ColorRole.Window)
    w.theme_actions["dark"].trigger()
    pal = QApplication.palette()
    bg, fg = pal.color(QPalette.ColorRole.Window), pal.color(QPalette.ColorRole.WindowText)
    assert bg != light and bg.lightness() < 80 and fg.lightness() > 180  # readable
    base, text = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
    assert text.lightness() - base.lightness() > 120
    plot_bg = w.losses.view.backgroundBrush().color()
    assert plot_bg.lightness() < 80
    axis = w.losses.plots[0].getAxis("left")
    assert axis.textPen().color().lightness() > 180
    w.close()
    assert settings.get("window/geometry") is not None

    w2 = MainWindow("gan-ring8")  # a new session: layout and theme come back
    qtbot.addWidget(w2)
    w2.show()
    assert w2.dockWidgetArea(w2.runs_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert w2.theme_actions["dark"].isChecked()
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 80
    w2.load_preset("gan-ring8")  # a new view's plots follow the theme too
    points = w2.view.samples.points_view
    assert points.backgroundBrush().color().lightness() < 80
    w2.theme_actions["light"].trigger()
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() > 200
    assert points.backgroundBrush().color().name() == "#ffffff"
    assert w2.losses.plots[0].getAxis("left").textPen().color().lightness() < 80
    assert settings.get("theme") == "light"
    w2.close()


def test_geometry_round_trip(qtbot):
    # A small window: offscreen Qt's screen is 800x800 and restoreGeometry keeps a window
    # on its screen, so the studio's own (wider) window cannot show the size coming back.
    def make():
        w = QMainWindow()
        qtbot.addWidget(w)
        dock = QDockWidget("Runs", w)
        dock.setObjectName("Runs")
        dock.setWidget(QLabel("runs"))
        w.setCentralWidget(QLabel("centre"))
        w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        return w, dock

    w, dock = make()
    assert not settings.restore_window(w)  # nothing saved yet
    w.setGeometry(40, 60, 520, 410)
    w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    w.show()
    settings.save_window(w)
    w2, dock2 = make()
    assert settings.restore_window(w2)
    w2.show()
    assert (w2.width(), w2.height()) == (520, 410)
    assert w2.dockWidgetArea(dock2) == Qt.DockWidgetArea.BottomDockWidgetArea


def test_settings_stay_in_the_test_folder(tmp_path):
    assert Path(settings.settings().fileName()).is_relative_to(tmp_path)
    assert settings.app_data_dir().is_relative_to(tmp_path)
    assert runs_root().is_relative_to(tmp_path)


def test_runs_list_is_filled_when_first_opened_and_keeps_opened_runs(qtbot, finished_run,
                                                                     tmp_path):
    import shutil

    shutil.copytree(finished_run, runs_root() / "earlier-run")  # a run from another day
    w = MainWindow("gan-ring8")
    qtbot.addWidget(w)
    w.show()
    w.runs_dock.raise_()  # the Runs tab, first opened
    qtbot.waitUntil(lambda: w.runs.run_paths() == [str(runs_root() / "earlier-run")],
                    timeout=5000)
    elsewhere = tmp_path / "elsewhere" / "other-run"
    shutil.copytree(finished_run, elsewhere)
    w.runs.open_run(elsewhere)  # opened from File > Recent runs or a follow: listed too
    assert str(elsewhere) in w.runs.run_paths()
    assert w.runs.tree.currentItem().data(0, Qt.ItemDataRole.UserRole) == str(elsewhere)
    w.run.close()


def test_gallery_and_main_py_presets_show_the_same_measured_time(qtbot, window, monkeypatch,
                                                                   capsys):
    import dataclasses

    measured = {name: p.cpu_minutes for name, p in PRESETS.items()}
    assert all(m is not None for m in measured.values())  # every preset measured
    monkeypatch.setitem(PRESETS, "gan-digits",
                        dataclasses.replace(PRESETS["gan-digits"], cpu_minutes=37.0))
    d = gallery.show_gallery(window)
    qtbot.addWidget(d)
    assert d.cards["gan-digits"].time.text() == "Time: about 37 min on a 2-core CPU (measured)"
    assert cli_main(["presets"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("gan-digits"))
    assert "~37 min" in line


def test_gallery_thumbnails_come_from_the_data_or_say_they_are_downloaded():
    def drawn(name):
        """The share of the picture that is not its background."""
        img = gallery.draw_thumbnail(PRESETS[name]).astype(int)
        assert img.shape == (gallery.THUMB_H, gallery.THUMB_W, 3)
        return (np.abs(img - img[0, 0]).sum(-1) > 0).mean()

    for name in ("gan-digits", "text2img-shapes", "cyclegan-digits-colour"):
        assert drawn(name) > 0.25, name  # tiles of the set's own images
    for name in ("dcgan-mnist", "dcgan-cifar10", "cyclegan-folders"):
        assert drawn(name) < 0.1, name  # a few words on a plain card: nothing downloaded
