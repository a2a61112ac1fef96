"""The catalog of named queries: ``.rq`` files shipped in ``ip4graph/queries/``.

Each file starts with a comment header::

    # title: Members of the IP4
    # question: Which states make up the Indo-Pacific 4?
    # param: grouping entity ip4d:ip4 -- the grouping whose members to list
    # example: ip4graph query ip4-members -p grouping=IP4
    # kind: lookup
    # view: all

``param`` lines read ``NAME TYPE DEFAULT -- description`` (``DEFAULT`` is ``required``
when the parameter has none). Types: ``entity`` (an IRI, CURIE or label), ``iri``,
``string``, ``integer``, ``year``, ``date``, ``boolean``. ``view`` is ``all`` (asserted plus
inferred, the default) or ``asserted``. In the query, a parameter is the variable
of the same name (``?grouping``); its value is bound as an RDF term, never pasted.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from . import resources
from .errors import Location, ParameterError, QueryError
from .terms import expand_iri, resolve_entity


class ParamType(str, Enum):
    """Declared types of query parameters."""

    ENTITY = "entity"
    IRI = "iri"
    STRING = "string"
    INTEGER = "integer"
    YEAR = "year"
    DATE = "date"
    BOOLEAN = "boolean"


class View(str, Enum):
    """Which triples a query sees."""

    ALL = "all"  #: asserted plus inferred
    ASSERTED = "asserted"  #: asserted only


@dataclass(frozen=True)
class Param:
    """A declared parameter of a named query."""

    name: str
    type: ParamType
    default: str | None
    description: str

    @property
    def required(self) -> bool:
        return self.default is None

    def convert(self, value: object, graph: Graph) -> Node:
        """Turn a user value (text, number, or an rdflib term) into the RDF term to bind."""
        if isinstance(value, (URIRef, Literal)):
            return value
        text = str(value).strip()
        t = self.type
        try:
            if t is ParamType.ENTITY:
                return graph.resolve(text) if not isinstance(graph, Graph) else resolve_entity(graph, text)
            if t is ParamType.IRI:
                iri = expand_iri(text)
                if iri is None:
                    raise ValueError("not an IRI or CURIE")
                return iri
            if t is ParamType.STRING:
                return Literal(text)
            if t is ParamType.INTEGER:
                return Literal(int(text), datatype=XSD.integer)
            if t is ParamType.YEAR:
                year = int(text)
                if not 1000 <= year <= 2999:
                    raise ValueError("a year has four digits")
                return Literal(year, datatype=XSD.integer)
            if t is ParamType.DATE:
                return Literal(dt.date.fromisoformat(text), datatype=XSD.date)
            if t is ParamType.BOOLEAN:
                low = text.lower()
                if low in {"true", "yes", "1"}:
                    return Literal(True)
                if low in {"false", "no", "0"}:
                    return Literal(False)
                raise ValueError("expected true or false")
        except ParameterError as exc:
            raise type(exc)(f"parameter {self.name}: {exc.message}", hint=exc.hint) from exc
        except (ValueError, TypeError) as exc:
            raise ParameterError(
                f"parameter {self.name} must be of type {t.value}, got {text!r} ({exc})",
                hint=_TYPE_HINTS[t],
            ) from exc
        raise AssertionError(t)  # pragma: no cover


_TYPE_HINTS = {
    ParamType.ENTITY: "give a label (\"Japan\"), a CURIE (ip4d:japan) or an IRI",
    ParamType.IRI: "give a CURIE (ip4d:japan) or a full IRI",
    ParamType.STRING: "any text",
    ParamType.INTEGER: "give a whole number, e.g. 3",
    ParamType.YEAR: "give a four-digit year, e.g. 2016",
    ParamType.DATE: "give a date as YYYY-MM-DD",
    ParamType.BOOLEAN: "give true or false",
}


@dataclass(frozen=True)
class NamedQuery:
    """One query of the catalog."""

    name: str
    title: str
    question: str
    text: str
    path: Path
    params: tuple[Param, ...] = ()
    examples: tuple[str, ...] = ()
    kind: str = "lookup"
    view: View = View.ALL

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params) or "none"
        raise ParameterError(f"query {self.name!r} has no parameter {name!r}", hint=f"its parameters: {known}")

    def bindings(self, graph: Graph, given: dict[str, object]) -> dict[str, Node]:
        """Bind every declared parameter: given values converted, defaults applied, missing ones refused."""
        for name in given:
            self.param(name)
        out: dict[str, Node] = {}
        for p in self.params:
            if p.name in given and given[p.name] is not None:
                out[p.name] = p.convert(given[p.name], graph)
            elif p.default is not None:
                out[p.name] = p.convert(p.default, graph)
            else:
                raise ParameterError(
                    f"query {self.name!r} needs parameter {p.name!r} ({p.type.value}): {p.description}",
                    hint=f"add -p {p.name}=VALUE",
                )
        return out


_HEADER = re.compile(r"^#\s*(\w+)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s+(\w+)\s+(.+?)\s+--\s+(.*)$")


def parse_named_query(path: Path) -> NamedQuery:
    """Read one ``.rq`` file and its header."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, list[str]] = {}
    for i, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if m:
            meta.setdefault(m[1].lower(), []).append(m[2].strip())
    params = []
    for i, spec in enumerate(meta.get("param", [])):
        m = _PARAM.match(spec)
        if not m:
            raise QueryError(f"bad param line {spec!r}", location=Location(str(path)),
                             hint="write: # param: NAME TYPE DEFAULT -- description")
        try:
            ptype = ParamType(m[2])
        except ValueError:
            raise QueryError(f"unknown parameter type {m[2]!r}", location=Location(str(path)),
                             hint=f"types: {', '.join(t.value for t in ParamType)}") from None
        params.append(Param(m[1], ptype, None if m[3] == "required" else m[3], m[4]))
    for key in ("title", "question"):
        if key not in meta:
            raise QueryError(f"named query lacks its '# {key}:' header", location=Location(str(path), 1))
    return NamedQuery(
        name=path.stem,
        title=meta["title"][0],
        question=meta["question"][0],
        text=text,
        path=path,
        params=tuple(params),
        examples=tuple(meta.get("example", [])),
        kind=(meta.get("kind") or ["lookup"])[0],
        view=View((meta.get("view") or ["all"])[0]),
    )


