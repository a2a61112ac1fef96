"""``ip4graph serve`` attacked on loopback the way a public endpoint is: each attack is refused or bounded.

The server runs in a background thread of this process (its workers are forked processes),
on 127.0.0.1, over the fixture of ``tests/test_server.py``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from test_server import MEMBERS, EXPENSIVE, http, open_kg, q, running

from ip4graph.kg import KnowledgeGraph
from ip4graph.sparqllimits import MAX_DEPTH, MAX_PATTERNS, QueryLimitError, check_limits

NESTED = "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000  # ~6 KB: segfaulted Oxigraph's parser
BGP_300 = "SELECT * WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(300)) + " }"
#: Not caught by the guard's nested-quantifier check, and exponential for Python's re.
EVIL_REGEX = ('SELECT * WHERE { BIND("' + "a" * 40 + 'b" AS ?s) FILTER REGEX(?s, "^(a|aa)*$") }')
#: Doubles a string 40 times: 2^40 characters if nothing stops it.
DOUBLING = "SELECT (STRLEN(?v40) AS ?n) WHERE { BIND(\"aaaaaaaaaaaaaaaa\" AS ?v0) " + " ".join(
    f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(40)) + " }"


@pytest.fixture(scope="module")
def kg(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    return open_kg(tmp_path_factory.mktemp("cache"))


def status(url: str) -> dict:
    return json.loads(http(url, path="/status")[2])


def raw(url: str, data: bytes, *, read_for: float = 2.0) -> bytes:
    """Send raw bytes on one connection and read until the server closes it (or ``read_for`` passes)."""
    parts = urllib.parse.urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=read_for) as sock:
        sock.sendall(data)
        chunks = []
        deadline = time.monotonic() + read_for
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except (socket.timeout, TimeoutError):
                break
            except ConnectionResetError:  # closed with unread data on our side
                return b"".join(chunks) + b"<closed>"
            if not chunk:
                return b"".join(chunks) + b"<closed>"
            chunks.append(chunk)
        return b"".join(chunks)


# --------------------------------------------------------------------------- cheap limits


def test_check_limits_names_the_limit_and_position() -> None:
    with pytest.raises(QueryLimitError) as info:
        check_limits(NESTED)
    assert info.value.limit == "max_depth" and info.value.lineno == 1 and info.value.offset == 16 + MAX_DEPTH  # the first brace too many
    with pytest.raises(QueryLimitError) as info:
        check_limits(BGP_300)
    assert info.value.limit == "max_patterns" and info.value.value == MAX_PATTERNS + 1
    with pytest.raises(QueryLimitError) as info:
        check_limits("SELECT * WHERE { ?s ?p ?o } #" + "x" * 200, max_bytes=100)
    assert info.value.limit == "max_bytes" and "max_bytes" in str(info.value)
    # Braces, dots and parentheses inside strings, IRIs and comments do not count.
    check_limits('SELECT * WHERE { ?s ?p "{{{{((((. . . ." . <http://x/a.b(c)> ?p ?o } # {{{{{{{{', max_depth=3,
                 max_patterns=3)
    check_limits("SELECT * WHERE { ?s ?p 1.5 . ?s ex:a.b ?o }", max_patterns=3)
    with pytest.raises(QueryLimitError):
        check_limits("SELECT * WHERE { ?s ?p ?o . ?s ?p ?o . ?s ?p ?o . ?s ?p ?o }", max_patterns=3)


def test_every_catalog_query_is_within_the_default_limits() -> None:
    from ip4graph.catalog import load_catalog

    for nq in load_catalog():
        check_limits(nq.text)


@pytest.mark.parametrize(("text", "limit"), [(NESTED, "max_depth"), (BGP_300, "max_patterns")])
def test_deep_or_long_queries_are_refused_before_parsing(kg: KnowledgeGraph, text: str, limit: str) -> None:
    with running(kg, timeout=10, workers=2) as u:
        before = status(u)
        started = time.perf_counter()
        for path_or_body in ("get", "post"):
            if path_or_body == "get":
                code, headers, body = http(u, path=q(text))
            else:
                code, headers, body = http(u, "POST", body=text, headers={"Content-Type": "application/sparql-query"})
            assert code == 400 and headers["x-ip4graph-limit"] == limit and limit in body
            assert "line 1, column" in body
        assert time.perf_counter() - started < 5
        after = status(u)
        # Refused in the server process: no worker saw it (none restarted, no query counted).
        assert after["counters"]["limited"] == before["counters"]["limited"] + 2
        assert after["counters"]["queries"] == before["counters"]["queries"]
        assert after["worker_pids"] == before["worker_pids"]
        assert http(u, path=q(MEMBERS))[0] == 200


def test_limits_are_options(kg: KnowledgeGraph) -> None:
    with running(kg, max_patterns=2, max_depth=3, max_query_bytes=200) as u:
        code, headers, _ = http(u, path=q("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"))
        assert code == 400 and headers["x-ip4graph-limit"] == "max_patterns"
        code, headers, _ = http(u, path=q("SELECT * WHERE { { { { ?s ?p ?o } } } }"))
        assert code == 400 and headers["x-ip4graph-limit"] == "max_depth"
        code, headers, _ = http(u, path=q("SELECT * WHERE { ?s ?p ?o } #" + "x" * 300))
        assert code == 400 and headers["x-ip4graph-limit"] == "max_bytes"
        update = "INSERT DATA { " + "{" * 10 + " }"
        code, headers, _ = http(u, "POST", body=update, headers={"Content-Type": "application/sparql-update"})
        assert code == 400 and headers["x-ip4graph-limit"] == "max_depth"


# --------------------------------------------------------------------------- runaway work is stopped


def test_regex_the_guard_misses_runs_in_linear_time(kg: KnowledgeGraph) -> None:
    """REGEX and REPLACE run in RE2 in the workers: a pattern that backtracks for minutes in Python answers at once."""
    with running(kg, timeout=10, workers=2) as u:
        started = time.perf_counter()
        code, _, body = http(u, path=q(EVIL_REGEX), headers={"Accept": "text/csv"})
        assert code == 200 and body.splitlines() == ["s"]  # no match, and no time spent
        longer = EVIL_REGEX.replace("a" * 40, "a" * 5000)
        code, _, body = http(u, path=q(longer), headers={"Accept": "text/csv"})
        assert code == 200 and body.splitlines() == ["s"]
        assert time.perf_counter() - started < 3
        assert status(u)["worker_restarts"] == 0
        # Same answers as before for ordinary patterns, flags and REPLACE with $1.
        text = ('SELECT ?a ?b ?c WHERE { BIND(REGEX("Japan", "^jap", "i") AS ?a) '
                'BIND(REPLACE("New Zealand", "(\\\\w+) (\\\\w+)", "$2, $1") AS ?b) '
                'BIND(REGEX("a\\nb", "a.b", "s") AS ?c) }')
        code, _, body = http(u, path=q(text), headers={"Accept": "text/csv"})
        assert code == 200 and body.splitlines()[1] == 'true,"Zealand, New",true', body
        code, _, body = http(u, path=q('ASK { FILTER REGEX("ab", "a(?=b)") }'), headers={"Accept": "text/csv"})
        # a pattern RE2 cannot run (lookahead) is refused by the rdflib engine, and is an error
        # (a FILTER that is false) in Oxigraph's: never a backtracking match
        assert (code in (400, 500) and "not supported" in body) or (code == 200 and "false" in body.lower()), body


def test_a_runaway_query_is_stopped_without_freezing_the_others(kg: KnowledgeGraph) -> None:
    with running(kg, timeout=2, workers=2) as u:
        box: dict[str, object] = {}

        def runaway() -> None:
            started = time.perf_counter()
            box["r"] = http(u, path=q(EXPENSIVE + " # runaway"))
            box["seconds"] = time.perf_counter() - started

        t = threading.Thread(target=runaway)
        t.start()
        time.sleep(0.3)
        answered = []
        while t.is_alive():
            started = time.perf_counter()
            answered.append((http(u, path=q(MEMBERS), headers={"Accept": "text/csv"})[0], time.perf_counter() - started))
        t.join()
        code, _, body = box["r"]  # type: ignore[misc]
        assert code == 503 and "ran longer than 2 s" in body
        assert box["seconds"] < 6  # type: ignore[operator]
        assert answered and all(c == 200 for c, _ in answered)
        assert max(s for _, s in answered) < 2
        assert status(u)["worker_restarts"] == 1
        # Sent again, it is refused at once from memory: no worker is tied up or killed again.
        started = time.perf_counter()
        code, headers, body = http(u, path=q(EXPENSIVE + " # runaway"))
        assert code == 503 and "stopped recently" in body and int(headers["retry-after"]) > 1
        assert time.perf_counter() - started < 1
        s = status(u)
        assert s["worker_restarts"] == 1 and s["counters"]["repeats"] == 1


def test_memory_hungry_query_is_stopped_at_the_cap(kg: KnowledgeGraph) -> None:
    with running(kg, timeout=30, workers=1, memory_mb=256) as u:
        started = time.perf_counter()
        code, _, body = http(u, path=q(DOUBLING))
        assert code in (502, 503), body
        assert "MiB" in body or "died" in body
        assert time.perf_counter() - started < 25
        assert http(u, path=q(MEMBERS))[0] == 200
        s = status(u)
        assert s["counters"]["memory"] + s["counters"]["crashes"] == 1


def test_crashed_worker_costs_only_its_request(kg: KnowledgeGraph) -> None:
    with running(kg, timeout=20, workers=2) as u:
        box: dict[str, object] = {}
        t = threading.Thread(target=lambda: box.update(r=http(u, path=q(EXPENSIVE))))
        t.start()
        deadline = time.monotonic() + 10
        while status(u)["running"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        before = status(u)
        # Which worker is busy is not reported; kill them all: the idle one is replaced as well.
        for pid in before["worker_pids"]:
            os.kill(pid, signal.SIGKILL)
        t.join(20)
        code, _, body = box["r"]  # type: ignore[misc]
        assert code == 502 and "died" in body
        ok = [http(u, path=q(MEMBERS), headers={"Accept": "text/csv"}) for _ in range(4)]
        assert all(r[0] == 200 and len(r[2].splitlines()) == 6 for r in ok)
        after = status(u)
        assert after["counters"]["crashes"] >= 1
        assert len(after["worker_pids"]) == 2 and not set(after["worker_pids"]) & set(before["worker_pids"])


def test_entity_pages_and_editor_run_in_workers(kg: KnowledgeGraph) -> None:
    with running(kg, timeout=10, workers=1) as u:
        before = status(u)["counters"]["pages"]
        assert http(u, path="/id/japan", headers={"Accept": "text/turtle"})[0] == 200
        assert http(u, path="/", headers={"Accept": "text/html"})[0] == 200
        assert http(u, path="/graph?focus=ip4d:japan")[0] == 200
        assert status(u)["counters"]["pages"] == before + 3


# --------------------------------------------------------------------------- HTTP


def test_non_utf8_body_is_refused(kg: KnowledgeGraph, tmp_path: Path) -> None:
    with running(kg) as u:
        body = "ASK {}".encode("utf-16")
        code, _, text = http(u, "POST", body=body, headers={"Content-Type": "application/sparql-query; charset=UTF-16"})
        assert code in (400, 415) and "UTF-8" in text
        latin = 'SELECT * WHERE { ?s ?p "caf\xe9" }'.encode("latin-1")
        code, _, _ = http(u, "POST", body=latin, headers={"Content-Type": "application/sparql-query"})
        assert code == 400


def test_duplicate_content_length_is_refused_and_the_connection_closed(kg: KnowledgeGraph) -> None:
    with running(kg) as u:
        port = urllib.parse.urlsplit(u).port
        smuggled = f"GET /sparql?query={urllib.parse.quote(MEMBERS)} HTTP/1.1\r\nHost: x\r\n\r\n"
        body = "query=ASK%7B%7D" + smuggled
        for second in (len(body), 5):  # equal (h11 would merge them) and conflicting
            req = (f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                   f"Content-Length: {len(body)}\r\nContent-Length: {second}\r\n\r\n{body}").encode()
            answer = raw(u, req)
            assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
            assert answer.count(b"HTTP/1.1 ") == 1 and answer.endswith(b"<closed>")


def test_connection_closed_after_a_protocol_error(kg: KnowledgeGraph) -> None:
    with running(kg, max_body=100) as u:
        port = urllib.parse.urlsplit(u).port
        follow = f"GET /sparql?query={urllib.parse.quote(MEMBERS)} HTTP/1.1\r\nHost: x\r\n\r\n"
        # A bad request (unsupported body type) followed by a second request on the same connection.
        req = (f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: text/plain\r\n"
               f"Content-Length: 4\r\n\r\nABCD{follow}").encode()
        answer = raw(u, req)
        assert answer.startswith(b"HTTP/1.1 415") and answer.count(b"HTTP/1.1 ") == 1 and answer.endswith(b"<closed>")
        # A body over the limit: 413, closed, the rest never read as a request.
        big = "query=" + "x" * 200
        req = (f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               f"Content-Length: {len(big)}\r\n\r\n{big}").encode()
        answer = raw(u, req)
        assert answer.startswith(b"HTTP/1.1 413") and answer.endswith(b"<closed>")
        # A malformed Content-Length.
        answer = raw(u, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n" + follow.encode())
        assert answer.startswith(b"HTTP/1.1 400") and answer.count(b"HTTP/1.1 ") == 1 and answer.endswith(b"<closed>")
        # A good request keeps the connection open for the next one.
        ok = f"GET /sparql?query={urllib.parse.quote(MEMBERS)} HTTP/1.1\r\nHost: x\r\n\r\n"
        answer = raw(u, (ok + ok).encode(), read_for=3)
        assert answer.count(b"HTTP/1.1 200") == 2 and not answer.endswith(b"<closed>")


def test_connections_per_client_are_capped(kg: KnowledgeGraph) -> None:
    with running(kg, max_connections_per_client=2) as u:
        parts = urllib.parse.urlsplit(u)
        held = [socket.create_connection((parts.hostname, parts.port)) for _ in range(2)]
        try:
            time.sleep(0.2)
            answer = raw(u, b"GET /status HTTP/1.1\r\nHost: x\r\n\r\n")
            assert answer.startswith(b"HTTP/1.1 429") and answer.endswith(b"<closed>")
        finally:
            for s in held:
                s.close()
        time.sleep(0.3)
        assert http(u, path="/status")[0] == 200


def test_listens_on_loopback_by_default(kg: KnowledgeGraph) -> None:
    with running(kg) as u:
        assert urllib.parse.urlsplit(u).hostname == "127.0.0.1"
        assert MAX_DEPTH < 3000


# --------------------------------------------------------------------------- SERVICE


def test_allowed_service_with_graph_inside(kg: KnowledgeGraph) -> None:
    with running(kg, workers=1) as remote:
        with running(kg, workers=1, allow_service=(remote + "/sparql",)) as u:
            text = (f"SELECT ?g ?s WHERE {{ SERVICE <{remote}/sparql> {{ GRAPH ?g {{ ?s ip4:memberOf ip4d:ip4 }} }} }}")
            code, _, body = http(u, path=q(text), headers={"Accept": "text/csv"})
            assert code == 200 and "brief-p2-ip4-members" in body and len(body.splitlines()) == 6


GUARD_PROBE = """
import socket, sys, threading
from ip4graph.server import guard
a, b = socket.socket(), socket.socket()
for s in (a, b):
    s.bind(("127.0.0.1", 0)); s.listen(1)
