"""Plain-text page-furniture removal: general line scoring, title detection, cross-document repeats."""

from __future__ import annotations

import re

from conftest import SEEDS, require
from newsprism.ingest.boilerplate import (
    RepeatedLines,
    clean_plain_text,
    is_prose_line,
    split_paragraphs,
    strip_title_suffix,
)

P1 = (
    "The regional water board said on Wednesday that reservoir levels had risen to their highest point in "
    "six years after a wet autumn across the northern hills."
)
P2 = (
    "Farmers who had feared another summer of restrictions welcomed the news, although the board warned that "
    "demand from new housing estates would keep growing."
)
P3 = "“Is the drought over? For now.”"
P4 = "Officials expect to review the hosepipe rules again in March, once the spring rainfall figures are known."

FURNISHED = "\n\n".join([
    "Northern Ledger",
    "Photo gallery",
    "Reservoirs reach six-year high after wet autumn | Environment",
    "Northern Ledger",
    "Reading time 6 minutes",
    P1,
    P2,
    P3,
    "Water Supply",
    P4,
    "By Hanna Ekberg",
    "Follow Us",
    "Print This Page",
])


def test_furniture_lines_are_removed_and_title_is_found() -> None:
    cleaned = clean_plain_text(FURNISHED)
    assert cleaned.title == "Reservoirs reach six-year high after wet autumn"
    assert cleaned.text.split("\n\n") == [P1, P2, P3, P4]
    assert "Reading time 6 minutes" in cleaned.removed and "Follow Us" in cleaned.removed


def test_text_without_furniture_is_left_whole() -> None:
    body = "\n".join([P1, P2, P3, P4])
    cleaned = clean_plain_text(body)
    assert cleaned.removed == []
    assert cleaned.title == ""
    assert cleaned.text == "\n\n".join([P1, P2, P3, P4])


def test_short_real_sentences_and_quotes_stay() -> None:
    assert is_prose_line("“Was it enough? Hardly.”")
    assert is_prose_line("Was it enough? Hardly.")
    assert is_prose_line("'No comment,' she said.")
    assert not is_prose_line("Share")
    assert not is_prose_line("12 Comments")
    assert not is_prose_line("Updated 4 May 2024.")


def test_hard_wrapped_paragraphs_are_joined() -> None:
    wrapped = (
        "The regional water board said on Wednesday that reservoir levels\n"
        "had risen to their highest point in six years after a wet autumn\n"
        "across the northern hills.\n\nSecond paragraph stands alone here and ends properly."
    )
    assert split_paragraphs(wrapped) == [
        "The regional water board said on Wednesday that reservoir levels had risen to their highest point "
        "in six years after a wet autumn across the northern hills.",
        "Second paragraph stands alone here and ends properly.",
    ]


def test_title_suffixes() -> None:
    assert strip_title_suffix("Bridge vote delayed again | Local Politics") == "Bridge vote delayed again"
    assert strip_title_suffix("Bridge vote delayed again - The Daily Planet") == "Bridge vote delayed again"
    kept = "Talks resume - but doubts remain over the ceasefire"
    assert strip_title_suffix(kept) == kept


def test_lines_repeated_across_one_outlets_documents_are_removed() -> None:
    promo = "Sign up now for our weekday morning briefing."
    repeated = RepeatedLines()
    texts = [f"{P1} {i}\n\n{promo}\n\n{P2} {i}" for i in range(3)]
    results = [clean_plain_text(t, "ledger.example", repeated) for t in texts]
    assert promo in results[0].text
    assert promo not in results[2].text
    other = clean_plain_text(texts[0].replace(P1, P4), "other.example", repeated)
    assert promo in other.text


def _furniture_like(line: str) -> bool:
    """Short and not a sentence: what page furniture looks like."""
    return len(line.split()) <= 6 and not re.search(r"[.!?…][\"”’]?$", line)


def test_seed_articles() -> None:
    """The seed with furniture loses it all and keeps every sentence; the clean seed is untouched."""
    seeds = sorted(require(SEEDS).glob("*.txt"))
    if len(seeds) < 2:
        import pytest

        pytest.skip("seed articles not present")
    for path in seeds:
        raw = path.read_text("utf-8")
        cleaned = clean_plain_text(raw)
        paragraphs = cleaned.text.split("\n\n")
        assert not any(_furniture_like(p) for p in paragraphs), path.name
        sentences = [ln.strip() for ln in raw.splitlines() if re.search(r"[.!?][\"”’]?$", ln.strip())]
        for sentence in sentences:
            assert sentence in paragraphs, (path.name, sentence)
        if not any(_furniture_like(ln.strip()) for ln in raw.splitlines() if ln.strip()):
            assert cleaned.removed == [], path.name
