"""The endpoint's editor page and entity pages in headless Chromium: no request leaves the server.

Fails (not skips) when Chromium is missing, unless IP4GRAPH_SKIP_BROWSER=1.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Iterator

import pytest
from browser import ARTIFACTS, CHROMIUM_ARGS, chromium_or_fail
from test_server import running

from ip4graph.kg import KnowledgeGraph
from test_server import open_kg

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    kg: KnowledgeGraph = open_kg(tmp_path_factory.mktemp("cache"))
    with running(kg, timeout=10) as u:
        yield u


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = chromium_or_fail()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, headless=True,
                              args=[a for a in CHROMIUM_ARGS if a != "--headless"])
        yield b
        b.close()


def open_page(browser, url: str, path: str):
    """Open ``path``; every request not to the server is aborted and recorded, as are errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    log: dict[str, list[str]] = {"external": [], "errors": [], "console": [], "dialogs": [], "failed": []}
    origin = url + "/"

    def route(r) -> None:
        target = r.request.url
        if target.startswith(origin) or target.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:
            log["external"].append(target)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    page.on("console", lambda m: log["console"].append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: (log["dialogs"].append(d.message), d.dismiss()))
    page.on("requestfailed", lambda r: log["failed"].append(r.url))
    page.goto(url + path)
    return page, log


def wait_for(page, script: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if page.evaluate(script):
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {script}")


def test_editor_renders_runs_a_query_and_links_results(browser, url: str) -> None:
    page, log = open_page(browser, url, "/")
    wait_for(page, "!!document.querySelector('.yasqe .CodeMirror')")
    # The named queries are listed, and the first tab holds the IP4 members query.
    assert page.locator("button.ip4-example").count() > 10
    assert "memberOf" in page.evaluate("window.ip4Yasgui.getTab().getYasqe().getValue()")
    # Run a query against the local endpoint.
    page.evaluate("""() => {
        const tab = window.ip4Yasgui.getTab();
        tab.getYasqe().setValue('SELECT ?m WHERE { ?m ip4:memberOf ip4d:ip4 } ORDER BY ?m');
        tab.getYasqe().query();
    }""")
    wait_for(page, "document.querySelectorAll('.yasr a[href^=\"/id/\"]').length >= 5")
    hrefs = page.evaluate("Array.from(document.querySelectorAll('.yasr a[href^=\"/id/\"]')).map(a => a.getAttribute('href'))")
    assert "/id/japan" in hrefs
    graph_links = page.evaluate("Array.from(document.querySelectorAll('.yasr a.ip4-graph-link')).map(a => a.getAttribute('href'))")
    assert "/graph?focus=" + urllib.parse.quote("https://w3id.org/ip4graph/id/japan", safe="") in graph_links
    # A named query from the list opens as a form; the form opens it in a new tab with its values bound.
    page.locator("button.ip4-example[data-name='ip4-members']").click()
    page.locator("#ip4-open-editor").click()
    wait_for(page, "Object.keys(window.ip4Yasgui._tabs).length >= 2")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "server-ui.png"))
    assert log["external"] == [], log
    assert log["errors"] == [] and log["dialogs"] == [], log
    assert [c for c in log["console"] if "Content Security Policy" in c] == [], log
    page.context.close()


def test_entity_page_in_browser_runs_no_data_script(browser, url: str) -> None:
    page, log = open_page(browser, url, "/id/xss")
    assert page.locator("h1").inner_text() == "<img src=x onerror=alert(1)>"
    assert page.evaluate("window.__pwned === undefined")
    page.locator("a", has_text="graph view").click()
    page.wait_for_load_state()
    assert "/graph?focus=" in page.url
    wait_for(page, "document.body.dataset.stabilized === 'true'", timeout=60)
    assert log["external"] == [] and log["errors"] == [] and log["dialogs"] == [], log
    page.context.close()
