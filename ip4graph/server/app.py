"""The endpoint: SPARQL 1.1 Protocol over the loaded graph, entity pages, the graph view and the UI.

:class:`Endpoint` holds the knowledge graph and the limits and answers requests as plain
:class:`Response` values (testable without sockets); :func:`make_server` wraps it in a
standard-library ``ThreadingHTTPServer`` bound to 127.0.0.1 unless told otherwise.

Routes (the entity IRI ``https://w3id.org/ip4graph/id/<slug>`` is served at ``/id/<slug>``,
and ``…/claim/<slug>`` at ``/claim/<slug>``; any other IRI at ``/resource?iri=<IRI>``)::

    GET|POST /sparql            queries (and updates, when enabled); service description without one
    GET  /                      the SPARQL editor (vendored YASGUI) with the named queries as examples
    GET  /id/<slug>             an entity: HTML for browsers, Turtle / N-Triples / JSON-LD / RDF/XML
    GET  /graph?focus=<iri>     the interactive graph view around an entity (ip4graph.viz)
    GET  /status                counters (JSON)

Status codes: 400 malformed request or query (with line and column), 401/403 update without
a valid token, 403 refused operation (update disabled, SERVICE to a host not allowed, LOAD),
406 no acceptable format, 413 body too large, 415 body type, 503 query time limit reached
or all workers busy.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from pyparsing import ParseException
from rdflib import Dataset, Graph
from rdflib.plugins.sparql import prepareUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from ..catalog import View
from ..errors import Ip4GraphError, ParameterError, QueryError, QueryTimeout
from ..kg import KnowledgeGraph, execute, prepare
from ..namespaces import PREFIXES, bind_prefixes
from ..results import OutputFormat, QueryResult
from ..timeouts import run_with_timeout
from . import guard, pages
from .guard import DatasetSpec, Refused
from .protocol import GRAPH_WIRES, RESULT_WIRES, Operation, Wire, negotiate, parse_binding, read_operation, service_description

log = logging.getLogger("ip4graph.server")

LOOPBACK = "127.0.0.1"
TRUNCATED_HEADER = "X-Ip4graph-Truncated"

_WIRE_TO_FORMAT = {
    Wire.JSON: OutputFormat.JSON,
    Wire.XML: OutputFormat.XML,
    Wire.CSV: OutputFormat.CSV,
    Wire.TSV: OutputFormat.TSV,
    Wire.TURTLE: OutputFormat.TURTLE,
    Wire.NTRIPLES: OutputFormat.NTRIPLES,
    Wire.JSONLD: OutputFormat.JSONLD,
}


@dataclass(frozen=True, kw_only=True)
class EndpointConfig:
    """Limits and switches of the endpoint (all are ``ip4graph serve`` options).

    Attributes:
        host, port: where to listen (127.0.0.1 by default; port 0 picks a free one).
        timeout: seconds a query may run before it is stopped (0 = no limit).
        max_rows: result rows (or triples) returned at most; more are cut off and the
            response carries ``X-Ip4graph-Truncated: true``.
        workers: queries evaluated at the same time; others wait up to ``queue_timeout``.
        allow_update, token: SPARQL Update is accepted only if both are set and the
            request carries ``Authorization: Bearer <token>``.
        allow_service: SERVICE endpoints queries may call (exact URLs).
        max_body: largest request body accepted, in bytes.
    """

    host: str = LOOPBACK
    port: int = 8000
    timeout: float = 30.0
    max_rows: int = 10_000
    workers: int = 4
    queue_timeout: float = 10.0
    allow_update: bool = False
    token: str | None = None
    allow_service: tuple[str, ...] = ()
    max_body: int = 1_000_000

    def __post_init__(self) -> None:
        if self.allow_update and not self.token:
            raise ParameterError("--allow-update needs --token (updates are only accepted with that bearer token)")
        if self.max_rows < 1 or self.workers < 1:
            raise ParameterError("--max-rows and --workers must be at least 1")
        for url in self.allow_service:
            if urlsplit(url).scheme not in ("http", "https"):
                raise ParameterError(f"--allow-service {url!r}: give an http(s) endpoint URL")


@dataclass
class Response:
    """What to send back."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def text(cls, status: int, message: str, **headers: str) -> "Response":
        return cls(status, (message.rstrip("\n") + "\n").encode("utf-8"), headers=dict(headers))


