"""``ip4graph.search`` and ``ip4graph search``: names in four languages and quotes, ranked.

Expected answers come from the data (labels and quotes read from the graph, or written in the
small fixture below), not from the search's own output.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from ip4graph.cli import main
from ip4graph.errors import ParameterError
from ip4graph.kg import KnowledgeGraph
from ip4graph.namespaces import IP4D
from ip4graph.reasoning import Reasoning
from ip4graph.search import ACCENTS, Match, SearchKind, classify, fold, search

JAPAN = IP4D["japan"]
#: Every accented letter the search folds, in upper case where that is one letter.
EVERY_ACCENT = "".join(c.upper() if len(c.upper()) == 1 else c for c in sorted(ACCENTS))

#: A small graph whose names test the ranking: each label says how it should match "zeta".
FIXTURE = """\
@prefix ip4: <https://w3id.org/ip4graph/ontology#> .
@prefix ip4d: <https://w3id.org/ip4graph/id/> .
@prefix ip4c: <https://w3id.org/ip4graph/claim/> .
@prefix ip4g: <https://w3id.org/ip4graph/graph/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

ip4g:entities {
    ip4d:exact a ip4:State ; rdfs:label "Zeta"@en , "Zéta"@fr .
    ip4d:alias a ip4:State ; rdfs:label "Omega"@en ; skos:altLabel "ZETA"@en .
    ip4d:prefix a ip4:State ; rdfs:label "Zetaland"@en .
    ip4d:word a ip4:State ; rdfs:label "Greater Zeta Region"@en .
    ip4d:inside a ip4:State ; rdfs:label "Ozetanu"@en .
    ip4d:other a ip4:State ; rdfs:label "Unrelated"@en , "関係なし"@ja .
    ip4d:tricky a ip4:State ; rdfs:label "O'Brien \\"quoted\\" {braces\\"} ; DROP ALL"@en .
    ip4d:accents a ip4:State ; rdfs:label "@@ACC@@"@en .
    ip4d:doc a ip4:SourceDocument ; rdfs:label "The source"@en .
    ip4d:doc-p3 a ip4:SourceParagraph ; dcterms:isPartOf ip4d:doc ; ip4:paragraphNumber 3 .
}
ip4c:doc-p3-zeta {
    ip4d:exact ip4:memberOf ip4d:other .
}
ip4g:provenance {
    ip4c:doc-p3-zeta a ip4:Claim ; prov:wasQuotedFrom ip4d:doc ; ip4:paragraph ip4d:doc-p3 ;
        ip4:quote "The zeta people joined the Others."@en ; ip4:certainty ip4:Stated .
}
""".replace("@@ACC@@", EVERY_ACCENT)


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    """The shipped graph on the default backend (the compiled Oxigraph store)."""
    return KnowledgeGraph.open(backend="oxigraph")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> dict[str, KnowledgeGraph]:
    path = tmp_path_factory.mktemp("search") / "zeta.trig"
    path.write_text(FIXTURE, encoding="utf-8")
    store = tmp_path_factory.mktemp("store")
    os.environ["IP4GRAPH_STORE"] = str(store)
    try:
        return {name: KnowledgeGraph.open([path], reasoning=Reasoning.NONE, backend=name)
                for name in ("memory", "oxigraph")}
    finally:
        del os.environ["IP4GRAPH_STORE"]


def _labels(kg: KnowledgeGraph, iri: URIRef) -> dict[str, str]:
    rows = kg.run("SELECT ?l WHERE { ?e rdfs:label ?l }", bindings={"e": iri}).rows
    return {r[0].language: str(r[0]) for r in rows}


# --------------------------------------------------------------------------- the shipped data


@pytest.mark.parametrize("text", ["Japan", "日本", "일본", "japon", "JAPAN", "Ｊａｐａｎ"])
def test_japan_in_every_language_is_the_first_hit(kg: KnowledgeGraph, text: str) -> None:
    hits = search(kg, text)
    assert hits[0].iri == JAPAN and hits[0].match is Match.EXACT and hits[0].kind is SearchKind.LABEL
    assert hits[0].name == _labels(kg, JAPAN)["en"]
    assert hits[0].types == ("ip4:State",)


def test_every_label_of_japan_is_found_exactly(kg: KnowledgeGraph) -> None:
    labels = _labels(kg, JAPAN)
    assert {"en", "fr", "ja", "ko"} <= set(labels)  # the data has all four
    assert labels["ja"] == "日本" and labels["ko"] == "일본" and labels["fr"] == "Japon"
    for lang, text in labels.items():
        hit = search(kg, text, lang=lang, kinds=["label"])[0]
        assert (hit.iri, hit.text, hit.lang, hit.match) == (JAPAN, text, lang, Match.EXACT)
        assert hit.name == text  # shown in the language asked for


def test_lang_restricts_names_to_that_language(kg: KnowledgeGraph) -> None:
    assert [h for h in search(kg, "日本", lang="ko", kinds=["label"])] == []
    fr = search(kg, "Corée", lang="fr", kinds=["label"], limit=None)
    assert fr and all(h.lang in ("fr", None) for h in fr)


def test_accents_and_case_do_not_matter(kg: KnowledgeGraph) -> None:
    def found(text: str) -> list[tuple[str, str]]:
        return [(h.curie, h.text) for h in search(kg, text, limit=None)]

    plain = found("coree du sud")
    assert plain and plain == found("CORÉE DU SUD") == found("Corée du Sud") == found("côrèe dü süd")
    assert ("ip4d:south-korea", "Corée du Sud") in plain


def test_a_word_of_a_quote_finds_its_claim_with_source_and_paragraph(kg: KnowledgeGraph) -> None:
    rows = kg.run("""SELECT ?claim ?quote ?doc ?n ?certainty WHERE {
        ?claim ip4:quote ?quote ; prov:wasQuotedFrom ?doc ; ip4:paragraph ?p ; ip4:certainty ?certainty .
        ?p ip4:paragraphNumber ?n }""").rows
    words: dict[str, set[URIRef]] = {}
    for claim, quote, *_ in rows:
        for w in re.findall(r"[A-Za-z]{9,}", str(quote)):
            words.setdefault(w.lower(), set()).add(claim)
    # a long word found in exactly one quote and in no name
    word, claim = next((w, next(iter(cs))) for w, cs in sorted(words.items())
                       if len(cs) == 1 and not search(kg, w, kinds=["label", "comment"]))
    expected = next(r for r in rows if r[0] == claim)
    hits = search(kg, word)
    assert [h.iri for h in hits] == [claim]
    hit = hits[0]
    assert hit.kind is SearchKind.QUOTE and hit.text == str(expected[1])
    assert hit.claim is not None
    assert hit.claim.document == expected[2] and hit.claim.paragraph == int(expected[3])
    assert hit.claim.certainty == expected[4]
    assert fold(hit.snippet().match) == word and word in fold(str(hit.snippet()))
    mentioned = {r[0] for r in kg.run("SELECT DISTINCT ?e WHERE { GRAPH ?g { { ?e ?p ?o } UNION { ?s ?p ?e } } "
                                      "FILTER(STRSTARTS(STR(?e), STR(ip4d:))) }", bindings={"g": claim}).rows}
    assert {m.iri for m in hit.claim.mentions} == mentioned and mentioned


def test_hits_are_ranked_by_score(kg: KnowledgeGraph) -> None:
    hits = search(kg, "Japan", limit=None)
    assert [h.score for h in hits] == sorted(h.score for h in hits)
    assert {h.kind for h in hits} == {SearchKind.LABEL, SearchKind.QUOTE}
    assert len({h.iri for h in hits}) == len(hits)  # one hit per entity or claim
    assert len(search(kg, "Japan", limit=3)) == 3


def test_a_search_is_a_few_queries(kg: KnowledgeGraph) -> None:
    """Not a timed assertion (bench/search.py prints timings): one text query and at most three for details."""
    calls = []
    real = kg.run

    def counting(text: str, **kw: object):  # noqa: ANN202
        calls.append(text)
        return real(text, **kw)  # type: ignore[arg-type]

    kg.run = counting  # type: ignore[method-assign]
    try:
        search(kg, "Japan")
    finally:
        del kg.run
    assert len(calls) <= 4


# --------------------------------------------------------------------------- ranking on a fixture


def test_ranking_exact_alias_prefix_word_substring_then_quotes(small: dict[str, KnowledgeGraph]) -> None:
    hits = search(small["oxigraph"], "zeta", limit=None)
    assert [h.curie for h in hits] == ["ip4d:exact", "ip4d:alias", "ip4d:prefix", "ip4d:word", "ip4d:inside",
                                       "ip4c:doc-p3-zeta"]
    assert [h.match for h in hits] == [Match.EXACT, Match.EXACT, Match.PREFIX, Match.WORD, Match.SUBSTRING,
                                       Match.WORD]
    quote = hits[-1]
    assert quote.claim is not None and quote.claim.paragraph == 3 and quote.claim.document_name == "The source"
    assert [m.curie for m in quote.claim.mentions] == ["ip4d:other", "ip4d:exact"]  # by name: Unrelated, Zeta
    assert quote.snippet().marked() == "The «zeta» people joined the Others."


def test_memory_and_oxigraph_agree_on_the_fixture(small: dict[str, KnowledgeGraph]) -> None:
    for text in ("zeta", "ZÉTA", "関係", "quoted", "o'brien"):
        mem = [h.to_dict() for h in search(small["memory"], text, kinds=list(SearchKind))]
        ox = [h.to_dict() for h in search(small["oxigraph"], text, kinds=list(SearchKind))]
        assert mem == ox and mem, text


@pytest.mark.parametrize("text", ['"quoted" {braces', '"} ; DROP ALL', "O'Brien", '{BRACES"} ; drop'])
def test_query_syntax_in_the_text_is_searched_for_not_run(small: dict[str, KnowledgeGraph], text: str) -> None:
    for kg in small.values():
        hits = search(kg, text)
        assert [h.curie for h in hits] == ["ip4d:tricky"]


@pytest.mark.parametrize("text", ['") || true || ("', "?needle", "\\", "'''", '"""', "}} UNION {{", "#"])
def test_text_that_matches_nothing_finds_nothing(small: dict[str, KnowledgeGraph], text: str) -> None:
    for kg in small.values():
        assert search(kg, text) == []


