"""Speaker resolution: a source span's text to the article-local full name of the person who spoke.

"Putin" -> "Vladimir Putin" (the longest name in the article ending in that surname); "he"/"she" -> the person
speaking in the previous attribution, else the nearest preceding person; "the president" / "the Kremlin leader"
-> the nearest preceding person introduced with that title (any head-of title for a generic "leader", "head" or
"chief"), else the previous speaker. Anything else (e.g. "a senior official", "the ministry") stays as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


def word_set(words: str) -> frozenset[str]:
    """A frozenset of the whitespace-separated words of a literal."""
    return frozenset(words.split())


TITLE_WORDS = word_set(
    """president vice prime minister foreign defence defense interior finance secretary senator sen. rep.
    representative gov. governor mayor mr. mrs. ms. dr. prof. professor gen. general lt. col. colonel adm. admiral
    commander chief supreme chancellor king queen prince princess pope judge justice speaker leader chairman
    chairwoman chair ceo director spokesman spokeswoman spokesperson ambassador envoy former deputy state house
    party democratic republican candidate nominee sheikh emir premier lawmaker congressman congresswoman sir lady
    lord attorney coach captain officer sgt. sergeant detective inspector minority majority"""
)
ROLE_NOUNS = word_set(
    """president minister leader chancellor senator governor mayor secretary spokesman spokeswoman spokesperson
    chairman chairwoman chief commander general premier candidate nominee ambassador envoy king queen pope ceo
    director head lawmaker congressman congresswoman speaker judge attorney prosecutor adviser advisor aide
    billionaire businessman businesswoman mogul coach captain officer official actor actress star founder
    economist analyst author writer host"""
)
# "The Kremlin leader", "the party chief": a generic head noun stands for whoever leads, whatever the title.
LEADER_NOUNS = word_set("leader head chief")
LEADER_TITLES = word_set(
    "president premier prime chancellor king queen pope emir sheikh chairman chairwoman ceo leader head chief"
)
_HE = frozenset({"he", "him", "his"})
_SHE = frozenset({"she", "her", "hers"})
_NOT_NAMES = word_set(
    """The A An In On At For But And Or If As After Before When While This That These Those It He She They We I You
    His Her Their Our My Your Its There Here Monday Tuesday Wednesday Thursday Friday Saturday Sunday January
    February March April May June July August September October November December Meanwhile However Also
    According Speaking Asked Mr Mrs Ms"""
)


@dataclass(slots=True)
class Person:
    """One mention of a person: character range, article-local full name, title words seen just before it."""

    start: int
    end: int
    name: str
    titles: set[str] = field(default_factory=set)


def strip_titles(words: list[str]) -> list[str]:
    """Drop leading titles ("Russian President", "Gen.") and a trailing possessive from a name's words."""
    words = list(words)
    while len(words) > 1 and (
        words[0].lower() in TITLE_WORDS or (len(words) > 2 and words[1].lower() in TITLE_WORDS)
    ):
        words.pop(0)
    if words and words[-1].endswith(("'s", "’s")):
        words[-1] = words[-1][:-2]
    return [w for w in words if w]


def full_names(persons: list[Person]) -> list[Person]:
    """Give each mention the longest name in the article sharing its surname ("Putin" -> "Vladimir Putin")."""
    longest: dict[str, str] = {}
    for person in persons:
        words = person.name.split()
        if not words:
            continue
        best = longest.get(words[-1])
        if best is None or len(person.name) > len(best):
            longest[words[-1]] = person.name
    out = []
    for person in persons:
        words = person.name.split()
        name = longest.get(words[-1], person.name) if words else person.name
        if len(words) > 1 and not longest.get(words[-1], "").endswith(person.name):
            name = person.name
        out.append(Person(person.start, person.end, name, person.titles))
    return out


def titles_before(text: str, start: int, max_words: int = 4) -> set[str]:
    """Title words right before a name ("Russian President", "the Kremlin leader"), lower-cased; stops at any
    other word, so "the president said that Kiev" gives nothing for "Kiev"."""
    left = text[max(0, start - 80) : start].rsplit("\n", 1)[-1]
    left = re.split(r"[.,;:!?“”\"(]", left)[-1]
    titles: set[str] = set()
    for word in reversed(left.split()[-max_words:]):
        lower = word.lower().strip("’'")
        if lower in TITLE_WORDS or lower in ROLE_NOUNS or (word[:1].isupper() and word not in _NOT_NAMES):
            titles.add(lower)
        else:
            break
    return titles


