"""An exclusive lock on a run directory, held for the life of a run.

The lock is an OS file lock on RUN_DIR/.lock (flock on POSIX, msvcrt.locking on Windows).
The kernel drops it when the holding process ends, however it ends, so a crashed run leaves
no stale lock for anyone to clear: the next opener simply gets it. The file's text only says
who took it last (pid, host, start time), for the message a second opener gets. The file is
never deleted: deleting it would let two openers lock two different files of one name.
"""
from __future__ import annotations

import datetime
import errno
import json
import os
import socket
import sys
from pathlib import Path

LOCK_NAME = ".lock"
_INFO_BYTES = 512  # the holder's line is padded to this size, so it is never truncated
_WIN_LOCK_AT = 1 << 20  # Windows locks a byte range; this one lies past the holder's line


class RunDirError(ValueError):
    """A run directory that cannot be opened as asked; the message is one line."""


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WIN_LOCK_AT, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WIN_LOCK_AT, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def describe_holder(info: dict | None) -> str:
    """'process 123 on host h since 2026-01-02 10:11:12', or a plain phrase when unknown."""
    if not info or "pid" not in info:
        return "another process"
    text = f"process {info['pid']}"
    if info.get("host"):
        text += f" on {info['host']}"
    if info.get("since"):
        text += f" since {info['since']}"
    return text


def read_holder(folder) -> dict | None:
    """What the lock file of `folder` says about its last holder (None when unreadable)."""
    try:
        with open(Path(folder) / LOCK_NAME, "rb") as f:
            return _parse(f.read(_INFO_BYTES))
    except OSError:
        return None


def _parse(raw: bytes) -> dict | None:
    try:
        info = json.loads(raw.decode("utf-8").strip() or "null")
    except (UnicodeDecodeError, ValueError):
        return None
    return info if isinstance(info, dict) else None


class RunLock:
    """Takes the lock of `folder` (which must exist) or raises RunDirError naming the holder.

    It holds across processes and within one (a second RunLock on the same folder refuses
    too: each opens the file anew, and flock locks belong to the open file). release() or
    the end of the process gives it back."""

    def __init__(self, folder):
        self._fd: int | None = None
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise RunDirError(f"{self.folder}: cannot create its lock file ({e.strerror})") \
                from None
        try:
            locked = _try_lock(fd)
        except OSError as e:  # a file system without locks
            os.close(fd)
            raise RunDirError(f"{self.folder}: cannot lock it ({e.strerror})") from None
        if not locked:
            try:
                os.lseek(fd, 0, os.SEEK_SET)
                holder = _parse(os.read(fd, _INFO_BYTES))
            except OSError:
                holder = None
            os.close(fd)
            raise RunDirError(f"{self.folder}: in use by {describe_holder(holder)} (one run "
                              f"writes a run directory at a time; wait for it to end, or "
                              f"choose another folder)")
        self._fd = fd
        self.info = {"pid": os.getpid(), "host": socket.gethostname(),
                     "since": datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S")}
        line = json.dumps(self.info).encode()[: _INFO_BYTES - 1]
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, line.ljust(_INFO_BYTES - 1) + b"\n")
        except OSError:  # a full disk: the lock holds all the same, only the note is missing
            pass

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlock(fd)
        except OSError:
            pass  # closing the file releases it anyway
        os.close(fd)

    def __del__(self):
        # A RunDir dropped without close() must not keep its folder locked for good.
        self.release()
