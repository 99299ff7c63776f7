"""After ingest: analyze new or changed articles, index them, assign stories, detect copies, refresh findings.

All state lives in the store (kv namespaces below), so a run can be interrupted and resumed, and re-processing
unchanged articles is a no-op. Each analysis is stored as it is made; stories and copies go in chunks, each chunk
committing its state before the next starts.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import combinations

import numpy as np

from newsprism.cluster.copies import detect_reuse
from newsprism.cluster.stories import StoryClusterer
from newsprism.index.minhash_lsh import MinHashLSH
from newsprism.index.vectors import HashedTfidf, SemanticIndex, VectorIndex
from newsprism.models import Analysis, Article, Reuse, Story, to_utc
from newsprism.settings import Settings
from newsprism.store import Store
from newsprism.workers import parallel_map

log = logging.getLogger(__name__)

NS_ARTICLE = "pipeline.article"        # article id -> {"hash", "story"}
NS_STATE = "pipeline.state"            # "df" -> document frequencies; "merged" -> {loser: winner}; "running"
NS_SIGNATURE = "index.minhash"         # article id -> MinHash signature bytes
NS_DIRTY = "pipeline.dirty_story"      # story id -> "1" while its findings are stale
NS_VECTOR = "index.vector"             # article id -> semantic vector bytes (float32, SemanticIndex)
CHUNK = 256
ANALYSIS_BATCH = 16                    # articles a worker parses in one spaCy batch
# A worker costs a few seconds to start (imports, spaCy): one per this many articles at most. Findings stay in
# this process: MiniLM, most of their time, already runs on every core there.
ARTICLES_PER_PROCESS = 64
MAX_PARAPHRASE_STORY = 40              # larger stories: paraphrase checks via MinHash/semantic candidates only
SEMANTIC_NEIGHBOURS = 8                # nearest indexed articles per new one: copy candidates across stories
SEMANTIC_FLOOR = 0.2                   # projected TF-IDF cosine a semantic neighbour needs to be a candidate


def process_articles(store: Store, settings: Settings, article_ids: list[str],
                     progress: Callable[[str, int, int], None] | None = None, with_findings: bool = True,
                     with_analysis: bool = True) -> None:
    """Bring stories, copies and findings up to date for `article_ids` (new or changed articles).

    Args:
        store: the store holding the articles (and receiving analyses, stories, reuse, findings, index state).
        settings: `settings.cluster` drives clustering and copy detection; `settings.jobs` the processes that
            analyze many new articles (spawned: a script calling this guards its entry point with
            `if __name__ == "__main__":`).
        article_ids: ids just stored by ingest; unchanged ones (same content hash as last time) are skipped. The
            work an interrupted earlier run left is finished too, even with no ids.
        progress: optional `(stage, done, total)` callback (the CLI draws a rich progress bar with it).
        with_findings / with_analysis: benchmarks can time clustering alone.
    Example:
        >>> process_articles(store, load_settings(), ["a1", "a2"])  # doctest: +SKIP
    """
    if not article_ids and not unfinished(store):
        return
    with _progress_bar(progress) as report:
        _process(store, settings, article_ids, report, with_findings, with_analysis)


def _process(store: Store, settings: Settings, article_ids: list[str], report: Callable[[str, int, int], None],
             with_findings: bool, with_analysis: bool) -> None:
    ids = list(dict.fromkeys(article_ids)) + _interrupted(store, article_ids)
    known = _known_states(store)
    articles = [a for a in (store.get_article(i) for i in dict.fromkeys(ids)) if a is not None]
    todo = [a for a in articles if known.get(a.id, {}).get("hash") != a.content_hash]
    if todo:
        store.put_value(NS_STATE, "running", "1")
        if with_analysis:
            _analyze(store, settings, todo, report)
        clusterer, lsh = _restore(store, settings, known, todo)
        semantic = restore_semantic(store, clusterer.tfidf)
        for start in range(0, len(todo), CHUNK):
            chunk = todo[start : start + CHUNK]
            _process_chunk(store, settings, chunk, clusterer, lsh, known, semantic)
            report("stories", min(start + CHUNK, len(todo)), len(todo))
        with store.transaction():
            store.put_value(NS_STATE, "semantic", semantic.index.state())  # snapshot: no graph rebuild next run
            store.put_value(NS_STATE, "semantic_stale", "")
            store.put_value(NS_STATE, "running", "")
    if with_findings:
        refresh_findings(store, settings, report)


@contextmanager
def _progress_bar(progress: Callable[[str, int, int], None] | None) -> Iterator[Callable[[str, int, int], None]]:
    """The caller's progress callback, else a rich bar on an interactive stderr, else nothing."""
    if progress is not None or not sys.stderr.isatty():
        yield progress or (lambda stage, done, total: None)
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        tasks: dict[str, object] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield report


