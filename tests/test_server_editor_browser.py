"""The editor page in headless Chromium: named-query forms with entity pickers, results with labels
and citations, CSV export, and the SPARQL editor that knows the predeclared prefixes and completes
``ip4:`` / ``ip4d:`` terms. No request leaves the server (see ``open_page``).

Screenshots go to ``build/test-artifacts/``. Fails (not skips) when Chromium is missing, unless
IP4GRAPH_SKIP_BROWSER=1.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from browser import ARTIFACTS
from test_server_browser import browser, open_page, url, wait_for  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

JAPAN = "https://w3id.org/ip4graph/id/japan"


def _clean(log: dict[str, list[str]]) -> None:
    assert log["external"] == [], log
    assert log["errors"] == [] and log["dialogs"] == [], log
    assert [c for c in log["console"] if "Content Security Policy" in c] == [], log


def _pick(page, param: str, typed: str, iri: str) -> None:
    """Type into an entity picker and choose ``iri`` among the suggestions."""
    box = page.locator(f"#ip4-param-{param}")
    box.fill("")
    box.type(typed, delay=30)
    option = page.locator(f"#ip4-fields .ip4-suggestion[data-iri='{iri}']")
    option.wait_for(state="visible", timeout=15000)
    option.click()


def _open(browser, url: str, name: str):  # noqa: F811
    page, log = open_page(browser, url, "/")
    wait_for(page, "!!document.querySelector('.yasqe .CodeMirror')")
    page.locator(f"button.ip4-example[data-name='{name}']").click()
    wait_for(page, f"document.getElementById('ip4-form').dataset.name === '{name}'")
    return page, log


def _rows(page) -> int:
    return page.evaluate("document.querySelectorAll('#ip4-results table.ip4-table tbody tr').length")


def test_form_picks_an_entity_runs_with_labels_cites_and_exports(browser, url: str) -> None:  # noqa: F811
    page, log = _open(browser, url, "events-of-actor")
    assert page.locator("#ip4-param-actor").input_value() == "Japan"  # the default, shown by its label
    _pick(page, "actor", "Jap", JAPAN)
    assert page.locator("#ip4-param-actor").input_value() == "Japan"
    assert page.locator("#ip4-fields .ip4-picked").first.inner_text() == "ip4d:japan"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#ip4-run").click()
    wait_for(page, "document.querySelectorAll('#ip4-results a.ip4-iri').length > 0")
    links = page.evaluate("""Array.from(document.querySelectorAll('#ip4-results a.ip4-iri'))
        .map(a => [a.getAttribute('href'), a.textContent, a.getAttribute('title')])""")
    assert ["/id/summit-2024", "Washington Summit 2024", "https://w3id.org/ip4graph/id/summit-2024"] in links
    bound = page.locator("#ip4-results .ip4-bound").inner_text()
    assert "?actor" in bound and "Japan" in bound
    # citations: a toggle re-runs the query with a sources column
    assert page.locator("#ip4-results td.ip4-cites").count() == 0
    page.locator("#ip4-cite").check()
    wait_for(page, "document.querySelectorAll('#ip4-results td.ip4-cites q').length > 0")
    quotes = page.evaluate("Array.from(document.querySelectorAll('#ip4-results td.ip4-cites q')).map(q => q.textContent)")
    assert "Japan attended the Washington summit." in quotes
    meta = page.locator("#ip4-results .ip4-cite-meta").first.inner_text()
    assert "NATO brief" in meta and "Stated" in meta
    page.screenshot(path=str(ARTIFACTS / "server-form-cited.png"), full_page=True)
    # export: the CSV of the same run, with label and citation columns
    with page.expect_download() as info:
        page.locator("#ip4-export").click()
    download = info.value
    assert download.suggested_filename == "events-of-actor.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert "eventLabel" in rows[0] and "cite_quotes" in rows[0] and "cite_sources" in rows[0]
    summit = next(r for r in rows if r["event"].endswith("/summit-2024"))
    assert summit["eventLabel"] == "Washington Summit 2024"
    assert "Japan attended the Washington summit." in summit["cite_quotes"]
    _clean(log)
    page.context.close()


def test_editing_a_parameter_changes_the_answer(browser, url: str) -> None:  # noqa: F811
    """The old editor's bug: the parameter sat in a comment and editing it changed nothing."""
    page, log = _open(browser, url, "ip4-members")
    page.locator("#ip4-run").click()
    wait_for(page, "document.querySelectorAll('#ip4-results a.ip4-iri').length > 0")
    members = page.evaluate("Array.from(document.querySelectorAll('#ip4-results a.ip4-iri')).map(a => a.textContent)")
    assert "Japan" in members and "South Korea" in members and len(members) == _rows(page) == 5
    # a label is data: shown as text, never parsed as HTML
    assert "<img src=x onerror=alert(1)>" in members
    assert page.locator("#ip4-results img").count() == 0 and page.evaluate("window.__pwned === undefined")
    # the keyboard works in the picker too: arrow down, Enter
    box = page.locator("#ip4-param-grouping")
    box.fill("")
    box.type("Jap", delay=30)
    wait_for(page, "document.body.dataset.ip4Completing === '0' && (document.querySelector("
                   f"'#ip4-fields .ip4-suggestion') || {{dataset: {{}}}}).dataset.iri === '{JAPAN}'")
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant")
    box.press("Enter")
    assert box.input_value() == "Japan" and page.locator("#ip4-fields .ip4-picked").inner_text() == "ip4d:japan"
    _pick(page, "grouping", "OTA", "https://w3id.org/ip4graph/id/nato")  # the French label of NATO
    assert page.locator("#ip4-param-grouping").input_value() == "NATO"
    page.locator("#ip4-run").click()
    wait_for(page, "!!document.querySelector('#ip4-results .ip4-empty')")
    assert _rows(page) == 0
    assert "NATO" in page.locator("#ip4-results .ip4-bound").inner_text()
    # the form opens the query in the editor with the value bound by the request ($grouping), and it runs so
    page.locator("#ip4-open-editor").click()
    wait_for(page, "Object.keys(window.ip4Yasgui._tabs).length === 2")
    args = page.evaluate("window.ip4Yasgui.getTab().getRequestConfig().args")
    assert {"name": "$grouping", "value": "ip4d:nato"} in args
    page.evaluate("window.ip4Yasgui.getTab().getYasqe().query()")
    wait_for(page, "(() => { const r = window.ip4Yasgui.getTab().getYasr().results; return !!r && r.getBindings().length === 0; })()")
    _pick(page, "grouping", "IP", "https://w3id.org/ip4graph/id/ip4")  # its altLabel "IP4"
    page.locator("#ip4-run").click()
    wait_for(page, "document.querySelectorAll('#ip4-results a.ip4-iri').length === 5")
    # labels in another language
    page.locator("#ip4-lang").select_option("ko")
    wait_for(page, "Array.from(document.querySelectorAll('#ip4-results a.ip4-iri')).some(a => a.textContent === '대한민국')")
    # a label that names nothing: the server's message, naming the parameter
    page.locator("#ip4-param-grouping").fill("Atlantis")
    page.locator("#ip4-run").click()
    wait_for(page, "!!document.querySelector('#ip4-results .ip4-error')")
    assert "grouping" in page.locator("#ip4-results .ip4-error").inner_text()
    assert page.locator("#ip4-export").is_hidden()  # nothing to export from a refused run
    page.screenshot(path=str(ARTIFACTS / "server-form-error.png"))
    _clean(log)
    page.context.close()


