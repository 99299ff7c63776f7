"""Verdict on two renderings of one statement: verbatim, variant (same meaning) or altered, with the changed words.

A pair is verbatim when its words are equal up to punctuation, case, quote marks and spacing. Otherwise a word
diff gives the changed chunks; the pair is altered when a chunk changes something that carries meaning
(negation, a number or date, a name, a modality, a quantifier, the commitment of an act, the certainty of a
reporting verb, an attitude) or when the learned judge finds the whole pair does not mean the same. Many changed
words alone never make a pair altered: two translations of one speech differ in many words.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from newsprism.compare.units import STOPWORDS

log = logging.getLogger(__name__)

Verdict = Literal["verbatim", "variant", "altered"]
SameName = Callable[[str, str], "bool | float"]

# Below this judge probability a pair is altered even without a lexical reason. Lower than the judge's own 0.5
# (which decides `same_meaning`, the whole-pair view MRPC measures):
# MRPC's "different" pairs are mostly one sentence carrying an extra clause, and two translations of one quote
# legitimately score lower than two edits of one wire story.
MIN_SAME_SCORE = 0.3
NAME_MATCH = 0.8

_TOKEN = re.compile(r"[^\W_]+(?:['’.,-][^\W_]+)*", re.UNICODE)
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_SENTENCE_END = re.compile(r"[.!?:;\"“”«»]\s*$")
_ELLIPSIS = re.compile(r"…|\.\s*\.\s*\.")
_ENDS_SENTENCE = re.compile(r"[\"'”’)\]]*[.!?]")

# House styles abbreviate titles differently ("Sen. Reid" / "Senator Reid"): the same word.
TITLE_ABBREVIATIONS = {"sen": "senator", "rep": "representative", "gov": "governor", "gen": "general",
                       "lt": "lieutenant", "col": "colonel", "capt": "captain", "sgt": "sergeant", "atty": "attorney",
                       "prof": "professor", "pres": "president", "supt": "superintendent", "govt": "government"}

NEGATIONS = frozenset({"not", "no", "never", "nobody", "nothing", "neither", "nor", "none", "nowhere", "cannot",
                       "without", "n't"})
# "There is no question that X", "no doubt X", "no matter how": the "no" asserts or concedes, it negates nothing.
_NOT_NEGATING = frozenset({"no question", "no doubt", "no matter", "no wonder", "not only"})
_DO_FORMS = frozenset({"do", "does", "did", "doing", "done"})
_NEGATING_PREFIXES = ("non-", "non", "un", "in", "im", "il", "ir", "dis")

# Modal meaning classes: swapping words inside one class keeps the meaning, across classes changes it.
MODALS: dict[str, str] = {
    **dict.fromkeys(("will", "shall", "'ll", "won't", "wo"), "future"),
    **dict.fromkeys(("would", "'d"), "conditional"),
    **dict.fromkeys(("may", "might", "could", "perhaps", "maybe", "possibly", "likely", "probably"), "possible"),
    **dict.fromkeys(("can", "cannot", "able", "ca", "able to"), "ability"),
    **dict.fromkeys(("going to", "gonna", "about to"), "future"),
    **dict.fromkeys(("have to", "has to", "had to", "need to", "needs to", "got to"), "obligation"),
    **dict.fromkeys(("ought to",), "advice"),
    **dict.fromkeys(("must", "needs", "obliged", "required", "necessary"), "obligation"),
    **dict.fromkeys(("should", "ought"), "advice"),
}

# Quantifier/degree scale: universal > most > some > few > zero.
QUANTIFIERS: dict[str, str] = {
    **dict.fromkeys(("all", "every", "each", "always", "everyone", "everybody", "everything", "everywhere",
                     "forever", "constantly", "invariably"), "universal"),
    **dict.fromkeys(("most", "many", "much", "often", "usually", "mostly", "largely", "mainly", "generally",
                     "frequently", "majority", "numerous", "plenty"), "most"),
    # "some", "certain", "various" are left out: as determiners they often just stand where another has "the".
    **dict.fromkeys(("several", "sometimes", "partly", "partially", "occasionally", "somewhat", "a few",
                     "a little"), "some"),
    **dict.fromkeys(("a lot", "lots"), "most"),
    **dict.fromkeys(("few", "little", "rarely", "seldom", "hardly", "barely", "scarcely", "minority"), "few"),
    # "none", "never", "nobody"... are the zero of this scale, but they are negations too: the negation check
    # counts them, and counting them here again would call "never forget" -> "not be forgotten" a change.
    # "just" is left out: in quotes it mostly stresses ("just a bunch of nonsense") or tells time ("just left").
    **dict.fromkeys(("only", "solely", "merely", "exclusively"), "only"),
}
# Degree words only count when one replaces another ("more" -> "less", "partly" -> "fully"): inserted alone they
# mostly intensify ("the whole agreement", "more and more").
DEGREES: dict[str, str] = {
    **dict.fromkeys(("more", "increasingly"), "more"),
    **dict.fromkeys(("less", "fewer", "decreasingly"), "less"),
    **dict.fromkeys(("entire", "entirely", "whole", "wholly", "completely", "fully", "totally"), "whole"),
    **dict.fromkeys(("partly", "partially", "half"), "part"),
}
# The judge was trained on whole sentences: it is not asked about short fragments, nor about pairs whose only
# change is one short chunk, which the word-level checks judge fully, nor about pairs whose every change is words
# one side left out or a reporter's brackets (the judge reads whole texts and takes those for other statements).
_LEXICON_PHRASES = frozenset(key for lexicon in (MODALS, QUANTIFIERS, DEGREES) for key in lexicon if " " in key)
JUDGE_MIN_WORDS = 6
MIN_SHARED_WORDS = 4  # one outlet quoting more than another is only trimmed away when this much is shared
MAX_MOVED_SHARE = 0.25  # ... and when under this share of the extra words' content words stand elsewhere
GAP_MOVED_SHARE = 0.5   # words at an ellipsis, more than this share of them standing elsewhere, were moved
SMALL_EDIT_WORDS = 2

# Commitment scales: (scale, rank). Verbs on one scale at different ranks say how far an act went.
_ACT_STAGES = [  # the life of an agreement, a law, a plan: talk about it ... make it binding ... carry it out
    (("consider", "contemplate", "discuss", "debate", "talk", "mull", "explore", "study", "examine"), 1),
    (("negotiate", "bargain", "haggle", "mediate"), 2),
    (("propose", "suggest", "offer", "plan", "intend", "table", "submit", "recommend", "announce"), 3),
    (("draft", "prepare", "outline", "draw", "write", "formulate", "design"), 4),
    (("agree", "accept", "approve", "endorse", "back", "support", "settle", "reach", "conclude", "finalize",
      "finalise"), 5),
    (("initial",), 6),
    (("sign", "seal", "countersign"), 7),
    (("ratify", "adopt", "enact", "pass", "legislate", "codify"), 8),
    (("implement", "enforce", "execute", "apply", "fulfil", "fulfill", "complete", "deliver"), 9),
    (("reject", "refuse", "veto", "block", "abandon", "scrap", "withdraw", "cancel", "suspend", "revoke",
      "repeal", "annul", "breach", "violate", "postpone", "delay"), -1),
]
_REPORTING = [  # how sure the reporter makes the source sound
    (("claim", "allege", "assert", "contend", "purport", "speculate", "rumor", "rumour", "insinuate"), 1),
    (("say", "state", "tell", "note", "add", "remark", "mention", "report", "comment", "explain", "describe",
      "declare", "announce", "write", "reply", "respond", "answer"), 2),
    (("suggest", "hint", "imply", "indicate"), 3),
    (("confirm", "verify", "establish", "prove", "demonstrate", "show", "affirm", "corroborate"), 4),
    (("admit", "acknowledge", "concede", "confess", "grant", "own"), 5),
    (("reveal", "disclose", "expose", "leak", "uncover"), 6),
    (("deny", "dispute", "refute", "rebut", "contradict", "dismiss"), -1),
]
_ATTITUDE = [  # mental stance toward the content
    (("hope", "wish", "want", "desire", "long", "yearn", "aspire"), 1),
    (("fear", "worry", "dread"), 2),
    (("believe", "think", "suppose", "assume", "expect", "reckon", "feel", "guess", "suspect", "presume"), 3),
    (("know", "realize", "realise", "understand", "recognize", "recognise", "learn", "discover", "see"), 4),
    (("doubt", "question", "wonder"), 5),
    (("demand", "insist", "urge", "require", "order", "command", "call"), 6),
    (("ask", "request", "appeal", "plead", "beg", "invite"), 7),
    (("promise", "vow", "pledge", "swear", "guarantee", "commit", "undertake"), 8),
    (("threaten", "warn", "caution"), 9),
    (("regret", "lament", "deplore", "condemn", "criticize", "criticise", "denounce"), 10),
    (("welcome", "praise", "applaud", "hail", "commend", "celebrate"), 11),
]


def _scale(name: str, groups: list[tuple[tuple[str, ...], int]]) -> dict[str, tuple[str, int]]:
    return {verb: (name, rank) for verbs, rank in groups for verb in verbs}


# A verb may sit on more than one scale ("announce", "write", "suggest"); each scale is checked on its own.
SCALES: tuple[dict[str, tuple[str, int]], ...] = (
    _scale("commitment of the act", _ACT_STAGES),
    _scale("certainty of the reporting verb", _REPORTING),
    _scale("attitude", _ATTITUDE),
)
_REPORTING_SCALE = SCALES[1]
_IRREGULAR = {
    "said": "say", "says": "say", "told": "tell", "knew": "know", "known": "know", "thought": "think",
    "swore": "swear", "sworn": "swear", "wrote": "write", "written": "write", "drew": "draw", "drawn": "draw",
    "saw": "see", "seen": "see", "felt": "feel", "understood": "understand", "began": "begin", "sought": "seek",
    "shown": "show", "learnt": "learn", "undertook": "undertake", "undertaken": "undertake", "dreamt": "dream",
    "agreement": "agree", "signature": "sign", "ratification": "ratify", "negotiations": "negotiate",
    "negotiation": "negotiate", "talks": "talk", "proposal": "propose", "draft": "draft", "approval": "approve",
    "adoption": "adopt", "enactment": "enact", "implementation": "implement", "rejection": "reject",
    "refusal": "refuse", "denial": "deny", "confirmation": "confirm", "admission": "admit", "claims": "claim",
    "discussion": "discuss", "discussions": "discuss", "promises": "promise", "threats": "threaten",
    "threat": "threaten", "warning": "warn", "demands": "demand", "hopes": "hope", "fears": "fear",
}

NUMBER_WORDS: dict[str, str] = {
    w: str(i) for i, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
     "ninety": "90", "hundred": "100", "thousand": "1000", "million": "1e6", "billion": "1e9",
     "trillion": "1e12", "dozen": "12", "half": "0.5", "twice": "x2", "once": "x1", "thrice": "x3",
     "quarter": "0.25", "percent": "%", "per cent": "%", "mln": "1e6", "bn": "1e9", "m": "1e6"} | {
    form: factor for stem, factor in (("doubl", "x2"), ("tripl", "x3"), ("quadrupl", "x4"), ("halv", "x0.5"))
    for form in (f"{stem}e", f"{stem}ed", f"{stem}es", f"{stem}ing")}
DATE_WORDS = frozenset(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "yesterday", "today", "tomorrow", "tonight", "weekend", "morning", "afternoon", "evening", "night", "week", "month", "year", "decade", "century", "spring", "summer", "autumn", "fall", "winter"]
)
_AMBIGUOUS_DATES = frozenset({"may", "march", "fall", "spring", "sun", "sat", "mar", "jan", "dec", "sept"})


@dataclass(slots=True)
class PairVerdict:
    """What a reader should know about two renderings of one statement."""

    verdict: Verdict
    same_meaning: bool  # the learned judge's whole-pair decision (p >= its trained threshold)
    score: float
    changed: list[tuple[str, str]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class _Token:
    text: str
    key: str  # lower-cased, apostrophes unified: what the diff compares
    name_like: bool  # capitalized and not the first word of a sentence
    editorial: bool = False  # inside (...) or [...]: a reporter's insertion into a quote, not the speaker's words
    start: int = 0  # offsets of the word in the text it was read from
    end: int = 0
    after_gap: bool = False  # an ellipsis stands between this word and the one before: words were left out here
    ends_sentence: bool = False  # a full stop, question or exclamation mark follows


def _bracketed(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _BRACKETED.finditer(text)]


def tokenize(text: str) -> list[_Token]:
    """Word tokens of `text` with the form the diff compares and a flag for capitalized non-initial words."""
    tokens: list[_Token] = []
    inserts = _bracketed(text)
    for match in _TOKEN.finditer(text):
        word = match.group().strip(".,-'’")
        if not word:
            continue
        before = text[:match.start()]
        sentence_start = not before.strip() or bool(_SENTENCE_END.search(before))
        name_like = word[0].isupper() and not sentence_start and word != "I"
        editorial = any(start < match.start() < end for start, end in inserts)
        key = word.lower().replace("’", "'")
        after_gap = bool(tokens) and bool(_ELLIPSIS.search(text, tokens[-1].end, match.start()))
        ends_sentence = bool(_ENDS_SENTENCE.match(text, match.end()))
        tokens.append(_Token(word, TITLE_ABBREVIATIONS.get(key, key), name_like, editorial, match.start(), match.end(),
                             after_gap, ends_sentence))
    return tokens


Opcode = tuple[str, int, int, int, int]


def quoted_by_both(a: str, b: str) -> tuple[str, str]:
    """The two texts without the words at either end that only one of them has.

    When one outlet quotes more of a statement than the other, only the part both quote can be compared: the
    rest was left out, not reworded. Texts are returned whole when the shared part would be under
    `MIN_SHARED_WORDS` words on either side.
    """
    ta, tb = tokenize(a), tokenize(b)
    opcodes = _opcodes(ta, tb)
    left_out = _left_out(ta, tb)
    start_a, start_b, end_a, end_b = 0, 0, len(ta), len(tb)
    if opcodes and opcodes[0][0] in ("delete", "insert") and not _moved(opcodes[0], opcodes, ta, tb, left_out):
        start_a, start_b = opcodes[0][2], opcodes[0][4]
    if len(opcodes) > 1 and opcodes[-1][0] in ("delete", "insert") and not _moved(opcodes[-1], opcodes, ta, tb,
                                                                                    left_out):
        end_a, end_b = opcodes[-1][1], opcodes[-1][3]
    trimmed = (start_a, start_b, end_a, end_b) != (0, 0, len(ta), len(tb))
    if not trimmed or min(end_a - start_a, end_b - start_b) < MIN_SHARED_WORDS:
        return a, b
    return a[ta[start_a].start : ta[end_a - 1].end], b[tb[start_b].start : tb[end_b - 1].end]


def same_words(a: str, b: str) -> bool:
    """The two texts are verbatim copies of each other (up to case, punctuation and quote style)."""
    return [t.key for t in tokenize(a)] == [t.key for t in tokenize(b)]


def words_in_common(a: str, b: str) -> int:
    """How many words the two texts share, in order (the words the diff keeps)."""
    return _kept(tokenize(a), tokenize(b))


def share_in_common(a: str, b: str) -> float:
    """The share of the shorter text's words that the two have in common, in order (0 when one has none)."""
    ta, tb = tokenize(a), tokenize(b)
    shorter = min(len(ta), len(tb))
    return _kept(ta, tb) / shorter if shorter else 0.0


