"""Online story clustering: each article, in publication order, joins the best open story or opens one.

Score of an article against an earlier article = TF-IDF cosine of their texts (title counted twice), raised by
shared names and numbers and lowered when their salient names are disjoint (similar but distinct events: two
different earthquakes share words like "quake" and "magnitude" but not places or numbers). A story's score is
its best member's. Candidates are earlier articles within `window_days` whose cosine clears a cheap floor.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from scipy import sparse

from newsprism.index.vectors import HashedTfidf
from newsprism.models import Article, stable_id, to_utc
from newsprism.settings import ClusterSettings

log = logging.getLogger(__name__)

_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?:[-'][A-Za-z]+)?(?:\s+[A-Z][a-z]+)*)")
_NUMBER = re.compile(r"\b\d[\d,.]*\d\b|\b\d\b")
_COMMON_CAPS_TEXT = (
    "The A An In On At But And Or He She It They We I His Her Their This That These Those Mr Mrs Ms Dr "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July "
    "August September October November December Today Yesterday After Before When While If As For"
)
_COMMON_CAPS = frozenset(_COMMON_CAPS_TEXT.split())
_BLOCK_ROWS = 2048
_RESTACK_ROWS = 64


def salient_keys(text: str) -> set[str]:
    """Cheap names and numbers of a text: capitalized words not opening a sentence, and digit runs."""
    names = {m.lower() for m in _NAME.findall(text) if m not in _COMMON_CAPS}
    words = {w for name in names for w in name.split() if len(w) > 2}
    numbers = {n.replace(",", "") for n in _NUMBER.findall(text)}
    return words | {f"#{n}" for n in numbers if n not in {"1", "2", "3"}}


@dataclass(slots=True)
class _Member:
    article_id: str
    story_id: str
    moment: float | None
    keys: frozenset[str]
    live: bool = True


@dataclass(slots=True)
class _Block:
    """Term-count rows of past articles, searched with one sparse product (pending rows restacked in bulk)."""

    rows: list[sparse.csr_matrix] = field(default_factory=list)
    members: list[_Member] = field(default_factory=list)
    matrix: sparse.csr_matrix | None = None
    norms_for: int = -1
    norms: np.ndarray | None = None

    def cosines(self, dense_query: np.ndarray, query_norm: float, weights: np.ndarray, generation: int) -> np.ndarray:
        """Cosine of the query with every row, under `weights` (norms cached while the generation holds)."""
        stacked = 0 if self.matrix is None else self.matrix.shape[0]
        if len(self.rows) - stacked >= _RESTACK_ROWS:
            self.matrix, self.norms_for, stacked = sparse.vstack(self.rows).tocsr(), -1, len(self.rows)
        parts = []
        if self.matrix is not None:
            if self.norms_for != generation:
                self.norms = _norms(self.matrix, weights)
                self.norms_for = generation
            parts.append((self.matrix @ dense_query) / (self.norms * query_norm))
        if stacked < len(self.rows):
            pending = sparse.vstack(self.rows[stacked:]).tocsr()
            parts.append((pending @ dense_query) / (_norms(pending, weights) * query_norm))
        return np.concatenate(parts)


def _norms(matrix: sparse.csr_matrix, weights: np.ndarray) -> np.ndarray:
    norms = np.sqrt(matrix.multiply(matrix) @ weights)
    norms[norms == 0] = 1.0
    return norms


class StoryClusterer:
    """The online clusterer's state: document frequencies, recent articles, story membership.

    Example:
        >>> clusterer = StoryClusterer(ClusterSettings())
        >>> assignments = clusterer.add_articles(articles)  # doctest: +SKIP
    """

    def __init__(self, settings: ClusterSettings, n_features: int = 2**18) -> None:
        self.settings = settings
        self.tfidf = HashedTfidf(n_features)
        self.blocks: list[_Block] = []
        self.story_of: dict[str, str] = {}
        self.merged_into: dict[str, str] = {}
        self._weights = np.ones(n_features)
        self._generation = 0
        self._members_of: dict[str, list[float | None]] = {}

    # ------------------------------------------------------------------------------------ public

    def add_articles(self, articles: Iterable[Article]) -> dict[str, str]:
        """Assign each article (sorted by publication time, unknown last in given order) to a story id.

        Document frequencies of the whole batch are counted first, so early articles of a batch are weighed
        with the same statistics as later ones; assignment itself is strictly one article at a time.
        Returns {article_id: story_id} for the batch (after any merges).
        """
        batch = [a for a in articles if a.id not in self.story_of]
        batch.sort(key=_publication_key)
        if not batch:
            return {}
        counts = self.tfidf.counts([_document(a) for a in batch])
        self.tfidf.observe(counts)
        idf = np.log((1.0 + self.tfidf.n_docs) / (1.0 + self.tfidf.df)) + 1.0
        self._weights = (idf * idf).astype(np.float64)
        self._generation += 1
        for index, article in enumerate(batch):
            self._assign(article, counts[index])
        return {a.id: self.story(a.id) for a in batch}

    def observe(self, articles: Iterable[Article]) -> None:
        """Count articles into the document frequencies without assigning them (they were clustered elsewhere,
        e.g. by a Spark run), so later batches weigh terms as if this clusterer had seen them."""
        batch = list(articles)
        if batch:
            self.tfidf.observe(self.tfidf.counts([_document(a) for a in batch]))

    def story(self, article_id: str) -> str:
        """The current story id of an article (following merges)."""
        story_id = self.story_of[article_id]
        while story_id in self.merged_into:
            story_id = self.merged_into[story_id]
        return story_id

    def stories(self) -> dict[str, list[str]]:
        """Every story id with its article ids."""
        out: dict[str, list[str]] = {}
        for article_id in self.story_of:
            out.setdefault(self.story(article_id), []).append(article_id)
        return out

    def restore(self, articles: list[tuple[Article, str]]) -> None:
        """Re-add already-assigned articles (from the store) as search targets, without re-assigning them."""
        articles = sorted(articles, key=lambda pair: _publication_key(pair[0]))
        if not articles:
            return
        counts = self.tfidf.counts([_document(a) for a, _ in articles])
        for index, (article, story_id) in enumerate(articles):
            self.story_of[article.id] = story_id
            moment = _timestamp(article.published)
            self._members_of.setdefault(story_id, []).append(moment)
            keys = frozenset(salient_keys(f"{article.title}. {article.text}"))
            self._remember(_Member(article.id, story_id, moment, keys), counts[index])

    def forget(self, article_id: str) -> None:
        """Take an article out (its content changed): it no longer matches and will be assigned afresh."""
        if self.story_of.pop(article_id, None) is None:
            return
        for block in self.blocks:
            for member in block.members:
                if member.article_id == article_id:
                    member.live = False

    # ------------------------------------------------------------------------------------ internals

    def _assign(self, article: Article, counts: sparse.csr_matrix) -> None:
        cfg = self.settings
        moment = _timestamp(article.published)
        keys = frozenset(salient_keys(f"{article.title}. {article.text}"))
        best_by_story: dict[str, float] = {}
        total_by_story: dict[str, float] = {}
        for member, cosine in self._neighbours(counts, moment):
            score = _pair_score(cosine, keys, member.keys, cfg)
            story_id = self.story(member.article_id)
            total_by_story[story_id] = total_by_story.get(story_id, 0.0) + score
            if score > best_by_story.get(story_id, -1.0):
                best_by_story[story_id] = score
        blended = {
            story_id: (1.0 - cfg.average_weight) * best
            + cfg.average_weight * total_by_story[story_id] / self._size_in_window(story_id, moment)
            for story_id, best in best_by_story.items()
        }
        ranked = sorted(blended.items(), key=lambda kv: -kv[1])
        if ranked and ranked[0][1] >= cfg.story_threshold:
            story_id = ranked[0][0]
            for other, score in ranked[1:]:
                if score >= cfg.merge_threshold:
                    self._merge(other, story_id)
        else:
            story_id = stable_id("story", article.id)
        self.story_of[article.id] = story_id
        self._members_of.setdefault(story_id, []).append(moment)
        self._remember(_Member(article.id, story_id, moment, keys), counts)

    def _neighbours(self, counts: sparse.csr_matrix, moment: float | None) -> list[tuple[_Member, float]]:
        """Earlier articles in the time window whose TF-IDF cosine clears the candidate floor."""
        cfg = self.settings
        weights = self._weights
        query = counts.multiply(weights[np.newaxis, :]).tocsr()
        query_norm = float(np.sqrt(counts.multiply(counts).dot(weights)[0]))
        if query_norm == 0:
            return []
        window = cfg.window_days * 86400.0
        dense_query = query.toarray().ravel()
        found: list[tuple[_Member, float]] = []
        for block in self.blocks:
            cosines = block.cosines(dense_query, query_norm, weights, self._generation)
            for row in np.flatnonzero(cosines >= cfg.candidate_floor):
                member = block.members[row]
                if not member.live:
                    continue
                if moment is not None and member.moment is not None and abs(moment - member.moment) > window:
                    continue
                found.append((member, float(cosines[row])))
        return found

    def _remember(self, member: _Member, counts: sparse.csr_matrix) -> None:
        if not self.blocks or len(self.blocks[-1].members) >= _BLOCK_ROWS:
            self._expire(member.moment)
            self.blocks.append(_Block())
        block = self.blocks[-1]
        block.rows.append(counts)
        block.members.append(member)

    def _expire(self, moment: float | None) -> None:
        """Drop frozen blocks whose newest article is older than the window (they can no longer match)."""
        if moment is None:
            return
        horizon = moment - self.settings.window_days * 86400.0
        self.blocks = [
            b for b in self.blocks if any(m.moment is None or m.moment >= horizon for m in b.members)
        ]

    def _size_in_window(self, story_id: str, moment: float | None) -> int:
        """How many of a story's articles lie within the time window of `moment` (at least 1)."""
        moments = self._members_of.get(story_id, [])
        if moment is None:
            return max(1, len(moments))
        window = self.settings.window_days * 86400.0
        return max(1, sum(1 for m in moments if m is None or abs(moment - m) <= window))

    def _merge(self, loser: str, winner: str) -> None:
        if loser != winner:
            log.debug("merging story %s into %s", loser, winner)
            self.merged_into[loser] = winner
            self._members_of.setdefault(winner, []).extend(self._members_of.pop(loser, []))


