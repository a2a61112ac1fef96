"""The editor's JSON API (``/api/*``) over loopback: completion, labels, named-query forms, and
running queries with bound parameters, labels and citations (JSON, CSV, TSV).

The server runs on 127.0.0.1, port 0, over ``tests/data/server/sample.trig`` (see tests/test_server.py).
"""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
from collections.abc import Iterator

import pytest
from test_server import IP4_MEMBERS, http, open_kg, running

from ip4graph.kg import KnowledgeGraph
from ip4graph.namespaces import IP4, IP4D

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def kg(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    return open_kg(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def url(kg: KnowledgeGraph) -> Iterator[str]:
    with running(kg, timeout=10, max_rows=1000, workers=2) as u:
        yield u


def get(url: str, path: str, **params: str) -> tuple[int, dict[str, str], str]:
    return http(url, "GET", path + ("?" + urllib.parse.urlencode(params) if params else ""))


def get_json(url: str, path: str, **params: str) -> object:
    status, headers, body = get(url, path, **params)
    assert status == 200, body
    assert headers["content-type"].startswith("application/json")
    return json.loads(body)


def post(url: str, fields: dict[str, str]) -> tuple[int, dict[str, str], str]:
    return http(url, "POST", "/api/run", body=urllib.parse.urlencode(fields), headers=FORM)


def column(data: dict, var: str) -> list[str | None]:
    return [b[var]["value"] if var in b else None for b in data["results"]["bindings"]]


# --------------------------------------------------------------------------- completion


def test_complete_matches_labels_in_every_language_and_alt_labels(url: str) -> None:
    hits = get_json(url, "/api/complete", q="Jap")
    assert hits, hits
    first = hits[0]
    assert set(first) == {"iri", "curie", "label", "lang", "matched", "type"}
    assert (first["iri"], first["curie"], first["label"]) == (str(IP4D.japan), "ip4d:japan", "Japan")
    assert first["type"] == "state"  # the asserted type, not the inferred ip4:Actor
    ja = get_json(url, "/api/complete", q="日本")
    assert [(h["curie"], h["matched"], h["lang"]) for h in ja][:1] == [("ip4d:japan", "日本", "ja")]
    fr = get_json(url, "/api/complete", q="otan", lang="fr")
    assert fr[0]["curie"] == "ip4d:nato" and fr[0]["label"] == "OTAN" and fr[0]["matched"] == "OTAN"
    ko = get_json(url, "/api/complete", q="대한")
    assert ko[0]["curie"] == "ip4d:south-korea"
    alt = get_json(url, "/api/complete", q="IP4")
    assert alt[0]["curie"] == "ip4d:ip4" and alt[0]["matched"] == "IP4" and alt[0]["label"] == "Indo-Pacific 4"
    assert get_json(url, "/api/complete", q="no such thing anywhere") == []


def test_complete_ranks_whole_and_starting_matches_first_and_limits(url: str) -> None:
    hits = get_json(url, "/api/complete", q="korea", limit="5")
    curies = [h["curie"] for h in hits]
    assert set(curies[:2]) == {"ip4d:north-korea", "ip4d:south-korea"}  # a word of the label starts with it
    assert len(get_json(url, "/api/complete", q="", limit="3")) == 3


def test_complete_terms_of_the_ontology(url: str) -> None:
    hits = get_json(url, "/api/complete", q="ip4:memberO")
    assert hits[0]["curie"] == "ip4:memberOf" and hits[0]["iri"] == str(IP4.memberOf)
    assert hits[0]["type"] == "property"
    assert all(h["curie"].startswith("ip4:") for h in hits)
    classes = get_json(url, "/api/complete", q="Stat", kind="term")
    assert any(h["curie"] == "ip4:State" and h["type"] == "class" for h in classes)
    entities = get_json(url, "/api/complete", q="ip4d:new")
    assert entities[0]["curie"] == "ip4d:new-zealand"


@pytest.mark.parametrize("params, word", [
    ({"q": "x", "kind": "people"}, "kind"),
    ({"q": "x", "limit": "1000"}, "limit"),
    ({"q": "x", "limit": "ten"}, "limit"),
    ({"q": "x", "lang": "de"}, "lang"),
    ({"q": "x" * 500}, "q"),
])
def test_complete_refuses_bad_requests_naming_the_field(url: str, params: dict[str, str], word: str) -> None:
    status, _, body = get(url, "/api/complete", **params)
    assert status == 400
    assert word in json.loads(body)["error"]


def test_labels_in_the_language_asked(url: str) -> None:
    iri = str(IP4D.japan)
    assert get_json(url, "/api/labels", iri=iri, lang="ja") == {iri: "日本"}
    assert get_json(url, "/api/labels", iri=iri) == {iri: "Japan"}
    status, _, body = http(url, "GET", "/api/labels?" + urllib.parse.urlencode([("iri", iri), ("iri", str(IP4D.nato))]))
    assert status == 200 and json.loads(body) == {iri: "Japan", str(IP4D.nato): "NATO"}


def test_params_describe_the_forms(url: str) -> None:
    (form,) = get_json(url, "/api/params", name="ip4-members")
    assert form["name"] == "ip4-members"
    (p,) = form["params"]
    assert p == {"name": "grouping", "type": "entity", "default": "ip4d:ip4", "required": False,
                 "description": "the grouping or organisation", "defaultLabel": "Indo-Pacific 4"}
    every = get_json(url, "/api/params")
    years = [p for f in every for p in f["params"] if p["type"] == "year"]
    assert years and all(p["default"].isdigit() for p in years)


# --------------------------------------------------------------------------- running named queries


def test_bound_parameters_change_the_answer(url: str) -> None:
    """The bug of the old editor: changing the grouping changed nothing. Here it is bound."""
    ip4 = get_json(url, "/api/run", name="ip4-members", grouping="ip4d:ip4")
    nato = get_json(url, "/api/run", name="ip4-members", grouping="ip4d:nato")
    default = get_json(url, "/api/run", name="ip4-members")
    assert {v for v in column(ip4, "member")} == {str(x) for x in IP4_MEMBERS}
    assert column(nato, "member") == []
    assert column(default, "member") == column(ip4, "member")
    partners = get_json(url, "/api/run", name="partners-of", organization="NATO")
    assert set(column(partners, "partner")) == {str(IP4D.japan), str(IP4D["new-zealand"])}
    # a label in another language names the same entity
    by_fr = get_json(url, "/api/run", name="partners-of", organization="OTAN")
    assert column(by_fr, "partner") == column(partners, "partner")
    assert by_fr["ip4graph"]["params"] == {"organization": {"value": str(IP4D.nato), "label": "NATO"}}


def test_labels_follow_the_wikidata_convention(url: str) -> None:
    data = get_json(url, "/api/run", name="ip4-members", lang="ko")
    assert data["head"]["vars"] == ["member", "memberLabel"]
    assert data["ip4graph"]["labels"] == {"member": "memberLabel"}
    labels = dict(zip(column(data, "member"), column(data, "memberLabel")))
    assert labels[str(IP4D["south-korea"])] == "대한민국"
    assert labels[str(IP4D.australia)] == "Australia"  # no Korean label: English
    bare = get_json(url, "/api/run", name="ip4-members", labels="0")
    assert bare["head"]["vars"] == ["member"]


def test_citations_per_row(url: str) -> None:
    data = get_json(url, "/api/run", name="partners-of", organization="ip4d:nato", cite="1")
    assert "cite_quotes" in data["head"]["vars"]
    citations = data["ip4graph"]["citations"]
    assert len(citations) == len(data["results"]["bindings"]) == 2
    for row in citations:
        assert [c["quote"] for c in row] == ["Japan and New Zealand are partners of NATO."]
        assert row[0]["claim"] == "ip4c:brief-p3-partners" and row[0]["certainty"] == "Stated"
        assert row[0]["source"] == "NATO brief" and row[0]["source_iri"] == str(IP4D["doc-brief"])
    assert get_json(url, "/api/run", name="partners-of")["ip4graph"]["citations"] is None


def test_csv_export_has_label_and_citation_columns(url: str) -> None:
    status, headers, body = get(url, "/api/run", name="ip4-members", cite="1", format="csv")
    assert status == 200
    assert headers["content-type"].startswith("text/csv")
    assert headers["content-disposition"] == 'attachment; filename="ip4-members.csv"'
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0]) == ["member", "memberLabel", "cite_claims", "cite_sources", "cite_paragraphs",
                             "cite_quotes", "cite_certainty"]
    japan = next(r for r in rows if r["member"] == str(IP4D.japan))
    assert japan["memberLabel"] == "Japan"
    assert japan["cite_quotes"] == "Australia, Japan, South Korea and New Zealand <b>form</b> the IP4."
    assert japan["cite_sources"] == "NATO brief"
    status, headers, body = get(url, "/api/run", name="ip4-members", format="tsv")
    assert status == 200 and body.splitlines()[0] == "?member\t?memberLabel"


