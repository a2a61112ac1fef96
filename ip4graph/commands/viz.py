"""Graph commands: ``ip4graph viz`` (interactive HTML) and ``ip4graph analyze`` (networkx analytics)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import networkx as nx
from rdflib import URIRef

from .. import network as net
from ..errors import Ip4GraphError, ParameterError, SourceError
from ..namespaces import PREFIXES
from ..catalog import load_catalog
from ..viz import AUTO_PARTNERSHIP, Layout, Scope, SizeBy, render_html, write_html
from .query import _parse_params, check_params
from .query import adhoc_term as _adhoc_term
from .common import State, fail, pass_state

__all__ = ["COMMANDS", "analyze", "viz"]


# --------------------------------------------------------------------------- selection


def select_graph(
    state: State,
    *,
    query: str | None,
    construct: Path | None,
    focus: str | None,
    depth: int,
    params: tuple[str, ...],
    config: net.ProjectionConfig,
    scope: Scope = Scope.ALL,
    hub_limit: int | None = None,
) -> tuple[nx.MultiDiGraph, str, str | None, str | None]:
    """Project what the options select; returns (graph, caption, query text, focus node id).

    ``scope`` ``partnership`` (or ``auto`` on a graph of more than
    :data:`ip4graph.viz.AUTO_PARTNERSHIP` nodes when no query chose it) keeps
    the partnership network before ``focus`` and ``depth`` are applied.
    """
    if query and construct:
        raise ParameterError("give --query or --construct, not both")
    if params and not (query or construct):
        raise ParameterError("--param needs --query or --construct")
    given = _parse_params(params)
    dataset = state.dataset(reasoned=config.include_inferred)
    text: str | None = None
    if query or construct:
        if construct is not None:
            try:
                text = construct.read_text(encoding="utf-8")
            except OSError as exc:
                raise SourceError(f"cannot read {construct}: {exc.strerror or exc}") from exc
            name = str(construct)
            caption = f"Result of the CONSTRUCT query in {construct.name}"
        else:
            assert query is not None
            named = load_catalog().get(query)
            text = named.text
            name = query
            caption = f"Result of the named query \u201c{query}\u201d"
        if construct is None:
            bindings = named.bindings(dataset, given)
        else:
            bindings = {key: _adhoc_term(dataset, value) for key, value in given.items()}
        if bindings:
            caption += " with " + ", ".join(f"{k} = {v}" for k, v in given.items())
        graph = net.project_query(dataset, text, bindings=bindings, config=config, name=name)
    else:
        graph = net.project(dataset, config=config)
        caption = "The whole graph: asserted facts" + (" and inferences" if config.include_inferred else "")
    chosen = not (query or construct or config.edge_predicates is not None)
    partnership = scope is Scope.PARTNERSHIP or (
        scope is Scope.AUTO and chosen and graph.number_of_nodes() > AUTO_PARTNERSHIP
    )
    node: str | None = None
    if focus:
        node = str(net.resolve_entity(dataset, focus)) if focus not in graph else focus
        if node not in graph:
            raise ParameterError(f"{focus!r} is not connected to anything in this graph")
        base = graph
        if partnership:
            base = net.partnership_network(graph)
            if node not in base:  # the focus is always kept, with its links into the network
                base = graph.subgraph([*base.nodes, node]).copy()
        graph = net.neighbourhood(base, node, depth=depth, hub_limit=hub_limit)
        label = graph.nodes[node].get("label", node)
        hops = "hop" if depth == 1 else "hops"
        where = " in the partnership network" if partnership else ""
        caption = f"{caption}, within {depth} {hops} of {label}" if (query or construct) else (
            f"Everything within {depth} {hops} of {label}{where}"
        )
        if depth > 1 and hub_limit is not None:
            caption += f" (not passing through nodes with more than {hub_limit} neighbours)"
    elif scope is Scope.PARTNERSHIP:
        graph = net.partnership_network(graph)
        caption += ", the partnership network"
    extras = []
    if config.include_hedged:
        extras.append("hedged statements dashed")
    if config.include_denied:
        extras.append("denials in red")
    caption += f" ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} links"
    caption += ("; " + ", ".join(extras)) if extras else ""
    caption += ")."
    return graph, caption, text, node


def _selection_options(verb: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The options that choose what to project, shared by ``viz`` (``verb`` "draw") and ``analyze``."""
    options = [
        click.option("--query", "query", metavar="NAME", default=None,
                     help=f"A named query (CONSTRUCT) from the catalog whose result to {verb}."),
        click.option("--construct", type=click.Path(path_type=Path, dir_okay=False, exists=True),
                     default=None, help=f"A file holding a CONSTRUCT query whose result to {verb}."),
        click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", callback=check_params,
                     help="Bind a query parameter (an IRI, a CURIE, a label, a number or a string); "
                          "repeatable. The same syntax as `ip4graph query -p`."),
        click.option("--focus", metavar="ENTITY", default=None,
                     help="Keep the neighbourhood of this entity (IRI, CURIE or label); it is highlighted and centred."),
        click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True,
                     help="Hops around --focus."),
        click.option("--hub-limit", type=click.IntRange(min=0), default=15, show_default=True,
                     help="With --depth 2 or more, do not go on through nodes with more neighbours than this "
                          "(hubs such as NATO link everything to everything)."),
        click.option("--scope", type=click.Choice([s.value for s in Scope]), default=Scope.AUTO.value,
                     show_default=True,
                     help="partnership: states, groupings, organisations, agreements and summits; all: every node; "
                          "auto: the partnership network for the whole graph, everything for a query's result."),
        click.option("--hedged/--no-hedged", default=True, show_default=True,
                     help="Include hedged (reified) statements as uncertain links."),
        click.option("--denied/--no-denied", default=False, show_default=True,
                     help="Include denied facts (negative property assertions) as links."),
        click.option("--inferred/--asserted", default=False, show_default=True,
                     help="Include triples inferred by the reasoner."),
        click.option("--predicate", "predicates", multiple=True, metavar="CURIE",
                     help="Only these predicates become links (repeatable; default: all object properties)."),
    ]
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def _config(*, hedged: bool, denied: bool, inferred: bool, predicates: tuple[str, ...]) -> net.ProjectionConfig:
    edge_predicates = None
    if predicates:
        resolved = set()
        for text in predicates:
            prefix, sep, local = text.partition(":")
            if text.startswith(("http://", "https://")):
                resolved.add(URIRef(text))
            elif sep and prefix in PREFIXES:
                resolved.add(PREFIXES[prefix][local])
            else:
                raise ParameterError(f"--predicate {text!r} is not an IRI or a known CURIE")
        edge_predicates = frozenset(resolved)
    return net.ProjectionConfig(
        edge_predicates=edge_predicates,
        include_hedged=hedged,
        include_denied=denied,
        include_inferred=inferred,
    )


