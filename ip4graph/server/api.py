"""The endpoint's JSON API for the editor page: completion of labels and terms, and running queries
with labels and citations.

Routes (all read-only, run in a worker process under the same limits as the pages)::

    GET  /api/complete?q=TEXT&kind=entity|term|any&lang=en&limit=20
    GET  /api/labels?iri=IRI&iri=IRI...&lang=en
    GET  /api/params?name=NAME
    GET  /api/run?name=NAME&PARAM=VALUE...&labels=1&cite=1&lang=en&format=json|csv|tsv
    POST /api/run   (form fields: query=SPARQL, $VAR=TERM..., labels, cite, lang, format)

``/api/complete`` matches ``TEXT`` against the labels (``rdfs:label``, ``skos:prefLabel``,
``skos:altLabel``, in every language) and the local names of ``ip4d:`` entities
(``kind=entity``) or of the ontology's ``ip4:`` classes and properties (``kind=term``);
``ip4d:jap`` and ``ip4:mem`` choose the kind by their prefix. It answers a JSON list of
``{iri, curie, label, lang, matched, type}``, best matches first (the whole label, then its
start, then the start of a word, then anywhere).

``/api/run`` runs a named query of the catalog with its parameters given as ``PARAM=VALUE``
(converted by the parameter's declared type and *bound*, never pasted into the query text;
missing ones take their default), or ad-hoc SPARQL (``query=``, with ``$VAR=TERM`` bindings
as at ``/sparql``). ``labels=1`` adds a ``?xLabel`` column after each column ``?x`` holding
IRIs (in ``lang``: en, fr, ja or ko); ``cite=1`` adds the claims supporting each row
(:meth:`ip4graph.results.QueryResult.cite`). ``format=json`` (the default) is the SPARQL 1.1
JSON results format with one more member, ``ip4graph``: the query name, the bound parameters
with their labels, which column labels which, the citations of each row as objects, and
whether the answer was cut at the row limit. ``format=csv|tsv`` is the SPARQL CSV/TSV of the
same table (labels and citation columns included) as a download. A CONSTRUCT or DESCRIBE
query answers ``{"graph": TURTLE, "triples": N, "ip4graph": ...}``, or Turtle with ``format=ttl``.

Status codes: 400 a bad parameter (the message names it), a malformed or over-limit query;
404 an unknown named query or API route; 403 a refused
operation (SERVICE to a host not allowed).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from ..catalog import View, load_catalog
from ..errors import Ip4GraphError, ParameterError, QueryError
from ..namespaces import IP4, IP4D
from ..results import QueryResult, json_term
from ..terms import curie, label, normalise
from . import guard
from .protocol import parse_binding, results_csv, results_tsv

if TYPE_CHECKING:
    from .app import Endpoint, Response

#: Languages of labels the API answers in.
LANGUAGES = ("en", "fr", "ja", "ko")
#: Request fields of /api/run that are not query parameters.
RESERVED = frozenset({"name", "query", "labels", "cite", "lang", "format"})
MAX_TEXT = 200
_LABEL_PREDICATES = (SKOS.prefLabel, RDFS.label, SKOS.altLabel)
_PROPERTY_TYPES = frozenset({RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                             OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty})
_CLASS_TYPES = frozenset({OWL.Class, RDFS.Class})


@dataclass(frozen=True)
class _Entry:
    iri: URIRef
    kind: str  # "entity" or "term"
    names: tuple[tuple[str, str, str], ...]  # (normalised, as written, language)
    type: str


def _flag(value: str | None, name: str) -> bool:
    if value is None or value == "":
        return False
    low = value.lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise ParameterError(f"{name} must be 1 or 0, not {value!r}")


def _lang(value: str | None) -> str:
    lang = (value or "en").lower()
    if lang not in LANGUAGES:
        raise ParameterError(f"lang must be one of {', '.join(LANGUAGES)}, not {value!r}")
    return lang


class Api:
    """The ``/api/*`` routes over an :class:`~.app.Endpoint` (one per worker; indexes built on first use)."""

    def __init__(self, endpoint: "Endpoint") -> None:
        self.endpoint = endpoint
        self._lock = threading.Lock()
        self._entries: list[_Entry] | None = None
        self._citations: Any = None

    def invalidate(self) -> None:
        with self._lock:
            self._entries = None
            self._citations = None

    # ------------------------------------------------------------------ routing
    def route(self, path: str, params: tuple[tuple[str, str], ...], *, base: str) -> "Response":
        from .app import Response

        fields: dict[str, str] = {}
        for key, value in params:
            if key in fields and key != "iri":
                return _json_error(400, f"the request gives {key!r} more than once")
            fields.setdefault(key, value)
        try:
            if path == "/api/complete":
                return self.complete(fields)
            if path == "/api/labels":
                return self.labels([v for k, v in params if k == "iri"], fields.get("lang"))
            if path == "/api/params":
                return self.params(fields)
            if path == "/api/run":
                return self.run(fields, base=base)
        except guard.Refused as exc:
            return _json_error(exc.status, exc.message)
        except Ip4GraphError as exc:
            status = 404 if isinstance(exc, QueryError) and exc.message.startswith("no named query") else 400
            return _json_error(status, str(exc))
        return Response(404, json.dumps({"error": f"no API route {path}"}).encode(), "application/json")

    # ------------------------------------------------------------------ completion
    def entries(self) -> list[_Entry]:
        with self._lock:
            if self._entries is None:
                self._entries = self._build_entries()
            return self._entries

    def _build_entries(self) -> list[_Entry]:
        ds = self.endpoint.dataset()
        asserted = self.endpoint.kg.asserted  # the types given, not those inferred (State, not Actor)
        names: dict[URIRef, list[tuple[str, str, str]]] = {}
        for p in _LABEL_PREDICATES:
            for s, o in ds.subject_objects(p):
                if isinstance(s, URIRef) and isinstance(o, Literal):
                    names.setdefault(s, []).append((normalise(str(o)), str(o), o.language or ""))
        ours: set[URIRef] = set(names)
        for s, p, o in ds.triples((None, None, None)):
            for t in (s, p, o):
                if isinstance(t, URIRef) and str(t).startswith((str(IP4), str(IP4D))):
                    ours.add(t)
        out = []
        for iri in ours:
            text = str(iri)
            if text.startswith(str(IP4D)):
                kind, local = "entity", text[len(str(IP4D)):]
                types = sorted(t for t in asserted.objects(iri, RDF.type) if isinstance(t, URIRef) and str(t).startswith(str(IP4))) \
                    or sorted(t for t in ds.objects(iri, RDF.type) if isinstance(t, URIRef) and str(t).startswith(str(IP4)))
                kind_label = label(ds, types[0]) if types else ""
            elif text.startswith(str(IP4)):
                kind, local = "term", text[len(str(IP4)):]
                types = set(ds.objects(iri, RDF.type))
                if types & _CLASS_TYPES:
                    kind_label = "class"
                elif types & _PROPERTY_TYPES or (None, iri, None) in ds:
                    kind_label = "property"
                else:
                    kind_label = "individual"
            else:
                continue
            if not local:
                continue
            all_names = tuple(names.get(iri, ())) + ((normalise(local.replace("-", " ")), local, ""),)
            out.append(_Entry(iri, kind, all_names, kind_label))
        out.sort(key=lambda e: str(e.iri))
        return out

    def complete(self, fields: dict[str, str]) -> "Response":
        text = fields.get("q", "")
        if len(text) > MAX_TEXT:
            raise ParameterError(f"q is longer than {MAX_TEXT} characters")
        kind = fields.get("kind", "entity")
        if kind not in ("entity", "term", "any"):
            raise ParameterError(f"kind must be entity, term or any, not {kind!r}")
        lang = _lang(fields.get("lang"))
        try:
            limit = int(fields.get("limit", "20"))
        except ValueError:
            raise ParameterError(f"limit must be a whole number, not {fields.get('limit')!r}") from None
        if not 1 <= limit <= 100:
            raise ParameterError("limit must be between 1 and 100")
        stripped = text.strip()
        for prefix, which in (("ip4d:", "entity"), ("ip4:", "term")):
            if stripped.startswith(prefix):
                stripped, kind = stripped[len(prefix):], which
                break
        needle = normalise(stripped.replace("-", " ")) if stripped else ""
        ds = self.endpoint.dataset()
        scored = []
        for e in self.entries():
            if kind != "any" and e.kind != kind:
                continue
            best: tuple[int, int, str, str] | None = None
            for norm, written, wlang in e.names:
                rank = _rank(norm, needle)
                if rank is None:
                    continue
                key = (rank, 0 if wlang == lang else 1, written, wlang)
                if best is None or key < best:
                    best = key
            if best is not None:
                scored.append((best[0], best[1], len(best[2]), str(e.iri), e, best[2], best[3]))
        scored.sort(key=lambda t: t[:4])
        out = [{"iri": str(e.iri), "curie": curie(ds, e.iri), "label": label(ds, e.iri, lang=lang),
                "lang": wlang, "matched": written, "type": e.type}
               for *_, e, written, wlang in scored[:limit]]
        return _json(out)

    def labels(self, iris: list[str], lang: str | None) -> "Response":
        language = _lang(lang)
        if len(iris) > 500:
            raise ParameterError("at most 500 iri parameters at once")
        ds = self.endpoint.dataset()
        out = {}
        for iri in iris:
            if iri.startswith(("http://", "https://")) and not any(c in iri for c in ' <>"{}|\\^`'):
                out[iri] = label(ds, URIRef(iri), lang=language)
        return _json(out)

    def params(self, fields: dict[str, str]) -> "Response":
        """The named queries and their typed parameters (the forms of the editor page)."""
        name = fields.get("name")
        queries = [load_catalog().get(name)] if name else list(load_catalog())
        return _json([query_form(nq, self.endpoint.graph.asserted) for nq in queries])

    # ------------------------------------------------------------------ running
    def citation_index(self) -> Any:
        from ..cite import CitationIndex

        with self._lock:
            if self._citations is None:
                self._citations = CitationIndex.build(self.endpoint.kg.asserted)
            return self._citations

    def run(self, fields: dict[str, str], *, base: str) -> "Response":
        from .app import Response

        fmt = fields.get("format", "json")
        if fmt not in ("json", "csv", "tsv", "ttl"):
            raise ParameterError(f"format must be json, csv or tsv (ttl for a graph), not {fmt!r}")
        want_labels = _flag(fields.get("labels", "1"), "labels")
        want_cite = _flag(fields.get("cite"), "cite")
        lang = _lang(fields.get("lang"))
        name = fields.get("name")
        text = fields.get("query")
        kg = self.endpoint.kg
        if bool(name) == bool(text):
            raise ParameterError("give either name=NAMED-QUERY or query=SPARQL")
        if name:
            nq = load_catalog().get(name)
            given = {k: v for k, v in fields.items() if k not in RESERVED}
            for key in given:
                if key.startswith("$"):
                    raise ParameterError(f"parameter {key}: a named query takes its parameters as NAME=VALUE",
                                         hint=f"write {key[1:]}=VALUE")
            bindings: dict[str, Node] = nq.bindings(kg.index, given)
            text, view, source = nq.text, nq.view, nq.name
        else:
            assert text is not None
            bindings = {}
            for key, value in fields.items():
                if key in RESERVED:
                    continue
                if not key.startswith("$"):
                    raise ParameterError(f"parameter {key!r}: bind a variable of ad-hoc SPARQL with ${key}=TERM")
                try:
                    term = parse_binding(key[1:], value, kg.asserted.namespace_manager)
                except guard.Refused as exc:
                    raise ParameterError(exc.message) from None
                if isinstance(term, URIRef) and any(c in str(term) for c in ' <>"{}|\\^`'):
                    raise ParameterError(f"{key}: {value!r} is not a valid IRI")
                bindings[key[1:]] = term
            view, source = View.ALL, "query"
        note = None
        if name and "SERVICE" in text.upper():
            from .. import federation

            if federation.needs_offline(text):  # the server asks no live endpoint for a named query
                from .app import _truncate

                offline = federation.run_offline(kg, name, params=given, view=view, timeout=None)
                result = offline.result  # type: ignore[assignment]
                truncated = _truncate(result, self.endpoint.config.max_rows)
                when = f", fetched {offline.fetched}" if offline.fetched else ""
                note = (f"answered from the offline cache ({offline.facts} Wikidata facts{when}), not from a live "
                        "endpoint; ip4graph enrich --endpoint URL refreshes it")
        if note is None:
            result, truncated = self._execute(text, bindings, view, base=base)
        if result.graph is not None:
            if fmt not in ("json", "ttl"):
                raise ParameterError(f"a {result.kind} query answers a graph: ask for format=json or ttl, not {fmt!r}")
            from ..results import OutputFormat

            turtle = result.serialize(OutputFormat.TURTLE)
            if fmt == "ttl":
                return Response(200, turtle.encode("utf-8"), "text/turtle; charset=utf-8",
                                {"Content-Disposition": f'attachment; filename="{name or source}.ttl"',
                                 **({TRUNCATED: "true"} if truncated else {})})
            return _json({"head": {}, "graph": turtle, "triples": len(result.graph),
                          "ip4graph": {"name": name, "params": self._params_out(bindings, lang), "truncated": truncated}})
        if result.boolean is not None:
            if fmt != "json":
                raise ParameterError("an ASK query answers yes or no: ask for format=json")
            return _json({"head": {}, "boolean": result.boolean,
                          "ip4graph": {"name": name, "params": self._params_out(bindings, lang)}})
        if fmt == "ttl":
            raise ParameterError("format=ttl is for CONSTRUCT and DESCRIBE queries: a table is json, csv or tsv")
        if want_cite:
            result = result.cite(kg.asserted, query=text, bindings=bindings, index=self.citation_index())
        citations = result.citations
        if want_labels:
            result = result.with_labels(lang=lang)
        headers = {TRUNCATED: "true"} if truncated else {}
        if fmt in ("csv", "tsv"):
            body = (results_csv if fmt == "csv" else results_tsv)(list(result.vars), [list(r) for r in result.rows])
            headers["Content-Disposition"] = f'attachment; filename="{name or source}.{fmt}"'
            ctype = "text/csv; charset=utf-8" if fmt == "csv" else "text/tab-separated-values; charset=utf-8"
            return Response(200, body.encode("utf-8"), ctype, headers)
        label_of = {v[:-5]: v for v in result.vars if v.endswith("Label") and v[:-5] in result.vars}
        data = {
            "head": {"vars": list(result.vars)},
            "results": {"bindings": [{k: json_term(v) for k, v in zip(result.vars, r) if v is not None}
                                     for r in result.rows]},
            "ip4graph": {
                "name": name,
                "params": self._params_out(bindings, lang),
                "labels": label_of,
                "citations": [[c.to_dict() for c in row] for row in citations] if citations is not None else None,
                "truncated": truncated,
                "lang": lang,
                "note": note,
            },
        }
        resp = _json(data)
        resp.headers.update(headers)
        return resp

    def _params_out(self, bindings: dict[str, Node], lang: str) -> dict[str, dict[str, str]]:
        ds = self.endpoint.dataset()
        return {k: {"value": str(v), "label": label(ds, v, lang=lang)} for k, v in bindings.items()}

    def _execute(self, text: str, bindings: dict[str, Node], view: View, *, base: str) -> tuple[QueryResult, bool]:
        graph = self.endpoint.graph
        cfg = self.endpoint.config
        prepared = graph.prepare_query(text, base=base + "/sparql")
        algebra = prepared.algebra
        spec = guard.check_query(algebra, allowed_services=cfg.allow_service)
        cap = cfg.max_rows
        if algebra.name == "ConstructQuery" and not algebra.get("template"):
            algebra["template"] = algebra["p"]["p"]["triples"]  # CONSTRUCT WHERE (as at /sparql)
        if algebra.name != "AskQuery" and algebra.get("p") is not None:
            algebra["p"] = CompValue("Slice", p=algebra["p"], start=0, length=cap + 1)
        dataset = graph.select(spec) if spec else self.endpoint.kg.view(view)
        with guard.guarded():
            result = graph.run(dataset, prepared, bindings=bindings)
        from .app import _truncate

        return result, _truncate(result, cap)


TRUNCATED = "X-Ip4graph-Truncated"


def _rank(name: str, needle: str) -> int | None:
    """0 the whole name, 1 its start, 2 the start of a word, 3 anywhere; None: no match."""
    if not needle:
        return 3
    if name == needle:
        return 0
    if name.startswith(needle):
        return 1
    if f" {needle}" in name:
        return 2
    if needle in name:
        return 3
    return None


def query_form(nq: Any, graph: Any) -> dict[str, Any]:
    """A named query as the editor's form: its name, title, question and typed parameters with defaults."""
    params = []
    for p in nq.params:
        default_label = None
        if p.default is not None and p.type.value == "entity":
            try:
                default_label = label(graph, p.convert(p.default, graph))
            except Ip4GraphError:
                default_label = None
        params.append({"name": p.name, "type": p.type.value, "default": p.default, "required": p.required,
                       "description": p.description, "defaultLabel": default_label})
    return {"name": nq.name, "title": nq.title, "question": nq.question, "kind": nq.kind, "params": params}


def _json(data: object) -> "Response":
    from .app import Response

    return Response(200, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")


def _json_error(status: int, message: str) -> "Response":
    from .app import Response

    return Response(status, json.dumps({"error": message}, ensure_ascii=False).encode("utf-8"),
                    "application/json; charset=utf-8")


__all__ = ["LANGUAGES", "Api", "query_form"]
