"""Linked-data commands: export, describe (VoID/DCAT), links check, enrich."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import ExportError, Ip4GraphError
from ..export import ExportFormat
from .common import EXIT_FAIL, EXIT_OK, State, fail, pass_state

_FORMATS = [f.value for f in ExportFormat]
_TRIPLE_FORMATS = [f.value for f in ExportFormat if not f.keeps_graphs]


def _emit(text: str, output: Path | None) -> None:
    """Write ``text`` to ``output`` atomically, or to standard output."""
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    from ..fileio import write_atomic

    try:
        write_atomic(output, text)
    except OSError as exc:
        raise ExportError(f"cannot write {output}: {exc.strerror or exc}", hint="check the directory and its permissions") from exc
    click.echo(f"wrote {output}", err=True)


def _clients(endpoints: tuple[str, ...], timeout: float, retries: int) -> dict:
    from ..federation import parse_endpoints
    from ..sparql_client import SparqlClient

    return {name: SparqlClient(url, timeout=timeout, retries=retries)
            for name, url in parse_endpoints(endpoints).items()}


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="trig", show_default=True,
              help="trig, nq, jsonld keep the named graphs; ttl, nt, xml hold the union of all graphs.")
@click.option("--inferred", is_flag=True, help="Include the OWL 2 RL inferences (graph ip4g:inferred).")
@click.option("--named-graphs", is_flag=True, help="Require named graphs: refuse a triple-only format.")
@click.option("--enrichment", is_flag=True, help="Include the cached enrichment graph (ip4g:enrichment).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write to this file (atomically) instead of standard output.")
@pass_state
def export_cmd(state: State, fmt: str, inferred: bool, named_graphs: bool, enrichment: bool, output: Path | None) -> None:
    """Export the dataset in an RDF format, asserted only or with inferences.

    Quad formats keep every named graph (claims, provenance, links, inferred). Triple
    formats cannot: they get the union of all graphs, so the provenance of each triple is
    lost; --named-graphs turns that into an error.

    \b
    Example:
      ip4graph export --format trig -o build/ip4graph.trig
      ip4graph export --format jsonld --inferred -o build/ip4graph.jsonld
      ip4graph export --format nt | wc -l
    """
    from ..export import serialize
    from ..loader import new_dataset

    try:
        ds = state.dataset(reasoned=inferred)
        if enrichment:
            from ..enrich import attach, enrich

            copy = new_dataset()
            for q in ds.quads((None, None, None, None)):
                copy.add(q)
            attach(copy, enrich(ds))
            ds = copy
        _emit(serialize(ds, ExportFormat(fmt), named_graphs=True if named_graphs else None), output)
    except Ip4GraphError as exc:
        fail(exc)


@click.command("describe")
@click.option("--format", "fmt", type=click.Choice(_TRIPLE_FORMATS + ["jsonld"]), default="ttl", show_default=True,
              help="Serialisation of the description.")
@click.option("--endpoint", default=None, metavar="URL",
              help="The SPARQL endpoint serving this dataset (void:sparqlEndpoint, dcat:DataService).")
@click.option("--download-base", default=None, metavar="URL",
              help="URL prefix where the ip4graph.<ext> dumps are published (dcat:downloadURL).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write to this file (atomically) instead of standard output.")
@pass_state
def describe_cmd(state: State, fmt: str, endpoint: str | None, download_base: str | None, output: Path | None) -> None:
    """Print a VoID and DCAT description of the dataset, computed from the data.

    Triples, entities, classes, properties, vocabularies, languages, named graphs,
    link sets to Wikidata and DBpedia with their counts, sources, licence, distributions.

    \b
    Example:
      ip4graph describe
      ip4graph describe --endpoint http://127.0.0.1:8000/sparql -o build/void.ttl
    """
    from ..describe import describe
    from ..export import jsonld_context

    try:
        g = describe(state.dataset(), endpoint=endpoint, download_base=download_base)
        if fmt == "jsonld":
            text = g.serialize(format="json-ld", context=jsonld_context(), indent=1, auto_compact=True)
        else:
            text = g.serialize(format=ExportFormat(fmt).rdflib_name)
        _emit(text, output)
    except Ip4GraphError as exc:
        fail(exc)


@click.group("links")
def links_group() -> None:
    """Check the owl:sameAs links to Wikidata and DBpedia.

    \b
    Example:
      ip4graph links check
      ip4graph links check --endpoint https://query.wikidata.org/sparql
    """


@links_group.command("check")
@click.option("--endpoint", "endpoints", multiple=True, metavar="[NAME=]URL",
              help="Also ask this endpoint that each target exists and that its labels match ours. "
                   "A bare URL is Wikidata-shaped; dbpedia=URL checks the DBpedia links. Repeatable.")
@click.option("--timeout", type=float, default=20.0, show_default=True, help="Seconds per HTTP request.")
@click.option("--retries", type=int, default=3, show_default=True, help="Extra attempts on 5xx and connection errors.")
@click.option("--json", "as_json", is_flag=True, help="Print every link and its status as JSON.")
@click.option("-v", "--verbose", is_flag=True, help="List the links that passed too.")
@pass_state
def links_check_cmd(state: State, endpoints: tuple[str, ...], timeout: float, retries: int, as_json: bool, verbose: bool) -> None:
    """Check every owl:sameAs target: a valid Wikidata or DBpedia IRI; with --endpoint, that it exists and its label matches.

    Exit status: 0 all good, 1 some link is invalid, missing or mismatched, 2 error
    (for example an unreachable endpoint).

    \b
    Example:
      ip4graph links check
      ip4graph links check --endpoint https://query.wikidata.org/sparql
      ip4graph links check --endpoint dbpedia=https://dbpedia.org/sparql --json
    """
    from ..linkcheck import check_links

    try:
        report = check_links(state.dataset(), clients=_clients(endpoints, timeout, retries))
    except Ip4GraphError as exc:
        fail(exc)
        return
    if as_json:
        click.echo(json.dumps({"ok": report.ok, "counts": report.counts(),
                               "links": [r.as_dict() for r in report.results]}, indent=1, ensure_ascii=False))
    else:
        click.echo(report.text(verbose=verbose))
    sys.exit(EXIT_OK if report.ok else EXIT_FAIL)


@click.command("enrich")
@click.option("--endpoint", default=None, metavar="URL",
              help="Wikidata-shaped SPARQL endpoint to fetch from (and refresh the cache). Without it: offline, from the cache.")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Cache directory (default: data/enrichment-cache).")
@click.option("--no-write-cache", is_flag=True, help="Fetch without replacing the cache.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds per HTTP request.")
@click.option("--retries", type=int, default=3, show_default=True, help="Extra attempts on 5xx and connection errors.")
@click.option("--format", "fmt", type=click.Choice(["trig", "nq", "jsonld"]), default="trig", show_default=True,
              help="Format for -o.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Also write the enrichment graph (with provenance) to this file.")
@pass_state
def enrich_cmd(state: State, endpoint: str | None, cache_dir: Path | None, no_write_cache: bool, timeout: float,
               retries: int, fmt: str, output: Path | None) -> None:
    """Fetch facts about the linked entities from Wikidata into the graph ip4g:enrichment.

    Labels (en, fr, ja, ko), capital, head of government, memberships and population of
    every item our entities are owl:sameAs, with PROV-O provenance (endpoint, queries,
    time). Without --endpoint the committed cache is used and the network is never touched;
    with it, the cache is replaced only when every query succeeded.

    \b
    Example:
      ip4graph enrich                                   # offline: the cache
      ip4graph enrich --endpoint https://query.wikidata.org/sparql
      ip4graph enrich -o build/enrichment.trig
    """
    from ..enrich import enrich
    from ..export import serialize
    from ..sparql_client import SparqlClient

    try:
        client = SparqlClient(endpoint, timeout=timeout, retries=retries) if endpoint else None
        result = enrich(state.dataset(), client=client, cache_dir=cache_dir, write_cache=not no_write_cache,
                        progress=state.reporter())
        if output is not None:
            _emit(serialize(result.dataset, ExportFormat(fmt)), output)
    except Ip4GraphError as exc:
        fail(exc)
        return
    click.echo(result.summary())


COMMANDS = [export_cmd, describe_cmd, links_group, enrich_cmd]