@pytest.mark.parametrize("params, word", [
    ({"name": "ip4-members", "grouping": "Atlantis"}, "grouping"),
    ({"name": "ip4-members", "group": "ip4d:nato"}, "group"),
    ({"name": "events-in-year", "year": "twenty"}, "year"),
    ({"name": "events-in-year", "year": "99999"}, "year"),
    ({"name": "ip4-members", "cite": "maybe"}, "cite"),
    ({"name": "ip4-members", "format": "xlsx"}, "format"),
    ({"name": "ip4-members", "$grouping": "ip4d:nato"}, "$grouping"),
    ({}, "name"),
])
def test_bad_parameters_are_400_naming_the_parameter(url: str, params: dict[str, str], word: str) -> None:
    status, headers, body = get(url, "/api/run", **params)
    assert status == 400, body
    assert headers["content-type"].startswith("application/json")
    assert word in json.loads(body)["error"]


def test_unknown_named_query_and_route_are_404(url: str) -> None:
    status, _, body = get(url, "/api/run", name="ip4-membres")
    assert status == 404 and "ip4-members" in json.loads(body)["error"]  # did you mean
    assert get(url, "/api/nothing")[0] == 404


def test_injection_in_parameters_is_bound_not_pasted(url: str) -> None:
    likely = get_json(url, "/api/run", name="hedged-statements", certainty="likely")
    assert column(likely, "subject") == [str(IP4D.china)]
    # Pasted into the text, this would make the FILTER always true and return the row again.
    tricky = 'possible") || true || ("'
    injected = get_json(url, "/api/run", name="hedged-statements", certainty=tricky)
    assert column(injected, "subject") == []
    assert injected["ip4graph"]["params"]["certainty"]["value"] == tricky
    # An entity parameter is resolved to one IRI or refused: no text reaches the query.
    status, _, body = get(url, "/api/run", name="ip4-members", grouping="ip4d:ip4 } UNION { ?member ?p ?o")
    assert status == 400 and "grouping" in json.loads(body)["error"]
    status, _, body = get(url, "/api/run", name="ip4-members", grouping="<https://w3id.org/ip4graph/id/ip4> . ?member ?p ?o")
    assert status == 400


