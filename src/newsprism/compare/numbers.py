"""Numbers across articles: the same fact given different values (conflict) or stated by one outlet only.

Two numbers speak of the same fact when the words around them match (the counted noun right after the number,
plus one more shared word or a similar sentence). They conflict when their values differ and neither article
states the other's value anywhere. The numbers are the analyze stage's facts.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsprism.compare.units import STOPWORDS, content_words, lexical_overlap, words_of
from newsprism.models import Analysis, Span

_CONTEXT_WORDS = 4
TRIVIAL_VALUES = frozenset({"0", "1"})   # "one of the goals": a count nobody needs flagged as unique
SIMILAR_SENTENCES = 0.35     # lexical overlap of two sentences from which one shared noun is enough


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

    @property
    def context(self) -> set[str]:
        return set(self.after) | set(self.before)


def find_numbers(analyses: list[Analysis]) -> list[Number]:
    """Every number of every article with its sentence and context words."""
    numbers: list[Number] = []
    for article, analysis in enumerate(analyses):
        text = analysis.article.text
        sentences = analysis.sentences
        for span, value in _values(analysis):
            sentence = next((s for s in sentences if s.start <= span.start < s.end), Span(span.article_id, 0, len(text)))
            after = _content(words_of(text[span.end : sentence.end]))[:_CONTEXT_WORDS]
            before = _content(words_of(text[sentence.start : span.start]))[-_CONTEXT_WORDS:]
            numbers.append(Number(article, span, span.text_in(text), value, sentence, after, before))
    return numbers


def _values(analysis: Analysis) -> list[tuple[Span, str]]:
    """(span, normalized value) of the analysis facts."""
    return [(f.span, _normalize(f"{f.value}{f.unit}")) for f in analysis.facts]


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
    """The two numbers count the same thing: same noun after them and one more shared word or similar sentences."""
    if not a.after or not b.after or a.after[0] != b.after[0]:
        return False
    if len(a.context & b.context) >= 2:
        return True
    sa, sb = a.sentence.text_in(texts[a.article]), b.sentence.text_in(texts[b.article])
    return lexical_overlap(content_words(sa), content_words(sb)) >= SIMILAR_SENTENCES


def conflicts(numbers: list[Number], texts: list[str]) -> list[list[Number]]:
    """Groups of numbers that state one fact with different values in different articles."""
    values_by_article: dict[int, set[str]] = {}
    for number in numbers:
        values_by_article.setdefault(number.article, set()).add(number.value)
    group_of: dict[int, int] = {}
    groups: list[list[Number]] = []
    for a, b in _candidate_pairs(numbers):
        if a.article == b.article or a.value == b.value:
            continue
        if a.value in values_by_article[b.article] or b.value in values_by_article[a.article]:
            continue
        if not same_fact(a, b, texts):
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


def _candidate_pairs(numbers: list[Number]) -> list[tuple[Number, Number]]:
    """Pairs of numbers followed by the same word (the only ones `same_fact` can accept)."""
    buckets: dict[str, list[Number]] = {}
    for number in numbers:
        if number.after:
            buckets.setdefault(number.after[0], []).append(number)
    return [(a, b) for bucket in buckets.values() for i, a in enumerate(bucket) for b in bucket[i + 1 :]]


def unique_numbers(numbers: list[Number], exclude: set[int]) -> list[Number]:
    """Numbers whose value no other article states (skipping ids in `exclude`, e.g. conflicting ones)."""
    articles_with: dict[str, set[int]] = {}
    for number in numbers:
        articles_with.setdefault(number.value, set()).add(number.article)
    return [n for n in numbers if articles_with[n.value] == {n.article} and id(n) not in exclude
            and n.value not in TRIVIAL_VALUES]


__all__ = ["Number", "conflicts", "find_numbers", "same_fact", "unique_numbers"]
