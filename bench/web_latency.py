"""Web UI latency: p50/p95 per page type over a served 10,000-article store on 127.0.0.1.

The store is synthetic: 2,500 stories of 4 articles from 60 invented outlets and 400 invented speakers. Article
sentences and quote texts are re-sampled from real news sentences (the MRPC pairs in /work/shared/data/mrpc, two
outlets' versions of one sentence, so variant/altered findings carry real rewordings); without that file the
sentences are generated from a small word list. Findings, quotes and reuse links are written through the Store
API, like the pipeline does.

    nice -n 10 python bench/web_latency.py [--articles 10000] [--requests 60] [--keep DB]
"""

from __future__ import annotations

import argparse
import csv
import http.client
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote as urlquote

from newsprism.models import Analysis, Article, Finding, Quote, Reuse, Span, Story
from newsprism.store.sqlite import SqliteStore

MRPC = Path(__file__).resolve().parents[2] / "shared" / "data" / "mrpc"
ARTICLES_PER_STORY = 4


def load_pairs() -> list[tuple[str, str]]:
    """Sentence pairs: MRPC's real ones when present, else generated pairs."""
    files = sorted(MRPC.glob("*.tsv")) + sorted(MRPC.glob("*.txt")) if MRPC.exists() else []
    pairs: list[tuple[str, str]] = []
    for path in files:
        with path.open(encoding="utf-8-sig") as handle:
            for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(row) >= 5 and row[0] in ("0", "1"):
                    pairs.append((row[3], row[4]))
    if pairs:
        return pairs
    rng = random.Random(1)
    words = ["council", "harbour", "budget", "minister", "river", "school", "police", "bridge", "vote", "court"]
    for _ in range(4000):
        first = " ".join(rng.choice(words) for _ in range(12)).capitalize() + "."
        second = first.replace(rng.choice(words), rng.choice(words))
        pairs.append((first, second))
    return pairs


