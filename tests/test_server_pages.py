"""The server's HTML pages: graph view, timeline, entity, claim and document pages, the navigation bar.

Status, content and escaping, over HTTP against the sample fixture (tests/data/server/sample.trig)
and, for the page builder itself, on the sample dataset of tests/browser.py with a few additions
(a paragraph, a document's web address, an ongoing relationship).
"""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Iterator

import pytest
from browser import SAMPLE_TRIG, XSS_LABEL, sample_dataset
from rdflib import Dataset, Literal, URIRef
from test_server import http, open_kg, running
from test_viz import page_data, parse

from ip4graph import network as net
from ip4graph import viz
from ip4graph.kg import KnowledgeGraph
from ip4graph.namespaces import IP4C, IP4D
from ip4graph.server.pages import dates_of, entity_html, source_urls

D = str(IP4D)
C = str(IP4C)
JAPAN = D + "japan"
HTML = {"Accept": "text/html"}

EXTRA = """
ip4g:entities {
    ip4d:doc-brief schema:url "https://example.org/the-brief"^^xsd:anyURI ; ip4:textFile "brief.txt" .
    ip4d:doc-brief-p3 a ip4:SourceParagraph ; ip4:paragraphNumber 3 .
    ip4d:doc-usip a ip4:SourceDocument ; rdfs:label "USIP piece"@en ; ip4:textFile "usip.txt" ; ip4:sha256 "abc123" ;
        foaf:page <javascript:alert(1)> .
    ip4d:dialogue a ip4:BilateralPartnership ; rdfs:label "NATO–Japan dialogue"@en ;
        ip4:startDate "2014"^^xsd:gYear ; ip4:ongoing true .
}
ip4c:brief-p3-dialogue { ip4d:dialogue ip4:partner ip4d:japan . }
ip4g:provenance {
    ip4c:brief-p3-partners ip4:paragraph ip4d:doc-brief-p3 ;
        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "partners <i>of</i> NATO" ; oa:prefix "are " ] .
    ip4c:brief-p3-dialogue a ip4:Claim ; prov:wasQuotedFrom ip4d:doc-usip ; ip4:paragraph ip4d:doc-brief-p3 ;
        ip4:quote "NATO and Japan have talked since 2014."@en ; ip4:certainty ip4:Stated .
}
"""


@pytest.fixture(scope="module")
def ds() -> Dataset:
    data = sample_dataset()
    prefixes = "\n".join(line for line in SAMPLE_TRIG.splitlines() if line.startswith("@prefix"))
    prefixes += ("\n@prefix schema: <https://schema.org/> .\n@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n"
                 "@prefix oa: <http://www.w3.org/ns/oa#> .\n")
    data.parse(data=prefixes + EXTRA, format="trig")
    return data


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    kg: KnowledgeGraph = open_kg(tmp_path_factory.mktemp("cache"))
    with running(kg, timeout=10, workers=2) as u:
        yield u


def section(page: str, heading: str) -> str:
    """The HTML from the ``<h2>`` starting with ``heading`` to the next ``<h2>``."""
    start = page.index("<h2>" + heading)
    end = page.find("<h2>", start + 4)
    return page[start:end if end != -1 else None]


def text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


# --------------------------------------------------------------------------- entity pages (the builder)


def test_entity_page_lists_dated_things_with_dates_status_and_quotes(ds: Dataset) -> None:
    page = entity_html(ds, URIRef(JAPAN))
    dated = section(page, "Agreements, events and relationships")
    rows = re.findall(r"<tr><td>.*?</tr>", dated)
    names = [html.unescape(re.search(r"<td><a [^>]*>([^<]*)</a>", r).group(1)) for r in rows]
    # Earliest first: the 1990s partnership, the 2014 dialogue, the 2023 agreement, the 2024 summit.
    assert [n.split(" ")[0] for n in names] == ["NATO–Japan", "NATO–Japan", "2023", "Washington"], names
    agreement = next(r for r in rows if "2023 partnership agreement" in r)
    assert 'href="/id/agreement-2023"' in agreement
    assert "2023-07" in text(agreement) and "signed" in text(agreement)
    assert "<q>Japan attended the Washington summit.</q>" in agreement  # the quote behind Japan's link to it
    fuzzy = next(r for r in rows if "partnership-nato-japan" in r)
    assert "between 1990 and 1994; \u201cearly 1990s\u201d" in text(fuzzy)
    ongoing = next(r for r in rows if "/id/dialogue" in r)
    assert "2014 \u2013 ongoing" in text(ongoing) and "NATO and Japan have talked since 2014." in ongoing


