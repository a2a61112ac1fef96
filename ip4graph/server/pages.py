"""Linked-data pages, the graph view and the SPARQL editor page of the endpoint.

Entity IRIs are dereferenceable through the server: ``https://w3id.org/ip4graph/id/<slug>``
is served at ``/id/<slug>`` and ``https://w3id.org/ip4graph/claim/<slug>`` at
``/claim/<slug>`` (a w3id.org redirect ``/ip4graph/(id|claim)/(.*)`` → ``<server>/$1/$2``
makes the public IRIs resolve here). Any other IRI has a page at ``/resource?iri=<IRI>``.
A browser (``Accept: text/html``) gets HTML; an RDF client gets Turtle, N-Triples, JSON-LD
or RDF/XML (``?format=ttl|nt|jsonld|rdfxml`` too).

Every label, literal and IRI written into HTML is escaped (labels are data), and only
``http(s)`` IRIs become outgoing links.
"""

from __future__ import annotations

import html
import re
import threading
from collections import defaultdict
from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote, urlsplit

import networkx as nx
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SKOS
from rdflib.term import Node

from .. import network as net
from .. import viz
from ..catalog import load_catalog
from ..errors import Ip4GraphError
from ..namespaces import (
    GRAPH_ENTITIES,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    IP4,
    IP4C,
    IP4D,
    IP4G,
    ONTOLOGY_IRI,
    PREFIXES,
    bind_prefixes,
)
from ..results import QueryResult
from ..terms import curie, label
from .protocol import GRAPH_WIRES, Wire, negotiate, parse_accept, wants_html

if TYPE_CHECKING:
    from .app import Endpoint, Response

LOCAL_PREFIXES = {"/id/": IP4D, "/claim/": IP4C}
_SLUG = re.compile(r"[A-Za-z0-9._~%-]+(?:/[A-Za-z0-9._~%-]+)*")

PAGE_CSP = "; ".join([
    "default-src 'none'", "style-src 'self'", "img-src 'self' data:", "base-uri 'none'",
    "form-action 'self'", "frame-ancestors 'none'",
])  # fmt: skip
UI_CSP = "; ".join([
    "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:", "font-src 'self' data:", "connect-src 'self'", "base-uri 'none'",
    "form-action 'self'", "frame-ancestors 'none'",
])  # fmt: skip

STATIC = {
    "/assets/yasgui/yasgui.min.js": (("assets", "yasgui", "yasgui.min.js"), "text/javascript; charset=utf-8"),
    "/assets/yasgui/yasgui.min.css": (("assets", "yasgui", "yasgui.min.css"), "text/css; charset=utf-8"),
    "/ui/app.js": (("server", "static", "app.js"), "text/javascript; charset=utf-8"),
    "/ui/app.css": (("server", "static", "app.css"), "text/css; charset=utf-8"),
    "/ui/nav.css": (("assets", "nav.css"), "text/css; charset=utf-8"),
    "/ui/pages.css": (("server", "static", "pages.css"), "text/css; charset=utf-8"),
}


#: ``?format=`` values of the document pages (the names of the entity pages' suffixes).
_FORMAT_ALIASES = {"ttl": "turtle", "nt": "nt", "jsonld": "jsonld", "rdfxml": "rdfxml", "rdf": "rdfxml"}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def browser_wants_html(accept: str | None) -> bool:
    return wants_html(accept)


def local_path(iri: Node) -> str | None:
    """The server path of an IRI the server serves itself (``ip4d:`` and ``ip4c:``), else None."""
    text = str(iri)
    for prefix, ns in LOCAL_PREFIXES.items():
        if text.startswith(str(ns)):
            slug = text[len(str(ns)):]
            if slug and _SLUG.fullmatch(slug):
                return prefix + slug
    return None


def page_path(iri: Node) -> str:
    """Where the server shows ``iri``: ``/id/<slug>`` for entities, ``/resource?iri=…`` otherwise."""
    return local_path(iri) or "/resource?iri=" + quote(str(iri), safe="")


