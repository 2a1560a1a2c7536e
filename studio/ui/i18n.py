"""The interface language: English, or 简体中文 through Qt's translators.

The sources are resources/i18n/studio_<lang>.ts. They are compiled with pyside6-lrelease
into a cache folder when the cached .qm is missing or older than the .ts, so an edited
translation shows on the next start; without lrelease the .qm committed beside the .ts is
used. Texts from the Qt-free core (config help, labels, choices, preset descriptions,
lessons) are translated here at display time under fixed contexts.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import (QT_TRANSLATE_NOOP, QCoreApplication, QLibraryInfo, QLocale,
                            QTranslator)

from . import settings

LANGUAGES = {"en": "English", "zh_CN": "简体中文"}  # each named in its own language
I18N_DIR = Path(__file__).resolve().parents[2] / "resources" / "i18n"
_state: dict = {"lang": "en", "translators": []}


def current() -> str:
    return _state["lang"]


def system_language() -> str:
    return "zh_CN" if QLocale.system().name().startswith("zh") else "en"


def saved_language() -> str:
    """The language chosen last time; on the first start, the system's."""
    value = str(settings.get("language", "") or "")
    return value if value in LANGUAGES else system_language()


def lrelease() -> str | None:
    found = shutil.which("pyside6-lrelease")
    if found:
        return found
    beside = Path(sys.executable).parent / "pyside6-lrelease"  # a venv not on PATH
    return str(beside) if beside.is_file() else None


def qm_file(lang: str) -> Path | None:
    """A compiled translation for `lang`, compiling the .ts when the cache is stale."""
    ts = I18N_DIR / f"studio_{lang}.ts"
    cache = settings.app_data_dir() / "i18n" / f"studio_{lang}.qm"
    if ts.is_file():
        if cache.is_file() and cache.stat().st_mtime >= ts.stat().st_mtime:
            return cache
        tool = lrelease()
        if tool:
            cache.parent.mkdir(parents=True, exist_ok=True)
            done = subprocess.run([tool, "-silent", str(ts), "-qm", str(cache)],
                                  capture_output=True, timeout=60)
            if done.returncode == 0 and cache.is_file():
                return cache
    committed = I18N_DIR / f"studio_{lang}.qm"
    return committed if committed.is_file() else None


def install(lang: str) -> None:
    """Make `lang` the application's language (for widgets made from now on)."""
    if lang not in LANGUAGES:
        raise ValueError(f"language: one of {', '.join(LANGUAGES)}, not {lang!r}")
    app = QCoreApplication.instance()
    for t in _state["translators"]:
        app.removeTranslator(t)
    _state["translators"] = []
    if lang != "en":
        files = [qm_file(lang)]
        # Qt's own texts: standard buttons and dialogs.
        qt_dir = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
        files.append(qt_dir / f"qtbase_{lang}.qm")
        for path in files:
            t = QTranslator(app)
            if path is not None and path.is_file() and t.load(str(path)):
                app.installTranslator(t)
                _state["translators"].append(t)
    _state["lang"] = lang


def text_in(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def sentence_gap() -> str:
    """What separates two sentences: Chinese runs them on after its full stop."""
    return "" if current().startswith("zh") else " "


# -- texts of the Qt-free core ------------------------------------------------------------------
def config_text(text: str) -> str:
    """A config field's help, label or choice (context "config")."""
    return text_in("config", text) if text else text


def preset_description(preset) -> str:
    return text_in("presets", preset.description)


def lesson(model: str, step: int, metrics: dict, phase: str = "") -> tuple[str, str]:
    """The presentation sidebar's (title, body) in the current language."""
    from ..core.lessons import lesson_parts

    title, parts = lesson_parts(model, step, metrics, phase)
    body = sentence_gap().join(text_in("lessons", t).format(**v) for t, v in parts)
    return text_in("lessons", title), body


# The EM engine's running commentary is English prose around formulas and numbers. Its
# sentences are fixed, so each is matched as a template (%1, %2: the values) and replaced by
# its translation; formulas between them stay as they are. Longest first, so "Press E-step."
# goes before "E-step:".
EM_PHRASES = [
    QT_TRANSLATE_NOOP("em", "%1 component(s) collapsed (singular covariance) and were "
                            "re-seeded at the worst-explained points"),
    QT_TRANSLATE_NOOP("em", "Some starting covariances were singular and were replaced."),
    QT_TRANSLATE_NOOP("em", "Moved the mean of component %1 to %2."),
    QT_TRANSLATE_NOOP("em", "%1 points, new start (%2)."),
    QT_TRANSLATE_NOOP("em", "Initial parameters (%1)."),
    QT_TRANSLATE_NOOP("em", "Converged: |Δℓ| < tol = %1"),
    QT_TRANSLATE_NOOP("em", "best of %1 starts"),
    QT_TRANSLATE_NOOP("em", "Mean log-likelihood ℓ"),
    QT_TRANSLATE_NOOP("em", "For x_1 = %1: r_1 = %2."),
    QT_TRANSLATE_NOOP("em", "Parameters from %1."),
    QT_TRANSLATE_NOOP("em", "Given parameters."),
    QT_TRANSLATE_NOOP("em", "first iteration"),
    QT_TRANSLATE_NOOP("em", "Press E-step."),
    QT_TRANSLATE_NOOP("em", "%1 points."),
    QT_TRANSLATE_NOOP("em", "M-step %1:"),
    QT_TRANSLATE_NOOP("em", "E-step:"),
]


def _phrase_pattern(template: str) -> re.Pattern:
    parts = re.split(r"(%\d)", template)
    out = ""
    for i, part in enumerate(parts):
        if re.fullmatch(r"%\d", part):
            out += r"(\d+)" if i == 1 and parts[0] == "" else r"(.+?)"  # a leading count
        else:
            out += re.escape(part)
    return re.compile(out)


# Why a setting is invalid (studio/config.py), shown under the form and in its tooltip.
CONFIG_REASONS = [
    QT_TRANSLATE_NOOP("reasons", "the wgan loss needs a gradient penalty (try 10) or "
                                 "spectral norm"),
    QT_TRANSLATE_NOOP("reasons", "larger than the data set (%1 points)"),
    QT_TRANSLATE_NOOP("reasons", "expected a number, got %1"),
    QT_TRANSLATE_NOOP("reasons", "expected %1, got %2"),
    QT_TRANSLATE_NOOP("reasons", "must be a finite number"),
    QT_TRANSLATE_NOOP("reasons", "must be one of %1"),
    QT_TRANSLATE_NOOP("reasons", "must be at least %1"),
    QT_TRANSLATE_NOOP("reasons", "must be at most %1"),
    QT_TRANSLATE_NOOP("reasons", "unknown setting"),
]


def engine_message(engine) -> str:
    """The EM engine's message in the current language."""
    return phrases("em", EM_PHRASES, engine.message)


def config_reason(reason: str) -> str:
    return phrases("reasons", CONFIG_REASONS, reason)


def phrases(context: str, templates: list[str], text: str) -> str:
    """text with each fixed sentence of `templates` (%1, %2: values) translated."""
    if current() == "en":
        return text
    for template in templates:
        translated = text_in(context, template)

        def fill(m: re.Match, translated=translated) -> str:
            out = translated
            for i, value in enumerate(m.groups(), 1):
                out = out.replace(f"%{i}", value)
            return out

        text = _phrase_pattern(template).sub(fill, text)
    return text