def test_relations_show_quote_source_paragraph_certainty_and_original(ds: Dataset) -> None:
    page = entity_html(ds, URIRef(JAPAN))
    relations = section(page, "Relations")
    row = next(r for r in re.findall(r"<tr><td>.*?</tr>", relations) if "partner of" in text(r))
    assert "<q>Japan and New Zealand are partners of NATO.</q>" in row
    assert 'href="/id/doc-brief"' in row and "NATO brief" in row  # the document, named by its title
    assert 'href="https://example.org/the-brief"' in row  # and its original on the web
    assert "paragraph 3" in row and '<span class="certainty stated">' in row
    assert 'href="/claim/brief-p3-partners"' in row
    # Quotes are data: escaped.
    assert "&lt;b&gt;form&lt;/b&gt;" in relations and "<b>form</b>" not in relations


def test_entity_page_links_graph_view_and_timeline(ds: Dataset) -> None:
    page = entity_html(ds, URIRef(JAPAN))
    iri = urllib.parse.quote(JAPAN, safe="")
    assert f'href="/graph?focus={iri}"' in page and f'href="/timeline?actor={iri}"' in page
    # Claims and documents are not drawn in the graph: no links to views that would be empty.
    for other in (C + "brief-p3-partners", D + "doc-brief"):
        assert "/graph?focus=" not in entity_html(ds, URIRef(other))


def test_claim_page_shows_the_triples_it_supports(ds: Dataset) -> None:
    page = entity_html(ds, URIRef(C + "brief-p2-ip4-members"))
    says = section(page, "What the source says")
    assert "&lt;b&gt;form&lt;/b&gt; the IP4.</q>" in says
    supports = section(page, "What this claim supports")
    assert "4 triples" in supports
    rows = re.findall(r"<tr><td>.*?</tr>", supports)
    assert sorted(re.findall(r'<td><a href="(/id/[^"]+)"', r)[0] for r in rows) == [
        "/id/australia", "/id/japan", "/id/new-zealand", "/id/south-korea"]
    assert all('href="/id/ip4"' in r and "member of" in text(r) for r in rows)
    # Hedged and denied claims: their statement, with how it is held.
    hedged = section(entity_html(ds, URIRef(C + "usip-p24-likely-china")), "What this claim supports")
    assert "/id/china" in hedged and "/id/nato" in hedged and "hedged: likely" in text(hedged).lower()
    assert "\u201cappears to\u201d" in text(hedged)
    denied = section(entity_html(ds, URIRef(C + "brief-p4-no-presence")), "What this claim supports")
    assert "/id/indo-pacific" in denied and "denied" in text(denied)


def test_claim_page_describes_blank_nodes_as_text(ds: Dataset) -> None:
    relations = section(entity_html(ds, URIRef(C + "brief-p3-partners")), "Relations")
    assert '<a href="/graph/provenance">ip4g:provenance</a>' in relations  # the system graph's own page
    (cell,) = re.findall(r'<span class="bnode">(.*?)</span>', relations)
    assert cell == "TextQuoteSelector: exact \u201cpartners &lt;i&gt;of&lt;/i&gt; NATO\u201d; prefix \u201care \u201d"


def test_document_page_shows_its_original_and_the_claims_quoting_it(ds: Dataset) -> None:
    page = entity_html(ds, URIRef(D + "doc-brief"))
    original = section(page, "Original")
    assert '<a href="https://example.org/the-brief"' in original
    quoting = section(page, "Claims quoting this document")
    assert "(6)" in quoting and quoting.count("<q>") == 6
    assert "&lt;script&gt;alert(&#x27;quote&#x27;)&lt;/script&gt;" in quoting
    # No web address recorded (a javascript: one does not count): the text file and its hash instead.
    usip = section(entity_html(ds, URIRef(D + "doc-usip")), "Original")
    assert "No web address" in usip and "usip.txt" in usip and "abc123" in usip and "javascript" not in usip


