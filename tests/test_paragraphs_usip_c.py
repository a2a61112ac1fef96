"""One or more facts per paragraph of the USIP question-and-answer piece, paragraphs 23-34
(ip4d:doc-usip, lines 44-67), asked in SPARQL against the asserted data; expected answers written
by hand from the text. Each query also checks the claim graph cites the right paragraph."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from conftest import ask, select

ID = "https://w3id.org/ip4graph/id/"
O = "https://w3id.org/ip4graph/ontology#"


def iri(local: str) -> URIRef:
    return URIRef(ID + local)


IP4_STATES = {iri("australia"), iri("japan"), iri("south-korea"), iri("new-zealand")}


# --- p23 --------------------------------------------------------------------------------------

def test_p23_russia_in_europe_and_china_in_the_indo_pacific_cross_regions(dataset):
    # what Russia does in Europe impacts the partners' region
    assert ask(dataset, """ASK {
        GRAPH ?c { ip4d:russia-war-ukraine ip4:location ip4d:europe ; ip4:affects ip4d:indo-pacific . }
        ?c ip4:paragraph ip4d:doc-usip-p23 ; ip4:certainty ip4:Stated . }""")
    # what China does in the Indo-Pacific impacts European security, as the four partners see it
    rows = select(dataset, """SELECT DISTINCT ?who WHERE {
        GRAPH ?c { ip4d:threat-china-security-challenges ip4:originatesIn ip4d:indo-pacific ;
                       ip4:affects ip4d:europe ; ip4:perceivedBy ?who . }
        ?c ip4:paragraph ip4d:doc-usip-p23 . }""")
    assert {r[0] for r in rows} == IP4_STATES


# --- p24 --------------------------------------------------------------------------------------

def test_p24_ten_priority_areas_agreed_in_2022_likely_seven_named(dataset):
    rows = select(dataset, """SELECT ?n ?pub ?d ?st WHERE {
        GRAPH ?c { ip4d:priority-areas-2022 ip4:numberOfAreas ?n ; ip4:date ?d ; ip4:status ?st . }
        ?c ip4:paragraph ip4d:doc-usip-p24 .
        GRAPH ?c2 { ip4d:priority-areas-2022 ip4:isPublic ?pub } ?c2 ip4:paragraph ip4d:doc-usip-p24 . }""")
    assert len(rows) == 1
    n, pub, d, st = rows[0]
    assert int(n) == 10 and pub.toPython() is False
    assert (str(d), d.datatype, st) == ("2022", XSD.gYear, URIRef(O + "Agreed"))
    parties = select(dataset, """SELECT DISTINCT ?p WHERE {
        GRAPH ?c { ip4d:priority-areas-2022 ip4:party ?p } ?c ip4:paragraph ip4d:doc-usip-p24 . }""")
    assert {r[0] for r in parties} == IP4_STATES | {iri("nato")}
    # the seven named areas are only "likely": reified, never plain triples
    assert not ask(dataset, "ASK { ip4d:priority-areas-2022 ip4:includesArea ?a }")
    rows = select(dataset, """SELECT ?a ?h WHERE {
        GRAPH ?c { ?st a rdf:Statement ; rdf:subject ip4d:priority-areas-2022 ; rdf:predicate ip4:includesArea ;
                       rdf:object ?a ; ip4:certainty ip4:Likely ; ip4:hedge ?h . }
        ?c ip4:paragraph ip4d:doc-usip-p24 ; ip4:certainty ip4:Likely . }""")
    assert {r[0] for r in rows} == {iri(a) for a in (
        "area-emerging-disruptive-technologies", "area-countering-disinformation", "area-maritime-security",
        "area-climate-change", "area-space", "area-cyber-defense", "area-innovation")}
    assert len(rows) == 7 and {str(r[1]) for r in rows} == {"likely include"}
    # regular discussions between NATO and IP4 governments on how to cooperate in them
    assert ask(dataset, """ASK {
        GRAPH ?c { ip4d:nato-ip4-regular-discussions ip4:ongoing true ; ip4:hasTopic ip4d:priority-areas-2022 ;
                       ip4:hasParticipant ip4d:nato , ip4d:japan , ip4d:new-zealand . }
        ?c ip4:paragraph ip4d:doc-usip-p24 . }""")


# --- p25 --------------------------------------------------------------------------------------

def test_p25_study_group_additional_areas(dataset):
    rows = select(dataset, """SELECT DISTINCT ?a WHERE {
        GRAPH ?c { ip4d:usip-study-group ip4:proposesArea ?a } ?c ip4:paragraph ip4d:doc-usip-p25 ;
        ip4:certainty ip4:Stated . }""")
    assert {r[0] for r in rows} == {iri(a) for a in (
        "area-arms-control", "area-china-russia-relations", "area-polar-regions", "area-supply-chains",
        "area-artificial-intelligence", "area-defense-industry-planning", "area-defense-supply-chain-management")}
    # "might benefit": NATO's cooperation in them is only possible
    assert not ask(dataset, "ASK { ip4d:nato ip4:cooperatesOn ip4d:area-polar-regions }")
    assert ask(dataset, """ASK { GRAPH ?c { ?st rdf:subject ip4d:nato ; rdf:predicate ip4:cooperatesOn ;
                                             rdf:object ip4d:area-polar-regions ; ip4:certainty ip4:Possible . }
                                 ?c ip4:paragraph ip4d:doc-usip-p25 . }""")


# --- p26 --------------------------------------------------------------------------------------

def test_p26_new_partnership_agreements(dataset):
    rows = select(dataset, """SELECT ?a ?state ?d ?prev WHERE {
        GRAPH ?c { ?a ip4:party ip4d:nato , ?state ; ip4:status ip4:Signed ; ip4:date ?d ;
                      ip4:followsAgreement ?prev . }
        ?c ip4:paragraph ip4d:doc-usip-p26 . FILTER(?state != ip4d:nato) }""")
    assert {r[1] for r in rows} == {iri("australia"), iri("japan"), iri("south-korea")}
    assert all(str(r[2]) == "2023" and r[2].datatype == XSD.gYear for r in rows)
    assert {(r[0], r[3]) for r in rows} == {
        (iri(f"agreement-nato-{s}-2023"), iri(f"agreement-nato-{s}-2010s")) for s in ("australia", "japan", "south-korea")}
    # New Zealand's is under discussion, with no date
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:agreement-nato-new-zealand-new ip4:status ip4:UnderDiscussion ;
                                                ip4:party ip4d:nato , ip4d:new-zealand . }
                                 ?c ip4:paragraph ip4d:doc-usip-p26 . }""")
    assert not ask(dataset, "ASK { ip4d:agreement-nato-new-zealand-new ip4:date ?d }")
    assert not ask(dataset, "ASK { ip4d:partnership-nato-new-zealand ip4:formalizedBy ip4d:agreement-nato-new-zealand-new }")
    # more detailed than the previous deals, with strategic objectives and partnership goals
    rows = select(dataset, """SELECT DISTINCT ?a WHERE {
        GRAPH ?c { ?a ip4:moreDetailedThan ?old ;
                      ip4:includesElement ip4d:element-strategic-objectives , ip4d:element-partnership-goals . }
        ?c ip4:paragraph ip4d:doc-usip-p26 . }""")
    assert {r[0] for r in rows} == {iri(f"agreement-nato-{s}-2023") for s in ("australia", "japan", "south-korea")}
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:partnership-nato-japan ip4:formalizedBy ip4d:agreement-nato-japan-2023 }
                                 ?c ip4:paragraph ip4d:doc-usip-p26 . }""")


# --- p27 --------------------------------------------------------------------------------------

def test_p27_russian_disinformation_and_chinese_messaging(dataset):
    rows = select(dataset, """SELECT ?t ?who WHERE {
        GRAPH ?c { ?t ip4:posedBy ?who ; ip4:affects ip4d:nato . } ?c ip4:paragraph ip4d:doc-usip-p27 . }""")
    assert set(rows) == {(iri("threat-russia-disinformation"), iri("russia")),
                         (iri("threat-china-negative-messaging"), iri("china"))}


# --- p28 --------------------------------------------------------------------------------------

def test_p28_recommendations_to_nato_and_their_audiences(dataset):
    rows = select(dataset, """SELECT DISTINCT ?r WHERE {
        GRAPH ?c { ?r ip4:addressedTo ip4d:nato ; ip4:recommendedBy ip4d:usip-study-group , ip4d:mirna-galic . }
        ?c ip4:paragraph ip4d:doc-usip-p28 . ?r a ip4:Recommendation . }""")
    assert {r[0] for r in rows} == {iri(r) for r in (
        "rec-highlight-long-standing-engagement", "rec-clarify-ip4-nature", "rec-underscore-engagement-precedes-china",
        "rec-explain-ip4-not-formalized", "rec-emphasize-bilateral-relations")}
    rows = select(dataset, """SELECT DISTINCT ?aud WHERE {
        GRAPH ?c { ip4d:rec-clarify-ip4-nature ip4:targetAudience ?aud } ?c ip4:paragraph ip4d:doc-usip-p28 . }""")
    assert {r[0] for r in rows} == {iri("indo-pacific"), iri("audience-media-partner-countries"),
                                    iri("audience-domestic-partner-countries")}
    # the low familiarity of those audiences is a public diplomacy challenge
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:challenge-low-familiarity ip4:affects ip4d:audience-media-partner-countries }
                                 ?c ip4:paragraph ip4d:doc-usip-p28 .
                                 ip4d:challenge-low-familiarity a ip4:PublicDiplomacyChallenge . }""")
    # the IP4 does not replace bilateral relations: an explicit "no", and no positive triple
    assert not ask(dataset, "ASK { ip4d:ip4 ip4:replaces ?x }")
    assert ask(dataset, """ASK { GRAPH ?c { ?n a owl:NegativePropertyAssertion ; owl:sourceIndividual ip4d:ip4 ;
                                               owl:assertionProperty ip4:replaces ;
                                               owl:targetIndividual ip4d:partnership-nato-japan . }
                                 ?c ip4:paragraph ip4d:doc-usip-p28 ; ip4:certainty ip4:Denied . }""")


