"""From BIO (or BILOU) tags to attributions: spans per role, grouped around their cue, then whole-text repairs.

Grouping: each cue anchors one attribution; a source or content span joins the nearest cue of its paragraph,
except unquoted content a sentence away from it (a new statement, its speaker carried over). Content without a cue
continues the previous attribution when that quote was left open at the end of the previous paragraph, or joins
the next paragraph's attribution when it is itself left open; else it stands alone (`continued`: its speaker is
the previous one). Repairs: content reaching into a quoted passage takes all of it; a cue with a source but no
content takes the rest of its sentence, else the clause before it ("..., a source said", swallowing an attribution
nested in it), else the next paragraph ("X said:"); quoted passages of 4+ words the tagger missed become direct
quotes (joining the next paragraph's quote when left open); a quote signed on its line with a dash and a name
("“...” ― Jane Doe") takes the dash as cue and the name as source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsprism.analyze.attribution.model import TaggedParagraph
from newsprism.analyze.attribution.quotemarks import QUOTE_CHARS
from newsprism.analyze.attribution.speakers import (
    NAME_PARTICLES,
    SENTENCE_BREAK,
    ends_with_abbreviation,
)

Frag = tuple[int, int]


@dataclass(slots=True)
class RawSpan:
    """One contiguous labelled span: role, character range, token range within its paragraph, confidence."""

    role: str
    start: int
    end: int
    first: int
    last: int
    confidence: float


@dataclass(slots=True)
class Attribution:
    """One decoded attribution (offsets into the article text)."""

    content: list[Frag] = field(default_factory=list)
    source: Frag | None = None
    cue: Frag | None = None
    paragraph: int = -1
    confidence: float = 1.0
    continued: bool = False


def spans_of(para: TaggedParagraph) -> list[RawSpan]:
    """Contiguous same-role runs of a paragraph's labels, BIO or BILOU (an I-/L- without B- starts a span too)."""
    spans: list[RawSpan] = []
    current: RawSpan | None = None
    confs: list[float] = []
    for i, (tok, label) in enumerate(zip(para.tokens, para.labels, strict=True)):
        if label == "O":
            current = None
            continue
        tag, role = label.split("-", 1)
        if current is not None and tag in "IL" and current.role == role:
            current.end, current.last = tok.end, i
            confs.append(para.confidence[i])
            current.confidence = sum(confs) / len(confs)
        else:
            confs = [para.confidence[i]]
            current = RawSpan(role, tok.start, tok.end, i, i, para.confidence[i])
            spans.append(current)
        if tag in "LU":
            current = None  # a BILOU span ends here
    return spans


def _nearest_cue(span: RawSpan, cues: list[RawSpan], text: str) -> RawSpan | None:
    """The cue closest to `span` in tokens, one in the same sentence first: ‘“...,” Ann Lee added’ belongs to
    "added", not to a cue that ends the sentence before."""
    if not cues:
        return None

    def distance(cue: RawSpan) -> tuple[bool, int]:
        gap = cue.first - span.last if cue.first > span.last else span.first - cue.last
        between = text[span.end : cue.start + 1] if span.end <= cue.start else text[cue.end : span.start + 2]
        return bool(SENTENCE_BREAK.search(between)), gap

    return min(cues, key=distance)


def group(tagged: list[TaggedParagraph], text: str) -> list[Attribution]:
    """Attributions of an article from its tagged paragraphs, in text order."""
    result: list[Attribution] = []
    previous: Attribution | None = None
    for p_index, para in enumerate(tagged):
        spans = spans_of(para)
        cues = [s for s in spans if s.role == "CUE"]
        by_cue: dict[int, Attribution] = {
            id(c): Attribution(cue=(c.start, c.end), paragraph=p_index, confidence=c.confidence) for c in cues
        }
        orphans: list[RawSpan] = []
        for span in spans:
            if span.role == "CUE":
                continue
            cue = _nearest_cue(span, cues, text)
            if cue is None or span.role == "CON" and _other_sentence(span, cue, text):
                orphans.append(span)
                continue
            attribution = by_cue[id(cue)]
            if span.role == "SRC":
                if attribution.source is None or _closer(span, cue, attribution.source):
                    attribution.source = (span.start, span.end)
            else:
                attribution.content.append((span.start, span.end))
        in_para = [a for a in by_cue.values() if a.content or a.source]
        near = previous is not None and previous.paragraph >= p_index - 2
        for span in (s for s in orphans if s.role == "CON"):
            frag = (span.start, span.end)
            first_in_para = not in_para or frag[0] < min(_first_offset(a) for a in in_para)
            if first_in_para and near and previous.paragraph == p_index - 1 and _runs_on(previous, text):
                previous.content.append(frag)
                continue
            in_para.append(Attribution(content=[frag], paragraph=p_index, confidence=span.confidence,
                                       continued=near or bool(in_para)))
        in_para.sort(key=_first_offset)
        result.extend(in_para)
        if in_para:
            previous = in_para[-1]
            previous.paragraph = p_index
    for attribution in result:
        attribution.content.sort()
    return _merge_open_quotes_forward(result, text)


