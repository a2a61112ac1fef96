"""The server's own pages in headless Chromium, as an analyst uses them: graph, timeline, entity pages.

On the shipped data: open ``/graph``, find Japan, click it, read a relation's quote in the side
panel, follow the link to ``/id/japan``, see its agreements with their dates and quotes; open
``/timeline``, filter by actor, click an item. On the small sample: labels that are XSS probes
stay text. No request leaves the server, no script error, no CSP violation. Screenshots are
kept in build/test-artifacts/server-*.png.

Fails (not skips) when Chromium is missing, unless IP4GRAPH_SKIP_BROWSER=1.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator

import pytest
from browser import ARTIFACTS, XSS_LABEL
from test_server import running
from test_server_browser import browser, open_page, url, wait_for  # noqa: F401  (fixtures)

from ip4graph.kg import KnowledgeGraph

pytestmark = pytest.mark.browser

JAPAN = "https://w3id.org/ip4graph/id/japan"
STABILIZED = "document.body.dataset.stabilized === 'true'"
TIMELINE_READY = "document.body.dataset.ready === 'true'"


@pytest.fixture(scope="module")
def shipped_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The server on the shipped data (what an analyst runs with ``ip4graph serve``)."""
    kg = KnowledgeGraph.open(cache_dir=tmp_path_factory.mktemp("cache"))
    with running(kg, timeout=30, workers=2) as u:
        yield u


def assert_clean(log: dict[str, list[str]]) -> None:
    assert log["external"] == [], log["external"]
    assert log["errors"] == [] and log["dialogs"] == [], log
    assert [c for c in log["console"] if "Content Security Policy" in c or "Refused" in c] == [], log["console"]
    assert log["console"] == [], log["console"]


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def assert_nav(page, current: str | None) -> None:
    hrefs = page.evaluate("Array.from(document.querySelectorAll('nav.ip4-site a')).map(a => a.getAttribute('href'))")
    assert {"/", "/graph", "/timeline", "/dataset"} <= set(hrefs)
    form = page.locator("nav.ip4-site form")
    assert form.get_attribute("action") == "/search" and form.get_attribute("method") == "get"
    assert page.locator("nav.ip4-site input[name=q][type=search]").count() == 1
    marked = page.evaluate("Array.from(document.querySelectorAll('nav.ip4-site [aria-current=page]'))"
                           ".map(a => a.getAttribute('href'))")
    assert marked == ([current] if current else [])


def click_node(page, node: str) -> None:
    """A real mouse click on ``node`` where the graph draws it."""
    box = page.locator("#ip4-network").bounding_box()
    at = page.evaluate("""(id) => {
        const n = window.ip4graph.network;
        return n.canvasToDOM(n.getPositions([id])[id]);
    }""", node)
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])


def test_graph_find_japan_panel_quote_and_entity_page(browser, shipped_url: str) -> None:  # noqa: F811
    page, log = open_page(browser, shipped_url, "/graph")
    wait_for(page, STABILIZED, timeout=90)
    assert_nav(page, "/graph")
    # The server's page is the readable one: it opens on the partnership network, not every node.
    assert page.evaluate("window.ip4graph.state.scope") == "partnership"
    shown, total = page.evaluate("[window.ip4graph.nodeView.length, window.ip4graph.nodes.length]")
    assert 0 < shown < total
    page.locator("#ip4-search").fill("Japan")
    wait_for(page, "document.querySelectorAll('#ip4-search-results button').length > 0")
    assert page.locator("#ip4-search-results button").first.inner_text() == "Japan"
    page.locator("#ip4-search").fill("")
    click_node(page, JAPAN)
    wait_for(page, f"!!document.querySelector('#ip4-details .ip4-panel[data-node=\"{JAPAN}\"]')")
    panel = page.locator("#ip4-details .ip4-panel")
    assert panel.locator("h3").inner_text() == "Japan"
    # Relations with the quote behind them, the source document, its paragraph and certainty.
    quoted = panel.locator("li.relation", has=page.locator("blockquote"))
    assert quoted.count() >= 5
    cites = panel.locator("li.claim .cite").all_inner_texts()
    assert any("paragraph" in c and "Stated" in c for c in cites), cites[:5]
    # Links to this server's entity pages (not to w3id.org) and to Wikidata.
    entity = panel.locator(".links a", has_text="Entity page")
    assert entity.get_attribute("href") == "/id/japan"
    assert panel.locator(".links a", has_text="Wikidata").count() == 1
    claim_pages = panel.locator("li.claim .cite a", has_text="claim").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert claim_pages and all(h.startswith("/claim/") for h in claim_pages)
    page.mouse.move(5, 5)  # no tooltip over the picture
    shot(page, "server-graph-japan.png")
    with page.context.expect_page() as opened:
        entity.click()
    entity_page = opened.value
    entity_page.wait_for_load_state()
    assert entity_page.url == shipped_url + "/id/japan"
    assert entity_page.locator("h1").inner_text() == "Japan"
    assert_clean(log)
    page.context.close()