def _errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn ip4graph errors into a message and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except Ip4GraphError as exc:
            fail(exc)

    return wrapper


# --------------------------------------------------------------------------- viz


@click.command("viz")
@_selection_options("draw")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The HTML file to write (default: standard output).")
@click.option("--size-by", type=click.Choice([s.value for s in SizeBy]), default=SizeBy.DEGREE.value,
              show_default=True, help="What a node's size shows.")
@click.option("--title", default=None, help="The page title (default: says what is drawn).")
@click.option("--layout", type=click.Choice([layout.value for layout in Layout]), default=Layout.FORCE.value,
              show_default=True, help="Initial layout; the page can switch.")
@pass_state
@_errors
def viz(
    state: State,
    *,
    query: str | None,
    construct: Path | None,
    params: tuple[str, ...],
    focus: str | None,
    depth: int,
    hub_limit: int,
    scope: str,
    hedged: bool,
    denied: bool,
    inferred: bool,
    predicates: tuple[str, ...],
    output: Path | None,
    size_by: str,
    title: str | None,
    layout: str,
) -> None:
    """Write an interactive relationship graph as one self-contained HTML file.

    The page works offline (vis-network is inlined). Nodes are coloured and
    shaped by kind (the same in every page), sized by their links; it opens on
    the partnership network (switch to everything in the page). Find zooms to
    a node; a click opens its relations with the quote behind each, links to
    its entity page and to Wikidata/DBpedia; filters by kind and year (with or
    without undated things); export of the view as PNG or SVG.

    \b
    Example:
      ip4graph viz -o build/graph.html
      ip4graph viz --focus Japan --depth 1 -o japan.html
      ip4graph viz --query describe-entity -p entity=Japan > japan.html
      ip4graph viz --construct my-query.rq -o result.html --layout hierarchical
    """
    config = _config(hedged=hedged, denied=denied, inferred=inferred, predicates=predicates)
    graph, caption, text, node = select_graph(
        state, query=query, construct=construct, focus=focus, depth=depth, params=params, config=config,
        scope=Scope(scope), hub_limit=hub_limit,
    )
    page_title = title or (
        f"{graph.nodes[node].get('label', node)} and its relations" if node else "NATO and the Indo-Pacific 4: relationships"
    )
    page_scope = Scope.ALL if node or query or construct else Scope(scope)
    options = dict(title=page_title, caption=caption, query=text, layout=Layout(layout), scope=page_scope,
                   size_by=SizeBy(size_by), focus=node)
    if output is None:
        click.echo(render_html(graph, **options), nl=False)  # type: ignore[arg-type]
        return
    path = write_html(graph, output, **options)  # type: ignore[arg-type]
    click.echo(f"wrote {path} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} links)")


