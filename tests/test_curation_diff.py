"""`ip4graph diff`: claims added, removed and changed, blank nodes compared by content,
Markdown / HTML / JSON, directories, files and git revisions."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from ip4graph.cli import main
from ip4graph.diff import DiffFormat, diff, load_side
from ip4graph.errors import SourceError

ROOT = Path(__file__).resolve().parent.parent
EX = ROOT / "examples" / "third-source"
CLAIMS = EX / "claims-example-note.trig"


@pytest.fixture()
def versions(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    for f in (CLAIMS, EX / "source-example-note.trig"):
        shutil.copy(f, old / f.name)
        shutil.copy(f, new / f.name)
    text = (new / CLAIMS.name).read_text(encoding="utf-8")
    text = text.replace("ip4:certainty ip4:Possible ;", "ip4:certainty ip4:Likely ;")  # hedge level changed
    text = text.replace("    ip4d:japan ip4:memberOf ip4d:ip4 .\n", "")  # one triple removed
    # one claim removed (its graph and description)
    start = text.index("ip4c:example-note-p2-madrid {")
    text = text[:start] + text[text.index("}", start) + 1:]
    start = text.index("    ip4c:example-note-p2-madrid a ip4:Claim")
    text = text[:start] + text[text.index("ip4:quote", start):].split("\n", 1)[1]
    (new / CLAIMS.name).write_text(text, encoding="utf-8")
    (new / "claims-extra.trig").write_text("""
@prefix ip4: <https://w3id.org/ip4graph/ontology#> .
@prefix ip4d: <https://w3id.org/ip4graph/id/> .
@prefix ip4c: <https://w3id.org/ip4graph/claim/> .
@prefix ip4g: <https://w3id.org/ip4graph/graph/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
ip4c:example-note-p2-partners { ip4d:japan ip4:partnerOf ip4d:nato . }
ip4g:provenance { ip4c:example-note-p2-partners a ip4:Claim ; prov:wasQuotedFrom ip4d:doc-example-note ;
    ip4:paragraph ip4d:doc-example-note-p2 ; ip4:quote "Japan and Australia are members"@en ; ip4:certainty ip4:Stated . }
""", encoding="utf-8")
    return old, new


def test_claims_added_removed_changed(versions):
    old, new = versions
    d = diff(load_side(str(old)), load_side(str(new)))
    by = {c.claim: c for c in d.claims}
    assert d.counts() == {"added": 1, "removed": 1, "changed": 2}
    assert by["ip4c:example-note-p2-partners"].status == "added"
    assert by["ip4c:example-note-p2-partners"].added == ["ip4d:japan ip4:partnerOf ip4d:nato ."]
    assert by["ip4c:example-note-p2-madrid"].status == "removed"
    assert by["ip4c:example-note-p2-madrid"].source == "ip4d:doc-example-note"
    assert "ip4d:japan ip4:participatedIn ip4d:madrid-summit-2022 ." in by["ip4c:example-note-p2-madrid"].removed
    members = by["ip4c:example-note-p2-members"]
    assert members.status == "changed" and members.removed == ["ip4d:japan ip4:memberOf ip4d:ip4 ."] and members.added == []
    workshop = by["ip4c:example-note-p3-workshop"]
    assert any("ip4:certainty ip4:Likely" in t and "rdf:Statement" in t for t in workshop.added)
    assert "ip4c:example-note-p3-workshop ip4:certainty ip4:Possible ." in workshop.provenance_removed
    assert workshop.quote == "A follow-up workshop of the four partners may be held in Canberra."


def test_blank_nodes_are_compared_by_content(tmp_path: Path):
    # the same data with every blank node written differently (labelled, reordered) is no change
    from rdflib import Dataset

    ds = Dataset()
    ds.parse(CLAIMS, format="trig")
    other = tmp_path / "same.nq"
    other.write_text(ds.serialize(format="nquads"), encoding="utf-8")
    d = diff(load_side(str(CLAIMS)), load_side(str(other)))
    assert d.empty, d.render(DiffFormat.MARKDOWN)


def test_formats(versions):
    old, new = versions
    d = diff(load_side(str(old)), load_side(str(new)), old_name="old", new_name="new")
    md = d.render(DiffFormat.MARKDOWN)
    assert "## Claims added" in md and "### `ip4c:example-note-p2-partners`" in md
    assert "- `- ip4d:japan ip4:memberOf ip4d:ip4 .`" in md
    page = d.render(DiffFormat.HTML)
    assert page.startswith("<!DOCTYPE html>") and "http://" not in page.split("<body>")[0]
    assert "<h2>Claims removed</h2>" in page
    data = json.loads(d.render(DiffFormat.JSON))
    assert data["counts"] == {"added": 1, "removed": 1, "changed": 2}
    assert {c["claim"] for c in data["claims"]} >= {"ip4c:example-note-p2-partners", "ip4c:example-note-p2-madrid"}


def test_command_exit_status_and_output_file(versions, tmp_path: Path):
    old, new = versions
    r = CliRunner().invoke(main, ["diff", str(old), str(old)])
    assert r.exit_code == 0 and "No differences." in r.output
    out = tmp_path / "review.html"
    r = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "html", "-o", str(out)])
    assert r.exit_code == 1, r.output
    assert "1 added, 1 removed, 2 changed" in r.output and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    r = CliRunner().invoke(main, ["diff", str(old), str(tmp_path / "missing")])
    assert r.exit_code == 2 and "not a file, a directory or git:REV" in r.output


def test_git_revisions(tmp_path: Path, versions):
    old, new = versions
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                       check=True, capture_output=True)
    git("init", "-q")
    for f in old.iterdir():
        shutil.copy(f, repo / "data" / f.name)
    git("add", "-A")
    git("commit", "-qm", "one")
    for f in new.iterdir():
        shutil.copy(f, repo / "data" / f.name)
    git("add", "-A")
    git("commit", "-qm", "two")
    d = diff(load_side("git:HEAD~1", repo=repo), load_side("git:HEAD", repo=repo))
    assert d.counts() == {"added": 1, "removed": 1, "changed": 2}
    with pytest.raises(SourceError) as err:
        load_side("git:no-such-rev", repo=repo)
    assert "git revision 'no-such-rev'" in err.value.message
