"""Which claims support a query's answer, row by row.

Every fact of the shipped data sits in a *claim graph* whose provenance (the
document, the paragraph, the quote, the certainty) is in ``ip4g:provenance``
(see ``docs/modelling.md``). A result row is a handful of values; the claims
that support it are the claim graphs that *link those values*:

1. the row's **anchors** are its IRI values, plus the entities the query
   itself names (IRIs written in the query text and parameters bound as
   IRIs), leaving out vocabulary terms (``ip4:``, ``rdf:``, ``owl:``...);
2. a claim graph supports the row when it holds

   * a triple between two anchors, in either direction, whatever the
     predicate (``ip4d:japan ip4:memberOf ip4d:ip4``);
   * a hedged statement (``rdf:Statement``) whose subject and object are
     both anchors;
   * two triples that meet in one intermediate node that is a blank node or
     an n-ary relationship (an ``ip4:Relationship``: partnerships,
     memberships), each with an anchor at its other end;
   * a triple from an anchor to a literal that is also a value of the row
     (a date, a number) - so a row with one entity and its date is cited
     by the claims that give the date;

3. when the query names properties (``ip4:partnerOf``) and some of the
   claims linking a pair use one of them, only those cite the pair: a row
   of ``?a ip4:partnerOf ?b`` is cited by the claims that say they are
   partners, not by every claim that mentions both.

It needs nothing of the query but its text, so ad-hoc SPARQL is cited like a
named query. Triples inferred by the reasoner are not in any claim graph: a
row that rests only on inferences has no citation (``ip4graph why`` explains
an inference down to its sources).

>>> from ip4graph.cite import CitationIndex
>>> import ip4graph
>>> index = CitationIndex.build(ip4graph.load())
>>> from ip4graph.namespaces import IP4D
>>> [c.claim for c in index.supporting([IP4D.japan, IP4D.ip4])][:1]
['ip4c:brief-p2-ip4-members']
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SKOS
from rdflib.term import Node

from .classgroups import ontology_tree
from .namespaces import GRAPH_PROVENANCE, IP4, IP4C

__all__ = [
    "CITATION_VARS", "Citation", "CitationIndex", "citation_cells", "cited_query", "query_iris", "query_vocabulary",
]

#: The columns :meth:`ip4graph.results.QueryResult.cite` adds, in order.
CITATION_VARS = ("cite_claims", "cite_sources", "cite_paragraphs", "cite_quotes", "cite_certainty")
#: How several claims share one cell of those columns.
JOINER = " | "

_VOCABULARIES = (str(IP4), str(RDF), str(RDFS), str(OWL), str(SKOS), str(PROV), str(DCTERMS),
                 "http://www.w3.org/2001/XMLSchema#", "http://www.w3.org/ns/shacl#", str(SDO), str(FOAF))
_SKIP_PREDICATES = frozenset({RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel, RDFS.comment})
_URL_PREDICATES = (FOAF.page, SDO.url, DCTERMS.source, IP4.url)


@dataclass(frozen=True, slots=True)
class Citation:
    """One claim behind a row: where it was read and in which words."""

    claim: str
    claim_iri: str
    source: str | None
    source_iri: str | None
    source_url: str | None
    paragraph: int | None
    quote: str | None
    certainty: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = self.source or self.source_iri or "?"
        if self.paragraph is not None:
            where += f", paragraph {self.paragraph}"
        quote = f"\u201c{self.quote}\u201d " if self.quote else ""
        return f"{quote}({where}; {self.certainty or 'certainty not given'})"


def _is_anchor(term: Node) -> bool:
    return isinstance(term, URIRef) and not str(term).startswith(_VOCABULARIES)


def _curie(iri: str) -> str:
    from .namespaces import PREFIXES

    for prefix, ns in PREFIXES.items():
        if iri.startswith(str(ns)) and len(iri) > len(str(ns)):
            return f"{prefix}:{iri[len(str(ns)):]}"
    return iri


def query_iris(text: str) -> frozenset[URIRef]:
    """The entity IRIs a SPARQL query names (vocabulary terms left out); empty if it does not parse.

    >>> sorted(query_iris("SELECT ?m WHERE { ?m ip4:memberOf ip4d:ip4 }"))
    [rdflib.term.URIRef('https://w3id.org/ip4graph/id/ip4')]
    """
    return frozenset(t for t in _query_terms(text) if _is_anchor(t))


def query_vocabulary(text: str) -> frozenset[URIRef]:
    """The vocabulary IRIs (properties, classes) a SPARQL query names.

    >>> sorted(query_vocabulary("SELECT ?m WHERE { ?m ip4:memberOf ip4d:ip4 }"))
    [rdflib.term.URIRef('https://w3id.org/ip4graph/ontology#memberOf')]
    """
    return frozenset(t for t in _query_terms(text) if not _is_anchor(t))


def _query_terms(text: str) -> set[URIRef]:
    from rdflib.plugins.sparql import prepareQuery

    from .namespaces import PREFIXES

    try:
        prepared = prepareQuery(text, initNs=dict(PREFIXES))
    except Exception:  # a query that does not parse has no constants worth citing
        return frozenset()
    found: set[URIRef] = set()
    todo: list[Any] = [prepared.algebra]
    seen: set[int] = set()
    while todo:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, URIRef):
            found.add(item)
        elif isinstance(item, Mapping):
            todo.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            todo.extend(item)
    return found


class CitationIndex:
    """The claim graphs of a dataset indexed by the pairs of things they link (built once, read many times)."""

    def __init__(self) -> None:
        #: for each pair of linked things, each claim linking them and by which predicates
        self.pairs: dict[frozenset[Node], dict[URIRef, set[Node]]] = defaultdict(lambda: defaultdict(set))
        self.values: dict[tuple[Node, Literal], set[URIRef]] = defaultdict(set)
        self.citations: dict[URIRef, Citation] = {}

    @classmethod
    def build(cls, dataset: Graph) -> CitationIndex:
        """Index every claim graph (named ``ip4c:...``) of ``dataset`` and its provenance."""
        index = cls()
        relation_classes = _relation_classes()
        types: dict[Node, set[Node]] = defaultdict(set)
        for s, o in dataset.subject_objects(RDF.type):
            types[s].add(o)
        if isinstance(dataset, Dataset):
            graphs: Iterable[Graph] = dataset.graphs()
        else:
            graphs = dataset.contexts() if getattr(dataset, "context_aware", False) else []  # type: ignore[attr-defined]
        for graph in graphs:  # type: ignore[union-attr]
            claim = graph.identifier
            if not (isinstance(claim, URIRef) and str(claim).startswith(str(IP4C))):
                continue
            index._add_claim_graph(claim, graph, types, relation_classes)
        index._read_provenance(dataset)
        return index

    def _add_claim_graph(
        self, claim: URIRef, graph: Graph, types: Mapping[Node, set[Node]], relation_classes: frozenset[Node]
    ) -> None:
        around: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        statements: dict[Node, dict[Node, Node]] = defaultdict(dict)
        for s, p, o in graph:
            if p in (RDF.subject, RDF.object, RDF.predicate):
                statements[s][p] = o
                continue
            if p in _SKIP_PREDICATES:
                continue
            if isinstance(o, Literal):
                self.values[(s, o)].add(claim)
                continue
            if s != o:
                self.pairs[frozenset((s, o))][claim].add(p)
            around[s][o].add(p)
            around[o][s].add(p)
        for parts in statements.values():
            if RDF.subject in parts and RDF.object in parts:
                pair = frozenset((parts[RDF.subject], parts[RDF.object]))
                self.pairs[pair][claim].add(parts.get(RDF.predicate, RDF.Statement))
        for middle, ends in around.items():
            if isinstance(middle, BNode) or types.get(middle, set()) & relation_classes:
                for a, b in itertools.combinations(sorted(ends, key=str), 2):
                    self.pairs[frozenset((a, b))][claim] |= ends[a] | ends[b]

    def _read_provenance(self, dataset: Graph) -> None:
        prov = dataset.graph(GRAPH_PROVENANCE) if isinstance(dataset, Dataset) else dataset
        claims = {c for by_claim in self.pairs.values() for c in by_claim} | {
            c for graphs in self.values.values() for c in graphs
        }
        for claim in claims:
            doc = prov.value(claim, PROV.wasQuotedFrom)
            para = prov.value(claim, IP4.paragraph)
            certainty = prov.value(claim, IP4.certainty)
            quote = _pick(prov.objects(claim, IP4.quote))
            number = dataset.value(para, IP4.paragraphNumber) if para is not None else None
            url = next((str(u) for p in _URL_PREDICATES for u in dataset.objects(doc, p)), None) if doc else None
            self.citations[claim] = Citation(
                claim=_curie(str(claim)),
                claim_iri=str(claim),
                source=(_pick(dataset.objects(doc, RDFS.label)) or _pick(dataset.objects(doc, DCTERMS.title))) if doc else None,
                source_iri=str(doc) if doc is not None else None,
                source_url=url,
                paragraph=int(number) if isinstance(number, Literal) and str(number).isdigit() else None,
                quote=quote,
                certainty=str(certainty).rsplit("#", 1)[-1] if certainty is not None else None,
            )

    def supporting(
        self, values: Iterable[Node], *, context: Iterable[URIRef] = (), predicates: Iterable[URIRef] = ()
    ) -> list[Citation]:
        """The claims that support a row with these ``values`` in a query naming ``context`` (sorted).

        With ``predicates`` (the properties the query names), a pair linked by
        one of them is cited by those claims only; a pair linked otherwise
        keeps all its claims.
        """
        row = list(values)
        anchors = {v for v in (*row, *context) if _is_anchor(v)}
        literals = [v for v in row if isinstance(v, Literal)]
        wanted = set(predicates)
        found: set[URIRef] = set()
        for a, b in itertools.combinations(sorted(anchors, key=str), 2):
            by_claim = self.pairs.get(frozenset((a, b)), {})
            strong = {c for c, preds in by_claim.items() if preds & wanted}
            found |= strong or set(by_claim)
        for anchor in anchors:
            for lit in literals:
                found |= self.values.get((anchor, lit), set())
        return [self.citations[c] for c in sorted(found, key=str) if c in self.citations]

    def cite_rows(
        self,
        rows: Sequence[Sequence[Node | None]],
        *,
        context: Iterable[URIRef] = (),
        predicates: Iterable[URIRef] = (),
    ) -> list[list[Citation]]:
        """:meth:`supporting` for each row."""
        fixed, preds = list(context), list(predicates)
        return [self.supporting([v for v in row if v is not None], context=fixed, predicates=preds) for row in rows]


def _pick(literals: Iterable[Node]) -> str | None:
    ranked = sorted(
        (lit for lit in literals if isinstance(lit, Literal)),
        key=lambda lit: (0 if (lit.language or "").startswith("en") else 1 if not lit.language else 2, str(lit)),
    )
    return str(ranked[0]) if ranked else None


def _relation_classes() -> frozenset[Node]:
    tree = ontology_tree()
    return frozenset({IP4.Relationship} | {c for c, ancestors in tree.items() if IP4.Relationship in ancestors})


def citation_cells(citations: Sequence[Citation]) -> list[Literal | None]:
    """The values of the :data:`CITATION_VARS` columns for one row (``None`` when nothing supports it)."""
    if not citations:
        return [None] * len(CITATION_VARS)
    return [
        Literal(JOINER.join(c.claim for c in citations)),
        Literal(JOINER.join(c.source or c.source_iri or "" for c in citations)),
        Literal(JOINER.join("" if c.paragraph is None else str(c.paragraph) for c in citations)),
        Literal(JOINER.join(c.quote or "" for c in citations)),
        Literal(JOINER.join(c.certainty or "" for c in citations)),
    ]


def cited_query(name_or_sparql: str, *, kg: Any = None, view: Any = None, timeout: float | None = 30.0,
                index: CitationIndex | None = None, **params: object) -> Any:
    """Run a named query or SPARQL (as :func:`ip4graph.query`) and cite every row.

    The named query's text and its parameters (defaults included) are the
    context of the citations, as ``ip4graph query NAME --cite`` does.

    >>> from ip4graph.cite import cited_query
    >>> result = cited_query("ip4-members")
    >>> result.citations[0][0].claim
    'ip4c:brief-p2-ip4-members'
    """
    from .kg import default_graph

    graph = kg or default_graph()
    result = graph.query(name_or_sparql, params=params, view=view, timeout=timeout)
    if any(ch in name_or_sparql for ch in "{} \n?"):  # SPARQL text, not a query name
        text, bindings = name_or_sparql, {k: v for k, v in params.items() if isinstance(v, URIRef)}
    else:
        named = graph.named(name_or_sparql)
        text, bindings = named.text, named.bindings(graph.asserted, dict(params))
    return result.cite(graph.asserted, query=text, bindings=bindings, index=index)
