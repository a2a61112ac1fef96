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

from ip4graph import classgroups
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


def test_legend_groups(page):
    groups = {c["key"]: c for c in page_data(page)["classes"]}
    assert groups["state"]["count"] == 8 and groups["state"]["classes"] == ["State"]
    assert groups["relationship"]["classes"] == ["Bilateral partnership"]
    assert groups["organisation"]["classes"] == ["Alliance", "Informal grouping"]
    pairs = {(c["color"], c["shape"]) for c in groups.values()}
    assert len(pairs) == len(groups)  # every group looks different
    # the legend follows the fixed group order, not the counts
    order = [g.key for g in classgroups.GROUPS]
    assert [c["key"] for c in page_data(page)["classes"]] == sorted(groups, key=order.index)


def test_group_styles_are_the_same_in_every_page(graph):
    """A State is the same blue dot whatever else the page holds (it used to depend on the classes present)."""
    japan = "https://w3id.org/ip4graph/id/japan"
    whole = {n["id"]: n["vis"] for n in page_data(viz.render_html(graph, title="t", caption="c"))["nodes"]}
    small = net.neighbourhood(graph, japan, depth=0)
    alone = {n["id"]: n["vis"] for n in page_data(viz.render_html(small, title="t", caption="c"))["nodes"]}
    state = classgroups.group_by_key("state")
    assert (whole[japan]["color"], whole[japan]["shape"]) == (alone[japan]["color"], alone[japan]["shape"])
    assert (alone[japan]["color"]["background"], alone[japan]["shape"]) == (state.color, state.shape)


def test_every_ontology_class_has_a_group():
    """Groups come from the ontology's class tree: every ip4: class falls in one, by its ancestors."""
    from rdflib import Graph
    from rdflib.namespace import OWL, RDF

    from ip4graph.namespaces import IP4

    onto = Graph().parse(ROOT / "ontology" / "ip4.ttl")
    classes = [c for c in onto.subjects(RDF.type, OWL.Class) if str(c).startswith(str(IP4))]
    assert len(classes) > 40
    missing = [c for c in classes if classgroups.group_of_class(c) is classgroups.OTHER]
    assert missing == []
    assert 8 <= len(classgroups.GROUPS) <= 12
    assert classgroups.group_of_class(IP4.Mission).key == "event"
    assert classgroups.group_of_class(IP4.Threat).key == "threat"
    assert classgroups.group_of_class(IP4.MaritimeArea).key == "place"
    # a class added under Event in a data author's ontology is an event too
    tree = {IP4.Exercise: frozenset({IP4.Operation, IP4.Event})}
    assert classgroups.group_of_class(IP4.Exercise, tree).key == "event"


def test_node_size_grows_with_degree(graph):
    data = page_data(viz.render_html(graph, title="t", caption="c"))
    size = {n["id"].rsplit("/", 1)[-1]: n["vis"]["size"] for n in data["nodes"]}
    linked = nx.Graph(graph.to_undirected())
    most = max(linked, key=linked.degree).rsplit("/", 1)[-1]
    assert size[most] == viz.MAX_SIZE  # the most linked node
    assert size[most] > size["japan"] > size["russia"] >= viz.MIN_SIZE
    by_betweenness = page_data(viz.render_html(graph, title="t", caption="c", size_by=viz.SizeBy.BETWEENNESS))
    assert {n["vis"]["size"] for n in by_betweenness["nodes"]} != set(size.values())


def test_side_panel_data_claims_and_links(graph):
    data = page_data(viz.render_html(graph, title="t", caption="c", entity_base="/"))
    member = next(e for e in data["edges"] if e["from"].endswith("/japan") and e["to"].endswith("/ip4"))
    (claim,) = member["claims"]
    assert claim["quote"].startswith("Australia, Japan, South Korea and New Zealand")
    assert claim["certainty"] == "Stated" and claim["source"] == "NATO brief"
    assert claim["sourceUrl"] == "/id/doc-brief" and claim["claimPage"] == "/claim/brief-p2-ip4-members"
    japan = next(n for n in data["nodes"] if n["id"].endswith("/japan"))
    assert japan["page"] == "/id/japan"
    standalone = page_data(viz.render_html(graph, title="t", caption="c"))
    assert next(n for n in standalone["nodes"] if n["id"].endswith("/japan"))["page"] == "https://w3id.org/ip4graph/id/japan"


def test_wikidata_and_dbpedia_links_come_from_the_links_graph(dataset):
    graph = net.project(dataset)
    page = viz.render_html(net.neighbourhood(graph, "https://w3id.org/ip4graph/id/japan", depth=0), title="t", caption="c")
    (japan,) = page_data(page)["nodes"]
    assert {"label": "Wikidata Q17", "href": "https://www.wikidata.org/entity/Q17"} in japan["links"]
    assert {"label": "DBpedia Japan", "href": "https://dbpedia.org/resource/Japan"} in japan["links"]


