"""Load test of ``ip4graph serve``: the server in its own process, loopback clients, two runs.

Starts ``ip4graph serve --port 0`` (or ``--data`` files) as a separate process,
waits for its URL, then:

1. **realistic mix**: ``--clients`` threads, each sending ``--requests`` requests over a
   keep-alive connection: the catalog's named queries (with their default parameters, sent
   as SPARQL with ``$name`` protocol bindings), ASK, CONSTRUCT, DESCRIBE, entity pages in
   Turtle and HTML;
2. **under attack**: ``--attackers`` threads send hostile requests (3,000 nested braces, a
   300-pattern BGP, a backtracking REGEX, a string doubled 40 times, a cartesian product,
   non-UTF-8 bodies, duplicate Content-Length) from another loopback address (127.0.0.2,
   another client) for as long as ``--clients - --attackers`` normal clients run the mix;
   ``--vary-attacks`` gives each hostile query a new text.

Prints one table per run: throughput, p50 / p99 / max latency and errors of the normal
clients, what the attackers got back, whether the server survived, and the largest resident
memory of the server and its workers. Loopback only; bounded in requests and in time
(``--max-seconds`` per run). Not a timed test: targets are read off the table.

    python bench/load_test.py                                # 32 clients x 40 requests, 8 attackers
    python bench/load_test.py --clients 32 --requests 100 --workers 4 --timeout 5
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _mix() -> list[tuple[str, str, bytes | None, dict[str, str]]]:
    """The realistic mix: (method, path, body, headers)."""
    from ip4graph.catalog import load_catalog

    out: list[tuple[str, str, bytes | None, dict[str, str]]] = []
    wanted = ("ip4-members", "partners-of", "entities", "source-documents", "who-says", "threat-perceptions",
              "office-holders", "summit-sequence")
    for nq in load_catalog():
        if nq.name not in wanted or any(p.default is None for p in nq.params):
            continue
        params = {"query": nq.text}
        for p in nq.params:
            value = p.default or ""
            params["$" + p.name] = value if re.match(r"^[<\"\d-]|^\w+:", value) else f'"{value}"'
        out.append(("POST", "/sparql", urllib.parse.urlencode(params).encode(),
                    {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}))
    ask = "ASK { ip4d:japan ip4:partnerOf ip4d:nato }"
    out += [
        ("GET", "/sparql?" + urllib.parse.urlencode({"query": ask}), None, {"Accept": "application/sparql-results+json"}),
        ("POST", "/sparql", b"SELECT ?s ?l WHERE { ?s a ip4:State ; rdfs:label ?l } LIMIT 50",
         {"Content-Type": "application/sparql-query", "Accept": "text/csv"}),
        ("GET", "/sparql?" + urllib.parse.urlencode({"query": "CONSTRUCT { ip4d:japan ?p ?o } WHERE { ip4d:japan ?p ?o }"}),
         None, {"Accept": "text/turtle"}),
        ("GET", "/sparql?" + urllib.parse.urlencode({"query": "DESCRIBE ip4d:australia"}), None, {"Accept": "text/turtle"}),
        ("GET", "/id/japan", None, {"Accept": "text/turtle"}),
        ("GET", "/id/nato", None, {"Accept": "text/html"}),
        ("GET", "/id/south-korea", None, {"Accept": "application/ld+json"}),
    ]
    return out


NESTED = "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000
BGP_300 = "SELECT * WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(300)) + " }"
REGEX = 'SELECT * WHERE { BIND("' + "a" * 40 + 'b" AS ?s) FILTER REGEX(?s, "^(a|aa)*$") }'
DOUBLING = 'SELECT (STRLEN(?v40) AS ?n) WHERE { BIND("aaaaaaaaaaaaaaaa" AS ?v0) ' + " ".join(
    f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(40)) + " }"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SMUGGLE = "query=ASK%7B%7D"


def _attacks() -> list[tuple[str, str, bytes | None, dict[str, str]] | bytes]:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    raw = (f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
           f"Content-Length: {len(SMUGGLE)}\r\nContent-Length: {len(SMUGGLE)}\r\n\r\n{SMUGGLE}").encode()
    return [
        ("POST", "/sparql", urllib.parse.urlencode({"query": NESTED}).encode(), form),
        ("POST", "/sparql", urllib.parse.urlencode({"query": BGP_300}).encode(), form),
        ("POST", "/sparql", urllib.parse.urlencode({"query": REGEX}).encode(), form),
        ("POST", "/sparql", urllib.parse.urlencode({"query": DOUBLING}).encode(), form),
        ("POST", "/sparql", urllib.parse.urlencode({"query": CARTESIAN}).encode(), form),
        ("POST", "/sparql", "ASK {}".encode("utf-16"), {"Content-Type": "application/sparql-query; charset=UTF-16"}),
        raw,
    ]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


class Run:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.attack_answers: Counter[str] = Counter()
        self.stop = threading.Event()


def client(port: int, n: int, offset: int, mix: list, run: Run, deadline: float) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    mine: list[float] = []
    bad: list[str] = []
    for i in range(n):
        if time.monotonic() > deadline:
            break
        method, path, body, headers = mix[(i + offset) % len(mix)]
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            if resp.status != 200 or not data:
                bad.append(f"{method} {path[:50]}: HTTP {resp.status} {data[:80]!r}")
        except (OSError, http.client.HTTPException) as exc:
            bad.append(f"{method} {path[:50]}: {type(exc).__name__}: {exc}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine.append(time.perf_counter() - started)
    conn.close()
    with run.lock:
        run.latencies.extend(mine)
        run.errors.extend(bad)


ATTACKER_ADDRESS = "127.0.0.2"  # another loopback address: the attackers are another client, as in real life


def attacker(port: int, offset: int, attacks: list, run: Run, deadline: float, vary: bool) -> None:
    import random
    import socket

    i = offset
    while not run.stop.is_set() and time.monotonic() < deadline:
        item = attacks[i % len(attacks)]
        i += 1
        if vary and not isinstance(item, bytes) and item[2] and item[2].startswith(b"query="):
            method, path, body, headers = item  # a new text each time: nothing to remember it by
            item = (method, path, body + urllib.parse.quote(f" # {random.random()}").encode(), headers)
        try:
            if isinstance(item, bytes):
                with socket.create_connection(("127.0.0.1", port), timeout=60,
                                              source_address=(ATTACKER_ADDRESS, 0)) as s:
                    s.sendall(item)
                    answer = s.recv(100)
                label = "raw " + answer.split(b"\r\n", 1)[0].decode("latin-1", "replace")
            else:
                method, path, body, headers = item
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(ATTACKER_ADDRESS, 0))
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                conn.close()
                label = f"HTTP {resp.status}"
        except (OSError, http.client.HTTPException) as exc:
            label = type(exc).__name__
        with run.lock:
            run.attack_answers[label] += 1


def rss_of(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total = max(total, int(line.split()[1]) * 1024)
        except OSError:
            pass
    return total


def monitor(port: int, server_pid: int, run: Run, peak: dict[str, int]) -> None:
    while not run.stop.is_set():
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/status")
            state = json.loads(conn.getresponse().read())
            conn.close()
            peak["worker"] = max(peak.get("worker", 0), rss_of(state["worker_pids"]))
            peak["workers"] = len(state["worker_pids"])
        except (OSError, ValueError, http.client.HTTPException):
            pass
        peak["server"] = max(peak.get("server", 0), rss_of([server_pid]))
        run.stop.wait(0.5)


def start_server(args: argparse.Namespace) -> tuple[subprocess.Popen, int]:
    cmd = [sys.executable, "-c", "from ip4graph.cli import main; main()"]
    for d in args.data or []:
        cmd += ["--data", str(d)]
    cmd += ["serve", "--port", "0", "--workers", str(args.workers), "--timeout", str(args.timeout),
            "--memory-mb", str(args.memory_mb), "--cache-mb", str(args.cache_mb)]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=ROOT)
    deadline = time.monotonic() + args.start_timeout
    assert proc.stderr is not None
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            if proc.poll() is not None:
                raise SystemExit(f"the server exited with {proc.returncode} before listening")
            continue
        m = re.search(r"http://127\.0\.0\.1:(\d+)/sparql", line)
        if m:
            threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()  # drain
            return proc, int(m[1])
    proc.kill()
    raise SystemExit("the server did not start in time")


def one_run(port: int, server_pid: int, *, clients: int, attackers: int, requests: int, max_seconds: float,
            vary: bool = False) -> dict:
    mix, attacks = _mix(), _attacks()
    run = Run()
    peak: dict[str, int] = {}
    deadline = time.monotonic() + max_seconds
    normal = [threading.Thread(target=client, args=(port, requests, i, mix, run, deadline)) for i in range(clients - attackers)]
    hostile = [threading.Thread(target=attacker, args=(port, i, attacks, run, deadline, vary)) for i in range(attackers)]
    watch = threading.Thread(target=monitor, args=(port, server_pid, run, peak), daemon=True)
    watch.start()
    started = time.perf_counter()
    for t in hostile + normal:
        t.start()
    for t in normal:
        t.join()
    elapsed = time.perf_counter() - started
    run.stop.set()
    for t in hostile:
        t.join(70)
    watch.join(5)
    return {"run": run, "elapsed": elapsed, "peak": peak, "clients": clients - attackers}


def report(title: str, result: dict, alive: bool) -> None:
    run: Run = result["run"]
    ms = [x * 1000 for x in run.latencies]
    rows = [
        ("normal clients", str(result["clients"])),
        ("requests answered", str(len(ms))),
        ("elapsed", f"{result['elapsed']:.1f} s"),
        ("throughput", f"{len(ms) / result['elapsed']:.1f} req/s"),
        ("latency p50", f"{percentile(ms, 50):.0f} ms"),
        ("latency p99", f"{percentile(ms, 99):.0f} ms"),
        ("latency max", f"{max(ms) if ms else float('nan'):.0f} ms"),
        ("errors", str(len(run.errors))),
    ]
    if run.attack_answers:
        rows.append(("attacks answered", ", ".join(f"{k}: {v}" for k, v in sorted(run.attack_answers.items()))))
    rows += [
        ("server alive after", "yes" if alive else "NO"),
        ("peak RSS server", f"{result['peak'].get('server', 0) / 2**20:.0f} MiB"),
        ("peak RSS one worker", f"{result['peak'].get('worker', 0) / 2**20:.0f} MiB"),
    ]
    print(f"\n{title}")
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"  {k:<{width}}  {v}")
    for e in run.errors[:5]:
        print(f"  error: {e}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=32, help="concurrent clients in each run")
    ap.add_argument("--attackers", type=int, default=8, help="of which hostile in the second run")
    ap.add_argument("--requests", type=int, default=40, help="requests per normal client")
    ap.add_argument("--workers", type=int, default=4, help="server worker processes")
    ap.add_argument("--timeout", type=float, default=5.0, help="server time limit per request (s)")
    ap.add_argument("--memory-mb", type=int, default=512, help="server memory cap per worker (MiB)")
    ap.add_argument("--cache-mb", type=int, default=64, help="server cache for repeated reads (0 = every request "
                    "is evaluated)")
    ap.add_argument("--vary-attacks", action="store_true",
                    help="give every hostile query a new text (defeats the server's memory of stopped queries)")
    ap.add_argument("--max-seconds", type=float, default=120.0, help="longest a run may take")
    ap.add_argument("--start-timeout", type=float, default=300.0, help="longest the server may take to start")
    ap.add_argument("--data", type=Path, action="append", help="data file instead of the shipped data (repeatable)")
    args = ap.parse_args(argv)

    proc, port = start_server(args)
    try:
        print(f"server pid {proc.pid} at http://127.0.0.1:{port} ({args.workers} workers, "
              f"timeout {args.timeout:g} s, memory cap {args.memory_mb} MiB per worker, cache {args.cache_mb} MiB)")
        plain = one_run(port, proc.pid, clients=args.clients, attackers=0, requests=args.requests,
                        max_seconds=args.max_seconds)
        report("realistic mix", plain, proc.poll() is None)
        attacked = one_run(port, proc.pid, clients=args.clients, attackers=args.attackers, requests=args.requests,
                           max_seconds=args.max_seconds, vary=args.vary_attacks)
        alive = proc.poll() is None
        how = "each a new text" if args.vary_attacks else "repeated"
        report(f"under attack ({args.attackers} hostile clients from {ATTACKER_ADDRESS}, attacks {how})", attacked, alive)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    failed = plain["run"].errors or attacked["run"].errors or not alive
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
