"""Cheap limits on SPARQL text, checked before any parser sees it.

Both SPARQL parsers the package uses are recursive: rdflib's (pyparsing) hits Python's
recursion limit, and Oxigraph's overflows its native stack and kills the process (a query
of ~3,000 nested ``{ }`` does). A long basic graph pattern also makes rdflib's parser take
minutes. :func:`check_limits` is one linear scan over the text that refuses a query that is
too large, nested too deeply, or has too many triple patterns, naming the limit and where
it was crossed, so that nothing expensive or dangerous ever starts on such a text.

>>> check_limits("SELECT * WHERE { ?s ?p ?o }")
>>> check_limits("SELECT * WHERE " + "{" * 100 + "}" * 100)
Traceback (most recent call last):
...
ip4graph.sparqllimits.QueryLimitError: <query>:1:80: the query nests { } and ( ) deeper than 64 levels (limit max_depth)
hint: flatten the query (fewer nested groups, sub-queries or parentheses)

The scan understands strings (``"..."``, ``'...'``, the long forms), IRIs (``<...>``) and
comments (``# ...``), so braces or dots inside them are not counted.
"""

from __future__ import annotations

from .errors import Location, QueryError

#: Defaults: far above any query of the catalog (largest: 1.5 KB, depth 6, 19 patterns).
MAX_BYTES = 100_000
MAX_DEPTH = 64
MAX_PATTERNS = 64


class QueryLimitError(QueryError):
    """A query exceeds one of the cheap limits; ``limit`` names it (``max_bytes``, ``max_depth``, ``max_patterns``)."""

    def __init__(self, message: str, *, limit: str, value: int, location: Location, hint: str) -> None:
        super().__init__(message, location=location, hint=hint)
        self.limit = limit
        self.value = value


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``."""
    line = text.count("\n", 0, index) + 1
    start = text.rfind("\n", 0, index) + 1
    return line, index - start + 1


_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-:%")


def check_limits(
    text: str | bytes,
    *,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    max_patterns: int = MAX_PATTERNS,
    source: str = "<query>",
) -> None:
    """Refuse ``text`` if it is larger, deeper or has more triple patterns than the limits.

    Runs in time linear in the text and never recurses. Triple patterns are counted as the
    ``.``, ``;`` and ``,`` separators between triples inside ``{ }`` (outside parentheses and
    literals) plus one per group: an upper bound that a real query cannot evade by layout.
    Works on query and update text alike.

    Raises:
        QueryLimitError: names the limit, the value reached and the line and column where
            the limit was crossed (for ``max_bytes``: the byte count, position 1:1).
    """
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise QueryLimitError(
            f"the query is {size} bytes long, more than {max_bytes} (limit max_bytes)",
            limit="max_bytes", value=size, location=Location(source, 1, 1),
            hint="send a shorter query (use VALUES or named graphs instead of inlining data)",
        )
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    depth = 0
    braces = 0  # how many of the open groups are { } (triple separators count only inside them)
    stack: list[str] = []
    patterns = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if c in "\"'":
            long = text.startswith(c * 3, i)
            quote = c * 3 if long else c
            j = i + len(quote)
            while j < n:
                if text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(quote, j):
                    break
                if not long and text[j] == "\n":
                    break
                j += 1
            i = j + len(quote)
            continue
        if c == "<":
            # An IRI if it closes before any whitespace; otherwise the "less than" operator.
            j = i + 1
            while j < n and text[j] not in "<>\"{}|^`\\ \t\r\n":
                j += 1
            if j < n and text[j] == ">":
                i = j + 1
                continue
        elif c in "{(":
            depth += 1
            stack.append(c)
            if c == "{":
                braces += 1
                patterns += 1
            if depth > max_depth:
                line, col = _position(text, i)
                raise QueryLimitError(
                    f"the query nests {{ }} and ( ) deeper than {max_depth} levels (limit max_depth)",
                    limit="max_depth", value=depth, location=Location(source, line, col),
                    hint="flatten the query (fewer nested groups, sub-queries or parentheses)",
                )
        elif c in "})":
            if stack:
                if stack.pop() == "{":
                    braces -= 1
                depth -= 1
        elif c in ".;," and braces and (not stack or stack[-1] == "{"):
            separator = True
            if c == ".":
                before = text[i - 1] if i else " "
                after = text[i + 1] if i + 1 < n else " "
                if after.isdigit() or (before in _NAME_CHARS and after in _NAME_CHARS):
                    separator = False  # a decimal (1.5, .5) or a dot inside a prefixed name (ex:a.b)
            if separator:
                patterns += 1
                if patterns > max_patterns:
                    line, col = _position(text, i)
                    raise QueryLimitError(
                        f"the query has more than {max_patterns} triple patterns (limit max_patterns)",
                        limit="max_patterns", value=patterns, location=Location(source, line, col),
                        hint="split the query, or use VALUES for lists of terms",
                    )
        i += 1


__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_PATTERNS", "QueryLimitError", "check_limits"]
