"""Backend commands: load (into memory, Oxigraph or a SPARQL endpoint), generate (synthetic data)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from ..backends import BACKENDS, ENV_BACKEND, ENV_ENDPOINT, get_backend
from ..errors import Ip4GraphError, ParameterError
from ..progress import emit
from ..reasoning import REASONERS
from .common import EXIT_OK, State, fail, pass_state


@click.command("load")
@click.option("--backend", type=click.Choice(BACKENDS), default=None, envvar=ENV_BACKEND, show_envvar=True,
              help="Where to load: oxigraph (embedded, on disk at --path), sparql (remote), memory (rdflib, for timing).")
@click.option("--path", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="oxigraph: the store directory (created if missing; kept after the command). "
                   "Without it, `ip4graph build` compiles the default store under build/store.")
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
      ip4graph --data build/gen-5k.trig load --backend oxigraph --path build/gen-5k --reasoner reasonable
      ip4graph load --backend sparql --endpoint http://127.0.0.1:8890/sparql \\
          --update-endpoint http://127.0.0.1:8890/sparql-auth --user dba --dialect virtuoso
    """
    from ..kg import KnowledgeGraph
    from ..store import Inputs

    try:
        chosen = backend or "oxigraph"
        if chosen == "oxigraph" and path is None:
            raise ParameterError("the oxigraph backend needs --path DIR",
                                 hint="or run `ip4graph build`, which compiles the default store under build/store")
        t0 = time.perf_counter()
        progress = state.reporter()
        emit(progress, "parse and reason", 0, 1)
        kg = KnowledgeGraph.open(state.data if state.data else None,
                                 ontology=state.ontology if state.ontology is not None else True,
                                 reasoning=state.reasoning, cache=state.cache, reasoner=reasoner, backend="memory")
        emit(progress, "parse and reason", 1, 1)
        inputs = Inputs.of(list(state.data) if state.data else None,
                           state.ontology if state.ontology is not None else True,
                           reasoning=state.reasoning, reasoner=reasoner)
        fingerprint = inputs.fingerprint()
        t1 = time.perf_counter()
        if chosen == "oxigraph":
            from ..backends.oxigraph import OxigraphBackend

            target = OxigraphBackend(path, create=True)
            if replace:
                target.clear()
            total = sum(1 for _ in kg.backend.quads()) if progress else None  # type: ignore[attr-defined]
            n = target.load(kg.backend.quads(), manifest=dict(fingerprint),  # type: ignore[attr-defined]
                            progress=progress, total=total)
        elif chosen == "sparql":
            target = get_backend("sparql", endpoint=endpoint, update_endpoint=update_endpoint, user=user,
                                 password=password, dialect=dialect)
            if replace:
                target.clear()
            n = target.load(kg.backend.quads(), key=inputs.key())  # type: ignore[attr-defined,call-arg]
        else:
            target = get_backend("memory")
            n = target.load(kg.backend.quads())  # type: ignore[attr-defined]
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
@pass_state
def generate_cmd(state: State, triples: int, seed: int, out: Path) -> None:
    """Write synthetic IP4-shaped data (states, organisations, agreements, summits, threats, interests, sources).

    The data validates against the shapes; use it instead of the shipped data. A progress
    bar is drawn on standard error when it is a terminal (`ip4graph --progress` forces it).

    \b
    Example:
      ip4graph generate --triples 5000 --seed 1 -o build/gen-5k.trig
      ip4graph --data build/gen-5k.trig query ip4-members
    """
    from ..generate import write_generated

    try:
        if triples < 1:
            raise click.BadParameter("must be at least 1", param_hint="--triples")
        n = write_generated(out, triples, seed=seed, progress=state.reporter())
    except Ip4GraphError as exc:
        fail(exc)
        return
    click.echo(f"wrote {n} quads to {out} (seed {seed})")


COMMANDS = [load_cmd, generate_cmd]
