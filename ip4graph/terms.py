"""Turning what people type into RDF terms, and RDF terms into what people read.

Entities may be given as a full IRI (``https://…`` or ``<https://…>``), a CURIE with
one of the predeclared prefixes (``ip4d:japan``) or a label in any language
(``Japan``, ``japon``, ``日本``), matched case-insensitively against ``rdfs:label``,
``skos:prefLabel`` and ``skos:altLabel``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from .errors import EntityNotFound, ParameterError
from .namespaces import IP4D, PREFIXES

_CURIE = re.compile(r"^([A-Za-z][\w.-]*):([^\s/][^\s]*)?$")



def normalise(text: str) -> str:
    """Case- and width-insensitive form of a label (NFKC, lower case, single spaces)."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


_BAD_IRI_CHARS = set(' <>"{}|^`\\')


def expand_iri(text: str) -> URIRef | None:
    """``<iri>``, an absolute IRI or a CURIE with a predeclared prefix → URIRef; anything else → None.

    Raises:
        ParameterError: the text is bracketed like an IRI but is not a valid absolute IRI.
    """
    t = text.strip()
    bracketed = t.startswith("<") and t.endswith(">")
    if bracketed:
        t = t[1:-1]
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", t) or t.startswith("urn:"):
        if _BAD_IRI_CHARS & set(t):
            raise ParameterError(f"{text!r} is not a valid IRI", hint='an IRI has no spaces or <>"{}|^`\\ characters')
        return URIRef(t)
    if bracketed:
        raise ParameterError(f"{text!r} is not an absolute IRI", hint="write the whole IRI, e.g. <https://w3id.org/ip4graph/id/japan>")
    m = _CURIE.match(t)
    if m and m[1] in PREFIXES and not (_BAD_IRI_CHARS & set(m[2] or "")):
        return URIRef(str(PREFIXES[m[1]]) + (m[2] or ""))
    return None


def resolve_entity(graph: Graph | None, text: str, *,
                   exists: Callable[[URIRef], bool] | None = None,
                   find: Callable[[str], list[URIRef]] | None = None) -> URIRef:
    """The entity ``text`` names: an IRI, a CURIE, or a label (any language).

    Looked up in ``graph``, or through ``exists`` (is this IRI used?) and ``find``
    (the IRIs whose label, lower-cased, equals a normalised text) when a store answers.

    Raises:
        EntityNotFound: nothing matches, or a label matches several entities.
    """
    if exists is None:
        assert graph is not None
        exists = lambda iri: (iri, None, None) in graph or (None, None, iri) in graph  # noqa: E731
    if find is None:
        assert graph is not None
        find = lambda needle: sorted(label_map(graph).get(needle, ()))  # noqa: E731
    if not text.strip():
        raise EntityNotFound("an empty string names no entity", hint="give a label, a CURIE or an IRI")
    iri = expand_iri(text)
    if iri is not None:
        if not exists(iri):
            raise EntityNotFound(
                f"{text!r} is not in the graph",
                hint="check the spelling, or give a label such as \"Japan\"",
            )
        return iri
    found = find(normalise(text))
    if not found:
        guess = IP4D[text.strip()]
        if re.fullmatch(r"[\w.-]+", text.strip()) and exists(guess):
            return guess  # a bare ip4d: local name, e.g. "south-korea"
        raise EntityNotFound(
            f"no entity is labelled {text!r}",
            hint="give an IRI or CURIE (ip4d:japan), or a label such as \"Japan\", \"japon\" or \"日本\"; "
                 "`ip4graph query entities` lists them",
        )
    ours = [e for e in found if str(e).startswith(str(IP4D))]
    candidates = ours or found
    if len(candidates) > 1:
        names = ", ".join(sorted(curie(graph, c) for c in candidates)[:8])
        raise EntityNotFound(f"{text!r} matches several entities: {names}", hint="give the CURIE of the one you mean")
    return URIRef(candidates[0])


def label_map(graph: Graph) -> dict[str, set[URIRef]]:
    """Lower-cased label -> the IRIs it labels (``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel``).

    Built once per graph (and again when the graph's size changes): resolving a label is a
    dictionary lookup, not a SPARQL query.
    """
    size = len(graph)
    cached = getattr(graph, "_ip4graph_label_map", None)
    if cached is not None and cached[0] == size:
        return cached[1]
    out: dict[str, set[URIRef]] = {}
    for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel):
        for e, value in graph.subject_objects(p):
            if isinstance(e, URIRef) and isinstance(value, Literal):
                out.setdefault(str(value).lower(), set()).add(e)
    try:
        graph._ip4graph_label_map = (size, out)  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover - a graph class with __slots__
        pass
    return out


def curie(graph: Graph | None, term: URIRef) -> str:
    """Short form (``ip4d:japan``) of an IRI, or ``<iri>`` when no prefix fits."""
    for prefix, ns in PREFIXES.items():
        if str(term).startswith(str(ns)):
            local = str(term)[len(str(ns)):]
            if re.fullmatch(r"[\w.-]*", local) and not local.endswith("."):
                return f"{prefix}:{local}"
    return f"<{term}>"


def label(graph: Graph, term: object, *, lang: str = "en") -> str:
    """A readable name for a term: its label in ``lang`` (then English, then any), else its CURIE."""
    if isinstance(term, Literal):
        return str(term)
    if isinstance(term, BNode):
        return "[blank node]"
    if not isinstance(term, URIRef):
        return "" if term is None else str(term)
    best: dict[str, str] = {}
    for p in (SKOS.prefLabel, RDFS.label):
        for value in graph.objects(term, p):
            if isinstance(value, Literal):
                best.setdefault(value.language or "", str(value))
        if best:
            break
    for key in (lang, "en", ""):
        if key in best:
            return best[key]
    if best:
        return next(iter(best.values()))
    return curie(graph, term)


def labels_for(graph: Graph, terms: Iterable[object], *, lang: str = "en") -> dict[object, str]:
    """Labels for many terms at once."""
    return {t: label(graph, t, lang=lang) for t in set(terms)}
