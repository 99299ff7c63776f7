"""MinHash signatures computed in numpy batches, and LSH banding over them for near-duplicate candidates."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import numpy as np

log = logging.getLogger(__name__)

_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_WORD = re.compile(r"\w+")
_TOKEN_WIDTH = 24  # characters of a token kept for hashing; longer tokens are rare and still distinct enough


def _token_hashes(tokens: list[str]) -> np.ndarray:
    """32-bit FNV-style hashes of many tokens at once (fixed-width unicode view, no per-token loop)."""
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    codes = np.array(tokens, dtype=f"<U{_TOKEN_WIDTH}").view(np.uint32).reshape(len(tokens), _TOKEN_WIDTH)
    acc = np.full(len(tokens), 2166136261, dtype=np.uint64)
    for column in range(_TOKEN_WIDTH):
        acc = ((acc ^ codes[:, column].astype(np.uint64)) * np.uint64(16777619)) & _MAX_HASH
    return acc


def shingle_hashes(text: str, size: int = 5) -> np.ndarray:
    """Unique 32-bit hashes of the word `size`-grams of `text` (lower-cased); short texts give one shingle."""
    tokens = _WORD.findall(text.lower())
    hashes = _token_hashes(tokens)
    if len(hashes) == 0:
        return hashes
    if len(hashes) < size:
        size = len(hashes)
    count = len(hashes) - size + 1
    acc = np.zeros(count, dtype=np.uint64)
    for offset in range(size):
        acc = (acc * np.uint64(1000003) + hashes[offset : offset + count]) & _MAX_HASH
    return np.unique(acc)


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) parameters of the universal hash permutations, datasketch's scheme."""
    gen = np.random.RandomState(seed)
    pairs = [(gen.randint(1, _MERSENNE, dtype=np.uint64), gen.randint(0, _MERSENNE, dtype=np.uint64))
             for _ in range(num_perm)]
    params = np.array(pairs, dtype=np.uint64).T
    return params[0], params[1]


