"""Spark run throughput at local[1] and local[2], and peak driver memory, for 1k / 10k / 100k articles.

Corpus: `corpus_speed.synthetic_corpus` (real sentences of BASIL, ECB+, MRPC and PolNeAR in ../shared/data
re-sampled into synthetic stories over one year; see that module), or with `--corpus fresh`
`corpus_speed.fresh_corpus` (the same, but stories weeks apart share no sentence), written as 8 JSONL files so
ingest has 8 tasks. Each (size, master) pair runs in a fresh process with its own Spark session:
`newsprism.spark.job.run_pipeline` from the JSONL files to Parquet tables, stories + copies (MinHash band
shuffle, semantic neighbours, same-story pairs); `--findings` adds spaCy analysis and per-story findings.
As in `corpus_speed.py`, the MiniLM paraphrase check of the copy stage is off unless `--paraphrase`.

Peak driver memory: in local mode the JVM driver also hosts the executors, so its peak RSS (VmHWM) is the
driver + executor heap; the Python driver's peak RSS is reported separately (it holds no corpus rows).

Run: `nice -n 10 python bench/spark_scale.py --sizes 1000 10000 --masters 'local[1]' 'local[2]'`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = 8


def write_corpus(n_articles: int, folder: Path, corpus: str = "plain") -> dict[str, str]:
    """The synthetic corpus as FILES JSONL files (round-robin, publication order kept within each); returns the
    gold story of each article URL (kept out of the files, for scoring only)."""
    sys.path.insert(0, str(HERE))
    from corpus_speed import fresh_corpus, synthetic_corpus

    records = (fresh_corpus if corpus == "fresh" else synthetic_corpus)(n_articles)
    handles = [(folder / f"part-{i:02d}.jsonl").open("w", encoding="utf-8") for i in range(FILES)]
    gold = {}
    for index, record in enumerate(records):
        record = {k: v for k, v in record.items() if k != "story"}
        record["url"] = f"https://{record['outlet']}.example/{record.pop('id')}"
        gold[record["url"]] = records[index]["story"]
        handles[index % FILES].write(json.dumps(record) + "\n")
    for handle in handles:
        handle.close()
    return gold


def story_f1(tables: Path, gold: dict[str, str]) -> float:
    """B-cubed F1 of the run's stories against the corpus's gold stories (as `corpus_speed.py` scores them)."""
    import pyarrow.parquet as pq

    from cluster_eval import bcubed
    from newsprism.spark.tables import read_table

    articles = pq.read_table(tables / "articles", columns=["id", "url"]).to_pylist()
    url_of = {row["id"]: row["url"] for row in articles}
    predicted = {url_of[a]: story["id"] for story in read_table(tables, "stories") for a in story["article_ids"]}
    return round(bcubed(predicted, gold)[2], 4)


def jvm_peak_mb(spark) -> float:
    """Peak resident memory of the JVM (driver, and executors in local mode), from /proc."""
    pid = spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid()
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def run_one(n_articles: int, master: str, findings: bool, paraphrase: bool, driver_memory: str,
            corpus_kind: str = "plain") -> dict:
    """One timed Spark run in this process."""
    from newsprism.settings import load_settings
    from newsprism.spark.job import run_pipeline
    from newsprism.spark.session import spark_session

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        gold = write_corpus(n_articles, corpus, corpus_kind)
        spark = spark_session(master, app_name="newsprism-bench", memory=driver_memory)
        stats: dict = {}
        started = time.perf_counter()
        counts = run_pipeline(spark, [str(corpus)], str(Path(tmp) / "out"),
                              load_settings(cluster__paraphrase_checks=paraphrase), with_findings=findings,
                              stats=stats)
        seconds = time.perf_counter() - started
        jvm = jvm_peak_mb(spark)
        spark.stop()
        driver_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before scoring reads tables
        f1 = story_f1(Path(tmp) / "out", gold)
    return {
        "articles": n_articles, "corpus": corpus_kind, "master": master, "findings": findings, "paraphrase": paraphrase, "seconds": round(seconds, 1),
        "articles_per_s": round(n_articles / seconds, 1), "jvm_peak_mb": jvm,
        "python_driver_peak_mb": round(driver_peak, 1),
        "stories": counts.get("stories"), "stories_bcubed_f1": f1, "reuse": counts.get("reuse"), **stats,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--masters", nargs="+", default=["local[1]", "local[2]"])
    parser.add_argument("--findings", action="store_true", help="also analyze and compute findings")
    parser.add_argument("--paraphrase", action="store_true", help="MiniLM paraphrase checks in the copy stage")
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--corpus", choices=["plain", "fresh"], default="plain",
                        help="fresh: no sentence shared by stories weeks apart (corpus_speed.fresh_corpus)")
    parser.add_argument("--one", nargs=2, metavar=("SIZE", "MASTER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    if args.one:
        print(json.dumps(run_one(int(args.one[0]), args.one[1], args.findings, args.paraphrase,
                                 args.driver_memory, args.corpus)), flush=True)
        return
    for size in args.sizes:
        for master in args.masters:
            command = [sys.executable, __file__, "--one", str(size), master, "--driver-memory", args.driver_memory,
                       "--corpus", args.corpus]
            command += ["--findings"] * args.findings + ["--paraphrase"] * args.paraphrase
            result = subprocess.run(command, capture_output=True, text=True)
            lines = [ln for ln in result.stdout.splitlines() if ln.startswith("{")]
            if result.returncode != 0 or not lines:
                log = Path(tempfile.gettempdir()) / f"spark_scale-{size}-{''.join(c for c in master if c.isalnum())}.log"
                log.write_text(result.stderr, "utf-8")
                causes = [ln for ln in result.stderr.splitlines() if "Error" in ln or "Exception" in ln][:3]
                print(json.dumps({"articles": size, "master": master, "error": causes, "log": str(log)}), flush=True)
                continue
            print(lines[-1], flush=True)


if __name__ == "__main__":
    main()
