"""The run handle the window uses for every family (handle.py), and the one place where a
session's events become words in the interface's language (messages.py)."""
