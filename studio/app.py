"""Entry point: no arguments opens the studio window; otherwise a CLI sub-command."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from .core.memory import keep_freed_memory

    keep_freed_memory()  # before any training: steps then reuse freed memory
    if argv and argv[0] not in ("--preset", "--lang"):
        from .cli import main as cli_main
        return cli_main(argv)
    from .ui.main_window import run_gui
    return run_gui(argv)


if __name__ == "__main__":
    sys.exit(main())
