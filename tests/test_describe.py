"""The VoID/DCAT description states what the data holds (checked against independent counts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, VOID

import ip4graph
from ip4graph.cli import main
from ip4graph.describe import DATASET_IRI, describe, statistics
from ip4graph.errors import EndpointError
from ip4graph.export import ExportFormat
from ip4graph.namespaces import DBR, IP4, IP4C, IP4D, WD

D = DATASET_IRI
MINIMAL = Path(__file__).resolve().parent / "data" / "valid" / "minimal.trig"


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return ip4graph.load()


@pytest.fixture(scope="module")
def void(shipped: Dataset) -> Graph:
    return describe(shipped, endpoint="http://127.0.0.1:8000/sparql")


def _int(g: Graph, s, p) -> int:
    v = g.value(s, p)
    assert isinstance(v, Literal), (s, p)
    return int(v)



def test_counts_match_the_data(shipped: Dataset, void: Graph) -> None:
    union = {(s, p, o) for s, p, o, _ in shipped.quads((None, None, None, None))}
    assert _int(void, D, VOID.triples) == len(union)
    assert _int(void, D, VOID.distinctSubjects) == len({s for s, _, _ in union})
    assert _int(void, D, VOID.properties) == len({p for _, p, _ in union})
    assert _int(void, D, VOID.classes) == len({o for _, p, o in union if p == RDF.type})
    assert _int(void, D, VOID.entities) == len({s for s, _, _ in union
                                               if isinstance(s, URIRef) and str(s).startswith(str(IP4D))})
    assert str(void.value(D, VOID.uriSpace)) == str(IP4D)


def test_class_and_property_partitions(shipped: Dataset, void: Graph) -> None:
    union = {(s, p, o) for s, p, o, _ in shipped.quads((None, None, None, None))}
    states = len({s for s, p, o in union if p == RDF.type and o == IP4.State})
    parts = {void.value(cp, VOID["class"]): _int(void, cp, VOID.entities) for cp in void.objects(D, VOID.classPartition)}
    assert parts[IP4.State] == states > 0
    props = {void.value(pp, VOID.property): _int(void, pp, VOID.triples) for pp in void.objects(D, VOID.propertyPartition)}
    assert props[OWL.sameAs] == len({t for t in union if t[1] == OWL.sameAs})
    assert sum(props.values()) == _int(void, D, VOID.triples)


def test_linksets_count_the_links(shipped: Dataset, void: Graph) -> None:
    def count(pred, ns) -> int:
        return len({(s, o) for s, o in shipped.subject_objects(pred) if str(o).startswith(str(ns))})

    found = {}
    for ls in void.subjects(RDF.type, VOID.Linkset):
        target = str(void.value(void.value(ls, VOID.objectsTarget), VOID.uriSpace))
        found[(target, void.value(ls, VOID.linkPredicate))] = _int(void, ls, VOID.triples)
        assert void.value(ls, VOID.subjectsTarget) == D
        assert (D, VOID.subset, ls) in void
    assert found[(str(WD), OWL.sameAs)] == count(OWL.sameAs, WD) > 0
    assert found[(str(DBR), OWL.sameAs)] == count(OWL.sameAs, DBR) > 0
    assert found[(str(DBR), RDFS.seeAlso)] == count(RDFS.seeAlso, DBR)


def test_vocabularies_sources_licence_endpoint(shipped: Dataset, void: Graph) -> None:
    vocabularies = set(void.objects(D, VOID.vocabulary))
    assert {URIRef(str(IP4)), URIRef(str(RDFS)), URIRef("http://www.w3.org/ns/prov#")} <= vocabularies
    docs = set(shipped.subjects(RDF.type, IP4.SourceDocument))
    assert set(void.objects(D, DCTERMS.source)) == docs and docs
    onto = URIRef("https://w3id.org/ip4graph/ontology")
    assert void.value(D, DCTERMS.license) == shipped.value(onto, DCTERMS.license)
    assert void.value(D, VOID.sparqlEndpoint) == URIRef("http://127.0.0.1:8000/sparql")
    service = void.value(D, DCAT.accessService)
    assert void.value(service, DCAT.endpointURL) == URIRef("http://127.0.0.1:8000/sparql")
    media = {str(void.value(dist, DCTERMS["format"])) for dist in void.objects(D, DCAT.distribution)}
    assert media == {f.media_type for f in ExportFormat}


def test_claim_graphs_subset(shipped: Dataset, void: Graph) -> None:
    claims = [c for c in shipped.graphs() if str(c.identifier).startswith(str(IP4C)) and len(c)]
    sub = URIRef(f"{D}/claims")
    assert _int(void, sub, VOID.documents) == len(claims)
    assert _int(void, sub, VOID.triples) == sum(len(c) for c in claims)


def test_description_follows_the_data() -> None:
    """Not written by hand: a different dataset gives a different description."""
    small = ip4graph.load([MINIMAL], ontology=False)
    g = describe(small)
    assert _int(g, D, VOID.triples) == len(small)
    assert not list(g.subjects(RDF.type, VOID.Linkset))
    assert statistics(small)["linksets"] == {}


def test_bad_endpoint_is_refused(shipped: Dataset) -> None:
    with pytest.raises(EndpointError):
        describe(shipped, endpoint="javascript:alert(1)")


def test_cli_describe(tmp_path: Path) -> None:
    out = tmp_path / "void.ttl"
    res = CliRunner().invoke(main, ["describe", "--endpoint", "http://127.0.0.1:8000/sparql", "-o", str(out)])
    assert res.exit_code == 0, res.output
    g = Graph().parse(out, format="turtle")
    assert (D, RDF.type, VOID.Dataset) in g and (D, RDF.type, DCAT.Dataset) in g


def test_partition_iris_are_the_same_in_every_process():
    """void.ttl used to mint new IRIs on every build for terms of unknown namespaces (Python's hash())."""
    import subprocess
    import sys

    code = "from rdflib import URIRef; from ip4graph.describe import _slug; print(_slug(URIRef('http://example.org/v#T')))"
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout for seed in ("1", "2")}
    assert len(outs) == 1 and outs.pop().strip().startswith("x-")


