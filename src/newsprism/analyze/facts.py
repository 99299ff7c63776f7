"""Numbers, percentages, money, years, dates, durations, ages, ordinals and clock times, normalized for comparison.

Candidates are spaCy's CARDINAL/PERCENT/MONEY/DATE/QUANTITY/ORDINAL entities plus a regex pass for figures
the model missed. Each candidate's text is parsed by rules: vague amounts ("thousands", "weeks") are not
facts; "30 months" is a duration of 30 month; "August 6" is an ISO date with the article's year when known,
else "--08-06"; weekdays are kept as "weekday:<name>". A clock time ("7:40", "7.40 am", "6 p.m.") is one
"time" fact with a 24-hour "HH:MM" value, found before the number pass so it is never split into numbers;
so is a temperature or a speed ("40C", "104 degrees Fahrenheit", "100 km/h", "62 miles per hour"), whose unit
the parse splits or drops ("°c", "°f", "km/h", "mph", "knot").
"""

from __future__ import annotations

import bisect
import logging
import re

from spacy.lang.en.stop_words import STOP_WORDS

from newsprism.analyze import component
from newsprism.models import Analysis, Fact, Span
from newsprism.settings import Settings

log = logging.getLogger(__name__)

FACT_LABELS = frozenset({"CARDINAL", "PERCENT", "MONEY", "DATE", "QUANTITY", "ORDINAL"})
MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1)}
MONTHS |= {m[:3]: i for m, i in list(MONTHS.items())} | {"sept": 9}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
UNITS = {"second": "second", "minute": "minute", "hour": "hour", "day": "day", "week": "week",
         "month": "month", "year": "year", "decade": "decade", "century": "century"}
