"""Query commands: queries (the catalog), query (named or ad hoc), why (explain an inference)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rdflib import Literal
from rdflib.util import from_n3

from ..catalog import View
from ..errors import Ip4GraphError, ParameterError
from ..kg import DEFAULT_TIMEOUT, KnowledgeGraph
from ..results import OutputFormat
from ..terms import expand_iri, resolve_entity
from .common import EXIT_FAIL, EXIT_OK, State, fail, pass_state


def open_kg(state: State) -> KnowledgeGraph:
    """The knowledge graph described by the group options (opened once per command)."""
    return state.kg()


@click.command("queries")
@click.option("--kind", default=None, help="Only this kind (lookup, relational, temporal, multi-hop, aggregate, absence, provenance, uncertainty, reasoning).")
@click.option("-v", "--verbose", is_flag=True, help="Show parameters and examples too.")
def queries_cmd(kind: str | None, verbose: bool) -> None:
    """List the named queries with the question each answers.

    \b
    Example:
      ip4graph queries
      ip4graph queries --kind temporal -v
    """
    from ..catalog import load_catalog

    for q in load_catalog():
        if kind and q.kind != kind:
            continue
        click.echo(f"{q.name:<36} [{q.kind}] {q.question}")
        if verbose:
            for p in q.params:
                default = "required" if p.required else f"default {p.default}"
                click.echo(f"{'':<38}-p {p.name}=<{p.type.value}>  ({default}) {p.description}")
            for e in q.examples:
                click.echo(f"{'':<38}$ {e}")


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        if "=" not in item:
            raise ParameterError(f"-p {item!r}: expected NAME=VALUE", hint="e.g. -p as_of=2016")
        name, value = item.split("=", 1)
        out[name.strip()] = value
    return out


def check_params(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    """``-p`` values are NAME=VALUE: said at once, before a VALUE given as a separate word is
    taken for an extra argument (the same option, and message, in every command)."""
    for item in values:
        if "=" not in item:
            raise click.BadParameter(f"{item!r}: expected NAME=VALUE, e.g. -p entity=Japan", ctx=ctx, param=param)
    return values


@click.command("query")
@click.argument("name", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", callback=check_params,
              help="Bind a parameter (repeatable). Values are bound as RDF terms, never pasted into the query.")
@click.option("-e", "--expr", "expr", default=None, help="Ad-hoc SPARQL text (the usual prefixes are predeclared).")
@click.option("-f", "--file", "file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Run the SPARQL in this file.")
@click.option("--format", "fmt", type=click.Choice([f.value for f in OutputFormat]), default=None,
              help="table (default for SELECT/ASK), csv, tsv, json, xml; ttl (default for CONSTRUCT), nt, jsonld.")
@click.option("--iris", is_flag=True, help="In tables, show CURIEs/IRIs instead of labels.")
@click.option("--labels/--no-labels", default=None,
              help="csv, tsv, json, xml: add a label column after each IRI column (?x, ?xLabel). "
                   "Tables show labels unless --no-labels (the same as --iris).")
@click.option("--lang", type=click.Choice(["en", "fr", "ja", "ko"]), default="en", show_default=True,
              help="The language of labels (English when an entity has no label in it).")
@click.option("--cite", is_flag=True,
              help="Add to each row the claims that support it: claim, source, paragraph, quote, certainty "
                   "(see docs/citations.md).")
@click.option("--width", type=click.IntRange(min=0), default=60, show_default=True,
              help="Tables: cut cells longer than this (0 = never cut).")
@click.option("--wrap", is_flag=True, help="Tables: wrap long cells onto more lines instead of cutting them.")
@click.option("--view", type=click.Choice([v.value for v in View]), default=None,
              help="all = asserted + inferred (default); asserted = as loaded.")
@click.option("--timeout", type=float, default=DEFAULT_TIMEOUT, show_default=True,
              help="Stop the query after this many seconds (0 = no limit).")
@click.option("--endpoint", "endpoint_specs", multiple=True, metavar="[NAME=]URL",
              help="SPARQL endpoint for a federated query's SERVICE NAME (default name: wikidata).")
@click.option("--limit", type=click.IntRange(min=0), default=None, help="At most this many rows (added to the query).")
@click.option("--offset", type=click.IntRange(min=0), default=None, help="Skip this many rows first (with ORDER BY: pages).")
@click.option("--backend", default=None, type=click.Choice(["oxigraph", "memory", "sparql"]),
              help="Same as the global --backend (given here, it wins).")
@click.option("--store", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Same as the global --store.")
@click.option("--sparql-endpoint", default=None, help="Same as the global --sparql-endpoint.")
@click.option("--dialect", type=click.Choice(["generic", "virtuoso"]), default=None,
              help="Same as the global --dialect.")
@pass_state
def query_cmd(state: State, name: str | None, params: tuple[str, ...], expr: str | None, file: Path | None,
              fmt: str | None, iris: bool, labels: bool | None, lang: str, cite: bool, width: int, wrap: bool,
              view: str | None, timeout: float, endpoint_specs: tuple[str, ...],
              limit: int | None, offset: int | None,
              backend: str | None, store: Path | None, sparql_endpoint: str | None, dialect: str | None) -> None:
    """Run a named query, or ad-hoc SPARQL from -e, --file or standard input.

    Exit status: 0 with answers (or ASK true), 1 with no rows (or ASK false), 2 on error.

    \b
    Example:
      ip4graph query ip4-members
      ip4graph query in-force-as-of -p as_of=2016
      ip4graph query timeline --limit 20 --offset 20
      ip4graph query agreements-between -p a=NATO -p b=japon --format csv
      ip4graph query -e 'SELECT ?s WHERE { ?s ip4:memberOf ip4d:ip4 }'
      echo 'ASK { ip4d:japan ip4:partnerOf ip4d:nato }' | ip4graph query
      ip4graph query ip4-members --cite --wrap
      ip4graph query ip4-members --format csv --labels --lang fr --cite
    """
    shown = dict(iris=iris or labels is False, labels=bool(labels), lang=lang, cite=cite, width=width, wrap=wrap)
    try:
        given = _parse_params(params)
        sources = [x for x in (name, expr, file) if x]
        if len(sources) > 1:
            raise ParameterError("give a query NAME, or -e SPARQL, or --file, not several")
        for attr, value in (("backend", backend), ("store", store), ("endpoint", sparql_endpoint),
                            ("dialect", dialect)):
            if value is not None:
                setattr(state, attr, value)
        if file:
            text, source = read_query_file(file), str(file)
        elif expr:
            text, source = expr, "<-e>"
        elif not name:
            if sys.stdin.isatty():
                raise ParameterError("no query given", hint="give a NAME, -e 'SPARQL', --file q.rq, or pipe SPARQL on stdin")
            text, source = sys.stdin.read(), "<stdin>"
        kg = open_kg(state)
        chosen_view = View(view) if view else None
        if name:
            named = kg.catalog.get(name)
            endpoints = None
            offline = None
            if endpoint_specs or named.kind == "federated" or "SERVICE" in named.text.upper():
                from .. import federation  # imported only for queries that may federate

                endpoints = federation.parse_endpoints(endpoint_specs) if endpoint_specs else None
                if federation.needs_offline(named.text, endpoints):  # never the network unasked
                    offline = federation.run_offline(kg, name, params=given, view=chosen_view, timeout=timeout)
                    click.echo(offline.note(), err=True)
            if offline is not None:
                result = offline.result
            else:
                result = kg.query(name, params=given, view=chosen_view, timeout=timeout, endpoints=endpoints,
                                  limit=limit, offset=offset)
            text, bindings = named.text, (named.bindings(kg.index, given) if cite else {})
        else:
            bindings = {k: adhoc_term(kg.index, v) for k, v in given.items()}
            from ..backends.sparqltext import with_limit

            result = kg.run(with_limit(text, limit=limit, offset=offset), bindings=bindings,
                            view=chosen_view or View.ALL, timeout=timeout, source=source)
        out_fmt = OutputFormat(fmt) if fmt else (OutputFormat.TURTLE if result.graph is not None else OutputFormat.TABLE)
        if not name and not result:
            from ..kg import unknown_terms

            for term, close in unknown_terms(kg, text):
                hint = f"; did you mean {' or '.join(close)}?" if close else ""
                click.echo(f"warning: {term} is not in the graph{hint}", err=True)
        needs_data = cite or bool(labels)  # citations and label columns read the asserted graphs
        click.echo(present(result, out_fmt, query=text, bindings=bindings,
                           source=kg.asserted if needs_data else None, **shown))
    except Ip4GraphError as exc:
        fail(exc)
        return
    sys.exit(EXIT_OK if result else EXIT_FAIL)


def load_catalog_text(name: str) -> str:
    from ..catalog import load_catalog

    return load_catalog().get(name).text


def present(result, fmt: OutputFormat, *, iris: bool, labels: bool, lang: str, cite: bool, width: int, wrap: bool,
            query: str | None, bindings, source=None) -> str:
    """The text of ``result`` in ``fmt`` with the citations and label columns asked for."""
    if cite:
        result = result.cite(source, query=query, bindings=bindings)
    if labels and fmt is not OutputFormat.TABLE:
        result = result.with_labels(source, lang=lang)
    return result.serialize(fmt, iris=iris, width=width or None, wrap=wrap, lang=lang)


def read_query_file(path: Path) -> str:
    """The SPARQL text of ``--file``: a missing or non-UTF-8 file is a clear error."""
    from ..errors import Location

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ParameterError(f"cannot read the query file: {exc.strerror or exc}", location=Location(str(path)),
                             hint="check the path") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ParameterError(f"the query file is not UTF-8 (byte 0x{raw[exc.start]:02x})",
                             location=Location(str(path), line, col),
                             hint="save the file as UTF-8") from exc


def adhoc_term(graph, value: str):
    """Ad-hoc parameters: an IRI/CURIE, an N3 literal ("x"@en, 5), or an entity label.

    ``graph`` is an rdflib graph or a store lookup (:class:`ip4graph.kg.StoreLookup`).
    """
    iri = expand_iri(value)
    if iri is not None:
        return iri
    text = value.strip()
    if text.startswith('"') or text.replace("-", "", 1).isdigit() or text in ("true", "false"):
        from rdflib import Graph

        from ..namespaces import bind_prefixes

        nsm = Graph()
        bind_prefixes(nsm)
        try:
            return from_n3(text, nsm=nsm.namespace_manager)
        except Exception as exc:
            raise ParameterError(f"cannot read {value!r} as an RDF literal", hint='e.g. "text"@en, 2016 or true') from exc
    try:
        return graph.resolve(text) if hasattr(graph, "resolve") and not hasattr(graph, "triples") else resolve_entity(graph, text)
    except ParameterError:
        return Literal(text)


@click.command("why")
@click.argument("subject")
@click.argument("predicate")
@click.argument("object")
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@pass_state
def why_cmd(state: State, subject: str, predicate: str, object: str, as_json: bool) -> None:
    """Explain a triple: the OWL 2 RL rule and premises, down to quoted sources.

    Terms are IRIs, CURIEs or labels; the object may also be an N3 literal.

    \b
    Example:
      ip4graph why ip4d:ip4 ip4:hasMember ip4d:japan
      ip4graph why "South Korea" ip4:hadTensionsWith Japan
      ip4graph why NATO rdf:type ip4:Organization
    """
    try:
        kg = open_kg(state)
        g = kg.asserted
        s = resolve_entity(g, subject)
        p = expand_iri(predicate)
        if p is None:
            raise ParameterError(f"{predicate!r} is not a property IRI or CURIE", hint="e.g. ip4:memberOf or rdf:type")
        o_iri = expand_iri(object)
        o = o_iri if o_iri is not None else (
            from_n3(object) if object.startswith('"') else resolve_entity(g, object))
        from ..explain import Explainer

        explanation = Explainer(kg.asserted, kg.inferred).explain((s, p, o))
    except Ip4GraphError as exc:
        fail(exc)
        return
    if as_json:
        click.echo(json.dumps(explanation.to_dict(g), indent=2, ensure_ascii=False))
    else:
        click.echo(explanation.text(g))


COMMANDS = [queries_cmd, query_cmd, why_cmd]