class Pages:
    """Everything the endpoint serves besides ``/sparql``."""

    def __init__(self, endpoint: "Endpoint") -> None:
        self.endpoint = endpoint
        self._lock = threading.Lock()
        self._projection: nx.MultiDiGraph | None = None
        self._static: dict[str, bytes] = {}
        from .api import Api

        self.api = Api(endpoint)

    def invalidate(self) -> None:
        with self._lock:
            self._projection = None
        self.api.invalidate()

    # ------------------------------------------------------------------ routing
    def route(self, path: str, query: str, *, accept: str | None, base: str) -> "Response":
        from .app import Response

        params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
        if path in ("/", "/index.html"):
            return self.ui()
        if path in STATIC:
            return self.static(path)
        if path == "/status":
            import json

            return Response(200, json.dumps(self.endpoint.status()).encode(), "application/json")
        if path == "/search":
            from .search_page import search_response

            return search_response(self.endpoint.kg, query, accept=accept)
        if path == "/graph":
            return self.graph_view(params.get("focus"), params.get("depth", "1"), params.get("scope", "auto"))
        if path == "/timeline":
            return self.timeline_view(params.get("actor"))
        if path == "/ontology" or path.startswith("/ontology/"):
            return self.ontology(path[len("/ontology"):].strip("/"), accept=accept, fmt=params.get("format"))
        if path.startswith("/graph/"):
            return self.named_graph(path[len("/graph/"):], accept=accept, fmt=params.get("format"))
        if path == "/dataset":
            return self.dataset_description(accept=accept, fmt=params.get("format"), base=base)
        if path == "/resource":
            iri = params.get("iri", "").strip()
            if not iri or any(c in iri for c in ' <>"{}|\\^`') or ":" not in iri:
                return Response.text(400, "give ?iri=<an absolute IRI>")
            return self.entity(URIRef(iri), accept=accept, fmt=params.get("format"))
        if path == "/favicon.ico":
            return Response(204, headers={"Cache-Control": "max-age=86400"})
        for prefix, ns in LOCAL_PREFIXES.items():
            if path.startswith(prefix):
                slug = path[len(prefix):]
                for suffix, fmt in ((".ttl", "ttl"), (".nt", "nt"), (".jsonld", "jsonld"), (".rdf", "rdfxml")):
                    if slug.endswith(suffix) and "format" not in params:
                        slug, params["format"] = slug[: -len(suffix)], fmt
                if not _SLUG.fullmatch(slug):
                    return Response.text(400, "malformed entity path")
                return self.entity(ns[slug], accept=accept, fmt=params.get("format"))
        return self.not_found(path)

    def not_found(self, what: str, detail: str | None = None) -> "Response":
        from .app import Response

        why = f"<p>{_e(detail)}</p>" if detail else ""
        body = _layout("Not found", f"<h1>Not found</h1><p>Nothing at <code>{_e(what)}</code>.</p>{why}"
                       '<p>Try the search box above, or the <a href="/">SPARQL editor</a>.</p>')
        return Response(404, body.encode("utf-8"), "text/html; charset=utf-8", {"Content-Security-Policy": PAGE_CSP})

    def static(self, path: str) -> "Response":
        from .app import Response

        parts, ctype = STATIC[path]
        data = self._static.get(path)
        if data is None:
            data = resources.files("ip4graph").joinpath(*parts).read_bytes()
            self._static[path] = data
        return Response(200, data, ctype, {"Cache-Control": "public, max-age=3600"})

    # ------------------------------------------------------------------ entities
    def entity(self, iri: URIRef, *, accept: str | None, fmt: str | None) -> "Response":
        from .app import Response, render

        ds = self.endpoint.dataset()
        known = _mentioned(ds, iri)
        if not known:
            return self.not_found(str(iri))
        if fmt is None and wants_html(accept):
            body = entity_html(ds, iri)
            return Response(200, body.encode("utf-8"), "text/html; charset=utf-8",
                            {"Vary": "Accept", "Content-Security-Policy": PAGE_CSP})
        wire = negotiate(accept, GRAPH_WIRES, override=fmt)
        if wire is None:
            return Response.text(406, "ask for text/html or one of: " + ", ".join(w.value for w in GRAPH_WIRES))
        g = entity_graph(ds, iri)
        return Response(200, render(QueryResult("DESCRIBE", graph=g), wire).encode("utf-8"),
                        f"{wire.value}; charset=utf-8", {"Vary": "Accept", "Access-Control-Allow-Origin": "*"})

    # ------------------------------------------------------------------ documents: ontology, graphs, dataset
    def document(self, title: str, iri: URIRef, g: Graph, *, accept: str | None, fmt: str | None,
                 intro: str = "") -> "Response":
        """``g`` as RDF (content negotiation, ``?format=``) or, for a browser, an HTML page showing it."""
        from .app import Response, render

        if fmt is None and wants_html(accept):
            bind_prefixes(g)
            turtle = g.serialize(format="turtle")
            links = " · ".join(f'<a href="?format={f}">{n}</a>' for f, n in
                               (("ttl", "Turtle"), ("nt", "N-Triples"), ("jsonld", "JSON-LD"), ("rdfxml", "RDF/XML")))
            current = "/dataset" if str(iri).endswith("/dataset") else None
            body = _layout(title, f"<h1>{_e(title)}</h1><p><code>{_e(iri)}</code></p>{intro}"
                                  f"<p>{len(g)} triples · {links}</p><pre>{_e(turtle)}</pre>", current=current)
            return Response(200, body.encode("utf-8"), "text/html; charset=utf-8",
                            {"Vary": "Accept", "Content-Security-Policy": PAGE_CSP})
        wire = negotiate(accept, GRAPH_WIRES, override=_FORMAT_ALIASES.get(fmt or "", fmt))
        if wire is None:
            return Response.text(406, "ask for text/html or one of: " + ", ".join(w.value for w in GRAPH_WIRES))
        return Response(200, render(QueryResult("CONSTRUCT", graph=g), wire).encode("utf-8"),
                        f"{wire.value}; charset=utf-8",
                        {"Vary": "Accept", "Access-Control-Allow-Origin": "*", "Content-Location": f"?format={wire.name.lower()}"})

    def ontology(self, version: str, *, accept: str | None, fmt: str | None) -> "Response":
        """``https://w3id.org/ip4graph/ontology`` (and ``#term``), or a version IRI ``…/ontology/<version>``."""
        ds = self.endpoint.dataset()
        onto = URIRef(ONTOLOGY_IRI)
        iri = onto
        if version:
            iri = URIRef(f"{ONTOLOGY_IRI}/{version}")
            if (onto, OWL.versionIRI, iri) not in ds:
                return self.not_found(f"/ontology/{version}")
        g = Graph()
        for t in ds.get_context(GRAPH_ONTOLOGY).triples((None, None, None)):
            g.add(t)
        if not len(g):
            return self.not_found("/ontology")
        info = next(iter(g.objects(onto, OWL.versionInfo)), None)
        intro = f"<p>Version {_e(info)}.</p>" if info is not None else ""
        return self.document("The ip4graph ontology", iri, g, accept=accept, fmt=fmt, intro=intro)

    def named_graph(self, name: str, *, accept: str | None, fmt: str | None) -> "Response":
        """A system graph ``https://w3id.org/ip4graph/graph/<name>``: its triples."""
        if not _SLUG.fullmatch(name):
            from .app import Response

            return Response.text(400, "malformed graph path")
        iri = IP4G[name]
        ds = self.endpoint.dataset()
        g = Graph()
        for t in ds.get_context(iri).triples((None, None, None)):
            g.add(t)
        if not len(g):
            return self.not_found(f"/graph/{name}")
        return self.document(f"Graph {name}", iri, g, accept=accept, fmt=fmt)

    def dataset_description(self, *, accept: str | None, fmt: str | None, base: str) -> "Response":
        """``https://w3id.org/ip4graph/dataset``: the VoID and DCAT description computed from the data."""
        from ..describe import DATASET_IRI, describe

        g = describe(self.endpoint.dataset(), endpoint=base + "/sparql")
        return self.document("The ip4graph dataset", DATASET_IRI, g, accept=accept, fmt=fmt)

    # ------------------------------------------------------------------ graph view
    def projection(self) -> nx.MultiDiGraph:
        with self._lock:
            if self._projection is None:
                self._projection = net.project(self.endpoint.dataset())
            return self._projection

    def graph_view(self, focus: str | None, depth_text: str, scope_text: str = "auto") -> "Response":
        """``/graph``: the same page as ``ip4graph viz``, links to this server's entity pages.

        Without ``focus``: the whole projection, opening on the partnership network. With
        ``focus`` (an IRI, a CURIE or a label): what lies within ``depth`` hops of it (hubs
        are not passed through beyond the first hop), the focus highlighted and centred.
        """
        from .app import Response

        try:
            depth = int(depth_text)
        except ValueError:
            return Response.text(400, "depth must be a whole number")
        if not 0 <= depth <= 3:
            return Response.text(400, "depth must be between 0 and 3")
        try:
            scope = viz.Scope(scope_text)
        except ValueError:
            return Response.text(400, "scope must be one of: " + ", ".join(s.value for s in viz.Scope))
        graph = self.projection()
        node: str | None = None
        if focus:
            try:
                node = net.resolve_node(graph, focus)  # an IRI, a CURIE or a label
            except Ip4GraphError as exc:
                return self.not_found(f"/graph?focus={focus}", _message(exc))
            sub = net.neighbourhood(graph, node, depth=depth, hub_limit=GRAPH_HUB_LIMIT)
            name = sub.nodes[node].get("label", node)
            hops = "hop" if depth == 1 else "hops"
            title = str(name)
            caption = (f"Everything within {depth} {hops} of {name} ({sub.number_of_nodes()} nodes, "
                       f"{sub.number_of_edges()} links). Click a node for its relations and the quotes behind them.")
        else:
            sub, title = graph, "NATO and the Indo-Pacific 4"
            caption = (f"The whole graph: asserted facts ({graph.number_of_nodes()} nodes, "
                       f"{graph.number_of_edges()} links); it opens on the partnership network. "
                       "Find a node, click it for its relations and the quotes behind them.")
        try:
            page = viz.render_html(sub, title=title, caption=caption, focus=node, scope=scope,
                                   entity_base="/", nav="/graph")
        except Ip4GraphError as exc:
            return Response.text(500, str(exc))
        return _inline_page(page)

    def timeline_view(self, actor: str | None) -> "Response":
        """``/timeline``: the page of ``ip4graph timeline``; ``?actor=`` (IRI, CURIE or label) presets its filter."""
        from ..timeline import render_timeline, timeline_items
        from .app import Response

        graph = self.projection()
        node: str | None = None
        if actor:
            try:
                node = net.resolve_node(graph, actor)
            except Ip4GraphError as exc:
                return self.not_found(f"/timeline?actor={actor}", _message(exc))
        caption = (f"{len(timeline_items(graph))} dated events, agreements, summits, missions and partnerships "
                   "of the asserted data. Click an item for its relations and the quotes behind them.")
        try:
            page = render_timeline(graph, title="NATO and the Indo-Pacific 4: timeline", caption=caption,
                                   entity_base="/", actor=node, nav="/timeline")
        except Ip4GraphError as exc:
            return Response.text(500, str(exc))
        return _inline_page(page)

    # ------------------------------------------------------------------ UI
    def ui(self) -> "Response":
        """The editor page: the named queries as forms (typed, bound parameters), their results with
        labels and citations, and YASGUI for ad-hoc SPARQL. Every piece of data reaches the page as
        JSON in a non-executed ``<script type="application/json">`` and is put into the DOM as text."""
        from .api import LANGUAGES, query_form
        from .app import Response

        asserted = self.endpoint.graph.asserted
        examples = []
        for nq in load_catalog():
            form = query_form(nq, asserted)
            form["query"] = with_prefixes(nq.text)
            examples.append(form)
        cfg = self.endpoint.config
        limits = (f"time limit {cfg.timeout:g} s per query, at most {cfg.max_rows} rows"
                  + ("" if cfg.allow_update else "; read-only"))
        items = "".join(
            f'<li><button type="button" class="ip4-example" data-name="{_e(x["name"])}" '
            f'title="{_e(x["question"])}">{_e(x["title"])}</button></li>'
            for x in examples
        )
        langs = "".join(f'<option value="{code}">{code}</option>' for code in LANGUAGES)
        prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
        body = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ip4graph SPARQL endpoint</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/yasgui/yasgui.min.css">