# --------------------------------------------------------------------------- ad-hoc SPARQL


def test_ad_hoc_query_with_labels_citations_and_bindings(url: str) -> None:
    query = "SELECT ?m ?flag WHERE { ?m ip4:memberOf ?g BIND(false AS ?flag) } ORDER BY ?m"
    status, _, body = post(url, {"query": query, "$g": "ip4d:ip4", "cite": "1", "lang": "ja"})
    assert status == 200, body
    data = json.loads(body)
    assert data["head"]["vars"][:3] == ["m", "mLabel", "flag"]
    labels = dict(zip(column(data, "m"), column(data, "mLabel")))
    assert labels[str(IP4D.japan)] == "日本"
    assert {b["flag"]["datatype"] for b in data["results"]["bindings"]} == {"http://www.w3.org/2001/XMLSchema#boolean"}
    assert all(row and row[0]["claim"] for row in data["ip4graph"]["citations"][:4])
    status, _, body = post(url, {"query": query, "$g": "ip4d:nato"})
    assert status == 200 and json.loads(body)["results"]["bindings"] == []
    # the same through GET
    data = get_json(url, "/api/run", query=query, **{"$g": "ip4d:ip4"})
    assert len(data["results"]["bindings"]) == len(IP4_MEMBERS)


def test_ad_hoc_refusals(url: str) -> None:
    status, _, body = post(url, {"query": "SELECT ?s WHERE { ?s ?p ?o }", "format": "ttl"})
    assert status == 400 and "format" in json.loads(body)["error"]
    status, _, body = post(url, {"query": "SELECT * WHERE { ?s ?p }"})
    assert status == 400 and "error" in json.loads(body)
    status, _, body = post(url, {"query": "SELECT ?m WHERE { ?m ip4:memberOf ?g }", "g": "ip4d:ip4"})
    assert status == 400 and "$g" in json.loads(body)["error"]
    status, _, body = post(url, {"query": "SELECT ?m WHERE { ?m ip4:memberOf ?g }", "$g": "ip4d:ip4> } ?x ?y <z"})
    assert status == 400 and "$g" in json.loads(body)["error"]
    status, _, body = post(url, {"query": "SELECT ?m WHERE { ?m ip4:memberOf ip4d:ip4 }", "name": "ip4-members"})
    assert status == 400
    status, _, _ = http(url, "POST", "/api/run", body="SELECT * {}", headers={"Content-Type": "application/sparql-query"})
    assert status == 415
    status, _, body = get(url, "/api/run", query="ASK { ip4d:japan ip4:memberOf ip4d:ip4 }")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_query_limits_apply_to_ad_hoc_text(url: str) -> None:
    many = "SELECT * WHERE { " + " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(200)) + " }"
    for status, headers, body in (post(url, {"query": many}), get(url, "/api/run", query=many)):
        assert status == 400
        assert headers["x-ip4graph-limit"] == "max_patterns"
    deep = "SELECT * WHERE " + "{ " * 200 + "?s ?p ?o" + " }" * 200
    status, headers, _ = post(url, {"query": deep})
    assert status == 400 and headers["x-ip4graph-limit"] == "max_depth"


