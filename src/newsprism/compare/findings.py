"""Findings from aligned groups: quote verdicts, number conflicts, what one outlet alone carries or drops.

Every finding names the exact spans it rests on (`evidence`), so a report can always show the words.
"""

from __future__ import annotations

import difflib
import logging
import math
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import combinations
from typing import Any, NamedTuple

from newsprism.analyze.attribution.quotemarks import quoted_regions
from newsprism.compare.numbers import Number
from newsprism.compare.units import QUOTE_MARKS, STOPWORDS, WORD, Unit, content_words, words_of
from newsprism.compare.verdict import (
    quoted_by_both,
    reporting_change,
    same_words,
    share_in_common,
    words_in_common,
)
from newsprism.models import Analysis, Finding, Mention, Span

log = logging.getLogger(__name__)

UNIQUE_SENTENCES_PER_ARTICLE = 5     # the most informative unaligned sentences listed per article
MIN_OMITTED_ARTICLES = 3             # omissions only mean something when several others agree
SHARED_QUOTED_RUN = 4                # quoted words in a row (two of them content words) that show a quote is there
SHARED_TEXT_RUN = 6                  # the same, three of them content words, anywhere in the text (no quote marks)
MIN_REWORDED_WORDS = 2               # words an unaligned sentence shares with the other side to count as reworded
MIN_SHARED_SHARE = 0.5               # share of its words a pair the judge reads as different must have in common


def quoted(units: list[Unit]) -> bool:
    """The group holds speech in quotation marks (not only reported speech)."""
    return any(u.marked for u in units)


def by_article(units: list[Unit]) -> dict[int, list[Unit]]:
    """A group's units per article, in text order."""
    out: dict[int, list[Unit]] = {}
    for unit in sorted(units, key=lambda u: (u.article, u.span.start)):
        out.setdefault(unit.article, []).append(unit)
    return out


def joined_text(units: list[Unit]) -> str:
    """The pieces of one article's version of a statement, as one text."""
    return " ".join(u.text for u in units)


def _spoken_parts(units: list[Unit]) -> list[tuple[Unit, Span]]:
    """The speaker's words of each piece: its quoted phrases when it has them (the rest is the reporter's)."""
    return [(unit, span) for unit in units for span in (unit.phrases or [unit.span])]


def spoken_text(units: list[Unit], analyses: list[Analysis] | None = None) -> str:
    """The speaker's words of the pieces (`_spoken_parts`), as one text without quote marks. Given the articles,
    an ellipsis stands between two pieces with other words between them in the source: the quote was cut
    there, so words the other side has at that point were left out, not changed."""
    parts: list[str] = []
    previous: Span | None = None
    for unit, span in _spoken_parts(units):
        if analyses is not None and previous is not None and (
                span.start < previous.end or WORD.search(analyses[unit.article].article.text, previous.end, span.start)):
            parts.append("…")
        parts.append(unit.text[span.start - unit.span.start : span.end - unit.span.start].strip(QUOTE_MARKS + " "))
        previous = span
    return " ".join(parts)


def group_speaker(units: list[Unit]) -> str | None:
    """The most frequent known speaker of a group's quotes; of equally frequent ones the longest ("Elizabeth
    Warren" over "Warren"), then the first alphabetically, so the choice never depends on set order."""
    counts = Counter(u.quote.speaker for u in units if u.quote is not None and u.quote.speaker)
    return min(counts, key=lambda name: (-counts[name], -len(name), name)) if counts else None


class _Pair(NamedTuple):
    """The two sides of one article pair's rendering of a statement, as judged."""

    statement_id: str
    speaker: str | None
    spans_a: list[Span]
    spans_b: list[Span]
    text_a: str
    text_b: str
    phrase_only: bool       # one side quotes only a phrase: judged against the other's matching words
    one_quotes_more: bool   # words or sentences only one side quotes were left out of the texts
    links: list[tuple[int, int]]   # the alignment links between the two sides' pieces
    cues: tuple[str, str]   # the reporting verb of each side's first quote ("said", "admitted"; "" if none)


