"""`why`: inferred triples explained by OWL 2 RL rule, down to asserted triples and their quotes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from rdflib import URIRef
from rdflib.namespace import RDF

from ip4graph.cli import main
from ip4graph.errors import QueryError
from ip4graph.explain import Explainer
from ip4graph.kg import KnowledgeGraph

D = "https://w3id.org/ip4graph/id/"
O = "https://w3id.org/ip4graph/ontology#"


@pytest.fixture(scope="module")
def explainer(tmp_path_factory) -> Explainer:
    kg = KnowledgeGraph.open(cache_dir=tmp_path_factory.mktemp("cache"))
    return Explainer(kg.asserted, kg.inferred)


def t(s, p, o):
    return (URIRef(D + s), URIRef(O + p) if ":" not in p else URIRef(p), URIRef(D + o) if "/" not in o else URIRef(o))


def test_inverse_explained_down_to_the_quote(explainer):
    e = explainer.explain(t("ip4", "hasMember", "japan"))
    assert e.status == "inferred" and e.rule == "prp-inv1"
    leaves = list(e.leaves())
    assert any(l.status == "ontology" for l in leaves)
    asserted = [l for l in leaves if l.status == "asserted"]
    assert asserted and asserted[0].triple == t("japan", "memberOf", "ip4")
    quotes = [ev.quote for ev in asserted[0].evidence]
    assert any("Japan" in q for q in quotes)
    assert {str(ev.source) for ev in asserted[0].evidence} >= {D + "doc-brief"}


def test_transitive_chain(explainer):
    e = explainer.explain(t("madrid-summit-2022", "followedBy", "washington-summit-2024"))
    assert e.rule == "prp-trp" and len(e.premises) == 3


def test_symmetric_over_subproperty_is_recursive(explainer):
    e = explainer.explain(t("nato", "cooperatesWith", "new-zealand"))
    assert e.rules() >= {"prp-symp", "prp-spo1"} or e.rules() >= {"prp-spo1"}
    assert all(l.status in ("asserted", "ontology") for l in e.leaves())


def test_class_membership_through_the_hierarchy(explainer):
    e = explainer.explain((URIRef(D + "nato"), RDF.type, URIRef(O + "Organization")))
    assert e.rules() & {"cax-sco", "cax-eqc1", "cax-eqc2", "prp-dom", "prp-rng"}
    assert all(l.status in ("asserted", "ontology") for l in e.leaves())


def test_asserted_triple_is_its_own_explanation(explainer):
    e = explainer.explain(t("japan", "memberOf", "ip4"))
    assert e.status == "asserted" and e.evidence and not e.premises


def test_non_entailed_triple_is_refused(explainer):
    with pytest.raises(QueryError, match="neither asserted nor inferred"):
        explainer.explain(t("japan", "memberOf", "nato"))


def test_cli_why_text_and_json(tmp_path, monkeypatch):
    monkeypatch.setenv("IP4GRAPH_CACHE", str(tmp_path))
    r = CliRunner().invoke(main, ["why", "IP4", "ip4:hasMember", "Japan"])
    assert r.exit_code == 0, r.output
    assert "inferred by prp-inv1" in r.output and "source: ip4d:doc-brief" in r.output
    r = CliRunner().invoke(main, ["why", "IP4", "ip4:hasMember", "Japan", "--json"])
    d = json.loads(r.output)
    assert d["rule"] == "prp-inv1" and d["premises"][1]["evidence"]
    r = CliRunner().invoke(main, ["why", "Japan", "ip4:memberOf", "NATO"])
    assert r.exit_code == 2 and "neither asserted nor inferred" in r.output


# ------------------------------------------------------------------ facts the sources hedge or deny
def _why(*args: str) -> str:
    res = CliRunner().invoke(main, ["why", *args])
    assert res.exit_code == 0, res.output
    return res.output


def test_a_denied_statement_is_explained_as_denied_with_its_quote():
    out = _why("NATO", "ip4:plansPresenceIn", "Indo-Pacific")
    assert "[denied; claimed by ip4d:china, ip4d:russia]" in out
    assert "doc-brief ¶4 (Denied)" in out and "no such plan is afoot" in out


def test_a_hedged_statement_names_its_level_and_every_source():
    out = _why("Australia", "ip4:participatedIn", "ip4d:washington-summit-2024")
    assert "[hedged (expected)]" in out
    assert "doc-brief ¶2 (Expected)" in out and "doc-usip ¶31 (Expected)" in out


def test_a_denial_stored_for_each_member_answers_for_the_grouping():
    out = _why("IP4", "ip4:eligibleForMembershipOf", "NATO")
    assert "[denied for each of its 4 members]" in out and "could not join the alliance" in out


def test_a_triple_nobody_states_is_still_an_error():
    res = CliRunner().invoke(main, ["why", "Japan", "ip4:memberOf", "NATO"])
    assert res.exit_code == 2 and "neither asserted nor inferred, nor hedged or denied" in res.output
