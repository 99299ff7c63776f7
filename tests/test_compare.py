"""Compare stage on tiny invented articles: each finding kind, with real spaCy, quotes and MiniLM embeddings."""

from __future__ import annotations

import pytest

from newsprism.analyze import analyze_articles
from newsprism.analyze.attribution.quotemarks import quoted_regions
from newsprism.analyze.entities import resolve_entities
from newsprism.compare import compare_articles
from newsprism.compare.units import quote_units
from newsprism.models import Analysis, Article, Quote, Span, article_id_for

RIVER_POST = """Dam repairs at Lake Orvel to finish by autumn, engineer says

Repair crews at the Lake Orvel dam will finish strengthening the spillway by autumn, the regional water agency said on Monday.

About 120 workers are on the site, which was damaged by spring floods.

"The spillway will be fully reinforced before the first autumn storms arrive," chief engineer Dana Whitcombe said.

"Nobody living below the dam has ever been in danger," Whitcombe added.

"We tested every gate twice this week," Whitcombe said. "The lower gate needed new seals," Whitcombe added.

The agency has spent 8.5 million on the works so far.

The original spillway was designed by Norcastle Engineering in 1987.
"""

VALLEY_TIMES = """Lake Orvel dam works near the end

Crews at the Lake Orvel dam will complete the spillway strengthening by autumn, the regional water agency said on Monday.

About 150 workers are on the site, which was damaged by spring floods.

"The spillway may be partly reinforced before the first autumn storms arrive," chief engineer Dana Whitcombe said.

"Nobody living below the dam has ever been in danger," Whitcombe added.

"We tested every gate twice this week. The lower gate needed new seals," Whitcombe said.

Local farmers asked the agency to reopen the lakeside road.

The original spillway was designed by Redfern Construction in 1987.
"""

HILL_GAZETTE = """Dam at Lake Orvel: repairs continue

The regional water agency said on Monday that crews at the Lake Orvel dam will finish the spillway by autumn.

About 120 workers are on the site, which was damaged by spring floods.

"The spillway will be fully reinforced before the first autumn storms arrive," chief engineer Dana Whitcombe said.

"We tested every gate twice this week," Whitcombe said.

The agency did not say how much the works cost.
"""


def _article(text: str, outlet: str) -> Article:
    return Article(id=article_id_for(None, text), text=text, outlet=outlet, source_ref=outlet)


def _pair_verdicts(settings, first: str, second: str) -> list:
    """The verbatim / variant / altered findings of two invented articles from two outlets."""
    analyses = list(analyze_articles([_article(first, "Quay News"), _article(second, "Bay Daily")], settings))
    return [f for f in compare_articles(analyses, resolve_entities(analyses), settings).findings
            if f.kind in ("verbatim", "variant", "altered")]


@pytest.fixture(scope="module")
def comparison():
    from newsprism.settings import load_settings

    settings = load_settings()
    articles = [_article(RIVER_POST, "River Post"), _article(VALLEY_TIMES, "Valley Times"),
                _article(HILL_GAZETTE, "Hill Gazette")]
    analyses = list(analyze_articles(articles, settings))
    return compare_articles(analyses, resolve_entities(analyses), settings)


def _texts(comparison, finding) -> list[str]:
    by_id = {a.id: a.text for a in comparison.articles}
    return [by_id[s.article_id][s.start : s.end] for s in finding.evidence]


def _outlet(comparison, article_id: str) -> str:
    return next(a.outlet for a in comparison.articles if a.id == article_id)


def test_identical_quote_is_verbatim(comparison):
    verbatim = [f for f in comparison.findings if f.kind == "verbatim"]
    assert any("Nobody living below the dam" in t for f in verbatim for t in _texts(comparison, f))
    assert all(f.detail["speaker"] and "Whitcombe" in f.detail["speaker"] for f in verbatim)


def test_reworded_quote_is_aligned_with_changed_words(comparison):
    spillway = [f for f in comparison.findings if f.kind in ("variant", "altered")
                and any("spillway" in t for t in _texts(comparison, f))]
    assert spillway, "the reworded spillway quote was not aligned"
    changed = " ".join(w for f in spillway for pair in f.detail["changed"] for w in pair)
    assert "may" in changed and "partly" in changed


