"""The exported page in a real headless Chromium (Debian's, driven by Playwright), offline.

These tests fail (not skip) when Chromium is missing, unless IP4GRAPH_SKIP_BROWSER=1.
A screenshot is kept in build/test-artifacts/graph.png.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pytest
from browser import ARTIFACTS, CHROMIUM_ARGS, XSS_LABEL, big_dataset, chromium_or_fail, sample_dataset

from ip4graph import network as net
from ip4graph import viz

pytestmark = pytest.mark.browser

STABILIZED = "document.body.dataset.stabilized === 'true'"
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


@dataclass
class Log:
    """What the page did that it should not have: console errors, exceptions, dialogs, requests."""

    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"console {kind}: {text}" for kind, text in self.console if kind in ("error", "assert")]
            + [f"page error: {e}" for e in self.errors]
            + [f"dialog: {d}" for d in self.dialogs]
            + [f"network request: {r}" for r in self.requests]
        )


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = chromium_or_fail()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # Playwright gives every launch a fresh, temporary user-data-dir.
        b = p.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[a for a in CHROMIUM_ARGS if a != "--headless"],
        )
        yield b
        b.close()


def open_page(browser, path: Path, *, width: int = 1400, height: int = 850, ready: str = STABILIZED,
              timeout: float = 120):
    """Open ``path`` offline, every non-file request aborted and recorded; wait until ``ready`` holds
    (by default: the graph's physics stopped)."""
    context = browser.new_context(offline=True, viewport={"width": width, "height": height})
    page = context.new_page()
    log = Log()
    page.on("console", lambda m: log.console.append((m.type, m.text)))
    page.on("pageerror", lambda e: log.errors.append(str(e)))
    page.on("dialog", lambda d: (log.dialogs.append(d.message), d.dismiss()))

    def route(r) -> None:
        if r.request.url.startswith(LOCAL_SCHEMES):
            r.continue_()
        else:
            log.requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri())
    wait_until(page, ready, timeout=timeout)
    return page, log


@pytest.fixture(scope="module")
def sample_graph() -> nx.MultiDiGraph:
    return net.project(sample_dataset(), config=net.ProjectionConfig(include_denied=True))


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory, sample_graph) -> Path:
    path = tmp_path_factory.mktemp("html") / "sample.html"
    viz.write_html(
        sample_graph,
        path,
        title="NATO and the Indo-Pacific 4: sample",
        caption="The test sample: 14 nodes, 17 links (hedged dashed, denied red).",
    )
    return path


def wait_until(page, expression: str, *, timeout: float = 60.0) -> None:
    """Poll ``expression`` from Python until it is true.

    (``page.wait_for_function`` evaluates strings in the page, which the page's
    Content-Security-Policy forbids; ``page.evaluate`` goes through the DevTools protocol.)
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {expression}")
        page.wait_for_timeout(50)


def counts(page) -> tuple[int, int, int, int]:
    return tuple(page.evaluate(
        "[ip4graph.nodes.length, ip4graph.edges.length, ip4graph.nodeView.length, ip4graph.edgeView.length]"
    ))


def node_point(page, node_id: str) -> tuple[float, float]:
    """Where a node is drawn, in page coordinates."""
    return tuple(page.evaluate(
        """id => {
            const net = ip4graph.network;
            const p = net.canvasToDOM(net.getPosition(id));
            const box = document.getElementById('ip4-network').getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        node_id,
    ))


# --------------------------------------------------------------------------- tests


def test_page_loads_offline_with_all_nodes_and_edges(browser, sample_page, sample_graph):
    page, log = open_page(browser, sample_page)
    assert counts(page) == (14, 17, 14, 17)
    assert page.evaluate("typeof vis") == "object"
    assert page.title() == "NATO and the Indo-Pacific 4: sample"
    assert "Showing 14 of 14 nodes and 17 of 17 links" in page.inner_text("#ip4-status")
    legend = page.locator("#ip4-legend li")
    assert legend.count() == len({d["group"] for _, d in sample_graph.nodes(data=True)})
    assert page.locator("#ip4-network canvas").count() == 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "graph.png"))
    assert log.problems() == []
    page.context.close()


