"""Batches of a uint8 image set held in host memory (mapped from the decoded cache) for a
device that cannot hold the set: a background thread draws each batch's indices ahead,
gathers the images into pinned memory, and the training thread copies them to the device
without waiting (a non-blocking copy from pinned memory overlaps the device's work). The
device never waits on the disk as long as a batch is gathered faster than a step trains.
"""
from __future__ import annotations

import atexit
import queue
import threading
import weakref

import torch

DEPTH = 4  # batches gathered ahead
_LIVE: "weakref.WeakSet[HostStream]" = weakref.WeakSet()


class HostStream:
    def __init__(self, x: torch.Tensor, device: torch.device, batch_size: int, seed: int,
                 depth: int = DEPTH):
        self.device, self.batch_size = torch.device(device), batch_size
        self.n = len(x)
        self.pin = self.device.type == "cuda"
        self._queue: queue.Queue = queue.Queue(depth)
        self._stop = threading.Event()
        self.last_indices: torch.Tensor | None = None
        self._last_batch: torch.Tensor | None = None
        gen = torch.Generator().manual_seed(seed)
        self._thread = threading.Thread(
            target=_fill, args=(weakref.ref(self), x, gen, self._queue, self._stop),
            name="studio-data-stream", daemon=True)
        self._thread.start()
        weakref.finalize(self, self._stop.set)
        _LIVE.add(self)

    def next_indices(self) -> torch.Tensor:
        """The next batch's indices, on the device; batch_for(them) is its images."""
        item = self._queue.get()
        if isinstance(item, BaseException):
            raise item
        idx, images = item
        self.last_indices = idx.to(self.device, non_blocking=True)
        self._last_batch = images.to(self.device, non_blocking=True)
        return self.last_indices

    def batch_for(self, idx: torch.Tensor) -> torch.Tensor | None:
        """The uint8 images of the indices next_indices gave last (None for other indices)."""
        if idx is self.last_indices and self._last_batch is not None:
            out, self._last_batch = self._last_batch, None
            return out
        return None

    def close(self) -> None:
        """Stop the gathering thread and wait for it (its tensors are freed in it)."""
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=5)


@atexit.register
def _close_all() -> None:
    # A thread still gathering while the interpreter shuts down would free its tensors
    # after the runtime is gone, which aborts the process.
    for stream in list(_LIVE):
        stream.close()


def _fill(ref, x: torch.Tensor, gen: torch.Generator, q: queue.Queue, stop: threading.Event):
    """The gathering thread: holds the stream only weakly, so it ends with it."""
    try:
        while not stop.is_set():
            s = ref()
            if s is None:
                return
            bs, pin = s.batch_size, s.pin
            del s
            # Sorted: neighbouring rows share pages of the mapped file (a batch is a set).
            idx = torch.randint(0, len(x), (bs,), generator=gen).sort().values
            images = torch.empty((bs, *x.shape[1:]), dtype=x.dtype, pin_memory=pin)
            torch.index_select(x, 0, idx, out=images)
            item = (idx.pin_memory() if pin else idx, images)
            while not stop.is_set():
                try:
                    q.put(item, timeout=0.1)
                    break
                except queue.Full:
                    if ref() is None:
                        return
    except Exception as e:  # reported to the training thread at its next batch
        q.put(e)
