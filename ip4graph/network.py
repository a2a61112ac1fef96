"""Project the RDF graph onto networkx and analyse it.

The projection turns resources into nodes and object-property triples into
edges of a :class:`networkx.MultiDiGraph`; literals become node attributes,
never nodes. Schema triples (``rdf:type``, ``rdfs:subClassOf``, ``owl:*``...),
provenance bookkeeping and links to Wikidata are left out by default; which
predicates become edges is set by a :class:`ProjectionConfig`.

Node ids are IRIs (strings). Node attributes:

``iri``, ``curie``, ``label``, ``class`` (the CURIE of the most specific
asserted ``ip4:`` class), ``class_label``, ``classes`` (all asserted ``ip4:``
classes), ``comment``, the dates (``date``, ``start_date``, ``end_date``,
``not_before``, ``not_after``, ``date_description``), ``start_year`` and
``end_year`` (integers or ``None``), ``attributes`` (every other literal or
vocabulary value, keyed by the predicate's CURIE).

Edge keys are the predicate's CURIE (with ``|hedged`` or ``|denied`` appended
for reified or negated statements). Edge attributes: ``predicate`` (IRI),
``curie``, ``label``, ``certainty`` (``Stated``, ``Likely``, ``Possible``,
``Expected``, ``Unclear``, ``Denied``), ``uncertain`` and ``denied`` (booleans),
``negated``, ``hedge``, ``claimed_by``, ``start_date``/``end_date``/
``start_year``/``end_year`` (the period of the relationship when the data gives
one) and ``sources`` (a list of ``{claim, document, document_label,
paragraph, quote, certainty}`` dictionaries).

>>> from rdflib import Dataset, Literal
>>> from rdflib.namespace import RDFS
>>> from ip4graph.namespaces import IP4, IP4C, IP4D, GRAPH_ENTITIES
>>> ds = Dataset(default_union=True)
>>> ents = ds.graph(GRAPH_ENTITIES)
>>> _ = ents.add((IP4D.japan, RDFS.label, Literal("Japan", lang="en")))
>>> _ = ds.graph(IP4C["x-p1-member"]).add((IP4D.japan, IP4.memberOf, IP4D.ip4))
>>> g = project(ds)
>>> g.nodes[str(IP4D.japan)]["label"]
'Japan'
>>> [d["curie"] for _, _, d in g.edges(data=True)]
['ip4:memberOf']
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

import networkx as nx
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SKOS
from rdflib.term import Node

from ip4graph.classgroups import OTHER, group_of_class, group_of_types, ontology_tree
from ip4graph.errors import EntityNotFound, ParameterError, QueryError
from ip4graph.terms import resolve_entity  # one resolver for the whole package
from ip4graph.namespaces import (
    GRAPH_INFERRED,
    GRAPH_LINKS,
    GRAPH_ONTOLOGY,
    GRAPH_PROVENANCE,
    IP4,
    IP4C,
    PREFIXES,
)

__all__ = [
    "DEFAULT_EXCLUDED_PREDICATES",
    "CentralityRow",
    "Community",
    "Hop",
    "OutputFormat",
    "ProjectionConfig",
    "BridgeReport",
    "bridges",
    "centrality",
    "communities",
    "connections",
    "neighbourhood",
    "partnership_network",
    "project",
    "project_query",
    "resolve_entity",
    "resolve_node",
]


class OutputFormat(str, Enum):
    """How ``ip4graph analyze`` prints its results."""

    TABLE = "table"
    JSON = "json"


#: Predicates that never become edges: typing, schema, labels, provenance plumbing.
DEFAULT_EXCLUDED_PREDICATES: frozenset[URIRef] = frozenset(
    {
        RDF.type,
        RDF.subject,
        RDF.predicate,
        RDF.object,
        RDF.first,
        RDF.rest,
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        RDFS.seeAlso,
        RDFS.isDefinedBy,
        SKOS.inScheme,
        SKOS.topConceptOf,
        SKOS.hasTopConcept,
        PROV.wasQuotedFrom,
        IP4.paragraph,
        IP4.certainty,
        IP4.claimedBy,
        DCTERMS.isPartOf,
    }
)

#: Namespaces whose terms are schema, never nodes: a triple pointing at one of
#: them (``ip4:status ip4:Signed``) becomes a node attribute.
VOCABULARY_NAMESPACES: tuple[str, ...] = (
    str(IP4),
    str(RDF),
    str(RDFS),
    str(OWL),
    "http://www.w3.org/2001/XMLSchema#",
    "http://www.w3.org/ns/shacl#",
)

#: Classes whose instances are bookkeeping, not part of the relationship graph.
DEFAULT_EXCLUDED_CLASSES: frozenset[URIRef] = frozenset(
    {
        IP4.Claim,
        IP4.SourceParagraph,
        IP4.SourceDocument,
        IP4.CertaintyLevel,
        SKOS.ConceptScheme,
        OWL.Ontology,
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        RDF.Property,
        RDFS.Class,
    }
)

#: Classes of n-ary relationship objects whose period dates the direct triple
#: between the two things they connect (``ip4:Partnership`` dates ``partnerOf``).
DEFAULT_RELATION_CLASSES: frozenset[URIRef] = frozenset(
    {IP4.Relationship, IP4.Partnership, IP4.Membership, IP4.ThreatPerception}
)

#: The properties by which an n-ary relationship names its parties (CURIEs): only a direct
#: triple between two parties takes the relationship's period.
RELATION_ROLES: frozenset[str] = frozenset(
    {
        "ip4:partner", "ip4:partnerOrganization", "ip4:member", "ip4:organization",
        "ip4:perceiver", "ip4:perceivedThreat", "ip4:holder", "ip4:post",
    }
)

LABEL_PREDICATES: tuple[URIRef, ...] = (
    SKOS.prefLabel,
    RDFS.label,
    DCTERMS.title,
    SDO.name,
    FOAF.name,
)
_ALT_LABEL_PREDICATES = (*LABEL_PREDICATES, SKOS.altLabel)

_DATE_PREDICATES: dict[URIRef, str] = {
    IP4.date: "date",
    IP4.startDate: "start_date",
    IP4.endDate: "end_date",
    IP4.notBefore: "not_before",
    IP4.notAfter: "not_after",
    IP4.dateDescription: "date_description",
}
_PERIOD_KEYS = (*_DATE_PREDICATES.values(), "start_year", "end_year")
#: Knowledge bases whose ``owl:sameAs`` links a node's details link to.
_EXTERNAL_KBS = ("http://www.wikidata.org/entity/", "http://dbpedia.org/resource/")
#: Where a source document's original (on the web) is recorded.
_URL_PREDICATES = frozenset({FOAF.page, SDO.url, DCTERMS.source, IP4.url})
_IGNORED_TYPES = frozenset({OWL.NamedIndividual, OWL.Thing, RDFS.Resource})
_YEAR = re.compile(r"^-?(\d{4})")


@dataclass(frozen=True, kw_only=True)
class ProjectionConfig:
    """Which triples of the RDF graph become nodes and edges.

    Attributes:
        edge_predicates: if given, only these predicates become edges;
            otherwise every object-valued predicate not excluded does.
        exclude_predicates: predicates that never become edges.
        exclude_classes: instances of these classes are left out entirely.
        relation_classes: n-ary relationship classes whose dates give the
            period of the direct triple between the things they connect.
        include_hedged: add hedged ``rdf:Statement`` reifications as edges
            marked ``uncertain`` (drawn dashed).
        include_denied: add ``owl:NegativePropertyAssertion`` as edges marked
            ``denied``. Off by default: a denial is not a connection.
        include_inferred: also read ``ip4g:inferred`` (reasoner output).
        include_isolated: keep typed entities that have no edge.
    """

    edge_predicates: frozenset[URIRef] | None = None
    exclude_predicates: frozenset[URIRef] = DEFAULT_EXCLUDED_PREDICATES
    exclude_classes: frozenset[URIRef] = DEFAULT_EXCLUDED_CLASSES
    relation_classes: frozenset[URIRef] = DEFAULT_RELATION_CLASSES
    include_hedged: bool = True
    include_denied: bool = False
    include_inferred: bool = False
    include_isolated: bool = True

    def is_edge_predicate(self, predicate: URIRef) -> bool:
        """Whether triples with ``predicate`` may become edges."""
        if self.edge_predicates is not None:
            return predicate in self.edge_predicates
        if predicate in self.exclude_predicates:
            return False
        text = str(predicate)
        return not text.startswith((str(OWL), str(RDFS), str(RDF)))


DEFAULT_CONFIG = ProjectionConfig()


# --------------------------------------------------------------------------- helpers


def curie(term: Node) -> str:
    """The shortest ``prefix:local`` form of ``term`` using :data:`PREFIXES`, else the IRI.

    >>> curie(IP4.memberOf)
    'ip4:memberOf'
    """
    text = str(term)
    best: tuple[int, str] | None = None
    for prefix, ns in PREFIXES.items():
        base = str(ns)
        if text.startswith(base) and len(text) > len(base):
            local = text[len(base) :]
            if best is None or len(local) < best[0]:
                best = (len(local), f"{prefix}:{local}")
    return best[1] if best else text


def local_name(term: Node) -> str:
    """The part of an IRI after its last ``#`` or ``/``."""
    text = str(term)
    return re.split(r"[#/]", text.rstrip("/#"))[-1] or text


