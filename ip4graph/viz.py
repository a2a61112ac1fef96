r"""Interactive, self-contained HTML pages of a projected graph.

The pipeline: :func:`ip4graph.network.project` makes a networkx graph;
:func:`to_pyvis` turns it into a :class:`pyvis.network.Network` (node and edge
dictionaries plus the vis-network options: physics, stabilisation, smoothing);
:func:`render_html` writes the page with ip4graph's own template, which inlines
the vendored vis-network build, the viewer script and the data. Nothing is
loaded from the network: the page carries a Content-Security-Policy that
forbids it, and every label, tooltip and caption is treated as text.

pyvis's own templates are not used: even its ``in_line`` mode loads Bootstrap
from a CDN, and its tooltips are HTML strings.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("a", label="<b>A</b>", curie="ex:a")
>>> page = render_html(g, title="Demo", caption="a one-node graph")
>>> "<b>A</b>" in page, r"\u003cb\u003eA" in page
(False, True)
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
from pyvis.network import Network

from ip4graph.classgroups import GROUPS, OTHER, group_by_key
from ip4graph import network as net_module
from ip4graph.errors import ExportError
from ip4graph.fileio import write_atomic
from ip4graph.namespaces import IP4C, IP4D

__all__ = [
    "Layout", "Scope", "SizeBy", "VisPage", "embed_json", "entity_page", "render_html", "site_nav", "to_pyvis",
    "write_html",
]

#: Nodes above which the page turns off costly layout refinements.
LARGE_GRAPH = 300

#: Node sizes (vis-network pixels at zoom 1): the smallest and the largest.
MIN_SIZE = 9
MAX_SIZE = 42
#: The border of the focus node and of selected nodes.
FOCUS_BORDER = "#111111"
UNCERTAIN_COLOR = "#c77700"
DENIED_COLOR = "#b00020"
EDGE_COLOR = "#8a96a3"


class Scope(str, Enum):
    """What the page shows first (the page can switch).

    ``partnership``: the partnership network (states, groupings, organisations,
    agreements, summits; see :func:`ip4graph.network.partnership_network`);
    ``all``: every node; ``auto``: the partnership network for a graph of more
    than :data:`AUTO_PARTNERSHIP` nodes that has one, else everything.
    """

    AUTO = "auto"
    PARTNERSHIP = "partnership"
    ALL = "all"


class SizeBy(str, Enum):
    """What a node's size shows: its number of links or its betweenness centrality."""

    DEGREE = "degree"
    BETWEENNESS = "betweenness"


#: Graphs above this many nodes open on the partnership network when ``Scope.AUTO``.
AUTO_PARTNERSHIP = 60


class Layout(str, Enum):
    """How the page lays the graph out first (the page can switch afterwards)."""

    FORCE = "force"
    HIERARCHICAL = "hierarchical"
    CIRCULAR = "circular"


@dataclass(frozen=True, slots=True)
class VisPage:
    """What the page needs besides the graph: title, caption, the query text shown under it."""

    title: str
    caption: str
    query: str | None = None


# --------------------------------------------------------------------------- assets


@cache
def _asset(name: str) -> str:
    return resources.files("ip4graph").joinpath("assets", name).read_text(encoding="utf-8")


def vis_network_js() -> str:
    """The vendored vis-network standalone build (see ``ip4graph/assets/vendor/README.md``)."""
    return _asset("vendor/vis-network.min.js")


