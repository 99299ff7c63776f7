"""Align units across articles: embedding cosine plus lexical overlap, per article pair.

Quote pieces align only with pieces of a compatible speaker and may align many-to-one (a quote split in two
in one outlet, merged in another): each piece links to its best partner above the threshold, in both directions.
Narrative sentences align one-to-one per article pair (Hungarian assignment over the threshold).
Linked units are joined transitively into groups; a quote group becomes one `Statement`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from newsprism.compare.units import Unit, content_words, lexical_overlap

log = logging.getLogger(__name__)

COSINE_WEIGHT = 0.65            # the rest of the score is lexical overlap (Dice of content words)
UNKNOWN_SPEAKER_MARGIN = 0.1    # a quote without a speaker must clear the threshold by this much
SAME_SPEAKER = 0.8              # names_match score from which two speaker names are one person
MARKED_SPEECH_BONUS = 0.12      # quotation-marked pieces of one known speaker: translations and rewordings

NameMatcher = Callable[[str, str], float]


@dataclass(slots=True)
class Alignment:
    """Linked unit pairs (by unit index) with their scores, for every article pair."""

    links: dict[tuple[int, int], float] = field(default_factory=dict)

    def add(self, a: int, b: int, score: float) -> None:
        key = _link_key(a, b)
        self.links[key] = max(score, self.links.get(key, 0.0))

    def score(self, a: int, b: int) -> float:
        """The link score of two units, 0 when they are not linked."""
        return self.links.get(_link_key(a, b), 0.0)

    def without(self, pairs: list[tuple[int, int]]) -> Alignment:
        """A copy without the links between these unit pairs."""
        dropped = {_link_key(a, b) for a, b in pairs}
        return Alignment({key: score for key, score in self.links.items() if key not in dropped})

    def partners(self) -> dict[int, set[int]]:
        """Unit index -> indexes of units linked to it."""
        out: dict[int, set[int]] = {}
        for a, b in self.links:
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
        return out


def _link_key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def similarity_matrix(units_a: list[Unit], units_b: list[Unit], vectors: np.ndarray) -> np.ndarray:
    """Blend of embedding cosine and lexical overlap for every pair of units."""
    if not units_a or not units_b:
        return np.zeros((len(units_a), len(units_b)), dtype=np.float32)
    cosine = vectors[[u.index for u in units_a]] @ vectors[[u.index for u in units_b]].T
    words_a = [content_words(u.text) for u in units_a]
    words_b = [content_words(u.text) for u in units_b]
    lexical = np.array([[lexical_overlap(wa, wb) for wb in words_b] for wa in words_a], dtype=np.float32)
    return COSINE_WEIGHT * np.clip(cosine, 0.0, 1.0) + (1.0 - COSINE_WEIGHT) * lexical


def speakers_compatible(a: str | None, b: str | None, same_name: NameMatcher | None) -> bool:
    """Two quote speakers can be the same person (None: unknown, decided by the score margin)."""
    if a is None or b is None or a == b:
        return True
    return same_name is not None and same_name(a, b) >= SAME_SPEAKER


def align_units(
    units: list[Unit], vectors: np.ndarray, n_articles: int, threshold: float, same_name: NameMatcher | None = None
) -> Alignment:
    """Links between units of every pair of articles."""
    alignment = Alignment()
    by_article: dict[tuple[int, str], list[Unit]] = {}
    for unit in units:
        by_article.setdefault((unit.article, unit.kind), []).append(unit)
    for i in range(n_articles):
        for j in range(i + 1, n_articles):
            _link_quotes(by_article.get((i, "quote"), []), by_article.get((j, "quote"), []), vectors, threshold,
                         same_name, alignment)
            _link_sentences(by_article.get((i, "sentence"), []), by_article.get((j, "sentence"), []), vectors,
                            threshold, alignment)
    return alignment


def _link_quotes(
    units_a: list[Unit], units_b: list[Unit], vectors: np.ndarray, threshold: float,
    same_name: NameMatcher | None, alignment: Alignment,
) -> None:
    """Best partner above threshold in both directions, among pieces of compatible speakers."""
    scores = similarity_matrix(units_a, units_b, vectors)
    if scores.size == 0:
        return
    needed = np.full(scores.shape, threshold, dtype=np.float32)
    compatible: dict[tuple[str | None, str | None], bool] = {}  # a long article repeats few speakers many times
    for r, ua in enumerate(units_a):
        for c, ub in enumerate(units_b):
            sa, sb = ua.quote.speaker, ub.quote.speaker
            if (sa, sb) not in compatible:
                compatible[sa, sb] = speakers_compatible(sa, sb, same_name)
            if not compatible[sa, sb]:
                needed[r, c] = np.inf
            elif sa is None or sb is None:
                needed[r, c] = threshold + UNKNOWN_SPEAKER_MARGIN
            elif ua.marked and ub.marked:
                needed[r, c] = threshold - MARKED_SPEECH_BONUS
    passing = np.where(scores >= needed, scores, -1.0)
    for r in range(len(units_a)):
        c = int(np.argmax(passing[r]))
        if passing[r, c] > 0:
            alignment.add(units_a[r].index, units_b[c].index, float(passing[r, c]))
    for c in range(len(units_b)):
        r = int(np.argmax(passing[:, c]))
        if passing[r, c] > 0:
            alignment.add(units_a[r].index, units_b[c].index, float(passing[r, c]))


def _link_sentences(
    units_a: list[Unit], units_b: list[Unit], vectors: np.ndarray, threshold: float, alignment: Alignment
) -> None:
    """One-to-one assignment maximizing the total score, keeping pairs above threshold."""
    scores = similarity_matrix(units_a, units_b, vectors)
    if scores.size == 0:
        return
    rows, cols = linear_sum_assignment(-scores)
    for r, c in zip(rows, cols, strict=True):
        if scores[r, c] >= threshold:
            alignment.add(units_a[r].index, units_b[c].index, float(scores[r, c]))


def unit_groups(units: list[Unit], alignment: Alignment) -> list[list[Unit]]:
    """Connected groups of linked units, singletons included.

    Pieces of one quote always share a group, and quote groups may hold several pieces per article (split or
    merged quotes). Narrative sentences join greedily, best link first, and never two of one article in a group.
    """
    parent = list(range(len(units)))
    articles = [{u.article} for u in units]

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            keep, drop = min(ra, rb), max(ra, rb)
            parent[drop] = keep
            articles[keep] |= articles[drop]

    first_piece: dict[str, int] = {}
    for unit in units:
        if unit.quote is not None:
            union(unit.index, first_piece.setdefault(unit.quote.id + unit.span.article_id, unit.index))
    for (a, b), _score in sorted(alignment.links.items(), key=lambda item: -item[1]):
        if units[a].kind == "sentence" and articles[find(a)] & articles[find(b)]:
            continue
        union(a, b)
    groups: dict[int, list[Unit]] = {}
    for unit in units:
        groups.setdefault(find(unit.index), []).append(unit)
    return list(groups.values())


__all__ = ["Alignment", "align_units", "similarity_matrix", "speakers_compatible", "unit_groups"]
