"""The bilingual interface: switch to 简体中文 and back, and find no English left behind."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402

import pyqtgraph as pg  # noqa: E402
import pytest  # noqa: E402
import shiboken6  # noqa: E402
from PySide6.QtCore import QLocale  # noqa: E402
from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QComboBox,  # noqa: E402
                               QDockWidget, QGroupBox, QLabel, QLineEdit, QMenu, QProgressBar, QTabWidget,
                               QTreeWidget, QWidget)

from studio.core.lessons import TEMPLATES  # noqa: E402
from studio.presets import PRESETS  # noqa: E402
from studio.ui import i18n, settings  # noqa: E402
from studio.ui.main_window import MainWindow  # noqa: E402
from studio.ui.panels import gallery  # noqa: E402
from studio.ui.panels.controls import set_field_text  # noqa: E402

TS = i18n.I18N_DIR / "studio_zh_CN.ts"
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*")
# Not words: names, acronyms, units, symbols of formulas, setting names and values.
ALLOWED = {
    "GAN", "GANs", "DCGAN", "CGAN", "VAE", "AE", "EM", "KL", "Adam", "PNG", "CSV", "SVG", "GIF",
    "MNIST", "CIFAR-10", "BIC", "AIC", "PCA", "ETA", "Ctrl", "Shift", "Return", "F11",
    "English", "Generative", "Studio", "D", "G", "F", "K", "N", "I", "A", "B", "R", "a", "b", "x",
    "z", "p", "log", "px", "MB", "s", "nats", "beta1", "beta2", "r_nk", "tol", "grad", "D_A", "D_B",
    "gan", "gmm", "ae", "vae", "ae-vs-vae", "cyclegan", "text2img", "mlp", "dcgan", "conv",
    "bce", "mse", "lsgan", "hinge", "wgan", "cpu", "cuda", "mps", "kmeans++", "mnist",
    "fashion-mnist", "kmnist", "cifar10", "svhn", "reg_covar", "L1", "LSGAN", "fp32", "bf16",
    "FID", "FD",
} | set(PRESETS) | {f"z{i}" for i in range(64)}


def _plain(text: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", text).replace("&&", "&")).strip()


def texts(root: QWidget) -> set[str]:
    """Every text a user can see or hover in root: widgets, tabs, docks, menus, tooltips,
    plot titles, axis names and legends."""
    out: list[str] = [root.windowTitle()]
    widgets = root.findChildren(QWidget) + [root]
    for w in widgets:
        out.append(w.toolTip())
        if isinstance(w, QLabel):
            out.append(w.text())
        elif isinstance(w, QAbstractButton):
            out.append(w.text())
        elif isinstance(w, QGroupBox):
            out.append(w.title())
        elif isinstance(w, QComboBox):
            out += [w.itemText(i) for i in range(w.count())]
        elif isinstance(w, QTabWidget):
            out += [w.tabText(i) for i in range(w.count())]
        elif isinstance(w, QDockWidget):
            out.append(w.windowTitle())
        elif isinstance(w, QLineEdit):
            out.append(w.placeholderText())
        elif isinstance(w, QAbstractSpinBox):
            out += [getattr(w, "suffix", lambda: "")(), getattr(w, "prefix", lambda: "")()]
        elif isinstance(w, QProgressBar):
            out.append(w.format())
        elif isinstance(w, QTreeWidget):
            head = w.headerItem()
            out += [head.text(i) for i in range(head.columnCount())]
        elif isinstance(w, QMenu):
            out.append(w.title())
            out += [a.text() for a in w.actions()]
        if isinstance(w, pg.GraphicsView):
            for item in w.scene().items():
                if isinstance(item, pg.PlotItem):
                    out.append(item.titleLabel.text)
                    out += [item.getAxis(n).labelText for n in ("left", "bottom")]
                elif isinstance(item, pg.LegendItem):
                    out += [label.text for _, label in item.items]
    if hasattr(root, "menuBar"):
        for a in root.menuBar().actions():
            out.append(a.text())
            out += [s.text() for s in a.menu().actions()] if a.menu() else []
    return {_plain(t) for t in out if t and _plain(t)}


def untranslated(found: set[str]) -> list[str]:
    """Texts with Latin words that have no Chinese in them and are not all names."""
    bad = []
    for t in found:
        if CJK.search(t):
            continue
        words = WORD.findall(t)
        if any(w not in ALLOWED and w.strip("-") not in ALLOWED for w in words):
            bad.append(t)
    return sorted(bad)


@pytest.fixture
def english(qtbot):
    i18n.install("en")
    yield
    i18n.install("en")


@pytest.fixture
def windows(qtbot, english):
    """Windows made by the test. A language switch deletes the window it replaces, so
    qtbot (which would close it again) only gets the last one; the rest are closed here
    if the test ends before its switch."""
    made: list[MainWindow] = []

    def make(preset: str = "gan-ring8") -> MainWindow:
        w = MainWindow(preset)
        made.append(w)
        w.show()
        return w

    make.made = made
    yield make
    for w in made:
        if shiboken6.isValid(w):
            w.run.close()
            w.close()
            w.deleteLater()


def switch(qtbot, windows, w, lang: str) -> MainWindow:
    with qtbot.waitSignal(w.replaced, timeout=10000) as blocker:
        w.set_language(lang)
    assert not shiboken6.isValid(w) or w.isHidden()  # replaced, not left open behind
    windows.made.append(blocker.args[0])
    return blocker.args[0]


def train_briefly(qtbot, w, steps: int = 4) -> None:
    set_field_text(w.controls, "train.steps", str(steps))
    set_field_text(w.controls, "train.preview_every", "1")
    set_field_text(w.controls, "train.device", "cpu")
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.run.state == "idle" and w.step >= steps, timeout=60000)


def test_every_visible_text_is_translated_and_english_returns(qtbot, windows):
    w = windows()
    before = texts(w)
    assert "Start" in before and "Model & hyperparameters" in before
    assert untranslated(before)  # English has words: the check below can fail

    size = w.size()
    zh = switch(qtbot, windows, w, "zh_CN")
    assert settings.get("language") == "zh_CN" and i18n.current() == "zh_CN"
    assert zh.size() == size  # the same layout, in the other language
    found = texts(zh)
    assert "开始" in found and "模型与超参数" in found
    bad = untranslated(found)
    set_field_text(zh.controls, "gan.lr_g", "abc")
    set_field_text(zh.controls, "train.steps", "0")
    reasons = zh.controls.error_label.text()
    assert "学习率 G：应为数字" in reasons and "步数：不能小于 1" in reasons
    assert "应为数字" in zh.controls.fields["gan.lr_g"].toolTip()
    for name in ("gan-digits", "cgan-digits", "vae-digits", "gmm-blobs", "cyclegan-digits-colour",
                 "text2img-shapes", "ae-vs-vae-digits"):
        zh.load_preset(name)
        if name == "ae-vs-vae-digits":
            train_briefly(qtbot, zh)
            assert zh.view.explorer is not None
            zh.view.tabs.setCurrentWidget(zh.view.explorer)
        if name == "gmm-blobs":
            zh.view.panel.btn_step.click()  # the EM commentary after an M-step
        bad += [f"{name}: {t}" for t in untranslated(texts(zh))]
    dialog = gallery.show_gallery(zh)
    bad += [f"gallery: {t}" for t in untranslated(texts(dialog))]
    dialog.close()
    zh.load_preset("gan-ring8")
    zh.presentation.enter()
    bad += [f"lesson: {t}" for t in untranslated(texts(zh.presentation.dock))]
    for model, metrics, phase in (("gan", {"d_real": 0.9, "d_fake": 0.1, "modes_covered": 3,
                                           "modes_total": 8}, ""),
                                  ("gan", {"d_real": 0.5, "d_fake": 0.5}, ""),
                                  ("vae", {"kl": 2.0}, ""), ("ae", {}, ""),
                                  ("gmm", {"log_likelihood": -1.5}, "M")):
        title, body = i18n.lesson(model, 10, metrics, phase)
        assert CJK.search(title) and CJK.search(body) and "{" not in body
    zh.presentation.leave()
    assert not bad, "\n".join(bad)

    en = switch(qtbot, windows, zh, "en")
    assert i18n.current() == "en" and settings.get("language") == "en"
    assert texts(en) == before
    en.run.close()


def test_switching_during_a_run_waits_for_the_stop_and_keeps_the_run(qtbot, windows):
    w = windows()
    set_field_text(w.controls, "gan.hidden", "16")
    set_field_text(w.controls, "train.steps", "100000")
    set_field_text(w.controls, "train.device", "cpu")
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.step >= 5, timeout=60000)
    replaced = []
    w.replaced.connect(replaced.append)
    w.set_language("zh_CN")
    assert w.run.state != "idle" and not replaced  # the run goes on
    assert "when the run stops" in w.statusBar().currentMessage()  # still in English
    with qtbot.waitSignal(w.replaced, timeout=30000):
        w.run.stop()
    new = replaced[0]
    windows.made.append(new)
    assert new.controls.start_btn.text() == "开始"
    assert new.resume_state is not None and new.step >= 5  # Start continues the same run
    assert new.controls.cfg.gan.hidden == 16 and new.losses.point_count() > 0


def test_first_start_follows_the_system_locale(monkeypatch, english):
    class Chinese:
        @staticmethod
        def system():
            return QLocale("zh_CN")

    monkeypatch.setattr(i18n, "QLocale", Chinese)
    assert i18n.saved_language() == "zh_CN"
    settings.put("language", "en")  # a choice made in the menu wins from then on
    assert i18n.saved_language() == "en"


def test_translations_are_complete_and_keep_their_placeholders():
    root = ET.parse(TS).getroot()
    messages = [(c.findtext("name"), m) for c in root.iter("context") for m in c.iter("message")]
    assert len(messages) > 400
    problems = []
    for context, m in messages:
        source, t = m.findtext("source"), m.find("translation")
        if t is None or t.get("type") or not (t.text or "").strip():
            problems.append(f"{context}: {source!r} has no finished translation")
        elif sorted(re.findall(r"%\d|\{[^}]*\}", source)) != \
                sorted(re.findall(r"%\d|\{[^}]*\}", t.text)):
            problems.append(f"{context}: {source!r} -> {t.text!r} changes its placeholders")
    assert not problems, "\n".join(problems)
    sources = {(c, m.findtext("source")) for c, m in messages}
    assert {("lessons", t) for t in TEMPLATES} <= sources
    assert {("presets", p.description) for p in PRESETS.values()} <= sources


@pytest.mark.skipif(shutil.which("pyside6-lrelease") is None, reason="needs pyside6-lrelease")
def test_committed_qm_is_the_compiled_ts_and_the_cache_is_used(tmp_path):
    out = tmp_path / "zh.qm"
    subprocess.run(["pyside6-lrelease", "-silent", str(TS), "-qm", str(out)], check=True)
    assert out.read_bytes() == TS.with_suffix(".qm").read_bytes(), \
        "run tools/update_translations.py"
    cached = i18n.qm_file("zh_CN")
    assert cached is not None and cached.parent != i18n.I18N_DIR
    assert i18n.qm_file("zh_CN") == cached and cached.stat().st_mtime >= TS.stat().st_mtime


def test_every_form_label_is_chinese_in_chinese(qtbot, english):
    """Not English words between Chinese ones ("Batch 大小") nor a label left as it was
    ("Adam beta1"): each label of every family's form says itself in Chinese."""
    from studio.ui.elided import ElidedLabel
    from studio.ui.panels.controls import ControlPanel

    i18n.install("zh_CN")
    bad = []
    for name in ("gan-digits", "vae-digits", "gmm-blobs", "cyclegan-digits-colour",
                 "text2img-shapes"):
        panel = ControlPanel(PRESETS[name].config())
        qtbot.addWidget(panel)
        for label in panel.form_box.findChildren(ElidedLabel):
            # Names in brackets may stay: "编译（torch.compile）", "打包（PacGAN）".
            outside = re.sub(r"[(（][^)）]*[)）]", "", label.text())
            words = [w for w in WORD.findall(outside) if w not in ALLOWED]
            if not CJK.search(label.text()) or any(len(w) > 3 for w in words):
                bad.append(label.text())
    assert not bad, bad
