"""Load test of ``ip4graph serve``: concurrent clients on loopback, a bounded number of requests.

Starts the endpoint itself on 127.0.0.1 (ephemeral port) over the shipped graph (or
``--data`` files), runs ``--clients`` threads that each send ``--requests`` requests (a mix
of SELECT JSON, SELECT CSV via POST, ASK, CONSTRUCT Turtle and entity pages, each over a
keep-alive connection), and prints throughput, latency percentiles and the error count.
Exits 1 if any request failed. Not a timed test: run it by hand or in CI as a smoke check.

    python bench/load_test.py                      # 8 clients x 50 requests
    python bench/load_test.py --clients 32 --requests 200 --workers 4
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from ip4graph.kg import KnowledgeGraph
from ip4graph.server import EndpointConfig, serve_in_thread

QUERIES = [
    ("GET", "/sparql?" + urllib.parse.urlencode({"query": "SELECT ?m WHERE { ?m ip4:memberOf ip4d:ip4 }"}),
     None, {"Accept": "application/sparql-results+json"}),
    ("POST", "/sparql", urllib.parse.urlencode({"query": "SELECT ?s ?l WHERE { ?s a ip4:State ; rdfs:label ?l } LIMIT 50"}),
     {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"}),
    ("POST", "/sparql", "ASK { ip4d:japan ip4:partnerOf ip4d:nato }",
     {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}),
    ("GET", "/sparql?" + urllib.parse.urlencode({"query": "CONSTRUCT { ip4d:japan ?p ?o } WHERE { ip4d:japan ?p ?o }"}),
     None, {"Accept": "text/turtle"}),
    ("GET", "/id/japan", None, {"Accept": "text/turtle"}),
    ("GET", "/id/nato", None, {"Accept": "text/html"}),
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def client(port: int, n: int, offset: int, latencies: list[float], errors: list[str], lock: threading.Lock) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    mine: list[float] = []
    bad: list[str] = []
    for i in range(n):
        method, path, body, headers = QUERIES[(i + offset) % len(QUERIES)]
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body.encode() if body else None, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            if resp.status != 200 or not data:
                bad.append(f"{method} {path[:60]}: HTTP {resp.status}")
        except (OSError, http.client.HTTPException) as exc:
            bad.append(f"{method} {path[:60]}: {type(exc).__name__}: {exc}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine.append(time.perf_counter() - started)
    conn.close()
    with lock:
        latencies.extend(mine)
        errors.extend(bad)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=8, help="concurrent clients (threads)")
    ap.add_argument("--requests", type=int, default=50, help="requests per client")
    ap.add_argument("--workers", type=int, default=4, help="queries the server evaluates at once")
    ap.add_argument("--data", type=Path, action="append", help="data file instead of the shipped data (repeatable)")
    args = ap.parse_args(argv)

    kg = KnowledgeGraph.open(args.data) if args.data else KnowledgeGraph.open()
    config = EndpointConfig(port=0, workers=args.workers, queue_timeout=60)
    with serve_in_thread(kg, config) as server:
        port = server.server_address[1]
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        threads = [threading.Thread(target=client, args=(port, args.requests, i, latencies, errors, lock))
                   for i in range(args.clients)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started

    total = args.clients * args.requests
    ms = [x * 1000 for x in latencies]
    rows = [
        ("triples", f"{len(kg.asserted)} asserted + {len(kg.inferred)} inferred"),
        ("requests", str(total)),
        ("concurrency", f"{args.clients} clients, {args.workers} server workers"),
        ("elapsed", f"{elapsed:.2f} s"),
        ("throughput", f"{total / elapsed:.1f} req/s"),
        ("latency p50", f"{percentile(ms, 50):.1f} ms"),
        ("latency p90", f"{percentile(ms, 90):.1f} ms"),
        ("latency p99", f"{percentile(ms, 99):.1f} ms"),
        ("latency mean", f"{statistics.fmean(ms):.1f} ms"),
        ("errors", str(len(errors))),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    for e in errors[:10]:
        print(f"  error: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
