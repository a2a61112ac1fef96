"""bench/run.py runs end to end at 10k triples, as the issue asks of CI and prints its tables (no timing assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from virtuoso import virtuoso_or_fail

from ip4graph.backends.compare import local_queries

ROOT = Path(__file__).resolve().parent.parent


def test_bench_prints_the_table(tmp_path: Path) -> None:
    virtuoso_or_fail()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "10000", "--backends", "memory,oxigraph,sparql",
         "--repeat", "1", "--out", str(tmp_path), "--virtuoso-mb", "256"],
        capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    for column in ("load s", "load ×mem", "queries Σ median ms", "peak MB", "owlrl s", "oxigraph rules s", "reasonable s", "SHACL s"):
        assert column in out, column
    for backend in ("memory", "oxigraph", "sparql"):
        assert f"| {backend} |" in out
        assert f"{backend} @10k ms" in out
    for nq in local_queries():
        assert f"| {nq.name} |" in out
    results = json.loads((tmp_path / "results.json").read_text())
    entry = results["sizes"]["10000"]
    assert set(entry["backends"]) == {"memory", "oxigraph", "sparql"}
    for name, b in entry["backends"].items():
        assert "error" not in b, (name, b)
        assert all(q.get("median ms") is not None for q in b["queries"].values()), name
