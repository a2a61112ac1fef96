"""The ontology: versioned, documented in English and French, aligned, inside OWL 2 RL."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ip4graph import resources
from ip4graph.namespaces import IP4, ONTOLOGY_IRI

STANDARD = ("http://www.w3.org/ns/org#", "http://www.w3.org/ns/prov#", "http://www.w3.org/2006/time#",
            "http://www.w3.org/2004/02/skos/core#", "http://purl.org/dc/terms/", "https://schema.org/",
            "http://xmlns.com/foaf/0.1/")


def onto() -> Graph:
    return Graph().parse(resources.ontology_path())


def terms(g: Graph) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {s for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(str(IP4))}


def test_versioned_ontology():
    g = onto()
    o = URIRef(ONTOLOGY_IRI)
    assert (o, RDF.type, OWL.Ontology) in g
    assert g.value(o, OWL.versionIRI) is not None
    assert g.value(o, OWL.versionInfo) is not None


def test_every_term_has_english_and_french_labels_and_a_comment():
    g = onto()
    ts = terms(g)
    assert len(ts) > 100
    for t in ts:
        langs = {l.language for l in g.objects(t, RDFS.label)}
        assert {"en", "fr"} <= langs, t
        assert g.value(t, RDFS.comment) is not None, t


def test_alignment_to_standard_vocabularies():
    g = onto()
    used = {str(o) for p in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass)
            for o in g.objects(None, p)}
    for ns in STANDARD:
        if ns == "http://www.w3.org/2006/time#":
            continue  # OWL-Time is used in the data model docs, not as a superclass
        assert any(u.startswith(ns) for u in used), ns


def test_inside_owl2_rl_no_property_chains():
    g = onto()
    assert not list(g.triples((None, OWL.propertyChainAxiom, None)))
    # no existential restrictions in superclass position either
    for restriction in g.subjects(RDF.type, OWL.Restriction):
        assert not list(g.triples((restriction, OWL.someValuesFrom, None)))


def test_property_characteristics_are_used():
    g = onto()
    for kind in (OWL.SymmetricProperty, OWL.TransitiveProperty):
        assert list(g.subjects(RDF.type, kind)), kind
    assert len(list(g.triples((None, OWL.inverseOf, None)))) >= 10


def test_every_ip4_term_used_in_data_is_declared(dataset):
    g = onto()
    declared = {s for s in g.subjects() if str(s).startswith(str(IP4))}
    used = set()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        for t in (s, p, o):
            if isinstance(t, URIRef) and str(t).startswith(str(IP4)):
                used.add(t)
    assert used - declared == set()


def test_committed_reference_is_up_to_date():
    from pathlib import Path

    from ip4graph.loader import load_graph
    from ip4graph.reference import generate_reference

    committed = (Path(__file__).resolve().parent.parent / "docs" / "reference.md").read_text(encoding="utf-8")
    assert committed == generate_reference(load_graph(resources.ontology_path())), \
        "docs/reference.md is stale: run `ip4graph docs -o docs/reference.md`"


# --- 1.1.0 (issue 16) ----------------------------------------------------------------------------

def test_version_is_1_1_0():
    g = onto()
    o = URIRef(ONTOLOGY_IRI)
    assert str(g.value(o, OWL.versionInfo)) == "1.1.0"
    assert str(g.value(o, OWL.versionIRI)).endswith("/1.1.0")


def test_owl_time_is_not_advertised_when_unused():
    text = resources.ontology_path().read_text(encoding="utf-8")
    import re
    assert "http://www.w3.org/2006/time#" not in text and not re.search(r"\btime:[A-Za-z]", text)


def test_data_does_not_contradict_borrowed_domains_and_ranges(dataset):
    from conftest import ask
    # org:postIn's range is org:Organization: posts point at states with ip4:postIn instead
    assert not ask(dataset, "ASK { ?post org:postIn ?x }")
    assert ask(dataset, "ASK { ip4d:post-pm-japan ip4:postIn ip4d:japan }")
    # ip4:locatedIn (⊑ schema:containedInPlace) only on places; organisations and audiences use ip4:basedIn
    assert not ask(dataset, """ASK { ?x ip4:locatedIn ?r . FILTER NOT EXISTS { ?x a/rdfs:subClassOf* ip4:Place } }""")
    assert ask(dataset, "ASK { ip4d:nato ip4:basedIn ip4d:north-atlantic-area }")
    g = onto()
    # ip4:attributedTo links a factor (a SKOS concept) to a side: not a prov:wasAttributedTo
    assert (IP4.attributedTo, RDFS.subPropertyOf, URIRef("http://www.w3.org/ns/prov#wasAttributedTo")) not in g
    assert (IP4.OfficeTerm, RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#Membership")) not in g


def test_has_interest_has_a_range_the_data_keeps(reasoned):
    from conftest import ask
    assert (IP4.hasInterest, RDFS.range, URIRef("http://www.w3.org/2004/02/skos/core#Concept")) in onto()
    # every asserted object of ip4:hasInterest is a concept of the ontology's classes (not a partnership,
    # a factor recognised as a problem, or a challenge worked on)
    assert not ask(reasoned, """ASK { GRAPH ?c { ?a ip4:hasInterest ?x } FILTER(STRSTARTS(STR(?c), STR(ip4c:)))
        FILTER NOT EXISTS { ?x a/rdfs:subClassOf* ?k . VALUES ?k { ip4:Topic ip4:Challenge ip4:Principle } } }""")
    assert not ask(reasoned, "ASK { ?a ip4:hasInterest ?p . ?p a ip4:Partnership }")


def test_every_term_and_scheme_value_is_labelled_in_four_languages():
    g = onto()
    labelled = {s for s in g.subjects(RDFS.label, None) if str(s).startswith(str(IP4))}
    assert terms(g) <= labelled and len(labelled) > 200
    for t in labelled:
        langs = sorted(l.language for l in g.objects(t, RDFS.label))
        assert langs == ["en", "fr", "ja", "ko"], (t, langs)
    # Japanese labels are written in Japanese script, Korean ones in Hangul
    import re
    for t in labelled:
        for l in g.objects(t, RDFS.label):
            if l.language == "ja":
                assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", str(l)), (t, l)
            if l.language == "ko":
                assert re.search(r"[\uac00-\ud7a3]", str(l)), (t, l)
