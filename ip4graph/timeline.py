r"""A timeline of events, agreements, summits, missions and partnerships: one self-contained HTML page.

The items are the dated nodes of a projection (:func:`ip4graph.network.project`)
in the groups ``event``, ``agreement`` and ``relationship`` of
:mod:`ip4graph.classgroups`:

- a day (``ip4:date "2024-07-10"``) is a point; a month or a year
  (``"2023-07"``, ``"2024"``) is a short span covering it;
- ``ip4:startDate``/``ip4:endDate`` is a span (open-ended when there is no
  end: drawn to the last year of the data, fading out);
- ``ip4:notBefore``/``ip4:notAfter`` ("early 2010s" = 2010 to 2014) is a span
  with *fuzzy ends*, labelled with the text's own words;
- an item something is *expected* of (a link with certainty ``Expected``) and
  an item known only from hedged links are styled apart.

The page is drawn with vis-timeline (vendored, ``LICENSES/vis-timeline.txt``),
inlined with the data, so it works offline; it filters by actor (a state or an
organisation linked to the item) and a click opens the same details panel as
the graph page (``panel.js``): relations and the claims behind each.

>>> from ip4graph import network as net
>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("s", label="Summit", group="event", start_year=2024, date="2024-07-10")
>>> [(i["start"], i["type"]) for i in timeline_items(g)]
[('2024-07-10', 'point')]
"""

from __future__ import annotations

import html
import re
from collections import Counter
from enum import Enum
from pathlib import Path
from typing import Any

import networkx as nx

from .classgroups import group_by_key
from .errors import ExportError
from .fileio import write_atomic
from .viz import _asset, _version, embed_json, inline_page_csp, nav_css, site_nav, to_pyvis

__all__ = ["TIMELINE_GROUPS", "ItemStyle", "render_timeline", "timeline_items", "write_timeline"]

#: The groups whose dated nodes are timeline items, each on its own lane, in this order.
TIMELINE_GROUPS: tuple[str, ...] = ("event", "agreement", "relationship")
#: The groups whose nodes are actors one can filter by.
ACTOR_GROUPS: frozenset[str] = frozenset({"state", "organisation"})

_DATE = re.compile(r"^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


class ItemStyle(str, Enum):
    """How an item is drawn besides its group colour."""

    STATED = "stated"
    EXPECTED = "expected"
    HEDGED = "hedged"


def _parts(value: str | None) -> tuple[int, int | None, int | None] | None:
    if not value:
        return None
    m = _DATE.match(str(value).strip())
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)) if m.group(2) else None, int(m.group(3)) if m.group(3) else None


def _iso(y: int, m: int = 1, d: int = 1) -> str:
    return f"{y:04d}-{m:02d}-{d:02d}"


def _after(parts: tuple[int, int | None, int | None]) -> str:
    """The first day after the period a partial date names (a year, a month or a day)."""
    import datetime

    y, m, d = parts
    if m is None:
        return _iso(y + 1)
    if d is None:
        return _iso(y + 1, 1) if m == 12 else _iso(y, m + 1)
    return (datetime.date(y, m, d) + datetime.timedelta(days=1)).isoformat()


def _start(parts: tuple[int, int | None, int | None]) -> str:
    y, m, d = parts
    return _iso(y, m or 1, d or 1)


def _when(d: dict[str, Any], *, last_year: int) -> dict[str, Any] | None:
    """start/end/type/classes of a node's dates, or None if it has none the timeline can draw."""
    description = d.get("date_description")
    start, end = _parts(d.get("start_date")), _parts(d.get("end_date"))
    if start:
        if end:
            return {"start": _start(start), "end": _after(end), "type": "range", "shape": "span"}
        return {"start": _start(start), "end": _iso(max(last_year, start[0]) + 1), "type": "range", "shape": "open"}
    lo, hi = _parts(d.get("not_before")), _parts(d.get("not_after"))
    if lo or hi:
        lo = lo or hi
        hi = hi or lo
        assert lo is not None and hi is not None
        return {"start": _start(lo), "end": _after(hi), "type": "range", "shape": "fuzzy", "words": description}
    date = _parts(d.get("date"))
    if date:
        if date[2] is not None:
            return {"start": _start(date), "type": "point", "shape": "day"}
        return {"start": _start(date), "end": _after(date), "type": "range", "shape": "month" if date[1] else "year"}
    return None


