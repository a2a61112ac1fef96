#!/usr/bin/env python3
"""Benchmark ip4graph's backends on synthetic data: load, reasoning, SHACL, every catalog query.

    python bench/run.py --sizes 10000,100000,1000000 --backends memory,oxigraph,sparql --repeat 5

For each size the generator (``ip4graph generate``, seed ``--seed``) writes N-Quads
under ``build/bench/``. A *reasoning worker* (its own process) loads them into rdflib,
times OWL 2 RL with owlrl (up to ``--owlrl-max`` triples) and with the fast path
``reasonable``, and times SHACL validation (pySHACL on the rdflib graph, the same for
every backend). Then one *backend worker* per backend (its own process, so its peak
memory is its own) bulk-loads ontology + data + inferred triples, and runs every
catalog query with its default parameters once to warm up and ``--repeat`` times
timed. ``oxigraph`` is the on-disk store (``--path``), ``oxigraph-inmem`` the same backend
without a path (in memory). Ratios are each backend's time over the rdflib ``memory`` time measured in the
same run. The ``sparql`` backend is a private Virtuoso on loopback (bulk loader
through isql); its peak memory adds the server's.

Prints Markdown tables and writes ``build/bench/results.json``. Never asserts on time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUMMARY_COLUMNS = ["triples", "backend", "load s", "load ×mem", "Oxigraph bulk_load s", "load ×bulk_load",
                   "queries Σ median ms", "Σ ×mem", "queries < 100 ms", "slowest query ms", "peak MB"]
REASONING_COLUMNS = ["triples", "asserted", "owlrl s", "oxigraph rules s", "reasonable s", "reasonable peak MB",
                     "inferred", "SHACL s", "rdflib load s", "peak MB"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def write_inferred(path: str, triples) -> None:
    """Inferred triples as N-Quads in the graph ip4g:inferred."""
    from ip4graph.namespaces import GRAPH_INFERRED

    g = GRAPH_INFERRED.n3()
    with open(path, "w", encoding="utf-8") as fh:
        fh.writelines(f"{s.n3()} {p.n3()} {o.n3()} {g} .\n" for s, p, o in triples)


def timed_up_to(size: int, limit: int, work) -> float | str:
    """Seconds ``work()`` takes, or why it was skipped (``size`` over ``limit``)."""
    if size > limit:
        return f"skipped (> {limit:,})"
    t = time.perf_counter()
    work()
    return time.perf_counter() - t


# ---------------------------------------------------------------------------- workers
def reason_worker(args: argparse.Namespace) -> dict:
    from ip4graph.loader import load
    from ip4graph.reasoning import compute_inferences, direct_types, reasoning_input
    from ip4graph.validation import validate

    out: dict = {}
    t = time.perf_counter()
    ds = load([args.data])
    out["rdflib load s"] = time.perf_counter() - t
    source = reasoning_input(ds)
    out["asserted"] = sum(len(c) for c in ds.graphs())
    if args.fast:
        # in its own process: at 1M triples reasonable is killed for memory
        fast = run_worker(["--worker", "fast", "--data", args.data, "--inferred-out", args.inferred_out + ".reasonable"],
                          timeout=7200)
        out["reasonable s"] = fast.get("reasonable s", str(fast.get("error", "failed"))[:60])
        out["reasonable peak MB"] = fast.get("peak MB")
        Path(args.inferred_out + ".reasonable").unlink(missing_ok=True)
    t = time.perf_counter()
    inferred = compute_inferences(source, reasoner="oxigraph")
    out["oxigraph rules s"] = time.perf_counter() - t
    out["inferred"] = len(inferred)
    t = time.perf_counter()
    for triple in direct_types(ds, inferred):  # materialised as `ip4graph build` does (ip4:directType)
        inferred.add(triple)
    out["direct types s"] = time.perf_counter() - t
    write_inferred(args.inferred_out, inferred)
    del inferred
    out["owlrl s"] = timed_up_to(args.size, args.owlrl_max, lambda: compute_inferences(source))
    out["SHACL s"] = timed_up_to(args.size, args.shacl_max, lambda: validate(ds))
    out["peak MB"] = peak_mb()
    return out


def fast_worker(args: argparse.Namespace) -> dict:
    """The reasonable fast path alone (its peak memory is its own)."""
    from ip4graph.loader import load
    from ip4graph.reasoning import compute_inferences, reasoning_input

    source = reasoning_input(load([args.data]))
    t = time.perf_counter()
    inferred = compute_inferences(source, reasoner="reasonable")
    out = {"reasonable s": time.perf_counter() - t, "inferred": len(inferred)}
    write_inferred(args.inferred_out, inferred)
    out["peak MB"] = peak_mb()
    return out


def backend_worker(args: argparse.Namespace) -> dict:
    from ip4graph.backends import get_backend
    from ip4graph.backends.compare import default_bindings, local_queries
    from ip4graph.errors import QueryTimeout

    server = None
    options: dict = {}
    if args.backend == "sparql":
        from ip4graph.backends.virtuoso import LocalVirtuoso

        server = LocalVirtuoso(memory_mb=args.virtuoso_mb).start()
        options = server.backend_options()
    elif args.backend == "oxigraph-inmem":
        options = {}  # the same backend without --path: an in-memory store
    elif args.backend == "oxigraph":
        store_dir = Path(args.work) / f"oxigraph-{args.size}"
        if store_dir.exists():
            import shutil

            shutil.rmtree(store_dir)
        options = {"path": store_dir, "create": True}
    out: dict = {"queries": {}}
    try:
        if args.backend in ("oxigraph", "oxigraph-inmem"):
            # the baseline in the same run: Oxigraph's own loader, the same file, a fresh store of the same kind
            import shutil

            import pyoxigraph as ox

            bare_dir = Path(args.work) / f"bare-{args.size}"
            shutil.rmtree(bare_dir, ignore_errors=True)
            bare = ox.Store(str(bare_dir)) if args.backend == "oxigraph" else ox.Store()
            t = time.perf_counter()
            bare.bulk_load(path=str(args.data), format=ox.RdfFormat.N_QUADS)
            bare.flush()
            out["bulk_load s"] = time.perf_counter() - t
            del bare
            shutil.rmtree(bare_dir, ignore_errors=True)
        backend = get_backend("oxigraph" if args.backend == "oxigraph-inmem" else args.backend, **options)
        t = time.perf_counter()
        backend.load_file(Path(args.data))
        out["load s"] = time.perf_counter() - t
        out["count"] = backend.count()
        only = set(args.queries.split(",")) if args.queries else None
        for nq in local_queries():  # federated (SERVICE) queries need the network: left out
            if only and nq.name not in only:
                continue
            bindings = default_bindings(nq)
            times: list[float] = []
            rows = None
            try:
                for i in range(args.repeat + 1):
                    t = time.perf_counter()
                    res = backend.query(nq.text, bindings=bindings, timeout=args.timeout)
                    dt = time.perf_counter() - t
                    rows = len(res)
                    if i > 0:
                        times.append(dt)
                out["queries"][nq.name] = {"median ms": statistics.median(times) * 1000, "rows": rows}
            except QueryTimeout:
                out["queries"][nq.name] = {"median ms": None, "error": f"timeout > {args.timeout:g} s"}
            except Exception as exc:  # noqa: BLE001 - any failure is a table cell
                out["queries"][nq.name] = {"median ms": None, "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
        backend.close()
        out["peak MB"] = peak_mb()
        if server is not None and server.process is not None:
            out["server peak MB"] = _vm_hwm_mb(server.process.pid)
            out["peak MB"] += out["server peak MB"] or 0
    finally:
        if server is not None:
            server.stop()
    return out


def _vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


# ---------------------------------------------------------------------------- driver
def run_worker(argv: list[str], timeout: float) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), *argv]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"worker timed out after {timeout:g} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {"error": f"worker failed (exit {proc.returncode}): {proc.stderr.strip()[-600:]}"}


def prepare_data(size: int, seed: int, work: Path) -> Path:
    """Generated data plus the ontology (graph ip4g:ontology), as one N-Quads file (cached)."""
    from rdflib import Graph

    from ip4graph import resources
    from ip4graph.generate import write_generated
    from ip4graph.namespaces import GRAPH_ONTOLOGY

    path = work / f"data-{size}-seed{seed}.nq"
    if not path.exists():
        write_generated(path, size, seed=seed)
        onto = Graph().parse(resources.ontology_path(), format="turtle")
        with open(path, "a", encoding="utf-8") as fh:
            fh.writelines(f"{s.n3()} {p.n3()} {o.n3()} {GRAPH_ONTOLOGY.n3()} .\n" for s, p, o in onto)
    return path


def fmt(v: object, digits: int = 2) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def ratio(a: object, b: object) -> str:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b > 0:
        return f"{a / b:.2f}×"
    return "—"


def table(columns: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def render(results: dict) -> str:
    out = []
    reasoning_rows = []
    for size, entry in results["sizes"].items():
        r = entry.get("reasoning", {})
        reasoning_rows.append([fmt(int(size)), fmt(r.get("asserted")), fmt(r.get("owlrl s")),
                               fmt(r.get("oxigraph rules s")), fmt(r.get("reasonable s")),
                               fmt(r.get("reasonable peak MB"), 0), fmt(r.get("inferred")), fmt(r.get("SHACL s")), fmt(r.get("rdflib load s")),
                               fmt(r.get("peak MB"), 0) if "error" not in r else r["error"]])
    out.append("### Reasoning and SHACL (rdflib graph; the same for every backend)\n")
    out.append(table(REASONING_COLUMNS, reasoning_rows))
    summary_rows = []
    query_names: list[str] = []
    for size, entry in results["sizes"].items():
        base = entry["backends"].get("memory", {})
        for name, b in entry["backends"].items():
            if "error" in b and "queries" not in b:
                summary_rows.append([fmt(int(size)), name] + [b["error"][:80]] + ["—"] * (len(SUMMARY_COLUMNS) - 3))
                continue
            qs = b.get("queries", {})
            meds = [q["median ms"] for q in qs.values() if q.get("median ms") is not None]
            base_meds = [base.get("queries", {}).get(n, {}).get("median ms") for n in qs]
            total = sum(meds) if meds else None
            base_total = sum(x for x in base_meds if x is not None) if base and all(x is not None for x in base_meds) else None
            failed = [n for n, q in qs.items() if q.get("median ms") is None]
            slow = max(qs.items(), key=lambda kv: kv[1].get("median ms") or 0)[0] if qs else None
            fast = sum(1 for q in qs.values() if q.get("median ms") is not None and q["median ms"] < 100)
            summary_rows.append([
                fmt(int(size)), name, fmt(b.get("load s")), ratio(b.get("load s"), base.get("load s")) if base else "—",
                fmt(b.get("bulk_load s")), ratio(b.get("load s"), b.get("bulk_load s")),
                fmt(total, 1) + (f" ({len(failed)} failed)" if failed else ""),
                ratio(total, base_total) if base_total else "—",
                f"{fast} of {len(qs)}",
                f"{fmt(qs[slow]['median ms'], 1)} ({slow})" if slow else "—", fmt(b.get("peak MB"), 0)])
            for n in qs:
                if n not in query_names:
                    query_names.append(n)
    out.append("\n### Load, queries, peak memory (per backend, each in its own process)\n")
    out.append(table(SUMMARY_COLUMNS, summary_rows))
    cols = ["query"]
    keys = []
    for size, entry in results["sizes"].items():
        for name in entry["backends"]:
            cols.append(f"{name} @{int(size) // 1000}k ms (×mem)")
            keys.append((size, name))
    qrows = []
    for qn in sorted(query_names):
        row = [qn]
        for size, name in keys:
            entry = results["sizes"][size]["backends"]
            q = entry.get(name, {}).get("queries", {}).get(qn, {})
            m = q.get("median ms")
            bm = entry.get("memory", {}).get("queries", {}).get(qn, {}).get("median ms")
            row.append("error" if m is None and q else (f"{m:,.1f}" + (f" ({ratio(m, bm)})" if name != "memory" and bm else "")
                                                       if m is not None else "—"))
        qrows.append(row)
    out.append("\n### Median latency of each catalog query (default parameters)\n")
    out.append(table(cols, qrows))
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000", help="comma-separated triple counts (default 10000)")
    ap.add_argument("--backends", default="memory,oxigraph,sparql",
                    help="comma-separated: memory, oxigraph (on disk), oxigraph-inmem, sparql")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of each query (after one warm-up)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--memory-max", type=int, default=100_000, help="largest size for the rdflib memory backend")
    ap.add_argument("--owlrl-max", type=int, default=100_000, help="largest size to reason with owlrl")
    ap.add_argument("--shacl-max", type=int, default=100_000, help="largest size to validate with SHACL")
    ap.add_argument("--no-fast", dest="fast", action="store_false", help="skip the reasonable fast path")
    ap.add_argument("--timeout", type=float, default=300.0, help="per-query limit in seconds")
    ap.add_argument("--queries", default="", help="only these catalog queries (comma-separated)")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "bench", help="work and output directory")
    ap.add_argument("--virtuoso-mb", type=int, default=2048, help="Virtuoso buffer memory")
    ap.add_argument("--worker", choices=["reason", "fast", "backend"], help=argparse.SUPPRESS)
    ap.add_argument("--backend", help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    ap.add_argument("--inferred-out", help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker == "reason":
        print(json.dumps(reason_worker(args)))
        return 0
    if args.worker == "fast":
        print(json.dumps(fast_worker(args)))
        return 0
    if args.worker == "backend":
        print(json.dumps(backend_worker(args)))
        return 0

    work: Path = args.out
    work.mkdir(parents=True, exist_ok=True)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    results: dict = {"command": " ".join([Path(sys.argv[0]).name, *(argv if argv is not None else sys.argv[1:])]),
                     "machine": {"cpus": os.cpu_count()}, "sizes": {}}
    for size in sizes:
        print(f"== {size:,} triples", file=sys.stderr, flush=True)
        data = prepare_data(size, args.seed, work)
        inferred = work / f"inferred-{size}-seed{args.seed}.nq"
        common = ["--size", str(size), "--data", str(data), "--owlrl-max", str(args.owlrl_max),
                  "--shacl-max", str(args.shacl_max)] + ([] if args.fast else ["--no-fast"])
        reasoning = run_worker(["--worker", "reason", "--inferred-out", str(inferred), *common], timeout=7200)
        print(f"   reasoning: {reasoning}", file=sys.stderr, flush=True)
        full = work / f"full-{size}-seed{args.seed}.nq"
        with open(full, "wb") as fh:
            fh.write(data.read_bytes())
            if inferred.exists():
                fh.write(inferred.read_bytes())
        entry: dict = {"reasoning": reasoning, "backends": {}}
        for name in backends:
            if name == "memory" and size > args.memory_max:
                entry["backends"][name] = {"error": f"skipped (> --memory-max {args.memory_max:,})"}
                continue
            res = run_worker(["--worker", "backend", "--backend", name, "--size", str(size), "--data", str(full),
                              "--repeat", str(args.repeat), "--timeout", str(args.timeout), "--work", str(work),
                              "--queries", args.queries, "--virtuoso-mb", str(args.virtuoso_mb)], timeout=7200)
            print(f"   {name}: load {res.get('load s')} s, peak {res.get('peak MB')} MB {res.get('error', '')}",
                  file=sys.stderr, flush=True)
            entry["backends"][name] = res
        results["sizes"][str(size)] = entry
        full.unlink(missing_ok=True)
    (work / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
