"""Sentence spans for news text: spaCy's parse, repaired at paragraph breaks and quotation marks.

The small spaCy model joins a headline to the first paragraph, keeps trailing blank lines inside a sentence and
splits `"...?" he said.` in two. We take its boundaries, cut at every line break, strip whitespace, and glue
back fragments that cannot start a sentence (a closing quote mark, a lower-case attribution tail).
"""

from __future__ import annotations

import logging
import re

from newsprism.analyze import component
from newsprism.models import Analysis, Span
from newsprism.settings import Settings

log = logging.getLogger(__name__)

_LINE_BREAK = re.compile(r"\s*\n\s*")
_CLOSERS = "”’\"')]}»"
_CLOSER_ONLY = re.compile(rf"^[{re.escape(_CLOSERS)}.,;:!?\s]+$")


@component("sentences")
def sentences_component(doc, analysis: Analysis, settings: Settings) -> None:
    """Fill `analysis.sentences` with whitespace-free sentence spans."""
    del settings
    text = analysis.article.text
    bounds = [(sent.start_char, sent.end_char) for sent in doc.sents] if doc.has_annotation("SENT_START") else []
    if not bounds and text.strip():
        bounds = [(0, len(text))]
    analysis.sentences = [Span(analysis.article.id, s, e) for s, e in split_sentences(text, bounds)]


def split_sentences(text: str, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Repaired `(start, end)` sentence offsets from a parser's raw `bounds`."""
    pieces: list[tuple[int, int]] = []
    for start, end in bounds:
        pieces.extend(_cut_at_line_breaks(text, start, end))
    merged: list[tuple[int, int]] = []
    for start, end in pieces:
        if merged and _continues(text, merged[-1], (start, end)):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _cut_at_line_breaks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Stripped, non-empty pieces of `text[start:end]` between line breaks."""
    pieces = []
    cursor = start
    for brk in _LINE_BREAK.finditer(text, start, end):
        pieces.append((cursor, brk.start()))
        cursor = brk.end()
    pieces.append((cursor, end))
    return [p for p in (_strip(text, s, e) for s, e in pieces) if p[1] > p[0]]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """`(start, end)` narrowed to exclude leading and trailing whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _continues(text: str, prev: tuple[int, int], cur: tuple[int, int]) -> bool:
    """Whether `cur` is the tail of `prev` (same line, and cannot begin a sentence on its own)."""
    if "\n" in text[prev[1] : cur[0]]:
        return False
    piece = text[cur[0] : cur[1]]
    if _CLOSER_ONLY.match(piece):
        return True
    # `"Did it work?" he asked.` or a split after an abbreviation: a sentence never starts in lower case
    first = piece.lstrip(_CLOSERS + " ")[:1]
    return first.islower()