<link rel="stylesheet" href="/ui/app.css">
<link rel="stylesheet" href="/ui/nav.css">
</head>
<body>
{viz.site_nav("/")}
<header><h1>ip4graph <small>SPARQL endpoint</small></h1>
<p>NATO and the Indo-Pacific 4 as a knowledge graph. Endpoint: <code>/sparql</code> ({_e(limits)}).
Pick a named query, fill in its form and run it; or write SPARQL below (the prefixes
<code>ip4:</code>, <code>ip4d:</code>, <code>rdfs:</code>&hellip; need no PREFIX line).</p></header>
<div id="ip4-main">
<nav id="ip4-examples-nav" aria-label="Named queries"><h2>Named queries</h2><ul>{items}</ul></nav>
<div id="ip4-work">
<section id="ip4-form-panel" aria-labelledby="ip4-form-title">
<form id="ip4-form" autocomplete="off">
<h2 id="ip4-form-title">Named query</h2>
<p id="ip4-form-question"></p>
<div id="ip4-fields"></div>
<div class="ip4-actions">
<button type="submit" id="ip4-run">Run</button>
<button type="button" id="ip4-open-editor" title="open the query text in the SPARQL editor below, with these values bound">Open in editor</button>
</div>
</form>
</section>
<section id="ip4-results-panel" aria-label="Results">
<div id="ip4-results-bar">
<label><input type="checkbox" id="ip4-labels" checked> labels</label>
<label><input type="checkbox" id="ip4-cite"> cite sources</label>
<label>language <select id="ip4-lang">{langs}</select></label>
<a id="ip4-export" href="#" download hidden>Export CSV</a>
<span id="ip4-status" role="status"></span>
</div>
<div id="ip4-results"></div>
</section>
<section id="ip4-editor" aria-label="SPARQL editor">
<div class="ip4-editor-bar"><h2>SPARQL editor</h2>
<button type="button" id="ip4-run-editor" title="run the editor's query here, with the labels and citations chosen above">Run with labels and citations</button></div>
<div id="yasgui"></div>
</section>
</div>
</div>
<script type="application/json" id="ip4-examples">{viz.embed_json(examples)}</script>
<script type="application/json" id="ip4-prefixes">{viz.embed_json(prefixes)}</script>
<script src="/assets/yasgui/yasgui.min.js"></script>
<script src="/ui/app.js"></script>
</body>
</html>
"""
        return Response(200, body.encode("utf-8"), "text/html; charset=utf-8",
                        {"Content-Security-Policy": UI_CSP, "X-Frame-Options": "DENY"})


def _message(exc: Ip4GraphError) -> str:
    """An error and its hint, as one sentence for a page."""
    return exc.message + (f" ({exc.hint})." if exc.hint else ".")


def with_prefixes(text: str) -> str:
    """``text`` with PREFIX lines for the predeclared prefixes it uses (so the editor's checker accepts it)."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    used = [p for p in PREFIXES if re.search(rf"(?<![\w:<]){re.escape(p)}:", body)
            and not re.search(rf"PREFIX\s+{re.escape(p)}:", body, re.I)]
    lines = [f"PREFIX {p}: <{PREFIXES[p]}>" for p in used]
    return "\n".join(lines) + ("\n" if lines else "") + text