def test_xss_label_is_text(browser, sample_page):
    page, log = open_page(browser, sample_page)
    xss = "https://w3id.org/ip4graph/id/xss"
    # tooltips are DOM elements built with textContent: no markup inside
    assert page.evaluate(
        "ip4graph.nodes.get().concat(ip4graph.edges.get())"
        ".every(i => i.title instanceof HTMLElement && !i.title.querySelector('img,script,b'))"
    )
    # hover: the vis tooltip shows the label as text
    x, y = node_point(page, xss)
    page.mouse.move(x, y)
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    assert XSS_LABEL in tooltip.inner_text()
    assert tooltip.locator("img").count() == 0
    # click: the details panel too
    page.mouse.click(x, y)
    details = page.locator("#ip4-details")
    assert XSS_LABEL in details.inner_text()
    assert "<script>window.__pwned = true</script>" in details.inner_text()
    # the quote with a <script> in it, on an edge
    page.locator("#ip4-search").fill("north korea")
    assert page.evaluate("document.scripts.length") == 3  # data, vis-network, viewer: nothing injected
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("window.__pwned") is None
    assert log.dialogs == []
    assert log.problems() == []
    page.context.close()


def test_class_filter(browser, sample_page, sample_graph):
    page, log = open_page(browser, sample_page)
    states = {n for n, d in sample_graph.nodes(data=True) if d["group"] == "state"}
    kept_edges = sum(1 for u, v in sample_graph.edges() if u not in states and v not in states)
    before = page.evaluate("ip4graph.network.getPositions()")
    page.locator('#ip4-legend input[data-class="state"]').uncheck()
    assert counts(page) == (14, 17, 14 - len(states), kept_edges)
    assert f"Showing {14 - len(states)} of 14 nodes" in page.inner_text("#ip4-status")
    wait_until(page, STABILIZED)  # the rest is laid out again
    page.locator('#ip4-legend input[data-class="state"]').check()
    assert counts(page)[2:] == (14, 17)
    wait_until(page, STABILIZED)
    # the states come back near where they were, not piled in the centre
    after = page.evaluate("ip4graph.network.getPositions()")
    spread = max(abs(after[n]["x"] - after[m]["x"]) + abs(after[n]["y"] - after[m]["y"]) for n in states for m in states)
    assert spread > 100
    moved = [abs(after[n]["x"] - before[n]["x"]) + abs(after[n]["y"] - before[n]["y"]) for n in states]
    assert sorted(moved)[len(moved) // 2] < spread  # most stay in their part of the picture
    assert log.problems() == []
    page.context.close()


def set_year(page, year: int) -> None:
    page.evaluate(
        "y => { const r = document.getElementById('ip4-year'); r.value = String(y);"
        " r.dispatchEvent(new Event('input', {bubbles: true})); }",
        year,
    )


def test_year_filter(browser, sample_page):
    page, log = open_page(browser, sample_page)
    assert page.locator("#ip4-year").is_disabled()
    page.locator("#ip4-year-enabled").check()
    assert page.input_value("#ip4-year") == "2024"
    assert counts(page)[2:] == (14, 17)
    set_year(page, 2015)  # the 2023 agreement and the 2024 summit are not there yet
    assert page.inner_text("#ip4-year-value") == "2015"
    assert counts(page)[2:] == (12, 13)
    visible = set(page.evaluate("ip4graph.nodeView.getIds()"))
    assert "https://w3id.org/ip4graph/id/summit-2024" not in visible
    assert "https://w3id.org/ip4graph/id/partnership-nato-japan" in visible
    assert page.get_attribute("#ip4-year", "min") == "1990"  # the earliest date in the data
    set_year(page, 1985)  # clamped to 1990: the early-1990s partnership is there
    assert page.input_value("#ip4-year") == "1990"
    assert counts(page)[2:] == (12, 13)
    page.locator("#ip4-undated").uncheck()  # only what the data dates, as of 1990
    visible = set(page.evaluate("ip4graph.nodeView.getIds()"))
    assert visible == {"https://w3id.org/ip4graph/id/partnership-nato-japan"}
    set_year(page, 2024)
    visible = set(page.evaluate("ip4graph.nodeView.getIds()"))
    assert {v.rsplit("/", 1)[-1] for v in visible} == {"partnership-nato-japan", "agreement-2023", "summit-2024"}
    page.locator("#ip4-undated").check()
    page.locator("#ip4-year-enabled").uncheck()
    assert counts(page)[2:] == (14, 17)
    assert log.problems() == []
    page.context.close()


def viewport_centre_distance(page, node_id: str) -> float:
    """How far (in pixels) a node is drawn from the centre of the graph's canvas."""
    return page.evaluate(
        """id => {
            const net = ip4graph.network;
            const p = net.canvasToDOM(net.getPosition(id));
            const box = document.getElementById('ip4-network').getBoundingClientRect();
            return Math.hypot(p.x - box.width / 2, p.y - box.height / 2);
        }""",
        node_id,
    )


def test_search_zooms_to_and_selects_the_match(browser, sample_page):
    page, log = open_page(browser, sample_page)
    japan = "https://w3id.org/ip4graph/id/japan"
    before = page.evaluate("ip4graph.network.getPositions()")
    scale = page.evaluate("ip4graph.network.getScale()")
    page.locator("#ip4-search").fill("japan")
    assert counts(page)[2:] == (14, 17)  # nothing is hidden
    selected = page.evaluate("ip4graph.network.getSelectedNodes()")
    assert selected[0] == japan and "https://w3id.org/ip4graph/id/partnership-nato-japan" in selected
    assert viewport_centre_distance(page, japan) < 5  # centred on the best match (the exact label)
    assert page.evaluate("ip4graph.network.getScale()") >= max(scale, 1.2) - 1e-6
    assert page.inner_text("#ip4-details h3") == "Japan"
    buttons = page.locator("#ip4-search-results button")
    assert buttons.first.inner_text() == "Japan" and "2 matches" in page.inner_text("#ip4-search-status")
    buttons.nth(1).click()  # the partnership
    assert page.evaluate("ip4graph.network.getSelectedNodes()") == ["https://w3id.org/ip4graph/id/partnership-nato-japan"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "graph-search.png"))
    page.locator("#ip4-search").fill("")
    assert page.evaluate("ip4graph.network.getSelectedNodes()") == []
    assert page.evaluate("ip4graph.network.getPositions()") == before  # the layout is as it was
    page.locator("#ip4-search").fill("no such thing")
    assert page.inner_text("#ip4-search-status") == "no match"
    page.locator("#ip4-show-uncertain").uncheck()
    assert counts(page)[2:] == (14, 15)  # the hedged and the denied link are hidden
    assert log.problems() == []
    page.context.close()