def test_weakened_commitment_is_altered(comparison):
    spillway = [f for f in comparison.findings if any("spillway may" in t for t in _texts(comparison, f))]
    assert spillway and all(f.kind == "altered" for f in spillway)


def test_different_numbers_for_one_fact_conflict(comparison):
    conflicts = [f for f in comparison.findings if f.kind == "conflict" and f.detail["what"] == "number"]
    assert len(conflicts) == 1
    detail = conflicts[0].detail
    assert sorted(detail["values"]) == ["120", "150"]
    assert {_outlet(comparison, a) for a, v in detail["by_article"].items() if "150" in v} == {"Valley Times"}
    assert sorted(t[-3:] for t in _texts(comparison, conflicts[0])) == ["120", "120", "150"]


def test_different_names_in_the_same_role_conflict(comparison):
    names = [f for f in comparison.findings if f.kind == "conflict" and f.detail["what"] == "name"]
    assert len(names) == 1
    assert sorted(_texts(comparison, names[0])) == ["Norcastle Engineering", "Redfern Construction"]


@pytest.mark.parametrize(("first", "second", "other"), [
    ("Maria Elena Lopez", "Maria Lopez", "John Peterson"),  # a middle name left out
    ("Orvel Valley Water Authority", "OVWA", "Halden Marine Works"),  # an acronym
    ("Orvel Valley Water Authority", "Orvel Valley Water Auth.", "Halden Marine Works"),  # an abbreviated word
    ("J.R. Peterson", "JR Peterson", "Maria Lopez"),  # initials with and without dots
])
def test_names_one_outlet_could_use_for_one_entity_do_not_conflict(first, second, other):
    from newsprism.compare.names import may_be_one
    from newsprism.settings import load_settings

    assert may_be_one(first, second) and may_be_one(second, first)
    settings = load_settings()
    line = "The new lock gates at Lake Orvel were ordered by {} after the spring floods."
    articles = [_article(f"Lock gates ordered\n\n{line.format(name)}\n", outlet)
                for name, outlet in ((first, "River Post"), (second, "Valley Times"))]
    analyses = list(analyze_articles(articles, settings))
    found = compare_articles(analyses, resolve_entities(analyses), settings).findings
    assert not [f for f in found if f.kind == "conflict"]
    different = [_article(f"Lock gates ordered\n\n{line.format(name)}\n", outlet)
                 for name, outlet in ((first, "River Post"), (other, "Valley Times"))]
    analyses = list(analyze_articles(different, settings))
    found = compare_articles(analyses, resolve_entities(analyses), settings).findings
    assert [f for f in found if f.kind == "conflict" and f.detail["what"] == "name"]


_SPENT = "The port authority has spent {} euros on the new lock gates, its finance office said on Friday."


def _fact_findings(first: str, second: str, line: str = _SPENT, other_line: str | None = None) -> list:
    """Conflict and unique findings about figures when two outlets write `line` with `first` and `second`."""
    from newsprism.settings import load_settings

    settings = load_settings()
    articles = [_article(f"Lock gates at Orvel\n\n{text}\n", outlet)
                for text, outlet in ((line.format(first), "River Post"),
                                     ((other_line or line).format(second), "Valley Times"))]
    analyses = list(analyze_articles(articles, settings))
    found = compare_articles(analyses, resolve_entities(analyses), settings).findings
    return [f for f in found if f.kind in ("conflict", "unique") and f.detail["what"] in ("number", "fact")]


def _number_conflicts(first: str, second: str, line: str = _SPENT, other_line: str | None = None) -> list:
    return [f for f in _fact_findings(first, second, line, other_line) if f.kind == "conflict"]


@pytest.mark.parametrize(("first", "second", "conflict"), [
    ("8.5 million", "8 million", True),
    ("8.5 million", "more than 8 million", False),   # a lower bound the other value meets
    ("8.5 million", "at least 9 million", True),
    ("8.5 million", "nearly 9 million", False),      # just under
    ("8.5 million", "about 9 million", False),       # rounded
    ("8.5 million", "about 12 million", True),
])
def test_figures_whose_wording_allows_one_value_do_not_conflict(first, second, conflict):
    assert bool(_number_conflicts(first, second)) is conflict


