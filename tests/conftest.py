"""Shared fixtures: the shipped dataset, asserted and reasoned, loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset

import ip4graph
from ip4graph.namespaces import PREFIXES
from ip4graph.reasoning import Reasoning, attach_inferences

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
SOURCES = ROOT.parent / "shared" / "sources"


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """Ontology + shipped data, asserted triples only."""
    return ip4graph.load()


@pytest.fixture(scope="session")
def reasoned(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """Ontology + shipped data with the OWL 2 RL inferences in ``ip4g:inferred``."""
    ds = ip4graph.load()
    attach_inferences(ds, profile=Reasoning.OWLRL, cache_dir=tmp_path_factory.mktemp("cache"))
    return ds


@pytest.fixture(scope="session")
def prefixes() -> dict:
    return dict(PREFIXES)


def ask(ds: Dataset, query: str) -> bool:
    """Run an ASK query with the standard prefixes."""
    return bool(ds.query(query, initNs=PREFIXES).askAnswer)


def select(ds: Dataset, query: str) -> list[tuple]:
    """Run a SELECT query with the standard prefixes; rows as tuples."""
    return [tuple(row) for row in ds.query(query, initNs=PREFIXES)]


def source_paragraphs(name: str) -> list[str]:
    """The paragraphs (non-empty lines) of a source text, 1-based via index+1."""
    text = (SOURCES / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]