def _process_chunk(store: Store, settings: Settings, chunk: list[Article], clusterer: StoryClusterer,
                   lsh: MinHashLSH, known: dict[str, dict], semantic: SemanticIndex | None = None) -> None:
    """One committed unit of work: story assignment, copies, and the kv state for `chunk`.

    With `semantic`, the chunk's articles are also indexed as cheap vectors, and their nearest indexed articles
    (any story, any time) become copy candidates: a spun copy filed under another story is still checked.
    """
    for article in chunk:
        if article.id in clusterer.story_of:
            clusterer.forget(article.id)
    before = {i: clusterer.story(i) for i in clusterer.story_of}
    assigned = clusterer.add_articles(chunk)
    moved = {i: s for i, s in ((i, clusterer.story(i)) for i in before) if before[i] != s}
    signatures = lsh.signatures([a.text for a in chunk])
    copy_candidates: set[tuple[str, str]] = set()
    for article, others in zip(chunk, lsh.query_many(signatures), strict=True):
        copy_candidates.update(tuple(sorted((article.id, other))) for other in others if other != article.id)
    within = MinHashLSH(lsh.threshold, lsh.num_perm, lsh.seed, lsh.shingle, (lsh.bands, lsh.rows))
    within.insert_many([a.id for a in chunk], signatures)
    copy_candidates |= within.candidate_pairs()
    lsh.insert_many([a.id for a in chunk], signatures)
    vectors = None
    if semantic is not None:
        vectors = semantic.embed([_semantic_text(a) for a in chunk])
        semantic.add([a.id for a in chunk], vectors)  # first, so neighbours within the chunk are found too
        copy_candidates |= semantic_candidates(semantic, [a.id for a in chunk], vectors)
    for article_id, story_id in {**assigned, **moved}.items():
        known.setdefault(article_id, {})["story"] = story_id
    for article in chunk:
        known[article.id]["hash"] = article.content_hash
    dirty = {s for s in assigned.values()} | set(moved.values()) | {before[i] for i in moved}
    members = _members(known)
    copy_candidates |= _same_story_pairs(members, dirty, {a.id for a in chunk})
    links = _copies(store, settings, copy_candidates)
    with store.transaction():
        for story_id in dirty:
            ids = members.get(story_id, [])
            if ids:
                store.put_story(_story(store, story_id, ids))
            else:
                store.delete_story(story_id)
        store.put_reuse(links)
        store.put_values(NS_SIGNATURE, [(a.id, s.tobytes()) for a, s in zip(chunk, signatures, strict=True)])
        if vectors is not None:
            store.put_values(NS_VECTOR, [(a.id, v.tobytes()) for a, v in zip(chunk, vectors, strict=True)])
            store.put_value(NS_STATE, "semantic_stale", "1")
        store.put_values(NS_ARTICLE, [(i, json.dumps(known[i])) for i in {**assigned, **moved}])
        store.put_values(NS_DIRTY, [(s, "1") for s in dirty if members.get(s)])
        store.put_value(NS_STATE, "df", clusterer.tfidf.state())
        store.put_value(NS_STATE, "merged", json.dumps(clusterer.merged_into))