def test_form_results_show_typed_values_plainly(browser, url: str) -> None:  # noqa: F811
    page, log = _open(browser, url, "hedged-statements")
    assert page.locator("#ip4-param-certainty").input_value() == "any"
    page.locator("#ip4-run").click()
    wait_for(page, "document.querySelectorAll('#ip4-results tbody tr').length > 0")
    text = page.locator("#ip4-results").inner_text()
    assert "^^" not in text and "XMLSchema" not in text
    headers = page.evaluate("Array.from(document.querySelectorAll('#ip4-results th')).map(t => t.textContent)")
    negated = page.evaluate(f"document.querySelectorAll('#ip4-results tbody tr')[0].children[{headers.index('negated')}].textContent")
    assert negated == "false"
    assert "China" in text and "NATO" in text
    # the quote's markup is text, never HTML
    assert page.evaluate("window.__pwned === undefined")
    # a DESCRIBE query answers a graph: shown as Turtle, exported as Turtle
    page.locator("button.ip4-example[data-name='describe-entity']").click()
    _pick(page, "entity", "Jap", JAPAN)
    page.locator("#ip4-run").click()
    wait_for(page, "!!document.querySelector('#ip4-results pre.ip4-graph')")
    turtle = page.locator("#ip4-results pre.ip4-graph").inner_text()
    assert "ip4d:japan" in turtle and "ip4:memberOf" in turtle and "日本" in turtle
    assert page.locator("#ip4-export").inner_text() == "Export Turtle"
    assert "format=ttl" in page.locator("#ip4-export").get_attribute("href")
    _clean(log)
    page.context.close()