def test_entity_page_escapes_labels_and_carries_no_script(ds: Dataset) -> None:
    page = entity_html(ds, URIRef(D + "xss"))
    assert "<h1>&lt;img src=x onerror=alert(1)&gt;</h1>" in page
    assert "<script" not in page and "<img" not in page
    assert XSS_LABEL not in page


def test_dates_and_source_urls() -> None:
    ds = sample_dataset(with_ontology=False)
    assert dates_of(ds, IP4D["partnership-nato-japan"]) == (1990, "between 1990 and 1994; \u201cearly 1990s\u201d")
    assert dates_of(ds, IP4D["summit-2024"]) == (2024, "2024-07-10")
    assert dates_of(ds, IP4D.japan) == (None, "")
    from rdflib.namespace import FOAF, SDO, XSD

    doc = IP4D["doc-x"]
    ds.add((doc, SDO.url, Literal("https://a.example/x", datatype=XSD.anyURI)))
    ds.add((doc, FOAF.page, URIRef("http://b.example/y")))
    ds.add((doc, FOAF.page, URIRef("javascript:alert(1)")))
    assert source_urls(ds, doc) == ["http://b.example/y", "https://a.example/x"]


def test_panel_data_links_the_original_of_a_source_given_as_a_literal(ds: Dataset) -> None:
    net_ = viz.to_pyvis(net.project(ds), entity_base="/")
    claims = [c for e in net_.edges for c in e["claims"] if c["claim"] == "ip4c:brief-p3-partners"]
    assert claims and all(c["sourceUrl"] == "https://example.org/the-brief" for c in claims)
    assert all(c["paragraph"] == 3 and c["claimPage"] == "/claim/brief-p3-partners" for c in claims)


# --------------------------------------------------------------------------- over HTTP


NAV_PATHS = ["/id/japan", "/claim/brief-p3-partners", "/id/doc-brief", "/dataset", "/ontology", "/nowhere",
             "/graph", "/timeline"]


@pytest.mark.parametrize("path", NAV_PATHS)
def test_every_page_has_the_navigation_bar(url: str, path: str) -> None:
    status, headers, body = http(url, path=path, headers=HTML)
    assert status == (404 if path == "/nowhere" else 200)
    nav = body[body.index('<nav class="ip4-site"'):body.index("</nav>")]
    for href in ("/", "/graph", "/timeline", "/dataset"):
        assert f'href="{href}"' in nav
    assert '<form class="search" action="/search" method="get"' in nav and 'name="q"' in nav and 'type="search"' in nav
    assert "form-action 'self'" in headers["content-security-policy"]
    if path in ("/graph", "/timeline", "/dataset"):
        assert f'href="{path}" aria-current="page"' in nav
    for tag, attrs in parse(body).tags:  # nothing is loaded from elsewhere
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            if tag in ("script", "link", "img", "iframe"):
                assert not value.startswith(("http:", "https:", "//")), (tag, attrs)


def test_page_styles_are_served(url: str) -> None:
    for path, rule in (("/ui/nav.css", "nav.ip4-site"), ("/ui/pages.css", "main.entity")):
        status, headers, body = http(url, path=path)
        assert status == 200 and headers["content-type"].startswith("text/css") and rule in body


