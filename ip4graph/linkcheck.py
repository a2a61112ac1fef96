"""Check the ``owl:sameAs`` links: syntax always, existence and labels against an endpoint.

Offline (:func:`check_syntax`): every ``owl:sameAs`` target must be a Wikidata entity IRI
(``http://www.wikidata.org/entity/Q<digits>``) or a DBpedia resource IRI
(``http://dbpedia.org/resource/<Title>``, Wikipedia title rules: no spaces, no ``#``,
``?`` … and a non-lowercase first letter).

Online (:func:`check_remote`): for the targets of one kind (``wikidata`` or ``dbpedia``),
ask the endpoint whether each target exists and what its labels are, and compare them with
our ``rdfs:label``/``skos:altLabel`` in the same language (case- and width-insensitive).
Targets are sent in ``VALUES`` blocks of ``n3()`` terms, a few dozen at a time.

>>> from rdflib import URIRef
>>> classify(URIRef("http://www.wikidata.org/entity/Q17"))
('wikidata', None)
>>> classify(URIRef("https://www.wikidata.org/wiki/Q17"))[1]
'a Wikidata page URL, not the entity IRI: use http://www.wikidata.org/entity/Q17'
"""

from __future__ import annotations

import re
import urllib.parse
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS, SKOS

from .sparql_client import SparqlClient, values_clause
from .terms import normalise

WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
DBPEDIA_RESOURCE = "http://dbpedia.org/resource/"
_QID = re.compile(r"^http://www\.wikidata\.org/entity/Q[1-9][0-9]*$")
_WD_PAGE = re.compile(r"^https?://(?:www\.|m\.)?wikidata\.org/(?:wiki|entity)/(Q[1-9][0-9]*)$")
_DBR_BAD = set(" \t\n<>\"{}|^`\\#?[]")
#: Languages compared by default (those ip4graph labels carry).
LANGUAGES = ("en", "fr", "ja", "ko")
BATCH = 40


class Status(str, Enum):
    """Outcome of one link."""

    OK = "ok"
    INVALID = "invalid"  #: not a syntactically valid Wikidata or DBpedia IRI
    MISSING = "missing"  #: the endpoint knows nothing about the target
    MISMATCH = "mismatch"  #: the target exists but no label agrees with ours
    NO_LABEL = "no-label"  #: the target exists but has no label in the compared languages
    UNCHECKED = "valid"  #: valid syntax; no endpoint was asked about it


@dataclass
class LinkResult:
    """One ``owl:sameAs`` link and what the check found."""

    entity: URIRef
    target: URIRef
    kind: str | None
    status: Status
    message: str = ""
    ours: dict[str, list[str]] = field(default_factory=dict)
    theirs: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"entity": str(self.entity), "target": str(self.target), "kind": self.kind,
                "status": self.status.value, "message": self.message,
                "ours": self.ours, "theirs": self.theirs}


@dataclass
class LinkReport:
    results: list[LinkResult]

    @property
    def ok(self) -> bool:
        """True when no link is invalid, missing or mismatched."""
        return not self.problems

    @property
    def problems(self) -> list[LinkResult]:
        bad = {Status.INVALID, Status.MISSING, Status.MISMATCH}
        return [r for r in self.results if r.status in bad]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for r in self.results:
            out[r.status.value] += 1
        return dict(sorted(out.items()))

    def text(self, *, verbose: bool = False) -> str:
        lines = []
        for r in self.results:
            if r.status in (Status.OK, Status.UNCHECKED) and not verbose:
                continue
            lines.append(f"{r.status.value:<9} {r.entity}  owl:sameAs  {r.target}" + (f"\n          {r.message}" if r.message else ""))
        summary = ", ".join(f"{n} {k}" for k, n in self.counts().items())
        lines.append(f"{len(self.results)} link(s): {summary}")
        return "\n".join(lines)


def classify(target: URIRef) -> tuple[str | None, str | None]:
    """``(kind, problem)``: kind ``wikidata``/``dbpedia`` or None; problem None when valid."""
    t = str(target)
    if t.startswith(WIKIDATA_ENTITY):
        if _QID.match(t):
            return "wikidata", None
        return "wikidata", "a Wikidata entity IRI is http://www.wikidata.org/entity/Q<digits> (an item)"
    m = _WD_PAGE.match(t)
    if m:
        return "wikidata", f"a Wikidata page URL, not the entity IRI: use {WIKIDATA_ENTITY}{m[1]}"
    if t.startswith(DBPEDIA_RESOURCE):
        title = t[len(DBPEDIA_RESOURCE):]
        if not title:
            return "dbpedia", "empty DBpedia resource name"
        if _DBR_BAD & set(title):
            return "dbpedia", "a DBpedia resource name has no spaces or #?[]<>\"{}|^`\\ characters"
        decoded = urllib.parse.unquote(title)
        if decoded[:1].islower():
            return "dbpedia", "Wikipedia titles (and DBpedia resource names) start with a capital letter"
        if "__" in title or title.startswith("_") or title.endswith("_"):
            return "dbpedia", "stray underscores: a title has single underscores between words only"
        return "dbpedia", None
    if re.match(r"^https?://([a-z]{2,3}\.)?dbpedia\.org/(page|resource)/", t):
        return "dbpedia", f"use the resource IRI {DBPEDIA_RESOURCE}<Title> (http, no language subdomain, not /page/)"
    return None, "not a Wikidata or DBpedia IRI"


