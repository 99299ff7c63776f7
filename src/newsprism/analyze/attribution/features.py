"""Per-token features for the attribution tagger: word, shape, quote state, cue-word distance, neighbours.

Only token text is used (no parse), so raw text and a parsed Doc give the same features and tagging stays fast.
"""

from __future__ import annotations

from newsprism.analyze.attribution.quotemarks import QUOTE_CHARS
from newsprism.analyze.attribution.tokens import Tok

_SENTENCE_END = {".", "!", "?"}
_PRONOUNS = {"he", "she", "they", "i", "we", "it", "you"}
_QUOTE_WORDS = frozenset(QUOTE_CHARS)


def word_shape(word: str) -> str:
    """Compressed shape: Xx, x, X, d, or the punctuation itself."""
    if word in QUOTE_CHARS or word in {"‘", "’", "'"}:
        return "Q"
    if not word[0].isalnum():
        return word[:2]
    if word.isdigit():
        return "d"
    if word.isupper() and len(word) > 1:
        return "X"
    if word[0].isupper():
        return "Xx"
    return "x"


def _distance_bucket(distance: int | None) -> str:
    """Coarse distance to the nearest cue word (0 = none)."""
    if distance is None:
        return "none"
    for limit in (1, 2, 3, 5, 8, 13, 21):
        if distance <= limit:
            return str(limit)
    return "far"


def _cue_distances(words: list[str], cue_words: frozenset[str]) -> tuple[list[int | None], list[int | None]]:
    """For each token, the distance to the nearest word of `cue_words` on its left and on its right."""
    n = len(words)
    left: list[int | None] = [None] * n
    right: list[int | None] = [None] * n
    last: int | None = None
    for i in range(n):
        left[i] = None if last is None else i - last
        if words[i] in cue_words:
            last = i
    last = None
    for i in range(n - 1, -1, -1):
        right[i] = None if last is None else last - i
        if words[i] in cue_words:
            last = i
    return left, right


def paragraph_features(para: list[Tok], inside: bytearray, cue_words: frozenset[str]) -> list[list[str]]:
    """Feature strings for each token of one paragraph; `inside` marks characters within quote marks."""
    words = [t.text.lower() for t in para]
    shapes = [word_shape(t.text) for t in para]
    quoted = ["1" if inside[t.start] else "0" for t in para]
    left, right = _cue_distances(words, cue_words)
    quote_left, quote_right = _cue_distances(words, _QUOTE_WORDS)
    n = len(para)
    starts_quoted = "1" if n and (para[0].text in QUOTE_CHARS or quoted[0] == "1") else "0"
    has_quote = "1" if any(q == "1" for q in quoted) else "0"
    has_cue = "1" if any(w in cue_words for w in words) else "0"
    rows: list[list[str]] = []
    for i, word in enumerate(words):
        prev1 = words[i - 1] if i > 0 else "<p>"
        prev2 = words[i - 2] if i > 1 else "<p>"
        next1 = words[i + 1] if i + 1 < n else "</p>"
        next2 = words[i + 2] if i + 2 < n else "</p>"
        sentence_start = i == 0 or prev1 in _SENTENCE_END
        feats = [
            "bias",
            "w=" + word,
            "s3=" + word[-3:],
            "sh=" + shapes[i],
            "q=" + quoted[i],
            "qp=" + (quoted[i - 1] if i > 0 else "b") + quoted[i] + (quoted[i + 1] if i + 1 < n else "e"),
            "cue=" + ("1" if word in cue_words else "0"),
            "cl=" + _distance_bucket(left[i]),
            "cr=" + _distance_bucket(right[i]),
            "w-1=" + prev1,
            "w+1=" + next1,
            "w-2=" + prev2,
            "w+2=" + next2,
            "w-1w=" + prev1 + "|" + word,
            "ww+1=" + word + "|" + next1,
            "sh-1=" + (shapes[i - 1] if i > 0 else "<p>"),
            "sh+1=" + (shapes[i + 1] if i + 1 < n else "</p>"),
            "ss=" + ("1" if sentence_start else "0"),
            "pq=" + starts_quoted + has_quote + has_cue,
            "pos=" + ("first" if i == 0 else "last" if i == n - 1 else str(min(4, 5 * i // max(n, 1)))),
            "ql=" + _distance_bucket(quote_left[i]),
            "qr=" + _distance_bucket(quote_right[i]),
            "w-3=" + (words[i - 3] if i > 2 else "<p>"),
            "w+3=" + (words[i + 3] if i + 3 < n else "</p>"),
            "cueq=" + ("1" if word in cue_words else "0") + quoted[i],
        ]
        if shapes[i] == "Xx" and ((i > 0 and shapes[i - 1] == "Xx") or (i + 1 < n and shapes[i + 1] == "Xx")):
            feats.append("caprun")
        if word in _PRONOUNS:
            feats.append("pron")
        if prev1 == "that" and i > 1 and words[i - 2] in cue_words:
            feats.append("after_cue_that")
        if next1 in cue_words:
            feats.append("before_cue")
        if prev1 in cue_words:
            feats.append("after_cue")
        rows.append(feats)
    return rows
