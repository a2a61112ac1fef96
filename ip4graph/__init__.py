"""ip4graph: a knowledge graph of NATO's partnership with the Indo-Pacific 4.

The library API (no printing, no exiting; errors are :class:`Ip4GraphError`):

>>> import ip4graph
>>> ds = ip4graph.load()                      # ontology + shipped data, asserted only
>>> report = ip4graph.validate(ds)
>>> report.conforms
True
"""

from __future__ import annotations

from .errors import (
    DatasetError,
    EndpointError,
    EntityNotFound,
    ExportError,
    Ip4GraphError,
    Location,
    ParameterError,
    QueryError,
    QueryTimeout,
    ReasoningError,
    SourceError,
    ValidationFailed,
)
from .catalog import View, load_catalog
from .kg import KnowledgeGraph, default_graph, query
from .loader import load
from .results import OutputFormat, QueryResult
from .reasoning import Reasoning, attach_inferences

__version__ = "0.1.0"

#: Names imported on first use (pySHACL is heavy, and a query never needs it).
_LAZY = {
    "Stats": "stats", "compute_stats": "stats",
    "ReportFormat": "validation", "ValidationReport": "validation", "validate": "validation",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ip4graph' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value

__all__ = [
    "DatasetError",
    "EndpointError",
    "EntityNotFound",
    "ExportError",
    "Ip4GraphError",
    "Location",
    "ParameterError",
    "QueryError",
    "QueryTimeout",
    "Reasoning",
    "ReasoningError",
    "ReportFormat",
    "SourceError",
    "Stats",
    "ValidationFailed",
    "ValidationReport",
    "KnowledgeGraph",
    "OutputFormat",
    "QueryResult",
    "View",
    "attach_inferences",
    "default_graph",
    "load_catalog",
    "query",
    "compute_stats",
    "load",
    "validate",
]
