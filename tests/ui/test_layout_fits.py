"""Every preset fits a laptop's and a desktop's screen, in both languages, before and after a
few training steps, and after presentation mode: the window stays on the screen, the central
view gets at least half of its width, and each picture in it is at least 200 px on its
short side.

The screens are the offscreen platform's virtual ones (tests/ui/conftest.py): the window is
put on one of them at a first start's size and fits itself to it, as on a real desktop.
"""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QRect, QSize  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtWidgets import QApplication, QTabWidget  # noqa: E402

from studio.presets import PRESETS  # noqa: E402
from studio.ui import i18n, layout  # noqa: E402
from studio.ui.main_window import DEFAULT_SIZE, MainWindow  # noqa: E402
from studio.ui.panels.controls import set_field_text  # noqa: E402

from .conftest import screen  # noqa: E402

SMALL, LARGE = "1366x768", "1920x1080"  # the virtual screens of conftest.py
MIN_PICTURE = 200  # px, the short side of an image grid or a plot one clicks in
# Presets whose data are downloaded or are the user's own: checked as loaded, not trained.
NOT_OFFLINE = {name for name, p in PRESETS.items()
               if p.config().data.name in ("mnist", "cifar10", "folder-pair", "folder")}
# Chinese labels change the form and the panels' text, not the pictures a run adds: in Chinese
# one preset of each model is trained, on points and on images (all of them in English).
ONE_PER_MODEL = set({(p.config().model, p.config().data.name in ("ring8", "grid25", "blobs")): n
                     for n, p in reversed(PRESETS.items()) if n not in NOT_OFFLINE}.values())


def pictures(w) -> list:
    """(name, widget) for each picture the central view shows now."""
    from studio.ui.views.cyclegan import CycleGANView
    from studio.ui.views.gan import GANView
    from studio.ui.views.gmm import EMView
    from studio.ui.views.text2img import Text2ImgView
    from studio.ui.views.vae import VAEView

    v = w.view
    found = []
    if isinstance(v, GANView):
        found += [("samples", v.samples.image_view), ("points", v.samples.points_view),
                  ("2-D field", v.field.plot)]
    elif isinstance(v, VAEView):
        for name, (recon, prior) in v.previews._panes.items():
            found += [(f"{name} reconstructions", recon), (f"{name} prior samples", prior)]
        explorers = ([] if v.explorer is None else
                     list(getattr(v.explorer, "explorers", {"": v.explorer}).values()))
        for ex in explorers:
            found += [("latent plot", ex.plot), ("decode grid", ex.grid_image)]
    elif isinstance(v, (CycleGANView, Text2ImgView)):
        found += [("image rows", v.panel.rows)]
    elif isinstance(v, EMView):
        found += [("mixture", v.panel.view)]
    return [(name, p) for name, p in found if p.isVisible()]


def settle(qtbot) -> None:
    for _ in range(3):  # a layout change can queue another (docks, scroll areas)
        QApplication.sendPostedEvents()
        QApplication.processEvents()
    qtbot.wait(10)


def check_fits(qtbot, w, where: str) -> list[str]:
    """What does not fit, one line each."""
    settle(qtbot)
    # The screen the window is on (Qt may keep the one it left full screen on).
    on = QGuiApplication.screenAt(w.geometry().center()) or w.screen()
    avail = on.availableGeometry()
    frame = w.frameGeometry()
    problems = []
    if frame.width() > avail.width() or frame.height() > avail.height():
        problems.append(f"{where}: window {frame.width()}x{frame.height()} on a "
                        f"{avail.width()}x{avail.height()} screen")
    central = w.centralWidget()
    if central.width() < 0.5 * w.width():
        problems.append(f"{where}: central view {central.width()} px of a {w.width()} px "
                        "window")
    tabs = central if isinstance(central, QTabWidget) else None
    for i in range(tabs.count() if tabs else 1):
        if tabs:
            tabs.setCurrentIndex(i)
            settle(qtbot)
        for name, pic in pictures(w):
            if min(pic.width(), pic.height()) < MIN_PICTURE:
                problems.append(f"{where}: {name} is {pic.width()}x{pic.height()} px")
    if tabs:
        tabs.setCurrentIndex(0)
    return problems


def train_a_few_steps(qtbot, w) -> None:
    """A short run that ends by itself, its pictures on screen."""
    cfg = w.controls.cfg
    if cfg.model == "gmm":  # EM steps in the view itself
        for _ in range(3):
            w.view.panel.btn_step.click()
        return
    set_field_text(w.controls, "train.steps", "2")
    set_field_text(w.controls, "train.preview_every", "1")
    set_field_text(w.controls, "train.device", "cpu")
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.run.state == "idle" and w.step >= 2, timeout=120000)
    if hasattr(w.view, "explorer"):  # the latent explorer comes with the run's first snapshot
        qtbot.waitUntil(lambda: w.view.explorer is not None, timeout=60000)


def place(w, name: str) -> None:
    """Put the window on screen `name` at the size a first start there gets."""
    target = screen(name)
    w.setScreen(target)
    w.setGeometry(QRect(target.availableGeometry().topLeft(), QSize(*DEFAULT_SIZE)))
    layout.fit_to_screen(w)
    w.balance_docks()


@pytest.fixture
def english_after(qtbot):
    yield
    i18n.install("en")


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_every_preset_fits_the_screen(qtbot, english_after, lang):
    """One window per language visits both screens (training once per preset, and in Chinese
    once per model, keeps this within the suite's time)."""
    i18n.install(lang)
    w = MainWindow()
    qtbot.addWidget(w)
    place(w, SMALL)
    w.show()
    qtbot.waitExposed(w)
    problems = []

    def check(where: str) -> None:
        for name in (SMALL, LARGE):
            place(w, name)
            problems.extend(check_fits(qtbot, w, f"{where} ({lang}, {name})"))

    try:
        for name in PRESETS:
            w.load_preset(name)
            check(f"{name} loaded")
            if name not in NOT_OFFLINE and (lang == "en" or name in ONE_PER_MODEL):
                train_a_few_steps(qtbot, w)
                check(f"{name} trained")
            for screen_name in (SMALL, LARGE):
                place(w, screen_name)
                settle(qtbot)
                where = f"{name} ({lang}, {screen_name})"
                before = w.geometry()
                w.presentation.enter()
                problems.extend(check_fits(qtbot, w, where + " presenting"))
                w.presentation.leave()
                problems.extend(check_fits(qtbot, w, where + " after presenting"))
                if w.geometry() != before:
                    problems.append(f"{where}: leaving presentation mode moved the window "
                                    f"from {before} to {w.geometry()}")
    finally:
        w.presentation.leave()
        w.run.close()
    assert not problems, "\n".join(problems)


def test_a_geometry_saved_on_a_bigger_screen_is_shrunk_to_this_one(qtbot):
    from studio.ui import settings

    big = MainWindow()
    qtbot.addWidget(big)
    big.setScreen(screen(LARGE))
    big.setGeometry(QRect(screen(LARGE).availableGeometry().topLeft(), QSize(1900, 1050)))
    big.show()
    qtbot.waitExposed(big)
    settings.save_window(big)  # as if closed on the desktop monitor
    big.close()
    w = MainWindow()  # opened again on the laptop
    qtbot.addWidget(w)
    w.setScreen(screen(SMALL))
    w.move(screen(SMALL).availableGeometry().topLeft())
    w.show()
    qtbot.waitExposed(w)
    settle(qtbot)
    avail = screen(SMALL).availableGeometry()
    assert avail.contains(w.frameGeometry()), (w.frameGeometry(), avail)
