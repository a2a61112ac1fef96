"""Source texts: registration, hashing, quote anchoring and quote verification.

A source document is registered once (``ip4graph source add``): the graph gets an
``ip4:SourceDocument`` with ``dcterms:`` metadata, its URL (``schema:url``), the name of
its text file (``ip4:textFile``) and the SHA-256 of the text (``ip4:sha256``), and one
``ip4:SourceParagraph`` per non-empty line (numbered from 1, as the shipped data does).
The text stays in the analyst's sources folder; the graph cites it, it does not copy it.

Each claim's quote is anchored with W3C Web Annotation selectors, on the claim in
``ip4g:provenance``, relative to the paragraph's text (the line without its surrounding
spaces)::

    ip4c:brief-p2-ip4-members oa:hasSelector
        [ a oa:TextPositionSelector ; oa:start 0 ; oa:end 79 ] ,
        [ a oa:TextQuoteSelector ; oa:exact "…" ; oa:prefix "…" ; oa:suffix "…" ] .

:func:`check_quotes` verifies every quote against the text when it is available.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SDO, XSD

from . import resources
from .errors import SourceError
from .namespaces import GRAPH_ENTITIES, GRAPH_PROVENANCE, IP4, IP4D, bind_prefixes
from .rules import Finding
from .terms import curie, expand_iri

OA = Namespace("http://www.w3.org/ns/oa#")
PROV_QUOTED = URIRef("http://www.w3.org/ns/prov#wasQuotedFrom")
#: Environment variable naming the sources folder.
SOURCES_ENV = "IP4GRAPH_SOURCES"
#: The project config file read (in the current directory) for ``[sources] folders``.
CONFIG = "ip4graph.toml"
#: Characters of context kept on each side of a quote in its TextQuoteSelector.
CONTEXT = 24
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def sources_folder(explicit: str | os.PathLike[str] | None = None) -> list[Path]:
    """The folders searched for source texts, in order.

    ``explicit`` (the ``--sources`` option), then each folder of ``$IP4GRAPH_SOURCES``
    (separated by ``os.pathsep``), then the ``folders`` of the ``[sources]`` table of the
    project config ``ip4graph.toml`` in the current directory (relative to that file), then
    the shipped texts' folder ``../shared/sources``.

    Raises:
        SourceError: ``ip4graph.toml`` is not valid TOML or its ``[sources]`` table is malformed.
    """
    out: list[Path] = []
    if explicit:
        out.append(Path(explicit))
    env = os.environ.get(SOURCES_ENV)
    if env:
        out += [Path(x) for x in env.split(os.pathsep) if x]
    out += _config_folders(Path.cwd() / CONFIG)
    default = resources.sources_dir()
    if default is not None:
        out.append(default)
    seen: list[Path] = []
    for f in out:
        if f not in seen:
            seen.append(f)
    return seen


def _config_folders(config: Path) -> list[Path]:
    if not config.is_file():
        return []
    import tomllib

    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        m = re.search(r"at line (\d+), column (\d+)", str(exc))
        line = getattr(exc, "lineno", None) or (int(m[1]) if m else None)
        raise SourceError(f"invalid project config: {exc}", location=_loc(config, line),
                          hint='write e.g.  [sources]  folders = ["texts"]') from exc
    folders = data.get("sources", {}).get("folders", [])
    if not isinstance(folders, list) or not all(isinstance(f, str) for f in folders):
        raise SourceError("[sources] folders must be a list of folder names", location=_loc(config),
                          hint='write e.g.  [sources]  folders = ["texts"]')
    return [(config.parent / f) for f in folders]


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_paragraphs(path: Path) -> list[tuple[int, str]]:
    """``(line number, paragraph text)`` for each non-empty line (stripped), in order.

    Raises:
        SourceError: the file is missing or not UTF-8.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise SourceError("source text not found", location=_loc(p), hint="check the path") from exc
    except UnicodeDecodeError as exc:
        raise SourceError(f"source text is not UTF-8: {exc.reason}", location=_loc(p),
                          hint="save the text as UTF-8 plain text") from exc
    return [(i, line.strip()) for i, line in enumerate(text.splitlines(), 1) if line.strip()]


def _loc(p: Path, line: int | None = None):  # noqa: ANN202
    from .errors import Location

    return Location(str(p), line)


