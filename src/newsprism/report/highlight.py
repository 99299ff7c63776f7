"""Where changed words sit in a text: the ranges a report marks for a verdict's `changed` list."""

from __future__ import annotations

import re
from typing import Any

from newsprism.compare.units import WORD


def phrase_ranges(text: str, phrases: list[str]) -> list[tuple[int, int]]:
    """Character ranges of the phrases in `text`, found in order (a diff lists its changes in text order).

    Each phrase is searched after the previous one's match first, then anywhere not yet marked; words may be
    separated by any punctuation.
    """
    ranges: list[tuple[int, int]] = []
    cursor = 0
    for phrase in phrases:
        words = [w.replace("'", "['’]") for w in (re.escape(x) for x in WORD.findall(phrase))]
        if not words:
            continue
        pattern = re.compile(r"(?<![^\W_])" + r"[\W_]+".join(words) + r"(?![^\W_])", re.IGNORECASE)
        free = [m for m in pattern.finditer(text) if not any(s < m.end() and m.start() < e for s, e in ranges)]
        after = [m for m in free if m.start() >= cursor]
        match = (after or free or [None])[0]
        if match is not None:
            ranges.append((match.start(), match.end()))
            cursor = match.end()
    return sorted(ranges)


def changed_sides(changed: list[Any]) -> tuple[list[str], list[str]]:
    """The words changed on the first side and on the second, from a verdict's `changed` list."""
    first, second = [], []
    for pair in changed or []:
        if isinstance(pair, list | tuple) and len(pair) == 2:
            first.extend(_as_phrases(pair[0]))
            second.extend(_as_phrases(pair[1]))
    return first, second


def _as_phrases(words: Any) -> list[str]:
    """A side of a changed pair may be a string or a list of words."""
    if isinstance(words, str):
        return [words] if words.strip() else []
    if isinstance(words, list | tuple):
        joined = " ".join(str(w) for w in words)
        return [joined] if joined.strip() else []
    return []


__all__ = ["changed_sides", "phrase_ranges"]
