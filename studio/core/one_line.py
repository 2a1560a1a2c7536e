"""One line of an error's text, for the messages that promise the user one line."""
from __future__ import annotations


def one_line(text: str, limit: int = 160) -> str:
    """The first non-empty line of `text`, shortened at a word boundary."""
    lines = [s.strip() for s in str(text).splitlines() if s.strip()]
    line = " ".join(lines[0].split()) if lines else ""
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + " ..."