_ROUTE = "The new ferry route from Velmora to Orvel island is {} long, the harbour office said."
_HEAT = "The harbour thermometer at Orvel read {} on Tuesday afternoon, the port office said."
_GUSTS = "Gusts of {} struck the Orvel breakwater on Tuesday afternoon, the port office said."


@pytest.mark.parametrize(("line", "first", "second", "conflict"), [
    (_ROUTE, "64 kilometres", "40 miles", False),   # the same distance, converted and rounded
    (_ROUTE, "64 kilometres", "about 40 miles", False),
    (_ROUTE, "64 kilometres", "60 miles", True),
    (_ROUTE, "64 kilometres", "60 kilometres", True),
    (_HEAT, "40 degrees Celsius", "104 degrees Fahrenheit", False),   # the same heat in another scale
    (_HEAT, "-5C", "23F", False),
    (_HEAT, "38C", "100F", False),                                    # 37.8 C rounded to whole degrees
    (_HEAT, "40 degrees Celsius", "100 degrees Fahrenheit", True),
    (_HEAT, "40C", "36C", True),
    (_GUSTS, "100 km/h", "62 mph", False),
    (_GUSTS, "100 kilometres per hour", "54 knots", False),
    (_GUSTS, "100 km/h", "80 miles an hour", True),
])
def test_a_figure_converted_into_another_unit_does_not_conflict(line, first, second, conflict):
    assert bool(_number_conflicts(first, second, line)) is conflict


def test_figures_of_different_kinds_never_conflict():
    measured = "The harbour office at Orvel measured {} on Tuesday afternoon, its staff said."
    assert not _number_conflicts("40 mph", "40C", measured)
    assert _number_conflicts("40 mph", "50 mph", measured)
    assert not _number_conflicts("€8.5 million", "$9.2 million", _SPENT.replace(" euros", ""))
    assert _number_conflicts("$8.5 million", "$9.2 million", _SPENT.replace(" euros", ""))


def test_a_figure_another_outlet_gives_in_other_words_is_not_unique():
    assert not _fact_findings("64 kilometres", "40 miles", _ROUTE)
    assert [f.kind for f in _fact_findings("64 kilometres", "12 miles", _ROUTE)] == ["conflict"]


def test_a_date_another_outlet_gives_more_precisely_is_not_unique():
    # worded apart, so the two dates are not matched as one fact: only the day stays unique, with the outlet giving it
    found = _fact_findings("June 14", "June", "The first ferry to Orvel island sailed on {}, the harbour office said.",
                           "Islanders on Orvel welcomed their new ferry service in {}, the harbour office said.")
    assert [f.kind for f in found] == ["unique"] and "sailed on June 14" in found[0].detail["sentence"]
    # a year alone is too coarse: the other outlet's day in that year may be another event
    years = _fact_findings("June 14, 2029", "2029", "The first ferry to Orvel island sailed on {}, the harbour office said.",
                           "Islanders on Orvel voted for a new ferry service in {}, the harbour office said.")
    assert [f.kind for f in years] == ["unique", "unique"]


def test_a_figure_converted_into_other_units_and_moved_in_its_sentence_is_not_unique():
    found = _fact_findings("3 km", "about two miles", "Drivers will face a {} detour along Marsh Lane, the council said.",
                           "Drivers will be sent on a detour of {}, the council said.")
    assert found == []
    other = _fact_findings("3 km", "about two miles", "Drivers will face a {} detour along Marsh Lane, the council said.",
                           "The new cycle path along the canal will be {} long, the council said.")
    assert [f.kind for f in other] == ["unique", "unique"]


def test_a_figure_within_another_outlets_bound_is_still_unique():
    carried = "The ferry line has carried {} passengers since the season began, its owner said."
    assert [f.kind for f in _fact_findings("more than 640", "more than 40", carried)] == ["unique", "unique"]


