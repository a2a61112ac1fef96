"""The W3C SPARQL 1.1 Protocol tests and the CSV/TSV and JSON results-format tests, run against ``ip4graph serve``.

The test files are vendored unchanged under ``tests/w3c/`` (licence: ``LICENSES/w3c-test-suite.txt``).
The protocol manifest is data: each test is a list of HTTP requests (method, path, headers,
body) with the expected status class, result format and ASK answer; this module reads it
with rdflib and replays every request on a server over the manifest's graphs.

One adaptation, because the endpoint never accepts anonymous updates: update requests carry
``Authorization: Bearer <token>`` and the server runs with ``allow_update`` and that token.
"""

from __future__ import annotations

import json
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from test_server import http, running

from ip4graph.kg import KnowledgeGraph
from ip4graph.loader import new_dataset

W3C = Path(__file__).resolve().parent / "w3c"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
TOKEN = "w3c-token"

RESULT_TYPES = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"}
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
RDF_TYPES = {"application/rdf+xml", "text/turtle", "application/n-triples", "application/ld+json"}


@dataclass(frozen=True)
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[str]
    fmt: str | None
    boolean: bool | None


def _manifest(directory: str) -> tuple[Graph, list[URIRef]]:
    base = f"http://www.w3.org/2009/sparql/docs/tests/data-sparql11/{directory}/manifest"
    g = Graph().parse(W3C / directory / "manifest.ttl", publicID=base)
    man = next(g.subjects(RDF.type, MF.Manifest))
    return g, list(Collection(g, g.value(man, MF.entries)))  # type: ignore[arg-type]


def protocol_tests() -> list[tuple[str, list[Step]]]:
    g, entries = _manifest("protocol")
    tests = []
    for test in entries:
        steps = []
        for req in Collection(g, g.value(g.value(test, MF.action), HT.requests)):  # type: ignore[arg-type]
            headers = {}
            if g.value(req, HT.headers) is not None:
                for h in Collection(g, g.value(req, HT.headers)):  # type: ignore[arg-type]
                    headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            body_node = g.value(req, HT.body)
            body = None
            if body_node is not None:
                encoding = str(g.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(body_node, CNT.chars)).encode(encoding)
            resp = g.value(req, HT.resp)
            statuses = frozenset(str(s).rsplit("#", 1)[1] for s in g.objects(resp, MF.expectedStatus))
            fmt = g.value(resp, MF.expectedFormat)
            boolean = g.value(resp, MF.expectedBoolean)
            steps.append(Step(str(g.value(req, HT.methodName)), str(g.value(req, HT.absolutePath)), headers, body,
                              statuses, str(fmt) if fmt is not None else None,
                              boolean.toPython() if isinstance(boolean, Literal) else None))
        tests.append((str(test).rsplit("#", 1)[1], steps))
    return tests


PROTOCOL_TESTS = protocol_tests()


def protocol_kg() -> KnowledgeGraph:
    """The graphs the protocol manifest loads (``ut:graphData``), each named by its label."""
    g, entries = _manifest("protocol")
    ds = new_dataset()
    seen = set()
    for test in entries:
        for data in g.objects(test, UT.graphData):
            name = URIRef(str(g.value(data, RDFS.label)))
            if name in seen:
                continue
            seen.add(name)
            source = Path(str(g.value(data, UT.graph)).rsplit("/", 1)[1])
            graph = ds.graph(name)
            graph.parse(W3C / "protocol" / source, format="nt")
    return KnowledgeGraph(ds, None)


@pytest.fixture()
def server() -> Iterator[str]:
    with running(protocol_kg(), timeout=10, workers=2, allow_update=True, token=TOKEN) as u:
        yield u


def test_the_manifest_has_all_34_tests() -> None:
    assert len(PROTOCOL_TESTS) == 34
    assert sum(len(steps) for _, steps in PROTOCOL_TESTS) >= 34


