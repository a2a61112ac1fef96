"""The endpoint's work: SPARQL 1.1 Protocol operations, entity pages and the UI, as plain values.

:class:`Endpoint` holds the knowledge graph (through :class:`~.engine.GraphAdapter`) and
the limits, and turns one request into a :class:`Response`. It runs inside the worker
processes of :mod:`ip4graph.server.workers` (updates in their zygote); the HTTP side is
:mod:`ip4graph.server.web`.

Routes (the entity IRI ``https://w3id.org/ip4graph/id/<slug>`` is served at ``/id/<slug>``,
and ``…/claim/<slug>`` at ``/claim/<slug>``; any other IRI at ``/resource?iri=<IRI>``)::

    GET|POST /sparql            queries (and updates, when enabled); service description without one
    GET  /                      the SPARQL editor (vendored YASGUI) with the named queries as examples
    GET  /id/<slug>             an entity: HTML for browsers, Turtle / N-Triples / JSON-LD / RDF/XML
    GET  /graph?focus=<iri>     the interactive graph view around an entity (ip4graph.viz)
    GET  /search?q=<text>       names and quotes containing a text (HTML, or JSON with ?format=json)
    GET  /status                counters (JSON)
    GET  /api/complete, /api/labels, /api/params; GET|POST /api/run
                                the editor's JSON API (see :mod:`ip4graph.server.api`)

Status codes: 400 malformed request or query (with line and column) or a query over a
limit (size, nesting depth, triple patterns: the limit is named), 401/403 update without a
valid token, 403 refused operation (update disabled, SERVICE to a host not allowed, LOAD),
406 no acceptable format, 413 body too large, 415 body type, 429 too many connections from
one client, 502 the worker running the request died, 503 time or memory limit reached, or
all workers busy.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from rdflib import Graph
from rdflib.plugins.sparql.parserutils import CompValue

from ..errors import Ip4GraphError, ParameterError, QueryError
from ..kg import KnowledgeGraph
from ..namespaces import bind_prefixes
from ..results import OutputFormat, QueryResult
from ..sparqllimits import MAX_BYTES, MAX_DEPTH, MAX_PATTERNS
from . import guard, pages
from .engine import GraphAdapter, install_linear_regex
from .guard import Refused
from .protocol import GRAPH_WIRES, RESULT_WIRES, Operation, Wire, negotiate, parse_binding, results_csv, results_tsv, service_description

log = logging.getLogger("ip4graph.server")

LOOPBACK = "127.0.0.1"
TRUNCATED_HEADER = "X-Ip4graph-Truncated"

_WIRE_TO_FORMAT = {
    Wire.JSON: OutputFormat.JSON,
    Wire.XML: OutputFormat.XML,
    Wire.CSV: OutputFormat.CSV,
    Wire.TSV: OutputFormat.TSV,  # ASK only: rows are written by protocol.results_tsv / results_csv
    Wire.TURTLE: OutputFormat.TURTLE,
    Wire.NTRIPLES: OutputFormat.NTRIPLES,
    Wire.JSONLD: OutputFormat.JSONLD,
}


@dataclass(frozen=True, kw_only=True)
class EndpointConfig:
    """Limits and switches of the endpoint (all are ``ip4graph serve`` options).

    Attributes:
        host, port: where to listen (127.0.0.1 by default; port 0 picks a free one).
        timeout: seconds a request may run in its worker before the worker is killed (0 = no limit).
        max_rows: result rows (or triples) returned at most; more are cut off and the response
            carries ``X-Ip4graph-Truncated: true``.
        workers: worker processes (requests evaluated at the same time); others wait up to
            ``queue_timeout`` seconds, then get 503.
        memory_mb: address space each worker may add to what it had when forked (MiB; 0 = no cap).
        max_query_bytes, max_depth, max_patterns: the cheap limits checked before any parser
            (see :func:`ip4graph.sparqllimits.check_limits`).
        max_connections_per_client: open connections one client address may hold.
        cache_mb: answers kept for repeated reads (MiB; 0 = none); emptied by every update.
        stopped_memory: seconds a request stopped at a limit (time, memory, crash) is answered
            with the same refusal without running again (0 = always run).
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
    memory_mb: int = 1024
    max_query_bytes: int = MAX_BYTES
    max_depth: int = MAX_DEPTH
    max_patterns: int = MAX_PATTERNS
    max_connections_per_client: int = 64
    cache_mb: int = 64
    stopped_memory: float = 300.0
    allow_update: bool = False
    token: str | None = None
    allow_service: tuple[str, ...] = ()
    max_body: int = 1_000_000

    def __post_init__(self) -> None:
        if self.allow_update and not self.token:
            raise ParameterError("--allow-update needs --token (updates are only accepted with that bearer token)")
        if self.max_rows < 1 or self.workers < 1:
            raise ParameterError("--max-rows and --workers must be at least 1")
        if min(self.max_query_bytes, self.max_depth, self.max_patterns, self.max_connections_per_client) < 1:
            raise ParameterError("--max-query-bytes, --max-depth, --max-patterns and --max-connections-per-client "
                                 "must be at least 1")
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


