"""What an open endpoint refuses before a query runs, and the network guard while it runs.

Checks on the parsed algebra (nothing is evaluated yet):

* ``SERVICE <url>``: refused unless ``url`` is on the allow-list (``SERVICE ?var`` always);
* ``FROM`` / ``FROM NAMED``: taken out of the algebra and answered from the loaded graphs
  (rdflib would otherwise *fetch* an unknown graph IRI from the web or read a ``file:`` IRI);
* ``REGEX`` / ``REPLACE``: the pattern must be a literal without nested quantifiers
  (``(a+)+``) or back-references (a cheap early refusal: in the worker processes both
  functions run in RE2, linear in the text, see :func:`ip4graph.server.engine.install_linear_regex`);
* updates: ``LOAD`` and ``USING`` (both make rdflib fetch IRIs) are refused.

And a process-wide audit hook (:func:`install_network_guard`, installed in the worker
processes) that refuses any ``urllib`` request made by a query thread of the endpoint unless
its URL is on the allow-list, and any socket it opens unless the address and port are those
of an allowed endpoint: rdflib cannot reach another host even through a path these checks
missed. A REGEX that backtracks despite the pattern check is stopped with its worker
process at the time limit (see :mod:`ip4graph.server.workers`).
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from rdflib import Literal, URIRef
from rdflib.plugins.sparql.parserutils import CompValue

#: Marker given as ``source`` to :func:`ip4graph.kg.execute`: its worker thread is then named
#: ``ip4graph-query <endpoint>`` (see :mod:`ip4graph.timeouts`), which the audit hook recognises.
QUERY_SOURCE = "<endpoint>"
_THREAD_NAME = f"ip4graph-query {QUERY_SOURCE}"

MAX_PATTERN = 200
# A group whose content ends with a quantifier (or holds one) and which is itself quantified:
# (a+)+  (a*)*  (\w+\s?)*  (a|aa)+{2,}  ...
_NESTED = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]")
_BACKREF = re.compile(r"\\[1-9]")


class Refused(Exception):
    """A request the endpoint will not run; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, *, status: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class NetworkRefused(PermissionError):
    """Raised by the audit hook inside a query thread that tries to reach the network."""


@dataclass(frozen=True)
class DatasetSpec:
    """The RDF dataset a request asks for: graph IRIs for the default graph and the named graphs."""

    default: tuple[URIRef, ...] = ()
    named: tuple[URIRef, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.default or self.named)


def walk(node: object) -> Iterator[CompValue]:
    """Every :class:`CompValue` below ``node`` (algebra operators and expressions)."""
    stack = [node]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, CompValue):
            yield item
            stack.extend(v for k, v in item.items() if not k.startswith("_"))
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)


def normalise_endpoint(url: str) -> str:
    """An endpoint URL as compared against the allow-list (scheme and host lower-cased)."""
    parts = urlsplit(url.strip())
    return parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower(), fragment="").geturl()


def check_services(algebra: object, allowed: Iterable[str]) -> list[str]:
    """Refuse SERVICE clauses whose endpoint is not allowed; return the endpoints used."""
    allow = {normalise_endpoint(u) for u in allowed}
    used = []
    for node in walk(algebra):
        if node.name != "ServiceGraphPattern":
            continue
        term = node.get("term")
        if not isinstance(term, URIRef):
            raise Refused("SERVICE with a variable endpoint is not allowed on this endpoint")
        url = normalise_endpoint(str(term))
        if url not in allow:
            raise Refused(
                f"SERVICE <{term}> is not allowed: this endpoint only federates with "
                + (", ".join(f"<{u}>" for u in sorted(allow)) if allow else "no other endpoint")
                + " (start the server with --allow-service URL to allow one)"
            )
        used.append(url)
    return used


def check_patterns(algebra: object) -> None:
    """Refuse REGEX/REPLACE patterns that could backtrack catastrophically."""
    for node in walk(algebra):
        if node.name not in ("Builtin_REGEX", "Builtin_REPLACE"):
            continue
        fn = "REGEX" if node.name == "Builtin_REGEX" else "REPLACE"
        pattern = node.get("pattern")
        if not isinstance(pattern, Literal):
            raise Refused(f"{fn} needs a constant pattern on this endpoint", status=400)
        text = str(pattern)
        if len(text) > MAX_PATTERN:
            raise Refused(f"{fn} pattern longer than {MAX_PATTERN} characters", status=400)
        if _NESTED.search(text) or _BACKREF.search(text):
            raise Refused(
                f"{fn} pattern {text!r} has a nested quantifier or a back-reference, which can take "
                "exponential time; rewrite it (e.g. (ab)+ instead of (a+b?)+)",
                status=400,
            )