def test_side_panel_relations_claims_and_links(browser, sample_page, sample_graph):
    page, log = open_page(browser, sample_page)
    japan = "https://w3id.org/ip4graph/id/japan"
    page.evaluate("id => ip4graph.network.focus(id, {scale: 2, animation: false})", japan)  # nothing on top of it
    x, y = node_point(page, japan)
    page.mouse.click(x, y)
    panel = page.locator("#ip4-details .ip4-panel")
    assert panel.get_attribute("data-node") == japan
    assert panel.locator("li.relation").count() == sample_graph.degree(japan) == 5
    text = panel.inner_text()
    assert "Japan and New Zealand are partners of NATO." in text
    assert "NATO brief" in text and "Stated" in text
    assert panel.locator("a", has_text="Entity page").get_attribute("href") == japan
    source = panel.locator("li.claim a", has_text="NATO brief").first
    assert source.get_attribute("href") == "https://w3id.org/ip4graph/id/doc-brief"
    # a relation's other end opens its own panel
    panel.locator("button.goto", has_text="Washington Summit 2024").click()
    assert page.locator("#ip4-details .ip4-panel").get_attribute("data-node").endswith("/summit-2024")
    assert page.evaluate("ip4graph.network.getSelectedNodes()") == ["https://w3id.org/ip4graph/id/summit-2024"]
    assert log.problems() == []
    page.context.close()