def test_dcat_ap_fields(shipped: Dataset, void: Graph) -> None:
    """What DCAT-AP requires or recommends of a dataset and of each distribution."""
    from rdflib.namespace import FOAF

    vcard = "http://www.w3.org/2006/vcard/ns#"
    publisher = void.value(D, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in void and void.value(publisher, FOAF.name) is not None
    contact = void.value(D, DCAT.contactPoint)
    assert (contact, RDF.type, URIRef(vcard + "Kind")) in void and void.value(contact, URIRef(vcard + "fn"))
    assert void.value(D, DCTERMS.issued) == next(shipped.objects(URIRef("https://w3id.org/ip4graph/ontology"),
                                                                   DCTERMS.created))
    keywords = {str(k) for k in void.objects(D, DCAT.keyword)}
    members = {str(lab) for m in shipped.subjects(IP4.memberOf, IP4D.ip4)
               for lab in shipped.objects(m, RDFS.label) if lab.language == "en"}
    assert members and members <= keywords
    assert set(void.objects(D, DCAT.theme))
    dists = list(void.objects(D, DCAT.distribution))
    assert dists
    for dist in dists:
        assert void.value(dist, DCAT.accessURL) == URIRef("http://127.0.0.1:8000/sparql")
        assert void.value(dist, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    # Without an endpoint or downloads, the access URL is the dereferenceable dataset IRI; with downloads, the file.
    bare = describe(shipped)
    assert {bare.value(x, DCAT.accessURL) for x in bare.objects(D, DCAT.distribution)} == {D}
    hosted = describe(shipped, download_base="https://example.org/dl")
    for dist in hosted.objects(D, DCAT.distribution):
        assert hosted.value(dist, DCAT.accessURL) == hosted.value(dist, DCAT.downloadURL)
