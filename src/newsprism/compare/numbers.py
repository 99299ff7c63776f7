"""Numbers across articles: the same fact given different values (conflict) or stated by one outlet only.

Two numbers speak of the same fact when their sentences are alike, or when the words around them match: for a
count, the counted words after it ("48-page indictment"), or the counted word and what happened; for a date or
a time, what happened then ("resigned Monday"). They conflict when their values differ, neither article states
the other's value anywhere (nor one that allows it: "June 25" for "June"), and the ranges their wording allows
do not meet ("more than $700 billion" allows $716 billion). The numbers are the analyze stage's facts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from newsprism.analyze.facts import CURRENCIES, SCALES, SMALL, TENS
from newsprism.compare.units import STOPWORDS, content_words, lexical_overlap, words_of
from newsprism.models import Analysis, Span

_CONTEXT_WORDS = 4
TRIVIAL_VALUES = frozenset({"0", "1"})   # "one of the goals": a count nobody needs flagged as unique
SIMILAR_SENTENCES = 0.35     # lexical overlap of two sentences from which one shared noun is enough
WHEN_KINDS = frozenset({"date", "year", "time"})   # facts saying when, not how many
ROUNDING = 0.1               # "about 40" allows 36 to 44; "nearly 40" 36 to 40
# Words before a figure that make it a bound or an estimate: the share of the value it may be below and above.
_HEDGES: dict[str, tuple[float, float]] = {
    **dict.fromkeys(("more than", "over", "above", "at least", "upwards of", "in excess of", "exceeding"),
                    (0.0, math.inf)),
    **dict.fromkeys(("less than", "fewer than", "under", "below", "up to", "at most", "as many as"), (1.0, 0.0)),
    **dict.fromkeys(("nearly", "almost", "just under", "close to"), (ROUNDING, 0.0)),
    **dict.fromkeys(("about", "around", "roughly", "approximately", "some", "an estimated", "estimated", "circa"),
                    (ROUNDING, ROUNDING)),
}
_BOUNDS = frozenset(h for h, (below, above) in _HEDGES.items() if above == math.inf or below == 1.0)
_HEDGE_RE = re.compile(r"(?:^|\s)(" + "|".join(sorted(map(re.escape, _HEDGES), key=len, reverse=True)) + r")\s*$")
CONVERTED = 0.05            # a figure converted from another unit is rounded: "64 kilometres" is "40 miles"
# Units one outlet may convert into another's: (base unit, size in it). Units are singular, as facts give them.
_UNIT_SIZES: dict[str, tuple[str, float]] = {
    **dict.fromkeys(("m", "metre", "meter"), ("m", 1.0)),
    **dict.fromkeys(("km", "kilometre", "kilometer"), ("m", 1000.0)),
    **dict.fromkeys(("mile",), ("m", 1609.344)),
    **dict.fromkeys(("ft", "foot", "feet"), ("m", 0.3048)),
    **dict.fromkeys(("yard",), ("m", 0.9144)),
    **dict.fromkeys(("cm", "centimetre", "centimeter"), ("m", 0.01)),
    **dict.fromkeys(("inch",), ("m", 0.0254)),
    **dict.fromkeys(("kg", "kilogram", "kilo"), ("kg", 1.0)),
    **dict.fromkeys(("lb", "pound"), ("kg", 0.45359237)),
    **dict.fromkeys(("litre", "liter"), ("l", 1.0)),
    **dict.fromkeys(("gallon",), ("l", 3.785411784)),
    **dict.fromkeys(("hectare",), ("m2", 10000.0)),
    **dict.fromkeys(("acre",), ("m2", 4046.8564224)),
    "km/h": ("km/h", 1.0), "mph": ("km/h", 1.609344), "knot": ("km/h", 1.852),
    "°c": ("°c", 1.0), "°f": ("°c", 5 / 9),
}
_UNIT_OFFSETS = {"°f": -160 / 9}     # 32 °F is 0 °C
_ROUNDED_BY = {"°c": 0.6}            # a whole Fahrenheit degree converted, or a whole Celsius one, in °C
_CURRENCIES = frozenset(code.lower() for code in CURRENCIES.values())   # as units of values: "110000000000eur"
_TIME_WORDS = frozenset({"early", "late", "earlier", "later", "overnight"})   # "died early Monday": not the event
_RAW_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_APPOSITIVE = re.compile(r"((?:[A-Z][\w'’-]+\s+)*[A-Z][\w'’-]+),\s*$")   # the name before "Ann Lee, 43,"
_DATE_VALUE = re.compile(r"(\d{4}|-)-(\d{2})(?:-(\d{2}))?")   # "2022-09-30", "2022-09", "--09-30", "--09"
_YEAR_VALUE = re.compile(r"\d{4}")
_CLOCK_VALUE = re.compile(r"\d{1,2}:\d{2}")
_DOUBLE_QUOTES = ('"', "“", "”")
_FIGURE_START = re.compile(r"[$€£¥\d]|\b(?:" + "|".join(sorted({*SMALL, *TENS, *SCALES}, key=len, reverse=True)) + r")\b")
_UNIT_VALUE = re.compile(r"-?\d+(?:\.\d+)?[a-z]+")   # "5year", "20minute": a figure with a unit word
_NUMERIC_VALUE = re.compile(r"(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)([a-z%°/]*)")   # "716000000000.0usd", "-5.0°c"


@dataclass(slots=True)
class Number:
    """One number in one article, with its normalized value and the words around it."""

    article: int
    span: Span
    surface: str
    value: str
    sentence: Span
    after: list[str]
    before: list[str]
    hedge: str = ""   # "more than", "about", ... when the wording makes the figure a bound or an estimate
    when: bool = False  # a date or a time
    event: str = ""   # what happened: the content word before it, else after it ("resigned" Monday)

    @property
    def context(self) -> set[str]:
        return set(self.after) | set(self.before)

    @property
    def about(self) -> str:
        """What the number is about: what happened at a date, else the two counted words after it, else (a
        figure ending its sentence) what happened before it."""
        return self.event if self.when else " ".join(self.after[:2]) or self.event

    def allowed(self, bounds: bool = True) -> tuple[float, float, str, str] | None:
        """(lowest, highest, base unit, unit as written) the figure's wording allows, lengths, weights, volumes,
        areas, speeds and temperatures in metric base units; None for a value that is not a plain number.
        Without `bounds`, "more than 400" or "up to 768" allow only 400 or 768; estimates keep their range."""
        match = _NUMERIC_VALUE.fullmatch(self.value)
        if match is None:
            return None
        unit = match.group(2)
        base, size = _UNIT_SIZES.get(unit, (unit, 1.0))
        value = float(match.group(1))
        below, above = (0.0, 0.0) if not bounds and self.hedge in _BOUNDS else _HEDGES.get(self.hedge, (0.0, 0.0))
        low, high = value - abs(value) * below, (math.inf if above == math.inf else value + abs(value) * above)
        offset = _UNIT_OFFSETS.get(unit, 0.0)
        return low * size + offset, high * size + offset, base, unit


def find_numbers(analyses: list[Analysis]) -> list[Number]:
    """Every number of every article with its sentence and context words."""
    numbers: list[Number] = []
    for article, analysis in enumerate(analyses):
        text = analysis.article.text
        sentences = analysis.sentences
        for span, value, kind in _values(analysis):
            sentence = next((s for s in sentences if s.start <= span.start < s.end), Span(span.article_id, 0, len(text)))
            lead = text[sentence.start : span.start]
            tail = text[span.end : sentence.end]
            if sum(lead.count(mark) for mark in _DOUBLE_QUOTES) % 2:   # inside a quote: its words end at the mark
                tail = re.split(r"[\"”]", tail, maxsplit=1)[0]
            after = _content(words_of(tail))[:_CONTEXT_WORDS]
            before = _content(words_of(lead))[-_CONTEXT_WORDS:]
            surface = span.text_in(text)
            if kind not in WHEN_KINDS and text.startswith(",", span.end) and (name := _APPOSITIVE.search(lead)):
                after = words_of(name.group(1)) + after   # "Ann Lee, 43," is about Ann Lee, as "43-year-old Ann Lee"
            event = _event(reversed(_RAW_WORD.findall(lead))) or _event(_RAW_WORD.findall(text, span.end, sentence.end))
            numbers.append(Number(article, span, surface, value, sentence, after, before,
                                  _hedge(lead[-20:], surface), kind in WHEN_KINDS, event))
    return numbers


def _event(words: Iterable[str]) -> str:
    """The first lower-case content word: what happened when, looking back from a date ("resigned Monday",
    "pressure on Chairman Steele Sunday": names skipped), or on from one that opens its sentence ("In 1969, he
    was indicted")."""
    return next((w for w in words if w.islower() and w not in STOPWORDS and w not in _TIME_WORDS), "")


def _hedge(before: str, surface: str) -> str:
    """The bounding or estimating words of a figure, in its own text ("more than $700 billion") or just before
    it ("at least" 10 people)."""
    lead = _FIGURE_START.split(surface.lower(), maxsplit=1)[0].strip()
    match = _HEDGE_RE.search(" " + (lead or before.lower().strip()))
    return match.group(1) if match else ""


def _compatible(a: Number, b: Number, bounds: bool = True) -> bool:
    """The wording of both figures allows one value ("more than 700" and "716"; "about 40" and "42"; "64
    kilometres" and "40 miles", "40C" and "104F", a conversion rounded by `CONVERTED` or `_ROUNDED_BY`). A
    figure without a unit may be the other's read without its currency sign. Without `bounds`, a bound allows
    only its own figure (`Number.allowed`). Dates agree when they share a part and every part both give is the
    same: "September 2022" allows "September 30, 2022", and "March 3" with no year allows "March 3, 2026"."""
    if a.when and b.when and (shared := _shared_date_parts(a, b)) is not None:
        return bool(shared) and all(x == y for x, y in shared)
    range_a, range_b = a.allowed(bounds), b.allowed(bounds)
    if range_a is None or range_b is None or (range_a[2] != range_b[2] and range_a[2] and range_b[2]):
        return False
    slack = 0.0
    if range_a[3] != range_b[3] and range_a[2] == range_b[2]:
        slack = max(CONVERTED * max(abs(range_a[0]), abs(range_b[0])), _ROUNDED_BY.get(range_a[2], 0.0))
    return range_a[0] - slack <= range_b[1] and range_b[0] - slack <= range_a[1]


def _shared_date_parts(a: Number, b: Number) -> list[tuple[int, int]] | None:
    """The (a, b) pairs of the date parts (year, month, day) both give; None unless both values are dates."""
    parts_a, parts_b = _date_parts(a.value), _date_parts(b.value)
    if parts_a is None or parts_b is None:
        return None
    return [(x, y) for x, y in zip(parts_a, parts_b, strict=True) if x is not None and y is not None]


def _date_parts(value: str) -> tuple[int | None, int | None, int | None] | None:
    """(year, month, day) of a date or year value as the facts give them ("2022-09-30", "--09", "2022"), None
    for the parts it leaves out; None for any other value."""
    if match := _DATE_VALUE.fullmatch(value):
        year, month, day = match.groups()
        return (None if year == "-" else int(year)), int(month), (int(day) if day else None)
    return (int(value), None, None) if _YEAR_VALUE.fullmatch(value) else None


def _when_terms(value: str) -> str:
    """How a date or time value says when: "time" ("18:41"), "weekday" ("weekday:friday"), else "date"."""
    if _CLOCK_VALUE.fullmatch(value):
        return "time"
    return "weekday" if value.startswith("weekday:") else "date"


def _other_dimensions(a: Number, b: Number) -> bool:
    """The two figures measure different things ("40 mph" and "40C"), are amounts in different currencies
    ("€110 billion" and "$143 billion": no exchange rate at hand), or say when in different terms (a clock
    time, a weekday, a date or year) or in parts that do not overlap ("2022" and "September"), or only one has
    a unit and it is no currency ("a five-year, $80 million contract": 5 years and 80 million): never a
    conflict."""
    if a.when and b.when:
        return _when_terms(a.value) != _when_terms(b.value) or _shared_date_parts(a, b) == []
    allowed = [x for x in (a.allowed(), b.allowed()) if x is not None]
    units = [x[3] for x in allowed]
    if len(units) == 2 and units.count("") == 1 and not _CURRENCIES.intersection(units):
        return True
    bases = [x[2] for x in allowed if x[3] in _UNIT_SIZES or x[3] in _CURRENCIES]
    return len(bases) == 2 and bases[0] != bases[1]


def _values(analysis: Analysis) -> list[tuple[Span, str, str]]:
    """(span, normalized value, kind) of the analysis facts."""
    return [(f.span, _normalize(f"{f.value}{f.unit}"), f.kind) for f in analysis.facts]


def _normalize(value: str) -> str:
    """'212.0' and '212' are one value; percent signs kept."""
    value = value.strip().replace("percent", "%").replace(" ", "")
    number, pct = (value[:-1], "%") if value.endswith("%") else (value, "")
    try:
        as_float = float(number)
    except ValueError:
        return value.lower()
    return (f"{as_float:g}" if as_float != int(as_float) else str(int(as_float))) + pct


def _content(words: list[str]) -> list[str]:
    return [w for w in words if w not in STOPWORDS and not w.isdigit()]


def same_fact(a: Number, b: Number, texts: list[str]) -> bool:
    """The two numbers state one fact: the same key (`_key`) and then similar sentences, or one more shared word
    and, for a count, the next counted word or what happened ("hold 240 seats in the House" and "lost 60 seats
    over six years" are two counts; "resigned Monday" and "apologized Saturday" two dates)."""
    if a.when != b.when or _key(a) is None or _key(a) != _key(b):
        return False
    same_event = a.when or a.after[:2] == b.after[:2] or (a.event != "" and a.event == b.event)
    if same_event and len(a.context & b.context) >= 2:
        return True
    sa, sb = a.sentence.text_in(texts[a.article]), b.sentence.text_in(texts[b.article])
    return lexical_overlap(content_words(sa), content_words(sb)) >= SIMILAR_SENTENCES


def conflicts(numbers: list[Number], texts: list[str]) -> list[list[Number]]:
    """Groups of numbers that state one fact with different values in different articles."""
    by_article: dict[int, list[Number]] = {}
    for number in numbers:
        by_article.setdefault(number.article, []).append(number)

    def stated_in(article: int, number: Number) -> bool:
        """The article gives `number`'s value anywhere, or for a date one that allows it ("June 25" for "June")."""
        return any(n.value == number.value or n.when and number.when and _compatible(n, number)
                   for n in by_article[article])

    group_of: dict[int, int] = {}
    groups: list[list[Number]] = []
    for a, b in _candidate_pairs(numbers):
        if a.article == b.article or a.value == b.value:
            continue
        if stated_in(b.article, a) or stated_in(a.article, b):
            continue
        if _compatible(a, b) or _other_dimensions(a, b) or not same_fact(a, b, texts):
            continue
        key = group_of.get(id(a), group_of.get(id(b)))
        if key is None:
            key = len(groups)
            groups.append([])
        for n in (a, b):
            if id(n) not in group_of:
                group_of[id(n)] = key
                groups[key].append(n)
    for members in groups:
        # articles agreeing with one side of the conflict are part of it too
        values = {n.value for n in members}
        agreeing = [n for n in numbers if id(n) not in group_of and n.value in values
                    and any(same_fact(n, m, texts) for m in members)]
        for n in agreeing:
            group_of[id(n)] = -1
        members.extend(agreeing)
        members.sort(key=lambda n: (n.article, n.span.start))
    return groups


def _key(number: Number) -> str | None:
    """What two numbers must share to be one fact: the counted word after a count, what happened at a date or a
    time, or for a figure with a unit that ends its sentence what happened before it (None when there is none)."""
    if number.when:
        return number.event or None
    if not number.after and _UNIT_VALUE.fullmatch(number.value):
        return number.event or None   # "would last five years." ends its sentence: what lasts is before it
    return number.after[0] if number.after else None


def _candidate_pairs(numbers: list[Number]) -> list[tuple[Number, Number]]:
    """Pairs of numbers with the same key (the only ones `same_fact` can accept)."""
    buckets: dict[tuple[bool, str], list[Number]] = {}
    for number in numbers:
        key = _key(number)
        if key is not None:
            buckets.setdefault((number.when, key), []).append(number)
    return [(a, b) for bucket in buckets.values() for i, a in enumerate(bucket) for b in bucket[i + 1 :]]


def unique_numbers(numbers: list[Number], exclude: set[int], texts: list[str]) -> list[Number]:
    """Numbers whose value no other article states (skipping ids in `exclude`, e.g. conflicting ones), nor
    gives for the same fact in other words or units ("40 miles" where another has "64 kilometres", "42" where
    another has "about 40"; a bound is no such value: "more than 40 killed" says nothing of a toll of 640), nor
    more precisely, for a date with a month: "August" where another has "August 6" (which stays unique: only it
    gives the day)."""
    articles_with: dict[str, set[int]] = {}
    for number in numbers:
        articles_with.setdefault(number.value, set()).add(number.article)
    same = [(a, b) for a, b in _candidate_pairs(numbers) if same_fact(a, b, texts)] + _converted_pairs(numbers)
    skip = exclude | {id(n) for a, b in same if a.article != b.article and _compatible(a, b, bounds=False)
                      for n in (a, b)}
    dated = [(n.article, parts) for n in numbers if n.when and (parts := _date_parts(n.value)) is not None]
    return [n for n in numbers if articles_with[n.value] == {n.article} and id(n) not in skip
            and n.value not in TRIVIAL_VALUES and not _stated_more_precisely(n, dated)]


def _converted_pairs(numbers: list[Number]) -> list[tuple[Number, Number]]:
    """Pairs of measures in two units of one dimension that share two context words ("drivers face a 3 km
    detour" / "drivers face a detour of about two miles"): one outlet converted the other's figure, and the
    counted word after it (`_key`) moved."""
    measures = [(n, allowed) for n in numbers
                if not n.when and (allowed := n.allowed()) is not None and allowed[3] in _UNIT_SIZES]
    return [(a, b) for i, (a, unit_a) in enumerate(measures) for b, unit_b in measures[i + 1 :]
            if unit_a[3] != unit_b[3] and unit_a[2] == unit_b[2] and len(a.context & b.context) >= 2]


def _stated_more_precisely(number: Number, dated: list[tuple[int, tuple[int | None, ...]]]) -> bool:
    """Another article gives a date (`dated`: article, date parts) with every part this one gives, and more
    ("August 6" for "August", "September 30, 2022" for "September 2022"): this one says nothing that article does
    not. Not for a year alone: two outlets naming one year often speak of different events in it."""
    parts = _date_parts(number.value) if number.when else None
    if parts is None or parts[1] is None:
        return False
    given = {i: part for i, part in enumerate(parts) if part is not None}
    return any(article != number.article and all(other[i] == part for i, part in given.items())
               and sum(part is not None for part in other) > len(given) for article, other in dated)


__all__ = ["Number", "conflicts", "find_numbers", "same_fact", "unique_numbers"]
