"""Executor-side work of the Spark run: plain Python over rows, calling the same stage functions as the local run.

Nothing here imports pyspark, so each step can be read (and tested) as ordinary code. Models (spaCy, MiniLM,
the quote and paraphrase models) are cached per Python worker by the stage modules' own `lru_cache`s; with
`spark.python.worker.reuse` on, a worker loads each model once and keeps it across tasks.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from itertools import combinations
from pathlib import Path

import numpy as np
from scipy import sparse

from newsprism.cluster.stories import StoryClusterer, is_year, pair_scores, salient_keys
from newsprism.index.minhash_lsh import MinHashLSH
from newsprism.index.vectors import HashedTfidf
from newsprism.models import (
    Analysis,
    Article,
    Skipped,
    analysis_from_dict,
    stable_id,
    to_utc,
)
from newsprism.settings import ClusterSettings, Settings
from newsprism.spark.tables import analysis_row, article_from_row, article_row, finding_rows, quote_rows

log = logging.getLogger(__name__)

N_FEATURES = 2**18            # the story clusterer's hashed TF-IDF width (StoryClusterer's default)
RECORD_BITS = 32              # seq = file index << RECORD_BITS | record index: the local ingest order
UNDATED = -(2**62)            # bucket key of articles without a publication time
COSINE_MARGIN = 1e-6          # blocking keeps pairs slightly below the floor: extra edges are always safe
_TILE_ROWS = 2048             # rows of one sparse product when pairing a bucket


# ------------------------------------------------------------------------------------------------ ingest


def read_file_records(index: int, path: str, settings: Settings, display: str | None = None) -> Iterator[dict]:
    """Article rows (with `seq`) of one input file, read by the ingest readers; bad records are logged, skipped.

    One `RepeatedLines` per file: repeated-boilerplate removal learns an outlet's page furniture within a file.
    """
    from newsprism.ingest import RepeatedLines, extract_article
    from newsprism.ingest.readers import read_path

    repeated = RepeatedLines()
    for number, record in enumerate(read_path(Path(path), settings)):
        result = record if isinstance(record, Skipped) else extract_article(record, settings, repeated)
        if isinstance(result, Skipped):
            log.warning("skipped %s: %s", _display_ref(result.source_ref, path, display), result.reason)
            continue
        if display is not None:
            result.source_ref = result.source_ref.replace(path, display, 1)
        yield {**article_row(result), "seq": (index << RECORD_BITS) | number}


def read_blob_records(index: int, name: str, content: bytes, settings: Settings) -> Iterator[dict]:
    """Article rows of one file given as bytes (a Hadoop-compatible URI read by Spark): via a local temp copy."""
    folder = tempfile.mkdtemp(prefix="newsprism-")
    try:
        local = os.path.join(folder, os.path.basename(name.rstrip("/")) or "input")
        with open(local, "wb") as handle:
            handle.write(content)
        yield from read_file_records(index, local, settings, display=name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def read_parquet_records(rows: Iterable[dict], settings: Settings, ref: str) -> Iterator[dict]:
    """Article rows from Parquet rows shaped like JSONL records (`text` or `html`, optional metadata)."""
    from newsprism.ingest import RepeatedLines, extract_article
    from newsprism.ingest.readers import jsonl_record

    repeated = RepeatedLines()
    for row in rows:
        seq = row.pop("_seq")
        record = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items() if v is not None}
        raw = jsonl_record(f"{ref}#{seq}", record)
        result = raw if isinstance(raw, Skipped) else extract_article(raw, settings, repeated)
        if isinstance(result, Skipped):
            log.warning("skipped %s: %s", result.source_ref, result.reason)
            continue
        yield {**article_row(result), "seq": seq}


def _display_ref(ref: str, path: str, display: str | None) -> str:
    return ref.replace(path, display, 1) if display else ref


# ------------------------------------------------------------------------------------------------ analyze


def analyze_rows(rows: list[dict], settings: Settings) -> Iterator[dict]:
    """The analysis row (JSON) and quote rows of each article row, parsed in spaCy batches."""
    from newsprism.analyze import analyze_articles

    articles = [article_from_row(r) for r in rows]
    for analysis in analyze_articles(articles, settings):
        yield {**analysis_row(analysis), "quotes": quote_rows(analysis)}


# ------------------------------------------------------------------------------------------------ stories


def partial_frequencies(texts: Iterable[tuple[str, str]]) -> tuple[int, np.ndarray]:
    """(documents, document frequency per hashed term) of (title, text) pairs: one partition's share."""
    tfidf = HashedTfidf(N_FEATURES)
    docs = [_document(title, text) for title, text in texts]
    if docs:
        tfidf.observe(tfidf.counts(docs))
    return tfidf.n_docs, tfidf.df


