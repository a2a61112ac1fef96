"""The ``ip4graph`` command. The only module (with ``ip4graph.commands``) that prints or exits."""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from .reasoning import Reasoning
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
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data", "data", multiple=True, type=click.Path(path_type=Path),
              help="Data file to load instead of the shipped data (repeatable).")
@click.option("--add", "add", multiple=True, type=click.Path(path_type=Path),
              help="Data file or folder to load on top of the data (repeatable): the shipped files need not be re-listed.")
@click.option("--ontology", type=click.Path(path_type=Path), default=None,
              help="Ontology file (default: the shipped ontology/ip4.ttl).")
@click.option("--reasoning", type=click.Choice([r.value for r in Reasoning]), default="owlrl",
              show_default=True, help="Entailment regime for inferred triples.")
@click.option("--no-cache", is_flag=True, help="Recompute the closure instead of reading build/cache.")
@click.version_option(package_name="ip4graph")
@click.pass_context
def main(ctx: click.Context, data: tuple[Path, ...], add: tuple[Path, ...], ontology: Path | None, reasoning: str, no_cache: bool) -> None:
    """ip4graph: NATO and the Indo-Pacific 4 as a knowledge graph.

    \b
    Example:
      ip4graph build                 # load, reason, validate, report
      ip4graph validate --format table
    """
    ctx.obj = State(data=data, add=add, ontology=ontology, reasoning=Reasoning(reasoning), cache=not no_cache)


for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(_name)
    except ModuleNotFoundError as _exc:  # a command module not written yet
        if _exc.name != _name:
            raise
        continue
    for _command in _module.COMMANDS:
        main.add_command(_command)
