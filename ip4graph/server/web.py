"""HTTP for the endpoint: a Starlette app served by uvicorn (h11), requests run in worker processes.

:func:`create_app` builds the ASGI app from an :class:`~.app.EndpointConfig` and a
:class:`~.workers.WorkerPool`; the routes are the list :data:`ROUTES`. The server process
only reads requests, applies the cheap limits and serves the static assets; every query,
entity page, graph view and the editor page run in a worker under the time and memory limits.

Before a request reaches a worker:

* the body is read up to ``max_body`` bytes (413 beyond, chunked bodies counted too);
* the SPARQL Protocol operation is read (400 / 415 for protocol errors, non-UTF-8 text);
* the query or update text passes :func:`ip4graph.sparqllimits.check_limits` (400 naming the limit).

Then, for reads (queries, pages): an answer computed since the last update is sent from the
cache (``cache_mb``), identical reads in flight share one evaluation, and a read stopped at a
limit in the last ``stopped_memory`` seconds is refused again at once. Otherwise the read
waits for a worker; free workers go first to the client holding the fewest (see
:class:`~.workers.FairGate`). Updates go to the zygote, after which every worker is renewed.

An error answered by the server itself (4xx for a malformed request) closes the connection,
so that nothing left in it is read as another request. The HTTP/1.1 protocol layer
(``capped_protocol``) refuses a request with two ``Content-Length`` headers (h11 itself
refuses conflicting ones and merges equal ones, which a proxy in front might not), caps the
connections one client address may hold open (429), and closes a connection whose request
headers take longer than :data:`HEADER_TIMEOUT`; a body must arrive within :data:`BODY_TIMEOUT`.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import pickle
import re
import socket
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response as HTTPResponse
from starlette.routing import Route
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..kg import KnowledgeGraph
from ..sparqllimits import QueryLimitError, check_limits
from . import pages
from .app import TRUNCATED_HEADER, Endpoint, EndpointConfig, Response
from .guard import Refused
from .protocol import read_operation
from .workers import PoolBroken, PoolBusy, WorkerCrashed, WorkerMemoryError, WorkerPool, WorkerTimeout

log = logging.getLogger("ip4graph.server")

SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
_EXPOSE = f"{TRUNCATED_HEADER}, X-Ip4graph-Error-Line, X-Ip4graph-Error-Column, X-Ip4graph-Limit"


@dataclass
class Counters:
    queries: int = 0
    pages: int = 0
    updates: int = 0
    refused: int = 0
    limited: int = 0
    errors: int = 0
    timeouts: int = 0
    crashes: int = 0
    memory: int = 0
    busy: int = 0
    repeats: int = 0
    truncated: int = 0


class ResponseCache:
    """Answers already computed, by request (LRU, bounded in bytes); emptied by every update.

    The data only changes through updates, so a read answered once is answered the same way
    until the next update: repeated queries and pages cost no worker time at all.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[bytes, Response] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes) -> Response | None:
        with self._lock:
            resp = self._items.get(key)
            if resp is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return resp

    def put(self, key: bytes, resp: Response) -> None:
        cost = len(resp.body) + len(key) + 256
        if cost > self.max_bytes // 8:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = resp
            self.size += cost
            while self.size > self.max_bytes and self._items:
                old_key, old = self._items.popitem(last=False)
                self.size -= len(old.body) + len(old_key) + 256

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0


class StoppedRequests:
    """Requests recently stopped at a limit: answered again with the same refusal, without running.

    Bounded (the oldest are forgotten first); each is remembered for ``seconds``.
    """

    def __init__(self, seconds: float, *, size: int = 10_000) -> None:
        self.seconds = seconds
        self.size = size
        self._items: OrderedDict[bytes, tuple[float, Response]] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, key: bytes, resp: Response) -> Response:
        if self.seconds > 0:
            with self._lock:
                self._items[key] = (time.monotonic() + self.seconds, resp)
                self._items.move_to_end(key)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return resp

    def refuse(self, key: bytes) -> Response | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            until, resp = item
            if time.monotonic() > until:
                del self._items[key]
                return None
        left = until - time.monotonic()
        return Response(resp.status, resp.body + f"(stopped recently: not run again for {left:.0f} s)\n".encode(),
                        resp.content_type, {**resp.headers, "Retry-After": str(max(1, round(left)))})

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass
class State:
    config: EndpointConfig
    pool: WorkerPool
    counters: Counters = field(default_factory=Counters)
    running: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    cache: ResponseCache | None = None
    inflight: dict[bytes, asyncio.Future] = field(default_factory=dict)
    stopped: StoppedRequests = field(default_factory=lambda: StoppedRequests(0))

    def count(self, name: str) -> None:
        with self.lock:
            setattr(self.counters, name, getattr(self.counters, name) + 1)