def sentence_at(text: str, start: int, end: int | None = None) -> str:
    """The sentence(s) of ``text`` that hold ``text[start:end]``."""
    end = start if end is None else end
    bounds = [0] + [m.end() for m in re.finditer(r"[.?!][\"”’)]?\s+(?=[A-Z“\"‘])", text)] + [len(text)]
    lo = max(b for b in bounds if b <= max(0, min(start, len(text))))
    hi = min((b for b in bounds if b >= end and b > lo), default=len(text))
    return text[lo:hi].strip()


def more_than_one_sentence(quote: str) -> bool:
    """Whether a quote spans a sentence break (end punctuation, space, capital)."""
    inner = quote.rstrip(".?!”\" ").replace("U.S. ", "US ").replace("D.C. ", "DC ")
    return re.search(r"[a-z0-9)][.?!][\"”’]? +[A-Z]", inner) is not None


def doc_iri(doc_id: str) -> URIRef:
    """``brief`` → ``ip4d:doc-brief``; a CURIE or IRI is taken as it is."""
    iri = expand_iri(doc_id) if (":" in doc_id) else None
    if iri is not None:
        return iri
    if not _ID.match(doc_id):
        raise SourceError(f"source id {doc_id!r} is not valid",
                          hint="use lower-case letters, digits and hyphens, e.g. --id mofa-2025")
    return IP4D[f"doc-{doc_id}"]


def _date_literal(text: str) -> Literal:
    t = text.strip()
    if re.fullmatch(r"\d{4}", t):
        return Literal(t, datatype=XSD.gYear)
    if re.fullmatch(r"\d{4}-\d{2}", t):
        return Literal(t, datatype=XSD.gYearMonth)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
        return Literal(t, datatype=XSD.date)
    raise SourceError(f"date {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD",
                      hint="give the date at the precision the document gives, e.g. --date 2025-03")


def register_text(
    text_file: Path,
    *,
    doc_id: str,
    title: str | None = None,
    date: str | None = None,
    publisher: str | None = None,
    url: str | None = None,
    label: str | None = None,
    labels: dict[str, str] | None = None,
    describe: bool = True,
) -> Dataset:
    """The registration of ``text_file`` as a dataset (graph ``ip4g:entities``).

    With ``describe`` (``source add``) the document and its paragraphs are described in
    full: ``labels`` gives the document's label in French, Japanese and Korean (``fr``, ``ja``,
    ``ko``; every named entity is labelled in the four languages), and each paragraph is
    labelled "<label>, paragraph N" in each of them; without it (``source register``, for a document already described in the data)
    only its text file and hash are recorded.

    Raises:
        SourceError: the text is missing, empty or not UTF-8; a metadata value is invalid.
    """
    paragraphs = read_paragraphs(text_file)
    if not paragraphs:
        raise SourceError("source text is empty", location=_loc(Path(text_file)),
                          hint="one paragraph per line, in UTF-8 plain text")
    doc = doc_iri(doc_id)
    ds = Dataset()
    bind_prefixes(ds)
    ds.bind("oa", OA)
    g = ds.graph(GRAPH_ENTITIES)
    g.add((doc, IP4.textFile, Literal(Path(text_file).name)))
    g.add((doc, IP4.sha256, Literal(sha256_of(Path(text_file)))))
    if not describe:
        return ds
    if not title or not date:
        raise SourceError("a new source needs --title and --date",
                          hint="ip4graph source add TEXT --id ID --title \"...\" --date YYYY[-MM[-DD]]")
    short = doc_id.split(":")[-1]
    g.add((doc, RDF.type, IP4.SourceDocument))
    g.add((doc, DCTERMS.title, Literal(title, lang="en")))
    g.add((doc, RDFS.label, Literal(label or title, lang="en")))
    for lang, text in sorted((labels or {}).items()):
        if lang not in _PARAGRAPH or not text.strip():
            raise SourceError(f"a label in {lang!r} must be non-empty text in fr, ja or ko",
                              hint="--label-fr, --label-ja, --label-ko")
        g.add((doc, RDFS.label, Literal(text.strip(), lang=lang)))
    g.add((doc, DCTERMS.date, _date_literal(date)))
    g.add((doc, DCTERMS.language, Literal("en")))
    if publisher:
        pub = expand_iri(publisher)
        g.add((doc, DCTERMS.publisher, pub if pub is not None else Literal(publisher)))
    if url:
        if not re.match(r"^https?://\S+$", url):
            raise SourceError(f"URL {url!r} is not an http(s) URL", hint="give the address where the original can be read")
        g.add((doc, SDO.url, Literal(url, datatype=XSD.anyURI)))
    for n, (line, _) in enumerate(paragraphs, 1):
        p = URIRef(f"{doc}-p{n}")
        g.add((p, RDF.type, IP4.SourceParagraph))
        g.add((p, DCTERMS.isPartOf, doc))
        g.add((p, IP4.paragraphNumber, Literal(n)))
        g.add((p, IP4.lineNumber, Literal(line)))
        g.add((p, RDFS.label, Literal(f"{short}, paragraph {n}", lang="en")))
        for lang, text in sorted((labels or {}).items()):
            g.add((p, RDFS.label, Literal(_PARAGRAPH[lang].format(doc=text, n=n), lang=lang)))
    return ds


