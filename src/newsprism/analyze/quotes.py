"""Quotes with speakers: who said what, in which words, marked by which cue.

`find_quotes(text)` works on raw text (fast: regex tokenizer + CRF tagger, no spaCy; names found heuristically);
the analyze component `quotes` tags the same way and takes person names from the entities component (or the
parsed Doc's PERSON entities). Both decode the trained tagger's source/cue/content spans (see `attribution`).
"""

from __future__ import annotations

import logging
import re

from newsprism.analyze import component
from newsprism.analyze.attribution.decoding import (
    Attribution,
    Frag,
    add_uncovered_quotes,
    extend_to_quotes,
    fill_missing_content,
    group,
    sign_quotes,
)
from newsprism.analyze.attribution.model import load_tagger
from newsprism.analyze.attribution.quotemarks import QUOTE_CHARS, inside_mask, quoted_regions
from newsprism.analyze.attribution.speakers import (
    Person,
    SpeakerResolver,
    full_names,
    heuristic_persons,
    strip_titles,
    titles_around,
)
from newsprism.analyze.attribution.tokens import Tok, tokens_of_text
from newsprism.models import Analysis, Quote, QuoteKind, Span, stable_id
from newsprism.settings import Settings

log = logging.getLogger(__name__)

_PERSON_KINDS = frozenset({"PERSON", "PER"})
_TRIM = " \t\r\n,;:—–-"
_TIME_AFTER_CUE = re.compile(
    r"\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|tonight)"
    r"(?:\s+(?:morning|afternoon|evening|night))?\s+"
)
_ADDRESSEE_CUES = frozenset({"told", "tells", "tell", "assured", "informed", "reminded", "warned"})
_THAT_AFTER_ADDRESSEE = re.compile(r"(?:[^\s\"“”]+\s+){1,14}?(?=that\s)")  # a listener, at most 14 words
_NOT_IN_A_LISTENER = ("VB", "MD", "TO", "W", "PRP")
_DATELINE = re.compile(  # "WASHINGTON -", "KYIV, Ukraine —", "LONDON (Reuters) -"
    r"[A-Z][A-Z.'’]+(?:[ ,]+[A-Z][A-Za-z.'’]+)*\s*(?:\([^()\n]{1,40}\)\s*)?[-—–]+\s+")
_SPEAKER_LABEL = re.compile(r"[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+)?:\s+")  # a transcript's "PENCE: "


def find_quotes(text: str, settings: Settings | None = None, article_id: str = "") -> list[Quote]:
    """Quotes in raw text, offsets into `text` exactly as given.

    Args:
        text: article text (any size; paragraphs separated by line breaks).
        settings: `analyze.quote_encoder` adds the transformer to the tagger (default settings: CRF only).
        article_id: id put on the quotes and their spans ("" for a one-off text).
    Returns:
        Quotes in text order.
    Raises:
        ModelError: the trained attribution model is not installed.

    Example:
        >>> [q.speaker for q in find_quotes('"We will win," Jane Doe said.')]
        ['Jane Doe']
    """
    use_encoder = settings is not None and settings.analyze.quote_encoder
    return extract_quotes(text, tokens_of_text(text), heuristic_persons(text), article_id, use_encoder)


@component("quotes")
def quotes_component(doc, analysis: Analysis, settings: Settings) -> None:
    """Fill `analysis.quotes` from the parsed article."""
    text = analysis.article.text
    analysis.quotes = extract_quotes(text, tokens_of_text(text), persons_of(doc, analysis), analysis.article.id,
                                     settings.analyze.quote_encoder)


def persons_of(doc, analysis: Analysis) -> list[Person]:
    """People in the article: the entities component's mentions, else the Doc's PERSON entities, else heuristics."""
    text = analysis.article.text
    people = [m for m in analysis.mentions if m.kind.upper() in _PERSON_KINDS]
    if people:
        return [
            Person(m.span.start, m.span.end, m.entity or m.surface, titles_around(text, m.span.start, m.span.end))
            for m in people
        ]
    persons = []
    for ent in getattr(doc, "ents", ()):
        if ent.label_ not in _PERSON_KINDS:
            continue
        words = strip_titles(ent.text.split())
        if words:
            titles = titles_around(text, ent.start_char, ent.end_char)
            persons.append(Person(ent.start_char, ent.end_char, " ".join(words), titles))
    return full_names(persons) if persons else heuristic_persons(text)


