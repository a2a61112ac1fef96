"""The one place where the server touches the graph engine.

Everything the endpoint and its pages need from the knowledge graph goes through
:class:`GraphAdapter`: the dataset queries see, a dataset restricted to some graphs,
preparing and running a query, applying an update. Switching the engine (for example to the
compiled Oxigraph store) means changing this module only.
"""

from __future__ import annotations

import functools
import os
import re

from rdflib import Dataset, Graph, URIRef

from rdflib.plugins.sparql.algebra import (
    _addVars,
    _simplifyFilters,
    _traverse,
    _traverseAgg,
    analyse,
    simplify,
    translate,
    translatePath,
    translatePName,
    translatePrologue,
    translateUpdate1,
    traverse,
    triples,
)
from rdflib.term import Variable
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Prologue, Query, Update
from rdflib.term import Node

from ..catalog import View
from ..errors import Location, QueryError
from ..kg import KnowledgeGraph, execute, prepare
from ..namespaces import PREFIXES, bind_prefixes
from ..results import QueryResult
from .guard import DatasetSpec


#: Typed literals, and numbers whose lexical form is not canonical (1.0E6, 2.50, 007, +5).
_LEXICAL_CONSTANT = re.compile(r"\^\^|(?<![\w:?$])[+-]?(?:\d*\.\d+|\d+\.\d*|\d+)[eE][+-]?\d+"
                               r"|(?<![\w:?$.])[+-]\d|(?<![\w:?$.])0\d|\d\.\d*0(?!\d)")
_STRING = re.compile("|".join((
    r'"""(?:[^"\\]|\\.|"(?!""))*"""',
    r"'''(?:[^'\\]|\\.|'(?!''))*'''",
    r'"(?:[^"\\\n]|\\.)*"',
    r"'(?:[^'\\\n]|\\.)*'",
)))
_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")


