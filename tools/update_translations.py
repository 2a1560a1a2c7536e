"""Refresh resources/i18n/*.ts from the sources, keeping the translations already made.

pyside6-lupdate finds the literal tr() / translate() / QT_TRANSLATE_NOOP calls under
studio/ui. The texts that come from the Qt-free core are added here under the contexts
the window translates them with:
  config   every config field's help, label and choices
  presets  preset descriptions
  lessons  the presentation sidebar's titles and sentence templates
  plots    plot titles, axis names and legends of every family
  messages what a run reports (core/messages.py): divergence, out of memory, a full disk ...
  state    the run states the status bar names
Then each .ts is compiled to the .qm committed beside it (the fallback when lrelease is
missing where the studio runs).

  python tools/update_translations.py            # all languages in resources/i18n
"""
from __future__ import annotations

import ast
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

I18N = ROOT / "resources" / "i18n"
LANGS = ("zh_CN",)


def core_messages() -> dict[str, list[str]]:
    """context -> source texts that lupdate cannot see."""
    from studio.config import LOSS_NAMES, RunConfig
    from studio.core import messages
    from studio.core.lessons import TEMPLATES
    from studio.families import FAMILIES
    from studio.presets import PRESETS

    config: list[str] = []
    cfg = RunConfig()
    for key in cfg.keys():
        meta = cfg.field_info(key)[1].metadata
        config += [meta["help"]] + ([meta["label"]] if meta.get("label") else [])
        config += [str(c) for c in meta.get("choices") or ()]

    plots = ["Losses", "loss", "Metrics", "value", "step"]
    for f in FAMILIES.values():
        plots += [text for pair in f.plots for text in pair] + [c.label for c in f.curves]
    field = ["D(x) = P(real)"] + [f"D score ({loss})" for loss in LOSS_NAMES]
    return {
        "config": config,
        "presets": [p.description for p in PRESETS.values()],
        "lessons": list(TEMPLATES),
        "messages": list(messages.TEMPLATES.values()) + [
            messages.PROCESS_ENDED, messages.NO_CHECKPOINT, messages.CHECKPOINT_AT],
        "plots": plots,
        "state": ["idle", "starting", "running", "paused", "stopping"],
        "Field2DPanel": field,
    }


def wrapped_messages() -> dict[str, list[str]]:
    """Texts passed to a module's own translate helper, e.g.
    `def _tr(text): return QCoreApplication.translate("Export", text)`: lupdate sees only
    the helper's body, not its callers."""
    out: dict[str, list[str]] = {}
    for path in sorted((ROOT / "studio" / "ui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        helpers = {}
        for node in ast.walk(tree):
            body = None
            if isinstance(node, ast.FunctionDef) and len(node.body) == 1 \
                    and isinstance(node.body[-1], ast.Return):
                name, body = node.name, node.body[-1].value
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda) \
                    and isinstance(node.targets[0], ast.Name):
                name, body = node.targets[0].id, node.value.body
            if isinstance(body, ast.Call) and getattr(body.func, "attr", "") == "translate" \
                    and body.args and isinstance(body.args[0], ast.Constant) \
                    and isinstance(body.args[1], ast.Name):
                helpers[name] = body.args[0].value
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in helpers and node.args \
                    and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                out.setdefault(helpers[node.func.id], []).append(node.args[0].value)
    return out


def _translations(root: ET.Element) -> dict[tuple[str, str], ET.Element]:
    out = {}
    for ctx in root.iter("context"):
        name = ctx.findtext("name")
        for msg in ctx.iter("message"):
            out[(name, msg.findtext("source"))] = msg.find("translation")
    return out


def update(lang: str) -> Path:
    ts = I18N / f"studio_{lang}.ts"
    old: dict[tuple[str, str], ET.Element] = {}
    if ts.exists():
        old = _translations(ET.parse(ts).getroot())
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "studio" / "ui").rglob("*.py"))
    subprocess.run(["pyside6-lupdate", *sources, "-no-obsolete", "-locations", "none",
                    "-target-language", lang, "-ts", str(ts)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    tree = ET.parse(ts)
    root = tree.getroot()
    contexts = {c.findtext("name"): c for c in root.iter("context")}
    messages = core_messages()
    for context, texts in wrapped_messages().items():
        messages[context] = messages.get(context, []) + texts
    for context, texts in messages.items():
        ctx = contexts.get(context)
        if ctx is None:
            ctx = ET.SubElement(root, "context")
            ET.SubElement(ctx, "name").text = context
            contexts[context] = ctx
        have = {m.findtext("source") for m in ctx.iter("message")}
        for text in dict.fromkeys(texts):
            if not text or text in have:
                continue
            msg = ET.SubElement(ctx, "message")
            ET.SubElement(msg, "source").text = text
            translation = ET.SubElement(msg, "translation", type="unfinished")
            kept = old.get((context, text))
            if kept is not None and kept.text and kept.get("type") != "unfinished":
                translation.text = kept.text
                del translation.attrib["type"]
            have.add(text)
    # lupdate kept what it found; restore a translation it dropped when a text moved file
    for (context, text), translation in _translations(root).items():
        kept = old.get((context, text))
        if translation.get("type") == "unfinished" and kept is not None and kept.text \
                and kept.get("type") != "unfinished":
            translation.text = kept.text
            del translation.attrib["type"]
    ET.indent(tree, space="    ")
    body = ET.tostring(root, encoding="unicode")
    ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n",
                  encoding="utf-8")
    qm = ts.with_suffix(".qm")
    subprocess.run(["pyside6-lrelease", "-silent", str(ts), "-qm", str(qm)], check=True)
    return ts


def unfinished(ts: Path) -> list[tuple[str, str]]:
    """(context, source) of every message without a finished translation."""
    root = ET.parse(ts).getroot()
    return [(c, s) for (c, s), t in _translations(root).items()
            if t is None or t.get("type") in ("unfinished", "vanished", "obsolete")
            or not (t.text or "").strip()]


def main() -> int:
    I18N.mkdir(parents=True, exist_ok=True)
    for lang in LANGS:
        ts = update(lang)
        todo = unfinished(ts)
        print(f"{ts.relative_to(ROOT)}: {len(todo)} unfinished")
    return 0


if __name__ == "__main__":
    sys.exit(main())