# --- p29 --------------------------------------------------------------------------------------

def test_p29_limited_understanding_and_its_factors(dataset):
    rows = select(dataset, """SELECT DISTINCT ?who WHERE {
        GRAPH ?c { ip4d:challenge-limited-understanding ip4:affects ?who } ?c ip4:paragraph ip4d:doc-usip-p29 .
        ?who a ip4:State . }""")
    assert {r[0] for r in rows} == IP4_STATES
    rows = select(dataset, """SELECT ?f ?side WHERE {
        GRAPH ?c { ?f ip4:contributesTo ip4d:challenge-limited-understanding ; ip4:attributedTo ?side . }
        ?c ip4:paragraph ip4d:doc-usip-p29 . ?f a ip4:Factor . }""")
    by_side: dict[URIRef, set[URIRef]] = {}
    for f, side in rows:
        by_side.setdefault(side, set()).add(f)
    partner = {iri(f) for f in ("factor-bureaucratic-silos", "factor-finite-brussels-resources",
                                "factor-limited-bureaucratic-bandwidth", "factor-sparse-expert-interest")}
    assert all(by_side[s] == partner for s in IP4_STATES)
    assert by_side[iri("nato")] == {iri("factor-limited-nato-reach"), iri("factor-contact-point-embassy-inconsistency")}
    assert by_side[iri("nato-public-diplomacy-division")] == {iri("factor-limited-nato-reach")}