@pytest.mark.parametrize(("name", "steps"), PROTOCOL_TESTS, ids=[n for n, _ in PROTOCOL_TESTS])
def test_w3c_protocol(server: str, name: str, steps: list[Step]) -> None:
    for i, step in enumerate(steps):
        path = "/sparql" + step.path[len("/sparql/"):] if step.path.startswith("/sparql/") else step.path
        path = "/sparql?" + path.split("?", 1)[1] if "?" in path else "/sparql"
        headers = dict(step.headers)
        if (step.body or b"").startswith(b"update=") or "sparql-update" in headers.get("content-type", ""):
            headers["Authorization"] = f"Bearer {TOKEN}"
        status, got_headers, body = http(server, step.method, path, body=step.body, headers=headers)
        kind = f"StatusCode{status // 100}xx"
        assert kind in step.statuses, f"{name} step {i}: HTTP {status} {body[:300]}"
        media = got_headers.get("content-type", "").split(";")[0].strip()
        if step.fmt == "boolean":
            assert media in BOOLEAN_TYPES, media
        elif step.fmt == "tabular":
            assert media in RESULT_TYPES, media
        elif step.fmt == "RDF":
            assert media in RDF_TYPES, media
            Graph().parse(data=body, format={"text/turtle": "turtle", "application/rdf+xml": "xml",
                                             "application/n-triples": "nt", "application/ld+json": "json-ld"}[media])
        if step.boolean is not None:
            if media == "application/sparql-results+json":
                answer = json.loads(body)["boolean"]
            else:
                root = ET.fromstring(body)
                answer = root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"  # type: ignore[union-attr]
            assert answer is step.boolean, f"{name} step {i}: ASK answered {answer}"


# --------------------------------------------------------------------------- results formats


def _format_kg(directory: str, data: str) -> KnowledgeGraph:
    """The test data, with lexical forms kept as written (``"1.0E6"^^xsd:double`` stays ``1.0E6``).

    rdflib rewrites lexical forms while parsing (``rdflib.NORMALIZE_LITERALS``), which the
    package's loader does not switch off yet; the endpoint itself writes what it holds.
    """
    import rdflib

    ds = new_dataset()
    normalize = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        ds.graph(URIRef(f"urn:x-test:{directory}:{data}")).parse(W3C / directory / data, format="turtle")
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
    return KnowledgeGraph(ds, None)


def _format_tests(directory: str) -> list[tuple[str, str, str, str]]:
    g, entries = _manifest(directory)
    out = []
    for test in entries:
        action = g.value(test, MF.action)
        query = str(g.value(action, QT.query)).rsplit("/", 1)[1]
        data = str(g.value(action, QT.data)).rsplit("/", 1)[1]
        result = str(g.value(test, MF.result)).rsplit("/", 1)[1]
        out.append((str(test).rsplit("#", 1)[1], query, data, result))
    return out


def _rows_from_tsv(text: str) -> tuple[list[str], list[tuple]]:
    from rdflib.plugins.sparql.results.tsvresults import TSVResultParser
    import io

    res = TSVResultParser().parse(io.StringIO(text))
    names = [str(v) for v in res.vars]
    return names, [tuple(b.get(v) for v in res.vars) for b in res.bindings]


def _rows_from_csv(text: str) -> tuple[list[str], list[tuple]]:
    lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
    import csv

    reader = list(csv.reader(lines))
    return reader[0], [tuple(r) for r in reader[1:]]


def _same_term(a: object, b: object) -> bool:
    from rdflib import BNode

    if isinstance(a, BNode) or isinstance(b, BNode):
        return isinstance(a, BNode) and isinstance(b, BNode)
    if isinstance(a, Literal) and isinstance(b, Literal):
        return a.eq(b) and a.datatype == b.datatype and a.language == b.language
    return a == b


CSV_TSV = _format_tests("csv-tsv-res")


