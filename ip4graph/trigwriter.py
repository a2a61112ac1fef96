"""A small deterministic TriG writer for the files ip4graph generates.

rdflib's serializer names blank nodes at random and orders statements by hash: a file
generated twice differs as text. This writer sorts graphs, subjects and objects, and
writes a blank node used once as an object inline (``[ ... ]``), so the same data gives
the same text (and generated files diff cleanly in git).
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF

from .namespaces import PREFIXES

_EXTRA = {"oa": "http://www.w3.org/ns/oa#"}


def _prefixes() -> dict[str, str]:
    out = {k: str(v) for k, v in PREFIXES.items()}
    out.update(_EXTRA)
    return out


def _iri(term: URIRef, used: set[str]) -> str:
    text = str(term)
    for prefix, ns in _prefixes().items():
        if text.startswith(ns):
            local = text[len(ns):]
            if local and all(c.isalnum() or c in "-_" for c in local) and not local[0] in "-":
                used.add(prefix)
                return f"{prefix}:{local}"
    return f"<{text}>"


def _literal(term: Literal, used: set[str]) -> str:
    if term.datatype is not None and term.datatype.endswith("#integer") and str(term).lstrip("-").isdigit():
        return str(term)
    if term.datatype is not None and term.datatype.endswith("#boolean") and str(term) in ("true", "false"):
        return str(term)
    body = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    out = f'"{body}"'
    if term.language:
        return f"{out}@{term.language}"
    if term.datatype is not None:
        return f"{out}^^{_iri(term.datatype, used)}"
    return out


def _sort_key(term: object) -> tuple[int, str]:
    if isinstance(term, URIRef):
        return (0, str(term))
    if isinstance(term, Literal):
        return (1, f"{term.datatype or ''}|{term.language or ''}|{term}")
    return (2, "")


class _Writer:
    def __init__(self, graph: Graph, used: set[str]) -> None:
        self.g = graph
        self.used = used
        refs: dict[BNode, int] = {}
        for _, _, o in graph:
            if isinstance(o, BNode):
                refs[o] = refs.get(o, 0) + 1
        self.inline = {b for b, n in refs.items() if n == 1}
        self.refs = refs
        shared = sorted((b for b, n in refs.items() if n > 1), key=self.content_key)
        self.labels = {b: f"b{i}" for i, b in enumerate(shared, 1)}

    def term(self, t: object, depth: int) -> str:
        if isinstance(t, URIRef):
            return _iri(t, self.used)
        if isinstance(t, Literal):
            return _literal(t, self.used)
        if isinstance(t, BNode) and t in self.inline:
            return "[ " + self.body(t, depth + 1, inline=True) + " ]"
        return f"_:{self.labels.get(t, t)}"

    def content_key(self, t: object) -> str:
        """Blank nodes sort by what they say, so the order does not depend on their ids."""
        if isinstance(t, BNode):
            return "~" + " ".join(sorted(f"{p}={self.content_key(o) if o != t else '~'}"
                                         for p, o in self.g.predicate_objects(t)))
        return f"{_sort_key(t)}"

    def body(self, s: object, depth: int, *, inline: bool = False) -> str:
        parts = []
        preds = sorted(set(self.g.predicates(s)), key=lambda p: (p != RDF.type, str(p)))
        for p in preds:
            objs = sorted(self.g.objects(s, p), key=self.content_key)
            name = "a" if p == RDF.type else _iri(p, self.used)
            parts.append(f"{name} " + " , ".join(self.term(o, depth) for o in objs))
        sep = " ; " if inline else " ;\n" + "    " * (depth + 1)
        return sep.join(parts)

    def subjects(self) -> list[object]:
        subs = {s for s in self.g.subjects() if not (isinstance(s, BNode) and s in self.inline)}
        return sorted(subs, key=lambda s: (isinstance(s, BNode), self.content_key(s)))


def write_trig(ds: Dataset | Iterable[tuple[URIRef, Graph]], *, header: Iterable[str] = ()) -> str:
    """Deterministic TriG text of the named graphs of ``ds`` (default graph not written)."""
    graphs: list[tuple[URIRef, Graph]]
    if isinstance(ds, Dataset):
        graphs = [(c.identifier, c) for c in ds.graphs() if len(c) and isinstance(c.identifier, URIRef)
                  and str(c.identifier) != "urn:x-rdflib:default"]
    else:
        graphs = list(ds)
    used: set[str] = set()
    blocks = []
    for gid, g in sorted(graphs, key=lambda x: str(x[0])):
        w = _Writer(g, used)
        lines = [f"{_iri(gid, used)} {{"]
        for s in w.subjects():
            if isinstance(s, BNode):
                lines.append("    []" if s not in w.refs else f"    _:{w.labels.get(s, s)}")
            else:
                lines.append("    " + w.term(s, 0))
            lines[-1] = f"{lines[-1]} {w.body(s, 1)} ."
        lines.append("}")
        blocks.append("\n".join(lines))
    prefixes = _prefixes()
    head = "".join(f"# {h}\n" for h in header)
    head += "".join(f"@prefix {p}: <{prefixes[p]}> .\n" for p in sorted(used))
    return head + "\n" + "\n\n".join(blocks) + "\n"