def adopt_stories(store: Store, settings: Settings) -> int:
    """Make stories made elsewhere (a Spark run's tables loaded into the store) part of the local index state,
    so the next local run extends them: later articles can join those stories and be checked as their copies.

    Writes what `process_articles` would have left for those articles: story membership and content hash,
    document frequencies, MinHash signatures and semantic vectors. Articles already known are left alone, so
    adopting twice is a no-op. Returns the number of articles adopted.
    """
    cfg = settings.cluster
    known = _known_states(store)
    story_of = {a: s.id for s in store.iter_stories() for a in s.article_ids}
    clusterer = StoryClusterer(cfg)
    df = store.get_value(NS_STATE, "df")
    if isinstance(df, bytes):
        clusterer.tfidf.load(df)
    lsh = MinHashLSH(cfg.minhash_threshold, cfg.minhash_perm, shingle=cfg.shingle_words)
    semantic = SemanticIndex(clusterer.tfidf)

    def pending() -> Iterator[list[Article]]:
        for batch in store.iter_articles(CHUNK):
            fresh = [a for a in batch if a.id in story_of and known.get(a.id, {}).get("hash") != a.content_hash]
            if fresh:
                yield fresh

    adopted = 0
    with store.transaction():  # all or nothing: an interrupted adoption leaves no half-counted frequencies
        for chunk in pending():  # frequencies first: vectors are weighed with the whole corpus's
            clusterer.observe(chunk)
        for chunk in pending():
            signatures = lsh.signatures([a.text for a in chunk])
            vectors = semantic.embed([_semantic_text(a) for a in chunk])
            store.put_values(NS_SIGNATURE, [(a.id, s.tobytes()) for a, s in zip(chunk, signatures, strict=True)])
            store.put_values(NS_VECTOR, [(a.id, v.tobytes()) for a, v in zip(chunk, vectors, strict=True)])
            store.put_values(NS_ARTICLE, [(a.id, json.dumps({"story": story_of[a.id], "hash": a.content_hash}))
                                          for a in chunk])
            adopted += len(chunk)
        if adopted:
            store.put_value(NS_STATE, "df", clusterer.tfidf.state())
            store.put_value(NS_STATE, "semantic_stale", "1")
    return adopted


def semantic_candidates(semantic: SemanticIndex, keys: list[str], vectors: np.ndarray, k: int | None = None,
                        floor: float | None = None) -> set[tuple[str, str]]:
    """(smaller id, larger id) pairs of each article with its `k` nearest indexed articles at or above `floor`.

    Defaults: `SEMANTIC_NEIGHBOURS` and `SEMANTIC_FLOOR` (read at call time).
    """
    k = SEMANTIC_NEIGHBOURS if k is None else k
    floor = SEMANTIC_FLOOR if floor is None else floor
    pairs: set[tuple[str, str]] = set()
    for key, hits in zip(keys, semantic.neighbours(vectors, k + 1, floor), strict=True):
        pairs.update((min(key, other), max(key, other)) for other, _ in hits if other != key)
    return pairs


def restore_semantic(store: Store, tfidf: HashedTfidf) -> SemanticIndex:
    """The semantic index as the last run left it: its snapshot, else rebuilt from the stored vectors."""
    semantic = SemanticIndex(tfidf)
    snapshot = store.get_value(NS_STATE, "semantic")
    if isinstance(snapshot, bytes) and store.get_value(NS_STATE, "semantic_stale") != "1":
        try:
            semantic.index = VectorIndex.from_state(snapshot)
            return semantic
        except Exception as error:  # a snapshot of another hnswlib version: rebuild below
            log.warning("semantic index snapshot unreadable (%s); rebuilding from stored vectors", error)
    stored = [(k, np.frombuffer(v, dtype=np.float32)) for k, v in store.iter_values(NS_VECTOR) if isinstance(v, bytes)]
    stored = [(k, v) for k, v in stored if len(v) == semantic.dim]
    if stored:
        semantic.add([k for k, _ in stored], np.stack([v for _, v in stored]))
    return semantic


