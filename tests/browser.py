"""Helpers for the graph and browser tests: a small sample dataset and headless Chromium.

The sample dataset follows ``docs/modelling.md``: entities in ``ip4g:entities``,
facts in claim graphs, provenance in ``ip4g:provenance``, one hedged statement,
one denied fact, dated relationships, and one entity whose label is an XSS probe.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from ip4graph.namespaces import GRAPH_ONTOLOGY, IP4, IP4D, bind_prefixes

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "ip4.ttl"
ARTIFACTS = ROOT / "build" / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
]

XSS_LABEL = "<img src=x onerror=alert(1)>"

SAMPLE_TRIG = """
@prefix ip4: <https://w3id.org/ip4graph/ontology#> .
@prefix ip4d: <https://w3id.org/ip4graph/id/> .
@prefix ip4c: <https://w3id.org/ip4graph/claim/> .
@prefix ip4g: <https://w3id.org/ip4graph/graph/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

ip4g:entities {
    ip4d:nato a ip4:Alliance , owl:NamedIndividual ; rdfs:label "NATO"@en , "OTAN"@fr .
    ip4d:ip4 a ip4:InformalGrouping ; rdfs:label "Indo-Pacific 4"@en ; skos:altLabel "IP4"@en .
    ip4d:japan a ip4:State , owl:NamedIndividual ; rdfs:label "Japan"@en , "日本"@ja ;
        rdfs:comment "An island state in East Asia."@en .
    ip4d:australia a ip4:State ; rdfs:label "Australia"@en .
    ip4d:new-zealand a ip4:State ; rdfs:label "New Zealand"@en .
    ip4d:south-korea a ip4:State ; rdfs:label "South Korea"@en , "대한민국"@ko .
    ip4d:north-korea a ip4:State ; rdfs:label "North Korea"@en .
    ip4d:china a ip4:State ; rdfs:label "China"@en .
    ip4d:russia a ip4:State ; rdfs:label "Russia"@en .
    ip4d:indo-pacific a ip4:Region ; rdfs:label "Indo-Pacific"@en .
    ip4d:summit-2024 a ip4:Summit ; rdfs:label "Washington Summit 2024"@en ;
        ip4:date "2024-07-10"^^xsd:date .
    ip4d:partnership-nato-japan a ip4:BilateralPartnership ;
        rdfs:label "NATO–Japan partnership"@en ;
        ip4:partner ip4d:japan ; ip4:partnerOrganization ip4d:nato ;
        ip4:notBefore "1990"^^xsd:gYear ; ip4:notAfter "1994"^^xsd:gYear ;
        ip4:dateDescription "early 1990s"@en .
    ip4d:agreement-2023 a ip4:PartnershipAgreement ; rdfs:label "2023 partnership agreement"@en ;
        ip4:date "2023-07"^^xsd:gYearMonth ; ip4:status ip4:Signed .
    ip4d:xss a ip4:State ; rdfs:label "<img src=x onerror=alert(1)>"@en ;
        rdfs:comment "<script>window.__pwned = true</script>"@en .
    ip4d:doc-brief a ip4:SourceDocument ; dcterms:title "NATO brief"@en .
}

