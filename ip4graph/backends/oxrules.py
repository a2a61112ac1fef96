"""A fast OWL 2 RL path for instance data: the ontology's rules run as SPARQL queries inside Oxigraph.

owlrl (pure Python) needs minutes at 100k triples; ``reasonable`` needs ~2 GB at 100k and
is killed for memory at 1M. This path compiles the ontology (the TBox, small) in Python
into rule tables (quads in a graph of their own) that one constant ``SELECT`` per rule
joins against, and runs them to a fixpoint in an in-memory Oxigraph store, semi-naively
(after the first round a rule only joins what the round before added). Each query returns
only distinct conclusions the store lacks, which go back in through the bulk loader, so
exactly the new triples come back:

* prp-spo1 / prp-eqp (sub- and equivalent properties), prp-inv1/2 (``owl:inverseOf``),
  prp-symp (symmetric), prp-trp (transitive), prp-dom / prp-rng (domains, ranges),
* cax-sco / cax-eqc (superclasses, equivalent classes, through the whole hierarchy),
* prp-fp (functional properties) gives ``owl:sameAs`` between IRIs; the equality rules that
  would copy facts across ``owl:sameAs`` (eq-rep-*) are not applied (consistent data has none).

On instance data it infers what owlrl infers (``tests/test_backends.py`` checks it on the
shipped, minimal and synthetic data); like ``reasonable`` it leaves out owlrl's schema-level
(scm-*) and axiomatic triples. Use it through ``compute_inferences(..., reasoner="oxigraph")``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from .oxigraph import from_ox, to_ox


def _closure(edges: dict[URIRef, set[URIRef]]) -> dict[URIRef, set[URIRef]]:
    """Reflexive-transitive closure of a small relation (the class or property hierarchy)."""
    out: dict[URIRef, set[URIRef]] = {}
    for start in list(edges):
        seen, todo = {start}, [start]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        out[start] = seen
    return out


#: Rule tables are data, not query text: the ontology's pairs go into this graph and the
#: updates below (constant SPARQL) join against it.
RULES_GRAPH = ox.NamedNode("urn:ip4graph:rules")
_R = "urn:ip4graph:rule:"
_TABLE = {name: ox.NamedNode(_R + name) for name in
          ("sco", "spo", "inv", "sym", "trans", "dom", "rng", "fp")}

#: Graphs of the working store (constant IRIs; nothing here comes from the data).
_DELTA = ("urn:ip4graph:delta:a", "urn:ip4graph:delta:b")

#: The premises of each OWL 2 RL rule family (names as in the OWL 2 RL tables), and its
#: conclusion. ``{T}`` marks the instance premises: in the first round they range over the
#: whole store; after that (semi-naive evaluation) at least one of them must be a triple
#: that the previous round added (the *delta* graph), so nothing is derived twice.
_RULES: dict[str, tuple[str, list[str], str, str]] = {
    "cax-sco": ("GRAPH <urn:ip4graph:rules> { ?c <urn:ip4graph:rule:sco> ?y }", ["?x a ?c"], "", "?x a ?y"),
    "prp-spo1": ("GRAPH <urn:ip4graph:rules> { ?p <urn:ip4graph:rule:spo> ?q }", ["?x ?p ?y"], "", "?x ?q ?y"),
    "prp-inv": ("GRAPH <urn:ip4graph:rules> { ?p <urn:ip4graph:rule:inv> ?q }", ["?y ?p ?x"], "!isLiteral(?x)",
                "?x ?q ?y"),
    "prp-symp": ("GRAPH <urn:ip4graph:rules> { ?q a <urn:ip4graph:rule:sym> }", ["?y ?q ?x"], "!isLiteral(?x)",
                 "?x ?q ?y"),
    "prp-trp": ("GRAPH <urn:ip4graph:rules> { ?q a <urn:ip4graph:rule:trans> }", ["?x ?q ?m", "?m ?q ?y"], "",
                "?x ?q ?y"),
    "prp-dom": ("GRAPH <urn:ip4graph:rules> { ?p <urn:ip4graph:rule:dom> ?y }", ["?x ?p ?o"], "", "?x a ?y"),
    "prp-rng": ("GRAPH <urn:ip4graph:rules> { ?p <urn:ip4graph:rule:rng> ?y }", ["?s ?p ?x"], "!isLiteral(?x)",
                "?x a ?y"),
    "prp-fp": ("GRAPH <urn:ip4graph:rules> { ?p a <urn:ip4graph:rule:fp> }", ["?s ?p ?x", "?s ?p ?y"],
               "isIRI(?x) && isIRI(?y) && ?x != ?y", "?x <http://www.w3.org/2002/07/owl#sameAs> ?y"),
}


def _select(table: str, premises: list[str], condition: str, conclusion: str, *, delta: str | None) -> str:
    """The distinct conclusions of a rule that are not in the store yet, as ``?s ?p ?o`` rows.

    Composed once, at import, from the literal fragments of :data:`_RULES` and
    :data:`_DELTA` only: no term of the data, the ontology or a user reaches the text (the
    ontology's axioms are rows of the rule tables the queries join).

    One flat group per alternative (rule table first), so the engine joins the table's few
    rows into the instance patterns instead of scanning them on their own.
    """
    if delta is None:
        body = f"{table} " + " . ".join(premises)
    else:  # semi-naive: one premise from the delta, the others from the whole store
        alternatives = []
        for i in range(len(premises)):
            parts = [f"GRAPH <{delta}> {{ {p} }}" if j == i else p for j, p in enumerate(premises)]
            alternatives.append(f"{{ {table} " + " . ".join(parts) + " }")
        body = " UNION ".join(alternatives)
    s, p, o = conclusion.split(" ")
    pred = p if p.startswith("?") else f"({'<' + str(RDF.type) + '>' if p == 'a' else p} AS ?_p)"
    test = f"FILTER({condition}) " if condition else ""
    # Leave out what the store has. For a fixed predicate (rdf:type, owl:sameAs) MINUS: one
    # anti-join against all such triples. Per-row NOT EXISTS lookups of rdf:type triples
    # added in earlier rounds took ~25 s per rule at 1M triples (and varied from run to run);
    # for a variable predicate NOT EXISTS is the cheaper one (MINUS would read every triple).
    novel = f"FILTER NOT EXISTS {{ {conclusion} }}" if p.startswith("?") else f"MINUS {{ {conclusion} }}"
    return f"SELECT DISTINCT {s} {pred} {o} WHERE {{ {body} {test}{novel} }}"


#: The constant queries: the first round over everything, then the delta in graph a or b.
QUERIES: dict[str, str] = {name: _select(*rule, delta=None) for name, rule in _RULES.items()}
_SEMI_NAIVE: tuple[dict[str, str], dict[str, str]] = tuple(  # type: ignore[assignment]
    {name: _select(*rule, delta=_DELTA[k]) for name, rule in _RULES.items()}
    for k in (0, 1))
_DROP = tuple(f"DROP SILENT GRAPH <{g}>" for g in _DELTA)


def _uri_pairs(schema: Graph, predicate: URIRef) -> Iterable[tuple[URIRef, URIRef]]:
    for s, o in schema.subject_objects(predicate):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            yield s, o


def rule_tables(schema: Graph) -> list[ox.Quad]:
    """The ontology's class and property axioms as rows of the rule tables (quads in :data:`RULES_GRAPH`)."""
    sub_class: dict[URIRef, set[URIRef]] = defaultdict(set)
    sub_prop: dict[URIRef, set[URIRef]] = defaultdict(set)
    for hierarchy, sub, equivalent in ((sub_class, RDFS.subClassOf, OWL.equivalentClass),
                                       (sub_prop, RDFS.subPropertyOf, OWL.equivalentProperty)):
        for s, o in _uri_pairs(schema, sub):
            hierarchy[s].add(o)
        for s, o in _uri_pairs(schema, equivalent):
            hierarchy[s].add(o)
            hierarchy[o].add(s)
    rows: list[tuple[URIRef, str, URIRef]] = []
    for table, closure in (("sco", _closure(sub_class)), ("spo", _closure(sub_prop))):
        rows += [(x, table, sup) for x, sups in closure.items() for sup in sups if sup != x]
    for p, q in _uri_pairs(schema, OWL.inverseOf):
        rows += [(p, "inv", q), (q, "inv", p)]
    rows += [(p, "dom", c) for p, c in _uri_pairs(schema, RDFS.domain)]
    rows += [(p, "rng", c) for p, c in _uri_pairs(schema, RDFS.range)
             if (c, RDF.type, RDFS.Datatype) not in schema and not str(c).startswith(str(RDFS.Literal))
             and not str(c).startswith("http://www.w3.org/2001/XMLSchema#")]
    quads = [ox.Quad(to_ox(s), _TABLE[t], to_ox(o), RULES_GRAPH) for s, t, o in rows]
    for table, kind in (("sym", OWL.SymmetricProperty), ("trans", OWL.TransitiveProperty),
                        ("fp", OWL.FunctionalProperty)):
        quads += [ox.Quad(to_ox(p), to_ox(RDF.type), _TABLE[table], RULES_GRAPH)
                  for p in schema.subjects(RDF.type, kind) if isinstance(p, URIRef)]
    return quads


def _memo_from_ox() -> Callable[[object], Node]:
    """``from_ox``, memoised: the same IRIs recur on every row of the output.

    (The other direction is not memoised: reusing the same pyoxigraph term objects on the
    way in made the updates an order of magnitude slower at 1M triples.)
    """
    cache: dict[object, Node] = {}

    def back(term: object) -> Node:
        out = cache.get(term)
        if out is None:
            out = cache[term] = from_ox(term)  # type: ignore[assignment]
        return out  # type: ignore[return-value]

    return back


def derive(graph: Graph, *, max_rounds: int = 100) -> Iterator[tuple[Node, Node, Node]]:
    """Yield each triple the instance rules add to ``graph`` once (``graph`` is untouched).

    Semi-naive evaluation: the first round applies every rule to the whole store; each
    later round only joins the triples the round before added (a *delta* graph), until a
    round adds nothing. A rule's query returns only distinct conclusions not in the store
    yet, so every triple yielded is new; the conclusions go back in with the bulk loader.
    """
    store = ox.Store()
    default = ox.DefaultGraph()
    store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), default) for s, p, o in graph)
    store.bulk_extend(rule_tables(graph))
    queries, new = QUERIES, ox.NamedNode(_DELTA[0])
    back = _memo_from_ox()
    Quad = ox.Quad
    for round_ in range(max_rounds):
        added = 0
        for query in queries.values():
            quads = []
            for s, p, o in store.query(query):  # type: ignore[misc]
                quads.append(Quad(s, p, o, default))
                quads.append(Quad(s, p, o, new))
            if quads:
                store.bulk_extend(quads)
                added += len(quads) // 2
                for q in quads[::2]:
                    yield back(q.subject), back(q.predicate), back(q.object)  # type: ignore[misc]
        if not added:
            return
        k = round_ % 2  # this round wrote _DELTA[k]: it is the next round's delta
        store.update(_DROP[1 - k])
        queries, new = _SEMI_NAIVE[k], ox.NamedNode(_DELTA[1 - k])
    raise RuntimeError(f"the OWL 2 RL rules did not reach a fixpoint in {max_rounds} rounds")


__all__ = ["QUERIES", "RULES_GRAPH", "derive", "rule_tables"]