# --------------------------------------------------------------------------- entity data


def _mentioned(ds: Dataset, iri: URIRef) -> bool:
    for _ in ds.quads((iri, None, None, None)):
        return True
    for _ in ds.quads((None, None, iri, None)):
        return True
    return False


def entity_graph(ds: Dataset, iri: URIRef) -> Graph:
    """The RDF about ``iri``: its triples, the triples pointing at it, and the blank nodes of those."""
    g = Graph()
    bind_prefixes(g)
    for s, p, o, _ in ds.quads((iri, None, None, None)):
        g.add((s, p, o))
        if isinstance(o, BNode):
            for t in ds.triples((o, None, None)):
                g.add(t)
    for s, p, o, _ in ds.quads((None, None, iri, None)):
        g.add((s, p, o))
        if isinstance(s, BNode):
            for t in ds.triples((s, None, None)):
                g.add(t)
    return g


def _graph_id(g: object) -> Node | None:
    return getattr(g, "identifier", g)  # type: ignore[return-value]


def _link(ds: Dataset, term: Node, *, fallback: URIRef | None = None) -> str:
    """HTML for a term: a local link for IRIs (named by their label, else by ``fallback``), escaped text for literals."""
    if isinstance(term, URIRef):
        name = label(ds, term)
        if fallback is not None and name == curie(ds, term):
            name = str(_first(ds, term, fallback) or name)
        return f'<a href="{_e(page_path(term))}" title="{_e(term)}">{_e(name)}</a>'
    if isinstance(term, Literal):
        lang = f' <span class="lang">@{_e(term.language)}</span>' if term.language else ""
        return f"<span class=\"literal\">{_e(term)}</span>{lang}"
    return _bnode(ds, term)


