"""One or more facts per paragraph of the NATO 75th-anniversary brief (ip4d:doc-brief, p1-p5),
asked in SPARQL against the asserted data; expected answers written by hand from the text.
Each query also checks that the fact sits in a claim graph quoting the right paragraph."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from conftest import ask, select

IP4 = "https://w3id.org/ip4graph/ontology#"
ID = "https://w3id.org/ip4graph/id/"


def iri(local: str) -> URIRef:
    return URIRef(ID + local)


IP4_STATES = {iri("australia"), iri("japan"), iri("south-korea"), iri("new-zealand")}


# --- p1: the series ----------------------------------------------------------------------------

def test_p1_brief_belongs_to_the_75th_anniversary_series(dataset):
    assert ask(dataset, """ASK {
        GRAPH ?c { ip4d:doc-brief dcterms:isPartOf ip4d:series-nato-75 }
        ?c ip4:paragraph ip4d:doc-brief-p1 ; ip4:certainty ip4:Stated .
        ip4d:series-nato-75 a ip4:DocumentSeries .
        GRAPH ?c2 { ip4d:nato-75th-anniversary ip4:organizedBy ip4d:nato }
        ?c2 ip4:paragraph ip4d:doc-brief-p1 .
    }""")


# --- p2: history, agreements, the 2016 meeting, summits ---------------------------------------

def test_p2_ip4_members(dataset):
    rows = select(dataset, """SELECT DISTINCT ?m WHERE {
        GRAPH ?c { ?m ip4:memberOf ip4d:ip4 } ?c ip4:paragraph ip4d:doc-brief-p2 . }""")
    assert {r[0] for r in rows} == IP4_STATES


def test_p2_agreements_signed_in_the_early_2010s(dataset):
    rows = select(dataset, """SELECT DISTINCT ?state ?nb ?na ?words WHERE {
        GRAPH ?c { ?a ip4:party ip4d:nato , ?state ; ip4:status ip4:Signed ;
                      ip4:notBefore ?nb ; ip4:notAfter ?na ; ip4:dateDescription ?words . }
        ?c ip4:paragraph ip4d:doc-brief-p2 .
        ?a a ip4:PartnershipAgreement .
        FILTER(?state != ip4d:nato)
    }""")
    assert {r[0] for r in rows} == IP4_STATES
    for _, nb, na, words in rows:
        assert nb == Literal("2010", datatype=XSD.gYear) and nb.datatype == XSD.gYear
        assert na == Literal("2014", datatype=XSD.gYear)
        assert str(words) == "early 2010s"


def test_p2_first_meeting_in_2016_focused_on_north_korea(dataset):
    rows = select(dataset, """SELECT ?d ?threat ?by WHERE {
        GRAPH ?c { ip4d:nato-ip4-meeting-2016 ip4:date ?d ; ip4:ordinal 1 }
        ?c ip4:paragraph ip4d:doc-brief-p2 .
        GRAPH ?c2 { ip4d:nato-ip4-meeting-2016 ip4:focusedOn ?threat . ?threat ip4:posedBy ?by }
        ?c2 ip4:paragraph ip4d:doc-brief-p2 .
    }""")
    assert len(rows) == 1
    d, threat, by = rows[0]
    assert d.datatype == XSD.gYear and str(d) == "2016"
    assert threat == iri("threat-north-korea-capabilities") and by == iri("north-korea")


def test_p2_madrid_then_vilnius_with_the_ip4_leaders(dataset):
    assert ask(dataset, """ASK {
        GRAPH ?c {
            ip4d:madrid-summit-2022 ip4:followedBy ip4d:vilnius-summit-2023 ; ip4:location ip4d:madrid .
            ip4d:vilnius-summit-2023 ip4:date "2023"^^xsd:gYear ; ip4:location ip4d:vilnius .
            ip4d:ip4-leaders-madrid-2022 ip4:partOf ip4d:madrid-summit-2022 ; ip4:ordinal 1 .
            ip4d:ip4-leaders-vilnius-2023 ip4:partOf ip4d:vilnius-summit-2023 ; ip4:ordinal 2 .
            ip4d:japan ^ip4:hasParticipant ip4d:madrid-summit-2022 .
        }
        ?c ip4:paragraph ip4d:doc-brief-p2 ; ip4:certainty ip4:Stated .
    }""")


def test_p2_third_meeting_in_washington_is_expected_not_a_fact(dataset):
    # not a plain triple ...
    assert not ask(dataset, "ASK { ip4d:ip4-leaders-washington-2024 ip4:partOf ip4d:washington-summit-2024 }")
    assert not ask(dataset, "ASK { ip4d:ip4-leaders-washington-2024 ip4:ordinal 3 }")
    # ... but a reified statement with certainty Expected, from p2
    assert ask(dataset, """ASK {
        GRAPH ?c { ?st a rdf:Statement ; rdf:subject ip4d:ip4-leaders-washington-2024 ;
                   rdf:predicate ip4:ordinal ; rdf:object 3 ; ip4:certainty ip4:Expected . }
        ?c ip4:paragraph ip4d:doc-brief-p2 ; ip4:certainty ip4:Expected .
    }""")
    # the summit itself was still ahead: its place is expected, from p2, and not a plain fact
    assert ask(dataset, """ASK { GRAPH ?c { ?st a rdf:Statement ; rdf:subject ip4d:washington-summit-2024 ;
                                     rdf:predicate ip4:location ; rdf:object ip4d:washington-dc ; ip4:certainty ip4:Expected }
                                 ?c ip4:paragraph ip4d:doc-brief-p2 ; ip4:certainty ip4:Expected . }""")
    assert not ask(dataset, "ASK { ip4d:washington-summit-2024 ip4:location ?place }")
    assert not ask(dataset, "ASK { ip4d:washington-summit-2024 ip4:date ?d }")


def test_p2_counter_piracy_in_the_indian_ocean_after_9_11(dataset):
    assert ask(dataset, """ASK {
        GRAPH ?c { ip4d:counter-piracy-indian-ocean ip4:location ip4d:indian-ocean .
                   ip4d:japan ip4:coordinatedOn ip4d:counter-piracy-indian-ocean .
                   ip4d:september-11-attacks ip4:followedBy ip4d:counter-piracy-indian-ocean }
        ?c ip4:paragraph ip4d:doc-brief-p2 .
        GRAPH ?c2 { ip4d:september-11-attacks ip4:followedBy ip4d:operations-afghanistan }
        ?c2 ip4:paragraph ip4d:doc-brief-p2 .
    }""")


# --- p3: common interests and linked regions --------------------------------------------------

def test_p3_values_nato_and_japan_share(dataset):
    rows = select(dataset, """SELECT DISTINCT ?v WHERE {
        GRAPH ?c { ip4d:nato ip4:upholdsValue ?v . ip4d:japan ip4:upholdsValue ?v . }
        ?c ip4:paragraph ip4d:doc-brief-p3 .
    }""")
    assert {r[0] for r in rows} == {
        iri("interest-democracy"), iri("interest-human-rights"),
        iri("interest-individual-freedoms"), iri("interest-rules-based-international-order"),
    }


def test_p3_global_challenges_of_concern(dataset):
    rows = select(dataset, """SELECT DISTINCT ?x WHERE {
        GRAPH ?c { ip4d:south-korea ip4:hasInterest ?x . ?x ip4:perceivedBy ip4d:nato . }
        ?c ip4:paragraph ip4d:doc-brief-p3 .
        ?x a ip4:GlobalChallenge .
    }""")
    assert {r[0] for r in rows} == {iri("area-cyber-defense"), iri("threat-terrorism"),
                                    iri("area-climate-change"), iri("area-maritime-security")}


def test_p3_regions_linked_and_china_threats(dataset):
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:euro-atlantic-area ip4:securityLinkedTo ip4d:indo-pacific }
                                 ?c ip4:paragraph ip4d:doc-brief-p3 . }""")
    rows = select(dataset, """SELECT DISTINCT ?t WHERE {
        GRAPH ?c { ?t ip4:posedBy ip4d:china } ?c ip4:paragraph ip4d:doc-brief-p3 . }""")
    assert {r[0] for r in rows} == {iri("threat-china-military-capabilities"),
                                    iri("threat-china-destabilizing-behaviour")}
    assert ask(dataset, "ASK { ip4d:threat-china-destabilizing-behaviour ip4:affects ip4d:taiwan-strait }")