def verdict_findings(
    groups: list[list[Unit]], statement_ids: list[str], partners: dict[int, set[int]], analyses: list[Analysis],
    classify: Callable[..., list[Any]], link_score: Callable[[int, int], float],
) -> tuple[list[Finding], list[tuple[int, int]]]:
    """One verbatim/variant/altered finding per article pair inside each quote group, and the alignment links
    of the pairs that got none (`MIN_SHARED_SHARE`, below): links to undo.

    A piece one side of the pair lacks but a third article carries is left out of that pair's texts: dropping
    it is an omission (reported as such), not a rewording of what both sides quote. Likewise a sentence aligned
    with nothing that brings no words the other side has (`_reworded_or_linked`), and the words at either end
    that only one side quotes ("As I told the council, ..." before the sentence both carry). Quotes one side
    gives in another order are compared in the other side's order (`link_score`: the alignment's scores).
    When one side puts only a phrase in quotation marks, that phrase is judged against the matching words of the
    other side's quote, and only a lexical change of meaning (not the paraphrase around it) makes it altered.
    Two articles whose pieces are aligned only through a third are compared only when they quote the same
    words. A pair the judge reads as two statements that shares under half its words (`MIN_SHARED_SHARE`) gets
    no verdict: the pieces were aligned by their subject ("America must win the war on terror" / "a war we have
    to win"), and neither rewords the other; each is then a quote of its own outlet.
    """
    article_of = {u.index: u.article for g in groups for u in g}
    pairs: list[_Pair] = []
    for group, statement_id in zip(groups, statement_ids, strict=True):
        if not quoted(group):
            continue
        per_article = {a: [u for u in units if u.marked] for a, units in by_article(group).items()}
        per_article = {a: units for a, units in per_article.items() if units}
        speaker = group_speaker(group)
        for a, b in combinations(sorted(per_article), 2):
            shared_pieces_a = _shared_pieces(per_article[a], b, partners, article_of)
            shared_pieces_b = _shared_pieces(per_article[b], a, partners, article_of)
            units_a = _reworded_or_linked(shared_pieces_a, shared_pieces_b, partners)
            units_b = _reworded_or_linked(shared_pieces_b, shared_pieces_a, partners)
            dropped = len(units_a) + len(units_b) < len(shared_pieces_a) + len(shared_pieces_b)
            units_b = _quotes_in_partner_order(units_b, units_a, link_score)
            spans_a, spans_b, text_a, text_b, phrase_only = _compared_words(units_a, units_b, analyses)
            shared_a, shared_b = (text_a, text_b) if phrase_only else quoted_by_both(text_a, text_b)
            if not _linked(per_article[a], b, partners, article_of) and not same_words(shared_a, shared_b):
                continue  # joined only through a third article: each may quote another part of what it carries
            links = [(x.index, y.index) for x in units_a for y in units_b if link_score(x.index, y.index) > 0]
            pairs.append(_Pair(statement_id, speaker, spans_a, spans_b, shared_a, shared_b, phrase_only,
                               dropped or (shared_a, shared_b) != (text_a, text_b), links,
                               (_cue(units_a, analyses), _cue(units_b, analyses))))
    whole = [i for i, pair in enumerate(pairs) if not pair.phrase_only]
    phrases = [i for i, pair in enumerate(pairs) if pair.phrase_only]
    verdicts: dict[int, Any] = {}
    if whole:
        verdicts.update(zip(whole, classify([(pairs[i].text_a, pairs[i].text_b) for i in whole]), strict=True))
    if phrases:
        verdicts.update(zip(phrases, classify([(pairs[i].text_a, pairs[i].text_b) for i in phrases], min_score=0.0),
                            strict=True))
    findings, unrelated = [], []
    for i, pair in enumerate(pairs):
        verdict = verdicts[i]
        if not verdict.same_meaning and share_in_common(pair.text_a, pair.text_b) < MIN_SHARED_SHARE:
            unrelated += pair.links   # two statements on one topic, aligned by their subject
            continue
        kind, reasons = verdict.verdict, list(verdict.reasons)
        # a phrase both quote ("spiritual") may sit in two statements: their reporting verbs are not comparable
        if not pair.phrase_only and (reframed := reporting_change(*pair.cues)) is not None:
            kind, reasons = "altered", [*reasons, reframed]
        findings.append(Finding(
            kind=kind,
            evidence=pair.spans_a + pair.spans_b,
            detail={
                "speaker": pair.speaker,
                "statement_id": pair.statement_id,
                "article_ids": [pair.spans_a[0].article_id, pair.spans_b[0].article_id],
                "same_meaning": bool(verdict.same_meaning),
                "score": round(float(verdict.score), 4),
                "changed": [[x if isinstance(x, str) else " ".join(x) for x in chunk] for chunk in verdict.changed],
                "reasons": reasons,
                "texts": [pair.text_a, pair.text_b],
                "partial_quote": pair.phrase_only or pair.one_quotes_more,
            },
            confidence=round(float(verdict.score), 4),
        ))
    return findings, unrelated


