"""Ingest throughput (articles/s) per input kind: read + extract, and read + extract + store in SQLite.

Corpus: sentences of the BASIL articles (../shared/data/basil/basil_given.jsonl) are split with a regex, then
re-sampled with a fixed seed into N synthetic articles of 12-30 sentences each (paragraphs of 1-3 sentences).
Plain-text files get generated page furniture around them (an outlet name, a reading-time line, a byline,
a share line); HTML files wrap the same paragraphs in a page with navigation and a footer. Nothing is written
into the repository: the corpus lives in a temporary folder.

Each input kind is one function `bench_<kind>(workdir, count) -> dict`, listed in INPUT_KINDS; add a kind by
writing a function that builds its input under `workdir` and returns `_measure(inputs, count)`.

    nice -n 10 python bench/ingest_throughput.py --count 1000
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from newsprism.commands.ingest import run_ingest
from newsprism.ingest import ingest_articles
from newsprism.models import Article
from newsprism.settings import load_settings
from newsprism.store.sqlite import SqliteStore

BASIL = Path(__file__).resolve().parents[2] / "shared" / "data" / "basil" / "basil_given.jsonl"
_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’]))\s+(?=[A-Z“\"])")
SEED = 20240501


def load_sentences(path: Path = BASIL) -> list[str]:
    """Every sentence of 6-60 words in the BASIL texts."""
    sentences = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line).get("text") or ""
            for sentence in _SENTENCE.split(" ".join(text.split())):
                if 6 <= len(sentence.split()) <= 60:
                    sentences.append(sentence)
    return sentences


def synthetic_articles(sentences: list[str], count: int, seed: int = SEED) -> list[tuple[str, list[str]]]:
    """`count` (title, paragraphs) pairs re-sampled from real sentences."""
    rng = random.Random(seed)
    articles = []
    for _ in range(count):
        picked = rng.sample(sentences, rng.randint(12, 30))
        paragraphs, i = [], 0
        while i < len(picked):
            step = rng.randint(1, 3)
            paragraphs.append(" ".join(picked[i:i + step]))
            i += step
        title = " ".join(picked[0].split()[:8]).rstrip(",.;:")
        articles.append((title, paragraphs))
    return articles


def bench_plain_text(workdir: Path, count: int) -> dict:
    """Plain-text files with page furniture (boilerplate removal path)."""
    rng = random.Random(SEED + 1)
    folder = workdir / "text"
    folder.mkdir()
    for i, (title, paragraphs) in enumerate(synthetic_articles(load_sentences(), count)):
        outlet = f"Outlet{i % 7}"
        lines = [outlet, f"{rng.randint(2, 9)} minute read", f"{title} | Section {i % 5}", *paragraphs,
                 f"By Writer {i % 11}", "Follow us"]
        (folder / f"outlet{i % 7}_{i:05d}.txt").write_text("\n\n".join(lines), "utf-8")
    return _measure([str(folder)], count)


def bench_html(workdir: Path, count: int) -> dict:
    """HTML pages (trafilatura path)."""
    folder = workdir / "html"
    folder.mkdir()
    for i, (title, paragraphs) in enumerate(synthetic_articles(load_sentences(), count, SEED + 2)):
        body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
        page = (
            f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)} - Outlet {i % 7}</title>"
            f"<meta property='article:published_time' content='2024-0{i % 9 + 1}-1{i % 9}T12:00:00Z'></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
            f"<article><h1>{html.escape(title)}</h1>{body}</article>"
            f"<footer><p>Contact</p><p>Privacy</p></footer></body></html>"
        )
        (folder / f"page_{i:05d}.html").write_text(page, "utf-8")
    return _measure([str(folder)], count)


def bench_warc(workdir: Path, count: int) -> dict:
    """One .warc.gz with a request and an HTML response record per article (streamed WARC reader path)."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = workdir / "crawl.warc.gz"
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for i, (title, paragraphs) in enumerate(synthetic_articles(load_sentences(), count, SEED + 3)):
            url = f"https://outlet{i % 7}.example/news/{i:05d}"
            body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
            page = (f"<!doctype html><html><head><title>{html.escape(title)}</title></head><body>"
                    f"<nav><a href='/'>Home</a></nav><article><h1>{html.escape(title)}</h1>{body}</article>"
                    f"<footer><p>Contact</p></footer></body></html>").encode()
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", url.split("/")[2])], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                                          http_headers=request))
            response = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(page),
                                                          http_headers=response))
    return _measure([str(path)], count)


INPUT_KINDS: dict[str, Callable[[Path, int], dict]] = {"plain_text": bench_plain_text, "html": bench_html}
INPUT_KINDS["warc"] = bench_warc


def _measure(inputs: list[str], count: int) -> dict:
    """Articles/s for read + extract alone, and for the whole `newsprism ingest` path into a fresh SQLite file."""
    settings = load_settings()
    started = time.perf_counter()
    extracted = sum(isinstance(item, Article) for item in ingest_articles(inputs, settings))
    extract_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(str(Path(tmp) / "bench.db"))
        started = time.perf_counter()
        counts = run_ingest(inputs, store, settings, report_failure=lambda skipped: None)
        store_s = time.perf_counter() - started
        store.close()
    return {
        "articles": count,
        "extracted": extracted,
        "extract_per_s": extracted / extract_s,
        "stored": counts.stored,
        "ingest_per_s": counts.stored / store_s,
    }


def boilerplate_check(count: int = 300) -> str:
    """Furniture-wrapped synthetic articles: real paragraphs lost, furniture lines left, titles recovered."""
    from newsprism.ingest.boilerplate import clean_plain_text

    lost = left = titles = 0
    for i, (title, paragraphs) in enumerate(synthetic_articles(load_sentences(), count, SEED + 3)):
        text = "\n\n".join([f"Outlet{i % 7}", f"{i % 9 + 1} minute read", f"{title} | Section {i % 5}",
                             *paragraphs, f"By Writer {i % 11}", "Follow us"])
        cleaned = clean_plain_text(text)
        kept = cleaned.text.split("\n\n")
        lost += sum(p not in kept for p in paragraphs)
        left += sum(k not in paragraphs for k in kept)
        titles += cleaned.title == title
    return f"boilerplate check ({count} articles): {lost} real paragraphs lost, {left} furniture lines left, " \
           f"{titles}/{count} titles recovered"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="articles per input kind")
    parser.add_argument("--kinds", nargs="*", default=list(INPUT_KINDS), choices=list(INPUT_KINDS))
    args = parser.parse_args()
    from newsprism.ingest.language import detect_language

    # load the language identifier before timing

    detect_language("warm up the language identifier with a short English sentence please")
    print("| input | articles | extracted | read+extract (articles/s) | stored | read+extract+store (articles/s) |")
    print("|---|---|---|---|---|---|")
    for kind in args.kinds:
        with tempfile.TemporaryDirectory() as tmp:
            r = INPUT_KINDS[kind](Path(tmp), args.count)
        print(f"| {kind} | {r['articles']} | {r['extracted']} | {r['extract_per_s']:.0f} | {r['stored']} "
              f"| {r['ingest_per_s']:.0f} |")
    print(boilerplate_check())


if __name__ == "__main__":
    main()
