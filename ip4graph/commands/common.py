"""Shared state and helpers for CLI commands (the only layer that prints or exits)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import Ip4GraphError
from ..fileio import write_atomic  # noqa: F401  (re-exported for commands)
from ..reasoning import Reasoning

if TYPE_CHECKING:
    from rdflib import Dataset

    from ..progress import ProgressEvent

    from ..kg import KnowledgeGraph

#: Exit codes, as in pySHACL: 0 ok / conforms, 1 does not conform / no answer, 2 error.
EXIT_OK = 0
EXIT_FAIL = 1
EXIT_ERROR = 2


@dataclass
class State:
    """Options given to the ``ip4graph`` group, and the knowledge graph they describe (opened lazily)."""

    data: tuple[Path, ...] = ()
    #: Files loaded on top of the data (``--add``), so adding one never re-lists the shipped files.
    add: tuple[Path, ...] = ()
    ontology: Path | None = None
    reasoning: Reasoning = Reasoning.OWLRL
    cache: bool = True
    backend: str | None = None
    store: Path | None = None
    endpoint: str | None = None
    dialect: str | None = None
    #: ``--progress/--no-progress``; None: draw progress when standard error is a terminal.
    progress: bool | None = None
    _kg: "KnowledgeGraph | None" = field(default=None, repr=False)
    _reporter: "StderrProgress | None" = field(default=None, repr=False)

    def reporter(self) -> "StderrProgress | None":
        """The progress callback for library calls: a :class:`StderrProgress`, or None when off."""
        on = self.progress if self.progress is not None else _stderr_is_a_terminal()
        if not on:
            return None
        if self._reporter is None:
            self._reporter = StderrProgress()
        return self._reporter

    def files(self) -> list[Path]:
        """The data files: ``--data`` (default: the shipped data) and then every ``--add``.

        A directory given to either stands for every RDF file under it (sorted), except
        under ``enrichment-cache/`` (fetched facts are never loaded by default).
        """
        from ..loader import FORMATS
        from ..resources import data_paths

        out: list[Path] = []
        for p in [*(self.data if self.data else data_paths()), *self.add]:
            if Path(p).is_dir():
                out += sorted(f for f in Path(p).rglob("*") if f.is_file() and f.suffix.lower() in FORMATS
                              and "enrichment-cache" not in f.relative_to(p).parts)
            else:
                out.append(Path(p))
        return out

    def kg(self) -> "KnowledgeGraph":
        """The knowledge graph on the chosen backend (opened once per command)."""
        if self._kg is None:
            from ..kg import KnowledgeGraph

            options: dict[str, object] = {}
            if self.endpoint:
                options["endpoint"] = self.endpoint
            if self.dialect:
                options["dialect"] = self.dialect
            self._kg = KnowledgeGraph.open(
                self.files() if (self.data or self.add) else None,
                ontology=self.ontology if self.ontology is not None else True,
                reasoning=self.reasoning,
                cache=self.cache,
                backend=self.backend,
                store=self.store,
                progress=self.reporter(),
                **options,
            )
        return self._kg

    def dataset(self, *, reasoned: bool = False) -> "Dataset":
        """The dataset as rdflib: asserted graphs; with ``reasoned``, plus ``ip4g:inferred``."""
        from ..catalog import View

        kg = self.kg()
        return kg.view(View.ALL) if reasoned else kg.asserted


pass_state = click.make_pass_decorator(State, ensure=True)


def _stderr_is_a_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


class StderrProgress:
    """Draws :class:`ip4graph.progress.ProgressEvent` s on standard error.

    On a terminal each stage is one line redrawn in place (at most every 0.1 s) and ended
    when the stage is done; elsewhere (``--progress`` into a log) each drawn event is a
    line of its own, at most one a second per stage plus the last. Standard output is
    never touched, so ``ip4graph ... > file`` keeps the same bytes.
    """

    WIDTH = 24

    def __init__(self, *, terminal: bool | None = None) -> None:
        self.terminal = _stderr_is_a_terminal() if terminal is None else terminal
        self.interval = 0.1 if self.terminal else 1.0
        self._stage: str | None = None
        self._open = False
        self._last = 0.0

    def __call__(self, event: "ProgressEvent") -> None:
        import time

        now = time.monotonic()
        if event.stage != self._stage:
            self.close()
            self._stage = event.stage
        elif not event.finished and now - self._last < self.interval:
            return
        self._last = now
        click.echo(("\r" + self.text(event) + "\x1b[K") if self.terminal else self.text(event),
                   err=True, nl=not self.terminal)
        self._open = self.terminal
        if event.finished:
            self.close()

    @classmethod
    def text(cls, event: "ProgressEvent") -> str:
        """``stage [#####-----] done/total  detail`` (no bar while the total is unknown)."""
        if event.total > 0:
            filled = min(cls.WIDTH, cls.WIDTH * event.done // event.total)
            text = f"{event.stage:<16} [{'#' * filled}{'-' * (cls.WIDTH - filled)}] {event.done}/{event.total}"
        else:
            text = f"{event.stage:<16} {event.done}"
        return text + (f"  {event.detail}" if event.detail else "")

    def close(self) -> None:
        """End the current line (call before printing anything else on standard error)."""
        if self._open:
            click.echo("", err=True)
            self._open = False


def fail(exc: Ip4GraphError) -> None:
    """Print an ip4graph error on stderr and exit 2."""
    click.echo(f"error: {exc}", err=True)
    sys.exit(EXIT_ERROR)
