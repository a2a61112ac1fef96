"""A remote SPARQL 1.1 endpoint (tested against Virtuoso Open Source 7.2).

Protocol choices (Virtuoso pitfalls, measured in ``/work/shared/notes/engines.md``):

* queries go as an HTML-form POST (``application/x-www-form-urlencoded``; a
  ``application/sparql-query`` POST hangs Virtuoso) and ask for SPARQL JSON results;
* updates go to ``update_endpoint`` (Virtuoso: ``/sparql-auth`` with HTTP Digest) as
  ``INSERT DATA`` batches of 1,000 triples (5,000 exhaust Virtuoso's SPARQL compiler);
  blank nodes are skolemised to ``urn:ip4graph:bnode:<id>`` IRIs on the way in (a label
  only names one node inside one request) and turned back into blank nodes on the way out;
* a ``bulk_loader`` callable, when given, takes the whole load as N-Quads instead
  (for a local Virtuoso: ``ld_dir`` + ``rdf_loader_run`` through isql, ~6 s per 1M triples).

Union default graph: Virtuoso's default graph (no ``FROM``) is every graph of the
server, its own system graphs included, and a triple stored in two graphs is returned
twice. The backend therefore also stores each distinct triple once in ``union_graph``
(default ``urn:ip4graph:union`` for the ``virtuoso`` dialect) and passes it as the
protocol's ``default-graph-uri``; ``GRAPH ?g`` still ranges over every graph of the
server, so a pattern inside ``GRAPH ?g`` that is not tied to an ``ip4:Claim`` may also
match ``urn:ip4graph:union`` or Virtuoso's system graphs (no catalog query does).
For an endpoint whose default graph already is the set union of its named graphs
(Fuseki's ``unionDefaultGraph``, ``oxigraph serve --union-default-graph``), pass
``union_graph=None``.

Parameters are bound as a ``VALUES`` block inside the outermost WHERE group
(:func:`ip4graph.backends.sparqltext.bind_values`), each value serialised from its
RDF term, and the predeclared prefixes are sent as ``PREFIX`` lines.
"""

from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import EndpointError, QueryTimeout
from ..results import QueryResult, Row
from . import Quad, iter_quads
from .sparqltext import bind_values, prefix_header

from ..namespaces import GRAPH_INFERRED
from ..skolem import GENID as SKOLEM

#: Where a load records what it loaded and whether it completed (inputs key, dialect, union graph).
META_GRAPH = "urn:ip4graph:meta"
_META = "https://w3id.org/ip4graph/ontology#"
DEFAULT_UNION_GRAPH = "urn:ip4graph:union"
BATCH_TRIPLES = 1000
JSON_RESULTS = "application/sparql-results+json"
GRAPH_RESULTS = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"


def _skolem(term: Node) -> Node:
    return URIRef(SKOLEM + str(term)) if isinstance(term, BNode) else term


def _unskolem(term: Node | None) -> Node | None:
    if isinstance(term, URIRef) and term.startswith(SKOLEM):
        return BNode(term[len(SKOLEM):])
    return term


def term_from_json(b: dict[str, str]) -> Node:
    """A SPARQL-JSON result term as an rdflib term (Virtuoso's ``typed-literal`` included)."""
    kind, value = b["type"], b["value"]
    if kind == "uri":
        return _unskolem(URIRef(value))  # type: ignore[return-value]
    if kind == "bnode":
        return BNode(value.replace("nodeID://", ""))
    lang = b.get("xml:lang")
    if lang:
        return Literal(value, lang=lang)
    dt = b.get("datatype")
    if dt and dt != "http://www.w3.org/2001/XMLSchema#string":
        return Literal(value, datatype=URIRef(dt))
    return Literal(value)