def timeline_items(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """The timeline's items: one per dated node of :data:`TIMELINE_GROUPS`, earliest first.

    Each item: ``id`` (the node), ``content`` (label), ``start``, ``end``
    (ISO dates; no ``end`` for a point), ``type`` (``point`` or ``range``),
    ``shape`` (``day``, ``month``, ``year``, ``span``, ``open``, ``fuzzy``),
    ``words`` (the text's own words for a fuzzy date), ``group`` (the lane),
    ``style`` (:class:`ItemStyle`), ``actors`` (ids of the states and
    organisations linked to it) and ``className``.
    """
    years = [y for _, d in graph.nodes(data=True) for y in (d.get("start_year"), d.get("end_year")) if isinstance(y, int)]
    last_year = max(years) if years else 2000
    items = []
    for node, d in graph.nodes(data=True):
        if d.get("group") not in TIMELINE_GROUPS:
            continue
        when = _when(d, last_year=last_year)
        if when is None:
            continue
        edges = [*graph.in_edges(node, data=True), *graph.out_edges(node, data=True)]
        certainties = [e[2].get("certainty") or "Stated" for e in edges]
        if "Expected" in certainties:
            style = ItemStyle.EXPECTED
        elif certainties and all(c != "Stated" for c in certainties):
            style = ItemStyle.HEDGED
        else:
            style = ItemStyle.STATED
        actors = sorted(
            {other for u, v, _ in edges for other in (u, v) if other != node and graph.nodes[other].get("group") in ACTOR_GROUPS}
        )
        item = {
            "id": node,
            "content": str(d.get("label") or node),
            "group": d["group"],
            "style": style.value,
            "actors": actors,
            "className": " ".join(["ip4-item", f"group-{d['group']}", f"shape-{when['shape']}", f"style-{style.value}"]),
            **when,
        }
        if when["shape"] == "fuzzy" and when.get("words") and str(when["words"]) not in item["content"]:
            item["content"] = f"{item['content']} ({when['words']})"
        items.append(item)
    items.sort(key=lambda i: (i["start"], i["content"].casefold()))
    return items


def render_timeline(
    graph: nx.MultiDiGraph,
    *,
    title: str,
    caption: str,
    entity_base: str | None = None,
    actor: str | None = None,
    nav: str | None = None,
) -> str:
    """The self-contained HTML timeline of ``graph`` (a projection; see the module docstring).

    Args:
        graph: a projection from :mod:`ip4graph.network` (with ``group`` and date attributes).
        title: the page's heading.
        caption: what it shows.
        entity_base: where entity pages are (the server passes ``"/"``); by default
            links go to the entities' own IRIs.
        actor: a node of ``graph`` whose items the page shows first (the actor filter
            preset; an actor linked to no dated item shows an empty timeline, saying so).
        nav: the path of this page on the server: the page then carries the server's
            navigation bar and may submit its search form.

    Raises:
        ExportError: ``actor`` is not a node of ``graph``, or a bundled script cannot be inlined.
    """
    if actor is not None and actor not in graph:
        raise ExportError(f"the actor {actor!r} is not a node of the graph", hint="give the id of a node")
    items = timeline_items(graph)
    if actor is not None:  # any node can be the actor asked for, not only states and organisations
        for item in items:
            if actor not in item["actors"] and actor in set(nx.all_neighbors(graph, item["id"])):
                item["actors"] = sorted([*item["actors"], actor])
    keep = {i["id"] for i in items}
    keep |= {a for i in items for a in i["actors"]}
    keep |= {o for i in items for o in nx.all_neighbors(graph, i["id"])}
    if actor is not None:
        keep.add(actor)
    sub = graph.subgraph(keep)
    net = to_pyvis(sub, entity_base=entity_base)
    wanted = {i["id"] for i in items}
    actor_counts = Counter(a for i in items for a in i["actors"])
    if actor is not None and actor not in actor_counts:
        actor_counts[actor] = 0
    data = {
        "title": title,
        "caption": caption,
        "items": items,
        "lanes": [
            {"id": key, "content": group_by_key(key).label, "color": group_by_key(key).color}
            for key in TIMELINE_GROUPS
            if any(i["group"] == key for i in items)
        ],
        "actors": [
            {"id": a, "label": str(graph.nodes[a].get("label") or a), "count": n}
            for a, n in sorted(actor_counts.items(), key=lambda kv: (-kv[1], str(graph.nodes[kv[0]].get("label", kv[0]))))
        ],
        "nodes": [
            {"id": n["id"], "vis": {"label": n["label"]}, "classKey": n["classKey"], "className": n["className"],
             "tip": n["tip"], "page": n["page"], "links": n["links"]}
            for n in net.nodes
        ],
        "edges": [
            {"id": e["id"], "from": e["from"], "to": e["to"], "vis": {"label": e["label"]}, "certainty": e["certainty"],
             "period": e["period"], "uncertain": e["uncertain"], "denied": e["denied"], "claims": e["claims"]}
            for e in net.edges
            if e["from"] in wanted or e["to"] in wanted
        ],
        "groups": [c["key"] for c in net.ip4_classes],  # type: ignore[attr-defined]
        "window": _window(items),
        "actor": actor,
    }
    vendor_js = _asset("vendor/vis-timeline-graph2d.min.js")
    app_js = _asset("panel.js") + "\n" + _asset("timeline.js")
    csp = inline_page_csp(vendor_js, app_js, form_action="'self'" if nav is not None else "'none'")
    values = {
        "CSP": html.escape(csp, quote=True),
        "VERSION": html.escape(_version(), quote=True),
        "TITLE": html.escape(title, quote=True),
        "CAPTION": html.escape(caption, quote=True),
        "VENDOR_CSS": _asset("vendor/vis-timeline-graph2d.min.css"),
        "CSS": _asset("app.css") + "\n" + _asset("timeline.css") + "\n" + _item_css()
        + ("\n" + nav_css() if nav is not None else ""),
        "NAV": site_nav(nav) if nav is not None else "",
        "DATA": embed_json(data),
        "VENDOR_JS": vendor_js,
        "APP_JS": app_js,
    }
    return re.sub(r"@@([A-Z_]+)@@", lambda m: values[m.group(1)], _asset("timeline.html"))


def _window(items: list[dict[str, Any]]) -> dict[str, str] | None:
    """The period the page opens on: every item, but an early outlier (more than 25 years before
    the next item: the 1949 treaty) is left for "Show all"."""
    if not items:
        return None
    starts = sorted(int(i["start"][:4]) for i in items)
    while len(starts) > 1 and starts[1] - starts[0] > 25:
        starts.pop(0)
    ends = [int((i.get("end") or i["start"])[:4]) for i in items]
    return {"start": _iso(starts[0] - 1), "end": _iso(max(ends) + 8)}  # room for the last labels


def _tint(color: str, amount: float = 0.78) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in (r, g, b))


