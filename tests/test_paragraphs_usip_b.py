"""One or more facts per paragraph of the USIP question-and-answer piece, paragraphs 12-22
(ip4d:doc-usip, lines 22-42: benefits and future of the IP4 grouping, what the partners look for),
asked in SPARQL against the asserted data; expected answers written by hand from the text. Each query
also checks the claim graph quotes the right paragraph; hedged statements must not be plain triples."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import XSD

from conftest import ask, select

ID = "https://w3id.org/ip4graph/id/"


def iri(local: str) -> URIRef:
    return URIRef(ID + local)


IP4_STATES = {iri("australia"), iri("japan"), iri("south-korea"), iri("new-zealand")}
BILATERAL = {iri(f"partnership-nato-{s}") for s in ("australia", "japan", "south-korea", "new-zealand")}


# --- p12: question --------------------------------------------------------------------------------

def test_p12_question_names_the_grouping_and_the_partners(dataset):
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:ip4 ip4:partnerOf ip4d:nato } ?c ip4:paragraph ip4d:doc-usip-p12 . }""")
    rows = select(dataset, """SELECT DISTINCT ?s WHERE {
        GRAPH ?c { ?s ip4:partnerOf ip4d:nato ; ip4:locatedIn ip4d:indo-pacific } ?c ip4:paragraph ip4d:doc-usip-p12 . }""")
    assert {r[0] for r in rows} == IP4_STATES


# --- p13 ------------------------------------------------------------------------------------------

def test_p13_group_of_four_since_2016_madrid_2022_and_likely_to_continue(dataset):
    rows = select(dataset, """SELECT ?d WHERE {
        GRAPH ?c { ip4d:partnership-nato-ip4 ip4:startDate ?d ; ip4:framework ip4d:ip4 }
        ?c ip4:paragraph ip4d:doc-usip-p13 . }""")
    assert [(str(r[0]), r[0].datatype) for r in rows] == [("2016", XSD.gYear)]
    # Madrid: one date only, June 2022, also quoted from p13
    rows = select(dataset, """SELECT ?d WHERE {
        GRAPH ?c { ip4d:madrid-summit-2022 ip4:date ?d ; ip4:location ip4d:madrid } ?c ip4:paragraph ip4d:doc-usip-p13 . }""")
    assert [(str(r[0]), r[0].datatype) for r in rows] == [("2022-06", XSD.gYearMonth)]
    assert len(select(dataset, "SELECT DISTINCT ?d WHERE { ip4d:madrid-summit-2022 ip4:date ?d }")) == 1
    # "will likely continue to exist ... as a NATO mechanism for engagement": hedged, not a fact
    assert not ask(dataset, "ASK { ip4d:ip4 ip4:engagementMechanismOf ip4d:nato }")
    assert ask(dataset, """ASK {
        GRAPH ?c { ?st a rdf:Statement ; rdf:subject ip4d:ip4 ; rdf:predicate ip4:engagementMechanismOf ;
                   rdf:object ip4d:nato ; ip4:certainty ip4:Likely . }
        ?c ip4:paragraph ip4d:doc-usip-p13 ; ip4:certainty ip4:Likely . }""")


# --- p14 ------------------------------------------------------------------------------------------

def test_p14_informal_unlike_formal_frameworks_and_benefits(dataset):
    rows = select(dataset, """SELECT DISTINCT ?fw WHERE {
        GRAPH ?c { ip4d:ip4 ip4:unlike ?fw . ?fw a ip4:FormalPartnershipFramework ; ip4:regionallyBased true ;
                   ip4:frameworkOf ip4d:nato . }
        ?c ip4:paragraph ip4d:doc-usip-p14 ; ip4:certainty ip4:Stated . }""")
    assert {r[0] for r in rows} == {iri("partnership-for-peace"), iri("mediterranean-dialogue"),
                                    iri("istanbul-cooperation-initiative")}
    rows = select(dataset, """SELECT DISTINCT ?b WHERE {
        GRAPH ?c { ip4d:ip4 ip4:providesBenefit ?b . ?b ip4:beneficiary ip4d:nato . }
        ?c ip4:paragraph ip4d:doc-usip-p14 . }""")
    assert {r[0] for r in rows} == {iri("benefit-gathering-like-minded-partners"), iri("benefit-indo-pacific-significance")}
    rows = select(dataset, """SELECT DISTINCT ?b WHERE {
        GRAPH ?c { ip4d:ip4 ip4:providesBenefit ?b } ?c ip4:paragraph ip4d:doc-usip-p14 .
        ?b skos:broader ip4d:benefit-informality . }""")
    assert {r[0] for r in rows} == {iri("benefit-flexibility"), iri("benefit-less-hook-for-china")}


