"""The synthetic data generator: size, determinism, shape of the data, the CLI command."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import URIRef

import ip4graph
from ip4graph.cli import main
from ip4graph.generate import generate_lines, write_generated
from ip4graph.namespaces import GRAPH_ENTITIES, GRAPH_PROVENANCE, IP4, IP4D


def test_size_and_determinism() -> None:
    a = list(generate_lines(5000, seed=3))
    assert 5000 <= len(a) < 5300
    assert a == list(generate_lines(5000, seed=3))
    assert a != list(generate_lines(5000, seed=4))
    assert len(set(a)) == len(a), "no duplicate quads"


def test_trig_and_nquads_hold_the_same_dataset(tmp_path: Path) -> None:
    n1 = write_generated(tmp_path / "g.trig", 1500, seed=2)
    n2 = write_generated(tmp_path / "g.nq", 1500, seed=2)
    assert n1 == n2
    a = ip4graph.load([tmp_path / "g.trig"], ontology=False)
    b = ip4graph.load([tmp_path / "g.nq"], ontology=False)
    assert sum(len(c) for c in a.graphs()) == sum(len(c) for c in b.graphs()) == n1
    assert (tmp_path / "g.trig").read_bytes() == (write_generated(tmp_path / "h.trig", 1500, seed=2) and (tmp_path / "h.trig").read_bytes())


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gen") / "gen.trig"
    write_generated(path, 2500, seed=9)
    return path


def test_generated_data_validates_against_the_shapes(generated: Path) -> None:
    report = ip4graph.validate(ip4graph.load([generated]))
    assert report.conforms, report.text()


def test_generated_data_has_the_ip4_shape(generated: Path) -> None:
    ds = ip4graph.load([generated])
    ents, prov = ds.graph(GRAPH_ENTITIES), ds.graph(GRAPH_PROVENANCE)
    rdf_type = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for cls in ("State", "InternationalOrganization", "Summit", "Threat", "SharedInterest", "SourceDocument",
                "PartnershipAgreement"):
        assert any(ents.subjects(rdf_type, IP4[cls])), cls
    japan_langs = {o.language for o in ents.objects(IP4D["japan"], URIRef("http://www.w3.org/2000/01/rdf-schema#label"))}
    assert japan_langs == {"en", "fr", "ja", "ko"}
    claims = set(prov.subjects(rdf_type, IP4["Claim"]))
    assert len(claims) > 50
    named = {c.identifier for c in ds.graphs() if len(c)} - {GRAPH_ENTITIES, GRAPH_PROVENANCE, URIRef("https://w3id.org/ip4graph/graph/ontology")}
    assert named <= claims, "every fact graph is a described claim"


def test_generate_command(tmp_path: Path) -> None:
    out = tmp_path / "cli.trig"
    res = CliRunner().invoke(main, ["generate", "--triples", "800", "--seed", "1", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "quads" in res.output and out.is_file()
    res = CliRunner().invoke(main, ["generate", "--triples", "800", "-o", str(tmp_path / "x.csv")])
    assert res.exit_code == 2 and "trig" in res.output


def test_load_command_into_oxigraph(tmp_path: Path, generated: Path) -> None:
    store = tmp_path / "store"
    res = CliRunner().invoke(main, ["--data", str(generated), "--reasoning", "none", "load", "--backend", "oxigraph",
                                    "--path", str(store)])
    assert res.exit_code == 0, res.output
    assert "into oxigraph" in res.output
    from ip4graph.backends import get_backend

    b = get_backend("oxigraph", path=store)
    assert b.count() > 2500


def test_generate_reports_progress(tmp_path):
    from ip4graph.generate import PROGRESS_EVERY, write_generated

    seen = []
    asked = 2 * PROGRESS_EVERY + 10
    n = write_generated(tmp_path / "g.nq", asked, seed=3, progress=seen.append)
    counts = [e.done for e in seen if e.stage == "generate"]
    assert counts[:3] == [0, PROGRESS_EVERY, 2 * PROGRESS_EVERY] and counts[-1] == n >= asked
    assert counts == sorted(counts)
    last = [e for e in seen if e.stage == "generate"][-1]
    assert last.done == last.total == n and last.finished
    assert [(e.stage, e.done, e.total) for e in seen[-2:]] == [("write", 0, 1), ("write", 1, 1)]


def test_generate_command_shows_progress_only_when_asked(tmp_path):
    from click.testing import CliRunner

    from ip4graph.cli import main

    runner = CliRunner()
    shown = runner.invoke(main, ["--progress", "generate", "--triples", "2000", "-o", str(tmp_path / "g.trig")])
    assert shown.exit_code == 0, shown.output
    assert "generate " in shown.stderr and "/2000" in shown.stderr and "write " in shown.stderr
    quiet = runner.invoke(main, ["--no-progress", "generate", "--triples", "2000", "-o", str(tmp_path / "g.trig")])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert quiet.stdout == shown.stdout and shown.stdout.startswith("wrote ")
    # standard error is not a terminal here: no progress unless asked for
    auto = runner.invoke(main, ["generate", "--triples", "2000", "-o", str(tmp_path / "g.trig")])
    assert auto.exit_code == 0 and auto.stderr == "" and auto.stdout == shown.stdout
