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
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from .. import network as net
from .. import viz
from ..catalog import load_catalog
from ..errors import Ip4GraphError
from ..namespaces import GRAPH_INFERRED, GRAPH_ONTOLOGY, IP4, IP4C, IP4D, IP4G, ONTOLOGY_IRI, PREFIXES, bind_prefixes
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

    def invalidate(self) -> None:
        with self._lock:
            self._projection = None

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
            return self.graph_view(params.get("focus"), params.get("depth", "1"))
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

    def not_found(self, what: str) -> "Response":
        from .app import Response

        body = _layout("Not found", f"<h1>Not found</h1><p>Nothing at <code>{_e(what)}</code>.</p>"
                       '<p><a href="/">SPARQL editor</a></p>')
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
            body = _layout(title, f"<h1>{_e(title)}</h1><p><code>{_e(iri)}</code></p>{intro}"
                                  f"<p>{len(g)} triples · {links}</p><pre>{_e(turtle)}</pre>")
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

    def graph_view(self, focus: str | None, depth_text: str) -> "Response":
        from .app import Response

        try:
            depth = int(depth_text)
        except ValueError:
            return Response.text(400, "depth must be a whole number")
        if not 0 <= depth <= 3:
            return Response.text(400, "depth must be between 0 and 3")
        graph = self.projection()
        if focus:
            try:
                focus = net.resolve_node(graph, focus)  # an IRI, a CURIE or a label
            except Ip4GraphError:
                return self.not_found(f"/graph?focus={focus}")
            sub = net.neighbourhood(graph, focus, depth=depth)
            name = sub.nodes[focus].get("label", focus)
            hops = "hop" if depth == 1 else "hops"
            title, caption = str(name), f"Everything within {depth} {hops} of {name}"
        else:
            sub, title, caption = graph, "ip4graph", "The whole graph: asserted facts"
        try:
            page = viz.render_html(sub, title=title, caption=caption)
        except Ip4GraphError as exc:
            return Response.text(500, str(exc))
        return Response(200, page.encode("utf-8"), "text/html; charset=utf-8")

    # ------------------------------------------------------------------ UI
    def ui(self) -> "Response":
        from .app import Response

        asserted = self.endpoint.graph.asserted
        examples = []
        for nq in load_catalog():
            args = []
            for p in nq.params:
                if p.default is None:
                    continue
                try:
                    term = p.convert(p.default, asserted)
                except Ip4GraphError:
                    continue
                args.append({"name": "$" + p.name, "value": term.n3()})
            examples.append({"name": nq.name, "title": nq.title, "question": nq.question,
                             "kind": nq.kind, "query": with_prefixes(nq.text), "args": args,
                             "required": [p.name for p in nq.params if p.default is None]})
        cfg = self.endpoint.config
        limits = (f"time limit {cfg.timeout:g} s per query, at most {cfg.max_rows} rows"
                  + ("" if cfg.allow_update else "; read-only"))
        items = "".join(
            f'<li><button type="button" class="ip4-example" data-name="{_e(x["name"])}" '
            f'title="{_e(x["question"])}">{_e(x["title"])}</button></li>'
            for x in examples
        )
        body = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ip4graph SPARQL endpoint</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/yasgui/yasgui.min.css">