def test_p14_no_demand_for_formalization_and_chinas_false_alarms(dataset):
    # hedged negative: nobody (allies or partners) appears to want greater formalisation
    rows = select(dataset, """SELECT DISTINCT ?who WHERE {
        GRAPH ?c { ?st a rdf:Statement ; rdf:subject ?who ; rdf:predicate ip4:hasInterest ;
                   rdf:object ip4d:view-ip4-formalization ; ip4:negated true ; ip4:certainty ip4:Likely . }
        ?c ip4:paragraph ip4d:doc-usip-p14 . }""")
    assert {r[0] for r in rows} == IP4_STATES | {iri("nato")}
    assert not ask(dataset, "ASK { ?who ip4:hasInterest ip4d:view-ip4-formalization }")
    # "false alarms about a so-called Asia-Pacific NATO": China's claim, denied
    assert not ask(dataset, "ASK { ip4d:nato ip4:expandsInto ip4d:asia-pacific }")
    assert ask(dataset, """ASK {
        GRAPH ?c { ?n a owl:NegativePropertyAssertion ; owl:sourceIndividual ip4d:nato ;
                     owl:assertionProperty ip4:expandsInto ; owl:targetIndividual ip4d:asia-pacific .
                   ?st a rdf:Statement ; rdf:subject ip4d:nato ; rdf:predicate ip4:expandsInto ;
                     rdf:object ip4d:asia-pacific ; ip4:claimedBy ip4d:china ; ip4:certainty ip4:Denied . }
        ?c ip4:paragraph ip4d:doc-usip-p14 ; ip4:certainty ip4:Denied . }""")


# --- p15 ------------------------------------------------------------------------------------------

def test_p15_complements_but_does_not_replace_bilateral_relations(dataset):
    for prop in ("replaces", "privilegedAbove"):
        assert not ask(dataset, f"ASK {{ ip4d:ip4 ip4:{prop} ?x }}"), prop
        rows = select(dataset, f"""SELECT DISTINCT ?t WHERE {{
            GRAPH ?c {{ ?n a owl:NegativePropertyAssertion ; owl:sourceIndividual ip4d:ip4 ;
                          owl:assertionProperty ip4:{prop} ; owl:targetIndividual ?t . }}
            ?c ip4:paragraph ip4d:doc-usip-p15 ; ip4:certainty ip4:Denied . }}""")
        assert {r[0] for r in rows} == BILATERAL, prop
    rows = select(dataset, """SELECT DISTINCT ?p WHERE {
        GRAPH ?c { ip4d:ip4 ip4:complements ?p } ?c ip4:paragraph ip4d:doc-usip-p15 . }""")
    assert {r[0] for r in rows} == BILATERAL
    rows = select(dataset, """SELECT DISTINCT ?b WHERE {
        GRAPH ?c { ip4d:ip4 ip4:providesBenefit ?b . ?b ip4:beneficiary ip4d:japan . }
        ?c ip4:paragraph ip4d:doc-usip-p15 . }""")
    assert {r[0] for r in rows} == {iri("benefit-access"), iri("benefit-inclusion"), iri("benefit-safety-in-numbers")}


# --- p16 ------------------------------------------------------------------------------------------

def test_p16_access_and_inclusion_benefits_for_the_four(dataset):
    rows = select(dataset, """SELECT DISTINCT ?b ?cat WHERE {
        GRAPH ?c { ip4d:ip4 ip4:providesBenefit ?b } ?c ip4:paragraph ip4d:doc-usip-p16 ; ip4:certainty ip4:Stated .
        ?b skos:broader ?cat . }""")
    assert set(rows) == {(iri("benefit-attention-at-nato"), iri("benefit-access")),
                         (iri("benefit-intra-partner-relations"), iri("benefit-inclusion")),
                         (iri("benefit-sideline-diplomacy"), iri("benefit-access"))}
    rows = select(dataset, """SELECT DISTINCT ?who WHERE {
        GRAPH ?c { ip4d:benefit-attention-at-nato ip4:beneficiary ?who } ?c ip4:paragraph ip4d:doc-usip-p16 . }""")
    assert {r[0] for r in rows} == IP4_STATES


