"""``ip4graph serve``: the SPARQL endpoint, entity pages and query editor over HTTP."""

from __future__ import annotations

import logging

import click

from ..errors import Ip4GraphError
from ..kg import DEFAULT_TIMEOUT
from ..sparqllimits import MAX_BYTES, MAX_DEPTH, MAX_PATTERNS
from .common import State, fail, pass_state
from .query import open_kg


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but 127.0.0.1 exposes the endpoint to the network.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port (0 picks a free one).")
@click.option("--timeout", type=float, default=DEFAULT_TIMEOUT, show_default=True,
              help="Stop each query after this many seconds (0 = no limit).")
@click.option("--max-rows", type=int, default=10_000, show_default=True,
              help="Return at most this many rows (or triples); more are cut off and the response "
                   "carries X-Ip4graph-Truncated: true.")
@click.option("--workers", type=int, default=4, show_default=True,
              help="Worker processes: requests evaluated at the same time. Each holds the graph (shared "
                   "copy-on-write) and is killed and replaced when a request runs past --timeout.")
@click.option("--memory-mb", type=int, default=1024, show_default=True,
              help="Memory each worker may use beyond the loaded graph (MiB, 0 = no cap); a request "
                   "that needs more gets 503.")
@click.option("--max-query-bytes", type=int, default=MAX_BYTES, show_default=True,
              help="Longest query or update accepted (400 beyond, before any parsing).")
@click.option("--max-depth", type=int, default=MAX_DEPTH, show_default=True,
              help="Deepest nesting of { } and ( ) accepted (400 beyond, before any parsing).")
@click.option("--max-patterns", type=int, default=MAX_PATTERNS, show_default=True,
              help="Most triple patterns in one query (400 beyond, before any parsing).")
@click.option("--max-connections-per-client", type=int, default=64, show_default=True,
              help="Open connections one client address may hold (more are answered 429 and closed).")
@click.option("--cache-mb", type=int, default=64, show_default=True,
              help="Memory for answers to repeated reads (0 = no cache); emptied by every update.")
@click.option("--allow-service", "allow_service", multiple=True, metavar="URL",
              help="Let SERVICE clauses call this endpoint (repeatable). Others are refused with 403.")
@click.option("--allow-update", is_flag=True, help="Accept SPARQL Update (needs --token). Off: updates get 403.")
@click.option("--token", envvar="IP4GRAPH_TOKEN", default=None,
              help="Bearer token required for updates (or set IP4GRAPH_TOKEN).")
@click.option("-v", "--verbose", is_flag=True, help="Log every request.")
@pass_state
def serve_cmd(state: State, host: str, port: int, timeout: float, max_rows: int, workers: int,
              memory_mb: int, max_query_bytes: int, max_depth: int, max_patterns: int,
              max_connections_per_client: int, cache_mb: int, allow_service: tuple[str, ...], allow_update: bool, token: str | None, verbose: bool) -> None:
    """Serve the loaded and reasoned graph: SPARQL 1.1 endpoint, entity pages, editor.

    Read-only by default; SERVICE is refused unless allowed; each query runs in a worker
    process with a time and memory limit, after cheap checks of its size, depth and patterns.
    Entity IRIs https://w3id.org/ip4graph/id/<slug> are served at /id/<slug>.

    \b
    Example:
      ip4graph serve                       # http://127.0.0.1:8000/  (editor), /sparql
      ip4graph serve --port 3030 --timeout 10 --max-rows 5000
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ip4:memberOf ip4d:ip4 }' \\
           http://127.0.0.1:8000/sparql
      IP4GRAPH_TOKEN=s3cret ip4graph serve --allow-update
    """
    from ..server import EndpointConfig, make_server

    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = EndpointConfig(host=host, port=port, timeout=timeout, max_rows=max_rows, workers=workers,
                                memory_mb=memory_mb, max_query_bytes=max_query_bytes, max_depth=max_depth,
                                max_patterns=max_patterns, max_connections_per_client=max_connections_per_client, cache_mb=cache_mb,
                                allow_service=allow_service, allow_update=allow_update, token=token)
        click.echo("loading and reasoning ...", err=True)
        kg = open_kg(state)
        server = make_server(kg, config)
    except Ip4GraphError as exc:
        fail(exc)
        return
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: the endpoint is reachable from the network", err=True)
    click.echo(f"ip4graph endpoint at {server.url}/sparql  (editor: {server.url}/ , "
               f"{len(kg.asserted)} asserted + {len(kg.inferred)} inferred triples; "
               f"{'updates with token' if allow_update else 'read-only'}; Ctrl-C stops)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.server_close()


COMMANDS = [serve_cmd]
