"""Loading: the shipped dataset's graphs, and located errors for bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import ip4graph
from ip4graph.errors import SourceError
from ip4graph.loader import load
from ip4graph.namespaces import GRAPH_ENTITIES, GRAPH_LINKS, GRAPH_ONTOLOGY, GRAPH_PROVENANCE, IP4

MALFORMED = sorted((Path(__file__).parent / "data" / "malformed").iterdir())


def test_shipped_dataset_has_its_system_graphs(dataset):
    ids = {g.identifier for g in dataset.graphs() if len(g)}
    for g in (GRAPH_ONTOLOGY, GRAPH_ENTITIES, GRAPH_LINKS, GRAPH_PROVENANCE):
        assert g in ids, g
    claims = [g for g in ids if str(g).startswith("https://w3id.org/ip4graph/claim/")]
    assert len(claims) >= 60


def test_default_graph_is_the_union(dataset):
    # facts live in claim graphs, yet are visible without GRAPH
    assert len(list(dataset.triples((None, IP4.memberOf, None)))) >= 4


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.name)
def test_malformed_file_names_file_line_and_column(path: Path):
    expect = path.read_text(encoding="utf-8").splitlines()[0]
    m = re.match(r"# expect: (\d+):(\d+) (.*)", expect)
    assert m, f"{path.name} lacks its '# expect: LINE:COL message' header"
    line, col, text = int(m[1]), int(m[2]), m[3].strip()
    with pytest.raises(SourceError) as info:
        load([path], ontology=False)
    err = info.value
    assert err.filename == str(path)
    assert (err.lineno, err.offset) == (line, col)
    assert text in err.message
    assert "nothing was loaded" in (err.hint or "")
    assert f"{path}:{line}:{col}" in str(err)


def test_failed_load_returns_nothing_half_loaded(tmp_path: Path):
    good = Path(__file__).parent / "data" / "valid" / "minimal.trig"
    bad = MALFORMED[0]
    with pytest.raises(SourceError):
        load([good, bad], ontology=False)
    # the good file alone still loads cleanly into a fresh dataset
    assert len(load([good], ontology=False)) > 0


def test_missing_file_and_unknown_suffix(tmp_path: Path):
    with pytest.raises(SourceError, match="file not found") as info:
        load([tmp_path / "nope.ttl"], ontology=False)
    assert info.value.filename.endswith("nope.ttl")
    odd = tmp_path / "data.csv"
    odd.write_text("a,b\n")
    with pytest.raises(SourceError, match="unknown RDF file type"):
        load([odd], ontology=False)


def test_errors_share_one_hierarchy():
    assert issubclass(SourceError, ip4graph.Ip4GraphError)
    assert issubclass(ip4graph.QueryTimeout, ip4graph.QueryError)
    assert issubclass(ip4graph.ParameterError, ip4graph.QueryError)


def test_a_remote_jsonld_context_is_refused_without_touching_the_network(tmp_path):
    import socket

    from ip4graph.errors import SourceError
    from ip4graph.loader import load

    doc = tmp_path / "remote.jsonld"
    doc.write_text('{"@context": "https://example.org/context.jsonld", "@id": "urn:x", "name": "x"}',
                   encoding="utf-8")
    real = socket.socket.connect

    def no_network(self, address):  # any attempt would fail the test, not hang it
        raise AssertionError(f"the loader tried to connect to {address}")

    socket.socket.connect = no_network
    try:
        with pytest.raises(SourceError, match="@context is a URL") as info:
            load([doc], ontology=False)
    finally:
        socket.socket.connect = real
    assert info.value.location.source == str(doc)