def _bnode(ds: Dataset, node: Node) -> str:
    """A blank node as what it says (``TextQuoteSelector: exact “…”; prefix “…”``), one level deep."""
    def name(term: Node) -> str:
        text = label(ds, term)
        return re.split(r"[#/]", str(term).rstrip("#/"))[-1] if text.startswith("<") else text

    kinds = sorted(name(t) for t in ds.objects(node, RDF.type) if isinstance(t, URIRef))
    props = []
    for p, o in sorted(ds.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
        if p == RDF.type:
            continue
        value = "[…]" if isinstance(o, BNode) else (f"“{o}”" if isinstance(o, Literal) and not
                                                        o.datatype else name(o))
        props.append(f"{name(p)} {value}")
    if not kinds and not props:
        return "<span class=\"bnode\">[blank node]</span>"
    return f"<span class=\"bnode\">{_e(', '.join(kinds))}{': ' if kinds and props else ''}{_e('; '.join(props))}</span>"


def _external(term: Node) -> str:
    text = str(term)
    if urlsplit(text).scheme in ("http", "https"):
        return f'<a href="{_e(text)}" rel="noopener noreferrer nofollow">{_e(text)}</a>'
    return f"<code>{_e(text)}</code>"


#: Where a source document's original is recorded (an IRI or an ``xsd:anyURI`` literal).
URL_PREDICATES = (SDO.url, FOAF.page, IP4.url, DCTERMS.source)
#: The date properties of agreements, events and relationships, in the order they are shown.
_DATE_PREDICATES = (IP4.date, IP4.startDate, IP4.endDate, IP4.notBefore, IP4.notAfter, IP4.dateDescription)
_YEAR = re.compile(r"^(-?\d{4})")


def source_urls(ds: Dataset, doc: Node) -> list[str]:
    """The web addresses of the original of source document ``doc`` (``schema:url``, ``foaf:page``, …)."""
    found = {str(o) for p in URL_PREDICATES for o in ds.objects(doc, p)
             if isinstance(o, (URIRef, Literal)) and urlsplit(str(o)).scheme in ("http", "https")}
    return sorted(found)


def _first(ds: Dataset, node: Node, pred: Node) -> Node | None:
    values = sorted(ds.objects(node, pred), key=lambda o: (getattr(o, "language", None) not in (None, "en"), str(o)))
    return values[0] if values else None


def dates_of(ds: Dataset, node: Node) -> tuple[int | None, str]:
    """(first year, readable dates) of an agreement, event or relationship; (None, "") if undated."""
    v = {p: _first(ds, node, p) for p in _DATE_PREDICATES}
    parts = []
    if v[IP4.date] is not None:
        parts.append(str(v[IP4.date]))
    if v[IP4.startDate] is not None or v[IP4.endDate] is not None:
        ongoing = any(str(o) == "true" for o in ds.objects(node, IP4.ongoing))
        end = str(v[IP4.endDate]) if v[IP4.endDate] is not None else ("ongoing" if ongoing else "")
        parts.append(f"{v[IP4.startDate] or '?'} \u2013 {end}".rstrip())
    if v[IP4.notBefore] is not None or v[IP4.notAfter] is not None:
        parts.append(f"between {v[IP4.notBefore] or '?'} and {v[IP4.notAfter] or '?'}")
    if v[IP4.dateDescription] is not None:
        parts.append(f"\u201c{v[IP4.dateDescription]}\u201d")
    year = None
    for p in (IP4.date, IP4.startDate, IP4.notBefore, IP4.notAfter):
        m = _YEAR.match(str(v[p])) if v[p] is not None else None
        if m:
            year = int(m.group(1))
            break
    return year, "; ".join(parts)


class _Evidence:
    """The claims behind triples, as HTML: quote, source document (and its original), paragraph, certainty."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self._html: dict[Node, str] = {}

    def claim(self, c: URIRef) -> str:
        if c not in self._html:
            ds = self.ds
            doc = ds.value(c, PROV.wasQuotedFrom)
            quote_ = _first(ds, c, IP4.quote)
            para = ds.value(c, IP4.paragraph)
            number = ds.value(para, IP4.paragraphNumber) if para is not None else None
            certainty = ds.value(c, IP4.certainty)
            bits = []
            if doc is not None:
                bits.append(_link(ds, doc, fallback=DCTERMS.title))
                bits += [f'<a class="original" href="{_e(u)}" rel="noopener noreferrer nofollow">original</a>'
                         for u in source_urls(ds, doc)]
            if number is not None:
                bits.append(f'<span class="para">paragraph {_e(number)}</span>')
            if certainty is not None:
                name = label(ds, certainty)
                bits.append(f'<span class="certainty {_e(str(certainty).rsplit("#", 1)[-1].lower())}">{_e(name)}</span>')
            bits.append(f'<a class="claim-link" href="{_e(page_path(c))}" title="{_e(c)}">claim</a>')
            text = f'<q>{_e(quote_)}</q>' if quote_ is not None else '<span class="note">no quote recorded</span>'
            self._html[c] = f'<div class="evidence">{text} <span class="cite">\u2014 {" · ".join(bits)}</span></div>'
        return self._html[c]

    def of(self, graphs: set[Node]) -> str:
        """HTML for the graphs a triple is in: each claim with its quote, then the other graphs named."""
        out, other = [], []
        for g in sorted((g for g in graphs if g is not None), key=str):
            if isinstance(g, URIRef) and str(g).startswith(str(IP4C)):
                out.append(self.claim(g))
            elif g == GRAPH_INFERRED:
                other.append('<span class="inferred" title="derived by the OWL 2 RL reasoner">inferred</span>')
            elif g == GRAPH_ENTITIES:
                other.append('<span class="inferred" title="the curated description of the entity">entity data</span>')
            elif isinstance(g, URIRef):
                name = str(g)[len(str(IP4G)):] if str(g).startswith(str(IP4G)) else ""
                href = "/graph/" + name if _SLUG.fullmatch(name) else page_path(g)  # system graphs have pages
                other.append(f'<a href="{_e(href)}">{_e(curie(self.ds, g))}</a>')
        if other:
            out.append(f'<div class="graphs">{", ".join(other)}</div>')
        return "".join(out)


def _cols(*percent: int) -> str:
    """A table's column widths (classes ``w<percent>`` of pages.css: the pages' CSP allows no inline style)."""
    return "<colgroup>" + "".join(f'<col class="w{p}">' for p in percent) + "</colgroup>"


def _claim_graphs(graphs: set[Node]) -> set[Node]:
    return {g for g in graphs if isinstance(g, URIRef) and str(g).startswith(str(IP4C))}


def _statement_rows(ds: Dataset, graph_triples: list[tuple[Node, Node, Node]]) -> str:
    """Table rows for triples; blank-node reifications (hedged statements, denials) as one row each."""
    rows = []
    bnodes = {s for s, _, _ in graph_triples if isinstance(s, BNode)}
    for s, p, o in sorted(graph_triples, key=lambda t: (label(ds, t[0]), label(ds, t[1]), str(t[2]))):
        if isinstance(s, BNode) or isinstance(o, BNode):
            continue
        rows.append(f"<tr><td>{_link(ds, s)}</td><td>{_link(ds, p)}</td><td>{_link(ds, o)}</td><td>stated</td></tr>")
    for node in sorted(bnodes, key=str):
        if (node, RDF.type, OWL.NegativePropertyAssertion) in ds:
            s, p, o = (ds.value(node, OWL.sourceIndividual), ds.value(node, OWL.assertionProperty),
                       ds.value(node, OWL.targetIndividual) or ds.value(node, OWL.targetValue))
            how = "denied: not so"
        else:
            s, p, o = ds.value(node, RDF.subject), ds.value(node, RDF.predicate), ds.value(node, RDF.object)
            c = ds.value(node, IP4.certainty)
            hedge = ds.value(node, IP4.hedge)
            how = "hedged" + (f": {label(ds, c)}" if c is not None else "") + (f" (\u201c{hedge}\u201d)" if hedge else "")
        if s is None or p is None or o is None:
            continue
        rows.append(f"<tr><td>{_link(ds, s)}</td><td>{_link(ds, p)}</td><td>{_link(ds, o)}</td><td>{_e(how)}</td></tr>")
    return "".join(rows)


def entity_html(ds: Dataset, iri: URIRef) -> str:
    """The HTML page of an entity: names, types, dates, relations with the quote behind each,
    dated agreements/events/relationships, hedged and denied statements; for a claim the
    triples it supports, for a source document the address of its original."""
    name = label(ds, iri)
    ev = _Evidence(ds)
    labels = sorted({(o.language or "", str(o)) for o in ds.objects(iri, RDFS.label) if isinstance(o, Literal)})
    alts = sorted({(o.language or "", str(o)) for o in ds.objects(iri, SKOS.altLabel) if isinstance(o, Literal)})
    comments = sorted({str(o) for o in ds.objects(iri, RDFS.comment) if isinstance(o, Literal)})
    types = sorted({o for o in ds.objects(iri, RDF.type) if isinstance(o, URIRef) and o != OWL.NamedIndividual}, key=str)
    skip = {RDFS.label, SKOS.altLabel, RDFS.comment, RDF.type, OWL.sameAs}
    is_document = (iri, RDF.type, IP4.SourceDocument) in ds or bool(source_urls(ds, iri))

    out_rel: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
    for _, p, o, g in ds.quads((iri, None, None, None)):
        if p not in skip:
            out_rel[(p, o)].add(_graph_id(g))
    in_rel: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
    quoted_by: set[Node] = set()
    for s, p, _, g in ds.quads((None, None, iri, None)):
        if isinstance(s, BNode):
            continue
        if p == PROV.wasQuotedFrom and is_document:
            quoted_by.add(s)
            continue
        in_rel[(s, p)].add(_graph_id(g))

    claims: set[Node] = set()
    for graphs in list(out_rel.values()) + list(in_rel.values()):
        claims |= _claim_graphs(graphs)

    def when_cell(node: Node) -> str:
        if not isinstance(node, URIRef):
            return ""
        return _e(dates_of(ds, node)[1])

    def rel_rows(rel: dict[tuple[Node, Node], set[Node]], incoming: bool) -> str:
        rows = []
        for (a, b), graphs in sorted(rel.items(), key=lambda kv: (label(ds, kv[0][1] if incoming else kv[0][0]),
                                                                   label(ds, kv[0][0] if incoming else kv[0][1]))):
            other, pred = (a, b) if incoming else (b, a)
            first, second = (_link(ds, other), _link(ds, pred)) if incoming else (_link(ds, pred), _link(ds, other))
            rows.append(f"<tr><td>{first}</td><td>{second}</td><td>{when_cell(other)}</td>"
                        f"<td class=\"evidence-cell\">{ev.of(graphs)}</td></tr>")
        return "".join(rows)

    # agreements, events and relationships linked to the entity, with their dates
    dated: dict[Node, dict[str, object]] = {}
    for rel, incoming in ((out_rel, False), (in_rel, True)):
        for (a, b), graphs in rel.items():
            other, pred = (a, b) if incoming else (b, a)
            if not isinstance(other, URIRef) or other == iri:
                continue
            year, when = dates_of(ds, other)
            if not when:
                continue
            row = dated.setdefault(other, {"year": year, "when": when, "how": set(), "graphs": set()})
            row["how"].add((pred, incoming, graphs != {GRAPH_INFERRED}))  # type: ignore[union-attr]
            row["graphs"] |= graphs  # type: ignore[operator]
    dated_rows = []
    for other, row in sorted(dated.items(), key=lambda kv: (kv[1]["year"] if kv[1]["year"] is not None else 9999,
                                                            label(ds, kv[0]))):
        kinds = sorted({label(ds, t) for t in ds.objects(other, RDF.type)
                        if isinstance(t, URIRef) and str(t).startswith(str(IP4))})
        status = ds.value(other, IP4.status)
        links = row["how"]
        asserted = {(p, inc) for p, inc, stated in links if stated}  # type: ignore[union-attr]
        how = ", ".join(sorted(("\u2190 " if inc else "") + label(ds, p)
                               for p, inc in (asserted or {(p, inc) for p, inc, _ in links})))  # type: ignore[union-attr]
        # the quotes behind the entity's link to it, then those behind its dates
        graphs = set(row["graphs"])  # type: ignore[arg-type]
        if _claim_graphs(graphs):
            graphs.discard(GRAPH_INFERRED)
        for p in _DATE_PREDICATES:
            for _, _, _, g in ds.quads((other, p, None, None)):
                graphs.add(_graph_id(g))
        dated_rows.append(
            f"<tr><td>{_link(ds, other)}<div class=\"note\">{_e(', '.join(kinds))}</div></td>"
            f"<td class=\"when\">{_e(row['when'])}</td>"
            f"<td>{_e(label(ds, status)) if status is not None else ''}</td><td>{_e(how)}</td>"
            f"<td class=\"evidence-cell\">{ev.of(graphs)}</td></tr>")

    # hedged statements and denials about the entity
    statements = []
    for node in set(ds.subjects(RDF.subject, iri)) | set(ds.subjects(RDF.object, iri)) \
            | set(ds.subjects(OWL.sourceIndividual, iri)) | set(ds.subjects(OWL.targetIndividual, iri)):
        if (node, RDF.type, OWL.NegativePropertyAssertion) in ds:
            s, p, o = (ds.value(node, OWL.sourceIndividual), ds.value(node, OWL.assertionProperty),
                       ds.value(node, OWL.targetIndividual))
            certainty = "denied"
        else:
            s, p, o = ds.value(node, RDF.subject), ds.value(node, RDF.predicate), ds.value(node, RDF.object)
            c = ds.value(node, IP4.certainty)
            certainty = label(ds, c) if c is not None else "hedged"
        graphs = {_graph_id(g) for _, _, _, g in ds.quads((node, None, None, None))}
        claims |= _claim_graphs(graphs)
        if s is None or p is None or o is None:
            continue
        statements.append(f"<tr><td>{_link(ds, s)}</td><td>{_link(ds, p)}</td><td>{_link(ds, o)}</td>"
                          f"<td>{_e(certainty)}</td><td class=\"evidence-cell\">{ev.of(graphs)}</td></tr>")

    same = sorted({o for o in ds.objects(iri, OWL.sameAs)}, key=str)
    parts = [f"<h1>{_e(name)}</h1>", f'<p class="iri"><code>{_e(iri)}</code></p>']
    encoded = quote(str(iri), safe="")
    nav = []
    if str(iri).startswith(str(IP4D)) and not is_document:  # the things the graph and the timeline draw
        nav += [f'<a href="/graph?focus={_e(encoded)}">graph view</a>',
                f'<a href="/timeline?actor={_e(encoded)}">timeline</a>']
    lp = local_path(iri)
    for text, fmt in (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt")):
        href = f"{lp}?format={fmt}" if lp else f"{page_path(iri)}&format={fmt}"
        nav.append(f'<a href="{_e(href)}" type="{_e(_MEDIA[fmt])}">{text}</a>')
    parts.append(f'<p class="nav">{" · ".join(nav)}</p>')
    if types:
        parts.append("<p>A " + ", ".join(_link(ds, t) for t in types) + "</p>")
    for c in comments:
        parts.append(f'<p class="comment">{_e(c)}</p>')
    _, own_when = dates_of(ds, iri)
    if own_when:
        parts.append(f'<p class="when">When: <strong>{_e(own_when)}</strong></p>')

    # a claim: its quote and the triples it supports
    if str(iri).startswith(str(IP4C)):
        ctx = ds.get_context(iri)
        triples = [(s, p, o) for s, p, o in ctx.triples((None, None, None))]
        if (iri, RDF.type, IP4.Claim) in ds or triples:
            parts.append('<h2>What the source says</h2>' + ev.claim(iri))
        if triples:
            rows = _statement_rows(ds, triples)
            parts.append(f"<h2>What this claim supports ({len(triples)} triples in its graph)</h2>"
                         "<table><tr><th>subject</th><th>property</th><th>object</th><th>how</th></tr>"
                         f"{rows}</table>")

    # a source document: where the original is
    if is_document:
        urls = source_urls(ds, iri)
        if urls:
            links = " · ".join(f'<a href="{_e(u)}" rel="noopener noreferrer nofollow">{_e(u)}</a>' for u in urls)
            parts.append(f'<h2>Original</h2><p class="original">{links}</p>')
        else:
            text_file = ds.value(iri, IP4.textFile)
            digest = ds.value(iri, IP4.sha256)
            note = "No web address of the original is recorded in the data."
            if text_file is not None:
                note += f" The text is the file <code>{_e(text_file)}</code>"
                note += f" (SHA-256 <code>{_e(digest)}</code>)." if digest is not None else "."
            parts.append(f'<h2>Original</h2><p class="original">{note}</p>')

    if dated_rows:
        parts.append(f"<h2>Agreements, events and relationships ({len(dated_rows)})</h2>"
                     f"<table class=\"dated\">{_cols(20, 15, 8, 12, 45)}<tr><th>what</th><th>when</th><th>status</th>"
                     f"<th>link</th><th>sources</th></tr>{''.join(dated_rows)}</table>")
    if out_rel:
        parts.append(f"<h2>Relations</h2><table class=\"relations\">{_cols(16, 22, 14, 48)}<tr><th>property</th>"
                     f"<th>value</th><th>when</th><th>sources</th></tr>{rel_rows(out_rel, False)}</table>")
    if statements:
        parts.append(f"<h2>Hedged and denied statements</h2><table>{_cols(15, 14, 15, 10, 46)}<tr><th>subject</th>"
                     "<th>property</th><th>object</th><th>certainty</th><th>sources</th></tr>"
                     f"{''.join(statements)}</table>")
    if in_rel:
        parts.append(f"<h2>Referenced by</h2><table class=\"relations\">{_cols(22, 16, 14, 48)}<tr><th>subject</th>"
                     f"<th>property</th><th>when</th><th>sources</th></tr>{rel_rows(in_rel, True)}</table>")
    if labels or alts:
        rows = "".join(f"<tr><td>label</td><td>{_e(t)}</td><td>{_e(lang)}</td></tr>" for lang, t in labels)
        rows += "".join(f"<tr><td>also called</td><td>{_e(t)}</td><td>{_e(lang)}</td></tr>" for lang, t in alts)
        parts.append(f"<h2>Names</h2><table>{_cols(20, 60, 20)}<tr><th></th><th>name</th><th>language</th></tr>"
                     f"{rows}</table>")
    if quoted_by:
        rows = "".join(f"<tr><td>{ev.claim(c)}</td></tr>" for c in sorted(quoted_by, key=str) if isinstance(c, URIRef))
        parts.append(f"<h2>Claims quoting this document ({len(quoted_by)})</h2><table class=\"quoting\">{rows}</table>")
    if same:
        parts.append("<h2>Same as</h2><ul>" + "".join(f"<li>{_external(o)}</li>" for o in same) + "</ul>")
    head = "".join(
        f'<link rel="alternate" type="{_e(_MEDIA[f])}" href="{_e(f"{lp}?format={f}" if lp else page_path(iri) + "&format=" + f)}">'
        for f in ("ttl", "jsonld", "nt")
    )
    return _layout(name, "\n".join(parts), head=head)


_MEDIA = {"ttl": Wire.TURTLE.value, "jsonld": Wire.JSONLD.value, "nt": Wire.NTRIPLES.value, "rdfxml": Wire.RDFXML.value}

#: ``/graph?focus=``: beyond the first hop, do not go on through nodes with more neighbours than this.
GRAPH_HUB_LIMIT = 15


def _inline_page(page: str) -> "Response":
    """A self-contained page (graph, timeline) with its own Content-Security-Policy sent as a header too."""
    from .app import Response

    found = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    headers = {"X-Frame-Options": "DENY"}
    if found:
        headers["Content-Security-Policy"] = html.unescape(found.group(1)) + "; frame-ancestors 'none'"
    return Response(200, page.encode("utf-8"), "text/html; charset=utf-8", headers)


def _layout(title: str, body: str, *, head: str = "", current: str | None = None) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)} · ip4graph</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/nav.css">
<link rel="stylesheet" href="/ui/pages.css">
{head}
</head>
<body class="ip4-page">
{viz.site_nav(current)}
<main class="entity">
{body}
</main>
</body>
</html>
"""


__all__ = ["Pages", "dates_of", "entity_graph", "entity_html", "local_path", "page_path", "parse_accept", "source_urls"]
