"""SPARQL 1.1 Protocol: reading operations from HTTP requests, content negotiation, service description.

Nothing here touches sockets; :mod:`ip4graph.server.app` passes in the method, the query
string, the headers and the body, and gets back plain values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from urllib.parse import parse_qsl

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node
from rdflib.util import from_n3

from ..namespaces import bind_prefixes
from .guard import DatasetSpec, Refused

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")


class Wire(str, Enum):
    """Formats the endpoint answers in: results (first four) and graphs (last four)."""

    JSON = "application/sparql-results+json"
    XML = "application/sparql-results+xml"
    CSV = "text/csv"
    TSV = "text/tab-separated-values"
    TURTLE = "text/turtle"
    NTRIPLES = "application/n-triples"
    JSONLD = "application/ld+json"
    RDFXML = "application/rdf+xml"


RESULT_WIRES = (Wire.JSON, Wire.XML, Wire.CSV, Wire.TSV)
GRAPH_WIRES = (Wire.TURTLE, Wire.NTRIPLES, Wire.JSONLD, Wire.RDFXML)

#: Other media types clients send, and what they get.
ALIASES: dict[str, Wire] = {
    "application/json": Wire.JSON,
    "text/json": Wire.JSON,
    "application/sparql-results+xml": Wire.XML,
    "application/xml": Wire.XML,
    "text/xml": Wire.XML,
    "application/x-turtle": Wire.TURTLE,
    "application/turtle": Wire.TURTLE,
    "text/n3": Wire.TURTLE,
    "text/rdf+n3": Wire.TURTLE,
    "text/plain": Wire.NTRIPLES,
    "application/ntriples": Wire.NTRIPLES,
    "application/json+ld": Wire.JSONLD,
    "application/xml+rdf": Wire.RDFXML,
}
#: Values of the non-standard ``format`` / ``output`` parameters (sent by SPARQLWrapper and others).
FORMAT_PARAMS: dict[str, Wire] = {
    "json": Wire.JSON, "xml": Wire.XML, "csv": Wire.CSV, "tsv": Wire.TSV,
    "turtle": Wire.TURTLE, "ttl": Wire.TURTLE, "n3": Wire.TURTLE, "nt": Wire.NTRIPLES,
    "ntriples": Wire.NTRIPLES, "n-triples": Wire.NTRIPLES, "json-ld": Wire.JSONLD,
    "jsonld": Wire.JSONLD, "rdf+xml": Wire.RDFXML, "rdfxml": Wire.RDFXML,
}  # fmt: skip


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, best first (stable for equal q)."""
    if not header:
        return [("*/*", 1.0)]
    out = []
    for i, part in enumerate(header.split(",")):
        items = [x.strip() for x in part.split(";")]
        media = items[0].lower()
        if not media:
            continue
        q = 1.0
        for param in items[1:]:
            if param.lower().startswith("q="):
                try:
                    q = max(0.0, min(1.0, float(param[2:])))
                except ValueError:
                    q = 0.0
        out.append((media, q, i))
    out.sort(key=lambda t: (-t[1], t[2]))
    return [(m, q) for m, q, _ in out]


def negotiate(accept: str | None, offered: tuple[Wire, ...], *, override: str | None = None) -> Wire | None:
    """The first of ``offered`` the client accepts (``offered[0]`` for ``*/*``), or None (406)."""
    if override:
        wire = FORMAT_PARAMS.get(override.strip().lower()) or ALIASES.get(override.strip().lower())
        if wire is None:
            try:
                wire = Wire(override.strip().lower())
            except ValueError:
                wire = None
        if wire in offered:
            return wire
    for media, q in parse_accept(accept):
        if q <= 0:
            continue
        if media in ("*/*", "*"):
            return offered[0]
        if media.endswith("/*"):
            major = media[:-1]
            for w in offered:
                if w.value.startswith(major):
                    return w
            continue
        wire = ALIASES.get(media)
        if wire is None:
            try:
                wire = Wire(media)
            except ValueError:
                continue
        if wire in offered:
            return wire
    return None


def wants_html(accept: str | None) -> bool:
    """Whether a client prefers HTML to any RDF format (a browser)."""
    for media, q in parse_accept(accept):
        if q <= 0:
            continue
        if media in ("text/html", "application/xhtml+xml"):
            return True
        if media in ("*/*", "*") or media in ALIASES or media in {w.value for w in Wire}:
            return False
    return False


@dataclass
class Operation:
    """One SPARQL operation read from a request."""

    query: str | None = None
    update: str | None = None
    dataset: DatasetSpec = field(default_factory=DatasetSpec)
    bindings: dict[str, str] = field(default_factory=dict)
    format: str | None = None

    @property
    def empty(self) -> bool:
        return self.query is None and self.update is None


_FORM = "application/x-www-form-urlencoded"