SMALL = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"])}
TENS = {w: 10 * i for i, w in enumerate(["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]) if i > 1}
SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
          "k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12}
ORDINALS = {w: i for i, w in enumerate(
    ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"])}
CURRENCIES = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB", "₴": "UAH",
              "dollar": "USD", "euro": "EUR", "pound": "GBP", "yen": "JPY", "rouble": "RUB", "ruble": "RUB",
              "hryvnia": "UAH", "yuan": "CNY", "usd": "USD", "eur": "EUR", "gbp": "GBP"}

_NUM = r"\d+(?:[.,]\d+)*"
_NUMBER_RE = re.compile(rf"(?<![\w.\-/]){_NUM}(?:\s?(?:{'|'.join(SCALES)})\b|\s?%| percent\b)?(?![\w\-/])")
_DIGITS_RE = re.compile(_NUM)
_YEAR_RE = re.compile(r"^(?:1[6-9]|20)\d\d$")
_YEAR_CUE = re.compile(r"\b(?:in|since|by|until|from|of|early|late|mid)\s+$", re.IGNORECASE)
_ORDINAL_RE = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z’'-]*|\d[\d.,]*|[,;:.!?“”\"()]")
_CLAUSE_BREAK = frozenset(",;:.!?“”\"()")
_SENTENCE_BREAK = frozenset(";:.!?“”\"()")
_NUMBER_WORDS = set(SMALL) | set(TENS) | set(SCALES) | {"and", "a"}
# "7:40", "19:05:30", "7.40 am", "7.40am", "6 p.m."; a dot or a bare hour is a time only with am/pm
_TIME_RE = re.compile(
    r"(?<![\w.,:/])(?P<hour>[01]?\d|2[0-3])(?:(?P<sep>[:.])(?P<minute>[0-5]\d)(?::[0-5]\d)?)?"
    r"(?:\s?(?P<ampm>[ap])(?:\.\s?m\.|\s?m\b))?(?![\w:])",
    re.IGNORECASE,
)

_SPEED_UNITS = {"km/h": "km/h", "km/hr": "km/h", "kph": "km/h", "kmh": "km/h", "mph": "mph", "knot": "knot"}
# A figure and its temperature or speed unit: "-5C", "minus 5 °C", "104 degrees Fahrenheit", "62 miles an hour"
_MEASURE_RE = re.compile(
    r"(?<![\w.,])(?P<minus>[-−]|minus\s)?(?P<number>\d+(?:,\d{3})*(?:\.\d+)?)"
    r"(?:(?P<glued>[CF])\b|\s?(?:[°º˚]\s?(?P<scale>[CF])\b"
    r"|(?i:degrees?\s(?P<word_scale>celsius|fahrenheit|centigrade|c|f)\b)"
    r"|(?i:(?P<speed>km/hr?|kph|kmh|mph|knots?)\b"
    r"|(?P<per_hour>miles|kilomet(?:re|er)s)\s(?:per|an)\shour\b)))"
)


@component("facts")
def facts_component(doc, analysis: Analysis, settings: Settings) -> None:
    """Fill `analysis.facts` from the parse and a regex pass."""
    del settings
    year = analysis.article.published.year if analysis.article.published else None
    text = analysis.article.text
    found: list[tuple[int, int, str, float | str, str]] = []
    taken = bytearray(len(text) + 1)

    def take(start: int, end: int, kind: str, value: float | str, unit: str) -> None:
        found.append((start, end, kind, value, unit))
        taken[start:end] = b"\x01" * (end - start)

    for start, end, value in find_times(text):
        take(start, end, "time", value, "")
    for start, end, value, unit in find_measures(text):
        if not any(taken[start:end]):
            take(start, end, "number", value, unit)
    for ent in doc.ents:
        if any(taken[ent.start_char : ent.end_char]):
            continue
        if ent.label_ == "TIME":
            if (fact := time_fact(ent.text)) is not None:
                take(ent.start_char + fact[0], ent.start_char + fact[1], *fact[2:])
            continue
        if ent.label_ not in FACT_LABELS:
            continue
        # "would last five years" is tagged "last five years": the duration is "five years"
        lead = _SPAN_OPENER.match(ent.text) if ent.label_ == "DATE" else None
        start = ent.start_char + (lead.end() if lead else 0)
        if (parsed := parse_fact(text[start : ent.end_char], ent.label_, year)) is not None:
            take(start, ent.end_char, *parsed)
    for match in _NUMBER_RE.finditer(text):
        if any(taken[match.start() : match.end()]):
            continue
        parsed = regex_fact(text, match.start(), match.end(), year)
        if parsed is not None:
            found.append((match.start(), match.end(), *parsed))
    starts = [s.start for s in analysis.sentences]
    found.sort()
    analysis.facts = [
        Fact(Span(analysis.article.id, s, e), kind, value, unit, _sentence_index(analysis, starts, s))
        for s, e, kind, value, unit in found
    ]


def time_fact(text: str) -> tuple[int, int, str, float | str, str] | None:
    """The fact of a TIME entity's text as (start, end, kind, value, unit) within it: the duration at its end
    ("every twenty minutes", "under 10 minutes"), else its weekday ("Saturday night", "early Monday morning")."""
    if duration := _TIME_DURATION_RE.search(text):
        parsed = _date(duration.group().lower(), None)
        if parsed is not None and parsed[0] == "duration":
            return (duration.start(), duration.end(), *parsed)
    if weekday := _WEEKDAY_RE.search(text):
        return (weekday.start(), weekday.end(), "date", f"weekday:{weekday.group().lower()}", "")
    return None


def find_times(text: str) -> list[tuple[int, int, str]]:
    """Clock times in `text` as (start, end, "HH:MM" on a 24-hour clock).

    Example:
        >>> find_times("the 7.40 pm crossing")
        [(4, 11, '19:40')]
    """
    times = []
    for match in _TIME_RE.finditer(text):
        hour, minute = int(match["hour"]), int(match["minute"] or 0)
        ampm = (match["ampm"] or "").lower()
        if ampm:
            if not 1 <= hour <= 12:
                continue
            hour = hour % 12 + (12 if ampm == "p" else 0)
        elif match["sep"] != ":":
            continue   # "7.40" alone is a decimal number, "7" alone a count
        times.append((match.start(), match.end(), f"{hour:02d}:{minute:02d}"))
    return times


def find_measures(text: str) -> list[tuple[int, int, float, str]]:
    """Temperatures and speeds in `text` as (start, end, value, unit), the unit "°c", "°f", "km/h", "mph" or
    "knot".

    Example:
        >>> find_measures("highs of 40C and winds of 62 miles per hour")
        [(9, 12, 40.0, '°c'), (26, 43, 62.0, 'mph')]
    """
    measures = []
    for match in _MEASURE_RE.finditer(text):
        value = float(match["number"].replace(",", "")) * (-1 if match["minus"] else 1)
        scale = match["glued"] or match["scale"] or match["word_scale"]
        if scale:
            unit = "°f" if scale.lower()[0] == "f" else "°c"
        elif match["per_hour"]:
            unit = "mph" if match["per_hour"].lower() == "miles" else "km/h"
        else:
            unit = _SPEED_UNITS[match["speed"].lower().removesuffix("s")]
        measures.append((match.start(), match.end(), value, unit))
    return measures


def regex_fact(text: str, start: int, end: int, year: int | None) -> tuple[str, float | str, str] | None:
    """The fact of a bare figure at `text[start:end]`; a year when a word like "in" or "since" leads to it."""
    parsed = parse_fact(text[start:end], "CARDINAL", year)
    if parsed is not None and _YEAR_RE.match(text[start:end]) and _YEAR_CUE.search(text, max(0, start - 12), start):
        return ("year", parsed[1], "")
    return parsed


def _sentence_index(analysis: Analysis, starts: list[int], offset: int) -> int:
    i = bisect.bisect_right(starts, offset) - 1
    return i if i >= 0 and offset < analysis.sentences[i].end else -1


def parse_fact(text: str, label: str, year: int | None = None) -> tuple[str, float | str, str] | None:
    """`(kind, value, unit)` of an entity's text, or None when it states no definite value.

    Example:
        >>> parse_fact("18 percent", "PERCENT")
        ('percent', 18.0, '%')
    """
    words = text.lower().replace("’", "'").split()
    if words and words[0] in ("the", "a", "an", "about", "some", "nearly", "almost", "around", "over", "more",
                              "than", "at", "least", "roughly", "approximately", "just", "only", "up", "to"):
        return parse_fact(" ".join(text.split()[1:]), label, year) if len(words) > 1 else None
    clean = " ".join(words)
    if not clean:
        return None
    if label == "PERCENT" or clean.endswith(("%", " percent", " per cent", " pct")):
        value = parse_number(re.sub(r"\s*(%|percent|per cent|pct)$", "", clean))
        return None if value is None else ("percent", value, "%")
    if label == "MONEY" or any(clean.startswith(sym) for sym in ("$", "€", "£", "¥", "₽", "₴", "us$")):
        return _money(clean)
    if label == "ORDINAL":
        value = parse_ordinal(clean)
        return None if value is None else ("ordinal", float(value), "")
    if label == "DATE":
        return _date(clean, year)
    return _quantity(clean)


def parse_number(text: str) -> float | None:
    """The value of "1,200", "2.5 million", "twenty-five" or "three hundred"; None for "thousands"."""
    text = text.strip().lower().replace("-", " ").strip()
    if not text:  # "-" alone
        return None
    if _DIGITS_RE.fullmatch(text.split()[0]):
        head, *rest = text.split()
        if len(rest) > 1 or (rest and rest[0] not in SCALES):
            return None
        value = _digits(head)
        if value is None:
            return None
        return value * SCALES[rest[0]] if rest else value
    glued = re.fullmatch(rf"({_NUM})({'|'.join(SCALES)})", text)
    if glued:
        value = _digits(glued.group(1))
        return None if value is None else value * SCALES[glued.group(2)]
    return _number_words(text.split())


def _digits(text: str) -> float | None:
    """"1,200" -> 1200, "2.5" -> 2.5, "1.200.000" -> 1200000."""
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):
        return float(text.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(\.\d{3}){2,}", text):
        return float(text.replace(".", ""))
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _number_words(words: list[str]) -> float | None:
    """Value of spelled-out numbers ("two hundred and five"); None when any word is not a number word."""
    if not words or any(w not in _NUMBER_WORDS for w in words) or all(w in ("and", "a") for w in words):
        return None
    total, current = 0.0, 0.0
    for word in words:
        if word in SMALL:
            current += SMALL[word]
        elif word in TENS:
            current += TENS[word]
        elif word == "a":
            current += 1
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in SCALES:
            total += max(current, 1) * SCALES[word]
            current = 0
    return total + current


def parse_ordinal(text: str) -> int | None:
    """3 for "third" or "3rd"."""
    text = text.strip().lower()
    match = _ORDINAL_RE.match(text)
    if match:
        return int(match.group(1))
    return ORDINALS.get(text)


def _money(clean: str) -> tuple[str, float, str] | None:
    unit = ""
    for marker, code in CURRENCIES.items():
        if clean.startswith(marker) or re.search(rf"\b{re.escape(marker)}s?\b", clean):
            unit = code
            break
    amount = re.sub(r"^(us\$|[$€£¥₽₴])\s*", "", clean)
    amount = re.sub(r"\s*\b(us dollars?|dollars?|euros?|pounds?( sterling)?|yen|roubles?|rubles?|hryvnias?|yuan|usd|eur|gbp)$", "", amount)
    value = parse_number(amount)
    return None if value is None else ("money", value, unit)


def _quantity(clean: str) -> tuple[str, float, str] | None:
    value = parse_number(clean)
    if value is not None:
        return ("number", value, "")
    ordinal = parse_ordinal(clean)
    if ordinal is not None:
        return ("ordinal", float(ordinal), "")
    words = clean.split()
    for cut in range(len(words) - 1, 0, -1):
        value = parse_number(" ".join(words[:cut]))
        if value is not None:
            unit = " ".join(words[cut:]).strip(".,")
            return ("number", value, _singular(unit))
    return None


def _singular(unit: str) -> str:
    if unit.endswith("ies"):
        return unit[:-3] + "y"
    if unit.endswith(("ches", "shes", "xes")):  # inches, boxes
        return unit[:-2]
    return unit[:-1] if unit.endswith("s") and not unit.endswith("ss") else unit


# "43-year-old", "43 years old", "a three-month-old"; "20-year", "six-week" (a compound duration)
_AGE_RE = re.compile(r"(?P<number>[\w.,-]+?)[- ](?P<unit>year|month|week|day)s?[- ]old")
_SPAN_OPENER = re.compile(r"(?:the\s+)?(?:last|past|next|coming|first)\s+(?=\S+\s+(?:second|minute|hour|day|week|"
                          r"month|year|decade)s?$)", re.I)
_WEEKDAY_RE = re.compile(r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b", re.I)
_TIME_DURATION_RE = re.compile(r"(?:\d[\d.,]*|[a-z]+(?:-[a-z]+)?)\s+(?:second|minute|hour)s?$", re.I)
_COMPOUND_DURATION_RE = re.compile(r"(?P<number>[\w.,]+(?:-[a-z]+)?)-(?P<unit>second|minute|hour|day|week|month|year)")


def _date(clean: str, year: int | None) -> tuple[str, float | str, str] | None:
    """Dates, years, weekdays and durations from a DATE entity's text."""
    clean = clean.strip(" .,")
    if clean in WEEKDAYS:
        return ("date", f"weekday:{clean}", "")
    if age := _AGE_RE.fullmatch(clean):
        value = parse_number(age["number"])
        unit = "" if age["unit"] == "year" else UNITS[age["unit"]]   # "a 43-year-old" is "Lee, 43,"
        return None if value is None else ("age", value, unit)
    words = [_without_abbreviation_dot(w) for w in clean.replace(",", " ").split()]   # "sept. 11", "dec. 22"
    # "30 months", "three weeks", "a 20-year career": a duration
    if len(words) == 1 and (compound := _COMPOUND_DURATION_RE.fullmatch(clean)):
        words = [compound["number"], compound["unit"]]
    if len(words) == 2 and _singular(words[1]) in UNITS:
        value = parse_number(words[0])
        return None if value is None else ("duration", value, UNITS[_singular(words[1])])
    years = [int(w) for w in words if _YEAR_RE.match(w)]
    months = [MONTHS[w] for w in words if w in MONTHS and w != "may" or (w == "may" and len(words) > 1)]
    days = [int(w.rstrip("stndrh")) for w in words if re.fullmatch(r"\d{1,2}(st|nd|rd|th)?", w)]
    days = [d for d in days if 1 <= d <= 31]
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", clean)
    if iso:
        return ("date", clean, "")
    if months:
        month = months[0]
        the_year = years[0] if years else year
        if days:
            return ("date", f"{the_year:04d}-{month:02d}-{days[0]:02d}" if the_year else f"--{month:02d}-{days[0]:02d}", "")
        return ("date", f"{the_year:04d}-{month:02d}" if the_year else f"--{month:02d}", "")
    if years:
        return ("year", float(years[0]), "")
    return None


def _without_abbreviation_dot(word: str) -> str:
    return word[:-1] if word.endswith(".") and word[:-1] in MONTHS else word


def fact_context(analysis: Analysis, fact: Fact, before: int = 2, after: int = 3) -> str:
    """The content words next to a fact in its sentence ("territory", "fighting"), lower-cased.

    Lets the compare stage tell whether two numbers talk about the same thing.

    Example:
        >>> fact_context(analysis, fact)  # doctest: +SKIP
        'control territory'
    """
    text = analysis.article.text
    if 0 <= fact.sentence < len(analysis.sentences):
        sent = analysis.sentences[fact.sentence]
        lo, hi = sent.start, sent.end
    else:
        lo, hi = max(0, fact.span.start - 120), min(len(text), fact.span.end + 120)
    left_words = _WORD_RE.findall(text[lo : fact.span.start])[::-1]
    right_words = _WORD_RE.findall(text[fact.span.end : hi])
    left = _content_words(left_words, before, _CLAUSE_BREAK)
    right = _content_words(right_words, after, _CLAUSE_BREAK)
    if not left and not right:  # "On May 3, ..." : look past commas rather than return nothing
        left = _content_words(left_words, before, _SENTENCE_BREAK)
        right = _content_words(right_words, after, _SENTENCE_BREAK)
    return " ".join([*reversed(left), *right])


def _content_words(words: list[str], limit: int, breaks: frozenset[str]) -> list[str]:
    """Up to `limit` content words, stopping at a break mark."""
    out: list[str] = []
    for word in words:
        if word in breaks:
            break
        low = re.sub(r"['’]s$", "", word.lower())
        if low in STOP_WORDS or low[:1].isdigit() or low in _NUMBER_WORDS or len(low) < 3:
            continue
        out.append(low)
        if len(out) >= limit:
            break
    return out