# --------------------------------------------------------------------------- analyze


def _emit(fmt: str, json_value: Any, table_text: str) -> None:
    click.echo(net.to_json(json_value) if net.OutputFormat(fmt) is net.OutputFormat.JSON else table_text)


_format_option = click.option(
    "--format", "fmt", type=click.Choice([f.value for f in net.OutputFormat]),
    default=net.OutputFormat.TABLE.value, show_default=True, help="An aligned table or JSON.",
)


@click.group("analyze")
def analyze() -> None:
    """Network analytics of the relationship graph (networkx).

    \b
    Example:
      ip4graph analyze centrality --top 10
      ip4graph analyze paths "New Zealand" "North Korea"
      ip4graph analyze communities --format json
      ip4graph analyze bridges
    """


@analyze.command("centrality")
@_selection_options("analyse")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="How many nodes to list.")
@click.option("--sort", "sort_by", type=click.Choice(["betweenness", "eigenvector", "degree", "degree_centrality"]),
              default="betweenness", show_default=True, help="The score to rank by.")
@_format_option
@pass_state
@_errors
def centrality_cmd(state: State, *, top: int, sort_by: str, fmt: str, **selection: Any) -> None:
    """Degree, betweenness and eigenvector centrality, best first.

    \b
    Example:
      ip4graph analyze centrality --top 10 --sort eigenvector
    """
    graph = _analysis_graph(state, selection)
    rows = net.centrality(graph, top=top, sort_by=sort_by)
    table = net.table(
        [(r.label, r.cls, r.degree, f"{r.betweenness:.4f}", f"{r.eigenvector:.4f}", f"{r.degree_centrality:.4f}")
         for r in rows],
        ["entity", "class", "degree", "betweenness", "eigenvector", "degree (norm.)"],
    )
    _emit(fmt, rows, table)


@analyze.command("paths")
@click.argument("source")
@click.argument("target")
@_selection_options("analyse")
@click.option("--max-length", type=click.IntRange(min=1), default=6, show_default=True, help="Longest path, in hops.")
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True, help="How many paths to list.")
@_format_option
@pass_state
@_errors
def paths_cmd(
    state: State, source: str, target: str, *, max_length: int, limit: int, fmt: str, **selection: Any
) -> None:
    """How SOURCE is connected to TARGET: the shortest paths, with the predicate on each hop.

    SOURCE and TARGET are IRIs, CURIEs (ip4d:japan) or labels ("Japan").
    Exit status 1 when they are not connected.

    \b
    Example:
      ip4graph analyze paths "New Zealand" "North Korea"
    """
    graph = _analysis_graph(state, selection)
    a = _node_for(state, graph, source)
    b = _node_for(state, graph, target)
    found = net.connections(graph, a, b, max_length=max_length, limit=limit)
    if net.OutputFormat(fmt) is net.OutputFormat.JSON:
        click.echo(net.to_json([[hop for hop in path] for path in found]))
    elif not found:
        click.echo(f"no path of at most {max_length} hops between {graph.nodes[a]['label']} and {graph.nodes[b]['label']}")
    else:
        lines = []
        for i, path in enumerate(found, start=1):
            lines.append(f"{i}. ({len(path)} hops)")
            lines.extend(f"   {hop}" for hop in path)
        click.echo("\n".join(lines))
    if not found:
        raise SystemExit(1)


