"""Closed-world rules the product enforces on any data it loads.

The graph promises that every answer is declared and described: these rules check
what SHACL cannot say in an open world.

* ``undeclared-term``: every predicate and every class (object of ``rdf:type``) is
  declared in the ontology (``ip4g:ontology``) or is a
  term of a vocabulary the ontology uses (rdf, rdfs, owl, xsd, skos, prov, dcterms,
  org, schema, foaf, time, oa, sh, void, dcat, vann); otherwise a violation with
  "did you mean".
* ``undescribed-entity``: every entity IRI in a claim graph has an ``rdf:type`` and an
  English label (``rdfs:label`` or ``skos:prefLabel``) somewhere in the dataset.
* ``hedged-as-plain``: a hedged claim (likely, possible, expected, unclear) holds
  ``rdf:Statement`` nodes, never only plain triples, and no claim graph asserts as a plain
  triple what it gives as hedged; a denied claim holds an ``owl:NegativePropertyAssertion``.

Each rule yields :class:`Finding` objects; :mod:`ip4graph.validation` turns them into
report entries with file and line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import (
    DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, TIME, VANN, VOID, XSD,
)

from .namespaces import GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_PROVENANCE, IP4, IP4D, SYSTEM_GRAPHS
from .terms import curie

OA = "http://www.w3.org/ns/oa#"
#: The W3C Web Annotation terms ip4graph uses (rdflib ships no ``OA`` namespace).
OA_TERMS = frozenset({
    "Annotation", "SpecificResource", "TextQuoteSelector", "TextPositionSelector", "Selector",
    "hasSelector", "hasSource", "hasTarget", "hasBody", "exact", "prefix", "suffix", "start", "end",
    "motivatedBy", "refinedBy",
})

#: Vocabularies the ontology imports or aligns to, with their term lists.
_VOCABS = (RDF, RDFS, OWL, XSD, SKOS, PROV, DCTERMS, ORG, SDO, FOAF, TIME, SH, VOID, DCAT, VANN)

_PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)

HEDGED = frozenset({IP4.Likely, IP4.Possible, IP4.Expected, IP4.Unclear})


@dataclass(frozen=True, slots=True)
class Finding:
    """One broken rule: what, where (graph and triple), and the terms to look for in the file."""

    rule: str
    focus: object
    message: str
    graph: object = None
    triple: tuple[object, object, object] | None = None
    keys: tuple[object, ...] = ()
    severity: str = "Violation"


@cache
def _vocab_terms() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for ns in _VOCABS:
        names = set(getattr(ns, "__annotations__", {})) | set(getattr(ns, "_extras", []))
        out.setdefault(str(ns), set()).update(names)
    out.setdefault(str(RDF), set()).update({"type", "Statement", "subject", "predicate", "object",
                                           "first", "rest", "nil", "langString", "value", "List",
                                           "Property", "HTML", "XMLLiteral", "JSON"})
    out[str(RDFS)].update({"label", "comment", "seeAlso", "isDefinedBy", "Literal", "Resource"})
    out[OA] = set(OA_TERMS)
    return {k: frozenset(v) for k, v in out.items()}


def declared_terms(ds: Dataset) -> set[URIRef]:
    """IRIs declared by the loaded ontology graph (the curation terms are part of it)."""
    onto = ds.graph(GRAPH_ONTOLOGY)
    return {s for s in onto.subjects() if isinstance(s, URIRef)}


def _split(term: URIRef) -> tuple[str, str]:
    text = str(term)
    cut = max(text.rfind("#"), text.rfind("/"))
    return text[: cut + 1], text[cut + 1:]


def is_known(term: URIRef, declared: set[URIRef]) -> bool:
    if term in declared:
        return True
    ns, local = _split(term)
    names = _vocab_terms().get(ns)
    if names is not None and local in names:
        return True
    # rdf:_1, rdf:_2 ... container membership
    return ns == str(RDF) and local.startswith("_") and local[1:].isdigit()


def suggest(term: URIRef, candidates: set[URIRef], *, graph: Graph | None = None, kind: str | None = None) -> list[str]:
    """Close matches of ``term`` among ``candidates`` (same namespace first, case-insensitive)."""
    ns, local = _split(term)
    pool: dict[str, URIRef] = {}
    for c in candidates:
        cns, clocal = _split(c)
        if clocal and (cns == ns or ns not in {str(IP4), str(IP4D)}):
            pool.setdefault(clocal.lower(), c)
    for cns, names in _vocab_terms().items():
        if cns == ns:
            for n in names:
                if not kind or (n[:1].isupper() == (kind == "class")):
                    pool.setdefault(n.lower(), URIRef(cns + n))
    hits = difflib.get_close_matches(local.lower(), list(pool), n=3, cutoff=0.75)
    g = graph if graph is not None else Graph()
    return [curie(g, pool[h]) for h in hits]


def _did_you_mean(hits: list[str]) -> str:
    return f" did you mean {' or '.join(hits)}?" if hits else ""


def data_contexts(ds: Dataset) -> Iterator[Graph]:
    """Every graph except the ontology and the inferences."""
    for ctx in ds.graphs():
        if ctx.identifier in (GRAPH_ONTOLOGY, GRAPH_INFERRED):
            continue
        yield ctx


def undeclared_terms(ds: Dataset) -> list[Finding]:
    """Predicates and classes used in the data but declared nowhere."""
    declared = declared_terms(ds)
    seen: set[tuple[URIRef, bool]] = set()
    out: list[Finding] = []
    onto = ds.graph(GRAPH_ONTOLOGY)
    kinds = {
        True: {t for t in declared if (t, RDF.type, OWL.Class) in onto or (t, RDF.type, RDFS.Class) in onto},
        False: {t for t in declared if any((t, RDF.type, k) in onto for k in _PROPERTY_KINDS)},
    }
    for ctx in data_contexts(ds):
        for s, p, o in ctx:
            checks: list[tuple[URIRef, bool]] = []
            if isinstance(p, URIRef):
                checks.append((p, False))
            if p == RDF.type and isinstance(o, URIRef):
                checks.append((o, True))
            for term, is_class in checks:
                if (term, is_class) in seen or is_known(term, declared):
                    continue
                seen.add((term, is_class))
                kind = "class" if is_class else "property"
                hits = suggest(term, kinds[is_class], kind=kind)
                name = curie(ds, term)
                out.append(Finding(
                    "undeclared-term", term,
                    f"the {kind} {name} is not declared in the ontology nor a term of a known vocabulary:"
                    f"{_did_you_mean(hits)} use a declared term, or declare it in the ontology"
                    if hits else
                    f"the {kind} {name} is not declared in the ontology nor a term of a known vocabulary: "
                    "use a declared term (see docs/reference.md), or declare it in the ontology",
                    graph=ctx.identifier, triple=(s, p, o), keys=(term,),
                ))
    return out


def _english_label(ds: Dataset, term: URIRef) -> bool:
    for p in (RDFS.label, SKOS.prefLabel):
        for value in ds.objects(term, p):
            if isinstance(value, Literal) and (value.language or "").lower().startswith("en"):
                return True
    return False


def _is_vocab(term: URIRef, declared: set[URIRef]) -> bool:
    ns, _ = _split(term)
    return term in declared or ns in _vocab_terms() or ns == str(IP4)


def undescribed_entities(ds: Dataset) -> list[Finding]:
    """Entity IRIs used in a claim graph that have no type or no English label anywhere."""
    declared = declared_terms(ds)
    prov = ds.graph(GRAPH_PROVENANCE)
    claims = {c for c in prov.subjects(RDF.type, IP4.Claim)}
    typed_entities = {s for s in ds.subjects(RDF.type, None) if isinstance(s, URIRef)}
    reported: set[URIRef] = set()
    out: list[Finding] = []
    for ctx in ds.graphs():
        gid = ctx.identifier
        if gid in SYSTEM_GRAPHS or gid not in claims:
            continue
        for s, p, o in ctx:
            positions = [s]
            if p != RDF.type and p not in (RDF.predicate,):
                positions.append(o)
            for term in positions:
                if not isinstance(term, URIRef) or term in reported or _is_vocab(term, declared):
                    continue
                has_type = (term, RDF.type, None) in ds
                has_label = _english_label(ds, term)
                if has_type and has_label:
                    continue
                reported.add(term)
                missing = " and ".join(x for x, ok in (("no rdf:type", has_type), ("no English label", has_label)) if not ok)
                hits = suggest(term, typed_entities)
                name = curie(ds, term)
                out.append(Finding(
                    "undescribed-entity", term,
                    f"{name} is used in claim {curie(ds, gid)} but has {missing} anywhere in the dataset:"
                    f"{_did_you_mean(hits)} fix the IRI, or describe it in ip4g:entities "
                    f"({name} a ip4:... ; rdfs:label \"...\"@en)",
                    graph=gid, triple=(s, p, o), keys=(term,),
                ))
    return out


def hedges_never_plain(ds: Dataset) -> list[Finding]:
    """Hedged claims hold rdf:Statement nodes; denied ones a negative assertion; no hedge is also plain."""
    prov = ds.graph(GRAPH_PROVENANCE)
    out: list[Finding] = []
    for claim in sorted(set(prov.subjects(RDF.type, IP4.Claim)), key=str):
        g = ds.graph(claim)
        if not len(g):
            continue
        certainty = prov.value(claim, IP4.certainty)
        statements = list(g.subjects(RDF.type, RDF.Statement))
        for st in statements:
            triple = (g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object))
            negated = g.value(st, IP4.negated)
            if None not in triple and triple in g and not (isinstance(negated, Literal) and negated.toPython() is True):
                out.append(Finding(
                    "hedged-as-plain", claim,
                    f"claim {curie(ds, claim)} gives {' '.join(curie(ds, t) if isinstance(t, URIRef) else t.n3() for t in triple)} "
                    "as hedged (rdf:Statement) and also asserts it as a plain triple: remove the plain triple "
                    "(hedged facts are never plain)",
                    graph=claim, triple=triple,
                    keys=(f"{curie(ds, triple[0])} {curie(ds, triple[1])}", triple[1], triple[0]),
                ))
        if certainty in HEDGED and not statements:
            first = next(iter(g))
            out.append(Finding(
                "hedged-as-plain", claim,
                f"claim {curie(ds, claim)} is {curie(ds, certainty)} but holds only plain triples: write each hedged "
                "fact as [] a rdf:Statement ; rdf:subject ... ; rdf:predicate ... ; rdf:object ... ; "
                f"ip4:certainty {curie(ds, certainty)} (see docs/modelling.md, Certainty)",
                graph=claim, triple=first, keys=(first[1], first[0]),
            ))
        if certainty == IP4.Denied and (None, RDF.type, OWL.NegativePropertyAssertion) not in g \
                and not any(g.value(st, IP4.negated) is not None for st in statements):
            first = next(iter(g))
            out.append(Finding(
                "hedged-as-plain", claim,
                f"claim {curie(ds, claim)} is ip4:Denied but asserts its triples plainly: write the denial as "
                "[] a owl:NegativePropertyAssertion ; owl:sourceIndividual ... ; owl:assertionProperty ... ; "
                "owl:targetIndividual ...",
                graph=claim, triple=first, keys=(first[1], first[0]),
            ))
    return out


#: What every claim's description holds, with the fix for a missing value.
_CLAIM_FIELDS = (
    (PROV.wasQuotedFrom, "source document (prov:wasQuotedFrom ip4d:doc-...)"),
    (IP4.paragraph, "paragraph (ip4:paragraph ip4d:doc-...-pN)"),
    (IP4.quote, "quote (ip4:quote \"...\"@en, verbatim, one sentence at most)"),
    (IP4.certainty, "certainty (ip4:certainty ip4:Stated, Likely, Possible, Expected, Unclear or Denied)"),
)


def claim_provenance(ds: Dataset) -> list[Finding]:
    """Every claim names exactly one source, paragraph, quote and certainty."""
    prov = ds.graph(GRAPH_PROVENANCE)
    out: list[Finding] = []
    for claim in sorted(set(prov.subjects(RDF.type, IP4.Claim)), key=str):
        for prop, what in _CLAIM_FIELDS:
            values = list(prov.objects(claim, prop))
            if len(values) == 1:
                continue
            problem = "has no" if not values else f"has {len(values)} values for"
            out.append(Finding(
                "claim-provenance", claim,
                f"claim {curie(ds, claim)} {problem} {what.split(' (')[0]}: give exactly one {what}",
                graph=GRAPH_PROVENANCE, triple=(claim, RDF.type, IP4.Claim), keys=(claim, prop),
            ))
    return out


def closed_world(ds: Dataset) -> list[Finding]:
    """All closed-world findings."""
    return undeclared_terms(ds) + undescribed_entities(ds) + hedges_never_plain(ds) + claim_provenance(ds)


__all__ = ["Finding", "closed_world", "undeclared_terms", "undescribed_entities", "hedges_never_plain",
           "declared_terms", "suggest", "is_known"]
