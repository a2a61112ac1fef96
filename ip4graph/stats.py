"""Counts that describe a loaded dataset: triples, instances per class, sources, links."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rdflib import Dataset, URIRef
from rdflib.namespace import OWL, PROV, RDF

from .namespaces import (
    GRAPH_INFERRED,
    GRAPH_LINKS,
    GRAPH_ONTOLOGY,
    GRAPH_PROVENANCE,
    IP4,
    SYSTEM_GRAPHS,
)


@dataclass
class Stats:
    """What ``ip4graph stats`` reports."""

    asserted: int
    inferred: int
    ontology: int
    claims: int
    graphs: dict[str, int]
    classes: dict[str, int]
    sources: dict[str, int]
    links: dict[str, int] = field(default_factory=dict)
    certainty: dict[str, int] = field(default_factory=dict)


def _curie(ds: Dataset, term: URIRef) -> str:
    try:
        return ds.namespace_manager.normalizeUri(term)
    except Exception:  # pragma: no cover
        return str(term)


def compute_stats(ds: Dataset) -> Stats:
    """Count triples (asserted vs inferred), instances of each ip4: class, claims per source, links out."""
    asserted = 0
    inferred = 0
    ontology = 0
    graphs: dict[str, int] = {}
    claims = 0
    for ctx in ds.graphs():
        n = len(ctx)
        if n == 0:
            continue
        gid = ctx.identifier
        if gid == GRAPH_INFERRED:
            inferred += n
        else:
            asserted += n
            if gid == GRAPH_ONTOLOGY:
                ontology += n
        if gid in SYSTEM_GRAPHS:
            graphs[_curie(ds, gid)] = n
        else:
            claims += 1
    graphs["claim graphs (ip4c:*)"] = claims
    classes: Counter[str] = Counter()
    seen: set[tuple] = set()
    for ctx in ds.graphs():
        if ctx.identifier in (GRAPH_ONTOLOGY, GRAPH_INFERRED, GRAPH_PROVENANCE):
            continue
        for s, _, o in ctx.triples((None, RDF.type, None)):
            if isinstance(o, URIRef) and str(o).startswith(str(IP4)) and (s, o) not in seen:
                seen.add((s, o))
                classes[_curie(ds, o)] += 1
    prov = ds.graph(GRAPH_PROVENANCE)
    sources: Counter[str] = Counter()
    certainty: Counter[str] = Counter()
    for claim in prov.subjects(RDF.type, IP4.Claim):
        for doc in prov.objects(claim, PROV.wasQuotedFrom):
            sources[_curie(ds, doc)] += 1  # type: ignore[arg-type]
        for level in prov.objects(claim, IP4.certainty):
            certainty[_curie(ds, level)] += 1  # type: ignore[arg-type]
    links: Counter[str] = Counter()
    for _, _, o in ds.graph(GRAPH_LINKS).triples((None, OWL.sameAs, None)):
        if "wikidata.org" in str(o):
            links["Wikidata"] += 1
        elif "dbpedia.org" in str(o):
            links["DBpedia"] += 1
        else:
            links["other"] += 1
    return Stats(
        asserted=asserted,
        inferred=inferred,
        ontology=ontology,
        claims=claims,
        graphs=dict(sorted(graphs.items())),
        classes=dict(sorted(classes.items(), key=lambda kv: (-kv[1], kv[0]))),
        sources=dict(sorted(sources.items())),
        links=dict(sorted(links.items())),
        certainty=dict(sorted(certainty.items())),
    )
