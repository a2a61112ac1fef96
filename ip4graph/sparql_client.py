"""A small SPARQL 1.1 protocol client (stdlib ``urllib``): timeouts, retries with backoff.

* GET for short queries, POST ``application/x-www-form-urlencoded`` for long ones;
* ``Accept: application/sparql-results+json`` for SELECT/ASK, Turtle for CONSTRUCT;
* a timeout on every request; retries with exponential backoff on connection errors,
  timeouts, 429 and 5xx (honouring ``Retry-After`` up to a cap); no retry on other 4xx;
* every failure is an :class:`~ip4graph.errors.EndpointError` naming the endpoint.

Values never reach a query as pasted text: :func:`values_clause` writes a ``VALUES``
block from RDF terms serialised with ``term.n3()``.

>>> from rdflib import URIRef, Literal
>>> values_clause("item", [URIRef("http://www.wikidata.org/entity/Q17")])
'VALUES ?item { <http://www.wikidata.org/entity/Q17> }'
>>> values_clause("lang", [Literal("en"), Literal('x" } DROP ALL #')])
'VALUES ?lang { "en" "x\\\\" } DROP ALL #" }'
"""

from __future__ import annotations

import json
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.term import Node

from .errors import EndpointError
from .results import QueryResult, Row

#: Queries longer than this (URL-encoded) go by POST.
GET_LIMIT = 1800
JSON_RESULTS = "application/sparql-results+json"
TURTLE = "text/turtle"

try:
    _VERSION = version("ip4graph")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    _VERSION = "0"
#: Wikidata's policy asks for a descriptive User-Agent.
USER_AGENT = f"ip4graph/{_VERSION} (+https://w3id.org/ip4graph; linked-data enrichment) Python-urllib"

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


def check_endpoint_url(url: str) -> str:
    """Return ``url`` if it is an absolute http(s) URL fit to be an endpoint IRI.

    Raises:
        EndpointError: another scheme, no host, or characters that are not allowed in an IRI.
    """
    text = str(url).strip()
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise EndpointError(f"{url!r} is not an http(s) SPARQL endpoint URL",
                            hint="give the full URL, e.g. https://query.wikidata.org/sparql")
    if any(c in text for c in ' <>"{}|^`\\') or any(ord(c) < 0x21 for c in text):
        raise EndpointError(f"{url!r} contains characters not allowed in an IRI",
                            hint="percent-encode spaces and <>\"{}|^`\\ characters")
    return text


def values_clause(var: str, terms: Iterable[Node]) -> str:
    """A ``VALUES ?var { … }`` block; each term serialised with ``n3()`` (never pasted text)."""
    cells = []
    for t in terms:
        if isinstance(t, BNode) or not isinstance(t, (URIRef, Literal)):
            raise TypeError(f"cannot send {t!r} to an endpoint: only IRIs and literals can be bound")
        cells.append(t.n3())
    return f"VALUES {Variable(var).n3()} {{ {' '.join(cells)} }}"


