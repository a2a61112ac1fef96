"""The facade analysts use: a loaded, reasoned knowledge graph that answers queries.

>>> from ip4graph.kg import KnowledgeGraph
>>> kg = KnowledgeGraph.open()
>>> sorted(r.member for r in kg.query("ip4-members"))[:1]   # doctest: +ELLIPSIS
[rdflib.term.URIRef('https://w3id.org/ip4graph/id/australia')]
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from typing import TYPE_CHECKING

from rdflib import Dataset, Graph
from rdflib.term import Node

from .catalog import Catalog, NamedQuery, View, load_catalog
from .errors import Location, QueryError
from .loader import PathLikeStr, load, new_dataset
from .namespaces import GRAPH_INFERRED, PREFIXES
from .reasoning import Reasoning, cached_inferences, compute_inferences, reasoning_input
from .results import QueryResult, Row
from .timeouts import run_with_timeout

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query
    from .progress import Progress

DEFAULT_TIMEOUT = 30.0

#: rdflib's SPARQL parser (pyparsing) is not thread-safe: every parse in the package
#: (queries and updates) takes this lock. Evaluation runs outside it.
SPARQL_PARSE_LOCK = threading.RLock()


def _oxigraph_position(text: str) -> tuple[int, int, str] | None:
    """Ask Oxigraph's parser (precise positions) where a query is malformed: (line, column, expected)."""
    try:
        import pyoxigraph
    except ImportError:  # pragma: no cover - pyoxigraph is a dependency
        return None
    try:
        pyoxigraph.Store().query(text, prefixes={k: str(v) for k, v in PREFIXES.items()})
    except SyntaxError as exc:
        m = re.match(r"error at (\d+):(\d+): (.*)", str(exc.msg or exc), re.S)
        if not m:
            return None
        expected = re.sub(r"\[[^\]]*\]", "", m[3].replace("\n", " "))
        expected = re.sub(r"(,\s*)+", ", ", expected).strip(" ,")
        return int(m[1]), int(m[2]), expected
    except Exception:
        return None
    return None


#: Limits checked by a linear scan before any parser sees a query (the library's, laxer than the
#: public endpoint's): both engines' parsers recurse, and a few thousand nested braces crash them.
LOCAL_LIMITS = {"max_bytes": 1_000_000, "max_depth": 64, "max_patterns": 2_000}


def check_query_text(text: str, *, source: str = "<query>") -> None:
    """Refuse a query that is too large or too deeply nested to hand to a parser (QueryLimitError)."""
    from .sparqllimits import check_limits

    check_limits(text, source=source, **LOCAL_LIMITS)


