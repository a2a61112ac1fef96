"""``/search?q=`` on the endpoint: the HTML page (escaped, the match in ``<mark>``), JSON, errors,
and the page in headless Chromium, offline (a screenshot is kept in build/test-artifacts/search.png).

The HTTP tests run over ``tests/data/server/sample.trig`` (with XSS probes in a label, a comment
and a quote); the browser test over the shipped data.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator

import pytest
from browser import ARTIFACTS, XSS_LABEL
from rdflib import Dataset
from test_server import FIXTURE, http, open_kg, running
from test_server_browser import browser, open_page  # noqa: F401 - the fixture

from ip4graph.kg import KnowledgeGraph
from ip4graph.namespaces import IP4, IP4C, IP4D


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    kg = open_kg(tmp_path_factory.mktemp("cache"))
    with running(kg, timeout=10, workers=2) as u:
        yield u


@pytest.fixture(scope="module")
def sample() -> Dataset:
    ds = Dataset(default_union=True)
    ds.parse(FIXTURE, format="trig")
    return ds


def get(url: str, query: dict[str, str] | str, accept: str = "text/html") -> tuple[int, dict[str, str], str]:
    qs = query if isinstance(query, str) else urllib.parse.urlencode(query)
    return http(url, path="/search?" + qs, headers={"Accept": accept})


def _claims_quoting(ds: Dataset, word: str) -> set[str]:
    return {str(c)[len(str(IP4C)):] for c, q in ds.subject_objects(IP4.quote) if word.lower() in str(q).lower()}


def test_search_page_lists_names_and_quotes_with_links(url: str, sample: Dataset) -> None:
    status, headers, body = get(url, {"q": "Japan"})
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in headers["content-security-policy"]
    assert '<a href="/id/japan"' in body
    assert '<form class="search" action="/search"' in body and 'name="q" value="Japan"' in body
    quoted = _claims_quoting(sample, "Japan")
    assert quoted  # the sample quotes Japan
    for slug in quoted:
        assert f'<a href="/claim/{slug}"' in body
    assert body.count("<mark>Japan</mark>") >= len(quoted) + 1  # the name and every quote
    assert "<script" not in body  # the page needs no script (the CSP allows none)
    link = '<a href="/search?q=Japan&amp;format=json" type="application/json">JSON</a>'
    assert link in body
    status, headers, _ = http(url, path="/search?q=Japan&format=json")
    assert status == 200 and headers["content-type"].startswith("application/json")


def test_a_full_page_says_there_may_be_more(url: str) -> None:
    _, _, body = get(url, {"q": "a", "limit": "2"})
    assert "2 hits" in body and "the first 2" in body
    _, _, body = get(url, {"q": "Japan", "limit": "200"})
    assert "the first" not in body


def test_json_by_format_or_accept(url: str, sample: Dataset) -> None:
    status, headers, body = get(url, {"q": "japan", "format": "json"})
    assert status == 200 and headers["content-type"].startswith("application/json")
    doc = json.loads(body)
    assert doc["hits"][0]["iri"] == str(IP4D["japan"]) and doc["hits"][0]["match"] == "exact"
    quotes = [h for h in doc["hits"] if h["kind"] == "quote"]
    assert {h["iri"][len(str(IP4C)):] for h in quotes} == _claims_quoting(sample, "Japan")
    assert all(h["claim"]["document"] == str(IP4D["doc-brief"]) and h["snippet"]["match"] == "Japan" for h in quotes)
    status, headers, body2 = get(url, {"q": "japan"}, accept="application/json")
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert json.loads(body2) == doc


def test_names_in_other_languages(url: str) -> None:
    status, _, body = get(url, {"q": "日本", "lang": "ja", "format": "json"})
    hit = json.loads(body)["hits"][0]
    assert status == 200 and hit["iri"] == str(IP4D["japan"]) and hit["name"] == "日本"
    status, _, body = get(url, {"q": "대한민국"})
    assert status == 200 and '<a href="/id/south-korea"' in body and "<mark>대한민국</mark>" in body


def test_labels_quotes_and_the_query_are_escaped(url: str) -> None:
    status, _, body = get(url, {"q": "img"})
    assert status == 200 and XSS_LABEL not in body
    assert "&lt;<mark>img</mark> src=x onerror=alert(1)&gt;" in body and '<a href="/id/xss"' in body
    status, _, body = get(url, {"q": "alert('quote')"})
    assert status == 200 and "<script" not in body
    assert "&lt;script&gt;<mark>alert(&#x27;quote&#x27;)</mark>&lt;/script&gt;" in body
    probe = '"><script>alert(1)</script>'
    status, _, body = get(url, {"q": probe})
    assert status == 200 and "<script" not in body and "&quot;&gt;&lt;script&gt;" in body
    status, _, body = get(url, {"q": "window.__pwned", "kind": "comment"})
    assert status == 200 and "<script" not in body and "<mark>window.__pwned</mark>" in body


def test_errors(url: str) -> None:
    status, headers, body = get(url, {"q": "   "})
    assert status == 400 and headers["content-type"].startswith("text/html") and "nothing to search for" in body
    assert 'role="alert"' in body
    status, _, body = get(url, {"q": "", "format": "json"})
    assert status == 400 and "nothing to search for" in json.loads(body)["error"]
    assert get(url, {"q": "Japan", "limit": "0"})[0] == 400
    assert get(url, {"q": "Japan", "limit": "many"})[0] == 400
    assert get(url, {"q": "Japan", "format": "xml"})[0] == 400
    status, _, body = get(url, {"q": "Japan", "kind": "everything", "format": "json"})
    assert status == 400 and "kind" in json.loads(body)["error"]


def test_without_a_query_the_form_is_shown(url: str) -> None:
    status, _, body = get(url, "")
    assert status == 200 and 'name="q" value=""' in body and "hit" not in body


def test_nothing_found(url: str) -> None:
    status, _, body = get(url, {"q": "qqxyzzy"})
    assert status == 200 and "0 hits" in body and "Nothing found" in body
    status, _, body = get(url, {"q": "qqxyzzy", "format": "json"})
    assert status == 200 and json.loads(body)["hits"] == []


# --------------------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def shipped_url() -> Iterator[str]:
    kg = KnowledgeGraph.open()
    with running(kg, timeout=20, workers=2) as u:
        yield u


@pytest.mark.browser
def test_search_page_in_chromium(browser, shipped_url: str) -> None:  # noqa: ANN001
    page, log = open_page(browser, shipped_url, "/search?q=Japan")
    assert page.locator("h1").inner_text() == "Search"
    assert page.locator("main input[name=q]").input_value() == "Japan"
    marks = page.locator("mark")
    assert marks.count() > 3 and {m.lower() for m in marks.all_inner_texts()} == {"japan"}
    assert page.locator("ol.quotes li").count() > 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)
    # the form searches again, then the first name leads to its entity page
    page.fill("main input[name=q]", "일본")
    page.click("main form.search button[type=submit]")
    page.wait_for_url(lambda u: "q=%EC%9D%BC%EB%B3%B8" in u)
    assert page.locator("table.names a").first.get_attribute("href") == "/id/japan"
    page.locator("table.names a").first.click()
    page.wait_for_url("**/id/japan")
    assert page.locator("h1").inner_text() == "Japan"
    assert all(not entries for entries in log.values()), log


@pytest.mark.browser
def test_xss_probes_do_not_run_in_chromium(browser, url: str) -> None:  # noqa: ANN001
    for q in ("img", "alert('quote')", "window.__pwned", '"><script>alert(1)</script>'):
        page, log = open_page(browser, url, "/search?" + urllib.parse.urlencode({"q": q, "kind": ["label", "quote",
                                                                                             "comment"]}, doseq=True))
        assert page.evaluate("window.__pwned === undefined")
        assert page.locator("img").count() == 0
        assert log["dialogs"] == [] and log["errors"] == [] and log["external"] == [], (q, log)


def test_a_failing_store_is_a_500_not_a_400(monkeypatch: pytest.MonkeyPatch) -> None:
    from ip4graph.errors import QueryError
    from ip4graph.server import search_page

    def broken(*args: object, **kwargs: object) -> list:
        raise QueryError("the store went away")

    monkeypatch.setattr(search_page, "search", broken)
    resp = search_page.search_response(None, "q=Japan", accept="text/html")  # type: ignore[arg-type]
    assert resp.status == 500 and b"the store went away" in resp.body
    resp = search_page.search_response(None, "q=Japan&format=json", accept=None)  # type: ignore[arg-type]
    assert resp.status == 500 and "went away" in json.loads(resp.body)["error"]
