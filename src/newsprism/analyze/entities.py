"""Named-entity mentions of one article: spaCy's entities, trimmed, re-typed by vote, short forms resolved.

spaCy's small model types a name differently from one mention to the next, folds titles and adjectives into
names and misses later mentions. Here every mention's span is trimmed to the bare name ("President Vladimir
Putin" -> "Vladimir Putin"), each name's kind is the vote of all its mentions plus context cues (a title
before it, "region" after it, a conjunct of a known place), names seen once as entities are found again where
spaCy missed them, and short forms ("Putin", "NATO") resolve to the fullest name in the article.
Cross-article alias resolution is `resolve_entities` (see `newsprism.analyze.resolve`).
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from newsprism.analyze import component
from newsprism.analyze.aliases import fold, name_key, names_match, token_key
from newsprism.analyze.resolve import resolve_entities
from newsprism.models import Analysis, Mention, Span
from newsprism.settings import Settings

log = logging.getLogger(__name__)

KIND_OF_LABEL = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE", "PRODUCT": ""}
TITLES = frozenset(
    ["president", "vice", "prime", "minister", "chancellor", "premier", "king", "queen", "prince", "princess", "pope", "sheikh", "emir", "general", "gen", "commander", "colonel", "col", "lieutenant", "lt", "major", "maj", "captain", "capt", "sergeant", "sgt", "admiral", "adm", "marshal", "chief", "supreme", "secretary", "senator", "sen", "representative", "rep", "governor", "gov", "mayor", "judge", "justice", "sir", "dame", "lord", "lady", "mr", "mrs", "ms", "miss", "dr", "doctor", "professor", "prof", "reverend", "rev", "father", "sister", "brother", "ambassador", "spokesman", "spokeswoman", "spokesperson", "foreign", "defence", "defense", "deputy", "acting", "former", "late", "head", "leader", "minister", "director", "officer", "chairman", "chairwoman", "chair", "ceo", "envoy", "commissioner", "president-elect", "first"]
)
PLACE_NOUNS = frozenset(
    ["region", "city", "town", "village", "province", "oblast", "district", "county", "state", "river", "border", "area", "republic", "capital", "peninsula", "island", "islands", "mountains", "valley", "port", "airport", "front"]
)
PLACE_PREPOSITIONS = frozenset(["in", "near", "into", "outside", "across", "toward", "towards", "around", "inside"])
_STOP_LEADING = frozenset(["the", "a", "an"])
_ACRONYM_SKIP = frozenset(["of", "the", "and", "for", "de", "la"])

LABEL_VOTE = 1.0
POSSESSIVE_LABEL_VOTE = 0.5  # the small model calls many "X's" a person
UNSUPPORTED_PERSON_FACTOR = 0.3
SHORT_FORM_VOTE = 1.0  # "Lindqvist" after "Anna Lindqvist": the full name vouches for the short form
TITLE_VOTE = 2.0
PLACE_NOUN_VOTE = 2.0
CONJUNCT_VOTE = 1.5
PREPOSITION_VOTE = 0.75


@dataclass(slots=True)
class _Candidate:
    """A trimmed entity span with its kind votes."""

    start: int
    end: int
    surface: str
    key: str
    votes: Counter = field(default_factory=Counter)
    titled: bool = False


@component("entities")
def entities_component(doc, analysis: Analysis, settings: Settings) -> None:
    """Fill `analysis.mentions` with typed, trimmed, article-locally resolved mentions."""
    del settings
    article_id = analysis.article.id
    candidates = _candidates(doc)
    kinds = _vote_kinds(candidates)
    kept = [c for c in candidates if kinds.get(c.key)]
    kept += _missed_mentions(doc, kept, kinds)
    kept.sort(key=lambda c: c.start)
    names = _local_names(kept, kinds)
    analysis.mentions = [
        Mention(Span(article_id, c.start, c.end), c.surface, kinds[c.key], names[c.key]) for c in kept
    ]


def _candidates(doc) -> list[_Candidate]:
    """Trimmed spaCy entities of the kinds we keep, each with its label and context votes."""
    found = []
    ent_kind_at = {}
    for ent in doc.ents:
        kind = KIND_OF_LABEL.get(ent.label_)
        if kind is not None:
            for tok in ent:
                ent_kind_at[tok.i] = kind
    for whole in doc.ents:
        kind = KIND_OF_LABEL.get(whole.label_)
        if kind is None:
            continue
        parts = _split_at_possessives(whole)
        for ent in parts:
            cand = _candidate(doc, ent, kind if len(parts) == 1 else "", ent_kind_at)
            if cand is not None:
                found.append(cand)
    return found


def _split_at_possessives(ent) -> list:
    """Sub-spans of `ent` between inner possessive markers ("Kyiv's Kursk" is two names)."""
    parts, start = [], ent.start
    for tok in ent[:-1]:
        if tok.tag_ == "POS" or tok.text in ("'s", "’s"):
            parts.append(ent.doc[start : tok.i + 1])
            start = tok.i + 1
    parts.append(ent.doc[start : ent.end])
    return [p for p in parts if len(p)]


def _candidate(doc, ent, kind: str, ent_kind_at: dict) -> _Candidate | None:
    """The trimmed candidate of one entity span, with its label and context votes."""
    trimmed = _trim(ent, kind)
    if trimmed is None:
        return None
    first, last, had_title = trimmed
    surface = doc[first : last + 1].text
    key = name_key(surface)
    if not key:
        return None
    cand = _Candidate(doc[first].idx, doc[last].idx + len(doc[last].text), surface, key, titled=had_title)
    if kind:
        possessive = last + 1 < len(doc) and doc[last + 1].tag_ == "POS"
        cand.votes[kind] += POSSESSIVE_LABEL_VOTE if possessive else LABEL_VOTE
    _add_context_votes(doc, first, last, had_title, ent_kind_at, cand.votes)
    return cand


def _trim(ent, kind: str) -> tuple[int, int, bool] | None:
    """Token range of the bare name inside `ent` and whether a title was cut; None when nothing is left."""
    first, last = ent.start, ent.end - 1
    doc = ent.doc
    while last >= first and (doc[last].tag_ == "POS" or doc[last].is_punct or doc[last].text in ("'s", "’s")):
        last -= 1
    had_title = _is_title(doc[first - 1]) if first > 0 else False
    while first <= last and doc[first].lower_ in _STOP_LEADING:
        first += 1
    if kind != "PERSON" and (first > last or all(_is_title(t) or _is_modifier(t) for t in doc[first : last + 1])):
        return None
    while kind == "PERSON" and first <= last and (_is_title(doc[first]) or _is_modifier(doc[first])):
        had_title = had_title or _is_title(doc[first])
        first += 1
    if first > last or not any(t.text[:1].isupper() for t in doc[first : last + 1]):
        return None
    return first, last, had_title


def _is_title(token) -> bool:
    return token.lower_.rstrip(".") in TITLES


def _is_modifier(token) -> bool:
    """An adjective in front of a name: "Ukrainian", "former"."""
    return token.tag_ == "JJ" or token.pos_ == "ADJ"


def _add_context_votes(doc, first: int, last: int, had_title: bool, ent_kind_at: dict, votes: Counter) -> None:
    """Kind votes from the words around a name."""
    if had_title:
        votes["PERSON"] += TITLE_VOTE
    if last + 1 < len(doc) and doc[last + 1].lower_ in PLACE_NOUNS:
        votes["PLACE"] += PLACE_NOUN_VOTE
    if first > 0 and doc[first - 1].lower_ in PLACE_PREPOSITIONS:
        votes["PLACE"] += PREPOSITION_VOTE
    head = doc[last]
    if head.dep_ == "conj":
        other = ent_kind_at.get(head.head.i)
        if other and head.head.i < first:
            votes[other] += CONJUNCT_VOTE


def _vote_kinds(candidates: list[_Candidate]) -> dict[str, str]:
    """The winning kind of each name key; names with no positive vote get ''."""
    totals: dict[str, Counter] = defaultdict(Counter)
    titled = set()
    for cand in candidates:
        totals[cand.key].update(cand.votes)
        if cand.titled:
            titled.add(cand.key)
    person_tokens = {tok for key, votes in totals.items() if " " in key and votes["PERSON"] > 0 for tok in key.split()}
    kinds = {}
    for key, votes in totals.items():
        # a real person is introduced by a full name or a title at least once; a lone word is weak evidence
        if " " not in key and key in person_tokens:
            votes["PERSON"] += SHORT_FORM_VOTE
        elif " " not in key and key not in titled and votes["PERSON"]:
            votes["PERSON"] *= UNSUPPORTED_PERSON_FACTOR
        best = max(votes.items(), key=lambda kv: (kv[1], kv[0] == "PERSON"), default=("", 0.0))
        kinds[key] = best[0] if best[1] > 0 else ""
    return kinds


def _missed_mentions(doc, kept: list[_Candidate], kinds: dict[str, str]) -> list[_Candidate]:
    """Later occurrences of known names that spaCy did not tag (proper nouns only)."""
    surfaces = {c.surface for c in kept if c.surface[:1].isupper()}
    if not surfaces:
        return []
    text = doc.text
    taken = bytearray(len(text) + 1)
    for cand in kept:
        taken[cand.start : cand.end] = b"\x01" * (cand.end - cand.start)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(s) for s in sorted(surfaces, key=len, reverse=True)) + r")(?!\w)")
    extra = []
    for match in pattern.finditer(text):
        start, end = match.span()
        if any(taken[start:end]):
            continue
        span = doc.char_span(start, end)
        if span is None or not all(t.pos_ == "PROPN" for t in span) or _inside_longer_name(span):
            continue
        key = name_key(match.group())
        extra.append(_Candidate(start, end, match.group(), key))
        taken[start:end] = b"\x01" * (end - start)
    one_word = {c.key for c in kept if " " not in c.key}
    for token in doc:
        start, end = token.idx, token.idx + len(token.text)
        if token.pos_ != "PROPN" or any(taken[start:end]) or _inside_longer_name(doc[token.i : token.i + 1]):
            continue
        key = token_key(fold(token.text))
        if key in one_word:
            extra.append(_Candidate(start, end, token.text, key))
            taken[start:end] = b"\x01" * (end - start)
    return [c for c in extra if kinds.get(c.key)]


def _inside_longer_name(span) -> bool:
    """Whether a proper noun touches `span` ("House" in "White House" is not a mention of "House")."""
    doc = span.doc
    before = span.start > 0 and doc[span.start - 1].pos_ == "PROPN"
    after = span.end < len(doc) and doc[span.end].pos_ == "PROPN"
    return before or after


def _local_names(cands: list[_Candidate], kinds: dict[str, str]) -> dict[str, str]:
    """Each name key's article-local entity name: the fullest name its short form belongs to."""
    surface_counts: dict[str, Counter] = defaultdict(Counter)
    for cand in cands:
        surface_counts[cand.key][cand.surface] += 1
    display = {key: max(counts.items(), key=lambda kv: (kv[1], len(kv[0])))[0] for key, counts in surface_counts.items()}
    names = {}
    for key, surface in display.items():
        target = _fuller_key(key, kinds[key], display, kinds)
        names[key] = display[target] if target else surface
    return names


def _fuller_key(key: str, kind: str, display: dict[str, str], kinds: dict[str, str]) -> str | None:
    """The key of the fullest same-kind name `key` is a short form of (last/first name, acronym), if unique."""
    tokens = key.split()
    best: list[str] = []
    for other, other_kind in kinds.items():
        other_tokens = other.split()
        if other == key or other_kind != kind or len(other_tokens) <= len(tokens):
            continue
        if kind == "PERSON" and (other_tokens[-len(tokens) :] == tokens or other_tokens[: len(tokens)] == tokens) or kind == "ORG" and len(tokens) == 1 and display[key].isupper() and _acronym(display[other]) == tokens[0]:
            best.append(other)
    if not best:
        return None
    longest = max(len(b.split()) for b in best)
    best = [b for b in best if len(b.split()) == longest]
    return best[0] if len(best) == 1 else None


def _acronym(name: str) -> str:
    """Transliteration key of a name's initials ("North Atlantic Treaty Organization" -> key of "nato")."""
    initials = "".join(w[0] for w in fold(name).split() if w not in _ACRONYM_SKIP)
    return token_key(initials)


__all__ = ["entities_component", "names_match", "resolve_entities"]
