"""The pieces compare aligns: sentence-sized units of quotes and of the narrative around them.

A quote may be one sentence in one outlet and two in another, so quotes are cut at sentence ends inside their
content, and reported speech also before each further claim ("... and that ..."); narrative sentences are the
analysis sentences not mostly covered by quotation-marked speech.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal

from spacy.lang.en.stop_words import STOP_WORDS

from newsprism.analyze.attribution.quotemarks import quoted_regions
from newsprism.analyze.attribution.speakers import ends_with_abbreviation
from newsprism.models import Analysis, Quote, Span

UnitKind = Literal["quote", "sentence"]
MIN_CLAUSE_WORDS = 4     # a quotation-marked part this long is aligned on its own

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’'»)\]]*\s+(?=[\"“‘'«(\[]?[A-Z0-9])")
_NEXT_REPORTED_CLAUSE = re.compile(r"\s(?=(?:and|but)\s+that\s)")
WORD = re.compile(r"[^\W_]+(?:[’'][^\W_]+)?", re.UNICODE)
QUOTE_MARKS = "\"“”„‘’'«»"
_EDGE_CHARS = " \t\r\n,;:—–-" + QUOTE_MARKS
STOPWORDS = frozenset(STOP_WORDS | {"said", "says", "say", "told", "added"})


@dataclass(slots=True)
class Unit:
    """One alignable piece of one article: a sentence of a quote, or a narrative sentence."""

    index: int                 # position in the comparison's unit list
    article: int               # index of the analysis it belongs to
    kind: UnitKind
    span: Span
    text: str
    quote: Quote | None = None
    marked: bool = False       # speech inside quotation marks (not reported speech)
    phrases: list[Span] = field(default_factory=list)   # the quoted words when only a phrase is in quote marks


def words_of(text: str) -> list[str]:
    """Lower-cased word tokens (apostrophes kept inside words)."""
    return [w.lower().replace("’", "'") for w in WORD.findall(text)]


def content_words(text: str) -> set[str]:
    """Word tokens minus stop words: what lexical overlap is measured on."""
    return {w for w in words_of(text) if w not in STOPWORDS}


def lexical_overlap(a: set[str], b: set[str]) -> float:
    """Dice coefficient of two word sets (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return 2.0 * len(a & b) / (len(a) + len(b))


def quote_units(analysis: Analysis, quote: Quote, regions: list[tuple[int, int]]) -> list[tuple[Span, str, bool]]:
    """Sentence-sized pieces of a quote's content, trimmed, each flagged when it is inside quotation marks.

    A mixed quote whose quotation-marked part is a clause is cut there, so the words the speaker said align
    with the other outlets' quotes apart from the reporter's framing; a short marked phrase stays in its sentence.
    """
    text = analysis.article.text
    pieces: list[tuple[Span, str, bool]] = []
    for span in quote.content:
        for start, end, marked in _marked_parts(span, regions, text, quote.kind):
            cursor = start
            for cut in _cuts(text, start, end, regions):
                piece = _trimmed(analysis.article.id, text, cursor, cut)
                if piece is not None:
                    # reported speech cut off the sentence that holds its quoted phrase is not marked speech
                    pieces.append((*piece, marked and (quote.kind == "direct" or _overlaps(piece[0], regions))))
                cursor = cut
    return pieces


def _overlaps(span: Span, regions: list[tuple[int, int]]) -> bool:
    return any(start < span.end and span.start < end for start, end in regions)


def _cuts(text: str, start: int, end: int, regions: list[tuple[int, int]]) -> list[int]:
    """Where a piece ends and the next begins: at sentence ends, and outside quotation marks also before a
    reported clause joined by "and that" / "but that" (two claims that other outlets may report apart)."""
    cuts = [m.start() for m in _SENTENCE_END.finditer(text, start, end) if not ends_with_abbreviation(text, m.start())]
    cuts += [m.start() for m in _NEXT_REPORTED_CLAUSE.finditer(text, start, end)
             if not any(s <= m.start() < e for s, e in regions)]
    return [*sorted(cuts), end]


def _marked_parts(span: Span, regions: list[tuple[int, int]], text: str, kind: str) -> list[tuple[int, int, bool]]:
    """The content span cut into quotation-marked clauses and the rest."""
    if kind == "direct":
        return [(span.start, span.end, True)]
    inner = [(max(s, span.start), min(e, span.end)) for s, e in regions if s < span.end and e > span.start]
    clauses = [(s, e) for s, e in inner if len(words_of(text[s:e])) >= MIN_CLAUSE_WORDS]
    if not clauses:
        return [(span.start, span.end, bool(inner))]
    # the clauses and the reporter's words between them, marked when they hold a quoted phrase ("where
    # “rusted-out factories” are")
    bounds = sorted({span.start, span.end, *(x for clause in clauses for x in clause)})
    return [(s, e, any(s <= rs < e for rs, _ in inner)) for s, e in pairwise(bounds)]


def narrative_sentences(analysis: Analysis) -> list[Span]:
    """Sentences less than half covered by direct or mixed quote content (those are aligned as quotes)."""
    quoted = [s for q in analysis.quotes if q.kind != "indirect" for s in q.content]
    keep = []
    for sent in analysis.sentences:
        covered = sum(max(0, min(sent.end, q.end) - max(sent.start, q.start)) for q in quoted)
        if covered * 2 < max(1, sent.end - sent.start) and len(words_of(sent.text_in(analysis.article.text))) >= 4:
            keep.append(sent)
    return keep


def quoted_phrases(span: Span, regions: list[tuple[int, int]], text: str) -> list[Span]:
    """Quotation-marked phrases inside a piece when they are less than half its words, else none."""
    inner = [Span(span.article_id, max(s, span.start), min(e, span.end)) for s, e in regions
             if s < span.end and e > span.start]
    quoted_words = sum(len(words_of(p.text_in(text))) for p in inner)
    return inner if quoted_words * 2 < len(words_of(span.text_in(text))) else []


def build_units(analyses: list[Analysis]) -> list[Unit]:
    """Every quote piece and narrative sentence of every article, in article and text order."""
    units: list[Unit] = []
    for article, analysis in enumerate(analyses):
        text = analysis.article.text
        regions = quoted_regions(text)
        for quote in analysis.quotes:
            for span, piece, marked in quote_units(analysis, quote, regions):
                phrases = quoted_phrases(span, regions, text) if marked and quote.kind != "direct" else []
                units.append(Unit(len(units), article, "quote", span, piece, quote, marked, phrases))
        for sent in narrative_sentences(analysis):
            units.append(Unit(len(units), article, "sentence", sent, sent.text_in(text)))
    return units


def _trimmed(article_id: str, text: str, start: int, end: int, edge: str = _EDGE_CHARS) -> tuple[Span, str] | None:
    """The span without edge characters, with its text, or None when no word is left."""
    while start < end and text[start] in edge:
        start += 1
    while end > start and text[end - 1] in edge:
        end -= 1
    if not WORD.search(text, start, end):
        return None
    return Span(article_id, start, end), text[start:end]


__all__ = [
    "QUOTE_MARKS",
    "STOPWORDS",
    "WORD",
    "Unit",
    "build_units",
    "content_words",
    "lexical_overlap",
    "narrative_sentences",
    "quote_units",
    "quoted_phrases",
    "words_of",
]
