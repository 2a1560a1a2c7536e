"""Generative Studio: `python main.py` opens the window; `python main.py --help` lists commands."""
import sys

from studio.app import main

if __name__ == "__main__":
    sys.exit(main())
