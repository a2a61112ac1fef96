"""The main job: load, reason, validate, and write the outputs under ``build/``.

Outputs (each written atomically):

* ``ip4graph.trig``: the reasoned dataset (asserted graphs plus ``ip4g:inferred``)
* ``graph.html``: the interactive, self-contained relationship graph
* ``timeline.html``: the self-contained timeline of events, agreements, summits and missions
* ``void.ttl``: the VoID/DCAT description of the dataset
* ``report.md``: every named query's question and answer (federated queries are listed, not run)
* ``validation.txt``: the SHACL report
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .agreement import source_agreement
from .catalog import load_catalog
from .describe import describe
from .export import ExportFormat, serialize, with_inferences
from .fileio import write_atomic
from .kg import KnowledgeGraph
from .network import project
from .progress import Progress, Steps
from .results import OutputFormat
from .stats import Stats, compute_stats
from .validation import ReportFormat, ValidationReport, validate
from .viz import render_html


#: The steps :func:`build` reports (stage ``build``), in order.
BUILD_STEPS = ("validate", "statistics", "ip4graph.trig", "void.ttl", "graph.html", "timeline.html", "report.md")

#: At most this many rows of each answer in report.md (at 1M triples a listing returns 25k rows).
REPORT_ROWS = 1000


@dataclass
class BuildResult:
    """What :func:`build` produced."""

    report: ValidationReport
    stats: Stats
    outputs: dict[str, Path] = field(default_factory=dict)
    query_errors: dict[str, str] = field(default_factory=dict)
    #: True when the data did not conform and nothing was written (see ``allow_invalid``).
    refused: bool = False


def build(
    kg: KnowledgeGraph,
    out_dir: str | Path,
    *,
    timeout: float = 30.0,
    files: Sequence[Path] | None = None,
    sources: Path | None = None,
    allow_invalid: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """Validate ``kg`` and write the reasoned dataset, graph page, description and query report to ``out_dir``.

    A dataset that does not conform is not written (``refused``) unless ``allow_invalid``;
    ``files`` (the data files) let the validation report name file and line. ``progress``
    (:mod:`ip4graph.progress`) gets stage ``build`` events, one step per output
    (``detail`` names it), and stage ``queries`` events, one per named query.
    """
    out = Path(out_dir)
    catalog = load_catalog()
    steps = Steps(progress, "build", len(BUILD_STEPS))
    full = with_inferences(kg.asserted, kg.inferred)
    report = validate(kg.asserted, files=files, sources=sources)
    steps.advance(detail="validate")
    stats = compute_stats(full)
    steps.advance(detail="statistics")
    if not report.conforms and not allow_invalid:
        return BuildResult(report=report, stats=stats, refused=True)
    outputs: dict[str, Path] = {}
    outputs["dataset"] = write_atomic(out / "ip4graph.trig", serialize(full, ExportFormat.TRIG))
    steps.advance(detail="ip4graph.trig")
    outputs["validation"] = write_atomic(out / "validation.txt", report.text(ReportFormat.HUMAN) + "\n")
    outputs["description"] = write_atomic(out / "void.ttl", describe(kg.asserted).serialize(format="turtle"))
    steps.advance(detail="void.ttl")
    graph = project(kg.asserted)
    page = render_html(
        graph,
        title="NATO and the Indo-Pacific 4",
        caption=f"Every asserted relation of the shipped data ({graph.number_of_nodes()} nodes, "
                f"{graph.number_of_edges()} links); hedged statements dashed.",
    )
    outputs["graph"] = write_atomic(out / "graph.html", page)
    steps.advance(detail="graph.html")
    from .timeline import render_timeline, timeline_items

    outputs["timeline"] = write_atomic(out / "timeline.html", render_timeline(
        graph, title="NATO and the Indo-Pacific 4: timeline",
        caption=f"{len(timeline_items(graph))} dated events, agreements, summits, missions and partnerships "
                "of the asserted data."))
    steps.advance(detail="timeline.html")
    lines = ["# ip4graph: answers to the named queries", "",
             f"{stats.asserted} asserted and {stats.inferred} inferred triples; "
             f"{stats.claims} claims; validation: {'conforms' if report.conforms else 'DOES NOT CONFORM'}.", ""]
    errors: dict[str, str] = {}
    answered = Steps(progress, "queries", len(catalog))
    for q in catalog:
        lines += [f"## {q.title} (`{q.name}`)", "", f"*{q.question}*", ""]
        if q.kind == "federated":
            lines += ["Federated: run with `ip4graph query " + q.name + " --endpoint URL`.", ""]
            answered.advance(detail=q.name)
            continue
        try:
            result = kg.query(q.name, timeout=timeout, limit=REPORT_ROWS)
            text = result.serialize(OutputFormat.TURTLE if result.graph is not None else OutputFormat.TABLE)
            if result.graph is not None:
                text = f"({len(result.graph)} triples)"
            elif result.rows is not None and len(result.rows) == REPORT_ROWS:
                text += f"\n(the first {REPORT_ROWS} rows: `ip4graph query {q.name}` gives them all)"
        except Exception as exc:  # a failing query is reported, the build goes on
            errors[q.name] = str(exc)
            text = f"ERROR: {exc}"
        lines += ["```", text, "```", ""]
        answered.advance(detail=q.name)
    try:
        from .catalog import View

        lines += source_agreement(kg.asserted, run=lambda text: kg.run(text, view=View.ASSERTED).rows).markdown()
    except Exception as exc:  # reported like a failing query; the build goes on
        errors["source-agreement"] = str(exc)
        lines += ["## Agreement between sources", "", f"ERROR: {exc}", ""]
    outputs["report"] = write_atomic(out / "report.md", "\n".join(lines))
    steps.advance(detail="report.md")
    return BuildResult(report=report, stats=stats, outputs=outputs, query_errors=errors)