def _kept(a: list[_Token], b: list[_Token]) -> int:
    return sum(i2 - i1 for op, i1, i2, _, _ in _opcodes(a, b) if op == "equal")


def _opcodes(a: list[_Token], b: list[_Token]) -> list[Opcode]:
    """How to turn one token list into the other, word by word (difflib opcodes on the compared forms)."""
    return difflib.SequenceMatcher(None, [t.key for t in a], [t.key for t in b], autojunk=False).get_opcodes()


def word_diff(a: list[_Token], b: list[_Token]) -> list[tuple[list[_Token], list[_Token]]]:
    """The changed chunks between two token lists: adjacent edits merged, [] for a pure insertion/deletion."""
    chunks: list[tuple[list[_Token], list[_Token]]] = []
    last_end: tuple[int, int] | None = None
    for op, i1, i2, j1, j2 in _opcodes(a, b):
        if op == "equal":
            continue
        if chunks and last_end == (i1, j1):
            chunks[-1][0].extend(a[i1:i2])
            chunks[-1][1].extend(b[j1:j2])
        else:
            chunks.append((list(a[i1:i2]), list(b[j1:j2])))
        last_end = (i2, j2)
    return chunks


def _left_out(a: list[_Token], b: list[_Token]) -> set[int]:
    """Words (by id) one side alone has that the other left out rather than changed: where it marks left-out
    words with an ellipsis ("we will win. ... We will build" against "we will win and never quit. We will
    build"), or whole sentences between two it shares ("We will win. We will never quit. We will build").
    Words at an ellipsis whose content words mostly stand, unmatched, on the side with the ellipsis were moved
    there, not left out ("I don't favor civil unions ... and X" against "X, and I do not favor civil unions")."""
    left_out: set[int] = set()
    opcodes = _opcodes(a, b)
    unmatched_a = {t.key for op, i1, i2, _, _ in opcodes if op != "equal" for t in a[i1:i2]}
    unmatched_b = {t.key for op, _, _, j1, j2 in opcodes if op != "equal" for t in b[j1:j2]}
    for op, i1, i2, j1, j2 in opcodes:
        if op == "insert" and (_skipped_at_gap(b[j1:j2], a, i1, unmatched_a) or _sentences_between(b[j1:j2], a, i1)):
            left_out.update(id(t) for t in b[j1:j2])
        elif op == "delete" and (_skipped_at_gap(a[i1:i2], b, j1, unmatched_b) or _sentences_between(a[i1:i2], b, j1)):
            left_out.update(id(t) for t in a[i1:i2])
    return left_out


