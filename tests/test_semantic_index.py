"""Semantic neighbour index (projected TF-IDF in HNSW) in the pipeline: copies across stories, queries."""

from __future__ import annotations

import numpy as np
import pytest
from tests.test_copies import ORIGINAL, SPUN, UNRELATED, make
from tests.test_stories import QUAKE_NORTH, QUAKE_SOUTH

from newsprism import pipeline
from newsprism.index.vectors import HashedTfidf, SemanticIndex, VectorIndex
from newsprism.pipeline import NS_STATE, NS_VECTOR, process_articles, restore_semantic, similar_articles


def corpus():
    # the spun copy appears 18 days after its source: beyond the 7-day story window, so it opens its own story
    return QUAKE_NORTH + QUAKE_SOUTH + [make("agency", ORIGINAL, 2), make("choir", UNRELATED, 3),
                                       make("spinner", SPUN, 20)]


def story_of(store, article_id: str) -> str:
    return next(s.id for s in store.iter_stories() if article_id in s.article_ids)


@pytest.mark.parametrize("neighbours", [8, 0])
def test_spun_copy_in_another_story_is_found_only_through_semantic_neighbours(store, settings, monkeypatch,
                                                                              neighbours):
    monkeypatch.setattr(pipeline, "SEMANTIC_NEIGHBOURS", neighbours)
    articles = corpus()
    for article in articles:
        store.put_article(article)
    process_articles(store, settings, [a.id for a in articles], with_findings=False, with_analysis=False)
    assert story_of(store, "agency") != story_of(store, "spinner")
    links = {(r.source_id, r.derived_id): r.kind for r in store.iter_reuse()}
    if neighbours:
        assert links.get(("agency", "spinner")) == "paraphrase", links
    else:  # the control: same-story pairs and MinHash alone never propose this pair
        assert ("agency", "spinner") not in links


def test_similar_articles_query_and_index_survive_between_runs(store, settings):
    articles = corpus()
    for article in articles:
        store.put_article(article)
    process_articles(store, settings, [a.id for a in articles], with_findings=False, with_analysis=False)
    assert store.get_value(NS_STATE, "semantic_stale") == ""
    hits = similar_articles(store, "spinner", k=3)
    assert hits[0][0] == "agency" and len(hits) == 3
    assert similar_articles(store, "missing") == []

    # a later run adds an article; its neighbours include articles indexed by the first run (snapshot reused)
    late = make("late-spin", SPUN.replace("Thursday", "Friday"), 25)
    store.put_article(late)
    process_articles(store, settings, [late.id], with_findings=False, with_analysis=False)
    assert {k for k, _ in similar_articles(store, "late-spin", k=2)} == {"spinner", "agency"}

    # an interrupted run leaves the snapshot stale: the index is rebuilt from the stored vectors instead
    store.put_value(NS_STATE, "semantic_stale", "1")
    rebuilt = restore_semantic(store, HashedTfidf())
    assert len(rebuilt) == len(articles) + 1
    vector = np.frombuffer(store.get_value(NS_VECTOR, "spinner"), dtype=np.float32)[np.newaxis, :]
    assert rebuilt.neighbours(vector, k=2)[0][1][0] in {"agency", "late-spin"}


def test_vector_index_replaces_a_key_and_round_trips_through_bytes():
    index = VectorIndex(dim=3, capacity=2)
    index.add(["x", "y"], np.array([[1, 0, 0], [0, 1, 0]], dtype=np.float32))
    index.add(["x"], np.array([[0, 0, 1]], dtype=np.float32))  # x changed: its old vector must not be found
    assert len(index) == 2
    (hits,) = index.query(np.array([[1, 0.1, 0]], dtype=np.float32), k=2)
    assert hits[0][0] == "y"
    restored = VectorIndex.from_state(index.state())
    (again,) = restored.query(np.array([[0, 0, 1]], dtype=np.float32), k=1)
    assert again[0][0] == "x" and again[0][1] > 0.99


def test_semantic_index_skips_empty_texts_and_honours_the_floor():
    tfidf = HashedTfidf(n_features=2**12)
    texts = [ORIGINAL, SPUN, UNRELATED, ""]
    tfidf.fit_transform(texts)
    semantic = SemanticIndex(tfidf, dim=64)
    vectors = semantic.embed(texts)
    assert not vectors[3].any() and np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-5)
    semantic.add(["a", "b", "c", "empty"], vectors)
    assert len(semantic) == 3
    assert semantic.neighbours(vectors[3:], k=2) == [[]]
    assert all(sim >= 0.99 for _, sim in semantic.neighbours(vectors[:1], k=3, floor=0.99)[0])