@dataclass
class Catalog:
    """All named queries, by name."""

    queries: dict[str, NamedQuery] = field(default_factory=dict)

    def __iter__(self):
        return iter(sorted(self.queries.values(), key=lambda q: q.name))

    def __len__(self) -> int:
        return len(self.queries)

    def __contains__(self, name: object) -> bool:
        return name in self.queries

    def get(self, name: str) -> NamedQuery:
        """The query called ``name``; an unknown name suggests the closest ones."""
        try:
            return self.queries[name]
        except KeyError:
            close = difflib.get_close_matches(name, self.queries, n=3, cutoff=0.5)
            if not close:
                close = [q for q in self.queries if name.lower() in q.lower()][:3]
            hint = f"did you mean: {', '.join(close)}?" if close else "`ip4graph queries` lists the catalog"
            raise QueryError(f"no named query {name!r}", hint=hint) from None


def load_catalog(directory: Path | None = None) -> Catalog:
    """Read every ``.rq`` file of ``directory`` (default: the shipped catalog)."""
    if directory is None:
        return _shipped()
    return Catalog({q.name: q for q in map(parse_named_query, sorted(Path(directory).glob("*.rq")))})


@lru_cache(maxsize=1)
def _shipped() -> Catalog:
    return Catalog({q.name: q for q in map(parse_named_query, sorted(resources.queries_dir().glob("*.rq")))})
