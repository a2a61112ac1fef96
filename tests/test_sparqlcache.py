"""The parsed-query cache in front of rdflib gives pySHACL the same reports, on every invalid fixture."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from ip4graph import sparqlcache
from ip4graph.loader import load
from ip4graph.validation import validate

INVALID = sorted((Path(__file__).parent / "data" / "invalid").glob("*.trig"))


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_cached_parses_give_the_same_report(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ds = load([path])
    cached = validate(ds)  # validate() installs the cache
    sparqlcache.uninstall()
    monkeypatch.setattr(sparqlcache, "install", lambda: None)
    plain = validate(ds)
    monkeypatch.undo()
    sparqlcache.install()
    assert cached.conforms is plain.conforms is False
    assert isomorphic(cached.graph, plain.graph)


def test_the_cache_parses_each_text_once() -> None:
    from rdflib import Graph, URIRef

    sparqlcache.install()
    g = Graph()
    g.add((URIRef("urn:a"), URIRef("urn:p"), URIRef("urn:b")))
    text = "SELECT ?o WHERE { ?s <urn:p> ?o }"
    sparqlcache._cache.clear()
    for s in ("urn:a", "urn:x", "urn:a"):
        rows = list(g.query(text, initBindings={"s": URIRef(s)}))
        assert len(rows) == (1 if s == "urn:a" else 0)
    assert len(sparqlcache._cache) == 1