@dataclass
class SparqlClient:
    """Talks the SPARQL 1.1 protocol to one endpoint.

    ``retries`` is the number of *extra* attempts after the first; the wait before
    attempt ``n`` is ``backoff * 2**(n-1)`` seconds (with a little jitter), capped
    at ``max_backoff``.
    """

    endpoint: str
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 0.5
    max_backoff: float = 8.0
    user_agent: str = USER_AGENT
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    #: Number of HTTP requests sent (for tests and reports).
    requests_sent: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.endpoint = check_endpoint_url(self.endpoint)

    # ------------------------------------------------------------------ public
    def select(self, query: str) -> QueryResult:
        """Run a SELECT (or ASK) query; the answer as a :class:`~ip4graph.results.QueryResult`."""
        body = self._request(query, accept=JSON_RESULTS)
        return parse_json_results(body, endpoint=self.endpoint)

    def ask(self, query: str) -> bool:
        res = self.select(query)
        if res.boolean is None:
            raise EndpointError(f"{self.endpoint} did not answer the ASK query with a boolean")
        return res.boolean

    def construct(self, query: str) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query; the answer as a graph (Turtle or N-Triples on the wire)."""
        body = self._request(query, accept=f"{TURTLE}, application/n-triples;q=0.9")
        g = Graph()
        try:
            g.parse(data=body.decode("utf-8"), format="turtle")
        except Exception as exc:
            raise EndpointError(f"{self.endpoint} sent a graph that is not valid Turtle: {exc}") from exc
        return g

    # ------------------------------------------------------------------ HTTP
    def _build(self, query: str, accept: str) -> urllib.request.Request:
        headers = {"Accept": accept, "User-Agent": self.user_agent}
        encoded = urllib.parse.urlencode({"query": query})
        if len(encoded) <= GET_LIMIT:
            sep = "&" if urllib.parse.urlsplit(self.endpoint).query else "?"
            return urllib.request.Request(self.endpoint + sep + encoded, headers=headers, method="GET")
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return urllib.request.Request(self.endpoint, data=encoded.encode("ascii"), headers=headers, method="POST")

    def _wait(self, attempt: int, retry_after: str | None) -> None:
        delay = min(self.max_backoff, self.backoff * (2 ** (attempt - 1)))
        if retry_after and retry_after.strip().isdigit():
            delay = min(self.max_backoff, max(delay, float(retry_after)))
        delay *= 1 + random.uniform(0, 0.1)
        self.sleep(delay)

    def _request(self, query: str, *, accept: str) -> bytes:
        last = "no attempt made"
        retry_after: str | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                self._wait(attempt, retry_after)
                retry_after = None
            req = self._build(query, accept)
            self.requests_sent += 1
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    return resp.read()
            except urllib.error.HTTPError as exc:
                detail = _short(exc.read())
                last = f"HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")
                if exc.code not in _RETRY_STATUS:
                    raise EndpointError(f"{self.endpoint} refused the query: {last}",
                                        hint="the query may be malformed for this endpoint, or the URL is wrong") from exc
                retry_after = exc.headers.get("Retry-After") if exc.headers else None
            except TimeoutError as exc:
                last = f"no answer within {self.timeout:g} s ({exc})"
            except urllib.error.URLError as exc:
                reason = exc.reason
                if isinstance(reason, (TimeoutError, socket.timeout)):
                    last = f"no answer within {self.timeout:g} s"
                else:
                    last = f"cannot connect: {reason}"
            except (ConnectionError, OSError) as exc:
                last = f"connection failed: {exc}"
        raise EndpointError(
            f"the SPARQL endpoint {self.endpoint} is unreachable or failing after "
            f"{self.retries + 1} attempt(s): {last}",
            hint="check the URL and your network; without --endpoint the offline cache is used",
        )


def _short(raw: bytes, limit: int = 200) -> str:
    text = raw.decode("utf-8", "replace").strip().replace("\n", " ")
    return text[:limit] + ("…" if len(text) > limit else "")


def parse_json_results(body: bytes | str, *, endpoint: str = "endpoint") -> QueryResult:
    """Read SPARQL 1.1 JSON results into a :class:`~ip4graph.results.QueryResult`."""
    try:
        data = json.loads(body)
    except ValueError as exc:
        raw = body if isinstance(body, bytes) else body.encode()
        raise EndpointError(f"{endpoint} did not answer with SPARQL JSON results: {_short(raw)!r}",
                            hint="is the URL a SPARQL endpoint?") from exc
    if "boolean" in data:
        return QueryResult("ASK", boolean=bool(data["boolean"]))
    try:
        names = tuple(data["head"].get("vars", []))
        rows = [Row([_term(b.get(v)) for v in names], names) for b in data["results"]["bindings"]]
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise EndpointError(f"{endpoint} sent malformed SPARQL JSON results: {exc}") from exc
    return QueryResult("SELECT", vars=list(names), rows=rows)


def _term(b: dict | None) -> Node | None:
    if not b:
        return None
    kind, value = b["type"], b["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        lang = b.get("xml:lang")
        dtype = b.get("datatype")
        return Literal(value, lang=lang) if lang else Literal(value, datatype=URIRef(dtype) if dtype else None)
    raise ValueError(f"unknown term type {kind!r}")
