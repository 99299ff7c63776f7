"""Time the store pipeline (analysis, copies, findings) after an ingest, with one process and with worker processes.

Each `--jobs` value gets a fresh SQLite store in a temporary folder: the JSONL is ingested without processing,
then `process_articles` runs with the stage functions timed. The stored analyses, stories and findings of every
run must be the same; the script says whether they are.

    python bench/pipeline_jobs.py [--data ../shared/data/ecbplus/ecbplus_given.jsonl] [--jobs 1 2 1 2]
"""

from __future__ import annotations

import argparse
import functools
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from newsprism import pipeline
from newsprism.commands.ingest import run_ingest
from newsprism.settings import load_settings
from newsprism.store.sqlite import SqliteStore

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ecbplus" / "ecbplus_given.jsonl"
TIMED = ("_analyze", "_copies", "refresh_findings")


def timed(spent: dict[str, float], name: str, func: Callable) -> Callable:
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - start
    return wrapper


def run(data: Path, jobs: int, folder: Path) -> tuple[dict[str, float], int, object]:
    """(seconds per stage, articles, a comparable dump of what was stored) for one `jobs` value."""
    settings = load_settings(db=str(folder / f"jobs{jobs}-{time.monotonic_ns()}.db"), jobs=jobs)
    store = SqliteStore(settings.db)
    run_ingest([str(data)], store, settings, report_failure=lambda skipped: None)
    ids = [a.id for batch in store.iter_articles() for a in batch]
    spent: dict[str, float] = {}
    originals = {name: getattr(pipeline, name) for name in TIMED}
    for name, func in originals.items():
        setattr(pipeline, name, timed(spent, name, func))
    try:
        start = time.perf_counter()
        pipeline.process_articles(store, settings, ids)
        spent["total"] = time.perf_counter() - start
    finally:
        for name, func in originals.items():
            setattr(pipeline, name, func)
    stories = sorted(sorted(s.article_ids) for s in store.iter_stories())
    dump = (stories, [repr(store.get_analysis(i)) for i in sorted(ids)],
            sorted(repr((f.kind, f.detail)) for s in store.iter_stories() for f in store.get_findings(s.id)))
    store.close()
    return spent, len(ids), dump


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2, 1, 2])
    args = parser.parse_args()
    dumps = []
    with tempfile.TemporaryDirectory() as folder:
        for jobs in args.jobs:
            spent, articles, dump = run(args.data, jobs, Path(folder))
            dumps.append(dump)
            stages = "  ".join(f"{name.strip('_')} {spent.get(name, 0.0):6.1f} s" for name in TIMED)
            print(f"jobs {jobs}: {articles} articles  {stages}  total {spent['total']:6.1f} s", flush=True)
    print("stored results identical across runs:", all(d == dumps[0] for d in dumps))


if __name__ == "__main__":
    main()