# --- p4: denials --------------------------------------------------------------------------------

def test_p4_nato_plans_no_presence_in_the_indo_pacific(dataset):
    for prop in ("plansPresenceIn", "expandsInto", "seeksPresenceIn"):
        # the positive triple is nowhere
        assert not ask(dataset, f"ASK {{ ip4d:nato ip4:{prop} ip4d:indo-pacific }}"), prop
        # the explicit "no" is there, from p4, with certainty Denied
        assert ask(dataset, f"""ASK {{
            GRAPH ?c {{ ?n a owl:NegativePropertyAssertion ; owl:sourceIndividual ip4d:nato ;
                          owl:assertionProperty ip4:{prop} ; owl:targetIndividual ip4d:indo-pacific . }}
            ?c ip4:paragraph ip4d:doc-brief-p4 ; ip4:certainty ip4:Denied .
        }}"""), prop


def test_p4_china_and_russia_warnings_are_attributed_and_denied(dataset):
    rows = select(dataset, """SELECT DISTINCT ?who WHERE {
        ?st a rdf:Statement ; rdf:subject ip4d:nato ; rdf:predicate ip4:plansPresenceIn ;
            rdf:object ip4d:indo-pacific ; ip4:claimedBy ?who ; ip4:certainty ip4:Denied .
    }""")
    assert {r[0] for r in rows} == {iri("china"), iri("russia")}