#: "<document>, paragraph N" in the other three languages (the shipped data's pattern).
_PARAGRAPH = {"fr": "{doc}, paragraphe {n}", "ja": "{doc} 第{n}段落", "ko": "{doc} 제{n}단락"}


def anchor(paragraph: str, quote: str) -> tuple[int, int] | None:
    """Character offsets ``(start, end)`` of ``quote`` in ``paragraph``, or None."""
    i = paragraph.find(quote)
    return None if i < 0 else (i, i + len(quote))


def add_selectors(g: Graph, claim: URIRef, paragraph: str, quote: str) -> bool:
    """Add the TextPositionSelector and TextQuoteSelector of ``quote`` to ``claim`` in ``g``."""
    where = anchor(paragraph, quote)
    if where is None:
        return False
    start, end = where
    pos, tq = BNode(), BNode()
    g.add((claim, OA.hasSelector, pos))
    g.add((pos, RDF.type, OA.TextPositionSelector))
    g.add((pos, OA.start, Literal(start)))
    g.add((pos, OA.end, Literal(end)))
    g.add((claim, OA.hasSelector, tq))
    g.add((tq, RDF.type, OA.TextQuoteSelector))
    g.add((tq, OA.exact, Literal(quote)))
    g.add((tq, OA.prefix, Literal(paragraph[max(0, start - CONTEXT):start])))
    g.add((tq, OA.suffix, Literal(paragraph[end:end + CONTEXT])))
    return True


@dataclass(frozen=True, slots=True)
class CitedClaim:
    claim: URIRef
    doc: URIRef
    number: int | None
    quote: str
    start: int | None
    end: int | None
    prefix: str | None
    suffix: str | None
    exact: str | None = None


def cited_claims(ds: Dataset) -> list[CitedClaim]:
    """Every claim with its document, paragraph number, quote and anchor (if any).

    Walked in Python (rdflib's SPARQL engine took seconds for the same join): the claims typed
    and sourced in ``ip4g:provenance``, their quote, paragraph number, and the first
    ``oa:TextPositionSelector`` and ``oa:TextQuoteSelector`` of each.
    """
    prov_ns = Namespace("http://www.w3.org/ns/prov#")
    prov = ds.graph(GRAPH_PROVENANCE)
    out: dict[URIRef, CitedClaim] = {}

    def first(node: object, prop: URIRef) -> object:
        return next(iter(sorted(ds.objects(node, prop), key=str)), None)  # type: ignore[arg-type]

    for claim in set(prov.subjects(RDF.type, IP4.Claim)):
        doc = prov.value(claim, prov_ns.wasQuotedFrom)
        quote = first(claim, IP4.quote)
        if doc is None or quote is None or not isinstance(claim, URIRef):
            continue
        para = first(claim, IP4.paragraph)
        n = first(para, IP4.paragraphNumber) if para is not None else None
        start = end = prefix = suffix = exact = None
        for sel in sorted(ds.objects(claim, OA.hasSelector), key=str):
            if (sel, RDF.type, OA.TextPositionSelector) in ds and start is None:
                start, end = first(sel, OA.start), first(sel, OA.end)
                if start is None or end is None:
                    start = end = None
            if (sel, RDF.type, OA.TextQuoteSelector) in ds and exact is None:
                exact = first(sel, OA.exact)
                if exact is not None:
                    prefix, suffix = first(sel, OA.prefix), first(sel, OA.suffix)
        out[claim] = CitedClaim(
            claim, doc, int(n) if n is not None else None, str(quote),  # type: ignore[arg-type]
            int(start) if start is not None else None, int(end) if end is not None else None,  # type: ignore[arg-type]
            str(prefix) if prefix is not None else None, str(suffix) if suffix is not None else None,
            str(exact) if exact is not None else None,
        )
    return sorted(out.values(), key=lambda c: str(c.claim))