# --- p30 --------------------------------------------------------------------------------------

def test_p30_public_diplomacy_division_and_increasing_visits(dataset):
    assert ask(dataset, """ASK {
        GRAPH ?c { ip4d:nato-public-diplomacy-division ip4:subOrganizationOf ip4d:nato ;
                       ip4:recognizesProblem ip4d:factor-contact-point-embassy-inconsistency ;
                       ip4:worksToImprove ip4d:nato-contact-point-embassy-model . }
        ?c ip4:paragraph ip4d:doc-usip-p30 . }""")
    rows = select(dataset, """SELECT ?v ?dir WHERE {
        GRAPH ?c { ?v ip4:trendDirection ?dir } ?c ip4:paragraph ip4d:doc-usip-p30 . }""")
    assert set(rows) == {(iri(v), Literal("increasing")) for v in (
        "high-level-visits", "visit-nato-officials-to-partners", "visit-partner-officials-to-nato")}
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:high-level-visits ip4:affects ip4d:challenge-limited-understanding }
                                 ?c ip4:paragraph ip4d:doc-usip-p30 ; ip4:certainty ip4:Stated . }""")


# --- p31 --------------------------------------------------------------------------------------

def test_p31_foreign_ministers_and_expected_third_participation(dataset):
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:foreign-ministers-meetings ip4:trendDirection "increasing" ;
                                                ip4:hasParticipant ip4d:south-korea . }
                                 ?c ip4:paragraph ip4d:doc-usip-p31 . }""")
    # the summit was still ahead: its place and date ("this summer") are expected
    assert ask(dataset, """ASK { GRAPH ?c { ?l rdf:subject ip4d:washington-summit-2024 ; rdf:predicate ip4:location ;
                                                rdf:object ip4d:washington-dc ; ip4:certainty ip4:Expected .
                                             ?d rdf:subject ip4d:washington-summit-2024 ; rdf:predicate ip4:date ;
                                                ip4:dateDescription "this summer"@en ; ip4:certainty ip4:Expected . }
                                 ?c ip4:paragraph ip4d:doc-usip-p31 . }""")
    # the third participation is expected, not a fact
    assert not ask(dataset, "ASK { ?s ip4:participatedIn ip4d:washington-summit-2024 }")
    assert not ask(dataset, "ASK { ip4d:ip4-leaders-washington-2024 ip4:ordinal ?n }")
    rows = select(dataset, """SELECT DISTINCT ?s WHERE {
        GRAPH ?c { ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ip4:participatedIn ;
                       rdf:object ip4d:washington-summit-2024 ; ip4:certainty ip4:Expected . }
        ?c ip4:paragraph ip4d:doc-usip-p31 ; ip4:certainty ip4:Expected . }""")
    assert {r[0] for r in rows} == IP4_STATES
    rows = select(dataset, """SELECT ?n WHERE {
        GRAPH ?c { ?st rdf:subject ip4d:ip4-leaders-washington-2024 ; rdf:predicate ip4:ordinal ; rdf:object ?n ;
                       ip4:certainty ip4:Expected . }
        ?c ip4:paragraph ip4d:doc-usip-p31 . }""")
    assert [int(r[0]) for r in rows] == [3]
    # visits "may grow to be" a more reliable platform: possible only
    assert ask(dataset, """ASK { GRAPH ?c { ?st rdf:subject ip4d:high-level-visits ; ip4:certainty ip4:Possible ;
                                               ip4:hedge "may grow to be" . }
                                 ?c ip4:paragraph ip4d:doc-usip-p31 . }""")


