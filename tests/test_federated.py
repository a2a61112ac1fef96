# ruff: noqa: F811  (pytest fixtures imported from wd_endpoint are used as parameters)
"""Federated named queries: our facts joined with the local Wikidata-shaped endpoint through SERVICE."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from wd_endpoint import loopback_only, wd, wd_server  # noqa: F401  (pytest fixtures)

from ip4graph import federation
from ip4graph.catalog import load_catalog
from ip4graph.errors import QueryError
from ip4graph.kg import KnowledgeGraph, execute
from ip4graph.namespaces import IP4D, WD
from ip4graph.reasoning import Reasoning

pytestmark = pytest.mark.usefixtures("loopback_only")
FEDERATED = sorted(q.name for q in load_catalog() if q.name.startswith("federated-"))


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.open(reasoning=Reasoning.NONE)


def test_catalog_has_federated_queries_with_service_headers() -> None:
    assert len(FEDERATED) >= 2
    for name in FEDERATED:
        q = load_catalog().get(name)
        assert federation.declared_services(q.text) == ("wikidata",)
        assert q.kind == "federated" and q.examples


def test_rdflib_ignores_service_with_a_variable(kg: KnowledgeGraph, wd) -> None:
    """Why the placeholder mechanism exists: rdflib yields nothing for SERVICE ?endpoint."""
    res = execute(kg.asserted, "SELECT * WHERE { SERVICE ?e { ?s ?p ?o } }",
                  bindings={"e": URIRef(wd.url)}, timeout=10)
    assert len(res) == 0 and wd.log == []


def test_heads_of_government_joined(kg: KnowledgeGraph, wd) -> None:
    res = federation.run_named(kg, "federated-ip4-heads-of-government", endpoints={"wikidata": wd.url}, timeout=30)
    rows = {r.state: r for r in res}
    assert set(rows) == {IP4D.australia, IP4D.japan, IP4D["south-korea"], IP4D["new-zealand"]}
    assert rows[IP4D.japan].wikidata == WD.Q17
    assert rows[IP4D.japan].headOfGovernment == WD.Q900000001
    assert rows[IP4D.japan].headOfGovernmentLabel == Literal("Fixture head of government of Japan (test data)", lang="en")
    assert wd.log and all(ua.startswith("ip4graph/") for _, _, ua in wd.log)
    # bound values reach the endpoint as VALUES of n3() terms
    assert any(f"VALUES (?wikidata) {{ ({WD.Q17.n3()}) }}" in q for _, q, _ in wd.log)


def test_partners_with_capitals_joined(kg: KnowledgeGraph, wd) -> None:
    res = federation.run_named(kg, "federated-partners-capitals", endpoints={"wikidata": wd.url}, timeout=30)
    capitals = {(r.partner, str(r.capitalLabel)) for r in res}
    assert (IP4D.japan, "Tokyo") in capitals and (IP4D.australia, "Canberra") in capitals
    assert all(r.formalisedBy is not None for r in res)  # our side of the join is there too


def test_parameter_changes_our_side_of_the_join(kg: KnowledgeGraph, wd) -> None:
    res = federation.run_named(kg, "federated-ip4-heads-of-government", endpoints={"wikidata": wd.url},
                               params={"grouping": "ip4d:nato"}, timeout=30)
    assert len(res) == 0  # no IP4 state is a NATO member


def test_bind_services_substitutes_an_iri_term() -> None:
    text = "# service: wikidata\nSELECT * WHERE { SERVICE  SILENT <urn:ip4graph:service:wikidata> { ?s ?p ?o } }"
    out = federation.bind_services(text, {"wikidata": "http://127.0.0.1:1/sparql?x=1&y=2"}, install=False)
    assert "SERVICE SILENT <http://127.0.0.1:1/sparql?x=1&y=2> {" in out


@pytest.mark.parametrize("bad", ["ftp://example.org/sparql", "http://x/> } ; DROP ALL ; <", "not a url"])
def test_bad_endpoint_urls_are_refused(bad: str) -> None:
    text = load_catalog().get(FEDERATED[0]).text
    with pytest.raises(QueryError):
        federation.bind_services(text, {"wikidata": bad}, install=False)


def test_undeclared_service_is_refused() -> None:
    with pytest.raises(QueryError):
        federation.bind_services("SELECT * WHERE { SERVICE <urn:ip4graph:service:dbpedia> { ?s ?p ?o } }",
                                 {"dbpedia": "http://127.0.0.1:1/sparql"}, install=False)


def test_unreachable_service_is_a_clear_error(kg: KnowledgeGraph) -> None:
    federation.configure(retries=0, timeout=2)
    try:
        with pytest.raises(QueryError) as err:
            federation.run_named(kg, FEDERATED[0], endpoints={"wikidata": "http://127.0.0.1:9/sparql"}, timeout=30)
        assert "127.0.0.1:9" in str(err.value)
    finally:
        federation.configure(retries=2, timeout=20.0)


def test_silent_service_tolerates_an_unreachable_endpoint(kg: KnowledgeGraph) -> None:
    federation.install_service_handler()
    federation.configure(retries=0, timeout=2)
    try:
        res = execute(kg.asserted, "SELECT ?s WHERE { BIND(ip4d:japan AS ?s) SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
                      timeout=30)
        assert [r.s for r in res] == [IP4D.japan]
    finally:
        federation.configure(retries=2, timeout=20.0)


def test_parse_endpoints() -> None:
    assert federation.parse_endpoints(["http://127.0.0.1:1/sparql", "dbpedia=http://127.0.0.1:2/sparql?a=b"]) == {
        "wikidata": "http://127.0.0.1:1/sparql", "dbpedia": "http://127.0.0.1:2/sparql?a=b"}


def test_cli_query_with_endpoint_option(wd, tmp_path, monkeypatch) -> None:
    """`ip4graph query NAME --endpoint wikidata=URL` joins through the given endpoint."""
    import json

    from click.testing import CliRunner

    from ip4graph.cli import main

    monkeypatch.setenv("IP4GRAPH_CACHE", str(tmp_path))
    result = CliRunner().invoke(main, ["--reasoning", "none", "query", "federated-ip4-heads-of-government",
                                       "--endpoint", f"wikidata={wd.url}", "--format", "json"])
    assert result.exit_code == 0, result.output
    bindings = json.loads(result.output)["results"]["bindings"]
    assert {b["wikidata"]["value"] for b in bindings} >= {str(WD.Q17)}
    assert wd.log
