"""Fused, compiled MinHash kernel (numba): permute and min-reduce shingles without a shingles x perms matrix.

Imported lazily by `minhash_lsh`; when numba is missing, that module falls back to its numpy path. The
arithmetic is datasketch's legacy scheme bit for bit: `a*h + b` wraps modulo 2^64 (numpy uint64 semantics),
then `mod (2^61-1)` (done as a shift-and-add fold, exact for any 64-bit value), then `& (2^32-1)`.
"""

from __future__ import annotations

import numba
import numpy as np

_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_SHIFT = np.uint64(61)


@numba.njit(cache=True, nogil=True)
def _signature_of(flat: np.ndarray, start: int, end: int, a: np.ndarray, b: np.ndarray,
                  row: np.ndarray) -> None:
    """One document's signature into `row`: per permutation, a min-reduction over its (cached) hashes."""
    for p in range(a.shape[0]):
        ap = a[p]
        bp = b[p]
        best = _MAX_HASH
        for i in range(start, end):
            v = ap * flat[i] + bp
            v = (v & _MERSENNE) + (v >> _SHIFT)
            if v >= _MERSENNE:
                v -= _MERSENNE
            v &= _MAX_HASH
            if v < best:
                best = v
        row[p] = best


@numba.njit(parallel=True, cache=True, nogil=True)
def signatures_into(flat: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray,
                    out: np.ndarray) -> None:
    """Fill `out[d, p]` with min over doc d's hashes `flat[offsets[d]:offsets[d+1]]` of permutation p.

    Documents are spread over threads (`prange`). A document with no hashes keeps the max value.
    """
    for d in numba.prange(offsets.shape[0] - 1):
        _signature_of(flat, offsets[d], offsets[d + 1], a, b, out[d])


@numba.njit(cache=True, nogil=True)
def signatures_into_serial(flat: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray,
                           out: np.ndarray) -> None:
    """`signatures_into` on one thread (small batches: a thread hand-off costs ms on a busy machine)."""
    for d in range(offsets.shape[0] - 1):
        _signature_of(flat, offsets[d], offsets[d + 1], a, b, out[d])


_FNV_OFFSET = np.uint64(2166136261)
_FNV_PRIME = np.uint64(16777619)
_SHINGLE_MULT = np.uint64(1000003)


@numba.njit(cache=True, nogil=True)
def _shingles_of(codes: np.ndarray, begin: int, end: int, is_word: np.ndarray, size: int, width: int,
                 out: np.ndarray) -> int:
    """Shingles of the text `codes[begin:end]` into `out[begin:]`; returns their number."""
    tokens = np.empty((end - begin + 1) // 2 + 1, dtype=np.uint64)
    n_tok = 0
    i = begin
    while i < end:
        if not is_word[codes[i]]:
            i += 1
            continue
        j = i
        while j < end and is_word[codes[j]]:
            j += 1
        acc = _FNV_OFFSET
        for column in range(width):
            c = np.uint64(codes[i + column]) if i + column < j else np.uint64(0)
            acc = ((acc ^ c) * _FNV_PRIME) & _MAX_HASH
        tokens[n_tok] = acc
        n_tok += 1
        i = j
    if n_tok == 0:
        return 0
    span = size if n_tok >= size else n_tok
    for w in range(n_tok - span + 1):
        acc = np.uint64(0)
        for k in range(span):
            acc = (acc * _SHINGLE_MULT + tokens[w + k]) & _MAX_HASH
        out[begin + w] = acc
    return n_tok - span + 1


@numba.njit(parallel=True, cache=True, nogil=True)
def shingles_into(codes: np.ndarray, starts: np.ndarray, is_word: np.ndarray, size: int, width: int,
                  out: np.ndarray, counts: np.ndarray) -> None:
    """Word `size`-gram hashes of texts given as code points, texts in parallel.

    Text d is `codes[starts[d]:starts[d+1]]` (already lower-cased); its shingles go to `out[starts[d]:]`
    (a text has fewer shingles than code points) and their number to `counts[d]`. Tokens are maximal runs of
    code points with `is_word[c]` (Python's `\\w`); each token hashes as 32-bit FNV over its first `width`
    code points, zero-padded (exactly numpy's fixed-width `<U{width}` view in `minhash_lsh._token_hashes`);
    shingles fold `size` consecutive token hashes, a text with fewer tokens gives one shingle of all of them.
    """
    for d in numba.prange(starts.shape[0] - 1):
        counts[d] = _shingles_of(codes, starts[d], starts[d + 1], is_word, size, width, out)


@numba.njit(cache=True, nogil=True)
def shingles_into_serial(codes: np.ndarray, starts: np.ndarray, is_word: np.ndarray, size: int, width: int,
                         out: np.ndarray, counts: np.ndarray) -> None:
    """`shingles_into` on one thread (small batches)."""
    for d in range(starts.shape[0] - 1):
        counts[d] = _shingles_of(codes, starts[d], starts[d + 1], is_word, size, width, out)
