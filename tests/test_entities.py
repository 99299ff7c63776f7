"""Entities: trimming, kind voting, short forms, and cross-article alias resolution (real spaCy parse)."""

from __future__ import annotations

import pytest

from conftest import EXAMPLES, SEEDS, require
from newsprism.analyze import analyze_article, analyze_articles
from newsprism.analyze.aliases import name_key
from newsprism.analyze.entities import names_match, resolve_entities
from newsprism.models import Analysis, Article, Mention, Quote, Span

SAME_NAME = [
    ("Kiev", "Kyiv"),
    ("Donbass", "Donbas"),
    ("Bilsky", "Bilskyi"),
    ("Zelensky", "Zelenskyy"),
    ("Kharkov", "Kharkiv"),
    ("Odessa", "Odesa"),
    ("Gaddafi", "Qaddafi"),
    ("Tchaikovsky", "Chaikovsky"),
    ("Lvov", "Lviv"),
    ("Volodymyr Zelenskiy", "Volodymyr Zelensky"),
]
DIFFERENT_NAMES = [
    ("Austria", "Australia"),
    ("John Smith", "Joan Smith"),
    ("Georgia", "George"),
    ("Sumy", "Sumo"),
    ("Iran", "Iraq"),
    ("Kursk", "Kursa"),
    ("Bern", "Born"),
    ("Niger", "Nigeria"),
]


@pytest.mark.parametrize(("a", "b"), SAME_NAME)
def test_transliteration_variants_match(a, b):
    assert names_match(a, b) >= 0.88
    assert names_match(b, a) == names_match(a, b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT_NAMES)
def test_lookalike_names_do_not_match(a, b):
    assert names_match(a, b) < 0.8


def test_short_form_scores_below_same_name():
    assert 0.8 <= names_match("Lindqvist", "Anna Lindqvist") < names_match("Lindqvist", "Lindqvist")
    assert names_match("Lindqvist", "Anna Berg") < 0.8
    assert name_key("Kiev’s") == name_key("Kyiv")
    assert name_key("Marta B. Kowal") == name_key("Marta Kowal")
    assert name_key("U.S. House") != name_key("House")


def test_titles_are_trimmed_and_short_forms_resolve(settings):
    text = (
        "Prime Minister Anna Lindqvist visited the port on Monday. Lindqvist said the harbour needed repairs. "
        "Officials from the Baltic Shipping Authority (BSA) agreed, and the BSA promised money."
    )
    analysis = analyze_article(Article(id="e1", text=text), settings)
    by_surface = {m.surface: m for m in analysis.mentions}
    assert "Prime Minister Anna Lindqvist" not in by_surface
    assert by_surface["Anna Lindqvist"].kind == "PERSON"
    assert by_surface["Lindqvist"].entity == "Anna Lindqvist"
    assert by_surface["Lindqvist"].kind == "PERSON"
    assert by_surface["BSA"].entity == "Baltic Shipping Authority"
    for m in analysis.mentions:
        assert text[m.span.start : m.span.end] == m.surface


def test_place_cues_outvote_a_person_label(settings):
    text = (
        "Rain fell across the Varnek region for three days. Farmers near Varnek and Ostrava lost their wheat.\n"
        "Mayor Petr Halas called it a disaster."
    )
    analysis = analyze_article(Article(id="e2", text=text), settings)
    kinds = {m.surface: m.kind for m in analysis.mentions}
    assert kinds["Varnek"] == "PLACE"
    assert kinds["Petr Halas"] == "PERSON"
    assert "Mayor Petr Halas" not in kinds


def _analysis(article_id: str, names: list[tuple[str, str]], speakers: tuple[str, ...] = ()) -> Analysis:
    """An analysis whose mentions are `names` (surface, kind), laid out in a made-up text."""
    text, mentions = "", []
    for surface, kind in names:
        start = len(text)
        text += surface + " met. "
        mentions.append(Mention(Span(article_id, start, start + len(surface)), surface, kind, surface))
    quotes = [
        Quote(id=f"{article_id}-q{i}", article_id=article_id, kind="direct", content=[Span(article_id, 0, 3)],
              speaker=s)
        for i, s in enumerate(speakers)
    ]
    return Analysis(article=Article(id=article_id, text=text), mentions=mentions, quotes=quotes)


SHARED = [("Tallinn", "PLACE"), ("Baltic Shipping Authority", "ORG"), ("Anna Lindqvist", "PERSON")]


def test_resolve_merges_variants_sharing_context_and_points_mentions_and_speakers():
    first = _analysis("a1", [*SHARED, ("Kharkov", "PLACE"), ("Volodymyr Zelensky", "PERSON"), ("Odessa", "PLACE")])
    second = _analysis(
        "a2", [*SHARED, ("Kharkiv", "PLACE"), ("Zelenskyy", "PERSON"), ("Odesa", "PLACE")], speakers=("Zelenskyy",)
    )
    entities = resolve_entities([first, second])
    by_alias = {alias: e for e in entities for alias in e.aliases}
    assert by_alias["Kharkov"] is by_alias["Kharkiv"]
    assert by_alias["Odessa"] is by_alias["Odesa"]
    assert by_alias["Zelenskyy"].canonical == "Volodymyr Zelensky"
    assert second.quotes[0].speaker == "Volodymyr Zelensky"
    assert {m.entity for m in second.mentions if m.surface == "Zelenskyy"} == {"Volodymyr Zelensky"}