def test_p4_ip4_states_cannot_join_nato(dataset):
    assert not ask(dataset, "ASK { ?s ip4:eligibleForMembershipOf ip4d:nato }")
    assert not ask(dataset, "ASK { ?s ip4:memberOf ip4d:nato . ?s ip4:memberOf ip4d:ip4 }")
    rows = select(dataset, """SELECT DISTINCT ?s WHERE {
        GRAPH ?c { ?n owl:sourceIndividual ?s ; owl:assertionProperty ip4:eligibleForMembershipOf ;
                      owl:targetIndividual ip4d:nato . }
        ?c ip4:paragraph ip4d:doc-brief-p4 ; ip4:certainty ip4:Denied .
    }""")
    assert {r[0] for r in rows} == IP4_STATES


def test_p4_north_atlantic_treaty_1949_restricts_members_to_europe(dataset):
    rows = select(dataset, """SELECT ?d WHERE {
        GRAPH ?c { ip4d:north-atlantic-treaty ip4:date ?d ; ip4:restrictsMembershipTo ip4d:europe }
        ?c ip4:paragraph ip4d:doc-brief-p4 . }""")
    assert len(rows) == 1 and rows[0][0].datatype == XSD.gYear and str(rows[0][0]) == "1949"


def test_p4_mutual_learning_is_a_shared_interest(dataset):
    rows = select(dataset, """SELECT DISTINCT ?a WHERE {
        GRAPH ?c { ?a ip4:hasInterest ip4d:interest-mutual-learning } ?c ip4:paragraph ip4d:doc-brief-p4 . }""")
    assert {r[0] for r in rows} == IP4_STATES | {iri("nato")}


# --- p5: the upcoming summit's potential topics (hedged) ---------------------------------------

