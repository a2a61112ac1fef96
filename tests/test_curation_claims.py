"""Sources and claims sheets: `source add/register/anchor` and `claims compile`, end to end
with the worked example of docs/data-authoring.md (examples/third-source)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import OWL, RDF, RDFS

from ip4graph.claims import compile_sheet
from ip4graph.cli import main
from ip4graph.errors import SourceError
from ip4graph.loader import load
from ip4graph.namespaces import GRAPH_ENTITIES, GRAPH_PROVENANCE, IP4, IP4C, IP4D, PREFIXES
from ip4graph.resources import data_paths
from ip4graph.sources import OA, register_text, sha256_of
from ip4graph.validation import validate

ROOT = Path(__file__).resolve().parent.parent
EX = ROOT / "examples" / "third-source"
TEXT = EX / "sources" / "example-analyst-note.txt"
SOURCE_TRIG = EX / "source-example-note.trig"
CLAIMS_TRIG = EX / "claims-example-note.trig"


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def quads(path: Path) -> Dataset:
    ds = Dataset()
    ds.parse(path, format="trig")
    return ds


def same_dataset(a: Dataset, b: Dataset) -> bool:
    ga = {c.identifier for c in a.graphs() if len(c)}
    gb = {c.identifier for c in b.graphs() if len(c)}
    return ga == gb and all(isomorphic(a.graph(g), b.graph(g)) for g in ga)


def test_source_add_writes_document_paragraphs_url_and_hash(tmp_path: Path):
    out = tmp_path / "source.trig"
    r = invoke("source", "add", str(TEXT), "--id", "example-note", "--title", "Example analyst note on NATO and the IP4",
               "--date", "2025-11", "--url", "https://example.org/ip4graph/example-note",
               "--label-fr", "note d'analyste d'exemple sur l'OTAN et les IP4",
               "--label-ja", "NATOとIP4に関する分析メモ（例）", "--label-ko", "NATO와 IP4에 관한 분석 메모(예시)",
               "-o", str(out))
    assert r.exit_code == 0, r.output
    ds = quads(out)
    labels = {lab.language for lab in ds.graph(GRAPH_ENTITIES).objects(IP4D["doc-example-note-p2"], RDFS.label)}
    assert labels == {"en", "fr", "ja", "ko"}  # every named entity is labelled in the four languages
    g = ds.graph(GRAPH_ENTITIES)
    doc = IP4D["doc-example-note"]
    assert (doc, RDF.type, IP4.SourceDocument) in g
    assert str(g.value(doc, IP4.sha256)) == sha256_of(TEXT)
    assert str(g.value(doc, URIRef("https://schema.org/url"))) == "https://example.org/ip4graph/example-note"
    numbers = sorted(int(n) for n in g.objects(None, IP4.paragraphNumber))
    assert numbers == [1, 2, 3]  # the three non-empty lines of the text
    assert int(g.value(IP4D["doc-example-note-p2"], IP4.lineNumber)) == 3
    # the shipped example file is exactly what the command writes
    assert same_dataset(ds, quads(SOURCE_TRIG))
    # nothing is replaced without --force
    again = invoke("source", "add", str(TEXT), "--id", "example-note", "--title", "t", "--date", "2025", "-o", str(out))
    assert again.exit_code == 2 and "output file exists" in again.output


@pytest.mark.parametrize("args, message", [
    (["--date", "November 2025"], "is not YYYY, YYYY-MM or YYYY-MM-DD"),
    (["--date", "2025", "--id", "Bad Id"], "is not valid"),
    (["--date", "2025", "--url", "ftp://x"], "is not an http(s) URL"),
])
def test_source_add_rejects_bad_metadata(tmp_path: Path, args: list[str], message: str):
    base = ["source", "add", str(TEXT), "--title", "T", "-o", str(tmp_path / "x.trig")]
    if "--id" not in args:
        base += ["--id", "x"]
    r = invoke(*base, *args)
    assert r.exit_code == 2 and message in r.output
    assert not (tmp_path / "x.trig").exists()


def test_register_and_anchor_match_the_shipped_files(tmp_path: Path):
    from conftest import SOURCES

    brief = SOURCES / "nato-ip4-75th-anniversary-brief.txt"
    ds = register_text(brief, doc_id="brief", describe=False)
    assert same_dataset(ds, quads(ROOT / "data" / "source-brief.trig"))
    out = tmp_path / "anchors.trig"
    others = [p for p in data_paths() if p.name != "anchors-brief.trig"]
    args = [x for p in others for x in ("--data", str(p))]
    r = invoke(*args, "source", "anchor", "brief", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8") == (ROOT / "data" / "anchors-brief.trig").read_text(encoding="utf-8")
    prov = quads(out).graph(GRAPH_PROVENANCE)
    claim = IP4C["brief-p2-agreements-2010s"]
    positions = [s for s in prov.objects(claim, OA.hasSelector) if (s, RDF.type, OA.TextPositionSelector) in prov]
    [pos] = positions
    paragraph = [ln.strip() for ln in brief.read_text(encoding="utf-8").splitlines() if ln.strip()][1]
    start, end = int(prov.value(pos, OA.start)), int(prov.value(pos, OA.end))
    assert paragraph[start:end] == "In the early 2010s, NATO signed formal partnership agreements with the IP4."


@pytest.fixture(scope="module")
def with_example_source() -> Dataset:
    return load([*data_paths(), SOURCE_TRIG])


def test_compile_is_deterministic_and_matches_the_example(with_example_source, tmp_path: Path):
    a, warn_a = compile_sheet(EX / "claims.csv", with_example_source, entities=EX / "entities.csv", sources=EX / "sources")
    b, _ = compile_sheet(EX / "claims.csv", with_example_source, entities=EX / "entities.csv", sources=EX / "sources")
    assert same_dataset(a, b)
    assert same_dataset(a, quads(CLAIMS_TRIG))
    assert warn_a == []
    # the written text is byte-for-byte stable too
    out1, out2 = tmp_path / "1.trig", tmp_path / "2.trig"
    for out in (out1, out2):
        r = invoke("--add", str(SOURCE_TRIG), "claims", "compile", str(EX / "claims.csv"), "--entities",
                   str(EX / "entities.csv"), "-o", str(out), "--sources", str(EX / "sources"))
        assert r.exit_code == 0, r.output
    assert out1.read_bytes() == out2.read_bytes()
    assert to_isomorphic(quads(out1).graph(IP4C["example-note-p2-members"])) == \
        to_isomorphic(quads(CLAIMS_TRIG).graph(IP4C["example-note-p2-members"]))


def test_compiled_claims_follow_the_modelling(with_example_source):
    ds, _ = compile_sheet(EX / "claims.csv", with_example_source, entities=EX / "entities.csv", sources=EX / "sources")
    members = ds.graph(IP4C["example-note-p2-members"])
    # "Australie" (French label) and "member of" (property label) were resolved
    assert (IP4D.australia, IP4.memberOf, IP4D.ip4) in members
    hedged = ds.graph(IP4C["example-note-p3-workshop"])
    [st] = hedged.subjects(RDF.type, RDF.Statement)
    assert hedged.value(st, IP4.certainty) == IP4.Possible and str(hedged.value(st, IP4.hedge)) == "may"
    assert (IP4D["example-canberra-workshop"], IP4.hasParticipant, IP4D.japan) not in hedged  # never plain
    denied = ds.graph(IP4C["example-note-p3-no-presence"])
    [npa] = denied.subjects(RDF.type, OWL.NegativePropertyAssertion)
    assert denied.value(npa, OWL.assertionProperty) == IP4.plansPresenceIn
    prov = ds.graph(GRAPH_PROVENANCE)
    assert prov.value(IP4C["example-note-p3-no-presence"], IP4.certainty) == IP4.Denied
    assert len(list(prov.objects(IP4C["example-note-p2-madrid"], OA.hasSelector))) == 2


def _sheet(tmp_path: Path, rows: list[str], name: str = "s.csv") -> Path:
    header = "claim,source,paragraph,quote,subject,predicate,object,certainty"
    p = tmp_path / name
    p.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return p


Q = "Japan and Australia are members of the group NATO calls the Indo-Pacific 4."


@pytest.mark.parametrize("row, line, column, message, hint", [
    (f"m,example-note,2,{Q},Japon,ip4:memberOf,Indo-Pacifc 4,stated", 2, 7, "no entity is labelled 'Indo-Pacifc 4'",
     "close matches"),
    (f"m,example-note,2,{Q},Japan,ip4:memberof,ip4d:ip4,stated", 2, 6, "ip4:memberof is not declared",
     "did you mean ip4:memberOf"),
    (f"m,example-note,2,{Q},Japan,ip4:memberOf,ip4d:ip4,probable", 2, 8, "'probable' is not a certainty", "stated"),
    (f"m,example-note,9,{Q},Japan,ip4:memberOf,ip4d:ip4,stated", 2, 3, "has no paragraph 9", "paragraphs"),
    ("m,example-note,2,Japan and Australia are the IP4.,Japan,ip4:memberOf,ip4d:ip4,stated", 2, 4,
     "not verbatim in paragraph 2", "copy the words"),
    (f"m,unknown-doc,2,{Q},Japan,ip4:memberOf,ip4d:ip4,stated", 2, 2, "is not a registered source document",
     "source add"),
])
def test_bad_cells_are_errors_naming_row_and_column(with_example_source, tmp_path: Path, row, line, column, message, hint):
    sheet = _sheet(tmp_path, [row])
    with pytest.raises(SourceError) as err:
        compile_sheet(sheet, with_example_source, sources=EX / "sources")
    assert err.value.location.source == str(sheet)
    assert (err.value.location.line, err.value.location.column) == (line, column)
    assert message in err.value.message and hint in (err.value.hint or "")


def test_an_ambiguous_label_is_an_error_with_candidates(with_example_source, tmp_path: Path):
    sheet = _sheet(tmp_path, [f"m,example-note,2,{Q},Japan,ip4:memberOf,ip4d:ip4,stated",
                              f"m,example-note,2,{Q},NATO-Japan,ip4:memberOf,ip4d:ip4,stated"])
    lookup = with_example_source
    # two entities sharing a label: add a second one labelled like Japan
    ds = Dataset()
    for q in lookup.quads((None, None, None, None)):
        ds.add(q)
    ds.graph(GRAPH_ENTITIES).add((IP4D["japan-2"], RDF.type, IP4.State))
    ds.graph(GRAPH_ENTITIES).add((IP4D["japan-2"], URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Japan", lang="en")))
    with pytest.raises(SourceError) as err:
        compile_sheet(sheet, ds, sources=EX / "sources")
    assert (err.value.location.line, err.value.location.column) == (2, 5)
    assert "matches several entities" in err.value.message and "ip4d:japan-2" in err.value.message


def test_rows_of_one_claim_must_agree(with_example_source, tmp_path: Path):
    sheet = _sheet(tmp_path, [f"m,example-note,2,{Q},Japan,ip4:memberOf,ip4d:ip4,stated",
                              f"m,example-note,2,{Q},Australia,ip4:memberOf,ip4d:ip4,likely"])
    with pytest.raises(SourceError) as err:
        compile_sheet(sheet, with_example_source, sources=EX / "sources")
    assert (err.value.location.line, err.value.location.column) == (3, 8)
    assert "already has certainty 'stated' (row 2)" in err.value.message


def test_tsv_and_literal_objects(with_example_source, tmp_path: Path):
    p = tmp_path / "s.tsv"
    p.write_text("claim\tsource\tparagraph\tquote\tsubject\tpredicate\tobject\tdatatype\tcertainty\n"
                 "madrid\texample-note\t2\tTheir leaders took part in the NATO summit held in Madrid in 2022.\t"
                 "ip4d:madrid-summit-2022\tip4:date\t2022\txsd:gYear\tstated\n", encoding="utf-8")
    ds, _ = compile_sheet(p, with_example_source, sources=EX / "sources")
    g = ds.graph(IP4C["example-note-p2-madrid"])
    assert (IP4D["madrid-summit-2022"], IP4.date, Literal("2022", datatype=URIRef(str(PREFIXES["xsd"]) + "gYear"))) in g


def test_third_source_end_to_end_validates_and_answers_queries(tmp_path: Path):
    env = {"IP4GRAPH_SOURCES": str(EX / "sources")}
    adds = ["--add", str(SOURCE_TRIG), "--add", str(CLAIMS_TRIG), "--reasoning", "none"]
    r = invoke(*adds, "validate", env=env)
    assert r.exit_code == 0, r.output
    assert "quotes not checked" not in r.output
    r = invoke(*adds, "query", "who-says", "-p", "subject=Japan", "-p", "predicate=ip4:memberOf", "-p", "object=IP4",
               env=env)
    assert r.exit_code == 0, r.output
    assert "ip4c:example-note-p2-members" in r.output and "ip4c:brief-p2-ip4-members" in r.output
    ds = load([*data_paths(), SOURCE_TRIG, CLAIMS_TRIG])
    assert validate(ds, sources=EX / "sources").conforms
    rows = list(ds.query("""SELECT ?doc WHERE { GRAPH ?c { ip4d:japan ip4:memberOf ip4d:ip4 }
                              ?c prov:wasQuotedFrom ?doc }""", initNs=PREFIXES))
    assert {r[0] for r in rows} >= {IP4D["doc-brief"], IP4D["doc-example-note"]}


def test_an_edited_example_text_needs_review(tmp_path: Path):
    shutil.copy(TEXT, tmp_path / TEXT.name)
    edited = tmp_path / TEXT.name
    edited.write_text(edited.read_text(encoding="utf-8").replace("may be held", "will be held"), encoding="utf-8")
    ds = load([*data_paths(), SOURCE_TRIG, CLAIMS_TRIG])
    report = validate(ds, sources=tmp_path)
    review = [v for v in report.violations if v.rule == "source-changed"]
    assert {v.focus for v in review} == {f"ip4c:example-note-{c}" for c in ("p2-members", "p2-madrid", "p3-workshop", "p3-no-presence")}
    [w] = [v for v in review if v.focus == "ip4c:example-note-p3-workshop"]
    assert "was: [A follow-up workshop of the four partners may be held in Canberra.]" in w.message
    assert "now: A follow-up workshop of the four partners will be held in Canberra." in w.message


def test_third_source_appears_in_the_html_graph(tmp_path: Path):
    out = tmp_path / "g.html"
    r = invoke("--add", str(SOURCE_TRIG), "--add", str(CLAIMS_TRIG), "--reasoning", "none",
               "viz", "--focus", "ip4d:example-canberra-workshop", "-o", str(out))
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert "follow-up workshop of the IP4 in Canberra (example)" in page
    assert "A follow-up workshop of the four partners may be held in Canberra." in page  # the quote in the tooltip


def test_the_endpoint_graph_includes_added_files():
    # `ip4graph serve` serves open_kg(state): the same files as every other command
    from ip4graph.commands.common import State
    from ip4graph.commands.query import open_kg
    from ip4graph.reasoning import Reasoning

    kg = open_kg(State(add=(SOURCE_TRIG, CLAIMS_TRIG), reasoning=Reasoning.NONE, cache=False))
    assert (IP4D["example-canberra-workshop"], RDF.type, IP4.Meeting) in kg.asserted
    assert len(kg.asserted.graph(IP4C["example-note-p2-members"])) == 2


def test_comments_blank_lines_and_multiline_cells_keep_row_numbers(with_example_source, tmp_path: Path):
    p = tmp_path / "s.csv"
    p.write_text("# claims of the example note\n"
                 "claim,source,paragraph,quote,subject,predicate,object,certainty,note\n"
                 "\n"
                 f"m,example-note,2,{Q},Japan,ip4:memberOf,ip4d:ip4,stated,\"a note\nover two lines\"\n"
                 f"m,example-note,2,{Q},Japn,ip4:memberOf,ip4d:ip4,stated,\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        compile_sheet(p, with_example_source, sources=EX / "sources")
    assert (err.value.location.line, err.value.location.column) == (6, 5)


def test_template_is_a_sheet_the_compiler_reads(with_example_source, tmp_path: Path):
    sheet = tmp_path / "new.csv"
    r = invoke("claims", "template", "--source", "example-note", "-o", str(sheet))
    assert r.exit_code == 0, r.output
    text = sheet.read_text(encoding="utf-8")
    header = text.splitlines()[1].split(",")
    assert header[:4] == ["claim", "source", "paragraph", "quote"] and "certainty" in header
    # filled in with one row, it compiles
    row = {"claim": "members", "source": "example-note", "paragraph": "2", "quote": Q, "subject": "Japan",
           "predicate": "ip4:memberOf", "object": "IP4", "certainty": "stated"}
    with sheet.open("a", encoding="utf-8") as fh:
        fh.write(",".join(row.get(c, "") if c != "quote" else f'"{Q}"' for c in header) + "\n")
    ds, _ = compile_sheet(sheet, with_example_source, sources=EX / "sources")
    assert (IP4D.japan, IP4.memberOf, IP4D.ip4) in ds.graph(IP4C["example-note-p2-members"])


def test_add_takes_a_folder_of_data_files(tmp_path: Path):
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(SOURCE_TRIG, folder / SOURCE_TRIG.name)
    shutil.copy(CLAIMS_TRIG, folder / CLAIMS_TRIG.name)
    (folder / "notes.txt").write_text("not RDF: ignored", encoding="utf-8")
    r = invoke("--add", str(folder), "--reasoning", "none", "query", "who-says", "-p", "subject=Japan",
               "-p", "predicate=ip4:memberOf", "-p", "object=IP4")
    assert r.exit_code == 0, r.output
    assert "ip4c:example-note-p2-members" in r.output