def test_counts_of_different_things_do_not_conflict():
    carried = "The ferry line carried {} passengers on its first crossing to Orvel island."
    assert _number_conflicts("120", "140", carried)
    turned_away = "Harbour staff on Orvel turned away {} passengers in the storm."
    assert not _number_conflicts("120", "40", carried, turned_away)


def test_dates_conflict_only_for_the_same_event():
    resigned = "The harbour master of Orvel resigned on {} after the ferry collision."
    assert _number_conflicts("Monday", "Tuesday", resigned)
    questioned = "The harbour master of Orvel was questioned on {} after the ferry collision."
    assert not _number_conflicts("Monday", "Tuesday", resigned, questioned)
    opening = "On {}, the harbour master of Orvel resigned after the ferry collision."
    assert _number_conflicts("Monday", "Tuesday", opening)


@pytest.mark.parametrize(("first", "second", "conflict"), [
    ("on September 30, 2022", "in September 2022", False),   # one gives the day, the other only the month
    ("on March 3", "on March 3, 2026", False),               # one leaves the year out
    ("in 2022", "in September 2022", False),
    ("in 2022", "in September", False),                    # no part in common
    ("on March 3", "on March 5, 2026", True),
    ("in September 2022", "in October 2022", True),
    ("on Friday", "on June 24", False),                # a weekday and a date: no calendar to tell
    ("at 6:41pm", "on June 24", False),                # a clock time and a date
    ("at 6:41pm", "at 7:15pm", True),
])
def test_dates_conflict_only_where_both_give_a_part_and_it_differs(first, second, conflict):
    resigned = "The harbour master of Orvel resigned {} after the ferry collision."
    assert bool(_number_conflicts(first, second, resigned)) is conflict


def test_no_conflict_when_the_other_outlet_also_gives_a_value_that_allows_it():
    one_date = "The Orvel harbour board holds an election in {}."
    two_dates = "The Orvel harbour board holds its election on June 25, after the last election in {}."
    assert not _number_conflicts("June", "January 2010", one_date, two_dates)
    assert _number_conflicts("June", "January 2010", one_date)
    led = "Mara Velt has led the Orvel harbour board since {}."
    assert _number_conflicts("2002", "2003", led, led + " She was re-elected in January.")


def test_ages_of_one_person_conflict():
    master = "The {} harbour master of Orvel resigned after the ferry collision."
    assert _number_conflicts("43-year-old", "44-year-old", master)
    assert not _number_conflicts("43-year-old", "43 years old", master)
    first = "Harbour master Mara Velt, {}, resigned after the ferry collision at Orvel on Tuesday."
    second = "Harbour master Mara Velt, {}, quit her post after the ferry collision at Orvel."
    assert _number_conflicts("43", "44", first, second)   # the age after a name is about that name
    two = "The ferry crash killed {}, the port authority of Orvel said."
    assert not _number_conflicts("Ada Lind, 61, and Bea Moss, 48", "61-year-old Ada Lind and 48-year-old Bea Moss", two)


def test_a_figure_with_a_unit_and_one_without_do_not_conflict():
    deal = "The Orvel ferry line gave its new captain a {} deal on Monday, the owner said."
    assert not _number_conflicts("three-year", "3 million", deal)   # 3 years, 3 million what: not one fact
    assert _number_conflicts("three-year", "four-year", deal)


def test_number_only_one_outlet_gives_is_unique(comparison):
    facts = [f for f in comparison.findings if f.kind == "unique" and f.detail["what"] == "fact"]
    money = [f for f in facts if "8.5" in f.detail["value"]]
    assert len(money) == 1 and _outlet(comparison, money[0].detail["article_id"]) == "River Post"
    assert not any("120" in f.detail["value"] or "150" in f.detail["value"] for f in facts)


def test_unaligned_sentences_are_grouped_per_article(comparison):
    groups = [f for f in comparison.findings if f.kind == "unique" and f.detail["what"] == "sentences"]
    assert len({f.detail["article_id"] for f in groups}) == len(groups)
    farmers = [f for f in groups if any("farmers" in s for s in f.detail["sentences"])]
    assert len(farmers) == 1 and _outlet(comparison, farmers[0].detail["article_id"]) == "Valley Times"