def year_of(value: Literal | str | None) -> int | None:
    """The year of an ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` literal (first 4 digits)."""
    if value is None:
        return None
    match = _YEAR.match(str(value).strip())
    return int(match.group(1)) if match else None


def _is_vocabulary(term: Node) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(VOCABULARY_NAMESPACES)


def _pick_label(literals: Iterable[Literal]) -> str | None:
    """English first, then untagged, then any language (alphabetical for stability)."""
    ranked = sorted(
        literals,
        key=lambda lit: (
            0 if (lit.language or "").lower().startswith("en") else 1 if not lit.language else 2,
            lit.language or "",
            str(lit),
        ),
    )
    return str(ranked[0]) if ranked else None


def _is_claim_graph(graph_id: Node) -> bool:
    return str(graph_id).startswith(str(IP4C))


def _python_value(value: Node) -> Any:
    if isinstance(value, Literal):
        py = value.toPython()
        if isinstance(py, (bool, int, float, str)):
            return py
        return str(value)
    return curie(value)


# --------------------------------------------------------------------------- context


@dataclass
class _Context:
    """Everything the projection looks up about resources, indexed once."""

    types: dict[Node, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    labels: dict[Node, list[Literal]] = field(default_factory=lambda: defaultdict(list))
    comments: dict[Node, list[Literal]] = field(default_factory=lambda: defaultdict(list))
    literals: dict[Node, dict[URIRef, list[Node]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    superclasses: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    claims_of: dict[tuple[Node, Node, Node], list[Node]] = field(
        default_factory=lambda: defaultdict(list)
    )
    provenance: dict[Node, dict[URIRef, list[Node]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    bnode_triples: dict[BNode, dict[URIRef, list[Node]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    bnode_graphs: dict[BNode, set[Node]] = field(default_factory=lambda: defaultdict(set))
    same_as: dict[Node, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    urls: dict[Node, set[URIRef]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def build(cls, source: Graph) -> _Context:
        ctx = cls()
        for s, p, o, g in _quads(source):
            if isinstance(s, BNode):
                ctx.bnode_triples[s][p].append(o)
                if g is not None:
                    ctx.bnode_graphs[s].add(g)
            if g is not None and _is_claim_graph(g) and not isinstance(s, BNode):
                ctx.claims_of[(s, p, o)].append(g)
            if g == GRAPH_PROVENANCE:
                ctx.provenance[s][p].append(o)
            if p == OWL.sameAs and isinstance(o, URIRef) and str(o).startswith(_EXTERNAL_KBS):
                ctx.same_as[s].add(o)
            elif p in _URL_PREDICATES and isinstance(o, (URIRef, Literal)) and str(o).startswith(("http://", "https://")):
                # an IRI, or an xsd:anyURI literal as `ip4graph source add --url` writes it
                ctx.urls[s].add(o)
            if p == RDF.type and isinstance(o, URIRef):
                ctx.types[s].add(o)
            elif p == RDFS.subClassOf and isinstance(o, URIRef):
                ctx.superclasses[s].add(o)  # type: ignore[index]
            elif p in _ALT_LABEL_PREDICATES and isinstance(o, Literal):
                if p == SKOS.altLabel:
                    ctx.literals[s][p].append(o)
                else:
                    ctx.labels[s].append(o)
            elif p in (RDFS.comment, SKOS.definition, DCTERMS.description) and isinstance(
                o, Literal
            ):
                ctx.comments[s].append(o)
            elif isinstance(o, Literal) or _is_vocabulary(o):
                ctx.literals[s][p].append(o)
        return ctx

    # -- classes
    def ancestors(self, cls: URIRef) -> set[URIRef]:
        seen: set[URIRef] = set()
        todo = [cls]
        while todo:
            for sup in self.superclasses.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        return seen

    def ip4_classes(self, node: Node) -> list[URIRef]:
        return sorted(
            t for t in self.types.get(node, ()) if str(t).startswith(str(IP4)) and t not in _IGNORED_TYPES
        )

    def most_specific_class(self, node: Node) -> URIRef | None:
        """The asserted ``ip4:`` class no other asserted class specialises (deepest first)."""
        classes = self.ip4_classes(node)
        if not classes:
            others = sorted(t for t in self.types.get(node, ()) if t not in _IGNORED_TYPES)
            return others[0] if others else None
        ancestors = {c: self.ancestors(c) for c in classes}
        covered = set().union(*ancestors.values())
        leaves = [c for c in classes if c not in covered]
        return max(leaves or classes, key=lambda c: (len(ancestors[c]), -classes.index(c)))

    def is_instance_of_any(self, node: Node, classes: frozenset[URIRef]) -> bool:
        for t in self.types.get(node, ()):
            if t in classes or self.ancestors(t) & classes:
                return True
        return False

    # -- labels
    def label(self, node: Node) -> str:
        return _pick_label(self.labels.get(node, ())) or local_name(node)

    def url(self, node: Node | None) -> str | None:
        """Where the original of ``node`` is on the web, if the data says (else ``None``)."""
        if node is None:
            return None
        found = sorted(str(u) for u in self.urls.get(node, ()))
        return found[0] if found else None

    def group(self, node: Node) -> str:
        """The key of the :mod:`ip4graph.classgroups` group ``node`` is drawn in."""
        cls = self.most_specific_class(node)
        tree = ontology_tree()
        group = group_of_class(cls, tree) if cls is not None else OTHER
        if group is OTHER:
            group = group_of_types(self.types.get(node, ()), tree)
        return group.key

    # -- provenance
    def sources(self, claims: Iterable[Node]) -> list[dict[str, Any]]:
        out = []
        for claim in sorted(set(claims), key=str):
            prov = self.provenance.get(claim, {})
            doc = next(iter(prov.get(PROV.wasQuotedFrom, [])), None)
            para = next(iter(prov.get(IP4.paragraph, [])), None)
            certainty = next(iter(prov.get(IP4.certainty, [])), None)
            quote = _pick_label([q for q in prov.get(IP4.quote, []) if isinstance(q, Literal)])
            number = next(iter(self.literals.get(para, {}).get(IP4.paragraphNumber, [])), None) if para else None
            out.append(
                {
                    "claim": curie(claim),
                    "claim_iri": str(claim),
                    "document": curie(doc) if doc is not None else None,
                    "document_iri": str(doc) if doc is not None else None,
                    "document_label": self.label(doc) if doc is not None else None,
                    "document_url": self.url(doc),
                    "paragraph": curie(para) if para is not None else None,
                    "paragraph_number": int(number) if isinstance(number, Literal) and str(number).isdigit() else None,
                    "quote": quote,
                    "certainty": local_name(certainty) if certainty is not None else None,
                }
            )
        return out


def _is_dataset(source: Graph) -> bool:
    """Whether ``source`` has named graphs (a Dataset or ConjunctiveGraph)."""
    return isinstance(source, Dataset) or bool(getattr(source, "context_aware", False))


def _quads(source: Graph) -> Iterator[tuple[Node, Node, Node, Node | None]]:
    """(s, p, o, graph id) for a Dataset/ConjunctiveGraph, graph id ``None`` for a plain Graph."""
    if _is_dataset(source):
        for s, p, o, g in source.quads((None, None, None, None)):  # type: ignore[attr-defined]
            yield s, p, o, (g.identifier if isinstance(g, Graph) else g)
    else:
        for s, p, o in source:
            yield s, p, o, None


def _period(values: Mapping[URIRef, list[Node]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pred, key in _DATE_PREDICATES.items():
        vals = values.get(pred)
        if vals:
            out[key] = str(sorted(vals, key=str)[0])
    start = out.get("start_date") or out.get("date") or out.get("not_before") or out.get("not_after")
    out["start_year"] = year_of(start)
    out["end_year"] = year_of(out.get("end_date"))
    return out


# --------------------------------------------------------------------------- projection


def project(
    source: Graph,
    *,
    context: Graph | None = None,
    config: ProjectionConfig = DEFAULT_CONFIG,
) -> nx.MultiDiGraph:
    """Project RDF onto a :class:`networkx.MultiDiGraph`.

    Args:
        source: where the edges come from. A :class:`rdflib.Dataset` contributes
            its claim graphs, ``ip4g:entities`` and any other data graph (never
            the ontology, provenance or links graphs; ``ip4g:inferred`` only if
            ``config.include_inferred``). A plain :class:`rdflib.Graph` (say,
            a CONSTRUCT result) contributes all its triples.
        context: where labels, classes, dates and provenance are looked up
            (default: ``source``). Pass the full dataset when ``source`` is a
            query result.
        config: which predicates and classes to keep.

    Returns:
        The multigraph; ``graph.graph`` holds ``{"edge_count_hedged": ...,
        "edge_count_denied": ...}``.
    """
    ctx = _Context.build(context if context is not None else source)
    if context is not None and context is not source:
        # The result graph may describe resources the context does not (labels, types).
        extra = _Context.build(source)
        for node, types in extra.types.items():
            ctx.types[node] |= types
        for node, labels in extra.labels.items():
            if node not in ctx.labels:
                ctx.labels[node] = labels
    is_dataset = _is_dataset(source)
    skip_graphs = {GRAPH_ONTOLOGY, GRAPH_PROVENANCE, GRAPH_LINKS}
    if not config.include_inferred:
        skip_graphs.add(GRAPH_INFERRED)

    graph = nx.MultiDiGraph()
    excluded: dict[Node, bool] = {}

    def keep(node: Node) -> bool:
        if not isinstance(node, URIRef) or _is_vocabulary(node):
            return False
        if node not in excluded:
            excluded[node] = ctx.is_instance_of_any(node, config.exclude_classes)
        return not excluded[node]

    def add_node(node: URIRef) -> str:
        key = str(node)
        if key not in graph:
            graph.add_node(key, **_node_attributes(ctx, node))
        return key

    # 1. plain triples
    seen_triples: set[tuple[Node, Node, Node]] = set()
    for s, p, o, g in _quads(source):
        if is_dataset and g in skip_graphs:
            continue
        if (s, p, o) in seen_triples:
            continue
        if isinstance(o, Literal) or not isinstance(p, URIRef) or not config.is_edge_predicate(p):
            continue
        if not (keep(s) and keep(o)):
            continue
        seen_triples.add((s, p, o))
        u, v = add_node(s), add_node(o)  # type: ignore[arg-type]
        graph.add_edge(
            u,
            v,
            key=curie(p),
            **_edge_attributes(ctx, p, certainty="Stated", claims=ctx.claims_of.get((s, p, o), [])),
        )

    # 2. hedged (reified) statements and denied (negative property) assertions
    for bnode, props in _special_bnodes(source, is_dataset, skip_graphs):
        types = set(props.get(RDF.type, []))
        if RDF.Statement in types and config.include_hedged:
            s, p, o = (_first(props, RDF.subject), _first(props, RDF.predicate), _first(props, RDF.object))
            certainty_term = _first(props, IP4.certainty)
            certainty = local_name(certainty_term) if certainty_term is not None else "Unclear"
            kind = "denied" if certainty == "Denied" else "hedged"
        elif OWL.NegativePropertyAssertion in types and config.include_denied:
            s = _first(props, OWL.sourceIndividual)
            p = _first(props, OWL.assertionProperty)
            o = _first(props, OWL.targetIndividual)
            certainty, kind = "Denied", "denied"
        else:
            continue
        if s is None or p is None or o is None or not isinstance(p, URIRef):
            continue
        if kind == "denied" and not config.include_denied:
            continue
        if not config.is_edge_predicate(p) or not (keep(s) and keep(o)):
            continue
        u, v = add_node(s), add_node(o)  # type: ignore[arg-type]
        attrs = _edge_attributes(ctx, p, certainty=certainty, claims=ctx.bnode_graphs.get(bnode, ()))
        negated = _first(props, IP4.negated)
        hedge = _first(props, IP4.hedge)
        claimed_by = props.get(IP4.claimedBy, [])
        attrs.update(
            negated=bool(negated.toPython()) if isinstance(negated, Literal) else False,
            hedge=str(hedge) if hedge is not None else None,
            claimed_by=[ctx.label(c) for c in claimed_by],
        )
        own = _period(props)
        if own["start_year"] is not None:
            attrs.update(own)
        graph.add_edge(u, v, key=f"{curie(p)}|{kind}", **attrs)

    # 3. isolated entities
    if config.include_isolated and context is None:
        for node, types in list(ctx.types.items()):
            if any(str(t).startswith(str(IP4)) for t in types) and keep(node):
                add_node(node)  # type: ignore[arg-type]

    _date_edges_from_relations(graph, ctx, config)
    graph.graph["edge_count_hedged"] = sum(1 for *_, d in graph.edges(data=True) if d["uncertain"])
    graph.graph["edge_count_denied"] = sum(1 for *_, d in graph.edges(data=True) if d["denied"])
    return graph


def _first(props: Mapping[URIRef, list[Node]], pred: URIRef) -> Node | None:
    values = props.get(pred)
    return values[0] if values else None


def _special_bnodes(
    source: Graph, is_dataset: bool, skip_graphs: set[Node]
) -> Iterator[tuple[BNode, dict[URIRef, list[Node]]]]:
    props: dict[BNode, dict[URIRef, list[Node]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o, g in _quads(source):
        if not isinstance(s, BNode) or (is_dataset and g in skip_graphs):
            continue
        props[s][p].append(o)  # type: ignore[index]
    for bnode, values in props.items():
        types = set(values.get(RDF.type, []))
        if RDF.Statement in types or OWL.NegativePropertyAssertion in types:
            yield bnode, values


def _node_attributes(ctx: _Context, node: URIRef) -> dict[str, Any]:
    cls = ctx.most_specific_class(node)
    attrs: dict[str, Any] = {
        "iri": str(node),
        "curie": curie(node),
        "label": ctx.label(node),
        "class": curie(cls) if cls is not None else None,
        "class_label": ctx.label(cls) if cls is not None else "Thing",
        "classes": [curie(c) for c in ctx.ip4_classes(node)],
        "comment": _pick_label(ctx.comments.get(node, ())),
        "group": ctx.group(node),
        "same_as": sorted(str(x) for x in ctx.same_as.get(node, ())),
        "url": ctx.url(node),
    }
    values = ctx.literals.get(node, {})
    attrs.update(_period(values))
    extra: dict[str, Any] = {}
    for pred, objs in sorted(values.items(), key=lambda kv: str(kv[0])):
        if pred in _DATE_PREDICATES:
            continue
        vals = [_python_value(o) if not _is_vocabulary(o) else ctx.label(o) for o in objs]
        extra[curie(pred)] = vals[0] if len(vals) == 1 else sorted(map(str, vals))
    attrs["attributes"] = extra
    return attrs


def _edge_attributes(
    ctx: _Context, predicate: URIRef, *, certainty: str, claims: Iterable[Node]
) -> dict[str, Any]:
    return {
        "predicate": str(predicate),
        "curie": curie(predicate),
        "label": ctx.label(predicate),
        "certainty": certainty,
        "uncertain": certainty not in ("Stated", "Denied"),
        "denied": certainty == "Denied",
        "negated": False,
        "hedge": None,
        "claimed_by": [],
        "start_year": None,
        "end_year": None,
        "sources": ctx.sources(claims),
    }


def _date_edges_from_relations(graph: nx.MultiDiGraph, ctx: _Context, config: ProjectionConfig) -> None:
    """Give a direct triple the period of an n-ary relationship node linking both its ends."""
    relations = [
        n
        for n, d in graph.nodes(data=True)
        if d.get("start_year") is not None and ctx.is_instance_of_any(URIRef(n), config.relation_classes)
    ]
    for rel in relations:
        # only the parties the relationship names (ip4:partner, ip4:member...), not whatever else
        # points at it (the IP4 "complements" the NATO-Japan partnership: its members are not dated by it)
        neighbours = {
            v for _, v, key in graph.out_edges(rel, keys=True) if key.split("|")[0] in RELATION_ROLES
        }
        data = graph.nodes[rel]
        for a, b in itertools.permutations(neighbours, 2):
            for _, attrs in graph.get_edge_data(a, b, default={}).items():
                if attrs.get("start_year") is None:
                    attrs.update(
                        {k: data[k] for k in _PERIOD_KEYS if k in data}
                    )
                    attrs["period_from"] = data["curie"]


def project_query(
    dataset: Graph,
    query: str,
    *,
    bindings: Mapping[str, Node] | None = None,
    config: ProjectionConfig = DEFAULT_CONFIG,
    name: str = "query",
) -> nx.MultiDiGraph:
    """Run a CONSTRUCT or DESCRIBE query on ``dataset`` and project its result.

    Labels, classes and provenance are looked up in ``dataset``.

    Raises:
        QueryError: the query is malformed or does not return a graph.
    """
    try:
        result = dataset.query(query, initBindings=dict(bindings or {}))
    except Exception as exc:  # rdflib raises pyparsing and assorted errors
        raise QueryError(f"query {name!r} failed: {exc}", hint="check the SPARQL syntax") from exc
    if result.type not in ("CONSTRUCT", "DESCRIBE") or result.graph is None:
        raise QueryError(
            f"query {name!r} is a {result.type} query; a graph needs CONSTRUCT or DESCRIBE",
            hint="write a CONSTRUCT query that returns the triples to draw",
        )
    return project(result.graph, context=dataset, config=config)


def neighbourhood(
    graph: nx.MultiDiGraph, node: str, *, depth: int = 1, hub_limit: int | None = None
) -> nx.MultiDiGraph:
    """The subgraph within ``depth`` hops of ``node``, following edges in either direction.

    With ``hub_limit``, hops after the first do not pass *through* a node with
    more than ``hub_limit`` neighbours (the hub itself is kept): in a small
    world every node is two hops from every other through its hubs, and a
    depth that reaches everything limits nothing. ``None`` follows every node.

    Raises:
        ParameterError: ``depth`` or ``hub_limit`` is negative.
        EntityNotFound: ``node`` is not in ``graph``.
    """
    if depth < 0:
        raise ParameterError(f"depth must be 0 or more, not {depth}")
    if hub_limit is not None and hub_limit < 0:
        raise ParameterError(f"hub_limit must be 0 or more, not {hub_limit}")
    if node not in graph:
        raise EntityNotFound(f"{node} is not in the graph", hint="check the entity's IRI or label")
    undirected = graph.to_undirected(as_view=True)
    distance = {node: 0}
    frontier = [node]
    for hop in range(depth):
        following: list[str] = []
        for current in frontier:
            neighbours = set(undirected.neighbors(current)) - {current}
            if hop > 0 and hub_limit is not None and len(neighbours) > hub_limit:
                continue
            for other in sorted(neighbours):
                if other not in distance:
                    distance[other] = hop + 1
                    following.append(other)
        frontier = following
    result = graph.subgraph(distance).copy()
    result.graph.update(graph.graph, focus=node, depth=depth, hub_limit=hub_limit)
    for n, d in distance.items():
        result.nodes[n]["distance"] = d
    return result


#: The groups of :mod:`ip4graph.classgroups` the partnership network keeps, and the classes it adds.
PARTNERSHIP_GROUPS: frozenset[str] = frozenset({"state", "organisation", "agreement"})
PARTNERSHIP_CLASSES: frozenset[str] = frozenset({"ip4:Summit"})


def partnership_network(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The partnership network: states, groupings, organisations, agreements and summits, linked.

    Keeps the nodes of :data:`PARTNERSHIP_GROUPS` or :data:`PARTNERSHIP_CLASSES`
    that have at least one link among themselves, with those links.
    """
    keep = [
        n
        for n, d in graph.nodes(data=True)
        if d.get("group") in PARTNERSHIP_GROUPS or set(d.get("classes") or ()) & PARTNERSHIP_CLASSES
    ]
    sub = graph.subgraph(keep)
    linked = [n for n in keep if any(u != v for u, v in itertools.chain(sub.in_edges(n), sub.out_edges(n)))]
    result = graph.subgraph(linked).copy()
    result.graph.update(graph.graph, scope="partnership")
    return result


# --------------------------------------------------------------------------- resolution


def resolve_node(graph: nx.MultiDiGraph, text: str) -> str:
    """Find a node of a projected graph by IRI, CURIE or label (case-insensitive).

    Raises:
        EntityNotFound: nothing, or more than one node, matches.
    """
    text = text.strip()
    if text in graph:
        return text
    wanted = text.casefold()
    for attr in ("curie", "label"):
        hits = [n for n, d in graph.nodes(data=True) if str(d.get(attr, "")).casefold() == wanted]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise EntityNotFound(
                f"{text!r} names more than one node: {', '.join(sorted(graph.nodes[h]['curie'] for h in hits))}",
                hint="give the CURIE instead",
            )
    raise EntityNotFound(f"{text!r} is not in the graph", hint="give an IRI, a CURIE or a label")


# --------------------------------------------------------------------------- analytics


def _simple_undirected(graph: nx.MultiDiGraph) -> nx.Graph:
    """Collapse parallel and opposite edges into one undirected edge weighted by their count."""
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    for u, v in graph.edges():
        if u == v:
            continue
        if simple.has_edge(u, v):
            simple[u][v]["weight"] += 1
        else:
            simple.add_edge(u, v, weight=1)
    return simple


@dataclass(frozen=True, slots=True)
class CentralityRow:
    """Centrality scores of one node."""

    node: str
    curie: str
    label: str
    cls: str | None
    degree: int
    degree_centrality: float
    betweenness: float
    eigenvector: float

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["class"] = data.pop("cls")
        return data


def centrality(
    graph: nx.MultiDiGraph, *, top: int | None = None, sort_by: str = "betweenness"
) -> list[CentralityRow]:
    """Degree, betweenness and eigenvector centrality of every node, best first.

    Centrality is computed on the undirected simple graph (parallel edges
    collapsed); ``degree`` counts the multigraph's edges in both directions.

    Raises:
        ParameterError: ``sort_by`` is not one of the score names.
    """
    keys = {"degree", "degree_centrality", "betweenness", "eigenvector"}
    if sort_by not in keys:
        raise ParameterError(f"cannot sort by {sort_by!r}", hint=f"use one of {', '.join(sorted(keys))}")
    simple = _simple_undirected(graph)
    if simple.number_of_nodes() == 0:
        return []
    degree_c = nx.degree_centrality(simple)
    between = nx.betweenness_centrality(simple, normalized=True)
    eigen = _eigenvector(simple)
    rows = [
        CentralityRow(
            node=n,
            curie=d.get("curie", n),
            label=d.get("label", n),
            cls=d.get("class"),
            degree=graph.degree(n),
            degree_centrality=round(degree_c[n], 6),
            betweenness=round(between[n], 6),
            eigenvector=round(eigen.get(n, 0.0), 6),
        )
        for n, d in graph.nodes(data=True)
    ]
    rows.sort(key=lambda r: (-getattr(r, sort_by), r.label.casefold()))
    return rows[:top] if top is not None else rows


def _eigenvector(simple: nx.Graph) -> dict[str, float]:
    """Eigenvector centrality per connected component, scaled by component size (always converges)."""
    scores: dict[str, float] = {}
    total = simple.number_of_nodes()
    for comp in nx.connected_components(simple):
        if len(comp) == 1:
            scores.update(dict.fromkeys(comp, 0.0))
            continue
        sub = simple.subgraph(comp)
        try:
            part = nx.eigenvector_centrality(sub, max_iter=1000, tol=1e-08)
        except nx.PowerIterationFailedConvergence:
            # bipartite components oscillate; a shifted matrix (A + I) converges
            shifted = nx.Graph(sub)
            shifted.add_edges_from((n, n) for n in shifted)
            part = nx.eigenvector_centrality(shifted, max_iter=1000, tol=1e-06)
        factor = len(comp) / total
        scores.update({n: v * factor for n, v in part.items()})
    return scores


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a path: ``source`` is connected to ``target`` by ``predicates``.

    ``direction`` is ``"forward"`` when the triple reads source → target and
    ``"inverse"`` when it reads target → source.
    """

    source: str
    source_label: str
    target: str
    target_label: str
    predicate: str
    predicate_label: str
    direction: str
    certainty: str

    def __str__(self) -> str:
        mark = "" if self.certainty == "Stated" else f" ({self.certainty.lower()})"
        if self.direction == "forward":
            return f"{self.source_label} —{self.predicate_label}{mark}→ {self.target_label}"
        return f"{self.source_label} ←{self.predicate_label}{mark}— {self.target_label}"


def connections(
    graph: nx.MultiDiGraph,
    source: str,
    target: str,
    *,
    max_length: int = 6,
    limit: int = 10,
) -> list[list[Hop]]:
    """The shortest paths between two nodes, following edges in either direction.

    Returns up to ``limit`` paths of at most ``max_length`` hops, shortest first;
    each hop names the predicate (the first stated one if several connect the pair).

    Raises:
        EntityNotFound: a node is not in the graph.
        ParameterError: ``max_length`` or ``limit`` is below 1.
    """
    for node in (source, target):
        if node not in graph:
            raise EntityNotFound(f"{node} is not in the graph")
    if max_length < 1 or limit < 1:
        raise ParameterError("max_length and limit must be at least 1")
    simple = _simple_undirected(graph)
    paths: list[list[Hop]] = []
    if source == target:
        return paths
    try:
        for nodes in nx.shortest_simple_paths(simple, source, target):
            if len(nodes) - 1 > max_length or len(paths) >= limit:
                break
            paths.append([_hop(graph, a, b) for a, b in itertools.pairwise(nodes)])
    except nx.NetworkXNoPath:
        pass
    return paths


def _hop(graph: nx.MultiDiGraph, a: str, b: str) -> Hop:
    candidates = [(0, k, d) for k, d in graph.get_edge_data(a, b, default={}).items()]
    candidates += [(1, k, d) for k, d in graph.get_edge_data(b, a, default={}).items()]
    candidates.sort(key=lambda c: (c[2]["certainty"] != "Stated", c[0], c[1]))
    inverse, _, data = candidates[0]
    return Hop(
        source=a,
        source_label=graph.nodes[a].get("label", a),
        target=b,
        target_label=graph.nodes[b].get("label", b),
        predicate=data["curie"],
        predicate_label=data["label"],
        direction="inverse" if inverse else "forward",
        certainty=data["certainty"],
    )


@dataclass(frozen=True, slots=True)
class Community:
    """A community (Louvain, fixed seed): its members, best connected first."""

    index: int
    size: int
    members: list[str]
    labels: list[str]


def communities(graph: nx.MultiDiGraph, *, seed: int = 42, resolution: float = 1.0) -> list[Community]:
    """Louvain communities of the undirected graph, largest first (deterministic for a seed)."""
    simple = _simple_undirected(graph)
    if simple.number_of_nodes() == 0:
        return []
    parts = nx.community.louvain_communities(simple, weight="weight", seed=seed, resolution=resolution)
    degree = dict(simple.degree())
    ordered = sorted(
        (sorted(p, key=lambda n: (-degree[n], graph.nodes[n].get("label", n))) for p in parts),
        key=lambda members: (-len(members), graph.nodes[members[0]].get("label", "")),
    )
    return [
        Community(
            index=i,
            size=len(members),
            members=[graph.nodes[n].get("curie", n) for n in members],
            labels=[graph.nodes[n].get("label", n) for n in members],
        )
        for i, members in enumerate(ordered, start=1)
    ]


@dataclass(frozen=True, slots=True)
class BridgeReport:
    """Bridges (edges whose removal disconnects the graph) and cut vertices (nodes whose removal does)."""

    bridges: list[tuple[str, str]]
    cut_vertices: list[str]


def bridges(graph: nx.MultiDiGraph) -> BridgeReport:
    """The bridges and cut vertices of the undirected graph, as labels, sorted.

    A doubled link (two predicates between the same pair) is not a bridge.
    """
    multi = nx.MultiGraph()
    multi.add_nodes_from(graph.nodes)
    multi.add_edges_from((u, v) for u, v in graph.edges() if u != v)
    label = lambda n: graph.nodes[n].get("label", n)  # noqa: E731
    edges = sorted(tuple(sorted((label(u), label(v)), key=str.casefold)) for u, v in nx.bridges(multi))
    cuts = sorted((label(n) for n in nx.articulation_points(nx.Graph(multi))), key=str.casefold)
    return BridgeReport(bridges=[(a, b) for a, b in edges], cut_vertices=cuts)


def to_json(value: Any) -> str:
    """JSON text of analytics results (dataclasses, lists of them, dicts)."""

    def default(obj: Any) -> Any:
        if hasattr(obj, "to_dict"):
            return obj.to_dict()
        if hasattr(obj, "__dataclass_fields__"):
            return asdict(obj)
        raise TypeError(f"cannot serialise {type(obj).__name__}")

    return json.dumps(value, default=default, ensure_ascii=False, indent=2)


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    """A plain-text table with aligned columns (no dependency on a table library)."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