def same_as_links(ds: Graph) -> list[tuple[URIRef, URIRef]]:
    """Every ``(entity, target)`` of an ``owl:sameAs`` triple (any graph), sorted."""
    return sorted({(s, o) for s, o in ds.subject_objects(OWL.sameAs)  # type: ignore[misc]
                   if isinstance(s, URIRef) and isinstance(o, URIRef) and s != o})


def check_syntax(ds: Graph) -> LinkReport:
    """The offline check: each target is a well-formed Wikidata or DBpedia IRI."""
    results = []
    for entity, target in same_as_links(ds):
        kind, problem = classify(target)
        if problem:
            results.append(LinkResult(entity, target, kind, Status.INVALID, problem))
        else:
            results.append(LinkResult(entity, target, kind, Status.UNCHECKED))
    return LinkReport(results)


def our_labels(ds: Graph, entity: URIRef, languages: Sequence[str] = LANGUAGES) -> dict[str, list[str]]:
    """Our labels (``rdfs:label`` and ``skos:altLabel``) of ``entity`` by language."""
    out: dict[str, list[str]] = defaultdict(list)
    for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel):
        for o in ds.objects(entity, p):
            if isinstance(o, Literal) and o.language and o.language.split("-")[0] in languages:
                out[o.language.split("-")[0]].append(str(o))
    return {k: sorted(set(v)) for k, v in sorted(out.items())}


def _chunks(items: Sequence[URIRef], n: int) -> Iterable[Sequence[URIRef]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def existence_query(targets: Sequence[URIRef]) -> str:
    return f"SELECT ?t WHERE {{\n  {values_clause('t', targets)}\n  FILTER EXISTS {{ ?t ?p ?o }}\n}}"


def label_query(targets: Sequence[URIRef], languages: Sequence[str]) -> str:
    return (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?t ?label WHERE {\n"
        f"  {values_clause('t', targets)}\n"
        f"  {values_clause('lang', [Literal(x) for x in languages])}\n"
        "  { ?t rdfs:label ?label } UNION { ?t skos:altLabel ?label }\n"
        "  FILTER(LANG(?label) = ?lang)\n"
        "}"
    )


def check_remote(ds: Graph, client: SparqlClient, *, kind: str = "wikidata",
                 languages: Sequence[str] = LANGUAGES, report: LinkReport | None = None) -> LinkReport:
    """Ask ``client``'s endpoint about every valid target of ``kind``; other links keep their status.

    Raises:
        EndpointError: the endpoint is unreachable or failing (after retries).
    """
    report = report if report is not None else check_syntax(ds)
    todo = [r for r in report.results if r.kind == kind and r.status is Status.UNCHECKED]
    targets = sorted({r.target for r in todo})
    exists: set[URIRef] = set()
    labels: dict[URIRef, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for chunk in _chunks(targets, BATCH):
        exists.update(t for t in client.select(existence_query(chunk)).column("t") if isinstance(t, URIRef))
        res = client.select(label_query(chunk, languages))
        for t, lab in res.rows:
            if isinstance(t, URIRef) and isinstance(lab, Literal) and lab.language:
                labels[t][lab.language.split("-")[0]].add(str(lab))
    for r in todo:
        r.ours = our_labels(ds, r.entity, languages)
        r.theirs = {k: sorted(v) for k, v in sorted(labels.get(r.target, {}).items())}
        if r.target not in exists:
            r.status, r.message = Status.MISSING, f"the endpoint {client.endpoint} has no triples about {r.target}"
            continue
        compared = [lang for lang in r.ours if lang in r.theirs]
        if not compared:
            r.status = Status.NO_LABEL
            r.message = "no label in a language we also label in (" + ", ".join(languages) + ")"
            continue
        bad = []
        for lang in compared:
            mine = {normalise(x) for x in r.ours[lang]}
            if not mine & {normalise(x) for x in r.theirs[lang]}:
                bad.append(f"{lang}: ours {r.ours[lang]} vs theirs {r.theirs[lang]}")
        if bad:
            r.status, r.message = Status.MISMATCH, "labels differ: " + "; ".join(bad)
        else:
            r.status, r.message = Status.OK, f"labels agree in {', '.join(compared)}"
    return report


def check_links(ds: Dataset | Graph, *, clients: dict[str, SparqlClient] | None = None,
                languages: Sequence[str] = LANGUAGES) -> LinkReport:
    """Syntax check, then a remote check for each kind that has a client (``wikidata``, ``dbpedia``)."""
    report = check_syntax(ds)
    for kind, client in (clients or {}).items():
        check_remote(ds, client, kind=kind, languages=languages, report=report)
    return report
