"""Name conflicts: aligned sentences that give the same role to different people, organisations or places.

In a pair of aligned narrative sentences, a name one side has and the other lacks (its entity absent from the
other article altogether) conflicts with the other side's lacking name of the same kind when both follow the
same words ("owned by ...", "harbour master ..."). Names one outlet could use for one entity never conflict:
spelling variants (`names_match`), the same name resolved to different people within each article, a name with
fewer or abbreviated words, an acronym.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from newsprism.compare.units import STOPWORDS, Unit, words_of
from newsprism.models import Analysis, Mention

LEAD_WORDS = 2            # words before a name that must match on both sides
DIFFERENT_NAMES = 0.5     # names_match below this: two different names
_FILLER = frozenset({"of", "the", "and", "for", "&"})
_NAME_WORD = re.compile(r"[\w.'’]+")


def name_conflicts(
    units: list[Unit], links: dict[tuple[int, int], float], analyses: list[Analysis],
    same_name: Callable[[str, str], float] | None,
) -> list[tuple[Mention, Mention]]:
    """Pairs of mentions (first article's, second's) naming different entities in the same role."""
    names_in = [{_name(m) for m in a.mentions} for a in analyses]
    found: list[tuple[Mention, Mention]] = []
    for i, j in links:
        ua, ub = units[i], units[j]
        if ua.kind != "sentence" or ub.kind != "sentence":
            continue
        only_a = [m for m in _mentions_in(analyses[ua.article], ua) if _name(m) not in names_in[ub.article]]
        only_b = [m for m in _mentions_in(analyses[ub.article], ub) if _name(m) not in names_in[ua.article]]
        for ma in only_a:
            for mb in only_b:
                lead = _lead(analyses[ua.article], ua, ma)
                if ma.kind != mb.kind or lead is None or lead != _lead(analyses[ub.article], ub, mb):
                    continue
                forms = [(x, y) for x in _forms(ma) for y in _forms(mb)]
                if any(may_be_one(x, y) for x, y in forms):
                    continue
                if same_name is not None and any(same_name(x, y) >= DIFFERENT_NAMES for x, y in forms):
                    continue
                found.append((ma, mb))
    return found


def may_be_one(a: str, b: str) -> bool:
    """Whether one outlet could call one entity by both names: the same words, some left out ("Christopher
    Simpson" / "Christopher Kenyon Simpson"), abbreviated ("Medical Assn" / "Medical Association"), or an
    acronym ("AMD" / "Advanced Micro Devices")."""
    words_a, words_b = _name_words(a), _name_words(b)
    if not words_a or not words_b:
        return False
    short, long = sorted((words_a, words_b), key=len)
    if len(short) == 1 < len(long) and short[0] == "".join(w[0] for w in long):
        return True
    matched = 0
    for word in long:
        if matched < len(short) and _abbreviates(short[matched], word):
            matched += 1
    return matched == len(short)


def _name_words(name: str) -> list[str]:
    """Lower-cased words of a name, dots and filler words left out ("A.J. Butler" -> ["aj", "butler"])."""
    words = (w.replace(".", "").lower() for w in _NAME_WORD.findall(name))
    return [w for w in words if w and w not in _FILLER]


def _abbreviates(a: str, b: str) -> bool:
    """One word is the other or stands for it: an initial ("f" / "fitzgerald") or its letters in order from the
    same first letter ("assn" / "association")."""
    short, long = sorted((a, b), key=len)
    if short == long or (len(short) == 1 and long.startswith(short)):
        return True
    if len(short) == len(long) or short[0] != long[0]:
        return False
    letters = iter(long)
    return all(ch in letters for ch in short)


def _name(mention: Mention) -> str:
    return mention.entity or mention.surface


def _forms(mention: Mention) -> set[str]:
    """The names a mention goes by: as written, and as resolved in its article."""
    return {mention.surface, mention.entity or mention.surface}


def _mentions_in(analysis: Analysis, unit: Unit) -> list[Mention]:
    return [m for m in analysis.mentions if unit.span.start <= m.span.start and m.span.end <= unit.span.end]


def _lead(analysis: Analysis, unit: Unit, mention: Mention) -> tuple[str, ...] | None:
    """The words right before a mention in its sentence; None when they cannot name a role: fewer than
    `LEAD_WORDS` of them, or only function words ("of the")."""
    words = words_of(analysis.article.text[max(unit.span.start, mention.span.start - 60) : mention.span.start])
    lead = tuple(words[-LEAD_WORDS:])
    return lead if len(lead) == LEAD_WORDS and any(w not in STOPWORDS for w in lead) else None


__all__ = ["name_conflicts"]
