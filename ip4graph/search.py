"""Search the graph's labels and quotes: ``search(kg, "japon")`` → ranked :class:`SearchHit`s.

What is searched (:class:`SearchKind`): the names of entities and ontology terms
(``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel`` in every language: en, fr, ja, ko), the
quotes of claims (``ip4:quote``, with the claim's source document, paragraph, certainty and
the entities its graph mentions) and, when asked for, ``rdfs:comment``.

Matching is case- and accent-insensitive: both sides are lower-cased and the accented Latin
letters of Latin-1 Supplement and Latin Extended-A/B are folded to their base letter
(``Corée`` = ``coree``, ``JAPON`` = ``japon``); the text is NFKC-normalised first, so
full-width ``Ｊａｐａｎ`` is ``japan``. Japanese and Korean match as written (``日本`` finds
``日本``, ``NATO・日本パートナーシップ`` ...). The matching runs in the store's own SPARQL
engine (Oxigraph, rdflib or a remote store) with the folded text **bound as a literal**
(a ``VALUES`` row or rdflib's ``initBindings``): the text never becomes query syntax.

Ranking (the ``score`` of a hit; lower is better)::

    score = match + kind
    match:  exact 0 · prefix 1 · word (starts a word) 2 · substring 3
    kind:   rdfs:label / skos:prefLabel 0 · skos:altLabel 0.5 · ip4:quote 2 · rdfs:comment 2.5

so an entity's own name beats an alias, and a label beats a quote of the same match class
(a quote where the text starts a word, 4, comes after every label containing it, 3.5 at most).
Ties go to the shorter matched text (the closer match), then to the matched text, then to the
IRI; quotes of equal score keep reading order (document, then paragraph number). An entity is one hit, for
its best-matching name.

>>> from ip4graph.kg import KnowledgeGraph
>>> kg = KnowledgeGraph.open()
>>> hit = search(kg, "japon", limit=1)[0]
>>> hit.curie, hit.text, hit.match.value
('ip4d:japan', 'Japon', 'exact')
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS
from rdflib.term import Node

from .errors import ParameterError
from .namespaces import IP4, IP4D
from .terms import curie, label

if TYPE_CHECKING:
    from .kg import KnowledgeGraph

#: Longest search text accepted (characters, after normalisation).
MAX_TEXT = 200
LANGUAGES = ("en", "fr", "ja", "ko")


class SearchKind(str, Enum):
    """What a hit matched: a name, a claim's quote, or a description."""

    LABEL = "label"
    QUOTE = "quote"
    COMMENT = "comment"


class Match(str, Enum):
    """How the text matched: the whole name, its start, the start of a word in it, or inside a word."""

    EXACT = "exact"
    PREFIX = "prefix"
    WORD = "word"
    SUBSTRING = "substring"


DEFAULT_KINDS = (SearchKind.LABEL, SearchKind.QUOTE)
MATCH_SCORE = {Match.EXACT: 0.0, Match.PREFIX: 1.0, Match.WORD: 2.0, Match.SUBSTRING: 3.0}
PROPERTY_SCORE = {RDFS.label: 0.0, SKOS.prefLabel: 0.0, SKOS.altLabel: 0.5, IP4.quote: 2.0, RDFS.comment: 2.5}
_PROPERTIES = {
    SearchKind.LABEL: (RDFS.label, SKOS.prefLabel, SKOS.altLabel),
    SearchKind.QUOTE: (IP4.quote,),
    SearchKind.COMMENT: (RDFS.comment,),
}


# --------------------------------------------------------------------------- folding


def _accent_table() -> dict[str, str]:
    """Lower-case accented Latin letter → its base letter (U+00C0–U+024F, plus ø đ ł ħ ŧ)."""
    out: dict[str, str] = {}
    for cp in range(0xC0, 0x250):
        low = chr(cp).lower()
        if len(low) != 1 or not 0xC0 <= ord(low) < 0x250:
            continue
        parts = unicodedata.normalize("NFD", low)
        if len(parts) > 1 and parts[0].isascii() and parts[0].isalpha() \
                and all(unicodedata.combining(c) for c in parts[1:]):
            out[low] = parts[0]
    out.update({"ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ŧ": "t"})
    return out


ACCENTS = _accent_table()


_FOLD_TABLE = str.maketrans(ACCENTS)