def _first_offset(attribution: Attribution) -> int:
    """Where an attribution starts in the text (content, cue or source)."""
    starts = [f[0] for f in attribution.content]
    starts += [f[0] for f in (attribution.cue, attribution.source) if f is not None]
    return min(starts)


def _other_sentence(span: RawSpan, cue: RawSpan, text: str) -> bool:
    """An unquoted span separated from its cue by a sentence end belongs to another statement."""
    if text[span.start] in QUOTE_CHARS:
        return False
    between = text[span.end : cue.start + 1] if span.end <= cue.start else text[cue.end : span.start + 1]
    return bool(SENTENCE_BREAK.search(between))


def _merge_open_quotes_forward(attributions: list[Attribution], text: str) -> list[Attribution]:
    """An uncued quote left open at its paragraph's end joins the next paragraph's attribution (speaker below)."""
    out: list[Attribution] = []
    pending: Attribution | None = None
    for attribution in attributions:
        if pending is not None:
            starts_quoted = bool(attribution.content) and text[attribution.content[0][0]] in "“\"„"
            if attribution.paragraph == pending.paragraph + 1 and starts_quoted and attribution.cue is not None:
                attribution.content = pending.content + attribution.content
                attribution.continued = False
            else:
                out.append(pending)
            pending = None
        if attribution.cue is None and attribution.source is None and _runs_on(attribution, text):
            pending = attribution
            continue
        out.append(attribution)
    if pending is not None:
        out.append(pending)
    return out


def _closer(span: RawSpan, cue: RawSpan, current: Frag) -> bool:
    """Whether `span` sits closer to `cue` than the current source."""
    new_gap = min(abs(cue.start - span.end), abs(span.start - cue.end))
    old_gap = min(abs(cue.start - current[1]), abs(current[0] - cue.end))
    return new_gap < old_gap


def _runs_on(previous: Attribution, text: str) -> bool:
    """Whether the previous attribution's quote was left open at its paragraph's end (continued below)."""
    if not previous.content:
        return False
    start, end = previous.content[-1]
    line_start = text.rfind("\n", 0, start) + 1
    quoted = text[line_start:end]
    rest = text[end:].split("\n", 1)[0].strip()
    opened = quoted.count("“") > quoted.count("”") or quoted.count('"') % 2 == 1
    return opened and not rest.strip(".,;:!?…)")


def add_uncovered_quotes(attributions: list[Attribution], regions: list[Frag], text: str) -> list[Attribution]:
    """Quoted passages of 4+ words the tagger missed become direct quotes, speaker carried from just before; one
    left open at its paragraph's end joins the quote that opens the next paragraph, when that one has a cue."""
    line_of = _line_index(text)
    out = list(attributions)
    for start, end in regions:
        if len(text[start:end].split()) < 4 or any(s < end and start < e for a in out for s, e in a.content):
            continue
        paragraph = line_of(start)
        before = [a for a in out if a.content and a.content[0][0] < start]
        near = bool(before) and line_of(before[-1].content[-1][0]) >= paragraph - 1
        added = Attribution(content=[(start, end)], paragraph=paragraph, confidence=0.5, continued=near)
        following = [a for a in out if a.content and a.cue is not None and line_of(a.content[0][0]) == paragraph + 1
                     and text[a.content[0][0]] in "“\"„"]
        if following and _runs_on(added, text):
            # a quote left open at its paragraph's end goes on in the next one: one quote, that one's speaker
            opening = start - 1 if start > 0 and text[start - 1] in QUOTE_CHARS else start
            following[0].content.insert(0, (opening, end))
            continue
        out.append(added)
        out.sort(key=lambda a: a.content[0][0] if a.content else (a.cue or (0, 0))[0])
    return out


def _line_index(text: str):
    """A function from character offset to the index of its paragraph (non-blank line), as `paragraphs` counts."""
    import bisect
    import re

    starts = [m.start() for m in re.finditer(r"[^\n]*\S[^\n]*", text)]
    return lambda offset: max(0, bisect.bisect_right(starts, offset) - 1)


_SENTENCE_END = re.compile(r"[.!?][”\"’)]?(?=\s|$)|\n")
_LEAD = " ,:—–-"


def fill_missing_content(attributions: list[Attribution], text: str) -> list[Attribution]:
    """A cue with its source but no content tagged gets the nearest plausible content, first that applies:
    the rest of the sentence after them ("According to X, ...", "X said Friday that ..."; a leading "that"
    included, as PolNeAR marks it), the sentence before them ("..., a source said."), or the next paragraph
    ("X said:"). Each must be three words or more and not already taken by another attribution, except that
    it swallows a speakerless, cueless content wholly inside it, and the sentence before swallows any
    attribution nested wholly inside it ("A called for B, sources said": PolNeAR marks only the outer one)."""
    dropped: set[int] = set()
    for attribution in attributions:
        if attribution.content or attribution.cue is None or attribution.source is None:
            continue
        head = min(attribution.cue[0], attribution.source[0])
        tail = max(attribution.cue[1], attribution.source[1])
        before = _sentence_before(text, head)
        for frag in (_rest_of_sentence(text, tail), before, _next_paragraph(text, tail)):
            if frag is None or len(text[frag[0] : frag[1]].split()) < 3:
                continue
            others = [a for a in attributions if a is not attribution and id(a) not in dropped
                      and any(s < frag[1] and frag[0] < e for s, e in a.content)]
            if others and all(_inside(a, frag) and (frag is before or a.cue is None and a.source is None)
                              for a in others):
                dropped.update(id(a) for a in others)
                others = []
            if not others:
                attribution.content = [frag]
                break
    return [a for a in attributions if id(a) not in dropped]