def test_editor_knows_the_prefixes_and_completes_terms(browser, url: str) -> None:  # noqa: F811
    page, log = open_page(browser, url, "/")
    wait_for(page, "!!document.querySelector('.yasqe .CodeMirror')")
    errors = "document.querySelectorAll('.yasqe .parseErrorIcon').length"
    set_value = "v => { const y = window.ip4Yasgui.getTab().getYasqe(); y.setValue(v); y.checkSyntax(); }"
    # control: an undeclared prefix is marked, so the selector sees YASQE's error marker
    page.evaluate(set_value, "SELECT ?m WHERE { ?m nope:memberOf ip4d:ip4 }")
    wait_for(page, errors + " === 1")
    page.evaluate(set_value, "SELECT ?m ?flag WHERE { ?m ip4:memberOf ip4d:ip4 ; rdfs:label ?l BIND(false AS ?flag) }")
    wait_for(page, errors + " === 0")
    assert "PREFIX" not in page.evaluate("window.ip4Yasgui.getTab().getYasqe().getValue()")
    # it runs, and the results show labels (IRI as title), links to entity pages, plain typed values
    page.evaluate("window.ip4Yasgui.getTab().getYasqe().query()")
    wait_for(page, "document.querySelectorAll('.yasr a.ip4-labelled').length >= 5")
    japan = page.evaluate("""(() => { const a = Array.from(document.querySelectorAll('.yasr a.ip4-labelled'))
        .find(a => a.getAttribute('href') === '/id/japan'); return a && [a.textContent, a.getAttribute('title')]; })()""")
    assert japan == ["Japan", JAPAN]
    # the labels toggle and the language apply to the editor's results too
    page.locator("#ip4-lang").select_option("ja")
    wait_for(page, "!!document.querySelector('.yasr a.ip4-labelled[href=\"/id/japan\"]') && "
                   "document.querySelector('.yasr a[href=\"/id/japan\"]').textContent === '日本'")
    page.locator("#ip4-labels").uncheck()
    wait_for(page, "document.querySelector('.yasr a[href=\"/id/japan\"]').textContent === 'ip4d:japan'")
    page.locator("#ip4-labels").check()
    page.locator("#ip4-lang").select_option("en")
    wait_for(page, "document.querySelector('.yasr a[href=\"/id/japan\"]').textContent === 'Japan'")
    table = page.locator(".yasr .dataTable").inner_text()
    assert "false" in table and "^^" not in table
    # completion of ip4: terms from the endpoint's own data
    page.evaluate(set_value, "")
    page.locator(".yasqe .CodeMirror").click()
    page.keyboard.type("SELECT ?m WHERE { ?m ip4:memberO", delay=40)
    # the list for the whole token, once no completion request is in flight (a pick made while one
    # is pending is dropped by CodeMirror's show-hint when the newer list arrives)
    first_hint = ("document.body.dataset.ip4Completing === '0' && (document.querySelector('.CodeMirror-hint')"
                  " || {textContent: ''}).textContent.indexOf(%r) === 0")
    wait_for(page, first_hint % "ip4:memberOf")
    hints = page.evaluate("Array.from(document.querySelectorAll('.CodeMirror-hint')).map(h => h.textContent)")
    assert any("member of" in h for h in hints), hints  # the hint shows the term's label
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "server-editor-completion.png"))
    assert hints[0].startswith("ip4:memberOf")
    page.keyboard.press("Enter")
    page.keyboard.type(" ip4d:jap", delay=40)
    wait_for(page, first_hint % "ip4d:japan")
    page.keyboard.press("Enter")
    page.keyboard.type(" }", delay=20)
    value = page.evaluate("window.ip4Yasgui.getTab().getYasqe().getValue()")
    assert value == "SELECT ?m WHERE { ?m ip4:memberOf ip4d:japan }", value
    wait_for(page, errors + " === 0")
    page.screenshot(path=str(ARTIFACTS / "server-editor.png"), full_page=True)
    _clean(log)
    page.context.close()


def test_editor_runs_ad_hoc_sparql_with_citations(browser, url: str) -> None:  # noqa: F811
    page, log = open_page(browser, url, "/")
    wait_for(page, "!!document.querySelector('.yasqe .CodeMirror')")
    page.evaluate("""() => window.ip4Yasgui.getTab().getYasqe().setValue(
        'SELECT ?partner WHERE { ?partner ip4:partnerOf ip4d:nato } ORDER BY ?partner')""")
    page.locator("#ip4-cite").check()
    page.locator("#ip4-run-editor").click()
    wait_for(page, "document.querySelectorAll('#ip4-results td.ip4-cites q').length >= 2")
    assert page.evaluate("Array.from(document.querySelectorAll('#ip4-results a.ip4-iri')).map(a => a.textContent)") \
        == ["Japan", "New Zealand"]
    assert "Japan and New Zealand are partners of NATO." in page.locator("#ip4-results").inner_text()
    href = page.locator("#ip4-export").get_attribute("href")
    assert href.startswith("/api/run?") and "format=csv" in href and "cite=1" in href
    page.screenshot(path=str(ARTIFACTS / "server-editor-cited.png"), full_page=True)
    _clean(log)
    page.context.close()
