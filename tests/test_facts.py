"""Facts: numbers, percentages, money, dates, durations, ordinals, with sentence index and context."""

from __future__ import annotations

from datetime import datetime

import pytest

from newsprism.analyze import analyze_article
from newsprism.analyze.facts import fact_context, find_measures, parse_fact, parse_number, regex_fact
from newsprism.models import Article


@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        ("18%", "PERCENT", ("percent", 18.0, "%")),
        ("18 percent", "PERCENT", ("percent", 18.0, "%")),
        ("twelve per cent", "PERCENT", ("percent", 12.0, "%")),
        ("30 months", "DATE", ("duration", 30.0, "month")),
        ("three weeks", "DATE", ("duration", 3.0, "week")),
        ("a 20-year", "DATE", ("duration", 20.0, "year")),
        ("43-year-old", "DATE", ("age", 43.0, "")),
        ("43 years old", "DATE", ("age", 43.0, "")),
        ("twenty-five-year-old", "DATE", ("age", 25.0, "")),
        ("18-month-old", "DATE", ("age", 18.0, "month")),
        ("2022", "DATE", ("year", 2022.0, "")),
        ("the spring of 2019", "DATE", ("year", 2019.0, "")),
        ("Thursday", "DATE", ("date", "weekday:thursday", "")),
        ("Sept. 14", "DATE", ("date", "--09-14", "")),
        ("Oct. 19, 2011", "DATE", ("date", "2011-10-19", "")),
        ("Dec. 2020", "DATE", ("date", "2020-12", "")),
        ("$2.5 billion", "MONEY", ("money", 2.5e9, "USD")),
        ("40 million euros", "MONEY", ("money", 4e7, "EUR")),
        ("third", "ORDINAL", ("ordinal", 3.0, "")),
        ("21st", "ORDINAL", ("ordinal", 21.0, "")),
        ("1,200", "CARDINAL", ("number", 1200.0, "")),
        ("about two hundred", "CARDINAL", ("number", 200.0, "")),
        ("12 kilometres", "QUANTITY", ("number", 12.0, "kilometre")),
        ("14 inches", "QUANTITY", ("number", 14.0, "inch")),
    ],
)
def test_parse_fact_normalizes(text, label, expected):
    assert parse_fact(text, label) == expected


@pytest.mark.parametrize(("text", "label"), [("thousands", "CARDINAL"), ("weeks", "DATE"), ("this summer", "DATE"),
                                             ("dozens", "CARDINAL")])
def test_vague_amounts_are_not_facts(text, label):
    assert parse_fact(text, label) is None


def test_dates_use_the_article_year_when_known():
    assert parse_fact("August 6", "DATE", 2031) == ("date", "2031-08-06", "")
    assert parse_fact("August 6", "DATE", None) == ("date", "--08-06", "")
    assert parse_fact("March 2020", "DATE", 2031) == ("date", "2020-03", "")


def test_parse_number_words_and_scales():
    assert parse_number("twenty-five") == 25.0
    assert parse_number("1.5 million") == 1_500_000.0
    assert parse_number("3bn") == 3e9
    assert parse_number("many") is None


def test_component_finds_facts_with_sentences_and_context(settings):
    text = (
        "The river authority said on May 3 that floods covered 18% of the farmland.\n"
        "After 14 months of repairs, engineers reopened the second lock. Hundreds of boats waited."
    )
    article = Article(id="f1", text=text, published=datetime(2031, 6, 1))
    analysis = analyze_article(article, settings)
    facts = {f.span.text_in(text): f for f in analysis.facts}
    assert facts["18%"].kind == "percent" and facts["18%"].value == 18.0
    assert facts["18%"].sentence == 0
    assert "farmland" in fact_context(analysis, facts["18%"])
    assert facts["May 3"].value == "2031-05-03"
    duration = next(f for f in analysis.facts if f.kind == "duration")
    assert (duration.value, duration.unit, duration.sentence) == (14.0, "month", 1)
    assert "repairs" in fact_context(analysis, duration)
    assert not any(f.span.text_in(text).lower() == "hundreds" for f in analysis.facts)
    assert any(f.kind == "ordinal" and f.value == 2.0 for f in analysis.facts)


