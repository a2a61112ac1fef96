"""Provenance: every claim quotes its paragraph verbatim, one sentence at most, and every
paragraph of both texts leaves something in the graph."""

from __future__ import annotations

import re

import pytest
from rdflib import URIRef

from conftest import select, source_paragraphs

DOCS = {
    "https://w3id.org/ip4graph/id/doc-brief": "nato-ip4-75th-anniversary-brief.txt",
    "https://w3id.org/ip4graph/id/doc-usip": "usip-nato-indo-pacific-partners-qa.txt",
}

CLAIMS = """
SELECT ?claim ?doc ?n ?quote WHERE {
  GRAPH ip4g:provenance {
    ?claim a ip4:Claim ; prov:wasQuotedFrom ?doc ; ip4:paragraph ?p ; ip4:quote ?quote .
  }
  ?p ip4:paragraphNumber ?n .
}"""


def test_every_quote_is_verbatim_from_its_paragraph(dataset):
    rows = select(dataset, CLAIMS)
    assert len(rows) >= 60
    texts = {doc: source_paragraphs(name) for doc, name in DOCS.items()}
    for claim, doc, n, quote in rows:
        paragraphs = texts[str(doc)]
        assert 1 <= int(n) <= len(paragraphs), claim
        assert str(quote) in paragraphs[int(n) - 1], f"{claim}: quote not verbatim in paragraph {n}"


def test_quotes_are_one_sentence_at_most(dataset):
    for claim, _, _, quote in select(dataset, CLAIMS):
        inner = str(quote).rstrip(".?!”\" ")
        # a sentence break inside the quote: end punctuation followed by a space and a capital
        assert not re.search(r"[.?!] [A-Z]", inner.replace("U.S. ", "US ").replace("D.C. ", "DC ")), claim


@pytest.mark.parametrize("doc", sorted(DOCS))
def test_every_paragraph_has_at_least_one_claim(dataset, doc):
    count = len(source_paragraphs(DOCS[doc]))
    covered = {int(r[0]) for r in select(dataset, f"""
        SELECT DISTINCT ?n WHERE {{
          ?claim a ip4:Claim ; prov:wasQuotedFrom <{doc}> ; ip4:paragraph ?p .
          ?p ip4:paragraphNumber ?n .
        }}""")}
    assert set(range(1, count + 1)) - covered == set()


def test_paragraph_nodes_match_the_texts(dataset):
    for doc, name in DOCS.items():
        rows = select(dataset, f"""SELECT ?n WHERE {{ ?p dcterms:isPartOf <{doc}> ; ip4:paragraphNumber ?n }}""")
        assert sorted(int(r[0]) for r in rows) == list(range(1, len(source_paragraphs(name)) + 1))


def test_which_source_says_japan_is_in_the_ip4(dataset):
    rows = select(dataset, """
        SELECT DISTINCT ?doc WHERE {
          GRAPH ?claim { ip4d:japan ip4:memberOf ip4d:ip4 }
          ?claim prov:wasQuotedFrom ?doc ; ip4:quote ?q .
        }""")
    assert URIRef("https://w3id.org/ip4graph/id/doc-brief") in {r[0] for r in rows}