def _skipped_at_gap(run: list[_Token], other: list[_Token], at: int, unmatched_other: set[str]) -> bool:
    """The other side marks a gap where `run` stands, and did not move most of its words elsewhere."""
    return at < len(other) and other[at].after_gap and _share_elsewhere(run, unmatched_other) <= GAP_MOVED_SHARE


def _share_elsewhere(run: list[_Token], unmatched: set[str]) -> float:
    """The share of the run's content words that stand among the other side's unmatched words (0 without any)."""
    content = [t.key for t in run if t.key not in STOPWORDS]
    return sum(key in unmatched for key in content) / len(content) if content else 0.0


def _sentences_between(run: list[_Token], other: list[_Token], at: int) -> bool:
    """`run` is one or more whole sentences, and the other side goes on with a new sentence at `at`, after words
    both sides have."""
    return (0 < at < len(other) and other[at].text[0].isupper() and run[0].text[0].isupper()
            and run[-1].ends_sentence)


def _moved(edge: Opcode, opcodes: list[Opcode], a: list[_Token], b: list[_Token], left_out: set[int]) -> bool:
    """The words one side alone has at this end stand, reworded, elsewhere on the other side: a quarter or more
    (`MAX_MOVED_SHARE`) of their content words are among the other side's unmatched words ("approved in June
    and fully paid" -> "approved and partly paid in June": "in June" moved, so the end is compared too). Words
    the other side left out (`left_out`: at an ellipsis, or whole sentences) do not count: skipped, not moved."""
    op, i1, i2, j1, j2 = edge
    extra = a[i1:i2] if op == "delete" else b[j1:j2]
    elsewhere = {t.key for o, x1, x2, y1, y2 in opcodes if o != "equal" and (o, x1, x2, y1, y2) != edge
                 for t in (b[y1:y2] if op == "delete" else a[x1:x2]) if id(t) not in left_out}
    return _share_elsewhere(extra, elsewhere) >= MAX_MOVED_SHARE


