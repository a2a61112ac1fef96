"""The ``ip4graph`` command. The only module (with ``ip4graph.commands``) that prints or exits."""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from .commands.common import State

#: Command modules; each has a ``COMMANDS`` list of click commands.
COMMAND_MODULES = [
    "ip4graph.commands.core",
    "ip4graph.commands.query",
    "ip4graph.commands.viz",
    "ip4graph.commands.linked",
    "ip4graph.commands.backend",
    "ip4graph.commands.serve",
    "ip4graph.commands.curation",
    "ip4graph.commands.search",
]

#: Which module defines each command, so that running one imports only what it needs
#: (a query never loads pySHACL, owlrl, networkx or pyvis). A command missing here is
#: still found: every module is then imported.
COMMAND_HOMES = {
    "validate": "ip4graph.commands.core", "stats": "ip4graph.commands.core",
    "build": "ip4graph.commands.core", "docs": "ip4graph.commands.core",
    "queries": "ip4graph.commands.query", "query": "ip4graph.commands.query", "why": "ip4graph.commands.query",
    "viz": "ip4graph.commands.viz", "analyze": "ip4graph.commands.viz", "timeline": "ip4graph.commands.viz",
    "export": "ip4graph.commands.linked", "describe": "ip4graph.commands.linked",
    "links": "ip4graph.commands.linked", "enrich": "ip4graph.commands.linked",
    "load": "ip4graph.commands.backend", "generate": "ip4graph.commands.backend",
    "serve": "ip4graph.commands.serve",
    "search": "ip4graph.commands.search",
}

BACKEND_CHOICES = ("oxigraph", "memory", "sparql")


def _module_commands(name: str) -> dict[str, click.Command]:
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:  # a command module not written yet
        if exc.name != name:
            raise
        return {}
    return {c.name: c for c in module.COMMANDS if c.name}


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(self.commands)
        for module in COMMAND_MODULES:
            names |= set(_module_commands(module))
        return sorted(names)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        home = COMMAND_HOMES.get(cmd_name)
        found = _module_commands(home).get(cmd_name) if home else None
        if found is None:
            for module in COMMAND_MODULES:
                found = _module_commands(module).get(cmd_name)
                if found is not None:
                    break
        return found


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data", "data", multiple=True, type=click.Path(path_type=Path),
              help="Data file to load instead of the shipped data (repeatable).")
@click.option("--add", "add", multiple=True, type=click.Path(path_type=Path),
              help="Data file or folder to load on top of the data (repeatable): the shipped files need not be re-listed.")
@click.option("--ontology", type=click.Path(path_type=Path), default=None,
              help="Ontology file (default: the shipped ontology/ip4.ttl).")
@click.option("--reasoning", type=click.Choice(["none", "rdfs", "owlrl"]), default="owlrl",
              show_default=True, help="Entailment regime for inferred triples.")
@click.option("--no-cache", is_flag=True, help="Recompute the closure instead of reading build/cache.")
@click.option("--backend", type=click.Choice(BACKEND_CHOICES), default=None, envvar="IP4GRAPH_BACKEND",
              show_envvar=True,
              help="Engine under every command: oxigraph (default: the compiled store under build/store, "
                   "rebuilt when an input file changes), memory (rdflib, the reference), sparql (a remote "
                   "store filled by `ip4graph load`).")
@click.option("--store", type=click.Path(path_type=Path, file_okay=False), default=None,
              envvar="IP4GRAPH_OXIGRAPH_PATH",
              help="oxigraph: a store directory filled by `ip4graph load` (default: the compiled store).")
@click.option("--sparql-endpoint", default=None, envvar="IP4GRAPH_SPARQL_ENDPOINT",
              help="sparql: the endpoint URL.")
@click.option("--dialect", type=click.Choice(["generic", "virtuoso"]), default=None,
              help="sparql: the engine's dialect (default: what `ip4graph load` recorded in the store).")
@click.option("--progress/--no-progress", "progress", default=None,
              help="Draw progress bars on standard error for long jobs (generate, load, build, enrich, "
                   "compiling the store). Default: only when standard error is a terminal. "
                   "Standard output is the same either way.")
@click.version_option(package_name="ip4graph")
@click.pass_context
def main(ctx: click.Context, data: tuple[Path, ...], add: tuple[Path, ...], ontology: Path | None, reasoning: str,
         no_cache: bool, backend: str | None, store: Path | None, sparql_endpoint: str | None,
         dialect: str | None, progress: bool | None) -> None:
    """ip4graph: NATO and the Indo-Pacific 4 as a knowledge graph.

    \b
    Example:
      ip4graph build                 # load, reason, validate, report
      ip4graph validate --format table
      ip4graph --backend memory query ip4-members
      ip4graph --progress generate -n 5000 --seed 1 -o build/gen-5k.trig
    """
    from .reasoning import Reasoning

    ctx.obj = State(data=data, add=add, ontology=ontology, reasoning=Reasoning(reasoning), cache=not no_cache,
                    backend=backend, store=store, endpoint=sparql_endpoint, dialect=dialect, progress=progress)
