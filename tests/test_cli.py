"""The ip4graph command: exit codes, formats, help text for every command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ip4graph.cli import main

DATA = Path(__file__).parent / "data"


@pytest.fixture()
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("IP4GRAPH_CACHE", str(tmp_path / "cache"))
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_validate_shipped_data_exits_0(run):
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "Conforms" in result.output


def test_validate_invalid_exits_1_with_report(run):
    result = run("--data", str(DATA / "valid" / "minimal.trig"), "--data",
                 str(DATA / "invalid" / "agreement-one-party.trig"), "validate")
    assert result.exit_code == 1
    assert "ip4d:lonely-agreement" in result.output
    assert "fix:" in result.output
    assert "at least two parties" in result.output


@pytest.mark.parametrize("fmt,marker", [("table", "result(s); conforms: False"), ("turtle", "sh:ValidationReport")])
def test_validate_formats(run, fmt, marker):
    result = run("--data", str(DATA / "valid" / "minimal.trig"), "--data",
                 str(DATA / "invalid" / "missing-label.trig"), "validate", "--format", fmt)
    assert result.exit_code == 1
    assert marker in result.output


def test_validate_malformed_exits_2_with_location(run):
    bad = DATA / "malformed" / "unterminated-string.ttl"
    result = run("--data", str(bad), "validate")
    assert result.exit_code == 2
    assert f"{bad}:3:24" in result.output


def test_stats_counts_asserted_and_inferred(run):
    result = run("stats", "--json")
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats["asserted"] > 1000 and stats["inferred"] > 100
    assert stats["classes"]["ip4:State"] >= 11
    assert set(stats["sources"]) == {"ip4d:doc-brief", "ip4d:doc-usip"}
    assert stats["links"]["Wikidata"] >= 20 and stats["links"]["DBpedia"] >= 20


def test_stats_without_reasoning_has_no_inferences(run):
    """Without reasoning nothing is entailed; the graph ip4g:inferred holds only the materialised
    ip4:directType of each typed entity (what queries read instead of computing it per row)."""
    stats = json.loads(run("--reasoning", "none", "stats", "--json").output)
    derived = json.loads(run("--reasoning", "none", "query", "--format", "json", "-e",
                             "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ip4g:inferred { ?s ?p ?o } "
                             "FILTER(?p != ip4:directType) }").output)
    assert int(derived["results"]["bindings"][0]["n"]["value"]) == 0
    reasoned = json.loads(run("stats", "--json").output)
    assert stats["inferred"] < 400 < reasoned["inferred"]


def test_build_runs_the_main_job(run, tmp_path):
    out = tmp_path / "out"
    result = run("build", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "validation: conforms" in result.output
    assert "triples inferred" in result.output
    from rdflib import Dataset

    from ip4graph.catalog import load_catalog
    from ip4graph.namespaces import GRAPH_INFERRED
    ds = Dataset()
    ds.parse(out / "ip4graph.trig", format="trig")
    assert len(ds.graph(GRAPH_INFERRED)) > 100  # the reasoned dataset keeps inferences in their own graph
    page = (out / "graph.html").read_text(encoding="utf-8")
    assert "vis-network" in page.lower()
    import re
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']https?://", page)
    report = (out / "report.md").read_text(encoding="utf-8")
    for q in load_catalog():
        assert f"(`{q.name}`)" in report
    assert "ERROR" not in report
    assert "void:Dataset" in (out / "void.ttl").read_text(encoding="utf-8")
    assert not list(out.glob(".*.tmp"))


# Every command's help has an example, and every example runs: tests/test_help_examples.py
# (``main.commands`` is empty: the group lists its commands lazily).


def test_an_empty_answer_names_the_terms_the_graph_does_not_use(run):
    """`ip4:memberof` and `ip4d:IP4` used to give "(0 rows)" with no hint."""
    res = CliRunner().invoke(main, ["query", "-e", "SELECT ?s WHERE { ?s ip4:memberof ip4d:IP4 }"])
    assert res.exit_code == 1
    assert "warning: ip4:memberof is not in the graph; did you mean ip4:memberOf" in res.stderr
    assert "warning: ip4d:IP4 is not in the graph; did you mean ip4d:ip4?" in res.stderr
    ok = run("query", "-e", "SELECT ?s WHERE { ?s ip4:memberOf ip4d:ip4 }")
    assert "warning" not in ok.output