def test_sentence_of_a_unique_fact_is_not_listed_again_as_a_unique_sentence(comparison):
    facts = [f for f in comparison.findings if f.kind == "unique" and f.detail["what"] == "fact"]
    assert any("8.5 million" in f.detail["sentence"] for f in facts)
    listed = [s for f in comparison.findings if f.kind == "unique" and f.detail["what"] == "sentences"
              for s in f.detail["sentences"]]
    assert listed and not any("8.5 million" in s for s in listed)


def test_quote_split_in_one_outlet_and_merged_in_another_is_one_statement(comparison):
    gates = [f for f in comparison.findings if f.kind in ("verbatim", "variant", "altered")
             and any("every gate" in t for t in _texts(comparison, f))]
    assert len(gates) == 3 and all(f.kind == "verbatim" for f in gates)
    gates = [f for f in gates if any("lower gate" in t for t in _texts(comparison, f))]
    assert len(gates) == 1
    by_outlet = {}
    for span in gates[0].evidence:
        by_outlet.setdefault(_outlet(comparison, span.article_id), []).append(span)
    assert sorted(len(v) for v in by_outlet.values()) == [2, 2]    # two quotes vs two sentences of one quote


def test_part_of_a_quote_the_others_carry_is_omitted(comparison):
    parts = [f for f in comparison.findings if f.kind == "omitted" and f.detail["what"] == "part of quote"]
    assert len(parts) == 1
    assert _outlet(comparison, parts[0].detail["article_id"]) == "Hill Gazette"
    assert all(t == "The lower gate needed new seals" for t in _texts(comparison, parts[0]))


def test_quote_the_others_all_carry_is_omitted(comparison):
    omitted = [f for f in comparison.findings if f.kind == "omitted" and f.detail["what"] == "quote"]
    assert len(omitted) == 1
    assert _outlet(comparison, omitted[0].detail["article_id"]) == "Hill Gazette"
    assert all("Nobody living below the dam" in t for t in _texts(comparison, omitted[0]))


@pytest.mark.parametrize(("third", "omitted"), [
    ("Mayor Ilse Brandt wants the old pier closed and asked for funds.", True),
    ('Mayor Ilse Brandt said the old pier was "a danger to every child" and asked for funds.', False),
    ("Mayor Ilse Brandt said the old pier was a danger to every child in Velmora and asked for funds.", False),
    # her words shown as she posted them, without quote marks or a cue
    ("Mayor Ilse Brandt posted a note at the pier on Tuesday.\n\nThe old ferry pier is a danger to every child in "
     "Velmora and it must come down this winter.", False),
])
def test_a_quote_reported_another_way_is_not_omitted(third, omitted):
    from newsprism.settings import load_settings

    settings = load_settings()
    direct = ('Velmora pier to close\n\n"The old ferry pier is a danger to every child in Velmora and it must come '
              'down this winter," Mayor Ilse Brandt said on Tuesday.\n\nThe council will vote on the plan in March.\n')
    articles = [_article(direct, "River Post"), _article(direct.replace("Tuesday", "Tuesday evening"), "Valley Times"),
                _article(f"Velmora pier to close\n\n{third}\n\nThe council will vote on the plan in March.\n",
                         "Hill Gazette")]
    analyses = list(analyze_articles(articles, settings))
    found = compare_articles(analyses, resolve_entities(analyses), settings).findings
    assert bool([f for f in found if f.kind == "omitted"]) is omitted


def test_outlets_quoting_different_parts_of_a_statement_are_not_compared_with_each_other():
    from newsprism.settings import load_settings

    settings = load_settings()
    statement = ("The ferry will run every hour from May.", "We will not raise the fares this year.")
    quotes = {"River Post": " ".join(statement), "Valley Times": statement[0], "Hill Gazette": statement[1]}
    articles = [_article(f'Orvel ferry timetable\n\n"{quote}" harbour director Tove Lind said.\n\n'
                         "The council approved the timetable on Monday.\n", outlet) for outlet, quote in quotes.items()]
    analyses = list(analyze_articles(articles, settings))
    comparison = compare_articles(analyses, resolve_entities(analyses), settings)
    pairs = sorted(tuple(sorted(_outlet(comparison, a) for a in f.detail["article_ids"]))
                   for f in comparison.findings if f.kind in ("verbatim", "variant", "altered"))
    assert pairs == [("Hill Gazette", "River Post"), ("River Post", "Valley Times")]


