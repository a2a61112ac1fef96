"""Bind query parameters as RDF terms in SPARQL text: a ``VALUES`` block in the outermost WHERE group.

rdflib takes initial bindings (``initBindings``); a remote endpoint and Oxigraph do not
(pyoxigraph's ``substitutions`` only accepts projected variables). So a parameter becomes
a one-row ``VALUES`` block placed right after the ``{`` that opens the query's outermost
WHERE group, where every FILTER, OPTIONAL and FILTER NOT EXISTS of that group sees it.
Values are rdflib terms serialised with ``term.n3()`` (escaped IRIs and literals, with
their datatype or language), so a value is never pasted as SPARQL syntax.

>>> from rdflib import Literal, URIRef
>>> print(bind_values("SELECT ?m WHERE { ?m <http://x/memberOf> ?g }", {"g": URIRef("http://x/ip4")}))
SELECT ?m WHERE { VALUES ?g { <http://x/ip4> } ?m <http://x/memberOf> ?g }
>>> bind_values('SELECT * { ?s ?p ?o FILTER(?o = ?t) }', {"t": Literal('say "hi"')})
'SELECT * { VALUES ?t { "say \\\\"hi\\\\"" } ?s ?p ?o FILTER(?o = ?t) }'
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..errors import QueryError
from ..namespaces import PREFIXES

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _skip_string(text: str, i: int) -> int:
    """Index just after the string literal starting at ``text[i]``."""
    quote = text[i]
    if text.startswith(quote * 3, i):
        end = text.find(quote * 3, i + 3)
        while end != -1 and _escaped(text, end):
            end = text.find(quote * 3, end + 1)
        if end == -1:
            raise QueryError("unterminated long string in the query")
        return end + 3
    j = i + 1
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == quote:
            return j + 1
        if c in "\r\n":
            break
        j += 1
    raise QueryError("unterminated string in the query")


def _escaped(text: str, i: int) -> bool:
    n = 0
    while i - 1 - n >= 0 and text[i - 1 - n] == "\\":
        n += 1
    return n % 2 == 1


def tokens(text: str):
    """Yield ``(kind, start, end)`` for the parts of a query that matter here.

    Kinds: ``word`` (keywords, prefixed-name parts), ``{``, ``}``, ``(``, ``)``; strings,
    IRIs, comments and variables are skipped.
    """
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j == -1 else j + 1
        elif c in "\"'":
            i = _skip_string(text, i)
        elif c == "<":
            m = _IRIREF.match(text, i)
            i = m.end() if m else i + 1
        elif c in "?$":
            m = _WORD.match(text, i + 1)
            i = m.end() if m else i + 1
        elif c in "{}()":
            yield c, i, i + 1
            i += 1
        elif c.isalpha() or c == "_":
            m = _WORD.match(text, i)
            assert m is not None
            # prefixed names (ip4:Agreement) are not keywords
            end = m.end()
            if end < n and text[end] == ":":
                m2 = re.compile(r":[^\s{}()<>\"',;.]*").match(text, end)
                i = m2.end() if m2 else end + 1
                continue
            yield "word", i, end
            i = end
        else:
            i += 1


def where_brace(text: str) -> int:
    """Index of the ``{`` that opens the outermost WHERE group of a query.

    Raises :class:`QueryError` for updates and for text with no WHERE group.
    """
    depth_brace = depth_paren = 0
    form: str | None = None
    groups_seen = 0
    for kind, start, end in tokens(text):
        if kind == "word":
            word = text[start:end].upper()
            if depth_brace == 0 and depth_paren == 0:
                if word in {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"} and form is None:
                    form = word
                elif word in {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"} and form is None:
                    raise QueryError("parameters can only be bound in queries, not in updates")
                elif word == "WHERE" and form is not None:
                    form = "WHERE"
        elif kind == "(":
            depth_paren += 1
        elif kind == ")":
            depth_paren -= 1
        elif kind == "{":
            if depth_brace == 0 and depth_paren == 0 and form is not None:
                # CONSTRUCT { template } { pattern }: the first group is the template
                if form == "CONSTRUCT" and groups_seen == 0:
                    groups_seen += 1
                    depth_brace += 1
                    continue
                return start
            depth_brace += 1
        elif kind == "}":
            depth_brace -= 1
    raise QueryError("cannot find the query's WHERE group to bind parameters in")


def values_block(bindings: Mapping[str, Node]) -> str:
    """``VALUES ?a { <iri> } VALUES ?b { "lit"@en }``: one single-row block per bound variable.

    One block per variable, not ``VALUES (?a ?b) { (...) }``: the join is the same, and
    Virtuoso 7.2's SPARQL compiler fails on the multi-variable form (error SP031).
    """
    names, terms = [], []
    for name, term in bindings.items():
        if not _NAME.match(name):
            raise QueryError(f"{name!r} is not a SPARQL variable name")
        if isinstance(term, BNode) or not isinstance(term, (URIRef, Literal)):
            raise QueryError(f"parameter {name!r}: only IRIs and literals can be bound, not {type(term).__name__}")
        names.append(f"?{name}")
        terms.append(term.n3())
    return " ".join(f"VALUES {n} {{ {t} }}" for n, t in zip(names, terms))


def values_rows(name: str, terms: list[Node]) -> str:
    """``VALUES ?name { t1 t2 ... }``: one variable bound to many IRIs or literals (each from its term)."""
    if not _NAME.match(name):
        raise QueryError(f"{name!r} is not a SPARQL variable name")
    for term in terms:
        if isinstance(term, BNode) or not isinstance(term, (URIRef, Literal)):
            raise QueryError(f"only IRIs and literals can be bound, not {type(term).__name__}")
    return f"VALUES ?{name} {{ {' '.join(t.n3() for t in terms)} }}"


def bind_values(text: str, bindings: Mapping[str, Node] | None) -> str:
    """``text`` with ``bindings`` as a VALUES block first in its outermost WHERE group."""
    if not bindings:
        return text
    at = where_brace(text)
    return f"{text[: at + 1]} {values_block(bindings)}{text[at + 1 :]}"


def with_limit(text: str, *, limit: int | None = None, offset: int | None = None) -> str:
    """``text`` with ``LIMIT``/``OFFSET`` appended to its outermost query (numbers, never text).

    Raises:
        QueryError: the query already has its own top-level LIMIT or OFFSET.
    """
    if limit is None and offset is None:
        return text
    for name, value in (("limit", limit), ("offset", offset)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise QueryError(f"{name} must be a whole number >= 0, not {value!r}")
    depth = 0
    for kind, start, end in tokens(text):
        if kind in "{(":
            depth += 1
        elif kind in "})":
            depth -= 1
        elif kind == "word" and depth == 0 and text[start:end].upper() in ("LIMIT", "OFFSET"):
            raise QueryError("the query has its own LIMIT or OFFSET",
                             hint="drop --limit/--offset, or the query's own LIMIT/OFFSET")
    tail = (f"\nLIMIT {int(limit)}" if limit is not None else "") + (f"\nOFFSET {int(offset)}" if offset is not None else "")
    return text.rstrip() + tail + "\n"


def prefix_header(prefixes: Mapping[str, object] | None = None) -> str:
    """``PREFIX`` lines for the predeclared prefixes (a query may redeclare any of them)."""
    items = (prefixes or PREFIXES).items()
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in items)


__all__ = ["bind_values", "prefix_header", "values_block", "values_rows", "where_brace", "with_limit"]