def _pair_score(cosine: float, keys: frozenset[str], other: frozenset[str], cfg: ClusterSettings) -> float:
    """Text cosine adjusted by name/number overlap: shared specifics join, disjoint specifics separate."""
    if not keys or not other:
        return cosine
    shared = len(keys & other)
    overlap = shared / min(len(keys), len(other))
    score = cosine + cfg.entity_weight * (overlap - cfg.entity_expected)
    years, other_years = _years(keys), _years(other)
    if years and other_years and not years & other_years:
        score -= cfg.year_penalty  # both date themselves, to different years: different events
    return score


def pair_scores(cosine: np.ndarray, shared: np.ndarray, sizes: tuple[np.ndarray, np.ndarray],
                shared_years: np.ndarray, years: tuple[np.ndarray, np.ndarray], cfg: ClusterSettings) -> np.ndarray:
    """`_pair_score` over many pairs at once, from counts: keys shared and each side's key count, and the same
    for years. Blocking (Spark) uses it to find the pairs strong enough to put two articles in one story."""
    smaller = np.minimum(*sizes)
    overlap = shared / np.maximum(smaller, 1)
    score = np.where(smaller > 0, cosine + cfg.entity_weight * (overlap - cfg.entity_expected), cosine)
    disjoint_years = (years[0] > 0) & (years[1] > 0) & (shared_years == 0)
    return score - np.where(disjoint_years, cfg.year_penalty, 0.0)


def is_year(key: str) -> bool:
    """A salient key that is a year (19xx, 20xx): articles dated to different years are different events."""
    return len(key) == 5 and key[:3] in {"#19", "#20"}


def _years(keys: frozenset[str]) -> set[str]:
    return {k for k in keys if is_year(k)}


def _document(article: Article) -> str:
    return f"{article.title}\n{article.title}\n{article.text}"


def _timestamp(moment: datetime | None) -> float | None:
    return to_utc(moment).timestamp() if moment is not None else None


def _publication_key(article: Article) -> tuple[int, float]:
    stamp = _timestamp(article.published)
    return (0, stamp) if stamp is not None else (1, 0.0)