def _lemmas(word: str) -> set[str]:
    """Candidate lemmas of an English word form by suffix stripping (no model: fast and predictable); a plural
    is stripped first, so "agreements" reaches "agree" as "agreement" does."""
    word = word.lower().replace("’", "'")
    out = _stems(word)
    if word.endswith("s") and not word.endswith("ss") and len(word) > 4:
        out |= _stems(word[:-1])
    return out | {_IRREGULAR[form] for form in out if form in _IRREGULAR}


def _stems(word: str) -> set[str]:
    out = {word}
    for suffix, repl in (("ied", "y"), ("ies", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"),
                         ("es", ""), ("s", ""), ("d", ""), ("ly", ""), ("ment", ""), ("ation", "e"),
                         ("ation", ""), ("ion", ""), ("ion", "e")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)] + repl
            out.add(stem)
            if len(stem) > 3 and stem[-1] == stem[-2] and not repl:  # planned -> plan, controlled -> control
                out.add(stem[:-1])
    return out


def _negations(tokens: list[_Token], changed_forms: set[str] = frozenset()) -> Counter:
    """Negating words; also a word negated by its prefix whose stem the diff has on the other side ("unknown"
    against "not known" is one negation on each side, so the two cancel)."""
    found: Counter = Counter()
    for i, t in enumerate(tokens):
        following = tokens[i + 1].key if i + 1 < len(tokens) else ""
        negating = (t.key in NEGATIONS or t.key.endswith("n't")) and f"{t.key} {following}" not in _NOT_NEGATING
        if negating or _negated_by_prefix(t.key, changed_forms):
            found["negation"] += 1
    return found