def _natural(text: str) -> tuple[Any, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def fold(text: str) -> str:
    """Lower case with accents folded, one character for one (so positions carry over).

    >>> fold("Corée du Sud"), fold("ÉTATS-UNIS"), fold("日本")
    ('coree du sud', 'etats-unis', '日本')
    """
    low = text.lower()
    if len(low) == len(text):
        return low.translate(_FOLD_TABLE)
    out = []
    for c in text:
        low = c.lower()
        if len(low) != 1:
            low = c
        out.append(ACCENTS.get(low, low))
    return "".join(out)


def normalise_text(text: str) -> str:
    """What is searched for: NFKC, single spaces, trimmed, folded.

    Raises:
        ParameterError: the text is empty, only spaces, or longer than :data:`MAX_TEXT`.
    """
    if not isinstance(text, str):
        raise ParameterError(f"search text must be a string, not {type(text).__name__}")
    cleaned = " ".join(unicodedata.normalize("NFKC", text).split())
    if not cleaned:
        raise ParameterError("nothing to search for: the text is empty", hint='give a word or a name, e.g. "Japan"')
    if len(cleaned) > MAX_TEXT:
        raise ParameterError(f"the search text is {len(cleaned)} characters long; at most {MAX_TEXT}",
                             hint="search for a shorter phrase")
    return fold(cleaned)


def _fold_steps(var: str) -> tuple[str, str]:
    """SPARQL BINDs folding ``?{var}`` like :func:`fold`, and the variable that holds the result.

    One ``BIND`` per base letter, chained (not nested: Oxigraph plans deeply nested
    REPLACE calls in exponential time). The patterns are constants of this module.
    """
    by_base: dict[str, list[str]] = {}
    for accented, base in sorted(ACCENTS.items()):
        by_base.setdefault(base, []).append(accented)
    steps = [f"BIND(LCASE(STR(?{var})) AS ?f0)"]
    for i, (base, letters) in enumerate(sorted(by_base.items())):
        steps.append(f'BIND(REPLACE(?f{i}, "[{"".join(letters)}]", "{base}") AS ?f{i + 1})')
    return "\n      ".join(steps), f"?f{len(by_base)}"


_ACCENTED = "[\u00C0-\u024F]"


@functools.lru_cache(maxsize=None)
def text_query(properties: tuple[URIRef, ...], *, accents: bool = True) -> str:
    """The SPARQL that finds the literals of ``properties`` containing ``?needle`` (folded).

    ``?needle`` is not in the text: it is bound by the caller. Every literal is lower-cased
    and compared; with ``accents``, those holding an accented Latin letter are also folded
    (a second branch: a literal may come back twice). A needle with no letter that an accent
    folds to (``日本``, ``9/11``) cannot match an accented letter, so it needs no folding.
    """
    values = " ".join(p.n3() for p in properties)
    pattern = f"VALUES ?p {{ {values} }} ?s ?p ?text . FILTER(isIRI(?s) && isLiteral(?text))"
    plain = f"""{{ SELECT ?s ?p ?text ?key WHERE {{
      {pattern}
      BIND(LCASE(STR(?text)) AS ?key) }} }}"""
    if not accents:
        return f"SELECT ?s ?p ?text WHERE {{\n  {plain}\n  FILTER(CONTAINS(?key, ?needle))\n}}"
    steps, folded = _fold_steps("text")
    return f"""SELECT ?s ?p ?text WHERE {{
  {plain}
  UNION
  {{ SELECT ?s ?p ?text ?key WHERE {{
      {{ SELECT ?s ?p ?text WHERE {{ {pattern} FILTER(REGEX(STR(?text), "{_ACCENTED}")) }} }}
      {steps}
      BIND({folded} AS ?key) }} }}
  FILTER(CONTAINS(?key, ?needle))
}}"""


_BASES = frozenset(ACCENTS.values())


_CLAIMS_QUERY = """SELECT ?claim ?doc ?para ?n ?certainty WHERE {{
  {values}
  OPTIONAL {{ ?claim prov:wasQuotedFrom ?doc }}
  OPTIONAL {{ ?claim ip4:paragraph ?para OPTIONAL {{ ?para ip4:paragraphNumber ?n }} }}
  OPTIONAL {{ ?claim ip4:certainty ?certainty }}
}}"""
_MENTIONS_QUERY = """SELECT DISTINCT ?claim ?e WHERE {{
  {values}
  GRAPH ?claim {{ {{ ?e ?p ?o }} UNION {{ ?x ?p ?e }} }}
  FILTER(isIRI(?e) && STRSTARTS(STR(?e), "{ns}"))
}}"""
_TYPES_QUERY = """SELECT ?s ?t ?direct WHERE {{
  {values}
  {{ ?s ip4:directType ?t BIND(true AS ?direct) }} UNION {{ ?s rdf:type ?t BIND(false AS ?direct) }}
}}"""


# --------------------------------------------------------------------------- hits


@dataclass(frozen=True, slots=True)
class Snippet:
    """The matched text cut around the match: ``before`` + ``match`` + ``after`` (with … where cut)."""

    before: str
    match: str
    after: str

    def marked(self, left: str = "«", right: str = "»") -> str:
        return f"{self.before}{left}{self.match}{right}{self.after}"

    def __str__(self) -> str:
        return f"{self.before}{self.match}{self.after}"


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity a claim's graph mentions."""

    iri: URIRef
    name: str
    curie: str


@dataclass(frozen=True, slots=True)
class ClaimContext:
    """Where a quote comes from: the claim's document, paragraph and certainty, and what it is about."""

    document: URIRef | None
    document_name: str
    paragraph: int | None
    paragraph_iri: URIRef | None
    certainty: URIRef | None
    certainty_name: str
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One entity (for a name or comment) or one claim (for a quote) that contains the text.

    Attributes:
        kind: what matched (a name, a quote, a comment).
        iri, curie, name: the entity (or claim) and what to call it, in the language asked for.
        types: the entity's most specific classes (``ip4:directType``, else ``rdf:type``), as CURIEs.
        type_name: the label of the first type.
        property: the property whose value matched (``rdfs:label``, ``skos:altLabel``, ``ip4:quote`` ...).
        text, lang: the value that matched and its language tag.
        match: how it matched; span: where (start, end) in ``text``, None when the folded forms
            disagree (a character the store lower-cases differently).
        score: the rank (see the module's doc); lower first.
        claim: for a quote, its document, paragraph, certainty and mentions.
    """

    kind: SearchKind
    iri: URIRef
    curie: str
    name: str
    types: tuple[str, ...]
    type_name: str
    property: URIRef
    text: str
    lang: str | None
    match: Match
    span: tuple[int, int] | None
    score: float
    claim: ClaimContext | None = None

    def snippet(self, context: int = 80) -> Snippet:
        """``text`` around the match, at most ``context`` characters either side (whole words)."""
        if self.span is None:
            return Snippet("", "", self.text)
        start, end = self.span
        before, after = self.text[:start], self.text[end:]
        if len(before) > context:
            cut = before[-context:]
            space = cut.find(" ")
            before = "…" + (cut[space + 1:] if 0 <= space < context // 2 else cut)
        if len(after) > context:
            cut = after[:context]
            space = cut.rfind(" ")
            after = (cut[:space] if space > context // 2 else cut) + "…"
        return Snippet(before, self.text[start:end], after)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (IRIs as strings)."""
        snip = self.snippet()
        out: dict[str, Any] = {
            "kind": self.kind.value, "iri": str(self.iri), "curie": self.curie, "name": self.name,
            "types": list(self.types), "type": self.type_name, "property": str(self.property),
            "text": self.text, "lang": self.lang, "match": self.match.value,
            "span": list(self.span) if self.span else None, "score": self.score,
            "snippet": {"before": snip.before, "match": snip.match, "after": snip.after},
        }
        if self.claim is not None:
            c = self.claim
            out["claim"] = {
                "document": str(c.document) if c.document else None, "document_name": c.document_name,
                "paragraph": c.paragraph, "paragraph_iri": str(c.paragraph_iri) if c.paragraph_iri else None,
                "certainty": str(c.certainty) if c.certainty else None, "certainty_name": c.certainty_name,
                "mentions": [{"iri": str(m.iri), "curie": m.curie, "name": m.name} for m in c.mentions],
            }
        return out


def classify(text: str, needle: str) -> tuple[Match, tuple[int, int] | None]:
    """How the folded ``needle`` sits in ``text``: the best occurrence (exact > prefix > word > substring).

    >>> classify("NATO-Japan partnership", "japan")
    (<Match.WORD: 'word'>, (5, 10))
    """
    folded = fold(text)
    if folded.strip() == needle:
        start = folded.index(needle)
        return Match.EXACT, (start, start + len(needle))
    first = folded.find(needle)
    if first < 0:
        return Match.SUBSTRING, None
    if first == 0:
        return Match.PREFIX, (0, len(needle))
    at = first
    while at >= 0:
        if not folded[at - 1].isalnum():
            return Match.WORD, (at, at + len(needle))
        at = folded.find(needle, at + 1)
    return Match.SUBSTRING, (first, first + len(needle))


def _values(var: str, terms: Iterable[Node]) -> str:
    from .backends.sparqltext import values_rows

    return values_rows(var, sorted(set(terms), key=str))


def _label_source(kg: "KnowledgeGraph", terms: Iterable[Node]) -> Graph:
    index = kg.index
    if isinstance(index, Graph):
        return index
    return index.labels(terms)  # type: ignore[union-attr,no-any-return]


def _chunks(items: Sequence[Node], size: int = 400) -> Iterable[Sequence[Node]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def search(kg: "KnowledgeGraph", text: str, *, lang: str | None = None,
           kinds: Iterable[SearchKind | str] = DEFAULT_KINDS, limit: int | None = 50) -> list[SearchHit]:
    """The entities and claims whose names or quotes contain ``text``, best first.

    Args:
        kg: the knowledge graph (any backend).
        text: what to look for (case, accents and width do not matter).
        lang: only names in this language (``en``, ``fr``, ``ja``, ``ko``; names without a
            language tag too), and names shown in it. Quotes are searched whatever ``lang``.
        kinds: what to search: :class:`SearchKind` values or their names.
        limit: at most this many hits (None: all).

    Raises:
        ParameterError: empty or too long text, an unknown kind or language, a limit below 1.
    """
    needle = normalise_text(text)
    if lang is not None and lang not in LANGUAGES:
        raise ParameterError(f"unknown language {lang!r}", hint="one of " + ", ".join(LANGUAGES))
    if isinstance(kinds, str):  # one kind (a SearchKind is a str too)
        kinds = [kinds]
    try:
        chosen = tuple(dict.fromkeys(SearchKind(k) for k in kinds))
    except ValueError as exc:
        raise ParameterError(f"unknown search kind: {exc}", hint="one of " + ", ".join(k.value for k in SearchKind)) from exc
    if not chosen:
        raise ParameterError("no kind of text to search", hint="one or more of " + ", ".join(k.value for k in SearchKind))
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ParameterError(f"limit must be a whole number >= 1, not {limit!r}")

    properties = tuple(p for k in chosen for p in _PROPERTIES[k])
    query = text_query(properties, accents=not _BASES.isdisjoint(needle))
    rows = kg.run(query, bindings={"needle": Literal(needle)}, source="search").rows

    # the best value of each subject (an entity is one hit; a claim one hit per quote)
    best: dict[tuple[Node, bool], tuple[tuple[Any, ...], URIRef, Literal, Match, tuple[int, int] | None]] = {}
    for s, p, value in rows:
        if not isinstance(s, URIRef) or not isinstance(value, Literal):
            continue
        is_quote = p == IP4.quote
        if lang is not None and not is_quote and value.language not in (None, lang):
            continue
        match, span = classify(str(value), needle)
        score = MATCH_SCORE[match] + PROPERTY_SCORE[p]  # type: ignore[index]
        key = (score, len(str(value)), str(value), str(p))
        slot = (s, is_quote)
        if slot not in best or key < best[slot][0]:
            best[slot] = (key, p, value, match, span)  # type: ignore[assignment]
    if not best:
        return []

    def order(slot: tuple[Node, bool]) -> tuple[Any, ...]:
        (score, length, value, _), subject, is_quote = best[slot][0], slot[0], slot[1]
        if is_quote:  # reading order: document, then paragraph number (p2 before p10)
            return (score, 2, _natural(str(subject)))
        return (score, 0, length, value.casefold(), str(subject))

    chosen_slots = sorted(best, key=order)[:limit] if limit is not None else sorted(best, key=order)
    show = lang or "en"
    quoted = [s for s, q in chosen_slots if q]
    claims = _claim_contexts(kg, quoted, show) if quoted else {}
    types = _types(kg, [s for s, q in chosen_slots if not q])
    names = _label_source(kg, {s for s, _ in chosen_slots} | {t for ts in types.values() for t in ts})

    hits = []
    for slot in chosen_slots:
        s, is_quote = slot
        key, p, value, match, span = best[slot]
        ctx = claims.get(s) if is_quote else None
        kind = SearchKind.QUOTE if is_quote else (SearchKind.COMMENT if p == RDFS.comment else SearchKind.LABEL)
        if is_quote:
            type_curies: tuple[str, ...] = ("ip4:Claim",)
            type_name = "claim"
            name = curie(None, s)  # type: ignore[arg-type]
        else:
            found = types.get(s, ())
            type_curies = tuple(curie(None, t) for t in found)  # type: ignore[arg-type]
            type_name = label(names, found[0], lang=show) if found else ""
            name = label(names, s, lang=show)
        hits.append(SearchHit(kind=kind, iri=s, curie=curie(None, s), name=name,  # type: ignore[arg-type]
                              types=type_curies, type_name=type_name, property=p, text=str(value),
                              lang=value.language, match=match, span=span, score=key[0], claim=ctx))
    return hits


def _types(kg: "KnowledgeGraph", subjects: list[Node]) -> dict[Node, tuple[Node, ...]]:
    """Each subject's most specific classes (``ip4:directType``), else its asserted or inferred types."""
    direct: dict[Node, set[Node]] = {}
    other: dict[Node, set[Node]] = {}
    for chunk in _chunks(sorted(set(subjects), key=str)):
        for s, t, is_direct in kg.run(_TYPES_QUERY.format(values=_values("s", chunk)), source="search").rows:
            if isinstance(t, URIRef):
                (direct if bool(is_direct.toPython()) else other).setdefault(s, set()).add(t)
    skip = {URIRef("http://www.w3.org/2002/07/owl#NamedIndividual"), RDFS.Resource,
            URIRef("http://www.w3.org/2002/07/owl#Thing")}
    out = {}
    for s in subjects:
        chosen = direct.get(s) or {t for t in other.get(s, set()) if t not in skip}
        out[s] = tuple(sorted(chosen, key=str))
    return out


def _claim_contexts(kg: "KnowledgeGraph", claims: list[Node], lang: str) -> dict[Node, ClaimContext]:
    info: dict[Node, dict[str, Node]] = {}
    mentions: dict[Node, set[Node]] = {}
    for chunk in _chunks(sorted(set(claims), key=str)):
        values = _values("claim", chunk)
        for claim, doc, para, n, certainty in kg.run(_CLAIMS_QUERY.format(values=values), source="search").rows:
            slot = info.setdefault(claim, {})
            for k, v in (("doc", doc), ("para", para), ("n", n), ("certainty", certainty)):
                if v is not None and k not in slot:
                    slot[k] = v
        for claim, e in kg.run(_MENTIONS_QUERY.format(values=values, ns=str(IP4D)), source="search").rows:
            mentions.setdefault(claim, set()).add(e)
    terms: set[Node] = {e for es in mentions.values() for e in es}
    for slot in info.values():
        terms |= {v for k, v in slot.items() if k in ("doc", "certainty")}
    source = _label_source(kg, terms)
    names = {t: label(source, t, lang=lang) for t in terms}
    out = {}
    for claim in claims:
        slot = info.get(claim, {})
        doc, certainty, para, n = slot.get("doc"), slot.get("certainty"), slot.get("para"), slot.get("n")
        mentioned = tuple(sorted((Mention(e, names[e], curie(None, e))  # type: ignore[arg-type]
                                  for e in mentions.get(claim, set()) if isinstance(e, URIRef)),
                                 key=lambda m: (m.name.casefold(), str(m.iri))))
        out[claim] = ClaimContext(
            document=doc if isinstance(doc, URIRef) else None,
            document_name=names[doc] if doc is not None else "",
            paragraph=int(n.toPython()) if isinstance(n, Literal) else None,
            paragraph_iri=para if isinstance(para, URIRef) else None,
            certainty=certainty if isinstance(certainty, URIRef) else None,
            certainty_name=names[certainty] if certainty is not None else "",
            mentions=mentioned,
        )
    return out


__all__ = ["ACCENTS", "ClaimContext", "DEFAULT_KINDS", "Match", "Mention", "SearchHit", "SearchKind", "Snippet",
           "classify", "fold", "normalise_text", "search", "text_query"]