def similar_articles(store: Store, article_id: str, k: int = 10) -> list[tuple[str, float]]:
    """The `k` stored articles nearest to `article_id` in the semantic index (id, cosine), best first."""
    vector = store.get_value(NS_VECTOR, article_id)
    if not isinstance(vector, bytes):
        return []
    df = store.get_value(NS_STATE, "df")
    tfidf = HashedTfidf()
    if isinstance(df, bytes):
        tfidf.load(df)
    semantic = restore_semantic(store, tfidf)
    (hits,) = semantic.neighbours(np.frombuffer(vector, dtype=np.float32)[np.newaxis, :], k + 1)
    return [(other, round(sim, 4)) for other, sim in hits if other != article_id][:k]


def _semantic_text(article: Article) -> str:
    return f"{article.title}\n{article.text}" if article.title else article.text


def refresh_findings(store: Store, settings: Settings, report: Callable[[str, int, int], None]) -> None:
    """Recompute findings of every story marked stale, then clear the mark (resumable)."""
    dirty = [key for key, value in store.iter_values(NS_DIRTY) if value == "1"]
    for done, story_id in enumerate(dirty, start=1):
        story = store.get_story(story_id)
        if story is not None and len(story.article_ids) > 1:
            analyses = [a for a in (store.get_analysis(i) for i in story.article_ids) if a is not None]
            if len(analyses) > 1:
                findings = _compare(analyses, settings, store)
                for finding in findings:
                    finding.story_id = story_id
                store.put_findings(story_id, findings)
        elif story is not None:
            store.put_findings(story_id, [])
        store.put_value(NS_DIRTY, story_id, "")
        report("findings", done, len(dirty))


def _compare(analyses: list[Analysis], settings: Settings, store: Store) -> list:
    from newsprism.analyze.resolve import resolve_entities
    from newsprism.compare import compare_articles

    entities = resolve_entities(analyses)
    store.put_entities(entities)
    return compare_articles(analyses, entities, settings).findings


