"""SHACL validation of the instance data, plus dataset-level provenance checks.

:func:`validate` returns a :class:`ValidationReport` whose ``graph`` is a W3C
``sh:ValidationReport``; :meth:`ValidationReport.text` renders it for people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from pyshacl import validate as shacl_validate

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from . import resources
from .errors import ValidationFailed
from .loader import PathLikeStr, load_graph
from .locate import SourceMap
from .rules import closed_world
from .sources import check_quotes
from .namespaces import (
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_PROVENANCE,
    IP4,
    SYSTEM_GRAPHS,
    bind_prefixes,
)


class ReportFormat(str, Enum):
    """How ``ip4graph validate`` prints its report."""

    HUMAN = "human"
    TABLE = "table"
    TURTLE = "turtle"


#: Our own dataset-level checks are reported with this source shape.
DATASET_SHAPE = IP4["DatasetIntegrityCheck"]


@dataclass(frozen=True, slots=True)
class Violation:
    """One validation result, in plain terms."""

    focus: str
    path: str | None
    message: str
    severity: str
    shape: str | None
    value: str | None = None
    #: ``file:line`` where the problem is written, when the data files are known.
    location: str | None = None
    #: The offending triple, in short form.
    triple: str | None = None
    #: The rule that found it (``shacl`` for the shapes).
    rule: str = "shacl"


@dataclass
class ValidationReport:
    """The outcome of :func:`validate`."""

    conforms: bool
    graph: Graph
    violations: list[Violation] = field(default_factory=list)

    def text(self, fmt: ReportFormat = ReportFormat.HUMAN) -> str:
        """Render the report as ``human`` prose, an aligned ``table`` or ``turtle``."""
        if fmt is ReportFormat.TURTLE:
            return self.graph.serialize(format="turtle")
        if fmt is ReportFormat.TABLE:
            rows = [("severity", "focus node", "path", "message")]
            rows += [(v.severity, v.focus, v.path or "",
                      (f"{v.location}: " if v.location else "") + v.message.replace("\n", " ").replace("      ", " "))
                     for v in self.violations]
            widths = [min(max(len(r[i]) for r in rows), 48) for i in range(3)]
            out = []
            for r in rows:
                out.append("  ".join(r[i].ljust(widths[i]) for i in range(3)) + "  " + r[3])
            out.append(f"{len(self.violations)} result(s); conforms: {self.conforms}")
            return "\n".join(out)
        if self.conforms and not self.violations:
            return "Conforms: the data satisfies every shape."
        errors = sum(1 for v in self.violations if v.severity == "Violation")
        if self.conforms:
            lines = [f"Conforms, with {len(self.violations)} warning(s)."]
        else:
            lines = [f"Does not conform: {errors} problem(s)"
                     + (f" and {len(self.violations) - errors} warning(s)." if errors < len(self.violations) else ".")]
        for i, v in enumerate(self.violations, 1):
            lines.append(f"\n{i}. [{v.severity}] {v.focus}")
            if v.path:
                lines.append(f"   path:  {v.path}")
            if v.location:
                lines.append(f"   at:    {v.location}")
            if v.triple:
                lines.append(f"   triple: {v.triple}")
            if v.value:
                lines.append(f"   value: {v.value}")
            lines.append(f"   fix:   {v.message}")
            if v.shape:
                lines.append(f"   shape: {v.shape}")
        return "\n".join(lines)


def _short(graph: Graph, term: object) -> str:
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:  # pragma: no cover - rdflib edge cases
            return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3(graph.namespace_manager)
    if isinstance(term, BNode):
        return "[blank node]"
    return str(term)


def data_graph(ds: Dataset, *, include_ontology: bool = True) -> Graph:
    """The union of the asserted graphs (ontology optional, inferences never)."""
    g = Graph()
    bind_prefixes(g)
    for ctx in ds.graphs():
        if ctx.identifier == GRAPH_INFERRED:
            continue
        if ctx.identifier == GRAPH_ONTOLOGY and not include_ontology:
            continue
        for t in ctx:
            g.add(t)
    return g


def integrity_violations(ds: Dataset) -> list[tuple[URIRef | BNode, str]]:
    """Dataset-level rules SHACL cannot see: every fact sits in a described claim graph."""
    problems: list[tuple[URIRef | BNode, str]] = []
    prov = ds.graph(GRAPH_PROVENANCE)
    default = ds.default_graph
    stray = len(default) if default is not None else 0
    if stray:
        problems.append(
            (URIRef("urn:x-rdflib:default"),
             f"{stray} triple(s) are in the default graph, outside any claim graph: "
             "put them in a claim graph (ip4c:...) described in ip4g:provenance")
        )
    for ctx in ds.graphs():
        gid = ctx.identifier
        if gid in SYSTEM_GRAPHS or len(ctx) == 0 or str(gid) == "urn:x-rdflib:default":
            continue
        if (gid, RDF.type, IP4.Claim) not in prov:
            problems.append(
                (gid, "this named graph has no provenance: describe it in ip4g:provenance "
                      "as an ip4:Claim with prov:wasQuotedFrom, ip4:paragraph, ip4:quote and ip4:certainty")
            )
    for claim in prov.subjects(RDF.type, IP4.Claim):
        if isinstance(claim, URIRef) and len(ds.graph(claim)) == 0:
            problems.append((claim, "this claim is described in ip4g:provenance but its graph is empty: add its triples or remove the description"))
    return problems


def validate(
    ds: Dataset,
    *,
    shapes: PathLikeStr | None = None,
    files: Sequence[PathLikeStr] | None = None,
    sources: PathLikeStr | None = None,
) -> ValidationReport:
    """Validate ``ds`` against the SHACL shapes (the shipped ones by default) and the curation rules.

    The ontology is given to pySHACL so class hierarchies count (``sh:targetClass
    ip4:Actor`` reaches states); inference runs on pySHACL's own copy.

    Beyond SHACL, the closed-world rules of :mod:`ip4graph.rules` (declared terms,
    described entities, hedges never plain) and the quote checks of
    :mod:`ip4graph.sources` (verbatim at the anchor, one sentence, unchanged text)
    run here. ``files`` are the data files ``ds`` was loaded from: with them each
    problem names its file and line. ``sources`` is the folder of the source texts
    (default: ``$IP4GRAPH_SOURCES`` or ``../shared/sources``).

    Raises:
        ValidationFailed: the shapes cannot be read or pySHACL fails.
    """
    from .sparqlcache import install

    install()  # pySHACL re-sends each constraint's text per focus node: parse each once
    shapes_graph = load_graph(shapes if shapes is not None else resources.shapes_path())
    data = data_graph(ds, include_ontology=True)
    try:
        conforms, report, _ = shacl_validate(
            data,
            shacl_graph=shapes_graph,
            inference="none",
            allow_warnings=True,
            advanced=True,
            inplace=False,
        )
    except Exception as exc:
        raise ValidationFailed(f"SHACL validation could not run: {exc}") from exc
    bind_prefixes(report)
    smap = SourceMap([Path(f) for f in files]) if files else None
    violations: list[Violation] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        msgs = [str(m) for m in report.objects(result, SH.resultMessage)]
        sev = report.value(result, SH.resultSeverity)
        shape = report.value(result, SH.sourceShape)
        value = report.value(result, SH.value)
        where = None
        if smap is not None and isinstance(focus, URIRef):
            hit = smap.find_term(None, focus)
            where = str(hit) if hit is not None else None
        violations.append(
            Violation(
                location=where,
                focus=_short(data, focus),
                path=_short(data, path) if path is not None else None,
                message="; ".join(msgs) or "constraint not satisfied",
                severity=str(sev).rsplit("#", 1)[-1] if sev else "Violation",
                shape=_short(shapes_graph, shape) if isinstance(shape, URIRef) else None,
                value=_short(data, value) if value is not None else None,
            )
        )
    extra = integrity_violations(ds)
    root = next(iter(report.subjects(RDF.type, SH.ValidationReport)), None)
    findings = closed_world(ds) + check_quotes(ds, sources=Path(sources) if sources is not None else None)
    shacl_seen = {(v.focus, v.path) for v in violations}
    for f in findings:
        if f.rule == "claim-provenance" and (_short(data, f.focus), _short(data, f.keys[-1])) in shacl_seen:
            continue  # the shapes already said it
        where = None
        if smap is not None:
            hit = None
            if f.triple is not None:
                hit = smap.find(*f.triple, f.graph, *f.keys)
            if hit is None and f.graph is not None:
                hit = smap.find_term(f.graph, f.keys[0] if f.keys else f.focus)
            where = str(hit) if hit is not None else None
        triple_text = " ".join(_short(data, t) for t in f.triple) + " ." if f.triple is not None else None
        r = BNode()
        report.add((r, RDF.type, SH.ValidationResult))
        if isinstance(f.focus, (URIRef, BNode)):
            report.add((r, SH.focusNode, f.focus))
        report.add((r, SH.resultMessage, Literal(f.message if where is None else f"{where}: {f.message}")))
        report.add((r, SH.resultSeverity, SH.Violation if f.severity == "Violation" else SH.Warning))
        report.add((r, SH.sourceConstraintComponent, IP4[f"rule-{f.rule}"]))
        if root is not None:
            report.add((root, SH.result, r))
        violations.append(Violation(_short(data, f.focus), None, f.message, f.severity, f"rule {f.rule}",
                                    location=where, triple=triple_text, rule=f.rule))
    for node, message in extra:
        r = BNode()
        report.add((r, RDF.type, SH.ValidationResult))
        report.add((r, SH.focusNode, node))
        report.add((r, SH.resultMessage, Literal(message)))
        report.add((r, SH.resultSeverity, SH.Violation))
        report.add((r, SH.sourceConstraintComponent, DATASET_SHAPE))
        if root is not None:
            report.add((root, SH.result, r))
        focus = "(default graph)" if str(node) == "urn:x-rdflib:default" else _short(data, node)
        violations.append(Violation(focus, None, message, "Violation", "ip4:DatasetIntegrityCheck"))
    all_ok = bool(conforms) and not any(v.severity == "Violation" for v in violations)
    if root is not None and not all_ok:
        report.set((root, SH.conforms, Literal(False)))
    violations.sort(key=lambda v: (v.severity != "Violation", v.focus, v.path or ""))
    return ValidationReport(conforms=all_ok, graph=report, violations=violations)


__all__ = ["ReportFormat", "ValidationReport", "Violation", "validate", "data_graph", "Path"]