def test_the_text_is_bound_never_pasted(small: dict[str, KnowledgeGraph]) -> None:
    kg = small["oxigraph"]
    seen: list[tuple[str, dict]] = []
    real = kg.run

    def spy(text: str, **kw: object):  # noqa: ANN202
        seen.append((text, dict(kw.get("bindings") or {})))  # type: ignore[arg-type]
        return real(text, **kw)  # type: ignore[arg-type]

    kg.run = spy  # type: ignore[method-assign]
    try:
        search(kg, 'Unique"Probe} zeta')
    finally:
        del kg.run
    texts = [t for t, _ in seen]
    assert not any("probe" in t.lower() for t in texts)
    assert seen[0][1] == {"needle": Literal('unique"probe} zeta')}
    assert "?needle" in seen[0][0]


@pytest.mark.parametrize("text", ["", "   ", "\t\n", "\u3000"])
def test_empty_text_is_an_error(kg: KnowledgeGraph, text: str) -> None:
    with pytest.raises(ParameterError, match="empty"):
        search(kg, text)


def test_bad_options_are_errors(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError, match="language"):
        search(kg, "Japan", lang="de")
    with pytest.raises(ParameterError, match="kind"):
        search(kg, "Japan", kinds=["everything"])
    with pytest.raises(ParameterError, match="limit"):
        search(kg, "Japan", limit=0)
    with pytest.raises(ParameterError, match="at most"):
        search(kg, "x" * 500)