@analyze.command("communities")
@_selection_options("analyse")
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed (results are reproducible).")
@click.option("--resolution", type=float, default=1.0, show_default=True, help="Louvain resolution: higher, smaller.")
@_format_option
@pass_state
@_errors
def communities_cmd(state: State, *, seed: int, resolution: float, fmt: str, **selection: Any) -> None:
    """Communities (Louvain modularity), largest first.

    \b
    Example:
      ip4graph analyze communities --format json
    """
    graph = _analysis_graph(state, selection)
    found = net.communities(graph, seed=seed, resolution=resolution)
    table = net.table([(c.index, c.size, ", ".join(c.labels)) for c in found], ["#", "size", "members"])
    _emit(fmt, found, table)


@analyze.command("bridges")
@_selection_options("analyse")
@_format_option
@pass_state
@_errors
def bridges_cmd(state: State, *, fmt: str, **selection: Any) -> None:
    """Bridges (links whose removal splits the graph) and the cut vertices that hold it together.

    \b
    Example:
      ip4graph analyze bridges --format table
    """
    graph = _analysis_graph(state, selection)
    report = net.bridges(graph)
    text = "bridges:\n" + net.table(report.bridges, ["one end", "other end"])
    text += "\n\ncut vertices:\n" + ("\n".join(f"  {v}" for v in report.cut_vertices) or "  (none)")
    _emit(fmt, report, text)


def _analysis_graph(state: State, selection: dict[str, Any]) -> nx.MultiDiGraph:
    config = _config(
        hedged=selection.pop("hedged"),
        denied=selection.pop("denied"),
        inferred=selection.pop("inferred"),
        predicates=selection.pop("predicates"),
    )
    graph, _caption, _text, _node = select_graph(
        state, config=config, **{**selection, "scope": Scope(selection["scope"])}
    )
    return graph


def _node_for(state: State, graph: nx.MultiDiGraph, text: str) -> str:
    try:
        return net.resolve_node(graph, text)
    except Ip4GraphError:
        node = str(net.resolve_entity(state.dataset(), text))
        if node not in graph:
            raise ParameterError(f"{text!r} has no links in this graph") from None
        return node


# --------------------------------------------------------------------------- timeline


@click.command("timeline")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The HTML file to write (default: standard output).")
@click.option("--title", default="NATO and the Indo-Pacific 4: timeline", show_default=True, help="The page title.")
@click.option("--inferred/--asserted", default=False, show_default=True,
              help="Include triples inferred by the reasoner.")
@pass_state
@_errors
def timeline_cmd(state: State, *, output: Path | None, title: str, inferred: bool) -> None:
    """Write a timeline of events, agreements, summits, missions and partnerships as one HTML file.

    Periods are spans ("between 2009 and 2016"); vague dates ("early 2010s")
    are spans with fuzzy ends; open-ended periods fade out; expected and
    hedged items are drawn apart. Filter by actor; a click opens the item's
    relations with the quote behind each. Works offline (vis-timeline is inlined).

    \b
    Example:
      ip4graph timeline -o build/timeline.html
      ip4graph timeline > timeline.html
    """
    from ..timeline import render_timeline, timeline_items, write_timeline

    graph = net.project(state.dataset(reasoned=inferred), config=net.ProjectionConfig(include_inferred=inferred))
    count = len(timeline_items(graph))
    caption = f"{count} dated events, agreements, summits, missions and partnerships of the {'reasoned' if inferred else 'asserted'} data."
    if output is None:
        click.echo(render_timeline(graph, title=title, caption=caption), nl=False)
        return
    path = write_timeline(graph, output, title=title, caption=caption)
    click.echo(f"wrote {path} ({count} items)")


#: The commands ``ip4graph.cli`` adds to the ``ip4graph`` group.
COMMANDS: list[click.Command] = [viz, analyze, timeline_cmd]