def test_partnership_network_is_the_default_view_of_a_big_graph(dataset):
    graph = net.project(dataset)
    partners = net.partnership_network(graph)
    groups = {d["group"] for _, d in partners.nodes(data=True)}
    assert groups <= {"state", "organisation", "agreement", "event"}
    assert all(partners.degree(n) > 0 for n in partners)
    labels = {d["label"] for _, d in partners.nodes(data=True)}
    assert {"NATO", "Japan", "Australia", "South Korea", "New Zealand", "Indo-Pacific 4"} <= labels
    assert partners.number_of_nodes() < graph.number_of_nodes() / 3
    data = page_data(viz.render_html(graph, title="t", caption="c"))
    assert data["scope"] == "partnership"
    assert {n["id"] for n in data["nodes"] if n["partnership"]} == set(partners.nodes)
    assert page_data(viz.render_html(partners, title="t", caption="c"))["scope"] == "all"  # small: everything


def test_depth_really_limits(dataset):
    graph = net.project(dataset)
    japan = "https://w3id.org/ip4graph/id/japan"
    everything = net.neighbourhood(graph, japan, depth=2).number_of_nodes()
    limited = net.neighbourhood(graph, japan, depth=2, hub_limit=15)
    assert limited.number_of_nodes() < everything
    assert max(d["distance"] for _, d in limited.nodes(data=True)) == 2
    one = net.neighbourhood(graph, japan, depth=1, hub_limit=15)
    assert set(one.nodes) == {japan, *nx.all_neighbors(graph, japan)}  # the first hop is never cut
    with pytest.raises(Exception, match="hub_limit"):
        net.neighbourhood(graph, japan, depth=1, hub_limit=-1)


def test_focus_is_marked(graph):
    japan = "https://w3id.org/ip4graph/id/japan"
    data = page_data(viz.render_html(graph, title="t", caption="c", focus=japan))
    assert data["focus"] == japan
    node = next(n for n in data["nodes"] if n["id"] == japan)
    assert node["vis"]["borderWidth"] == 5 and node["vis"]["font"]["bold"]
    with pytest.raises(ExportError, match="focus"):
        viz.render_html(graph, title="t", caption="c", focus="https://example.org/nobody")


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


def test_cli_viz_params_like_query_and_stdout(tmp_path: Path):
    """`-p NAME=VALUE` as in `ip4graph query`; without -o the page goes to standard output."""
    from ip4graph.cli import main

    data = tmp_path / "sample.trig"
    data.write_text(SAMPLE_TRIG, encoding="utf-8")
    base = ["--reasoning", "none", "--data", str(data), "viz"]
    result = CliRunner().invoke(main, [*base, "--query", "describe-entity", "-p", "entity=Japan"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("<!DOCTYPE html>")
    assert "entity = Japan" in page_data(result.output)["caption"]
    old = CliRunner().invoke(main, [*base, "--query", "describe-entity", "-p", "entity", "Japan"])
    assert old.exit_code == 2
    bad = CliRunner().invoke(main, [*base, "--query", "describe-entity", "-p", "entity"])
    assert bad.exit_code == 2 and "NAME=VALUE" in bad.output


def test_cli_viz_focus_in_the_partnership_network(tmp_path: Path):
    from ip4graph.cli import main

    out = tmp_path / "japan.html"
    result = CliRunner().invoke(main, ["--reasoning", "none", "viz", "--focus", "Japan", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = page_data(out.read_text())
    assert data["focus"] == "https://w3id.org/ip4graph/id/japan"
    assert len(data["nodes"]) < 20 and "partnership network" in data["caption"]
    wide = CliRunner().invoke(main, ["--reasoning", "none", "viz", "--focus", "Japan", "--scope", "all", "--depth", "2"])
    assert wide.exit_code == 0
    assert len(page_data(wide.output)["nodes"]) < 150  # 154 of 161 without the hub limit


def test_analyze_help_says_analyse():
    from ip4graph.cli import main

    text = CliRunner().invoke(main, ["analyze", "centrality", "--help"]).output
    assert "whose result to analyse" in text and "whose result to draw" not in text
    assert "whose result to draw" in CliRunner().invoke(main, ["viz", "--help"]).output


@pytest.mark.parametrize("path", [["viz"], ["timeline"], ["analyze"], ["analyze", "centrality"], ["analyze", "paths"],
                                  ["analyze", "communities"], ["analyze", "bridges"]])
def test_help_examples_run(path, tmp_path, monkeypatch):
    """Every example in the help of the graph commands runs (in a scratch directory)."""
    import shlex

    from ip4graph.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "build").mkdir()
    (tmp_path / "my-query.rq").write_text("CONSTRUCT { ?s ip4:memberOf ?o } WHERE { ?s ip4:memberOf ?o }")
    text = CliRunner().invoke(main, [*path, "--help"]).output
    examples = [line.strip() for line in text.split("Example:", 1)[1].splitlines() if line.strip().startswith("ip4graph ")]
    assert examples
    for example in examples:
        args = shlex.split(example.split(" > ", 1)[0])[1:]
        result = CliRunner().invoke(main, ["--reasoning", "none", *args])
        assert result.exit_code in (0, 1), (example, result.output)  # 1: `paths` found no path