# --------------------------------------------------------------------------- helpers


def _to_http(resp: Response, *, close: bool = False, cors: bool = False) -> HTTPResponse:
    headers = {**SECURITY_HEADERS, **resp.headers}
    if cors:
        headers["Access-Control-Allow-Origin"] = "*"
        headers.setdefault("Access-Control-Expose-Headers", _EXPOSE)
    if close:
        headers["Connection"] = "close"
    out = HTTPResponse(resp.body, status_code=resp.status, headers=headers)
    out.headers["content-type"] = resp.content_type
    return out


def _base(request: Request) -> str:
    host = request.headers.get("host", "")
    if not host or not all(c.isalnum() or c in ".-:[]" for c in host):
        server = request.scope.get("server") or ("127.0.0.1", 0)
        host = f"{server[0]}:{server[1]}"
    return f"http://{host}"


def _client(request: Request) -> str:
    """The client's address (the unit of fairness between clients)."""
    return request.client.host if request.client else "?"


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is larger than ``limit`` bytes."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        return None
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _post_body(request: Request, limit: int) -> bytes | HTTPResponse:
    """The body of a POST, or the response refusing it (too slow: 408, over ``limit`` bytes: 413)."""
    try:
        with anyio.fail_after(BODY_TIMEOUT):
            got = await _read_body(request, limit)
    except ClientDisconnect:
        return HTTPResponse(status_code=400)
    except TimeoutError:
        return _to_http(Response.text(408, f"the request body did not arrive within {BODY_TIMEOUT:g} s"), close=True)
    if got is None:
        return _to_http(Response.text(413, f"request body larger than {limit} bytes"), close=True)
    return got


def _limit_response(exc: QueryLimitError) -> Response:
    return Response.text(400, f"{exc}\n(line {exc.lineno}, column {exc.offset})",
                         **{"X-Ip4graph-Limit": exc.limit, "X-Ip4graph-Error-Line": str(exc.lineno),
                            "X-Ip4graph-Error-Column": str(exc.offset)})


async def _in_worker(state: State, name: str, args: tuple, *, counter: str, client: str) -> Response:
    """Answer a read in a worker; with the cache on, identical reads share one evaluation.

    A read that was stopped (time or memory limit, or it killed its worker) is not run again
    for ``config.stopped_memory`` seconds: repeating a runaway query costs no worker time.
    """
    key = pickle.dumps((name, args), protocol=pickle.HIGHEST_PROTOCOL)
    refused = state.stopped.refuse(key)
    if refused is not None:
        state.count("repeats")
        return refused
    if state.cache is None:
        return await _evaluate(state, name, args, counter=counter, key=key, client=client)
    hit = state.cache.get(key)
    if hit is not None:
        state.count(counter)
        return hit
    pending = state.inflight.get(key)
    if pending is not None:  # the same read is being evaluated: wait for that answer
        resp = await asyncio.shield(pending)
        state.count(counter)
        return resp
    future: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
    state.inflight[key] = future
    try:
        resp = await _evaluate(state, name, args, counter=counter, key=key, client=client)
        future.set_result(resp)
        return resp
    except BaseException as exc:
        future.set_exception(exc)
        future.exception()  # retrieved: no "never retrieved" warning when nobody waited
        raise
    finally:
        del state.inflight[key]


#: Threads that may wait for a worker at once (they mostly sleep; anyio's default is 40).
WAITING_THREADS = 256


