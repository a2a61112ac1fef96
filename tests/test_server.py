"""``ip4graph serve`` with real clients over loopback: SPARQLWrapper, rdflib's SPARQLStore, raw HTTP.

The server runs in a background thread on 127.0.0.1 (its query workers are forked processes), port 0, over the fixture
``tests/data/server/sample.trig`` (the sample of ``tests/browser.py``, with XSS probes).
"""

from __future__ import annotations

import hashlib
import http.client as httplib
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from ip4graph.kg import KnowledgeGraph
from ip4graph.namespaces import IP4D
from ip4graph.server import EndpointConfig, serve_in_thread

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "server" / "sample.trig"
YASGUI = ROOT / "ip4graph" / "assets" / "yasgui"
MEMBERS = "SELECT ?m WHERE { ?m ip4:memberOf ip4d:ip4 } ORDER BY ?m"
PREFIXES = "PREFIX ip4: <https://w3id.org/ip4graph/ontology#>\nPREFIX ip4d: <https://w3id.org/ip4graph/id/>\n"
#: A cartesian product over the whole graph: minutes of work for rdflib.
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
IP4_MEMBERS = {IP4D[x] for x in ("australia", "japan", "new-zealand", "south-korea", "xss")}


def open_kg(tmp: Path) -> KnowledgeGraph:
    return KnowledgeGraph.open([FIXTURE], cache_dir=tmp)


@contextmanager
def running(kg: KnowledgeGraph, **options: object) -> Iterator[str]:
    config = EndpointConfig(port=0, **options)  # type: ignore[arg-type]
    assert config.host == "127.0.0.1"
    with serve_in_thread(kg, config) as server:
        assert server.server_address[0] == "127.0.0.1"
        yield server.url