# --- p17 ------------------------------------------------------------------------------------------

def test_p17_safety_in_numbers_and_japan_korea_tensions(dataset):
    rows = select(dataset, """SELECT DISTINCT ?b WHERE {
        GRAPH ?c { ip4d:ip4 ip4:providesBenefit ?b } ?c ip4:paragraph ip4d:doc-usip-p17 .
        ?b skos:broader ip4d:benefit-safety-in-numbers . }""")
    assert {r[0] for r in rows} == {iri("benefit-deflect-chinese-displeasure"), iri("benefit-hub-and-spoke-links"),
                                    iri("benefit-platform-sensitive-engagement")}
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:japan ip4:hadTensionsWith ip4d:south-korea .  }
                                 ?c ip4:paragraph ip4d:doc-usip-p17 ; ip4:certainty ip4:Stated . }""")
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:us-hub-and-spoke-system ip4:ledBy ip4d:united-states }
                                 ?c ip4:paragraph ip4d:doc-usip-p17 . }""")


# --- p18 ------------------------------------------------------------------------------------------

def test_p18_magnifying_views_and_prior_coordination_are_only_possible(dataset):
    for benefit in ("benefit-magnify-common-views", "benefit-pre-coordination"):
        assert not ask(dataset, f"ASK {{ ?x ip4:providesBenefit ip4d:{benefit} }}"), benefit
        assert ask(dataset, f"""ASK {{
            GRAPH ?c {{ ?st a rdf:Statement ; rdf:subject ip4d:ip4 ; rdf:predicate ip4:providesBenefit ;
                       rdf:object ip4d:{benefit} ; ip4:certainty ip4:Possible . }}
            ?c ip4:paragraph ip4d:doc-usip-p18 ; ip4:certainty ip4:Possible . }}"""), benefit
    # the example: the partners might first discuss ASEAN's views and Beijing's perceptions
    rows = select(dataset, """SELECT DISTINCT ?t WHERE {
        GRAPH ?c { ?st a rdf:Statement ; rdf:subject ip4d:outlook-ip4-prior-discussion ; rdf:predicate ip4:hasTopic ;
                   rdf:object ?t ; ip4:certainty ip4:Possible . }
        ?c ip4:paragraph ip4d:doc-usip-p18 . }""")
    assert {r[0] for r in rows} == {iri("asean"), iri("china")}
    assert not ask(dataset, "ASK { ip4d:outlook-ukraine-lessons-exchange ip4:hasTopic ?t }")


# --- p19 ------------------------------------------------------------------------------------------

def test_p19_not_yet_a_strategic_asset_recommendation_and_unclear_nato_view(dataset):
    # hedged negative, the partners' view
    # they do not yet seem to see the IP4 as a strategic asset for maximizing national and regional gains
    rows = select(dataset, """SELECT DISTINCT ?who WHERE {
        GRAPH ?c { ?st a rdf:Statement ; rdf:subject ?who ; rdf:predicate ip4:regardsAsStrategicAsset ;
                   rdf:object ip4d:ip4 ; ip4:negated true ; ip4:certainty ip4:Likely ;
                   ip4:forPurpose ip4d:benefit-national-regional-gains . }
        ?c ip4:paragraph ip4d:doc-usip-p19 ; ip4:certainty ip4:Likely . }""")
    assert {r[0] for r in rows} == IP4_STATES
    # not the 1.0 reading "the partners do not hold that the IP4 brings national and regional gains"
    assert not ask(dataset, """ASK { ?st rdf:subject ip4d:ip4 ; rdf:predicate ip4:providesBenefit ;
                                        rdf:object ip4d:benefit-national-regional-gains }""")
    assert not ask(dataset, "ASK { ?s ip4:regardsAsStrategicAsset ip4d:ip4 }")
    assert not ask(dataset, "ASK { ip4d:ip4 ip4:providesBenefit ip4d:benefit-national-regional-gains }")
    # the recommendation to the four partners
    rows = select(dataset, """SELECT DISTINCT ?to WHERE {
        GRAPH ?c { ip4d:rec-partners-assess-ip4 ip4:recommendedBy ip4d:usip-study-group ; ip4:addressedTo ?to . }
        ?c ip4:paragraph ip4d:doc-usip-p19 . ip4d:rec-partners-assess-ip4 a ip4:Recommendation . }""")
    assert {r[0] for r in rows} == IP4_STATES
    # unclear: whether NATO sees the IP4 as a useful unit
    assert not ask(dataset, "ASK { ip4d:ip4 ip4:providesBenefit ip4d:benefit-useful-unit }")
    assert ask(dataset, """ASK {
        GRAPH ?c { ?st a rdf:Statement ; rdf:subject ip4d:ip4 ; rdf:predicate ip4:providesBenefit ;
                   rdf:object ip4d:benefit-useful-unit ; ip4:claimedBy ip4d:nato ; ip4:certainty ip4:Unclear . }
        ?c ip4:paragraph ip4d:doc-usip-p19 ; ip4:certainty ip4:Unclear . }""")


