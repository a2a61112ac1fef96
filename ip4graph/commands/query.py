"""Query commands: queries (the catalog), query (named or ad hoc), why (explain an inference)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rdflib import Literal
from rdflib.util import from_n3

from .. import federation
from ..catalog import View
from ..errors import Ip4GraphError, ParameterError
from ..explain import Explainer
from ..kg import DEFAULT_TIMEOUT, KnowledgeGraph, execute
from ..results import OutputFormat
from ..terms import expand_iri, resolve_entity
from .common import EXIT_FAIL, EXIT_OK, State, fail, pass_state


def open_kg(state: State) -> KnowledgeGraph:
    """The knowledge graph described by the group options (loaded once per command)."""
    return KnowledgeGraph.open(
        state.files(),
        ontology=state.ontology if state.ontology is not None else True,
        reasoning=state.reasoning,
        cache=state.cache,
    )


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


@click.command("query")
@click.argument("name", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter (repeatable). Values are bound as RDF terms, never pasted into the query.")
@click.option("-e", "--expr", "expr", default=None, help="Ad-hoc SPARQL text (the usual prefixes are predeclared).")
@click.option("-f", "--file", "file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Run the SPARQL in this file.")
@click.option("--format", "fmt", type=click.Choice([f.value for f in OutputFormat]), default=None,
              help="table (default for SELECT/ASK), csv, tsv, json, xml; ttl (default for CONSTRUCT), nt, jsonld.")
@click.option("--iris", is_flag=True, help="In tables, show CURIEs/IRIs instead of labels.")
@click.option("--view", type=click.Choice([v.value for v in View]), default=None,
              help="all = asserted + inferred (default); asserted = as loaded.")
@click.option("--timeout", type=float, default=DEFAULT_TIMEOUT, show_default=True,
              help="Stop the query after this many seconds (0 = no limit).")
@click.option("--endpoint", "endpoint_specs", multiple=True, metavar="[NAME=]URL",
              help="SPARQL endpoint for a federated query's SERVICE NAME (default name: wikidata).")
@click.option("--backend", default=None, envvar="IP4GRAPH_BACKEND", show_envvar=True,
              type=click.Choice(["memory", "oxigraph", "sparql"]),
              help="Where to run the query: memory (default: load and reason here), oxigraph (a store filled by "
                   "`ip4graph load`), sparql (a remote endpoint filled by `ip4graph load`).")
@click.option("--store", type=click.Path(path_type=Path, file_okay=False), default=None,
              envvar="IP4GRAPH_OXIGRAPH_PATH", help="oxigraph backend: the store directory.")
@click.option("--sparql-endpoint", default=None, envvar="IP4GRAPH_SPARQL_ENDPOINT",
              help="sparql backend: the endpoint URL.")
@pass_state
def query_cmd(state: State, name: str | None, params: tuple[str, ...], expr: str | None, file: Path | None,
              fmt: str | None, iris: bool, view: str | None, timeout: float, endpoint_specs: tuple[str, ...],
              backend: str | None, store: Path | None, sparql_endpoint: str | None) -> None:
    """Run a named query, or ad-hoc SPARQL from -e, --file or standard input.

    Exit status: 0 with answers (or ASK true), 1 with no rows (or ASK false), 2 on error.

    \b
    Example:
      ip4graph query ip4-members
      ip4graph query in-force-as-of -p as_of=2016
      ip4graph query agreements-between -p a=NATO -p b=japon --format csv
      ip4graph query -e 'SELECT ?s WHERE { ?s ip4:memberOf ip4d:ip4 }'
      echo 'ASK { ip4d:nato ip4:plansPresenceIn ip4d:indo-pacific }' | ip4graph query
    """
    try:
        given = _parse_params(params)
        sources = [x for x in (name, expr, file) if x]
        if len(sources) > 1:
            raise ParameterError("give a query NAME, or -e SPARQL, or --file, not several")
        if backend and backend != "memory":
            result = _query_backend(state, backend, store, sparql_endpoint, name, expr, file, given, timeout)
            out_fmt = OutputFormat(fmt) if fmt else (OutputFormat.TURTLE if result.graph is not None else OutputFormat.TABLE)
            click.echo(result.serialize(out_fmt, iris=iris))
            sys.exit(EXIT_OK if result else EXIT_FAIL)
        kg = open_kg(state)
        chosen_view = View(view) if view else None
        if name:
            endpoints = federation.parse_endpoints(endpoint_specs) if endpoint_specs else None
            result = kg.query(name, params=given, view=chosen_view, timeout=timeout, endpoints=endpoints)
        else:
            if file:
                text, source = file.read_text(encoding="utf-8"), str(file)
            elif expr:
                text, source = expr, "<-e>"
            else:
                if sys.stdin.isatty():
                    raise ParameterError("no query given", hint="give a NAME, -e 'SPARQL', --file q.rq, or pipe SPARQL on stdin")
                text, source = sys.stdin.read(), "<stdin>"
            bindings = {k: adhoc_term(kg.asserted, v) for k, v in given.items()}
            result = execute(kg.view(chosen_view or View.ALL), text, bindings=bindings, timeout=timeout, source=source)
        out_fmt = OutputFormat(fmt) if fmt else (OutputFormat.TURTLE if result.graph is not None else OutputFormat.TABLE)
        click.echo(result.serialize(out_fmt, iris=iris))
    except Ip4GraphError as exc:
        fail(exc)
        return
    sys.exit(EXIT_OK if result else EXIT_FAIL)


def _query_backend(state: State, backend: str, store: Path | None, endpoint: str | None, name: str | None,
                   expr: str | None, file: Path | None, given: dict[str, str], timeout: float):
    """Run a named or ad-hoc query on a store filled by ``ip4graph load`` (parameters still bound as terms).

    Entity parameters given as labels are resolved against the local data (the shipped
    data unless --data is given); IRIs and CURIEs are used as they are.
    """
    from ..backends import get_backend
    from ..catalog import load_catalog
    from ..loader import load

    options: dict[str, object] = {}
    if backend == "oxigraph":
        if store is None:
            raise ParameterError("the oxigraph backend needs --store DIR (filled by `ip4graph load --backend oxigraph --path DIR`)")
        options["path"] = store
    elif endpoint:
        options["endpoint"] = endpoint
    local = load(state.files())
    engine = get_backend(backend, **options)
    try:
        if name:
            named = load_catalog().get(name)
            text = federation.bind_services(named.text) if federation.is_federated(named.text) else named.text
            result = engine.query(text, bindings=named.bindings(local, given), timeout=timeout)
        else:
            text = file.read_text(encoding="utf-8") if file else expr
            if not text:
                raise ParameterError("no query given", hint="give a NAME, -e 'SPARQL' or --file q.rq")
            result = engine.query(text, bindings={k: adhoc_term(local, v) for k, v in given.items()}, timeout=timeout)
    finally:
        engine.close()
    if result.labels_from is None:
        result.labels_from = local  # labels for tables come from the local data
    return result


def adhoc_term(graph, value: str):
    """Ad-hoc parameters: an IRI/CURIE, an N3 literal ("x"@en, 5), or an entity label."""
    iri = expand_iri(value)
    if iri is not None:
        return iri
    text = value.strip()
    if text.startswith('"') or text.replace("-", "", 1).isdigit() or text in ("true", "false"):
        try:
            return from_n3(text, nsm=graph.namespace_manager)
        except Exception as exc:
            raise ParameterError(f"cannot read {value!r} as an RDF literal", hint='e.g. "text"@en, 2016 or true') from exc
    try:
        return resolve_entity(graph, text)
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
        explanation = Explainer(kg.asserted, kg.inferred).explain((s, p, o))
    except Ip4GraphError as exc:
        fail(exc)
        return
    if as_json:
        click.echo(json.dumps(explanation.to_dict(g), indent=2, ensure_ascii=False))
    else:
        click.echo(explanation.text(g))


COMMANDS = [queries_cmd, query_cmd, why_cmd]