def test_resolve_keeps_lookalike_names_apart():
    first = _analysis("b1", [*SHARED, ("Iran", "PLACE"), ("Austria", "PLACE"), ("John Smith", "PERSON"),
                             ("Sumy", "PLACE"), ("Georgia", "PLACE")])
    second = _analysis("b2", [*SHARED, ("Iraq", "PLACE"), ("Australia", "PLACE"), ("Joan Smith", "PERSON"),
                              ("Sumo", "PLACE"), ("George", "PERSON")])
    entities = resolve_entities([first, second])
    by_alias = {alias: e for e in entities for alias in e.aliases}
    for a, b in [("Iran", "Iraq"), ("Austria", "Australia"), ("John Smith", "Joan Smith"), ("Sumy", "Sumo"),
                 ("Georgia", "George")]:
        assert by_alias[a] is not by_alias[b], (a, b)


def test_resolve_merges_across_kinds_only_with_shared_context():
    typed_place = _analysis("c1", [*SHARED, ("Kyiv", "PLACE")])
    typed_person = _analysis("c2", [*SHARED, ("Kiev", "PERSON")])
    merged = [e for e in resolve_entities([typed_place, typed_person]) if "Kyiv" in e.aliases]
    assert len(merged) == 1 and "Kiev" in merged[0].aliases and merged[0].kind == "PLACE"
    stranger = _analysis("c3", [("Kiev", "PERSON"), ("Lagos", "PLACE")])
    apart = [e for e in resolve_entities([typed_place, stranger]) if {"Kyiv", "Kiev"} & set(e.aliases)]
    assert len(apart) == 2


def test_resolve_short_form_needs_a_unique_full_name():
    one = _analysis("d1", [("Anna Lindqvist", "PERSON"), ("Tallinn", "PLACE")])
    two = _analysis("d2", [("Lindqvist", "PERSON"), ("Tallinn", "PLACE")])
    entities = resolve_entities([one, two])
    assert {e.canonical for e in entities if "Lindqvist" in e.aliases} == {"Anna Lindqvist"}
    three = _analysis("d3", [("Erik Lindqvist", "PERSON")])
    four = _analysis("d4", [("Lindqvist", "PERSON")])
    entities = resolve_entities([one, three, four])
    lone = next(e for e in entities if "Lindqvist" in e.aliases and "Anna Lindqvist" not in e.aliases
                and "Erik Lindqvist" not in e.aliases)
    assert lone.canonical == "Lindqvist"


def test_resolve_on_nothing():
    assert resolve_entities([]) == []


def test_seed_articles_resolve_place_and_person_variants(settings):
    seeds = sorted(require(SEEDS).glob("*.txt"))
    if len(seeds) < 2:
        pytest.skip("seed articles not present")
    articles = [Article(id=p.stem, text=p.read_text("utf-8")) for p in seeds]
    analyses = list(analyze_articles(articles, settings))
    entities = resolve_entities(analyses)
    by_alias = {alias: e for e in entities for alias in e.aliases}
    assert by_alias["Kiev"] is by_alias["Kyiv"]
    assert by_alias["Donbass"] is by_alias["Donbas"]
    assert by_alias["Putin"] is by_alias["Vladimir Putin"]
    assert by_alias["Putin"].canonical == "Vladimir Putin"
    assert by_alias["Putin"].kind == "PERSON"
    surfaces = {m.surface for a in analyses for m in a.mentions}
    assert not any(s.startswith("President") for s in surfaces)


def test_analysis_reads_no_lemmas(monkeypatch):
    """The pipeline is loaded without spaCy's lemmatizer (a quarter of the parse time): every analysis must be the
    same as with the full pipeline."""
    import spacy

    import newsprism.analyze as analyze
    from newsprism.analyze.nlp import load_spacy
    from newsprism.settings import load_settings

    settings = load_settings()
    lean = load_spacy(settings.analyze.spacy_model)
    assert "lemmatizer" not in lean.pipe_names
    articles = [Article(id=path.stem, text=path.read_text("utf-8"), outlet=path.stem)
                for path in sorted((EXAMPLES / "harbour-ferry").glob("*.txt"))]
    without = [repr(a) for a in analyze_articles(articles, settings)]
    full = spacy.load(lean.path)
    assert "lemmatizer" in full.pipe_names
    monkeypatch.setattr(analyze, "load_spacy", lambda name: full)
    assert [repr(a) for a in analyze_articles(articles, settings)] == without