def _cue(units: list[Unit], analyses: list[Analysis]) -> str:
    """The cue words of the first of `units` whose quote has one ("said", "admitted"), else ""."""
    for unit in units:
        if unit.quote is not None and unit.quote.cue_span is not None:
            return unit.quote.cue_span.text_in(analyses[unit.article].article.text)
    return ""


def _compared_words(
    units_a: list[Unit], units_b: list[Unit], analyses: list[Analysis]
) -> tuple[list[Span], list[Span], str, str, bool]:
    """Evidence spans and texts to judge for one pair; True when a side quotes only a phrase (both sides doing
    so compare their phrases: the paraphrase around them is the reporters')."""
    phrases_a = [p for u in units_a for p in u.phrases] if all(u.phrases for u in units_a) else []
    phrases_b = [p for u in units_b for p in u.phrases] if all(u.phrases for u in units_b) else []
    if phrases_a and phrases_b:
        texts = [" ".join(_clean(s, analyses, units_a + units_b) for s in side) for side in (phrases_a, phrases_b)]
        return phrases_a, phrases_b, texts[0], texts[1], True
    if bool(phrases_a) != bool(phrases_b):
        phrases, others = (phrases_a, units_b) if phrases_a else (phrases_b, units_a)
        text = analyses[others[0].article].article.text
        phrase_text = " ".join(p.text_in(analyses[units_a[0].article if phrases_a else units_b[0].article]
                                         .article.text) for p in phrases)
        window = best_window(phrase_text, [u.span for u in others], text)
        if window is not None:
            pair = (phrases, [window]) if phrases_a else ([window], phrases)
            texts = [" ".join(_clean(s, analyses, units_a + units_b) for s in side) for side in pair]
            return pair[0], pair[1], texts[0], texts[1], True
    spans_a, spans_b = ([span for _, span in _spoken_parts(side)] for side in (units_a, units_b))
    return spans_a, spans_b, spoken_text(units_a, analyses), spoken_text(units_b, analyses), False


def _clean(span: Span, analyses: list[Analysis], units: list[Unit]) -> str:
    """A span's words without quote marks."""
    article = next(analyses[u.article].article for u in units if u.span.article_id == span.article_id)
    return span.text_in(article.text).strip(QUOTE_MARKS + " ")


def best_window(phrase: str, spans: list[Span], text: str) -> Span | None:
    """The run of words in `spans` (as long as the phrase, or one longer) sharing most with the phrase."""
    wanted = words_of(phrase)
    if not wanted:
        return None
    best: tuple[tuple[int, float], Span] | None = None
    for span in spans:
        words = [(m.start(), m.end(), m.group().lower()) for m in WORD.finditer(text, span.start, span.end)]
        for size in (len(wanted), len(wanted) + 1):
            for i in range(max(1, len(words) - size + 1)):
                window = words[i : i + size]
                if not window:
                    continue
                shared = len(set(wanted) & {w for _, _, w in window})
                ratio = difflib.SequenceMatcher(a=" ".join(wanted), b=" ".join(w for _, _, w in window)).ratio()
                key = (shared, ratio)
                if best is None or key > best[0]:
                    best = (key, Span(span.article_id, window[0][0], window[-1][1]))
    return best[1] if best else None