def test_fold_is_one_character_for_one() -> None:
    assert fold("Corée") == "coree" and fold("ÀÉÎÕÜ Ññ Çç Øø Łł Şş") == "aeiou nn cc oo ll ss"
    assert fold("日本 일본") == "日本 일본"  # no accents in Japanese or Korean: が stays が
    assert fold("が") == "が"
    for accented, base in ACCENTS.items():
        assert len(accented) == len(base) == 1 and base.isascii()
    assert classify("NATO-Japan partnership", "japan") == (Match.WORD, (5, 10))
    assert classify("Japanese", "japan") == (Match.PREFIX, (0, 5))
    assert classify("Nipponjapan", "japan")[0] is Match.SUBSTRING


def test_the_sparql_fold_agrees_with_python(small: dict[str, KnowledgeGraph]) -> None:
    """A name made of every accented letter (upper case), folded by each engine, is what :func:`fold` says."""
    for name, kg in small.items():
        hits = search(kg, fold(EVERY_ACCENT), kinds=["label"])
        assert [(h.curie, h.match) for h in hits] == [("ip4d:accents", Match.EXACT)], name


# --------------------------------------------------------------------------- the command


def _cli(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(main, ["search", *args])
    return res.exit_code, res.stdout, res.stderr


def test_cli_table_names_then_quotes_with_the_match_marked() -> None:
    code, out, _ = _cli("Japan")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["name", "curie", "type", "matched", "how"]
    assert lines[2].startswith("Japan") and "ip4d:japan" in lines[2] and "«Japan»" in lines[2]
    quote_header = next(i for i, line in enumerate(lines) if line.startswith("claim "))
    assert "source" in lines[quote_header] and "certainty" in lines[quote_header]
    assert any("ip4c:" in line and "«Japan»" in line for line in lines[quote_header:])
    assert re.fullmatch(r"\(\d+ hits\)", lines[-1])


def test_cli_json_csv_tsv(kg: KnowledgeGraph) -> None:
    code, out, _ = _cli("일본", "--format", "json", "--lang", "ko")
    assert code == 0
    doc = json.loads(out)
    assert doc["hits"][0]["iri"] == str(JAPAN) and doc["hits"][0]["name"] == _labels(kg, JAPAN)["ko"]
    code, out, _ = _cli("flourish", "--kind", "quote", "--format", "csv")
    assert code == 0
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(r["kind"] == "quote" and r["document"] and r["paragraph"].isdigit() for r in rows)
    assert all(r["matched"].lower() == "flourish" for r in rows)
    code, out, _ = _cli("japon", "--format", "tsv", "--limit", "2")
    assert code == 0 and len(out.strip().splitlines()) == 3 and out.splitlines()[0].startswith("rank\tkind")


def test_cli_exit_codes() -> None:
    code, out, _ = _cli("qqxyzzy-nothing")
    assert code == 1 and "(0 hits)" in out
    code, _, err = _cli("   ")
    assert code == 2 and "error: nothing to search for" in err
    code, _, err = _cli("Japan", "--lang", "de")
    assert code == 2


def test_cli_help_has_an_example() -> None:
    res = CliRunner().invoke(main, ["search", "--help"])
    assert res.exit_code == 0 and "Example:" in res.output and "ip4graph search" in res.output
    assert "search" in CliRunner().invoke(main, ["--help"]).output


def test_the_command_is_found_without_importing_other_command_modules() -> None:
    from ip4graph.cli import COMMAND_HOMES

    assert COMMAND_HOMES["search"] == "ip4graph.commands.search"
    assert Path(__file__).resolve().parent.parent.joinpath("ip4graph", "commands", "search.py").is_file()


def test_memory_and_oxigraph_agree_on_the_shipped_data(kg: KnowledgeGraph) -> None:
    memory = KnowledgeGraph.open(backend="memory")
    for text in ("Japan", "corée", "일본", "flourish"):
        ox = [h.to_dict() for h in search(kg, text, limit=None)]
        assert ox and [h.to_dict() for h in search(memory, text, limit=None)] == ox, text


def test_japanese_and_korean_columns_line_up() -> None:
    from ip4graph.commands.search import _width

    code, out, _ = _cli("일본", "--lang", "ko", "--limit", "3")
    assert code == 0
    header, rule, *rows = out.splitlines()[:-1]
    starts = [m.start() for m in re.finditer(r"-+", rule)]
    curie_col = starts[1]
    for row in rows:
        # the CURIE starts in the same terminal column on every row (Korean characters are two wide)
        before = row[: row.index("ip4d:")]
        assert _width(before) == curie_col, row


def test_the_docs_show_real_output() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "search.md").read_text(encoding="utf-8")
    for args in (["corée", "--limit", "2"], ["일본", "--lang", "ko", "--limit", "1"]):
        code, out, _ = _cli(*args)
        assert code == 0 and out.strip() in doc, args


def test_doctests() -> None:
    import doctest

    import ip4graph.search

    assert doctest.testmod(ip4graph.search).failed == 0


def test_one_kind_may_be_given_alone(small: dict[str, KnowledgeGraph]) -> None:
    kg = small["oxigraph"]
    assert [h.kind for h in search(kg, "zeta", kinds="quote")] == [SearchKind.QUOTE]
    assert {h.kind for h in search(kg, "zeta", kinds=SearchKind.LABEL)} == {SearchKind.LABEL}


def test_a_text_without_accentable_letters_skips_folding_and_finds_the_same(kg: KnowledgeGraph) -> None:
    from rdflib.namespace import RDFS, SKOS

    from ip4graph.namespaces import IP4
    from ip4graph.search import text_query

    props = (RDFS.label, SKOS.prefLabel, SKOS.altLabel, IP4.quote)
    for needle in ("日本", "일본", "9/11", "ip4"):
        rows = [kg.run(text_query(props, accents=a), bindings={"needle": Literal(needle)}).rows for a in (True, False)]
        assert rows[0] and sorted(set(map(tuple, rows[0]))) == sorted(set(map(tuple, rows[1]))), needle
