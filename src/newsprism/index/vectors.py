"""Cheap semantic vectors (hashed TF-IDF with online document frequencies) and an HNSW neighbour index."""

from __future__ import annotations

import functools
import logging
import pickle
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
    """Approximate cosine nearest neighbours of dense vectors (hnswlib), keyed by string ids.

    Adding a key again replaces its vector (the old one is marked deleted). `state()`/`from_state()` give the
    whole index as bytes, so a store can keep it between runs instead of rebuilding the graph.
    """

    def __init__(self, dim: int, capacity: int = 1024, seed: int = 1, ef_construction: int = 100,
                 m: int = 16) -> None:
        self.dim = dim
        self._index = hnswlib.Index(space="cosine", dim=dim)
        self._index.init_index(max_elements=capacity, ef_construction=ef_construction, M=m, random_seed=seed)
        self._index.set_ef(64)
        self._keys: list[str] = []
        self._labels: dict[str, int] = {}

    def add(self, keys: list[str], vectors: np.ndarray) -> None:
        """Add vectors (grows the index as needed); a known key gets its new vector."""
        if not keys:
            return
        for key in keys:
            if key in self._labels:
                self._index.mark_deleted(self._labels.pop(key))
        needed = len(self._keys) + len(keys)
        if needed > self._index.get_max_elements():
            self._index.resize_index(max(needed, 2 * self._index.get_max_elements()))
        labels = np.arange(len(self._keys), needed)
        # one thread: the graph, and so every neighbour list, then depends only on the order of insertion
        self._index.add_items(np.asarray(vectors, dtype=np.float32), labels, num_threads=1)
        self._keys.extend(keys)
        self._labels.update(zip(keys, labels.tolist(), strict=True))

    def query(self, vectors: np.ndarray, k: int = 10) -> list[list[tuple[str, float]]]:
        """For each vector, up to `k` (key, cosine similarity) neighbours, best first."""
        if not self._labels:
            return [[] for _ in range(len(vectors))]
        k = min(k, len(self._labels))
        labels, distances = self._index.knn_query(np.asarray(vectors, dtype=np.float32), k=k)
        return [
            [(self._keys[int(label)], 1.0 - float(dist)) for label, dist in zip(row_l, row_d, strict=True)]
            for row_l, row_d in zip(labels, distances, strict=True)
        ]

    def state(self) -> bytes:
        """The index (graph, vectors, keys) as bytes."""
        state = (self.dim, self._index, self._keys, self._labels)
        return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def from_state(cls, blob: bytes) -> VectorIndex:
        """An index back from `state()` bytes."""
        dim, index, keys, labels = pickle.loads(blob)  # noqa: S301 - our own store's blob
        out = cls.__new__(cls)
        out.dim, out._index, out._keys, out._labels = dim, index, keys, labels
        out._index.set_ef(64)
        return out

    def __len__(self) -> int:
        return len(self._labels)

    def __contains__(self, key: str) -> bool:
        return key in self._labels


@functools.lru_cache(maxsize=4)
def _projection(n_features: int, dim: int, seed: int) -> sparse.csr_matrix:
    """A sparse random sign matrix (n_features x dim, 4 entries +-1/2 a row): keeps cosines in expectation."""
    per_row = 4
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(n_features), per_row)
    cols = rng.integers(0, dim, size=n_features * per_row)
    signs = rng.choice(np.array([-0.5, 0.5], dtype=np.float32), size=n_features * per_row)
    return sparse.csr_matrix((signs, (rows, cols)), shape=(n_features, dim))


class SemanticIndex:
    """Cheap article vectors for semantic neighbours over the whole corpus, in an HNSW index.

    A vector is the article's IDF-weighted hashed TF-IDF row (the clusterer's statistics) projected to `dim`
    dense dimensions by a sparse random matrix, then L2-normalized: no transformer is run, so every article
    can be indexed. Its neighbours are only candidates: the copy stage checks them (shingles, word gate,
    MiniLM).

    Example:
        >>> tfidf = HashedTfidf(n_features=2**12)
        >>> counts = tfidf.fit_transform(["quake hits city", "quake hits town", "choir wins prize"])
        >>> semantic = SemanticIndex(tfidf)
        >>> texts = ["quake hits city", "quake hits town", "choir wins prize"]
        >>> semantic.add(["a", "b", "c"], semantic.embed(texts))
        >>> semantic.neighbours(semantic.embed(["quake hits city"]), k=2)[0][1][0]
        'b'
    """

    def __init__(self, tfidf: HashedTfidf, dim: int = 256, seed: int = 1) -> None:
        self.tfidf = tfidf
        self.dim, self.seed = dim, seed
        self.index = VectorIndex(dim, seed=seed, ef_construction=40, m=12)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit vectors (len(texts) x dim, float32) under the current document frequencies (no words: 0)."""
        weighted = self.tfidf.weigh(self.tfidf.counts(texts))
        dense = np.asarray((weighted @ _projection(self.tfidf.n_features, self.dim, self.seed)).todense(),
                           dtype=np.float32)
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        return np.divide(dense, norms, out=np.zeros_like(dense), where=norms > 0)

    def add(self, keys: list[str], vectors: np.ndarray) -> None:
        """Index vectors; all-zero ones (no words) are left out."""
        keep = [i for i in range(len(keys)) if vectors[i].any()]
        self.index.add([keys[i] for i in keep], vectors[keep])

    def neighbours(self, vectors: np.ndarray, k: int = 5,
                   floor: float = -1.0) -> list[list[tuple[str, float]]]:
        """For each vector, up to `k` indexed (key, cosine) neighbours at or above `floor`, best first."""
        rows = [np.asarray(v) for v in vectors]
        found: list[list[tuple[str, float]]] = [[] for _ in rows]
        live = [i for i, v in enumerate(rows) if v.any()]
        if live:
            for i, hits in zip(live, self.index.query(np.stack([rows[i] for i in live]), k), strict=True):
                found[i] = [(key, sim) for key, sim in hits if sim >= floor]
        return found

    def __len__(self) -> int:
        return len(self.index)
