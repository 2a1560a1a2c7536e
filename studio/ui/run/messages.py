"""A session's events as words, in the interface's language: core.messages' English
templates, translated (context "messages"), with the event's values filled in."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ...core import messages
from ...core.session import Event


def _tr(text: str) -> str:
    return QCoreApplication.translate("messages", text)


def text(event: Event) -> str:
    """The line a person reads for `event` (a kind with a template, or `failed`)."""
    if event.kind == "failed":
        if event.data.get("message"):
            return event.data["message"]  # names the field or file; from the user's input
        return messages.fill(_tr(messages.PROCESS_ENDED), event.data.get("exit_code"))
    values = messages.values(event, lambda s: messages.fill(_tr(messages.CHECKPOINT_AT), s),
                             _tr(messages.NO_CHECKPOINT))
    return messages.fill(_tr(messages.TEMPLATES[event.kind]), *values)


def has_text(event: Event) -> bool:
    return event.kind in messages.TEMPLATES or event.kind == "failed"