# --- p20 ------------------------------------------------------------------------------------------

def test_p20_competing_views_undetermined_future_still_evolving(dataset):
    assert not ask(dataset, "ASK { ip4d:view-competing-allied-views ip4:contributesTo ?x }")
    assert ask(dataset, """ASK {
        GRAPH ?c { ?st a rdf:Statement ; rdf:subject ip4d:view-competing-allied-views ; rdf:predicate ip4:contributesTo ;
                   rdf:object ip4d:outlook-nato-view-of-ip4 ; ip4:certainty ip4:Possible . }
        ?c ip4:paragraph ip4d:doc-usip-p20 . }""")
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:nato-international-staff ip4:subOrganizationOf ip4d:nato }
                                 ?c ip4:paragraph ip4d:doc-usip-p20 . }""")
    rows = select(dataset, """SELECT DISTINCT ?lvl WHERE {
        GRAPH ?c { ?st a rdf:Statement ; rdf:subject ip4d:ip4 ; rdf:predicate ip4:engagementMechanismOf ;
                   rdf:object ip4d:nato ; ip4:certainty ?lvl . }
        ?c ip4:paragraph ip4d:doc-usip-p20 . }""")
    assert [r[0] for r in rows] == [URIRef("https://w3id.org/ip4graph/ontology#Unclear")]
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:ip4 ip4:ongoing true } ?c ip4:paragraph ip4d:doc-usip-p20 ;
                                 ip4:certainty ip4:Stated . }""")


# --- p21: question --------------------------------------------------------------------------------

def test_p21_question_on_what_the_partners_look_for(dataset):
    rows = select(dataset, """SELECT DISTINCT ?s WHERE {
        GRAPH ?c { ?s ip4:partnerOf ip4d:nato } ?c ip4:paragraph ip4d:doc-usip-p21 . }""")
    assert {r[0] for r in rows} == IP4_STATES


# --- p22 ------------------------------------------------------------------------------------------

def test_p22_with_not_in_the_indo_pacific(dataset):
    # hedged negative: the partners don't appear to expect NATO to be a significant direct actor
    assert not ask(dataset, "ASK { ip4d:nato ip4:significantDirectActorIn ip4d:indo-pacific }")
    assert ask(dataset, """ASK {
        GRAPH ?c { ?st a rdf:Statement ; rdf:subject ip4d:nato ; rdf:predicate ip4:significantDirectActorIn ;
                   rdf:object ip4d:indo-pacific ; ip4:negated true ; ip4:certainty ip4:Likely . }
        ?c ip4:paragraph ip4d:doc-usip-p22 ; ip4:certainty ip4:Likely . }""")
    assert ask(dataset, """ASK {
        GRAPH ?c1 { ip4d:principle-with-not-in ip4:coinedIn ip4d:doc-usip-report } ?c1 ip4:paragraph ip4d:doc-usip-p22 .
        GRAPH ?c2 { ip4d:principle-with-not-in ip4:illustratedBy ip4d:ukraine-sanctions-aid } ?c2 ip4:paragraph ip4d:doc-usip-p22 .
    }""")
    # syncing the reactions is only possible
    assert not ask(dataset, "ASK { ip4d:ukraine-sanctions-aid ip4:hasParticipant ?x }")
    rows = select(dataset, """SELECT DISTINCT ?x WHERE {
        GRAPH ?c { ?st a rdf:Statement ; rdf:subject ip4d:ukraine-sanctions-aid ; rdf:predicate ip4:hasParticipant ;
                   rdf:object ?x ; ip4:certainty ip4:Possible . }
        ?c ip4:paragraph ip4d:doc-usip-p22 . }""")
    assert {r[0] for r in rows} == IP4_STATES | {iri("nato")}