def _linked(units: list[Unit], other: int, partners: dict[int, set[int]], article_of: dict[int, int]) -> bool:
    """Some piece of `units` is aligned with a piece of article `other` itself."""
    return any(article_of[p] == other for unit in units for p in partners.get(unit.index, ()))


def _shared_pieces(units: list[Unit], other: int, partners: dict[int, set[int]], article_of: dict[int, int]) -> list[Unit]:
    """The pieces to compare with article `other`: all but those `other` lacks and a third article carries."""
    kept = []
    for unit in units:
        linked = {article_of[p] for p in partners.get(unit.index, ())}
        if other in linked or not linked - {other}:
            kept.append(unit)
    return kept or units


def _reworded_or_linked(units: list[Unit], others: list[Unit], partners: dict[int, set[int]]) -> list[Unit]:
    """`units` without the pieces aligned with nothing whose words the other side lacks.

    A sentence aligned with nothing may still be there, reworded inside a neighbouring sentence of the other
    side ("It was not done because..." within "It did not come into force only because..."): kept when it
    brings `MIN_REWORDED_WORDS` more words in common with the other side. Otherwise the other side does not
    carry it, which is an omission, not a change of the words both quote. A quoted phrase is tested the same
    way even when aligned: its alignment rests on the reporter's words around it.
    """
    other_text = spoken_text(others)
    everything = words_in_common(spoken_text(units), other_text)
    kept = [u for u in units if (u.index in partners and not u.phrases)
            or everything - words_in_common(spoken_text([v for v in units if v is not u]), other_text)
            >= MIN_REWORDED_WORDS]
    return kept or units


def _quotes_in_partner_order(units: list[Unit], others: list[Unit], link_score: Callable[[int, int], float]
                             ) -> list[Unit]:
    """`units` with each quote's pieces kept together and the quotes put in the order of the pieces of `others`
    they match best: two quotes one outlet gives in the other order were moved, not reworded."""

    def first_match(block: list[Unit]) -> float:
        positions = []
        for unit in block:
            scores = [link_score(unit.index, other.index) for other in others]
            if scores and max(scores) > 0:
                positions.append(scores.index(max(scores)))
        return min(positions, default=math.inf)

    blocks: dict[int, list[Unit]] = {}
    for unit in units:
        blocks.setdefault(id(unit.quote), []).append(unit)
    return [unit for block in sorted(blocks.values(), key=first_match) for unit in block]


def conflict_findings(groups: list[list[Number]], analyses: list[Analysis]) -> list[Finding]:
    """One conflict finding per fact stated with different values."""
    findings = []
    for numbers in groups:
        texts = [analyses[n.article].article.text for n in numbers]
        findings.append(Finding(
            kind="conflict",
            evidence=[n.span for n in numbers],
            detail={
                "what": "number",
                "about": numbers[0].about,
                "values": list(dict.fromkeys(n.value for n in numbers)),
                "by_article": {analyses[n.article].article.id: n.surface for n in numbers},
                "sentences": [n.sentence.text_in(t) for n, t in zip(numbers, texts, strict=True)],
            },
        ))
    return findings


def name_conflict_findings(pairs: list[tuple[Mention, Mention]], analyses: list[Analysis]) -> list[Finding]:
    """One conflict finding per pair of different names given the same role."""
    by_id = {a.article.id: a.article for a in analyses}
    findings = []
    for first, second in pairs:
        names = [m.entity or m.surface for m in (first, second)]
        findings.append(Finding(
            kind="conflict",
            evidence=[first.span, second.span],
            detail={
                "what": "name",
                "about": first.kind,
                "values": names,
                "by_article": {m.span.article_id: m.surface for m in (first, second)},
                "sentences": [_sentence_around(by_id[m.span.article_id].text, m.span.start) for m in (first, second)],
            },
        ))
    return findings


