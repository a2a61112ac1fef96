"""Compile a claims sheet (CSV or TSV, ROBOT-template style) into claim graphs and provenance.

One row per triple. Columns (header row, any order, names case-insensitive):

========== ============================================================================
claim      claim id: a slug (``members``) that becomes ``ip4c:<source>-p<N>-<slug>``, or a CURIE
source     the document: its id (``mofa-2025`` → ``ip4d:doc-mofa-2025``) or a CURIE
paragraph  paragraph number (from 1)
quote      the evidence, verbatim, one sentence at most
subject    an entity: label in en/fr/ja/ko, CURIE (``ip4d:japan``) or IRI
predicate  a property: CURIE or IRI (``ip4:memberOf``) or its English label (``member of``)
object     an entity (as subject), or a literal when ``datatype`` or ``language`` is given
datatype   (optional) ``xsd:gYear``, ``xsd:date``, ``xsd:integer``...
language   (optional) language tag of a literal object (``en``)
certainty  stated, likely, possible, expected, unclear or denied
hedge      (optional) the hedging words of a hedged claim (``may``)
period     (optional) the period the claim is about (``2016``, ``2016/2020``) → ``dcterms:temporal``
note       (optional) an analyst's note on the claim → ``ip4:note``
========== ============================================================================

Rows sharing a claim id form one claim graph; its source, paragraph, quote and
certainty must agree. Stated rows become plain triples; hedged ones an
``rdf:Statement`` with ``ip4:certainty``; denied ones an ``owl:NegativePropertyAssertion``
(docs/modelling.md). The output is the same for the same sheet (compare it with
:func:`rdflib.compare.isomorphic`).

An optional entities sheet (``id, type, label_en, label_fr, label_ja, label_ko,
comment``) describes new entities in ``ip4g:entities``; the claims sheet may then use
their labels.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from .errors import EntityNotFound, Location, ParameterError, SourceError
from .namespaces import GRAPH_ENTITIES, GRAPH_ONTOLOGY, GRAPH_PROVENANCE, IP4, IP4C, IP4D, bind_prefixes
from .sources import OA, add_selectors, doc_iri, read_paragraphs, sources_folder, text_of
from .terms import curie, expand_iri, normalise, resolve_entity

CERTAINTY = {
    "stated": IP4.Stated, "likely": IP4.Likely, "possible": IP4.Possible,
    "expected": IP4.Expected, "unclear": IP4.Unclear, "denied": IP4.Denied,
}
REQUIRED = ("claim", "source", "paragraph", "quote", "subject", "predicate", "object", "certainty")
OPTIONAL = ("datatype", "language", "hedge", "period", "note")
ENTITY_COLUMNS = ("id", "type", "label_en", "label_fr", "label_ja", "label_ko", "comment")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True, slots=True)
class Cell:
    """A value with where it came from (file, line of its row, 1-based column)."""

    value: str
    file: str
    line: int
    column: int
    name: str

    def error(self, message: str, hint: str | None = None) -> SourceError:
        return SourceError(f"row {self.line}, column {self.column} ({self.name}): {message}",
                           location=Location(self.file, self.line, self.column), hint=hint)


def read_sheet(path: Path, columns: Sequence[str], optional: Sequence[str] = ()) -> list[dict[str, Cell]]:
    """The rows of a CSV/TSV sheet as cells (blank lines and ``#`` comment lines skipped).

    Raises:
        SourceError: the file is missing, not UTF-8, of another type, or lacks a column.
    """
    p = Path(path)
    if p.suffix.lower() not in (".csv", ".tsv"):
        raise SourceError(f"unknown sheet type {p.suffix!r}", location=Location(str(p)), hint="use a .csv or .tsv file")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise SourceError("sheet not found", location=Location(str(p)), hint="check the path") from exc
    except UnicodeDecodeError as exc:
        raise SourceError("sheet is not UTF-8", location=Location(str(p)), hint="save it as UTF-8 CSV") from exc
    delimiter = "\t" if p.suffix.lower() == ".tsv" else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    numbered: list[tuple[int, list[str]]] = []
    previous = 0
    for row in reader:
        start, previous = previous + 1, reader.line_num  # a quoted cell may span lines: keep the first
        if not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        numbered.append((start, row))
    if not numbered:
        raise SourceError("sheet is empty", location=Location(str(p)), hint=f"the first row names the columns: {', '.join(columns)}")
    numbers = [n for n, _ in numbered]
    rows = [r for _, r in numbered]
    head = [h.strip().lower() for h in rows[0]]
    missing = [c for c in columns if c not in head]
    if missing:
        raise SourceError(f"the sheet has no column {', '.join(missing)}", location=Location(str(p), numbers[0], 1),
                          hint=f"the header row names the columns: {', '.join([*columns, *optional])}")
    unknown = [h for h in head if h and h not in columns and h not in optional]
    if unknown:
        close = difflib.get_close_matches(unknown[0], [*columns, *optional], n=1)
        raise SourceError(f"unknown column {unknown[0]!r}",
                          location=Location(str(p), numbers[0], head.index(unknown[0]) + 1),
                          hint=(f"did you mean {close[0]!r}? " if close else "") + f"columns: {', '.join([*columns, *optional])}")
    out = []
    for n, row in numbered[1:]:
        cells = {}
        for j, name in enumerate(head):
            if name:
                cells[name] = Cell(row[j].strip() if j < len(row) else "", str(p), n, j + 1, name)
        out.append(cells)
    return out


def _close_labels(graph: Graph, text: str) -> list[str]:
    labels: dict[str, URIRef] = {}
    for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel):
        for s, o in graph.subject_objects(p):
            if isinstance(s, URIRef) and isinstance(o, Literal):
                labels.setdefault(normalise(str(o)), s)
    hits = difflib.get_close_matches(normalise(text), list(labels), n=3, cutoff=0.6)
    return [f"\"{h}\" ({curie(graph, labels[h])})" for h in hits]


def resolve(graph: Graph, cell: Cell) -> URIRef:
    """An entity from a label, CURIE or IRI; an error names row and column, with close matches."""
    if not cell.value:
        raise cell.error("empty", hint="give a label, a CURIE (ip4d:japan) or an IRI")
    try:
        return resolve_entity(graph, cell.value)
    except (EntityNotFound, ParameterError) as exc:
        close = _close_labels(graph, cell.value)
        hint = (f"close matches: {', '.join(close)}; " if close else "") + "give the CURIE of the entity you mean, " \
            "or describe a new one in the entities sheet"
        raise cell.error(exc.message, hint=hint) from exc


def resolve_property(graph: Graph, cell: Cell) -> URIRef:
    """A property from a CURIE/IRI or its English label in the ontology."""
    if not cell.value:
        raise cell.error("empty", hint="give a property CURIE such as ip4:memberOf")
    iri = None
    try:
        iri = expand_iri(cell.value)
    except ParameterError as exc:
        raise cell.error(exc.message) from exc
    onto = graph
    props = {s for k in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
             for s in onto.subjects(RDF.type, k) if isinstance(s, URIRef)}
    if iri is not None:
        from .rules import is_known, suggest

        if iri in props or is_known(iri, props):
            return iri
        close = suggest(iri, props, kind="property")
        raise cell.error(f"the property {cell.value} is not declared in the ontology",
                         hint=(f"did you mean {' or '.join(close)}? " if close else "") + "see docs/reference.md")
    by_label = {normalise(str(o)): s for s in props for o in onto.objects(s, RDFS.label) if isinstance(o, Literal)}
    hit = by_label.get(normalise(cell.value))
    if hit is not None:
        return hit
    close = difflib.get_close_matches(normalise(cell.value), list(by_label), n=3, cutoff=0.6)
    raise cell.error(f"no property is labelled {cell.value!r}",
                     hint=(f"close matches: {', '.join(f'{c!r} ({curie(onto, by_label[c])})' for c in close)}; " if close else "")
                     + "give a CURIE such as ip4:memberOf")


def _literal(cell: Cell, datatype: Cell | None, language: Cell | None) -> Literal:
    if language is not None and language.value:
        if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]+)*", language.value):
            raise language.error(f"{language.value!r} is not a language tag", hint="e.g. en, fr, ja, ko")
        return Literal(cell.value, lang=language.value)
    assert datatype is not None
    dt = expand_iri(datatype.value)
    if dt is None or not str(dt).startswith(str(XSD)):
        raise datatype.error(f"{datatype.value!r} is not an XML Schema datatype", hint="e.g. xsd:gYear, xsd:date, xsd:integer, xsd:string")
    lit = Literal(cell.value, datatype=dt)
    if getattr(lit, "ill_typed", False):
        raise cell.error(f"{cell.value!r} is not a valid {datatype.value}", hint="write the value in that datatype's form (2016, 2016-05, 2016-05-12)")
    return lit


def read_entities(path: Path, ds: Dataset) -> Graph:
    """Entities from an entities sheet, as triples for ``ip4g:entities``."""
    g = Graph()
    for row in read_sheet(path, ("id", "type", "label_en"), ENTITY_COLUMNS[3:]):
        ident = row["id"]
        if not _SLUG.match(ident.value) and expand_iri(ident.value) is None:
            raise ident.error(f"{ident.value!r} is not an id", hint="lower-case letters, digits and hyphens (it becomes ip4d:ID)")
        iri = expand_iri(ident.value) if ":" in ident.value else IP4D[ident.value]
        assert iri is not None
        for t in row["type"].value.split():
            cls = expand_iri(t)
            if cls is None or (cls, RDF.type, OWL.Class) not in ds.graph(GRAPH_ONTOLOGY):
                from .rules import suggest

                classes = {s for s in ds.graph(GRAPH_ONTOLOGY).subjects(RDF.type, OWL.Class) if isinstance(s, URIRef)}
                close = suggest(cls, classes, kind="class") if cls is not None else []
                raise row["type"].error(f"{t!r} is not a class of the ontology",
                                        hint=(f"did you mean {' or '.join(close)}? " if close else "") + "e.g. ip4:Event, ip4:State")
            g.add((iri, RDF.type, cls))
        for lang in ("en", "fr", "ja", "ko"):
            cell = row.get(f"label_{lang}")
            if cell is not None and cell.value:
                g.add((iri, RDFS.label, Literal(cell.value, lang=lang)))
        if not row["label_en"].value:
            raise row["label_en"].error("every entity needs an English label")
        if row.get("comment") is not None and row["comment"].value:
            g.add((iri, RDFS.comment, Literal(row["comment"].value, lang="en")))
    return g


def compile_sheet(
    sheet: Path,
    ds: Dataset,
    *,
    entities: Path | None = None,
    sources: Path | None = None,
) -> tuple[Dataset, list[str]]:
    """Compile ``sheet`` against the loaded dataset ``ds`` (for labels and the ontology).

    Returns the compiled dataset (claim graphs, ``ip4g:provenance`` with quote anchors when the
    source text is available, and ``ip4g:entities`` from ``entities``) and a list of warnings.

    Raises:
        SourceError: a cell is invalid (the message names row and column).
    """
    out = Dataset()
    bind_prefixes(out)
    out.bind("oa", OA)
    warnings: list[str] = []
    lookup = Graph()
    for t in ds:
        lookup.add(t[:3])
    if entities is not None:
        eg = read_entities(entities, ds)
        for t in eg:
            out.graph(GRAPH_ENTITIES).add(t)
            lookup.add(t)
    onto = ds.graph(GRAPH_ONTOLOGY)
    prov = out.graph(GRAPH_PROVENANCE)
    claims: dict[URIRef, dict[str, Cell]] = {}
    folder = sources_folder(sources)
    texts: dict[URIRef, list[str] | None] = {}
    for row in read_sheet(sheet, REQUIRED, OPTIONAL):
        src = row["source"]
        try:
            doc = doc_iri(src.value)
        except SourceError as exc:
            raise src.error(exc.message, hint=exc.hint) from exc
        if (doc, RDF.type, IP4.SourceDocument) not in lookup:
            raise src.error(f"{curie(lookup, doc)} is not a registered source document",
                            hint="register it first (ip4graph source add TEXT --id ID ...) and load it with --add")
        para = row["paragraph"]
        if not para.value.isdigit() or int(para.value) < 1:
            raise para.error(f"{para.value!r} is not a paragraph number", hint="a whole number from 1")
        n = int(para.value)
        paragraph = URIRef(f"{doc}-p{n}")
        if (paragraph, IP4.paragraphNumber, None) not in lookup:
            raise para.error(f"{curie(lookup, doc)} has no paragraph {n}",
                             hint="paragraphs are the non-empty lines of the text, counted from 1")
        cid = row["claim"]
        if ":" in cid.value:
            claim = expand_iri(cid.value)
            if claim is None:
                raise cid.error(f"{cid.value!r} is not a CURIE or IRI")
        elif _SLUG.match(cid.value):
            short = str(doc)[len(str(IP4D)):].removeprefix("doc-")
            claim = IP4C[f"{short}-p{n}-{cid.value}"]
        else:
            raise cid.error(f"{cid.value!r} is not a claim id", hint="lower-case letters, digits and hyphens, e.g. members")
        certainty_cell = row["certainty"]
        level = CERTAINTY.get(certainty_cell.value.lower())
        if level is None:
            close = difflib.get_close_matches(certainty_cell.value.lower(), list(CERTAINTY), n=1)
            raise certainty_cell.error(f"{certainty_cell.value!r} is not a certainty",
                                       hint=(f"did you mean {close[0]!r}? " if close else "") + f"one of: {', '.join(CERTAINTY)}")
        quote = row["quote"]
        if len(quote.value) < 8:
            raise quote.error("the quote is empty or too short", hint="copy the words of the text that support the triple")
        first = claims.get(claim)
        if first is None:
            claims[claim] = row
            prov.add((claim, RDF.type, IP4.Claim))
            prov.add((claim, PROV.wasQuotedFrom, doc))
            prov.add((claim, IP4.paragraph, paragraph))
            prov.add((claim, IP4.quote, Literal(quote.value, lang="en")))
            prov.add((claim, IP4.certainty, level))
            if row.get("period") is not None and row["period"].value:
                prov.add((claim, DCTERMS.temporal, Literal(row["period"].value)))
            if doc not in texts:
                path, _ = text_of(lookup, doc, folder)  # type: ignore[arg-type]
                texts[doc] = [t for _, t in read_paragraphs(path)] if path is not None and path.is_file() else None
            paras = texts[doc]
            if paras is None:
                warnings.append(f"{curie(lookup, claim)}: the text of {curie(lookup, doc)} is not available; "
                                "the quote is not anchored (run ip4graph source anchor later)")
            elif n > len(paras) or not add_selectors(prov, claim, paras[n - 1], quote.value):
                raise quote.error(f"the quote is not verbatim in paragraph {n} of {curie(lookup, doc)}",
                                  hint="copy the words exactly, with the same apostrophes and dashes")
        else:
            for key, value in (("source", src.value), ("paragraph", para.value), ("quote", quote.value),
                               ("certainty", certainty_cell.value.lower())):
                before = first[key].value.lower() if key == "certainty" else first[key].value
                if value != before:
                    raise row[key].error(f"claim {cid.value!r} already has {key} {before!r} (row {first[key].line})",
                                         hint="rows of one claim share source, paragraph, quote and certainty; "
                                              "use another claim id for another piece of evidence")
        if row.get("note") is not None and row["note"].value:
            prov.add((claim, IP4.note, Literal(row["note"].value, lang="en")))
        s = resolve(lookup, row["subject"])
        p = resolve_property(onto, row["predicate"])
        dt, lang = row.get("datatype"), row.get("language")
        obj_cell = row["object"]
        if (dt is not None and dt.value) or (lang is not None and lang.value):
            o: URIRef | Literal = _literal(obj_cell, dt if dt is not None and dt.value else None,
                                           lang if lang is not None and lang.value else None)
        elif (p, RDF.type, OWL.DatatypeProperty) in onto:
            raise obj_cell.error(f"{curie(onto, p)} takes a literal: give its datatype or language",
                                 hint="fill the datatype column (xsd:gYear, xsd:date, xsd:string...) or the language column")
        else:
            o = resolve(lookup, obj_cell)
        g = out.graph(claim)
        hedge = row.get("hedge")
        if level == IP4.Stated:
            g.add((s, p, o))
        elif level == IP4.Denied:
            node = BNode()
            g.add((node, RDF.type, OWL.NegativePropertyAssertion))
            g.add((node, OWL.sourceIndividual, s))
            g.add((node, OWL.assertionProperty, p))
            g.add((node, OWL.targetValue if isinstance(o, Literal) else OWL.targetIndividual, o))
        else:
            node = BNode()
            g.add((node, RDF.type, RDF.Statement))
            g.add((node, RDF.subject, s))
            g.add((node, RDF.predicate, p))
            g.add((node, RDF.object, o))
            g.add((node, IP4.certainty, level))
            if hedge is not None and hedge.value:
                g.add((node, IP4.hedge, Literal(hedge.value)))
            else:
                warnings.append(f"row {obj_cell.line}: a {certainty_cell.value.lower()} claim without its hedging "
                                "words (fill the hedge column)")
    if not claims:
        raise SourceError("the sheet has no rows", location=Location(str(sheet)), hint="one row per triple under the header")
    return out, warnings


def template(path: Path, *, source: str = "SOURCE-ID") -> str:
    """The text of an empty claims sheet (CSV or TSV by ``path``'s suffix) with a commented example.

    Raises:
        SourceError: ``path`` is not a .csv or .tsv file.
    """
    p = Path(path)
    if p.suffix.lower() not in (".csv", ".tsv"):
        raise SourceError(f"unknown sheet type {p.suffix!r}", location=Location(str(p)), hint="use a .csv or .tsv file")
    sep = "\t" if p.suffix.lower() == ".tsv" else ","
    columns = [*REQUIRED[:7], "datatype", "language", "certainty", "hedge", "period", "note"]
    example = {"claim": "members", "source": source, "paragraph": "2", "quote": "(copy the words of the text)",
               "subject": "Japan", "predicate": "ip4:memberOf", "object": "ip4d:ip4", "certainty": "stated"}
    buf = io.StringIO()
    buf.write("# one row per triple; certainty: stated, likely, possible, expected, unclear, denied; "
              "see docs/data-authoring.md\n")
    writer = csv.writer(buf, delimiter=sep, lineterminator="\n")
    writer.writerow(columns)
    row = io.StringIO()
    csv.writer(row, delimiter=sep, lineterminator="\n").writerow([example.get(c, "") for c in columns])
    buf.write("# " + row.getvalue())
    return buf.getvalue()


__all__ = ["template", "compile_sheet", "read_sheet", "CERTAINTY", "REQUIRED", "OPTIONAL", "Cell"]
