"""The RDF → networkx projection, the analytics, and the ``analyze`` command."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from browser import SAMPLE_TRIG, XSS_LABEL, big_dataset, sample_dataset
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ip4graph import network as net
from ip4graph.errors import EntityNotFound, Ip4GraphError, ParameterError, QueryError
from ip4graph.namespaces import GRAPH_INFERRED, IP4, IP4D


def iri(local: str) -> str:
    return str(IP4D[local])


@pytest.fixture(scope="module")
def ds():
    return sample_dataset()


@pytest.fixture(scope="module")
def graph(ds) -> nx.MultiDiGraph:
    return net.project(ds)


# --------------------------------------------------------------------------- projection


def test_projection_counts(graph):
    assert graph.number_of_nodes() == 14
    assert graph.number_of_edges() == 16
    assert graph.graph["edge_count_hedged"] == 1
    assert graph.graph["edge_count_denied"] == 0


def test_no_schema_or_typing_in_the_projection(graph):
    predicates = {d["predicate"] for *_, d in graph.edges(data=True)}
    assert str(RDF.type) not in predicates
    assert not any(p.startswith(("http://www.w3.org/2002/07/owl#", "http://www.w3.org/2000/01/rdf-schema#"))
                   for p in predicates)
    # classes, properties, certainty levels, claims, documents are not nodes
    assert all(n.startswith(str(IP4D)) for n in graph.nodes)
    assert iri("doc-brief") not in graph
    assert str(IP4.State) not in graph and str(IP4.Stated) not in graph


def test_literals_are_attributes(graph):
    japan = graph.nodes[iri("japan")]
    assert japan["label"] == "Japan"  # English preferred over 日本
    assert japan["comment"] == "An island state in East Asia."
    assert japan["class"] == "ip4:State"  # owl:NamedIndividual ignored
    summit = graph.nodes[iri("summit-2024")]
    assert summit["date"] == "2024-07-10" and summit["start_year"] == 2024
    agreement = graph.nodes[iri("agreement-2023")]
    assert agreement["start_year"] == 2023  # xsd:gYearMonth
    assert agreement["attributes"]["ip4:status"].lower() == "signed"  # a vocabulary term: an attribute
    partnership = graph.nodes[iri("partnership-nato-japan")]
    assert partnership["not_before"] == "1990" and partnership["date_description"] == "early 1990s"


def test_most_specific_class(graph):
    assert graph.nodes[iri("partnership-nato-japan")]["class"] == "ip4:BilateralPartnership"
    assert graph.nodes[iri("nato")]["class"] == "ip4:Alliance"


def test_edges_carry_label_and_sources(graph):
    (data,) = graph.get_edge_data(iri("japan"), iri("ip4")).values()
    assert data["curie"] == "ip4:memberOf"
    assert data["label"] == "member of"  # from the ontology
    assert data["certainty"] == "Stated" and not data["uncertain"]
    (source,) = data["sources"]
    assert source["claim"] == "ip4c:brief-p2-ip4-members"
    assert source["document"] == "ip4d:doc-brief"
    assert source["document_label"] == "NATO brief"
    assert "form" in source["quote"]


def test_edge_period_from_relationship(graph):
    (data,) = graph.get_edge_data(iri("japan"), iri("nato")).values()
    assert data["start_year"] == 1990
    assert data["period_from"] == "ip4d:partnership-nato-japan"
    (nz,) = graph.get_edge_data(iri("new-zealand"), iri("nato")).values()
    assert nz["start_year"] is None


def test_hedged_statement_is_an_uncertain_edge(ds, graph):
    edges = graph.get_edge_data(iri("china"), iri("nato"))
    assert list(edges) == ["ip4:competesWith|hedged"]
    data = edges["ip4:competesWith|hedged"]
    assert data["uncertain"] and data["certainty"] == "Likely"
    assert data["hedge"] == "appears to"
    assert data["sources"][0]["claim"] == "ip4c:usip-p24-likely-china"
    no_hedges = net.project(ds, config=net.ProjectionConfig(include_hedged=False))
    assert not no_hedges.has_edge(iri("china"), iri("nato"))


def test_denied_only_on_request(ds, graph):
    assert not graph.has_edge(iri("nato"), iri("indo-pacific"))
    with_denied = net.project(ds, config=net.ProjectionConfig(include_denied=True))
    data = with_denied.get_edge_data(iri("nato"), iri("indo-pacific"))["ip4:plansPresenceIn|denied"]
    assert data["denied"] and data["certainty"] == "Denied"
    assert "does not plan" in data["sources"][0]["quote"]


def test_edge_predicates_are_configurable(ds):
    only = net.project(ds, config=net.ProjectionConfig(edge_predicates=frozenset({IP4.memberOf}),
                                                       include_isolated=False))
    assert {d["curie"] for *_, d in only.edges(data=True)} == {"ip4:memberOf"}
    assert only.number_of_nodes() == 6  # IP4 + four members + the XSS probe


def test_inferred_graph_left_out_by_default():
    ds = sample_dataset()
    ds.graph(GRAPH_INFERRED).add((IP4D.ip4, IP4.hasMember, IP4D.japan))
    assert not net.project(ds).has_edge(iri("ip4"), iri("japan"))
    assert net.project(ds, config=net.ProjectionConfig(include_inferred=True)).has_edge(iri("ip4"), iri("japan"))


def test_project_construct_result_uses_dataset_for_context(ds):
    q = "CONSTRUCT { ?s ip4:memberOf ?o } WHERE { ?s ip4:memberOf ?o }"
    g = net.project_query(ds, "PREFIX ip4: <https://w3id.org/ip4graph/ontology#>\n" + q)
    assert g.number_of_edges() == 5 and g.number_of_nodes() == 6
    assert g.nodes[iri("japan")]["label"] == "Japan"
    (data,) = g.get_edge_data(iri("japan"), iri("ip4")).values()
    assert data["sources"][0]["claim"] == "ip4c:brief-p2-ip4-members"


def test_plain_graph_without_context():
    g = Graph()
    g.add((IP4D.a, IP4.memberOf, IP4D.b))
    projected = net.project(g)
    assert projected.nodes[iri("a")]["label"] == "a"  # local name when there is no label
    assert projected.number_of_edges() == 1


@pytest.mark.parametrize(
    "query", ["SELECT * WHERE { ?s ?p ?o }", "ASK { ?s ?p ?o }", "CONSTRUCT { oops"]
)
def test_project_query_needs_a_graph_result(ds, query):
    with pytest.raises(QueryError):
        net.project_query(ds, query)


def test_neighbourhood(graph):
    one = net.neighbourhood(graph, iri("new-zealand"), depth=1)
    assert set(one.nodes) == {iri("new-zealand"), iri("ip4"), iri("nato")}
    two = net.neighbourhood(graph, iri("new-zealand"), depth=2)
    assert iri("japan") in two and iri("north-korea") not in two
    assert net.neighbourhood(graph, iri("new-zealand"), depth=0).number_of_nodes() == 1
    with pytest.raises(ParameterError):
        net.neighbourhood(graph, iri("new-zealand"), depth=-1)
    with pytest.raises(EntityNotFound):
        net.neighbourhood(graph, iri("atlantis"), depth=1)


# --------------------------------------------------------------------------- resolution


@pytest.mark.parametrize(
    "text", ["Japan", "japan", "日本", "ip4d:japan", str(IP4D.japan), f"<{IP4D.japan}>"]
)
def test_resolve_entity(ds, text):
    assert net.resolve_entity(ds, text) == IP4D.japan


def test_resolve_entity_alt_label_and_local_name(ds):
    assert net.resolve_entity(ds, "IP4") == IP4D.ip4
    assert net.resolve_entity(ds, "new-zealand") == IP4D["new-zealand"]


@pytest.mark.parametrize("text", ["Atlantis", "ip4d:atlantis", "https://example.org/x", ""])
def test_resolve_entity_not_found(ds, text):
    with pytest.raises(EntityNotFound) as info:
        net.resolve_entity(ds, text)
    assert isinstance(info.value, Ip4GraphError)


def test_resolve_entity_ambiguous():
    ds = sample_dataset(with_ontology=False)
    ds.parse(data='<https://w3id.org/ip4graph/id/japan2> <http://www.w3.org/2000/01/rdf-schema#label> "Japan" .',
             format="nt")
    with pytest.raises(EntityNotFound, match="matches several entities"):
        net.resolve_entity(ds, "Japan")


def test_resolve_node(graph):
    assert net.resolve_node(graph, "south korea") == iri("south-korea")
    assert net.resolve_node(graph, "ip4d:china") == iri("china")
    with pytest.raises(EntityNotFound):
        net.resolve_node(graph, "Atlantis")


# --------------------------------------------------------------------------- analytics


def test_centrality(graph):
    rows = net.centrality(graph)
    assert len(rows) == graph.number_of_nodes()
    assert rows[0].label == "Indo-Pacific 4"  # the hub between the members and the rest
    by_label = {r.label: r for r in rows}
    assert by_label["NATO"].degree == 6
    assert by_label["Indo-Pacific"].eigenvector == 0.0  # isolated
    top = net.centrality(graph, top=3, sort_by="eigenvector")
    assert [r.label for r in top][:2] == ["NATO", "Japan"]
    with pytest.raises(ParameterError):
        net.centrality(graph, sort_by="pagerank")
    assert net.centrality(nx.MultiDiGraph()) == []


def test_eigenvector_on_bipartite_component_converges():
    star = nx.MultiDiGraph()
    for leaf in "abcd":
        star.add_edge("hub", leaf)
    rows = {r.node: r for r in net.centrality(star)}
    assert rows["hub"].eigenvector > rows["a"].eigenvector > 0


def test_paths_new_zealand_to_north_korea(graph):
    paths = net.connections(graph, iri("new-zealand"), iri("north-korea"), limit=3)
    assert len(paths) == 3
    shortest = paths[0]
    assert [(h.source_label, h.predicate, h.direction, h.target_label) for h in shortest] == [
        ("New Zealand", "ip4:memberOf", "forward", "Indo-Pacific 4"),
        ("Indo-Pacific 4", "ip4:memberOf", "inverse", "South Korea"),
        ("South Korea", "ip4:hadTensionsWith", "inverse", "North Korea"),
    ]
    assert str(shortest[1]) == "Indo-Pacific 4 ←member of— South Korea"
    assert all(len(p) >= len(shortest) for p in paths)


def test_paths_none_and_limits(graph):
    assert net.connections(graph, iri("russia"), iri("indo-pacific")) == []
    assert net.connections(graph, iri("new-zealand"), iri("north-korea"), max_length=2) == []
    with pytest.raises(ParameterError):
        net.connections(graph, iri("russia"), iri("china"), limit=0)
    with pytest.raises(EntityNotFound):
        net.connections(graph, iri("russia"), iri("atlantis"))


def test_paths_mark_uncertain_hops(graph):
    (path,) = net.connections(graph, iri("china"), iri("nato"), max_length=1)
    assert path[0].certainty == "Likely"
    assert "(likely)" in str(path[0])


def test_communities_are_deterministic(graph):
    first = net.communities(graph)
    assert first == net.communities(graph)
    assert sum(c.size for c in first) == graph.number_of_nodes()
    koreas = next(c for c in first if "North Korea" in c.labels)
    assert "Russia" in koreas.labels


def test_bridges(graph):
    report = net.bridges(graph)
    assert ("North Korea", "Russia") in report.bridges
    assert ("Australia", "Indo-Pacific 4") in report.bridges
    # Japan–NATO is linked twice (partnerOf, and through the partnership): never a bridge
    assert not any({"Japan", "NATO"} == set(b) for b in report.bridges)
    assert "Indo-Pacific 4" in report.cut_vertices and "North Korea" in report.cut_vertices


def test_json_and_table_output(graph):
    data = json.loads(net.to_json(net.centrality(graph, top=2)))
    assert data[0]["label"] == "Indo-Pacific 4" and data[0]["class"] == "ip4:InformalGrouping"
    text = net.table([("a", 1), ("bbb", None)], ["name", "n"])
    assert text.splitlines() == ["name  n", "----  -", "a     1", "bbb"]


def test_large_projection_is_fast():
    import time

    ds = big_dataset(2000)
    start = time.perf_counter()
    g = net.project(ds)
    assert g.number_of_nodes() == 2000 and g.number_of_edges() == 4000
    assert time.perf_counter() - start < 20


def test_doctests():
    import doctest

    assert doctest.testmod(net).failed == 0


# --------------------------------------------------------------------------- CLI


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "sample.trig"
    path.write_text(SAMPLE_TRIG, encoding="utf-8")
    return path


def run(sample_file: Path, *args: str):
    from ip4graph.cli import main

    return CliRunner().invoke(main, ["--reasoning", "none", "--data", str(sample_file), *args])


def test_commands_list():
    from ip4graph.commands.viz import COMMANDS

    assert [c.name for c in COMMANDS] == ["viz", "analyze", "timeline"]
    analyze = COMMANDS[1]
    assert set(analyze.commands) == {"centrality", "paths", "communities", "bridges"}  # type: ignore[attr-defined]
    for command in [COMMANDS[0], COMMANDS[2], *analyze.commands.values()]:  # type: ignore[attr-defined]
        assert "Example:" in (command.help or ""), command.name


def test_cli_centrality(sample_file):
    result = run(sample_file, "analyze", "centrality", "--top", "3", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["label"] for r in rows] == ["Indo-Pacific 4", "Japan", "South Korea"]
    table = run(sample_file, "analyze", "centrality", "--top", "2")
    assert table.exit_code == 0 and "betweenness" in table.output.splitlines()[0]


def test_cli_paths(sample_file):
    result = run(sample_file, "analyze", "paths", "New Zealand", "North Korea", "--limit", "1")
    assert result.exit_code == 0, result.output
    assert "New Zealand —member of→ Indo-Pacific 4" in result.output
    data = json.loads(run(sample_file, "analyze", "paths", "ip4d:new-zealand", "north korea",
                          "--format", "json").output)
    assert data[0][0]["predicate"] == "ip4:memberOf"
    none = run(sample_file, "analyze", "paths", "Russia", "Indo-Pacific")
    assert none.exit_code == 1 and "no path" in none.output
    missing = run(sample_file, "analyze", "paths", "Atlantis", "Japan")
    assert missing.exit_code == 2 and "Atlantis" in missing.output


def test_cli_communities_and_bridges(sample_file):
    result = run(sample_file, "analyze", "communities", "--format", "json")
    assert result.exit_code == 0, result.output
    assert sum(c["size"] for c in json.loads(result.output)) == 14
    bridges = run(sample_file, "analyze", "bridges")
    assert bridges.exit_code == 0 and "cut vertices" in bridges.output


def test_cli_construct_and_focus(sample_file, tmp_path):
    query = tmp_path / "members.rq"
    query.write_text("PREFIX ip4: <https://w3id.org/ip4graph/ontology#>\n"
                     "CONSTRUCT { ?s ip4:memberOf ?o } WHERE { ?s ip4:memberOf ?o }")
    result = run(sample_file, "analyze", "centrality", "--construct", str(query), "--format", "json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) == 6
    focus = run(sample_file, "analyze", "centrality", "--focus", "New Zealand", "--format", "json")
    assert {r["label"] for r in json.loads(focus.output)} == {"New Zealand", "Indo-Pacific 4", "NATO"}
    select = tmp_path / "select.rq"
    select.write_text("SELECT * WHERE { ?s ?p ?o }")
    bad = run(sample_file, "analyze", "centrality", "--construct", str(select))
    assert bad.exit_code == 2 and "CONSTRUCT" in bad.output


def test_cli_xss_label_in_table_is_plain_text(sample_file):
    result = run(sample_file, "analyze", "communities")
    assert XSS_LABEL in result.output  # a terminal shows it as it is


def test_uriref_roundtrip(graph):
    assert all(URIRef(n) == URIRef(graph.nodes[n]["iri"]) for n in graph.nodes)


def test_relationship_periods_date_only_links_between_its_parties(dataset):
    """The NATO-Japan partnership (early 1990s) dates Japan partnerOf NATO, not Japan memberOf IP4
    (the IP4 only "complements" the partnership)."""
    g = net.project(dataset)
    japan, nato, ip4 = (f"https://w3id.org/ip4graph/id/{x}" for x in ("japan", "nato", "ip4"))
    member = g.get_edge_data(japan, ip4)["ip4:memberOf"]
    assert member.get("period_from") is None and member["start_year"] is None
    partner = g.get_edge_data(japan, nato)["ip4:partnerOf"]
    assert partner["period_from"] == "ip4d:partnership-nato-japan" and partner["start_year"] == 1990
