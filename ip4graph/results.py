"""Query results and their formats (SPARQL 1.1 JSON, XML, CSV, TSV; Turtle, N-Triples, JSON-LD)."""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import QueryError
from .namespaces import PREFIXES, bind_prefixes
from .terms import curie, label


class OutputFormat(str, Enum):
    """Output formats: the first five for SELECT/ASK, the last three for CONSTRUCT/DESCRIBE."""

    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    XML = "xml"
    TURTLE = "ttl"
    NTRIPLES = "nt"
    JSONLD = "jsonld"


TABULAR = frozenset({OutputFormat.TABLE, OutputFormat.CSV, OutputFormat.TSV, OutputFormat.JSON, OutputFormat.XML})
GRAPH_FORMATS = frozenset({OutputFormat.TURTLE, OutputFormat.NTRIPLES, OutputFormat.JSONLD})

MEDIA_TYPES = {
    OutputFormat.JSON: "application/sparql-results+json",
    OutputFormat.XML: "application/sparql-results+xml",
    OutputFormat.CSV: "text/csv",
    OutputFormat.TSV: "text/tab-separated-values",
    OutputFormat.TABLE: "text/plain",
    OutputFormat.TURTLE: "text/turtle",
    OutputFormat.NTRIPLES: "application/n-triples",
    OutputFormat.JSONLD: "application/ld+json",
}


class Row(tuple):
    """A result row: a tuple that also answers ``row.var`` and ``row["var"]``."""

    _vars: tuple[str, ...] = ()

    def __new__(cls, values: Sequence[Node | None], names: tuple[str, ...]) -> "Row":
        row = super().__new__(cls, values)
        row._vars = names
        return row

    def __getattr__(self, name: str) -> Node | None:
        try:
            return self[self._vars.index(name)]
        except ValueError:
            raise AttributeError(name) from None

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._vars.index(key))
        return tuple.__getitem__(self, key)

    def asdict(self) -> dict[str, Node | None]:
        return dict(zip(self._vars, self))

    def values(self) -> dict[str, Any]:
        """The row as Python values: numbers, booleans, ``datetime.date`` for dates, ``int`` for
        ``xsd:gYear`` years, ``str`` for IRIs and text (``None`` for unbound)."""
        return {k: _py(v) for k, v in zip(self._vars, self)}


