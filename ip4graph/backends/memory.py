"""The default backend: an rdflib :class:`~rdflib.Dataset` in memory (default graph = union)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.term import Node

from ..kg import DEFAULT_TIMEOUT, execute
from ..loader import new_dataset
from ..results import QueryResult
from . import Quad, iter_quads

#: rdflib parser names by file suffix, for :meth:`MemoryBackend.load_file`.
PARSERS = {".nq": "nquads", ".trig": "trig", ".nt": "nt", ".ttl": "turtle"}


class MemoryBackend:
    """rdflib in memory: the reference semantics the other backends are compared with."""

    name = "memory"

    def __init__(self, dataset: Dataset | None = None) -> None:
        self.dataset = dataset if dataset is not None else new_dataset()

    def load(self, data: Dataset | Iterable[Quad]) -> int:
        graphs: dict[Node | None, Graph] = {}
        n = 0
        for s, p, o, g in iter_quads(data):
            target = graphs.get(g)
            if target is None:
                target = _default_graph(self.dataset) if g is None else self.dataset.graph(g)
                graphs[g] = target
            target.add((s, p, o))
            n += 1
        return n

    def load_file(self, path: Path) -> None:
        fmt = PARSERS.get(Path(path).suffix.lower(), "nquads")
        if fmt in ("nt", "turtle"):
            _default_graph(self.dataset).parse(path, format=fmt)
        else:
            self.dataset.parse(path, format=fmt)

    def query(self, text: str, *, bindings: Mapping[str, Node] | None = None,
              timeout: float | None = DEFAULT_TIMEOUT) -> QueryResult:
        return execute(self.dataset, text, bindings=bindings, timeout=timeout)

    def count(self) -> int:
        """Distinct triples in the union default graph."""
        return len({t for ctx in self.dataset.graphs() for t in ctx})

    def clear(self) -> None:
        self.dataset = new_dataset()

    def close(self) -> None:
        pass


def _default_graph(ds: Dataset) -> Graph:
    """The dataset's default graph (``default_graph`` in rdflib >= 7.5, ``default_context`` before)."""
    return ds.default_graph if hasattr(type(ds), "default_graph") else ds.default_context
