"""The HTML export: self-contained, escaped, with the data the page needs (no browser here)."""

from __future__ import annotations

import base64
import hashlib
import html.parser
import json
import re
from pathlib import Path

import networkx as nx
import pytest
from browser import ROOT, SAMPLE_TRIG, XSS_LABEL, big_dataset, sample_dataset
from click.testing import CliRunner
from pyvis.network import Network

from ip4graph import network as net
from ip4graph import viz
from ip4graph.errors import ExportError

VIS_SHA256 = "b427322ad953d70ab75d1b798ebb8349863502f244e02de3e12a4ab7dfeddf2c"


class _Tags(html.parser.HTMLParser):
    """Every start tag with its attributes, and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def parse(page: str) -> _Tags:
    tags = _Tags()
    tags.feed(page)
    return tags


def page_data(page: str) -> dict:
    (text,) = [t for a, t in parse(page).scripts if a.get("id") == "ip4-data"]
    return json.loads(text)


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return net.project(sample_dataset(), config=net.ProjectionConfig(include_denied=True))


@pytest.fixture(scope="module")
def page(graph) -> str:
    return viz.render_html(
        graph,
        title="Sample <b>graph</b>",
        caption="All of it & more",
        query='CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p "</pre><script>alert(2)</script>" }',
    )


# --------------------------------------------------------------------------- offline, self-contained


def test_no_remote_references(page):
    tags = parse(page)
    for tag, attrs in tags.tags:
        for name in ("src", "href", "data", "poster", "srcset", "action"):
            assert attrs.get(name) is None, (tag, attrs)
    assert not re.search(r"""url\(\s*['"]?\s*(https?:)?//""", page, re.I)
    assert "@import" not in page
    assert not re.search(r"""(src|href)\s*=\s*['"]?\s*(https?:)?//""", page, re.I)
    # pyvis's template (Bootstrap, CDN scripts) is not used
    assert "bootstrap" not in page.lower() and "cdnjs" not in page and "jsdelivr" not in page


def test_scripts_are_inline_and_allowed_by_csp(page):
    tags = parse(page)
    assert [a.get("type") for a, _ in tags.scripts] == ["application/json", None, None]
    (csp,) = [a["content"] for t, a in tags.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    for _attrs, text in tags.scripts[1:]:
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert "unsafe-eval" not in csp


def test_vendored_vis_network_and_licence():
    path = ROOT / "ip4graph" / "assets" / "vendor" / "vis-network.min.js"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == VIS_SHA256
    licence = (ROOT / "LICENSES" / "vis-network.txt").read_text()
    assert "MIT License" in licence and "Apache License" in licence
    assert "10.1.5" in (ROOT / "ip4graph" / "assets" / "vendor" / "README.md").read_text()
    assert viz.vis_network_js() in viz.render_html(nx.MultiDiGraph(), title="t", caption="c")


# --------------------------------------------------------------------------- escaping


def test_labels_and_captions_are_escaped(page):
    assert XSS_LABEL not in page
    assert "<img" not in page
    assert "<b>graph</b>" not in page and "Sample &lt;b&gt;graph&lt;/b&gt;" in page
    assert "All of it &amp; more" in page
    assert "</pre><script>alert(2)" not in page
    tags = parse(page)
    assert [t for t, _ in tags.tags].count("script") == 3
    assert not any(t == "img" for t, _ in tags.tags)


def test_embed_json_cannot_close_the_script():
    text = viz.embed_json({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_data_round_trips(page, graph):
    data = page_data(page)
    assert len(data["nodes"]) == graph.number_of_nodes() == 14
    assert len(data["edges"]) == graph.number_of_edges() == 17
    labels = {n["vis"]["label"] for n in data["nodes"]}
    assert XSS_LABEL in labels  # kept as data, drawn as text
    assert data["title"] == "Sample <b>graph</b>"
    assert data["years"] == {"min": 1990, "max": 2024}


# --------------------------------------------------------------------------- content


def test_legend_classes(page):
    classes = {c["label"]: c for c in page_data(page)["classes"]}
    assert classes["State"]["count"] == 8
    assert classes["Bilateral partnership"]["count"] == 1
    pairs = {(c["color"], c["shape"]) for c in classes.values()}
    assert len(pairs) == len(classes)  # every class looks different


def test_tooltips_hold_type_dates_certainty_and_quote(page):
    data = page_data(page)
    partnership = next(n for n in data["nodes"] if n["id"].endswith("partnership-nato-japan"))
    rows = dict(map(tuple, partnership["tip"]["rows"]))
    assert rows["type"] == "Bilateral partnership"
    assert "early 1990s" in rows["dates"] and "1990" in rows["dates"]
    hedged = next(e for e in data["edges"] if e["uncertain"])
    assert hedged["vis"]["dashes"] and "?" in hedged["vis"]["label"]
    assert "likely" in hedged["tip"]["flag"].lower()
    assert hedged["tip"]["quotes"][0]["text"] == "China appears to compete with NATO."
    assert "NATO brief" in hedged["tip"]["quotes"][0]["source"]
    denied = next(e for e in data["edges"] if e["denied"])
    assert denied["tip"]["flagClass"] == "denied" and denied["vis"]["dashes"]
    japan_nato = next(e for e in data["edges"] if e["from"].endswith("/japan") and e["to"].endswith("/nato"))
    assert dict(map(tuple, japan_nato["tip"]["rows"]))["period"].startswith("between 1990")
    assert japan_nato["startYear"] == 1990


def test_parallel_edges_do_not_overlap():
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", key="p", label="p")
    g.add_edge("a", "b", key="q", label="q")
    g.add_edge("b", "a", key="r", label="r")
    smooth = [e["vis"].get("smooth") for e in page_data(viz.render_html(g, title="t", caption="c"))["edges"]]
    assert smooth[0] is None
    assert {s["type"] for s in smooth[1:]} == {"curvedCW", "curvedCCW"}


def test_pyvis_network_is_built_linearly(graph):
    network = viz.to_pyvis(graph)
    assert isinstance(network, Network)
    assert len(network.nodes) == 14 and len(network.edges) == 17
    assert network.ip4_options["physics"]["stabilization"]["iterations"] <= 400


def test_large_graph_options():
    big = net.project(big_dataset(2000))
    options = viz.to_pyvis(big).ip4_options
    assert options["physics"]["stabilization"]["enabled"]
    assert options["physics"]["stabilization"]["iterations"] <= 200
    assert options["layout"]["improvedLayout"] is False
    assert options["interaction"]["hideEdgesOnDrag"] is True


@pytest.mark.parametrize("layout", list(viz.Layout))
def test_layouts(graph, layout):
    data = page_data(viz.render_html(graph, title="t", caption="c", layout=layout))
    assert data["layout"] == layout.value
    assert ("hierarchical" in data["options"]["layout"]) is (layout is viz.Layout.HIERARCHICAL)


def test_write_html_errors(graph, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError):
        viz.write_html(graph, blocker / "graph.html", title="t", caption="c")


def test_doctests():
    import doctest

    assert doctest.testmod(viz).failed == 0


# --------------------------------------------------------------------------- CLI


def test_cli_viz(tmp_path: Path):
    from ip4graph.cli import main

    data = tmp_path / "sample.trig"
    data.write_text(SAMPLE_TRIG, encoding="utf-8")
    out = tmp_path / "out" / "graph.html"
    result = CliRunner().invoke(
        main, ["--reasoning", "none", "--data", str(data), "viz", "--focus", "Japan", "--depth", "1", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text()
    data_ = page_data(page)
    assert len(data_["nodes"]) == 6
    assert "within 1 hop of Japan" in data_["caption"]
    bad = CliRunner().invoke(main, ["--data", str(data), "viz", "--query", "no-such-query", "-o", str(out)])
    assert bad.exit_code == 2 and "no named query" in bad.output
