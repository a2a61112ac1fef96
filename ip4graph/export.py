"""Export the dataset in every RDF format, with or without the inferred triples.

Quad formats (TriG, N-Quads, JSON-LD) keep the named graphs: the claim graphs, the
system graphs and, with inferences, ``ip4g:inferred``. Triple formats (Turtle,
N-Triples, RDF/XML) cannot hold named graphs: they get the *union* of all graphs
(the provenance of each triple is lost), or, when the caller insists on named graphs
(``named_graphs=True``), an :class:`~ip4graph.errors.ExportError`.

JSON-LD is compacted with the context shipped in the package
(``ip4graph/context.jsonld``), embedded in the output so that it reads offline.

>>> from rdflib import Dataset, Literal, URIRef
>>> ds = Dataset()
>>> _ = ds.graph(URIRef("https://w3id.org/ip4graph/graph/entities")).add(
...     (URIRef("https://w3id.org/ip4graph/id/japan"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Japan", lang="en")))
>>> text = serialize(ds, ExportFormat.NQUADS)
>>> "<https://w3id.org/ip4graph/graph/entities>" in text
True
>>> same_dataset(parse(text, ExportFormat.NQUADS), ds)
True
"""

from __future__ import annotations

import json
from enum import Enum
from functools import lru_cache
from os import PathLike
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from .errors import ExportError
from .fileio import write_atomic
from .namespaces import GRAPH_INFERRED, bind_prefixes

_PKG = Path(__file__).resolve().parent
CONTEXT_PATH = _PKG / "context.jsonld"


class ExportFormat(str, Enum):
    """RDF serialisations ``ip4graph export`` writes (the value is the usual file suffix)."""

    TURTLE = "ttl"
    NTRIPLES = "nt"
    NQUADS = "nq"
    TRIG = "trig"
    JSONLD = "jsonld"
    RDFXML = "xml"

    @property
    def keeps_graphs(self) -> bool:
        """True for quad formats, which keep named graphs."""
        return self in _QUAD

    @property
    def rdflib_name(self) -> str:
        return _RDFLIB[self]

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self]


_QUAD = frozenset({ExportFormat.NQUADS, ExportFormat.TRIG, ExportFormat.JSONLD})
_RDFLIB = {
    ExportFormat.TURTLE: "turtle",
    ExportFormat.NTRIPLES: "nt",
    ExportFormat.NQUADS: "nquads",
    ExportFormat.TRIG: "trig",
    ExportFormat.JSONLD: "json-ld",
    ExportFormat.RDFXML: "xml",
}
MEDIA_TYPES = {
    ExportFormat.TURTLE: "text/turtle",
    ExportFormat.NTRIPLES: "application/n-triples",
    ExportFormat.NQUADS: "application/n-quads",
    ExportFormat.TRIG: "application/trig",
    ExportFormat.JSONLD: "application/ld+json",
    ExportFormat.RDFXML: "application/rdf+xml",
}


@lru_cache(maxsize=1)
def jsonld_context() -> dict[str, Any]:
    """The JSON-LD context shipped with the package (prefixes and a few short terms)."""
    try:
        return json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))["@context"]
    except (OSError, ValueError, KeyError) as exc:  # pragma: no cover - a broken install
        raise ExportError(f"cannot read the shipped JSON-LD context {CONTEXT_PATH}: {exc}",
                          hint="reinstall ip4graph") from exc


def with_inferences(asserted: Dataset, inferred: Graph) -> Dataset:
    """A new dataset: the asserted graphs plus ``inferred`` as the graph ``ip4g:inferred``."""
    out = Dataset(default_union=True)
    bind_prefixes(out)
    for q in asserted.quads((None, None, None, None)):
        out.add(q)
    target = out.graph(GRAPH_INFERRED)
    for t in inferred:
        target.add(t)
    return out


