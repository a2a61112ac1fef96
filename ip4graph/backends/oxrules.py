"""A fast OWL 2 RL path for instance data: the ontology's rules run as SPARQL updates inside Oxigraph.

owlrl (pure Python) needs minutes at 100k triples; ``reasonable`` needs ~2 GB at 100k and
is killed for memory at 1M. This path compiles the ontology (the TBox, small) in Python
into rule tables (quads in a graph of their own) that a few constant ``INSERT … WHERE``
updates join against, and runs them to a fixpoint in an
in-memory Oxigraph store (the input is kept in a graph of its own, so only new triples come back):

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
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

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

#: One constant update per OWL 2 RL rule family (names as in the OWL 2 RL tables).
UPDATES: dict[str, str] = {
    "cax-sco": "INSERT { ?x a ?sup } WHERE { GRAPH <urn:ip4graph:rules> { ?c <urn:ip4graph:rule:sco> ?sup } ?x a ?c }",
    "prp-spo1": "INSERT { ?x ?sup ?y } WHERE { GRAPH <urn:ip4graph:rules> { ?p <urn:ip4graph:rule:spo> ?sup } ?x ?p ?y }",
    "prp-inv": "INSERT { ?y ?q ?x } WHERE { GRAPH <urn:ip4graph:rules> { ?p <urn:ip4graph:rule:inv> ?q } "
               "?x ?p ?y FILTER(!isLiteral(?y)) }",
    "prp-symp": "INSERT { ?y ?p ?x } WHERE { GRAPH <urn:ip4graph:rules> { ?p a <urn:ip4graph:rule:sym> } "
                "?x ?p ?y FILTER(!isLiteral(?y)) }",
    "prp-trp": "INSERT { ?x ?p ?z } WHERE { GRAPH <urn:ip4graph:rules> { ?p a <urn:ip4graph:rule:trans> } "
               "?x ?p ?y . ?y ?p ?z }",
    "prp-dom": "INSERT { ?x a ?c } WHERE { GRAPH <urn:ip4graph:rules> { ?p <urn:ip4graph:rule:dom> ?c } ?x ?p ?y }",
    "prp-rng": "INSERT { ?y a ?c } WHERE { GRAPH <urn:ip4graph:rules> { ?p <urn:ip4graph:rule:rng> ?c } "
               "?x ?p ?y FILTER(!isLiteral(?y)) }",
    "prp-fp": "INSERT { ?y1 <http://www.w3.org/2002/07/owl#sameAs> ?y2 } WHERE { "
              "GRAPH <urn:ip4graph:rules> { ?p a <urn:ip4graph:rule:fp> } "
              "?x ?p ?y1 . ?x ?p ?y2 FILTER(isIRI(?y1) && isIRI(?y2) && ?y1 != ?y2) }",
}


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


def inferences(graph: Graph, *, max_rounds: int = 100) -> Graph:
    """The triples the instance rules add to ``graph`` (a new graph; ``graph`` is untouched)."""
    store = ox.Store()
    default, given = ox.DefaultGraph(), ox.NamedNode("urn:ip4graph:reasoning-input")

    def quads():
        for s, p, o in graph:
            t = (to_ox(s), to_ox(p), to_ox(o))
            yield ox.Quad(*t, default)
            yield ox.Quad(*t, given)

    store.bulk_extend(quads())
    store.bulk_extend(rule_tables(graph))
    size = len(store)
    for _ in range(max_rounds):
        for update in UPDATES.values():
            store.update(update)
        new = len(store)
        if new == size:
            break
        size = new
    out = Graph()
    for q in store.quads_for_pattern(None, None, None, default):
        if ox.Quad(q.subject, q.predicate, q.object, given) not in store:
            out.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))  # type: ignore[arg-type]
    return out


__all__ = ["RULES_GRAPH", "UPDATES", "inferences", "rule_tables"]
