"""Copy detection: which article reuses which, verbatim, near-verbatim or paraphrased, and in which direction.

Candidates come cheap (MinHash LSH over word shingles, plus articles of the same story); each candidate pair is
then scored by shingle containment (lexical copies) or, failing that, by one-to-one sentence alignment of
MiniLM embeddings (a spun copy shares few n-grams but keeps the sentence-by-sentence meaning).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from newsprism.index.minhash_lsh import shingle_hashes, shingle_hashes_many
from newsprism.models import Article, Reuse, Span, to_utc
from newsprism.settings import ClusterSettings

log = logging.getLogger(__name__)

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
_MIN_SENTENCE_CHARS = 25
_CONTENT_WORD = re.compile(r"[a-z]{4,}")
_MIN_ALIGNED = 3  # fewer aligned sentences than this is coincidence, not a spun copy
Embed = Callable[[list[str]], np.ndarray]


@dataclass(slots=True)
class _Side:
    article: Article
    shingles: np.ndarray
    sentences: list[Span]


def sentence_spans(article: Article) -> list[Span]:
    """Sentence-like spans of an article's text (cheap regex split; long enough to carry a claim)."""
    spans = []
    for match in _SENTENCE.finditer(article.text):
        start, end = match.start(), match.end()
        while start < end and article.text[start].isspace():
            start += 1
        if end - start >= _MIN_SENTENCE_CHARS:
            spans.append(Span(article.id, start, end))
    return spans


def detect_reuse(first: Article, second: Article, settings: ClusterSettings, embed: Embed | None = None,
                 sentences: dict[str, list[Span]] | None = None) -> Reuse | None:
    """The reuse link between two articles, or None when neither copies the other.

    Args:
        first, second: the candidate pair, in any order.
        settings: `copy_containment` (share of one article's shingles found in the other for a lexical copy),
            `paraphrase_cosine` and `paraphrase_share` (aligned sentences / sentences of the shorter article).
        embed: sentence embedder (L2-normalized rows) for paraphrase checks; None skips them.
        sentences: optional precomputed sentence spans per article id (e.g. from the analyses).
    Returns:
        A `Reuse` with direction (source first), kind, score and aligned spans; or None.
    """
    sentences = sentences or {}
    sides = [
        _Side(a, shingle_hashes(a.text, settings.shingle_words), sentences.get(a.id) or sentence_spans(a))
        for a in (first, second)
    ]
    a, b = sides
    shared = len(np.intersect1d(a.shingles, b.shingles, assume_unique=True))
    contain_a = shared / max(1, len(a.shingles))  # share of a found in b
    contain_b = shared / max(1, len(b.shingles))
    lexical = max(contain_a, contain_b)
    if lexical >= settings.copy_containment:
        jaccard = shared / max(1, len(a.shingles) + len(b.shingles) - shared)
        kind = "verbatim" if jaccard >= 0.9 or min(contain_a, contain_b) >= 0.9 else "near-verbatim"
        source, derived = _direction(a, b, contain_a, contain_b)
        aligned = _lexical_alignment(source, derived, settings.shingle_words)
        return Reuse(source.article.id, derived.article.id, kind, round(lexical, 4), aligned)
    if embed is None or not a.sentences or not b.sentences:
        return None
    if _word_containment(a.article.text, b.article.text) < settings.paraphrase_gate:
        return None  # cheap gate before the transformer: a spun copy still keeps many of the content words
    pairs, share = _sentence_alignment(a, b, embed, settings.paraphrase_cosine)
    if share < settings.paraphrase_share or len(pairs) < _MIN_ALIGNED:
        return None
    covered_a = len(pairs) / len(a.sentences)
    covered_b = len(pairs) / len(b.sentences)
    source, derived = _direction(a, b, covered_a, covered_b)
    if source is b:
        pairs = [(y, x) for x, y in pairs]
    return Reuse(source.article.id, derived.article.id, "paraphrase", round(share, 4), pairs)


def _word_containment(text_a: str, text_b: str) -> float:
    """Share of the smaller set of content words (4+ letters) found in the other text."""
    words_a, words_b = set(_CONTENT_WORD.findall(text_a.lower())), set(_CONTENT_WORD.findall(text_b.lower()))
    if not words_a or not words_b:
        return 0.0
    return len(words_a & words_b) / min(len(words_a), len(words_b))


def _direction(a: _Side, b: _Side, contained_a: float, contained_b: float) -> tuple[_Side, _Side]:
    """(source, derived): earlier publication first; else the article holding more of the other is the source."""
    pa, pb = a.article.published, b.article.published
    if pa is not None and pb is not None and to_utc(pa) != to_utc(pb):
        return (a, b) if to_utc(pa) < to_utc(pb) else (b, a)
    # contained_x = share of x found in the other: the more-contained one is the derived one
    if abs(contained_a - contained_b) > 1e-9:
        return (b, a) if contained_a > contained_b else (a, b)
    return (a, b) if len(a.article.text) >= len(b.article.text) else (b, a)


def _sentence_alignment(a: _Side, b: _Side, embed: Embed, threshold: float) -> tuple[list[tuple[Span, Span]], float]:
    """Greedy one-to-one sentence pairs above `threshold` cosine, and their share of the shorter article."""
    texts_a = [s.text_in(a.article.text) for s in a.sentences]
    texts_b = [s.text_in(b.article.text) for s in b.sentences]
    vectors = embed(texts_a + texts_b)
    sims = vectors[: len(texts_a)] @ vectors[len(texts_a) :].T
    order = np.dstack(np.unravel_index(np.argsort(-sims, axis=None), sims.shape))[0]
    used_a, used_b, pairs = set(), set(), []
    for i, j in order:
        if sims[i, j] < threshold:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((a.sentences[i], b.sentences[j]))
    pairs.sort(key=lambda p: p[0].start)
    return pairs, len(pairs) / min(len(a.sentences), len(b.sentences))


def _lexical_alignment(source: _Side, derived: _Side, size: int) -> list[tuple[Span, Span]]:
    """Pairs of sentences that share most of their shingles (the copied passages)."""
    pairs = []
    derived_sets = list(zip(derived.sentences, _span_shingle_sets(derived, size), strict=True))
    for span, hashes in zip(source.sentences, _span_shingle_sets(source, size), strict=True):
        if not hashes:
            continue
        best, best_share = None, 0.5
        for other, other_hashes in derived_sets:
            share = len(hashes & other_hashes) / len(hashes)
            if share > best_share:
                best, best_share = other, share
        if best is not None:
            pairs.append((span, best))
    return pairs


def _span_shingle_sets(side: _Side, size: int) -> list[set[int]]:
    """Shingle-hash sets of each sentence of one side, shingled in one batch."""
    flat, offsets = shingle_hashes_many([span.text_in(side.article.text) for span in side.sentences], size)
    values = flat.tolist()
    return [set(values[offsets[i] : offsets[i + 1]]) for i in range(len(side.sentences))]
