"""Find where a quad came from: the data file and the line that holds it.

Validation works on the merged dataset; to tell an analyst *where* to fix a problem,
:class:`SourceMap` re-reads the data files one by one (only when a problem needs a
location) and looks for the line of the triple inside its graph block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Literal, URIRef

from .errors import Ip4GraphError, Location
from .loader import new_dataset, parse_file
from .namespaces import PREFIXES


def tokens(term: object) -> list[str]:
    """The ways ``term`` may be written in a Turtle/TriG file: CURIEs and ``<iri>``."""
    if isinstance(term, URIRef):
        out = [f"<{term}>"]
        for prefix, ns in PREFIXES.items():
            if str(term).startswith(str(ns)):
                local = str(term)[len(str(ns)):]
                if local:
                    out.insert(0, f"{prefix}:{local}")
        if str(term) == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type":
            out.append(" a ")
        return out
    if isinstance(term, str) and not isinstance(term, (URIRef, Literal)):
        return [term]
    if isinstance(term, Literal):
        text = str(term)
        return [text[:40]] if text else []
    return []


def _pattern(token: str) -> re.Pattern[str]:
    if token.startswith("<") or token == " a " or not re.fullmatch(r"[A-Za-z][\w.-]*:\S*", token):
        return re.compile(re.escape(token))
    # a CURIE ends where a name character does not follow
    return re.compile(r"(?<![\w:/#-])" + re.escape(token) + r"(?![\w-]|\.[\w-])")


@dataclass(frozen=True, slots=True)
class Hit:
    """Where a term was found."""

    file: Path
    line: int

    def location(self) -> Location:
        return Location(str(self.file), self.line)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class SourceMap:
    """Which file holds which quad, and on which line, for a list of data files."""

    def __init__(self, files: Sequence[Path]) -> None:
        self.files = [Path(f) for f in files]
        self._quads: dict[Path, set[tuple[object, object, object, object]]] = {}
        self._lines: dict[Path, list[str]] = {}

    def _load(self, f: Path) -> set[tuple[object, object, object, object]]:
        if f not in self._quads:
            ds = new_dataset()
            try:
                parse_file(f, into=ds)
            except Ip4GraphError:
                self._quads[f] = set()
                return self._quads[f]
            self._quads[f] = {(s, p, o, g) for s, p, o, g in ds.quads((None, None, None, None))}
            self._lines[f] = f.read_text(encoding="utf-8", errors="replace").splitlines()
        return self._quads[f]

    def files_with(self, s: object, p: object, o: object, g: object) -> list[Path]:
        """The files holding the quad (blank nodes match any blank node)."""
        out = []
        for f in self.files:
            quads = self._load(f)
            if isinstance(s, BNode) or isinstance(o, BNode):
                found = any(
                    (qp == p) and (qg == g or g is None)
                    and (qs == s or (isinstance(s, BNode) and isinstance(qs, BNode)))
                    and (qo == o or (isinstance(o, BNode) and isinstance(qo, BNode)))
                    for qs, qp, qo, qg in quads
                )
            elif g is None:
                found = any(q[:3] == (s, p, o) for q in quads)
            else:
                found = (s, p, o, g) in quads
            if found:
                out.append(f)
        return out

    def line_of(self, f: Path, graph: object, *keys: object) -> int | None:
        """The line of the first of ``keys`` (terms, most specific first) inside ``graph``'s block."""
        self._load(f)
        lines = self._lines.get(f, [])
        blocks: list[tuple[int, int]] = []
        if isinstance(graph, URIRef):
            for tok in tokens(graph):
                pat = re.compile(_pattern(tok).pattern + r"\s*\{")
                for i, ln in enumerate(lines):
                    if pat.search(ln):
                        close = next((j + 1 for j in range(i, len(lines))
                                      if lines[j].rstrip().endswith("}") or lines[j].lstrip().startswith("}")),
                                     len(lines))
                        blocks.append((i, close))
                if blocks:
                    break
        for lo, hi in [*blocks, (0, len(lines))]:
            for key in keys:
                for tok in tokens(key):
                    pat = _pattern(tok)
                    # a line that starts with the term (where it is described) first, then any mention
                    lead = re.compile(r"^\s*(?:\[\]\s*)?" + pat.pattern)
                    for test in (lead, pat):
                        for i in range(lo, hi):
                            if test.search(lines[i]) and not lines[i].lstrip().startswith("#"):
                                return i + 1
        return blocks[0][0] + 1 if blocks else None

    def find(self, s: object, p: object, o: object, g: object, *keys: object) -> Hit | None:
        """File and line of the quad ``(s, p, o, g)``, looking for ``keys`` on the line."""
        for f in self.files_with(s, p, o, g):
            line = self.line_of(f, g, *(keys or (p, s, o)))
            if line is not None:
                return Hit(f, line)
            return Hit(f, 1)
        return None

    def find_term(self, graph: object, term: object) -> Hit | None:
        """The first line of any file where ``term`` is written inside ``graph``'s block (any graph if None)."""
        for f in self.files:
            self._load(f)
            if graph is None and not any(q[0] == term or q[2] == term for q in self._quads.get(f, ())):
                continue
            line = self.line_of(f, graph, term)
            if line is not None and any(_pattern(t).search(self._lines[f][line - 1]) for t in tokens(term)) \
                    and not self._lines[f][line - 1].lstrip().startswith("#"):
                return Hit(f, line)
        return None