def union_graph(ds: Dataset) -> Graph:
    """Every triple of every graph of ``ds`` in one graph (what a triple format can hold)."""
    g = Graph()
    bind_prefixes(g)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def serialize(ds: Dataset, fmt: ExportFormat | str, *, named_graphs: bool | None = None) -> str:
    """Serialise ``ds`` as text in ``fmt``.

    ``named_graphs``: ``None`` keeps graphs in quad formats and writes the union in triple
    formats; ``True`` requires named graphs (an :class:`ExportError` for a triple format);
    ``False`` writes the union even in a quad format.
    """
    fmt = ExportFormat(fmt)
    if named_graphs and not fmt.keeps_graphs:
        raise ExportError(
            f"{fmt.value} holds triples only and cannot keep the named graphs (claims, provenance)",
            hint="use --format trig, nq or jsonld to keep the graphs, or drop --named-graphs to export their union",
        )
    keep = fmt.keeps_graphs if named_graphs is None else (named_graphs and fmt.keeps_graphs)
    try:
        if keep:
            target: Graph = ds
            bind_prefixes(ds)
        else:
            target = union_graph(ds)
        if fmt is ExportFormat.JSONLD:
            return target.serialize(format="json-ld", context=jsonld_context(), indent=1, auto_compact=True)
        return target.serialize(format=fmt.rdflib_name)
    except ExportError:
        raise
    except Exception as exc:  # rdflib serialisers raise assorted errors (e.g. RDF/XML and odd predicates)
        raise ExportError(f"cannot serialise as {fmt.value}: {type(exc).__name__}: {exc}",
                          hint="try another --format (trig keeps everything)") from exc


def export(ds: Dataset, fmt: ExportFormat | str, path: str | PathLike[str], *,
           named_graphs: bool | None = None) -> Path:
    """Serialise ``ds`` to ``path`` atomically (the old file stays intact if anything fails)."""
    text = serialize(ds, fmt, named_graphs=named_graphs)
    try:
        return write_atomic(path, text)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}", hint="check the directory and its permissions") from exc


def parse(text: str | bytes, fmt: ExportFormat | str) -> Dataset:
    """Parse an export back into a dataset (triple formats land in the default graph)."""
    fmt = ExportFormat(fmt)
    ds = Dataset(default_union=True)
    if fmt.keeps_graphs:
        ds.parse(data=text, format=fmt.rdflib_name)
    else:
        ds.default_graph.parse(data=text, format=fmt.rdflib_name)  # type: ignore[attr-defined]
    return ds


def graph_names(ds: Dataset) -> set[URIRef]:
    """Names of the non-empty graphs of ``ds`` (the default graph included if it holds triples)."""
    return {c.identifier for c in ds.graphs() if len(c) > 0}  # type: ignore[misc]


def same_dataset(a: Dataset, b: Dataset) -> bool:
    """True when ``a`` and ``b`` have the same non-empty graphs, each isomorphic (blank nodes allowed)."""
    names = graph_names(a)
    if names != graph_names(b):
        return False
    return all(_isomorphic(_plain(a.graph(n)), _plain(b.graph(n))) for n in names)


def same_triples(a: Graph, b: Graph) -> bool:
    """True when the unions of ``a`` and ``b`` are isomorphic (for triple formats)."""
    return _isomorphic(_plain(a), _plain(b))


def _isomorphic(a: Graph, b: Graph) -> bool:
    """:func:`rdflib.compare.isomorphic`, with the triples without blank nodes compared as sets first.

    A blank-node bijection maps a ground triple to itself, so two graphs are isomorphic exactly
    when their ground triples are equal and their triples with blank nodes are isomorphic. Only
    that (small) part goes through rdflib's canonicalisation, which is slow on thousands of triples.
    """
    if len(a) != len(b):
        return False

    def split(g: Graph) -> tuple[set, Graph]:
        ground, rest = set(), Graph()
        for t in g:
            if isinstance(t[0], BNode) or isinstance(t[2], BNode):
                rest.add(t)
            else:
                ground.add(t)
        return ground, rest

    ground_a, rest_a = split(a)
    ground_b, rest_b = split(b)
    if ground_a != ground_b:
        return False
    found = _match_blank_nodes(_neighbourhoods(rest_a), _neighbourhoods(rest_b), budget=[64])
    return found if found is not None else isomorphic(rest_a, rest_b)


_Links = dict[BNode, list[tuple[str, Any, Any]]]


