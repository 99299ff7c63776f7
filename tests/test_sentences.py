"""Sentence splitting: paragraph breaks, quotes, whitespace-free spans (real spaCy parse)."""

from __future__ import annotations

import pytest

from newsprism.analyze import analyze_article
from newsprism.analyze.sentences import split_sentences
from newsprism.models import Article


def _sentences(text: str, settings) -> list[str]:
    analysis = analyze_article(Article(id="s1", text=text), settings)
    return [s.text_in(text) for s in analysis.sentences]


def test_paragraph_break_always_ends_a_sentence(settings):
    text = "Flood Warning For Valley Towns\nThe river rose overnight and crews closed two bridges."
    assert _sentences(text, settings) == [
        "Flood Warning For Valley Towns",
        "The river rose overnight and crews closed two bridges.",
    ]


def test_no_span_starts_or_ends_with_whitespace(settings):
    text = "  The council met late.\n\n\nIt voted to close the pool.   \n  Residents were angry.  \n"
    sents = _sentences(text, settings)
    assert sents == ["The council met late.", "It voted to close the pool.", "Residents were angry."]


def test_multi_sentence_quote_stays_splittable(settings):
    text = "“The pumps failed twice. We asked for help. Nobody came,” said the harbour master on Friday."
    sents = _sentences(text, settings)
    assert len(sents) >= 2
    assert sents[0].startswith("“The pumps failed twice.")
    assert sents[-1].endswith("said the harbour master on Friday.")


def test_attribution_after_question_is_not_its_own_sentence(settings):
    text = "“Is the dam safe?” she asked. The engineer did not answer."
    sents = _sentences(text, settings)
    assert not any(s.startswith(("she", "”")) for s in sents)
    assert sents[-1] == "The engineer did not answer."


@pytest.mark.parametrize(
    ("text", "bounds", "expected"),
    [
        ("One.\n\nTwo.", [(0, 10)], ["One.", "Two."]),
        ("Ask?” he said.", [(0, 5), (5, 14)], ["Ask?” he said."]),
        ("Done. ” Next one.", [(0, 5), (5, 7), (8, 17)], ["Done. ”", "Next one."]),
        ("   \n ", [(0, 5)], []),
    ],
)
def test_split_sentences_repairs_raw_bounds(text, bounds, expected):
    assert [text[s:e] for s, e in split_sentences(text, bounds)] == expected