@dataclass
class QueryResult:
    """A materialised result: rows for SELECT, a boolean for ASK, a graph for CONSTRUCT/DESCRIBE."""

    kind: str
    vars: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    labels_from: Graph | None = field(default=None, repr=False)
    #: The claims behind each row, once :meth:`cite` has been called.
    citations: list[list[Any]] | None = field(default=None, repr=False)

    def __iter__(self) -> Iterator[Any]:
        if self.graph is not None:
            return iter(self.graph)
        if self.boolean is not None:
            return iter([self.boolean])
        return iter(self.rows)

    def __len__(self) -> int:
        if self.graph is not None:
            return len(self.graph)
        if self.boolean is not None:
            return 1
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.boolean) if self.boolean is not None else len(self) > 0

    def records(self) -> list[dict[str, Any]]:
        """Every row as a dictionary of Python values (see :meth:`Row.values`)."""
        return [r.values() for r in self.rows]

    def with_labels(self, source: Graph | None = None, *, lang: str = "en") -> "QueryResult":
        """This result with a label column after each column holding IRIs (``?x`` then ``?xLabel``).

        Labels are in ``lang`` (en, fr, ja, ko), else English, else any; a
        cell holding a space-separated list of IRIs (``GROUP_CONCAT``) gets the
        list of their labels, comma-separated. ``source`` is where labels are
        looked up (default: the dataset the query ran on).
        """
        if self.graph is not None or self.boolean is not None:
            return self
        src = source if source is not None else self.labels_from
        if src is None:
            raise QueryError("no dataset to read the labels from", hint="pass one: result.with_labels(dataset)")
        labelled = [i for i, v in enumerate(self.vars) if any(_iris_in(r[i]) for r in self.rows)]
        names: list[str] = []
        for i, var in enumerate(self.vars):
            names.append(var)
            if i in labelled and f"{var}Label" not in self.vars:
                names.append(f"{var}Label")
        out = []
        for r in self.rows:
            cells: list[Node | None] = []
            for i, v in enumerate(r):
                cells.append(v)
                if i in labelled and f"{self.vars[i]}Label" not in self.vars:
                    iris = _iris_in(v)
                    cells.append(Literal(", ".join(label(src, x, lang=lang) for x in iris), lang=lang) if iris else None)
            out.append(Row(cells, tuple(names)))
        return QueryResult(self.kind, vars=names, rows=out, labels_from=self.labels_from, citations=self.citations)

    def column(self, var: str) -> list[Node | None]:
        """All values of one variable."""
        i = self.vars.index(var)
        return [r[i] for r in self.rows]

    def to_dataframe(self, *, labels: bool = False) -> Any:
        """A pandas DataFrame (needs ``pip install ip4graph[pandas]``); Python values, or labels."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - exercised without pandas
            raise QueryError("to_dataframe() needs pandas", hint="pip install 'ip4graph[pandas]'") from exc
        if self.boolean is not None:
            return pd.DataFrame({"answer": [self.boolean]})
        if self.graph is not None:
            return pd.DataFrame([(str(s), str(p), _py(o)) for s, p, o in self.graph], columns=["subject", "predicate", "object"])
        src = self.labels_from
        def cell(v: Node | None) -> Any:
            if labels and src is not None and isinstance(v, URIRef):
                return label(src, v)
            return _py(v)
        return pd.DataFrame([[cell(v) for v in r] for r in self.rows], columns=self.vars)

    def cite(
        self,
        source: Graph | None = None,
        *,
        query: str | None = None,
        bindings: Mapping[str, Node] | None = None,
        index: Any = None,
    ) -> "QueryResult":
        """This result with the claims that support each row (see :mod:`ip4graph.cite`).

        The returned result has five more columns (``cite_claims``,
        ``cite_sources``, ``cite_paragraphs``, ``cite_quotes``,
        ``cite_certainty``; several claims are joined by `` | ``), so every
        format and :meth:`to_dataframe` show them; ``citations`` holds the
        :class:`ip4graph.cite.Citation` objects, row by row.

        Args:
            source: the dataset with the claim graphs and their provenance
                (default: the one the query ran on).
            query: the query text: the entities it names count as part of
                every row (``?m ip4:memberOf ip4d:ip4`` cites the claims
                linking each member to the IP4).
            bindings: the parameters the query was run with (IRIs count too).
            index: a prebuilt :class:`ip4graph.cite.CitationIndex` (a server
                builds one per dataset and reuses it).

        Raises:
            QueryError: the result is not a table, or there is nothing to read claims from.
        """
        from .cite import CITATION_VARS, CitationIndex, citation_cells, query_iris, query_vocabulary

        if self.graph is not None or self.boolean is not None:
            raise QueryError(f"citations are given per row: a {self.kind} query has no rows", hint="cite a SELECT query")
        if index is None:
            data = source if source is not None else self.labels_from
            if data is None:
                raise QueryError("no dataset to read the claims from", hint="pass the dataset: result.cite(dataset)")
            index = CitationIndex.build(data)
        context = set(query_iris(query)) if query else set()
        context |= {v for v in (bindings or {}).values() if isinstance(v, URIRef)}
        predicates = sorted(query_vocabulary(query), key=str) if query else []
        cited = index.cite_rows(self.rows, context=sorted(context, key=str), predicates=predicates)
        extra = [name if name not in self.vars else name + "_" for name in CITATION_VARS]
        names = tuple(self.vars) + tuple(extra)
        rows = [Row([*row, *citation_cells(c)], names) for row, c in zip(self.rows, cited, strict=True)]
        return QueryResult(self.kind, vars=list(names), rows=rows, labels_from=self.labels_from, citations=cited)

    # ------------------------------------------------------------------ formats
    def serialize(
        self, fmt: OutputFormat = OutputFormat.TABLE, *, iris: bool = False, width: int | None = 60,
        wrap: bool = False, lang: str = "en",
    ) -> str:
        """Render in ``fmt``; tables show labels (in ``lang``) unless ``iris``.

        In tables, a cell longer than ``width`` characters is cut with an
        ellipsis, or wrapped onto more lines with ``wrap``; ``width`` ``None``
        (or 0) never cuts.
        """
        fmt = OutputFormat(fmt)
        if self.graph is not None:
            if fmt not in GRAPH_FORMATS:
                raise QueryError(f"a {self.kind} query returns a graph: use --format ttl, nt or jsonld, not {fmt.value}")
            return _graph_text(self.graph, fmt)
        if fmt not in TABULAR:
            raise QueryError(f"a {self.kind} query returns a table: use --format table, csv, tsv, json or xml, not {fmt.value}")
        if fmt is OutputFormat.TABLE:
            return self._table(iris=iris, width=width or None, wrap=wrap, lang=lang)
        if fmt is OutputFormat.JSON:
            return self._json()
        if fmt is OutputFormat.XML:
            return self._xml()
        if fmt is OutputFormat.CSV:
            return self._csv()
        return self._tsv()

    def _table(self, *, iris: bool, width: int | None = 60, wrap: bool = False, lang: str = "en") -> str:
        if self.boolean is not None:
            return "yes" if self.boolean else "no"
        src = self.labels_from
        def show(v: Node | None) -> str:
            if v is None:
                return ""
            if isinstance(v, URIRef):
                return curie(src or Graph(), v) if iris or src is None else label(src, v, lang=lang)
            if isinstance(v, BNode):
                return "[blank node]"
            many = _iris_in(v)
            if many and src is not None and not iris:  # an aggregated list of IRIs: their labels
                return ", ".join(label(src, x, lang=lang) for x in many)
            return str(v)
        cells = [[show(v).replace("\n", " ") for v in r] for r in self.rows]
        widths = [len(v) for v in self.vars]
        for r in cells:
            for i, c in enumerate(r):
                widths[i] = max(widths[i], len(c)) if width is None else min(max(widths[i], len(c)), width)
        def fit(text: str, w: int) -> str:
            return (text if len(text) <= w else text[: w - 1] + "\u2026").ljust(w)
        def lines_of(row: list[str]) -> list[str]:
            if not wrap or width is None:
                return ["  ".join(fit(c, widths[i]) for i, c in enumerate(row)).rstrip()]
            parts = [textwrap.wrap(c, widths[i]) or [""] for i, c in enumerate(row)]
            height = max(len(p) for p in parts)
            return [
                "  ".join((p[k] if k < len(p) else "").ljust(widths[i]) for i, p in enumerate(parts)).rstrip()
                for k in range(height)
            ]
        lines = ["  ".join(fit(v, widths[i]) for i, v in enumerate(self.vars)).rstrip(),
                 "  ".join("-" * w for w in widths)]
        for r in cells:
            lines += lines_of(r)
        lines.append(f"({len(self.rows)} row{'s' if len(self.rows) != 1 else ''})")
        return "\n".join(lines)

    def _json(self) -> str:
        if self.boolean is not None:
            return json.dumps({"head": {}, "boolean": self.boolean})
        bindings = []
        for r in self.rows:
            b = {}
            for var, v in zip(self.vars, r):
                if v is not None:
                    b[var] = json_term(v)
            bindings.append(b)
        return json.dumps({"head": {"vars": self.vars}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=1)

    def _xml(self) -> str:
        out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "  <head>"]
        out += [f"    <variable name={quoteattr(v)}/>" for v in self.vars]
        out.append("  </head>")
        if self.boolean is not None:
            out.append(f"  <boolean>{'true' if self.boolean else 'false'}</boolean>")
        else:
            out.append("  <results>")
            for r in self.rows:
                out.append("    <result>")
                for var, v in zip(self.vars, r):
                    if v is not None:
                        out.append(f"      <binding name={quoteattr(var)}>{_xml_term(v)}</binding>")
                out.append("    </result>")
            out.append("  </results>")
        out.append("</sparql>")
        return "\n".join(out) + "\n"

    def _csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        if self.boolean is not None:
            w.writerow(["_askResult"])
            w.writerow(["true" if self.boolean else "false"])
            return buf.getvalue()
        w.writerow(self.vars)
        for r in self.rows:
            w.writerow(["" if v is None else (f"_:{v}" if isinstance(v, BNode) else str(v)) for v in r])
        return buf.getvalue()

    def _tsv(self) -> str:
        if self.boolean is not None:
            return "?_askResult\n" + ("true" if self.boolean else "false") + "\n"
        lines = ["\t".join(f"?{v}" for v in self.vars)]
        for r in self.rows:
            lines.append("\t".join("" if v is None else v.n3() for v in r))
        return "\n".join(lines) + "\n"


_XSD = "http://www.w3.org/2001/XMLSchema#"


def _py(v: Node | None) -> Any:
    if v is None:
        return None
    if isinstance(v, Literal):
        if v.datatype is not None and str(v.datatype) == _XSD + "gYear" and _YEAR.fullmatch(str(v)):
            return int(str(v))
        value = v.toPython()
        return value if not isinstance(value, Literal) else str(value)
    return str(v)


_YEAR = re.compile(r"-?\d{4}")


def _iris_in(v: Node | None) -> list[URIRef]:
    """The IRIs in a cell: the IRI itself, or those of a space-separated list (a GROUP_CONCAT)."""
    if isinstance(v, URIRef):
        return [v]
    if isinstance(v, Literal) and v.datatype is None and not v.language:
        parts = str(v).split()
        if parts and all(p.startswith(("http://", "https://")) and "<" not in p for p in parts):
            return [URIRef(p) for p in parts]
    return []


def json_term(v: Node) -> dict[str, str]:
    """One RDF term in the SPARQL 1.1 JSON results format."""
    if isinstance(v, URIRef):
        return {"type": "uri", "value": str(v)}
    if isinstance(v, BNode):
        return {"type": "bnode", "value": str(v)}
    assert isinstance(v, Literal)
    d = {"type": "literal", "value": str(v)}
    if v.language:
        d["xml:lang"] = v.language
    elif v.datatype:
        d["datatype"] = str(v.datatype)
    return d


def _xml_term(v: Node) -> str:
    if isinstance(v, URIRef):
        return f"<uri>{escape(str(v))}</uri>"
    if isinstance(v, BNode):
        return f"<bnode>{escape(str(v))}</bnode>"
    assert isinstance(v, Literal)
    if v.language:
        return f"<literal xml:lang={quoteattr(v.language)}>{escape(str(v))}</literal>"
    if v.datatype:
        return f"<literal datatype={quoteattr(str(v.datatype))}>{escape(str(v))}</literal>"
    return f"<literal>{escape(str(v))}</literal>"


def _graph_text(graph: Graph, fmt: OutputFormat) -> str:
    bind_prefixes(graph)
    if fmt is OutputFormat.TURTLE:
        return graph.serialize(format="turtle")
    if fmt is OutputFormat.NTRIPLES:
        return graph.serialize(format="nt")
    context = {p: str(ns) for p, ns in PREFIXES.items()}
    return graph.serialize(format="json-ld", context=context, indent=1)
