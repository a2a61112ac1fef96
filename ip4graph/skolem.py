"""Stable names for blank nodes, so that loading the same data twice gives the same quads.

A parser mints a new, random label for every blank node on every parse. Stores that
keep data between commands (Oxigraph on disk, a remote SPARQL store) would then hold
two copies of each reified statement after two loads. :func:`relabel` gives each
blank node a label derived from its *content* (its outgoing triples and the graphs
they are in, nested blank nodes by their own content, all the way down), and
:func:`skolem_iri` turns such a label into an IRI under the project's
``/.well-known/genid/`` path for the stores, which :func:`unskolem` turns back into
the same blank node on the way out. Every backend therefore returns the same blank
node labels for the same input.

Two blank nodes with identical descriptions in the same graphs get the same label:
they say the same thing, and the dataset keeps one of them (a lean graph).

>>> from rdflib import BNode, Literal, URIRef
>>> from rdflib import Dataset
>>> ds = Dataset(); g = ds.graph(URIRef("urn:g"))
>>> b = BNode(); _ = g.add((b, URIRef("urn:p"), Literal("x")))
>>> [str(s) for s, *_ in relabel(ds).quads((None, None, None, None))]
['b3d1d0264d7a6f7a071a266ea380767cd']
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.term import Node

#: Blank nodes become IRIs under this path in the stores (RDF 1.1 §3.5 skolem IRIs).
GENID = "https://w3id.org/ip4graph/.well-known/genid/"

_DEFAULT = "urn:x-rdflib:default"


def _graph_id(g: object) -> Node | None:
    gid = g.identifier if isinstance(g, Graph) else g
    if gid is None or str(gid) == _DEFAULT:
        return None
    return gid  # type: ignore[return-value]


def content_keys(quads: list[tuple[Node, Node, Node, Node | None]]) -> dict[BNode, str]:
    """A content-derived key (``b`` and 32 hex digits) for every blank node of ``quads``."""
    out_edges: dict[BNode, list[tuple[Node, Node, Node | None]]] = defaultdict(list)
    in_edges: dict[BNode, list[tuple[Node, Node, Node | None]]] = defaultdict(list)
    for s, p, o, g in quads:
        if isinstance(s, BNode):
            out_edges[s].append((p, o, g))
        if isinstance(o, BNode):
            in_edges[o].append((s, p, g))

    memo: dict[BNode, str] = {}
    visiting: set[BNode] = set()

    def describe(node: BNode) -> str:
        if node in memo:
            return memo[node]
        if node in visiting:  # a cycle of blank nodes: cut it here
            return "_:cycle"
        visiting.add(node)
        parts = []
        for p, o, g in out_edges.get(node, ()):
            o_key = describe(o) if isinstance(o, BNode) else o.n3()
            parts.append(f"{p.n3()} {o_key} {g.n3() if g is not None else ''}")
        if not parts:  # a node only ever used as an object: name it by where it is used
            for s, p, g in in_edges.get(node, ()):
                parts.append(f"^{p.n3()} {'_:' if isinstance(s, BNode) else s.n3()} {g.n3() if g is not None else ''}")
        visiting.discard(node)
        text = "[" + " ; ".join(sorted(parts)) + "]"
        memo[node] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return memo[node]

    nodes = set(out_edges) | set(in_edges)
    return {b: "b" + describe(b)[:32] for b in nodes}  # starts with a letter: a valid RDF/XML nodeID


def _quads(ds: Dataset) -> Iterator[tuple[Node, Node, Node, Node | None]]:
    for s, p, o, g in ds.quads((None, None, None, None)):
        yield s, p, o, _graph_id(g)


def has_blank_nodes(ds: Dataset) -> bool:
    return any(isinstance(s, BNode) or isinstance(o, BNode) for s, _p, o, _g in ds.quads((None, None, None, None)))


def relabel(ds: Dataset) -> Dataset:
    """Relabel, in place, every blank node of ``ds`` by its content; returns ``ds``."""
    quads = [q for q in _quads(ds) if isinstance(q[0], BNode) or isinstance(q[2], BNode)]
    keys = content_keys(quads)
    if not keys:
        return ds
    graphs: dict[Node | None, Graph] = {}
    for s, p, o, g in quads:
        target = graphs.get(g)
        if target is None:
            target = ds.graph(g) if g is not None else ds.default_graph
            graphs[g] = target
        target.remove((s, p, o))
    for s, p, o, g in quads:
        graphs[g].add((BNode(keys[s]) if isinstance(s, BNode) else s, p,
                       BNode(keys[o]) if isinstance(o, BNode) else o))
    return ds


def skolem_iri(node: BNode) -> URIRef:
    """The store-side IRI of a blank node."""
    return URIRef(GENID + str(node))


def skolemise(term: Node) -> Node:
    return URIRef(GENID + str(term)) if isinstance(term, BNode) else term


def unskolem(term: Node | None) -> Node | None:
    """A skolem IRI back to its blank node; any other term unchanged."""
    if isinstance(term, URIRef) and term.startswith(GENID):
        return BNode(term[len(GENID):])
    return term