def _item_css() -> str:
    """Item colours: a tint of the group colour, the group colour as border (fixed, as in the graph)."""
    rules = []
    for key in TIMELINE_GROUPS:
        color = group_by_key(key).color
        tint = _tint(color)
        rules.append(f"#ip4-timeline .vis-item.group-{key} {{ background: {tint}; border-color: {color}; }}")
        rules.append(
            f"#ip4-timeline .vis-item.group-{key}.shape-fuzzy {{ background: linear-gradient(to right, transparent, {tint} 25%, {tint} 75%, transparent); }}"
        )
        rules.append(f"#ip4-timeline .vis-item.group-{key}.shape-open {{ background: linear-gradient(to right, {tint} 70%, transparent); }}")
        rules.append(f"#ip4-timeline .vis-item.vis-point.group-{key} .vis-dot {{ border-color: {color}; }}")
    return "\n".join(rules)


def write_timeline(
    graph: nx.MultiDiGraph, path: str | Path, *, title: str, caption: str, entity_base: str | None = None
) -> Path:
    """Write :func:`render_timeline` to ``path`` atomically and return the path.

    Raises:
        ExportError: the file cannot be written.
    """
    text = render_timeline(graph, title=title, caption=caption, entity_base=entity_base)
    try:
        return write_atomic(Path(path), text)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}", hint="check the output path") from exc