def embed_json(value: Any) -> str:
    """JSON safe to put inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e``, ``\\u0026`` (so no
    ``</script>`` can close the element), and U+2028/U+2029 are escaped too.

    >>> print(embed_json({"label": "</script>"}))
    {"label": "\\u003c/script\\u003e"}
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=False, separators=(", ", ": "))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


# --------------------------------------------------------------------------- graph -> pyvis


def _group_styles(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """The legend: the :mod:`ip4graph.classgroups` groups present, in their fixed order, with counts."""
    counts = Counter(d.get("group") or OTHER.key for _, d in graph.nodes(data=True))
    classes: dict[str, Counter[str]] = {}
    for _, d in graph.nodes(data=True):
        key = d.get("group") or OTHER.key
        classes.setdefault(key, Counter())[_capitalised(str(d.get("class_label") or "Thing"))] += 1
    styles = []
    for group in (*GROUPS, OTHER):
        if counts[group.key]:
            style = group.to_dict()
            style["count"] = counts[group.key]
            style["classes"] = sorted(classes[group.key], key=str.casefold)
            styles.append(style)
    return styles


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _dates_text(d: dict[str, Any]) -> str | None:
    parts = []
    if d.get("date"):
        parts.append(str(d["date"]))
    if d.get("start_date") or d.get("end_date"):
        parts.append(f"{d.get('start_date') or '?'} \u2013 {d.get('end_date') or ('ongoing' if d.get('ongoing') else '')}".rstrip())
    if d.get("not_before") or d.get("not_after"):
        parts.append(f"between {d.get('not_before') or '?'} and {d.get('not_after') or '?'}")
    if d.get("date_description"):
        parts.append(f"\u201c{d['date_description']}\u201d")
    return "; ".join(parts) or None


def _node_tip(d: dict[str, Any], node_id: str) -> dict[str, Any]:
    rows: list[list[str]] = [["type", _capitalised(str(d.get("class_label") or "Thing"))]]
    if d.get("classes") and len(d["classes"]) > 1:
        rows.append(["classes", ", ".join(d["classes"])])
    rows.append(["id", d.get("curie") or node_id])
    dates = _dates_text(d)
    if dates:
        rows.append(["dates", dates])
    if d.get("comment"):
        rows.append(["note", str(d["comment"])])
    for key, value in (d.get("attributes") or {}).items():
        rows.append([key, ", ".join(map(str, value)) if isinstance(value, list) else str(value)])
    return {"heading": str(d.get("label") or node_id), "rows": rows, "quotes": []}


def _edge_tip(graph: nx.MultiDiGraph, u: str, v: str, d: dict[str, Any]) -> dict[str, Any]:
    label_u = graph.nodes[u].get("label", u)
    label_v = graph.nodes[v].get("label", v)
    label = d.get("label") or d.get("curie") or "related to"
    rows: list[list[str]] = [["property", d.get("curie") or str(d.get("predicate", ""))]]
    rows.append(["certainty", str(d.get("certainty") or "Stated")])
    if d.get("hedge"):
        rows.append(["hedge", f"\u201c{d['hedge']}\u201d"])
    if d.get("claimed_by"):
        rows.append(["claimed by", ", ".join(map(str, d["claimed_by"]))])
    dates = _dates_text(d)
    if dates:
        rows.append(["period", dates + (f" (from {d['period_from']})" if d.get("period_from") else "")])
    quotes = []
    for src in d.get("sources") or []:
        where = src.get("document_label") or src.get("document") or ""
        cite = ", ".join(x for x in (where, src.get("claim")) if x)
        if src.get("quote"):
            quotes.append({"text": src["quote"], "source": cite})
        else:
            rows.append(["source", cite])
    flag = None
    flag_class = None
    if d.get("denied") or d.get("negated"):
        flag, flag_class = "Denied: the source says this is not so.", "denied"
    elif d.get("uncertain"):
        flag, flag_class = f"Uncertain ({str(d.get('certainty', '')).lower()}): not stated as a fact.", "uncertain"
    return {
        "heading": f"{label_u} \u2014 {label} \u2192 {label_v}",
        "rows": rows,
        "quotes": quotes,
        "flag": flag,
        "flagClass": flag_class,
    }


def _options(net: Network, *, nodes: int, edges: int, layout: Layout) -> dict[str, Any]:
    """vis-network options, set through pyvis, then completed with what pyvis does not model."""
    large = nodes > LARGE_GRAPH
    net.force_atlas_2based(
        gravity=-60 if not large else -40,
        central_gravity=0.01,
        spring_length=150 if not large else 80,
        spring_strength=0.08,
        damping=0.6,
        overlap=0.6 if not large else 0,
    )
    # Bounded stabilisation: ~200k node-iterations in all, at least 60, at most 400.
    iterations = max(60, min(400, 200_000 // max(nodes, 1)))
    net.options.physics.stabilization.iterations = iterations
    net.options.physics.stabilization.updateInterval = 25
    net.options.physics.stabilization.fit = True
    if edges <= 1500:
        net.set_edge_smooth("continuous")
    net.toggle_hide_edges_on_drag(large)
    options: dict[str, Any] = json.loads(net.get_network_data()[5])
    options["physics"]["minVelocity"] = 0.75
    options["physics"]["timestep"] = 0.5
    options["physics"]["adaptiveTimestep"] = True
    options.setdefault("edges", {})
    if edges > 1500:
        options["edges"]["smooth"] = False
    options["edges"].update(
        {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "font": {"size": 10, "align": "middle", "color": "#4a5868", "strokeWidth": 3},
            "color": {"color": EDGE_COLOR, "highlight": "#1d2733", "hover": "#1d2733"},
            "width": 1,
        }
    )
    options["nodes"] = {
        "size": 14,
        "font": {"size": 13, "face": "DejaVu Sans, Arial, sans-serif", "color": "#1d2733"},
        "borderWidth": 1,
        "borderWidthSelected": 4,
    }
    interaction = options.setdefault("interaction", {})
    interaction.update({"hover": True, "tooltipDelay": 150, "navigationButtons": False, "keyboard": False})
    options["layout"] = {"improvedLayout": nodes <= LARGE_GRAPH, "randomSeed": 7}
    if layout is Layout.HIERARCHICAL:
        options["layout"]["hierarchical"] = {
            "enabled": True,
            "direction": "UD",
            "sortMethod": "directed",
            "shakeTowards": "roots",
        }
        options["physics"]["solver"] = "hierarchicalRepulsion"
    if layout is Layout.CIRCULAR:
        options["physics"]["enabled"] = False
    options["configure"] = {"enabled": False}
    return options


def entity_page(iri: str, *, base: str | None = None) -> str:
    """The page about ``iri``: under ``base`` (the server's ``/id/...`` pages) for ip4graph's
    own IRIs when ``base`` is given, else the IRI itself (w3id.org redirects it to its page).

    >>> entity_page("https://w3id.org/ip4graph/id/japan", base="/")
    '/id/japan'
    >>> entity_page("https://w3id.org/ip4graph/id/japan")
    'https://w3id.org/ip4graph/id/japan'
    """
    if base is not None:
        for prefix, ns in (("id/", IP4D), ("claim/", IP4C)):
            if iri.startswith(str(ns)) and len(iri) > len(str(ns)):
                return base.rstrip("/") + "/" + prefix + iri[len(str(ns)) :]
    return iri


def _external_links(d: dict[str, Any]) -> list[dict[str, str]]:
    links = []
    for target in d.get("same_as") or []:
        if target.startswith("http://www.wikidata.org/entity/"):
            links.append({"label": "Wikidata " + target.rsplit("/", 1)[-1], "href": target.replace("http://", "https://", 1)})
        elif target.startswith("http://dbpedia.org/resource/"):
            links.append({"label": "DBpedia " + target.rsplit("/", 1)[-1], "href": target.replace("http://", "https://", 1)})
    return links


def _claims(sources: list[dict[str, Any]], *, base: str | None) -> list[dict[str, Any]]:
    """The claims behind a link, as the side panel shows them."""
    out = []
    for src in sources:
        doc = src.get("document_iri")
        out.append(
            {
                "claim": src.get("claim"),
                "claimPage": entity_page(src["claim_iri"], base=base) if src.get("claim_iri") else None,
                "quote": src.get("quote"),
                "paragraph": src.get("paragraph_number"),
                "certainty": src.get("certainty"),
                "source": src.get("document_label") or src.get("document"),
                "sourceUrl": src.get("document_url") or (entity_page(doc, base=base) if doc else None),
            }
        )
    return out


def _node_color(color: str, *, border: str | None = None) -> dict[str, Any]:
    """A node keeps its group's colour when selected or hovered; selection shows as a dark border."""
    return {
        "background": color,
        "border": border or color,
        "highlight": {"background": color, "border": FOCUS_BORDER},
        "hover": {"background": color, "border": FOCUS_BORDER},
    }


def _sizes(graph: nx.MultiDiGraph, size_by: SizeBy) -> dict[str, float]:
    """Node sizes from :data:`MIN_SIZE` (the lowest score) to :data:`MAX_SIZE` (the highest), by the
    square root of the score; all nodes alike get a middle size. Large graphs get smaller nodes."""
    if graph.number_of_nodes() == 0:
        return {}
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    simple.add_edges_from((u, v) for u, v in graph.edges() if u != v)
    if size_by is SizeBy.BETWEENNESS:
        scores = nx.betweenness_centrality(simple, k=min(200, len(simple)) if len(simple) > 1000 else None, seed=7)
    else:
        scores = {n: float(simple.degree(n)) for n in simple}
    top = MAX_SIZE if len(simple) <= LARGE_GRAPH else (MIN_SIZE + MAX_SIZE) / 2
    lo, hi = min(scores.values()), max(scores.values())
    if hi == lo:
        return dict.fromkeys(scores, round((MIN_SIZE + top) / 2, 1))
    return {n: round(MIN_SIZE + (top - MIN_SIZE) * math.sqrt((v - lo) / (hi - lo)), 1) for n, v in scores.items()}


def to_pyvis(
    graph: nx.MultiDiGraph,
    *,
    layout: Layout = Layout.FORCE,
    title: str = "",
    size_by: SizeBy = SizeBy.DEGREE,
    focus: str | None = None,
    entity_base: str | None = None,
) -> Network:
    """Build a :class:`pyvis.network.Network` of ``graph`` (linear time, plus centrality if asked).

    Node and edge dictionaries are set directly (pyvis's ``add_edge`` is
    quadratic). Nodes are styled by their :mod:`ip4graph.classgroups` group
    (fixed colours and shapes) and sized by ``size_by``; ``focus`` is drawn
    with a heavy border and a larger label. Besides the vis-network keys, each
    node and edge carries ``tip`` (the tooltip as structured data),
    ``classKey`` (the group)/``startYear``/``endYear`` (for the page's
    filters), ``search`` (lower-cased searchable text) and what the side panel
    shows (``links``, ``claims``). The options (physics with bounded
    stabilisation, smoothing, interaction) are in ``net.ip4_options``.
    """
    net = Network(directed=True, heading=title, cdn_resources="in_line", height="100%", width="100%")
    sizes = _sizes(graph, size_by)
    partners = set(net_module.partnership_network(graph).nodes)
    nodes = []
    for node_id, d in graph.nodes(data=True):
        group = group_by_key(d.get("group") or OTHER.key)
        label = str(d.get("label") or node_id)
        item: dict[str, Any] = {
            "id": node_id,
            "label": label,
            "shape": group.shape,
            "color": _node_color(group.color),
            "size": sizes.get(node_id, MIN_SIZE),
            "classKey": group.key,
            "className": _capitalised(str(d.get("class_label") or "Thing")),
            "startYear": d.get("start_year"),
            "endYear": d.get("end_year"),
            "search": " ".join([label, str(d.get("curie") or ""), node_id]).casefold(),
            "label_cf": label.casefold(),
            "tip": _node_tip(d, node_id),
            "page": entity_page(node_id, base=entity_base) if d.get("iri") else None,
            "links": _external_links(d),
            "partnership": node_id in partners,
        }
        if node_id == focus:
            item["borderWidth"] = 5
            item["color"] = _node_color(group.color, border=FOCUS_BORDER)
            item["font"] = {"size": 18, "bold": True}
        nodes.append(item)
    edges = []
    pair_count: Counter[tuple[str, str]] = Counter()
    for index, (u, v, _key, d) in enumerate(graph.edges(keys=True, data=True)):
        pair: tuple[str, str] = (u, v) if u <= v else (v, u)
        nth = pair_count[pair]
        pair_count[pair] += 1
        label = str(d.get("label") or d.get("curie") or "")
        edge: dict[str, Any] = {
            "id": f"e{index}",
            "from": u,
            "to": v,
            "label": label,
            "predicate": d.get("curie") or str(d.get("predicate", "")),
            "certainty": str(d.get("certainty") or "Stated"),
            "period": _dates_text(d),
            "uncertain": bool(d.get("uncertain")),
            "denied": bool(d.get("denied") or d.get("negated")),
            "startYear": d.get("start_year"),
            "endYear": d.get("end_year"),
            "tip": _edge_tip(graph, u, v, d),
            "claims": _claims(d.get("sources") or [], base=entity_base),
        }
        if edge["denied"]:
            edge.update(label=f"\u2717 {label}", dashes=[2, 4], color={"color": DENIED_COLOR})
        elif edge["uncertain"]:
            edge.update(label=f"{label} ?", dashes=[6, 4], color={"color": UNCERTAIN_COLOR})
        if nth:
            # Parallel links between the same pair are drawn as arcs that do not overlap.
            edge["smooth"] = {
                "enabled": True,
                "type": "curvedCW" if nth % 2 else "curvedCCW",
                "roundness": 0.2 * math.ceil(nth / 2),
            }
        edges.append(edge)
    net.nodes = nodes
    net.edges = edges
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = {n["id"]: n for n in nodes}
    net.ip4_classes = _group_styles(graph)  # type: ignore[attr-defined]
    net.ip4_options = _options(net, nodes=len(nodes), edges=len(edges), layout=layout)  # type: ignore[attr-defined]
    return net


_VIS_KEYS = ("label", "shape", "color", "size", "borderWidth", "font", "dashes", "smooth")
_NODE_KEYS = ("classKey", "className", "startYear", "endYear", "search", "tip", "page", "links", "partnership")
_EDGE_KEYS = ("predicate", "certainty", "period", "uncertain", "denied", "startYear", "endYear", "tip", "claims")


def _start_scope(net: Network, scope: Scope) -> str:
    partnership = sum(1 for n in net.nodes if n["partnership"])
    if scope is Scope.AUTO:
        return "partnership" if len(net.nodes) > AUTO_PARTNERSHIP and partnership >= 2 else "all"
    return scope.value


def _page_data(
    net: Network, *, page: VisPage, layout: Layout, scope: Scope, focus: str | None, size_by: SizeBy
) -> dict[str, Any]:
    nodes, edges = net.nodes, net.edges
    years = [
        y
        for item in (*nodes, *edges)
        for y in (item.get("startYear"), item.get("endYear"))
        if isinstance(y, int)
    ]
    return {
        "title": page.title,
        "caption": page.caption,
        "layout": layout.value,
        "scope": _start_scope(net, scope),
        "focus": focus,
        "sizeBy": size_by.value,
        "options": net.ip4_options,  # type: ignore[attr-defined]
        "classes": net.ip4_classes,  # type: ignore[attr-defined]
        "years": {"min": min(years), "max": max(years)} if years else {"min": None, "max": None},
        "nodes": [
            {"id": n["id"], "vis": {k: n[k] for k in _VIS_KEYS if k in n}, **{k: n[k] for k in _NODE_KEYS}}
            for n in nodes
        ],
        "edges": [
            {
                "id": e["id"],
                "from": e["from"],
                "to": e["to"],
                "vis": {k: e[k] for k in _VIS_KEYS if k in e},
                **{k: e[k] for k in _EDGE_KEYS},
            }
            for e in edges
        ],
    }


#: The pages of the server's navigation bar: (path, name).
SITE_PAGES: tuple[tuple[str, str], ...] = (
    ("/", "SPARQL editor"), ("/graph", "Graph"), ("/timeline", "Timeline"), ("/dataset", "Dataset"),
)


def site_nav(current: str | None = None) -> str:
    """The server's navigation bar (HTML): its pages and a search form (``/search?q=``).

    ``current`` is the path of the page showing it (marked ``aria-current``). The bar is
    fixed text: no data goes into it. Its style is the asset ``nav.css``.

    >>> 'href="/timeline" aria-current="page"' in site_nav("/timeline")
    True
    """
    links = "".join(
        f'<a href="{path}"' + (' aria-current="page"' if path == current else "") + f">{name}</a>"
        for path, name in SITE_PAGES
    )
    return (
        '<nav class="ip4-site" aria-label="ip4graph"><a class="home" href="/">ip4graph</a>'
        f'<span class="pages">{links}</span>'
        '<form class="search" action="/search" method="get" role="search">'
        '<input name="q" type="search" placeholder="Search labels and quotes" aria-label="Search labels and quotes"'
        ' required><button type="submit">Search</button></form></nav>'
    )


def nav_css() -> str:
    """The style of :func:`site_nav` (inlined in the graph and timeline pages, ``/ui/nav.css`` on the server)."""
    return _asset("nav.css")


def inline_page_csp(*scripts: str, form_action: str = "'none'") -> str:
    """The Content-Security-Policy of a self-contained page whose only scripts are ``scripts``, inlined.

    ``form_action`` is where its forms may go (``'self'`` on the server, whose pages carry a search form).

    Raises:
        ExportError: a script contains ``</script`` and cannot be inlined.
    """
    for script in scripts:
        if "</script" in script.lower():
            raise ExportError("a bundled script contains '</script'; it cannot be inlined")
    return "; ".join([
        "default-src 'none'",
        "script-src " + " ".join(_csp_hash(script) for script in scripts),
        "style-src 'unsafe-inline'",
        "img-src data: blob:",
        "font-src 'none'",
        "connect-src 'none'",
        "base-uri 'none'",
        f"form-action {form_action}",
    ])


def render_html(
    graph: nx.MultiDiGraph,
    *,
    title: str,
    caption: str,
    query: str | None = None,
    layout: Layout = Layout.FORCE,
    scope: Scope = Scope.AUTO,
    size_by: SizeBy = SizeBy.DEGREE,
    focus: str | None = None,
    entity_base: str | None = None,
    nav: str | None = None,
) -> str:
    """The self-contained HTML page of ``graph``.

    Args:
        graph: a projection from :mod:`ip4graph.network` (any MultiDiGraph
            whose nodes have ``label`` and ``group`` attributes works).
        title: the page's heading.
        caption: what query or selection produced the graph.
        query: the query text, shown folded under the caption.
        layout: the initial layout.
        scope: what the page shows first (see :class:`Scope`).
        size_by: what a node's size shows.
        focus: a node id to highlight, select and centre.
        entity_base: where entity pages are (the server passes ``"/"``); by
            default links go to the entities' own IRIs.
        nav: the path of this page on the server: the page then carries the server's
            navigation bar (:func:`site_nav`) and may submit its search form.

    Raises:
        ExportError: ``focus`` is not a node of ``graph``, or a bundled script cannot be inlined.
    """
    if focus is not None and focus not in graph:
        raise ExportError(f"the focus {focus!r} is not a node of the graph", hint="give the id of a node to draw")
    page = VisPage(title=title, caption=caption, query=query)
    net = to_pyvis(graph, layout=layout, title=title, size_by=size_by, focus=focus, entity_base=entity_base)
    data = _page_data(net, page=page, layout=layout, scope=scope, focus=focus, size_by=size_by)
    vis_js = vis_network_js()
    app_js = _asset("panel.js") + "\n" + _asset("app.js")
    csp = inline_page_csp(vis_js, app_js, form_action="'self'" if nav is not None else "'none'")
    query_block = ""
    if query:
        query_block = (
            "<details><summary>Query</summary><pre>" + html.escape(query, quote=True) + "</pre></details>"
        )
    values = {
        "CSP": html.escape(csp, quote=True),
        "VERSION": html.escape(_version(), quote=True),
        "TITLE": html.escape(title, quote=True),
        "CAPTION": html.escape(caption, quote=True),
        "QUERY_BLOCK": query_block,
        "CSS": _asset("app.css") + ("\n" + nav_css() if nav is not None else ""),
        "NAV": site_nav(nav) if nav is not None else "",
        "DATA": embed_json(data),
        "VIS_JS": vis_js,
        "APP_JS": app_js,
    }
    # One pass: text substituted in is never scanned for placeholders again.
    return re.sub(r"@@([A-Z_]+)@@", lambda m: values[m.group(1)], _asset("template.html"))


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("ip4graph")
    except Exception:  # not installed (running from a checkout)
        return "dev"


def write_html(
    graph: nx.MultiDiGraph,
    path: str | Path,
    *,
    title: str,
    caption: str,
    query: str | None = None,
    layout: Layout = Layout.FORCE,
    scope: Scope = Scope.AUTO,
    size_by: SizeBy = SizeBy.DEGREE,
    focus: str | None = None,
    entity_base: str | None = None,
) -> Path:
    """Write :func:`render_html` to ``path`` (UTF-8) and return the path.

    Raises:
        ExportError: the file cannot be written.
    """
    target = Path(path)
    text = render_html(
        graph, title=title, caption=caption, query=query, layout=layout, scope=scope, size_by=size_by,
        focus=focus, entity_base=entity_base,
    )
    try:
        write_atomic(target, text)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}", hint="check the output path") from exc
    return target
