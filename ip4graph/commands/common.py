"""Shared state and helpers for CLI commands (the only layer that prints or exits)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import click
from rdflib import Dataset

from ..errors import Ip4GraphError
from ..fileio import write_atomic  # noqa: F401  (re-exported for commands)
from ..loader import load
from ..reasoning import Reasoning, attach_inferences

#: Exit codes, as in pySHACL: 0 ok / conforms, 1 does not conform / no answer, 2 error.
EXIT_OK = 0
EXIT_FAIL = 1
EXIT_ERROR = 2


@dataclass
class State:
    """Options given to the ``ip4graph`` group, and the dataset they describe (loaded lazily)."""

    data: tuple[Path, ...] = ()
    #: Files loaded on top of the data (``--add``), so adding one never re-lists the shipped files.
    add: tuple[Path, ...] = ()
    ontology: Path | None = None
    reasoning: Reasoning = Reasoning.OWLRL
    cache: bool = True
    _dataset: Dataset | None = field(default=None, repr=False)
    _reasoned: bool = False

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

    def dataset(self, *, reasoned: bool = False) -> Dataset:
        """The loaded dataset; with ``reasoned`` the inferences are attached in ``ip4g:inferred``."""
        if self._dataset is None:
            self._dataset = load(
                self.files(),
                ontology=self.ontology if self.ontology is not None else True,
            )
        if reasoned and not self._reasoned and self.reasoning is not Reasoning.NONE:
            attach_inferences(self._dataset, profile=self.reasoning, cache=self.cache)
            self._reasoned = True
        return self._dataset


pass_state = click.make_pass_decorator(State, ensure=True)


def fail(exc: Ip4GraphError) -> None:
    """Print an ip4graph error on stderr and exit 2."""
    click.echo(f"error: {exc}", err=True)
    sys.exit(EXIT_ERROR)