def test_p5_potential_summit_topics_are_possible_not_facts(dataset):
    assert not ask(dataset, """ASK { ip4d:washington-summit-2024 ip4:hasTopic ?t .
        VALUES ?t { ip4d:area-china-russia-relations ip4d:area-global-nuclear-dynamics ip4d:threat-fimi
                    ip4d:area-deterrence-linkages ip4d:russia-war-ukraine ip4d:threat-china-security-challenges
                    ip4d:area-economic-security ip4d:threat-hybrid } }""")
    rows = select(dataset, """SELECT DISTINCT ?t WHERE {
        GRAPH ?c { ?st a rdf:Statement ; rdf:subject ip4d:washington-summit-2024 ;
                   rdf:predicate ip4:hasTopic ; rdf:object ?t ; ip4:certainty ip4:Possible . }
        ?c ip4:paragraph ip4d:doc-brief-p5 ; ip4:certainty ip4:Possible .
    }""")
    assert {r[0] for r in rows} == {iri("partnership-nato-ip4")} | {
        iri("area-china-russia-relations"), iri("area-global-nuclear-dynamics"), iri("threat-fimi"),
        iri("area-deterrence-linkages"), iri("russia-war-ukraine"), iri("threat-china-security-challenges"),
        iri("area-economic-security"), iri("threat-hybrid"),
    }


def test_p5_the_war_in_ukraine_is_ongoing(dataset):
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:russia-war-ukraine ip4:ongoing true }
                                 ?c ip4:paragraph ip4d:doc-brief-p5 ; ip4:certainty ip4:Stated . }""")


# --- issue 16: claims that said more than the text, corrected ----------------------------------

def test_p2_counter_piracy_is_coordination_not_participation(dataset):
    # "coordination on ... counter-piracy missions": the four coordinated; they are not participants
    assert not ask(dataset, """ASK { ip4d:counter-piracy-indian-ocean ip4:hasParticipant ?s .
                                     VALUES ?s { ip4d:australia ip4d:japan ip4d:south-korea ip4d:new-zealand } }""")
    assert not ask(dataset, "ASK { ?s ip4:participatedIn ip4d:counter-piracy-indian-ocean }")
    rows = select(dataset, """SELECT DISTINCT ?a WHERE {
        GRAPH ?c { ?a ip4:coordinatedOn ip4d:counter-piracy-indian-ocean } ?c ip4:paragraph ip4d:doc-brief-p2 . }""")
    assert {r[0] for r in rows} == IP4_STATES | {iri("nato")}
    # who conducted the missions is USIP's statement, not the brief's
    assert not ask(dataset, """ASK { GRAPH ?c { ip4d:counter-piracy-indian-ocean ip4:conductedBy ip4d:nato }
                                     ?c prov:wasQuotedFrom ip4d:doc-brief . }""")


def test_p5_upcoming_summit_creates_no_regular_discussions(dataset):
    # the regularity of NATO-IP4 discussions comes from USIP ¶24, never from brief ¶5
    assert not ask(dataset, """ASK { GRAPH ?c { ip4d:nato-ip4-regular-discussions ?p ?o }
                                     ?c prov:wasQuotedFrom ip4d:doc-brief . }""")
    # the opportunity to deepen consultations is possible, not a fact
    assert ask(dataset, """ASK { GRAPH ?c { ?st rdf:subject ip4d:washington-summit-2024 ; rdf:predicate ip4:hasTopic ;
                                             rdf:object ip4d:partnership-nato-ip4 ; ip4:certainty ip4:Possible }
                                 ?c ip4:paragraph ip4d:doc-brief-p5 . }""")
    assert not ask(dataset, "ASK { ip4d:washington-summit-2024 ip4:hasTopic ip4d:partnership-nato-ip4 }")


def test_p2_washington_date_and_place_are_expected(dataset):
    rows = select(dataset, """SELECT DISTINCT ?p ?o ?doc WHERE {
        GRAPH ?c { ?st a rdf:Statement ; rdf:subject ip4d:washington-summit-2024 ; rdf:predicate ?p ; rdf:object ?o ;
                       ip4:certainty ip4:Expected . FILTER(?p IN (ip4:date, ip4:location)) }
        ?c prov:wasQuotedFrom ?doc ; ip4:certainty ip4:Expected . }""")
    got = {(str(p).split("#")[1], str(o), str(doc).rsplit("/", 1)[1]) for p, o, doc in rows}
    assert got == {("date", "2024", "doc-brief"), ("location", ID + "washington-dc", "doc-brief"),
                   ("date", "2024", "doc-usip"), ("location", ID + "washington-dc", "doc-usip")}
    # a stated claim graph never holds them
    assert not ask(dataset, """ASK { GRAPH ?c { ip4d:washington-summit-2024 ip4:date|ip4:location ?o } }""")


def test_madrid_participation_dated_june_2022_only(dataset):
    rows = select(dataset, "SELECT ?d WHERE { ip4d:ip4-leaders-madrid-2022 ip4:date ?d }")
    assert [r[0] for r in rows] == [Literal("2022-06", datatype=XSD.gYearMonth)]
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:ip4-leaders-madrid-2022 ip4:date "2022-06"^^xsd:gYearMonth }
                                 ?c ip4:paragraph ip4d:doc-usip-p13 ; ip4:quote ?q . FILTER(CONTAINS(STR(?q), "June 2022")) }""")


