"""Keep the memory a training step frees, so that the next step reuses it (glibc only).

By default glibc gives large freed blocks back to the kernel (it trims the heap top and
unmaps big blocks), and the next step's activations, the same sizes again, fault every page
back in. With fixed thresholds (blocks up to 32 MB from the heap, up to 256 MB of free heap
kept) steps take a few page faults instead of thousands and run faster
(studio/bench/NOTES.md; `python tools/time_malloc.py dcgan28`). And every thread allocates
from the one main heap: the window's training thread would otherwise get a heap of its own,
capped at 64 MB, beyond which blocks are mapped per use again.
"""
from __future__ import annotations

import ctypes
import os
import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX = -1, -3, -8  # mallopt's numbers (malloc.h)
MMAP_THRESHOLD = 32 << 20  # the most glibc accepts; larger blocks are still mapped per use
TRIM_THRESHOLD = 256 << 20

_done = False


def _glibc() -> bool:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc")
    except (ValueError, OSError):  # musl and others do not name themselves
        return False


def keep_freed_memory() -> bool:
    """Set the thresholds once per process; False where they do not apply (not glibc) or the
    user set them already (MALLOC_*_ environment variables win)."""
    global _done
    if _done:
        return True
    if not sys.platform.startswith("linux") or not _glibc():
        return False
    if any(k in os.environ for k in ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_",
                                     "MALLOC_ARENA_MAX")):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        _done = bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
                     and libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
                     and libc.mallopt(M_ARENA_MAX, 1))
    except (OSError, AttributeError):
        return False
    return _done