class SparqlBackend:
    """Any SPARQL 1.1 endpoint; ``dialect="virtuoso"`` sets Virtuoso's defaults."""

    name = "sparql"

    def __init__(self, endpoint: str, *, update_endpoint: str | None = None, user: str | None = None,
                 password: str | None = None, dialect: str = "generic",
                 union_graph: str | None | bool = True, timeout: float | None = 60.0,
                 bulk_loader: Callable[[bytes], None] | None = None) -> None:
        if urllib.parse.urlsplit(endpoint).scheme not in ("http", "https"):
            raise EndpointError(f"not an http(s) SPARQL endpoint: {endpoint!r}")
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint
        self.dialect = dialect
        if union_graph is True:
            union_graph = DEFAULT_UNION_GRAPH if dialect == "virtuoso" else None
        self.union_graph: str | None = union_graph or None
        self.timeout = timeout
        self.bulk_loader = bulk_loader
        handlers: list[urllib.request.BaseHandler] = []
        if user is not None:
            pw = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            pw.add_password(None, self.update_endpoint, user, password or "")
            handlers += [urllib.request.HTTPDigestAuthHandler(pw), urllib.request.HTTPBasicAuthHandler(pw)]
        self._opener = urllib.request.build_opener(*handlers)

    # ------------------------------------------------------------------ HTTP
    def _post(self, url: str, fields: list[tuple[str, str]], accept: str, timeout: float | None) -> tuple[bytes, str]:
        body = urllib.parse.urlencode(fields).encode("utf-8")
        req = urllib.request.Request(url, data=body, method="POST", headers={
            "Accept": accept, "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        try:
            with self._opener.open(req, timeout=timeout or None) as resp:
                return resp.read(), resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip()[:600]
            raise EndpointError(f"{url} answered HTTP {exc.code}: {detail}",
                                hint="check the query and the endpoint's log") from exc
        except TimeoutError as exc:
            raise QueryTimeout(f"the endpoint did not answer within {timeout:g} s",
                               hint="narrow the query or raise --timeout") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (socket.timeout, TimeoutError)):
                raise QueryTimeout(f"the endpoint did not answer within {timeout:g} s") from exc
            raise EndpointError(f"cannot reach {url}: {exc.reason}", hint="is the endpoint running?") from exc

    def update(self, text: str, *, timeout: float | None = None) -> None:
        self._post(self.update_endpoint, [("update", text), ("query", text)] if self.dialect == "virtuoso"
                   else [("update", text)], "*/*", timeout or self.timeout)

    # ------------------------------------------------------------------ loading
    def _meta(self, *, complete: bool, key: str | None) -> None:
        """Record the load in :data:`META_GRAPH` (replacing what an earlier load recorded)."""
        m = f"<{META_GRAPH}>"
        lines = [f'{m} <{_META}storeComplete> "{"true" if complete else "false"}"^^<http://www.w3.org/2001/XMLSchema#boolean> .',
                 f"{m} <{_META}storeDialect> {Literal(self.dialect).n3()} ."]
        if key:
            lines.append(f"{m} <{_META}storeInputs> {Literal(key).n3()} .")
        if self.union_graph:
            lines.append(f"{m} <{_META}storeUnionGraph> {_iri(self.union_graph)} .")
        self.update(f"DROP SILENT GRAPH {m}")
        self.update(f"INSERT DATA {{ GRAPH {m} {{\n" + "\n".join(lines) + "\n} }")

    def stored_meta(self) -> dict[str, str]:
        """What the last load recorded (empty when nothing was loaded by ip4graph)."""
        res = self._select_raw(_META_QUERY)
        return {str(p)[len(_META):]: str(o) for p, o in res if str(p).startswith(_META)}

    def _select_raw(self, text: str) -> list[tuple[Node, ...]]:
        body, _ = self._post(self.endpoint, [("query", text)], JSON_RESULTS, self.timeout)
        doc = json.loads(body)
        names = doc.get("head", {}).get("vars", [])
        return [tuple(term_from_json(b[v]) if v in b else None for v in names)  # type: ignore[misc]
                for b in doc.get("results", {}).get("bindings", [])]

    def load(self, data: Dataset | Iterable[Quad], *, key: str | None = None) -> int:
        """Add quads; a triple of ``ip4g:inferred`` stays out of the union graph.

        The load is recorded in :data:`META_GRAPH` as incomplete first, complete at the end.
        """
        quads = list(iter_quads(data))
        self._meta(complete=False, key=key)
        n = self._load(quads)
        self._meta(complete=True, key=key)
        return n

    def _load(self, quads: list[Quad]) -> int:
        if self.bulk_loader is not None:
            self.bulk_loader(self._nquads(quads))
            return len(quads)
        by_graph: dict[str, list[str]] = {}
        union: set[tuple[Node, Node, Node]] = set()
        for s, p, o, g in quads:
            line = f"{_skolem(s).n3()} {p.n3()} {_skolem(o).n3()} ."
            by_graph.setdefault(g.n3() if g is not None else "", []).append(line)
            if g is None or g != GRAPH_INFERRED:
                union.add((s, p, o))
        if self.union_graph:
            by_graph.setdefault(f"<{self.union_graph}>", []).extend(
                f"{_skolem(s).n3()} {p.n3()} {_skolem(o).n3()} ." for s, p, o in union)
        batch: list[str] = []
        size = 0
        for gname, lines in by_graph.items():
            for start in range(0, len(lines), BATCH_TRIPLES):
                chunk = lines[start:start + BATCH_TRIPLES]
                if size + len(chunk) > BATCH_TRIPLES and batch:
                    self.update("INSERT DATA {\n" + "\n".join(batch) + "\n}")
                    batch, size = [], 0
                batch.append(f"GRAPH {gname} {{\n" + "\n".join(chunk) + "\n}" if gname else "\n".join(chunk))
                size += len(chunk)
        if batch:
            self.update("INSERT DATA {\n" + "\n".join(batch) + "\n}")
        return len(quads)

    def _nquads(self, quads: list[Quad]) -> bytes:
        out: list[str] = []
        seen: set[tuple[Node, Node, Node]] = set()
        for s, p, o, g in quads:
            s, o = _skolem(s), _skolem(o)
            out.append(f"{s.n3()} {p.n3()} {o.n3()} {g.n3() + ' ' if g is not None else ''}.\n")
            if g is not None and g == GRAPH_INFERRED:
                continue
            if self.union_graph and (s, p, o) not in seen:
                seen.add((s, p, o))
                out.append(f"{s.n3()} {p.n3()} {o.n3()} <{self.union_graph}> .\n")
        return "".join(out).encode("utf-8")

    def load_file(self, path) -> None:
        """Load an N-Quads file (through the bulk loader when there is one)."""
        from pathlib import Path

        from .memory import MemoryBackend

        p = Path(path)
        if self.bulk_loader is not None and p.suffix == ".nq" and not self.union_graph:
            self.bulk_loader(p.read_bytes())
            return
        if self.bulk_loader is not None and p.suffix == ".nq":
            self.bulk_loader(_with_union_lines(p.read_bytes(), self.union_graph or ""))
            return
        mem = MemoryBackend()
        mem.load_file(p)
        self.load(mem.dataset)

    # ------------------------------------------------------------------ querying
    def query(self, text: str, *, bindings: Mapping[str, Node] | None = None,
              timeout: float | None = None, view: str = "all") -> QueryResult:
        sparql = prefix_header() + _blank_tests(bind_values(text, bindings))
        fields = [("query", sparql)]
        if self.union_graph:
            fields.append(("default-graph-uri", self.union_graph))
            if view != "asserted":
                fields.append(("default-graph-uri", str(GRAPH_INFERRED)))
        from .oxigraph import _form

        form = _form(text)
        limit = timeout if timeout is not None else self.timeout
        if form in ("CONSTRUCT", "DESCRIBE"):
            body, ctype = self._post(self.endpoint, fields, GRAPH_RESULTS, limit)
            fmt = "turtle" if "turtle" in ctype else "nt"
            g = Graph()
            try:
                g.parse(data=body.decode("utf-8"), format=fmt)
            except Exception as exc:
                raise EndpointError(f"cannot read the endpoint's {ctype} answer: {exc}") from exc
            out = Graph()
            for s, p, o in g:
                out.add((_unskolem(s), p, _unskolem(o)))  # type: ignore[arg-type]
            return QueryResult(form, graph=out)
        body, _ = self._post(self.endpoint, fields, JSON_RESULTS, limit)
        try:
            doc = json.loads(body)
        except ValueError as exc:
            raise EndpointError(f"the endpoint did not answer SPARQL JSON: {body[:200]!r}") from exc
        if "boolean" in doc:
            return QueryResult("ASK", boolean=bool(doc["boolean"]))
        names = tuple(doc.get("head", {}).get("vars", []))
        rows = [Row([term_from_json(b[v]) if v in b else None for v in names], names)
                for b in doc.get("results", {}).get("bindings", [])]
        return QueryResult("SELECT", vars=list(names), rows=rows)

    def quads(self):
        """Every quad of the loaded named graphs (and nothing of the union copy or the meta graph)."""
        res = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        skip = {self.union_graph, META_GRAPH}
        for s, p, o, g in res.rows:
            if str(g) in skip or _system_graph(str(g)):
                continue
            yield s, p, o, g

    def count(self) -> int:
        res = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(res.rows[0][0]) if res.rows else 0

    def clear(self) -> None:
        """Drop every graph this backend wrote (Virtuoso: ``DROP SILENT`` each non-system graph)."""
        res = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        for (g,) in res.rows:
            if isinstance(g, URIRef) and not _system_graph(str(g)):
                self.update(f"DROP SILENT GRAPH <{g}>")

    def close(self) -> None:
        pass


_META_QUERY = "SELECT ?p ?o WHERE { GRAPH <urn:ip4graph:meta> { <urn:ip4graph:meta> ?p ?o } }"


def _iri(value: str) -> str:
    """``<value>`` for a configured graph IRI, refused if it could break out of the brackets."""
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*$", value):
        raise EndpointError(f"{value!r} is not a usable graph IRI", hint="give an absolute IRI without spaces or <>")
    return f"<{value}>"


_NODE_TEST = re.compile(r"\b(isBlank|isIRI|isURI)\s*\(\s*([?$]\w+)\s*\)", re.IGNORECASE)


def _blank_tests(text: str) -> str:
    """``isBlank(?x)`` / ``isIRI(?x)`` that see the stored skolem IRIs as the blank nodes they stand for.

    Blank nodes go into the remote store as skolem IRIs (a blank node label only names a node
    inside one request); a query testing a variable's kind would otherwise answer differently
    from the other backends.
    """
    def repl(m: re.Match[str]) -> str:
        fn, var = m.group(1).lower(), m.group(2)
        skolem = f'STRSTARTS(STR({var}), "{SKOLEM}")'
        if fn == "isblank":
            return f"(isBlank({var}) || (isIRI({var}) && {skolem}))"
        return f"({m.group(1)}({var}) && !{skolem})"

    return _NODE_TEST.sub(repl, text)


def _system_graph(iri: str) -> bool:
    return iri.startswith(("http://www.openlinksw.com/", "http://www.w3.org/ns/ldp", "http://localhost",
                           "http://localuriqaserver"))


def _with_union_lines(data: bytes, union_graph: str) -> bytes:
    """N-Quads ``data`` plus each distinct triple once more in ``union_graph`` (parsed with pyoxigraph)."""
    import pyoxigraph as ox

    target = ox.NamedNode(union_graph)
    seen: set[ox.Triple] = set()
    for q in ox.parse(data, format=ox.RdfFormat.N_QUADS):
        seen.add(q.triple)
    extra = ox.serialize((ox.Quad(t.subject, t.predicate, t.object, target) for t in seen),
                         format=ox.RdfFormat.N_QUADS)
    return data + (b"" if data.endswith(b"\n") or not data else b"\n") + (extra or b"")
