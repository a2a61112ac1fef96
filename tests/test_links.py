# ruff: noqa: F811  (pytest fixtures imported from wd_endpoint are used as parameters)
"""`links check`: syntax offline; existence and labels against the local Wikidata-shaped endpoint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL
from wd_endpoint import loopback_only, wd, wd_server  # noqa: F401  (pytest fixtures)

import ip4graph
from ip4graph.cli import main
from ip4graph.errors import EndpointError
from ip4graph.linkcheck import Status, check_links, check_syntax, classify
from ip4graph.namespaces import IP4D, WD
from ip4graph.sparql_client import SparqlClient

pytestmark = pytest.mark.usefixtures("loopback_only")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return ip4graph.load()


@pytest.mark.parametrize("iri, kind, ok", [
    ("http://www.wikidata.org/entity/Q17", "wikidata", True),
    ("http://www.wikidata.org/entity/Q0", "wikidata", False),
    ("http://www.wikidata.org/entity/P31", "wikidata", False),
    ("https://www.wikidata.org/wiki/Q17", "wikidata", False),
    ("http://dbpedia.org/resource/Japan", "dbpedia", True),
    ("http://dbpedia.org/resource/Washington,_D.C.", "dbpedia", True),
    ("http://dbpedia.org/resource/2022_Madrid_NATO_summit", "dbpedia", True),
    ("http://dbpedia.org/resource/japan", "dbpedia", False),
    ("http://dbpedia.org/resource/New Zealand", "dbpedia", False),
    ("http://dbpedia.org/page/Japan", "dbpedia", False),
    ("https://example.org/japan", None, False),
])
def test_classify(iri: str, kind: str | None, ok: bool) -> None:
    got_kind, problem = classify(URIRef(iri))
    assert got_kind == kind
    assert (problem is None) == ok


def test_shipped_links_are_syntactically_valid(shipped: Dataset) -> None:
    report = check_syntax(shipped)
    assert report.ok, report.text()
    assert len(report.results) == len(set(shipped.subject_objects(OWL.sameAs)))


def test_invalid_fixture_is_reported() -> None:
    ds = ip4graph.load([ROOT / "tests" / "data" / "invalid" / "sameas-not-wikidata.trig"], ontology=False)
    report = check_syntax(ds)
    assert not report.ok
    assert all(r.status is Status.INVALID for r in report.problems)


def test_remote_check_against_the_fixture_endpoint(shipped: Dataset, wd) -> None:
    report = check_links(shipped, clients={"wikidata": SparqlClient(wd.url, retries=0)})
    by_target = {r.target: r for r in report.results}
    assert by_target[WD.Q17].status is Status.OK            # Japan: en, fr, ja, ko agree
    assert by_target[WD.Q884].status is Status.OK           # South Korea agrees through skos:altLabel
    assert by_target[WD.Q212].status is Status.MISMATCH     # the fixture's wrong label on purpose
    assert "Ukraine" in by_target[WD.Q212].message
    assert by_target[WD.Q10806].status is Status.MISSING    # not in the fixture
    dbr = [r for r in report.results if r.kind == "dbpedia"]
    assert dbr and all(r.status is Status.UNCHECKED for r in dbr)  # only Wikidata was asked
    assert not report.ok
    # targets went in VALUES blocks, batched: a handful of requests, not one per link
    assert 0 < len(wd.log) <= 4
    assert all("VALUES ?t {" in q for _, q, _ in wd.log)


def test_retries_then_succeeds(wd) -> None:
    g = Graph()
    g.add((IP4D.japan, OWL.sameAs, WD.Q17))
    wd.fail_next = 2
    client = SparqlClient(wd.url, retries=3, backoff=0.01)
    report = check_links(g, clients={"wikidata": client})
    assert report.results[0].status is Status.NO_LABEL  # no labels of ours in g
    assert client.requests_sent == 4  # two 503s, then the existence and label queries


def test_unreachable_endpoint_is_a_clear_error(shipped: Dataset) -> None:
    dead = "http://127.0.0.1:9/sparql"
    with pytest.raises(EndpointError) as err:
        check_links(shipped, clients={"wikidata": SparqlClient(dead, retries=1, backoff=0.01, timeout=2)})
    assert dead in err.value.message and "2 attempt(s)" in err.value.message


def test_cli_links_check(wd) -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["links", "check"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["links", "check", "--endpoint", wd.url, "--json"])
    assert res.exit_code == 1, res.output
    data = json.loads(res.output)
    status = {(x["entity"], x["target"]): x["status"] for x in data["links"]}
    assert status[(str(IP4D.japan), str(WD.Q17))] == "ok"
    assert status[(str(IP4D.ukraine), str(WD.Q212))] == "mismatch"
    res = runner.invoke(main, ["links", "check", "--endpoint", "http://127.0.0.1:9/sparql", "--retries", "0"])
    assert res.exit_code == 2 and "unreachable" in res.output
