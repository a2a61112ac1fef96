"""Run the catalog on a backend, and compare answers across backends.

Answers are compared as *multisets of rows* (row order is not compared: engines
break ORDER BY ties differently), after this normalisation, which the engines force:

* blank nodes are all the same (their labels are engine-local);
* numeric literals compare by value (``"5"^^xsd:integer`` = ``"5.0"^^xsd:decimal``),
  and booleans as the integers 1 and 0: Virtuoso returns computed booleans
  (``EXISTS``, ``COALESCE(?x, false)``) as ``xsd:integer`` 1/0;
* ``xsd:string`` literals are plain literals (SPARQL 1.1 vs RDF 1.1 spelling);
* a plain literal's space-separated words are compared as a sorted list: the order of
  ``GROUP_CONCAT`` is unspecified and differs between engines;
* the empty plain literal ``""`` counts as unbound: over no values, rdflib's
  ``GROUP_CONCAT(STR(?x))`` gives ``""`` where Oxigraph and Virtuoso leave it unbound;
* a row in which every variable is unbound is dropped: rdflib answers a ``GROUP BY``
  over no solutions with one such row, the other engines (and the spec) with none.

CONSTRUCT/DESCRIBE answers are compared as sets of normalised triples.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..catalog import Catalog, NamedQuery, ParamType, load_catalog
from ..results import QueryResult
from ..terms import expand_iri

_NUMERIC = {str(XSD[t]) for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                                   "nonNegativeInteger", "positiveInteger", "negativeInteger",
                                   "nonPositiveInteger", "unsignedInt", "unsignedLong")}


def default_bindings(nq: NamedQuery, graph: Graph | None = None, given: Mapping[str, object] | None = None) -> dict[str, Node]:
    """The terms bound for ``nq``'s parameters: ``given`` values, else the declared defaults.

    With ``graph`` (an rdflib graph holding labels) entity labels are resolved as in
    :meth:`NamedQuery.bindings`; without it, entities must be CURIEs or IRIs.
    """
    if graph is not None:
        return nq.bindings(graph, dict(given or {}))
    out: dict[str, Node] = {}
    values = dict(given or {})
    for p in nq.params:
        raw = values.get(p.name, p.default)
        if raw is None:
            raise KeyError(f"query {nq.name!r} needs parameter {p.name!r}")
        if isinstance(raw, (URIRef, Literal)):
            out[p.name] = raw
        elif p.type in (ParamType.ENTITY, ParamType.IRI):
            iri = expand_iri(str(raw))
            if iri is None:
                raise KeyError(f"parameter {p.name}: {raw!r} is not a CURIE or IRI (labels need an rdflib graph)")
            out[p.name] = iri
        else:
            out[p.name] = p.convert(raw, Graph())
    return out


def local_queries(catalog: Catalog | None = None) -> list[NamedQuery]:
    """The catalog's queries that run on the local data alone (not ``kind: federated`` / ``SERVICE``)."""
    return [nq for nq in (catalog or load_catalog())
            if nq.kind != "federated" and not re.search(r"\bSERVICE\b", _strip_comments(nq.text), re.IGNORECASE)]


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def run_catalog(backend, catalog: Catalog | None = None, *, timeout: float | None = 120.0) -> dict[str, QueryResult]:
    """Every local named query of ``catalog`` (default: the shipped one) with its default parameters.

    Federated queries (``SERVICE``) are left out: they need the network.
    """
    out: dict[str, QueryResult] = {}
    for nq in local_queries(catalog):
        out[nq.name] = backend.query(nq.text, bindings=default_bindings(nq), timeout=timeout)
    return out


def norm_term(term: Node | None) -> object:
    if term is None:
        return None
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, Literal):
        dt = str(term.datatype) if term.datatype is not None else None
        if dt == str(XSD.boolean):
            return ("num", Decimal(1 if str(term).strip().lower() in ("true", "1") else 0))
        if dt in _NUMERIC:
            try:
                return ("num", Decimal(str(term).strip()).normalize())
            except InvalidOperation:
                return ("lit", str(term), dt)
        if term.language:
            return ("lang", str(term), term.language.lower())
        if dt is None or dt == str(XSD.string):
            if str(term) == "":
                return None
            return ("str", tuple(sorted(str(term).split(" "))))
        return ("lit", str(term), dt)
    return ("other", str(term))


def canonical(result: QueryResult) -> tuple[str, object]:
    """A comparable form of ``result``: a Counter of rows, a boolean, or a set of triples."""
    if result.boolean is not None:
        return ("ASK", result.boolean)
    if result.graph is not None:
        return ("GRAPH", frozenset(tuple(norm_term(x) for x in t) for t in result.graph))
    rows = (tuple(norm_term(v) for v in row) for row in result.rows)
    return ("SELECT", (tuple(result.vars), Counter(r for r in rows if any(v is not None for v in r))))


def differences(a: QueryResult, b: QueryResult, *, limit: int = 5) -> list[str]:
    """Human-readable differences between two answers (empty when they agree)."""
    ca, cb = canonical(a), canonical(b)
    if ca == cb:
        return []
    if ca[0] != cb[0]:
        return [f"different kinds: {ca[0]} vs {cb[0]}"]
    if ca[0] == "SELECT":
        (va, ra), (vb, rb) = ca[1], cb[1]  # type: ignore[misc]
        if va != vb:
            return [f"different variables: {va} vs {vb}"]
        out = [f"only in first: {r}" for r in list((ra - rb).elements())[:limit]]
        out += [f"only in second: {r}" for r in list((rb - ra).elements())[:limit]]
        out.append(f"rows: {sum(ra.values())} vs {sum(rb.values())}")
        return out
    if ca[0] == "GRAPH":
        ga, gb = ca[1], cb[1]
        return [f"only in first: {t}" for t in list(ga - gb)[:limit]] + [f"only in second: {t}" for t in list(gb - ga)[:limit]]  # type: ignore[operator]
    return [f"{ca[1]} vs {cb[1]}"]


__all__ = ["canonical", "default_bindings", "differences", "local_queries", "norm_term", "run_catalog"]
