"""SHACL shapes: the shipped data and the valid fixtures conform; each invalid fixture
fails with the error written in its header, on the focus node it names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ip4graph.loader import load
from ip4graph.validation import ReportFormat, validate

DATA = Path(__file__).parent / "data"
BASE = DATA / "valid" / "minimal.trig"
INVALID = sorted((DATA / "invalid").glob("*.trig"))


def header(path: Path, key: str) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(rf"# {key}: (.*)", line)
        if m:
            return m[1].strip()
    raise AssertionError(f"{path.name} has no '# {key}:' header")


def test_shipped_data_conforms(dataset):
    report = validate(dataset)
    assert report.conforms, report.text()
    assert report.violations == [] or all(v.severity != "Violation" for v in report.violations)


@pytest.mark.parametrize("path", sorted((DATA / "valid").glob("*.trig")), ids=lambda p: p.name)
def test_valid_fixtures_conform(path: Path):
    report = validate(load([path]))
    assert report.conforms, report.text()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_fixture_fails_with_its_expected_error(path: Path):
    expected, focus = header(path, "expect"), header(path, "focus")
    report = validate(load([BASE, path]))
    assert not report.conforms
    matching = [v for v in report.violations if expected in v.message]
    assert matching, f"expected {expected!r}; got:\n{report.text()}"
    assert any(v.focus == focus for v in matching), [v.focus for v in matching]
    human = report.text(ReportFormat.HUMAN)
    assert focus in human and "fix:" in human
    # the same failure is in the W3C report graph
    ttl = report.text(ReportFormat.TURTLE)
    assert "sh:conforms false" in ttl


def test_every_invalid_fixture_breaks_only_on_top_of_a_valid_base():
    assert validate(load([BASE])).conforms
    assert len(INVALID) >= 10


def test_table_format_lists_every_violation():
    report = validate(load([BASE, DATA / "invalid" / "missing-label.trig"]))
    table = report.text(ReportFormat.TABLE)
    assert "ip4d:unlabelled" in table
    assert f"{len(report.violations)} result(s); conforms: False" in table