#: rdflib's SPARQL parser (pyparsing) is not thread-safe: concurrent parses fail at random with
#: "<lambda>() missing 1 required positional argument". Every parse in the server holds this lock.
from ..kg import SPARQL_PARSE_LOCK as _PARSE_LOCK  # noqa: E402  (one lock for every parser user)


class _ReadWriteLock:
    """Many readers (queries) or one writer (an update)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            while self._writer:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            while self._writer or self._readers:
                self._cond.wait()
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


@dataclass
class Counters:
    queries: int = 0
    updates: int = 0
    refused: int = 0
    errors: int = 0
    timeouts: int = 0
    busy: int = 0
    truncated: int = 0


class Endpoint:
    """The SPARQL endpoint over ``kg`` with the limits of ``config``."""

    def __init__(self, kg: KnowledgeGraph, config: EndpointConfig | None = None) -> None:
        self.kg = kg
        self.config = config or EndpointConfig()
        self._slots = threading.BoundedSemaphore(self.config.workers)
        self._rw = _ReadWriteLock()
        self._count_lock = threading.Lock()
        self.counters = Counters()
        self.running = 0
        self.pages = pages.Pages(self)
        guard.install_network_guard()
        guard.allow_urls(self.config.allow_service)

    # ------------------------------------------------------------------ data
    def dataset(self) -> Dataset:
        """What queries see: the asserted graphs plus ``ip4g:inferred``."""
        return self.kg.view(View.ALL)

    def _select(self, spec: DatasetSpec) -> Dataset:
        """A dataset made of the requested graphs only (never fetched: unknown graphs are empty)."""
        full = self.dataset()
        ds = Dataset(default_union=False)
        bind_prefixes(ds)
        default = ds.default_graph
        for name in spec.default:
            for t in full.get_context(name).triples((None, None, None)):
                default.add(t)
        for name in spec.named:
            target = ds.graph(name)
            for t in full.get_context(name).triples((None, None, None)):
                target.add(t)
        return ds

    def _count(self, name: str) -> None:
        with self._count_lock:
            setattr(self.counters, name, getattr(self.counters, name) + 1)

    # ------------------------------------------------------------------ SPARQL
    def sparql(self, op: Operation, *, accept: str | None, authorization: str | None, base: str) -> Response:
        """Answer one protocol request (already read by :func:`read_operation`)."""
        try:
            if op.update is not None:
                return self._update(op, authorization)
            if op.query is None:
                return self._description(accept, base)
            return self._query(op, accept)
        except Refused as exc:
            self._count("refused" if exc.status in (401, 403) else "errors")
            headers = {"WWW-Authenticate": 'Bearer realm="ip4graph"'} if exc.status == 401 else {}
            return Response.text(exc.status, exc.message, **headers)

    def _query(self, op: Operation, accept: str | None) -> Response:
        assert op.query is not None
        try:
            with _PARSE_LOCK:
                prepared = prepare(op.query, source="query")
        except QueryError as exc:
            self._count("errors")
            return _error_response(400, exc)
        algebra = prepared.algebra
        from_query = guard.check_query(algebra, allowed_services=self.config.allow_service)
        spec = op.dataset if op.dataset else from_query  # protocol parameters win (SPARQL 1.1 Protocol 2.1.4)
        kind = algebra.name
        offered = GRAPH_WIRES if kind in ("ConstructQuery", "DescribeQuery") else RESULT_WIRES
        wire = negotiate(accept, offered, override=op.format)
        if wire is None:
            self._count("errors")
            return Response.text(406, "no acceptable format; this query can answer in: "
                                 + ", ".join(w.value for w in offered))
        bindings = {k: parse_binding(k, v, self.kg.asserted.namespace_manager) for k, v in op.bindings.items()}
        cap = self.config.max_rows
        if kind == "ConstructQuery" and not algebra.get("template"):
            algebra["template"] = algebra["p"]["p"]["triples"]  # CONSTRUCT WHERE: rdflib reads it from p
        if kind in ("SelectQuery", "ConstructQuery", "DescribeQuery") and "p" in algebra:
            # Evaluate at most cap + 1 solutions: the engine stops early instead of materialising all.
            algebra["p"] = CompValue("Slice", p=algebra["p"], start=0, length=cap + 1)
        if not self._slots.acquire(timeout=self.config.queue_timeout):
            self._count("busy")
            return Response.text(503, "all query workers are busy; try again", **{"Retry-After": "1"})
        try:
            with self._count_lock:
                self.running += 1
            with self._rw.read():
                dataset = self._select(spec) if spec else self.dataset()
                with guard.guarded():
                    result = execute(dataset, prepared, bindings=bindings, timeout=self.config.timeout or None,
                                     source=guard.QUERY_SOURCE)
        except QueryTimeout as exc:
            self._count("timeouts")
            return Response.text(503, f"the query ran longer than {self.config.timeout:g} s and was stopped\n"
                                 f"hint: {exc.hint}")
        except QueryError as exc:
            if _caused_by(exc, guard.NetworkRefused):
                self._count("refused")
                return Response.text(403, f"refused: {exc.__cause__}")
            self._count("errors")
            log.warning("query failed: %s", exc)
            return _error_response(500, exc)
        finally:
            with self._count_lock:
                self.running -= 1
            self._slots.release()
        self._count("queries")
        headers = {"Vary": "Accept"}
        truncated = _truncate(result, cap)
        if truncated:
            self._count("truncated")
            headers[TRUNCATED_HEADER] = "true"
            headers["X-Ip4graph-Max-Rows"] = str(cap)
        return Response(200, render(result, wire).encode("utf-8"), _content_type(wire), headers)

    def _description(self, accept: str | None, base: str) -> Response:
        wire = negotiate(accept, GRAPH_WIRES)
        if wire is None:
            return Response.text(406, "the service description is RDF: ask for " + ", ".join(w.value for w in GRAPH_WIRES))
        full = self.dataset()
        names = sorted({c.identifier for c in full.graphs()}, key=str)
        sd = service_description(base + "/sparql", update=self.config.allow_update, named_graphs=names, triples=len(full))
        body = render(QueryResult("CONSTRUCT", graph=sd), wire)
        return Response(200, body.encode("utf-8"), _content_type(wire), {"Vary": "Accept"})

    def _update(self, op: Operation, authorization: str | None) -> Response:
        assert op.update is not None
        if not self.config.allow_update:
            raise Refused("SPARQL Update is disabled: this endpoint is read-only "
                          "(start it with --allow-update --token T to accept updates)")
        given = (authorization or "").strip()
        if not given.lower().startswith("bearer "):
            raise Refused("SPARQL Update needs the header Authorization: Bearer <token>", status=401)
        token = self.config.token or ""
        if not hmac.compare_digest(given[7:].strip().encode(), token.encode()):
            raise Refused("wrong token for SPARQL Update")
        try:
            with _PARSE_LOCK:
                parsed = prepareUpdate(op.update, initNs=PREFIXES)
        except ParseException as exc:
            return Response.text(400, f"update:{exc.lineno}:{exc.col}: SPARQL syntax error: {exc.msg}\n"
                                 f"(line {exc.lineno}, column {exc.col})",
                                 **{"X-Ip4graph-Error-Line": str(exc.lineno), "X-Ip4graph-Error-Column": str(exc.col)})
        except Exception as exc:
            return Response.text(400, f"cannot prepare the update: {exc}")
        guard.check_update(parsed.algebra, allowed_services=self.config.allow_service)
        if op.dataset:
            raise Refused("using-graph-uri / using-named-graph-uri are not supported: use GRAPH in the update", status=400)
        with self._rw.write():
            before = len(self.kg.asserted)
            try:
                with guard.guarded():
                    run_with_timeout(lambda: self.kg.asserted.update(parsed), timeout=self.config.timeout or None,
                                     what="update")
            except QueryTimeout as exc:
                return Response.text(503, exc.message + " (the update may have been partly applied)")
            except Exception as exc:
                return Response.text(500, f"the update failed: {type(exc).__name__}: {exc}")
            finally:
                self._invalidate()
            after = len(self.kg.asserted)
        self._count("updates")
        log.info("update applied: %d -> %d asserted triples", before, after)
        return Response(204, headers={"X-Ip4graph-Asserted-Triples": str(after)})

    def _invalidate(self) -> None:
        # KnowledgeGraph caches asserted + inferred in one dataset; rebuild it on next use.
        # (Reasoning is not re-run: the inferred graph keeps the closure of the data as loaded.)
        self.kg.invalidate()
        self.pages.invalidate()

    def status(self) -> dict[str, object]:
        live = sum(1 for t in threading.enumerate() if t.name == guard._THREAD_NAME and t.is_alive())  # noqa: SLF001
        return {
            "running": self.running,
            "query_threads_alive": live,
            "workers": self.config.workers,
            "timeout": self.config.timeout,
            "max_rows": self.config.max_rows,
            "update": self.config.allow_update,
            "counters": self.counters.__dict__.copy(),
        }


def _caused_by(exc: BaseException, kind: type) -> bool:
    seen = 0
    cur: BaseException | None = exc
    while cur is not None and seen < 10:
        if isinstance(cur, kind):
            return True
        cur = cur.__cause__ or cur.__context__
        seen += 1
    return False


def _error_response(status: int, exc: Ip4GraphError) -> Response:
    headers = {}
    text = str(exc)
    if exc.lineno is not None:
        headers["X-Ip4graph-Error-Line"] = str(exc.lineno)
        if exc.offset is not None:
            headers["X-Ip4graph-Error-Column"] = str(exc.offset)
            text += f"\n(line {exc.lineno}, column {exc.offset})"
    return Response.text(status, text, **headers)


def _truncate(result: QueryResult, cap: int) -> bool:
    if result.graph is not None:
        if len(result.graph) <= cap:
            return False
        g = Graph()
        for i, t in enumerate(result.graph):
            if i >= cap:
                break
            g.add(t)
        result.graph = g
        return True
    if result.boolean is None and len(result.rows) > cap:
        result.rows = result.rows[:cap]
        return True
    return False


def render(result: QueryResult, wire: Wire) -> str:
    """Serialise a result in a wire format."""
    if wire is Wire.RDFXML:
        assert result.graph is not None
        bind_prefixes(result.graph)
        return result.graph.serialize(format="xml")
    return result.serialize(_WIRE_TO_FORMAT[wire])


def _content_type(wire: Wire) -> str:
    return f"{wire.value}; charset=utf-8"


# --------------------------------------------------------------------------- HTTP


class Handler(BaseHTTPRequestHandler):
    """Routes requests to the :class:`Endpoint` of the server."""

    server: "EndpointServer"
    protocol_version = "HTTP/1.1"
    server_version = "ip4graph"
    sys_version = ""
    timeout = 60  # seconds a connection may stay idle or slow

    # -- plumbing
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        log.info("%s %s", self.address_string(), format % args)

    def _send(self, resp: Response, *, head: bool = False) -> None:
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.end_headers()
        if not head and resp.body:
            self.wfile.write(resp.body)

    def _base(self) -> str:
        host = self.headers.get("Host", "")
        if not host or not all(c.isalnum() or c in ".-:[]" for c in host):
            h, p = self.server.server_address[:2]
            host = f"{h}:{p}"
        return f"http://{host}"

    def _body(self) -> bytes | None:
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._send(Response.text(411, "send a Content-Length (chunked bodies are not accepted)"))
            return None
        try:
            n = int(length or 0)
        except ValueError:
            self._send(Response.text(400, "bad Content-Length"))
            return None
        if n < 0 or n > self.server.endpoint.config.max_body:
            self.close_connection = True
            self._send(Response.text(413, f"request body larger than {self.server.endpoint.config.max_body} bytes"))
            return None
        return self.rfile.read(n) if n else b""

    # -- methods
    def do_GET(self) -> None:  # noqa: N802
        self._dispatch("GET", b"")

    def do_HEAD(self) -> None:  # noqa: N802
        self._dispatch("HEAD", b"")

    def do_POST(self) -> None:  # noqa: N802
        body = self._body()
        if body is None:
            return
        self._dispatch("POST", body)

    def do_OPTIONS(self) -> None:  # noqa: N802
        self._send(Response(204, headers=_cors({"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                                                 "Access-Control-Allow-Headers": "Content-Type, Accept, Authorization",
                                                 "Access-Control-Max-Age": "600"})))

    def do_PUT(self) -> None:  # noqa: N802
        self._send(Response.text(405, "method not allowed", Allow="GET, HEAD, POST, OPTIONS"))

    do_DELETE = do_PATCH = do_PUT  # noqa: N815

    def _dispatch(self, method: str, body: bytes) -> None:
        endpoint = self.server.endpoint
        parts = urlsplit(self.path)
        path = parts.path
        head = method == "HEAD"
        started = time.perf_counter()
        try:
            if path == "/sparql":
                op = read_operation("POST" if method == "POST" else "GET", parts.query,
                                    self.headers.get("Content-Type"), body)
                accept = self.headers.get("Accept")
                if op.empty and method != "POST" and pages.browser_wants_html(accept):
                    resp = Response(303, headers={"Location": "/"})
                elif op.empty and method == "POST":
                    resp = Response.text(400, "the request has no query or update parameter")
                else:
                    resp = endpoint.sparql(op, accept=accept, authorization=self.headers.get("Authorization"),
                                           base=self._base())
                resp.headers.update(_cors({}))
            elif method == "POST":
                resp = Response.text(405, "POST is accepted at /sparql only", Allow="GET, HEAD")
            else:
                resp = endpoint.pages.route(path, parts.query, accept=self.headers.get("Accept"), base=self._base())
        except Refused as exc:
            resp = Response.text(exc.status, exc.message)
        except Exception:  # never leak a traceback to the client
            log.exception("internal error on %s %s", method, self.path)
            resp = Response.text(500, "internal server error (see the server log)")
        self._send(resp, head=head)
        log.debug("%s %s -> %d in %.1f ms", method, path, resp.status, (time.perf_counter() - started) * 1000)


def _cors(headers: Mapping[str, str]) -> dict[str, str]:
    out = dict(headers)
    out["Access-Control-Allow-Origin"] = "*"
    out.setdefault("Access-Control-Expose-Headers", f"{TRUNCATED_HEADER}, X-Ip4graph-Error-Line, X-Ip4graph-Error-Column")
    return out


class EndpointServer(ThreadingHTTPServer):
    """A threading HTTP server that carries its :class:`Endpoint`."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        super().__init__((endpoint.config.host, endpoint.config.port), Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}"


def make_server(kg: KnowledgeGraph, config: EndpointConfig | None = None) -> EndpointServer:
    """A bound (not yet serving) server; call ``serve_forever()`` or use :func:`serve_in_thread`."""
    return EndpointServer(Endpoint(kg, config))


@contextmanager
def serve_in_thread(kg: KnowledgeGraph, config: EndpointConfig | None = None) -> Iterator[EndpointServer]:
    """Serve in a background thread for the duration of a ``with`` block (tests, benchmarks).

    >>> from ip4graph.server import EndpointConfig, serve_in_thread
    >>> # with serve_in_thread(kg, EndpointConfig(port=0)) as server: print(server.url)
    """
    server = make_server(kg, config)
    thread = threading.Thread(target=server.serve_forever, name="ip4graph-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


__all__ = ["Endpoint", "EndpointConfig", "EndpointServer", "Response", "make_server", "serve_in_thread",
           "TRUNCATED_HEADER"]