def build_store(path: Path, n_articles: int, seed: int = 7) -> None:
    """Write the synthetic corpus through the Store API."""
    rng = random.Random(seed)
    pairs = load_pairs()
    outlets = [f"Outlet {i:02d} News" for i in range(60)]
    speakers = [f"Speaker{i:03d} Person" for i in range(400)]
    store = SqliteStore(str(path))
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with store.transaction():
        for s in range(n_articles // ARTICLES_PER_STORY):
            when = start + timedelta(hours=s * 3)
            speaker = rng.choice(speakers)
            said_a, said_b = rng.choice(pairs)
            ids, texts, quotes = [], [], []
            for k, outlet in enumerate(rng.sample(outlets, ARTICLES_PER_STORY)):
                aid = f"a{s:05d}{k}"
                body = " ".join(rng.choice(pairs)[rng.randrange(2)] for _ in range(8))
                said = said_a if k % 2 == 0 else said_b
                text = f'{body} {speaker} said: "{said}" {rng.choice(pairs)[0]}'
                article = Article(aid, text, outlet, f"https://{outlet.split()[1]}.example/{aid}",
                                  f"Story {s} as told by {outlet}", published=when + timedelta(minutes=37 * k))
                store.put_article(article)
                q_start = text.index(said, len(body))
                quote = Quote(f"q{aid}", aid, "direct", [Span(aid, q_start, q_start + len(said))], speaker=speaker)
                store.put_analysis(Analysis(article, quotes=[quote]))
                ids.append(aid)
                texts.append(text)
                quotes.append(quote)
            store.put_story(Story(f"s{s:05d}", ids, when, when + timedelta(minutes=37 * 3), f"Synthetic story {s}"))
            findings = []
            for i in range(ARTICLES_PER_STORY - 1):
                a, b = quotes[i], quotes[i + 1]
                ta, tb = a.content[0].text_in(texts[i]), b.content[0].text_in(texts[i + 1])
                only_a = [w for w in ta.split() if w not in tb.split()][:4]
                only_b = [w for w in tb.split() if w not in ta.split()][:4]
                kind = "verbatim" if ta == tb else rng.choice(["variant", "altered"])
                findings.append(Finding(kind, [a.content[0], b.content[0]], {
                    "speaker": speaker, "statement_id": f"st{s}", "article_ids": [ids[i], ids[i + 1]],
                    "changed": [[only_a, only_b]] if kind != "verbatim" else [], "texts": [ta, tb]}))
            findings.append(Finding("conflict", [Span(ids[0], 0, 5), Span(ids[1], 0, 5)], {
                "what": "number", "about": "people", "values": [rng.randint(2, 90), rng.randint(2, 90)],
                "by_article": {ids[0]: "12 people", ids[1]: "21 people"}, "sentences": ["", ""]}))
            findings.append(Finding("unique", [Span(ids[3], 0, 20)], {
                "what": "sentences", "article_id": ids[3], "outlet": "", "sentences": [texts[3][:80]]}))
            store.put_findings(f"s{s:05d}", findings)
            store.put_reuse([Reuse(ids[0], ids[1], "near-verbatim", round(rng.uniform(0.6, 0.99), 3))])
    store.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def page_types(rng: random.Random, n_stories: int) -> dict[str, callable]:
    """URL makers per page type (random ids each request)."""
    story = lambda: f"s{rng.randrange(n_stories):05d}"  # noqa: E731
    return {
        "stories list": lambda: "/",
        "stories by outlet": lambda: f"/?outlet={urlquote(f'Outlet {rng.randrange(60):02d} News')}",
        "stories by speaker": lambda: f"/?speaker={urlquote(f'Speaker{rng.randrange(400):03d} Person')}",
        "stories text search": lambda: f"/?q=Story+{rng.randrange(n_stories)}+as",
        "story": lambda: f"/stories/{story()}",
        "speaker": lambda: f"/speaker?name={urlquote(f'Speaker{rng.randrange(400):03d} Person')}",
        "outlets": lambda: "/outlets",
        "outlet": lambda: f"/outlet?name={urlquote(f'Outlet {rng.randrange(60):02d} News')}",
        "article": lambda: f"/articles/a{rng.randrange(n_stories):05d}{rng.randrange(4)}",
        "api story": lambda: f"/api/stories/{story()}",
        "api stories": lambda: "/api/stories?page=3",
    }


def measure(port: int, n_stories: int, requests: int) -> dict[str, tuple[float, float]]:
    """p50/p95 milliseconds per page type over `requests` GETs each (one keep-alive connection)."""
    rng = random.Random(3)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    results = {}
    for name, make in page_types(rng, n_stories).items():
        times = []
        for i in range(requests + 3):
            url = make()
            t0 = time.perf_counter()
            conn.request("GET", url)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - t0) * 1000
            if response.status != 200:
                raise SystemExit(f"{url}: HTTP {response.status}")
            if i >= 3:  # the first few warm caches
                times.append(elapsed)
        times.sort()
        results[name] = (statistics.median(times), times[int(0.95 * (len(times) - 1))])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60, help="requests per page type")
    parser.add_argument("--keep", type=Path, default=None, help="reuse/keep the store at this path")
    args = parser.parse_args()
    db = args.keep or Path(tempfile.mkdtemp()) / "bench.db"
    if not db.exists():
        t0 = time.perf_counter()
        build_store(db, args.articles)
        print(f"built {args.articles} articles in {time.perf_counter() - t0:.1f} s ({db})", flush=True)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-c", "from newsprism.cli import main; main()", "serve", "--db",
                               str(db), "--host", "127.0.0.1", "--port", str(port)])
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("server did not start") from None
                time.sleep(0.3)
        results = measure(port, args.articles // ARTICLES_PER_STORY, args.requests)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if args.keep is None:
            shutil.rmtree(db.parent, ignore_errors=True)
    print(f"| page type ({args.requests} requests each) | p50 ms | p95 ms |\n|---|---:|---:|")
    for name, (p50, p95) in results.items():
        print(f"| {name} | {p50:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