def _negated_by_prefix(word: str, changed_forms: set[str]) -> bool:
    return any(word.startswith(prefix) and len(word) - len(prefix) >= 4 and _lemmas(word[len(prefix):]) & changed_forms
               for prefix in _NEGATING_PREFIXES)


def _classes(tokens: list[_Token], lexicon: dict[str, str]) -> Counter:
    """The lexicon classes a chunk's words fall in (contractions split: won't -> future + negation)."""
    found: Counter = Counter()
    keys = [t.key for t in tokens]
    used: set[int] = set()
    for i in range(len(keys) - 1):
        if f"{keys[i]} {keys[i + 1]}" in lexicon:
            found[lexicon[f"{keys[i]} {keys[i + 1]}"]] += 1
            used.update((i, i + 1))
    for i, t in enumerate(tokens):
        if i in used or (t.key == "may" and t.name_like):  # "May" inside a sentence is the month
            continue
        key = t.key[:-3] if t.key.endswith("n't") else t.key
        for form in (t.key, key, *_lemmas(key)):
            if form in lexicon:
                found[lexicon[form]] += 1
                break
    return found


def _numbers(tokens: list[_Token]) -> Counter:
    """Normalized numbers of a chunk: digits without thousands separators, number words as digits."""
    out: Counter = Counter()
    for t in tokens:
        if any(c.isdigit() for c in t.key):
            out[re.sub(r"(?<=\d),(?=\d{3})", "", t.key).rstrip("s")] += 1
        elif t.key in NUMBER_WORDS:
            out[NUMBER_WORDS[t.key]] += 1
    return out


