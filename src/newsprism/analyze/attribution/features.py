"""Per-token features for the attribution tagger: word, lemma and word class, quote state, cue distances, clauses.

No parse at run time: word classes (a tag and a lemma per word) and cue-word ratios are lookups learned from the
training split, so raw text and a parsed Doc give the same features and tagging stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsprism.analyze.attribution.quotemarks import QUOTE_CHARS
from newsprism.analyze.attribution.tokens import Tok

_SENTENCE_END = {".", "!", "?"}
_PRONOUNS = {"he", "she", "they", "i", "we", "it", "you"}
_QUOTE_WORDS = frozenset(QUOTE_CHARS)
_CLAUSE_WORDS = frozenset({"that", "but", "and", "because", "while", "although", "though", "which", "who", "if",
                           "whether", "as", "when", "since", "so", "after", "before", "to"})
_BREAKS = frozenset({",", ";", ":", "—", "–", "-", "(", ")"})


@dataclass(slots=True)
class Lexicon:
    """What the features look up: cue words, the share of times each word / lemma was a cue in training, and a
    word class (fine part-of-speech tag) and lemma per lower-cased word."""

    cue_words: frozenset[str]
    cue_ratio: dict[str, float] = field(default_factory=dict)
    lemma_ratio: dict[str, float] = field(default_factory=dict)
    pos: dict[str, str] = field(default_factory=dict)
    lemma: dict[str, str] = field(default_factory=dict)
    version: int = 1


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


def _bucket_of(distance: int) -> str:
    """The bucket label of one distance."""
    for limit in (1, 2, 3, 5, 8, 13, 21):
        if distance <= limit:
            return str(limit)
    return "far"


_BUCKETS = [_bucket_of(d) for d in range(22)]


def _distance_bucket(distance: int | None) -> str:
    """Coarse distance to the nearest cue word ("none" when there is none)."""
    if distance is None:
        return "none"
    return _BUCKETS[distance] if distance < 22 else "far"


def _ratio_bucket(ratio: float) -> str:
    """How often a word was a cue in training, coarsely."""
    if ratio <= 0.0:
        return "0"
    if ratio < 0.15:
        return "1"
    if ratio < 0.4:
        return "2"
    if ratio < 0.7:
        return "3"
    return "4"


def _nearest(flags: list[bool]) -> tuple[list[int | None], list[int | None]]:
    """For each position, the distance to the nearest flagged position on its left and on its right."""
    n = len(flags)
    left: list[int | None] = [None] * n
    right: list[int | None] = [None] * n
    last: int | None = None
    for i in range(n):
        left[i] = None if last is None else i - last
        if flags[i]:
            last = i
    last = None
    for i in range(n - 1, -1, -1):
        right[i] = None if last is None else last - i
        if flags[i]:
            last = i
    return left, right


def _sentence_ids(words: list[str]) -> list[int]:
    """Sentence number of each token within the paragraph (a sentence ends after . ! ? and closing marks)."""
    ids = []
    current = 0
    ended = False
    for word in words:
        if ended and word not in _QUOTE_WORDS and word not in {"’", ")"}:
            current += 1
            ended = False
        ids.append(current)
        if word in _SENTENCE_END:
            ended = True
    return ids


def paragraph_features(para: list[Tok], inside: bytearray, lexicon: Lexicon) -> list[list[str]]:
    """Feature strings for each token of one paragraph; `inside` marks characters within quote marks."""
    cue_words = lexicon.cue_words
    words = [t.text.lower() for t in para]
    shapes = [word_shape(t.text) for t in para]
    pos = [lexicon.pos.get(w, "?" + s) for w, s in zip(words, shapes, strict=True)]
    lemmas = [lexicon.lemma.get(w, w) for w in words]
    ratio = [max(lexicon.cue_ratio.get(w, 0.0), lexicon.lemma_ratio.get(lm, 0.0)) for w, lm in zip(words, lemmas,
                                                                                                    strict=True)]
    is_cue = [w in cue_words or r >= 0.15 for w, r in zip(words, ratio, strict=True)]
    quoted = ["1" if inside[t.start] else "0" for t in para]
    left, right = _nearest(is_cue)
    quote_left, quote_right = _nearest([w in _QUOTE_WORDS for w in words])
    sent = _sentence_ids(words)
    n = len(para)
    # per sentence: where its cue-like words are, and commas between a token and its nearest cue in the sentence
    sent_cues: dict[int, list[int]] = {}
    for i in range(n):
        if is_cue[i]:
            sent_cues.setdefault(sent[i], []).append(i)
    breaks_before = [0] * (n + 1)
    for i in range(n):
        breaks_before[i + 1] = breaks_before[i] + (words[i] in _BREAKS)
    sent_bounds: dict[int, tuple[int, int]] = {}
    for i in range(n):
        first, _last = sent_bounds.get(sent[i], (i, i))
        sent_bounds[sent[i]] = (first, i)
    clause_left, _ = _nearest([w in _CLAUSE_WORDS or w in _BREAKS for w in words])
    starts_quoted = "1" if n and (para[0].text in QUOTE_CHARS or quoted[0] == "1") else "0"
    has_quote = "1" if any(q == "1" for q in quoted) else "0"
    has_cue = "1" if any(is_cue) else "0"
    rows: list[list[str]] = []
    for i, word in enumerate(words):
        prev1 = words[i - 1] if i > 0 else "<p>"
        prev2 = words[i - 2] if i > 1 else "<p>"
        next1 = words[i + 1] if i + 1 < n else "</p>"
        next2 = words[i + 2] if i + 2 < n else "</p>"
        p_1 = pos[i - 1] if i > 0 else "<p>"
        p_2 = pos[i - 2] if i > 1 else "<p>"
        p1 = pos[i + 1] if i + 1 < n else "</p>"
        p2 = pos[i + 2] if i + 2 < n else "</p>"
        sentence_start = i == 0 or sent[i - 1] != sent[i]
        cue = "1" if is_cue[i] else "0"
        feats = [
            "bias",
            "w=" + word,
            "s3=" + word[-3:],
            "sh=" + shapes[i],
            "q=" + quoted[i],
            "qp=" + (quoted[i - 1] if i > 0 else "b") + quoted[i] + (quoted[i + 1] if i + 1 < n else "e"),
            "cue=" + cue,
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
            "cueq=" + cue + quoted[i],
            "t=" + pos[i],
            "t-1=" + p_1,
            "t+1=" + p1,
            "t-2=" + p_2,
            "t+2=" + p2,
            "t-1t=" + p_1 + "|" + pos[i],
            "tt+1=" + pos[i] + "|" + p1,
            "t-1tt+1=" + p_1 + "|" + pos[i] + "|" + p1,
            "l=" + lemmas[i],
            "rb=" + _ratio_bucket(ratio[i]),
            "rbt=" + _ratio_bucket(ratio[i]) + pos[i],
            "rb-1=" + (_ratio_bucket(ratio[i - 1]) if i > 0 else "b"),
            "rb+1=" + (_ratio_bucket(ratio[i + 1]) if i + 1 < n else "e"),
            "kl=" + _distance_bucket(clause_left[i]),
        ]
        cues_here = sent_cues.get(sent[i], ())
        before = [c for c in cues_here if c < i]
        after = [c for c in cues_here if c > i]
        if before:
            c = before[-1]
            feats.append("scl=" + _distance_bucket(i - c))
            feats.append("sclb=" + str(min(2, breaks_before[i] - breaks_before[c + 1])))
            feats.append("sclw=" + lemmas[c])
        if after:
            c = after[0]
            feats.append("scr=" + _distance_bucket(c - i))
            feats.append("scrb=" + str(min(2, breaks_before[c] - breaks_before[i + 1])))
            feats.append("scrw=" + lemmas[c])
        if not cues_here:
            feats.append("nosentcue")
        if lexicon.version >= 2:
            first, last = sent_bounds[sent[i]]
            feats += [
                "tss=" + _distance_bucket(i - first),
                "tse=" + _distance_bucket(last - i),
                "l-1=" + (lemmas[i - 1] if i > 0 else "<p>"),
                "l+1=" + (lemmas[i + 1] if i + 1 < n else "</p>"),
                "t-3=" + (pos[i - 3] if i > 2 else "<p>"),
                "t+3=" + (pos[i + 3] if i + 3 < n else "</p>"),
                "qt=" + quoted[i] + pos[i],
                "sfw=" + lemmas[first],
                "pcl=" + (lemmas[i - left[i]] if left[i] is not None else "-") + "|" + _distance_bucket(left[i]),
                "pcr=" + (lemmas[i + right[i]] if right[i] is not None else "-") + "|" + _distance_bucket(right[i]),
            ]
            if prev1 in _BREAKS:
                feats.append("after_break=" + prev1 + "|" + pos[i])
            if next1 in _BREAKS or next1 in _SENTENCE_END:
                feats.append("before_break=" + next1 + "|" + pos[i])
        if shapes[i] == "Xx" and ((i > 0 and shapes[i - 1] == "Xx") or (i + 1 < n and shapes[i + 1] == "Xx")):
            feats.append("caprun")
        if word in _PRONOUNS:
            feats.append("pron")
        if prev1 == "that" and i > 1 and is_cue[i - 2]:
            feats.append("after_cue_that")
        if i + 1 < n and is_cue[i + 1]:
            feats.append("before_cue")
            feats.append("before_cue_t=" + pos[i])
        if i > 0 and is_cue[i - 1]:
            feats.append("after_cue")
            feats.append("after_cue_t=" + pos[i])
        rows.append(feats)
    return rows
