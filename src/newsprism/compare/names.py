"""Name conflicts: aligned sentences that give the same role to different people, organisations or places.

In a pair of aligned narrative sentences, a name one side has and the other lacks (its entity absent from the
other article altogether) conflicts with the other side's lacking name of the same kind when both follow the
same words ("owned by ...", "harbour master ..."). Spelling variants never conflict: entity resolution has
already merged them, and `names_match` is checked again.
"""

from __future__ import annotations

from collections.abc import Callable

from newsprism.compare.units import Unit, words_of
from newsprism.models import Analysis, Mention

LEAD_WORDS = 2            # words before a name that must match on both sides
DIFFERENT_NAMES = 0.5     # names_match below this: two different names


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
                if ma.kind != mb.kind or _lead(analyses[ua.article], ma) != _lead(analyses[ub.article], mb):
                    continue
                if same_name is not None and same_name(_name(ma), _name(mb)) >= DIFFERENT_NAMES:
                    continue
                found.append((ma, mb))
    return found


def _name(mention: Mention) -> str:
    return mention.entity or mention.surface


def _mentions_in(analysis: Analysis, unit: Unit) -> list[Mention]:
    return [m for m in analysis.mentions if unit.span.start <= m.span.start and m.span.end <= unit.span.end]


def _lead(analysis: Analysis, mention: Mention) -> tuple[str, ...] | None:
    """The words right before a mention in its sentence (None at the start: no role to compare)."""
    words = words_of(analysis.article.text[max(0, mention.span.start - 60) : mention.span.start])
    return tuple(words[-LEAD_WORDS:]) if len(words) >= LEAD_WORDS else None


__all__ = ["name_conflicts"]
