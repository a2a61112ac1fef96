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


# --------------------------------------------------------------------------- which claims cite a row (issue 14)
# Each case was over-cited before: every claim linking the query's own entities (NATO and Japan)
# cited every row, whatever the row held.


@pytest.fixture(scope="module")
def shipped():
    import ip4graph

    kg = ip4graph.default_graph()
    return kg, CitationIndex.build(kg.asserted)


def _cited(shipped, name, **params):
    from ip4graph.cite import cited_query

    kg, index = shipped
    result = cited_query(name, kg=kg, index=index, **params)
    n = len(result.vars) - 5
    return [([v for v in row][:n], {c.claim for c in cites}) for row, cites in zip(result.rows, result.citations)]


def _row(rows, **where):
    """The one row whose columns end with these local names / values."""
    found = [(vals, cites) for vals, cites in rows
             if all(any(v is not None and str(v).endswith(text) for v in vals) for text in where.values())]
    assert len(found) == 1, (where, found)
    return found[0]


def test_a_row_is_not_cited_by_what_links_the_querys_own_entities(shipped):
    """agreements-between NATO and Japan: the 2022 priority-areas row was cited by the 'could not
    join' denial (and ten other claims about NATO and Japan); only the claim about that agreement cites it."""
    rows = _cited(shipped, "agreements-between")
    _, cites = _row(rows, agreement="priority-areas-2022")
    assert "ip4c:usip-p24-priority-areas-agreed" in cites
    assert "ip4c:brief-p4-not-eligible" not in cites and "ip4c:usip-p7-afghanistan" not in cites
    _, cites = _row(rows, agreement="agreement-nato-japan-2023")
    assert cites == {"ip4c:usip-p26-agreements-2023"}
    # one absence answer was cited by 21 claims
    (_, cites), = _cited(shipped, "members-without-agreement-in-year")
    assert "ip4c:usip-p26-agreements-2023" in cites and "ip4c:brief-p4-not-eligible" not in cites and len(cites) < 3


def test_a_row_showing_a_quote_is_cited_by_the_claim_quoted(shipped):
    """The 'could not join' row of denied-statements cites the denial, and a hedged statement read
    in the brief cites the brief's claim, not the USIP paper's that states the same."""
    rows = _cited(shipped, "denied-statements")
    for vals, cites in rows:
        if any("could not join" in str(v) for v in vals):
            assert cites == {"ip4c:brief-p4-not-eligible"}
    assert any("could not join" in str(v) for vals, _ in rows for v in vals)
    hedged = _cited(shipped, "hedged-statements")
    from_brief = [c for vals, c in hedged if str(vals[0]).endswith("/australia") and str(vals[2]).endswith("washington-summit-2024")
                  and str(vals[6]).endswith("doc-brief")]
    assert from_brief and all("ip4c:brief-p2-third-meeting" in c and "ip4c:usip-p31-third-participation" not in c
                              for c in from_brief)


def test_a_row_naming_a_claim_is_cited_by_that_claim(shipped):
    """paragraph-facts lists each claim's triples: a row is the claim's own, not every claim that
    says Australia is a partner of NATO."""
    rows = _cited(shipped, "paragraph-facts")
    assert rows
    for vals, cites in rows:
        assert cites == {"ip4c:" + str(vals[0]).rsplit("/", 1)[-1]}, vals


def test_the_properties_in_a_row_narrow_its_claims(shipped):
    """source-agreement rows name their property: Australia partnerOf NATO is not cited by the
    denial that Australia is eligible for membership of NATO."""
    rows = _cited(shipped, "source-agreement")
    vals, cites = next((v, c) for v, c in rows if str(v[0]).endswith("/australia") and str(v[1]).endswith("#partnerOf")
                       and str(v[2]).endswith("/nato"))
    assert "ip4c:brief-p4-not-eligible" not in cites and "ip4c:usip-p1-since-2000s" in cites


def test_a_relationships_date_cites_the_row_of_its_partner(shipped):
    """partners-of: 'Australia, since the early 2000s' is cited by the claim dating the partnership."""
    _, cites = _row(_cited(shipped, "partners-of"), partner="/australia")
    assert "ip4c:usip-p1-since-2000s" in cites
    assert "ip4c:usip-p7-afghanistan" not in cites and "ip4c:brief-p4-not-eligible" not in cites


def test_a_row_without_entities_is_about_the_querys_entities(shipped):
    """statement-status NATO plansPresenceIn Indo-Pacific: 'denied' is cited by the claim denying
    that property, not by the one denying another (seeksPresenceIn)."""
    (_, cites), = _cited(shipped, "statement-status")
    assert cites == {"ip4c:brief-p4-no-presence"}


def test_context_only_joins_a_row_whose_values_link_nothing():
    from rdflib import Dataset

    ds = Dataset(default_union=True)
    ds.parse(data=SAMPLE_TRIG + """
        ip4c:other-p8-japan-nato { ip4d:japan ip4:cooperatesWith ip4d:nato . }
        ip4g:provenance { ip4c:other-p8-japan-nato a ip4:Claim ; ip4:quote "Japan works with NATO."@en . }
    """, format="trig")
    index = CitationIndex.build(ds)
    agreement = IP4D["agreement-2023"]
    # the row's own values link: the query's entities (Japan, NATO) add nothing
    own = {c.claim for c in index.supporting([agreement, IP4D.japan], context=[IP4D.japan, IP4D.nato])}
    assert own == {"ip4c:brief-p5-summit"}
    # a row value linking nothing by itself is joined to the query's entities
    alone = {c.claim for c in index.supporting([IP4D.australia], context=[IP4D.ip4, IP4D.nato])}
    assert alone == {"ip4c:brief-p2-ip4-members"}
    # a row with no entity at all is about the query's entities
    none = {c.claim for c in index.supporting([Literal("yes")], context=[IP4D.japan, IP4D.nato],
                                              predicates=[IP4.partnerOf])}
    assert none == {"ip4c:brief-p3-partners"}


def test_sub_properties_and_inverses_state_the_property_asked_for():
    from rdflib import Dataset

    ds = Dataset(default_union=True)
    ds.parse(data=SAMPLE_TRIG + """
        ip4g:ontology { ip4:partnerOf rdfs:subPropertyOf ip4:cooperatesWith . ip4:memberOf owl:inverseOf ip4:hasMember . }
        ip4c:other-p8-mention { ip4d:japan ip4:mentionedWith ip4d:nato . ip4d:japan ip4:mentionedWith ip4d:ip4 . }
        ip4g:provenance { ip4c:other-p8-mention a ip4:Claim ; ip4:quote "Japan, NATO, IP4."@en . }
    """, format="trig")
    index = CitationIndex.build(ds)
    assert [c.claim for c in index.supporting([IP4D.japan, IP4D.nato], predicates=[IP4.cooperatesWith])] \
        == ["ip4c:brief-p3-partners"]
    assert [c.claim for c in index.supporting([IP4D.ip4, IP4D.japan], predicates=[IP4.hasMember])] \
        == ["ip4c:brief-p2-ip4-members"]