_APPOSITION = re.compile(r",\s+(?:the|a|an|its|his|her)\s+([^,.;:\n]{1,60})")


def titles_after(text: str, end: int) -> set[str]:
    """Role nouns of an apposition right after a name ("Vladimir Putin, the Russian president,")."""
    match = _APPOSITION.match(text, end)
    if not match:
        return set()
    return {w.lower() for w in match.group(1).split()} & ROLE_NOUNS


def titles_around(text: str, start: int, end: int) -> set[str]:
    """Title words before a name and role nouns of its apposition."""
    return titles_before(text, start) | titles_after(text, end)


_WORD = r"(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Jr|St|[A-Z])\.|[A-Z][\w'’-]*)"
NAME_PARTICLES = r"(?:van|von|der|den|de|da|del|della|di|du|dos|le|la|bin|ibn|al)"  # "Jonas de Vries"
_NAME_RUN = re.compile(rf"{_WORD}(?:[ \t](?:{NAME_PARTICLES}[ \t])?{_WORD}){{0,5}}")


def _split_possessives(words: list[str]) -> list[list[str]]:
    """'Ukraine’s Kursk' is two names: split a run after each possessive."""
    runs, current = [], []
    for word in words:
        current.append(word)
        if word.endswith(("'s", "’s")):
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def heuristic_persons(text: str) -> list[Person]:
    """Person-like names without NER: runs of 2-4 capitalized words, titles stripped, plus their lone surnames."""
    persons: list[Person] = []
    for match in _NAME_RUN.finditer(text):
        offset = match.start()
        for raw in _split_possessives(match.group().split()):
            run_start = text.find(raw[0], offset)
            offset = run_start + len(" ".join(raw))
            kept = list(raw)
            while kept and kept[0] in _NOT_NAMES:
                kept.pop(0)
            words = strip_titles(kept)
            if not words or len(words) > 4:
                continue
            start = text.find(words[0], run_start)
            stripped = {w.lower() for w in kept[: len(kept) - len(words)]}
            name = " ".join(words)
            persons.append(Person(start, start + len(name), name, titles_around(text, start, start + len(name)) | stripped))
    multi = {p.name.split()[-1] for p in persons if len(p.name.split()) > 1}
    return full_names([p for p in persons if len(p.name.split()) > 1 or p.name in multi])


_RELATIVE = frozenset({"who", "whom", "whose"})
_RELATIVE_THINGS = frozenset({"which", "that"})  # PolNeAR marks them as the source: "the EU, which said ..."
_FUNCTION_WORDS = word_set(
    """but and or after before while when as then also later where because so if though although
    meanwhile however still yet"""
)


