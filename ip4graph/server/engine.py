"""The one place where the server touches the graph engine.

Everything the endpoint and its pages need from the knowledge graph goes through
:class:`GraphAdapter`: the dataset queries see, a dataset restricted to some graphs,
preparing and running a query, applying an update. Switching the engine (for example to the
compiled Oxigraph store) means changing this module only.
"""

from __future__ import annotations

from rdflib import Dataset, Graph, URIRef
import functools

from rdflib.plugins.sparql import prepareUpdate
from rdflib.plugins.sparql.algebra import _addVars, _traverseAgg, analyse, simplify, translate, translatePName, translatePrologue, traverse, triples
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Prologue, Query, Update
from rdflib.term import Node

from ..catalog import View
from ..errors import Location, QueryError
from ..kg import KnowledgeGraph, execute, prepare
from ..namespaces import PREFIXES, bind_prefixes
from ..results import QueryResult
from .guard import DatasetSpec


class GraphAdapter:
    """The knowledge graph as the server uses it (rdflib engine for now)."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg

    # ------------------------------------------------------------------ data
    def dataset(self) -> Dataset:
        """What queries see: the asserted graphs plus ``ip4g:inferred``."""
        return self.kg.view(View.ALL)

    @property
    def asserted(self) -> Dataset:
        return self.kg.asserted

    def select(self, spec: DatasetSpec) -> Dataset:
        """A dataset made of the requested graphs only (never fetched: unknown graphs are empty)."""
        full = self.dataset()
        ds = Dataset(default_union=False)
        bind_prefixes(ds)
        default = ds.default_graph
        for name in spec.default:
            for t in full.get_context(name).triples((None, None, None)):
                default.add(t)
        for name in spec.named:
            target = ds.graph(name)
            for t in full.get_context(name).triples((None, None, None)):
                target.add(t)
        return ds

    def graph_names(self) -> list[URIRef]:
        """The named graphs of the dataset (not the engine's own name for the default graph)."""
        names = set()
        for g in self.dataset().graphs():
            ident = g.identifier
            if isinstance(ident, URIRef) and not str(ident).startswith("urn:x-rdflib:"):
                names.add(ident)
        return sorted(names, key=str)

    def triples(self) -> int:
        return len(self.dataset())

    # ------------------------------------------------------------------ SPARQL
    def prepare_query(self, text: str, *, base: str | None = None) -> Query:
        """Parse a query with the predeclared prefixes; ``base`` resolves relative IRIs.

        A ``PREFIX`` of the query may bind another name to a predeclared namespace
        (``PREFIX ex: <https://w3id.org/ip4graph/ontology#>``): both names then work.
        """
        try:
            return _translate(parseQuery(text), base)
        except Exception:
            return prepare(text, source="query")  # the same failure, with its line and column

    def run(self, dataset: Dataset | Graph, prepared: Query, *, bindings: dict[str, Node]) -> QueryResult:
        """Evaluate (no time limit here: the worker process running this is killed at the limit)."""
        return execute(dataset, prepared, bindings=bindings, timeout=None, source="query")

    def prepare_update(self, text: str, *, base: str | None = None) -> Update:
        try:
            return prepareUpdate(text, initNs=PREFIXES, base=base)
        except Exception as exc:
            line = getattr(exc, "lineno", None)
            col = getattr(exc, "col", None)
            msg = getattr(exc, "msg", None) or str(exc)
            raise QueryError(f"SPARQL syntax error: {msg}", location=Location("update", line, col),
                             hint="fix the update at that position") from exc

    def update(self, prepared: Update) -> int:
        """Apply an update to the asserted data (default graph included); returns the asserted size."""
        ds = self.kg.asserted
        # rdflib adds INSERT DATA / DELETE DATA triples to ``ctx.graph``, which is the Dataset
        # itself while SPARQL_DEFAULT_GRAPH_UNION is on, and Dataset.__iadd__ wants quads (a 500).
        # Those operations need no union: run them against the real default graph. (Updates run
        # in the single-threaded zygote, so switching the module flag affects nothing else.)
        import rdflib.plugins.sparql as rdflib_sparql

        data_only = all(op.name in ("InsertData", "DeleteData") for op in prepared.algebra)
        union = rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION
        rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION = union and not data_only
        try:
            ds.update(prepared)
        finally:
            rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION = union
            self.kg.invalidate()
        return len(self.kg.asserted)


class _Prologue(Prologue):
    """rdflib's prologue keeps one prefix per namespace; this one keeps every name bound."""

    def __init__(self) -> None:
        super().__init__()
        self.names: dict[str, str] = {}

    def bind(self, prefix: str | None, uri: object) -> None:
        self.names[prefix or ""] = str(uri)
        super().bind(prefix, uri)

    def resolvePName(self, prefix: str | None, localname: str | None) -> URIRef:  # noqa: N802 - rdflib's name
        ns = self.names.get(prefix or "")
        if ns is None:
            raise Exception(f"Unknown namespace prefix : {prefix}")
        return URIRef(ns + (localname or ""))


def _translate(parsed: object, base: str | None) -> Query:
    """rdflib's ``translateQuery`` with :class:`_Prologue` (same steps, same result otherwise)."""
    q = parsed
    prologue = _Prologue()
    prologue.base = ""
    prologue = translatePrologue(q[0], base, PREFIXES, prologue=prologue)  # type: ignore[index]
    q[1] = traverse(q[1], visitPost=functools.partial(translatePName, prologue=prologue))  # type: ignore[index]
    P, PV = translate(q[1])  # type: ignore[index]  # noqa: N806 - rdflib's names
    dataset_clause = q[1].datasetClause  # type: ignore[index]
    if q[1].name == "ConstructQuery":  # type: ignore[index]
        template = triples(q[1].template) if q[1].template else None  # type: ignore[index]
        res = CompValue(q[1].name, p=P, template=template, datasetClause=dataset_clause)  # type: ignore[index]
    else:
        res = CompValue(q[1].name, p=P, datasetClause=dataset_clause, PV=PV)  # type: ignore[index]
    res = traverse(res, visitPost=simplify)
    _traverseAgg(res, visitor=analyse)
    _traverseAgg(res, _addVars)
    return Query(prologue, res)


__all__ = ["GraphAdapter"]
