"""Answers that cite their sources (ip4graph.cite, QueryResult.cite, `query --cite`), labels and table widths."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from browser import SAMPLE_TRIG, sample_dataset
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ip4graph.cite import CitationIndex, query_iris, query_vocabulary
from ip4graph.errors import QueryError
from ip4graph.kg import execute
from ip4graph.namespaces import IP4, IP4D
from ip4graph.results import OutputFormat, QueryResult, Row


@pytest.fixture(scope="module")
def sample():
    return sample_dataset()


@pytest.fixture(scope="module")
def index(sample):
    return CitationIndex.build(sample)


def test_direct_triple_between_two_row_values(index):
    (c,) = index.supporting([IP4D.japan, IP4D.ip4])
    assert c.claim == "ip4c:brief-p2-ip4-members"
    assert c.quote == "Australia, Japan, South Korea and New Zealand <b>form</b> the IP4."
    assert c.source == "NATO brief" and c.source_iri == str(IP4D["doc-brief"]) and c.certainty == "Stated"


def test_hedged_statement_is_cited_with_its_certainty(index):
    (c,) = index.supporting([IP4D.china, IP4D.nato])
    assert c.claim == "ip4c:usip-p24-likely-china" and c.certainty == "Likely"


def test_nothing_links_them_nothing_cited(index):
    assert index.supporting([IP4D.china, IP4D.japan]) == []
    assert index.supporting([IP4D.japan]) == []  # one thing alone is not a claim about it
    assert index.supporting([Literal(3)]) == []


def test_query_constants_and_bindings_join_the_row(sample):
    text = "SELECT ?m WHERE { ?m ip4:memberOf ip4d:ip4 } ORDER BY ?m"
    assert query_iris(text) == {IP4D.ip4} and query_vocabulary(text) == {IP4.memberOf}
    result = execute(sample, text).cite(sample, query=text)
    assert len(result.rows) == 5  # with the XSS probe state
    by_member = {str(r[0]).rsplit("/", 1)[-1]: cites for r, cites in zip(result.rows, result.citations)}
    assert [c.claim for c in by_member["japan"]] == ["ip4c:brief-p2-ip4-members"]
    assert [c.claim for c in by_member["xss"]] == ["ip4c:brief-p6-threats"]
    # the same query with the grouping as a parameter
    param = "SELECT ?m WHERE { ?m ip4:memberOf ?g }"
    bound = execute(sample, param, bindings={"g": IP4D.ip4}).cite(sample, query=param, bindings={"g": IP4D.ip4})
    assert [[c.claim for c in row] for row in bound.citations] == [[c.claim for c in row] for row in result.citations]


def test_citation_columns_in_every_format(sample):
    text = "SELECT ?a ?b WHERE { ?a ip4:partnerOf ?b } ORDER BY ?a"
    cited = execute(sample, text).cite(sample, query=text)
    assert cited.vars == ["a", "b", "cite_claims", "cite_sources", "cite_paragraphs", "cite_quotes", "cite_certainty"]
    rows = list(csv.DictReader(io.StringIO(cited.serialize(OutputFormat.CSV))))
    assert rows[0]["cite_quotes"] == "Japan and New Zealand are partners of NATO."
    assert rows[0]["cite_claims"] == "ip4c:brief-p3-partners"
    data = json.loads(cited.serialize(OutputFormat.JSON))
    assert data["head"]["vars"][-1] == "cite_certainty"
    assert data["results"]["bindings"][0]["cite_sources"]["value"] == "NATO brief"
    assert "Japan and New Zealand are partners of NATO." in cited.serialize(OutputFormat.TABLE, width=None)


def test_predicates_named_by_the_query_narrow_the_claims():
    from rdflib import Dataset

    ds = Dataset(default_union=True)
    ds.parse(data=SAMPLE_TRIG + """
        ip4c:other-p9-summit { ip4d:japan ip4:cooperatesWith ip4d:nato . }
        ip4g:provenance { ip4c:other-p9-summit a ip4:Claim ; ip4:quote "Japan works with NATO."@en ;
            ip4:certainty ip4:Stated . }
    """, format="trig")
    index = CitationIndex.build(ds)
    both = {c.claim for c in index.supporting([IP4D.japan, IP4D.nato])}
    assert {"ip4c:brief-p3-partners", "ip4c:other-p9-summit"} <= both
    only = index.supporting([IP4D.japan, IP4D.nato], predicates=[IP4.partnerOf])
    assert [c.claim for c in only] == ["ip4c:brief-p3-partners"]


def test_literal_values_cite_the_claim_that_gives_them():
    from rdflib import Dataset

    ds = Dataset(default_union=True)
    ds.parse(data=SAMPLE_TRIG + """
        ip4c:brief-p7-date { ip4d:summit-2024 ip4:date "2024-07-10"^^xsd:date . }
        ip4g:provenance { ip4c:brief-p7-date a ip4:Claim ; ip4:quote "The summit is on 10 July."@en . }
    """, format="trig")
    text = "SELECT ?s ?d WHERE { ?s ip4:date ?d }"
    cited = execute(ds, text).cite(ds, query=text)
    assert [c.claim for c in cited.citations[0]] == ["ip4c:brief-p7-date"]


def test_cite_needs_rows_and_a_dataset(sample):
    with pytest.raises(QueryError, match="no rows"):
        execute(sample, "ASK { ?s ?p ?o }").cite(sample)
    bare = QueryResult("SELECT", vars=["x"], rows=[Row([IP4D.japan], ("x",))])
    with pytest.raises(QueryError, match="no dataset"):
        bare.cite()


# --------------------------------------------------------------------------- labels, widths, types


def test_label_columns_follow_the_wikidata_convention(sample):
    result = execute(sample, "SELECT ?x ?n WHERE { ?x ip4:memberOf ip4d:ip4 BIND(1 AS ?n) } ORDER BY ?x")
    labelled = result.with_labels(lang="ja")
    assert labelled.vars == ["x", "xLabel", "n"]
    japan = next(r for r in labelled.rows if r.x == IP4D.japan)
    assert japan.xLabel == Literal("日本", lang="ja")
    australia = next(r for r in labelled.rows if r.x == IP4D.australia)
    assert str(australia.xLabel) == "Australia"  # no Japanese label: English
    rows = list(csv.DictReader(io.StringIO(labelled.serialize(OutputFormat.CSV))))
    assert {"x", "xLabel", "n"} == set(rows[0])


def test_group_concat_of_iris_shown_as_labels(sample):
    text = "SELECT ?g (GROUP_CONCAT(?m) AS ?ms) WHERE { ?m ip4:memberOf ?g } GROUP BY ?g"
    result = execute(sample, text)
    table = result.serialize(OutputFormat.TABLE, width=None)
    assert "https://" not in table and "Japan" in table and "New Zealand" in table
    labelled = result.with_labels()
    assert set(str(labelled.rows[0].msLabel).split(", ")) >= {"Japan", "Australia", "South Korea", "New Zealand"}


def test_table_width_and_wrap():
    long = "x" * 50 + " " + "y" * 50
    result = QueryResult("SELECT", vars=["q"], rows=[Row([Literal(long)], ("q",))])
    assert "\u2026" in result.serialize(OutputFormat.TABLE)
    assert long in result.serialize(OutputFormat.TABLE, width=None)
    wrapped = result.serialize(OutputFormat.TABLE, width=60, wrap=True).splitlines()
    assert wrapped[2].strip() == "x" * 50 and wrapped[3].strip() == "y" * 50 and "\u2026" not in "".join(wrapped)


def test_typed_python_values():
    row = Row([Literal("2016", datatype=XSD.gYear), Literal("2024-07-10", datatype=XSD.date), Literal(3),
               Literal("2023-07", datatype=XSD.gYearMonth), IP4D.japan, None], ("y", "d", "n", "ym", "x", "u"))
    assert row.values() == {"y": 2016, "d": datetime.date(2024, 7, 10), "n": 3, "ym": "2023-07",
                            "x": str(IP4D.japan), "u": None}
    result = QueryResult("SELECT", vars=list(row._vars), rows=[row])
    assert result.records() == [row.values()]
    frame = result.to_dataframe()  # pandas is in the test extra
    assert frame["y"][0] == 2016 and isinstance(frame["d"][0], datetime.date)


# --------------------------------------------------------------------------- CLI


def test_cli_query_cite_labels_lang_csv(tmp_path):
    from ip4graph.cli import main

    data = tmp_path / "sample.trig"
    data.write_text(SAMPLE_TRIG, encoding="utf-8")
    args = ["--reasoning", "none", "--data", str(data), "query", "ip4-members", "--format", "csv",
            "--labels", "--lang", "ko", "--cite"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    korea = next(r for r in rows if r["member"].endswith("/south-korea"))
    assert korea["memberLabel"] == "대한민국"
    assert korea["cite_claims"] == "ip4c:brief-p2-ip4-members" and korea["cite_sources"] == "NATO brief"
    adhoc = CliRunner().invoke(main, ["--reasoning", "none", "--data", str(data), "query", "--cite", "--width", "0",
                                      "-e", "SELECT ?a WHERE { ?a ip4:partnerOf ip4d:nato }"])
    assert adhoc.exit_code == 0 and "Japan and New Zealand are partners of NATO." in adhoc.output


def test_doctests_and_docs():
    import doctest
    from pathlib import Path

    import ip4graph.cite

    assert doctest.testmod(ip4graph.cite).failed == 0
    doc = Path(__file__).resolve().parent.parent / "docs" / "citations.md"
    assert doctest.testfile(str(doc), module_relative=False, optionflags=doctest.ELLIPSIS).failed == 0


def test_cli_no_labels_in_tables(tmp_path):
    from ip4graph.cli import main

    data = tmp_path / "sample.trig"
    data.write_text(SAMPLE_TRIG, encoding="utf-8")
    base = ["--reasoning", "none", "--data", str(data), "query", "ip4-members"]
    assert "Japan" in CliRunner().invoke(main, base).output
    bare = CliRunner().invoke(main, [*base, "--no-labels"]).output
    assert "ip4d:japan" in bare and "Japan " not in bare