def test_a_quote_another_outlet_reports_in_its_own_way_is_not_unique():
    from newsprism.settings import load_settings

    settings = load_settings()
    direct = ('Velmora pier to close\n\n"The old ferry pier is a danger to every child in Velmora and it must come '
              'down this winter," Mayor Ilse Brandt said on Tuesday.\n')
    reported = ('Velmora pier to close\n\nMayor Ilse Brandt wants the pier gone, calling it "a danger to every '
                'child" in a council speech.\n')
    unrelated = "Velmora pier to close\n\nMayor Ilse Brandt wants the pier gone before the winter storms.\n"
    for other, unique in ((reported, False), (unrelated, True)):
        articles = [_article(direct, "River Post"), _article(other, "Valley Times")]
        analyses = list(analyze_articles(articles, settings))
        comparison = compare_articles(analyses, resolve_entities(analyses), settings)
        assert bool([f for f in comparison.findings if f.kind == "unique" and f.detail["what"] == "quote"
                     and _outlet(comparison, f.detail["article_id"]) == "River Post"]) is unique


def test_statements_link_every_outlet_of_a_quote(comparison):
    quoted = [s for s in comparison.statements if s.speaker and "Whitcombe" in s.speaker]
    assert len(quoted) == 3
    assert sorted(len({v.article_id for v in s.variants}) for s in quoted) == [2, 3, 3]


def test_evidence_spans_point_into_the_article_text(comparison):
    ids = {a.id for a in comparison.articles}
    for finding in comparison.findings:
        assert finding.evidence
        for span in finding.evidence:
            assert span.article_id in ids and span.end > span.start


def test_single_article_has_no_findings(settings):
    analyses = list(analyze_articles([_article(RIVER_POST, "River Post")], settings))
    assert compare_articles(analyses, [], settings).findings == []


def test_quoting_less_of_a_statement_is_not_a_rewording(settings):
    fuller = ("Ferry to dock at north quay\n\n"
              "\"As I told the council last week, the old pier is unsafe and must close. From Monday the ferry "
              "will dock at the north quay,\" harbour master Ida Lund said.\n")
    shorter = ("Harbour moves the ferry\n\n"
               "The old pier is closing. \"From Monday the ferry will dock at the north quay,\" harbour master "
               "Ida Lund said.\n")
    verdicts = _pair_verdicts(settings, fuller, shorter)
    assert [f.kind for f in verdicts] == ["verbatim"]
    assert verdicts[0].detail["partial_quote"]
    assert verdicts[0].detail["texts"][0] == "From Monday the ferry will dock at the north quay"


def test_reported_clauses_joined_by_and_that_are_aligned_apart():
    text = "Ida Lund said the pier was “unsafe”, and that the ferry would move to the north quay. “It will,” she said."
    article = _article(text, "Quay News")
    content = [Span(article.id, text.index("the pier"), text.index(". "))]
    quote = Quote(id="q", article_id=article.id, kind="mixed", content=content)
    pieces = quote_units(Analysis(article, quotes=[quote]), quote, quoted_regions(text))
    assert [(piece, marked) for _, piece, marked in pieces] == [
        ("the pier was “unsafe", True), ("and that the ferry would move to the north quay", False)]


def test_two_outlets_quoting_one_phrase_are_judged_on_the_phrase(settings):
    first = ("Pier to close\n\n"
             "Harbour master Ida Lund said the old pier was a \"rotten relic\" that could fall into the harbour at "
             "any time.\n")
    second = ("Old pier shut\n\n"
              "Harbour master Ida Lund said the old pier, a \"rotten relic\", might fall into the harbour soon.\n")
    verdicts = _pair_verdicts(settings, first, second)
    assert [(f.kind, f.detail["texts"]) for f in verdicts] == [("verbatim", ["rotten relic", "rotten relic"])]


