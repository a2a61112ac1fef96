"""The query layer's machinery: parameters, injection, errors, formats, timeouts, caching."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

import ip4graph
from ip4graph.catalog import load_catalog
from ip4graph.errors import EntityNotFound, ParameterError, QueryError, QueryTimeout
from ip4graph.kg import KnowledgeGraph, execute
from ip4graph.reasoning import Reasoning, cached_inferences, reasoning_input
from ip4graph.results import OutputFormat

DATA = Path(__file__).parent / "data"
MINIMAL = DATA / "valid" / "minimal.trig"
IP4D = "https://w3id.org/ip4graph/id/"


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> KnowledgeGraph:
    return KnowledgeGraph.open([MINIMAL], cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def custom_catalog(tmp_path_factory):
    d = tmp_path_factory.mktemp("catalog")
    (d / "members-of.rq").write_text(
        "# title: Members\n# question: Who is a member of the organisation?\n"
        "# param: org entity required -- the organisation\n"
        "SELECT ?m WHERE { ?m ip4:memberOf ?org }\n", encoding="utf-8")
    (d / "by-year.rq").write_text(
        "# title: Agreements by year\n# question: Which agreements were dated in a year?\n"
        "# param: year year 2016 -- the year\n"
        "SELECT ?a WHERE { ?a ip4:date ?d . FILTER(xsd:integer(SUBSTR(STR(?d), 1, 4)) = ?year) }\n",
        encoding="utf-8")
    (d / "labelled.rq").write_text(
        "# title: Labelled\n# question: What is labelled with this text?\n"
        "# param: text string Fixtureland -- the label\n"
        "SELECT ?e WHERE { ?e rdfs:label ?l . FILTER(STR(?l) = ?text) }\n", encoding="utf-8")
    return load_catalog(d)


@pytest.fixture(scope="module")
def kg_custom(small, custom_catalog) -> KnowledgeGraph:
    return KnowledgeGraph(small.asserted, small.inferred, catalog=custom_catalog)


def test_catalog_has_30_documented_queries():
    cat = load_catalog()
    assert len(cat) >= 30
    kinds = {q.kind for q in cat}
    assert {"lookup", "relational", "temporal", "multi-hop", "aggregate", "absence",
            "provenance", "uncertainty", "reasoning"} <= kinds
    for q in cat:
        assert q.title and q.question.endswith("?") or q.question.endswith("."), q.name
        assert q.examples, f"{q.name} has no example"
        for p in q.params:
            assert p.description


def test_entity_parameter_accepts_label_curie_and_iri(kg_custom):
    for value in ("Fixture Organisation", "organisation fixture", "フィクスチャー機構", "ip4d:fixture-org",
                  f"<{IP4D}fixture-org>", f"{IP4D}fixture-org"):
        rows = kg_custom.query("members-of", params={"org": value})
        assert [r.m for r in rows] == [URIRef(IP4D + "fixture-state")], value


def test_missing_parameter_is_named(kg_custom):
    with pytest.raises(ParameterError, match="needs parameter 'org'"):
        kg_custom.query("members-of")


def test_unknown_parameter_is_refused(kg_custom):
    with pytest.raises(ParameterError, match="no parameter 'organisation'") as info:
        kg_custom.query("members-of", params={"organisation": "x"})
    assert "org" in info.value.hint


def test_parameter_of_the_wrong_type(kg_custom):
    with pytest.raises(ParameterError, match="year must be of type year"):
        kg_custom.query("by-year", params={"year": "twenty sixteen"})
    assert [r.a for r in kg_custom.query("by-year", params={"year": "2016"})] == [URIRef(IP4D + "fixture-agreement")]


@pytest.mark.parametrize("evil", [
    'Fixtureland" } UNION { ?e ?p ?o } #',
    "x' } UNION { ?e ?p ?o }",
    "}} UNION {{ ?e ?p ?o }}",
    '") || true || ("',
])
def test_injection_attempts_are_inert(kg_custom, evil):
    # a string parameter is one literal: no extra rows, no syntax error
    assert len(kg_custom.query("labelled", params={"text": evil})) == 0
    # an entity parameter that matches no label is refused, never spliced
    with pytest.raises(EntityNotFound):
        kg_custom.query("members-of", params={"org": evil})


def test_unknown_query_suggests_close_names():
    with pytest.raises(QueryError) as info:
        ip4graph.load_catalog().get("ip4-membres")
    assert "ip4-members" in info.value.hint


def test_syntax_error_has_line_column_and_text(small):
    with pytest.raises(QueryError) as info:
        execute(small.asserted, "SELECT ?s WHERE {\n  ?s ip4:memberOf ?o\n  FILTER(?o = ) }", source="q.rq")
    err = info.value
    assert err.filename == "q.rq" and err.lineno == 3 and err.offset is not None
    assert "FILTER(?o = )" in err.excerpt


def test_timeout_stops_the_query_and_frees_the_worker(small):
    before = threading.active_count()
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    t0 = time.monotonic()
    with pytest.raises(QueryTimeout, match="longer than 0.5 s"):
        execute(small.asserted, heavy, timeout=0.5)
    assert time.monotonic() - t0 < 10
    deadline = time.monotonic() + 10
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() <= before


def test_select_formats_are_sparql_results(small):
    res = small.query("SELECT ?s ?l WHERE { ?s rdfs:label ?l } ORDER BY ?l")
    js = json.loads(res.serialize(OutputFormat.JSON))
    assert js["head"]["vars"] == ["s", "l"]
    assert {"type", "value"} <= set(js["results"]["bindings"][0]["s"])
    root = ET.fromstring(res.serialize(OutputFormat.XML))
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert len(root.findall(f"{ns}results/{ns}result")) == len(res)
    rows = list(csv.reader(io.StringIO(res.serialize(OutputFormat.CSV))))
    assert rows[0] == ["s", "l"] and len(rows) == len(res) + 1
    tsv = res.serialize(OutputFormat.TSV).splitlines()
    assert tsv[0] == "?s\t?l" and tsv[1].startswith("<https://")
    table = res.serialize(OutputFormat.TABLE)
    assert "Fixtureland" in table and f"({len(res)} rows)" in table
    with pytest.raises(QueryError, match="returns a table"):
        res.serialize(OutputFormat.TURTLE)


def test_ask_and_construct_formats(small):
    ask = small.query("ASK { ip4d:fixture-state ip4:memberOf ip4d:fixture-org }")
    assert ask.boolean is True and ask.serialize(OutputFormat.TABLE) == "yes"
    assert json.loads(ask.serialize(OutputFormat.JSON)) == {"head": {}, "boolean": True}
    con = small.query("CONSTRUCT { ?s ip4:memberOf ?o } WHERE { ?s ip4:memberOf ?o }")
    for fmt, parser in ((OutputFormat.TURTLE, "turtle"), (OutputFormat.NTRIPLES, "nt"), (OutputFormat.JSONLD, "json-ld")):
        back = Graph().parse(data=con.serialize(fmt), format=parser)
        assert isomorphic(back, con.graph), fmt
    with pytest.raises(QueryError, match="returns a graph"):
        con.serialize(OutputFormat.CSV)


def test_labels_in_tables_and_iris_on_request(small):
    res = small.query("SELECT ?s WHERE { ?s ip4:memberOf ?o }")
    assert "Fixtureland" in res.serialize(OutputFormat.TABLE)
    assert "ip4d:fixture-state" in res.serialize(OutputFormat.TABLE, iris=True)


def test_dataframe(small):
    df = small.query("SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER(LANG(?l) = 'en') } ORDER BY ?l").to_dataframe()
    assert list(df.columns) == ["s", "l"] and "Fixtureland" in set(df["l"])


def test_asserted_and_inferred_are_separable(small):
    q = "ASK { ip4d:fixture-org ip4:hasMember ip4d:fixture-state }"
    assert small.query(q, view=ip4graph.View.ALL).boolean is True
    assert small.query(q, view=ip4graph.View.ASSERTED).boolean is False
    inferred_graphs = [g.identifier for g in small.view().graphs() if str(g.identifier).endswith("/inferred")]
    assert inferred_graphs and not [g for g in small.asserted.graphs() if str(g.identifier).endswith("/inferred") and len(g)]


def test_reasoning_never_mutates_the_asserted_dataset(tmp_path):
    asserted = ip4graph.load([MINIMAL])
    before = set(asserted.quads((None, None, None, None)))
    source = reasoning_input(asserted)
    cached_inferences(source, profile=Reasoning.OWLRL, cache_dir=tmp_path)
    assert set(asserted.quads((None, None, None, None))) == before


def test_closure_cache_hit_miss_and_atomic_write(tmp_path):
    asserted = ip4graph.load([MINIMAL])
    source = reasoning_input(asserted)
    first, hit1 = cached_inferences(source, profile=Reasoning.OWLRL, cache_dir=tmp_path)
    second, hit2 = cached_inferences(source, profile=Reasoning.OWLRL, cache_dir=tmp_path)
    assert (hit1, hit2) == (False, True)
    assert isomorphic(first, second)
    assert not list(tmp_path.glob("*.tmp")), "a temporary cache file was left behind"
    source.add((URIRef(IP4D + "x"), URIRef("https://w3id.org/ip4graph/ontology#memberOf"), URIRef(IP4D + "fixture-org")))
    _, hit3 = cached_inferences(source, profile=Reasoning.OWLRL, cache_dir=tmp_path)
    assert hit3 is False
    assert len(list(tmp_path.glob("closure-*.nt"))) == 2


def test_corrupt_cache_is_recomputed(tmp_path):
    source = reasoning_input(ip4graph.load([MINIMAL]))
    cached_inferences(source, profile=Reasoning.OWLRL, cache_dir=tmp_path)
    [path] = tmp_path.glob("closure-*.nt")
    path.write_text("this is not n-triples <", encoding="utf-8")
    inferred, hit = cached_inferences(source, profile=Reasoning.OWLRL, cache_dir=tmp_path)
    assert hit is False and len(inferred) > 0


@pytest.mark.parametrize("damage", ["empty", "truncated", "one byte changed"])
def test_a_damaged_cache_is_never_trusted(tmp_path, damage):
    """``: > build/cache/closure-*.nt`` used to give "inferred 0": a checksum now catches it."""
    source = reasoning_input(ip4graph.load([MINIMAL]))
    truth, _ = cached_inferences(source, profile=Reasoning.OWLRL, cache_dir=tmp_path)
    [path] = tmp_path.glob("closure-*.nt")
    raw = path.read_bytes()
    if damage == "empty":
        path.write_bytes(b"")
    elif damage == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    else:
        path.write_bytes(raw[:-3] + bytes([raw[-3] ^ 1]) + raw[-2:])
    inferred, hit = cached_inferences(source, profile=Reasoning.OWLRL, cache_dir=tmp_path)
    assert hit is False
    assert isomorphic(inferred, truth) and len(inferred) > 0


def test_adhoc_parameters_are_bound_not_pasted(small):
    res = small.query("SELECT ?e WHERE { ?e rdfs:label ?l . FILTER(STR(?l) = ?name) }",
                      params={"name": Literal('Fixtureland" } UNION { ?e ?p ?o')})
    assert len(res) == 0
    res = small.query("SELECT ?e WHERE { ?e rdfs:label ?l . FILTER(STR(?l) = ?name) }", params={"name": "Fixtureland"})
    assert [r.e for r in res] == [URIRef(IP4D + "fixture-state")]


def test_cache_maps_blank_nodes_of_the_shipped_data_back(tmp_path):
    """The shipped data has blank nodes (hedged statements, negative assertions): a second
    process reads the closure from the cache, and it equals a fresh computation."""
    from rdflib import BNode

    from ip4graph.reasoning import compute_inferences

    first, hit1 = cached_inferences(reasoning_input(ip4graph.load()), profile=Reasoning.OWLRL, cache_dir=tmp_path)
    assert hit1 is False and list(tmp_path.glob("closure-*.nt")), "the closure was not cached"
    source = reasoning_input(ip4graph.load())  # a new parse: new blank-node labels
    cached, hit2 = cached_inferences(source, profile=Reasoning.OWLRL, cache_dir=tmp_path)
    assert hit2 is True
    fresh = compute_inferences(source, profile=Reasoning.OWLRL)
    assert set(cached) == set(fresh)
    assert any(isinstance(x, BNode) for t in cached for x in t)  # blank-node inferences came back mapped


def test_stale_temporaries_of_killed_writes_are_removed(tmp_path):
    import os
    import time

    stale, fresh = tmp_path / ".closure-x.nt.abc.tmp", tmp_path / ".closure-y.nt.def.tmp"
    stale.write_bytes(b"x" * 1024)
    fresh.write_bytes(b"y")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    cached_inferences(reasoning_input(ip4graph.load([MINIMAL])), profile=Reasoning.OWLRL, cache_dir=tmp_path)
    assert not stale.exists()
    assert fresh.exists()  # maybe another process's write in progress: left alone