def _inside(attribution: Attribution, frag: Frag) -> bool:
    """Whether every part of an attribution lies within `frag`."""
    parts = list(attribution.content) + [p for p in (attribution.cue, attribution.source) if p is not None]
    return all(frag[0] <= s and e <= frag[1] for s, e in parts)


_SENTENCE_GAP = re.compile(r"[.!?][”\"’)]?\s+")


def _rest_of_sentence(text: str, start: int) -> Frag | None:
    """From `start` (past separators) to the end of its sentence."""
    while start < len(text) and text[start] in _LEAD:
        start += 1
    ends = (m.start() for m in _SENTENCE_END.finditer(text, start) if not ends_with_abbreviation(text, m.start() + 1))
    end = next(ends, len(text))
    return (start, end) if end > start else None


def _sentence_before(text: str, head: int) -> Frag | None:
    """The clause from its sentence's start up to the comma just before `head` ("..., the source added.")."""
    end = head
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    if end == 0 or text[end - 1] not in ",—–":
        return None
    end -= 1
    line_start = text.rfind("\n", 0, end) + 1
    start = line_start
    for match in _SENTENCE_GAP.finditer(text, line_start, end):
        if not ends_with_abbreviation(text, match.start() + 1):
            start = match.end()
    return (start, end) if end > start else None


def _next_paragraph(text: str, tail: int) -> Frag | None:
    """The whole next paragraph, when the cue or source ends its paragraph with a colon ("X said:")."""
    rest, newline, _after = text[tail:].partition("\n")
    if not newline or rest.strip() not in {":", ""}:
        return None
    if rest.strip() != ":" and not text[:tail].rstrip().endswith(":"):
        return None
    start = tail + len(rest) + 1
    while start < len(text) and text[start].isspace():
        start += 1
    line_end = text.find("\n", start)
    end = len(text) if line_end < 0 else line_end
    return (start, end) if end > start else None


def extend_to_quotes(attributions: list[Attribution], regions: list[Frag], text: str) -> list[Attribution]:
    """A content fragment that reaches into a quoted passage takes all of it, marks included: quotes are whole."""
    for attribution in attributions:
        extended = []
        for start, end in attribution.content:
            for r_start, r_end in regions:
                if r_start < end and start < r_end:
                    opening = r_start - 1 if r_start > 0 and text[r_start - 1] in QUOTE_CHARS else r_start
                    closing = r_end + 1 if r_end < len(text) and text[r_end] in QUOTE_CHARS else r_end
                    start, end = min(start, opening), max(end, closing)
            extended.append((start, end))
        attribution.content = _merge_overlaps(extended)
    return attributions


def _merge_overlaps(frags: list[Frag]) -> list[Frag]:
    """Sorted fragments with overlapping ones joined."""
    out: list[Frag] = []
    for start, end in sorted(frags):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


_NAME_WORD = rf"(?:[A-Z][\w'’-]*\.?|{NAME_PARTICLES})"
_SPACE = r"[^\S\n]"  # a space, tab or no-break space: within the line
_SIGNATURE = re.compile(
    rf"[”\"’]?{_SPACE}*([―—–]){_SPACE}*({_NAME_WORD}(?:{_SPACE}+{_NAME_WORD}){{0,4}}){_SPACE}*[.,]?{_SPACE}*$"
)


def sign_quotes(attributions: list[Attribution], text: str) -> list[Attribution]:
    """A quote without cue or source that fills its line up to a dash and a name ("“...” ― Jane Doe.", as in
    readers' testimonials) is that person's: the dash is the cue, the name (without a final period) the source."""
    for attribution in attributions:
        if attribution.cue is not None or attribution.source is not None or not attribution.content:
            continue
        start, end = attribution.content[0][0], attribution.content[-1][1]
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        quoted = text[start] in QUOTE_CHARS or start > 0 and text[start - 1] in QUOTE_CHARS
        if not quoted or text[line_start:start].strip().strip(QUOTE_CHARS):
            continue
        match = _SIGNATURE.match(text, end, line_end)
        if match is None or match.end() != line_end:
            continue
        name_start, name_end = match.span(2)
        last_word = text[name_start:name_end].split()[-1]
        if last_word.endswith(".") and len(last_word) > 2:  # "Sanchez." ends the line; "Edwin G." keeps its initial
            name_end -= 1
        attribution.cue = match.span(1)
        attribution.source = (name_start, name_end)
        attribution.continued = False
    return attributions