class SpeakerResolver:
    """Resolves attributions' sources in text order, remembering the previous speaker."""

    def __init__(self, text: str, persons: list[Person]) -> None:
        self.text = text
        self.persons = sorted(persons, key=lambda p: p.start)
        self.previous: str | None = None
        self.previous_paragraph = -10
        self.previous_person: str | None = None

    def resolve(
        self,
        source: tuple[int, int] | None,
        continued: bool,
        paragraph: int = -1,
        content_start: int | None = None,
        cue_start: int | None = None,
    ) -> str | None:
        """The speaker name for one attribution, and remember it for the next pronoun."""
        same_paragraph = paragraph >= 0 and paragraph == self.previous_paragraph
        if source is not None and self.is_function_word(*source):
            source = None
            continued = continued or same_paragraph
        if source is None:
            speaker = self.previous if continued or same_paragraph else None
            if content_start is not None:
                speaker = self.colon_speaker(content_start) or speaker
            if cue_start is not None:
                speaker = self.sentence_subject(cue_start) or speaker
        else:
            speaker = self._resolve_source(*source)
        self.previous = speaker
        self.previous_paragraph = paragraph
        return speaker

    def is_function_word(self, start: int, end: int) -> bool:
        """A tagger slip: the source is only words like "but" or "after"."""
        words = self.text[start:end].lower().split()
        return bool(words) and all(w.strip(",.") in _FUNCTION_WORDS for w in words)

    def _resolve_source(self, start: int, end: int) -> str:
        """Named person inside the span, else pronoun / title resolution, else the text as written."""
        written = " ".join(self.text[start:end].split())
        inside = [p for p in self.persons if p.start >= start and p.end <= end]
        heads = [p for p in inside if self.text[p.end : p.end + 2] not in {"'s", "’s"}]
        if heads:
            return self._remember(heads[-1])
        if inside:
            return written  # "Zelensky's office": the office spoke, not the person
        surname = self._known_surname(written)
        if surname is not None:
            self.previous_person = surname
            return surname
        words = [w.lower() for w in re.findall(r"[\w’'.-]+", written)]
        if len(words) == 1 and words[0] in _HE | _SHE:
            return self._pronoun(start) or written
        if len(words) == 1 and words[0] in _RELATIVE:
            return self._antecedent(start) or written
        if len(words) == 1 and words[0] in _RELATIVE_THINGS:
            return self._antecedent(start) or self._antecedent_phrase(start) or written
        if words and words[0] == "the" and len(words) <= 5 and any(w in ROLE_NOUNS for w in words[1:]):
            return self._titled(start, set(words[1:])) or written
        return written

    def _known_surname(self, written: str) -> str | None:
        """A capitalized name the NER missed but whose surname a known person carries ("Novak" -> "Elena Novak")."""
        words = strip_titles(written.split())
        if not words or not all(w[:1].isupper() for w in words):
            return None
        for person in reversed(self.persons):
            if person.name.split()[-1] == words[-1] and person.name.endswith(" ".join(words)):
                return person.name
        return None

    def sentence_subject(self, cue_start: int) -> str | None:
        """A cue without a tagged source ("X, who ..., said"): the first person named earlier in its sentence."""
        line_start = self.text.rfind("\n", 0, cue_start) + 1
        lead = self.text[line_start:cue_start]
        breaks = [m.end() for m in re.finditer(r"[.!?][”\"’]?\s+", lead)]
        sentence_start = line_start + (breaks[-1] if breaks else 0)
        named = [p for p in self.persons if sentence_start <= p.start and p.end <= cue_start]
        return self._remember(named[0]) if named else None

    def colon_speaker(self, start: int) -> str | None:
        """An uncued quote introduced by a colon: the first person named earlier in that sentence."""
        line_start = self.text.rfind("\n", 0, start) + 1
        lead = self.text[line_start:start].rstrip(" “\"„")
        if not lead.endswith(":"):
            return None
        sentence_start = line_start + max(lead.rfind(". "), lead.rfind("? "), lead.rfind("! "), -1) + 1
        named = [p for p in self.persons if sentence_start <= p.start and p.end <= start]
        return self._remember(named[0]) if named else None

    def _remember(self, person: Person) -> str:
        self.previous_person = person.name
        return person.name

    def _antecedent(self, start: int) -> str | None:
        """Who/whom: the person named right before (", who ...")."""
        before = [p for p in self.persons if p.end <= start and not self.text[p.end : start].strip(" ,")]
        return self._remember(before[-1]) if before else None

    def _antecedent_phrase(self, start: int) -> str | None:
        """Which/that: the phrase just before (", which ..."): its last words back to a boundary, from its first
        determiner or capitalized word."""
        clause = re.split(r"[,;:()\n]|\.\s", self.text[max(0, start - 120) : start].rstrip(" ,"))[-1]
        words = clause.split()[-6:]
        while words and not (words[0][:1].isupper() or words[0].lower() in {"the", "a", "an"}):
            words = words[1:]
        return " ".join(words) or None

    def _pronoun(self, start: int) -> str | None:
        """He/she: the previous attribution's person, else the nearest preceding titled person, else any."""
        if self.previous_person is not None:
            return self.previous_person
        before = [p for p in self.persons if p.end <= start]
        titled = [p for p in before if p.titles & TITLE_WORDS]
        chosen = (titled or before)[-1:]
        return self._remember(chosen[0]) if chosen else None

    def _titled(self, start: int, words: set[str]) -> str | None:
        """A title description: the nearest person introduced with one of its role nouns (earlier first, then
        later), preferring one whose other title words it shares too ("the Northland president")."""
        roles = words & ROLE_NOUNS
        if roles & LEADER_NOUNS:
            roles |= LEADER_TITLES
        earlier = [p for p in self.persons if p.end <= start and p.titles & roles]
        if earlier:
            qualified = [p for p in earlier if p.titles & (words - roles)]
            return self._remember((qualified or earlier)[-1])
        if self.previous_person is not None:
            return self.previous_person
        later = [p for p in self.persons if p.start > start and p.titles & roles]
        return self._remember(later[0]) if later else None
