"""Compare two versions of the data: claims added, removed and changed, and the triples of each.

The review step before a release (``ip4graph diff OLD NEW``). Each side is a data
directory (every RDF file under it), one file, or a git revision of the project
(``git:REV``, e.g. ``git:HEAD~1`` or ``git:v1.0``: the ``data/`` folder at that revision).
Blank nodes are compared by content (graphs are canonicalised before comparing), so a
reserialised file with new blank-node ids shows no change.
"""

from __future__ import annotations

import html
import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_canonical_graph
from rdflib.namespace import OWL, PROV, RDF

from .errors import Location, SourceError
from .rules import OA
from .loader import FORMATS, load
from .namespaces import GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_PROVENANCE, IP4, PREFIXES
from .terms import curie


class DiffFormat(str, Enum):
    """How ``ip4graph diff`` prints the comparison."""

    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"


@dataclass
class ClaimChange:
    """One claim that was added, removed or changed."""

    claim: str
    status: str  # added | removed | changed
    source: str | None
    paragraph: str | None
    quote: str | None
    old_quote: str | None = None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    provenance_added: list[str] = field(default_factory=list)
    provenance_removed: list[str] = field(default_factory=list)


@dataclass
class GraphChange:
    """Triples added to or removed from a graph that is not a claim (entities, links)."""

    graph: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class DataDiff:
    """The whole comparison."""

    old: str
    new: str
    claims: list[ClaimChange] = field(default_factory=list)
    graphs: list[GraphChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.claims and not self.graphs

    def counts(self) -> dict[str, int]:
        out = {"added": 0, "removed": 0, "changed": 0}
        for c in self.claims:
            out[c.status] += 1
        return out

    def render(self, fmt: DiffFormat) -> str:
        if fmt is DiffFormat.JSON:
            return json.dumps({
                "old": self.old, "new": self.new, "counts": self.counts(),
                "claims": [c.__dict__ for c in self.claims],
                "graphs": [g.__dict__ for g in self.graphs],
            }, indent=2, ensure_ascii=False)
        md = fmt is DiffFormat.MARKDOWN
        esc = (lambda s: s) if md else html.escape
        lines: list[str] = []
        n = self.counts()
        title = f"Changes from {self.old} to {self.new}"
        summary = (f"{n['added']} claim(s) added, {n['removed']} removed, {n['changed']} changed; "
                   f"{len(self.graphs)} other graph(s) changed.")
        if md:
            lines += [f"# {title}", "", summary, ""]
        else:
            lines += ["<!DOCTYPE html>", "<html lang=\"en\"><head><meta charset=\"utf-8\">",
                      f"<title>{esc(title)}</title>",
                      "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
                      "code{font-size:90%}.add{color:#060}.del{color:#a00}</style></head><body>",
                      f"<h1>{esc(title)}</h1>", f"<p>{esc(summary)}</p>"]
        for status in ("added", "removed", "changed"):
            group = [c for c in self.claims if c.status == status]
            if not group:
                continue
            lines += [f"## Claims {status}", ""] if md else [f"<h2>Claims {status}</h2>"]
            for c in group:
                head = f"{c.claim} ({c.source}, paragraph {c.paragraph})"
                if md:
                    lines.append(f"### `{c.claim}` ({c.source}, paragraph {c.paragraph})")
                    if c.old_quote and c.old_quote != c.quote:
                        lines += ["", f"> was: {c.old_quote}", ">", f"> now: {c.quote}"]
                    elif c.quote:
                        lines += ["", f"> {c.quote}"]
                    lines.append("")
                    lines += [f"- `+ {t}`" for t in c.added] + [f"- `- {t}`" for t in c.removed]
                    lines += [f"- provenance `+ {t}`" for t in c.provenance_added]
                    lines += [f"- provenance `- {t}`" for t in c.provenance_removed]
                    lines.append("")
                else:
                    lines.append(f"<h3>{esc(head)}</h3>")
                    if c.old_quote and c.old_quote != c.quote:
                        lines.append(f"<blockquote>was: {esc(c.old_quote)}<br>now: {esc(c.quote or '')}</blockquote>")
                    elif c.quote:
                        lines.append(f"<blockquote>{esc(c.quote)}</blockquote>")
                    lines.append("<ul>")
                    lines += [f"<li class=\"add\"><code>+ {esc(t)}</code></li>" for t in c.added]
                    lines += [f"<li class=\"del\"><code>- {esc(t)}</code></li>" for t in c.removed]
                    lines += [f"<li class=\"add\">provenance <code>+ {esc(t)}</code></li>" for t in c.provenance_added]
                    lines += [f"<li class=\"del\">provenance <code>- {esc(t)}</code></li>" for t in c.provenance_removed]
                    lines.append("</ul>")
        if self.graphs:
            lines += ["## Other graphs", ""] if md else ["<h2>Other graphs</h2>"]
            for g in self.graphs:
                if md:
                    lines += [f"### `{g.graph}`", ""] + [f"- `+ {t}`" for t in g.added] + [f"- `- {t}`" for t in g.removed] + [""]
                else:
                    lines += [f"<h3>{esc(g.graph)}</h3>", "<ul>"]
                    lines += [f"<li class=\"add\"><code>+ {esc(t)}</code></li>" for t in g.added]
                    lines += [f"<li class=\"del\"><code>- {esc(t)}</code></li>" for t in g.removed]
                    lines.append("</ul>")
        if self.empty:
            lines.append("No differences." if md else "<p>No differences.</p>")
        if not md:
            lines.append("</body></html>")
        return "\n".join(lines) + "\n"


def _data_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS
                  and "enrichment-cache" not in p.parts)


