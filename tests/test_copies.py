"""Copy detection on hand-written articles: verbatim and spun copies, with the right direction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsprism.cluster.copies import detect_reuse
from newsprism.models import Article

ORIGINAL = (
    "The regional water authority announced on Thursday that reservoir levels have fallen to their lowest point "
    "in thirty years. Officials asked households to cut garden watering to two evenings a week. Farmers in the "
    "eastern valley will receive compensation for crops lost to the drought. The authority plans to open an "
    "emergency pipeline from the northern lakes before the summer. Inspectors found that leaking mains waste "
    "almost a fifth of the treated water."
)
SPUN = (
    "Reservoirs in the region have dropped to a thirty-year low, the water authority said on Thursday. "
    "Residents have been told to limit watering their gardens to two nights each week. "
    "Growers in the eastern valley are to be compensated for harvests ruined by the dry spell. "
    "Before summer arrives, an emergency pipe from the northern lakes is expected to be opened by the authority. "
    "According to inspectors, nearly twenty percent of treated water is lost through leaky mains."
)
UNRELATED = (
    "A local choir won the national competition on Saturday with a programme of folk songs. The conductor "
    "thanked the parents who drove the singers to rehearsals every week. The prize money will pay for new robes. "
    "Next year the choir hopes to tour three neighbouring countries. Tickets for the homecoming concert sold out."
)


def make(article_id: str, text: str, day: int | None) -> Article:
    published = datetime(2031, 5, day, 8, tzinfo=UTC) if day else None
    return Article(id=article_id, text=text, published=published, outlet=article_id)


@pytest.fixture(scope="module")
def embed():
    from newsprism.analyze.embed import get_embedder

    return get_embedder("minilm").embed


def test_verbatim_copy_direction_from_publication_time(settings):
    source = make("wire", ORIGINAL, 2)
    copy = make("paper", ORIGINAL + " A spokesperson declined to comment further.", 3)
    link = detect_reuse(copy, source, settings.cluster)
    assert link is not None and (link.source_id, link.derived_id) == ("wire", "paper")
    assert link.kind in {"verbatim", "near-verbatim"} and link.score > 0.9
    assert len(link.aligned) >= 4


def test_undated_copy_direction_from_containment(settings):
    fuller = make("full", ORIGINAL, None)
    excerpt_text = ORIGINAL.split(". Farmers")[0] + ". Farmers in the eastern valley will receive compensation."
    excerpt = make("excerpt", excerpt_text, None)
    link = detect_reuse(excerpt, fuller, settings.cluster)
    assert link is not None and (link.source_id, link.derived_id) == ("full", "excerpt")


def test_spun_copy_is_a_paraphrase_with_direction(settings, embed):
    source = make("agency", ORIGINAL, 2)
    spun = make("spinner", SPUN, 4)
    assert detect_reuse(spun, source, settings.cluster) is None  # few shared n-grams: lexical check alone misses
    link = detect_reuse(spun, source, settings.cluster, embed)
    assert link is not None and link.kind == "paraphrase"
    assert (link.source_id, link.derived_id) == ("agency", "spinner")
    assert len(link.aligned) >= 3
    assert all(a.article_id == "agency" and b.article_id == "spinner" for a, b in link.aligned)


def test_unrelated_articles_are_not_copies(settings, embed):
    assert detect_reuse(make("a", ORIGINAL, 2), make("b", UNRELATED, 2), settings.cluster, embed) is None


def test_bfloat16_embeddings_keep_the_float32_similarities():
    from newsprism.analyze.embed import MiniLMEmbedder, get_embedder

    texts = [ORIGINAL, SPUN, UNRELATED, "The ferry will not run on Friday.", "The ferry will run on Friday."]
    full = get_embedder("minilm-fp32").embed(texts)
    fast = MiniLMEmbedder(bf16=True).embed(texts)
    assert get_embedder("minilm-fp32").bf16 is False
    assert abs(full @ full.T - fast @ fast.T).max() < 0.01
