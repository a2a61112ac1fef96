"""Progress of long jobs, as data: the library reports, a caller (the CLI) draws.

Long functions (:func:`ip4graph.generate.write_generated`, the compiled-store build in
:mod:`ip4graph.store` and ``KnowledgeGraph.open``, :func:`ip4graph.build.build`,
:func:`ip4graph.enrich.enrich`, ``OxigraphBackend.load``) take a keyword-only
``progress`` callback. It is called with a :class:`ProgressEvent` for each step of each
stage: within a stage ``done`` never decreases and the stage's last event has
``done == total``. The library never prints; ``ip4graph --progress`` draws the events
on standard error (see :mod:`ip4graph.commands.common`).

>>> seen = []
>>> steps = Steps(seen.append, "load", 3)
>>> steps.advance(); steps.advance(2)
>>> [(e.stage, e.done, e.total) for e in seen]
[('load', 0, 3), ('load', 1, 3), ('load', 3, 3)]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Progress", "ProgressEvent", "Steps", "emit"]


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """``done`` of ``total`` units (quads, files, queries, steps) of ``stage``; ``detail`` says which.

    ``total`` is 0 while it is not known (a stream of quads counted as it goes).
    """

    stage: str
    done: int
    total: int
    detail: str = ""

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.done >= self.total


#: What a long function calls with its progress.
Progress = Callable[[ProgressEvent], None]


def emit(progress: Progress | None, stage: str, done: int, total: int, detail: str = "") -> None:
    """Call ``progress`` (when given) with one event."""
    if progress is not None:
        progress(ProgressEvent(stage, done, total, detail))


class Steps:
    """A stage of ``total`` steps: reports 0 at once, then each :meth:`advance`."""

    def __init__(self, progress: Progress | None, stage: str, total: int) -> None:
        self.progress, self.stage, self.total, self.done = progress, stage, max(total, 0), 0
        emit(progress, stage, 0, self.total)

    def advance(self, by: int = 1, detail: str = "") -> None:
        self.done = min(self.done + by, self.total)
        emit(self.progress, self.stage, self.done, self.total, detail)