def test_graph_page_is_the_readable_viz_page_with_server_links(url: str) -> None:
    status, headers, body = http(url, path="/graph")
    assert status == 200
    csp = headers["content-security-policy"]
    assert "script-src 'sha256-" in csp and "connect-src 'none'" in csp and "frame-ancestors 'none'" in csp
    data = page_data(body)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes[JAPAN]["page"] == "/id/japan"
    assert {lk["label"].split()[0] for lk in nodes[D + "china"]["links"]} == {"Wikidata"}
    # The panel's data: relations with the claims behind them, from the served dataset's provenance.
    member = next(e for e in data["edges"] if e["from"] == JAPAN and e["to"] == D + "ip4")
    (claim,) = member["claims"]
    assert claim["quote"].startswith("Australia, Japan, South Korea and New Zealand")
    assert claim["claimPage"] == "/claim/brief-p2-ip4-members" and claim["sourceUrl"] == "/id/doc-brief"
    assert claim["certainty"] == "Stated"
    # Stable class groups (the same keys as everywhere else).
    assert nodes[JAPAN]["classKey"] == "state" and nodes[D + "nato"]["classKey"] == "organisation"
    assert data["focus"] is None


def test_graph_focus_depth_and_scope(url: str) -> None:
    whole = page_data(http(url, path="/graph")[2])
    for focus in ("Japan", "ip4d:japan", JAPAN):
        status, _, body = http(url, path="/graph?focus=" + urllib.parse.quote(focus, safe=""))
        assert status == 200
        data = page_data(body)
        assert data["focus"] == JAPAN and "Everything within 1 hop of Japan" in body
    ids = {n["id"] for n in data["nodes"]}
    assert JAPAN in ids and D + "ip4" in ids and D + "china" not in ids  # China is not Japan's neighbour
    assert len(ids) < len(whole["nodes"])
    assert [n["id"] for n in page_data(http(url, path="/graph?focus=Japan&depth=0")[2])["nodes"]] == [JAPAN]
    deeper = {n["id"] for n in page_data(http(url, path="/graph?focus=Japan&depth=2")[2])["nodes"]}
    assert ids < deeper
    assert page_data(http(url, path="/graph?scope=all")[2])["scope"] == "all"
    assert page_data(http(url, path="/graph?scope=partnership")[2])["scope"] == "partnership"
    assert http(url, path="/graph?scope=everything")[0] == 400
    assert http(url, path="/graph?depth=x")[0] == 400
    status, _, body = http(url, path="/graph?focus=" + urllib.parse.quote("<script>x</script>"), headers=HTML)
    assert status == 404 and "<script>x" not in body and "&lt;script&gt;x" in body
    assert "is not in the graph (give an IRI, a CURIE or a label)." in body


def test_timeline_page_links_the_server_and_filters_by_actor(url: str) -> None:
    status, headers, body = http(url, path="/timeline")
    assert status == 200 and "script-src 'sha256-" in headers["content-security-policy"]
    data = page_data(body)
    assert data["actor"] is None and len(data["items"]) >= 2
    assert all(n["page"] is None or n["page"].startswith("/id/") for n in data["nodes"])
    for actor in ("Japan", "ip4d:japan", JAPAN):
        data = page_data(http(url, path="/timeline?actor=" + urllib.parse.quote(actor, safe=""))[2])
        assert data["actor"] == JAPAN
        assert JAPAN in {a["id"] for a in data["actors"]}
    # Any node can be the actor: the Indo-Pacific 4 grouping is linked to no dated item here.
    data = page_data(http(url, path="/timeline?actor=ip4d:ip4")[2])
    assert data["actor"] == D + "ip4" and {"id": D + "ip4", "label": "Indo-Pacific 4", "count": 0} in data["actors"]
    assert http(url, path="/timeline?actor=nobody", headers=HTML)[0] == 404


def test_timeline_page_escapes_labels(url: str) -> None:
    body = http(url, path="/timeline?actor=ip4d:xss")[2]
    assert XSS_LABEL not in body
    assert XSS_LABEL in {a["label"] for a in page_data(body)["actors"]}


def test_entity_pages_over_http(url: str) -> None:
    status, headers, body = http(url, path="/id/japan", headers=HTML)
    assert status == 200 and "default-src 'none'" in headers["content-security-policy"]
    assert "<q>Japan attended the Washington summit.</q>" in section(body, "Agreements, events and relationships")
    status, _, body = http(url, path="/claim/brief-p3-partners", headers=HTML)
    assert status == 200 and "What this claim supports (2 triples" in body
    assert 'href="/id/new-zealand"' in section(body, "What this claim supports")