class Endpoint:
    """The SPARQL endpoint over ``kg`` with the limits of ``config`` (runs in a worker process)."""

    def __init__(self, kg: KnowledgeGraph, config: EndpointConfig | None = None) -> None:
        self.graph = GraphAdapter(kg)
        self.kg = kg
        self.config = config or EndpointConfig()
        self.pages = pages.Pages(self)
        self._guarded = False

    def _install_guard(self) -> None:
        """Install the network guard in the process that runs jobs (a worker or the zygote), not the server's."""
        if not self._guarded:
            guard.install_network_guard()
            guard.allow_urls(self.config.allow_service)
            install_linear_regex()  # REGEX / REPLACE in RE2: linear time
            self._guarded = True

    def dataset(self):  # noqa: ANN201 - the engine's dataset type
        """What queries see: the asserted graphs plus ``ip4g:inferred``."""
        return self.graph.dataset()

    # ------------------------------------------------------------------ jobs (see workers.WorkerPool)
    def run_job(self, name: str, args: tuple) -> Response:
        """Answer one job: ``("query", (op, accept, base))``, ``("page", (path, query, accept, base))``,
        ``("update", (op, base))``, ``("api", (path, params, base))``. Never raises: failures are responses."""
        self._install_guard()
        try:
            if name == "query":
                op, accept, base = args
                return self.sparql_query(op, accept=accept, base=base)
            if name == "page":
                path, query, accept, base = args
                return self.pages.route(path, query, accept=accept, base=base)
            if name == "api":
                path, params, base = args
                return self.pages.api.route(path, params, base=base)
            if name == "update":
                op, base = args
                return self.sparql_update(op, base=base)
            return Response.text(500, f"unknown job {name!r}")
        except Refused as exc:
            headers = {"WWW-Authenticate": 'Bearer realm="ip4graph"'} if exc.status == 401 else {}
            return Response.text(exc.status, exc.message, **headers)
        except MemoryError:
            raise
        except Exception:  # never leak a traceback to the client
            log.exception("internal error in %s", name)
            return Response.text(500, "internal server error (see the server log)")

    # ------------------------------------------------------------------ SPARQL
    def sparql_query(self, op: Operation, *, accept: str | None, base: str) -> Response:
        """Answer a query (or the service description when ``op`` has none)."""
        if op.query is None:
            return self._description(accept, base)
        try:
            prepared = self.graph.prepare_query(op.query, base=base + "/sparql")
        except QueryError as exc:
            return _error_response(400, exc)
        algebra = prepared.algebra
        from_query = guard.check_query(algebra, allowed_services=self.config.allow_service)
        spec = op.dataset if op.dataset else from_query  # protocol parameters win (SPARQL 1.1 Protocol 2.1.4)
        kind = algebra.name
        offered = GRAPH_WIRES if kind in ("ConstructQuery", "DescribeQuery") else RESULT_WIRES
        wire = negotiate(accept, offered, override=op.format)
        if wire is None:
            return Response.text(406, "no acceptable format; this query can answer in: "
                                 + ", ".join(w.value for w in offered))
        bindings = {k: parse_binding(k, v, self.graph.asserted.namespace_manager) for k, v in op.bindings.items()}
        cap = self.config.max_rows
        if self.graph.native and not spec and not bindings and not self.config.allow_update \
                and not self.config.allow_service and self.graph.native_can_run(op.query):
            # The compiled store answers in its own engine (linear-time REGEX, the GIL released);
            # rdflib has parsed the query above for the checks, and stays the engine for the rest.
            try:
                with guard.guarded():
                    result = self.graph.native_run(op.query, base=base + "/sparql", cap=cap)
            except SyntaxError:
                result = None  # a query only rdflib's dialect accepts: evaluate it there
            except (OSError, ValueError, TypeError) as exc:
                log.warning("query failed: %s", exc)
                return _error_response(500, QueryError(f"the query failed while running: {exc}"))
            if result is not None:
                return self._answer(result, wire, cap)
        if kind == "ConstructQuery" and not algebra.get("template"):
            algebra["template"] = algebra["p"]["p"]["triples"]  # CONSTRUCT WHERE: rdflib reads it from p
        if kind in ("SelectQuery", "ConstructQuery", "DescribeQuery") and algebra.get("p") is not None:
            # Evaluate at most cap + 1 solutions: the engine stops early instead of materialising all.
            algebra["p"] = CompValue("Slice", p=algebra["p"], start=0, length=cap + 1)
        dataset = self.graph.select(spec) if spec else self.dataset()
        try:
            with guard.guarded():
                result = self.graph.run(dataset, prepared, bindings=bindings)
        except QueryError as exc:
            if _caused_by(exc, guard.NetworkRefused):
                return Response.text(403, f"refused: {exc.__cause__}")
            if _caused_by(exc, MemoryError):
                raise MemoryError from exc
            log.warning("query failed: %s", exc)
            return _error_response(500, exc)
        return self._answer(result, wire, cap)

    def _answer(self, result: QueryResult, wire, cap: int) -> Response:  # noqa: ANN001 - a Wire
        headers = {"Vary": "Accept"}
        truncated = _truncate(result, cap)
        if truncated:
            headers[TRUNCATED_HEADER] = "true"
            headers["X-Ip4graph-Max-Rows"] = str(cap)
        return Response(200, render(result, wire).encode("utf-8"), _content_type(wire), headers)

    def _description(self, accept: str | None, base: str) -> Response:
        wire = negotiate(accept, GRAPH_WIRES)
        if wire is None:
            return Response.text(406, "the service description is RDF: ask for " + ", ".join(w.value for w in GRAPH_WIRES))
        from ..describe import DATASET_IRI

        names = self.graph.graph_names()
        sd = service_description(base + "/sparql", update=self.config.allow_update,
                                 federation=bool(self.config.allow_service), named_graphs=names,
                                 triples=self.graph.triples(), reasoning=self.graph.reasoning(),
                                 graph_sizes=self.graph.graph_sizes(names), dataset=DATASET_IRI)
        body = render(QueryResult("CONSTRUCT", graph=sd), wire)
        return Response(200, body.encode("utf-8"), _content_type(wire), {"Vary": "Accept"})

    def sparql_update(self, op: Operation, *, base: str) -> Response:
        """Apply an update (authorised by the caller; runs in the zygote so that every later worker sees it)."""
        assert op.update is not None
        try:
            parsed = self.graph.prepare_update(op.update, base=base + "/sparql")
        except QueryError as exc:
            return _error_response(400, exc)
        guard.check_update(parsed.algebra, allowed_services=self.config.allow_service)
        try:
            with guard.guarded():
                after = self.graph.update(parsed, using=op.dataset or None)
        except QueryError as exc:
            return _error_response(400, exc)
        except Exception as exc:
            return Response.text(500, f"the update failed: {type(exc).__name__}: {exc}")
        finally:
            self.pages.invalidate()
        log.info("update applied: %d asserted triples", after)
        return Response(204, headers={"X-Ip4graph-Asserted-Triples": str(after)})


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
    if wire is Wire.TSV and result.boolean is None and result.graph is None:
        return results_tsv(list(result.vars), [list(r) for r in result.rows])
    if wire is Wire.CSV and result.boolean is None and result.graph is None:
        return results_csv(list(result.vars), [list(r) for r in result.rows])
    return result.serialize(_WIRE_TO_FORMAT[wire])


def _content_type(wire: Wire) -> str:
    return f"{wire.value}; charset=utf-8"


__all__ = ["Endpoint", "EndpointConfig", "Response", "TRUNCATED_HEADER", "render"]
