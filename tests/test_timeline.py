"""The timeline page (ip4graph.timeline, `ip4graph timeline`): items, dates, styles, offline, and in Chromium."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from browser import ARTIFACTS, ROOT, SAMPLE_TRIG, XSS_LABEL, sample_dataset
from click.testing import CliRunner
from test_browser import browser, open_page  # noqa: F401 - the browser fixture
from test_viz import parse

from ip4graph import network as net
from ip4graph import timeline as tl

TIMELINE_SHA256 = "55f5627557103696a538c5e662cab07d554fafc545882a082dfb5e2b5dea65d6"
D = "https://w3id.org/ip4graph/id/"

EXTRA = """
ip4g:entities {
    ip4d:piracy a ip4:Mission ; rdfs:label "counter-piracy missions"@en ;
        ip4:startDate "2009"^^xsd:gYear ; ip4:endDate "2016"^^xsd:gYear .
    ip4d:war a ip4:ArmedConflict ; rdfs:label "a war"@en ; ip4:startDate "2022-02-24"^^xsd:date .
    ip4d:meeting-2025 a ip4:Meeting ; rdfs:label "a meeting <i>next year</i>"@en ; ip4:date "2025"^^xsd:gYear .
}
ip4c:brief-p8-piracy { ip4d:japan ip4:participatedIn ip4d:piracy . ip4d:nato ip4:participatedIn ip4d:piracy . }
ip4c:brief-p9-war { ip4d:russia ip4:participatedIn ip4d:war . }
ip4c:brief-p10-next {
    [] a rdf:Statement ; rdf:subject ip4d:japan ; rdf:predicate ip4:participatedIn ; rdf:object ip4d:meeting-2025 ;
       ip4:certainty ip4:Expected ; ip4:hedge "will take part" .
}
ip4g:provenance {
    ip4c:brief-p8-piracy a ip4:Claim ; prov:wasQuotedFrom ip4d:doc-brief ;
        ip4:quote "They fought piracy from 2009 to 2016."@en ; ip4:certainty ip4:Stated .
    ip4c:brief-p10-next a ip4:Claim ; prov:wasQuotedFrom ip4d:doc-brief ;
        ip4:quote "Japan will take part next year."@en ; ip4:certainty ip4:Expected .
}
"""


@pytest.fixture(scope="module")
def graph():
    ds = sample_dataset()
    prefixes = "\n".join(line for line in SAMPLE_TRIG.splitlines() if line.startswith("@prefix"))
    ds.parse(data=prefixes + EXTRA, format="trig")
    return net.project(ds)


@pytest.fixture(scope="module")
def items(graph):
    return {i["id"].removeprefix(D): i for i in tl.timeline_items(graph)}


def test_dates_become_points_spans_and_fuzzy_spans(items):
    assert items["summit-2024"]["type"] == "point" and items["summit-2024"]["start"] == "2024-07-10"
    agreement = items["agreement-2023"]
    assert (agreement["shape"], agreement["start"], agreement["end"]) == ("month", "2023-07-01", "2023-08-01")
    fuzzy = items["partnership-nato-japan"]
    assert (fuzzy["shape"], fuzzy["start"], fuzzy["end"]) == ("fuzzy", "1990-01-01", "1995-01-01")
    assert fuzzy["content"].endswith("(early 1990s)")  # the text's own words
    piracy = items["piracy"]
    assert (piracy["shape"], piracy["start"], piracy["end"]) == ("span", "2009-01-01", "2017-01-01")
    war = items["war"]
    assert war["shape"] == "open" and war["start"] == "2022-02-24" and war["end"] > "2025"
    assert list(items) == sorted(items, key=lambda k: items[k]["start"])  # earliest first
    assert "japan" not in items and "nato" not in items  # actors are not items


def test_expected_and_hedged_items_are_styled_apart(items):
    assert items["meeting-2025"]["style"] == "expected"
    assert "style-expected" in items["meeting-2025"]["className"]
    assert items["summit-2024"]["style"] == "stated"


def test_actors_of_each_item(items):
    assert items["piracy"]["actors"] == [D + "japan", D + "nato"]
    assert items["war"]["actors"] == [D + "russia"]


@pytest.fixture(scope="module")
def page(graph):
    return tl.render_timeline(graph, title="Timeline <b>test</b>", caption="c & d")


def page_data(page: str) -> dict:
    (text,) = [t for a, t in parse(page).scripts if a.get("id") == "ip4-data"]
    return json.loads(text)


def test_page_is_self_contained_escaped_and_allowed_by_csp(page):
    tags = parse(page)
    for tag, attrs in tags.tags:
        for name in ("src", "href", "data", "action"):
            assert attrs.get(name) is None, (tag, attrs)
    assert not re.search(r"""url\(\s*['"]?\s*(https?:)?//""", page, re.I) and "@import" not in page
    (csp,) = [a["content"] for t, a in tags.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "unsafe-eval" not in csp
    import base64

    for _attrs, text in tags.scripts[1:]:
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "<i>next year</i>" not in page and "<b>test</b>" not in page
    assert "a meeting <i>next year</i>" in {i["content"] for i in page_data(page)["items"]}


def test_vendored_vis_timeline_and_licence():
    path = ROOT / "ip4graph" / "assets" / "vendor" / "vis-timeline-graph2d.min.js"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == TIMELINE_SHA256
    licence = (ROOT / "LICENSES" / "vis-timeline.txt").read_text()
    assert "MIT" in licence and "Apache License" in licence
    assert "vis-timeline" in (ROOT / "ip4graph" / "assets" / "vendor" / "README.md").read_text()


def test_page_data_has_the_panel(page):
    data = page_data(page)
    piracy_edges = [e for e in data["edges"] if e["to"] == D + "piracy"]
    assert {c["quote"] for e in piracy_edges for c in e["claims"]} == {"They fought piracy from 2009 to 2016."}
    assert [a["label"] for a in data["actors"]][:2] == ["Japan", "NATO"]
    assert data["window"]["start"] <= "1990-01-01"


def test_cli_timeline(tmp_path: Path):
    from ip4graph.cli import main

    data = tmp_path / "sample.trig"
    data.write_text(SAMPLE_TRIG, encoding="utf-8")
    out = tmp_path / "t" / "timeline.html"
    result = CliRunner().invoke(main, ["--reasoning", "none", "--data", str(data), "timeline", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 items" in result.output
    assert len(page_data(out.read_text())["items"]) == 3
    stdout = CliRunner().invoke(main, ["--reasoning", "none", "--data", str(data), "timeline"])
    assert stdout.exit_code == 0 and stdout.output.startswith("<!DOCTYPE html>")


# --------------------------------------------------------------------------- in Chromium


def open_timeline(browser, path: Path):  # noqa: F811
    return open_page(browser, path, height=850, ready="document.body.dataset.ready === 'true'", timeout=60)


@pytest.mark.browser
def test_timeline_in_chromium(browser, tmp_path, graph):  # noqa: F811
    path = tl.write_timeline(graph, tmp_path / "timeline.html", title="Timeline", caption="sample")
    page, log = open_timeline(browser, path)
    total = len(tl.timeline_items(graph))
    assert page.evaluate("ip4timeline.view.length") == total
    assert page.locator(".vis-item .vis-item-content").count() == total
    assert page.locator(".vis-item.shape-fuzzy").count() == 1
    assert page.locator(".vis-item.style-expected").count() == 1
    assert XSS_LABEL not in page.content() or page.evaluate("document.querySelectorAll('img').length") == 0
    # filter by actor
    page.select_option("#ip4-actor", D + "russia")
    assert page.evaluate("ip4timeline.view.getIds()") == [D + "war"]
    assert "involving Russia" in page.inner_text("#ip4-status")
    page.select_option("#ip4-actor", "")
    assert page.evaluate("ip4timeline.view.length") == total
    # click an item: the same panel as the graph page, with the quote
    page.locator(".vis-item", has_text="counter-piracy missions").click()
    panel = page.locator("#ip4-details .ip4-panel")
    assert panel.get_attribute("data-node") == D + "piracy"
    assert "They fought piracy from 2009 to 2016." in panel.inner_text()
    assert panel.locator("a", has_text="Entity page").get_attribute("href") == D + "piracy"
    # from the panel to another item
    page.evaluate("id => ip4timeline.select(id)", D + "meeting-2025")
    assert page.evaluate("ip4timeline.timeline.getSelection()") == [D + "meeting-2025"]
    assert "Japan will take part next year." in page.inner_text("#ip4-details")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "timeline-sample.png"))
    assert log.problems() == []
    page.context.close()


@pytest.mark.browser
def test_shipped_timeline_in_chromium(browser, tmp_path, dataset):  # noqa: F811
    graph = net.project(dataset)
    path = tl.write_timeline(graph, tmp_path / "timeline.html", title="NATO and the Indo-Pacific 4: timeline",
                             caption="shipped data")
    page, log = open_timeline(browser, path)
    assert page.evaluate("ip4timeline.view.length") >= 20
    early = page.locator(".vis-item.shape-fuzzy", has_text="early 2010s")
    assert early.count() == 4
    page.select_option("#ip4-actor", D + "japan")
    shown = page.evaluate("ip4timeline.view.getIds()")
    assert D + "partnership-agreement-nato-japan-2023" in shown or any("japan" in s for s in shown)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "timeline.png"))
    assert log.problems() == []
    page.context.close()


def test_doctests():
    import doctest

    from ip4graph import classgroups

    assert doctest.testmod(tl).failed == 0
    assert doctest.testmod(classgroups).failed == 0