async def _evaluate(state: State, name: str, args: tuple, *, counter: str, key: bytes, client: str) -> Response:
    cfg = state.config
    limiter = anyio.to_thread.current_default_thread_limiter()
    if limiter.total_tokens < WAITING_THREADS:
        limiter.total_tokens = WAITING_THREADS
    with state.lock:
        state.running += 1
    try:
        resp: Response = await anyio.to_thread.run_sync(
            lambda: state.pool.call(name, args, timeout=cfg.timeout or None, client=client))
    except WorkerTimeout:
        state.count("timeouts")
        return state.stopped.remember(key, Response.text(
            503, f"the query ran longer than {cfg.timeout:g} s and was stopped\n"
            "hint: narrow the query (add a LIMIT, bind more variables)"))
    except WorkerMemoryError:
        state.count("memory")
        return state.stopped.remember(key, Response.text(
            503, f"the request needed more than {cfg.memory_mb} MiB and was stopped\n"
            "hint: narrow the query (add a LIMIT, avoid building long strings)"))
    except PoolBroken as exc:
        state.count("crashes")
        log.critical("%s", exc)
        return Response.text(503, f"{exc} (no query can run; the operator has been told in the log)")
    except WorkerCrashed as exc:
        state.count("crashes")
        log.error("%s", exc)
        return state.stopped.remember(key, Response.text(
            502, "the worker process running this request died; the request was not answered (the server goes on)"))
    except PoolBusy:
        state.count("busy")
        return Response.text(503, "all query workers are busy; try again", **{"Retry-After": "1"})
    finally:
        with state.lock:
            state.running -= 1
    state.count(counter)
    if state.cache is not None and resp.status == 200:
        state.cache.put(key, resp)
    if TRUNCATED_HEADER in resp.headers:
        state.count("truncated")
    if resp.status in (401, 403):
        state.count("refused")
    elif resp.status >= 400:
        state.count("errors")
    return resp


# --------------------------------------------------------------------------- handlers


async def sparql(request: Request) -> HTTPResponse:
    state: State = request.app.state.ip4
    cfg = state.config
    method = request.method
    if method == "OPTIONS":
        return _to_http(Response(204, headers={"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                                               "Access-Control-Allow-Headers": "Content-Type, Accept, Authorization",
                                               "Access-Control-Max-Age": "600"}), cors=True)
    body = b""
    if method == "POST":
        got = await _post_body(request, cfg.max_body)
        if isinstance(got, HTTPResponse):
            return got
        body = got
    try:
        op = read_operation("POST" if method == "POST" else "GET", request.url.query,
                            request.headers.get("content-type"), body)
    except Refused as exc:
        state.count("errors")
        return _to_http(Response.text(exc.status, exc.message), close=True, cors=True)
    accept = request.headers.get("accept")
    if op.empty and method != "POST" and pages.browser_wants_html(accept):
        return _to_http(Response(303, headers={"Location": "/"}), cors=True)
    if op.empty and method == "POST":
        return _to_http(Response.text(400, "the request has no query or update parameter"), close=True, cors=True)
    text = op.query if op.query is not None else op.update
    if text is not None:
        try:
            check_limits(text, max_bytes=cfg.max_query_bytes, max_depth=cfg.max_depth,
                         max_patterns=cfg.max_patterns, source="query" if op.query is not None else "update")
        except QueryLimitError as exc:
            state.count("limited")
            return _to_http(_limit_response(exc), cors=True)
    base = _base(request)
    if op.update is not None:
        return _to_http(await _update(state, op, request.headers.get("authorization"), base), cors=True)
    resp = await _in_worker(state, "query", (op, accept, base), counter="queries", client=_client(request))
    return _to_http(resp, cors=True)


async def _update(state: State, op: Any, authorization: str | None, base: str) -> Response:
    cfg = state.config
    if not cfg.allow_update:
        state.count("refused")
        return Response.text(403, "SPARQL Update is disabled: this endpoint is read-only "
                             "(start it with --allow-update --token T to accept updates)")
    given = (authorization or "").strip()
    if not given.lower().startswith("bearer "):
        state.count("refused")
        return Response.text(401, "SPARQL Update needs the header Authorization: Bearer <token>",
                             **{"WWW-Authenticate": 'Bearer realm="ip4graph"'})
    if not hmac.compare_digest(given[7:].strip().encode(), (cfg.token or "").encode()):
        state.count("refused")
        return Response.text(403, "wrong token for SPARQL Update")
    resp: Response = await anyio.to_thread.run_sync(lambda: state.pool.call_in_zygote("update", (op, base)))
    if state.cache is not None:
        state.cache.clear()  # after the zygote applied it: no answer computed before the update survives
    state.stopped.clear()
    if resp.status < 300:
        state.count("updates")
    return resp


async def status(request: Request) -> HTTPResponse:
    state: State = request.app.state.ip4
    cfg = state.config
    await anyio.to_thread.run_sync(state.pool.check)
    with state.lock:
        body = {
            "running": state.running,
            "workers": cfg.workers,
            "worker_pids": state.pool.pids,
            "idle_workers": state.pool.idle,
            "worker_restarts": state.pool.restarts,
            "zygote_pid": state.pool.zygote_pid,
            "zygote_restarts": state.pool.zygote_restarts,
            "timeout": cfg.timeout,
            "max_rows": cfg.max_rows,
            "memory_mb": cfg.memory_mb,
            "update": cfg.allow_update,
            "cache": ({"hits": state.cache.hits, "misses": state.cache.misses, "bytes": state.cache.size}
                      if state.cache is not None else None),
            "counters": state.counters.__dict__.copy(),
        }
    return HTTPResponse(json.dumps(body), media_type="application/json", headers=SECURITY_HEADERS)


