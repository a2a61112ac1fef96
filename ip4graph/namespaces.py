"""Namespaces used throughout ip4graph, and the prefixes predeclared in queries."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, TIME, XSD

#: The ontology (classes and properties).
IP4 = Namespace("https://w3id.org/ip4graph/ontology#")
#: Entities: actors, agreements, events, regions, concepts, source documents.
IP4D = Namespace("https://w3id.org/ip4graph/id/")
#: Claim graphs: one named graph per quoted piece of evidence.
IP4C = Namespace("https://w3id.org/ip4graph/claim/")
#: System graphs: ontology, entities, links, provenance, inferred.
IP4G = Namespace("https://w3id.org/ip4graph/graph/")

WD = Namespace("http://www.wikidata.org/entity/")
DBR = Namespace("http://dbpedia.org/resource/")

ONTOLOGY_IRI = "https://w3id.org/ip4graph/ontology"

GRAPH_ONTOLOGY = IP4G["ontology"]
GRAPH_ENTITIES = IP4G["entities"]
GRAPH_LINKS = IP4G["links"]
GRAPH_PROVENANCE = IP4G["provenance"]
GRAPH_INFERRED = IP4G["inferred"]
GRAPH_ENRICHMENT = IP4G["enrichment"]

#: Graphs that are not claim graphs (they are described in ``docs/modelling.md``).
SYSTEM_GRAPHS = frozenset(
    {GRAPH_ONTOLOGY, GRAPH_ENTITIES, GRAPH_LINKS, GRAPH_PROVENANCE, GRAPH_INFERRED, GRAPH_ENRICHMENT}
)

#: Prefixes predeclared for every query (named or ad hoc) and used when serialising.
PREFIXES: dict[str, Namespace] = {
    "ip4": IP4,
    "ip4d": IP4D,
    "ip4c": IP4C,
    "ip4g": IP4G,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "prov": Namespace(str(PROV)),
    "org": Namespace(str(ORG)),
    "time": Namespace(str(TIME)),
    "schema": Namespace(str(SDO)),
    "foaf": Namespace(str(FOAF)),
    "sh": Namespace(str(SH)),
    "wd": WD,
    "dbr": DBR,
}


def bind_prefixes(graph: object) -> None:
    """Bind :data:`PREFIXES` on an rdflib graph or dataset."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)  # type: ignore[attr-defined]