def text_of(ds: Dataset, doc: URIRef, folders: list[Path]) -> tuple[Path | None, str | None]:
    """The registered text file of ``doc`` (path, recorded hash); path None when not registered.

    The path is the first of ``folders`` that holds the file (or, when none does, the
    file's place in the first folder, which does not exist).
    """
    name = ds.value(doc, IP4.textFile)
    digest = ds.value(doc, IP4.sha256)
    if name is None:
        return None, None
    recorded = str(digest) if digest is not None else None
    for base in folders:
        if (base / str(name)).is_file():
            return base / str(name), recorded
    return (folders[0] if folders else Path(".")) / str(name), recorded


def check_quotes(ds: Dataset, *, sources: Path | None = None) -> list[Finding]:
    """Every quote verbatim in its paragraph (at its anchor), one sentence at most.

    A document whose text is not registered or not found gives one warning
    ("quotes not checked"); a changed hash gives one violation per claim citing the
    document ("needs review", old and new sentence side by side).
    """
    folder = sources_folder(sources)
    out: list[Finding] = []
    by_doc: dict[URIRef, list[CitedClaim]] = {}
    for c in cited_claims(ds):
        by_doc.setdefault(c.doc, []).append(c)
    for doc, claims in sorted(by_doc.items(), key=lambda kv: str(kv[0])):
        path, recorded = text_of(ds, doc, folder)
        name = curie(ds, doc)
        first = claims[0].claim
        if path is None or not path.is_file():
            why = ("its text is not registered (run ip4graph source register TEXT --id ID)" if path is None
                   else f"its text {path.name} is in none of the source folders "
                        f"({', '.join(str(f) for f in folder) or 'none given'}): give --sources DIR or set {SOURCES_ENV}")
            out.append(Finding(
                "quotes-not-checked", doc,
                f"quotes not checked: {len(claims)} claim(s) cite {name}, but {why}",
                graph=GRAPH_PROVENANCE, triple=(first, PROV_QUOTED, doc), keys=(first,), severity="Warning"))
            continue
        paragraphs = [t for _, t in read_paragraphs(path)]
        current = sha256_of(path)
        changed = recorded is not None and recorded != current
        for c in claims:
            triple = (c.claim, IP4.quote, Literal(c.quote, lang="en"))
            para = paragraphs[c.number - 1] if c.number and 1 <= c.number <= len(paragraphs) else None
            if changed:
                was = f"{c.prefix or ''}[{c.quote}]{c.suffix or ''}"
                if para is None:
                    now = f"(the text has no paragraph {c.number})"
                else:
                    at = para.find(c.quote)
                    now = sentence_at(para, at, at + len(c.quote)) if at >= 0 else sentence_at(para, c.start or 0, c.end)
                out.append(Finding(
                    "source-changed", c.claim,
                    f"needs review: the text of {name} ({path.name}) changed since it was registered "
                    f"(sha256 {recorded[:12]}… → {current[:12]}…); this claim cites paragraph {c.number}.\n"
                    f"      was: {was}\n      now: {now}\n"
                    "      check the claim against the new text, then re-register it (ip4graph source register)",
                    graph=GRAPH_PROVENANCE, triple=triple, keys=(c.claim,)))
                continue
            if para is None:
                out.append(Finding("quote", c.claim,
                                   f"{curie(ds, c.claim)} cites paragraph {c.number} of {name}, which has "
                                   f"{len(paragraphs)} paragraphs: fix ip4:paragraph",
                                   graph=GRAPH_PROVENANCE, triple=triple, keys=(c.claim,)))
                continue
            where = anchor(para, c.quote)
            if where is None:
                near = _closest_sentence(paragraphs, c.quote)
                out.append(Finding(
                    "quote", c.claim,
                    f"the quote of {curie(ds, c.claim)} is not verbatim in paragraph {c.number} of {name}: "
                    "copy the words exactly (same apostrophes and dashes)"
                    + (f"; closest sentence: paragraph {near[0]}: “{near[1]}”" if near else ""),
                    graph=GRAPH_PROVENANCE, triple=triple, keys=(Literal(c.quote), c.claim)))
                continue
            sentence = sentence_at(para, where[0])
            if c.quote.strip().rstrip(".?!") not in sentence:
                out.append(Finding(
                    "quote", c.claim,
                    f"the quote of {curie(ds, c.claim)} runs over more than one sentence of paragraph {c.number} "
                    f"of {name}: quote at most one sentence",
                    graph=GRAPH_PROVENANCE, triple=triple, keys=(Literal(c.quote), c.claim)))
            if c.exact is not None and c.exact != c.quote:
                out.append(Finding(
                    "quote", c.claim,
                    f"the oa:TextQuoteSelector of {curie(ds, c.claim)} holds other words than its ip4:quote: "
                    "make oa:exact the quote, or re-anchor (ip4graph source anchor)",
                    graph=GRAPH_PROVENANCE, triple=triple, keys=(c.claim,)))
            if c.start is not None and c.end is not None and para[c.start:c.end] != c.quote:
                out.append(Finding(
                    "quote", c.claim,
                    f"the anchor of {curie(ds, c.claim)} (characters {c.start}-{c.end} of paragraph {c.number}) "
                    f"does not hold its quote (the quote is at {where[0]}-{where[1]}): fix oa:start/oa:end "
                    "or re-anchor (ip4graph source anchor)",
                    graph=GRAPH_PROVENANCE, triple=triple, keys=(c.claim,)))
    return out