def _strip_strings(text: str) -> str:
    """``text`` without string contents, IRIs and comments (what is left is syntax and numbers)."""
    text = _STRING.sub('""', text)
    text = _IRI.sub("<>", text)
    return re.sub(r"#[^\n]*", "", text)


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

    def graph_sizes(self, names: list[URIRef]) -> dict[URIRef, int]:
        ds = self.dataset()
        return {n: len(ds.get_context(n)) for n in names}

    # ------------------------------------------------------------------ the compiled store's own engine
    @property
    def native(self) -> bool:
        """Whether queries can run in the Oxigraph store the graph was opened from (a store on disk)."""
        b = self.kg.backend
        return getattr(b, "name", None) == "oxigraph" and getattr(b, "path", None) is not None

    def _native_store(self):  # noqa: ANN202 - a pyoxigraph Store
        """This process's own read-only handle (a worker never uses a handle opened before its fork)."""
        import pyoxigraph as ox

        pid = os.getpid()
        if getattr(self, "_native_pid", None) != pid:
            self._native = ox.Store.read_only(str(self.kg.backend.path))  # type: ignore[attr-defined]
            self._native_pid = pid
        return self._native

    def native_can_run(self, text: str) -> bool:
        """Whether Oxigraph answers ``text`` exactly as rdflib would.

        Oxigraph keeps numbers, booleans and dates as values, so a constant such as
        ``"1.0E6"^^xsd:double`` or ``007`` comes back in canonical form (``1000000``, ``7``);
        a query that writes such a constant goes to rdflib, which keeps the lexical form.
        """
        return not _LEXICAL_CONSTANT.search(_strip_strings(text))

    def native_run(self, text: str, *, base: str, cap: int) -> QueryResult:
        """Evaluate ``text`` in Oxigraph over the default dataset (asserted plus inferred), reading at
        most ``cap + 1`` solutions or triples (the caller truncates and says so)."""
        import itertools

        import pyoxigraph as ox

        from ..backends.oxigraph import _INFERRED, _PREFIXES, from_ox

        store = self._native_store()
        res = store.query(text, base_iri=base, prefixes=_PREFIXES, default_graph=[ox.DefaultGraph(), _INFERRED])
        if isinstance(res, ox.QueryBoolean):
            return QueryResult("ASK", boolean=bool(res))
        if isinstance(res, ox.QueryTriples):
            g = Graph()
            for t in itertools.islice(res, cap + 1):
                g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
            return QueryResult("CONSTRUCT", graph=g)
        names = tuple(v.value for v in res.variables)
        from ..results import Row

        rows = [Row([from_ox(sol[i]) for i in range(len(names))], names) for sol in itertools.islice(res, cap + 1)]
        return QueryResult("SELECT", vars=list(names), rows=rows)

    def reasoning(self) -> str:
        """The entailment regime of the inferred graph: ``owlrl``, ``rdfs`` or ``none``."""
        return str(getattr(self.kg.reasoning, "value", self.kg.reasoning))

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
        """Parse an update (the prefixes and ``base`` as for :meth:`prepare_query`)."""
        try:
            return _translate_update(parseUpdate(text), base)
        except Exception as exc:
            line = getattr(exc, "lineno", None)
            col = getattr(exc, "col", None)
            msg = getattr(exc, "msg", None) or str(exc)
            raise QueryError(f"SPARQL syntax error: {msg}", location=Location("update", line, col),
                             hint="fix the update at that position") from exc

    def update(self, prepared: Update, *, using: DatasetSpec | None = None) -> int:
        """Apply an update to the asserted data; returns the asserted size.

        ``using`` is the protocol's ``using-graph-uri`` / ``using-named-graph-uri``: the
        dataset the ``WHERE`` of every ``DELETE/INSERT`` sees (taken from the loaded graphs,
        never fetched). An update that also says ``USING`` or ``WITH`` is refused (400).
        """
        import rdflib.plugins.sparql as rdflib_sparql
        from rdflib.plugins.sparql.update import evalUpdate

        operations = list(prepared.algebra)
        if using:
            for op in operations:
                if op.name == "Modify" and (("using" in op and op["using"]) or ("withClause" in op and op["withClause"])):
                    raise QueryError("the request gives using-graph-uri / using-named-graph-uri and the update "
                                     "says USING or WITH: give the dataset one way only",
                                     location=Location("update"))
        ds = self.kg.asserted
        try:
            for op in operations:
                if using and op.name == "Modify":
                    self._modify_using(op, using)
                    continue
                # rdflib adds INSERT DATA / DELETE DATA triples to ``ctx.graph``, which is the Dataset
                # itself while SPARQL_DEFAULT_GRAPH_UNION is on, and Dataset.__iadd__ wants quads (a
                # 500). They need no union: run them against the real default graph. (Updates run in
                # the single-threaded zygote, so switching the module flag affects nothing else.)
                union = rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION
                rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION = union and op.name not in ("InsertData", "DeleteData")
                try:
                    evalUpdate(ds, Update(prepared.prologue, [op]))
                finally:
                    rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION = union
        finally:
            self.kg.invalidate()
        return len(self.kg.asserted)

    def _modify_using(self, op: CompValue, using: DatasetSpec) -> None:
        """DELETE/INSERT ... WHERE with the WHERE evaluated over the ``using`` dataset only."""
        from rdflib.plugins.sparql.evaluate import evalPart
        from rdflib.plugins.sparql.sparql import QueryContext
        from rdflib.plugins.sparql.update import _fillTemplate

        ds = self.kg.asserted
        where = Dataset(default_union=False)
        for name in using.default:
            for t in ds.get_context(name).triples((None, None, None)):
                where.default_graph.add(t)
        for name in using.named:
            target = where.graph(name)
            for t in ds.get_context(name).triples((None, None, None)):
                target.add(t)
        ctx = QueryContext(where, initBindings={})
        ctx.graph = where.default_graph
        solutions = list(evalPart(ctx, op.where))
        dg = ds.default_context
        for c in solutions:
            if op.delete:
                dg -= _fillTemplate(op.delete.triples, c)
                for g, q in op.delete.quads.items():
                    cg = ds.get_context(c.get(g))
                    cg -= _fillTemplate(q, c)
            if op.insert:
                dg += _fillTemplate(op.insert.triples, c)
                for g, q in op.insert.quads.items():
                    cg = ds.get_context(c.get(g))
                    cg += _fillTemplate(q, c)


