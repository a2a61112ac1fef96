"""A minimal SPARQL 1.1 protocol endpoint over rdflib, for offline tests only.

Serves one graph on ``http://127.0.0.1:<ephemeral port>/sparql``:

* ``GET /sparql?query=…``, ``POST`` with a form (``query=…``) or ``application/sparql-query``;
* SELECT/ASK answer ``application/sparql-results+json``; CONSTRUCT/DESCRIBE answer Turtle;
* a malformed query is a 400.

Test hooks: ``fail_next`` (answer that many requests with 503 first), ``delay`` (seconds
to sleep before answering, to provoke client timeouts) and ``log`` (every request seen:
method and query text). Binds to loopback only; never used outside the tests.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from rdflib import Graph, Literal

from ip4graph.results import json_term

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures_wikidata"
PATH = "/sparql"


def load_fixture() -> Graph:
    """The Wikidata-shaped test fixture (every ``*.ttl`` of ``tests/fixtures_wikidata``)."""
    g = Graph()
    for f in sorted(FIXTURE_DIR.glob("*.ttl")):
        g.parse(f, format="turtle")
    return g


class _Handler(BaseHTTPRequestHandler):
    server: EndpointServer

    def log_message(self, fmt: str, *args) -> None:  # keep pytest output quiet
        pass

    def do_GET(self) -> None:
        parts = urllib.parse.urlsplit(self.path)
        if parts.path != PATH:
            return self._send(404, "text/plain", b"not found")
        query = urllib.parse.parse_qs(parts.query).get("query", [None])[0]
        self._answer("GET", query)

    def do_POST(self) -> None:
        if urllib.parse.urlsplit(self.path).path != PATH:
            return self._send(404, "text/plain", b"not found")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        if ctype == "application/sparql-query":
            query = body
        else:
            query = urllib.parse.parse_qs(body).get("query", [None])[0]
        self._answer("POST", query)

    def _answer(self, method: str, query: str | None) -> None:
        srv = self.server
        with srv.lock:
            srv.log.append((method, query or "", self.headers.get("User-Agent", "")))
            failing = srv.fail_next > 0
            if failing:
                srv.fail_next -= 1
        if srv.delay:
            time.sleep(srv.delay)
        if failing:
            return self._send(503, "text/plain", b"temporarily unavailable (test hook)")
        if not query:
            return self._send(400, "text/plain", b"missing query parameter")
        try:
            res = srv.graph.query(query)
        except Exception as exc:  # noqa: BLE001 - a malformed query
            return self._send(400, "text/plain", f"bad query: {exc}".encode())
        if res.type in ("CONSTRUCT", "DESCRIBE"):
            g = Graph()
            for t in res.graph:
                g.add(t)
            return self._send(200, "text/turtle", g.serialize(format="turtle").encode("utf-8"))
        if res.type == "ASK":
            payload = {"head": {}, "boolean": bool(res.askAnswer)}
        else:
            names = [str(v) for v in res.vars or []]
            rows = []
            for b in res.bindings:
                rows.append({str(k): json_term(v) for k, v in b.items() if str(k) in names and v is not None})
            payload = {"head": {"vars": names}, "results": {"bindings": rows}}
        self._send(200, "application/sparql-results+json", json.dumps(payload).encode("utf-8"))

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class EndpointServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, graph: Graph) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.graph = graph
        self.lock = threading.Lock()
        self.log: list[tuple[str, str, str]] = []
        self.fail_next = 0
        self.delay = 0.0

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}{PATH}"

    def reset(self) -> None:
        with self.lock:
            self.log.clear()
            self.fail_next = 0
            self.delay = 0.0


def start(graph: Graph | None = None) -> tuple[EndpointServer, threading.Thread]:
    """Start an endpoint over ``graph`` (default: the fixture) in a daemon thread."""
    srv = EndpointServer(graph if graph is not None else load_fixture())
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05},
                              name="wd-endpoint", daemon=True)
    thread.start()
    return srv, thread


def stop(srv: EndpointServer, thread: threading.Thread) -> None:
    srv.shutdown()
    srv.server_close()
    thread.join(5)


_ = Literal  # re-exported for tests that build small graphs


# ---------------------------------------------------------------------- pytest fixtures
import socket

import pytest


_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture(scope="session")
def wd_server():
    """The fixture endpoint, started once per session on 127.0.0.1 (an ephemeral port)."""
    srv, thread = start()
    try:
        yield srv
    finally:
        stop(srv, thread)


@pytest.fixture()
def wd(wd_server):
    """The fixture endpoint with its test hooks reset."""
    wd_server.reset()
    yield wd_server
    wd_server.reset()


@pytest.fixture(autouse=False)
def loopback_only(monkeypatch):
    """Fail any connection to an address other than loopback (the tests stay offline)."""
    real = socket.socket.connect

    def connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if host not in _LOOPBACK:
            raise AssertionError(f"test tried to reach a non-loopback address: {address!r}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", _loopback_getaddrinfo(socket.getaddrinfo))


def _loopback_getaddrinfo(real):
    def getaddrinfo(host, *args, **kwargs):
        if host not in _LOOPBACK:
            raise AssertionError(f"test tried to resolve a non-loopback host: {host!r}")
        return real(host, *args, **kwargs)

    return getaddrinfo
