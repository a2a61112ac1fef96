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
    _kg: "KnowledgeGraph | None" = field(default=None, repr=False)

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
                **options,
            )
        return self._kg

    def dataset(self, *, reasoned: bool = False) -> "Dataset":
        """The dataset as rdflib: asserted graphs; with ``reasoned``, plus ``ip4g:inferred``."""
        from ..catalog import View

        kg = self.kg()
        return kg.view(View.ALL) if reasoned else kg.asserted


pass_state = click.make_pass_decorator(State, ensure=True)


def fail(exc: Ip4GraphError) -> None:
    """Print an ip4graph error on stderr and exit 2."""
    click.echo(f"error: {exc}", err=True)
    sys.exit(EXIT_ERROR)