def _neighbourhoods(g: Graph) -> _Links:
    around: _Links = {}
    for s, p, o in g:
        if isinstance(s, BNode):
            around.setdefault(s, []).append(("out", p, o))
        if isinstance(o, BNode):
            around.setdefault(o, []).append(("in", p, s))
    return around


def _refine(around: _Links, colour: dict[BNode, str]) -> dict[BNode, str]:
    """Colours of the blank nodes refined by their neighbourhoods until stable (Weisfeiler-Leman).

    A colour depends only on the graph's shape, its ground terms and the starting colours:
    an isomorphism that respects the starting colours preserves the refined ones.
    """
    import hashlib

    count = len(set(colour.values()))
    while True:
        def key(term: Any, colour: dict[BNode, str] = colour) -> str:
            return "_:" + colour[term] if isinstance(term, BNode) else term.n3()

        colour = {node: hashlib.sha256(repr((colour[node], sorted(
            (way, p.n3(), key(other)) for way, p, other in links))).encode()).hexdigest()
            for node, links in around.items()}
        new_count = len(set(colour.values()))
        if new_count == count:
            return colour
        count = new_count


def _match_blank_nodes(a: _Links, b: _Links, *, budget: list[int], start: tuple[dict, dict] | None = None
                       ) -> bool | None:
    """Whether a blank-node bijection maps the triples ``a`` describes onto those of ``b``.

    Individualisation and refinement: colour both sides alike; when every blank node has a
    colour of its own, the only candidate bijection is checked; otherwise one node of the
    smallest shared colour is singled out against each candidate on the other side in turn.
    None when ``budget`` (tries) runs out: the caller decides another way.
    """
    colours_a = _refine(a, start[0] if start else dict.fromkeys(a, ""))
    colours_b = _refine(b, start[1] if start else dict.fromkeys(b, ""))
    if sorted(colours_a.values()) != sorted(colours_b.values()):
        return False
    classes: dict[str, list[BNode]] = {}
    for node, colour in colours_a.items():
        classes.setdefault(colour, []).append(node)
    shared = [c for c, nodes in classes.items() if len(nodes) > 1]
    if not shared:
        to_b = {colour: node for node, colour in colours_b.items()}
        mapping = {node: to_b[colour] for node, colour in colours_a.items()}
        triples_a = {(mapping[n], way, p, mapping.get(o, o)) for n, links in a.items() for way, p, o in links}
        triples_b = {(n, way, p, o) for n, links in b.items() for way, p, o in links}
        return triples_a == triples_b
    colour = min(shared, key=lambda c: (len(classes[c]), c))
    node = classes[colour][0]
    for candidate in sorted((n for n, c in colours_b.items() if c == colour), key=str):
        budget[0] -= 1
        if budget[0] < 0:
            return None
        found = _match_blank_nodes(a, b, budget=budget, start=({**colours_a, node: "*"}, {**colours_b, candidate: "*"}))
        if found is None or found:
            return found
    return False


def _plain(g: Graph) -> Graph:
    if isinstance(g, Dataset):
        return union_graph(g)
    out = Graph()
    for t in g:
        out.add(t)
    return out


def differences(a: Dataset, b: Dataset) -> list[str]:
    """Human-readable reasons why ``a`` and ``b`` differ (empty when they are the same dataset)."""
    out = []
    na, nb = graph_names(a), graph_names(b)
    for n in sorted(na - nb):
        out.append(f"graph {n} only in the first")
    for n in sorted(nb - na):
        out.append(f"graph {n} only in the second")
    for n in sorted(na & nb):
        ga, gb = _plain(a.graph(n)), _plain(b.graph(n))
        if not isomorphic(ga, gb):
            out.append(f"graph {n}: {len(ga)} vs {len(gb)} triples, not isomorphic")
    return out


__all__ = [
    "CONTEXT_PATH",
    "MEDIA_TYPES",
    "ExportFormat",
    "differences",
    "export",
    "graph_names",
    "jsonld_context",
    "parse",
    "same_dataset",
    "same_triples",
    "serialize",
    "union_graph",
    "with_inferences",
]