def test_regex_catches_figures_the_model_missed(settings):
    text = "Code 4471 was printed on 3 tickets."
    analysis = analyze_article(Article(id="f2", text=text), settings)
    values = {f.value for f in analysis.facts if f.kind == "number"}
    assert {4471.0, 3.0} <= values
    assert all(f.span.text_in(text).strip() == f.span.text_in(text) for f in analysis.facts)


def test_bare_figures_become_years_only_after_a_time_word():
    text = "Founded in 1987, the club had 1987 members since 2004."
    assert regex_fact(text, 11, 15, None) == ("year", 1987.0, "")
    assert regex_fact(text, 30, 34, None) == ("number", 1987.0, "")
    assert regex_fact(text, 49, 53, None) == ("year", 2004.0, "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("the 7:40 crossing", "07:40"), ("left at 7.40 am", "07:40"), ("docked at 7.40pm", "19:40"),
     ("from 6 p.m. onwards", "18:00"), ("logged at 19:05", "19:05")],
)
def test_clock_time_is_one_time_fact_not_numbers(settings, text, expected):
    article = Article(id="t1", text=f"The lantern ferry {text}, the harbour office said.")
    analysis = analyze_article(article, settings)
    times = [f for f in analysis.facts if f.kind == "time"]
    assert [f.value for f in times] == [expected]
    span = times[0].span
    assert not any(f.kind != "time" and f.span.start < span.end and span.start < f.span.end for f in analysis.facts)
    assert {40.0, 7.0, 7.4} & {f.value for f in analysis.facts if f.kind == "number"} == set()


@pytest.mark.parametrize("words", ["every twenty minutes", "every 20 minutes"])
def test_a_duration_of_minutes_is_one_fact_in_words_or_figures(settings, words):
    analysis = analyze_article(Article(id="t3", text=f"The relief ferries will run {words}, the harbour office said."),
                               settings)
    assert [(f.kind, f.value, f.unit) for f in analysis.facts] == [("duration", 20.0, "minute")]


@pytest.mark.parametrize("when", ["late on Saturday", "on Saturday night"])
def test_the_day_of_a_time_of_day_is_a_weekday_fact(settings, when):
    analysis = analyze_article(Article(id="t4", text=f"A fire broke out in the paint shop {when}, the plant said."),
                               settings)
    assert [(f.kind, f.value) for f in analysis.facts] == [("date", "weekday:saturday")]


def test_decimal_with_a_dot_stays_a_number(settings):
    analysis = analyze_article(Article(id="t2", text="Prices rose 7.40 points over the week."), settings)
    assert not any(f.kind == "time" for f in analysis.facts)


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("highs of 40C", 40.0, "°c"),
    ("highs of 40 °C", 40.0, "°c"),
    ("a low of minus 5 degrees Celsius", -5.0, "°c"),
    ("a low of -5C", -5.0, "°c"),
    ("a reading of 104 degrees Fahrenheit", 104.0, "°f"),
    ("a reading of 104F", 104.0, "°f"),
    ("gusts of 100 km/h", 100.0, "km/h"),
    ("gusts of 100 kph", 100.0, "km/h"),
    ("gusts of 160 kilometres per hour", 160.0, "km/h"),
    ("gusts of 62 mph", 62.0, "mph"),
    ("gusts of 62 miles an hour", 62.0, "mph"),
    ("gusts of 54 knots", 54.0, "knot"),
])
def test_temperatures_and_speeds_keep_their_unit(text, value, unit):
    [(start, end, found_value, found_unit)] = find_measures(text)
    assert (found_value, found_unit) == (value, unit) and text[end:] == ""


@pytest.mark.parametrize("text", ["route 40 C", "the 20-25 range", "Section 8 of the act", "12 degrees of freedom"])
def test_figures_without_a_temperature_or_speed_unit_are_not_measures(text):
    assert find_measures(text) == []
