"""Faults a test asks a training process for, through the environment the process runs in
(STUDIO_TEST_FAULT=oom@30: an out-of-memory error at the 30th step). The fork server that
starts training processes imports this module (tests/conftest.py adds it to what it
preloads), so the run the window starts meets the fault in its own process, as a user's run
would meet a real one."""
import os

from studio.core.engines.gan import GANEngine

_step = GANEngine.step


def _faulty_step(self):
    fault = os.environ.get("STUDIO_TEST_FAULT", "")
    kind, _, at = fault.partition("@")
    if kind == "oom" and self.step_count == int(at) and not getattr(self, "_faulted", False):
        self._faulted = True  # once: the resumed run goes on
        import torch

        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
    return _step(self)


GANEngine.step = _faulty_step
