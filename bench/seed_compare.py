"""Wall time and peak memory of `compare_inputs` on the seed pair and on the harbour-ferry example corpus.

Run: nice -n 10 python bench/seed_compare.py
Models (spaCy, MiniLM) are loaded once before timing, so the figures are per comparison, not per process start.
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

import torch

from newsprism.compare import compare_inputs
from newsprism.settings import load_settings

REPO = Path(__file__).resolve().parents[1]
CORPORA = {
    "seed pair (../shared/seeds)": REPO.parent / "shared" / "seeds",
    "example corpus (examples/harbour-ferry)": REPO / "examples" / "harbour-ferry",
}


def measure(files: list[str]) -> tuple[float, float, Counter]:
    """Seconds and traced peak MiB of one comparison, and its finding counts."""
    settings = load_settings()
    tracemalloc.start()
    started = time.perf_counter()
    comparison = compare_inputs(files, settings)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20, Counter(f.kind for f in comparison.findings)


def main() -> None:
    torch.set_num_threads(2)
    warm = sorted(str(p) for p in CORPORA["example corpus (examples/harbour-ferry)"].glob("*.txt"))
    load_started = time.perf_counter()
    compare_inputs(warm[:2], load_settings())
    print(f"model loading + first comparison: {time.perf_counter() - load_started:.1f} s")
    print("| corpus | articles | wall time (s, median of 3) | traced peak (MiB) | findings |")
    print("|---|---|---|---|---|")
    for name, folder in CORPORA.items():
        files = sorted(str(p) for p in folder.glob("*.txt"))
        if not files:
            print(f"| {name} | absent | | | |")
            continue
        runs = [measure(files) for _ in range(3)]
        seconds = sorted(r[0] for r in runs)[1]
        peak = max(r[1] for r in runs)
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(runs[0][2].items()))
        print(f"| {name} | {len(files)} | {seconds:.2f} | {peak:.1f} | {kinds} |")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (models included): {rss:.0f} MiB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
