"""Exports in every RDF format round-trip (compared as graphs, never as text)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Dataset
from rdflib.namespace import OWL, RDF

import ip4graph
from ip4graph.cli import main
from ip4graph.errors import ExportError
from ip4graph.export import (
    CONTEXT_PATH,
    ExportFormat,
    differences,
    export,
    jsonld_context,
    parse,
    same_dataset,
    same_triples,
    serialize,
    union_graph,
    with_inferences,
)
from ip4graph.namespaces import GRAPH_INFERRED, PREFIXES
from ip4graph.reasoning import Reasoning, cached_inferences, reasoning_input

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal.trig"


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return ip4graph.load()


@pytest.fixture(scope="module")
def with_inferred(shipped: Dataset, tmp_path_factory) -> Dataset:
    inferred, _ = cached_inferences(reasoning_input(shipped), profile=Reasoning.OWLRL,
                                    cache_dir=tmp_path_factory.mktemp("closure"))
    return with_inferences(shipped, inferred)


def _roundtrips(ds: Dataset, fmt: ExportFormat) -> None:
    text = serialize(ds, fmt)
    back = parse(text, fmt)
    if fmt.keeps_graphs:
        assert same_dataset(back, ds), differences(back, ds)
    else:
        assert same_triples(back, union_graph(ds))


@pytest.mark.parametrize("fmt", list(ExportFormat), ids=lambda f: f.value)
def test_every_format_round_trips_the_shipped_data(shipped: Dataset, fmt: ExportFormat) -> None:
    _roundtrips(shipped, fmt)


@pytest.mark.parametrize("fmt", [ExportFormat.TRIG, ExportFormat.NQUADS, ExportFormat.JSONLD, ExportFormat.TURTLE],
                         ids=lambda f: f.value)
def test_round_trip_with_inferences(with_inferred: Dataset, fmt: ExportFormat) -> None:
    _roundtrips(with_inferred, fmt)
    if fmt.keeps_graphs:
        assert GRAPH_INFERRED in {c.identifier for c in parse(serialize(with_inferred, fmt), fmt).graphs()}


@pytest.mark.parametrize("fmt", list(ExportFormat), ids=lambda f: f.value)
def test_minimal_fixture_round_trips(fmt: ExportFormat) -> None:
    _roundtrips(ip4graph.load([MINIMAL]), fmt)


def test_blank_nodes_survive(shipped: Dataset) -> None:
    """Hedged statements and negative assertions are blank nodes; the round-trip keeps them."""
    hedged = [s for s in shipped.subjects(RDF.type, RDF.Statement) if isinstance(s, BNode)]
    negative = [s for s in shipped.subjects(RDF.type, OWL.NegativePropertyAssertion) if isinstance(s, BNode)]
    assert hedged and negative
    for fmt in (ExportFormat.TRIG, ExportFormat.JSONLD, ExportFormat.RDFXML):
        back = parse(serialize(shipped, fmt), fmt)
        assert len(list(back.subjects(RDF.type, RDF.Statement))) == len(set(hedged))
        assert len(list(back.subjects(RDF.type, OWL.NegativePropertyAssertion))) == len(set(negative))


def test_quad_formats_keep_graphs_and_triple_formats_hold_the_union(shipped: Dataset) -> None:
    names = {c.identifier for c in shipped.graphs() if len(c)}
    for fmt in (ExportFormat.TRIG, ExportFormat.NQUADS, ExportFormat.JSONLD):
        assert {c.identifier for c in parse(serialize(shipped, fmt), fmt).graphs() if len(c)} == names
    back = parse(serialize(shipped, ExportFormat.NTRIPLES), ExportFormat.NTRIPLES)
    assert len(back) == len(union_graph(shipped))


def test_named_graphs_in_a_triple_format_is_refused(shipped: Dataset) -> None:
    with pytest.raises(ExportError) as err:
        serialize(shipped, ExportFormat.TURTLE, named_graphs=True)
    assert "named graphs" in err.value.message and "trig" in (err.value.hint or "")


def test_jsonld_uses_the_shipped_context(shipped: Dataset) -> None:
    shipped_ctx = json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))["@context"]
    for prefix, ns in PREFIXES.items():
        assert shipped_ctx[prefix] == str(ns)
    doc = json.loads(serialize(shipped, ExportFormat.JSONLD))
    assert doc["@context"] == jsonld_context()
    assert '"ip4d:japan"' in json.dumps(doc)  # compacted: readable CURIEs, not full IRIs


def test_context_is_package_data() -> None:
    assert CONTEXT_PATH.parent == Path(ip4graph.__file__).resolve().parent


def test_export_writes_atomically(shipped: Dataset, tmp_path: Path) -> None:
    target = tmp_path / "out.trig"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(ExportError):
        export(shipped, ExportFormat.NTRIPLES, target, named_graphs=True)
    assert target.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [target]
    export(shipped, ExportFormat.TRIG, target)
    assert same_dataset(parse(target.read_text(encoding="utf-8"), ExportFormat.TRIG), shipped)


def test_cli_export(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "ip4.nq"
    res = runner.invoke(main, ["--data", str(MINIMAL), "export", "--format", "nq", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert same_dataset(parse(out.read_text(encoding="utf-8"), "nq"), ip4graph.load([MINIMAL]))
    res = runner.invoke(main, ["--data", str(MINIMAL), "export", "--format", "xml", "--named-graphs"])
    assert res.exit_code == 2 and "cannot keep the named graphs" in res.output
    res = runner.invoke(main, ["--data", str(MINIMAL), "--reasoning", "rdfs", "--no-cache", "export",
                               "--format", "trig", "--inferred"])
    assert res.exit_code == 0
    assert GRAPH_INFERRED in {c.identifier for c in parse(res.output, "trig").graphs() if len(c)}


def _cycle(length: int) -> list[tuple]:
    from rdflib import URIRef

    nodes = [BNode() for _ in range(length)]
    return [(nodes[i], URIRef("urn:p"), nodes[(i + 1) % length]) for i in range(length)]


def test_graph_comparison_agrees_with_rdflib_isomorphic() -> None:
    """same_triples compares ground triples as sets and matches blank nodes by refinement: same verdicts as rdflib."""
    import random

    from rdflib import Graph, Literal, URIRef
    from rdflib.compare import isomorphic

    rng = random.Random(7)
    preds = [URIRef("urn:p0"), URIRef("urn:p1")]
    iris = [URIRef("urn:i0"), URIRef("urn:i1")]
    verdicts = set()
    for _ in range(1500):
        blanks = [BNode() for _ in range(rng.randint(1, 7))]
        g = Graph()
        for _ in range(rng.randint(1, 12)):
            g.add((rng.choice(blanks + iris), rng.choice(preds), rng.choice(blanks + iris + [Literal(rng.randint(0, 1))])))
        renamed = {b: BNode() for b in blanks}
        h = Graph()
        for s, p, o in g:
            h.add((renamed.get(s, s), p, renamed.get(o, o)))
        if rng.random() < 0.5:
            t = rng.choice(list(h))
            h.remove(t)
            h.add((rng.choice([*renamed.values(), *iris]), rng.choice(preds), rng.choice([*renamed.values(), *iris])))
        verdict = same_triples(g, h)
        assert verdict == isomorphic(g, h), (g.serialize(format="nt"), h.serialize(format="nt"))
        verdicts.add(verdict)
    assert verdicts == {True, False}
    # Regular shapes that refinement alone cannot tell apart: two triangles are not a hexagon.
    two_triangles, hexagon, other_hexagon = Graph(), Graph(), Graph()
    for t in _cycle(3) + _cycle(3):
        two_triangles.add(t)
    for t in _cycle(6):
        hexagon.add(t)
    for t in _cycle(6):
        other_hexagon.add(t)
    assert not same_triples(two_triangles, hexagon)
    assert same_triples(hexagon, other_hexagon)


def test_a_changed_blank_node_triple_is_a_difference(shipped: Dataset) -> None:
    from rdflib import URIRef

    back = parse(serialize(shipped, ExportFormat.NTRIPLES), ExportFormat.NTRIPLES)
    assert same_triples(back, union_graph(shipped))
    first = next(t for t in back if isinstance(t[0], BNode))
    back.remove(first)
    back.add((first[0], first[1], URIRef("urn:changed")))
    assert not same_triples(back, union_graph(shipped))