<link rel="stylesheet" href="/ui/app.css">
</head>
<body>
<header><h1>ip4graph <small>SPARQL endpoint</small></h1>
<p>NATO and the Indo-Pacific 4 as a knowledge graph. Endpoint: <code>/sparql</code> ({_e(limits)}).
IRIs in results open their entity page, which links to the graph view.</p></header>
<div id="ip4-main">
<nav id="ip4-examples-nav" aria-label="Example queries"><h2>Named queries</h2><ul>{items}</ul></nav>
<div id="yasgui"></div>
</div>
<script type="application/json" id="ip4-examples">{viz.embed_json(examples)}</script>
<script src="/assets/yasgui/yasgui.min.js"></script>
<script src="/ui/app.js"></script>
</body>
</html>
"""
        return Response(200, body.encode("utf-8"), "text/html; charset=utf-8",
                        {"Content-Security-Policy": UI_CSP, "X-Frame-Options": "DENY"})


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


def _link(ds: Dataset, term: Node) -> str:
    """HTML for a term: a local link for IRIs, escaped text for literals."""
    if isinstance(term, URIRef):
        return f'<a href="{_e(page_path(term))}" title="{_e(term)}">{_e(label(ds, term))}</a>'
    if isinstance(term, Literal):
        lang = f' <span class="lang">@{_e(term.language)}</span>' if term.language else ""
        return f"<span class=\"literal\">{_e(term)}</span>{lang}"
    return "<span class=\"bnode\">[blank node]</span>"


def _external(term: Node) -> str:
    text = str(term)
    if urlsplit(text).scheme in ("http", "https"):
        return f'<a href="{_e(text)}" rel="noopener noreferrer nofollow">{_e(text)}</a>'
    return f"<code>{_e(text)}</code>"


def entity_html(ds: Dataset, iri: URIRef) -> str:
    """The HTML page of an entity: labels, types, relations (with their sources), claims, links."""
    name = label(ds, iri)
    labels = sorted({(o.language or "", str(o)) for o in ds.objects(iri, RDFS.label) if isinstance(o, Literal)})
    alts = sorted({(o.language or "", str(o)) for o in ds.objects(iri, SKOS.altLabel) if isinstance(o, Literal)})
    comments = sorted({str(o) for o in ds.objects(iri, RDFS.comment) if isinstance(o, Literal)})
    types = sorted({o for o in ds.objects(iri, RDF.type) if isinstance(o, URIRef) and o != OWL.NamedIndividual}, key=str)
    skip = {RDFS.label, SKOS.altLabel, RDFS.comment, RDF.type, OWL.sameAs}

    out_rel: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
    for _, p, o, g in ds.quads((iri, None, None, None)):
        if p not in skip:
            out_rel[(p, o)].add(_graph_id(g))
    in_rel: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
    for s, p, _, g in ds.quads((None, None, iri, None)):
        if not isinstance(s, BNode):
            in_rel[(s, p)].add(_graph_id(g))

    claims: set[Node] = set()
    for graphs in list(out_rel.values()) + list(in_rel.values()):
        claims |= {g for g in graphs if isinstance(g, URIRef) and str(g).startswith(str(IP4C))}

    def sources(graphs: set[Node]) -> str:
        bits = []
        for g in sorted(graphs, key=str):
            if g == GRAPH_INFERRED:
                bits.append('<span class="inferred">inferred</span>')
            elif isinstance(g, URIRef):
                bits.append(f'<a href="{_e(page_path(g))}">{_e(curie(ds, g))}</a>')
        return ", ".join(bits)

    def rel_rows(rel: dict[tuple[Node, Node], set[Node]], incoming: bool) -> str:
        rows = []
        for (a, p), graphs in sorted(rel.items(), key=lambda kv: (label(ds, kv[0][1] if incoming else kv[0][0]), str(kv[0]))):
            if incoming:
                subj, pred = a, p
                rows.append(f"<tr><td>{_link(ds, subj)}</td><td>{_link(ds, pred)}</td><td>{sources(graphs)}</td></tr>")
            else:
                pred, obj = a, p
                rows.append(f"<tr><td>{_link(ds, pred)}</td><td>{_link(ds, obj)}</td><td>{sources(graphs)}</td></tr>")
        return "".join(rows)

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
        claims |= {g for g in graphs if isinstance(g, URIRef) and str(g).startswith(str(IP4C))}
        if s is None or p is None or o is None:
            continue
        statements.append(f"<tr><td>{_link(ds, s)}</td><td>{_link(ds, p)}</td><td>{_link(ds, o)}</td>"
                          f"<td>{_e(certainty)}</td><td>{sources(graphs)}</td></tr>")

    claim_rows = []
    for c in sorted(claims, key=str):
        doc = ds.value(c, PROV.wasQuotedFrom)
        quote_ = ds.value(c, IP4.quote)
        certainty = ds.value(c, IP4.certainty)
        claim_rows.append(
            f"<tr><td><a href=\"{_e(page_path(c))}\">{_e(curie(ds, c))}</a></td>"
            f"<td>{_link(ds, doc) if doc is not None else ''}</td>"
            f"<td><q>{_e(quote_) if quote_ is not None else ''}</q></td>"
            f"<td>{_e(label(ds, certainty)) if certainty is not None else ''}</td></tr>"
        )

    same = sorted({o for o in ds.objects(iri, OWL.sameAs)}, key=str)
    parts = [f"<h1>{_e(name)}</h1>", f'<p class="iri"><code>{_e(iri)}</code></p>']
    nav = [f'<a href="/graph?focus={_e(quote(str(iri), safe=""))}">graph view</a>']
    lp = local_path(iri)
    for text, fmt in (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt")):
        href = f"{lp}?format={fmt}" if lp else f"{page_path(iri)}&format={fmt}"
        nav.append(f'<a href="{_e(href)}" type="{_e(_MEDIA[fmt])}">{text}</a>')
    nav.append('<a href="/">SPARQL editor</a>')
    parts.append(f'<p class="nav">{" · ".join(nav)}</p>')
    if types:
        parts.append("<p>A " + ", ".join(_link(ds, t) for t in types) + "</p>")
    for c in comments:
        parts.append(f'<p class="comment">{_e(c)}</p>')
    if labels or alts:
        rows = "".join(f"<tr><td>label</td><td>{_e(t)}</td><td>{_e(lang)}</td></tr>" for lang, t in labels)
        rows += "".join(f"<tr><td>also called</td><td>{_e(t)}</td><td>{_e(lang)}</td></tr>" for lang, t in alts)
        parts.append(f"<h2>Names</h2><table><tr><th></th><th>name</th><th>language</th></tr>{rows}</table>")
    if out_rel:
        parts.append("<h2>Relations</h2><table><tr><th>property</th><th>value</th><th>source</th></tr>"
                     f"{rel_rows(out_rel, False)}</table>")
    if in_rel:
        parts.append("<h2>Referenced by</h2><table><tr><th>subject</th><th>property</th><th>source</th></tr>"
                     f"{rel_rows(in_rel, True)}</table>")
    if statements:
        parts.append("<h2>Hedged and denied statements</h2><table><tr><th>subject</th><th>property</th>"
                     f"<th>object</th><th>certainty</th><th>source</th></tr>{''.join(statements)}</table>")
    if claim_rows:
        parts.append("<h2>Sources</h2><table><tr><th>claim</th><th>document</th><th>quote</th>"
                     f"<th>certainty</th></tr>{''.join(claim_rows)}</table>")
    if same:
        parts.append("<h2>Same as</h2><ul>" + "".join(f"<li>{_external(o)}</li>" for o in same) + "</ul>")
    head = "".join(
        f'<link rel="alternate" type="{_e(_MEDIA[f])}" href="{_e(f"{lp}?format={f}" if lp else page_path(iri) + "&format=" + f)}">'
        for f in ("ttl", "jsonld", "nt")
    )
    return _layout(name, "\n".join(parts), head=head)


_MEDIA = {"ttl": Wire.TURTLE.value, "jsonld": Wire.JSONLD.value, "nt": Wire.NTRIPLES.value, "rdfxml": Wire.RDFXML.value}


def _layout(title: str, body: str, *, head: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)} · ip4graph</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/app.css">
{head}
</head>
<body class="entity">
{body}
</body>
</html>
"""


__all__ = ["Pages", "entity_graph", "entity_html", "local_path", "page_path", "parse_accept"]
