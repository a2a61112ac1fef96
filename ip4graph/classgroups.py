"""About ten top-level groups of the ontology's classes, each with a fixed colour and shape.

Every page that draws the graph (``ip4graph viz``, the timeline, the server)
styles a node by its *group*, not by its class: a class belongs to the first
group (in :data:`GROUPS` order) whose anchor classes include the class itself
or one of its superclasses in the ontology's class tree. The order settles the
classes with two parents: ``ip4:State`` is both an ``ip4:Actor`` and an
``ip4:Place`` and is drawn as a state.

Colours and shapes belong to the group, so they are the same in every file
and never depend on which classes a page happens to contain.

>>> group_of_class(IP4.Summit).key
'event'
>>> group_of_class(IP4.State).key, group_of_class(IP4.Region).key
('state', 'place')
>>> group_of_class(IP4.Alliance).color == group_of_class(IP4.InformalGrouping).color
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .namespaces import IP4

__all__ = ["GROUPS", "OTHER", "ClassGroup", "group_by_key", "group_of_class", "group_of_types", "ontology_tree"]


@dataclass(frozen=True, slots=True)
class ClassGroup:
    """A group of classes drawn alike: ``key`` (stable id), label, colour, vis-network shape, legend glyph."""

    key: str
    label: str
    anchors: tuple[URIRef, ...]
    color: str
    shape: str
    glyph: str

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "label": self.label, "color": self.color, "shape": self.shape, "glyph": self.glyph}


#: The groups, in the order a class is tested against them (first match wins).
GROUPS: tuple[ClassGroup, ...] = (
    ClassGroup("state", "States", (IP4.State,), "#1f4e9c", "dot", "\u25cf"),
    ClassGroup("organisation", "Organisations and groupings", (IP4.Organization,), "#c0392b", "diamond", "\u25c6"),
    ClassGroup("person", "People and posts", (IP4.Person, IP4.Post, IP4.Actor), "#8e44ad", "dot", "\u25cf"),
    ClassGroup(
        "agreement",
        "Agreements and frameworks",
        (IP4.Agreement, IP4.AgreementElement, IP4.AgreementStatus, IP4.PartnershipFramework, IP4.Mechanism),
        "#1e8449", "square", "\u25a0",
    ),
    ClassGroup("relationship", "Partnerships and relationships", (IP4.Relationship,), "#16a085", "hexagon", "\u2b22"),
    ClassGroup("event", "Events, summits and missions", (IP4.Event,), "#d35400", "triangle", "\u25b2"),
    ClassGroup("threat", "Threats and challenges", (IP4.Challenge,), "#7b241c", "triangleDown", "\u25bc"),
    ClassGroup(
        "interest",
        "Interests, areas and ideas",
        (IP4.Topic, IP4.Benefit, IP4.Factor, IP4.Principle, IP4.Recommendation, IP4.Audience),
        "#b7950b", "star", "\u2605",
    ),
    ClassGroup("place", "Places and regions", (IP4.Place,), "#2e86c1", "square", "\u25a0"),
    ClassGroup(
        "source",
        "Sources and provenance",
        (IP4.SourceDocument, IP4.DocumentSeries, IP4.SourceParagraph, IP4.Claim, IP4.CertaintyLevel,
         IP4.Disagreement),
        "#5d6d7e", "box", "\u25ad",
    ),
)
#: Anything no group anchors (classes from other vocabularies, untyped resources).
OTHER = ClassGroup("other", "Other", (), "#95a5a6", "dot", "\u25cb")

_BY_KEY = {g.key: g for g in (*GROUPS, OTHER)}


def group_by_key(key: str) -> ClassGroup:
    """The group called ``key`` (:data:`OTHER` for an unknown key)."""
    return _BY_KEY.get(key, OTHER)


@cache
def ontology_tree() -> Mapping[URIRef, frozenset[URIRef]]:
    """Each class of the shipped ontology with all its superclasses (read once)."""
    from .resources import ontology_path

    graph = Graph()
    graph.parse(ontology_path(), format="turtle")
    return superclass_closure(graph)


def superclass_closure(graph: Graph) -> dict[URIRef, frozenset[URIRef]]:
    """Every class named in ``graph`` with all its (transitive) named superclasses."""
    parents: dict[URIRef, set[URIRef]] = defaultdict(set)
    for cls in graph.subjects(RDF.type, OWL.Class):
        if isinstance(cls, URIRef):
            parents[cls]  # noqa: B018 - make sure parentless classes are listed
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            parents[sub].add(sup)
    out: dict[URIRef, frozenset[URIRef]] = {}
    for cls in list(parents):
        seen: set[URIRef] = set()
        todo = list(parents[cls])
        while todo:
            nxt = todo.pop()
            if nxt not in seen:
                seen.add(nxt)
                todo.extend(parents.get(nxt, ()))
        out[cls] = frozenset(seen)
    return out


def group_of_class(cls: URIRef | None, tree: Mapping[URIRef, Iterable[URIRef]] | None = None) -> ClassGroup:
    """The group of ``cls``, by its place in ``tree`` (default: the shipped ontology)."""
    if cls is None:
        return OTHER
    tree = ontology_tree() if tree is None else tree
    lineage = {cls, *tree.get(cls, ())}
    for group in GROUPS:
        if lineage.intersection(group.anchors):
            return group
    return OTHER


def group_of_types(types: Iterable[URIRef], tree: Mapping[URIRef, Iterable[URIRef]] | None = None) -> ClassGroup:
    """The group of a resource with these ``rdf:type`` values: the earliest group any of them falls in."""
    found = [group_of_class(t, tree) for t in types]
    order = {g.key: i for i, g in enumerate(GROUPS)}
    ranked = sorted((g for g in found if g is not OTHER), key=lambda g: order[g.key])
    return ranked[0] if ranked else OTHER
