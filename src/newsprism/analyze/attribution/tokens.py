"""Tokens and paragraphs of raw text: a small regex tokenizer, so quote finding needs no spaCy import (fast start).

The tagger is trained on these tokens, and the analyze component re-tokenizes the article text the same way, so
the raw-text and the parsed paths tag identically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""\n[\s]*                                   # a line break (paragraph boundary), with following blanks
    |(?:[A-Za-z]\.){2,}                         # U.S., U.N.
    |(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Jr|Sr|St|Prof|Capt|Sgt|Rev|Inc|Corp|Ltd|Jan|Feb|Aug|Sept|Oct|Nov|Dec)\.
    |\d+(?:[.,:]\d+)*                           # 1,000.5  9:30
    |[’']s\b|n[’']t\b                           # clitics: Putin ’s, do n't
    |\w+?(?=n[’']t\b)                           # the word before n't
    |\w+(?:[’'](?![st]\b)\w+)*                  # words, inner apostrophes kept (O'Brien)
    |\S                                         # any other character: punctuation, quote marks
    """,
    re.VERBOSE,
)


@dataclass(slots=True, frozen=True)
class Tok:
    """One token: its text and character offsets into the article text."""

    text: str
    start: int
    end: int


def tokens_of_text(text: str) -> list[Tok]:
    """Tokens of raw text; line breaks are kept as whitespace tokens (they carry the paragraph boundaries)."""
    return [Tok(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def paragraphs(tokens: list[Tok]) -> list[list[Tok]]:
    """Non-space tokens grouped by paragraph (a line break ends a paragraph)."""
    paras: list[list[Tok]] = []
    current: list[Tok] = []
    for tok in tokens:
        if tok.text.isspace():
            if "\n" in tok.text and current:
                paras.append(current)
                current = []
            continue
        current.append(tok)
    if current:
        paras.append(current)
    return paras
