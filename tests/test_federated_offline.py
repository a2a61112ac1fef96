# ruff: noqa: F811
"""Federated named queries without --endpoint: the offline cache, never the network unasked."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import Literal
from wd_endpoint import loopback_only  # noqa: F401  (pytest fixture)

from ip4graph import federation
from ip4graph.errors import QueryError
from ip4graph.kg import KnowledgeGraph
from ip4graph.namespaces import IP4D
from ip4graph.reasoning import Reasoning

pytestmark = pytest.mark.usefixtures("loopback_only")

CACHE = """
@prefix ip4g: <https://w3id.org/ip4graph/graph/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ip4g:enrichment {
    wd:Q17 wdt:P36 wd:Q1490 ; wdt:P1082 123 .
    wd:Q1490 rdfs:label "Tokyo (test fixture)"@en .
    ip4g:enrichment prov:wasGeneratedBy [ prov:endedAtTime "2026-01-02T03:04:05Z"^^xsd:dateTime ] .
}
"""
EMPTY = "@prefix ip4g: <https://w3id.org/ip4graph/graph/> .\n"


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.open(reasoning=Reasoning.NONE)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A cache directory the commands read (``ip4graph.enrich.default_cache_dir``)."""
    import ip4graph.enrich

    monkeypatch.setattr(ip4graph.enrich, "default_cache_dir", lambda: tmp_path)
    for name in [k for k in __import__("os").environ if k.startswith("IP4GRAPH_ENDPOINT_")]:
        monkeypatch.delenv(name)
    return tmp_path


def test_no_endpoint_is_never_the_public_one(kg, cache):
    with pytest.raises(QueryError) as err:
        kg.query("federated-partners-capitals")
    assert "never reaches the network unasked" in str(err.value)
    assert "--endpoint wikidata=URL" in err.value.hint and "offline cache" in err.value.hint
    assert federation.needs_offline(kg.named("federated-partners-capitals").text, None)
    assert not federation.needs_offline(kg.named("federated-partners-capitals").text, {"wikidata": "http://127.0.0.1:1/s"})
    assert not federation.needs_offline(kg.named("ip4-members").text, None)


def test_run_offline_on_a_filled_cache(kg, cache):
    (cache / "wikidata.trig").write_text(CACHE, encoding="utf-8")
    run = federation.run_offline(kg, "federated-partners-capitals")
    rows = {(r.partner, r.capitalLabel) for r in run.result}
    assert (IP4D.japan, Literal("Tokyo (test fixture)", lang="en")) in rows
    assert {r.partner for r in run.result} == {IP4D.japan}  # the cache knows Japan's capital only
    assert run.facts == 3 and run.fetched.startswith("2026-01-02T03:04:05")
    assert "offline cache" in run.note() and "not from a live endpoint" in run.note()


def test_cli_says_it_used_the_cache(kg, cache):
    from ip4graph.cli import main

    (cache / "wikidata.trig").write_text(CACHE, encoding="utf-8")
    result = CliRunner().invoke(main, ["--reasoning", "none", "query", "federated-partners-capitals"])
    assert result.exit_code == 0, result.output
    assert "answered from the offline cache" in result.output  # the note (on stderr, mixed in here)
    assert "Tokyo (test fixture)" in result.output


def test_cli_with_an_empty_cache_says_how_to_fill_it(cache):
    from ip4graph.cli import main

    (cache / "wikidata.trig").write_text(EMPTY, encoding="utf-8")
    result = CliRunner().invoke(main, ["--reasoning", "none", "query", "federated-ip4-heads-of-government"])
    assert result.exit_code == 2
    assert "offline" in result.output and "is empty" in result.output
    assert "ip4graph enrich --endpoint https://query.wikidata.org/sparql" in result.output
