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
from .stats import Stats, compute_stats
from .validation import ReportFormat, ValidationReport, validate

__version__ = "0.1.0"

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
