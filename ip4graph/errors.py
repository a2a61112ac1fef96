"""One error hierarchy for ip4graph.

Every error carries a human message and, where it makes sense, a location
(file or query name, line and column, both 1-based) and a hint saying what to
do about it. The library raises these; only :mod:`ip4graph.cli` turns them into
messages and exit codes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """Where an error happened: a file path or a query name, with a 1-based line and column."""

    source: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.source]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class Ip4GraphError(Exception):
    """Base class of every error ip4graph raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        location: Location | None = None,
        hint: str | None = None,
        excerpt: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint
        self.excerpt = excerpt

    @property
    def filename(self) -> str | None:
        return self.location.source if self.location else None

    @property
    def lineno(self) -> int | None:
        return self.location.line if self.location else None

    @property
    def offset(self) -> int | None:
        return self.location.column if self.location else None

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.excerpt:
            text += f"\n{self.excerpt}"
        if self.hint:
            text += f"\nhint: {self.hint}"
        return text


class SourceError(Ip4GraphError):
    """An input file (Turtle, TriG, ...) could not be read or parsed."""


class DatasetError(Ip4GraphError):
    """The loaded dataset breaks a structural rule (for example a graph without provenance)."""


class QueryError(Ip4GraphError):
    """A SPARQL query is malformed, unknown, or failed while running."""


class QueryTimeout(QueryError):
    """A query ran longer than its time limit and was stopped."""


class ParameterError(QueryError):
    """A query parameter is missing, unknown, or not of its declared type."""


class EntityNotFound(ParameterError):
    """A label or IRI given for an entity matches nothing (or too many things) in the graph."""


class ReasoningError(Ip4GraphError):
    """The reasoner failed or its cache could not be used."""


class ValidationFailed(Ip4GraphError):
    """SHACL validation could not run (not: the data does not conform)."""


class ExportError(Ip4GraphError):
    """An export could not be written."""


class EndpointError(Ip4GraphError):
    """A remote SPARQL endpoint failed, timed out or could not be reached."""
