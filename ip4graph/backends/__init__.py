"""Storage and query backends: the same named queries on rdflib, Oxigraph or a remote SPARQL endpoint.

=========  ===============================================================  ======================
name       what                                                             options
=========  ===============================================================  ======================
memory     rdflib :class:`~rdflib.Dataset` in memory (the reference)        —
oxigraph   embedded Oxigraph (pyoxigraph; the default), on disk with        ``path``
           ``path`` (``ip4graph build`` compiles one under ``build/store``)
sparql     any SPARQL 1.1 endpoint (query + update, or a bulk loader)       ``endpoint``, ...
=========  ===============================================================  ======================

The backend is chosen by name, from an option or ``$IP4GRAPH_BACKEND``
(:func:`get_backend`). Every backend answers :meth:`Backend.query` with an
:class:`ip4graph.results.QueryResult`, binds parameters as RDF terms (never pasted),
and gives queries the same dataset: the default graph is the *set* union of the named
graphs (a triple found in two graphs is seen once), and ``GRAPH ?g`` ranges over
the named graphs.

>>> from ip4graph.backends import get_backend
>>> from rdflib import URIRef
>>> b = get_backend("oxigraph")
>>> x = URIRef("https://w3id.org/ip4graph/id/x")
>>> b.load([(x, URIRef("https://w3id.org/ip4graph/ontology#memberOf"), URIRef("https://w3id.org/ip4graph/id/ip4"),
...          URIRef("https://w3id.org/ip4graph/claim/c1"))])
1
>>> [r.m for r in b.query("SELECT ?m WHERE { ?m ip4:memberOf ?g }", bindings={"g": URIRef("https://w3id.org/ip4graph/id/ip4")})]
[rdflib.term.URIRef('https://w3id.org/ip4graph/id/x')]
>>> b.close()
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Protocol, runtime_checkable

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from ..errors import Ip4GraphError
from ..results import QueryResult

#: Environment variable naming the backend when no option is given.
ENV_BACKEND = "IP4GRAPH_BACKEND"
#: Environment variables for the remote backend.
ENV_ENDPOINT = "IP4GRAPH_SPARQL_ENDPOINT"
ENV_UPDATE_ENDPOINT = "IP4GRAPH_SPARQL_UPDATE_ENDPOINT"
ENV_USER = "IP4GRAPH_SPARQL_USER"
ENV_PASSWORD = "IP4GRAPH_SPARQL_PASSWORD"
#: Environment variable for the Oxigraph store directory.
ENV_OXIGRAPH_PATH = "IP4GRAPH_OXIGRAPH_PATH"

BACKENDS = ("memory", "oxigraph", "sparql")
DEFAULT_BACKEND = "oxigraph"

Quad = tuple[Node, Node, Node, Node | None]


class BackendError(Ip4GraphError):
    """A backend cannot be created, loaded or queried."""


@runtime_checkable
class Backend(Protocol):
    """What every backend offers."""

    name: str

    def load(self, data: Dataset | Iterable[Quad]) -> int:
        """Add quads (or every quad of an rdflib Dataset); returns how many were given."""

    def load_file(self, path: Path) -> None:
        """Bulk-load an N-Quads, TriG, N-Triples or Turtle file (the fast path of each engine)."""

    def query(self, text: str, *, bindings: Mapping[str, Node] | None = None,
              timeout: float | None = None, view: str = "all") -> QueryResult:
        """Run SPARQL; ``bindings`` are bound as RDF terms; ``view`` is ``all`` or ``asserted``."""

    def quads(self) -> Iterable[Quad]:
        """Every stored quad (``ip4g:inferred`` included; no engine-internal copies)."""

    def count(self) -> int:
        """Number of distinct quads stored (the dataset as loaded, without engine copies)."""

    def clear(self) -> None:
        """Remove everything."""

    def close(self) -> None:
        """Release the store (files stay on disk for a persistent store)."""


def iter_quads(data: Dataset | Graph | Iterable[Quad]) -> Iterator[Quad]:
    """Quads from a Dataset (every named graph), a Graph (its identifier) or an iterable."""
    if isinstance(data, Dataset):
        for s, p, o, g in data.quads((None, None, None, None)):
            gid = g.identifier if isinstance(g, Graph) else g
            if gid is not None and str(gid) == "urn:x-rdflib:default":
                gid = None
            yield s, p, o, gid
    elif isinstance(data, Graph):
        gid = data.identifier if isinstance(data.identifier, URIRef) else None
        for s, p, o in data:
            yield s, p, o, gid
    else:
        for q in data:
            if len(q) == 3:
                yield q[0], q[1], q[2], None
            else:
                yield q[0], q[1], q[2], q[3]


def backend_name(name: str | None = None) -> str:
    """The chosen backend: ``name``, else ``$IP4GRAPH_BACKEND``, else ``oxigraph``."""
    chosen = (name or os.environ.get(ENV_BACKEND) or DEFAULT_BACKEND).strip().lower()
    if chosen not in BACKENDS:
        raise BackendError(f"unknown backend {chosen!r}", hint=f"choose one of: {', '.join(BACKENDS)}")
    return chosen


def get_backend(name: str | None = None, **options: object) -> Backend:
    """Create a backend by name (or from ``$IP4GRAPH_BACKEND``).

    Options: ``oxigraph``: ``path`` (a directory; in memory when absent, default
    ``$IP4GRAPH_OXIGRAPH_PATH``). ``sparql``: ``endpoint`` (default
    ``$IP4GRAPH_SPARQL_ENDPOINT``), ``update_endpoint``, ``user``, ``password``,
    ``dialect`` (``generic`` or ``virtuoso``), ``union_graph``, ``bulk_loader``.
    """
    chosen = backend_name(name)
    if chosen == "memory":
        from .memory import MemoryBackend

        return MemoryBackend(**options)  # type: ignore[arg-type]
    if chosen == "oxigraph":
        from .oxigraph import OxigraphBackend

        if "path" not in options and os.environ.get(ENV_OXIGRAPH_PATH):
            options["path"] = Path(os.environ[ENV_OXIGRAPH_PATH])
        return OxigraphBackend(**options)  # type: ignore[arg-type]
    from .sparql import SparqlBackend

    for key, env in (("endpoint", ENV_ENDPOINT), ("update_endpoint", ENV_UPDATE_ENDPOINT),
                     ("user", ENV_USER), ("password", ENV_PASSWORD)):
        if options.get(key) is None and os.environ.get(env):
            options[key] = os.environ[env]
    if not options.get("endpoint"):
        raise BackendError("the sparql backend needs an endpoint URL",
                           hint=f"pass --endpoint URL or set {ENV_ENDPOINT}")
    return SparqlBackend(**options)  # type: ignore[arg-type]


__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "ENV_BACKEND",
    "ENV_ENDPOINT",
    "Backend",
    "BackendError",
    "Quad",
    "backend_name",
    "get_backend",
    "iter_quads",
]