# --- p32 --------------------------------------------------------------------------------------

def test_p32_caption_repeated(dataset):
    rows = select(dataset, """SELECT ?d ?who WHERE {
        GRAPH ?c { ip4d:doc-photo-madrid-2022 ip4:date ?d ; ip4:depicts ?who ; ip4:location ip4d:madrid ;
                       dcterms:creator ip4d:office-of-pm-japan . }
        ?c ip4:paragraph ip4d:doc-usip-p32 . }""")
    assert {r[1] for r in rows} == {iri("fumio-kishida"), iri("jacinda-ardern"), iri("madrid-summit-2022")}
    assert {(str(r[0]), r[0].datatype) for r in rows} == {("2022-06-29", XSD.date)}
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:jacinda-ardern ip4:formerlyHeldPost ip4d:post-pm-new-zealand .
                                            ip4d:fumio-kishida ip4:holdsPost ip4d:post-pm-japan . }
                                 ?c ip4:paragraph ip4d:doc-usip-p32 . }""")


# --- p33 --------------------------------------------------------------------------------------

def test_p33_views_of_the_authors(dataset):
    rows = select(dataset, """SELECT ?n WHERE {
        GRAPH ?c { ip4d:doc-usip ip4:note ?n } ?c ip4:paragraph ip4d:doc-usip-p33 . }""")
    assert len(rows) == 1 and "those of the author(s)" in str(rows[0][0])


# --- p34 --------------------------------------------------------------------------------------

def test_p34_publication_type(dataset):
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:doc-usip dcterms:type "Question and Answer" }
                                 ?c ip4:paragraph ip4d:doc-usip-p34 ; ip4:quote "PUBLICATION TYPE: Question and Answer"@en . }""")


