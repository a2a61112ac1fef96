"""Validation the product enforces on any data: one invalid fixture per rule, each with its
expected message, focus and line; source texts whose hash changed or that are missing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ip4graph.cli import main

from ip4graph.loader import load
from ip4graph.validation import ReportFormat, validate

DATA = Path(__file__).parent / "data"
CUR = DATA / "curation"
BASE = CUR / "base.trig"
SOURCES = CUR / "sources"
INVALID = sorted((DATA / "invalid" / "curation").glob("*.trig"))


def header(path: Path, key: str) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(rf"# {key}: (.*)", line)
        if m:
            return m[1].strip()
    raise AssertionError(f"{path.name} has no '# {key}:' header")


def run(files: list[Path], sources: Path = SOURCES, shapes: Path | None = None):
    return validate(load(files), files=files, sources=sources, shapes=shapes)


def test_base_conforms_with_its_quotes_checked():
    report = run([BASE])
    assert report.conforms, report.text()
    assert report.violations == [], report.text()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_fixture_fails_with_its_message_file_and_line(path: Path):
    expected, focus, line = header(path, "expect"), header(path, "focus"), int(header(path, "line"))
    no_shapes = "# shapes: none" in path.read_text(encoding="utf-8")
    report = run([BASE, path], shapes=CUR / "no-shapes.ttl" if no_shapes else None)
    assert not report.conforms
    matching = [v for v in report.violations if expected in v.message]
    assert matching, f"expected {expected!r}; got:\n{report.text()}"
    assert any(v.focus == focus for v in matching), [v.focus for v in matching]
    assert any(v.location == f"{path}:{line}" for v in matching), [v.location for v in matching]
    human = report.text(ReportFormat.HUMAN)
    assert f"at:    {path}:{line}" in human and "triple:" in human
    assert "sh:conforms false" in report.text(ReportFormat.TURTLE)


def test_the_four_defects_of_the_issue_are_each_refused(tmp_path: Path):
    names = ["entity-without-type-or-label", "undeclared-property", "undefined-entity", "quote-in-no-text"]
    files = [BASE] + [DATA / "invalid" / "curation" / f"{n}.trig" for n in names]
    report = run(files)
    assert not report.conforms
    rules = {v.rule for v in report.violations}
    assert {"undescribed-entity", "undeclared-term", "quote"} <= rules
    for n in names:
        assert any(v.location and v.location.startswith(str(DATA / "invalid" / "curation" / n)) for v in report.violations), n


def test_a_changed_text_puts_every_citing_claim_up_for_review(tmp_path: Path):
    folder = tmp_path / "sources"
    folder.mkdir()
    text = (SOURCES / "fixture-note.txt").read_text(encoding="utf-8")
    (folder / "fixture-note.txt").write_text(text.replace("in 2016", "in 2017"), encoding="utf-8")
    report = run([BASE], sources=folder)
    assert not report.conforms
    [v] = [v for v in report.violations if v.rule == "source-changed"]
    assert v.focus == "ip4c:fixture-note-p2-member"
    assert "needs review" in v.message
    assert "was: [Fixtureland joined the Fixture Organisation in 2016.]" in v.message
    assert "now: Fixtureland joined the Fixture Organisation in 2017." in v.message


def test_an_unavailable_text_is_reported_as_not_checked(tmp_path: Path):
    report = run([BASE], sources=tmp_path)
    assert report.conforms  # a warning, not a violation ...
    [v] = [v for v in report.violations if v.rule == "quotes-not-checked"]
    assert v.severity == "Warning"
    assert "quotes not checked: 1 claim(s) cite ip4d:doc-fixture-note" in v.message  # ... never silent
    assert "Conforms, with 1 warning(s)." in report.text()


def test_validate_command_refuses_the_issue_defects_with_exit_1(tmp_path: Path):
    fixture = DATA / "invalid" / "curation" / "undeclared-property.trig"
    result = CliRunner().invoke(main, ["--data", str(BASE), "--add", str(fixture), "--reasoning", "none",
                                       "validate", "--sources", str(SOURCES)])
    assert result.exit_code == 1, result.output
    assert "did you mean ip4:participatedIn?" in result.stdout
    assert f"{fixture}:{header(fixture, 'line')}" in result.stdout


def test_build_refuses_invalid_data_unless_told(tmp_path: Path):
    fixture = DATA / "invalid" / "curation" / "undeclared-class.trig"
    out = tmp_path / "out"
    args = ["--data", str(BASE), "--add", str(fixture), "--reasoning", "none", "build", "-o", str(out),
            "--sources", str(SOURCES)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "build refused" in result.stderr and "ip4:Stat" in result.stderr
    assert not out.exists() or not any(out.iterdir())
    result = CliRunner().invoke(main, [*args, "--allow-invalid"])
    assert (out / "ip4graph.trig").is_file(), result.output
    assert result.exit_code == 1  # written, but still reported as not conforming


def test_shipped_quotes_are_checked_by_the_product(dataset):
    report = validate(dataset)
    assert report.conforms, report.text()
    assert not [v for v in report.violations if v.rule == "quotes-not-checked"], report.text()


def test_copy_of_shipped_text_with_one_change_is_caught(dataset, tmp_path: Path):
    from conftest import SOURCES as SHARED

    if not SHARED.is_dir():
        pytest.fail("the shipped source texts are expected in ../shared/sources")
    for f in SHARED.glob("*.txt"):
        shutil.copy(f, tmp_path / f.name)
    brief = tmp_path / "nato-ip4-75th-anniversary-brief.txt"
    brief.write_text(brief.read_text(encoding="utf-8").replace("early 2010s", "late 2010s"), encoding="utf-8")
    report = validate(dataset, sources=tmp_path)
    review = [v for v in report.violations if v.rule == "source-changed"]
    citing = {str(r[0]) for r in dataset.query(
        "SELECT ?c WHERE { ?c <http://www.w3.org/ns/prov#wasQuotedFrom> <https://w3id.org/ip4graph/id/doc-brief> }")}
    assert len(review) == len(citing) > 30  # every claim citing the brief, and only those
    assert all("ip4d:doc-brief" in v.message for v in review)
    assert any("[In the early 2010s, NATO signed formal partnership agreements with the IP4.]" in v.message
               and "now: In the late 2010s, NATO signed" in v.message for v in review)


def test_shacl_results_name_file_and_line_too():
    base = DATA / "valid" / "minimal.trig"
    fixture = DATA / "invalid" / "missing-label.trig"
    report = validate(load([base, fixture]), files=[base, fixture])
    located = [v for v in report.violations if v.focus == "ip4d:unlabelled"]
    assert located and all(v.location == f"{fixture}:14" for v in located)


def test_sources_folder_from_project_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from ip4graph.errors import SourceError
    from ip4graph.sources import sources_folder

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IP4GRAPH_SOURCES", raising=False)
    shutil.copytree(SOURCES, tmp_path / "texts")
    (tmp_path / "ip4graph.toml").write_text('[sources]\nfolders = ["texts"]\n', encoding="utf-8")
    assert sources_folder()[0] == tmp_path / "texts"
    report = validate(load([BASE]), files=[BASE])  # no --sources: the config finds the text
    assert report.conforms and not report.violations, report.text()
    (tmp_path / "ip4graph.toml").write_text('[sources]\nfolders = "texts\n', encoding="utf-8")
    with pytest.raises(SourceError) as err:
        sources_folder()
    assert err.value.location.source.endswith("ip4graph.toml") and err.value.location.line == 2
