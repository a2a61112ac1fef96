"""``ip4graph.search`` on the ``sparql`` backend (Virtuoso on loopback) gives the answers rdflib gives.

Virtuoso is started by ``tests/virtuoso.py`` (fails without it unless IP4GRAPH_SKIP_VIRTUOSO=1).

Known difference (docs/search.md): Virtuoso 7 turns the letters beyond Latin-1 of a value into ``?``
once it has passed through a ``BIND``, so accented letters of Latin Extended-A/B (``ā``, ``ł``,
``ș`` ...) are not folded there; Latin-1 accents (French), Japanese and Korean are.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from test_search import EVERY_ACCENT, FIXTURE
from virtuoso import virtuoso_server  # noqa: F401  (fixture)

from ip4graph.cli import main
from ip4graph.kg import KnowledgeGraph
from ip4graph.reasoning import Reasoning
from ip4graph.search import SearchKind, fold, search

pytestmark = pytest.mark.virtuoso


def test_virtuoso_finds_what_rdflib_finds(virtuoso_server, tmp_path: Path) -> None:  # noqa: F811
    data = tmp_path / "zeta.trig"
    data.write_text(FIXTURE, encoding="utf-8")
    opts = virtuoso_server.backend_options()
    res = CliRunner().invoke(main, ["--data", str(data), "--reasoning", "none", "load", "--backend", "sparql",
                                    "--endpoint", opts["endpoint"], "--update-endpoint", opts["update_endpoint"],
                                    "--user", "dba", "--password", opts["password"], "--dialect", "virtuoso",
                                    "--replace"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    remote = KnowledgeGraph.open(backend="sparql", endpoint=opts["endpoint"], dialect="virtuoso",
                                 reasoning=Reasoning.NONE)
    memory = KnowledgeGraph.open([data], backend="memory", reasoning=Reasoning.NONE)
    for text in ("zeta", "ZÉTA", "Zéta", "関係", '"} ; DROP ALL', "o'brien", "people joined"):
        expected = [h.to_dict() for h in search(memory, text, kinds=list(SearchKind))]
        assert [h.to_dict() for h in search(remote, text, kinds=list(SearchKind))] == expected, text
        assert expected, text
    # the known difference: Latin Extended letters are not folded by Virtuoso (see the module's doc)
    assert search(memory, fold(EVERY_ACCENT)) and not search(remote, fold(EVERY_ACCENT))