def _dates(tokens: list[_Token]) -> Counter:
    return Counter(t.key for t in tokens if t.key in DATE_WORDS and (t.key not in _AMBIGUOUS_DATES or t.name_like))


def _names(tokens: list[_Token]) -> list[str]:
    """Runs of capitalized non-initial words (a cheap name finder that needs no model)."""
    runs: list[list[str]] = []
    previous = False
    for t in tokens:
        is_name = t.name_like and t.key not in DATE_WORDS and t.key not in MODALS
        if is_name and previous:
            runs[-1].append(t.text)
        elif is_name:
            runs.append([t.text])
        previous = is_name
    return [" ".join(r) for r in runs]


def _scale_ranks(tokens: list[_Token], scale: dict[str, tuple[str, int]]) -> Counter:
    ranks: Counter = Counter()
    for t in tokens:
        for form in _lemmas(t.key):
            if form in scale:
                ranks[scale[form][1]] += 1
                break
    return ranks


def _names_agree(x: str, y: str, same_name: SameName | None) -> bool:
    """True when two names denote the same entity by the caller's matcher (bool or score), else by spelling."""
    if x.lower() == y.lower():
        return True
    if same_name is None:
        return False
    result = same_name(x, y)
    return result if isinstance(result, bool) else float(result) >= NAME_MATCH


def _phrase(tokens: list[_Token]) -> str:
    return " ".join(t.text for t in tokens)


Chunk = tuple[list[_Token], list[_Token]]


def _marker_change(
    label: str, chunks: list[Chunk], markers: Callable[[list[_Token]], Counter], *, both_sides: bool
) -> str | None:
    """A reason when the markers taken out (a-sides) differ from those put in (b-sides) over the whole diff.

    Summing over all chunks lets a moved phrase cancel out ("we will never forget X" -> "X will never be
    forgotten"). `both_sides`: only a replacement counts (a number added next to the old text is new
    information, not a changed number).
    """
    removed, added = Counter(), Counter()
    for ca, cb in chunks:
        removed += markers(ca)
        added += markers(cb)
    if removed == added or (both_sides and not (removed and added)):
        return None
    changed = [(ca, cb) for ca, cb in chunks if markers(ca) != markers(cb)]
    taken_out = "; ".join(_phrase(_marked(ca, markers)) for ca, _ in changed if markers(ca))
    put_in = "; ".join(_phrase(_marked(cb, markers)) for _, cb in changed if markers(cb))
    return f"{label}: {repr(taken_out) if taken_out else '(nothing)'} -> {repr(put_in) if put_in else '(nothing)'}"


