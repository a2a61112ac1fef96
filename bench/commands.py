"""Whole-process timings of everyday commands, as an analyst runs them, against baselines run in the same run.

Prints a Markdown table: median wall time over ``--repeat`` runs of each command (a fresh
process each time), and its ratio to ``python -c 'import rdflib'`` measured in the same
run. Also a cold ``ip4graph build`` (empty build directory: store, closure and outputs
computed) and a warm one (nothing changed). Runs in a temporary directory, so the
project's own build/ is left alone.

    python bench/commands.py --repeat 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    t = time.perf_counter()
    res = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t
    if res.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({res.returncode}): {res.stderr.decode()[-400:]}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    ip4 = str(BIN / "ip4graph")
    work = Path(tempfile.mkdtemp(prefix="ip4bench-"))
    env = dict(os.environ)
    env.pop("IP4GRAPH_STORE", None)
    env.pop("IP4GRAPH_CACHE", None)
    rows: list[tuple[str, float, str]] = []
    try:
        t = time.perf_counter()
        timed([ip4, "build", "-o", str(work / "out")], work, env)
        rows.append(("ip4graph build (cold: store, closure, outputs)", time.perf_counter() - t, "target <= 5 s"))
        warm = [timed([ip4, "build", "-o", str(work / "out")], work, env) for _ in range(max(1, args.repeat // 2))]
        rows.append(("ip4graph build (warm: nothing changed)", statistics.median(warm), "target < 1 s"))
        cases = [
            ("python -c 'import rdflib' (baseline)", [sys.executable, "-c", "import rdflib"], ""),
            ("ip4graph queries", [ip4, "queries"], "target <= 2x baseline"),
            ("ip4graph query ip4-members", [ip4, "query", "ip4-members"], ""),
            ("ip4graph query agreements-between -p a=NATO -p b=Japan",
             [ip4, "query", "agreements-between", "-p", "a=NATO", "-p", "b=Japan"], "target <= 3x baseline"),
            ("ip4graph why IP4 ip4:hasMember Japan", [ip4, "why", "IP4", "ip4:hasMember", "Japan"], ""),
            ("ip4graph search Japan", [ip4, "search", "Japan"], "names and quotes (in process: < 100 ms warm)"),
            ("ip4graph --backend memory query agreements-between ...",
             [ip4, "--backend", "memory", "query", "agreements-between", "-p", "a=NATO", "-p", "b=Japan"],
             "the rdflib reference path"),
        ]
        medians: dict[str, float] = {}
        for label, cmd, note in cases:
            runs = [timed(cmd, work, env) for _ in range(args.repeat)]
            medians[label] = statistics.median(runs)
            rows.append((label, medians[label], note))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base = medians["python -c 'import rdflib' (baseline)"]
    print(f"| command | median s | x import rdflib | note |\n|---|---|---|---|")
    for label, seconds, note in rows:
        ratio = f"{seconds / base:.2f}x" if "build" not in label else "—"
        print(f"| {label} | {seconds:.3f} | {ratio} | {note} |")


if __name__ == "__main__":
    main()
