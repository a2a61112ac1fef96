"""A Node SPARQL client, sparql-http-client (installed under tests/node by .ci/install-node-client.sh), against ``ip4graph serve``.

Fails (not skips) when Node or the package is missing, unless IP4GRAPH_SKIP_NODE=1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from test_server import IP4_MEMBERS, open_kg, running

NODE_DIR = Path(__file__).resolve().parent / "node"


def node_or_fail() -> str:
    node = shutil.which("node")
    installed = (NODE_DIR / "node_modules" / "sparql-http-client" / "package.json").exists()
    if node and installed:
        return node
    if os.environ.get("IP4GRAPH_SKIP_NODE") == "1":
        pytest.skip("IP4GRAPH_SKIP_NODE=1")
    pytest.fail("Node and sparql-http-client are needed: run bash .ci/install-node-client.sh")


def test_sparql_http_client(tmp_path: Path) -> None:
    node = node_or_fail()
    with running(open_kg(tmp_path), workers=2) as url:
        done = subprocess.run([node, str(NODE_DIR / "client.mjs"), url + "/sparql"], capture_output=True,
                              text=True, timeout=120, cwd=NODE_DIR)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    members = sorted(str(m) for m in IP4_MEMBERS)
    for how in ("get", "postUrlencoded", "postDirect"):
        assert got[f"select_{how}"] == members, how
    assert got["ask"] is True
    assert sorted(s for s, _, _ in got["construct"]) == members
    assert got["describe"] > 0
    assert got["literal"] == {"value": "a\tb", "language": "en"}
