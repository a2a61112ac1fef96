"""Load the ontology and data into an rdflib :class:`~rdflib.Dataset`.

Everything is parsed into a fresh dataset, and blank nodes are then relabelled by
their content (:mod:`ip4graph.skolem`), so that two loads of the same files give the
same blank nodes on every backend. If any file fails, a
:class:`~ip4graph.errors.SourceError` naming the file, line and column is raised
and nothing of the partial load is returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from . import resources
from .errors import Location, SourceError
from .namespaces import GRAPH_ONTOLOGY, bind_prefixes
from .skolem import relabel

#: File suffix -> rdflib parser name. Quad formats keep their named graphs.
FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".trig": "trig",
    ".nt": "nt",
    ".nq": "nquads",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}
QUAD_FORMATS = frozenset({"trig", "nquads", "json-ld"})

PathLikeStr = str | PathLike[str]


def new_dataset() -> Dataset:
    """An empty dataset whose default graph is the union of its named graphs."""
    ds = Dataset(default_union=True)
    bind_prefixes(ds)
    return ds


def _location_of(exc: BadSyntax, path: Path) -> tuple[Location, str | None]:
    text = exc._str  # noqa: SLF001 - rdflib keeps the parsed text here
    data = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    raw_bytes = text if isinstance(text, bytes) else data.encode("utf-8")
    index = exc._i if exc._i >= 0 else len(raw_bytes)  # noqa: SLF001
    before = raw_bytes[:index].decode("utf-8", "replace")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    lines = data.splitlines()
    excerpt = None
    if 0 < line <= len(lines):
        excerpt = f"  {lines[line - 1]}\n  {' ' * (column - 1)}^"
    return Location(str(path), line, column), excerpt


def parse_file(path: PathLikeStr, *, into: Dataset, graph: URIRef | None = None) -> None:
    """Parse one RDF file into ``into``.

    Quad formats (TriG, N-Quads, JSON-LD) keep their graphs; triple formats go to
    ``graph`` (default: a graph named after the file's URI).

    Raises:
        SourceError: the file is missing, has an unknown suffix or is malformed.
    """
    p = Path(path)
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise SourceError(
            f"unknown RDF file type {p.suffix!r}",
            location=Location(str(p)),
            hint=f"use one of: {', '.join(sorted(FORMATS))}",
        )
    if not p.is_file():
        raise SourceError("file not found", location=Location(str(p)), hint="check the path")
    if fmt == "json-ld":
        _refuse_remote_context(p)
    try:
        if fmt in QUAD_FORMATS:
            into.parse(p, format=fmt, publicID=p.resolve().as_uri())
        else:
            target = into.graph(graph if graph is not None else URIRef(p.resolve().as_uri()))
            target.parse(p, format=fmt)
    except BadSyntax as exc:
        location, excerpt = _location_of(exc, p)
        raise SourceError(
            f"{fmt} syntax error: {exc._why}",  # noqa: SLF001
            location=location,
            excerpt=excerpt,
            hint="fix the file at that position; nothing was loaded",
        ) from exc
    except (SyntaxError, ValueError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        col = getattr(exc, "offset", None)
        raise SourceError(
            f"{fmt} parse error: {exc}",
            location=Location(str(p), line, col),
            hint="fix the file; nothing was loaded",
        ) from exc
    except Exception as exc:  # rdflib raises many kinds of errors for bad input
        raise SourceError(
            f"{fmt} parse error: {type(exc).__name__}: {exc}",
            location=Location(str(p)),
            hint="fix the file; nothing was loaded",
        ) from exc


def _remote_contexts(node: object) -> list[str]:
    """Every ``@context`` (at any depth) given as a URL rather than inline."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                for c in value if isinstance(value, list) else [value]:
                    if isinstance(c, str):
                        found.append(c)
                    else:
                        found += _remote_contexts(c)
            else:
                found += _remote_contexts(value)
    elif isinstance(node, list):
        for item in node:
            found += _remote_contexts(item)
    return found


def _refuse_remote_context(p: Path) -> None:
    """Loading never touches the network: a JSON-LD file whose ``@context`` is a URL is refused."""
    import json

    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        col = getattr(exc, "colno", None)
        raise SourceError(f"json-ld parse error: {exc}", location=Location(str(p), line, col),
                          hint="fix the file; nothing was loaded") from exc
    remote = _remote_contexts(doc)
    if remote:
        raise SourceError(
            f"the JSON-LD @context is a URL ({remote[0]}); loading never fetches anything from the network",
            location=Location(str(p)),
            hint="put the context inline in the file (ip4graph export --format jsonld writes it inline), "
                 "or convert the file to TriG first",
        )


def load(
    paths: Iterable[PathLikeStr] | None = None,
    *,
    ontology: PathLikeStr | None | bool = True,
) -> Dataset:
    """Load ontology and data into a new :class:`rdflib.Dataset` (default graph = union).

    Args:
        paths: data files to load; ``None`` loads the shipped data (``data/*.trig``).
        ontology: ``True`` loads the shipped ontology into ``ip4g:ontology``,
            a path loads that file there instead, ``False``/``None`` loads none.

    Raises:
        SourceError: a file is missing or malformed (with file, line and column).

    >>> ds = load()
    >>> len(ds) > 1000
    True
    """
    ds = new_dataset()
    if ontology is True:
        parse_file(resources.ontology_path(), into=ds, graph=GRAPH_ONTOLOGY)
    elif ontology:
        parse_file(ontology, into=ds, graph=GRAPH_ONTOLOGY)  # type: ignore[arg-type]
    files = resources.data_paths() if paths is None else [Path(p) for p in paths]
    for f in files:
        parse_file(f, into=ds)
    return relabel(ds)


def load_graph(path: PathLikeStr) -> Graph:
    """Parse one triple file (e.g. SHACL shapes) into a plain graph."""
    ds = new_dataset()
    g = URIRef("urn:ip4graph:tmp")
    parse_file(path, into=ds, graph=g)
    out = Graph()
    bind_prefixes(out)
    for t in ds.graph(g):
        out.add(t)
    return out
