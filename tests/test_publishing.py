"""The w3id.org redirect rules (publishing/w3id/.htaccess) land every minted IRI on a route ``ip4graph serve`` answers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_server import http, open_kg, running

ROOT = Path(__file__).resolve().parent.parent
HTACCESS = ROOT / "publishing" / "w3id" / ".htaccess"
HOST = "https://ip4graph.example.org"


def rules() -> list[tuple[re.Pattern[str], str, str]]:
    out = []
    for line in HTACCESS.read_text().splitlines():
        m = re.match(r"RewriteRule\s+(\S+)\s+(\S+)\s+\[([^\]]+)\]", line.strip())
        if m:
            out.append((re.compile(m[1]), m[2], m[3]))
    return out


def rewrite(path: str) -> tuple[str, str] | None:
    """Apply the rules as Apache would to a path below https://w3id.org/ip4graph/ (without the slash)."""
    for pattern, target, flags in rules():
        m = pattern.match(path)
        if m:
            return m.expand(target.replace("$", "\\")), flags
    return None


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running(open_kg(tmp_path_factory.mktemp("cache")), workers=2) as u:
        yield u


@pytest.mark.parametrize("iri_path", ["ontology", "ontology/1.1.0", "id/japan", "claim/brief-p3-partners",
                                      "graph/entities", "graph/inferred", "dataset"])
def test_every_minted_iri_is_redirected_to_a_route_that_answers(url: str, iri_path: str) -> None:
    got = rewrite(iri_path)
    assert got is not None, iri_path
    target, flags = got
    assert target.startswith(HOST + "/") and "R=303" in flags
    path = target[len(HOST):]
    assert path == "/" + iri_path  # the server answers each IRI at the same path
    for accept in ("text/turtle", "text/html"):
        status, headers, _ = http(url, path=path, headers={"Accept": accept})
        assert status == 200 and headers["content-type"].startswith(accept), (path, accept)


def test_the_endpoint_and_home_are_redirected() -> None:
    assert rewrite("sparql") == (HOST + "/sparql", "R=307,L,QSA")
    assert rewrite("")[0] == HOST + "/"  # type: ignore[index]
    assert rewrite("nothing/here") is None
    assert rewrite("ontology/latest") is None  # only declared version numbers


def test_the_guide_names_the_rules_file() -> None:
    guide = (ROOT / "docs" / "publishing.md").read_text()
    assert "publishing/w3id/.htaccess" in guide and "w3id.org" in guide
