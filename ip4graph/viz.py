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

from ip4graph.errors import ExportError

__all__ = ["Layout", "VisPage", "render_html", "to_pyvis", "write_html", "embed_json"]

#: Nodes above which the page turns off costly layout refinements.
LARGE_GRAPH = 300

PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
    "#e377c2", "#17becf", "#bcbd22", "#393b79", "#637939", "#7f7f7f",
)  # fmt: skip
#: vis-network shapes that draw the label below the node, with a legend glyph for each.
SHAPES = (
    ("dot", "\u25cf"),
    ("diamond", "\u25c6"),
    ("square", "\u25a0"),
    ("triangle", "\u25b2"),
    ("star", "\u2605"),
    ("triangleDown", "\u25bc"),
    ("hexagon", "\u2b22"),
)
UNCERTAIN_COLOR = "#c77700"
DENIED_COLOR = "#b00020"
EDGE_COLOR = "#8a96a3"


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


def _class_styles(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    counts = Counter(d.get("class") or "" for _, d in graph.nodes(data=True))
    labels = {d.get("class") or "": d.get("class_label") or "Thing" for _, d in graph.nodes(data=True)}
    # Colours follow alphabetical class order so a class keeps its colour across pages.
    styles = []
    for i, key in enumerate(sorted(counts, key=lambda k: (k == "", k))):
        shape, glyph = SHAPES[i % len(SHAPES)]
        styles.append(
            {
                "key": key or "none",
                "label": _capitalised(labels[key]) if key else "(no class)",
                "curie": key or None,
                "color": PALETTE[i % len(PALETTE)],
                "shape": shape,
                "glyph": glyph,
                "count": counts[key],
            }
        )
    return sorted(styles, key=lambda s: (-s["count"], s["label"].casefold()))


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
        spring_length=120 if not large else 80,
        spring_strength=0.08,
        damping=0.6,
        overlap=0,
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


def to_pyvis(graph: nx.MultiDiGraph, *, layout: Layout = Layout.FORCE, title: str = "") -> Network:
    """Build a :class:`pyvis.network.Network` of ``graph`` (linear time).

    Node and edge dictionaries are set directly (pyvis's ``add_edge`` is
    quadratic). Besides the vis-network keys, each carries ``tip`` (the
    tooltip as structured data), ``classKey``/``startYear``/``endYear``
    (for the page's filters) and ``search`` (lower-cased searchable text).
    The options (physics with bounded stabilisation, smoothing, interaction)
    are in ``net.options``.
    """
    net = Network(directed=True, heading=title, cdn_resources="in_line", height="100%", width="100%")
    classes = {c["curie"] or "": c for c in _class_styles(graph)}
    nodes = []
    for node_id, d in graph.nodes(data=True):
        style = classes[d.get("class") or ""]
        label = str(d.get("label") or node_id)
        nodes.append(
            {
                "id": node_id,
                "label": label,
                "shape": style["shape"],
                "color": style["color"],
                "group": style["key"],
                "classKey": style["key"],
                "startYear": d.get("start_year"),
                "endYear": d.get("end_year"),
                "search": " ".join([label, str(d.get("curie") or ""), node_id]).casefold(),
                "tip": _node_tip(d, node_id),
            }
        )
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
            "uncertain": bool(d.get("uncertain")),
            "denied": bool(d.get("denied") or d.get("negated")),
            "startYear": d.get("start_year"),
            "endYear": d.get("end_year"),
            "tip": _edge_tip(graph, u, v, d),
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
    net.ip4_classes = list(classes.values())  # type: ignore[attr-defined]
    net.ip4_options = _options(net, nodes=len(nodes), edges=len(edges), layout=layout)  # type: ignore[attr-defined]
    return net


_VIS_KEYS = ("label", "shape", "color", "group", "dashes", "smooth")


def _page_data(net: Network, *, page: VisPage, layout: Layout) -> dict[str, Any]:
    nodes, edges, _heading, _height, _width, _options_json = net.get_network_data()
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
        "options": net.ip4_options,  # type: ignore[attr-defined]
        "classes": sorted(net.ip4_classes, key=lambda c: (-c["count"], c["label"].casefold())),  # type: ignore[attr-defined]
        "years": {"min": min(years), "max": max(years)} if years else {"min": None, "max": None},
        "nodes": [
            {
                "id": n["id"],
                "vis": {k: n[k] for k in _VIS_KEYS if k in n},
                "classKey": n["classKey"],
                "startYear": n["startYear"],
                "endYear": n["endYear"],
                "search": n["search"],
                "tip": n["tip"],
            }
            for n in nodes
        ],
        "edges": [
            {
                "id": e["id"],
                "from": e["from"],
                "to": e["to"],
                "vis": {k: e[k] for k in _VIS_KEYS if k in e},
                "uncertain": e["uncertain"],
                "denied": e["denied"],
                "startYear": e["startYear"],
                "endYear": e["endYear"],
                "tip": e["tip"],
            }
            for e in edges
        ],
    }


def render_html(
    graph: nx.MultiDiGraph,
    *,
    title: str,
    caption: str,
    query: str | None = None,
    layout: Layout = Layout.FORCE,
) -> str:
    """The self-contained HTML page of ``graph``.

    Args:
        graph: a projection from :mod:`ip4graph.network` (any MultiDiGraph
            whose nodes have ``label`` and ``class`` attributes works).
        title: the page's heading.
        caption: what query or selection produced the graph.
        query: the query text, shown folded under the caption.
        layout: the initial layout.
    """
    page = VisPage(title=title, caption=caption, query=query)
    net = to_pyvis(graph, layout=layout, title=title)
    data = _page_data(net, page=page, layout=layout)
    vis_js = vis_network_js()
    app_js = _asset("app.js")
    for script in (vis_js, app_js):
        if "</script" in script.lower():
            raise ExportError("a bundled script contains '</script'; it cannot be inlined")
    csp = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_csp_hash(vis_js)} {_csp_hash(app_js)}",
            "style-src 'unsafe-inline'",
            "img-src data: blob:",
            "font-src 'none'",
            "connect-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
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
        "CSS": _asset("app.css"),
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
) -> Path:
    """Write :func:`render_html` to ``path`` (UTF-8) and return the path.

    Raises:
        ExportError: the file cannot be written.
    """
    target = Path(path)
    text = render_html(graph, title=title, caption=caption, query=query, layout=layout)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}", hint="check the output path") from exc
    return target
