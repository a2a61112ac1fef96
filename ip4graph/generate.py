"""Synthetic IP4-shaped data at a chosen size, reproducible from a seed.

The generated dataset has the shape of the shipped data (``docs/modelling.md``):
entities with labels in ``ip4g:entities`` (states and organisations labelled in
English, French, Japanese and Korean), facts in claim graphs ``ip4c:gen-…`` each
described in ``ip4g:provenance`` (document, paragraph, a one-sentence quote,
certainty), hedged statements as ``rdf:Statement`` s, a few denials as OWL negative
property assertions, and dates (``xsd:date``, ``xsd:gYear``). It validates against
``ontology/shapes.ttl``.

It keeps the IRIs the catalog's default parameters name (``ip4d:nato``, ``ip4d:ip4``,
``ip4d:japan``, ``ip4d:madrid-summit-2022``, ``ip4d:north-korea``, …), so every named
query has something to find: use it *instead of* the shipped data
(``ip4graph --data gen.trig …``), not merged with it.

>>> lines = list(generate_lines(2000, seed=1))
>>> len(lines) >= 2000 and lines == list(generate_lines(2000, seed=1))
True
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from .fileio import write_atomic  # noqa: F401  (kept for callers writing small files)
from .progress import Progress, emit

IP4 = "https://w3id.org/ip4graph/ontology#"
IP4D = "https://w3id.org/ip4graph/id/"
IP4C = "https://w3id.org/ip4graph/claim/"
IP4G = "https://w3id.org/ip4graph/graph/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"

G_ENTITIES = f"<{IP4G}entities>"
G_PROV = f"<{IP4G}provenance>"
TYPE = f"<{RDF}type>"
LABEL = f"<{RDFS}label>"


def i(local: str) -> str:
    return f"<{IP4}{local}>"


def d(local: str) -> str:
    return f"<{IP4D}{local}>"


def lit(text: str, lang: str | None = None) -> str:
    esc = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{esc}"@{lang}' if lang else f'"{esc}"'


def typed(value: object, dt: str) -> str:
    return f'"{value}"^^<{XSD}{dt}>'


_SYLLABLES = ["ka", "lo", "mi", "ra", "to", "ne", "su", "vi", "da", "po", "ri", "an", "el", "or", "us", "ta"]
_CERTAIN = ["Likely", "Possible", "Expected", "Unclear"]
_HEDGES = {"Likely": "likely", "Possible": "may", "Expected": "is expected to", "Unclear": "remains unclear"}

#: Fixed core entities: the IRIs the catalog's default parameters use.
CORE_STATES = ["australia", "japan", "south-korea", "new-zealand", "china", "north-korea", "russia", "united-states"]
IP4_STATES = CORE_STATES[:4]


class _Gen:
    """Emits N-Quads lines and counts them."""

    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.count = 0
        self.states: list[str] = []
        self.orgs: list[str] = []
        self.places: list[str] = []
        self.interests: list[str] = []
        self.areas: list[str] = []
        self.threats: list[str] = []
        self.summits: list[str] = []
        self.docs: list[tuple[str, int]] = []  # (doc IRI local, paragraphs used)
        self.claim_no = 0

    def q(self, s: str, p: str, o: str, g: str) -> str:
        self.count += 1
        return f"{s} {p} {o} {g} .\n"

    def name(self) -> str:
        r = self.rnd
        return "".join(r.choice(_SYLLABLES) for _ in range(r.randint(2, 4))).capitalize()

    # ----------------------------------------------------------------- entities
    def labelled(self, iri: str, cls: str, en: str, *, multilingual: bool = True) -> Iterator[str]:
        """Type and labels; every named entity is labelled in en, fr, ja and ko (ip4sh:MultilingualLabelShape)."""
        yield self.q(iri, TYPE, i(cls), G_ENTITIES)
        yield from self.labels(iri, en)

    def labels(self, iri: str, en: str, prop: str = LABEL) -> Iterator[str]:
        yield self.q(iri, prop, lit(en, "en"), G_ENTITIES)
        yield self.q(iri, prop, lit(f"{en} (fr)", "fr"), G_ENTITIES)
        yield self.q(iri, prop, lit(f"{en}・日本語", "ja"), G_ENTITIES)
        yield self.q(iri, prop, lit(f"{en} 한국어", "ko"), G_ENTITIES)

    def threat(self, iri: str, en: str) -> Iterator[str]:
        """A threat: a concept of ip4d:scheme-threats (ip4sh:ConceptShape)."""
        yield from self.labelled(iri, "Threat", en)
        yield self.q(iri, f"<{SKOS}prefLabel>", lit(en, "en"), G_ENTITIES)
        yield self.q(iri, f"<{SKOS}inScheme>", d("scheme-threats"), G_ENTITIES)

    def schemes(self) -> Iterator[str]:
        for scheme, en in (("scheme-shared-interests", "Shared interests"), ("scheme-cooperation-areas", "Cooperation areas"),
                           ("scheme-threats", "Threats")):
            yield self.q(d(scheme), TYPE, f"<{SKOS}ConceptScheme>", G_ENTITIES)
            yield from self.labels(d(scheme), en)

    def concept(self, kind: str) -> Iterator[str]:
        n = len(self.interests if kind == "SharedInterest" else self.areas)
        local = f"gen-{'interest' if kind == 'SharedInterest' else 'area'}-{n}"
        scheme = "scheme-shared-interests" if kind == "SharedInterest" else "scheme-cooperation-areas"
        yield self.q(d(local), TYPE, i(kind), G_ENTITIES)
        yield self.q(d(local), TYPE, f"<{SKOS}Concept>", G_ENTITIES)
        label = f"{self.name()} {kind.lower()}"
        yield self.q(d(local), f"<{SKOS}prefLabel>", lit(label, "en"), G_ENTITIES)
        yield from self.labels(d(local), label)
        yield self.q(d(local), f"<{SKOS}inScheme>", d(scheme), G_ENTITIES)
        (self.interests if kind == "SharedInterest" else self.areas).append(d(local))

    def document(self) -> Iterator[str]:
        n = len(self.docs)
        local = "doc-brief" if n == 0 else ("doc-usip" if n == 1 else f"gen-doc-{n}")
        kind = self.rnd.choice(["Article", "Report", "Interview", "PolicyDocument"])
        yield from self.labelled(d(local), "SourceDocument", f"{self.name()} {kind.lower()} {n}")
        yield self.q(d(local), TYPE, i(kind), G_ENTITIES)
        yield self.q(d(local), f"<{DCT}date>", typed(self.rnd.randint(2005, 2025), "gYear"), G_ENTITIES)
        yield self.q(d(local), f"<{DCT}publisher>", self.rnd.choice(self.orgs), G_ENTITIES)
        self.docs.append((local, 0))

    def paragraph(self) -> tuple[str, str, Iterator[str]]:
        """A new paragraph of the current document (a new document every 40 paragraphs)."""
        pre: list[str] = []
        if not self.docs or self.docs[-1][1] >= 40:
            pre = list(self.document())
        local, used = self.docs[-1]
        used += 1
        self.docs[-1] = (local, used)
        para = d(f"{local}-p{used}")
        lines = pre + [
            self.q(para, TYPE, i("SourceParagraph"), G_ENTITIES),
            self.q(para, f"<{DCT}isPartOf>", d(local), G_ENTITIES),
            self.q(para, i("paragraphNumber"), typed(used, "integer"), G_ENTITIES),
            self.q(para, i("lineNumber"), typed(used * 2 - 1, "integer"), G_ENTITIES),
            *self.labels(para, f"{local}, paragraph {used}"),
        ]
        return local, para, iter(lines)

    def claim(self, slug: str, facts: list[tuple[str, str, str]], certainty: str = "Stated") -> Iterator[str]:
        """A claim graph holding ``facts``, described in ``ip4g:provenance``."""
        doc, para, pre = self.paragraph()
        yield from pre
        self.claim_no += 1
        c = f"<{IP4C}gen-{doc}-p{para.rsplit('-p', 1)[1][:-1]}-{slug}-{self.claim_no}>"
        for s, p, o in facts:
            yield self.q(s, p, o, c)
        yield self.q(c, TYPE, i("Claim"), G_PROV)
        yield self.q(c, f"<{PROV}wasQuotedFrom>", d(doc), G_PROV)
        yield self.q(c, i("paragraph"), para, G_PROV)
        yield self.q(c, i("quote"), lit(f"The source reports item {self.claim_no} about {slug.replace('-', ' ')}.", "en"), G_PROV)
        yield self.q(c, i("certainty"), i(certainty), G_PROV)

    def hedged(self, slug: str, s: str, p: str, o: str) -> Iterator[str]:
        level = self.rnd.choice(_CERTAIN)
        st = f"_:st{self.claim_no + 1}x{self.rnd.randint(0, 10**9)}"
        facts = [(st, TYPE, f"<{RDF}Statement>"), (st, f"<{RDF}subject>", s), (st, f"<{RDF}predicate>", p),
                 (st, f"<{RDF}object>", o), (st, i("certainty"), i(level)), (st, i("hedge"), lit(_HEDGES[level]))]
        yield from self.claim(slug, facts, certainty=level)

    def date(self, lo: int = 1990, hi: int = 2025) -> str:
        r = self.rnd
        if r.random() < 0.3:
            return typed(r.randint(lo, hi), "gYear")
        return typed(f"{r.randint(lo, hi)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}", "date")

    # ----------------------------------------------------------------- core
    def core(self) -> Iterator[str]:
        yield from self.schemes()
        for local, en in (("nato", "NATO"),):
            yield from self.labelled(d(local), "Alliance", en, multilingual=True)
            self.orgs.append(d(local))
        yield from self.labelled(d("ip4"), "InformalGrouping", "Indo-Pacific 4", multilingual=True)
        self.orgs.append(d("ip4"))
        for local, en, cls in (("indo-pacific", "Indo-Pacific", "Region"), ("euro-atlantic-area", "Euro-Atlantic area", "Region")):
            yield from self.labelled(d(local), cls, en)
            self.places.append(d(local))
        for local in CORE_STATES:
            yield from self.labelled(d(local), "State", local.replace("-", " ").title(), multilingual=True)
            self.states.append(d(local))
        for _ in range(3):
            yield from self.concept("SharedInterest")
            yield from self.concept("CooperationArea")
        yield from self.claim("security-link", [(d("indo-pacific"), i("securityLinkedTo"), d("euro-atlantic-area"))])
        yield from self.claim("ip4-members", [(d(s), i("memberOf"), d("ip4")) for s in IP4_STATES])
        yield from self.claim("tensions", [(d("japan"), i("hadTensionsWith"), d("south-korea"))])
        st = "_:npa0"
        yield from self.claim("no-presence", [(st, TYPE, f"<{OWL}NegativePropertyAssertion>"),
                                              (st, f"<{OWL}sourceIndividual>", d("nato")),
                                              (st, f"<{OWL}assertionProperty>", i("plansPresenceIn")),
                                              (st, f"<{OWL}targetIndividual>", d("indo-pacific"))], certainty="Denied")
        summit = d("madrid-summit-2022")
        yield from self.labelled(summit, "Summit", "Madrid summit 2022")
        yield from self.claim("madrid", [(summit, i("date"), typed("2022-06-29", "date"))]
                              + [(d(s), i("participatedIn"), summit) for s in IP4_STATES])
        self.summits.append(summit)
        yield from self.threat(d("north-korea-nuclear"), "North Korean nuclear programme")
        yield from self.claim("nk-threat", [(d("north-korea-nuclear"), i("posedBy"), d("north-korea"))]
                              + [(d("north-korea-nuclear"), i("perceivedBy"), d(s)) for s in IP4_STATES])
        self.threats.append(d("north-korea-nuclear"))
        for s in IP4_STATES:
            yield from self.partnership(d(s))

    # ----------------------------------------------------------------- units
    def partnership(self, state: str) -> Iterator[str]:
        n = self.claim_no
        rel = d(f"gen-partnership-{n}")
        agr = d(f"gen-agreement-{n}")
        start = self.date(1995, 2015)
        facts = [(state, i("partnerOf"), d("nato")),
                 (rel, TYPE, i("Partnership")), (rel, i("partner"), state), (rel, i("partnerOrganization"), d("nato")),
                 (rel, i("startDate"), start), (rel, i("formalizedBy"), agr)]
        yield from self.labelled(agr, "PartnershipAgreement", f"Partnership agreement {n}")
        yield from self.labels(rel, f"Partnership {n}")
        yield from self.claim("partnership", facts)
        yield from self.claim("agreement", [(agr, i("party"), state), (agr, i("party"), d("nato")),
                                            (agr, i("date"), self.date(2010, 2024)),
                                            (agr, i("status"), i(self.rnd.choice(["Signed", "Signed", "Agreed", "UnderDiscussion"])))])

    def unit(self) -> Iterator[str]:
        """One slice of the world: a state, maybe an organisation, its agreements, events, threats, interests."""
        r = self.rnd
        n = len(self.states)
        state = d(f"gen-state-{n}")
        yield from self.labelled(state, "State", f"{self.name()}land", multilingual=True)
        self.states.append(state)
        if n % 10 == 0:
            org = d(f"gen-org-{n}")
            yield from self.labelled(org, "InternationalOrganization", f"{self.name()} Organisation", multilingual=True)
            self.orgs.append(org)
        if n % 5 == 0:
            city = d(f"gen-city-{n}")
            yield from self.labelled(city, "City", f"{self.name()} City")
            yield from self.claim("located", [(city, i("locatedIn"), state), (state, i("locatedIn"), r.choice(self.places))])
            self.places.append(city)
        if n % 7 == 0:
            yield from self.concept(r.choice(["SharedInterest", "CooperationArea"]))
        yield from self.claim("member", [(state, i("memberOf"), r.choice(self.orgs))])
        if r.random() < 0.5:
            yield from self.partnership(state)
        yield from self.claim("interests", [(state, i("hasInterest"), x) for x in r.sample(self.interests, min(2, len(self.interests)))])
        if r.random() < 0.4:
            summit = d(f"gen-summit-{n}")
            yield from self.labelled(summit, "Summit", f"{self.name()} summit")
            facts = [(summit, i("date"), self.date(2000, 2025)), (summit, i("location"), r.choice(self.places))]
            facts += [(s, i("participatedIn"), summit) for s in r.sample(self.states, min(4, len(self.states)))]
            facts += [(summit, i("hasParticipant"), r.choice(self.orgs))]
            if self.summits and r.random() < 0.5:
                facts.append((self.summits[-1], i("followedBy"), summit))
            yield from self.claim("summit", facts)
            self.summits.append(summit)
        if r.random() < 0.3:
            threat = d(f"gen-threat-{n}")
            yield from self.threat(threat, f"{self.name()} threat")
            poser = r.choice(self.states[:8]) if r.random() < 0.5 else state
            perceivers = r.sample(self.states, min(3, len(self.states)))
            yield from self.claim("threat", [(threat, i("posedBy"), poser)] + [(threat, i("perceivedBy"), p) for p in perceivers])
            tp = d(f"gen-perception-{n}")
            yield from self.labels(tp, f"Perception {n}")
            yield from self.claim("perception", [(tp, TYPE, i("ThreatPerception")), (tp, i("perceiver"), perceivers[0]),
                                                 (tp, i("perceivedThreat"), threat), (tp, i("startDate"), self.date(2000, 2024))])
            self.threats.append(threat)
        if r.random() < 0.25:
            yield from self.hedged("hedge", state, i("cooperatesOn"), r.choice(self.areas))
        if r.random() < 0.1:
            other = r.choice(self.states)
            if other != state:
                yield from self.claim("tensions", [(state, i("hadTensionsWith"), other)])


def generate_lines(triples: int, *, seed: int = 0) -> Iterator[str]:
    """N-Quads lines of a synthetic dataset of about ``triples`` quads (never fewer), deterministic for ``seed``."""
    gen = _Gen(seed)
    yield from gen.core()
    while gen.count < triples:
        yield from gen.unit()


def _trig_from_lines(lines: list[str]) -> str:
    """Group N-Quads lines by graph into TriG (terms in N-Triples syntax are valid TriG)."""
    graphs: dict[str, list[str]] = {}
    for line in lines:
        body = line.rstrip()[:-1].rstrip()
        cut = body.rfind(" <")
        graphs.setdefault(body[cut + 1:], []).append("    " + body[:cut] + " .")
    out = ["# Synthetic IP4-shaped data from `ip4graph generate` (do not edit: regenerate).\n"]
    for g, triples in graphs.items():
        out.append(f"{g} {{\n" + "\n".join(triples) + "\n}\n")
    return "\n".join(out)


#: How often (in quads) :func:`write_generated` reports progress.
PROGRESS_EVERY = 5000


def write_generated(
    path: Path, triples: int, *, seed: int = 0, progress: Progress | None = None
) -> int:
    """Write the dataset to ``path`` (``.trig`` or ``.nq``); returns the number of quads written.

    ``progress`` (see :mod:`ip4graph.progress`) gets stage ``generate`` events counting the
    quads generated, every :data:`PROGRESS_EVERY` quads (out of ``triples``, the quads
    asked for) and, at the end, the quads written out of themselves (generation stops at
    the end of a unit, so a few more than asked for), then stage ``write``.
    """
    path = Path(path)
    lines = []
    emit(progress, "generate", 0, triples)
    for line in generate_lines(triples, seed=seed):
        lines.append(line)
        if progress is not None and len(lines) % PROGRESS_EVERY == 0 and len(lines) < triples:
            emit(progress, "generate", len(lines), triples)
    emit(progress, "generate", len(lines), len(lines))
    emit(progress, "write", 0, 1, str(path))
    if path.suffix.lower() == ".nq":
        text = "".join(lines)
    elif path.suffix.lower() == ".trig":
        text = _trig_from_lines(lines)
    else:
        from .errors import SourceError

        raise SourceError(f"cannot write generated data as {path.suffix!r}", hint="use a .trig or .nq file name")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    emit(progress, "write", 1, 1, str(path))
    return len(lines)


__all__ = ["generate_lines", "write_generated"]