ip4c:brief-p2-ip4-members {
    ip4d:australia ip4:memberOf ip4d:ip4 .
    ip4d:japan ip4:memberOf ip4d:ip4 .
    ip4d:south-korea ip4:memberOf ip4d:ip4 .
    ip4d:new-zealand ip4:memberOf ip4d:ip4 .
}
ip4c:brief-p3-partners {
    ip4d:japan ip4:partnerOf ip4d:nato .
    ip4d:new-zealand ip4:partnerOf ip4d:nato .
}
ip4c:brief-p5-summit {
    ip4d:japan ip4:participatedIn ip4d:summit-2024 .
    ip4d:summit-2024 ip4:organizedBy ip4d:nato .
    ip4d:agreement-2023 ip4:party ip4d:japan , ip4d:nato .
}
ip4c:brief-p6-threats {
    ip4d:north-korea ip4:hadTensionsWith ip4d:south-korea .
    ip4d:north-korea ip4:cooperatesWith ip4d:russia .
    ip4d:xss ip4:memberOf ip4d:ip4 .
}
ip4c:usip-p24-likely-china {
    [] a rdf:Statement ;
       rdf:subject ip4d:china ; rdf:predicate ip4:competesWith ; rdf:object ip4d:nato ;
       ip4:certainty ip4:Likely ; ip4:hedge "appears to" .
}
ip4c:brief-p4-no-presence {
    [] a owl:NegativePropertyAssertion ;
       owl:sourceIndividual ip4d:nato ;
       owl:assertionProperty ip4:plansPresenceIn ;
       owl:targetIndividual ip4d:indo-pacific .
}
ip4g:provenance {
    ip4c:brief-p2-ip4-members a ip4:Claim ; prov:wasQuotedFrom ip4d:doc-brief ;
        ip4:quote "Australia, Japan, South Korea and New Zealand <b>form</b> the IP4."@en ;
        ip4:certainty ip4:Stated .
    ip4c:brief-p3-partners a ip4:Claim ; prov:wasQuotedFrom ip4d:doc-brief ;
        ip4:quote "Japan and New Zealand are partners of NATO."@en ; ip4:certainty ip4:Stated .
    ip4c:brief-p5-summit a ip4:Claim ; prov:wasQuotedFrom ip4d:doc-brief ;
        ip4:quote "Japan attended the Washington summit."@en ; ip4:certainty ip4:Stated .
    ip4c:brief-p6-threats a ip4:Claim ; prov:wasQuotedFrom ip4d:doc-brief ;
        ip4:quote "<script>alert('quote')</script>"@en ; ip4:certainty ip4:Stated .
    ip4c:usip-p24-likely-china a ip4:Claim ; prov:wasQuotedFrom ip4d:doc-brief ;
        ip4:quote "China appears to compete with NATO."@en ; ip4:certainty ip4:Likely .
    ip4c:brief-p4-no-presence a ip4:Claim ; prov:wasQuotedFrom ip4d:doc-brief ;
        ip4:quote "NATO does not plan a presence in the Indo-Pacific."@en ; ip4:certainty ip4:Denied .
}
"""

#: Nodes and edges the default projection of the sample makes.
SAMPLE_NODES = 15  # 13 entities + the partnership + the agreement, minus the document
SAMPLE_EDGES = 16  # 14 plain triples + partner/partnerOrganization ... see test_network


def sample_dataset(*, with_ontology: bool = True) -> Dataset:
    """The small sample dataset (with the project's ontology in ``ip4g:ontology``)."""
    ds = Dataset(default_union=True)
    bind_prefixes(ds)
    ds.parse(data=SAMPLE_TRIG, format="trig")
    if with_ontology and ONTOLOGY.exists():
        ds.graph(GRAPH_ONTOLOGY).parse(ONTOLOGY, format="turtle")
    return ds


def big_dataset(nodes: int = 2000, *, edges_per_node: int = 2) -> Dataset:
    """A synthetic dataset of ``nodes`` states linked in a ring plus chords (for performance)."""
    ds = Dataset(default_union=True)
    ents = ds.graph(URIRef("https://w3id.org/ip4graph/graph/entities"))
    claim = ds.graph(URIRef("https://w3id.org/ip4graph/claim/big-p1-ring"))
    classes = [IP4.State, IP4.Summit, IP4.Region, IP4.Alliance]
    for i in range(nodes):
        node = IP4D[f"n{i}"]
        ents.add((node, RDF.type, classes[i % len(classes)]))
        ents.add((node, RDFS.label, Literal(f"Node {i}", lang="en")))
        for k in range(1, edges_per_node + 1):
            claim.add((node, IP4.cooperatesWith, IP4D[f"n{(i + k * 7) % nodes}"]))
    return ds


def chromium_or_fail() -> str:
    """The Chromium executable; fails the test (or skips it if IP4GRAPH_SKIP_BROWSER=1) if absent."""
    path = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    if path:
        return path
    if os.environ.get("IP4GRAPH_SKIP_BROWSER") == "1":
        pytest.skip("Chromium is not installed and IP4GRAPH_SKIP_BROWSER=1")
    pytest.fail(
        "Chromium is not installed at /usr/bin/chromium: run .ci/install-browser.sh "
        "(or set IP4GRAPH_SKIP_BROWSER=1 to skip the browser tests)",
        pytrace=False,
    )
