"""Embedded Oxigraph (pyoxigraph): in memory, or persistent on disk with ``path``.

Layout, the same whether the store was compiled by ``ip4graph build`` or filled by
``ip4graph load``:

* every quad in its named graph, blank nodes kept as blank nodes under their content-derived
  labels (:mod:`ip4graph.skolem`), so loading the same data twice leaves the same quads and
  ``isBlank`` answers as in rdflib;
* the store's default graph holds each distinct *asserted* triple once (the set union
  of the asserted graphs: Oxigraph's ``use_default_graph_as_union`` would return a
  triple once per graph it is in, rdflib once);
* the inferred triples only in ``ip4g:inferred``; they are disjoint from the asserted
  ones, so the view ``all`` queries the default graph plus ``ip4g:inferred`` and the
  view ``asserted`` the default graph alone, with ``GRAPH ?g`` over the named graphs
  (``ip4g:inferred`` left out of the asserted view);
* a manifest file ``ip4graph-store.json`` in the directory says from which inputs the
  store was filled and whether that load completed; a store whose load did not
  complete is refused.

Parameters are bound with a ``VALUES`` block (see :mod:`.sparqltext`): pyoxigraph's
``substitutions`` only accepts variables of the SELECT projection.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from ..errors import QueryError
from ..namespaces import GRAPH_INFERRED, PREFIXES
from ..results import QueryResult, Row
from ..skolem import GENID
from ..timeouts import run_with_timeout
from ..progress import Progress, ProgressEvent, emit
from . import BackendError, Quad, iter_quads
from .sparqltext import bind_values

_PREFIXES = {k: str(v) for k, v in PREFIXES.items()}
_XSD_STRING = str(XSD.string)
_LANG_STRING = str(RDF.langString)
FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG, ".nt": ox.RdfFormat.N_TRIPLES,
           ".ttl": ox.RdfFormat.TURTLE}


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))  # content-derived label (ip4graph.skolem): the same on every load
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store {term!r} in Oxigraph")


def from_ox(term: object) -> Node | None:
    """A pyoxigraph term as an rdflib term (``xsd:string`` literals become plain literals)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        value = term.value
        if value.startswith(GENID):
            return BNode(value[len(GENID):])
        return URIRef(value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    raise TypeError(f"unexpected Oxigraph term {term!r}")


_INFERRED = ox.NamedNode(str(GRAPH_INFERRED))
#: How often (in quads) a load reports progress.
PROGRESS_EVERY = 10_000
MANIFEST = "ip4graph-store.json"


class OxigraphBackend:
    """pyoxigraph ``Store``; ``path`` makes it persistent (a RocksDB directory).

    An existing ``path`` must hold a store whose load completed; a missing one is an
    error unless ``create`` is true. ``read_only`` opens it without taking the writer lock.
    """

    name = "oxigraph"

    def __init__(self, path: Path | str | None = None, *, create: bool = False, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self._named: list[ox.NamedNode] | None = None
        if self.path is None:
            self.store = ox.Store()
            return
        manifest = self.path / MANIFEST
        if not self.path.exists() or (self.path.is_dir() and not any(self.path.iterdir())):
            if not create:
                raise BackendError(f"no Oxigraph store at {self.path}",
                                   hint="check the path, or fill one with `ip4graph load --backend oxigraph --path DIR`")
            self.path.mkdir(parents=True, exist_ok=True)
        elif not self.path.is_dir():
            raise BackendError(f"{self.path} is not a directory", hint="give the store's directory")
        elif not manifest.is_file():
            raise BackendError(f"{self.path} is not an ip4graph store (no {MANIFEST})",
                               hint="give a directory filled by `ip4graph load`, or an empty one to create a store")
        elif not create and not _complete(manifest):
            raise BackendError(f"the store at {self.path} is incomplete: its load did not finish",
                               hint="reload it: `ip4graph load --backend oxigraph --path DIR --replace`")
        try:
            self.store = ox.Store.read_only(str(self.path)) if read_only else ox.Store(str(self.path))
        except OSError as exc:
            raise BackendError(f"cannot open the Oxigraph store at {self.path}: {exc}",
                               hint="another ip4graph process may be writing it; wait, or use another --path") from exc

    # ------------------------------------------------------------------ manifest
    def manifest(self) -> dict[str, object]:
        """What the store records about its inputs and load ({} for an in-memory store)."""
        if self.path is None:
            return {}
        try:
            doc = json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return doc if isinstance(doc, dict) else {}

    def _write_manifest(self, doc: dict[str, object]) -> None:
        if self.path is None:
            return
        from ..store import write_manifest

        write_manifest(self.path, doc)

    # ------------------------------------------------------------------ loading
    def _begin(self, manifest: dict[str, object] | None) -> dict[str, object]:
        doc = dict(manifest or self.manifest() or {})
        from ..store import STORE_FORMAT

        doc.update(complete=False, format=STORE_FORMAT)
        self._write_manifest(doc)
        return doc

    def _finish(self, doc: dict[str, object]) -> None:
        self.store.flush()
        self._named = None
        named = sum(1 for _ in self.store.named_graphs())
        doc.update(complete=True, counts={"distinct_asserted": self._count_default(),
                                          "inferred": self._count_graph(_INFERRED), "named_graphs": named})
        self._write_manifest(doc)

    def load_dataset(self, asserted: Dataset, inferred: Graph | None = None, *,
                     manifest: dict[str, object] | None = None, progress: Progress | None = None) -> int:
        """Load an asserted dataset and its inferred triples (the layout in the module doc).

        ``progress`` gets stage ``load`` events counting the quads stored (:mod:`ip4graph.progress`).
        """
        doc = self._begin(manifest)
        total = None
        if progress is not None:  # counted only for a progress report (a pass over the dataset)
            total = sum(1 for _ in iter_quads(asserted)) + (len(inferred) if inferred is not None else 0)
        n = self._extend(_quads_of(asserted, inferred), progress=progress, total=total)
        self._finish(doc)
        return n

    def load(self, data: Dataset | Iterable[Quad], *, manifest: dict[str, object] | None = None,
             progress: Progress | None = None, total: int | None = None) -> int:
        """Add quads; those in ``ip4g:inferred`` stay out of the default (asserted) graph.

        ``progress`` gets stage ``load`` events counting the quads stored, out of ``total``
        when given (else out of the count reached, known at the end).
        """
        doc = self._begin(manifest)
        n = self._extend(iter_quads(data), progress=progress, total=total)
        self._finish(doc)
        return n

    def _extend(self, quads: Iterable[Quad], *, progress: Progress | None = None, total: int | None = None) -> int:
        emit(progress, "load", 0, total or 0)
        n = 0
        batch: list[ox.Quad] = []
        default = ox.DefaultGraph()
        inferred = str(GRAPH_INFERRED)
        pending_inferred: list[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, object]] = []
        for s, p, o, g in quads:
            ts, tp, to = to_ox(s), to_ox(p), to_ox(o)
            if g is not None and str(g) == inferred:
                pending_inferred.append((ts, tp, to))
            else:
                if g is not None:
                    batch.append(ox.Quad(ts, tp, to, to_ox(g)))
                batch.append(ox.Quad(ts, tp, to, default))
            n += 1
            if len(batch) >= 100_000:
                self.store.extend(batch)
                batch = []
            if progress is not None and n % PROGRESS_EVERY == 0 and (total is None or n < total):
                progress(ProgressEvent("load", n, total or 0))
        if batch:
            self.store.extend(batch)
        if pending_inferred:
            # inferred triples that are also asserted stay out: the views' default graphs are disjoint
            self.store.extend(ox.Quad(ts, tp, to, _INFERRED) for ts, tp, to in pending_inferred  # type: ignore[arg-type]
                              if not any(True for _ in self.store.quads_for_pattern(ts, tp, to, default)))
        emit(progress, "load", n, n)
        return n

    def load_file(self, path: Path) -> None:
        """Bulk load (Oxigraph's loader), the union copy written in the same pass."""
        fmt = FORMATS.get(Path(path).suffix.lower())
        if fmt is None:
            raise QueryError(f"Oxigraph cannot bulk-load {Path(path).suffix!r} files", hint="use .nq, .trig, .nt or .ttl")
        doc = self._begin(None)

        def with_union_copy():
            for quad in ox.parse(path=str(path), format=fmt):  # labelled blank nodes keep their labels
                if quad.graph_name == _INFERRED:
                    yield quad
                    continue
                yield quad
                if not isinstance(quad.graph_name, ox.DefaultGraph):
                    yield ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph())

        self.store.bulk_extend(with_union_copy())
        self._finish(doc)

    # ------------------------------------------------------------------ querying
    def named_graphs(self) -> list[ox.NamedNode]:
        if self._named is None:
            self._named = [g for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)]
        return self._named

    def query(self, text: str, *, bindings: Mapping[str, Node] | None = None,
              timeout: float | None = None, view: str = "all") -> QueryResult:
        sparql = bind_values(text, bindings)
        if view == "asserted":
            options = {"default_graph": ox.DefaultGraph(),
                       "named_graphs": [g for g in self.named_graphs() if g != _INFERRED]}
        else:
            options = {"default_graph": [ox.DefaultGraph(), _INFERRED]}

        def run() -> QueryResult:
            try:
                res = self.store.query(sparql, prefixes=_PREFIXES, **options)
            except SyntaxError as exc:
                raise QueryError(f"SPARQL syntax error: {exc}") from exc
            if isinstance(res, ox.QueryBoolean):
                return QueryResult("ASK", boolean=bool(res))
            if isinstance(res, ox.QueryTriples):
                g = Graph()
                for t in res:
                    g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
                kind = "DESCRIBE" if _form(text) == "DESCRIBE" else "CONSTRUCT"
                return QueryResult(kind, graph=g)
            names = tuple(v.value for v in res.variables)
            rows = [Row([from_ox(sol[i]) for i in range(len(names))], names) for sol in res]
            return QueryResult("SELECT", vars=list(names), rows=rows)

        try:
            return run_with_timeout(run, timeout=timeout, what="query")
        except QueryError:
            raise
        except Exception as exc:
            raise QueryError(f"Oxigraph failed: {type(exc).__name__}: {exc}") from exc

    def quads(self) -> Iterable[tuple[Node, Node, Node, Node | None]]:
        """Every stored quad as rdflib terms (named graphs and default-graph-only triples; no union copy)."""
        named_triples = set()
        for q in self.store.quads_for_pattern(None, None, None, None):
            g = q.graph_name
            if isinstance(g, ox.DefaultGraph):
                continue
            t = (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
            named_triples.add(t)
            yield (*t, from_ox(g))
        for q in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            t = (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
            if t not in named_triples:
                yield (*t, None)

    def _count_default(self) -> int:
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    def _count_graph(self, g: ox.NamedNode) -> int:
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, g))

    def count(self) -> int:
        """Distinct triples: the asserted union plus the inferred graph."""
        return self._count_default() + self._count_graph(_INFERRED)

    def clear(self) -> None:
        self.store.clear()
        self._named = None

    def close(self) -> None:
        if not self.read_only:
            self.store.flush()
        del self.store


def _complete(manifest: Path) -> bool:
    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("complete") is True
    except (OSError, ValueError, AttributeError):
        return False


def _quads_of(asserted: Dataset, inferred: Graph | None) -> Iterable[Quad]:
    yield from iter_quads(asserted)
    if inferred is not None:
        for s, p, o in inferred:
            yield s, p, o, GRAPH_INFERRED


def _form(text: str) -> str:
    from .sparqltext import tokens

    for kind, start, end in tokens(text):
        if kind == "word" and text[start:end].upper() in {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}:
            return text[start:end].upper()
    return "SELECT"