def test_focus_is_selected_centred_and_open(browser, tmp_path, sample_graph):
    japan = "https://w3id.org/ip4graph/id/japan"
    sub = net.neighbourhood(sample_graph, japan, depth=1)
    path = viz.write_html(sub, tmp_path / "focus.html", title="Japan", caption="c", focus=japan)
    page, log = open_page(browser, path)
    wait_until(page, "ip4graph.network.getSelectedNodes().length === 1")
    assert page.evaluate("ip4graph.network.getSelectedNodes()") == [japan]
    assert viewport_centre_distance(page, japan) < 5
    assert page.locator("#ip4-details .ip4-panel").get_attribute("data-node") == japan
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "graph-focus.png"))
    assert log.problems() == []
    page.context.close()


def test_export_png_and_svg(browser, sample_page, tmp_path):
    import xml.etree.ElementTree as ET

    page, log = open_page(browser, sample_page)
    page.locator('#ip4-legend input[data-class="state"]').uncheck()
    wait_until(page, STABILIZED)
    shown = page.evaluate("ip4graph.nodeView.length")
    with page.expect_download() as png_info:
        page.click("#ip4-export-png")
    png = tmp_path / png_info.value.suggested_filename
    png_info.value.save_as(png)
    assert png.name.endswith(".png") and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as svg_info:
        page.click("#ip4-export-svg")
    svg = tmp_path / svg_info.value.suggested_filename
    svg_info.value.save_as(svg)
    root = ET.parse(svg).getroot()
    ns = {"s": "http://www.w3.org/2000/svg"}
    nodes = root.findall(".//s:g[@class='node']", ns)
    assert len(nodes) == shown  # the current view: no state
    labels = {n.find("s:text", ns).text for n in nodes}
    assert "NATO" in labels and "Japan" not in labels and XSS_LABEL not in labels
    assert len(root.findall(".//s:line", ns)) == page.evaluate("ip4graph.edgeView.length")
    assert log.problems() == []
    page.context.close()


def test_shipped_data_opens_on_the_partnership_network(browser, tmp_path, dataset):
    graph = net.project(dataset)
    path = viz.write_html(graph, tmp_path / "graph.html", title="NATO and the Indo-Pacific 4", caption="shipped data")
    page, log = open_page(browser, path)
    partners = net.partnership_network(graph)
    whole = (graph.number_of_nodes(), graph.number_of_edges())
    assert whole[0] > 150 and whole[1] > 600  # the shipped data, every node and link
    assert counts(page) == (*whole, partners.number_of_nodes(), partners.number_of_edges())
    assert page.input_value("#ip4-scope") == "partnership"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "graph-partnership.png"))
    page.locator("#ip4-search").fill("Japan")
    wait_until(page, "document.querySelector('#ip4-details .ip4-panel') !== null")
    assert page.inner_text("#ip4-details h3") == "Japan"
    panel = page.inner_text("#ip4-details")
    assert "NATO-Japan partnership agreement (2023)" in panel and "Wikidata Q17" in panel
    page.screenshot(path=str(ARTIFACTS / "graph-japan.png"))
    page.select_option("#ip4-scope", "all")
    assert counts(page)[2:] == whole
    wait_until(page, STABILIZED, timeout=120)
    assert log.problems() == []
    page.context.close()


