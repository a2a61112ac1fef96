"""Core commands: validate, stats, build."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import Ip4GraphError
from ..stats import Stats, compute_stats
from ..validation import ReportFormat, validate
from .common import EXIT_FAIL, EXIT_OK, State, fail, pass_state


@click.command("validate")
@click.option("--format", "fmt", type=click.Choice([f.value for f in ReportFormat]), default="human",
              show_default=True, help="human prose, an aligned table, or the SHACL report in Turtle.")
@click.option("--shapes", type=click.Path(path_type=Path), default=None,
              help="SHACL shapes file (default: the shipped ontology/shapes.ttl).")
@click.option("--sources", type=click.Path(path_type=Path, file_okay=False), default=None, envvar="IP4GRAPH_SOURCES",
              help="Folder of the source texts, to check quotes (default: $IP4GRAPH_SOURCES, else ../shared/sources).")
@pass_state
def validate_cmd(state: State, fmt: str, shapes: Path | None, sources: Path | None) -> None:
    """Validate the data against the SHACL shapes and the provenance rules.

    Exit status: 0 conforms, 1 does not conform, 2 error (bad input, bad shapes).

    \b
    Example:
      ip4graph validate --format table
      ip4graph --data mydata.trig validate
      ip4graph --add data/claims-mine.trig validate --sources ~/texts
    """
    try:
        report = validate(state.dataset(), shapes=shapes, files=state.files(), sources=sources)
    except Ip4GraphError as exc:
        fail(exc)
        return
    click.echo(report.text(ReportFormat(fmt)))
    sys.exit(EXIT_OK if report.conforms else EXIT_FAIL)


def render_stats(stats: Stats) -> str:
    """The human-readable stats table."""
    out = [
        f"triples asserted : {stats.asserted} (ontology {stats.ontology}, data {stats.asserted - stats.ontology})",
        f"triples inferred : {stats.inferred}",
        f"claim graphs     : {stats.claims}",
        "",
        "graphs:",
    ]
    out += [f"  {k:<32} {v:>6}" for k, v in stats.graphs.items()]
    out += ["", "instances per class:"]
    out += [f"  {k:<32} {v:>6}" for k, v in stats.classes.items()]
    out += ["", "claims per source:"]
    out += [f"  {k:<32} {v:>6}" for k, v in stats.sources.items()]
    out += ["", "claims per certainty:"]
    out += [f"  {k:<32} {v:>6}" for k, v in stats.certainty.items()]
    out += ["", "links out (owl:sameAs):"]
    out += [f"  {k:<32} {v:>6}" for k, v in stats.links.items()]
    return "\n".join(out)


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
@pass_state
def stats_cmd(state: State, as_json: bool) -> None:
    """Count triples (asserted and inferred), instances per class, sources and links out.

    \b
    Example:
      ip4graph stats
      ip4graph --reasoning none stats --json
    """
    try:
        stats = compute_stats(state.dataset(reasoned=True))
    except Ip4GraphError as exc:
        fail(exc)
        return
    if as_json:
        click.echo(json.dumps(stats.__dict__, indent=2, ensure_ascii=False))
    else:
        click.echo(render_stats(stats))


@click.command("build")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("build"),
              show_default=True, help="Directory for the outputs.")
@click.option("--sources", type=click.Path(path_type=Path, file_okay=False), default=None, envvar="IP4GRAPH_SOURCES",
              help="Folder of the source texts, to check quotes (default: $IP4GRAPH_SOURCES, else ../shared/sources).")
@click.option("--allow-invalid", is_flag=True,
              help="Write the outputs even when the data does not conform (default: refuse).")
@click.option("--force", is_flag=True, help="Rebuild the outputs even if no input changed.")
@pass_state
def build_cmd(state: State, out_dir: Path, sources: Path | None, allow_invalid: bool, force: bool) -> None:
    """The main job: load, reason, validate, and write the outputs.

    Writes under OUT: ip4graph.trig (reasoned dataset), graph.html (interactive
    graph, works offline), timeline.html, void.ttl (dataset description), report.md
    (every named query's answer) and validation.txt, and compiles the store every other
    command opens (build/store). Refuses to write anything when the data does not
    conform (unless --allow-invalid). With nothing changed since the last build (data,
    ontology, source texts), it says so and stops. Exits 1 if the data does not conform
    or a named query fails, 2 on bad input.

    \b
    Example:
      ip4graph build
      ip4graph build -o site
      ip4graph --add data/claims-mine.trig build --sources ~/texts
    """
    import hashlib
    import json

    from ..fileio import remove_stale_temporaries, write_atomic
    from ..sources import sources_folder
    from ..store import Inputs, sha256_file

    remove_stale_temporaries(out_dir)  # what killed writes left behind
    stamp = out_dir / ".ip4graph-build.json"
    key = None
    try:
        if state.backend in (None, "oxigraph", "memory"):
            h = hashlib.sha256(Inputs.of(state.files(), state.ontology if state.ontology is not None else True,
                                         reasoning=state.reasoning).key().encode())
            for folder in sources_folder(sources):  # the texts the quotes are checked against
                for text in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
                    h.update(f"{text.name}={sha256_file(text)}".encode())
            h.update(f"allow_invalid={allow_invalid}".encode())
            key = h.hexdigest()
    except Ip4GraphError as exc:
        fail(exc)
        return
    if key is not None and not force:
        try:
            done = json.loads(stamp.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            done = None
        if isinstance(done, dict) and done.get("key") == key and done.get("ok") is True \
                and all(Path(p).is_file() for p in done.get("outputs", {}).values()):
            click.echo(done.get("summary", ""))
            click.echo("up to date: the inputs have not changed since the last build (--force rebuilds)")
            sys.exit(EXIT_OK)
    from ..build import build
    from .query import open_kg

    try:
        result = build(open_kg(state), out_dir, files=state.files(), sources=sources, allow_invalid=allow_invalid,
                       progress=state.reporter())
    except Ip4GraphError as exc:
        fail(exc)
        return
    if result.refused:
        click.echo(result.report.text(ReportFormat.HUMAN), err=True)
        click.echo("build refused: the data does not conform, nothing was written "
                   "(fix the problems above, or pass --allow-invalid)", err=True)
        sys.exit(EXIT_FAIL)
    lines = [f"validation: {'conforms' if result.report.conforms else 'DOES NOT CONFORM'}"]
    if not result.report.conforms:
        click.echo(result.report.text(ReportFormat.HUMAN), err=True)
    for name, error in result.query_errors.items():
        click.echo(f"query {name} failed: {error}", err=True)
    lines += [render_stats(result.stats), ""]
    lines += [f"wrote {kind:<12} {path}" for kind, path in result.outputs.items()]
    summary = "\n".join(lines)
    click.echo(summary)
    ok = result.report.conforms and not result.query_errors
    if key is not None:
        write_atomic(stamp, json.dumps({"key": key, "ok": ok, "summary": summary,
                                        "outputs": {k: str(v) for k, v in result.outputs.items()}}, indent=2))
    sys.exit(EXIT_OK if ok else EXIT_FAIL)


COMMANDS = [validate_cmd, stats_cmd, build_cmd]


@click.command("docs")
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), default=None,
              help="Write the reference here (default: print it).")
def docs_cmd(out: Path | None) -> None:
    """Generate the ontology reference (Markdown) from ontology/ip4.ttl.

    \b
    Example:
      ip4graph docs -o docs/reference.md
    """
    from ..fileio import write_atomic
    from ..loader import load_graph
    from ..reference import generate_reference
    from .. import resources

    try:
        text = generate_reference(load_graph(resources.ontology_path()))
    except Ip4GraphError as exc:
        fail(exc)
        return
    if out is None:
        click.echo(text, nl=False)
    else:
        write_atomic(out, text)
        click.echo(f"wrote {out}")


COMMANDS.append(docs_cmd)
