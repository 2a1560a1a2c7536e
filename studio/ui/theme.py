"""Light and dark themes: a QPalette for the widgets, and matching colours for the plots.

pyqtgraph's config options only reach plots made afterwards, so `restyle` walks the plots
that exist (call it again after a view is rebuilt). Curve colours are left alone; only
backgrounds, axes, titles, legends and grey text follow the theme.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

THEMES = {
    "light": {"plot_bg": "#ffffff", "plot_fg": "#222222", "legend_bg": (255, 255, 255, 200)},
    "dark": {"plot_bg": "#1e1f22", "plot_fg": "#dddddd", "legend_bg": (40, 42, 46, 210)},
}
_state = {"name": "light", "style": None}


def current() -> str:
    return _state["name"]


def dark_palette() -> QPalette:
    p = QPalette()
    R = QPalette.ColorRole
    colours = {
        R.Window: "#2b2d31", R.WindowText: "#e8e8e8", R.Base: "#1e1f22",
        R.AlternateBase: "#2b2d31", R.ToolTipBase: "#3a3d42", R.ToolTipText: "#f0f0f0",
        R.PlaceholderText: "#8c8c8c", R.Text: "#e8e8e8", R.Button: "#3a3d42",
        R.ButtonText: "#e8e8e8", R.BrightText: "#ff6b6b", R.Link: "#6cb4ff",
        R.Highlight: "#3d7fd9", R.HighlightedText: "#ffffff", R.Light: "#4a4d52",
        R.Midlight: "#404348", R.Mid: "#33363a", R.Dark: "#18191b", R.Shadow: "#000000",
    }
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (R.WindowText, R.Text, R.ButtonText):
        p.setColor(disabled, role, QColor("#7a7a7a"))
    return p


def apply(name: str, root: QWidget | None = None) -> None:
    """Switch the whole application to `name` ("light" or "dark")."""
    if name not in THEMES:
        raise ValueError(f"theme: one of {', '.join(THEMES)}, not {name!r}")
    app = QApplication.instance()
    if _state["style"] is None:
        _state["style"] = app.style().name()
    # Fusion draws with the palette on every platform (native styles may ignore it).
    style_name = "Fusion" if name == "dark" else _state["style"]
    if app.style().name().lower() != style_name.lower():
        app.setStyle(QStyleFactory.create(style_name))
    app.setPalette(dark_palette() if name == "dark" else app.style().standardPalette())
    _state["name"] = name
    t = THEMES[name]
    pg.setConfigOptions(background=t["plot_bg"], foreground=t["plot_fg"])
    for w in ([root] if root is not None else app.topLevelWidgets()):
        restyle(w)


def restyle(root: QWidget) -> None:
    """Give the plots under root the current theme's background and text colours."""
    t = THEMES[_state["name"]]
    fg = QColor(t["plot_fg"])
    views = root.findChildren(pg.GraphicsView)
    if isinstance(root, pg.GraphicsView):
        views.append(root)
    for view in views:
        items = view.scene().items()
        if not any(isinstance(i, pg.AxisItem) for i in items):
            continue  # a picture (sample grid): kept on white, as its labels were drawn for
        view.setBackground(t["plot_bg"])
        for item in items:
            if isinstance(item, pg.AxisItem):
                item.setPen(fg)
                item.setTextPen(fg)
            elif isinstance(item, pg.LegendItem):
                item.setBrush(pg.mkBrush(*t["legend_bg"]))
                item.setLabelTextColor(fg)
                for _, label in item.items:
                    label.setText(label.text)  # the colour applies on the next setText
            elif isinstance(item, pg.LabelItem) and not _in_legend(item):
                item.setAttr("color", fg)
                item.setText(item.text)
            elif isinstance(item, pg.TextItem) and _is_grey(item.color):
                item.setColor(fg)  # class names and notes; coloured labels keep their colour


def _in_legend(item) -> bool:
    parent = item.parentItem()
    while parent is not None:
        if isinstance(parent, pg.LegendItem):
            return True
        parent = parent.parentItem()
    return False


def _is_grey(c: QColor) -> bool:
    return c.hsvSaturation() < 40


def choose(name: str, win) -> None:
    """The View menu's choice: apply it everywhere and remember it."""
    from . import settings

    apply(name)
    settings.put("theme", name)
    for n, action in getattr(win, "theme_actions", {}).items():
        action.setChecked(n == name)


def install(win) -> None:
    """Add View > Light / Dark to the window and apply the theme saved last time."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QAction, QActionGroup

    from . import settings

    _tr = lambda text: QCoreApplication.translate("Theme", text)  # noqa: E731
    menu = win.view_menu = win.menuBar().addMenu(_tr("&View"))
    group = QActionGroup(win)
    win.theme_actions = {}
    for name, label in (("light", _tr("&Light theme")), ("dark", _tr("&Dark theme"))):
        action = QAction(label, win)
        action.setCheckable(True)
        action.triggered.connect(lambda _checked=False, n=name: choose(n, win))
        group.addAction(action)
        menu.addAction(action)
        win.theme_actions[name] = action
    saved = str(settings.get("theme", "light"))
    name = saved if saved in THEMES else "light"
    apply(name, win)
    win.theme_actions[name].setChecked(True)