def test_rows_are_cut_at_the_row_limit(kg: KnowledgeGraph) -> None:
    with running(kg, timeout=10, max_rows=2, workers=1) as u:
        status, headers, body = get(u, "/api/run", name="ip4-members")
        assert status == 200
        data = json.loads(body)
        assert len(data["results"]["bindings"]) == 2
        assert data["ip4graph"]["truncated"] is True
        assert headers["x-ip4graph-truncated"] == "true"


def test_editor_page_carries_the_forms_as_data_and_keeps_its_csp(url: str) -> None:
    status, headers, body = get(url, "/")
    assert status == 200
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert 'id="ip4-form"' in body and 'id="ip4-export"' in body and 'id="ip4-cite"' in body
    data = body.split('<script type="application/json" id="ip4-examples">')[1].split("</script>")[0]
    forms = json.loads(data)
    members = next(f for f in forms if f["name"] == "ip4-members")
    assert members["params"][0]["type"] == "entity" and members["params"][0]["defaultLabel"] == "Indo-Pacific 4"
    # every other <script> is an external file of this server
    scripts = body.split("<script")[1:]
    assert all('type="application/json"' in s.split(">")[0] or 'src="/' in s.split(">")[0] for s in scripts)


def test_graph_queries_answer_turtle(url: str) -> None:
    from rdflib import Graph

    data = get_json(url, "/api/run", name="describe-entity", entity="Japan")
    g = Graph().parse(data=data["graph"], format="turtle")
    assert len(g) == data["triples"] > 0
    assert (IP4D.japan, IP4.memberOf, IP4D.ip4) in g
    assert data["ip4graph"]["params"]["entity"]["value"] == str(IP4D.japan)
    status, headers, body = get(url, "/api/run", query="CONSTRUCT WHERE { ?m ip4:memberOf ip4d:ip4 }", format="ttl")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert {s for s, _, _ in Graph().parse(data=body, format="turtle")} == IP4_MEMBERS
    status, _, body = get(url, "/api/run", name="describe-entity", format="csv")
    assert status == 400 and "graph" in json.loads(body)["error"]


def test_federated_named_query_uses_the_offline_cache_and_says_how_to_fill_it(tmp_path, monkeypatch) -> None:
    import ip4graph.enrich
    from ip4graph import federation
    from ip4graph.reasoning import Reasoning
    from test_federated_offline import CACHE

    kg = KnowledgeGraph.open(reasoning=Reasoning.NONE)  # the shipped data: Japan has its Wikidata link

    for name in [k for k in __import__("os").environ if k.startswith("IP4GRAPH_ENDPOINT_")]:
        monkeypatch.delenv(name)
    # The shipped cache is empty: a JSON error that says so and how to fill it, no network.
    monkeypatch.setattr(ip4graph.enrich, "default_cache_dir", lambda: tmp_path)
    (tmp_path / "wikidata.trig").write_text("@prefix ip4g: <https://w3id.org/ip4graph/graph/> .\n", encoding="utf-8")
    with running(kg, timeout=10) as empty_url:
        status, headers, body = get(empty_url, "/api/run", name="federated-partners-capitals")
    assert status == 400 and headers["content-type"].startswith("application/json")
    error = json.loads(body)["error"]
    assert "offline cache" in error and "is empty" in error and "ip4graph enrich --endpoint" in error
    # A filled cache answers the form, and the answer says where it came from.
    (tmp_path / "wikidata.trig").write_text(CACHE, encoding="utf-8")
    expected = federation.run_offline(kg, "federated-partners-capitals").result
    with running(kg, timeout=10) as filled_url:
        data = get_json(filled_url, "/api/run", name="federated-partners-capitals", labels="0")
    assert column(data, "partner") == [str(r.partner) for r in expected]
    assert len(data["results"]["bindings"]) == len(expected.rows) > 0
    assert "offline cache" in data["ip4graph"]["note"] and "not from a live endpoint" in data["ip4graph"]["note"]