allowed, other = a.getsockname()[1], b.getsockname()[1]
guard.install_network_guard()
guard.allow_urls([f"http://127.0.0.1:{allowed}/sparql"])
out = []
with guard.guarded():
    socket.create_connection(("127.0.0.1", allowed), timeout=2).close()
    out.append("allowed ok")
    for target in (("127.0.0.1", other), ("localhost", other)):
        try:
            socket.create_connection(target, timeout=2).close()
            out.append("other CONNECTED")
        except guard.NetworkRefused:
            out.append("other refused")
socket.create_connection(("127.0.0.1", other), timeout=2).close()  # outside a query thread: not guarded
out.append("unguarded ok")
print(";".join(out))
"""


def test_network_guard_with_an_allow_list_checks_sockets_too() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", GUARD_PROBE], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "allowed ok;other refused;other refused;unguarded ok"


def test_slow_clients_are_cut_off(kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    from ip4graph.server import web

    monkeypatch.setattr(web, "HEADER_TIMEOUT", 1.0)
    monkeypatch.setattr(web, "BODY_TIMEOUT", 1.0)
    with running(kg) as u:
        parts = urllib.parse.urlsplit(u)
        # Headers trickled one byte at a time (slowloris): closed after HEADER_TIMEOUT.
        with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
            started = time.monotonic()
            closed = False
            for ch in b"GET /status HTTP/1.1\r\nX-Slow: " + b"a" * 100:
                try:
                    sock.sendall(bytes([ch]))
                except OSError:
                    closed = True
                    break
                time.sleep(0.05)
                if time.monotonic() - started > 4:
                    break
            if not closed:
                sock.settimeout(3)
                try:
                    closed = sock.recv(100) == b""
                except ConnectionResetError:
                    closed = True
            assert closed and time.monotonic() - started < 5
        # A body that never completes: 408 and closed after BODY_TIMEOUT.
        req = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
               b"Content-Length: 100\r\n\r\nASK {")
        answer = raw(u, req, read_for=4)
        assert answer.startswith(b"HTTP/1.1 408") and answer.endswith(b"<closed>")
        assert http(u, path="/status")[0] == 200


def test_serve_command_runs_and_its_workers_die_with_it(tmp_path: Path) -> None:
    """``ip4graph serve`` as its own process: it answers, and killing it (even with SIGKILL) leaves no worker behind."""
    import re
    import subprocess
    import sys

    from test_server import FIXTURE

    cmd = [sys.executable, "-c", "from ip4graph.cli import main; main()", "--data", str(FIXTURE),
           "serve", "--port", "0", "--workers", "2"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    try:
        url = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and url is None:
            line = proc.stderr.readline()  # type: ignore[union-attr]
            if not line and proc.poll() is not None:
                break
            m = re.search(r"(http://127\.0\.0\.1:\d+)/sparql", line)
            url = m[1] if m else None
        assert url, "the server did not start"
        assert http(url, path=q(MEMBERS), headers={"Accept": "text/csv"})[0] == 200
        state = status(url)
        children = state["worker_pids"]
        assert len(children) == 2
    finally:
        proc.kill()
        proc.wait(10)
    def running_process(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state != "Z"

    deadline = time.monotonic() + 10
    alive = children
    while alive and time.monotonic() < deadline:
        alive = [p for p in children if running_process(p)]
        time.sleep(0.1)
    assert alive == []


# --------------------------------------------------------------------------- fairness between clients


def test_fair_gate_serves_the_client_holding_fewest_first() -> None:
    from ip4graph.server.workers import FairGate

    gate = FairGate(2)
    assert gate.acquire("attacker", timeout=1) and gate.acquire("attacker", timeout=1)  # holds both slots
    order: list[str] = []

    def wait(client: str) -> None:
        assert gate.acquire(client, timeout=10)
        order.append(client)
        time.sleep(0.05)
        gate.release(client)

    threads = []
    for client in ("attacker", "attacker", "visitor"):  # the visitor arrives last
        t = threading.Thread(target=wait, args=(client,))
        t.start()
        threads.append(t)
        time.sleep(0.1)
    gate.release("attacker")  # one slot frees; the attacker still holds the other
    time.sleep(0.02)
    gate.release("attacker")
    for t in threads:
        t.join(5)
    assert order[0] == "visitor"
    assert gate.free == 2 and not gate.held


def test_one_client_with_slow_queries_cannot_starve_another(kg: KnowledgeGraph) -> None:
    import http.client as httplib

    with running(kg, timeout=2, workers=2, cache_mb=0) as u:
        port = urllib.parse.urlsplit(u).port
        done: dict[int, float] = {}
        started = time.perf_counter()

        def attack(i: int) -> None:  # from another loopback address: another client
            conn = httplib.HTTPConnection("127.0.0.1", port, timeout=60, source_address=("127.0.0.2", 0))
            conn.request("GET", q(EXPENSIVE + f" # {i}"))
            conn.getresponse().read()
            done[i] = time.perf_counter() - started

        attackers = [threading.Thread(target=attack, args=(i,)) for i in range(4)]
        for t in attackers:
            t.start()
            time.sleep(0.05)
        time.sleep(0.3)
        t0 = time.perf_counter()
        code, _, body = http(u, path=q(MEMBERS), headers={"Accept": "text/csv"})
        waited = time.perf_counter() - t0
        for t in attackers:
            t.join(30)
        assert code == 200 and len(body.splitlines()) == 6
        # First in line when a worker frees (after one time limit), not behind the two queued attacks.
        assert waited < 3.5, waited
        assert max(done.values()) > waited


def test_a_dead_zygote_is_forked_again(kg: KnowledgeGraph) -> None:
    """The process that forks workers dies: the next worker that must be replaced brings a new one."""
    with running(kg, timeout=10, workers=2) as u:
        before = status(u)
        os.kill(before["zygote_pid"], signal.SIGKILL)
        for pid in before["worker_pids"]:
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
        answers = [http(u, path=q(MEMBERS), headers={"Accept": "text/csv"}) for _ in range(4)]
        assert all(a[0] == 200 and len(a[2].splitlines()) == 6 for a in answers)
        after = status(u)
        assert after["zygote_restarts"] == 1 and after["zygote_pid"] != before["zygote_pid"]
        assert len(after["worker_pids"]) == 2


def test_with_updates_a_dead_zygote_is_reported_not_replaced(tmp_path: Path) -> None:
    """With updates on, the zygote holds data the server process does not: it is never silently replaced."""
    with running(open_kg(tmp_path), workers=1, allow_update=True, token="t") as u:
        before = status(u)
        os.kill(before["zygote_pid"], signal.SIGKILL)
        os.kill(before["worker_pids"][0], signal.SIGKILL)
        time.sleep(0.2)
        for _ in range(2):  # at once, every time (not after waiting for a worker that never comes)
            started = time.perf_counter()
            code, _, body = http(u, path=q(MEMBERS))
            assert code == 503 and "restart the server" in body and time.perf_counter() - started < 2
        assert status(u)["zygote_restarts"] == 0


def test_sparqllimits_doctests() -> None:
    import doctest

    import ip4graph.sparqllimits as limits

    result = doctest.testmod(limits)
    assert result.failed == 0 and result.attempted >= 2
