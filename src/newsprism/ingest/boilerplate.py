"""Page-furniture removal for plain text scraped from web pages, by scoring each line (no phrase lists).

A line is kept when it reads like prose: it ends as a sentence, or is a quotation, or is long. Short
non-sentence lines (site names, reading times, share buttons, bylines, section labels) are dropped; the
first headline-like line at the top becomes the title, without a trailing " | Section" / " - Site" suffix.
Navigation lines (several short capitalised items separated by | · • » or wide spacing) are dropped and never
taken as the title. A short capitalised name on the first line, above the title, is reported as the masthead
(the outlet's name). Across documents of one outlet, short lines that recur in several documents are dropped too.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from newsprism.models import normalize_text

_WORD = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)
_TOKEN = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*\s*$")
_OPEN_QUOTES = "\"“„«‘'"
_CLOSE_QUOTES = "\"”»’'"
_TITLE_PIPE = re.compile(r"\s+[|•·»]\s+[^|•·»]+$")
_TITLE_DASH = re.compile(r"\s+[-–—]\s+([^-–—]+)$")
_NAV_SPLIT = re.compile(r"\s*[|·•»]\s*|\s{2,}|\t+")
_DIGIT = re.compile(r"\d")

PROSE_MIN_WORDS = 3        # a punctuated sentence shorter than this is a label ("Read more.")
LONG_LINE_WORDS = 14       # unpunctuated lines this long are prose (truncated sentences, captions)
HEADLINE_MIN_WORDS = 4
HEADLINE_MAX_WORDS = 30
EDGE_LINES = 3             # lines this close to the start/end are judged more strictly
EDGE_LONG_LINE_WORDS = 20
REPEAT_MAX_WORDS = 14      # only short lines can be cross-document furniture
REPEAT_MIN_DOCS = 2        # seen in this many earlier documents of the outlet: furniture
NAV_MIN_ITEMS = 3          # a menu has at least this many items ...
NAV_MAX_ITEM_WORDS = 3     # ... each of at most this many words
MASTHEAD_MIN_WORDS = 2     # a single capitalised word on top is as likely a section label as a name
MASTHEAD_MAX_WORDS = 6


@dataclass(slots=True)
class CleanText:
    """The result of cleaning: body paragraphs joined by blank lines, the title found, the lines dropped."""

    text: str
    title: str = ""
    removed: list[str] = field(default_factory=list)
    masthead: str = ""      # the outlet's name printed above the title, when there is one


@dataclass(slots=True)
class RepeatedLines:
    """Counts, per outlet, in how many distinct documents each short line occurred."""

    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    seen_docs: set[str] = field(default_factory=set)

    def is_repeated(self, outlet: str, line: str) -> bool:
        """True when `line` already occurred in REPEAT_MIN_DOCS earlier documents of `outlet`."""
        return bool(outlet) and self.counts[outlet][normalize_text(line)] >= REPEAT_MIN_DOCS

    def add_document(self, outlet: str, lines: list[str]) -> None:
        """Count the short lines of one document (each document once, by content)."""
        if not outlet:
            return
        doc_key = normalize_text(" ".join(lines))
        if doc_key in self.seen_docs:
            return
        self.seen_docs.add(doc_key)
        short = {normalize_text(ln) for ln in lines if _word_count(ln) <= REPEAT_MAX_WORDS}
        self.counts[outlet].update(short)


def clean_plain_text(text: str, outlet: str = "", repeated: RepeatedLines | None = None) -> CleanText:
    """Remove page furniture from `text`; paragraphs come back separated by blank lines."""
    lines = split_paragraphs(text)
    # judged on the raw lines: wide spacing between menu items is gone once paragraphs are normalised
    nav = {" ".join(raw.split()) for raw in text.splitlines() if is_nav_line(raw)}
    title, title_index = _find_title(lines, nav)
    masthead = lines[0] if title_index and is_masthead_line(lines[0]) and lines[0] not in nav else ""
    kept: list[str] = []
    removed: list[str] = []
    for index, line in enumerate(lines):
        if index == title_index:
            removed.append(line)
            continue
        at_edge = index < EDGE_LINES or index >= len(lines) - EDGE_LINES
        drop = line in nav or not is_prose_line(line, at_edge) or (
            repeated is not None and _word_count(line) <= REPEAT_MAX_WORDS and repeated.is_repeated(outlet, line)
        )
        (removed if drop else kept).append(line)
    if repeated is not None:
        repeated.add_document(outlet, lines)
    return CleanText(text="\n\n".join(kept), title=title, removed=removed, masthead=masthead)


def is_nav_line(line: str) -> bool:
    """A site menu or breadcrumb: NAV_MIN_ITEMS+ short capitalised items split by | · • » or wide spacing."""
    items = [item for item in _NAV_SPLIT.split(line.strip()) if item]
    if len(items) < NAV_MIN_ITEMS:
        return False
    return all(
        1 <= _word_count(item) <= NAV_MAX_ITEM_WORDS and item[0].isupper() and not _SENTENCE_END.search(item)
        for item in items
    )


def is_masthead_line(line: str) -> bool:
    """A publication name: a few words, the first and every long one capitalised, no digits or end punctuation."""
    words = _WORD.findall(line)
    if not MASTHEAD_MIN_WORDS <= len(words) <= MASTHEAD_MAX_WORDS:
        return False
    if _DIGIT.search(line) or _SENTENCE_END.search(line) or _is_quotation(line):
        return False
    # lower-case words allowed only as short joiners ("Voice of the Valley")
    return words[0][0].isupper() and all(w[0].isupper() or len(w) <= 3 for w in words)


def split_paragraphs(text: str) -> list[str]:
    """Non-empty paragraphs: one per line, except hard-wrapped blocks, which are joined back."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if _looks_hard_wrapped(lines):
            paragraphs.append(" ".join(lines))
        else:
            paragraphs.extend(lines)
    return [" ".join(p.split()) for p in paragraphs]


