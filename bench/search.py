"""In-process timings of :func:`ip4graph.search.search` on the shipped data, per backend.

Prints a Markdown table: for each text, the first (cold: labels and types not yet asked)
and the median warm time over ``--repeat`` runs, and the number of hits. A printed table,
never a timed assertion.

    python bench/search.py --repeat 20 --backends oxigraph,memory
"""

from __future__ import annotations

import argparse
import statistics
import time

from ip4graph.kg import KnowledgeGraph
from ip4graph.search import search

TEXTS = ["Japan", "日本", "일본", "japon", "corée", "flourish", "partnership", "a"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--backends", default="oxigraph")
    args = ap.parse_args()
    print("| backend | text | hits | first ms | warm median ms | warm max ms |\n|---|---|---|---|---|---|")
    for backend in args.backends.split(","):
        kg = KnowledgeGraph.open(backend=backend)
        for text in TEXTS:
            t = time.perf_counter()
            hits = search(kg, text)
            first = time.perf_counter() - t
            runs = []
            for _ in range(args.repeat if backend != "memory" else max(1, args.repeat // 10)):
                t = time.perf_counter()
                search(kg, text)
                runs.append(time.perf_counter() - t)
            print(f"| {backend} | {text} | {len(hits)} | {first * 1000:.1f} | {statistics.median(runs) * 1000:.1f} "
                  f"| {max(runs) * 1000:.1f} |")


if __name__ == "__main__":
    main()
