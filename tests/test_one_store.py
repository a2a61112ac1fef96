"""One store under every command: the same answers on rdflib, the compiled Oxigraph store and Virtuoso.

Every command is run on each backend and compared: the whole catalog, ``why`` on
several inferred triples, the network projection, ``analyze``, ``stats``, ``export``
and ``describe``. The compiled store is rebuilt when an input file changes and is
never read half-built; loading twice gives the same answers (Oxigraph and Virtuoso).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset
from rdflib.compare import isomorphic
from virtuoso import virtuoso_server  # noqa: F401  (fixture)

from ip4graph.backends.compare import canonical, default_bindings, differences, local_queries
from ip4graph.cli import main
from ip4graph.export import same_dataset
from ip4graph.kg import KnowledgeGraph
from ip4graph.store import MANIFEST, Inputs, default_root, open_compiled

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = Path(__file__).parent / "data" / "valid" / "minimal.trig"

#: Inferred triples ``why`` must explain the same way everywhere.
WHY = [("IP4", "ip4:hasMember", "Japan"), ("NATO", "rdf:type", "ip4:Organization"),
       ("ip4d:south-korea", "rdf:type", "ip4:Actor")]


@pytest.fixture(scope="module")
def store_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("store")


@pytest.fixture(scope="module")
def graphs(store_root: Path) -> dict[str, KnowledgeGraph]:
    os.environ["IP4GRAPH_STORE"] = str(store_root)
    try:
        return {"memory": KnowledgeGraph.open(backend="memory"), "oxigraph": KnowledgeGraph.open(backend="oxigraph")}
    finally:
        del os.environ["IP4GRAPH_STORE"]


def _run(args: list[str], env: dict[str, str] | None = None) -> str:
    res = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    assert res.exit_code in (0, 1), res.output
    return res.output


def test_the_default_backend_is_the_compiled_store(graphs: dict[str, KnowledgeGraph], store_root: Path) -> None:
    kg = graphs["oxigraph"]
    assert kg.backend.name == "oxigraph" and kg.backend.read_only
    assert kg.backend.path.parent == store_root
    manifest = json.loads((kg.backend.path / MANIFEST).read_text())
    assert manifest["complete"] is True
    assert {f["name"] for f in manifest["files"]} >= {"ip4.ttl", "entities.trig"}


def test_the_whole_catalog_agrees(graphs: dict[str, KnowledgeGraph]) -> None:
    problems = {}
    for nq in local_queries():
        bindings = default_bindings(nq, graphs["memory"].asserted)
        mem = graphs["memory"].query(nq.name, params=bindings)
        ox = graphs["oxigraph"].query(nq.name, params=bindings)
        diff = differences(mem, ox)
        if diff:
            problems[nq.name] = diff
    assert not problems, problems


def test_named_queries_with_labels_agree(graphs: dict[str, KnowledgeGraph]) -> None:
    for kg in graphs.values():
        res = kg.query("agreements-between", params={"a": "NATO", "b": "japon"})
        assert len(res) == 3
    assert canonical(graphs["memory"].query("ip4-members", params={"grouping": "インド太平洋パートナー4か国"})) == \
        canonical(graphs["oxigraph"].query("ip4-members", params={"grouping": "インド太平洋パートナー4か国"}))


@pytest.mark.parametrize("triple", WHY, ids=lambda t: " ".join(t))
def test_why_agrees(triple: tuple[str, str, str], store_root: Path) -> None:
    env = {"IP4GRAPH_STORE": str(store_root)}
    mem = _run(["--backend", "memory", "why", *triple], env)
    ox = _run(["--backend", "oxigraph", "why", *triple], env)
    assert "[inferred by" in mem or "[asserted]" in mem
    assert mem == ox


def test_projection_analyze_stats_export_describe_agree(graphs: dict[str, KnowledgeGraph], store_root: Path) -> None:
    from ip4graph.describe import describe
    from ip4graph.network import project
    from ip4graph.stats import compute_stats

    mem, ox = graphs["memory"], graphs["oxigraph"]
    a, b = project(mem.asserted), project(ox.asserted)
    assert set(a.nodes) == set(b.nodes) and a.number_of_edges() == b.number_of_edges()
    assert compute_stats(mem.view()).__dict__ == compute_stats(ox.view()).__dict__
    assert isomorphic(describe(mem.asserted), describe(ox.asserted))
    env = {"IP4GRAPH_STORE": str(store_root)}
    assert _run(["--backend", "memory", "analyze", "centrality"], env) == \
        _run(["--backend", "oxigraph", "analyze", "centrality"], env)
    dumps = {}
    for name in ("memory", "oxigraph"):
        ds = Dataset()
        ds.parse(data=_run(["--backend", name, "export", "--format", "nq", "--inferred"], env), format="nquads")
        dumps[name] = ds
    assert len(dumps["memory"]) == len(dumps["oxigraph"]) > 6000
    assert same_dataset(dumps["memory"], dumps["oxigraph"])


def test_an_edited_input_rebuilds_the_store_and_a_half_built_one_is_never_read(tmp_path: Path) -> None:
    data = tmp_path / "minimal.trig"
    shutil.copy(MINIMAL, data)
    inputs = Inputs.of([data])
    backend, report = open_compiled(inputs, root=tmp_path / "store")
    assert report.built
    first = backend.path
    backend.close()
    backend, report = open_compiled(inputs, root=tmp_path / "store")
    assert not report.built and backend.path == first  # unchanged bytes: opened, not rebuilt
    backend.close()
    data.write_text(data.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    backend, report = open_compiled(Inputs.of([data]), root=tmp_path / "store")
    assert report.built and backend.path != first
    second = backend.path
    backend.close()
    # a build killed before its manifest said "complete": rebuilt, never read
    manifest = second / MANIFEST
    doc = json.loads(manifest.read_text())
    doc["complete"] = False
    manifest.write_text(json.dumps(doc))
    backend, report = open_compiled(Inputs.of([data]), root=tmp_path / "store")
    assert report.built and len(backend.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1")) == 1
    backend.close()
    # half-built directories of dead processes are cleaned away
    assert not [p for p in (tmp_path / "store").iterdir() if ".tmp-" in p.name]


def test_default_root_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("IP4GRAPH_STORE", str(tmp_path))
    assert default_root() == tmp_path


def test_error_paths_exit_2_with_a_message(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.rq"
    bad.write_bytes("SELECT * WHERE { ?s ?p \"caf\xe9\" }".encode("latin-1"))
    for args, needle in (
        (["query", "--file", str(tmp_path / "missing.rq")], "cannot read the query file"),
        (["query", "--file", str(bad)], "not UTF-8"),
        (["query", "agreements-between", "-p", 'a=<https://w3id.org/ip4graph/id/x"y>', "-p", "b=Japan"],
         "not a valid IRI"),
        (["--store", str(tmp_path / "typo"), "query", "ip4-members"], "no Oxigraph store"),
        # 3,000 nested groups used to crash the process (both engines' parsers recurse)
        (["query", "-e", "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000], "limit max_depth"),
        (["--backend", "memory", "query", "-e", "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000],
         "limit max_depth"),
    ):
        res = CliRunner().invoke(main, args)
        assert res.exit_code == 2, (args, res.output)
        assert needle in res.output and "Traceback" not in res.output, res.output


@pytest.mark.virtuoso
def test_virtuoso_loaded_twice_by_the_cli_gives_the_same_answers(virtuoso_server) -> None:  # noqa: F811
    """``load --dialect virtuoso`` twice, then query without --dialect: the store says how it was loaded."""
    opts = virtuoso_server.backend_options()
    load = ["load", "--backend", "sparql", "--endpoint", opts["endpoint"], "--update-endpoint",
            opts["update_endpoint"], "--user", "dba", "--password", opts["password"], "--dialect", "virtuoso"]
    for _ in range(2):
        out = _run(load)
        assert "into sparql" in out
    query = ["--backend", "sparql", "--sparql-endpoint", opts["endpoint"], "query", "--format", "csv"]
    local = ["--backend", "memory", "query", "--format", "csv"]
    hedged = len(_run([*local, "hedged-statements"]).strip().splitlines())
    assert hedged > 70  # loaded twice, each hedged statement still once (was: twice as many)
    assert len(_run([*query, "hedged-statements"]).strip().splitlines()) == hedged
    assert len(_run([*query, "agreements-between", "-p", "a=NATO", "-p", "b=Japan"]).strip().splitlines()) == 3 + 1
    remote = ["--backend", "sparql", "--sparql-endpoint", opts["endpoint"]]
    why = _run([*remote, "why", "IP4", "ip4:hasMember", "Japan"])
    assert why == _run(["--backend", "memory", "why", "IP4", "ip4:hasMember", "Japan"])
    assert _run([*remote, "analyze", "centrality"]) == _run(["--backend", "memory", "analyze", "centrality"])
    dumps = {}
    for name, args in (("memory", ["--backend", "memory"]), ("sparql", remote)):
        ds = Dataset()
        ds.parse(data=_run([*args, "export", "--format", "nq", "--inferred"]), format="nquads")
        dumps[name] = ds
    assert same_dataset(dumps["memory"], dumps["sparql"])


MOST_SPECIFIC = """SELECT DISTINCT ?e ?t WHERE {
  ?e a ?t . FILTER(STRSTARTS(STR(?t), "https://w3id.org/ip4graph/ontology#"))
  FILTER NOT EXISTS { ?e a ?s . ?s rdfs:subClassOf ?t .
                      FILTER(?s != ?t && STRSTARTS(STR(?s), "https://w3id.org/ip4graph/ontology#")) }
}"""


def test_materialised_direct_types_are_what_the_per_row_pattern_computes(tmp_path: Path) -> None:
    from ip4graph.generate import write_generated

    gen = tmp_path / "gen.trig"
    write_generated(gen, 2000, seed=3)
    for paths in (None, [gen, MINIMAL]):
        kg = KnowledgeGraph.open(paths, backend="memory", cache=False)
        expected = {(r.e, r.t) for r in kg.query(MOST_SPECIFIC)}
        got = {(r.e, r.t) for r in kg.query("SELECT ?e ?t WHERE { ?e ip4:directType ?t }")}
        assert expected and got == expected


@pytest.mark.parametrize("backend", ["memory", "oxigraph"])
def test_limit_and_offset_page_through_an_answer(graphs: dict[str, KnowledgeGraph], backend: str) -> None:
    kg = graphs[backend]
    whole = [tuple(r) for r in kg.query("timeline")]
    pages = [tuple(r) for off in range(0, len(whole), 5) for r in kg.query("timeline", limit=5, offset=off)]
    assert len(whole) > 10 and pages == whole


def test_limit_never_reaches_the_query_as_text() -> None:
    from ip4graph.backends.sparqltext import with_limit
    from ip4graph.errors import QueryError

    assert with_limit("SELECT * WHERE { ?s ?p ?o }", limit=3).rstrip().endswith("LIMIT 3")
    assert with_limit("SELECT * WHERE { { SELECT * WHERE { ?s ?p ?o } LIMIT 9 } }", limit=3).rstrip().endswith("LIMIT 3")
    for bad in ("3; DROP ALL", -1, True):
        with pytest.raises(QueryError):
            with_limit("SELECT * WHERE { ?s ?p ?o }", limit=bad)  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="own LIMIT"):
        with_limit("SELECT * WHERE { ?s ?p ?o } LIMIT 2", offset=1)
