"""Plain-text page-furniture removal: general line scoring, title detection, cross-document repeats."""

from __future__ import annotations

import re

from conftest import SEEDS, require
from newsprism.ingest.boilerplate import (
    RepeatedLines,
    clean_plain_text,
    is_masthead_line,
    is_nav_line,
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


MENU_PAGE = "\n\n".join([
    "Riverside Chronicle",
    "Home | Local | Transport | Opinion",
    "Footbridge reopens after storm repairs downstream",
    "2 min read",
    P1,
    P2,
])


def test_menu_line_is_never_the_title_and_masthead_is_found() -> None:
    cleaned = clean_plain_text(MENU_PAGE)
    assert cleaned.title == "Footbridge reopens after storm repairs downstream"
    assert cleaned.masthead == "Riverside Chronicle"
    assert "Home | Local | Transport | Opinion" in cleaned.removed
    assert cleaned.text.split("\n\n") == [P1, P2]


def test_menu_spaced_out_or_with_dots_is_nav() -> None:
    assert is_nav_line("Home    Local    Transport    Opinion")
    assert is_nav_line("News · Sport · Weather · Culture")
    assert is_nav_line("Home » Regions » Upper Valley")
    spaced = "\n".join(["World    Markets    Sport    Culture", "Lantern makers fill the quay for spring fair", P1])
    assert clean_plain_text(spaced).title == "Lantern makers fill the quay for spring fair"


def test_headlines_with_a_section_suffix_or_colon_are_not_nav() -> None:
    assert not is_nav_line("Reservoirs reach six-year high after wet autumn | Environment")
    assert not is_nav_line("Harbour crash: 221 on board ferry that hit barge")
    assert not is_nav_line("home | about | contact")  # not capitalised items
    assert not is_nav_line(P1)


def test_masthead_needs_a_title_below_it_and_a_name_shape() -> None:
    assert clean_plain_text(FURNISHED).masthead == "Northern Ledger"
    assert clean_plain_text("\n\n".join([P1, P2])).masthead == ""
    assert is_masthead_line("Voice of the Valley") and is_masthead_line("The Daily Beacon")
    assert not is_masthead_line("3 min read") and not is_masthead_line("Photo gallery")
    assert not is_masthead_line("Updates") and not is_masthead_line("Read this now.")