_static = pages.Pages(None)  # type: ignore[arg-type]  # static files need no graph


async def static(request: Request) -> HTTPResponse:
    return _to_http(_static.static(request.url.path))


async def page(request: Request) -> HTTPResponse:
    state: State = request.app.state.ip4
    if request.method not in ("GET", "HEAD"):
        return _to_http(Response.text(405, f"{request.method} is accepted at /sparql only", Allow="GET, HEAD"),
                        close=True)
    path = request.url.path
    if path == "/favicon.ico":
        return _to_http(Response(204, headers={"Cache-Control": "max-age=86400"}))
    resp = await _in_worker(state, "page", (path, request.url.query, request.headers.get("accept"), _base(request)),
                            counter="pages", client=_client(request))
    return _to_http(resp)


async def api(request: Request) -> HTTPResponse:
    """``/api/*`` (see :mod:`ip4graph.server.api`): GET, or POST with a form body; ad-hoc SPARQL
    passes :func:`~ip4graph.sparqllimits.check_limits` here, before any worker runs it."""
    from urllib.parse import parse_qsl

    state: State = request.app.state.ip4
    cfg = state.config
    body = b""
    if request.method == "POST":
        if (request.headers.get("content-type") or "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
            return _to_http(Response.text(415, "send the fields as application/x-www-form-urlencoded"), close=True)
        got = await _post_body(request, cfg.max_body)
        if isinstance(got, HTTPResponse):
            return got
        body = got
    try:
        params = parse_qsl(request.url.query, keep_blank_values=True, errors="strict")
        params += parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return _to_http(Response.text(400, "the request is not valid UTF-8"), close=True)
    if len(params) > 600:
        return _to_http(Response.text(400, "too many fields in the request"), close=True)
    for key, value in params:
        if key == "query":
            try:
                check_limits(value, max_bytes=cfg.max_query_bytes, max_depth=cfg.max_depth,
                             max_patterns=cfg.max_patterns, source="query")
            except QueryLimitError as exc:
                state.count("limited")
                return _to_http(_limit_response(exc))
    path = request.url.path
    counter = "queries" if path == "/api/run" else "pages"
    resp = await _in_worker(state, "api", (path, tuple(params), _base(request)), counter=counter, client=_client(request))
    return _to_http(resp)


async def not_allowed(request: Request) -> HTTPResponse:
    return _to_http(Response.text(405, "method not allowed", Allow="GET, HEAD, POST, OPTIONS"), close=True)


ROUTES = [
    Route("/sparql", sparql, methods=["GET", "HEAD", "POST", "OPTIONS"]),
    Route("/sparql", not_allowed, methods=["PUT", "DELETE", "PATCH"]),
    Route("/status", status, methods=["GET", "HEAD"]),
    *[Route(p, static, methods=["GET", "HEAD"]) for p in pages.STATIC],
    Route("/api/{name}", api, methods=["GET", "HEAD", "POST"]),
    Route("/{path:path}", page, methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]),
]


def create_app(config: EndpointConfig, pool: WorkerPool) -> Starlette:
    """The ASGI app: :data:`ROUTES` over ``pool`` with the limits of ``config``."""
    app = Starlette(routes=ROUTES)
    app.state.ip4 = State(config, pool, cache=ResponseCache(config.cache_mb * 2**20) if config.cache_mb else None,
                          stopped=StoppedRequests(config.stopped_memory))
    return app


# --------------------------------------------------------------------------- protocol layer

#: Seconds a connection may take to send a request's headers, and a request its body.
HEADER_TIMEOUT = 20.0
BODY_TIMEOUT = 30.0

_DUPLICATE_LENGTH = re.compile(rb"\r\ncontent-length[ \t]*:[^\r\n]*\r\n(?:[^\r\n]+\r\n)*?content-length[ \t]*:", re.I)


