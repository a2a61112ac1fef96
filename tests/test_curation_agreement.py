"""Agreement between sources: facts stated by several sources, by one, and disagreements
(as rows and as ip4:contradicts links), and the section of the build report."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ip4graph.agreement import source_agreement
from ip4graph.catalog import load_catalog
from ip4graph.cli import main
from ip4graph.loader import load
from ip4graph.namespaces import IP4, IP4C, PREFIXES
from ip4graph.resources import data_paths

ROOT = Path(__file__).resolve().parent.parent
EX = ROOT / "examples" / "third-source"
CONTRA = ROOT / "tests" / "data" / "curation" / "contradiction.trig"


@pytest.fixture(scope="module")
def three_sources():
    return load([*data_paths(), EX / "source-example-note.trig", EX / "claims-example-note.trig", CONTRA])


def test_facts_by_number_of_sources(three_sources):
    a = source_agreement(three_sources)
    several = {(s, p, o): docs for s, p, o, docs in a.several}
    assert several[("Japan", "member of", "Indo-Pacific 4")] == "ip4d:doc-brief, ip4d:doc-example-note, ip4d:doc-usip"
    assert all(docs.count(",") >= 1 for docs in several.values())
    assert all("," not in docs for *_, docs in a.single)
    assert a.single and len(a.several) < len(a.single)


def test_disagreement_is_found_and_modelled(three_sources):
    a = source_agreement(three_sources)
    assert a.disputed == [("NATO", "plans presence in", "Indo-Pacific", "ip4c:example-note-p3-presence",
                           "ip4c:brief-p4-no-presence")]
    g = three_sources.query(load_catalog().get("construct-source-disagreements").text, initNs=PREFIXES).graph
    assert (IP4C["example-note-p3-presence"], IP4.contradicts, IP4C["brief-p4-no-presence"]) in g
    assert (IP4C["brief-p4-no-presence"], IP4.contradicts, IP4C["example-note-p3-presence"]) in g
    assert len(g) == 2


def test_shipped_data_alone_has_no_disagreement(dataset):
    assert source_agreement(dataset).disputed == []


def test_build_report_has_the_agreement_section(tmp_path: Path):
    out = tmp_path / "out"
    env = {"IP4GRAPH_SOURCES": str(EX / "sources")}
    r = CliRunner().invoke(main, ["--add", str(EX / "source-example-note.trig"), "--add", str(EX / "claims-example-note.trig"),
                                  "--add", str(CONTRA), "--reasoning", "none", "build", "-o", str(out)], env=env)
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## Agreement between sources" in report, r.output
    assert "- NATO *plans presence in* Indo-Pacific: stated in `ip4c:example-note-p3-presence`" in report
    assert "### Stated by more than one source" in report and "### Stated by only one source" in report