def _sentence_around(text: str, offset: int) -> str:
    """The line holding `offset` (reports show it as context)."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end >= 0 else len(text)].strip()


def unique_fact_findings(numbers: list[Number], analyses: list[Analysis]) -> list[Finding]:
    """One unique finding per number only one article states (once per article and value)."""
    seen: set[tuple[int, str]] = set()
    findings = []
    for n in numbers:
        if (n.article, n.value) in seen:
            continue
        seen.add((n.article, n.value))
        article = analyses[n.article].article
        findings.append(Finding(
            kind="unique",
            evidence=[n.span],
            detail={
                "what": "fact",
                "article_id": article.id,
                "outlet": article.outlet,
                "value": n.surface,
                "about": n.about,
                "sentence": n.sentence.text_in(article.text),
            },
        ))
    return findings


def informativeness(text: str) -> float:
    """How much a sentence tells: content words, with names and numbers counting double."""
    words = text.split()
    names = sum(1 for w in words[1:] if w[:1].isupper())
    digits = sum(1 for w in words if any(ch.isdigit() for ch in w))
    return len(content_words(text)) + names + 2 * digits


def unique_unit_findings(
    groups: list[list[Unit]], partners: dict[int, set[int]], analyses: list[Analysis], cited: Iterable[Span] = ()
) -> list[Finding]:
    """Quotes only one article has (one finding each) and its most informative unaligned sentences (one per article).

    A quote another article reports in its own way, with its quoted words, is not unique. Sentences holding a
    `cited` span (a unique fact already reported with its sentence) are not listed again.
    """
    cited_by_article: dict[str, list[Span]] = {}
    for span in cited:
        cited_by_article.setdefault(span.article_id, []).append(span)
    findings: list[Finding] = []
    lone_sentences: dict[int, list[Unit]] = {}
    quoted_words = [_quoted_words(a) for a in analyses]
    for group in groups:
        per_article = by_article(group)
        if len(per_article) != 1 or any(u.index in partners for u in group):
            continue
        (article_index, units), = per_article.items()
        article = analyses[article_index].article
        if quoted(units):
            if any(_quoted_otherwise(words, units, analyses)
                   for other, words in enumerate(quoted_words) if other != article_index):
                continue
            findings.append(Finding(
                kind="unique",
                evidence=[u.span for u in units],
                detail={"what": "quote", "article_id": article.id, "outlet": article.outlet,
                        "speaker": group_speaker(units), "text": joined_text(units)},
            ))
        elif units[0].kind == "sentence":
            lone_sentences.setdefault(article_index, []).extend(units)
    for article_index, units in sorted(lone_sentences.items()):
        article = analyses[article_index].article
        facts = cited_by_article.get(article.id, [])
        uncited = [u for u in units if not any(u.span.start <= f.start and f.end <= u.span.end for f in facts)]
        if not uncited:
            continue
        best = sorted(uncited, key=lambda u: -informativeness(u.text))[:UNIQUE_SENTENCES_PER_ARTICLE]
        best.sort(key=lambda u: u.span.start)
        findings.append(Finding(
            kind="unique",
            evidence=[u.span for u in best],
            detail={"what": "sentences", "article_id": article.id, "outlet": article.outlet,
                    "sentences": [u.text for u in best], "unaligned": len(units)},
        ))
    return findings


def omitted_findings(groups: list[list[Unit]], partners: dict[int, set[int]], analyses: list[Analysis]) -> list[Finding]:
    """Quotes every other article carries but one drops, whole or in part (only with three articles or more)."""
    n = len(analyses)
    if n < MIN_OMITTED_ARTICLES:
        return []
    findings = []
    units_by_index = {u.index: u for g in groups for u in g}
    quoted_words = [_quoted_words(a) for a in analyses]
    for group in groups:
        if not quoted(group):
            continue
        per_article = by_article(group)
        if len(per_article) == n - 1:
            (missing,) = set(range(n)) - set(per_article)
            if not _quoted_otherwise(quoted_words[missing], group, analyses):
                findings.append(_omitted(analyses, missing, group, "quote", group_speaker(group)))
            continue
        if len(per_article) < n:
            continue
        for missing in range(n):
            pieces = [u for u in group if u.article != missing
                      and _carriers(u, partners, units_by_index) == set(range(n)) - {missing}
                      and len(words_of(u.text)) >= 4]
            if pieces and not _quoted_otherwise(quoted_words[missing], pieces, analyses):
                findings.append(_omitted(analyses, missing, pieces, "part of quote", group_speaker(group)))
    return findings


class _QuotedWords(NamedTuple):
    """One article's quoted words (and all its words), as space-joined lower-case words with " | " between
    passages."""

    in_marks: str    # each passage inside quote marks
    in_quotes: str   # each quote's content, direct or reported
    in_text: str     # the whole text


def _quoted_words(analysis: Analysis) -> _QuotedWords:
    text = analysis.article.text
    in_marks = " | ".join(" ".join(words_of(text[start:end])) for start, end in quoted_regions(text))
    in_quotes = " | ".join(" ".join(words_of(" ".join(s.text_in(text) for s in q.content))) for q in analysis.quotes)
    return _QuotedWords(f" {in_marks} ", f" {in_quotes} ", f" {' '.join(words_of(text))} ")


def _quoted_otherwise(words: _QuotedWords, units: list[Unit], analyses: list[Analysis]) -> bool:
    """An article these quotes did not align with (its `words`) has their quoted words, reported another way
    (`Akin said women's bodies resist a "legitimate rape"` against the whole sentence in quote marks): it does
    not lack them. A quoted phrase of up to three words, or of common words only, must stand in quote marks there
    too; of a longer quote, `SHARED_QUOTED_RUN` words in a row, two of them content words, must be in one of its
    quotes, or `SHARED_TEXT_RUN` words, three of them content words, anywhere in its text (a post shown without
    quote marks)."""
    for unit in units:
        for run in _quoted_runs(unit, analyses[unit.article].article.text):
            needles = _runs(run, SHARED_QUOTED_RUN, 2)
            if not needles:  # a short phrase, or one of common words ("anyone I may have offended")
                if f" {' '.join(run)} " in words.in_marks:
                    return True
                continue
            if any(f" {' '.join(needle)} " in words.in_quotes for needle in needles):
                return True
            if any(f" {' '.join(needle)} " in words.in_text for needle in _runs(run, SHARED_TEXT_RUN, 3)):
                return True
    return False


def _runs(words: list[str], length: int, content: int) -> list[list[str]]:
    """The `length`-word runs of `words` holding at least `content` content words."""
    runs = [words[i : i + length] for i in range(len(words) - length + 1)]
    return [run for run in runs if sum(w not in STOPWORDS for w in run) >= content]


def _quoted_runs(unit: Unit, text: str) -> list[list[str]]:
    """The words a unit holds in quote marks: its quoted phrases, or its whole text when it is all quoted."""
    if unit.phrases:
        return [words_of(p.text_in(text)) for p in unit.phrases]
    return [words_of(unit.text)] if unit.marked else []


def _carriers(unit: Unit, partners: dict[int, set[int]], units_by_index: dict[int, Unit]) -> set[int]:
    """Articles holding this piece: its own and those of the pieces linked to it."""
    return {units_by_index[p].article for p in partners.get(unit.index, ())} | {unit.article}


def _omitted(analyses: list[Analysis], missing: int, units: list[Unit], what: str, speaker: str | None) -> Finding:
    article = analyses[missing].article
    carriers = sorted({analyses[u.article].article.id for u in units})
    return Finding(
        kind="omitted",
        evidence=[u.span for u in sorted(units, key=lambda u: (u.article, u.span.start))],
        detail={"what": what, "article_id": article.id, "outlet": article.outlet, "speaker": speaker,
                "carried_by": carriers, "text": joined_text([u for u in units if u.article == units[0].article])},
    )


__all__ = [
    "conflict_findings",
    "name_conflict_findings",
    "informativeness",
    "omitted_findings",
    "unique_fact_findings",
    "unique_unit_findings",
    "verdict_findings",
]