# --- issue 16 ---------------------------------------------------------------------------------

def test_p25_the_seven_areas_sit_in_one_claim(dataset):
    rows = select(dataset, """SELECT DISTINCT ?c WHERE { GRAPH ?c { ip4d:usip-study-group ip4:proposesArea ?a } }""")
    assert [str(r[0]).rsplit("/", 1)[1] for r in rows] == ["usip-p25-additional-areas"]
    rows = select(dataset, """SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {
        GRAPH ip4c:usip-p25-additional-areas { ip4d:usip-study-group ip4:proposesArea ?a } }""")
    assert int(rows[0][0]) == 7


def test_p25_partners_are_parties_to_the_proposed_cooperation(dataset):
    rows = select(dataset, """SELECT ?who (COUNT(DISTINCT ?a) AS ?n) WHERE {
        GRAPH ?c { ?st rdf:subject ?who ; rdf:predicate ip4:cooperatesOn ; rdf:object ?a ; ip4:certainty ip4:Possible }
        ?c ip4:paragraph ip4d:doc-usip-p25 . } GROUP BY ?who""")
    assert {r[0]: int(r[1]) for r in rows} == {s: 7 for s in IP4_STATES | {iri("nato")}}


def test_p26_the_ip4_are_not_monolithic(dataset):
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:ip4 ip4:monolithic false } ?c ip4:paragraph ip4d:doc-usip-p26 . }""")


def test_p27_interviewer_question_gives_no_effects_on_the_four(dataset):
    for threat in ("threat-russia-disinformation", "threat-china-negative-messaging"):
        assert not ask(dataset, f"""ASK {{ ip4d:{threat} ip4:affects ?s .
            VALUES ?s {{ ip4d:australia ip4d:japan ip4d:south-korea ip4d:new-zealand }} }}""")


def test_p29_limited_understanding_even_within_policy_circles(dataset):
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:challenge-limited-understanding ip4:affects ip4d:audience-policy-circles-partner-countries }
                                 ?c ip4:paragraph ip4d:doc-usip-p29 ; ip4:quote ?q .
                                 FILTER(CONTAINS(STR(?q), "even within policy circles")) }""")


def test_p29_contact_point_embassy_model_is_an_entity(dataset):
    rows = select(dataset, """SELECT DISTINCT ?gov ?pd WHERE {
        GRAPH ?c { ip4d:nato-contact-point-embassy-model ip4:operatedBy ip4d:nato ;
                      ip4:sharesInformationWith ?gov ; ip4:coordinatesPublicDiplomacyIn ?pd .
                   ip4d:factor-contact-point-embassy-inconsistency ip4:hasTopic ip4d:nato-contact-point-embassy-model }
        ?c ip4:paragraph ip4d:doc-usip-p29 . }""")
    assert {r[0] for r in rows} == IP4_STATES and {r[1] for r in rows} == IP4_STATES
    assert ask(dataset, "ASK { ip4d:nato-contact-point-embassy-model a ip4:Mechanism }")


def test_p30_work_begun_is_not_an_interest(dataset):
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:nato ip4:addresses ip4d:challenge-limited-understanding }
                                 ?c ip4:paragraph ip4d:doc-usip-p30 . }""")
    assert not ask(dataset, """ASK { GRAPH ?c { ?s ip4:hasInterest ?o } ?c ip4:paragraph ip4d:doc-usip-p30 . }""")


def test_disagreements_between_the_texts_are_listed(dataset):
    rows = select(dataset, """SELECT ?d ?doc WHERE {
        ?d a ip4:Disagreement ; ip4:account ?c . ?c prov:wasQuotedFrom ?doc . }""")
    by = {}
    for d, doc in rows:
        by.setdefault(str(d).rsplit("/", 1)[1], set()).add(str(doc).rsplit("/", 1)[1])
    assert by == {"disagreement-engagement-start": {"doc-brief", "doc-usip"},
                  "disagreement-2016-meeting-motive": {"doc-brief", "doc-usip"}}