@pytest.mark.parametrize(("name", "query", "data", "result"), CSV_TSV, ids=[t[0] for t in CSV_TSV])
def test_w3c_csv_tsv_results(name: str, query: str, data: str, result: str) -> None:
    text = (W3C / "csv-tsv-res" / query).read_text()
    tsv = result.endswith(".tsv")
    with running(_format_kg("csv-tsv-res", data), workers=1) as u:
        status, headers, body = http(u, path="/sparql?" + urllib.parse.urlencode({"query": text}),
                                     headers={"Accept": "text/tab-separated-values" if tsv else "text/csv"})
    assert status == 200
    expected_text = (W3C / "csv-tsv-res" / result).read_text()
    if tsv:
        assert headers["content-type"].startswith("text/tab-separated-values")
        assert body.count("\n") == expected_text.count("\n")  # one line per solution
        got_vars, got = _rows_from_tsv(body)
        want_vars, want = _rows_from_tsv(expected_text)
    else:
        assert headers["content-type"].startswith("text/csv") and "\r\n" in body
        got_vars, got = _rows_from_csv(body)
        want_vars, want = _rows_from_csv(expected_text)
        got = [tuple("_:" if v.startswith("_:") else v for v in r) for r in got]
        want = [tuple("_:" if v.startswith("_:") else v for v in r) for r in want]
    assert got_vars == want_vars
    assert len(got) == len(want)
    for g_row, w_row in zip(got, want):  # both ordered by the query's ORDER BY
        assert all(_same_term(a, b) if tsv else a == b for a, b in zip(g_row, w_row)), (g_row, w_row)


def test_tsv_keeps_a_string_with_newlines_on_one_line(tmp_path: Path) -> None:
    from test_server import open_kg

    with running(open_kg(tmp_path), workers=1) as u:
        text = 'SELECT ?x ?y WHERE { BIND("a\\nb\\t\\"c\\"" AS ?x) BIND("1.0E6"^^xsd:double AS ?y) }'
        status, _, body = http(u, path="/sparql?" + urllib.parse.urlencode({"query": text}),
                               headers={"Accept": "text/tab-separated-values"})
    assert status == 200
    assert body == '?x\t?y\n"a\\nb\\t\\"c\\""\t1.0E6\n'


JSON_RES = _format_tests("json-res")


def _json_rows(doc: dict) -> list[dict]:
    rows = []
    for b in doc["results"]["bindings"]:
        row = {}
        for k, v in b.items():
            if v["type"] == "bnode":
                row[k] = ("bnode",)
            elif v["type"] in ("literal", "typed-literal"):
                dt = v.get("datatype")
                if dt == "http://www.w3.org/2001/XMLSchema#string":
                    dt = None  # RDF 1.1: "bar"^^xsd:string and "bar" are the same term
                lit = Literal(v["value"], datatype=dt, lang=v.get("xml:lang"))
                row[k] = ("literal", lit.toPython() if dt else v["value"], dt, v.get("xml:lang"))
            else:
                row[k] = (v["type"], v["value"])
        rows.append(row)
    return rows


@pytest.mark.parametrize(("name", "query", "data", "result"), JSON_RES, ids=[t[0] for t in JSON_RES])
def test_w3c_json_results(name: str, query: str, data: str, result: str) -> None:
    text = (W3C / "json-res" / query).read_text()
    with running(_format_kg("json-res", data), workers=1) as u:
        status, headers, body = http(u, path="/sparql?" + urllib.parse.urlencode({"query": text}),
                                     headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and headers["content-type"].startswith("application/sparql-results+json")
    got, want = json.loads(body), json.loads((W3C / "json-res" / result).read_text())
    if "boolean" in want:
        assert got["boolean"] is want["boolean"] and "results" not in got
        return
    assert got["head"]["vars"] == want["head"]["vars"]
    assert _json_rows(got) == _json_rows(want)
