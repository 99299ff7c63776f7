"""MinHash signatures (fused numba kernel, numpy fallback) and LSH banding for near-duplicate candidates."""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Iterable
from types import ModuleType

import numpy as np

log = logging.getLogger(__name__)

_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_WORD = re.compile(r"\w+")
# below this many code points (x4 for shingle x permutation steps) a kernel runs on one thread: handing work
# to the thread pool costs milliseconds on a busy machine, more than the work itself
_PARALLEL_MIN_WORK = 200_000
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
    if _kernels() is None:
        return _shingle_hashes_numpy(text, size)
    return np.unique(_shingle_batch([text], size)[0])


def _shingle_hashes_numpy(text: str, size: int = 5) -> np.ndarray:
    """The reference numpy definition of `shingle_hashes` (and its fallback without numba)."""
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


def shingle_hashes_many(texts: list[str], size: int = 5, batch: int = 2_000) -> tuple[np.ndarray, np.ndarray]:
    """Shingle hashes of many texts: one flat array plus offsets (doc d owns `flat[offsets[d]:offsets[d+1]]`).

    Same hashes as `shingle_hashes` per text (as sets: repeated shingles are kept, which MinHash ignores), but
    each distinct token of a batch is hashed once and the n-gram folding runs over the whole batch at once,
    instead of a dozen small numpy calls per text.
    """
    parts: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    for begin in range(0, len(texts), batch):
        flat, per_doc = _shingle_batch(texts[begin : begin + batch], size)
        parts.append(flat)
        counts.append(per_doc)
    per_doc = np.concatenate(counts) if counts else np.zeros(0, dtype=np.int64)
    offsets = np.zeros(len(per_doc) + 1, dtype=np.int64)
    np.cumsum(per_doc, out=offsets[1:])
    flat = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
    return flat, offsets


def _shingle_batch(texts: list[str], size: int) -> tuple[np.ndarray, np.ndarray]:
    """(flat shingle hashes, shingles per text) for one batch of texts: compiled scan, else numpy."""
    kernels = _kernels()
    if kernels is None:
        return _shingle_batch_numpy(texts, size)
    lowered = [t.lower() for t in texts]
    # one separator (not a word character) between texts, so one encode and one scan serve the batch
    codes = np.frombuffer("\n".join(lowered).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter((len(t) + 1 for t in lowered), dtype=np.int64, count=len(texts)), out=starts[1:])
    starts[-1] = len(codes)
    out = np.empty(len(codes), dtype=np.uint64)
    counts = np.zeros(len(texts), dtype=np.int64)
    shingler = kernels.shingles_into if len(codes) >= _PARALLEL_MIN_WORK else kernels.shingles_into_serial
    shingler(codes, starts, _word_table(), size, _TOKEN_WIDTH, out, counts)
    # text d wrote its shingles at out[starts[d]:]; gather them into one flat array
    first = np.cumsum(counts) - counts
    return out[np.repeat(starts[:-1] - first, counts) + np.arange(int(counts.sum()))], counts


@functools.cache
def _word_table() -> np.ndarray:
    """Which code points are word characters for `\\w` (alphanumeric or underscore), a flag per code point."""
    table = np.frombuffer(bytes(chr(c).isalnum() for c in range(0x110000)), dtype=np.bool_).copy()
    table[ord("_")] = True
    return table


def _shingle_batch_numpy(texts: list[str], size: int) -> tuple[np.ndarray, np.ndarray]:
    """The numpy path of `_shingle_batch` (each distinct token hashed once, n-grams folded batch-wide)."""
    token_lists = [_WORD.findall(t.lower()) for t in texts]
    lengths = np.fromiter((len(t) for t in token_lists), dtype=np.int64, count=len(token_lists))
    all_tokens = [tok for toks in token_lists for tok in toks]
    distinct = list(dict.fromkeys(all_tokens))
    lookup = dict(zip(distinct, _token_hashes(distinct).tolist(), strict=True))
    hashes = np.fromiter(map(lookup.__getitem__, all_tokens), dtype=np.uint64, count=len(all_tokens))
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    # every full window of `size` tokens, over the whole batch; windows crossing a text boundary are dropped
    windows = max(0, len(hashes) - size + 1)
    acc = np.zeros(windows, dtype=np.uint64)
    for offset in range(size if windows else 0):
        acc = (acc * np.uint64(1000003) + hashes[offset : offset + windows]) & _MAX_HASH
    per_doc = np.maximum(lengths - size + 1, 0)
    owner_start = np.repeat(starts, per_doc)
    first_of_doc = np.repeat(np.cumsum(per_doc) - per_doc, per_doc)
    flat = acc[owner_start + (np.arange(int(per_doc.sum())) - first_of_doc)]
    short = np.flatnonzero((lengths > 0) & (lengths < size))
    if len(short):  # texts shorter than one window: one shingle of all their tokens, as in `shingle_hashes`
        values = []
        for d in short:
            value = np.uint64(0)
            for h in hashes[starts[d] : starts[d] + lengths[d]]:
                value = (value * np.uint64(1000003) + h) & _MAX_HASH
            values.append(value)
        insert_at = np.cumsum(per_doc)[short] - per_doc[short]
        flat = np.insert(flat, insert_at, np.array(values, dtype=np.uint64))
        per_doc = per_doc.copy()
        per_doc[short] = 1
    return flat, per_doc