def test_a_statement_is_named_after_its_most_frequent_speaker_and_ties_go_to_the_fuller_name():
    from newsprism.compare.findings import group_speaker
    from newsprism.compare.units import Unit

    def unit(article: int, speaker: str) -> Unit:
        span = Span(str(article), 0, 4)
        quote = Quote(f"q{article}", str(article), "direct", [span], speaker=speaker)
        return Unit(article, article, "quote", span, "Text", quote=quote)

    for names in (["Dara Quill", "Quill"], ["Quill", "Dara Quill"]):
        assert group_speaker([unit(i, n) for i, n in enumerate(names)]) == "Dara Quill"
    assert group_speaker([unit(i, n) for i, n in enumerate(["Dara Quill", "Quill", "Quill"])]) == "Quill"


def test_a_quote_is_not_cut_after_a_title_an_initial_or_a_month_before_a_day():
    text = ("“The ferry is sound. Mr. Aalto and Dr. J. Rask checked it for the U.S. Coast Guard on Sept. 12. "
            "We sail in Sept. Not before,” she said.")
    article = _article(text, "Quay News")
    quote = Quote(id="q", article_id=article.id, kind="direct", content=[Span(article.id, 1, text.index("”"))])
    pieces = quote_units(Analysis(article, quotes=[quote]), quote, quoted_regions(text))
    assert [piece for _, piece, _ in pieces] == [
        "The ferry is sound.", "Mr. Aalto and Dr. J. Rask checked it for the U.S. Coast Guard on Sept. 12.",
        "We sail in Sept.", "Not before"]


def test_a_quote_of_common_words_another_outlet_quotes_is_not_unique(settings):
    first = ("Orvel harbour master stays\n\nThe harbour master of Orvel, Mara Velt, faced calls to quit on Tuesday "
             "after the ferry crash.\n\nVelt told the harbour board on Tuesday evening: \"I will not resign.\"\n")
    second = ("Calls to quit after Orvel crash\n\nCouncillors in Orvel asked harbour master Mara Velt to step down on "
              "Tuesday after the ferry crash.\n\n\"The ferry company must answer for the rotten pier timbers and the "
              "missing lifebelts, and I will not resign while they hide the maintenance logs,\" Velt said.\n")
    analyses = list(analyze_articles([_article(first, "Quay News"), _article(second, "Bay Daily")], settings))
    found = compare_articles(analyses, resolve_entities(analyses), settings).findings
    unique_quotes = [f.detail["text"] for f in found if f.kind == "unique" and f.detail["what"] == "quote"]
    assert len(unique_quotes) == 1 and "maintenance logs" in unique_quotes[0]


def test_a_quoted_phrase_between_clauses_is_compared_and_an_unshared_clause_is_not(settings):
    # The second outlet quotes three parts of the speech; only the last two are what the first outlet quotes.
    whole = ("Mayor Varga on the valley\n\n"
             "Mayor Ines Varga spoke of \"shuttered mills scattered like gravestones across the valley\" in her "
             "speech to the county council on Friday evening.\n")
    pieces = ("Varga paints a bleak valley\n\n"
              "Mayor Ines Varga described a valley where young families are \"stuck in debt in the old river "
              "towns,\" where \"shuttered mills\" are \"scattered like gravestones across the valley.\"\n")
    verdicts = _pair_verdicts(settings, whole, pieces)
    assert [f.kind for f in verdicts] in (["verbatim"], ["variant"])
    assert all("shuttered mills" in text for text in verdicts[0].detail["texts"])
    assert "stuck in debt" not in verdicts[0].detail["texts"][1]
    assert verdicts[0].detail["partial_quote"]


