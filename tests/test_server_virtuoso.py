"""Virtuoso federating to ``ip4graph serve`` with SERVICE: another engine's SPARQL client against our endpoint.

Virtuoso (installed by .ci/install-virtuoso.sh) runs on loopback; the query goes to its
authenticated endpoint (the ``dba`` user may call SERVICE), whose SERVICE clause calls our
server. Fails (not skips) without Virtuoso, unless IP4GRAPH_SKIP_VIRTUOSO=1.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from test_server import IP4_MEMBERS, open_kg, running
from virtuoso import virtuoso_server  # noqa: F401  (pytest fixture)

pytestmark = pytest.mark.virtuoso


def test_virtuoso_service_clause_reaches_the_endpoint(virtuoso_server, tmp_path: Path) -> None:  # noqa: F811
    v = virtuoso_server
    with running(open_kg(tmp_path), workers=2) as url:
        text = (f"SELECT ?m WHERE {{ SERVICE <{url}/sparql> {{ "
                "?m <https://w3id.org/ip4graph/ontology#memberOf> <https://w3id.org/ip4graph/id/ip4> } }")
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, v.base, "dba", v.password)
        opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))
        request = urllib.request.Request(v.update_endpoint + "?" + urllib.parse.urlencode({"query": text}),
                                         headers={"Accept": "application/sparql-results+json"})
        data = json.loads(opener.open(request, timeout=120).read())
    got = {b["m"]["value"] for b in data["results"]["bindings"]}
    assert got == {str(m) for m in IP4_MEMBERS}