def _closest_sentence(paragraphs: list[str], quote: str) -> tuple[int, str] | None:
    import difflib

    best: tuple[float, int, str] | None = None
    for n, para in enumerate(paragraphs, 1):
        for sent in re.split(r"(?<=[.?!])\s+(?=[A-Z“])", para):
            r = difflib.SequenceMatcher(None, quote.lower(), sent.lower()).ratio()
            if best is None or r > best[0]:
                best = (r, n, sent)
    if best is None or best[0] < 0.5:
        return None
    s = best[2]
    return best[1], (s if len(s) <= 160 else s[:157] + "…")


def anchor_claims(ds: Dataset, doc: URIRef, *, sources: Path | None = None) -> tuple[Dataset, list[URIRef]]:
    """Selectors for every claim citing ``doc`` that has none yet; and the claims whose quote was not found.

    Raises:
        SourceError: the document's text is not registered or not found.
    """
    path, _ = text_of(ds, doc, sources_folder(sources))
    if path is None or not path.is_file():
        raise SourceError(f"the text of {curie(ds, doc)} is not available",
                          hint="register it (ip4graph source register TEXT --id ID) and give --sources DIR")
    paragraphs = [t for _, t in read_paragraphs(path)]
    out = Dataset()
    bind_prefixes(out)
    out.bind("oa", OA)
    g = out.graph(GRAPH_PROVENANCE)
    missing: list[URIRef] = []
    for c in cited_claims(ds):
        if c.doc != doc or c.start is not None:
            continue
        para = paragraphs[c.number - 1] if c.number and 1 <= c.number <= len(paragraphs) else ""
        if not add_selectors(g, c.claim, para, c.quote):
            missing.append(c.claim)
    return out, missing


def serialize_trig(ds: Dataset, header: Iterable[str]) -> str:
    """TriG text with a comment header (deterministic order of prefixes)."""
    body = ds.serialize(format="trig")
    return "".join(f"# {line}\n" for line in header) + body


__all__ = [
    "OA", "SOURCES_ENV", "sources_folder", "sha256_of", "read_paragraphs", "register_text", "anchor",
    "add_selectors", "check_quotes", "anchor_claims", "cited_claims", "sentence_at", "doc_iri",
    "serialize_trig",
]