def _git_files(rev: str, repo: Path, folder: str, into: Path) -> list[Path]:
    def git(*args: str) -> bytes:
        try:
            return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, timeout=60).stdout
        except FileNotFoundError as exc:
            raise SourceError("git is not installed", hint="install git, or compare two directories") from exc
        except subprocess.CalledProcessError as exc:
            raise SourceError(f"git revision {rev!r}: {exc.stderr.decode('utf-8', 'replace').strip()}",
                              location=Location(f"git:{rev}"),
                              hint="give a commit, tag or branch of this repository (git:HEAD~1, git:v1.0)") from exc

    names = git("ls-tree", "-r", "--name-only", rev, "--", folder).decode("utf-8").splitlines()
    out = []
    for name in names:
        p = Path(name)
        if p.suffix.lower() not in FORMATS or "enrichment-cache" in p.parts:
            continue
        target = into / p
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(git("show", f"{rev}:{name}"))
        out.append(target)
    return out


def load_side(spec: str, *, repo: Path | None = None, folder: str = "data") -> Dataset:
    """The dataset one side of a diff names: a directory, a file, or ``git:REV``.

    Raises:
        SourceError: the path does not exist, a file is malformed, or the git revision is unknown.
    """
    if spec.startswith("git:"):
        with tempfile.TemporaryDirectory(prefix="ip4graph-diff-") as tmp:
            files = _git_files(spec[4:], repo or Path.cwd(), folder, Path(tmp))
            if not files:
                raise SourceError(f"no data files under {folder}/ at {spec}", location=Location(spec))
            return load(files, ontology=False)
    p = Path(spec)
    if p.is_dir():
        files = _data_files(p)
        if not files:
            raise SourceError("no RDF files in this directory", location=Location(str(p)), hint="give a data directory or a file")
        return load(files, ontology=False)
    if p.is_file():
        return load([p], ontology=False)
    raise SourceError("not a file, a directory or git:REV", location=Location(spec),
                      hint="ip4graph diff OLD NEW, e.g. ip4graph diff git:HEAD data/")


def _text(g: Graph, t: tuple[object, object, object], context: Graph | None = None) -> str:
    """A triple for people; a blank node is shown by what it is about (its content)."""
    ctx = context if context is not None else Graph()

    def one(x: object) -> str:
        if isinstance(x, URIRef):
            if str(x).startswith(OA):
                return "oa:" + str(x)[len(OA):]
            return curie(g, x) if not curie(g, x).startswith("<") else x.n3()
        if isinstance(x, Literal):
            return x.n3(g.namespace_manager)
        if isinstance(x, BNode):
            return blank(x)
        return str(x)

    def blank(b: BNode) -> str:
        kind = ctx.value(b, RDF.type)
        parts = [one(kind) if isinstance(kind, URIRef) else "blank node"]
        for p in (RDF.subject, RDF.predicate, RDF.object, OWL.sourceIndividual, OWL.assertionProperty,
                  OWL.targetIndividual, OWL.targetValue):
            v = ctx.value(b, p)
            if v is not None and not isinstance(v, BNode):
                parts.append(one(v))
        return "[" + " ".join(parts) + "]"

    return " ".join(one(x) for x in t) + " ."