def capped_protocol(limit: int) -> type[H11Protocol]:
    """uvicorn's h11 protocol with a per-client-address connection cap and a duplicate Content-Length check."""
    open_by_client: Counter[str] = Counter()

    class CappedH11Protocol(H11Protocol):
        _ip4_client: str | None = None
        _ip4_tail = b""
        _ip4_timer: asyncio.TimerHandle | None = None

        def _ip4_arm(self) -> None:
            """Close the connection unless a request's headers arrive within HEADER_TIMEOUT (slow clients)."""
            if self._ip4_timer is not None:
                self._ip4_timer.cancel()
            self._ip4_timer = self.loop.call_later(HEADER_TIMEOUT, self._ip4_expire)

        def _ip4_expire(self) -> None:
            self._ip4_timer = None
            if self.cycle is None or self.cycle.response_complete:  # no request with complete headers
                self.transport.close()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._ip4_arm()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            peer = transport.get_extra_info("peername")
            client = str(peer[0]) if isinstance(peer, tuple) and peer else "?"
            if open_by_client[client] >= limit:
                body = b"too many open connections from your address\n"
                transport.write(b"HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Type: text/plain\r\n"
                                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
                transport.close()
                return
            open_by_client[client] += 1
            self._ip4_client = client
            super().connection_made(transport)
            self._ip4_arm()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._ip4_timer is not None:
                self._ip4_timer.cancel()
                self._ip4_timer = None
            if self._ip4_client is not None:
                open_by_client[self._ip4_client] -= 1
                if open_by_client[self._ip4_client] <= 0:
                    del open_by_client[self._ip4_client]
                self._ip4_client = None
                super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            window = self._ip4_tail + data
            if _DUPLICATE_LENGTH.search(window):
                body = b"two Content-Length headers: send one\n"
                self.transport.write(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain\r\n"
                                     b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
                self.transport.close()
                return
            self._ip4_tail = window[-8192:]
            super().data_received(data)

    return CappedH11Protocol


# --------------------------------------------------------------------------- server


class EndpointServer:
    """The endpoint: worker pool, app and a bound uvicorn server (call :meth:`serve_forever`)."""

    def __init__(self, kg: KnowledgeGraph, config: EndpointConfig | None = None) -> None:
        import uvicorn

        self.config = config or EndpointConfig()
        endpoint = Endpoint(kg, self.config)
        # Fork the zygote now: the graph is loaded and this process has started no server threads yet.
        self.pool = WorkerPool(endpoint.run_job, size=self.config.workers,
                               memory=self.config.memory_mb * 1024 * 1024 if self.config.memory_mb else None,
                               queue_timeout=self.config.queue_timeout,
                               restart_zygote=not self.config.allow_update)  # updates live in the zygote only
        try:
            family = socket.AF_INET6 if ":" in self.config.host else socket.AF_INET
            self.socket = socket.socket(family, socket.SOCK_STREAM)
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.socket.bind((self.config.host, self.config.port))
            self.socket.listen(256)
        except OSError:
            self.pool.close()
            raise
        self.app = create_app(self.config, self.pool)
        uconfig = uvicorn.Config(
            self.app, http=capped_protocol(self.config.max_connections_per_client), lifespan="off",
            log_level="warning", access_log=False, server_header=False, date_header=False,
            timeout_keep_alive=15, limit_concurrency=1000, h11_max_incomplete_event_size=16 * 1024,
        )
        self.server = uvicorn.Server(uconfig)

    @property
    def server_address(self) -> tuple[str, int]:
        host, port = self.socket.getsockname()[:2]
        return host, port

    @property
    def url(self) -> str:
        host, port = self.server_address
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}"

    def serve_forever(self) -> None:
        self.server.run(sockets=[self.socket])

    def shutdown(self) -> None:
        self.server.should_exit = True

    def server_close(self) -> None:
        self.pool.close()
        self.socket.close()


def make_server(kg: KnowledgeGraph, config: EndpointConfig | None = None) -> EndpointServer:
    """A bound (not yet serving) server; call ``serve_forever()`` or use :func:`serve_in_thread`."""
    return EndpointServer(kg, config)


@contextmanager
def serve_in_thread(kg: KnowledgeGraph, config: EndpointConfig | None = None) -> Iterator[EndpointServer]:
    """Serve in a background thread for the duration of a ``with`` block (tests, benchmarks).

    >>> from ip4graph.server import EndpointConfig, serve_in_thread
    >>> # with serve_in_thread(kg, EndpointConfig(port=0)) as server: print(server.url)
    """
    server = make_server(kg, config)
    thread = threading.Thread(target=server.serve_forever, name="ip4graph-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


__all__ = ["ROUTES", "EndpointServer", "create_app", "make_server", "serve_in_thread"]