def _marked(tokens: list[_Token], markers: Callable[[list[_Token]], Counter]) -> list[_Token]:
    """The shortest run of a chunk side that holds all its markers: a reason names "signed" -> "ratified",
    not the whole "in March and formally signed" the diff happened to cut."""
    start, end, wanted = 0, len(tokens), markers(tokens)
    while end - start > 1 and markers(tokens[start + 1 : end]) == wanted:
        start += 1
    while end - start > 1 and markers(tokens[start : end - 1]) == wanted:
        end -= 1
    if start > 0 and f"{tokens[start - 1].key} {tokens[start].key}" in _LEXICON_PHRASES:  # "in outline"
        start -= 1
    if end < len(tokens) and f"{tokens[end - 1].key} {tokens[end].key}" in _LEXICON_PHRASES:
        end += 1
    return tokens[start:end]


def _name_change(chunks: list[Chunk], same_name: SameName | None) -> str | None:
    """A reason when a name is taken out and another, not matching it, is put in."""
    names_a = [n for ca, _ in chunks for n in _names(ca)]
    names_b = [n for _, cb in chunks for n in _names(cb)]
    lost = [x for x in names_a if not any(_names_agree(x, y, same_name) for y in names_b)]
    gained = [y for y in names_b if not any(_names_agree(x, y, same_name) for x in names_a)]
    return f"name: {', '.join(lost)!r} -> {', '.join(gained)!r}" if lost and gained else None


def meaning_changes(chunks: list[Chunk], same_name: SameName | None = None) -> list[str]:
    """Why the changed chunks of one pair change its meaning (empty when they only reword)."""
    changed_forms = {form for chunk in chunks for side in chunk for t in side for form in _lemmas(t.key)}
    checks = [
        _marker_change("negation", chunks, lambda c: _negations(c, changed_forms), both_sides=False),
        _marker_change("number", chunks, _numbers, both_sides=True),
        _marker_change("date", chunks, _dates, both_sides=True),
        _name_change(chunks, same_name),
        _marker_change("modality", [c for c in chunks if not _infinitive_as_future(c)], lambda c: _classes(c, MODALS),
                       both_sides=False),
        _marker_change("quantifier", chunks, lambda c: _classes(c, QUANTIFIERS), both_sides=False),
        _marker_change("degree", chunks, lambda c: _classes(c, DEGREES), both_sides=True),
    ]
    # "agreed to mediate" -> "agreed to do so": the pro-verb stands for the verb, no act was taken out.
    verb_chunks = [(ca, cb) for ca, cb in chunks if _has_pro_verb(ca) == _has_pro_verb(cb)]
    for scale in SCALES:
        label = next(iter(scale.values()))[0]
        checks.append(_marker_change(label, verb_chunks, lambda c, s=scale: _scale_ranks(c, s), both_sides=True))
    if not any(checks):
        # A degree word and an act stage both say how far something went: "fully approved" -> "approved in
        # draft" swaps one for the other although neither check above sees a replacement of its own kind.
        checks.append(_marker_change("extent", chunks, _extent, both_sides=True))
    return [reason for reason in checks if reason]


def _infinitive_as_future(chunk: Chunk) -> bool:
    """"expect the stocks to recover" -> "hope the stocks will recover": the infinitive's "to" and the
    complement's "will" / "would" say the same thing, no modality was added."""
    return {" ".join(t.key for t in side) for side in chunk} in ({"to", "will"}, {"to", "would"})


def _has_pro_verb(tokens: list[_Token]) -> bool:
    """Whether the words hold "do so", "did it", "doing that": a verb phrase standing for one said before."""
    return any(t.key in _DO_FORMS and n.key in ("so", "it", "that") for t, n in zip(tokens, tokens[1:], strict=False))


def reporting_change(cue_a: str, cue_b: str) -> str | None:
    """A reason when two outlets introduce one quote with reporting verbs of different certainty ("said" /
    "admitted", "said" / "claimed"); None when either has none on the scale ("told reporters" / "said" agree)."""
    rank_a, rank_b = (_head_rank(cue) for cue in (cue_a, cue_b))
    if rank_a is None or rank_b is None or rank_a == rank_b:
        return None
    return f"certainty of the reporting verb: {cue_a!r} -> {cue_b!r}"


def _head_rank(cue: str) -> int | None:
    """The rank of a cue's first reporting word ("said in a statement", "said Tuesday on the ... show" report by
    "said"), a passive "shown" skipped ("is shown saying" reports by "saying"); None without one."""
    ranks = [rank for token in tokenize(cue) if token.key != "shown"
             for rank in _scale_ranks([token], _REPORTING_SCALE)]
    return ranks[0] if ranks else None


def _extent(tokens: list[_Token]) -> Counter:
    return _classes(tokens, DEGREES) + Counter(f"stage {rank}" for rank in _scale_ranks(tokens, SCALES[0]).elements())


