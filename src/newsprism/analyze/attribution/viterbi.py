"""The best label sequence under allowed transitions (Viterbi), compiled with numba: one paragraph of a few hundred
words takes microseconds instead of the milliseconds of a per-word numpy loop."""

from __future__ import annotations

import numba
import numpy as np

IMPOSSIBLE = -1e9


def bilou_moves(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Allowed BILOU moves as additive scores (0 allowed, IMPOSSIBLE not): between labels, at start, at end.

    Labels are "O" or "<B|I|L|U>-<role>"; a span opens with B and closes with L of the same role, or is one U.
    """
    n = len(labels)
    between = np.full((n, n), IMPOSSIBLE)
    first = np.full(n, IMPOSSIBLE)
    last = np.full(n, IMPOSSIBLE)
    for i, a in enumerate(labels):
        span_open = a[0] in "BI"
        for j, b in enumerate(labels):
            if span_open and b[0] in "IL" and b[2:] == a[2:] or not span_open and (b == "O" or b[0] in "BU"):
                between[i, j] = 0.0
        if a == "O" or a[0] in "BU":
            first[i] = 0.0
        if a == "O" or a[0] in "LU":
            last[i] = 0.0
    return between, first, last


@numba.njit(cache=True, nogil=True)
def best_path(scores: np.ndarray, between: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Label indices maximizing the sum of `scores` (words x labels) plus the move scores."""
    n, k = scores.shape
    path = np.zeros(n, dtype=np.int64)
    if n == 0:
        return path
    back = np.zeros((n, k), dtype=np.int64)
    best = first + scores[0]
    new = np.empty(k)
    for t in range(1, n):
        for j in range(k):
            top, arg = -np.inf, 0
            for i in range(k):
                value = best[i] + between[i, j]
                if value > top:
                    top, arg = value, i
            new[j] = top + scores[t, j]
            back[t, j] = arg
        best[:] = new
    path[n - 1] = np.argmax(best + last)
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


__all__ = ["IMPOSSIBLE", "best_path", "bilou_moves"]