def _permute(hashes: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`(a*h + b) mod (2^61-1) & (2^32-1)` for every hash x permutation, with uint64 wrap-around like datasketch.

    The modulo by the Mersenne prime is done with a shift and a mask instead of an integer division.
    """
    wrapped = np.multiply.outer(hashes, a)
    wrapped += b
    folded = (wrapped & _MERSENNE) + (wrapped >> np.uint64(61))
    folded[folded >= _MERSENNE] -= _MERSENNE
    folded &= _MAX_HASH
    return folded


def minhash_signatures(
    shingle_sets: list[np.ndarray], num_perm: int = 128, seed: int = 1, chunk: int = 2_000
) -> np.ndarray:
    """MinHash signatures (n_docs x num_perm, uint64) of many shingle-hash sets in vectorized passes.

    The permutation is datasketch's legacy `(a*h + b) mod (2^61-1) & (2^32-1)`, so with the same seed and the
    same 32-bit hashes the signatures equal `datasketch.MinHash(scheme="legacy").update_batch`'s. Each distinct
    shingle of a chunk is permuted once. Empty sets get the max value.
    """
    a, b = _permutations(num_perm, seed)
    out = np.full((len(shingle_sets), num_perm), _MAX_HASH, dtype=np.uint64)
    lengths = np.array([len(s) for s in shingle_sets], dtype=np.int64)
    nonempty = np.flatnonzero(lengths)
    ends = np.cumsum(lengths[nonempty])
    start = 0
    while start < len(nonempty):
        # the docs whose shingles together fit in `chunk` (at least one doc)
        base = ends[start - 1] if start else 0
        stop = max(start + 1, int(np.searchsorted(ends, base + chunk, side="right")))
        docs = nonempty[start:stop]
        flat = np.concatenate([shingle_sets[d] for d in docs]).astype(np.uint64)
        distinct, inverse = np.unique(flat, return_inverse=True)
        permuted = _permute(distinct, a, b)
        offsets = np.concatenate([[0], np.cumsum(lengths[docs])[:-1]])
        out[docs] = np.minimum.reduceat(permuted[inverse], offsets, axis=0)
        start = stop
    return out


def optimal_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows per band minimizing false positives + false negatives around `threshold` (equal weights)."""
    best, best_err = (1, num_perm), float("inf")
    xs = np.linspace(0.0, 1.0, 201)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            prob = 1.0 - (1.0 - xs**rows) ** bands
            fp = np.trapezoid(prob[xs <= threshold], xs[xs <= threshold])
            fn = np.trapezoid(1.0 - prob[xs >= threshold], xs[xs >= threshold])
            if fp + fn < best_err:
                best, best_err = (bands, rows), fp + fn
    return best


class MinHashLSH:
    """LSH banding index over MinHash signatures: documents sharing one band are candidates.

    Each band of a signature is folded into one 64-bit key; per band, keys are kept as a sorted numpy array, so
    inserting and pairing 100k documents is a handful of array operations, not 100k dict updates per band.

    Example:
        >>> lsh = MinHashLSH(threshold=0.5, num_perm=64)
        >>> lsh.insert_texts(["a", "b"], ["the cat sat on the mat today", "the cat sat on the mat today!"])
        >>> sorted(lsh.candidate_pairs())
        [('a', 'b')]
    """

    def __init__(self, threshold: float = 0.5, num_perm: int = 128, seed: int = 1, shingle: int = 5,
                 bands: tuple[int, int] | None = None) -> None:
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"threshold must be in (0, 1), got {threshold}")
        if num_perm < 2:
            raise ValueError(f"num_perm must be >= 2, got {num_perm}")
        self.threshold, self.num_perm, self.seed, self.shingle = threshold, num_perm, seed, shingle
        self.bands, self.rows = bands or optimal_bands(threshold, num_perm)
        if self.bands * self.rows > num_perm:
            raise ValueError(f"{self.bands} bands x {self.rows} rows exceed num_perm={num_perm}")
        self._keys: list[str] = []
        self._index: dict[str, int] = {}
        self._pending: list[np.ndarray] = []  # band-key rows (n x bands) not yet merged into the sorted arrays
        self._sorted_keys = np.zeros((self.bands, 0), dtype=np.uint64)
        self._sorted_docs = np.zeros((self.bands, 0), dtype=np.int64)

    def signatures(self, texts: list[str]) -> np.ndarray:
        """Signatures of `texts` with this index's shingling, permutations and seed."""
        return minhash_signatures([shingle_hashes(t, self.shingle) for t in texts], self.num_perm, self.seed)

    def band_keys(self, signatures: np.ndarray) -> np.ndarray:
        """One 64-bit key per (document, band): the band's rows folded by multiply-xor."""
        signatures = np.atleast_2d(signatures)[:, : self.bands * self.rows]
        parts = signatures.reshape(len(signatures), self.bands, self.rows)
        keys = np.full((len(signatures), self.bands), 1469598103934665603, dtype=np.uint64)
        for row in range(self.rows):
            keys = (keys ^ parts[:, :, row]) * np.uint64(1099511628211)
        return keys

    def insert(self, key: str, signature: np.ndarray) -> None:
        """Add one document's signature under `key` (a key inserted twice is ignored)."""
        self.insert_many([key], np.atleast_2d(signature))

    def insert_many(self, keys: Iterable[str], signatures: np.ndarray) -> None:
        """Add many documents at once."""
        keys = list(keys)
        fresh = [i for i, k in enumerate(keys) if k not in self._index]
        seen_now: set[str] = set()
        fresh = [i for i in fresh if not (keys[i] in seen_now or seen_now.add(keys[i]))]
        if not fresh:
            return
        for i in fresh:
            self._index[keys[i]] = len(self._keys)
            self._keys.append(keys[i])
        self._pending.append(self.band_keys(np.asarray(signatures)[fresh]))

    def insert_texts(self, keys: list[str], texts: list[str]) -> None:
        self.insert_many(keys, self.signatures(texts))

    def _merge_pending(self) -> None:
        if not self._pending:
            return
        new = np.concatenate(self._pending).T  # bands x n_new
        first = len(self._keys) - new.shape[1]
        docs = np.broadcast_to(np.arange(first, len(self._keys)), new.shape)
        keys = np.concatenate([self._sorted_keys, new], axis=1)
        docs = np.concatenate([self._sorted_docs, docs], axis=1)
        order = np.argsort(keys, axis=1, kind="stable")
        self._sorted_keys = np.take_along_axis(keys, order, axis=1)
        self._sorted_docs = np.take_along_axis(docs, order, axis=1)
        self._pending = []

    def query(self, signature: np.ndarray) -> set[str]:
        """Keys sharing at least one band with `signature`."""
        self._merge_pending()
        wanted = self.band_keys(signature)[0]
        found: set[str] = set()
        for band in range(self.bands):
            row = self._sorted_keys[band]
            lo, hi = np.searchsorted(row, wanted[band], "left"), np.searchsorted(row, wanted[band], "right")
            found.update(self._keys[d] for d in self._sorted_docs[band, lo:hi])
        return found

    def candidate_pairs(self) -> set[tuple[str, str]]:
        """Every (smaller key, larger key) pair that shares a band."""
        self._merge_pending()
        pairs: set[tuple[int, int]] = set()
        for band in range(self.bands):
            row, docs = self._sorted_keys[band], self._sorted_docs[band]
            if len(row) < 2:
                continue
            starts = np.flatnonzero(np.concatenate([[True], row[1:] != row[:-1]]))
            sizes = np.diff(np.concatenate([starts, [len(row)]]))
            for start, size in zip(starts[sizes > 1], sizes[sizes > 1], strict=True):
                group = np.sort(docs[start : start + size])
                pairs.update((int(x), int(y)) for i, x in enumerate(group) for y in group[i + 1 :])
        out = set()
        for x, y in pairs:
            a, b = self._keys[x], self._keys[y]
            out.add((a, b) if a < b else (b, a))
        return out

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: str) -> bool:
        return key in self._index


def jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(sig_a == sig_b))
