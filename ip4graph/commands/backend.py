"""Backend commands: load (into memory, Oxigraph or a SPARQL endpoint), generate (synthetic data)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from ..backends import BACKENDS, ENV_BACKEND, ENV_ENDPOINT, get_backend
from ..errors import Ip4GraphError
from ..reasoning import REASONERS, Reasoning, attach_inferences
from .common import EXIT_OK, State, fail, pass_state


@click.command("load")
@click.option("--backend", type=click.Choice(BACKENDS), default=None, envvar=ENV_BACKEND, show_envvar=True,
              help="Where to load: memory (rdflib, default), oxigraph (embedded, on disk with --path), sparql (remote).")
@click.option("--path", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="oxigraph: the store directory (created if missing; kept after the command).")
@click.option("--endpoint", default=None, envvar=ENV_ENDPOINT, show_envvar=True,
              help="sparql: the query endpoint URL.")
@click.option("--update-endpoint", default=None, help="sparql: the update endpoint (default: --endpoint).")
@click.option("--user", default=None, envvar="IP4GRAPH_SPARQL_USER", help="sparql: user for updates (HTTP Digest or Basic).")
@click.option("--password", default=None, envvar="IP4GRAPH_SPARQL_PASSWORD", help="sparql: password (prefer the environment variable).")
@click.option("--dialect", type=click.Choice(["generic", "virtuoso"]), default="generic", show_default=True,
              help="sparql: virtuoso keeps a deduplicated union graph (see docs/benchmarks.md).")
@click.option("--reasoner", type=click.Choice(REASONERS), default="owlrl", show_default=True,
              help="OWL 2 RL engine: owlrl (reference) or reasonable (fast path).")
@click.option("--replace", is_flag=True, help="Empty the store first.")
@pass_state
def load_cmd(state: State, backend: str | None, path: Path | None, endpoint: str | None, update_endpoint: str | None,
             user: str | None, password: str | None, dialect: str, reasoner: str, replace: bool) -> None:
    """Load ontology, data and inferred triples into a backend.

    The inferred triples go to the graph ip4g:inferred, as in memory.

    \b
    Example:
      ip4graph load --backend oxigraph --path build/oxigraph
      ip4graph --data big.trig load --backend oxigraph --path build/big --reasoner reasonable
      ip4graph load --backend sparql --endpoint http://127.0.0.1:8890/sparql \\
          --update-endpoint http://127.0.0.1:8890/sparql-auth --user dba --dialect virtuoso
    """
    try:
        options: dict[str, object] = {}
        if backend == "oxigraph" and path is not None:
            options["path"] = path
        if backend == "sparql":
            options.update(endpoint=endpoint, update_endpoint=update_endpoint, user=user, password=password,
                           dialect=dialect)
        target = get_backend(backend, **options)
        t0 = time.perf_counter()
        ds = state.dataset()
        if state.reasoning is not Reasoning.NONE:
            attach_inferences(ds, profile=state.reasoning, cache=state.cache, reasoner=reasoner)
        t1 = time.perf_counter()
        if replace:
            target.clear()
        n = target.load(ds)
        t2 = time.perf_counter()
        total = target.count()
        target.close()
    except Ip4GraphError as exc:
        fail(exc)
        return
    where = f" at {path}" if path else (f" at {endpoint}" if endpoint else "")
    click.echo(f"loaded {n} quads into {target.name}{where} in {t2 - t1:.2f} s "
               f"(parse and reason {t1 - t0:.2f} s); the store holds {total} distinct triples")
    sys.exit(EXIT_OK)


@click.command("generate")
@click.option("--triples", "-n", type=int, required=True, help="About how many quads to write (never fewer).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: the same seed gives the same file.")
@click.option("-o", "--out", "out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Output file: .trig or .nq.")
def generate_cmd(triples: int, seed: int, out: Path) -> None:
    """Write synthetic IP4-shaped data (states, organisations, agreements, summits, threats, interests, sources).

    The data validates against the shapes; use it instead of the shipped data.

    \b
    Example:
      ip4graph generate --triples 100000 --seed 1 -o build/gen-100k.trig
      ip4graph --data build/gen-100k.trig query ip4-members
    """
    from ..generate import write_generated

    try:
        if triples < 1:
            raise click.BadParameter("must be at least 1", param_hint="--triples")
        with click.progressbar(length=triples, label=f"generating about {triples} quads", file=sys.stderr,
                               show_pos=True) as bar:
            n = write_generated(out, triples, seed=seed, progress=lambda done: bar.update(min(done, triples) - bar.pos))
    except Ip4GraphError as exc:
        fail(exc)
        return
    click.echo(f"wrote {n} quads to {out} (seed {seed})")


COMMANDS = [load_cmd, generate_cmd]