# --- issue 16 ---------------------------------------------------------------------------------

def test_p13_2016_comes_from_a_quote_that_says_2016(dataset):
    rows = select(dataset, """SELECT ?q WHERE {
        GRAPH ?c { ip4d:nato-ip4-meeting-2016 ip4:date "2016"^^xsd:gYear } ?c ip4:quote ?q ; prov:wasQuotedFrom ip4d:doc-usip . }""")
    assert rows and all("2016" in str(q) for (q,) in rows)
    assert not ask(dataset, "ASK { GRAPH ip4c:usip-p13-madrid-2022 { ip4d:nato-ip4-meeting-2016 ip4:date ?d } }")


def test_p14_de_facto_regional_grouping_is_encoded_not_membership(dataset):
    assert ask(dataset, """ASK { GRAPH ip4c:usip-p14-de-facto-regional {
        ip4d:ip4 ip4:hasAspectsOf ip4d:kind-de-facto-regional-partner-grouping } }""")
    assert not ask(dataset, "ASK { GRAPH ip4c:usip-p14-de-facto-regional { ?s ip4:memberOf ?g } }")
    # so only the two sentences that name the four support that Japan is a member
    rows = select(dataset, "SELECT DISTINCT ?c WHERE { GRAPH ?c { ip4d:japan ip4:memberOf ip4d:ip4 } }")
    assert {str(r[0]).rsplit("/", 1)[1] for r in rows} == {"brief-p2-ip4-members", "usip-p1-ip4-members"}


def test_p15_prime_importance_is_not_an_interest(dataset):
    rows = select(dataset, """SELECT DISTINCT ?s ?p WHERE {
        GRAPH ?c { ?s ip4:valuesHighly ?p } ?c ip4:paragraph ip4d:doc-usip-p15 . ?p ip4:partner ?s . }""")
    assert {r[0] for r in rows} == IP4_STATES
    assert not ask(dataset, "ASK { ?s ip4:hasInterest ?p . ?p a ip4:Partnership }")


def test_p17_hub_and_spoke_system_in_the_region_with_the_partners_as_hubs(dataset):
    rows = select(dataset, """SELECT DISTINCT ?hub WHERE {
        GRAPH ?c { ?hub ip4:hubOf ip4d:us-hub-and-spoke-system .
                   ip4d:us-hub-and-spoke-system ip4:basedIn ip4d:indo-pacific }
        ?c ip4:paragraph ip4d:doc-usip-p17 . }""")
    assert {r[0] for r in rows} == IP4_STATES


def test_p17_deflecting_chinese_displeasure_links_to_china(dataset):
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:benefit-deflect-chinese-displeasure ip4:hasTopic ip4d:china }
                                 ?c ip4:paragraph ip4d:doc-usip-p17 . }""")


def test_p20_international_staff_middle_ground_is_possible(dataset):
    assert ask(dataset, """ASK { GRAPH ?c { ?st rdf:subject ip4d:nato-international-staff ;
                                             rdf:predicate ip4:seeksMiddleGroundOn ;
                                             rdf:object ip4d:view-competing-allied-views ; ip4:certainty ip4:Possible }
                                 ?c ip4:paragraph ip4d:doc-usip-p20 ; ip4:certainty ip4:Possible . }""")
    assert not ask(dataset, "ASK { ip4d:nato-international-staff ip4:seeksMiddleGroundOn ?x }")


def test_p20_future_needs_focus_from_allies_and_partners(dataset):
    rows = select(dataset, """SELECT DISTINCT ?who WHERE {
        GRAPH ?c { ip4d:ip4 ip4:needsFocusFrom ?who } ?c ip4:paragraph ip4d:doc-usip-p20 ; ip4:certainty ip4:Stated . }""")
    assert {r[0] for r in rows} == IP4_STATES | {iri("nato")}


def test_p22_principle_rules_out_intervening_in_each_others_crises(dataset):
    assert ask(dataset, """ASK { GRAPH ?c { ip4d:principle-with-not-in ip4:rulesOut ip4d:practice-intervening-in-regional-crises ;
                                              ip4:callsFor ip4d:practice-coordinating-responses }
                                 ?c ip4:paragraph ip4d:doc-usip-p22 ; ip4:quote ?q .
                                 FILTER(CONTAINS(STR(?q), "rather than intervening")) }""")
