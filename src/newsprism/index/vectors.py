"""Cheap semantic vectors (hashed TF-IDF with online document frequencies) and an HNSW neighbour index."""

from __future__ import annotations

import logging
import re

import hnswlib
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

log = logging.getLogger(__name__)

_STOP_TEXT = (
    "a an the and or but of to in on at for from by with as is are was were be been has have had it its this that "
    "he she they we you i his her their our not no said says will would could should after before over about than "
    "into who what which when where also more most new one two"
)
_STOP = frozenset(_STOP_TEXT.split())
_TOKEN = re.compile(r"(?u)\b[a-zA-Z][a-zA-Z'-]+\b")


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text.lower()) if t not in _STOP]


class HashedTfidf:
    """TF-IDF over hashed unigrams+bigrams; document frequencies grow as documents arrive (online).

    Example:
        >>> tfidf = HashedTfidf(n_features=2**12)
        >>> vectors = tfidf.fit_transform(["quake hits city", "quake hits town"])
        >>> vectors.shape
        (2, 4096)
    """

    def __init__(self, n_features: int = 2**18) -> None:
        self.n_features = n_features
        self._hasher = HashingVectorizer(
            n_features=n_features, analyzer=_tokens_and_bigrams, alternate_sign=False, norm=None
        )
        self.df = np.zeros(n_features, dtype=np.float32)
        self.n_docs = 0

    def counts(self, texts: list[str]) -> sparse.csr_matrix:
        """Raw hashed term counts (sublinear), before IDF weighting."""
        counts = self._hasher.transform(texts).tocsr()
        counts.data = 1.0 + np.log(counts.data)
        return counts

    def observe(self, counts: sparse.csr_matrix) -> None:
        """Add documents to the document-frequency table."""
        present = counts.copy()
        present.data[:] = 1.0
        self.df += np.asarray(present.sum(axis=0)).ravel()
        self.n_docs += counts.shape[0]

    def weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """IDF-weighted, L2-normalized rows under the current document frequencies."""
        idf = np.log((1.0 + self.n_docs) / (1.0 + self.df)) + 1.0
        weighted = counts.multiply(idf[np.newaxis, :]).tocsr()
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.diags(1.0 / norms) @ weighted

    def fit_transform(self, texts: list[str]) -> sparse.csr_matrix:
        counts = self.counts(texts)
        self.observe(counts)
        return self.weigh(counts)

    def state(self) -> bytes:
        """The document-frequency table, for the store (resumable runs)."""
        return np.concatenate([[float(self.n_docs)], self.df]).astype(np.float32).tobytes()

    def load(self, blob: bytes) -> None:
        values = np.frombuffer(blob, dtype=np.float32)
        if len(values) != self.n_features + 1:
            log.warning("stored document frequencies have the wrong size; starting afresh")
            return
        self.n_docs, self.df = int(values[0]), values[1:].copy()


def _tokens_and_bigrams(text: str) -> list[str]:
    tokens = _tokens(text)
    return tokens + [f"{x} {y}" for x, y in zip(tokens, tokens[1:], strict=False)]


class VectorIndex:
    """Approximate cosine nearest neighbours of dense vectors (hnswlib), keyed by string ids."""

    def __init__(self, dim: int, capacity: int = 1024, seed: int = 1) -> None:
        self.dim = dim
        self._index = hnswlib.Index(space="cosine", dim=dim)
        self._index.init_index(max_elements=capacity, ef_construction=100, M=16, random_seed=seed)
        self._index.set_ef(64)
        self._keys: list[str] = []

    def add(self, keys: list[str], vectors: np.ndarray) -> None:
        """Add vectors (grows the index as needed)."""
        if not keys:
            return
        needed = len(self._keys) + len(keys)
        if needed > self._index.get_max_elements():
            self._index.resize_index(max(needed, 2 * self._index.get_max_elements()))
        labels = np.arange(len(self._keys), needed)
        self._index.add_items(np.asarray(vectors, dtype=np.float32), labels)
        self._keys.extend(keys)

    def query(self, vectors: np.ndarray, k: int = 10) -> list[list[tuple[str, float]]]:
        """For each vector, up to `k` (key, cosine similarity) neighbours, best first."""
        if not self._keys:
            return [[] for _ in range(len(vectors))]
        k = min(k, len(self._keys))
        labels, distances = self._index.knn_query(np.asarray(vectors, dtype=np.float32), k=k)
        return [
            [(self._keys[int(label)], 1.0 - float(dist)) for label, dist in zip(row_l, row_d, strict=True)]
            for row_l, row_d in zip(labels, distances, strict=True)
        ]

    def __len__(self) -> int:
        return len(self._keys)