@functools.lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) parameters of the universal hash permutations, datasketch's scheme (cached, read-only)."""
    gen = np.random.RandomState(seed)
    pairs = [(gen.randint(1, _MERSENNE, dtype=np.uint64), gen.randint(0, _MERSENNE, dtype=np.uint64))
             for _ in range(num_perm)]
    params = np.array(pairs, dtype=np.uint64).T.copy()
    params.setflags(write=False)
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
    """MinHash signatures (n_docs x num_perm, uint64) of many shingle-hash sets.

    The permutation is datasketch's legacy `(a*h + b) mod (2^61-1) & (2^32-1)`, so with the same seed and the
    same 32-bit hashes the signatures equal `datasketch.MinHash(scheme="legacy").update_batch`'s. Empty sets
    get the max value. `chunk` bounds the numpy fallback's working set (shingles permuted per pass).
    """
    lengths = np.fromiter((len(s) for s in shingle_sets), dtype=np.int64, count=len(shingle_sets))
    offsets = np.zeros(len(shingle_sets) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    flat = np.concatenate(shingle_sets).astype(np.uint64) if len(shingle_sets) else np.zeros(0, np.uint64)
    return minhash_signatures_flat(flat, offsets, num_perm, seed, chunk)


def minhash_signatures_flat(flat: np.ndarray, offsets: np.ndarray, num_perm: int = 128, seed: int = 1,
                            chunk: int = 2_000) -> np.ndarray:
    """Signatures of documents given as one flat hash array plus offsets (see `shingle_hashes_many`).

    Runs the fused numba kernel (documents in parallel, no shingles x perms matrix) when numba is installed,
    else the chunked numpy path; both give identical values.
    """
    a, b = _permutations(num_perm, seed)
    flat = np.ascontiguousarray(flat, dtype=np.uint64)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    kernels = _kernels()
    if kernels is not None:
        out = np.empty((len(offsets) - 1, num_perm), dtype=np.uint64)
        parallel = len(flat) * num_perm >= 4 * _PARALLEL_MIN_WORK
        (kernels.signatures_into if parallel else kernels.signatures_into_serial)(flat, offsets, a, b, out)
        return out
    return _signatures_numpy(flat, offsets, a, b, chunk)


def _kernels() -> ModuleType | None:
    """The compiled kernels module, or None when numba is not installed (or NEWSPRISM_NO_NUMBA=1)."""
    global _KERNELS
    if os.environ.get("NEWSPRISM_NO_NUMBA") == "1":
        return None
    if _KERNELS is None:
        try:
            from newsprism.index import _minhash_kernel
        except ImportError:
            log.info("numba is not installed; MinHash shingling and signatures use the numpy path")
            _KERNELS = False
        else:
            _KERNELS = _minhash_kernel
    return _KERNELS or None


_KERNELS: ModuleType | bool | None = None


def _signatures_numpy(flat: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray,
                      chunk: int) -> np.ndarray:
    """The numpy fallback: each distinct shingle of a chunk of documents permuted once, then min-reduced."""
    lengths = np.diff(offsets)
    out = np.full((len(lengths), len(a)), _MAX_HASH, dtype=np.uint64)
    nonempty = np.flatnonzero(lengths)
    ends = np.cumsum(lengths[nonempty])
    start = 0
    while start < len(nonempty):
        # the docs whose shingles together fit in `chunk` (at least one doc)
        base = ends[start - 1] if start else 0
        stop = max(start + 1, int(np.searchsorted(ends, base + chunk, side="right")))
        docs = nonempty[start:stop]
        flat_docs = np.concatenate([flat[offsets[d] : offsets[d + 1]] for d in docs])
        distinct, inverse = np.unique(flat_docs, return_inverse=True)
        permuted = _permute(distinct, a, b)
        starts = np.concatenate([[0], np.cumsum(lengths[docs])[:-1]])
        out[docs] = np.minimum.reduceat(permuted[inverse], starts, axis=0)
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
        flat, offsets = shingle_hashes_many(texts, self.shingle)
        return minhash_signatures_flat(flat, offsets, self.num_perm, self.seed)

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
        first_at: dict[str, int] = {}  # new key -> its first position in `keys`
        for i, key in enumerate(keys):
            if key not in first_at and key not in self._index:
                first_at[key] = i
        if not first_at:
            return
        numbers = range(len(self._keys), len(self._keys) + len(first_at))
        self._index.update(zip(first_at, numbers, strict=True))
        self._keys.extend(first_at)
        signatures = np.asarray(signatures)
        if len(first_at) < len(signatures):
            signatures = signatures[list(first_at.values())]
        self._pending.append(self.band_keys(signatures))

    def insert_texts(self, keys: list[str], texts: list[str]) -> None:
        self.insert_many(keys, self.signatures(texts))

    def _merge_pending(self) -> None:
        """Merge pending band keys into the sorted per-band arrays (sort the new keys, one linear insert)."""
        if not self._pending:
            return
        new = np.concatenate(self._pending).T  # bands x n_new
        first = len(self._keys) - new.shape[1]
        order = np.argsort(new, axis=1, kind="stable")
        new_keys = np.take_along_axis(new, order, axis=1)
        new_docs = order + first
        merged_keys = np.empty((self.bands, self._sorted_keys.shape[1] + new.shape[1]), dtype=np.uint64)
        merged_docs = np.empty(merged_keys.shape, dtype=np.int64)
        for band in range(self.bands):
            at = np.searchsorted(self._sorted_keys[band], new_keys[band], side="right")
            merged_keys[band] = np.insert(self._sorted_keys[band], at, new_keys[band])
            merged_docs[band] = np.insert(self._sorted_docs[band], at, new_docs[band])
        self._sorted_keys, self._sorted_docs = merged_keys, merged_docs
        self._pending = []

    def query(self, signature: np.ndarray) -> set[str]:
        """Keys sharing at least one band with `signature`."""
        return self.query_many(np.atleast_2d(signature))[0]

    def query_many(self, signatures: np.ndarray) -> list[set[str]]:
        """For each signature, the keys sharing at least one band with it (one binary search per band)."""
        self._merge_pending()
        wanted = self.band_keys(signatures)
        found: list[set[str]] = [set() for _ in range(len(wanted))]
        for band in range(self.bands):
            row = self._sorted_keys[band]
            lo = np.searchsorted(row, wanted[:, band], "left")
            hi = np.searchsorted(row, wanted[:, band], "right")
            for i in np.flatnonzero(hi > lo):
                found[i].update(self._keys[d] for d in self._sorted_docs[band, lo[i] : hi[i]])
        return found

    def candidate_pairs(self) -> set[tuple[str, str]]:
        """Every (smaller key, larger key) pair that shares a band."""
        self._merge_pending()
        n = np.int64(max(1, len(self._keys)))
        codes = [np.zeros(0, dtype=np.int64)]  # pair (x < y) of document numbers as x * n + y
        for band in range(self.bands):
            row, docs = self._sorted_keys[band], self._sorted_docs[band]
            if len(row) < 2:
                continue
            starts = np.flatnonzero(np.concatenate([[True], row[1:] != row[:-1]]))
            sizes = np.diff(np.concatenate([starts, [len(row)]]))
            two = starts[sizes == 2]  # most shared buckets hold one pair: done without a Python loop
            x, y = docs[two], docs[two + 1]
            codes.append(np.minimum(x, y) * n + np.maximum(x, y))
            for start, size in zip(starts[sizes > 2], sizes[sizes > 2], strict=True):
                group = np.sort(docs[start : start + size])
                i, j = np.triu_indices(int(size), 1)
                codes.append(group[i] * n + group[j])
        out = set()
        for code in np.unique(np.concatenate(codes)).tolist():
            a, b = self._keys[code // int(n)], self._keys[code % int(n)]
            out.add((a, b) if a < b else (b, a))
        return out

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: str) -> bool:
        return key in self._index


def jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(sig_a == sig_b))
