"""A fast OWL 2 RL path for instance data: the ontology's rules run as SPARQL updates inside Oxigraph.

owlrl (pure Python) needs minutes at 100k triples; ``reasonable`` needs ~2 GB at 100k and
is killed for memory at 1M. This path compiles the ontology (the TBox, small) in Python
into a few ``INSERT … WHERE { VALUES … }`` updates and runs them to a fixpoint in an
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


def _values(pairs: Iterable[tuple[URIRef, ...]]) -> str:
    return " ".join("(" + " ".join(t.n3() for t in row) + ")" for row in pairs)


def compile_rules(schema: Graph) -> list[str]:
    """The SPARQL updates implementing the instance rules for the classes and properties of ``schema``."""
    sub_class: dict[URIRef, set[URIRef]] = defaultdict(set)
    sub_prop: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, o in schema.subject_objects(RDFS.subClassOf):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            sub_class[s].add(o)
    for s, o in schema.subject_objects(OWL.equivalentClass):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            sub_class[s].add(o)
            sub_class[o].add(s)
    for s, o in schema.subject_objects(RDFS.subPropertyOf):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            sub_prop[s].add(o)
    for s, o in schema.subject_objects(OWL.equivalentProperty):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            sub_prop[s].add(o)
            sub_prop[o].add(s)
    classes, props = _closure(sub_class), _closure(sub_prop)
    updates: list[str] = []
    sco = [(c, sup) for c, sups in classes.items() for sup in sups if sup != c]
    if sco:
        updates.append(f"INSERT {{ ?x a ?sup }} WHERE {{ VALUES (?c ?sup) {{ {_values(sco)} }} ?x a ?c }}")
    spo = [(p, sup) for p, sups in props.items() for sup in sups if sup != p]
    if spo:
        updates.append(f"INSERT {{ ?x ?sup ?y }} WHERE {{ VALUES (?p ?sup) {{ {_values(spo)} }} ?x ?p ?y }}")
    inv = set()
    for p, q in schema.subject_objects(OWL.inverseOf):
        if isinstance(p, URIRef) and isinstance(q, URIRef):
            inv.add((p, q))
            inv.add((q, p))
    if inv:
        updates.append(f"INSERT {{ ?y ?q ?x }} WHERE {{ VALUES (?p ?q) {{ {_values(sorted(inv))} }} ?x ?p ?y FILTER(!isLiteral(?y)) }}")
    sym = [(p,) for p in schema.subjects(RDF.type, OWL.SymmetricProperty) if isinstance(p, URIRef)]
    if sym:
        updates.append(f"INSERT {{ ?y ?p ?x }} WHERE {{ VALUES (?p) {{ {_values(sym)} }} ?x ?p ?y FILTER(!isLiteral(?y)) }}")
    trans = [(p,) for p in schema.subjects(RDF.type, OWL.TransitiveProperty) if isinstance(p, URIRef)]
    if trans:
        updates.append(f"INSERT {{ ?x ?p ?z }} WHERE {{ VALUES (?p) {{ {_values(trans)} }} ?x ?p ?y . ?y ?p ?z }}")
    dom = [(p, c) for p, c in schema.subject_objects(RDFS.domain) if isinstance(p, URIRef) and isinstance(c, URIRef)]
    if dom:
        updates.append(f"INSERT {{ ?x a ?c }} WHERE {{ VALUES (?p ?c) {{ {_values(dom)} }} ?x ?p ?y }}")
    rng = [(p, c) for p, c in schema.subject_objects(RDFS.range) if isinstance(p, URIRef) and isinstance(c, URIRef)
           and (c, RDF.type, RDFS.Datatype) not in schema and not str(c).startswith(str(RDFS.Literal))
           and not str(c).startswith("http://www.w3.org/2001/XMLSchema#")]
    if rng:
        updates.append(f"INSERT {{ ?y a ?c }} WHERE {{ VALUES (?p ?c) {{ {_values(rng)} }} ?x ?p ?y FILTER(!isLiteral(?y)) }}")
    fp = [(p,) for p in schema.subjects(RDF.type, OWL.FunctionalProperty) if isinstance(p, URIRef)]
    if fp:
        updates.append(f"INSERT {{ ?y1 <{OWL.sameAs}> ?y2 }} WHERE {{ VALUES (?p) {{ {_values(fp)} }} "
                       "?x ?p ?y1 . ?x ?p ?y2 FILTER(isIRI(?y1) && isIRI(?y2) && ?y1 != ?y2) }")
    return updates


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
    updates = compile_rules(graph)
    size = len(store)
    for _ in range(max_rounds):
        for u in updates:
            store.update(u)
        new = len(store)
        if new == size:
            break
        size = new
    out = Graph()
    for row in store.query(f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ GRAPH <{given.value}> {{ ?s ?p ?o }} }} }}"):
        out.add((from_ox(row[0]), from_ox(row[1]), from_ox(row[2])))  # type: ignore[arg-type]
    return out


__all__ = ["compile_rules", "inferences"]
