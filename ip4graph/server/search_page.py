"""``/search?q=TEXT``: names and quotes that contain a text, as an HTML page or JSON.

Runs in a worker like every page (called from :meth:`ip4graph.server.pages.Pages.route`).
Options: ``lang`` (en, fr, ja, ko), ``kind`` (label, quote, comment; repeatable),
``limit`` (1–200, default 50), ``format=json`` (or ``Accept: application/json``).
Every label, quote and IRI written into the page is escaped; the match is wrapped in
``<mark>`` around escaped text.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode

from ..errors import Ip4GraphError, ParameterError
from ..search import DEFAULT_KINDS, LANGUAGES, SearchHit, SearchKind, search
from .protocol import parse_accept

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph
    from .app import Response

MAX_LIMIT = 200
#: Characters of a quote shown either side of the match (a quote is one sentence at most).
QUOTE_CONTEXT = 240


def wants_json(accept: str | None, fmt: str | None) -> bool:
    """``?format=json``, or an Accept header that prefers JSON to HTML."""
    if fmt is not None:
        return fmt == "json"
    for media, q in parse_accept(accept):
        if q <= 0:
            continue
        if media in ("application/json", "application/sparql-results+json"):
            return True
        if media in ("text/html", "application/xhtml+xml", "*/*"):
            return False
    return False


def search_response(kg: "KnowledgeGraph", query: str, *, accept: str | None) -> "Response":
    """Answer ``/search`` with the query string ``query``."""
    from .app import Response
    from .pages import PAGE_CSP

    params = parse_qs(query, keep_blank_values=True)
    first = {k: v[0] for k, v in params.items()}
    fmt = first.get("format")
    as_json = wants_json(accept, fmt)
    if fmt is not None and fmt not in ("json", "html"):
        return Response.text(400, "format must be json or html")
    text = first.get("q")
    lang = first.get("lang") or None
    kinds = params.get("kind") or [k.value for k in DEFAULT_KINDS]
    hits: list[SearchHit] = []
    error = None
    status = 200
    try:
        limit = int(first.get("limit", "50"))
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        error = f"limit must be a whole number between 1 and {MAX_LIMIT}"
    elif text is not None:
        try:
            hits = search(kg, text, lang=lang, kinds=kinds, limit=limit)
        except ParameterError as exc:  # what was asked for: 400
            error, status = exc.message + (f" ({exc.hint})" if exc.hint else ""), 400
        except Ip4GraphError as exc:  # the store failed or timed out: 500
            error, status = f"the search failed: {exc.message}", 500
    if error and status == 200:
        status = 400
    if as_json:
        body = {"q": text, "lang": lang, "kinds": kinds, "hits": [h.to_dict() for h in hits]}
        if error:
            body = {"q": text, "error": error}
        return Response(status, json.dumps(body, ensure_ascii=False).encode("utf-8"),
                        "application/json; charset=utf-8", {"Vary": "Accept", "Access-Control-Allow-Origin": "*"})
    page = search_html(text, hits, lang=lang, kinds=kinds, error=error, limit=limit, query=query)
    return Response(status, page.encode("utf-8"), "text/html; charset=utf-8",
                    {"Vary": "Accept", "Content-Security-Policy": PAGE_CSP})


def _marked(hit: SearchHit, context: int = 80) -> str:
    from .pages import _e

    snip = hit.snippet(context)
    return f"{_e(snip.before)}<mark>{_e(snip.match)}</mark>{_e(snip.after)}"


def _entity_link(iri, name: str) -> str:  # noqa: ANN001 - an rdflib URIRef
    from .pages import _e, page_path

    return f'<a href="{_e(page_path(iri))}" title="{_e(iri)}">{_e(name)}</a>'


def search_html(text: str | None, hits: list[SearchHit], *, lang: str | None, kinds: list[str],
                error: str | None = None, limit: int = 50, query: str = "") -> str:
    """The page: a search form, then the names found and the quotes found (each with its claim)."""
    from .pages import _e, _layout

    options = "".join(f'<option value="{code}"{" selected" if lang == code else ""}>{code}</option>'
                      for code in LANGUAGES)
    boxes = "".join(
        f'<label><input type="checkbox" name="kind" value="{k.value}"{" checked" if k.value in kinds else ""}> '
        f"{k.value}s</label> " for k in SearchKind)
    form = (f'<form class="search" action="/search" method="get" role="search">'
            f'<input type="search" name="q" value="{_e(text or "")}" placeholder="a name or words of a quote" '
            f'aria-label="Search names and quotes" autofocus> '
            f'<select name="lang" aria-label="Language of names"><option value="">any language</option>{options}</select> '
            f"{boxes}<button type=\"submit\">Search</button></form>")
    parts = ["<h1>Search</h1>", '<p class="nav"><a href="/">SPARQL editor</a> · <a href="/graph">graph view</a></p>',
             form]
    if error:
        parts.append(f'<p class="error" role="alert">{_e(error)}</p>')
    elif text is None:
        parts.append("<p>Names in English, French, Japanese and Korean, and the quotes behind every claim. "
                     "Case and accents do not matter: <code>japon</code>, <code>日本</code>, <code>일본</code> "
                     "and <code>JAPAN</code> all find Japan.</p>")
    else:
        names = [h for h in hits if h.claim is None]
        quotes = [h for h in hits if h.claim is not None]
        n = len(hits)
        more = f" (the first {n}: more with <code>&amp;limit=</code>)" if n >= limit else ""
        pairs = [(k, value) for k, values in parse_qs(query, keep_blank_values=True).items() if k != "format"
                 for value in values]
        json_link = "/search?" + urlencode([*pairs, ("format", "json")])
        parts.append(f'<p class="count">{n} hit{"s" if n != 1 else ""} for <q>{_e(text)}</q>{more} · '
                     f'<a href="{_e(json_link)}" type="application/json">JSON</a></p>')
        if names:
            rows = []
            for h in names:
                lang_tag = f' <span class="lang">@{_e(h.lang)}</span>' if h.lang else ""
                rows.append(f"<tr><td>{_entity_link(h.iri, h.name)}</td><td>{_e(h.type_name)}</td>"
                            f"<td><code>{_e(h.curie)}</code></td><td>{_marked(h)}{lang_tag}</td>"
                            f"<td>{_e(h.match.value)}</td></tr>")
            parts.append('<h2>Names</h2><table class="hits names"><tr><th>name</th><th>type</th><th>id</th>'
                         f'<th>matched</th><th>match</th></tr>{"".join(rows)}</table>')
        if quotes:
            items = []
            for h in quotes:
                c = h.claim
                assert c is not None
                source = _entity_link(c.document, c.document_name) if c.document is not None else "no source"
                para = f", ¶{c.paragraph}" if c.paragraph is not None else ""
                about = ", ".join(_entity_link(m.iri, m.name) for m in c.mentions)
                items.append(f"<li><q>{_marked(h, QUOTE_CONTEXT)}</q>"
                             f'<div class="source">{source}{_e(para)} · {_e(c.certainty_name)} · '
                             f"claim {_entity_link(h.iri, h.curie)}</div>"
                             + (f'<div class="about">about: {about}</div>' if about else "") + "</li>")
            parts.append(f'<h2>Quotes</h2><ol class="hits quotes">{"".join(items)}</ol>')
        if not hits:
            parts.append("<p>Nothing found. Try fewer letters, another language, or "
                         f'<a href="/search?{_e(urlencode({"q": text, "kind": "comment"}))}">'
                         "search the descriptions</a>.</p>")
    title = f"Search: {text}" if text else "Search"
    return _layout(title, "\n".join(parts))


__all__ = ["search_html", "search_response", "wants_json"]