@pytest.mark.parametrize(("first", "second", "unique"), [
    ("\"There is no question that the valley must win the fight against the river,\" chief engineer Dana "
     "Whitcombe said on Monday.",
     "Chief engineer Dana Whitcombe said on Monday: \"It is a fight against the river we have to win.\"",
     []),   # both quote "fight against the river": neither quote is unique
    ("\"The agency has not changed its position on the spillway,\" chief engineer Dana Whitcombe said on Monday.",
     "\"The agency is as committed as we have ever been to fighting to protect the spillway,\" chief engineer "
     "Dana Whitcombe said on Monday.",
     ["Bay Daily", "Quay News"]),
])
def test_two_statements_on_one_subject_get_no_verdict(settings, first, second, unique):
    # Aligned by their subject, judged different, sharing under half their words: neither rewords the other,
    # and each is a quote of its own outlet.
    articles = [_article(f"Dam works\n\n{first}\n", "Quay News"), _article(f"Dam works\n\n{second}\n", "Bay Daily")]
    analyses = list(analyze_articles(articles, settings))
    found = compare_articles(analyses, resolve_entities(analyses), settings).findings
    assert [f for f in found if f.kind in ("verbatim", "variant", "altered")] == []
    assert sorted(f.detail["outlet"] for f in found if f.kind == "unique" and f.detail["what"] == "quote") == unique


def test_two_quotes_given_in_the_other_order_are_moved_not_reworded(settings):
    in_order = ("Ferry to dock at north quay\n\n"
                "\"The old pier must close before the winter storms arrive. From Monday the ferry will not stop at "
                "the old pier but at the north quay,\" harbour master Ida Lund said on Friday.\n")
    reversed_order = ("Harbour moves the ferry\n\n"
                      "\"From Monday the ferry will not stop at the old pier but at the north quay,\" harbour master "
                      "Ida Lund said on Friday.\n\nThe pier was built in 1911. \"The old pier must close before the "
                      "winter storms arrive,\" Lund added.\n")
    verdicts = _pair_verdicts(settings, in_order, reversed_order)
    assert [f.kind for f in verdicts] == ["verbatim"]


def test_a_fragment_quoted_on_its_own_leaves_out_the_rest_of_the_sentence(settings):
    # The second outlet quotes "a night at the pub" apart from the sentence: the "not" before it was left out
    # where its quote was cut, not taken away from the mayor's words.
    whole = ("Mayor scolds council staff\n\n"
             "\"Try to show some respect,\" Mayor Ines Varga wrote to the council staff on Friday. \"Dress like you are "
             "going to a council meeting, not a night at the pub.\"\n")
    cut = ("Varga scolds staff\n\n"
           "\"Try to show some respect,\" Mayor Ines Varga wrote to the council staff on Friday.\n\n"
           "Varga said the clothes worn at the meeting suited \"a night at the pub.\"\n")
    verdicts = _pair_verdicts(settings, whole, cut)
    assert verdicts and all(f.kind != "altered" for f in verdicts)


def test_a_quote_introduced_with_a_surer_reporting_verb_is_altered(settings):
    story = ("The Carrow library will move to the old school building next spring, the town council decided on "
             "Tuesday after a long debate about the cost of repairs to the present building.\n\n"
             "\"I regret that the library will have to leave the market square,\" council leader Ines Castellane "
             "{cue}.\n\nThe move will cost about 300,000 crowns, paid from the council's reserve fund.")
    said, admitted = story.format(cue="said"), story.format(cue="admitted")
    [reframed] = _pair_verdicts(settings, said, admitted)
    assert reframed.kind == "altered"
    assert reframed.detail["reasons"] == ["certainty of the reporting verb: 'said' -> 'admitted'"]
    [same] = _pair_verdicts(settings, said, story.format(cue="told the meeting"))
    assert same.kind == "verbatim"


def test_a_reported_figure_and_a_quoted_one_for_the_same_fact_conflict(settings):
    lead = ("Corvania and Estrel signed a new fisheries agreement on Wednesday after three days of talks in the "
            "border city of Zarechye, ending a dispute that had kept boats in port for weeks.\n\n")
    reported = lead + "Fisheries minister Aleksandr Morozin said the agreement would last five years.\n"
    quoted = lead + "\"The agreement will last ten years,\" fisheries minister Aleksandr Morozin said.\n"
    analyses = list(analyze_articles([_article(reported, "Quay News"), _article(quoted, "Bay Daily")], settings))
    found = compare_articles(analyses, resolve_entities(analyses), settings).findings
    [conflict] = [f for f in found if f.kind == "conflict"]
    assert sorted(e.text_in(a.article.text) for e, a in zip(conflict.evidence, analyses, strict=True)) == [
        "five years", "ten years"]
    assert conflict.detail["about"] == "agreement"
