"""Federated named queries: ``SERVICE`` to an endpoint chosen at run time.

Why not ``SERVICE ?endpoint``: SPARQL 1.1 allows a variable there, but rdflib (7.x)
evaluates ``SERVICE`` by matching the *original query text* against
``service <IRI> {…}``; a variable (or ``SILENT``, or two spaces) silently yields no
solutions. So an endpoint cannot be bound like an ordinary parameter.

The mechanism instead:

1. A federated query declares the services it uses in its header, and names each
   in the body with a placeholder IRI (valid SPARQL, so the catalog still parses it)::

       # service: wikidata -- Wikidata-shaped endpoint with wdt:P6 and rdfs:label
       ...
       SERVICE <urn:ip4graph:service:wikidata> { ?wd wdt:P6 ?hog }

2. :func:`bind_services` checks the endpoint URL (absolute http(s), no characters that
   are illegal in an IRI), serialises it as an IRI term (``URIRef(url).n3()``) and puts it
   in place of each placeholder token, writing ``SERVICE <iri>`` in the one spelling rdflib
   recognises. Nothing else of the text is touched; values still arrive as bindings.

3. :func:`install_service_handler` (called by :func:`bind_services`) registers an rdflib
   custom evaluation for ``SERVICE`` that sends the inner pattern through
   :class:`~ip4graph.sparql_client.SparqlClient`: a timeout on every request, retries with
   backoff, a proper User-Agent, the variables already bound passed in a ``VALUES`` block of
   ``n3()`` terms, ``SERVICE SILENT`` honoured, and an
   :class:`~ip4graph.errors.EndpointError` naming the endpoint when it is unreachable.

Endpoints come from the ``endpoints`` mapping, else the environment
(``IP4GRAPH_ENDPOINT_WIKIDATA``, …); never from anywhere else, so nothing reaches
the network unasked. Without one, :func:`run_offline` runs the query on the offline
enrichment cache instead (``data/enrichment-cache/``, filled by ``ip4graph enrich
--endpoint URL``): each ``SERVICE`` pattern is matched against the cached graph
``ip4g:enrichment``. :data:`DEFAULT_ENDPOINTS` only names the public endpoints in hints.

>>> text = "# service: wikidata\\nSELECT * WHERE { SERVICE <urn:ip4graph:service:wikidata> { ?s ?p ?o } }"
>>> declared_services(text)
('wikidata',)
>>> print(bind_services(text, {"wikidata": "http://127.0.0.1:8890/sparql"}, install=False).splitlines()[1])
SELECT * WHERE { SERVICE <http://127.0.0.1:8890/sparql> { ?s ?p ?o } }
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import Literal, URIRef, Variable
from rdflib.plugins.sparql import CUSTOM_EVALS
from rdflib.plugins.sparql.sparql import FrozenBindings, QueryContext

from .errors import EndpointError, QueryError
from .namespaces import PREFIXES
from .sparql_client import SparqlClient, check_endpoint_url

#: The placeholder IRIs a federated query uses: ``<urn:ip4graph:service:NAME>``.
PLACEHOLDER = "urn:ip4graph:service:"
#: The public endpoints, named in hints (never used unless given with --endpoint or the environment).
DEFAULT_ENDPOINTS: dict[str, str] = {
    "wikidata": "https://query.wikidata.org/sparql",
    "dbpedia": "https://dbpedia.org/sparql",
}
#: Prefixes sent with every SERVICE sub-query (an endpoint need not predeclare them).
SERVICE_PREFIXES: dict[str, str] = {
    **{k: str(v) for k, v in PREFIXES.items()},
    "wdt": "http://www.wikidata.org/prop/direct/",
    "p": "http://www.wikidata.org/prop/",
    "ps": "http://www.wikidata.org/prop/statement/",
    "pq": "http://www.wikidata.org/prop/qualifier/",
    "schema": "http://schema.org/",
}

_HEADER = re.compile(r"^#\s*service\s*:\s*([A-Za-z][\w-]*)", re.IGNORECASE)
_SERVICE = re.compile(r"SERVICE\s+(SILENT\s+)?<" + re.escape(PLACEHOLDER) + r"([A-Za-z][\w-]*)>", re.IGNORECASE)


def declared_services(text: str) -> tuple[str, ...]:
    """The service names a query declares in its header (``# service: NAME``)."""
    names = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if m and m[1].lower() not in names:
            names.append(m[1].lower())
    return tuple(names)


def is_federated(text: str) -> bool:
    """True if the query declares a service or uses a service placeholder."""
    return bool(declared_services(text)) or PLACEHOLDER in text


def configured_endpoint(name: str, endpoints: Mapping[str, str] | None = None) -> str | None:
    """The URL given for service ``name`` in ``endpoints`` or ``$IP4GRAPH_ENDPOINT_<NAME>``, else ``None``."""
    key = name.lower()
    given = {k.lower(): v for k, v in (endpoints or {}).items()}
    return given.get(key) or os.environ.get(f"IP4GRAPH_ENDPOINT_{key.upper().replace('-', '_')}") or None


def needs_offline(text: str, endpoints: Mapping[str, str] | None = None) -> bool:
    """Whether a federated query has a service with no endpoint given (so it must run on the cache)."""
    return is_federated(text) and any(configured_endpoint(n, endpoints) is None for n in declared_services(text))


def endpoint_for(name: str, endpoints: Mapping[str, str] | None = None) -> str:
    """The URL configured for service ``name``: ``endpoints``, then ``$IP4GRAPH_ENDPOINT_<NAME>``.

    Raises:
        QueryError: none is configured (a public endpoint is never used unasked).
    """
    key = name.lower()
    url = configured_endpoint(key, endpoints)
    if not url:
        public = DEFAULT_ENDPOINTS.get(key)
        raise QueryError(
            f"no endpoint is given for the service {name!r}, and a federated query never reaches the network unasked",
            hint=f"give --endpoint {key}=URL" + (f" (e.g. {public})" if public else "")
            + f" or set IP4GRAPH_ENDPOINT_{key.upper().replace('-', '_')}; "
            "`ip4graph query NAME` without --endpoint uses the offline cache",
        )
    try:
        return check_endpoint_url(url)
    except EndpointError as exc:
        raise QueryError(f"service {name!r}: {exc.message}", hint=exc.hint) from exc


def bind_services(text: str, endpoints: Mapping[str, str] | None = None, *, install: bool = True) -> str:
    """Replace each ``SERVICE <urn:ip4graph:service:NAME>`` with the configured endpoint IRI.

    The endpoint is written as an IRI term (``URIRef(url).n3()``) after checking it;
    ``SILENT`` is kept. A placeholder for a service the header does not declare is an error.
    With ``install`` (the default) the SERVICE handler is installed too.

    Raises:
        QueryError: an undeclared or unconfigured service, or an endpoint URL that is not an IRI.
    """
    declared = set(declared_services(text))
    used = {m[2].lower() for m in _SERVICE.finditer(text)}
    undeclared = sorted(used - declared)
    if undeclared:
        raise QueryError(f"the query uses service(s) {', '.join(undeclared)} without a '# service:' header",
                         hint="declare each service in the header: # service: NAME")
    if PLACEHOLDER in _SERVICE.sub("", text):
        raise QueryError(f"a <{PLACEHOLDER}NAME> placeholder may only follow the SERVICE keyword")
    iris = {name: URIRef(endpoint_for(name, endpoints)).n3() for name in used}

    def sub(m: re.Match[str]) -> str:
        return f"SERVICE {'SILENT ' if m[1] else ''}{iris[m[2].lower()]}"

    if install:
        install_service_handler()
    return _SERVICE.sub(sub, text)


# ---------------------------------------------------------------------- SERVICE evaluation
@dataclass
class ServiceSettings:
    """How the SERVICE handler talks to endpoints (module-wide; see :func:`configure`)."""

    timeout: float = 20.0
    retries: int = 2
    backoff: float = 0.5


SETTINGS = ServiceSettings()
_HANDLER_KEY = "ip4graph-service"
_install_lock = threading.Lock()
_SERVICE_TEXT = re.compile(r"^\s*service\s+(silent\s+)?<([^>]*)>\s*\{(.*)\}\s*$", re.IGNORECASE | re.DOTALL)


def configure(*, timeout: float | None = None, retries: int | None = None, backoff: float | None = None) -> None:
    """Change the timeout / retries / backoff the SERVICE handler uses."""
    if timeout is not None:
        SETTINGS.timeout = timeout
    if retries is not None:
        SETTINGS.retries = retries
    if backoff is not None:
        SETTINGS.backoff = backoff


def install_service_handler() -> None:
    """Register :func:`evaluate_service` with rdflib (idempotent; affects this process only).

    From then on every ``SERVICE <http(s)://…>`` in any query of the process goes through
    :class:`~ip4graph.sparql_client.SparqlClient` instead of rdflib's built-in call (which
    has no timeout, no retries and ignores ``SILENT``).
    """
    with _install_lock:
        CUSTOM_EVALS.setdefault(_HANDLER_KEY, evaluate_service)


def uninstall_service_handler() -> None:
    with _install_lock:
        CUSTOM_EVALS.pop(_HANDLER_KEY, None)


def service_subquery(inner: str, bound: Mapping[Variable, object], *,
                     prefixes: Mapping[str, str] | None = None, base: str | None = None) -> str:
    """The query sent to the endpoint: prefixes, the inner pattern, bound variables as VALUES.

    ``prefixes`` are the outer query's (what the inner text means); :data:`SERVICE_PREFIXES`
    fill in the rest. Only IRIs and literals are sent (``n3()``); blank nodes cannot be.
    """
    merged = {**SERVICE_PREFIXES, **dict(prefixes or {})}
    prologue = f"BASE {URIRef(base).n3()}\n" if base else ""
    body = inner.strip()
    used = {p for p in merged if p and re.search(rf"(?<![\w.-]){re.escape(p)}:", body)}
    prologue += "".join(f"PREFIX {p}: {URIRef(merged[p]).n3()}\n" for p in sorted(used))
    if re.match(r"^(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body, re.IGNORECASE):
        query = body
    else:
        query = f"SELECT REDUCED * WHERE {{\n{body}\n}}"
    usable = {v: t for v, t in bound.items() if isinstance(t, (URIRef, Literal))}
    if usable:
        names = sorted(usable, key=str)
        cells = " ".join(usable[v].n3() for v in names)  # type: ignore[attr-defined]
        query += f"\nVALUES ({' '.join(v.n3() for v in names)}) {{ ({cells}) }}"
    return prologue + query


def evaluate_service(ctx: QueryContext, part):
    """rdflib custom evaluation of ``ServiceGraphPattern`` parts (others are left to rdflib)."""
    if getattr(part, "name", None) != "ServiceGraphPattern":
        raise NotImplementedError
    text = part.get("service_string", "") or ""
    m = _SERVICE_TEXT.match(text)
    if not m or not m[2].lower().startswith(("http://", "https://")):
        raise NotImplementedError  # a variable or another scheme: let rdflib decide
    silent, url, inner = bool(m[1]), m[2], m[3]
    return _service_solutions(ctx, url, inner, silent)


def _service_solutions(ctx: QueryContext, url: str, inner: str, silent: bool):
    bound = {v: ctx[v] for v in _variables_in(inner) if ctx[v] is not None}
    prologue = getattr(ctx, "prologue", None)
    prefixes: dict[str, str] = {}
    base = None
    if prologue is not None:
        prefixes = {p: str(ns) for p, ns in prologue.namespace_manager.namespaces()}
        base = prologue.base or None
    query = service_subquery(inner, bound, prefixes=prefixes, base=base)
    try:
        client = SparqlClient(url, timeout=SETTINGS.timeout, retries=SETTINGS.retries, backoff=SETTINGS.backoff)
        result = client.select(query)
    except EndpointError:
        if silent:
            yield FrozenBindings(ctx, {})  # SILENT: the empty solution, as SPARQL 1.1 §8.3.2 says
            return
        raise
    for row in result.rows:
        values = {Variable(n): v for n, v in zip(result.vars, row) if v is not None}
        merged = dict(values)
        for var, term in bound.items():
            if var in merged and merged[var] != term:
                break
            merged[var] = term
        else:
            yield FrozenBindings(ctx, merged)


def _variables_in(text: str) -> list[Variable]:
    return [Variable(v) for v in dict.fromkeys(re.findall(r"[?$]([A-Za-z_][\w]*)", text))]


__all__ = [
    "DEFAULT_ENDPOINTS",
    "configured_endpoint",
    "needs_offline",
    "offline_text",
    "run_offline",
    "PLACEHOLDER",
    "bind_services",
    "configure",
    "declared_services",
    "endpoint_for",
    "evaluate_service",
    "install_service_handler",
    "is_federated",
    "service_subquery",
    "uninstall_service_handler",
]


# ---------------------------------------------------------------------- helpers for runners
_NAME = re.compile(r"^([A-Za-z][\w-]*)=(.+)$")


def parse_endpoints(values: Iterable[str], *, default: str = "wikidata") -> dict[str, str]:
    """``["URL", "dbpedia=URL"]`` -> ``{"wikidata": URL, "dbpedia": URL}`` (a bare URL is ``default``'s).

    Raises:
        EndpointError: a URL that is not an absolute http(s) IRI.
    """
    out: dict[str, str] = {}
    for item in values:
        text = item.strip()
        m = _NAME.match(text)
        name, url = (m[1].lower(), m[2]) if m and "://" not in m[1] else (default, text)
        out[name] = check_endpoint_url(url)
    return out


def run_named(kg, name: str, *, endpoints: Mapping[str, str] | None = None,
              params: Mapping[str, object] | None = None, view=None, timeout: float | None = 60.0):
    """Run the named query ``name`` of ``kg``, binding its services first (what the query runner should do).

    Equivalent to ``kg.query(name, params=…)`` for a query without services.
    """
    from .kg import execute

    nq = kg.named(name)
    text = bind_services(nq.text, endpoints) if is_federated(nq.text) else nq.text
    bindings = nq.bindings(kg.asserted, dict(params or {}))
    return execute(kg.view(view or nq.view), text, bindings=bindings, timeout=timeout, source=nq.path.name)


# ---------------------------------------------------------------------- offline: the enrichment cache
_SERVICE_OPEN = re.compile(r"SERVICE\s+(SILENT\s+)?<" + re.escape(PLACEHOLDER) + r"([A-Za-z][\w-]*)>\s*\{", re.IGNORECASE)


def offline_text(text: str) -> str:
    """The query with each ``SERVICE <urn:ip4graph:service:NAME> {`` read as ``GRAPH ip4g:enrichment {``.

    >>> offline_text("SELECT * WHERE { SERVICE <urn:ip4graph:service:wikidata> { ?s ?p ?o } }")
    'SELECT * WHERE { GRAPH <https://w3id.org/ip4graph/graph/enrichment> { ?s ?p ?o } }'
    """
    from .namespaces import GRAPH_ENRICHMENT

    return _SERVICE_OPEN.sub(lambda _m: f"GRAPH {GRAPH_ENRICHMENT.n3()} {{", text)


@dataclass(frozen=True)
class OfflineRun:
    """What :func:`run_offline` answered and where from (for the note a command prints)."""

    result: object
    path: str
    facts: int
    fetched: str | None

    def note(self) -> str:
        when = f", fetched {self.fetched}" if self.fetched else ""
        return (f"note: no --endpoint given: answered from the offline cache {self.path} "
                f"({self.facts} facts{when}), not from a live endpoint; give --endpoint wikidata=URL to ask one.")


def run_offline(kg, name: str, *, params: Mapping[str, object] | None = None, view=None,
                timeout: float | None = 60.0, cache_dir=None) -> OfflineRun:
    """Run the federated named query ``name`` on the offline enrichment cache (nothing leaves the machine).

    Raises:
        QueryError: the cache is empty (with the command that fills it).
        SourceError: the cache file is missing or unreadable.
    """
    from rdflib import Dataset
    from rdflib.namespace import PROV

    from .enrich import cache_path, load_cache
    from .kg import execute
    from .namespaces import GRAPH_ENRICHMENT, WD

    nq = kg.named(name)
    cache = load_cache(cache_dir)
    enrichment = cache.graph(GRAPH_ENRICHMENT)
    facts = sum(1 for s, _, _ in enrichment if isinstance(s, URIRef) and str(s).startswith(str(WD)))
    path = str(cache_path(cache_dir))
    if facts == 0:
        raise QueryError(
            f"the federated query {name!r} needs facts from Wikidata; no --endpoint was given and the offline "
            f"cache {path} is empty",
            hint="fill the cache once on a networked machine: ip4graph enrich --endpoint "
            f"{DEFAULT_ENDPOINTS['wikidata']} ; or ask an endpoint now: --endpoint wikidata=URL",
        )
    combined = Dataset(default_union=True)
    for quad in kg.view(view or nq.view).quads((None, None, None, None)):
        combined.add(quad)  # type: ignore[arg-type]
    for s, p, o in enrichment:
        combined.add((s, p, o, GRAPH_ENRICHMENT))  # type: ignore[arg-type]
    run = enrichment.value(GRAPH_ENRICHMENT, PROV.wasGeneratedBy)
    when = enrichment.value(run, PROV.endedAtTime) if run is not None else None
    bindings = nq.bindings(kg.asserted, dict(params or {}))
    result = execute(combined, offline_text(nq.text), bindings=bindings, timeout=timeout, source=nq.path.name)
    result.labels_from = kg.asserted
    return OfflineRun(result=result, path=path, facts=facts, fetched=str(when) if when is not None else None)
