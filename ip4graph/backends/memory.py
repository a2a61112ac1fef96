"""The reference backend: an rdflib :class:`~rdflib.Dataset` in memory (default graph = union).

It is the engine pySHACL and owlrl work on, and the one the other backends are
compared with. The asserted dataset and the inferred graph are kept apart: the view
``asserted`` queries the dataset as loaded, the view ``all`` a copy with
``ip4g:inferred`` added (built once, on first use).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.term import Node

from ..loader import new_dataset
from ..namespaces import GRAPH_INFERRED
from ..results import QueryResult
from . import Quad, iter_quads

#: rdflib parser names by file suffix, for :meth:`MemoryBackend.load_file`.
PARSERS = {".nq": "nquads", ".trig": "trig", ".nt": "nt", ".ttl": "turtle"}


class MemoryBackend:
    """rdflib in memory: the reference semantics the other backends are compared with."""

    name = "memory"

    def __init__(self, dataset: Dataset | None = None, inferred: Graph | None = None) -> None:
        self.dataset = dataset if dataset is not None else new_dataset()
        self.inferred = inferred if inferred is not None else Graph()
        self._full: Dataset | None = None
        self._lock = threading.Lock()

    def load(self, data: Dataset | Iterable[Quad]) -> int:
        graphs: dict[Node | None, Graph] = {}
        n = 0
        for s, p, o, g in iter_quads(data):
            if g is not None and g == GRAPH_INFERRED:
                self.inferred.add((s, p, o))
                n += 1
                continue
            target = graphs.get(g)
            if target is None:
                target = _default_graph(self.dataset) if g is None else self.dataset.graph(g)
                graphs[g] = target
            target.add((s, p, o))
            n += 1
        self._full = None
        return n

    def load_file(self, path: Path) -> None:
        fmt = PARSERS.get(Path(path).suffix.lower(), "nquads")
        if fmt in ("nt", "turtle"):
            _default_graph(self.dataset).parse(path, format=fmt)
        else:
            self.dataset.parse(path, format=fmt)
        inferred = self.dataset.graph(GRAPH_INFERRED)
        if len(inferred):
            for t in inferred:
                self.inferred.add(t)
            self.dataset.remove_graph(GRAPH_INFERRED)
        self._full = None

    def view(self, which: str = "all") -> Dataset:
        """The dataset a query sees: ``asserted`` only, or ``all`` (asserted plus ``ip4g:inferred``)."""
        if which == "asserted" or len(self.inferred) == 0:
            return self.dataset
        with self._lock:
            if self._full is None:
                full = new_dataset()
                for s, p, o, g in self.dataset.quads((None, None, None, None)):
                    full.add((s, p, o, g))
                target = full.graph(GRAPH_INFERRED)
                for t in self.inferred:
                    target.add(t)
                self._full = full
        return self._full

    def query(self, text: str, *, bindings: Mapping[str, Node] | None = None,
              timeout: float | None = None, view: str = "all") -> QueryResult:
        from ..kg import DEFAULT_TIMEOUT, execute

        return execute(self.view(view), text, bindings=bindings,
                       timeout=DEFAULT_TIMEOUT if timeout is None else timeout)

    def quads(self) -> Iterator[tuple[Node, Node, Node, Node | None]]:
        yield from iter_quads(self.dataset)
        for s, p, o in self.inferred:
            yield s, p, o, GRAPH_INFERRED

    def count(self) -> int:
        """Distinct triples: the asserted union plus the inferred graph."""
        return len({t for ctx in self.dataset.graphs() for t in ctx}) + len(self.inferred)

    def clear(self) -> None:
        self.dataset = new_dataset()
        self.inferred = Graph()
        self._full = None

    def close(self) -> None:
        pass


def _default_graph(ds: Dataset) -> Graph:
    """The dataset's default graph (``default_graph`` in rdflib >= 7.5, ``default_context`` before)."""
    return ds.default_graph if hasattr(type(ds), "default_graph") else ds.default_context
