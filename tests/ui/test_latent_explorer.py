"""The latent explorer, compare view and VAE panels, driven with the mouse like a user."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from studio.config import RunConfig  # noqa: E402
from studio.core.engines import make_engine  # noqa: E402
from studio.core.runner import run  # noqa: E402
from studio.ui.panels.latent_explorer import LatentExplorer  # noqa: E402
from studio.ui.panels.vae_compare import VAECompareView  # noqa: E402
from studio.ui.panels.vae_panels import VAELossPanel, VAEPreviewPanel  # noqa: E402

CPU = torch.device("cpu")


def engine(model="vae", latent_dim=2, steps=150, **vae):
    torch.set_num_threads(1)
    cfg = RunConfig()
    cfg.model = model
    cfg.data.name, cfg.data.image_size = "digits", 10
    cfg.train.batch_size = 64
    cfg.vae.latent_dim, cfg.vae.hidden, cfg.vae.warmup_steps = latent_dim, 64, 50
    for k, v in vae.items():
        cfg.set(f"vae.{k}", v)
    eng = make_engine(cfg.validate(), CPU)
    for _ in run(eng, steps, every=50, preview_every=10**9):
        pass
    return eng


@pytest.fixture(scope="module")
def vae2():
    return engine("vae", 2)


@pytest.fixture(scope="module")
def compare():
    return engine("ae-vs-vae", 5)


def show(qtbot, w):
    qtbot.addWidget(w)
    w.resize(900, 650)
    w.show()
    qtbot.waitExposed(w)
    return w


def view_to_widget(ex: LatentExplorer, x: float, y: float) -> QPoint:
    scene = ex.vb.mapViewToScene(QPointF(x, y))
    return ex.plot.mapFromScene(scene)


def shift_click(ex: LatentExplorer, x: float, y: float) -> None:
    """A press and a release sent as such: QTest would turn a quick second click into a
    double-click, which a person clicking two far-apart points does not produce."""
    vp, pos = ex.plot.viewport(), view_to_widget(ex, x, y)
    left, shift = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier
    for kind, buttons in ((QEvent.Type.MouseButtonPress, left),
                          (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton)):
        QApplication.sendEvent(vp, QMouseEvent(kind, QPointF(pos), QPointF(vp.mapToGlobal(pos)),
                                               left, buttons, shift))


def test_click_decodes_the_clicked_point(qtbot, vae2):
    ex = show(qtbot, LatentExplorer(vae2.model))
    with qtbot.waitSignal(ex.refreshed, timeout=5000):
        ex.refresh()
    ex.vb.setRange(xRange=(-3, 3), yRange=(-3, 3), padding=0)
    before = ex.current_image.copy()
    for target in ((-1.5, 1.0), (1.5, -1.0)):
        with qtbot.waitSignal(ex.decoded, timeout=5000):
            qtbot.mouseClick(ex.plot.viewport(), Qt.MouseButton.LeftButton,
                             pos=view_to_widget(ex, *target))
        np.testing.assert_allclose(ex.code, target, atol=0.1)
        np.testing.assert_allclose(ex.current_image, vae2.decode(ex.code)[0], atol=1e-6)
        assert np.abs(ex.current_image - before).max() > 0.05
        before = ex.current_image.copy()
    # The sliders follow the code.
    assert ex.sliders[0].value() == pytest.approx(ex.code[0] * 100, abs=1)


def test_drag_decodes_along_the_way_without_reencoding(qtbot, vae2, monkeypatch):
    ex = show(qtbot, LatentExplorer(vae2.model))
    ex.refresh()
    ex.vb.setRange(xRange=(-3, 3), yRange=(-3, 3), padding=0)
    encodes = []
    monkeypatch.setattr(vae2.model, "encode_dataset",
                        lambda: encodes.append(1) or pytest.fail("re-encoded on a move"))
    vp = ex.plot.viewport()
    xs = np.linspace(-2, 2, 6)
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton

    def send(kind, x, button, buttons):
        pos = view_to_widget(ex, x, 0.5)
        ev = QMouseEvent(kind, QPointF(pos), QPointF(vp.mapToGlobal(pos)), button, buttons,
                         Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(vp, ev)

    def moved_to(x):
        # pyqtgraph drops moves that come faster than ~60 a second: repeat until one lands.
        send(QEvent.Type.MouseMove, x, none, left)
        return abs(ex.code[0] - x) < 0.1

    send(QEvent.Type.MouseButtonPress, xs[0], left, left)
    images = []
    for x in xs[1:]:
        qtbot.waitUntil(lambda: moved_to(x), timeout=5000)
        images.append(ex.current_image.copy())
    send(QEvent.Type.MouseButtonRelease, xs[-1], left, none)
    assert ex.code[0] == pytest.approx(2.0, abs=0.1) and ex.code[1] == pytest.approx(0.5, abs=0.1)
    assert len({img.tobytes() for img in images}) == len(images)  # each move drew a new decode
    assert not encodes


def test_sliders_grid_hover_and_interpolation(qtbot, compare):
    vae = compare.models["vae"]
    ex = show(qtbot, LatentExplorer(vae))
    ex.refresh()
    # A slider moves its own coordinate only.
    before = ex.current_image.copy()
    with qtbot.waitSignal(ex.decoded, timeout=5000):
        ex.sliders[3].setValue(250)
    assert ex.code[3] == pytest.approx(2.5) and np.count_nonzero(ex.code) == 1
    assert np.abs(ex.current_image - before).max() > 0.01
    # PCA view: clicking keeps the coordinates the plane does not show.
    ex.projection.setCurrentText("PCA")
    ex.vb.setRange(xRange=(-2, 2), yRange=(-2, 2), padding=0)
    off_plane = ex.code - ex.proj.lift(ex.proj.project(ex.code[None]), ex.code)[0]
    with qtbot.waitSignal(ex.decoded, timeout=5000):
        qtbot.mouseClick(ex.plot.viewport(), Qt.MouseButton.LeftButton,
                         pos=view_to_widget(ex, 0.7, -0.4))
    np.testing.assert_allclose(ex.proj.project(ex.code[None])[0], (0.7, -0.4), atol=0.05)
    np.testing.assert_allclose(ex.code - ex.proj.lift(ex.proj.project(ex.code[None]), ex.code)[0],
                               off_plane, atol=1e-6)
    # The grid covers the visible area.
    qtbot.waitUntil(lambda: ex.grid_image.image is not None, timeout=5000)
    n = ex.grid_n  # decodes per side: as many as fit at 24 px or more each, at most 10
    assert 3 <= n <= 10 and ex.grid_image.image.shape == (10 * n, 10 * n)
    assert min(ex.grid_image.width(), ex.grid_image.height()) / n >= 24
    # Hovering a data point draws its posterior ellipse around it.
    i = 7
    ex._on_mouse_moved(ex.vb.mapViewToScene(QPointF(*ex.xy[i])))
    assert ex.hovered == i
    xs, ys = ex.ellipse.getData()
    assert len(xs) > 10
    assert (xs.max() + xs.min()) / 2 == pytest.approx(ex.xy[i, 0], abs=1e-3)
    assert (ys.max() + ys.min()) / 2 == pytest.approx(ex.xy[i, 1], abs=1e-3)
    # Shift+click two data points: the strip shows A, 8 decodes, B.
    ex.vb.autoRange()
    code_before = ex.code.copy()
    far = [int(np.argmin(ex.xy[:, 0])), int(np.argmax(ex.xy[:, 0]))]  # two far-apart images
    for j in far:
        shift_click(ex, *ex.xy[j])
    assert len(ex.ends) == 2
    np.testing.assert_allclose(ex.xy[ex.ends], ex.xy[far], atol=0.05)  # or a twin point
    np.testing.assert_array_equal(ex.code, code_before)  # picking does not move the code
    strip = ex.strip.image
    assert strip.shape[1] > 9 * strip.shape[0] - 20
    a, b = ex.ends
    np.testing.assert_allclose(strip[1:11, 1:11], ex.data["images"][a, 0])
    np.testing.assert_allclose(strip[1:11, 12:22], vae.decode(ex.data["mu"][a])[0, 0], atol=1e-5)
    np.testing.assert_allclose(strip[1:11, -11:-1], ex.data["images"][b, 0])


def test_ae_has_no_posterior_ellipse(qtbot, compare):
    ex = show(qtbot, LatentExplorer(compare.models["ae"]))
    ex.refresh()
    ex._on_mouse_moved(ex.vb.mapViewToScene(QPointF(*ex.xy[0])))
    assert ex.ellipse.getData()[0] is None or len(ex.ellipse.getData()[0]) == 0


def test_compare_view_decodes_the_same_codes_with_both(qtbot, compare):
    view = show(qtbot, VAECompareView(compare.models))
    with qtbot.waitSignal(view.refreshed, timeout=10000):
        view.refresh()
    ae, vae = view.rows["ae"].image, view.rows["vae"].image
    assert ae.shape == vae.shape and np.abs(ae - vae).max() > 0.1
    np.testing.assert_allclose(vae[1:11, 1:11], compare.models["vae"].decode(view.codes[:1])[0, 0],
                               atol=1e-5)
    old, old_row = view.codes.copy(), vae.copy()
    qtbot.mouseClick(view.new_codes_button, Qt.MouseButton.LeftButton)
    assert not np.allclose(old, view.codes)
    np.testing.assert_allclose(view.rows["vae"].image[1:11, 1:11],
                               compare.models["vae"].decode(view.codes[:1])[0, 0], atol=1e-5)
    assert np.abs(view.rows["vae"].image - old_row).max() > 0.01
    assert set(view.explorers) == {"ae", "vae"} and all(e.data is not None for e in view.explorers.values())


def test_preview_and_loss_panels(qtbot, compare):
    prev = show(qtbot, VAEPreviewPanel())
    prev.set_preview(compare.preview())
    assert set(prev._panes) == {"ae", "vae"}
    assert prev._panes["vae"][1].image.shape == compare.preview()["models"]["vae"]["prior_grid"].shape
    assert prev._kl_box.isVisible()
    loss = show(qtbot, VAELossPanel(capacity=4))
    batch = list(run(compare, compare.step_count + 10, every=10, preview_every=10**9))[0]
    loss.add_results(batch)
    assert loss.n == 10 and set(loss._curves) == set(compare.metric_names)
    x, y = loss._curves["vae_kl"].getData()
    assert len(x) == 10 and np.isfinite(y).all()


def test_explorer_opens_decoding_the_origin_on_the_busiest_axes(qtbot, compare):
    """The decode box shows z = 0 from the start; the axes are the two dimensions with the
    largest KL; the class legend sits under the plot, not over it."""
    from studio.ui.panels.latent_explorer import busiest_dims

    vae = compare.models["vae"]
    ex = show(qtbot, LatentExplorer(vae))
    np.testing.assert_allclose(ex.image.image, vae.decode(np.zeros((1, vae.latent_dim)))[0, 0],
                               atol=1e-6)
    lo, hi = ex.image.view.viewRange()[0]
    assert (lo, hi) == pytest.approx((0, 10), abs=0.6)  # the image is in view, not off it
    with qtbot.waitSignal(ex.refreshed, timeout=5000):
        ex.refresh()
    mu, logvar = ex.data["mu"], ex.data["logvar"]
    kl = 0.5 * (mu ** 2 + np.exp(logvar) - logvar - 1).mean(0)
    top = set(np.argsort(-kl)[:2].tolist())
    assert {ex.dim_x.value(), ex.dim_y.value()} == top == set(busiest_dims(mu, logvar))
    assert ex.legend.isVisible() and not ex.plot.geometry().intersects(ex.legend.geometry())
    ex.image.set(np.zeros_like(ex.image.image))  # a stale picture (the model trained on)
    ex.refresh()  # what the view calls at each preview: the mark is decoded again
    np.testing.assert_allclose(ex.image.image, vae.decode(np.zeros((1, vae.latent_dim)))[0, 0],
                               atol=1e-6)