def _looks_hard_wrapped(lines: list[str]) -> bool:
    """A block whose lines (all but the last) are of similar width and mostly stop mid-sentence."""
    if len(lines) < 2:
        return False
    body = lines[:-1]
    widths = [len(ln) for ln in body]
    open_ended = sum(not _SENTENCE_END.search(ln) for ln in body)
    return min(widths) >= 40 and max(widths) - min(widths) <= 25 and open_ended * 2 > len(body)


def is_prose_line(line: str, at_edge: bool = False) -> bool:
    """True when `line` reads as article prose rather than page furniture."""
    words = _word_count(line)
    if words == 0:
        return False
    if _is_quotation(line) and words >= 2:
        return True
    long_enough = EDGE_LONG_LINE_WORDS if at_edge else LONG_LINE_WORDS
    if words >= long_enough:
        return True
    if not _SENTENCE_END.search(line) or words < PROSE_MIN_WORDS:
        return False
    # a punctuated line made only of capitalised words and numbers is a label ("Updated 5 May 2024.")
    return _lowercase_ratio(line) > 0.0 or words >= 6


def _find_title(lines: list[str], nav: set[str] | frozenset[str] = frozenset()) -> tuple[str, int | None]:
    """The first headline-like line among the leading non-prose lines (menus skipped), with its suffix stripped."""
    for index, line in enumerate(lines[: EDGE_LINES + 3]):
        if line in nav or is_nav_line(line):
            continue
        if is_prose_line(line, at_edge=False) and _SENTENCE_END.search(line) and not line.endswith(("?", ":")):
            return "", None
        words = _word_count(line)
        title = strip_title_suffix(line)
        if HEADLINE_MIN_WORDS <= words <= HEADLINE_MAX_WORDS and (title != line or not _is_quotation(line)):
            return title, index
    return "", None


def strip_title_suffix(title: str) -> str:
    """Drop a trailing " | Section" or a short capitalised " - Site Name" from a headline."""
    stripped = _TITLE_PIPE.sub("", title).strip()
    if _word_count(stripped) >= 2:
        title = stripped
    dash = _TITLE_DASH.search(title)
    if dash:
        suffix = dash.group(1)
        head = title[: dash.start()]
        if _word_count(suffix) <= 4 and _lowercase_ratio(suffix) == 0.0 and _word_count(head) >= 3:
            title = head
    return title.strip()


def _is_quotation(line: str) -> bool:
    """A paragraph that opens with a quote mark and closes one: a quoted utterance, always content."""
    stripped = line.strip()
    return len(stripped) > 2 and stripped[0] in _OPEN_QUOTES and any(q in stripped[1:] for q in _CLOSE_QUOTES)


def _word_count(line: str) -> int:
    return len(_WORD.findall(line))


def _lowercase_ratio(line: str) -> float:
    """Share of alphabetic words that start lower-case (function words and verbs in running prose)."""
    words = _WORD.findall(line)
    if not words:
        return 0.0
    return sum(w[0].islower() for w in words) / len(words)