class _LinearRegex:
    """A stand-in for the ``re`` module inside rdflib's SPARQL functions: REGEX and REPLACE in RE2.

    RE2 (``google-re2``) runs in time linear in the text whatever the pattern, so no pattern can
    backtrack for minutes. Features RE2 lacks (look-around, back-references) are errors.
    """

    IGNORECASE = re.IGNORECASE
    DOTALL = re.DOTALL
    MULTILINE = re.MULTILINE

    def __init__(self) -> None:
        import re2

        self._re2 = re2
        self._options = re2.Options()
        self._options.log_errors = False

    def _compile(self, pattern: str, flags: int) -> object:
        inline = "".join(c for f, c in ((re.IGNORECASE, "i"), (re.DOTALL, "s"), (re.MULTILINE, "m")) if flags & f)
        try:
            return self._re2.compile(f"(?{inline}){pattern}" if inline else pattern, self._options)
        except self._re2.error as exc:
            raise ValueError(f"REGEX pattern {pattern!r} is not supported (no look-around or back-references): "
                             f"{exc}") from None

    def search(self, pattern: str, string: str, flags: int = 0) -> object:
        return self._compile(str(pattern), flags).search(str(string))  # type: ignore[attr-defined]

    def sub(self, pattern: str, repl: str, string: str, count: int = 0, flags: int = 0) -> str:
        if pattern == "\\$([0-9]*)":  # rdflib's own rewrite of $1 into \1 in the replacement
            return re.sub(pattern, repl, string)
        # rdflib passes the flags where ``re.sub`` takes ``count``: read them from there.
        return self._compile(str(pattern), count | flags).sub(str(repl), str(string))  # type: ignore[attr-defined]


def install_linear_regex() -> bool:
    """Make rdflib's REGEX and REPLACE use RE2 in this process (call it in the worker processes).

    Returns False (and changes nothing) when ``google-re2`` is not installed.
    """
    try:
        shim = _LinearRegex()
    except ImportError:
        return False
    from rdflib.plugins.sparql import operators

    operators.re = shim  # type: ignore[attr-defined]
    return True


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
    star = q[1].name == "SelectQuery" and not q[1].projection  # type: ignore[index]
    order = _variables_in_order(q[1].where) if star else []  # type: ignore[index]
    P, PV = translate(q[1])  # type: ignore[index]  # noqa: N806 - rdflib's names
    if star:  # SELECT *: the variables in the order they appear (rdflib gives a set's order)
        rank = {v: i for i, v in enumerate(order)}
        PV = sorted(PV, key=lambda v: rank.get(v, len(rank)))  # noqa: N806
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


def _translate_update(parsed: object, base: str | None) -> Update:
    """rdflib's ``translateUpdate`` with :class:`_Prologue`."""
    q = parsed
    res: list[CompValue] = []
    prologue = _Prologue()
    prologue.base = ""
    if not q.request:  # type: ignore[attr-defined]
        return Update(prologue, res)
    for p, u in zip(q.prologue, q.request):  # type: ignore[attr-defined]
        prologue = translatePrologue(p, base, PREFIXES, prologue)
        u = traverse(u, visitPost=functools.partial(translatePName, prologue=prologue))
        u = _traverse(u, _simplifyFilters)
        u = traverse(u, visitPost=translatePath)
        res.append(translateUpdate1(u, prologue))
    return Update(prologue, res)


def _variables_in_order(tree: object) -> list[Variable]:
    """Variables of a parse tree in order of first appearance (iterative: the tree depth is bounded anyway)."""
    seen: dict[Variable, None] = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Variable):
            seen.setdefault(node, None)
        elif isinstance(node, CompValue):
            stack.extend(reversed([v for k, v in node.items() if not k.startswith("_")]))
        elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
            stack.extend(reversed(list(node)))  # type: ignore[call-overload]
    return list(seen)


__all__ = ["GraphAdapter"]