def _describe(ds: Dataset, claim: URIRef) -> Graph:
    """The claim's description in ip4g:provenance, with its blank nodes (selectors)."""
    prov = ds.graph(GRAPH_PROVENANCE)
    out = Graph()
    todo: list[object] = [claim]
    seen: set[object] = set()
    while todo:
        s = todo.pop()
        if s in seen:
            continue
        seen.add(s)
        for p, o in prov.predicate_objects(s):
            out.add((s, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return out


def _graph_diff(a: Graph, b: Graph) -> tuple[list[str], list[str]]:
    """(added, removed) triples from ``a`` to ``b``, blank nodes matched by content."""
    ca, cb = to_canonical_graph(a), to_canonical_graph(b)
    _, only_a, only_b = graph_diff(a, b)
    ns = Graph()
    for prefix, iri in PREFIXES.items():
        ns.bind(prefix, iri)
    return sorted(_text(ns, t, cb) for t in only_b), sorted(_text(ns, t, ca) for t in only_a)


def _copy(g: Graph) -> Graph:
    out = Graph()
    for t in g:
        out.add(t)
    return out


def diff(old: Dataset, new: Dataset, *, old_name: str = "old", new_name: str = "new") -> DataDiff:
    """Claims added, removed and changed between two datasets, and the other graphs' triples."""
    result = DataDiff(old_name, new_name)
    names = Graph()
    for prefix, iri in PREFIXES.items():
        names.bind(prefix, iri)
    old_claims = set(old.graph(GRAPH_PROVENANCE).subjects(RDF.type, IP4.Claim))
    new_claims = set(new.graph(GRAPH_PROVENANCE).subjects(RDF.type, IP4.Claim))
    for claim in sorted(old_claims | new_claims, key=str):
        side = new if claim in new_claims else old
        prov = side.graph(GRAPH_PROVENANCE)
        doc, para, quote = prov.value(claim, PROV.wasQuotedFrom), prov.value(claim, IP4.paragraph), prov.value(claim, IP4.quote)
        added, removed = _graph_diff(_copy(old.graph(claim)), _copy(new.graph(claim)))
        p_added, p_removed = _graph_diff(_describe(old, claim), _describe(new, claim))
        status = "added" if claim not in old_claims else "removed" if claim not in new_claims else "changed"
        if status == "changed" and not (added or removed or p_added or p_removed):
            continue
        old_quote = old.graph(GRAPH_PROVENANCE).value(claim, IP4.quote)
        result.claims.append(ClaimChange(
            claim=curie(names, claim), status=status,
            source=curie(names, doc) if isinstance(doc, URIRef) else None,
            paragraph=curie(names, para).rsplit("-p", 1)[-1] if isinstance(para, URIRef) else None,
            quote=str(quote) if quote is not None else None,
            old_quote=str(old_quote) if old_quote is not None and status == "changed" else None,
            added=added, removed=removed,
            provenance_added=p_added if status == "changed" else [],
            provenance_removed=p_removed if status == "changed" else [],
        ))
    claims = old_claims | new_claims
    graphs = {c.identifier for c in old.graphs()} | {c.identifier for c in new.graphs()}
    for gid in sorted(graphs, key=str):
        if gid in claims or gid in (GRAPH_PROVENANCE, GRAPH_INFERRED, GRAPH_ONTOLOGY) or str(gid) == "urn:x-rdflib:default":
            continue
        added, removed = _graph_diff(_copy(old.graph(gid)), _copy(new.graph(gid)))
        if added or removed:
            result.graphs.append(GraphChange(curie(names, gid) if isinstance(gid, URIRef) else str(gid), added, removed))
    # provenance triples about things that are not claims
    pa, pr = _graph_diff(_rest(old, old_claims), _rest(new, new_claims))
    if pa or pr:
        result.graphs.append(GraphChange(curie(names, GRAPH_PROVENANCE) + " (not claims)", pa, pr))
    return result


def _rest(ds: Dataset, claims: set[object]) -> Graph:
    out = Graph()
    covered: set[object] = set()
    for c in claims:
        covered |= {t for t in _describe(ds, c)}  # type: ignore[arg-type]
    for t in ds.graph(GRAPH_PROVENANCE):
        if t not in covered:
            out.add(t)
    return out


__all__ = ["DiffFormat", "DataDiff", "ClaimChange", "GraphChange", "diff", "load_side"]
