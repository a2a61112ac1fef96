"""Progress of long jobs (ip4graph.progress): the library reports events, the CLI draws them on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ip4graph.cli import main
from ip4graph.progress import ProgressEvent

DATA = Path(__file__).parent / "data"


def _stage(events: list[ProgressEvent], stage: str) -> list[ProgressEvent]:
    return [e for e in events if e.stage == stage]


def _ends_at_total(events: list[ProgressEvent]) -> None:
    assert events, "no events"
    counts = [e.done for e in events]
    assert counts == sorted(counts), counts
    assert events[0].done == 0
    assert events[-1].done == events[-1].total > 0 and events[-1].finished
    assert not any(e.finished for e in events[:-1])


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from ip4graph.generate import write_generated

    path = tmp_path_factory.mktemp("gen") / "g.nq"
    write_generated(path, 6000, seed=4)
    return path


@pytest.fixture(autouse=True)
def closure_cache(tmp_path_factory, monkeypatch):
    """One reasoning of the generated data for the whole module (the closure cache)."""
    monkeypatch.setenv("IP4GRAPH_CACHE", str(tmp_path_factory.getbasetemp() / "closure-cache"))


def test_store_build_reports_the_quads_it_loads(generated, tmp_path, monkeypatch):
    from ip4graph.backends import oxigraph
    from ip4graph.store import Inputs, compile_store

    monkeypatch.setattr(oxigraph, "PROGRESS_EVERY", 1000)
    seen: list[ProgressEvent] = []
    counts = compile_store(Inputs.of([generated]), tmp_path / "store", progress=seen.append)
    assert [(e.done, e.total) for e in _stage(seen, "parse and reason")] == [(0, 1), (1, 1)]
    load = _stage(seen, "load")
    _ends_at_total(load)
    assert len(load) >= 8  # 0, every 1000 quads, the end
    assert load[-1].total >= counts["distinct_asserted"] + counts["inferred"]
    assert [e.stage for e in seen].index("load") > [e.stage for e in seen].index("parse and reason")


def test_opening_a_built_store_reports_nothing(generated, tmp_path):
    from ip4graph.store import Inputs, open_compiled

    inputs = Inputs.of([generated])
    first: list[ProgressEvent] = []
    backend, report = open_compiled(inputs, root=tmp_path, progress=first.append)
    backend.close()
    assert report.built and _stage(first, "load")
    again: list[ProgressEvent] = []
    backend, report = open_compiled(inputs, root=tmp_path, progress=again.append)
    backend.close()
    assert not report.built and again == []


def test_build_reports_each_output_and_each_query(tmp_path):
    from ip4graph.build import BUILD_STEPS, build
    from ip4graph.catalog import load_catalog
    from ip4graph.kg import KnowledgeGraph

    kg = KnowledgeGraph.open([DATA / "valid" / "minimal.trig"], backend="memory", cache=False)
    seen: list[ProgressEvent] = []
    result = build(kg, tmp_path / "out", allow_invalid=True, progress=seen.append)
    steps = _stage(seen, "build")
    _ends_at_total(steps)
    assert [e.detail for e in steps[1:]] == list(BUILD_STEPS)
    queries = _stage(seen, "queries")
    _ends_at_total(queries)
    assert queries[-1].total == len(load_catalog()) == len(queries) - 1
    assert result.outputs["report"].is_file()


def test_enrich_offline_reports_reading_the_cache():
    from ip4graph.enrich import enrich
    from ip4graph.loader import load

    seen: list[ProgressEvent] = []
    enrich(load(None, ontology=False), progress=seen.append)
    assert [(e.stage, e.done, e.total) for e in seen] == [("read cache", 0, 1), ("read cache", 1, 1)]


def test_enrich_reports_each_query_sent():
    from ip4graph.enrich import BATCH, fetch
    from ip4graph.loader import load
    from ip4graph.results import QueryResult

    class Fake:
        endpoint = "http://example.org/sparql"

        def select(self, text):
            return QueryResult("SELECT", vars=[], rows=[])

    ds = load(None, ontology=False)
    from ip4graph.enrich import linked_items

    batches = -(-len(linked_items(ds)) // BATCH)
    seen: list[ProgressEvent] = []
    fetch(ds, Fake(), progress=seen.append)
    _ends_at_total(seen)
    assert seen[-1].total == 2 * batches and {e.stage for e in seen} == {"fetch"}


def test_cli_progress_goes_to_stderr_and_leaves_stdout_alone(generated, tmp_path, monkeypatch):
    """A query on data whose store must be compiled: --progress draws the build on stderr,
    stdout is the same as with --no-progress, and --no-progress writes nothing on stderr."""
    runner = CliRunner()
    monkeypatch.setenv("IP4GRAPH_STORE", str(tmp_path / "store-a"))
    shown = runner.invoke(main, ["--progress", "--data", str(generated), "query", "ip4-members", "--format", "csv"])
    assert shown.exit_code == 0, shown.output
    assert "parse and reason" in shown.stderr and "load " in shown.stderr and "#" in shown.stderr
    monkeypatch.setenv("IP4GRAPH_STORE", str(tmp_path / "store-b"))
    quiet = runner.invoke(main, ["--no-progress", "--data", str(generated), "query", "ip4-members", "--format", "csv"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert quiet.stdout == shown.stdout and "japan" in shown.stdout


def test_cli_load_shows_progress_when_asked(generated, tmp_path):
    res = CliRunner().invoke(main, ["--progress", "--data", str(generated), "load", "--backend", "oxigraph",
                                    "--path", str(tmp_path / "ox")])
    assert res.exit_code == 0, res.output
    assert "load " in res.stderr and res.stdout.startswith("loaded ")
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("load ")]
    done, total = lines[-1].split()[-1].split("/")
    assert done == total and int(total) > 6000


def test_renderer_text():
    from ip4graph.commands.common import StderrProgress

    assert StderrProgress.text(ProgressEvent("load", 5, 10)) == "load             [############------------] 5/10"
    assert StderrProgress.text(ProgressEvent("load", 7, 0, "x")) == "load             7  x"


def test_doctests():
    import doctest

    import ip4graph.progress

    assert doctest.testmod(ip4graph.progress).failed == 0