def prepare(text: str, *, source: str = "<query>") -> "Query":
    """Parse SPARQL with the predeclared prefixes; a syntax error names the line, column and text."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    check_query_text(text, source=source)

    try:
        with SPARQL_PARSE_LOCK:
            return prepareQuery(text, initNs=PREFIXES)
    except ParseException as exc:
        line, col, message = exc.lineno, exc.col, f"SPARQL syntax error: {exc.msg}"
        precise = _oxigraph_position(text)
        if precise is not None:
            line, col, expected = precise
            message = f"SPARQL syntax error: {expected}" if expected else message
        lines = text.splitlines()
        excerpt = None
        if 0 < line <= len(lines):
            excerpt = f"  {lines[line - 1]}\n  {' ' * (col - 1)}^"
        raise QueryError(
            message,
            location=Location(source, line, col),
            excerpt=excerpt,
            hint="fix the query at that position (the usual prefixes ip4:, ip4d:, rdfs:, skos:, prov: ... are predeclared)",
        ) from exc
    except Exception as exc:  # rdflib raises assorted errors for semantic problems (unknown prefix, ...)
        precise = _oxigraph_position(text)
        line, col = (precise[0], precise[1]) if precise else (None, None)
        raise QueryError(f"cannot prepare the query: {exc}", location=Location(source, line, col),
                         hint="check prefixes and variable names") from exc


def execute(
    dataset: Dataset | Graph,
    query: "str | Query",
    *,
    bindings: Mapping[str, Node] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    source: str = "<query>",
) -> QueryResult:
    """Run SPARQL on ``dataset`` with ``bindings`` as initial bindings, within ``timeout`` seconds."""
    prepared = prepare(query, source=source) if isinstance(query, str) else query
    init = dict(bindings or {})

    def run() -> QueryResult:
        res = dataset.query(prepared, initBindings=init)
        if res.type == "ASK":
            return QueryResult("ASK", boolean=bool(res.askAnswer), labels_from=dataset)
        if res.type in ("CONSTRUCT", "DESCRIBE"):
            g = Graph()
            for t in res.graph:  # type: ignore[union-attr]
                g.add(t)
            return QueryResult(res.type, graph=g, labels_from=dataset)
        names = tuple(str(v) for v in res.vars or [])
        rows = [Row([b.get(v) for v in (res.vars or [])], names) for b in res.bindings]
        return QueryResult("SELECT", vars=list(names), rows=rows, labels_from=dataset)

    try:
        return run_with_timeout(run, timeout=timeout, what=f"query {source}")
    except QueryError:
        raise
    except Exception as exc:
        raise QueryError(f"the query failed while running: {type(exc).__name__}: {exc}",
                         location=Location(source)) from exc


class KnowledgeGraph:
    """Asserted dataset + inferred graph in one backend, with the catalog of named queries.

    The backend is chosen by name (:mod:`ip4graph.backends`): ``oxigraph`` (the default:
    the compiled store under ``build/store``, see :mod:`ip4graph.store`), ``memory`` (rdflib,
    the reference engine) or ``sparql`` (a remote store filled by ``ip4graph load``).
    Every command goes through :meth:`query`; the commands that need rdflib objects
    (``why``, ``viz``, ``stats``, ``export`` ...) read :attr:`asserted` and :attr:`inferred`,
    which other backends materialise from their store on first use, so every command
    gives the same answers on every backend. Reasoning never changes the asserted graphs.
    """

    def __init__(self, asserted: Dataset | None = None, inferred: Graph | None = None, *,
                 reasoning: Reasoning = Reasoning.OWLRL, catalog: Catalog | None = None,
                 backend: object | None = None) -> None:
        if backend is None:
            from .backends.memory import MemoryBackend

            backend = MemoryBackend(asserted, inferred)
        self.backend = backend
        self.reasoning = reasoning
        self._catalog = catalog
        self._asserted: Dataset | None = None
        self._inferred: Graph | None = None
        self._index: StoreLookup | None = None
        self._mem: object | None = None
        self._lock = threading.Lock()

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = load_catalog()
        return self._catalog

    @classmethod
    def open(
        cls,
        paths: Iterable[PathLikeStr] | None = None,
        *,
        ontology: PathLikeStr | bool = True,
        reasoning: Reasoning = Reasoning.OWLRL,
        cache: bool = True,
        cache_dir: Path | None = None,
        reasoner: str = "owlrl",
        backend: str | None = None,
        store: PathLikeStr | None = None,
        progress: "Progress | None" = None,
        **options: object,
    ) -> "KnowledgeGraph":
        """Open the knowledge graph of ``paths`` (the shipped data by default) on a backend.

        ``backend`` (default ``$IP4GRAPH_BACKEND``, else ``oxigraph``): ``oxigraph`` opens
        the compiled store of these inputs (building it when missing or stale) or, with
        ``store``, a store filled by ``ip4graph load``; ``memory`` parses and reasons here
        (closure cached under build/cache); ``sparql`` queries ``options["endpoint"]``.
        ``reasoner="reasonable"`` or ``"oxigraph"`` takes a fast OWL 2 RL path.
        ``progress`` (:mod:`ip4graph.progress`) follows the build of a compiled store, when
        one has to be built.
        """
        from .backends import backend_name, get_backend

        chosen = backend_name(backend)
        if chosen == "memory":
            from .reasoning import direct_types

            asserted = load(paths, ontology=ontology)
            if reasoning is Reasoning.NONE:
                inferred = Graph()
            elif cache:
                inferred, _ = cached_inferences(reasoning_input(asserted), profile=reasoning, cache_dir=cache_dir,
                                                reasoner=reasoner)
            else:
                inferred = compute_inferences(reasoning_input(asserted), profile=reasoning, reasoner=reasoner)
            _drop_asserted(inferred, asserted)
            for t in direct_types(asserted, inferred):  # materialised: queries need not compute it per row
                inferred.add(t)
            return cls(asserted, inferred, reasoning=reasoning)
        if chosen == "oxigraph" and store is None and not options.get("path"):
            from .store import Inputs, open_compiled

            inputs = Inputs.of(list(paths) if paths is not None else None,  # type: ignore[arg-type]
                               ontology if ontology is not True else True,  # type: ignore[arg-type]
                               reasoning=reasoning, reasoner=reasoner)
            engine, _report = open_compiled(inputs, cache=cache, cache_dir=cache_dir, progress=progress)
            return cls(reasoning=reasoning, backend=engine)
        if chosen == "oxigraph":
            from .backends.oxigraph import OxigraphBackend

            engine = OxigraphBackend(store or options.get("path"), read_only=True)  # type: ignore[arg-type]
            _check_inputs(engine.manifest(), paths, ontology, reasoning, reasoner)
            return cls(reasoning=reasoning, backend=engine)
        engine = get_backend(chosen, **options)
        meta = engine.stored_meta()  # type: ignore[attr-defined]
        if not meta:
            from .backends import BackendError

            raise BackendError(f"{options.get('endpoint') or 'the endpoint'} holds no data loaded by ip4graph",
                               hint="load it first: ip4graph load --backend sparql --endpoint URL ...")
        if meta.get("storeComplete") != "true":
            from .backends import BackendError

            raise BackendError("the remote store's last load did not complete",
                               hint="reload it with `ip4graph load --backend sparql ... --replace`")
        if meta.get("storeUnionGraph") and not engine.union_graph:  # type: ignore[attr-defined]
            engine.union_graph = meta["storeUnionGraph"]  # type: ignore[attr-defined]
        return cls(reasoning=reasoning, backend=engine)

    # ------------------------------------------------------------------ rdflib views
    @property
    def asserted(self) -> Dataset:
        """The asserted graphs as an rdflib Dataset (materialised from the store on first use)."""
        b = self.backend
        if getattr(b, "name", None) == "memory":
            return b.dataset  # type: ignore[attr-defined,no-any-return]
        self._materialise()
        return self._asserted  # type: ignore[return-value]

    @property
    def inferred(self) -> Graph:
        """The inferred triples (``ip4g:inferred``) as an rdflib Graph."""
        b = self.backend
        if getattr(b, "name", None) == "memory":
            return b.inferred  # type: ignore[attr-defined,no-any-return]
        self._materialise()
        return self._inferred  # type: ignore[return-value]

    def _materialise(self) -> None:
        with self._lock:
            if self._asserted is not None:
                return
            ds = new_dataset()
            inferred = Graph()
            graphs: dict[object, Graph] = {}
            for s, p, o, g in self.backend.quads():  # type: ignore[attr-defined]
                if g is not None and g == GRAPH_INFERRED:
                    inferred.add((s, p, o))
                    continue
                target = graphs.get(g)
                if target is None:
                    target = ds.graph(g) if g is not None else ds.default_graph
                    graphs[g] = target
                target.add((s, p, o))
            self._inferred = inferred
            self._asserted = ds

    def view(self, which: View = View.ALL) -> Dataset:
        """The dataset a query sees as rdflib: asserted only, or asserted plus ``ip4g:inferred``."""
        from .backends.memory import MemoryBackend

        b = self.backend
        if not isinstance(b, MemoryBackend):
            self._materialise()
            with self._lock:
                if self._mem is None:
                    self._mem = MemoryBackend(self._asserted, self._inferred)
            b = self._mem
        return b.view(which.value)

    @property
    def index(self) -> "Graph | StoreLookup":
        """What entity parameters are resolved against and tables labelled from: the asserted
        graph in memory, else a :class:`StoreLookup` that asks the store (and remembers)."""
        b = self.backend
        if getattr(b, "name", None) == "memory":
            return self.asserted
        with self._lock:
            if self._index is None:
                self._index = StoreLookup(b)
        return self._index

    def invalidate(self) -> None:
        """Forget the combined asserted+inferred view (call after changing ``asserted`` in memory).

        The inferred graph is not recomputed: it stays the closure of the data as opened.
        """
        b = self.backend
        if getattr(b, "name", None) == "memory":
            b._full = None  # type: ignore[attr-defined]
        with self._lock:
            self._index = None

    def close(self) -> None:
        self.backend.close()  # type: ignore[attr-defined]

    def named(self, name: str) -> NamedQuery:
        return self.catalog.get(name)

    def query(
        self,
        name_or_sparql: str,
        *,
        params: Mapping[str, object] | None = None,
        view: View | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        endpoints: Mapping[str, str] | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> QueryResult:
        """Run a named query (with ``params``) or ad-hoc SPARQL text.

        ``limit`` and ``offset`` page through a long answer (they are added to the query's
        outermost level; a query with its own LIMIT refuses them).

        Federated named queries (``# service: NAME`` in their header) send their
        ``SERVICE`` parts to ``endpoints[NAME]`` (see :mod:`ip4graph.federation`).

        A named query's parameters are converted to RDF terms and bound; ad-hoc
        SPARQL may also take ``params`` (each value must already be an rdflib term,
        or text that is bound as a plain literal).
        """
        from .backends.sparqltext import with_limit

        given = dict(params or {})
        if _looks_like_sparql(name_or_sparql):
            from rdflib import Literal

            bindings = {k: v if isinstance(v, Node) else Literal(str(v)) for k, v in given.items()}
            return self.run(with_limit(name_or_sparql, limit=limit, offset=offset), bindings=bindings,
                            view=view or View.ALL, timeout=timeout)
        nq = self.catalog.get(name_or_sparql)
        bindings = nq.bindings(self.index, given)
        text = with_limit(nq.text, limit=limit, offset=offset)
        if nq.kind == "federated" or "SERVICE" in text.upper():  # cheap test first: federation imports rdflib's engine
            from . import federation
        if (nq.kind == "federated" or "SERVICE" in text.upper()) and federation.is_federated(text):
            text = federation.bind_services(text, endpoints)
            # SERVICE runs through rdflib's engine (with the project's endpoint checks) on every backend
            return execute(self.view(view or nq.view), text, bindings=bindings, timeout=timeout,
                           source=str(nq.path.name))
        return self.run(text, bindings=bindings, view=view or nq.view, timeout=timeout, source=str(nq.path.name))

    def run(self, text: str, *, bindings: Mapping[str, Node] | None = None, view: View = View.ALL,
            timeout: float | None = DEFAULT_TIMEOUT, source: str = "<query>") -> QueryResult:
        """Run SPARQL text on the backend; a syntax error names the line and column in ``source``."""
        from .backends.memory import MemoryBackend

        check_query_text(text, source=source)
        if isinstance(self.backend, MemoryBackend):
            return execute(self.backend.view(view.value), text, bindings=bindings, timeout=timeout, source=source)
        try:
            result = self.backend.query(text, bindings=bindings, timeout=timeout, view=view.value)  # type: ignore[attr-defined]
        except QueryError as exc:
            if "syntax" in str(exc).lower():
                prepare(text, source=source)  # raises the located error
            raise
        if result.labels_from is None:
            result.labels_from = self.index.labels(_terms_of(result))  # type: ignore[union-attr]
        return result


_OUR_TERMS_QUERY = """SELECT DISTINCT ?t WHERE {
  { ?t ?p ?o } UNION { ?s ?t ?o } UNION { ?s ?p ?t }
  FILTER(isIRI(?t) && (STRSTARTS(STR(?t), "https://w3id.org/ip4graph/ontology#")
                       || STRSTARTS(STR(?t), "https://w3id.org/ip4graph/id/")))
}"""
_TERM = re.compile(r"(?<![\w:<])(ip4d?):([A-Za-z_][\w.-]*[\w-]|[A-Za-z_])|<(https://w3id\.org/ip4graph/(?:ontology#|id/)[^>\s]*)>")


def unknown_terms(kg: "KnowledgeGraph", text: str) -> list[tuple[str, list[str]]]:
    """The ``ip4:`` and ``ip4d:`` terms that ``text`` names but the graph never uses, each with the
    closest terms it does use (a query about ``ip4:memberof`` silently finds nothing otherwise)."""
    import difflib

    from .namespaces import IP4, IP4D

    cleaned = re.sub(r"#[^\n]*", "", re.sub(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', '""', text))
    named: dict[str, str] = {}
    for m in _TERM.finditer(cleaned):
        if m.group(3):
            iri = m.group(3)
            shown = f"<{iri}>"
        else:
            iri = str(IP4 if m.group(1) == "ip4" else IP4D) + m.group(2)
            shown = f"{m.group(1)}:{m.group(2)}"
        named.setdefault(iri, shown)
    if not named:
        return []
    used = {str(r[0]) for r in kg.run(_OUR_TERMS_QUERY).rows}
    out = []
    for iri, shown in named.items():
        if iri in used:
            continue
        ns = str(IP4) if iri.startswith(str(IP4)) else str(IP4D)
        prefix = "ip4:" if ns == str(IP4) else "ip4d:"
        local = {u[len(ns):]: u for u in used if u.startswith(ns)}
        lowered = {k.lower(): k for k in local}
        close = difflib.get_close_matches(iri[len(ns):].lower(), list(lowered), n=3, cutoff=0.75)
        out.append((shown, [prefix + lowered[c] for c in close]))
    return out


_FIND_QUERY = """SELECT DISTINCT ?e WHERE {
  VALUES ?p { rdfs:label skos:prefLabel skos:altLabel }
  ?e ?p ?l .
  FILTER(isIRI(?e) && LCASE(STR(?l)) = ?needle)
}"""
_EXISTS_QUERY = "ASK { { ?iri ?p ?o } UNION { ?s ?p ?iri } }"
_LABELS_QUERY = """SELECT ?s ?p ?o WHERE {
  VALUES ?p { skos:prefLabel rdfs:label }
  ?s ?p ?o
}"""


def _terms_of(result: QueryResult) -> set[Node]:
    from rdflib import URIRef

    out: set[Node] = set()
    if result.rows:
        for row in result.rows:
            out.update(v for v in row if isinstance(v, URIRef))
    if result.graph is not None:
        for t in result.graph:
            out.update(v for v in t if isinstance(v, URIRef))
    return out


class StoreLookup:
    """Entity resolution and labels answered by a store's own SPARQL engine, remembered per process.

    It stands where an rdflib graph stands for :func:`ip4graph.terms.resolve_entity` and for
    result labels, without copying the store's labels into Python first.
    """

    def __init__(self, backend: object) -> None:
        self.backend = backend
        self._found: dict[str, list[Node]] = {}
        self._exists: dict[Node, bool] = {}
        self._labels = Graph()
        self._labelled: set[Node] = set()
        self._lock = threading.Lock()

    def exists(self, iri: Node) -> bool:
        if iri not in self._exists:
            res = self.backend.query(_EXISTS_QUERY, bindings={"iri": iri})  # type: ignore[attr-defined]
            self._exists[iri] = bool(res)
        return self._exists[iri]

    def find(self, needle: str) -> list[Node]:
        from rdflib import Literal

        if needle not in self._found:
            res = self.backend.query(_FIND_QUERY, bindings={"needle": Literal(needle)})  # type: ignore[attr-defined]
            self._found[needle] = sorted(r[0] for r in res.rows)
        return self._found[needle]  # type: ignore[return-value]

    def resolve(self, text: str) -> Node:
        from .terms import resolve_entity

        return resolve_entity(None, text, exists=self.exists, find=self.find)  # type: ignore[arg-type]

    def labels(self, terms: Iterable[Node]) -> Graph:
        """A small graph with the labels of ``terms`` (and of every term asked for before)."""
        from rdflib import URIRef

        from .backends.sparqltext import values_rows

        with self._lock:
            missing = sorted(t for t in set(terms) - self._labelled if isinstance(t, URIRef))
            for start in range(0, len(missing), 500):
                chunk = missing[start:start + 500]
                text = _LABELS_QUERY.replace("  ?s ?p ?o", values_rows("s", chunk) + "\n  ?s ?p ?o", 1)
                for s, p, o in self.backend.query(text).rows:  # type: ignore[attr-defined]
                    self._labels.add((s, p, o))
                self._labelled.update(chunk)
        return self._labels

    def __contains__(self, triple: object) -> bool:  # what terms.label() may ask of a graph
        return triple in self._labels


def _drop_asserted(inferred: Graph, asserted: Dataset) -> None:
    """Inferred triples that some asserted graph (links, provenance ...) already holds are not 'inferred'."""
    for t in [t for t in inferred if t in asserted]:
        inferred.remove(t)


def _check_inputs(manifest: Mapping[str, object], paths: Iterable[PathLikeStr] | None,
                  ontology: PathLikeStr | bool, reasoning: Reasoning, reasoner: str) -> None:
    """A store filled from other inputs than those asked for is an error, never a silent answer."""
    if not manifest or "files" not in manifest:
        return
    from .store import Inputs

    inputs = Inputs.of(list(paths) if paths is not None else None,  # type: ignore[arg-type]
                       ontology, reasoning=reasoning, reasoner=reasoner)
    asked = inputs.fingerprint()
    recorded = [(f.get("role"), f.get("name")) for f in manifest.get("files", [])]  # type: ignore[union-attr]
    if paths is None and recorded != [(f["role"], f["name"]) for f in asked["files"]]:  # type: ignore[index,union-attr]
        return  # a store of other data, opened without --data: use it as it is
    if manifest.get("files") != asked["files"]:
        from .backends import BackendError

        raise BackendError("the store was filled from other versions of the input files than those given",
                           hint="reload it: `ip4graph load --backend oxigraph --path DIR --replace`")


def _looks_like_sparql(text: str) -> bool:
    return any(ch in text for ch in "{} \n?")


_default: KnowledgeGraph | None = None
_default_lock = threading.Lock()


def default_graph() -> KnowledgeGraph:
    """The shipped knowledge graph, loaded and reasoned once per process (closure cached on disk)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = KnowledgeGraph.open()
        return _default


def query(name_or_sparql: str, *, kg: KnowledgeGraph | None = None, view: View | None = None,
          timeout: float | None = DEFAULT_TIMEOUT, endpoints: Mapping[str, str] | None = None,
          **params: object) -> QueryResult:
    """Run a named query or SPARQL on the shipped graph (or ``kg``): ``query("ip4-members")``.

    Keyword arguments other than ``kg``, ``view`` and ``timeout`` are query parameters.
    """
    return (kg or default_graph()).query(name_or_sparql, params=params, view=view, timeout=timeout,
                                         endpoints=endpoints)