def test_graph_focus_is_selected_centred_and_limited(browser, shipped_url: str) -> None:  # noqa: F811
    page, log = open_page(browser, shipped_url, "/graph?focus=Japan")
    wait_for(page, STABILIZED, timeout=90)
    wait_for(page, f"!!document.querySelector('#ip4-details .ip4-panel[data-node=\"{JAPAN}\"]')")
    assert page.evaluate("window.ip4graph.network.getSelectedNodes()") == [JAPAN]
    box = page.locator("#ip4-network").bounding_box()
    at = page.evaluate("(id) => window.ip4graph.network.canvasToDOM(window.ip4graph.network.getPositions([id])[id])",
                       JAPAN)
    assert abs(at["x"] - box["width"] / 2) < box["width"] * 0.1 and abs(at["y"] - box["height"] / 2) < box["height"] * 0.1
    one_hop = page.evaluate("window.ip4graph.nodes.length")
    assert "within 1 hop of Japan" in page.inner_text("#ip4-caption")
    page.mouse.move(5, 5)
    shot(page, "server-graph-focus-japan.png")
    assert_clean(log)
    page.context.close()
    page, log = open_page(browser, shipped_url, "/graph")
    wait_for(page, STABILIZED, timeout=90)
    assert one_hop < page.evaluate("window.ip4graph.nodes.length")
    page.context.close()


def test_entity_page_lists_agreements_with_dates_and_quotes(browser, shipped_url: str) -> None:  # noqa: F811
    page, log = open_page(browser, shipped_url, "/id/japan")
    page.wait_for_load_state()
    assert_nav(page, None)
    rows = page.locator("table.dated tr", has=page.locator("td"))
    assert rows.count() >= 5
    texts = rows.all_inner_texts()
    # The agreements NATO and Japan are parties to: dated, with the source's words.
    agreements = [t for t in texts if "agreement" in t.lower()]
    assert len(agreements) >= 2, texts
    assert any("2023" in t for t in agreements) and any("early 2010s" in t for t in agreements), agreements
    for row in rows.all():
        if "agreement" in row.inner_text().lower():
            assert row.locator("td.when").inner_text().strip() != ""
            assert row.locator(".evidence q").count() >= 1  # the quote behind it
            assert row.locator(".evidence .cite a[href^='/id/doc-']").count() >= 1  # its source document
    # The years read in order.
    years = [int(w[:4]) for w in page.locator("table.dated td.when").all_inner_texts() if w[:4].isdigit()]
    assert years == sorted(years) and len(years) >= 5
    # Every relation row names its evidence; the stated ones quote it.
    assert page.locator("table.relations .evidence q").count() >= 10
    shot(page, "server-entity-japan.png")
    # An agreement's own page: its dates first, its parties with the quotes behind them.
    page.locator("table.dated td a", has_text="(2023)").first.click()
    page.wait_for_load_state()
    assert "2023" in page.locator("main p.when").inner_text()
    party = page.locator("table.relations tr", has=page.locator("a[href='/id/japan']")).first
    assert party.locator(".evidence q").count() >= 1
    shot(page, "server-entity-agreement.png")
    page.go_back()
    page.wait_for_load_state()
    # From the entity page to its graph view and its timeline.
    page.locator("main .nav a", has_text="timeline").click()
    page.wait_for_load_state()
    wait_for(page, TIMELINE_READY)
    assert page.evaluate("window.ip4timeline.state.actor") == JAPAN
    assert_clean(log)
    page.context.close()


