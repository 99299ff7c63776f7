"""Throughput of ingest -> stories -> findings on synthetic corpora of 1k, 10k, 100k articles.

The corpus re-samples real sentences (BASIL, ECB+, MRPC, PolNeAR texts in ../shared/data) into synthetic stories:
each story draws a pool of 12 sentences; each of its 2-6 articles takes 6-10 of them in shuffled order plus 2-4
random sentences from the whole pool; one article in ten is a near-verbatim copy (one sentence dropped, one added)
of an earlier article of its story. Stories start at random times over one year; articles follow within 3 days.
Gold story ids are kept for scoring only.

Run: `nice -n 10 python bench/corpus_speed.py --sizes 1000 10000 [--findings-sample 20]` (one size per process
for an honest peak RSS). `cluster_cpu_s` is the process CPU time of the clustering + copies stage: on shared
cores it shows the work apart from the waiting (numba kernels may use both cores, so it can exceed wall time).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def real_sentences(limit: int = 200_000) -> list[str]:
    """Sentences of the shared evaluation texts (20-300 characters)."""
    texts: list[str] = []
    for name in ("basil/basil_given.jsonl", "ecbplus/ecbplus_given.jsonl"):
        path = DATA / name
        if path.exists():
            texts += [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines()]
    mrpc = DATA / "mrpc" / "msr_paraphrase_train.txt"
    if mrpc.exists():
        for line in mrpc.read_text("utf-8-sig").splitlines()[1:]:
            texts += line.split("\t")[3:5]
    for path in sorted((DATA / "polnear").glob("*/text/*.txt")):
        texts.append(path.read_text("utf-8", errors="replace"))
    out = []
    for text in texts:
        for part in text.splitlines():
            out += [s.strip() for s in _SPLIT.split(part) if 20 <= len(s.strip()) <= 300]
    return list(dict.fromkeys(out))[:limit]


def synthetic_corpus(n_articles: int, seed: int = 7) -> list[dict]:
    """`n_articles` article records (id, story, outlet, published, title, text) in publication order."""
    rng = random.Random(seed)
    sentences = real_sentences()
    records: list[dict] = []
    start = datetime(2030, 1, 1, tzinfo=UTC)
    story = 0
    while len(records) < n_articles:
        pool = rng.sample(sentences, 12)
        begins = start + timedelta(seconds=rng.randrange(365 * 86400))
        story_records: list[dict] = []
        for _ in range(rng.randint(2, 6)):
            if story_records and rng.random() < 0.1:
                body = list(rng.choice(story_records)["_body"])
                body.pop(rng.randrange(len(body)))
                body.append(rng.choice(sentences))
            else:
                body = rng.sample(pool, rng.randint(6, 10)) + rng.sample(sentences, rng.randint(2, 4))
                rng.shuffle(body)
            story_records.append({
                "id": f"s{story}-a{len(story_records)}", "story": f"s{story}", "outlet": f"outlet{rng.randrange(20)}",
                "published": (begins + timedelta(seconds=rng.randrange(3 * 86400))).isoformat(),
                "title": body[0][:80], "_body": body,
            })
        records += story_records
        story += 1
    records = records[:n_articles]
    for record in records:
        record["text"] = " ".join(record.pop("_body"))
    records.sort(key=lambda r: r["published"])
    return records


def fresh_corpus(n_articles: int, seed: int = 7) -> list[dict]:
    """Like `synthetic_corpus`, but no sentence is shared by two stories that start within weeks of each other.

    At 100k articles the plain corpus re-samples its ~53k real sentences so densely that each story shares
    verbatim sentences with ~9 other stories of its 10-day neighbourhood (1 at 10k), which real distinct stories
    do not. Here stories are planned first, then filled in order of their start with sentences taken without
    replacement from one shuffled list, reused only once the whole list is spent (~2,200 stories, i.e. ~4.5
    weeks of the 100k corpus), then in a new order in which each sentence stays at least half a pass (~2 weeks,
    beyond the 7-day story window) from its last use. Copies still repeat their source's sentences.
    """
    rng = random.Random(seed)
    sentences = real_sentences()
    rng.shuffle(sentences)
    start = datetime(2030, 1, 1, tzinfo=UTC)
    plans: list[tuple[datetime, list[tuple[int, int, str, timedelta]]]] = []
    total = 0
    while total < n_articles:
        begins = start + timedelta(seconds=rng.randrange(365 * 86400))
        articles = []
        for index in range(rng.randint(2, 6)):
            copy_of = rng.randrange(index) if index and rng.random() < 0.1 else -1
            articles.append((copy_of, rng.randint(6, 10), f"outlet{rng.randrange(20)}",
                             timedelta(seconds=rng.randrange(3 * 86400))))
        plans.append((begins, articles))
        total += len(articles)
    cursor = 0

    def take(k: int) -> list[str]:
        nonlocal cursor
        out = []
        for _ in range(k):
            if cursor == len(sentences):  # a new pass in a new order, so no story is repeated as a whole;
                half = len(sentences) // 2  # each half shuffled in place: what comes first was used half a pass ago
                sentences[:half] = rng.sample(sentences[:half], half)
                sentences[half:] = rng.sample(sentences[half:], len(sentences) - half)
                cursor = 0
            out.append(sentences[cursor])
            cursor += 1
        return out

    records: list[dict] = []
    for story, (begins, articles) in sorted(enumerate(plans), key=lambda item: item[1][0]):
        pool = take(12)
        bodies: list[list[str]] = []
        for copy_of, keep, outlet, offset in articles:
            if copy_of >= 0:
                body = list(bodies[copy_of])
                body.pop(rng.randrange(len(body)))
                body += take(1)
            else:
                body = rng.sample(pool, keep) + take(rng.randint(2, 4))
                rng.shuffle(body)
            bodies.append(body)
            records.append({"id": f"s{story}-a{len(bodies) - 1}", "story": f"s{story}", "outlet": outlet,
                            "published": (begins + offset).isoformat(), "title": body[0][:80], "text": " ".join(body)})
    records = sorted(records, key=lambda r: r["published"])[:n_articles]
    return records


def run(n_articles: int, findings_sample: int, paraphrase: bool, corpus: str = "plain") -> dict:
    """Time store + clustering + copies for the corpus, then findings for a sample of stories."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from cluster_eval import bcubed
    from newsprism.models import Article, parse_datetime
    from newsprism.pipeline import NS_DIRTY, process_articles, refresh_findings
    from newsprism.settings import load_settings
    from newsprism.store.sqlite import SqliteStore

    records = (fresh_corpus if corpus == "fresh" else synthetic_corpus)(n_articles)
    settings = load_settings(cluster__paraphrase_checks=paraphrase)
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(str(Path(tmp) / "bench.db"))
        started = time.perf_counter()
        for record in records:
            store.put_article(Article(id=record["id"], text=record["text"], title=record["title"],
                                      outlet=record["outlet"], published=parse_datetime(record["published"]),
                                      source_ref=f"synthetic#{record['id']}"))
        stored = time.perf_counter()
        cpu_before = time.process_time()
        process_articles(store, settings, [r["id"] for r in records], with_findings=False, with_analysis=False,
                         progress=_progress_log(stored))
        clustered = time.perf_counter()
        cluster_cpu = time.process_time() - cpu_before
        stories = {a: s.id for s in store.iter_stories() for a in s.article_ids}
        _, _, f1 = bcubed(stories, {r["id"]: r["story"] for r in records})
        # findings (spaCy analysis + compare) for a sample of stories, timed per article
        dirty = [k for k, v in store.iter_values(NS_DIRTY) if v == "1"]
        keep = set(random.Random(1).sample(dirty, min(findings_sample, len(dirty))))
        store.put_values(NS_DIRTY, [(k, "1" if k in keep else "") for k in dirty])
        sample_ids = [a for k in keep for a in (store.get_story(k).article_ids)]
        t0 = time.perf_counter()
        from newsprism.pipeline import _analyze

        _analyze(store, settings, [store.get_article(i) for i in sample_ids])
        refresh_findings(store, settings, lambda *a: None)
        t1 = time.perf_counter()
        reuse = sum(1 for _ in store.iter_reuse())
        store.close()
    return {
        "articles": n_articles, "corpus": corpus, "paraphrase_checks": paraphrase, "store_s": round(stored - started, 1), "cluster_copies_s": round(clustered - stored, 1),
        "cluster_articles_per_s": round(n_articles / (clustered - stored), 1),
        "cluster_cpu_s": round(cluster_cpu, 1), "cluster_articles_per_cpu_s": round(n_articles / cluster_cpu, 1),
        "ingest_to_stories_articles_per_s": round(n_articles / (clustered - started), 1),
        "stories_bcubed_f1": round(f1, 4), "reuse_links": reuse,
        "findings_sample_articles": len(sample_ids),
        "analyze_findings_articles_per_s": round(len(sample_ids) / max(t1 - t0, 1e-9), 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _progress_log(started: float):
    """A progress callback printing to stderr every 10,000 articles (long runs on shared cores)."""
    import sys

    def report(stage: str, done: int, total: int) -> None:
        if stage == "stories" and (done % 10_000 < 256 or done == total):
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{stage} {done}/{total} {time.perf_counter() - started:.0f}s peak {rss:.0f} MB", file=sys.stderr,
                  flush=True)

    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--findings-sample", type=int, default=10)
    parser.add_argument("--paraphrase", action="store_true", help="also run MiniLM paraphrase checks in copies")
    parser.add_argument("--corpus", choices=["plain", "fresh"], default="plain",
                        help="fresh: no sentence shared by stories weeks apart (see fresh_corpus)")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(2)
    for size in args.sizes:
        print(json.dumps(run(size, args.findings_sample, args.paraphrase, args.corpus)), flush=True)


if __name__ == "__main__":
    main()