def take_dataset_clause(algebra: CompValue) -> DatasetSpec:
    """Remove ``FROM``/``FROM NAMED`` from the query and return them (answered from loaded graphs)."""
    clauses = algebra.get("datasetClause") or []
    default = tuple(c["default"] for c in clauses if "default" in c)
    named = tuple(c["named"] for c in clauses if "named" in c)
    algebra["datasetClause"] = None
    return DatasetSpec(default, named)


def check_query(algebra: CompValue, *, allowed_services: Iterable[str]) -> DatasetSpec:
    """All checks for a query; returns (and removes) its FROM / FROM NAMED clauses."""
    check_services(algebra, allowed_services)
    check_patterns(algebra)
    return take_dataset_clause(algebra)


def check_update(operations: Iterable[CompValue], *, allowed_services: Iterable[str]) -> None:
    """Refuse update operations that would read from the network or the file system."""
    for op in operations:
        if op.name == "Load":
            raise Refused(f"LOAD <{op.get('iri')}> is not allowed: this endpoint never fetches data")
        if "using" in op and op["using"]:
            raise Refused("USING / USING NAMED is not supported: use GRAPH in the WHERE clause", status=400)
        check_services(op, allowed_services)
        check_patterns(op)


# --------------------------------------------------------------------------- network guard

_guard_lock = threading.Lock()
_installed = False
_allowed_urls: set[str] = set()
#: Host names and addresses of the allowed endpoints, and the (address, port) pairs to connect to.
_allowed_hosts: set[str] = set()
_allowed_sockets: set[tuple[str, int]] = set()
_local = threading.local()


def allow_urls(urls: Iterable[str]) -> None:
    """Add SERVICE endpoints the guard lets query threads reach (process-wide).

    Their host names are resolved here, once: a query thread may then resolve those names and
    connect to those addresses and ports only, not to any other socket.
    """
    import socket

    with _guard_lock:
        for u in urls:
            _allowed_urls.add(normalise_endpoint(u))
            parts = urlsplit(u)
            host = (parts.hostname or "").lower()
            port = parts.port or (443 if parts.scheme == "https" else 80)
            if not host:
                continue
            _allowed_hosts.add(host)
            try:
                infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
            except OSError:
                infos = []
            for *_, address in infos:
                _allowed_hosts.add(str(address[0]))
                _allowed_sockets.add((str(address[0]), port))


class guarded:  # noqa: N801 - used as a context manager: ``with guarded(): ...``
    """Mark the current thread as running endpoint queries (for queries run without a time limit)."""

    def __enter__(self) -> "guarded":
        _local.active = True
        return self

    def __exit__(self, *exc: object) -> None:
        _local.active = False


def _in_query_thread() -> bool:
    return getattr(_local, "active", False) or threading.current_thread().name == _THREAD_NAME


def _url_allowed(url: str) -> bool:
    target = normalise_endpoint(url.split("?", 1)[0])
    return target in _allowed_urls


def _hook(event: str, args: tuple) -> None:
    if event == "urllib.Request":
        if _in_query_thread() and not _url_allowed(str(args[0])):
            raise NetworkRefused(f"the endpoint refused a request to {args[0]} made while running a query")
    elif event in ("socket.connect", "socket.getaddrinfo", "socket.sendto", "socket.bind"):
        if not _in_query_thread():
            return
        if event == "socket.getaddrinfo" and str(args[0]).lower() in _allowed_hosts:
            return
        if event == "socket.connect":
            address = args[1]
            if isinstance(address, tuple) and len(address) >= 2 and (str(address[0]), address[1]) in _allowed_sockets:
                return
        raise NetworkRefused(f"the endpoint refused a network connection ({event} {args[1:2] or ''}) "
                             "made while running a query: only the --allow-service endpoints may be reached")


def install_network_guard() -> None:
    """Install (once per process) the audit hook that keeps query threads off the network.

    It acts only in threads running endpoint queries; other code of the process is unaffected.
    """
    global _installed
    with _guard_lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True
