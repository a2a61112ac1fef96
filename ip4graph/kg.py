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

from pyparsing import ParseException
from rdflib import Dataset, Graph
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from . import federation
from .catalog import Catalog, NamedQuery, View, load_catalog
from .errors import Location, QueryError
from .loader import PathLikeStr, load, new_dataset
from .namespaces import GRAPH_INFERRED, PREFIXES
from .reasoning import Reasoning, cached_inferences, compute_inferences, reasoning_input
from .results import QueryResult, Row
from .timeouts import run_with_timeout

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


def prepare(text: str, *, source: str = "<query>") -> Query:
    """Parse SPARQL with the predeclared prefixes; a syntax error names the line, column and text."""
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
    query: str | Query,
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
    """Asserted dataset + inferred graph, with the catalog of named queries.

    ``view(View.ASSERTED)`` is the data as loaded; ``view(View.ALL)`` adds the graph
    ``ip4g:inferred``. The asserted dataset is never modified by reasoning.
    """

    def __init__(self, asserted: Dataset, inferred: Graph | None = None, *,
                 reasoning: Reasoning = Reasoning.OWLRL, catalog: Catalog | None = None) -> None:
        self.asserted = asserted
        self.inferred = inferred if inferred is not None else Graph()
        self.reasoning = reasoning if inferred is not None else Reasoning.NONE
        self.catalog = catalog if catalog is not None else load_catalog()
        self._full: Dataset | None = None
        self._lock = threading.Lock()

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
    ) -> "KnowledgeGraph":
        """Load (shipped data by default) and reason (OWL 2 RL by default, cached under build/cache).

        ``reasoner="reasonable"`` takes the fast OWL 2 RL path (see :data:`ip4graph.reasoning.REASONERS`).
        """
        asserted = load(paths, ontology=ontology)
        if reasoning is Reasoning.NONE:
            return cls(asserted, None)
        source = reasoning_input(asserted)
        if cache:
            inferred, _ = cached_inferences(source, profile=reasoning, cache_dir=cache_dir, reasoner=reasoner)
        else:
            inferred = compute_inferences(source, profile=reasoning, reasoner=reasoner)
        return cls(asserted, inferred, reasoning=reasoning)

    def view(self, which: View = View.ALL) -> Dataset:
        """The dataset a query sees: asserted only, or asserted plus ``ip4g:inferred``."""
        if which is View.ASSERTED or len(self.inferred) == 0:
            return self.asserted
        with self._lock:
            if self._full is None:
                full = new_dataset()
                for s, p, o, g in self.asserted.quads((None, None, None, None)):
                    full.add((s, p, o, g))
                target = full.graph(GRAPH_INFERRED)
                for t in self.inferred:
                    target.add(t)
                self._full = full
        return self._full

    def invalidate(self) -> None:
        """Forget the combined asserted+inferred view (call after changing ``asserted``).

        The inferred graph is not recomputed: it stays the closure of the data as opened.
        """
        with self._lock:
            self._full = None

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
    ) -> QueryResult:
        """Run a named query (with ``params``) or ad-hoc SPARQL text.

        Federated named queries (``# service: NAME`` in their header) send their
        ``SERVICE`` parts to ``endpoints[NAME]`` (see :mod:`ip4graph.federation`).

        A named query's parameters are converted to RDF terms and bound; ad-hoc
        SPARQL may also take ``params`` (each value must already be an rdflib term,
        or text that is bound as a plain literal).
        """
        given = dict(params or {})
        if _looks_like_sparql(name_or_sparql):
            from rdflib import Literal

            ds = self.view(view or View.ALL)
            bindings = {k: v if isinstance(v, Node) else Literal(str(v)) for k, v in given.items()}
            return execute(ds, name_or_sparql, bindings=bindings, timeout=timeout)
        nq = self.catalog.get(name_or_sparql)
        ds = self.view(view or nq.view)
        bindings = nq.bindings(self.asserted, given)
        text = nq.text
        if federation.is_federated(text):
            text = federation.bind_services(text, endpoints)
        return execute(ds, text, bindings=bindings, timeout=timeout, source=str(nq.path.name))


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