def _judge_applies(a: list[_Token], b: list[_Token], chunks: list[Chunk]) -> bool:
    """Whether a low judge score may make the pair altered (see JUDGE_MIN_WORDS)."""
    if min(len(a), len(b)) < JUDGE_MIN_WORDS:
        return False
    return not (len(chunks) == 1 and max(len(chunks[0][0]), len(chunks[0][1])) <= SMALL_EDIT_WORDS)


def _judge_threshold() -> float:
    """The probability from which the shipped judge calls a pair the same."""
    from newsprism.compare.paraphrase import get_judge

    return get_judge().threshold


def _judge_scores(pairs: list[tuple[str, str]]) -> list[float]:
    """The learned judge's probabilities, batched."""
    from newsprism.compare.paraphrase import get_judge

    return [float(s) for s in get_judge().score_pairs(pairs)]


def classify_pairs(
    pairs: list[tuple[str, str]], *, same_name: SameName | None = None, min_score: float = MIN_SAME_SCORE,
    judge_scores: list[float] | None = None, same_threshold: float | None = None,
) -> list[PairVerdict]:
    """Verdicts for many pairs; the learned judge runs once over all non-verbatim pairs.

    Args:
        pairs: (text a, text b) renderings of one statement.
        same_name: optional `(x, y) -> bool` (or a score, matched at >= 0.8) saying two names are one entity.
        min_score: judge probability below which a pair is altered even without a lexical reason.
        judge_scores: precomputed judge probabilities, one per pair (e.g. cross-validated ones in a benchmark).
        same_threshold: probability from which `same_meaning` is true (default: the shipped judge's, 0.5).
    A verdict may be altered while `same_meaning` is true: the judge finds the sentences alike overall, yet a
    changed word carries meaning (a negation, a number, a name...). That word-level view is what the verdict adds.
    Returns:
        One PairVerdict per pair, in order.
    Raises:
        ModelError: when the judge's artifact is missing and a pair needs it.
    Example:
        >>> classify_pairs([("He will go.", "He will not go.")])[0].verdict  # doctest: +SKIP
        'altered'
    """
    tokens = [(tokenize(a), tokenize(b)) for a, b in pairs]
    need_judge = [i for i, (ta, tb) in enumerate(tokens) if [t.key for t in ta] != [t.key for t in tb]]
    if same_threshold is None:
        same_threshold = _judge_threshold() if judge_scores is None else 0.5
    if judge_scores is not None:
        scores = {i: float(judge_scores[i]) for i in need_judge}
    else:
        scores = dict(zip(need_judge, _judge_scores([pairs[i] for i in need_judge]), strict=True)) if need_judge else {}
    verdicts = []
    for i, (ta, tb) in enumerate(tokens):
        if i not in scores:
            verdicts.append(PairVerdict("verbatim", True, 1.0, [], []))
            continue
        chunks = word_diff(ta, tb)
        # Words a reporter put in brackets ("the enemy [in the north]") are shown as changed but are not the
        # speaker's, and words one outlet left out (at an ellipsis, or whole sentences) were not reworded: neither
        # can alter what the speaker said.
        unjudged = _left_out(ta, tb)
        spoken = [([t for t in ca if not t.editorial and id(t) not in unjudged],
                   [t for t in cb if not t.editorial and id(t) not in unjudged]) for ca, cb in chunks]
        spoken = [chunk for chunk in spoken if chunk != ([], [])]
        reasons = meaning_changes(spoken, same_name)
        if scores[i] < min_score and spoken and _judge_applies(ta, tb, chunks):
            reasons.append(f"judge: the whole pair reads as a different statement (p same = {scores[i]:.2f})")
        changed = [(_phrase(ca), _phrase(cb)) for ca, cb in chunks]
        verdict: Verdict = "altered" if reasons else "variant"
        verdicts.append(PairVerdict(verdict, scores[i] >= same_threshold, scores[i], changed, reasons))
    return verdicts


def classify_pair(a: str, b: str, *, same_name: SameName | None = None) -> PairVerdict:
    """Verdict for one pair: verbatim, variant or altered, with the changed words and the reasons."""
    return classify_pairs([(a, b)], same_name=same_name)[0]


__all__ = ["PairVerdict", "classify_pair", "classify_pairs", "meaning_changes", "quoted_by_both", "same_words",
           "share_in_common", "tokenize", "word_diff", "words_in_common"]