# --- issue 16: facts the brief states that 1.0 lacked ------------------------------------------

def test_p2_engagement_began_to_flourish_after_9_11(dataset):
    rows = select(dataset, """SELECT DISTINCT ?state WHERE {
        GRAPH ?c { ?p ip4:flourishedAfter ip4d:september-11-attacks } ?c ip4:paragraph ip4d:doc-brief-p2 ;
            ip4:quote ?q . FILTER(CONTAINS(STR(?q), "began to flourish after 9/11"))
        ?p ip4:partner ?state ; ip4:partnerOrganization ip4d:nato . }""")
    assert {r[0] for r in rows} == IP4_STATES


def test_p2_partnership_elevated_by_the_leaders_participation(dataset):
    rows = select(dataset, """SELECT DISTINCT ?e WHERE {
        GRAPH ?c { ip4d:partnership-nato-ip4 ip4:elevatedBy ?e } ?c ip4:paragraph ip4d:doc-brief-p2 ;
            ip4:quote ?q . FILTER(CONTAINS(STR(?q), "was elevated")) }""")
    assert {r[0] for r in rows} == {iri("ip4-leaders-madrid-2022"), iri("ip4-leaders-vilnius-2023")}


def test_p4_the_treaty_is_why_the_ip4_cannot_join(dataset):
    rows = select(dataset, """SELECT DISTINCT ?s WHERE {
        GRAPH ?c { ip4d:north-atlantic-treaty ip4:barsMembershipOf ?s ; ip4:restrictsMembershipTo ip4d:europe }
        ?c ip4:paragraph ip4d:doc-brief-p4 .
        GRAPH ?d { ?npa owl:sourceIndividual ?s ; owl:assertionProperty ip4:eligibleForMembershipOf ;
                        owl:targetIndividual ip4d:nato } ?d ip4:certainty ip4:Denied . }""")
    assert {r[0] for r in rows} == IP4_STATES


def test_p4_no_presence_anywhere_outside_the_north_atlantic_area(dataset):
    rows = select(dataset, """SELECT DISTINCT ?where WHERE {
        GRAPH ?c { ?npa a owl:NegativePropertyAssertion ; owl:sourceIndividual ip4d:nato ;
                        owl:assertionProperty ip4:seeksPresenceIn ; owl:targetIndividual ?where }
        ?c ip4:paragraph ip4d:doc-brief-p4 ; ip4:certainty ip4:Denied . }""")
    assert {r[0] for r in rows} == {iri("indo-pacific"), iri("outside-north-atlantic-area")}
    assert ask(dataset, "ASK { ip4d:outside-north-atlantic-area a ip4:Region }")