@pytest.fixture(scope="module")
def kg(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    return open_kg(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def url(kg: KnowledgeGraph) -> Iterator[str]:
    with running(kg, timeout=5, max_rows=1000, workers=4) as u:
        yield u


def http(url: str, method: str = "GET", path: str = "/sparql", *, body: bytes | str | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    """A raw HTTP exchange (what curl would do)."""
    parts = urllib.parse.urlsplit(url)
    conn = httplib.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        data = body.encode("utf-8") if isinstance(body, str) else body
        conn.request(method, path, body=data, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read().decode("utf-8")
    finally:
        conn.close()


def q(text: str, **extra: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": text, **extra})


# --------------------------------------------------------------------------- real clients


def test_sparqlwrapper_select_json(url: str) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    sw = SPARQLWrapper(url + "/sparql")
    sw.setQuery(PREFIXES + MEMBERS)
    sw.setReturnFormat(JSON)
    data = sw.query().convert()
    assert data["head"]["vars"] == ["m"]
    assert {URIRef(b["m"]["value"]) for b in data["results"]["bindings"]} == IP4_MEMBERS


def test_sparqlwrapper_select_post_and_xml(url: str) -> None:
    from SPARQLWrapper import POST, XML, SPARQLWrapper

    sw = SPARQLWrapper(url + "/sparql")
    sw.setMethod(POST)
    sw.setQuery(MEMBERS)  # predeclared prefixes
    sw.setReturnFormat(XML)
    doc = sw.query().convert()
    values = {n.firstChild.data for n in doc.getElementsByTagName("uri")}
    assert {URIRef(v) for v in values} == IP4_MEMBERS


def test_sparqlwrapper_construct_turtle(url: str) -> None:
    from SPARQLWrapper import TURTLE, SPARQLWrapper

    sw = SPARQLWrapper(url + "/sparql")
    sw.setQuery("CONSTRUCT { ?m ip4:memberOf ip4d:ip4 } WHERE { ?m ip4:memberOf ip4d:ip4 }")
    sw.setReturnFormat(TURTLE)
    data = sw.query().convert()
    g = Graph().parse(data=data, format="turtle")
    assert set(g.subjects()) == IP4_MEMBERS


def test_sparqlwrapper_ask(url: str) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    sw = SPARQLWrapper(url + "/sparql")
    sw.setReturnFormat(JSON)
    sw.setQuery("ASK { ip4d:japan ip4:memberOf ip4d:ip4 }")
    assert sw.query().convert()["boolean"] is True
    sw.setQuery("ASK { ip4d:nato ip4:plansPresenceIn ip4d:indo-pacific }")  # denied, never a fact
    assert sw.query().convert()["boolean"] is False


def test_rdflib_sparqlstore(url: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(url + "/sparql", returnFormat="json")
    g = Graph(store=store)
    rows = list(g.query(PREFIXES + MEMBERS))
    assert {r[0] for r in rows} == IP4_MEMBERS
    assert (IP4D.japan, URIRef("https://w3id.org/ip4graph/ontology#memberOf"), IP4D.ip4) in g
    labels = set(g.objects(IP4D.japan, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
    assert Literal("Japan", lang="en") in labels
    assert g.query("ASK { ip4d:japan ip4:memberOf ip4d:ip4 }").askAnswer is True


# --------------------------------------------------------------------------- protocol edge cases


def test_get_and_both_posts_agree(url: str) -> None:
    via_get = http(url, path=q(MEMBERS), headers={"Accept": "text/csv"})
    via_form = http(url, "POST", body=urllib.parse.urlencode({"query": MEMBERS}),
                    headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})
    via_direct = http(url, "POST", body=MEMBERS,
                      headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": "text/csv"})
    assert via_get[0] == via_form[0] == via_direct[0] == 200
    assert via_get[2] == via_form[2] == via_direct[2]
    assert via_get[2].splitlines()[0] == "m" and len(via_get[2].splitlines()) == 6


@pytest.mark.parametrize(
    ("accept", "media", "marker"),
    [
        (None, "application/sparql-results+json", '"bindings"'),
        ("application/sparql-results+json", "application/sparql-results+json", '"bindings"'),
        ("application/json", "application/sparql-results+json", '"bindings"'),
        ("application/sparql-results+xml", "application/sparql-results+xml", "<sparql"),
        ("text/csv", "text/csv", "m\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values", "?m\n"),
        ("text/html;q=0.9, text/csv;q=0.5, */*;q=0.1", "text/csv", "m\r\n"),
    ],
)
def test_result_content_negotiation(url: str, accept: str | None, media: str, marker: str) -> None:
    status, headers, body = http(url, path=q(MEMBERS), headers={"Accept": accept} if accept else {})
    assert status == 200
    assert headers["content-type"].startswith(media)
    assert marker in body
    assert "Accept" in headers["vary"]


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
     ("application/rdf+xml", "xml")],
)
def test_graph_content_negotiation(url: str, accept: str, fmt: str) -> None:
    text = "CONSTRUCT { ?m ip4:memberOf ip4d:ip4 } WHERE { ?m ip4:memberOf ip4d:ip4 }"
    status, headers, body = http(url, path=q(text), headers={"Accept": accept})
    assert status == 200 and headers["content-type"].startswith(accept)
    assert set(Graph().parse(data=body, format=fmt).subjects()) == IP4_MEMBERS


def test_unacceptable_format_is_406(url: str) -> None:
    status, _, body = http(url, path=q(MEMBERS), headers={"Accept": "image/png"})
    assert status == 406 and "application/sparql-results+json" in body


def test_syntax_error_is_400_with_position(url: str) -> None:
    bad = "SELECT ?s WHERE {\n  ?s ip4:memberOf \n}"
    status, headers, body = http(url, path=q(bad))
    assert status == 400
    assert headers["x-ip4graph-error-line"] == "3" and headers["x-ip4graph-error-column"] == "1"
    assert "line 3, column 1" in body and "syntax error" in body


def test_protocol_errors(url: str) -> None:
    assert http(url, "POST", body="x", headers={"Content-Type": "text/plain"})[0] == 415
    assert http(url, path="/sparql?query=a&query=b")[0] == 400
    assert http(url, "POST", body="", headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 400
    assert http(url, path="/sparql?update=" + urllib.parse.quote("CLEAR ALL"))[0] == 400  # update via GET
    assert http(url, path=q(MEMBERS, **{"default-graph-uri": "not an iri"}))[0] == 400
    assert http(url, "PUT", path="/sparql", body="x")[0] == 405
    assert http(url, "DELETE", path="/sparql")[0] == 405


def test_body_size_limit(kg: KnowledgeGraph) -> None:
    with running(kg, max_body=1000) as u:
        status, _, _ = http(u, "POST", body="SELECT * WHERE { ?s ?p ?o } #" + "x" * 2000,
                            headers={"Content-Type": "application/sparql-query"})
    assert status == 413


def test_default_and_named_graph_uri(url: str) -> None:
    claim = "https://w3id.org/ip4graph/claim/brief-p3-partners"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    status, _, body = http(url, path=q(count, **{"default-graph-uri": claim}), headers={"Accept": "text/csv"})
    assert status == 200 and body.splitlines()[1] == "2"
    named = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    status, _, body = http(url, path=q(named, **{"named-graph-uri": claim}), headers={"Accept": "text/csv"})
    assert body.splitlines()[1:] == [f"{claim},2"]
    # An unknown graph is empty: it is never fetched.
    status, _, body = http(url, path=q(count, **{"default-graph-uri": "http://127.0.0.1:9/nowhere"}),
                           headers={"Accept": "text/csv"})
    assert status == 200 and body.splitlines()[1] == "0"


def test_from_clause_is_answered_locally(url: str) -> None:
    claim = "https://w3id.org/ip4graph/claim/brief-p3-partners"
    text = f"SELECT (COUNT(*) AS ?n) FROM <{claim}> WHERE {{ ?s ?p ?o }}"
    assert http(url, path=q(text), headers={"Accept": "text/csv"})[2].splitlines()[1] == "2"
    with listener() as hits:
        text = f"SELECT (COUNT(*) AS ?n) FROM <http://127.0.0.1:{hits.port}/data.ttl> WHERE {{ ?s ?p ?o }}"
        status, _, body = http(url, path=q(text), headers={"Accept": "text/csv"})
        assert status == 200 and body.splitlines()[1] == "0"
        text = "SELECT (COUNT(*) AS ?n) FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"
        assert http(url, path=q(text), headers={"Accept": "text/csv"})[2].splitlines()[1] == "0"
    assert hits.connections == 0


def test_service_description(url: str) -> None:
    status, headers, body = http(url, headers={"Accept": "text/turtle"})
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=body, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = next(g.objects(None, URIRef(sd + "endpoint")))
    assert str(endpoint) == url + "/sparql"
    langs = set(g.objects(None, URIRef(sd + "supportedLanguage")))
    assert URIRef(sd + "SPARQL11Query") in langs and URIRef(sd + "SPARQL11Update") not in langs
    names = set(g.objects(None, URIRef(sd + "name")))
    assert URIRef("https://w3id.org/ip4graph/claim/brief-p3-partners") in names
    # A browser asking for the endpoint goes to the editor.
    assert http(url, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})[0] == 303


def test_protocol_bindings(url: str) -> None:
    text = "SELECT ?m WHERE { ?m ip4:memberOf ?group }"
    path = "/sparql?" + urllib.parse.urlencode({"query": text, "$group": "<https://w3id.org/ip4graph/id/ip4>"})
    status, _, body = http(url, path=path, headers={"Accept": "text/csv"})
    assert status == 200 and len(body.splitlines()) == 6
    path = "/sparql?" + urllib.parse.urlencode({"query": text, "$group": "ip4d:ip4"})
    assert len(http(url, path=path, headers={"Accept": "text/csv"})[2].splitlines()) == 6
    path = "/sparql?" + urllib.parse.urlencode({"query": text, "$group": "<<bad"})
    assert http(url, path=path)[0] == 400


def test_cors(url: str) -> None:
    status, headers, _ = http(url, "OPTIONS", headers={"Origin": "http://example.org",
                                                        "Access-Control-Request-Method": "POST"})
    assert status == 204 and headers["access-control-allow-origin"] == "*"
    assert http(url, path=q(MEMBERS))[1]["access-control-allow-origin"] == "*"


# --------------------------------------------------------------------------- limits


def test_result_size_cap_truncates_with_header(kg: KnowledgeGraph) -> None:
    with running(kg, max_rows=3) as u:
        status, headers, body = http(u, path=q("SELECT * WHERE { ?s ?p ?o }"), headers={"Accept": "text/csv"})
        assert status == 200 and headers["x-ip4graph-truncated"] == "true"
        assert len(body.splitlines()) == 4
        status, headers, body = http(u, path=q("CONSTRUCT WHERE { ?s ?p ?o }"), headers={"Accept": "application/n-triples"})
        assert headers["x-ip4graph-truncated"] == "true" and len(body.strip().splitlines()) == 3
        status, headers, _ = http(u, path=q("SELECT * WHERE { ?s ?p ?o } LIMIT 2"))
        assert "x-ip4graph-truncated" not in headers


def test_expensive_query_times_out_while_others_are_answered(kg: KnowledgeGraph) -> None:
    with running(kg, timeout=2, workers=4) as u:
        results: dict[str, object] = {}

        def slow() -> None:
            started = time.perf_counter()
            results["slow"] = http(u, path=q(EXPENSIVE))
            results["slow_s"] = time.perf_counter() - started

        t = threading.Thread(target=slow)
        t.start()
        time.sleep(0.3)
        fast = []
        while t.is_alive():
            started = time.perf_counter()
            status, _, body = http(u, path=q(MEMBERS), headers={"Accept": "text/csv"})
            fast.append((status, time.perf_counter() - started, len(body.splitlines())))
            time.sleep(0.05)
        t.join()
        status, _, body = results["slow"]  # type: ignore[misc]
        assert status == 503 and "ran longer than 2 s" in body
        assert results["slow_s"] < 10  # type: ignore[operator]
        assert len(fast) >= 3 and all(s == 200 and n == 6 for s, _, n in fast)
        # The worker process running it was killed and replaced: every worker is idle again.
        deadline = time.time() + 10
        while time.time() < deadline:
            state = json.loads(http(u, path="/status")[2])
            if state["idle_workers"] == 4 and state["running"] == 0:
                break
            time.sleep(0.1)
        assert state["idle_workers"] == 4 and state["worker_restarts"] == 1, state
        assert len(state["worker_pids"]) == 4
        assert state["counters"]["timeouts"] == 1
        # Every worker is free again: as many expensive queries as workers all time out, then a query runs.
        # (Different texts: a text stopped once is refused at once for a while, without a worker.)
        threads = [threading.Thread(target=lambda i=i: http(u, path=q(EXPENSIVE + f" # {i}"))) for i in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert http(u, path=q(MEMBERS))[0] == 200


def test_catastrophic_regex_is_refused(url: str) -> None:
    text = 'SELECT * WHERE { BIND("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab" AS ?s) FILTER REGEX(?s, "^(a+)+$") }'
    status, _, body = http(url, path=q(text))
    assert status == 400 and "nested quantifier" in body
    ok = 'SELECT * WHERE { ?s rdfs:label ?l FILTER REGEX(?l, "^jap", "i") }'
    assert http(url, path=q(ok))[0] == 200
    dynamic = 'SELECT * WHERE { ?s rdfs:label ?l FILTER REGEX(?l, ?l) }'
    assert http(url, path=q(dynamic))[0] == 400


# --------------------------------------------------------------------------- refusals


class _Listener:
    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self.thread.join(2)
        self.sock.close()


@contextmanager
def listener() -> Iterator[_Listener]:
    """A TCP listener on loopback that counts connections (a stand-in for another host)."""
    lst = _Listener()
    try:
        yield lst
    finally:
        time.sleep(0.3)
        lst.close()


def test_service_to_host_not_allowed_is_refused_without_connecting(url: str) -> None:
    with listener() as hits:
        target = f"http://127.0.0.1:{hits.port}/sparql"
        text = f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"
        status, _, body = http(url, path=q(text))
        assert status == 403 and target in body
        nested = f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}"
        assert http(url, path=q(nested))[0] == 403
        silent = f"SELECT * WHERE {{ OPTIONAL {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }} }}"
        assert http(url, path=q(silent))[0] == 403
        assert http(url, path=q("SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }"))[0] == 403
    assert hits.connections == 0


def test_network_guard_blocks_query_threads_only(kg: KnowledgeGraph) -> None:
    """Even with the algebra checks bypassed, a query thread cannot open a connection."""
    from ip4graph.kg import execute
    from ip4graph.server import guard

    guard.install_network_guard()
    with listener() as hits:
        target = f"http://127.0.0.1:{hits.port}/sparql"
        with pytest.raises(Exception) as info:
            execute(kg.asserted, f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}", timeout=5,
                     source=guard.QUERY_SOURCE)
        assert "refused" in str(info.value)
        socket.create_connection(("127.0.0.1", hits.port), timeout=2).close()  # other threads: unaffected
    assert hits.connections == 1


def test_update_is_refused_by_default(url: str, kg: KnowledgeGraph) -> None:
    before = len(kg.asserted)
    update = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    for body, ctype in ((update, "application/sparql-update"),
                        (urllib.parse.urlencode({"update": update}), "application/x-www-form-urlencoded")):
        status, _, text = http(url, "POST", body=body, headers={"Content-Type": ctype, "Authorization": "Bearer x"})
        assert status == 403 and "read-only" in text
    assert len(kg.asserted) == before


def test_update_with_token(tmp_path: Path) -> None:
    kg = open_kg(tmp_path)
    asserted_before = len(kg.asserted)
    update = "INSERT DATA { GRAPH <urn:x:g> { ip4d:japan ip4:memberOf ip4d:quad } }"
    ask = "ASK { ip4d:japan ip4:memberOf ip4d:quad }"
    with running(kg, allow_update=True, token="s3cret") as u:
        hdr = {"Content-Type": "application/sparql-update"}
        assert http(u, "POST", body=update, headers=hdr)[0] == 401
        assert http(u, "POST", body=update, headers={**hdr, "Authorization": "Bearer wrong"})[0] == 403
        assert '"boolean": false' in http(u, path=q(ask))[2]
        status, headers, _ = http(u, "POST", body=update, headers={**hdr, "Authorization": "Bearer s3cret"})
        assert status == 204 and headers["x-ip4graph-asserted-triples"] == str(asserted_before + 1)
        assert '"boolean": true' in http(u, path=q(ask))[2]  # every worker sees it (forked after the update)
        assert all('"boolean": true' in http(u, path=q(ask))[2] for _ in range(6))
        # INSERT DATA into the default graph (was a 500)
        status, headers, body = http(u, "POST", body="INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }",
                                     headers={**hdr, "Authorization": "Bearer s3cret"})
        assert status == 204, body
        assert '"boolean": true' in http(u, path=q("ASK { <urn:x:s> <urn:x:p> <urn:x:o> }"))[2]
        with listener() as hits:
            load = f"LOAD <http://127.0.0.1:{hits.port}/x.ttl>"
            assert http(u, "POST", body=load, headers={**hdr, "Authorization": "Bearer s3cret"})[0] == 403
        assert hits.connections == 0
        status, headers, body = http(u, "POST", body="INSERT DATA {", headers={**hdr, "Authorization": "Bearer s3cret"})
        assert status == 400 and "line 1" in body
        _, _, sd = http(u, headers={"Accept": "text/turtle"})
        assert "SPARQL11Update" in sd
        # the inferred graph is kept apart
        inferred = "ASK { GRAPH <https://w3id.org/ip4graph/graph/inferred> { ?s ?p ?o } }"
        assert '"boolean": true' in http(u, path=q(inferred))[2]
    assert len(kg.asserted) == asserted_before  # the server process's copy is untouched: workers hold the data


def test_update_needs_a_token() -> None:
    from ip4graph.errors import ParameterError

    with pytest.raises(ParameterError):
        EndpointConfig(allow_update=True)
    with pytest.raises(ParameterError):
        EndpointConfig(allow_service=("file:///etc/passwd",))


# --------------------------------------------------------------------------- entity pages, graph view, UI


def test_entity_page_html_escapes_labels(url: str) -> None:
    status, headers, body = http(url, path="/id/xss", headers={"Accept": "text/html"})
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "<img src=x" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "<script>" not in body
    assert "default-src 'none'" in headers["content-security-policy"]


def test_entity_page_shows_relations_sources_and_graph_link(url: str) -> None:
    status, _, body = http(url, path="/id/japan", headers={"Accept": "text/html,*/*;q=0.8"})
    assert status == 200
    assert "<h1>Japan</h1>" in body and "日本" in body
    assert 'href="/id/ip4"' in body and "Indo-Pacific 4" in body  # a relation, linked locally
    assert "brief-p2-ip4-members" in body and "form" in body  # its source claim and quote
    assert "inferred" in body  # an inferred relation, marked
    assert 'href="/graph?focus=https%3A%2F%2Fw3id.org%2Fip4graph%2Fid%2Fjapan"' in body
    _, _, china = http(url, path="/id/china", headers={"Accept": "text/html"})
    assert 'href="http://www.wikidata.org/entity/Q148"' in china
    assert "javascript:alert(1)" in china and 'href="javascript:' not in china


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                             ("application/n-triples", "nt"), ("application/rdf+xml", "xml")])
def test_entity_rdf(url: str, accept: str, fmt: str) -> None:
    status, headers, body = http(url, path="/id/japan", headers={"Accept": accept})
    assert status == 200 and headers["content-type"].startswith(accept)
    g = Graph().parse(data=body, format=fmt)
    assert (IP4D.japan, URIRef("https://w3id.org/ip4graph/ontology#memberOf"), IP4D.ip4) in g
    assert (IP4D.ip4, URIRef("https://w3id.org/ip4graph/ontology#hasMember"), IP4D.japan) in g


def test_entity_paths(url: str) -> None:
    assert http(url, path="/id/japan.ttl")[1]["content-type"].startswith("text/turtle")
    assert http(url, path="/id/japan?format=jsonld")[1]["content-type"].startswith("application/ld+json")
    assert http(url, path="/id/no-such-thing", headers={"Accept": "text/html"})[0] == 404
    assert http(url, path="/id/../etc/passwd")[0] in (400, 404)
    assert http(url, path="/claim/brief-p3-partners", headers={"Accept": "text/html"})[0] == 200
    iri = urllib.parse.quote("https://w3id.org/ip4graph/ontology#memberOf", safe="")
    assert http(url, path=f"/resource?iri={iri}", headers={"Accept": "text/html"})[0] == 200
    assert http(url, path="/nowhere")[0] == 404


def test_graph_view(url: str) -> None:
    focus = urllib.parse.quote("https://w3id.org/ip4graph/id/japan", safe="")
    status, headers, body = http(url, path=f"/graph?focus={focus}")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "Content-Security-Policy" in body and "Everything within 1 hop of Japan" in body
    assert http(url, path="/graph?focus=ip4d:japan&depth=2")[0] == 200
    assert http(url, path="/graph?focus=nothing-here")[0] == 404
    assert http(url, path="/graph?focus=ip4d:japan&depth=9")[0] == 400


def test_ui_page_is_local(url: str) -> None:
    status, headers, body = http(url, path="/")
    assert status == 200
    csp = headers["content-security-policy"]
    assert "connect-src 'self'" in csp and "script-src 'self'" in csp
    assert 'src="/assets/yasgui/yasgui.min.js"' in body and 'href="/assets/yasgui/yasgui.min.css"' in body
    assert "https://" not in body.split('id="ip4-examples"')[0]
    assert "ip4-members" in body  # the catalog's named queries
    for path in ("/assets/yasgui/yasgui.min.js", "/assets/yasgui/yasgui.min.css", "/ui/app.js", "/ui/app.css"):
        assert http(url, path=path)[0] == 200


def test_vendored_yasgui_is_pinned_and_patched() -> None:
    expected = {
        "yasgui.min.js": "31266ae0bf54900a42fc70ecab59a19afbc2b49be6625c992f4da72ccee11d19",
        "yasgui.min.css": "085b94556b97f9928981bdedb6848fd11ad4d8d950e821f0d698c58ca538fc55",
    }
    for name, digest in expected.items():
        data = (YASGUI / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, name
        assert b"lov.linkeddata.es" not in data and b"sourceMappingURL" not in data
    assert b"url(http" not in (YASGUI / "yasgui.min.css").read_bytes()
    assert (ROOT / "LICENSES" / "yasgui.txt").read_text().count("MIT") >= 2


def test_serve_command_help() -> None:
    from click.testing import CliRunner

    from ip4graph.cli import main

    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output and "--allow-service" in result.output and "Example" in result.output


def test_concurrent_clients_all_get_answers(url: str) -> None:
    """Many clients at once: every answer is right (rdflib's parser is not thread-safe; each worker process parses alone)."""
    texts = [MEMBERS, "SELECT ?s ?l WHERE { ?s a ip4:State ; rdfs:label ?l } LIMIT 50",
             "ASK { ip4d:japan ip4:partnerOf ip4d:nato }", "CONSTRUCT WHERE { ip4d:japan ?p ?o }"]
    failures: list[object] = []

    def worker(i: int) -> None:
        for k in range(15):
            status, _, body = http(url, path=q(texts[(i + k) % len(texts)]))
            if status != 200:
                failures.append((status, body[:200]))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


# --------------------------------------------------------------------------- conformance defects fixed


def test_describe_without_where(url: str) -> None:
    for text in ("DESCRIBE ip4d:japan", "DESCRIBE <https://w3id.org/ip4graph/id/japan>", "DESCRIBE <http://example.org/>"):
        status, headers, body = http(url, path=q(text), headers={"Accept": "text/turtle"})
        assert status == 200 and headers["content-type"].startswith("text/turtle"), body
        g = Graph().parse(data=body, format="turtle")
        if "japan" in text:
            assert (IP4D.japan, URIRef("https://w3id.org/ip4graph/ontology#memberOf"), IP4D.ip4) in g


def test_relative_iris_are_resolved_against_the_endpoint(url: str) -> None:
    text = "CONSTRUCT { <thing> <p> ?m } WHERE { ?m ip4:memberOf ip4d:ip4 }"
    for accept, fmt in (("application/n-triples", "nt"), ("application/rdf+xml", "xml")):
        status, _, body = http(url, path=q(text), headers={"Accept": accept})
        assert status == 200, body
        g = Graph().parse(data=body, format=fmt)
        assert set(g.subjects()) == {URIRef(url + "/thing")} and set(g.predicates()) == {URIRef(url + "/p")}
    text = "BASE <http://example.org/base/> CONSTRUCT { <thing> <p> ?m } WHERE { ?m ip4:memberOf ip4d:ip4 }"
    g = Graph().parse(data=http(url, path=q(text), headers={"Accept": "application/n-triples"})[2], format="nt")
    assert set(g.subjects()) == {URIRef("http://example.org/base/thing")}


def test_user_prefix_for_a_predeclared_namespace(url: str) -> None:
    text = ("PREFIX ex: <https://w3id.org/ip4graph/ontology#>\n"
            "SELECT ?m WHERE { ?m ex:memberOf ip4d:ip4 ; ip4:memberOf ip4d:ip4 } ORDER BY ?m")
    status, _, body = http(url, path=q(text), headers={"Accept": "text/csv"})
    assert status == 200 and len(body.splitlines()) == 6, body


def test_service_description_lists_real_graphs_and_no_federation(url: str, kg: KnowledgeGraph) -> None:
    _, _, body = http(url, headers={"Accept": "text/turtle"})
    g = Graph().parse(data=body, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    names = {str(n) for n in g.objects(None, URIRef(sd + "name"))}
    assert names and not any(n.startswith("urn:x-rdflib:") for n in names)
    assert URIRef(sd + "BasicFederatedQuery") not in set(g.objects(None, URIRef(sd + "feature")))
    with running(kg, allow_service=("http://127.0.0.1:9/sparql",)) as u:
        g = Graph().parse(data=http(u, headers={"Accept": "text/turtle"})[2], format="turtle")
        assert URIRef(sd + "BasicFederatedQuery") in set(g.objects(None, URIRef(sd + "feature")))


def test_repeated_reads_are_answered_from_the_cache_until_an_update(tmp_path: Path) -> None:
    kg = open_kg(tmp_path)
    ask = "ASK { ip4d:japan ip4:memberOf ip4d:cached }"
    with running(kg, allow_update=True, token="t", workers=1) as u:
        first = json.loads(http(u, path="/status")[2])["cache"]
        assert '"boolean": false' in http(u, path=q(ask))[2]
        assert '"boolean": false' in http(u, path=q(ask))[2]
        after = json.loads(http(u, path="/status")[2])["cache"]
        assert after["hits"] == first["hits"] + 1 and after["misses"] == first["misses"] + 1
        status, _, _ = http(u, "POST", body="INSERT DATA { ip4d:japan ip4:memberOf ip4d:cached }",
                            headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer t"})
        assert status == 204
        assert '"boolean": true' in http(u, path=q(ask))[2]  # the cached "false" is gone
    with running(kg, cache_mb=0) as u:
        http(u, path=q(ask))
        assert json.loads(http(u, path="/status")[2])["cache"] is None


def test_service_description_states_entailment_and_layout(url: str) -> None:
    g = Graph().parse(data=http(url, headers={"Accept": "text/turtle"})[2], format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert set(g.objects(None, URIRef(sd + "defaultEntailmentRegime"))) == {
        URIRef("http://www.w3.org/ns/entailment/OWL-RDF-Based")}
    assert URIRef("http://www.w3.org/ns/owl-profile/RL") in set(g.objects(None, URIRef(sd + "supportedEntailmentProfile")))
    sizes = {str(g.value(ng, URIRef(sd + "name"))): int(g.value(g.value(ng, URIRef(sd + "graph")),
                                                                URIRef("http://rdfs.org/ns/void#triples")))
             for ng in g.objects(None, URIRef(sd + "namedGraph"))}
    assert sizes["https://w3id.org/ip4graph/claim/brief-p3-partners"] == 2
    assert sizes["https://w3id.org/ip4graph/graph/inferred"] > 0


@pytest.mark.parametrize(("path", "iri"), [
    ("/ontology", "https://w3id.org/ip4graph/ontology"),
    ("/ontology/1.1.0", "https://w3id.org/ip4graph/ontology"),
    ("/graph/ontology", "https://w3id.org/ip4graph/ontology"),
    ("/graph/inferred", None),
    ("/dataset", "https://w3id.org/ip4graph/dataset"),
    ("/claim/brief-p3-partners", "https://w3id.org/ip4graph/claim/brief-p3-partners"),
    ("/id/japan", "https://w3id.org/ip4graph/id/japan"),
])
def test_minted_iris_dereference_with_content_negotiation(url: str, path: str, iri: str | None) -> None:
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                        ("application/n-triples", "nt"), ("application/rdf+xml", "xml")):
        status, headers, body = http(url, path=path, headers={"Accept": accept})
        assert status == 200 and headers["content-type"].startswith(accept), (path, accept, body[:200])
        g = Graph().parse(data=body, format=fmt)
        assert len(g) > 0
        if iri is not None:
            assert URIRef(iri) in set(g.subjects()) | set(g.objects()), (path, accept)
    status, headers, body = http(url, path=path, headers={"Accept": "text/html,*/*;q=0.8"})
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in headers["content-security-policy"] and "<script" not in body


def test_unknown_versions_and_graphs_are_404(url: str) -> None:
    assert http(url, path="/ontology/9.9.9", headers={"Accept": "text/turtle"})[0] == 404
    assert http(url, path="/graph/no-such-graph", headers={"Accept": "text/turtle"})[0] == 404
    assert http(url, path="/graph/..%2F..", headers={"Accept": "text/turtle"})[0] in (400, 404)
    assert http(url, path="/ontology?format=ttl")[1]["content-type"].startswith("text/turtle")
