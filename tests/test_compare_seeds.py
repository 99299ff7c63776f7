"""The foundation issue's done-when, on the two seed articles (skipped when ../shared/seeds is absent)."""

from __future__ import annotations

import pytest

from conftest import SEEDS, require

# (words in 000's quote, words in 003's quote) for every quotation-marked statement both articles carry
SHARED_STATEMENTS = [
    ("make us worry", "force us to worry"),
    ("the enemy was weakened", "The enemy weakened itself"),
    ("sacred duty", "holy duty"),
    ("Our military has stabilized", "Our armed forces have stabilized"),
    ("We have never refused to negotiate", "We have never refused to do so"),
    ("who signed this document", "who initialed this document"),
    ("told not to do it", "given a command not to do so"),
]


@pytest.fixture(scope="module")
def data():
    from newsprism.compare import compare_inputs
    from newsprism.report import render_json
    from newsprism.settings import load_settings

    files = sorted(str(p) for p in require(SEEDS).glob("*.txt"))
    return render_json(compare_inputs(files, load_settings()))


def _first_and_second(data, finding) -> tuple[str, str]:
    first, second = (a["id"] for a in data["articles"])
    return (" ".join(e["text"] for e in finding["evidence"] if e["article_id"] == first),
            " ".join(e["text"] for e in finding["evidence"] if e["article_id"] == second))


def _pair(data, words_first: str, words_second: str) -> dict:
    found = [f for f in data["findings"] if f["kind"] in ("verbatim", "variant", "altered")
             and words_first in _first_and_second(data, f)[0] and words_second in _first_and_second(data, f)[1]]
    assert len(found) == 1, f"{words_first!r} / {words_second!r}: {len(found)} aligned pairs"
    return found[0]


def test_no_boilerplate_line_left(data):
    for article in data["articles"]:
        lines = {line.strip().lower() for line in article["text"].splitlines()}
        assert not lines & {"ad image", "4 min read", "share this article", "monews"}


@pytest.mark.parametrize(("words_first", "words_second"), SHARED_STATEMENTS)
def test_shared_quote_is_aligned_with_the_speaker_on_both_sides(data, words_first, words_second):
    finding = _pair(data, words_first, words_second)
    assert finding["detail"]["speaker"] == "Vladimir Putin"
    for evidence in finding["evidence"]:
        holders = [q for q in data["quotes"] if q["article_id"] == evidence["article_id"]
                   and q["start"] <= evidence["start"] and evidence["end"] <= q["end"]]
        assert holders and all(q["speaker"] == "Vladimir Putin" for q in holders)


def test_initialled_is_flagged_with_the_changed_words(data):
    finding = _pair(data, "actually signed", "actually initialled")
    changed = " ".join(" ".join(w) if isinstance(w, list) else w for pair in finding["detail"]["changed"] for w in pair)
    assert "signed" in changed and "initialled" in changed
    assert finding["kind"] == "altered"


def test_holy_and_sacred_duty_is_a_variant(data):
    assert _pair(data, "sacred duty", "holy duty")["kind"] == "variant"


@pytest.mark.parametrize("forms", [("Kiev", "Kyiv"), ("Donbass", "Donbas")])
def test_spelling_variants_are_one_entity(data, forms):
    holders = [e for e in data["entities"] if set(forms) & set(e["aliases"])]
    assert len(holders) == 1 and set(forms) <= set(holders[0]["aliases"])


@pytest.mark.parametrize(("words", "which"), [("18%", 0), ("30 months", 1)])
def test_fact_only_one_article_has_is_unique(data, words, which):
    article_id = data["articles"][which]["id"]
    unique = [f for f in data["findings"] if f["kind"] == "unique" and f["detail"].get("what") == "fact"
              and f["detail"]["article_id"] == article_id]
    assert any(words.split()[0] in f["evidence"][0]["text"] and words in f["detail"]["sentence"] for f in unique)


@pytest.mark.parametrize("opening", ["that seizing Donbas", "Moscow’s main Ukraine aim"])
def test_reported_speech_starts_after_whom_and_when_it_was_told(data, opening):
    """"told the Eastern Economic Forum ... on Thursday that ..." and "said Thursday Moscow's ...": the listener
    and the day are the reporter's, not what Putin said."""
    assert any(q["text"].startswith(opening) for q in data["quotes"])