class _RunFrequencies(HashedTfidf):
    """Document frequencies fixed to the whole run's: a block's clusterer weighs terms as the local run does."""

    def __init__(self, n_docs: int, df: np.ndarray) -> None:
        super().__init__(N_FEATURES)
        self._run = (n_docs, df)

    def observe(self, counts: sparse.csr_matrix) -> None:
        self.n_docs, self.df = self._run[0], self._run[1].copy()


def moment(published: str | None) -> float | None:
    """Publication time as the clusterer sees it (UTC seconds), None when unknown."""
    from newsprism.models import parse_datetime

    value = parse_datetime(published)
    return to_utc(value).timestamp() if value is not None else None


def bucket_of(stamp: float | None, cfg: ClusterSettings) -> int:
    """Time bucket `window_days` wide: articles close enough to be compared are in one or adjacent buckets."""
    return UNDATED if stamp is None else int(stamp // (cfg.window_days * 86400.0))


def candidate_edges(home: list[dict], others: list[dict], cfg: ClusterSettings, n_docs: int,
                    df: np.ndarray, within: bool) -> Iterator[tuple[str, str]]:
    """Pairs (home article, other article) strong enough to put both in one story: inside the time window,
    TF-IDF cosine at least the candidate floor under the run's document frequencies, and pair score (cosine
    adjusted by shared names, `stories.pair_scores`) at least the lower of the story and merge thresholds,
    each less a small margin. Weaker pairs are scored by the clusterer but can never decide a story (see
    docs/spark.md), so they do not link blocks.

    `within`: `others` is `home` itself (upper triangle only). Rows are `{"id", "title", "text", "moment"}`.
    """
    if not home or not others:
        return
    tfidf = HashedTfidf(N_FEATURES)
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    left = _unit_rows(tfidf.counts([_document(r["title"], r["text"]) for r in home]), idf)
    right = left if within else _unit_rows(tfidf.counts([_document(r["title"], r["text"]) for r in others]), idf)
    keys_l, years_l, keys_r, years_r = _key_matrices(home, None if within else others)
    if within:
        keys_r, years_r = keys_l, years_l
    sizes = (np.diff(keys_l.indptr), np.diff(keys_r.indptr))
    year_sizes = (np.diff(years_l.indptr), np.diff(years_r.indptr))
    window = cfg.window_days * 86400.0
    floor = cfg.candidate_floor - COSINE_MARGIN
    decisive = min(cfg.story_threshold, cfg.merge_threshold) - COSINE_MARGIN
    times_l = np.array([np.nan if r["moment"] is None else r["moment"] for r in home])
    times_r = times_l if within else np.array([np.nan if r["moment"] is None else r["moment"] for r in others])
    right_t, keys_rt, years_rt = right.T.tocsc(), keys_r.T.tocsc(), years_r.T.tocsc()
    for start in range(0, left.shape[0], _TILE_ROWS):
        stop = start + _TILE_ROWS
        product = (left[start:stop] @ right_t).tocoo()
        rows, cols = product.row + start, product.col
        keep = product.data >= floor
        if within:
            keep &= cols > rows
        gap = np.abs(times_l[rows] - times_r[cols])
        keep &= np.isnan(gap) | (gap <= window)
        rows, cols, cosine = rows[keep], cols[keep], product.data[keep]
        if decisive > 0 and len(rows):  # a threshold <= 0 would let any scored pair decide: keep them all
            shared = _values_at((keys_l[start:stop] @ keys_rt).tocsr(), rows - start, cols)
            shared_years = _values_at((years_l[start:stop] @ years_rt).tocsr(), rows - start, cols)
            scores = pair_scores(cosine, shared, (sizes[0][rows], sizes[1][cols]), shared_years,
                                 (year_sizes[0][rows], year_sizes[1][cols]), cfg)
            strong = scores >= decisive
            rows, cols = rows[strong], cols[strong]
        for i, j in zip(rows, cols, strict=True):
            yield home[i]["id"], others[j]["id"]


def _key_matrices(home: list[dict], others: list[dict] | None) -> tuple[sparse.csr_matrix, ...]:
    """Binary article x salient-key matrices (all keys, years only) of `home` and `others` (or None), over
    one vocabulary: their products count the keys two articles share."""
    vocabulary: dict[str, int] = {}
    matrices = []
    for rows in (home, others or []):
        keysets = [salient_keys(f"{r['title'] or ''}. {r['text'] or ''}") for r in rows]
        for is_wanted in (lambda key: True, is_year):
            indices = [[vocabulary.setdefault(k, len(vocabulary)) for k in keys if is_wanted(k)] for keys in keysets]
            matrices.append(indices)
    shape_width = max(len(vocabulary), 1)
    out = []
    for indices in matrices:
        indptr = np.cumsum([0] + [len(i) for i in indices])
        flat = np.fromiter((k for i in indices for k in i), dtype=np.int64, count=int(indptr[-1]))
        out.append(sparse.csr_matrix((np.ones(len(flat)), flat, indptr), shape=(len(indices), shape_width)))
    return tuple(out)


def _values_at(matrix: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """matrix[rows[k], cols[k]] for every k (zero where nothing is stored)."""
    return np.asarray(matrix[rows, cols]).ravel()


def star_edges(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """One star per connected component of `pairs`: (smallest id, member) for every other member.

    Same components as the pairs, but at most one edge per article instead of one per pair: at a low
    candidate floor most pairs of a time bucket qualify, and millions of pair edges overflowed the JVM heap
    in the global connected-components rounds. Union-find with path halving, in one task's memory.
    """
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the root is always its component's smallest id
    return [(root(node), node) for node in parent if root(node) != node]


def _unit_rows(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    weighted = counts.multiply(idf[np.newaxis, :]).tocsr()
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (sparse.diags(1.0 / norms) @ weighted).tocsr()


def cluster_block(rows: list[dict], cfg: ClusterSettings, n_docs: int, df: np.ndarray) -> tuple[list[dict], list[dict]]:
    """Run the local story clusterer over one block (articles linked by candidate edges), in publication order.

    `rows` are article rows with `seq`. Ties in publication time keep the local ingest order (`seq`), as the
    local clusterer's stable sort does. Returns (story rows, same-story candidate pairs for copy detection).
    """
    from newsprism.pipeline import MAX_PARAPHRASE_STORY, _story

    rows = sorted(rows, key=lambda r: r["seq"])
    articles = [article_from_row(r) for r in rows]
    if len(articles) == 1:
        assigned = {articles[0].id: stable_id("story", articles[0].id)}
    else:
        clusterer = StoryClusterer(cfg, N_FEATURES)
        clusterer.tfidf = _RunFrequencies(n_docs, df)
        assigned = clusterer.add_articles(articles)
    members: dict[str, list[str]] = {}
    for article in articles:
        members.setdefault(assigned[article.id], []).append(article.id)
    lookup = _Articles({a.id: a for a in articles})
    stories, pairs = [], []
    for story_id, ids in members.items():
        story = _story(lookup, story_id, ids)
        stories.append({"id": story.id, "label": story.label,
                        "first_seen": story.first_seen.isoformat() if story.first_seen else None,
                        "last_seen": story.last_seen.isoformat() if story.last_seen else None,
                        "article_ids": list(story.article_ids)})
        if len(ids) <= MAX_PARAPHRASE_STORY:
            pairs += [{"a": x, "b": y} for x, y in combinations(sorted(ids), 2)]
    return stories, pairs


class _Articles:
    """The one store method `pipeline._story` needs, over a block's articles (so stories are built identically)."""

    def __init__(self, articles: dict[str, Article]) -> None:
        self._articles = articles

    def get_article(self, article_id: str) -> Article | None:
        return self._articles.get(article_id)


def _document(title: str | None, text: str) -> str:
    """The clusterer's document text (title counted twice), as `cluster.stories._document` builds it."""
    from newsprism.cluster.stories import _document as document

    return document(Article(id="", text=text or "", title=title or ""))


# ------------------------------------------------------------------------------------------------ copies


def band_rows(rows: list[dict], cfg: ClusterSettings) -> Iterator[dict]:
    """(article id, band, 64-bit band key) of each article: the LSH banding the local index uses."""
    lsh = MinHashLSH(cfg.minhash_threshold, cfg.minhash_perm, shingle=cfg.shingle_words)
    if not rows:
        return
    keys = lsh.band_keys(lsh.signatures([r["text"] for r in rows])).view(np.int64)
    for row, row_keys in zip(rows, keys, strict=True):
        for band, key in enumerate(row_keys):
            yield {"id": row["id"], "band": band, "key": int(key)}


def semantic_vectors(rows: list[dict], n_docs: int, df: np.ndarray) -> Iterator[dict]:
    """The local semantic index's vector of each article (projected TF-IDF under the run's frequencies).

    All-zero vectors (no words) are left out, as `SemanticIndex.add` leaves them out of the index.
    """
    from newsprism.index.vectors import SemanticIndex
    from newsprism.pipeline import _semantic_text

    if not rows:
        return
    tfidf = HashedTfidf(N_FEATURES)
    tfidf.n_docs, tfidf.df = n_docs, df
    vectors = SemanticIndex(tfidf).embed([_semantic_text(article_from_row(r)) for r in rows])
    for row, vector in zip(rows, vectors, strict=True):
        if vector.any():
            yield {"id": row["id"], "vector": vector.tolist()}


def semantic_neighbours(queries: list[dict], members: list[dict], k: int, floor: float) -> Iterator[dict]:
    """Each query's `k` nearest members (HNSW, as the local semantic index) at or above `floor`.

    One shard of the corpus is indexed per task; a query's neighbours over the whole corpus are the best `k`
    of its neighbours in every shard (merged by the caller).
    """
    from newsprism.index.vectors import SemanticIndex

    if not queries or not members:
        return
    index = SemanticIndex(HashedTfidf(8))
    members = sorted(members, key=lambda m: m["id"])  # the same graph however the shard's rows were partitioned
    index.add([m["id"] for m in members], np.array([m["vector"] for m in members], dtype=np.float32))
    vectors = np.array([q["vector"] for q in queries], dtype=np.float32)
    for query, hits in zip(queries, index.neighbours(vectors, k, floor), strict=True):
        for other, similarity in hits:
            yield {"id": query["id"], "other": other, "similarity": float(similarity)}


def band_pairs(ids: list[str]) -> Iterator[tuple[str, str]]:
    """Every (smaller, larger) id pair of one band bucket."""
    yield from combinations(sorted(set(ids)), 2)


def reuse_rows(pairs: Iterable[tuple[dict, dict]], settings: Settings) -> Iterator[dict]:
    """Reuse links of candidate pairs (article rows, smaller id first), by the local copy detector."""
    from newsprism.cluster.copies import detect_reuse
    from newsprism.pipeline import _cached_embedder
    from newsprism.spark.tables import reuse_row

    embed = _cached_embedder(settings.analyze.embedder) if settings.cluster.paraphrase_checks else None
    for first, second in pairs:
        link = detect_reuse(article_from_row(first), article_from_row(second), settings.cluster, embed)
        if link is not None:
            yield reuse_row(link)


# ------------------------------------------------------------------------------------------------ findings


def story_findings(story_id: str, analyses_json: list[str], settings: Settings) -> tuple[list[dict], list[dict]]:
    """Findings rows and entity rows of one story, from its members' analyses in story order."""
    from newsprism.analyze.resolve import resolve_entities
    from newsprism.compare import compare_articles
    from newsprism.spark.tables import entity_row

    analyses: list[Analysis] = [analysis_from_dict(json.loads(d)) for d in analyses_json]
    if len(analyses) < 2:
        return [], []
    entities = resolve_entities(analyses)
    findings = compare_articles(analyses, entities, settings).findings
    for finding in findings:
        finding.story_id = story_id
    return finding_rows(story_id, findings), [entity_row(e) for e in entities]