def extract_quotes(text: str, tokens: list[Tok], persons: list[Person], article_id: str,
                   use_encoder: bool = False) -> list[Quote]:
    """Tag, decode, resolve speakers and build the `Quote`s."""
    tagger = load_tagger(None, use_encoder)
    regions = quoted_regions(text)
    attributions = fill_missing_content(group(tagger.tag(text, tokens), text), text)
    attributions = add_uncovered_quotes(extend_to_quotes(attributions, regions, text), regions, text)
    attributions = sign_quotes(attributions, text)
    inside = inside_mask(len(text), regions)
    resolver = SpeakerResolver(text, persons)
    quotes = []
    for attribution in attributions:
        if attribution.source is not None:
            attribution.source = _after_dateline(text, attribution.source)
        first = attribution.content[0][0] if attribution.content else None
        cue = attribution.cue[0] if attribution.cue else None
        speaker = resolver.resolve(attribution.source, attribution.continued, attribution.paragraph, first, cue)
        if attribution.source is not None and resolver.is_function_word(*attribution.source):
            attribution.source = None
        content = [f for f in (_trim(text, frag) for frag in attribution.content) if f is not None]
        if content:
            content[0] = _after_dateline(text, content[0])
        if content and attribution.cue is not None:
            content[0] = _after_addressee(text, _after_time_words(text, content[0], attribution.cue[1]),
                                          attribution.cue, tagger.lexicon.pos)
        if not content:
            continue
        quotes.append(_quote(text, attribution, content, speaker, inside, article_id))
    return quotes


def _quote(
    text: str, attribution: Attribution, content: list[Frag], speaker: str | None, inside: bytearray, article_id: str
) -> Quote:
    """One `Quote` from a decoded attribution."""
    start, end = content[0][0], content[-1][1]
    return Quote(
        id=stable_id(article_id, str(start), str(end)),
        article_id=article_id,
        kind=quote_kind(text, content, inside),
        content=[Span(article_id, s, e) for s, e in content],
        speaker=speaker,
        speaker_span=_span(article_id, attribution.source),
        cue_span=_span(article_id, attribution.cue),
        confidence=round(attribution.confidence, 4),
    )


def _span(article_id: str, frag: Frag | None) -> Span | None:
    return None if frag is None else Span(article_id, frag[0], frag[1])


def _trim(text: str, frag: Frag) -> Frag | None:
    """A content fragment without surrounding spaces, separating punctuation and a leading transcript label
    ("PENCE: Well, ...", also just inside a quote mark); None when nothing is left."""
    start, end = frag
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    quoted = start < end and text[start] in QUOTE_CHARS
    label = _SPEAKER_LABEL.match(text, start + quoted, end)
    if label is not None:
        start = label.end()
        if quoted and text[end - 1] in QUOTE_CHARS:  # the mark that closes the one before the label
            end -= 1
    return (start, end) if end > start else None


def _after_dateline(text: str, frag: Frag) -> Frag:
    """A source or content span without the dateline the article opens with ("PORT ELDMOOR - The mayor ..." ->
    "The mayor ..."): the place a story was filed from is neither who spoke nor what was said."""
    dateline = _DATELINE.match(text, frag[0], frag[1])
    return (dateline.end(), frag[1]) if dateline is not None and dateline.end() < frag[1] else frag


def _after_time_words(text: str, frag: Frag, cue_end: int) -> Frag:
    """Content that opens right after its cue with when it was said ("said Thursday the ferry would stop ...")
    starts after those words; a day that is the subject ("Tuesday's vote was ...") stays."""
    when = _TIME_AFTER_CUE.match(text, cue_end)
    if when is None or not cue_end <= frag[0] < when.end() < frag[1]:
        return frag
    return when.end(), frag[1]


def _after_addressee(text: str, frag: Frag, cue: Frag, word_class: dict[str, str]) -> Frag:
    """Content that opens right after "told" (or another verb naming whom it was said to) with that listener
    ("told the harbour board in Varde on Monday that ...") starts at the "that". The listener is a noun phrase:
    no verb, "to", pronoun or wh-word in it (by the tagger's word classes)."""
    if text[cue[0] : cue[1]].lower() not in _ADDRESSEE_CUES or frag[0] < cue[1] or text[cue[1] : frag[0]].strip():
        return frag
    that = _THAT_AFTER_ADDRESSEE.match(text, frag[0], frag[1])
    if that is None:
        return frag
    words = (w.strip(",.").lower() for w in that.group().split())
    if any(word_class.get(w, "NN").startswith(_NOT_IN_A_LISTENER) for w in words):
        return frag
    return that.end(), frag[1]


def quote_kind(text: str, content: list[Frag], inside: bytearray) -> QuoteKind:
    """direct: every word inside quote marks; mixed: some; indirect: none."""
    quoted = unquoted = 0
    for start, end in content:
        for i in range(start, end):
            ch = text[i]
            if ch.isalnum():
                if inside[i]:
                    quoted += 1
                else:
                    unquoted += 1
            elif ch in QUOTE_CHARS:
                continue
    if quoted and not unquoted:
        return "direct"
    return "mixed" if quoted else "indirect"


__all__ = ["extract_quotes", "find_quotes", "persons_of", "quote_kind", "quotes_component"]
