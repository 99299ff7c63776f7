"""Speaker resolution: a source span's text to the article-local full name of the person who spoke.

"Putin" -> "Vladimir Putin" (the nearest full name in the article ending in that surname, "Mr. Mueller" -> "Robert
S. Mueller III"); "he"/"she" -> the person their own or the previous sentence opens with, else the one speaking in
the previous attribution, else the nearest preceding person, skipping anyone known to take the other pronoun (from
"Mr."/"Ms.", a gendered title, an earlier pronoun, else a given name); "the president" / "the Kremlin leader" ->
the nearest preceding person introduced with that title (any head-of title for a generic "leader", "head", "chief"
or "boss"), else the previous speaker; an organisation heading the source is named without its article ("The White
House on Wednesday" -> "White House"); people listed together speak together ("Mr. Udall and Mr. Wyden" -> "Mark
Udall and Ron Wyden"). A source that only names someone it speaks for or belongs to ("a lawyer for Mrs. Clinton",
"the Romney campaign") and anything else ("a senior official", "the ministry") stays as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


def word_set(words: str) -> frozenset[str]:
    """A frozenset of the whitespace-separated words of a literal."""
    return frozenset(words.split())


TITLE_WORDS = word_set(
    """president vice prime minister foreign defence defense interior finance secretary senator sen. rep.
    representative gov. governor mayor mr. mrs. ms. dr. prof. professor gen. general lt. col. colonel adm.
    admiral commander chief supreme chancellor king queen prince princess pope judge justice speaker leader
    chairman chairwoman chair ceo executive director spokesman spokeswoman spokesperson ambassador envoy former
    deputy state house party democratic republican candidate nominee sheikh emir premier lawmaker congressman
    congresswoman sir lady lord attorney coach captain officer sgt. sergeant sheriff detective inspector
    minority majority sens. reps. govs. rev. capt. maj. senators representatives"""
)
ROLE_NOUNS = word_set(
    """president minister leader chancellor senator governor mayor secretary spokesman spokeswoman spokesperson
    chairman chairwoman chief commander general premier candidate nominee ambassador envoy king queen pope ceo
    director executive head boss lawmaker congressman congresswoman speaker judge attorney prosecutor sheriff
    adviser advisor aide billionaire businessman businesswoman mogul coach captain officer official actor
    actress star founder economist analyst author writer host master manager engineer warden keeper ranger
    superintendent principal headteacher teacher doctor surgeon nurse pilot skipper farmer owner lawyer counsel
    scientist researcher councillor councilor councilman councilwoman commissioner treasurer clerk auditor
    trustee administrator coordinator organiser organizer curator librarian architect planner historian
    investigator controller operator chairperson coroner magistrate pastor priest bishop imam rabbi vicar"""
)
# "The Kremlin leader", "the party chief": a generic head noun stands for whoever leads, whatever the title.
LEADER_NOUNS = word_set("leader head chief boss")
LEADER_TITLES = word_set(
    "president premier prime chancellor king queen pope emir sheikh chairman chairwoman ceo leader head chief"
)
# Last words of capitalized runs that name an organisation, a place, a programme or a day, not a person
# ("White House", "Fox News Sunday", "Senate Intelligence Committee").
_NOT_PERSON_HEADS = word_set(
    """House Senate Congress Committee Committees Department Ministry Office Agency Bureau Commission Council Court
    Party Parliament Assembly Government Administration Authority Board Union Institute University College
    School Foundation Company Corporation Corp Inc Group Bank Fund Association Network Center Centre Press News
    Times Post Journal Tribune Herald Magazine Show Radio TV Monitor Street Avenue Square Hall Church Army Navy
    Force Forces Guard Patrol Corps Police Service Services Caucus Campaign Coalition Alliance Federation League
    Club Team GOP Airport Station Hospital City County State States Republic Kingdom Island Islands Region
    Province District Valley River Sea Ocean Sunday Monday Tuesday Wednesday Thursday Friday Saturday Democrat
    Democrats Democratic Republican Republicans Independents American Americans"""
)
_SUFFIXES = word_set("Jr. Jr Sr. Sr II III IV")
_HONORIFICS = word_set("mr. mr mrs. mrs ms. ms dr. dr")
_DETERMINERS = word_set("the a an its his her their our")
_HE = frozenset({"he", "him", "his"})
_SHE = frozenset({"she", "her", "hers"})
# Titles that say which pronoun fits a person; otherwise the first pronoun resolved to them decides.
_MALE_TITLES = word_set("mr. mr sir lord king prince spokesman chairman congressman businessman")
_FEMALE_TITLES = word_set("mrs. mrs ms. ms lady queen princess spokeswoman chairwoman congresswoman businesswoman "
                          "actress")
# Given names that nearly always belong to a man or a woman: a weak prior for "he"/"she" and "Mr."/"Mrs.", used
# only when no title or earlier pronoun says otherwise. Names common for both ("Jordan", "Kim", "Jean") are left out.
_MALE_GIVEN_NAMES = word_set(
    """Aaron Abdul Adam Adrian Ahmed Alan Albert Alexander Alexei Ali Andrew Andrei Anthony Antonio Arnold Arthur
    Barack Barry Ben Benjamin Bernard Bernie Bill Billy Bob Boris Brad Bradley Brian Bruce Carl Carlos Charles
    Chris Christopher Chuck Colin Craig Dan Daniel Danny David Dennis Dick Dmitry Donald Doug Douglas Duncan
    Edward Emmanuel Eric Evan Frank Fred Gary George Gerald Gordon Greg Gregory Harold Harry Henry Howard Hugh Ian
    Igor Isaac Ivan Jack Jacob Jake James Jared Jason Jeb Jeff Jeffrey Jeremy Jerry Jesse Jim Jimmy Joe Joel John
    Johnny Jonathan Joseph Josh Joshua Juan Justin Keith Ken Kenneth Kevin Kurt Larry Lawrence Luis
    Marco Mark Martin Matt Matthew Michael Mike Mitch Mitt Mohammed Muhammad Narendra Nathan Neil Nicholas Nick
    Olaf Oliver Patrick Paul Peter Phil Philip Ralph Randy Ray Raymond Reince Richard Rick Rob Robert Roger Ron
    Ronald Rudy Rush Russell Ryan Sam Samuel Scott Sean Sergei Sergey Steve Steven Ted Thomas Tim Timothy Todd Tom
    Tony Vladimir Volodymyr Walter Wayne William Xi Yuri"""
)
_FEMALE_GIVEN_NAMES = word_set(
    """Abigail Alice Alicia Amanda Amy Ana Angela Ann Anna Anne Barbara Betsy Betty Brenda Carly Carol Caroline
    Catherine Cheryl Christina Christine Claire Condoleezza Cynthia Debbie Deborah Diana Diane Donna Doris
    Dorothy Elena Elizabeth Ellen Emily Emma Erin Eva Evelyn Gina Grace Hannah Heather Helen Hillary Huma Irene
    Ivanka Jacqueline Jane Janet Janice Jennifer Jessica Jill Joan Joanna Joni Judith Judy Julia Julie Karen
    Katherine Kathleen Kathy Katie Kayleigh Kelly Kellyanne Kirsten Laura Lauren Linda Lisa Loretta Lucy Maria
    Marie Marilyn Martha Mary Megan Megyn Melania Melissa Michelle Nancy Natalia Natalie Nikki
    Olga Pamela Patricia Paula Rachel Rebecca Ruth Samantha Sandra Sara Sarah Sharon Shirley Sophie Stephanie
    Susan Suzanne Tammy Teresa Theresa Tulsi Ursula Valerie Victoria Virginia Wendy Yulia"""
)
_NOT_NAMES = word_set(
    """The A An In On At For But And Or If As After Before When While This That These Those It He She They We I You
    His Her Their Our My Your Its There Here Monday Tuesday Wednesday Thursday Friday Saturday Sunday January
    February March April May June July August September October November December Meanwhile However Also
    According Speaking Asked Mr Mrs Ms With Yet So Still Even Since Until Despite Although Though Because Under
    Through During Without Among Like Unlike Including From To By Of Then Now Once Other Several Both Many Some Most
    All Each Every Any Another Such No One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Twenty Thirty
    Forty Fifty Sixty Seventy Eighty Ninety Dozens Hundreds Thousands"""
)


@dataclass(slots=True)
class Person:
    """One mention of a person: character range, article-local full name, title words seen just before it."""

    start: int
    end: int
    name: str
    titles: set[str] = field(default_factory=set)


def title_parts(word: str) -> set[str]:
    """A word lower-cased, with the parts of a compound ("President-elect" -> president-elect, president, elect)."""
    lower = word.lower()
    return {lower, *lower.split("-")}


def strip_titles(words: list[str]) -> list[str]:
    """Drop everything up to the last title before the name ("Russian President", "Missouri Highway Patrol
    Capt.") and a trailing possessive from a name's words."""
    titled = [i for i, word in enumerate(words[:-1]) if title_parts(word) & TITLE_WORDS]
    words = list(words[titled[-1] + 1 :] if titled else words)
    if words and words[-1].endswith(("'s", "’s")):
        words[-1] = words[-1][:-2]
    return [w for w in words if w]


def full_names(persons: list[Person]) -> list[Person]:
    """Give each mention the full name it shortens ("Putin" -> "Vladimir Putin"): the nearest earlier mention whose
    name ends with it, else the nearest later one, skipping names whose titles say the other pronoun ("Ms. Lund"
    is not "Mr. Erik Lund"); then the longest form with the same first and last word ("Donald Trump" -> "Donald J.
    Trump")."""
    titles_of: dict[str, set[str]] = {}
    for person in persons:
        titles_of.setdefault(person.name, set()).update(person.titles)
    names = _shortened(persons, titles_of)
    longest: dict[tuple[str, str], str] = {}
    for name in names:
        if len(name) > len(longest.get(_first_and_last(name), "")):
            longest[_first_and_last(name)] = name
    return [Person(p.start, p.end, longest[_first_and_last(name)], p.titles)
            for p, name in zip(persons, names, strict=True)]


def _first_and_last(name: str) -> tuple[str, str]:
    words = name.split() or [""]
    return words[0], words[-1]


def without_suffix(name: str) -> str:
    """The name without a generational suffix ("George T. Conway III" -> "George T. Conway")."""
    words = name.split()
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return " ".join(words)


def surname(name: str) -> str:
    """The last word of a name that is not a generational suffix."""
    return without_suffix(name).rsplit(" ", 1)[-1]


def _shortened(persons: list[Person], titles_of: dict[str, set[str]]) -> list[str]:
    """For each mention, the name of the nearest mention (earlier first) whose name ends with its own."""
    pronoun_of = {name: title_pronoun(titles) or given_name_pronoun(name) for name, titles in titles_of.items()}
    by_surname: dict[str, list[Person]] = {}
    offices_of_surname: dict[str, set[str]] = {}
    for person in persons:
        by_surname.setdefault(surname(person.name), []).append(person)
        if " " not in person.name:
            offices_of_surname.setdefault(person.name, set()).update(person.titles & TITLE_WORDS - _HONORIFICS)

    def namesake_in_office(full: str) -> bool:
        """"President Trump" beside "Donald Trump Jr.": the bare surname has an office the suffixed name never
        holds, so it may be the father; the son does not take it."""
        return full != without_suffix(full) and bool(offices_of_surname.get(surname(full), set()) - titles_of[full])

    out = []
    for person in persons:
        pronoun = title_pronoun(person.titles)
        shortened = without_suffix(person.name)
        longer = [p for p in by_surname[surname(person.name)]
                  if len(p.name) > len(person.name) and without_suffix(p.name).endswith(" " + shortened)
                  and same_or_unknown(pronoun, pronoun_of[p.name])
                  and (" " in person.name or not namesake_in_office(p.name))]
        earlier = [p for p in longer if p.start < person.start]
        later = [p for p in longer if p.start > person.start]
        chosen = max(earlier, key=lambda p: p.start) if earlier else min(later, key=lambda p: p.start, default=None)
        out.append(chosen.name if chosen else person.name)
    return out


def same_or_unknown(a: str | None, b: str | None) -> bool:
    """Two pronouns that may belong to one person (None: not known)."""
    return a is None or b is None or a == b


def given_name_pronoun(name: str) -> str | None:
    """"he" or "she" when the name starts with a given name that says so ("Hillary Clinton"), else None."""
    first = name.split(" ", 1)[0]
    return "he" if first in _MALE_GIVEN_NAMES else "she" if first in _FEMALE_GIVEN_NAMES else None


def title_pronoun(titles: set[str]) -> str | None:
    """"he" or "she" when the titles say so ("Mr.", "spokeswoman"), else None."""
    male, female = bool(titles & _MALE_TITLES), bool(titles & _FEMALE_TITLES)
    return "he" if male and not female else "she" if female and not male else None


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


_TITLED_NAME = re.compile(r"(?:\S+\s+)*?(?P<title>[a-z][\w.-]*)\s+(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})")


def _titled_name(written: str) -> str | None:
    """The name of a source written as a title and a full name that the NER did not take for a person
    ("Harbour master Ennis Varga", "chief engineer Oskar Lund"), else None."""
    match = _TITLED_NAME.fullmatch(written)
    if match is None or (match["title"] not in ROLE_NOUNS and match["title"] not in TITLE_WORDS):
        return None
    return None if set(match["name"].split()) & _NOT_PERSON_HEADS else match["name"]


def titles_around(text: str, start: int, end: int) -> set[str]:
    """Title words before a name and role nouns of its apposition."""
    return titles_before(text, start) | titles_after(text, end)


# Written with a period mid-sentence ("Sens. Dick Durbin", "U.S. officials").
_ABBREVIATED = r"(?:Mrs?|Ms|Dr|Sens?|Reps?|Govs?|Gen|Lt|Col|Maj|Capt|Sgt|Adm|Rev|Prof|Jr|Sr|St|[A-Z])"
_WORD = rf"(?:{_ABBREVIATED}\.|[A-Z][\w'’-]*)"
NAME_PARTICLES = r"(?:van|von|der|den|de|da|del|della|di|du|dos|le|la|bin|ibn|al)"  # "Jonas de Vries"
# A sentence ends at . ! ? (and a closing quote mark or bracket) before a capital, maybe after an opening quote
# mark, unless the period belongs to an abbreviation or an initial ("Sen. Tom Harkin", "U.S. officials").
SENTENCE_BREAK = re.compile(rf"(?<![\w.])(?!{_ABBREVIATED}\.)\w*[.!?][”\"’)]?\s+(?=[“\"‘'(]*[A-Z])")
_ABBREVIATION_END = re.compile(rf"(?:(?<![\w.]){_ABBREVIATED}|\bU\.[SKN])\.$")   # "U.S." before "Senate"
_DESCRIPTION_OPENING = re.compile(r"[“\"‘']?(?:The|This|That)\s+[a-z]")   # "The communications aide also ..."
_MONTH_END = re.compile(r"\b(?:Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)\.$")
_DAY_AFTER = re.compile(r"[”\"’']?\s+\d")
_NAME_RUN = re.compile(rf"{_WORD}(?:[ \t](?:{NAME_PARTICLES}[ \t])?{_WORD}){{0,5}}")


def ends_with_abbreviation(text: str, end: int) -> bool:
    """Whether `text[:end]` ends with a title or an initial and its period ("Sen.", "J."), or with a month's
    before a day ("Sept. 11"): no sentence end."""
    if _ABBREVIATION_END.search(text, max(0, end - 6), end):
        return True
    return bool(_MONTH_END.search(text, max(0, end - 6), end) and _DAY_AFTER.match(text, end))


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
            while kept and kept[0].split("-")[0] in _NOT_NAMES:
                kept.pop(0)
            words = strip_titles(kept)
            if not words or len(words) > 4 or words[-1] in _NOT_PERSON_HEADS:
                continue
            start = text.find(words[0], run_start)
            stripped = {part for w in kept[: len(kept) - len(words)] for part in title_parts(w)}
            name = " ".join(words)
            persons.append(Person(start, start + len(name), name, titles_around(text, start, start + len(name)) | stripped))
    multi = {surname(p.name) for p in persons if len(without_suffix(p.name).split()) > 1}
    return full_names([p for p in persons if len(p.name.split()) > 1 or p.name in multi])


# Nouns a name can qualify, the group speaking rather than the person ("Trump campaign officials").
_GROUP_NOUNS = word_set(
    """campaign administration government officials official aides aide allies supporters advisers adviser advisors
    advisor spokesman spokeswoman spokesperson team lawyers lawyer attorneys staff staffers camp associates
    loyalists backers surrogates"""
)
_PREPOSITIONS = word_set("for of to with by from at on about under behind")
# What may follow a name in a list of names: "(D-Vt.)", ", R-Ida.,", "of Rhode Island"
_HOME_OF_A_NAME = re.compile(r",?\s*\(?[DRI]-[A-Z][A-Za-z.]*\)?|\s+of(?:\s+[A-Z][\w.]*){1,3}")
_SKIPPED_BEFORE_A_NAME = TITLE_WORDS | {"both", "either"}  # "lawyers for both Ann Ruiz and ...": "for" governs
# Words that may follow an organisation's name in a source span without making it a description of someone else
# ("The White House on Wednesday", but not "White House officials").
_AFTER_ORGANISATION = word_set("on in at last this earlier later also late previously too itself")


def organisation_name(written: str) -> str | None:
    """The organisation a source names at its head ("The White House on Wednesday" -> "White House", "the
    Congressional Budget Office," -> "Congressional Budget Office"), else None."""
    words = written.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    run: list[str] = []
    for word in words:
        if not word[:1].isupper():
            break
        run.append(word.rstrip(",;:"))
        if word != run[-1]:
            break
    rest = words[len(run):]
    if rest[:1] == ["in"] and any(w[:1].isupper() for w in rest[1:3]):
        return None  # "Republicans in Congress": where they sit is part of who spoke
    if run and run[-1] in _NOT_PERSON_HEADS and (not rest or rest[0].lower() in _AFTER_ORGANISATION):
        return " ".join(run)
    return None


# PolNeAR marks them as the source: "the EU, which said ...", "Senate Democrats, who said ...".
_RELATIVE = frozenset({"who", "whom", "whose", "which", "that"})
_COPULAS = word_set("is are was were be been being it's that's there's it’s that’s there’s")
_FUNCTION_WORDS = word_set(
    """but and or after before while when as then also later where because so if though although
    meanwhile however still yet"""
)


def _opens_a_phrase(word: str) -> bool:
    """A determiner or a capitalized word that is not a conjunction or preposition ("But", "For")."""
    lower = word.lower()
    return (word[:1].isupper() or lower in {"the", "a", "an"}) and lower not in _FUNCTION_WORDS | _PREPOSITIONS


class SpeakerResolver:
    """Resolves attributions' sources in text order, remembering the previous speaker."""

    def __init__(self, text: str, persons: list[Person]) -> None:
        self.text = text
        self.persons = sorted(persons, key=lambda p: p.start)
        self.previous: str | None = None
        self.previous_paragraph = -10
        self.previous_person: str | None = None
        self.pronoun_of: dict[str, str] = {}
        for person in self.persons:
            pronoun = title_pronoun(person.titles)
            if pronoun is not None:
                self.pronoun_of.setdefault(person.name, pronoun)

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
        written = " ".join(self.text[start:end].split()).rstrip(",;:")
        inside = [p for p in self.persons if p.start >= start and p.end <= end]
        inside = [p for i, p in enumerate(inside) if not (i and self._is_home_of(inside[i - 1], p))]
        # "Edward Magee, a spokesman for Mayor Ann Ruiz": the first name neither governed by a preposition nor
        # qualifying a noun spoke; with none ("a spokesman for Ruiz", "Zelensky's office"), the source as written.
        # "lawyers for Ann Ruiz and Tom Varga": "for" governs both ("the lawyer for Ruiz, Tom Varga," only one)
        governed: list[Person] = []
        for i, person in enumerate(inside):
            if self._word_before(start, person.start) in _PREPOSITIONS or (
                    i and inside[i - 1] in governed and "and" in (self._link(inside[i - 1], person) or [])):
                governed.append(person)
        heads = [p for p in inside if not self._modifies_a_noun(p) and p not in governed]
        names = list(dict.fromkeys(p.name for p in self._listed_together(heads)))
        if len(names) > 1:  # "Mr. Udall and Mr. Wyden": they spoke together; a pronoun later is neither
            return ", ".join(names[:-1]) + " and " + names[-1]
        if heads:
            return self._remember(heads[0])
        if inside:
            return written
        known = self._known_surname(written) or _titled_name(written)
        if known is not None:
            self.previous_person = known
            return known
        words = [w.lower() for w in re.findall(r"[\w’'.-]+", written)]
        if len(words) == 1 and words[0] in _HE | _SHE:
            return self._pronoun(start, "he" if words[0] in _HE else "she") or written
        if len(words) == 1 and words[0] in _RELATIVE:
            return self._antecedent(start) or self._antecedent_phrase(start) or written
        if words and words[0] == "the" and len(words) <= 5 and any(w in ROLE_NOUNS for w in words[1:]):
            return self._titled(start, set(words[1:])) or written
        return organisation_name(written) or written

    def _listed_together(self, heads: list[Person]) -> list[Person]:
        """The first heads listed as one source: joined by commas and titles, the last by "and" ("Sens. Ann Ruiz,
        Tom Varga and Ida Lund")."""
        chain, joined_by_and = heads[:1], 0
        for person in heads[1:]:
            link = self._link(chain[-1], person)
            if link is None:
                break
            chain.append(person)
            joined_by_and = len(chain) if "and" in link else joined_by_and
        return chain[:joined_by_and] if joined_by_and else chain[:1]

    def _link(self, before: Person, after: Person) -> list[str] | None:
        """The words joining two names listed together ("and", titles; commas, a party-and-state tag and a home
        place dropped: "Ann Ruiz (D-Vt.) and", "Tom Varga of Idaho and"), None if other words stand between or
        nothing joins them."""
        home = _HOME_OF_A_NAME.match(self.text, before.end, after.start)
        link = self.text[home.end() if home else before.end : after.start]
        words = link.replace(",", " ").split()
        if ("," in link or "and" in words) and all(w == "and" or title_parts(w) & TITLE_WORDS for w in words):
            return words
        return None

    def _is_home_of(self, person: Person, place: Person) -> bool:
        """`place` is where `person` comes from ("Vera Moss of North Dakota"), not another person."""
        return _HOME_OF_A_NAME.fullmatch(self.text, person.end, place.end) is not None

    def _modifies_a_noun(self, person: Person) -> bool:
        """The name qualifies what follows ("Zelensky's office", "Trump campaign officials", "Ruiz aides")."""
        after = self.text[person.end : person.end + 30]
        following = after.split(maxsplit=1)[0].lower().rstrip(",.;:") if after[:1].isspace() and after.strip() else ""
        return after.startswith(("'s", "’s")) or following in _GROUP_NOUNS

    def _word_before(self, start: int, position: int) -> str:
        """The lower-cased word before `position` (from `start` on), title words skipped, and the "of" of a
        title ("Secretary of State John Kerry")."""
        words = self.text[start:position].split()
        kept = [w.lower() for i, w in enumerate(words)
                if w.lower() not in _SKIPPED_BEFORE_A_NAME
                and not (w == "of" and i > 0 and words[i - 1][:1].isupper())]
        return kept[-1] if kept else ""

    def _known_surname(self, written: str) -> str | None:
        """A capitalized name the NER missed but whose surname a known person carries ("Novak" -> "Elena Novak")."""
        words = strip_titles(written.split())
        if not words or not all(w[:1].isupper() for w in words):
            return None
        name = without_suffix(" ".join(words))
        for person in reversed(self.persons):
            if surname(person.name) == surname(name) and without_suffix(person.name).endswith(name):
                return person.name
        return None

    def sentence_subject(self, cue_start: int) -> str | None:
        """A cue without a tagged source ("X, who ..., said"): the first person named earlier in its sentence,
        unless the sentence opens with a description of someone else ("The aide also attacked Senator Reid,
        writing ...": the aide wrote, not Reid)."""
        start = self._sentence_start(cue_start)
        if _DESCRIPTION_OPENING.match(self.text, start) and self._opening_person(start, cue_start) is None:
            return None
        return self._first_named_before(cue_start)

    def _first_named_before(self, position: int) -> str | None:
        """The first person named in `position`'s sentence before it (remembered for the next pronoun)."""
        sentence_start = self._sentence_start(position)
        named = [p for p in self.persons if sentence_start <= p.start and p.end <= position]
        return self._remember(named[0]) if named else None

    def _sentence_start(self, position: int) -> int:
        """Start of the sentence holding `position` (a paragraph break also starts one)."""
        line_start = self.text.rfind("\n", 0, position) + 1
        breaks = [m.end() for m in SENTENCE_BREAK.finditer(self.text[line_start : position + 1])]
        return line_start + (breaks[-1] if breaks else 0)

    def _opening_person(self, start: int, end: int) -> Person | None:
        """The person a sentence from `start` opens with, before `end` ("Sand was not persuaded", "Mayor Greta
        Sand said"); None when it opens with other words or a possessive ("Sand's office")."""
        for person in self.persons:
            if start <= person.start and person.end <= end:
                lead = self.text[start:person.start].split()
                opens = all(w[:1].isupper() or w.lower() in TITLE_WORDS or w.lower() in ROLE_NOUNS for w in lead)
                possessive = self.text[person.end : person.end + 2] in {"'s", "’s"}
                return person if opens and not possessive else None
        return None

    def colon_speaker(self, start: int) -> str | None:
        """An uncued quote introduced by a colon: the first person named earlier in that sentence."""
        line_start = self.text.rfind("\n", 0, start) + 1
        lead = self.text[line_start:start].rstrip(" “\"„")
        if not lead.endswith(":"):
            return None
        return self._first_named_before(start)

    def _remember(self, person: Person) -> str:
        self.previous_person = person.name
        return person.name

    def _antecedent(self, start: int) -> str | None:
        """Who/whom: the person named right before (", who ...")."""
        before = [p for p in self.persons if p.end <= start and not self.text[p.end : start].strip(" ,")]
        return self._remember(before[-1]) if before else None

    def _antecedent_phrase(self, start: int) -> str | None:
        """Who/which/that: the phrase just before (", which ..."): its last words back to a boundary, a verb or a
        preposition ("Trump was among those Republicans who"), from its first determiner or capitalized word."""
        clause = re.split(r"[,;:()\n]|\.\s", self.text[max(0, start - 120) : start].rstrip(" ,"))[-1]
        words = clause.split()[-6:]
        inside_a_name = [0 < i < len(words) - 1 and words[i - 1][:1].isupper() and words[i + 1][:1].isupper()
                         for i in range(len(words))]  # "National Organization for Marriage"
        cuts = [i for i, w in enumerate(words) if w.lower() in _COPULAS
                or (w.lower() in _PREPOSITIONS - {"of"} and not inside_a_name[i])]
        words = words[cuts[-1] + 1 :] if cuts else words
        while words and not _opens_a_phrase(words[0]):
            words = words[1:]
        if len(words) == 1 and words[0].endswith("."):
            return None  # an abbreviation ("Deuel County, Neb., who"): the phrase is a place, not who spoke
        return " ".join(words) or None

    def _pronoun(self, start: int, pronoun: str) -> str | None:
        """He/she: the person its own sentence opens with ("Burton said that he ..."), else the one the previous
        sentence opens with, else the previous attribution's person, else the nearest preceding titled person,
        else any; never one known to take the other pronoun."""
        def fits(name: str) -> bool:
            return same_or_unknown(pronoun, self.pronoun_of.get(name) or given_name_pronoun(name))

        sentence_start = self._sentence_start(start)
        before = self.text[:sentence_start].rstrip()
        subjects = [self._opening_person(sentence_start, start)]
        if before:
            subjects.append(self._opening_person(self._sentence_start(len(before)), sentence_start))
        subject = next((p for p in subjects if p is not None and fits(p.name)), None)
        if subject is not None:
            chosen = subject.name
        elif self.previous_person is not None and fits(self.previous_person):
            chosen = self.previous_person
        else:
            preceding = [p for p in self.persons if p.end <= start and fits(p.name)]
            titled = [p for p in preceding if p.titles & TITLE_WORDS]
            if not preceding:
                return None
            chosen = (titled or preceding)[-1].name
        self.pronoun_of.setdefault(chosen, pronoun)
        self.previous_person = chosen
        return chosen

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
        later = [p for p in self.persons if p.start > start and p.titles & roles]
        # "the plant manager said ... Plant manager Gerrit Oduya": the same whole title named later
        named_later = [p for p in later if words - _DETERMINERS <= p.titles]
        if named_later:
            return self._remember(named_later[0])
        if self.previous_person is not None:
            return self.previous_person
        return self._remember(later[0]) if later else None