def test_claim_page_shows_its_triples_and_the_document_page_its_original(browser, shipped_url: str) -> None:  # noqa: F811
    page, log = open_page(browser, shipped_url, "/id/japan")
    href = page.locator("table.dated .evidence a.claim-link").first.get_attribute("href")
    assert href.startswith("/claim/")
    page.goto(shipped_url + href)
    page.wait_for_load_state()
    assert page.locator("h2", has_text="What the source says").count() == 1
    supports = page.locator("h2", has_text="What this claim supports")
    assert supports.count() == 1
    table = page.locator("h2:has-text('What this claim supports') + table")
    assert table.locator("tr td a[href^='/id/']").count() >= 2  # subjects and objects, linked locally
    shot(page, "server-claim.png")
    page.locator(".evidence .cite a[href^='/id/doc-']").first.click()
    page.wait_for_load_state()
    assert page.locator("h2", has_text="Original").count() == 1
    assert page.locator("h2", has_text="Claims quoting this document").count() == 1
    assert page.locator("table.quoting .evidence q").count() >= 10
    shot(page, "server-document.png")
    assert_clean(log)
    page.context.close()


def test_timeline_offline_actor_filter_and_panel(browser, shipped_url: str) -> None:  # noqa: F811
    page, log = open_page(browser, shipped_url, "/timeline")
    wait_for(page, TIMELINE_READY)
    assert_nav(page, "/timeline")
    total = page.evaluate("window.ip4timeline.view.length")
    assert total >= 10
    # The in-page actor filter.
    page.locator("#ip4-actor").select_option(JAPAN)
    wait_for(page, f"window.ip4timeline.view.length < {total}")
    japan = page.evaluate("window.ip4timeline.view.length")
    assert japan > 0 and "involving Japan" in page.inner_text("#ip4-status")
    # Click an item: the same side panel, with the claims and this server's pages.
    page.locator("#ip4-timeline .vis-item").first.click()
    wait_for(page, "!!document.querySelector('#ip4-details .ip4-panel')")
    panel = page.locator("#ip4-details .ip4-panel")
    assert panel.locator("li.relation").count() >= 1
    assert panel.locator("blockquote").count() >= 1
    page_link = panel.locator(".links a", has_text="Entity page").get_attribute("href")
    assert page_link.startswith("/id/")
    shot(page, "server-timeline-japan.png")
    assert_clean(log)
    page.context.close()
    # ?actor= presets the filter, by label, CURIE or IRI alike.
    for actor in ("Japan", "ip4d:japan", JAPAN):
        page, log = open_page(browser, shipped_url, "/timeline?actor=" + urllib.parse.quote(actor, safe=""))
        wait_for(page, TIMELINE_READY)
        assert page.locator("#ip4-actor").input_value() == JAPAN
        assert page.evaluate("window.ip4timeline.view.length") == japan
        assert_clean(log)
        page.context.close()


def test_focus_graph_centres_the_focus_and_labels_stay_text(browser, url: str) -> None:  # noqa: F811
    focus = urllib.parse.quote("https://w3id.org/ip4graph/id/xss", safe="")
    page, log = open_page(browser, url, f"/graph?focus={focus}")
    wait_for(page, STABILIZED, timeout=60)
    # The focus is selected and its panel open; its label (an XSS probe) is text.
    assert page.locator("#ip4-details .ip4-panel h3").inner_text() == XSS_LABEL
    assert page.evaluate("window.ip4graph.network.getSelectedNodes()") == ["https://w3id.org/ip4graph/id/xss"]
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator("#ip4-details img").count() == 0
    page.goto(url + "/timeline")
    wait_for(page, TIMELINE_READY)
    page.goto(url + "/id/xss")
    assert page.locator("main h1").inner_text() == XSS_LABEL
    assert page.locator("main img").count() == 0
    assert_clean(log)
    page.context.close()


def test_search_form_goes_to_search(browser, url: str) -> None:  # noqa: F811
    page, log = open_page(browser, url, "/id/japan")
    page.locator("nav.ip4-site input[name=q]").fill("Japan & NATO")
    page.locator("nav.ip4-site form button").click()
    page.wait_for_load_state()
    parts = urllib.parse.urlsplit(page.url)
    assert parts.path == "/search" and urllib.parse.parse_qs(parts.query) == {"q": ["Japan & NATO"]}
    assert log["external"] == [] and log["errors"] == [], log
    page.context.close()
