"""A Virtuoso Open Source server on loopback for the ``sparql`` backend tests.

``virtuoso_server`` (session scope) starts ``virtuoso-t`` with its own ini in a
temporary directory, both ports on 127.0.0.1, and stops it at the end. Virtuoso is
installed by ``.ci/install-virtuoso.sh`` (CI runs it). When it is missing the tests
FAIL with that hint, unless ``IP4GRAPH_SKIP_VIRTUOSO=1`` (then they are skipped).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from ip4graph.backends.virtuoso import INSTALL_HINT, LocalVirtuoso, virtuoso_binary

SKIP_ENV = "IP4GRAPH_SKIP_VIRTUOSO"


def virtuoso_or_fail() -> None:
    """Fail (or skip, with IP4GRAPH_SKIP_VIRTUOSO=1) when virtuoso-t is not installed."""
    if virtuoso_binary() is not None:
        return
    message = f"Virtuoso (virtuoso-t) is not installed: {INSTALL_HINT}"
    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(message + f" ({SKIP_ENV}=1)")
    pytest.fail(message + f"; or set {SKIP_ENV}=1 to skip the Virtuoso tests", pytrace=False)


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalVirtuoso]:
    virtuoso_or_fail()
    server = LocalVirtuoso(tmp_path_factory.mktemp("virtuoso"), memory_mb=256)
    server.start()
    try:
        yield server
    finally:
        server.stop()
