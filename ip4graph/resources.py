"""Where the shipped ontology, shapes, data and queries are.

In a wheel they are packaged under ``ip4graph/_data``; in a source checkout
(editable install) they are read from the repository's ``ontology/`` and ``data/``.
"""

from __future__ import annotations

from pathlib import Path

from .errors import SourceError

_PKG = Path(__file__).resolve().parent


def _root() -> Path:
    packaged = _PKG / "_data"
    if (packaged / "ontology").is_dir():
        return packaged
    repo = _PKG.parent
    if (repo / "ontology").is_dir() and (repo / "data").is_dir():
        return repo
    raise SourceError(
        "cannot find the shipped ontology and data",
        hint="reinstall ip4graph (pip install ip4graph) or run from a source checkout",
    )


def ontology_path() -> Path:
    """The OWL ontology (Turtle)."""
    return _root() / "ontology" / "ip4.ttl"


def shapes_path() -> Path:
    """The SHACL shapes (Turtle)."""
    return _root() / "ontology" / "shapes.ttl"


def data_paths() -> list[Path]:
    """The shipped instance data files (TriG), in a stable order."""
    return sorted((_root() / "data").glob("*.trig"))


def queries_dir() -> Path:
    """The named-query catalog (``.rq`` files shipped as package data)."""
    return _PKG / "queries"


def sources_dir() -> Path | None:
    """The source texts, when run beside the project's ``shared/`` folder (tests only)."""
    for base in (_PKG.parent.parent / "shared" / "sources", _PKG.parent / "shared" / "sources"):
        if base.is_dir():
            return base
    return None
