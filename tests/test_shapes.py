"""SHACL shapes: the shipped data and the valid fixtures conform; each invalid fixture
fails with the error written in its header, on the focus node it names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ip4graph.loader import load
from ip4graph.validation import ReportFormat, validate

DATA = Path(__file__).parent / "data"
BASE = DATA / "valid" / "minimal.trig"
INVALID = sorted((DATA / "invalid").glob("*.trig"))


def header(path: Path, key: str) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(rf"# {key}: (.*)", line)
        if m:
            return m[1].strip()
    raise AssertionError(f"{path.name} has no '# {key}:' header")


def test_shipped_data_conforms(dataset):
    report = validate(dataset)
    assert report.conforms, report.text()
    assert report.violations == [] or all(v.severity != "Violation" for v in report.violations)


@pytest.mark.parametrize("path", sorted((DATA / "valid").glob("*.trig")), ids=lambda p: p.name)
def test_valid_fixtures_conform(path: Path):
    report = validate(load([path]))
    assert report.conforms, report.text()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_fixture_fails_with_its_expected_error(path: Path):
    expected, focus = header(path, "expect"), header(path, "focus")
    report = validate(load([BASE, path]))
    assert not report.conforms
    matching = [v for v in report.violations if expected in v.message]
    assert matching, f"expected {expected!r}; got:\n{report.text()}"
    assert any(v.focus == focus for v in matching), [v.focus for v in matching]
    human = report.text(ReportFormat.HUMAN)
    assert focus in human and "fix:" in human
    # the same failure is in the W3C report graph
    ttl = report.text(ReportFormat.TURTLE)
    assert "sh:conforms false" in ttl


def test_every_invalid_fixture_breaks_only_on_top_of_a_valid_base():
    assert validate(load([BASE])).conforms
    assert len(INVALID) >= 10


def test_table_format_lists_every_violation():
    report = validate(load([BASE, DATA / "invalid" / "missing-label.trig"]))
    table = report.text(ReportFormat.TABLE)
    assert "ip4d:unlabelled" in table
    assert f"{len(report.violations)} result(s); conforms: False" in table


def test_every_named_entity_and_concept_of_the_shipped_data_has_four_languages(dataset):
    # the shape's own target classes, asked directly: no entity or concept lacks en, fr, ja or ko
    rows = list(dataset.query("""
        PREFIX ip4: <https://w3id.org/ip4graph/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?s ?lang WHERE {
            ?s a/rdfs:subClassOf* ?c .
            VALUES ?c { ip4:Actor ip4:Event ip4:Relationship ip4:Agreement ip4:Place ip4:SourceDocument
                        ip4:Challenge ip4:Topic ip4:Recommendation ip4:Audience skos:ConceptScheme }
            VALUES ?lang { "en" "fr" "ja" "ko" }
            FILTER(STRSTARTS(STR(?s), "https://w3id.org/ip4graph/id/"))
            FILTER NOT EXISTS { ?s rdfs:label ?l . FILTER(LANGMATCHES(LANG(?l), ?lang)) }
        }"""))
    assert rows == []
    n = dataset.query("""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s rdfs:label ?l . FILTER(LANG(?l) = "ko")
        FILTER(STRSTARTS(STR(?s), "https://w3id.org/ip4graph/id/")) }""")
    assert int(next(iter(n))[0]) >= 200


def test_threats_are_concepts_of_a_scheme(dataset):
    rows = list(dataset.query("""
        PREFIX ip4: <https://w3id.org/ip4graph/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?t WHERE { ?t a ip4:Threat . FILTER NOT EXISTS { ?t skos:inScheme <https://w3id.org/ip4graph/id/scheme-threats> } }"""))
    assert rows == []


def test_us_china_competition_is_not_labelled_confrontation(dataset):
    from rdflib import URIRef
    from rdflib.namespace import RDFS
    labels = {l.language: str(l) for l in dataset.objects(URIRef("https://w3id.org/ip4graph/id/us-china-competition"), RDFS.label)}
    assert labels["ja"] == "米中競争" and labels["ko"] == "미중 경쟁"


def test_link_fixes_of_issue_16(dataset):
    from rdflib import URIRef
    from rdflib.namespace import OWL, SKOS
    D, WD = "https://w3id.org/ip4graph/id/", "http://www.wikidata.org/entity/"
    same = lambda e: {str(o) for o in dataset.objects(URIRef(D + e), OWL.sameAs)}
    assert WD + "Q877399" in same("north-atlantic-treaty")
    assert WD + "Q127031" in same("taiwan-strait")
    assert WD + "Q3606816" in same("jacinda-ardern")
    assert WD + "Q7942" in same("area-climate-change") and WD + "Q125928" not in same("area-climate-change")
    # no orphan disinformation node: the link sits on the node the facts use
    assert same("threat-disinformation") == set()
    assert WD + "Q189656" in {str(o) for o in dataset.objects(URIRef(D + "threat-russia-disinformation"), SKOS.broadMatch)}


def test_japanese_and_korean_labels_are_in_their_scripts(dataset):
    import re
    from rdflib.namespace import RDFS
    n = 0
    for s, l in dataset.subject_objects(RDFS.label):
        if not str(s).startswith("https://w3id.org/ip4graph/id/"):
            continue
        if l.language == "ja":
            n += 1
            assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", str(l)), (s, l)
        elif l.language == "ko":
            assert re.search(r"[\uac00-\ud7a3]", str(l)), (s, l)
    assert n >= 200
