"""Quoted regions of a text: curly and straight double quotes, over several paragraphs, sloppy marks tolerated.

Rules: an opening mark while a quote is open is ignored (a stray re-opening); a quote still open at the end of a
paragraph continues when the next paragraph starts with a mark, else it closes there; a paragraph whose first mark
looks like a closing one is quoted from its start (the opening mark was forgotten).
"""

from __future__ import annotations

import re

OPENERS = "“„«"
CLOSERS = "”»"
STRAIGHT = '"'
QUOTE_CHARS = OPENERS + CLOSERS + STRAIGHT + "‟"
_PARAGRAPH = re.compile(r"[^\n]+")


def _looks_opening(text: str, i: int) -> bool:
    """A straight mark opens when it follows start, space, an opening bracket or a dash."""
    return i == 0 or text[i - 1].isspace() or text[i - 1] in "([{—–-/:"


def quoted_regions(text: str) -> list[tuple[int, int]]:
    """Half-open character ranges inside quote marks (marks excluded); a quote over paragraphs gives one per paragraph."""
    regions: list[tuple[int, int]] = []
    for para in _PARAGRAPH.finditer(text):
        start, end = para.start(), para.end()
        open_at: int | None = None
        seen_mark = False
        for i in range(start, end):
            ch = text[i]
            if ch not in QUOTE_CHARS:
                continue
            opening = ch in OPENERS or ch == "‟" or (ch == STRAIGHT and _looks_opening(text, i))
            if open_at is None:
                if opening:
                    open_at = i + 1
                elif not seen_mark:
                    regions.append((start, i))
            elif not opening:
                regions.append((open_at, i))
                open_at = None
            seen_mark = True
        if open_at is not None:
            regions.append((open_at, end))
    return [(s, e) for s, e in regions if text[s:e].strip()]


def inside_mask(text_len: int, regions: list[tuple[int, int]]) -> bytearray:
    """One byte per character: 1 inside a quoted region."""
    mask = bytearray(text_len)
    for start, end in regions:
        mask[start:end] = b"\x01" * (end - start)
    return mask
