"""The words a person reads about a session's events, in English, made in one place.

Each template has %1, %2, ... for the event's values. The CLI prints `text(event)`; the
window translates the template first (`ui/run/messages.py`) and fills in the same values,
so both say the same thing.
"""
from __future__ import annotations

from .session import Event

TEMPLATES = {
    "diverged": "Training diverged at step %1: %2 became NaN or infinite, or exploded. "
                "The last good checkpoint (%3) is kept. Lower the learning rate and start "
                "again from it.",
    "out_of_memory": "Out of memory at step %1 with batch size %2. The weights are intact "
                     "(last checkpoint: %4): set the batch size to %3 and resume.",
    "disk_failed": "Could not write %1 (%2). Training goes on; everything saved before is "
                   "intact (last checkpoint: %3). Free some space.",
    "skipped_files": "%1 file(s) in %2 could not be read (corrupt, empty or not an image) and "
                     "were skipped; training uses the %3 others.",
    "compile_failed": "torch.compile failed on this machine (%1); training goes on uncompiled.",
    "request_failed": "%1: %2",
}
# A training process that ended without a word (killed, or a crash in a native kernel).
PROCESS_ENDED = ("The training process ended unexpectedly (exit code %1). What it saved is "
                 "intact: open its checkpoint (File > Open checkpoint) to go on.")
NO_CHECKPOINT = "none yet"
CHECKPOINT_AT = "step %1"

# The values each template takes, in order.
FIELDS = {
    "diverged": ("step", "metric", "checkpoint_step"),
    "out_of_memory": ("step", "batch_size", "suggested", "checkpoint_step"),
    "disk_failed": ("path", "error", "checkpoint_step"),
    "skipped_files": ("n", "path", "used"),
    "compile_failed": ("reason",),
    "request_failed": ("request", "message"),
}


def fill(template: str, *values) -> str:
    for i, v in enumerate(values, 1):
        template = template.replace(f"%{i}", str(v))
    return template


def values(event: Event, checkpoint_at=lambda s: fill(CHECKPOINT_AT, s),
           no_checkpoint: str = NO_CHECKPOINT) -> list:
    """The event's values in its template's order; a checkpoint step as words."""
    out = []
    for name in FIELDS[event.kind]:
        v = event.data.get(name)
        if name == "checkpoint_step":
            v = no_checkpoint if v is None else checkpoint_at(v)
        out.append(v)
    return out


def text(event: Event) -> str:
    """The English line for an event that has one (see TEMPLATES)."""
    return fill(TEMPLATES[event.kind], *values(event))
