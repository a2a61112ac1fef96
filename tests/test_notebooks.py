"""The analyst notebooks (``notebooks/*.ipynb``) run top to bottom, offline, and are committed clean.

Each notebook is executed with nbclient on the ``python3`` kernel (ipykernel in this
interpreter), with a timeout per cell, in a temporary working directory (so the HTML pages
and caches it writes never land in the repository). A guard cell, prepended to the copy
that runs, makes any connection to a non-loopback address fail the notebook.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
EXPECTED = [
    "01-getting-started.ipynb",
    "02-the-network.ipynb",
    "03-sources-and-certainty.ipynb",
    "04-linking-out.ipynb",
]
CELL_TIMEOUT = 180  # seconds per cell
KERNEL = "python3"

#: Prepended to the executed copy (never to the committed file): only loopback is reachable.
NETWORK_GUARD = '''
import socket as _socket

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_real_connect, _real_connect_ex, _real_getaddrinfo = (
    _socket.socket.connect, _socket.socket.connect_ex, _socket.getaddrinfo)


def _host(value):
    return value.decode() if isinstance(value, bytes) else value


def _check(address):
    if isinstance(address, tuple) and _host(address[0]) not in _LOOPBACK:
        raise AssertionError(f"the notebook tried to reach a non-loopback address: {address!r}")


def _connect(self, address):
    _check(address)
    return _real_connect(self, address)


def _connect_ex(self, address):
    _check(address)
    return _real_connect_ex(self, address)


def _getaddrinfo(host, *args, **kwargs):
    if host is not None and _host(host) not in _LOOPBACK:
        raise AssertionError(f"the notebook tried to resolve a non-loopback host: {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


_socket.socket.connect, _socket.socket.connect_ex, _socket.getaddrinfo = _connect, _connect_ex, _getaddrinfo
'''


def _paths() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _execute(nb: nbformat.NotebookNode, workdir: Path) -> nbformat.NotebookNode:
    client = NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT,
        startup_timeout=120,
        resources={"metadata": {"path": str(workdir)}},
    )
    return client.execute()


@pytest.fixture()
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory for the kernel; caches and endpoints kept out of the repository."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.setenv("IP4GRAPH_CACHE", str(tmp_path / "cache"))
    for name in ("IP4GRAPH_ENDPOINT_WIKIDATA", "IP4GRAPH_ENDPOINT_DBPEDIA"):
        monkeypatch.delenv(name, raising=False)
    return workdir


def test_the_four_notebooks_are_there() -> None:
    assert [p.name for p in _paths()] == EXPECTED
    assert (NOTEBOOKS / "README.md").is_file()


@pytest.mark.parametrize("name", EXPECTED)
def test_committed_without_outputs(name: str) -> None:
    path = NOTEBOOKS / name
    nb = _read(path)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{name}: a code cell has committed outputs (strip them)"
            assert cell.execution_count is None, f"{name}: a code cell has an execution count"
    assert nb.metadata.get("kernelspec", {}).get("name") == KERNEL
    assert path.stat().st_size < 100_000  # small: text only


@pytest.mark.parametrize("name", EXPECTED)
def test_opens_with_what_you_learn_and_ends_with_what_to_try_next(name: str) -> None:
    cells = _read(NOTEBOOKS / name).cells
    first, last = cells[0], cells[-1]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert "what you will learn" in first.source.lower()
    assert last.cell_type == "markdown" and "what to try next" in last.source.lower()


def test_kernel_is_this_interpreter(isolated: Path) -> None:
    """The ``python3`` kernel runs in the same environment as the tests (the project's venv)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sys, os; print(sys.prefix); print(os.getcwd())")])
    out = _execute(nb, isolated).cells[0].outputs[0]["text"].splitlines()
    assert Path(out[0]).resolve() == Path(sys.prefix).resolve()
    assert Path(out[1]).resolve() == isolated.resolve()


def test_network_guard_refuses_other_addresses(isolated: Path) -> None:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(NETWORK_GUARD),
        nbformat.v4.new_code_cell("import socket\nsocket.create_connection(('192.0.2.1', 80), timeout=1)"),
    ])
    with pytest.raises(CellExecutionError, match="non-loopback"):
        _execute(nb, isolated)


@pytest.mark.slow
@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_runs_top_to_bottom(name: str, isolated: Path) -> None:
    before = sorted(p.name for p in NOTEBOOKS.iterdir())
    nb = _read(NOTEBOOKS / name)
    nb.cells.insert(0, nbformat.v4.new_code_cell(NETWORK_GUARD))
    executed = _execute(nb, isolated)  # raises CellExecutionError on the first failing cell
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert sorted(p.name for p in NOTEBOOKS.iterdir()) == before  # nothing written beside the notebooks