def test_layout_switch(browser, sample_page):
    page, log = open_page(browser, sample_page)
    page.select_option("#ip4-layout", "circular")
    page.select_option("#ip4-layout", "hierarchical")
    wait_until(page, STABILIZED)
    page.select_option("#ip4-layout", "force")
    wait_until(page, STABILIZED)
    assert counts(page)[2:] == (14, 17)
    assert log.problems() == []
    page.context.close()


@pytest.mark.slow
def test_two_thousand_nodes_stay_responsive(browser, tmp_path):
    graph = net.project(big_dataset(2000))
    path = viz.write_html(graph, tmp_path / "big.html", title="2,000 nodes", caption="synthetic", scope=viz.Scope.ALL)
    start = time.monotonic()
    page, log = open_page(browser, path)
    load_seconds = time.monotonic() - start
    assert counts(page) == (2000, 4000, 2000, 4000)
    assert load_seconds < 90, f"took {load_seconds:.1f}s to stabilise"
    # physics is off: nothing moves any more
    before = page.evaluate("JSON.stringify(ip4graph.network.getPositions(['https://w3id.org/ip4graph/id/n0']))")
    page.wait_for_timeout(500)
    after = page.evaluate("JSON.stringify(ip4graph.network.getPositions(['https://w3id.org/ip4graph/id/n0']))")
    assert before == after
    # interactions answer quickly
    start = time.monotonic()
    page.locator("#ip4-search").fill("node 42")
    wait_until(page, "ip4graph.network.getSelectedNodes()[0] === 'https://w3id.org/ip4graph/id/n42'", timeout=5)
    assert time.monotonic() - start < 5
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "graph-2000.png"))
    assert log.problems() == []
    page.context.close()


def test_missing_chromium_fails_unless_skipped(monkeypatch):
    import _pytest.outcomes

    import browser as helpers

    monkeypatch.setattr(helpers, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("IP4GRAPH_SKIP_BROWSER", raising=False)
    with pytest.raises(_pytest.outcomes.Failed, match="install-browser.sh"):
        helpers.chromium_or_fail()
    monkeypatch.setenv("IP4GRAPH_SKIP_BROWSER", "1")
    with pytest.raises(_pytest.outcomes.Skipped):
        helpers.chromium_or_fail()


def test_empty_graph_page(browser, tmp_path):
    path = viz.write_html(nx.MultiDiGraph(), tmp_path / "empty.html", title="Nothing", caption="an empty result")
    page, log = open_page(browser, path)
    assert counts(page) == (0, 0, 0, 0)
    assert page.locator("#ip4-year-enabled").is_disabled()
    assert log.problems() == []
    page.context.close()


def test_link_names_fit_and_scope_controls(browser, sample_page, tmp_path, dataset):
    page, log = open_page(browser, sample_page)
    labels = lambda: page.evaluate("ip4graph.edges.get().map(e => e.label)")  # noqa: E731
    assert page.is_checked("#ip4-edge-labels") and "member of" in labels()  # 17 links: named
    page.uncheck("#ip4-edge-labels")
    assert set(labels()) == {""}
    page.check("#ip4-edge-labels")
    assert "member of" in labels()
    page.evaluate("ip4graph.network.moveTo({position: {x: 5000, y: 5000}, scale: 3})")
    page.click("#ip4-fit")
    assert page.evaluate("Math.abs(ip4graph.network.getViewPosition().x) < 1000")
    page.context.close()
    # the shipped data: its links start unnamed; the scope menu switches to everything and back
    shipped = net.project(dataset)
    path = viz.write_html(shipped, tmp_path / "g.html", title="t", caption="c")
    page, log2 = open_page(browser, path)
    assert not page.is_checked("#ip4-edge-labels")
    page.select_option("#ip4-scope", "all")
    assert counts(page)[2] == shipped.number_of_nodes()
    page.select_option("#ip4-scope", "partnership")
    assert counts(page)[2] == net.partnership_network(net.project(dataset)).number_of_nodes()
    assert log.problems() == [] and log2.problems() == []
    page.context.close()