def _analyze(store: Store, settings: Settings, articles: list[Article], report: Callable[[str, int, int], None]) -> None:
    """Analyze (spaCy + components) the articles whose stored analysis is missing or stale, each stored as it
    comes (resumable), in worker processes (`settings.jobs`) when there are many."""
    missing = [a for a in articles if store.get_analysis(a.id) is None]
    batches = [missing[i : i + ANALYSIS_BATCH] for i in range(0, len(missing), ANALYSIS_BATCH)]
    analyzed = parallel_map(functools.partial(_analyses, settings=settings), batches, jobs=settings.jobs,
                            min_per_process=max(1, ARTICLES_PER_PROCESS // ANALYSIS_BATCH),
                            uses_torch=settings.analyze.quote_encoder)
    done = 0
    for batch in analyzed:
        for analysis in batch:
            store.put_analysis(analysis)
        done += len(batch)
        report("analysis", done, len(missing))


def _analyses(articles: list[Article], settings: Settings) -> list[Analysis]:
    from newsprism.analyze import analyze_articles

    return list(analyze_articles(articles, settings))


def _restore(store: Store, settings: Settings, known: dict[str, dict],
             todo: list[Article]) -> tuple[StoryClusterer, MinHashLSH]:
    """The clusterer and LSH index as the last run left them (articles of the window before the new ones)."""
    cfg = settings.cluster
    clusterer = StoryClusterer(cfg)
    df = store.get_value(NS_STATE, "df")
    if isinstance(df, bytes):
        clusterer.tfidf.load(df)
    merged = store.get_value(NS_STATE, "merged")
    if merged:
        clusterer.merged_into.update(json.loads(merged))
    stamps = [to_utc(a.published).timestamp() for a in todo if a.published is not None]
    window = cfg.window_days * 86400.0
    earliest, latest = (min(stamps) - window, max(stamps) + window) if stamps else (None, None)
    previous = []
    for article_id, state in known.items():
        if "story" not in state:
            continue
        article = store.get_article(article_id)
        if article is None:
            continue
        stamp = to_utc(article.published).timestamp() if article.published else None
        if stamp is None or earliest is None or earliest <= stamp <= latest:
            previous.append((article, state["story"]))
        else:
            clusterer.story_of[article_id] = state["story"]
    clusterer.restore(previous)
    lsh = MinHashLSH(cfg.minhash_threshold, cfg.minhash_perm, shingle=cfg.shingle_words)
    stored = [(k, np.frombuffer(v, dtype=np.uint64)) for k, v in store.iter_values(NS_SIGNATURE) if isinstance(v, bytes)]
    if stored:
        lsh.insert_many([k for k, _ in stored], np.stack([v for _, v in stored]))
    return clusterer, lsh


def _known_states(store: Store) -> dict[str, dict]:
    return {key: json.loads(value) for key, value in store.iter_values(NS_ARTICLE)}


def unfinished(store: Store) -> bool:
    """An earlier run was interrupted before it finished: articles to analyze or cluster, or stale findings."""
    return store.get_value(NS_STATE, "running") == "1" or any(v == "1" for _, v in store.iter_values(NS_DIRTY))


def _interrupted(store: Store, article_ids: Iterable[str]) -> list[str]:
    """Stored articles a previous, interrupted run never finished (only scanned after an interruption)."""
    if store.get_value(NS_STATE, "running") != "1":
        return []
    known = _known_states(store)
    asked = set(article_ids)
    return [a.id for batch in store.iter_articles() for a in batch if a.id not in known and a.id not in asked]


def _members(known: dict[str, dict]) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {}
    for article_id, state in known.items():
        if "story" in state:
            members.setdefault(state["story"], []).append(article_id)
    return members


def _same_story_pairs(members: dict[str, list[str]], stories: set[str], new: set[str]) -> set[tuple[str, str]]:
    """Pairs inside changed stories that involve a new article (paraphrase candidates)."""
    pairs: set[tuple[str, str]] = set()
    for story_id in stories:
        ids = sorted(members.get(story_id, []))
        if len(ids) > MAX_PARAPHRASE_STORY:
            continue
        pairs.update((x, y) for x, y in combinations(ids, 2) if x in new or y in new)
    return pairs


def _copies(store: Store, settings: Settings, pairs: set[tuple[str, str]]) -> list[Reuse]:
    """Reuse links among candidate pairs (lexical first; sentence embeddings only for what is left)."""
    if not pairs:
        return []
    embed = _cached_embedder(settings.analyze.embedder) if settings.cluster.paraphrase_checks else None
    cache: dict[str, Article | None] = {}

    def article(article_id: str) -> Article | None:
        if article_id not in cache:
            cache[article_id] = store.get_article(article_id)
        return cache[article_id]

    links = []
    for x, y in sorted(pairs):
        first, second = article(x), article(y)
        if first is None or second is None:
            continue
        link = detect_reuse(first, second, settings.cluster, embed)
        if link is not None:
            links.append(link)
    return links


def _cached_embedder(name: str) -> Callable[[list[str]], np.ndarray]:
    """A sentence embedder that embeds each distinct sentence once per run (the model loads on first use)."""
    from newsprism.analyze.embed import get_embedder

    seen: dict[str, np.ndarray] = {}
    model: list = []

    def embed(texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in seen]
        if missing:
            if not model:
                model.append(get_embedder(name))
            for text, vector in zip(missing, model[0].embed(missing), strict=True):
                seen[text] = vector
        return np.stack([seen[t] for t in texts])

    return embed


def _story(store: Store, story_id: str, ids: list[str]) -> Story:
    """A Story record with its members in publication order and its time range."""
    articles = [a for a in (store.get_article(i) for i in ids) if a is not None]
    dated = sorted(to_utc(a.published) for a in articles if a.published is not None)
    articles.sort(key=lambda a: (a.published is None, to_utc(a.published) if a.published else 0, a.id))
    label = next((a.title for a in articles if a.title), "")
    return Story(story_id, [a.id for a in articles], dated[0] if dated else None, dated[-1] if dated else None,
                 label)
