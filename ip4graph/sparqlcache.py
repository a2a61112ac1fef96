"""Parse each SPARQL text once: a cache in front of rdflib's string queries.

pySHACL hands rdflib the *text* of every SPARQL-based constraint for every focus node,
and rdflib parses and translates it anew each time (459 parses of 14 constraints per
validation of the shipped data). :func:`install` wraps rdflib's ``SPARQLProcessor.query``
so that a text already seen (with the same base and namespaces) reuses its translated
algebra, which rdflib evaluates afresh with each call's bindings, as a prepared query is.
Parsing takes :data:`ip4graph.kg.SPARQL_PARSE_LOCK` (rdflib's parser is not thread-safe).

>>> install(); install()   # idempotent
>>> from rdflib import Graph
>>> len(Graph().query("SELECT * WHERE { ?s ?p ?o }"))
0
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

_MAX = 512
_cache: "OrderedDict[tuple[str, str | None, tuple[tuple[str, str], ...]], Any]" = OrderedDict()
_lock = threading.Lock()
_installed = False


def install() -> None:
    """Put the cache in front of rdflib's SPARQL processor (once per process)."""
    global _installed
    with _lock:
        if _installed:
            return
        from rdflib.plugins.sparql import processor

        original = processor.SPARQLProcessor.query

        def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
            if isinstance(strOrQuery, str):
                strOrQuery = _translated(strOrQuery, initNs, base)
            return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

        query.__wrapped__ = original  # type: ignore[attr-defined]
        processor.SPARQLProcessor.query = query  # type: ignore[method-assign]
        _installed = True


def uninstall() -> None:
    """Take the cache away again (the tests compare reports with and without it)."""
    global _installed
    with _lock:
        if not _installed:
            return
        from rdflib.plugins.sparql import processor

        processor.SPARQLProcessor.query = processor.SPARQLProcessor.query.__wrapped__  # type: ignore[attr-defined]
        _cache.clear()
        _installed = False


def _translated(text: str, init_ns: Any, base: str | None) -> Any:
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    from .kg import SPARQL_PARSE_LOCK

    key = (text, base, tuple(sorted((str(k), str(v)) for k, v in (init_ns or {}).items())))
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    with SPARQL_PARSE_LOCK:
        translated = translateQuery(parseQuery(text), base, init_ns)
    with _lock:
        _cache[key] = translated
        if len(_cache) > _MAX:
            _cache.popitem(last=False)
    return translated
