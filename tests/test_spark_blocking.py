"""Story blocks of the Spark run (pure Python, no Spark): clustering each block alone equals clustering all.

The blocks are the connected components of the pairs strong enough to decide a story
(`spark.stages.candidate_edges`); docs/spark.md argues why no decision crosses them. These tests check that
claim directly: the vectorized pair score against the clusterer's own, then whole-corpus clustering against
block-by-block clustering on invented articles and, when present, all PolNeAR train texts.
"""

from __future__ import annotations

import random

import numpy as np
from tests.conftest import DATA, polnear_records, require
from tests.test_stories import QUAKE_NORTH, QUAKE_SOUTH

from newsprism.cluster.stories import StoryClusterer, _pair_score, is_year, pair_scores
from newsprism.models import Article
from newsprism.settings import ClusterSettings, load_settings
from newsprism.spark import stages
from newsprism.spark.tables import article_row


def test_pair_scores_equal_the_clusterers_pair_score():
    rng = random.Random(3)
    pool = ["#2019", "#2021", "#1998", "varnholt", "brandvik", "kessel", "selbrook", "#14", "quell", "#3000"]
    cfg = ClusterSettings()
    pairs = [(frozenset(rng.sample(pool, rng.randrange(0, 6))), frozenset(rng.sample(pool, rng.randrange(0, 6))),
              rng.random() * 0.4) for _ in range(400)]
    expected = [_pair_score(cosine, a, b, cfg) for a, b, cosine in pairs]
    got = pair_scores(np.array([c for _, _, c in pairs]),
                      np.array([len(a & b) for a, b, _ in pairs]),
                      (np.array([len(a) for a, _, _ in pairs]), np.array([len(b) for _, b, _ in pairs])),
                      np.array([len({k for k in a & b if is_year(k)}) for a, b, _ in pairs]),
                      (np.array([sum(map(is_year, a)) for a, _, _ in pairs]),
                       np.array([sum(map(is_year, b)) for _, b, _ in pairs])), cfg)
    assert got.tolist() == expected
    assert any(not a or not b for a, b, _ in pairs) and any(is_year(k) for a, _, _ in pairs for k in a)


def blocks_and_whole(rows: list[dict], cfg: ClusterSettings) -> tuple[dict, dict, int]:
    """(stories clustered block by block, stories clustered over all rows at once, largest block)."""
    n_docs, df = stages.partial_frequencies((r["title"], r["text"]) for r in rows)
    for row in rows:
        row["moment"] = stages.moment(row["published"])
    edges = stages.star_edges(stages.candidate_edges(rows, rows, cfg, n_docs, df, within=True))
    block_of = {member: hub for hub, member in edges}
    blocks: dict[str, list[dict]] = {}
    for row in rows:
        blocks.setdefault(block_of.get(row["id"], row["id"]), []).append(row)
    by_block = {}
    for block in blocks.values():
        stories, _ = stages.cluster_block(block, cfg, n_docs, df)
        by_block.update({s["id"]: sorted(s["article_ids"]) for s in stories})
    clusterer = StoryClusterer(cfg, stages.N_FEATURES)
    clusterer.tfidf = stages._RunFrequencies(n_docs, df)
    articles = [stages.article_from_row(r) for r in sorted(rows, key=lambda r: r["seq"])]
    clusterer.add_articles(articles)
    whole: dict[str, list[str]] = {}
    for article in articles:
        whole.setdefault(clusterer.story(article.id), []).append(article.id)
    return by_block, {k: sorted(v) for k, v in whole.items()}, max(len(b) for b in blocks.values())


def rows_of(articles) -> list[dict]:
    return [{**article_row(a), "seq": i} for i, a in enumerate(articles)]


def test_blocks_cluster_like_the_whole_on_invented_articles():
    by_block, whole, _ = blocks_and_whole(rows_of(QUAKE_NORTH + QUAKE_SOUTH), ClusterSettings())
    assert by_block == whole
    assert len(whole) >= 2  # the two quakes stay apart


def test_blocks_cluster_like_the_whole_on_polnear():
    """All 840 train texts of 2016 (seven outlets): many multi-article stories, blocks far smaller than the corpus."""
    from newsprism.ingest import RepeatedLines, extract_article
    from newsprism.ingest.readers import jsonl_record

    root = require(DATA / "polnear")
    settings, repeated = load_settings(), RepeatedLines()
    articles = [extract_article(jsonl_record(f"polnear#{i}", record), settings, repeated)
                for i, record in enumerate(polnear_records(root, "2016-01-01", "2016-12-31"))]
    by_block, whole, largest = blocks_and_whole(rows_of(a for a in articles if isinstance(a, Article)),
                                                settings.cluster)
    assert by_block == whole
    assert sum(len(ids) > 1 for ids in whole.values()) >= 20
    print(f"{len(articles)} articles, {len(whole)} stories, largest block {largest}")
    assert largest < len(articles) / 4, f"blocks should be small, the largest holds {largest} of {len(articles)}"


def test_semantic_neighbours_do_not_depend_on_the_order_of_a_shards_rows():
    """A shard's rows arrive in partition order; its HNSW graph (and so the neighbours) must not depend on it."""
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(3000, 256)).astype(np.float32)  # the semantic index's width
    members = [{"id": f"m{i:05d}", "vector": v.tolist()} for i, v in enumerate(vectors)]
    queries = members[:200]
    shuffled = list(members)
    random.Random(9).shuffle(shuffled)
    in_order = list(stages.semantic_neighbours(queries, members, 6, -1.0))
    assert len(in_order) == 200 * 6
    assert list(stages.semantic_neighbours(queries, shuffled, 6, -1.0)) == in_order
