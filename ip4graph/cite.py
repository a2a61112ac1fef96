"""Which claims support a query's answer, row by row.

Every fact of the shipped data sits in a *claim graph* whose provenance (the
document, the paragraph, the quote, the certainty) is in ``ip4g:provenance``
(see ``docs/modelling.md``). A result row is a handful of values; the claims
that support it are the claim graphs that state *that row's facts*, decided in
this order (``docs/citations.md`` has examples):

1. **the row names its claims**: a claim IRI in a column, or a hedged
   statement's node, is cited by that claim alone;
2. **the row's own values**: a claim links two of them when it holds

   * a triple between them, in either direction, whatever the predicate;
   * a hedged statement (``rdf:Statement``) or a denial
     (``owl:NegativePropertyAssertion``) whose subject and object they are;
   * two triples meeting in a blank node or an n-ary relationship
     (``ip4:Relationship``: partnerships, memberships);

   an IRI of an aggregated list (``GROUP_CONCAT``) is linked to the row's
   first entity only (what the list was grouped by); a literal of the row
   is linked by the claims giving it to one of the row's entities (or to a
   relationship one of them is in), and a date or a text that only one claim
   states cites that claim when it mentions one of the row's entities;
3. **the query's entities** (IRIs in its text, parameters bound to IRIs) join
   only when the row's values alone link nothing: then pairs of a row value and
   a query entity count; a row with no entity of its own is cited by the claims
   linking the query's entities;
4. **narrowing**: properties in the row (a ``?predicate`` column) and then the
   properties the query names pick, among the claims linking a pair, those that
   state one of them (or a sub-property or inverse of one); a row showing a
   claim's quote is cited by that claim; a row naming source documents is cited
   from those documents when it can be.

Vocabulary terms (``ip4:``, ``rdf:``, ``owl:``...) are never entities. It needs
nothing of the query but its text, so ad-hoc SPARQL is cited like a named
query. Triples inferred by the reasoner are not in any claim graph: a row that
rests only on inferences has no citation (``ip4graph why`` explains an
inference down to its sources).

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
_STATEMENT_PARTS = frozenset({RDF.subject, RDF.predicate, RDF.object, OWL.sourceIndividual,
                              OWL.assertionProperty, OWL.targetIndividual, OWL.targetValue})
#: (subject, property, object) of a hedged statement and of a denial (an OWL negative property assertion)
_STATEMENT_SHAPES = ((RDF.subject, RDF.predicate, RDF.object),
                     (OWL.sourceIndividual, OWL.assertionProperty, OWL.targetIndividual),
                     (OWL.sourceIndividual, OWL.assertionProperty, OWL.targetValue))
_XSD = "http://www.w3.org/2001/XMLSchema#"
#: Numbers and booleans: as likely computed by a query (a count) as read from a text.
_COMPUTED = frozenset(URIRef(_XSD + t) for t in ("integer", "decimal", "double", "float", "int", "long", "short",
                                                 "nonNegativeInteger", "positiveInteger", "boolean"))
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
        #: (subject, literal) -> the claims stating that the subject has that literal value
        self.values: dict[tuple[Node, Literal], set[URIRef]] = defaultdict(set)
        #: literal -> the claims stating it, whatever the subject (hedges, dates of n-ary nodes)
        self.literals: dict[Literal, set[URIRef]] = defaultdict(set)
        #: the text of a quote -> the claims quoting it
        self.quotes: dict[str, set[URIRef]] = defaultdict(set)
        #: claim -> every IRI its graph mentions as a subject or an object
        self.mentions: dict[URIRef, set[Node]] = defaultdict(set)
        #: blank node (a hedged statement, a denial, an n-ary node) -> the claims whose graph holds it
        self.holding: dict[BNode, set[URIRef]] = defaultdict(set)
        #: claim -> the document it was quoted from
        self.documents: dict[URIRef, Node] = {}
        #: the documents claims were quoted from
        self.sources: set[Node] = set()
        #: property -> the properties whose triples also state it (itself, sub-properties, inverses)
        self.implied_by: dict[Node, set[Node]] = {}
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
        index._spread_relationship_values(dataset, types, relation_classes)
        index._read_properties(dataset)
        index._read_provenance(dataset)
        return index

    def _spread_relationship_values(
        self, dataset: Graph, types: Mapping[Node, set[Node]], relation_classes: frozenset[Node]
    ) -> None:
        """A claim dating a relationship (``ip4d:partnership-nato-japan ip4:startDate 1990``) also
        gives that value to the relationship's ends (Japan, NATO), wherever those are stated."""
        for (node, lit), claims in list(self.values.items()):
            if not (types.get(node, set()) & relation_classes):
                continue
            ends = {o for _, o in dataset.predicate_objects(node) if _is_anchor(o)}
            ends |= {s for s, _ in dataset.subject_predicates(node) if _is_anchor(s)}
            for end in ends:
                self.values[(end, lit)] |= claims

    def _add_claim_graph(
        self, claim: URIRef, graph: Graph, types: Mapping[Node, set[Node]], relation_classes: frozenset[Node]
    ) -> None:
        around: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        statements: dict[Node, dict[Node, Node]] = defaultdict(dict)
        given: dict[Node, set[Literal]] = defaultdict(set)  # subject -> its literal values
        mentions = self.mentions[claim]
        for s, p, o in graph:
            if p in _STATEMENT_PARTS:
                statements[s][p] = o
            if _is_anchor(s):
                mentions.add(s)
            elif isinstance(s, BNode):
                self.holding[s].add(claim)
            if p in _SKIP_PREDICATES:
                continue
            if isinstance(o, Literal):
                self.values[(s, o)].add(claim)
                self.literals[o].add(claim)
                given[s].add(o)
                continue
            if _is_anchor(o):
                mentions.add(o)
            if p in _STATEMENT_PARTS:
                continue
            if s != o:
                self.pairs[frozenset((s, o))][claim].add(p)
            around[s][o].add(p)
            around[o][s].add(p)
        for node, parts in statements.items():
            for subj, pred, obj in _STATEMENT_SHAPES:
                if subj in parts and obj in parts:  # a hedged statement or a denial: the pair and its property
                    self.pairs[frozenset((parts[subj], parts[obj]))][claim].add(parts.get(pred, RDF.Statement))
                    around.pop(node, None)  # its parts are not an n-ary relationship's ends
        for middle, ends in around.items():
            if isinstance(middle, BNode) or types.get(middle, set()) & relation_classes:
                for a, b in itertools.combinations(sorted(ends, key=str), 2):
                    self.pairs[frozenset((a, b))][claim] |= ends[a] | ends[b]
                for end in ends:  # a partnership's start date is also the partner's, in this claim
                    for lit in given.get(middle, ()):
                        self.values[(end, lit)].add(claim)

    def _read_properties(self, dataset: Graph) -> None:
        """Which properties state which: ``ip4:partnerOf`` also states its super-property
        ``ip4:cooperatesWith``, ``ip4:memberOf`` its inverse ``ip4:hasMember``."""
        sub: dict[Node, set[Node]] = defaultdict(set)  # super -> direct sub-properties and inverses
        for s, o in dataset.subject_objects(RDFS.subPropertyOf):
            sub[o].add(s)
        for s, o in dataset.subject_objects(OWL.inverseOf):
            sub[s].add(o)
            sub[o].add(s)
        for prop in list(sub):
            seen, todo = {prop}, [prop]
            while todo:
                for q in sub.get(todo.pop(), ()):
                    if q not in seen:
                        seen.add(q)
                        todo.append(q)
            self.implied_by[prop] = seen

    def _read_provenance(self, dataset: Graph) -> None:
        prov = dataset.graph(GRAPH_PROVENANCE) if isinstance(dataset, Dataset) else dataset
        claims = {c for by_claim in self.pairs.values() for c in by_claim} | {
            c for graphs in self.values.values() for c in graphs
        } | set(self.mentions)
        for claim in claims:
            doc = prov.value(claim, PROV.wasQuotedFrom)
            para = prov.value(claim, IP4.paragraph)
            certainty = prov.value(claim, IP4.certainty)
            quote = _pick(prov.objects(claim, IP4.quote))
            for text in prov.objects(claim, IP4.quote):
                self.quotes[str(text)].add(claim)
            if doc is not None:
                self.documents[claim] = doc
                self.sources.add(doc)
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

    def _linking(self, a: Node, b: Node, wanted: Sequence[set[Node]]) -> set[URIRef]:
        """The claims linking ``a`` and ``b``: those stating one of the first non-empty ``wanted``
        sets of properties that any of them states, else all of them."""
        by_claim = self.pairs.get(frozenset((a, b)), {})
        for preds in wanted:
            strong = {c for c, used in by_claim.items() if used & preds}
            if strong:
                return strong
        return set(by_claim)

    def supporting(
        self, values: Iterable[Node], *, context: Iterable[URIRef] = (), predicates: Iterable[URIRef] = ()
    ) -> list[Citation]:
        """The claims that support a row with these ``values`` in a query naming ``context`` (sorted).

        The rules are in the module documentation: a claim the row names cites it alone;
        else the claims linking the row's own values (two of them, or one and a literal of
        the row); only when those link nothing, the claims linking a row value to an entity
        the query names (``context``). With ``predicates`` (the properties the query names),
        or properties among the row's values, a pair linked by one of them is cited by those
        claims only. A row naming source documents is cited from those documents when it can be.
        """
        row = list(values)
        single = [v for v in row if _is_anchor(v) or isinstance(v, BNode)]
        lists = {v: _iris_in(v) for v in row if isinstance(v, Literal) and _iris_in(v)}
        listed = sorted({i for iris in lists.values() for i in iris if _is_anchor(i)} - set(single), key=str)
        own_iris = {v for v in row if isinstance(v, URIRef)} | {i for iris in lists.values() for i in iris}
        literals = [v for v in row if isinstance(v, Literal) and v not in lists]
        named = ({v for v in single if v in self.citations}
                 or {c for v in single if isinstance(v, BNode) for c in self.holding.get(v, ())})
        if named:  # the row is about these claims (a claim IRI or a statement node in a column)
            return self._ordered(named)
        vocabulary = {v for v in context if isinstance(v, URIRef) and not _is_anchor(v)}
        fixed = sorted({v for v in context if _is_anchor(v)} - set(single) - set(listed), key=str)
        wanted = [self._implied({v for v in own_iris if not _is_anchor(v)}),
                  self._implied(set(predicates) | vocabulary)]
        anchors = list(dict.fromkeys(single))  # in column order: the first is what a list was grouped by
        found: set[URIRef] = set()
        for a, b in itertools.combinations(anchors, 2):
            found |= self._linking(a, b, wanted)
        for b in listed:  # an aggregated list belongs to the row's first entity (what it was grouped by)
            found |= self._linking(anchors[0], b, wanted) if anchors else set()
        found |= self._literal_claims([*anchors, *listed], literals, around={*anchors, *listed, *fixed})
        if not found and (anchors or listed):  # the row's values alone link nothing: the query's entities join them
            for a in [*anchors, *listed]:
                for b in fixed:
                    found |= self._linking(a, b, wanted)
            found |= self._literal_claims(fixed, literals, around=set())
        elif not found:  # a row without entities of its own is about the entities the query names
            for a, b in itertools.combinations(fixed, 2):
                found |= self._linking(a, b, wanted)
            found |= self._literal_claims(fixed, literals, around=set(fixed))
        quoted = {c for v in literals if v.datatype is None for c in self.quotes.get(str(v), ())}
        if quoted:  # the row shows the quote of these claims: they are its source
            return self._ordered((found & quoted) or quoted)
        documents = {v for v in own_iris if v in self.sources}
        from_them = {c for c in found if self.documents.get(c) in documents}
        return self._ordered(from_them or found)

    def _implied(self, props: set[Node]) -> set[Node]:
        out: set[Node] = set()
        for p in props:
            out |= self.implied_by.get(p, {p})
        return out

    def _literal_claims(self, anchors: Iterable[Node], literals: Sequence[Literal], *, around: set[Node]) -> set[URIRef]:
        """Claims giving a literal of the row to one of ``anchors`` (or to a relationship one is in);
        and, for a date or a text, the only claim stating it, when that claim mentions something in
        ``around``."""
        found: set[URIRef] = set()
        for lit in literals:
            for anchor in anchors:
                found |= self.values.get((anchor, lit), set())
            stating = self.literals.get(lit, set())
            if len(stating) == 1 and around and not _is_number(lit):
                (claim,) = stating
                if self.mentions.get(claim, set()) & around:
                    found.add(claim)
        return found

    def _ordered(self, claims: Iterable[URIRef]) -> list[Citation]:
        return [self.citations[c] for c in sorted(claims, key=str) if c in self.citations]

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


def _is_number(lit: Literal) -> bool:
    """A number or a boolean: as likely computed by the query (a count) as read from a text."""
    return lit.datatype in _COMPUTED


def _iris_in(v: Node) -> list[URIRef]:
    """The IRIs a cell holds: the IRI itself, or those of a space-separated list (a GROUP_CONCAT)."""
    from .results import _iris_in as cell_iris

    return cell_iris(v)


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