def _media(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _charset(content_type: str | None) -> str:
    m = re.search(r"charset=([\w.-]+)", content_type or "", re.I)
    return m[1] if m else "utf-8"


def read_operation(method: str, query_string: str, content_type: str | None, body: bytes) -> Operation:
    """Read the operation of a GET or POST request (SPARQL 1.1 Protocol, sections 2.1 and 2.2).

    Raises:
        Refused: (400) the request breaks the protocol; (415) an unsupported body type.
    """
    try:
        params = parse_qsl(query_string, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError:
        raise Refused("the query string is not valid UTF-8", status=400) from None
    media = _media(content_type)
    direct: tuple[str, str] | None = None
    if method == "POST":
        charset = _charset(content_type).lower().replace("_", "-")
        if charset not in ("utf-8", "utf8", "us-ascii", "ascii"):
            raise Refused(f"the request body is declared as {charset}: SPARQL requests are UTF-8 "
                          "(send the text encoded as UTF-8, charset=UTF-8)", status=400)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Refused(f"the request body is not valid UTF-8 (byte {exc.start + 1}): "
                          "SPARQL requests are UTF-8", status=400) from None
        if media == _FORM:
            try:
                params += parse_qsl(text, keep_blank_values=True, errors="strict")
            except UnicodeDecodeError:
                raise Refused("a form field is not valid UTF-8 once percent-decoded: SPARQL requests are UTF-8",
                              status=400) from None
        elif media == "application/sparql-query":
            direct = ("query", text)
        elif media == "application/sparql-update":
            direct = ("update", text)
        elif body:
            raise Refused(
                f"unsupported Content-Type {media or '(none)'!r}: send application/sparql-query, "
                "application/sparql-update or application/x-www-form-urlencoded",
                status=415,
            )
    op = Operation()
    default: list[URIRef] = []
    named: list[URIRef] = []
    seen: dict[str, int] = {}
    for key, value in params:
        seen[key] = seen.get(key, 0) + 1
        if key in ("default-graph-uri", "using-graph-uri"):
            default.append(_iri(value, key))
        elif key in ("named-graph-uri", "using-named-graph-uri"):
            named.append(_iri(value, key))
        elif key.startswith("$") and len(key) > 1:
            op.bindings[key[1:]] = value
        elif key in ("format", "output") and op.format is None:
            op.format = value
    for key in ("query", "update"):
        if seen.get(key, 0) > 1:
            raise Refused(f"the request has {seen[key]} '{key}' parameters; give one", status=400)
    query = next((v for k, v in params if k == "query"), None)
    update = next((v for k, v in params if k == "update"), None)
    if direct is not None:
        if query is not None or update is not None:
            raise Refused(f"the body is a SPARQL {direct[0]}: do not also send a query or update parameter", status=400)
        query, update = (direct[1], None) if direct[0] == "query" else (None, direct[1])
    if method == "GET" and update is not None:
        raise Refused("SPARQL Update must be sent with POST", status=400)
    if query is not None and update is not None:
        raise Refused("give a query or an update, not both", status=400)
    op.query, op.update = query, update
    op.dataset = DatasetSpec(tuple(default), tuple(named))
    return op


def _iri(value: str, param: str) -> URIRef:
    value = value.strip()
    if not value or re.search(r"[\s<>\"{}|\\^`]", value) or ":" not in value:
        raise Refused(f"{param} must be an absolute IRI, not {value!r}", status=400)
    return URIRef(value)


def parse_binding(name: str, value: str, nsm: object) -> Node:
    """A ``$name=value`` protocol binding: an N-Triples/Turtle term (``<iri>``, ``ip4d:japan``, ``"x"@en``, ``5``)."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise Refused(f"${name} is not a variable name", status=400)
    text = value.strip()
    try:
        if re.fullmatch(r"-?\d+", text):
            return Literal(int(text), datatype=XSD.integer)
        term = from_n3(text, nsm=nsm)  # type: ignore[arg-type]
    except Exception as exc:
        raise Refused(f"${name}: cannot read {value!r} as an RDF term ({exc})", status=400) from None
    if not isinstance(term, (URIRef, Literal)) or (isinstance(term, URIRef) and ":" not in str(term)):
        raise Refused(f"${name}: {value!r} is not an IRI (<...> or prefix:name) or a literal", status=400)
    return term


ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
OWL_PROFILE = Namespace("http://www.w3.org/ns/owl-profile/")
#: Reasoning value -> (entailment regime, profile): the closure is materialised in ``ip4g:inferred``.
REGIMES: dict[str, tuple[URIRef, URIRef | None]] = {
    "owlrl": (ENTAILMENT["OWL-RDF-Based"], OWL_PROFILE.RL),
    "rdfs": (ENTAILMENT.RDFS, None),
    "none": (ENTAILMENT.Simple, None),
}


def service_description(endpoint: str, *, update: bool, federation: bool, named_graphs: list[Node],
                        triples: int, reasoning: str = "none", graph_sizes: dict[Node, int] | None = None,
                        dataset: URIRef | None = None) -> Graph:
    """The SPARQL 1.1 Service Description of the endpoint.

    It says which entailment regime answers reflect (OWL 2 RL: ``ent:OWL-RDF-Based`` with
    the RL profile, as a materialised closure in the graph ``ip4g:inferred``) and how the
    graphs are laid out: the default graph is the union of the named graphs, each named
    graph listed with its size.
    """
    g = Graph()
    bind_prefixes(g)
    g.bind("sd", SD)
    g.bind("formats", FORMATS_NS)
    g.bind("void", VOID)
    svc = BNode("service")
    g.add((svc, RDF.type, SD.Service))
    g.add((svc, SD.endpoint, URIRef(endpoint)))
    g.add((svc, SD.supportedLanguage, SD.SPARQL11Query))
    if update:
        g.add((svc, SD.supportedLanguage, SD.SPARQL11Update))
    g.add((svc, SD.feature, SD.UnionDefaultGraph))
    if federation:  # SERVICE is refused unless the server was started with --allow-service
        g.add((svc, SD.feature, SD.BasicFederatedQuery))
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        g.add((svc, SD.resultFormat, FORMATS_NS[fmt]))
    ds = BNode("dataset")
    g.add((svc, SD.defaultDataset, ds))
    g.add((ds, RDF.type, SD.Dataset))
    dg = BNode("default-graph")
    g.add((ds, SD.defaultGraph, dg))
    g.add((dg, RDF.type, SD.Graph))
    g.add((dg, VOID.triples, Literal(triples)))
    g.add((dg, RDFS.comment, Literal("The default graph is the union of all the named graphs (asserted claims, "
                                     "entities, links, ontology, and the inferred closure).", lang="en")))
    if dataset is not None:
        g.add((ds, RDFS.seeAlso, dataset))
    regime, profile = REGIMES.get(reasoning, REGIMES["none"])
    g.add((svc, SD.defaultEntailmentRegime, regime))
    if profile is not None:
        g.add((svc, SD.supportedEntailmentProfile, profile))
    g.bind("ent", ENTAILMENT)
    sizes = graph_sizes or {}
    for name in named_graphs:
        if isinstance(name, URIRef):
            ng = BNode()
            g.add((ds, SD.namedGraph, ng))
            g.add((ng, RDF.type, SD.NamedGraph))
            g.add((ng, SD.name, name))
            if name in sizes:
                gr = BNode()
                g.add((ng, SD.graph, gr))
                g.add((gr, RDF.type, SD.Graph))
                g.add((gr, VOID.triples, Literal(sizes[name])))
            if str(name).endswith("/graph/inferred"):
                g.add((ng, SD.entailmentRegime, regime))
    return g


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", '"': '\\"'})
_ABBREVIATED = {
    str(XSD.integer): re.compile(r"[+-]?\d+"),
    str(XSD.decimal): re.compile(r"[+-]?\d*\.\d+"),
    str(XSD.double): re.compile(r"[+-]?(?:\d+\.\d*|\.\d+|\d+)[eE][+-]?\d+"),
    str(XSD.boolean): re.compile(r"true|false"),
}


def tsv_term(term: Node | None) -> str:
    """One RDF term as a SPARQL 1.1 TSV field: Turtle syntax on one line (no triple quotes)."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        lexical = str(term)
        dt = str(term.datatype) if term.datatype else None
        if dt in _ABBREVIATED and _ABBREVIATED[dt].fullmatch(lexical):
            return lexical
        text = '"' + lexical.translate(_TSV_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if dt and dt != str(XSD.string):
            return f"{text}^^<{dt}>"
        return text
    return str(term)


def results_tsv(variables: list[str], rows: list[list[Node | None]]) -> str:
    """SPARQL 1.1 Query Results TSV: a header of ``?var`` names, then one line per solution."""
    out = ["\t".join("?" + v for v in variables)]
    for row in rows:
        out.append("\t".join(tsv_term(t) for t in row))
    return "\n".join(out) + "\n"


def _csv_field(term: Node | None) -> str:
    if term is None:
        return ""
    text = f"_:{term}" if isinstance(term, BNode) else str(term)  # IRIs and literals: their lexical form
    if any(c in text for c in ',"\r\n'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def results_csv(variables: list[str], rows: list[list[Node | None]]) -> str:
    """SPARQL 1.1 Query Results CSV: the lexical forms as they are (``"1.0E6"`` stays ``1.0E6``), CRLF lines."""
    out = [",".join(variables)]
    for row in rows:
        out.append(",".join(_csv_field(t) for t in row))
    return "\r\n".join(out) + "\r\n"
