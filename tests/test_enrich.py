# ruff: noqa: F811  (pytest fixtures imported from wd_endpoint are used as parameters)
"""`enrich`: facts from the local Wikidata-shaped endpoint, with provenance, cached, offline by default."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD
from wd_endpoint import loopback_only, wd, wd_server  # noqa: F401  (pytest fixtures)

import ip4graph
from ip4graph.cli import main
from ip4graph.enrich import (
    GRAPH_ENRICHMENT,
    WDT,
    attach,
    cache_path,
    default_cache_dir,
    enrich,
    fetch,
    linked_items,
    load_cache,
)
from ip4graph.errors import EndpointError, SourceError
from ip4graph.namespaces import WD
from ip4graph.sparql_client import SparqlClient

pytestmark = pytest.mark.usefixtures("loopback_only")


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return ip4graph.load()


def test_fetch_puts_facts_and_provenance_in_the_enrichment_graph(shipped: Dataset, wd) -> None:
    out = fetch(shipped, SparqlClient(wd.url, retries=0))
    assert {c.identifier for c in out.graphs() if len(c)} == {GRAPH_ENRICHMENT}
    g = out.graph(GRAPH_ENRICHMENT)
    assert {str(x) for x in g.objects(WD.Q17, RDFS.label)} >= {"Japan", "Japon", "日本", "일본"}
    assert (WD.Q17, WDT.P36, WD.Q1490) in g and (WD.Q1490, RDFS.label, Literal("Tokyo", lang="en")) in g
    assert (WD.Q17, WDT.P6, WD.Q900000001) in g
    assert (WD.Q17, WDT.P463, WD.Q1065) in g
    assert g.value(WD.Q17, WDT.P1082).datatype == XSD.decimal
    run = g.value(GRAPH_ENRICHMENT, PROV.wasGeneratedBy)
    assert (run, RDF.type, PROV.Activity) in g
    assert (run, PROV.used, URIRef(wd.url)) in g
    assert g.value(run, PROV.endedAtTime).datatype == XSD.dateTime
    texts = [str(g.value(q, PROV.value)) for q in g.objects(run, PROV.used) if (q, RDF.type, PROV.Entity) in g]
    assert len(texts) == len(wd.log) == 2
    assert [q for _, q, _ in wd.log] == texts  # the provenance records exactly what was sent
    assert "VALUES ?item {" in texts[0] and WD.Q17.n3() in texts[0]


def test_cache_roundtrip_and_offline_default(shipped: Dataset, wd, tmp_path: Path) -> None:
    fresh = enrich(shipped, endpoint=wd.url, cache_dir=tmp_path)
    assert not fresh.from_cache and cache_path(tmp_path).is_file()
    wd.reset()
    offline = enrich(shipped, cache_dir=tmp_path)
    assert offline.from_cache and wd.log == []  # no request at all
    assert set(offline.graph) == set(fresh.graph)
    assert WD.Q17 in offline.covered and WD.Q10806 in offline.missing


def test_failure_leaves_the_cache_untouched(shipped: Dataset, wd, tmp_path: Path) -> None:
    enrich(shipped, endpoint=wd.url, cache_dir=tmp_path)
    before = cache_path(tmp_path).read_bytes()
    wd.fail_next = 100
    with pytest.raises(EndpointError) as err:
        enrich(shipped, client=SparqlClient(wd.url, retries=2, backoff=0.01), cache_dir=tmp_path)
    assert wd.url in err.value.message and "503" in err.value.message
    assert cache_path(tmp_path).read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["wikidata.trig"]  # no temporary file left


def test_timeout_is_reported(shipped: Dataset, wd) -> None:
    wd.delay = 1.0
    with pytest.raises(EndpointError) as err:
        fetch(shipped, SparqlClient(wd.url, timeout=0.2, retries=1, backoff=0.01))
    assert "no answer within 0.2 s" in err.value.message


def test_committed_cache_is_readable_and_offline(shipped: Dataset) -> None:
    ds = load_cache()
    assert {c.identifier for c in ds.graphs() if len(c)} <= {GRAPH_ENRICHMENT}
    assert default_cache_dir().name == "enrichment-cache"
    assert "enrichment-cache" not in {p.parent.name for p in ip4graph.resources.data_paths()}


def test_missing_cache_is_a_clear_error(shipped: Dataset, tmp_path: Path) -> None:
    with pytest.raises(SourceError) as err:
        enrich(shipped, cache_dir=tmp_path)
    assert "--endpoint" in (err.value.hint or "")


def test_attach_adds_a_separate_graph(shipped: Dataset, wd) -> None:
    copy = Dataset(default_union=True)
    for q in shipped.quads((None, None, None, None)):
        copy.add(q)
    attach(copy, fetch(shipped, SparqlClient(wd.url)))
    assert (WD.Q17, WDT.P36, WD.Q1490) in copy.graph(GRAPH_ENRICHMENT)
    assert len(copy) - len(copy.graph(GRAPH_ENRICHMENT)) >= len(shipped) - 1


def test_linked_items_are_the_wikidata_targets(shipped: Dataset) -> None:
    items = linked_items(shipped)
    assert WD.Q17 in items and all(str(i).startswith(str(WD)) for i in items)


def test_cli_enrich(wd, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "enrichment.trig"
    res = runner.invoke(main, ["enrich", "--endpoint", wd.url, "--cache-dir", str(tmp_path / "c"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "fact(s)" in res.output
    back = Dataset().parse(out, format="trig")
    assert (WD.Q17, WDT.P36, WD.Q1490) in back.graph(GRAPH_ENRICHMENT)
    wd.reset()
    res = runner.invoke(main, ["enrich", "--cache-dir", str(tmp_path / "c")])
    assert res.exit_code == 0 and "offline cache" in res.output and wd.log == []
    res = runner.invoke(main, ["enrich", "--endpoint", "http://127.0.0.1:9/sparql", "--retries", "0",
                               "--cache-dir", str(tmp_path / "c")])
    assert res.exit_code == 2 and "unreachable" in res.output
    res = runner.invoke(main, ["enrich"])  # the committed cache
    assert res.exit_code == 0, res.output


_ = shutil
