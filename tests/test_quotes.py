"""Quote attribution: each attribution shape on invented sentences, the CLI, the component, the seeds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SEEDS, cli_command, require
from newsprism.analyze.attribution.decoding import fill_missing_content, group
from newsprism.analyze.attribution.model import AttributionTagger, TaggedParagraph
from newsprism.analyze.attribution.quotemarks import quoted_regions
from newsprism.analyze.attribution.speakers import _titled_name
from newsprism.analyze.attribution.tokens import paragraphs, tokens_of_text
from newsprism.analyze.quotes import _after_dateline, find_quotes, quotes_component
from newsprism.cli import cli
from newsprism.errors import ModelError
from newsprism.models import Analysis, Article, Mention, Quote, Span, stable_id


def quote_with(text: str, words: str) -> Quote:
    """The quote whose content holds `words`."""
    quotes = find_quotes(text)
    for quote in quotes:
        if any(words in s.text_in(text) for s in quote.content):
            return quote
    raise AssertionError(f"no quote holds {words!r}; got {[[s.text_in(text) for s in q.content] for q in quotes]}")


def tagged(text: str, roles: dict[str, str]) -> list[TaggedParagraph]:
    """The paragraphs of `text` labelled by hand (BILOU): `roles` maps a phrase of the text to SRC, CUE or CON."""
    paras = paragraphs(tokens_of_text(text))
    out = []
    for para in paras:
        labels = ["O"] * len(para)
        for phrase, role in roles.items():
            start = text.index(phrase)
            inside = [i for i, tok in enumerate(para) if start <= tok.start and tok.end <= start + len(phrase)]
            for i in inside:
                tag = "U" if len(inside) == 1 else "B" if i == inside[0] else "L" if i == inside[-1] else "I"
                labels[i] = f"{tag}-{role}"
        out.append(TaggedParagraph(para, labels, [1.0] * len(para)))
    return out


def test_a_quote_goes_to_the_cue_of_its_own_sentence_past_a_titled_speaker():
    text = ("The plan covers the river towns, which Ms. Dale drafted. “It buys us a decade of dry winters,” "
            "Mr. Okafor added.")
    roles = {"the river towns": "CON", "Ms. Dale": "SRC", "drafted": "CUE",
             "“It buys us a decade of dry winters,”": "CON", "Mr. Okafor": "SRC", "added": "CUE"}
    by_cue = {text[a.cue[0] : a.cue[1]]: a for a in group(tagged(text, roles), text)}
    added = by_cue["added"]
    assert [text[s:e] for s, e in added.content] == ["“It buys us a decade of dry winters,”"]
    assert added.source is not None and text[added.source[0] : added.source[1]] == "Mr. Okafor"
    assert [text[s:e] for s, e in by_cue["drafted"].content] == ["the river towns"]


def test_content_found_after_its_cue_runs_past_a_title():
    text = "According to Sen. Ada Lee, Mr. Aalto will step down as harbour master next week. The board meets today."
    roles = {"According to": "CUE", "Sen. Ada Lee": "SRC"}
    (attribution,) = fill_missing_content(group(tagged(text, roles), text), text)
    assert [text[s:e] for s, e in attribution.content] == ["Mr. Aalto will step down as harbour master next week"]


def test_direct_quote_with_speaker_after():
    text = "“The river is rising faster than last year,” said Peter Olsen, an engineer at the dam."
    quote = quote_with(text, "The river is rising")
    assert quote.kind == "direct"
    assert quote.speaker == "Peter Olsen"
    assert quote.cue_span is not None and quote.cue_span.text_in(text) == "said"


def test_when_it_was_said_is_not_part_of_what_was_said():
    text = (
        "Harbour master Ida Lund said Thursday the night ferry would stop running in March.\n\n"
        "Mayor Tom Varga said on Friday morning the toll would stay at four crowns."
    )
    contents = [q.content[0].text_in(text) for q in find_quotes(text)]
    assert contents == ["the night ferry would stop running in March", "the toll would stay at four crowns"]


def test_whom_it_was_told_to_is_not_part_of_what_was_said():
    from newsprism.analyze.quotes import _after_addressee

    word_class = {"the": "DT", "in": "IN", "on": "IN", "harbour": "NN", "board": "NN", "how": "WRB", "she": "PRP",
                  "was": "VBD", "worried": "JJ"}
    text = "Ida Lund told the harbour board in Varde on Monday that the pier would close."
    cue = (text.index("told"), text.index("told") + 4)
    content = (cue[1] + 1, len(text) - 1)
    assert text[slice(*_after_addressee(text, content, cue, word_class))] == "that the pier would close"
    text = "Ida Lund told the board how worried she was that the pier would close."
    content = (cue[1] + 1, len(text) - 1)
    assert _after_addressee(text, content, cue, word_class) == content   # "how ... she was" is no listener


def test_indirect_quote_with_full_name_from_later_surname():
    text = (
        "Finance Minister Tomas Berglund presented the budget on Monday.\n\n"
        "Berglund said the deficit would shrink by half within two years."
    )
    quote = quote_with(text, "deficit would shrink")
    assert quote.kind == "indirect"
    assert quote.speaker == "Tomas Berglund"
    assert quote.speaker_span.text_in(text) == "Berglund"


def test_mixed_quote():
    text = 'Opposition leader Carla Ruiz said the reform was "a gift to the banks" and would fail in court.'
    quote = quote_with(text, "a gift to the banks")
    assert quote.kind == "mixed"
    assert quote.speaker == "Carla Ruiz"


def test_according_to():
    text = "According to Maria Santos, the factory will close its doors in March and move the work abroad."
    quote = quote_with(text, "the factory will close")
    assert quote.kind == "indirect"
    assert quote.speaker == "Maria Santos"


def test_indirect_content_before_source_and_cue():
    text = "Engineers doubted the new dam could hold another flood, the report found."
    quote = quote_with(text, "Engineers doubted")
    assert [s.text_in(text) for s in quote.content] == ["Engineers doubted the new dam could hold another flood"]
    assert quote.speaker_span.text_in(text) == "the report"
    assert quote.cue_span.text_in(text) == "found"


def test_outer_attribution_swallows_the_nested_one():
    # PolNeAR marks only the outer attribution: "sources said" owns the whole clause, "called for" is no cue
    text = "The fishing treaty called for a ban on night trawling in the fjord, two diplomats said."
    quotes = find_quotes(text)
    assert len(quotes) == 1
    assert quotes[0].speaker == "two diplomats"
    assert [s.text_in(text) for s in quotes[0].content] == [
        "The fishing treaty called for a ban on night trawling in the fjord"
    ]


def test_which_source_is_kept_and_names_its_antecedent():
    text = "Residents blamed the Varn River Authority, which warned that the levee could fail."
    quote = quote_with(text, "the levee could fail")
    assert quote.speaker_span.text_in(text) == "which"
    assert quote.speaker is not None and quote.speaker.endswith("Varn River Authority")


def test_who_names_the_group_before_it():
    text = "The toll plan was opposed by the harbour fishermen, who said the fees would hurt commuters."
    assert quote_with(text, "the fees would hurt").speaker == "the harbour fishermen"


def test_who_after_an_abbreviated_place_stays_as_written():
    text = "The plan was backed by farmers in Linden County, Neb., who said the water rights were secure."
    assert quote_with(text, "the water rights were secure").speaker == "who"


def test_party_groups_and_hyphenated_titles_are_not_names():
    text = (
        "President-elect Tomas Veld said the cabinet would be named in May. Senate Republicans blocked the toll "
        "plan on Monday. He said the toll plan was dead."
    )
    assert quote_with(text, "the cabinet would be named").speaker == "Tomas Veld"
    assert quote_with(text, "the toll plan was dead").speaker == "Tomas Veld"


def test_speaker_before_quote_with_colon():
    text = "Coach Daniel Brandt was blunt after the defeat: “We did not deserve to win tonight.”"
    assert quote_with(text, "We did not deserve").speaker == "Daniel Brandt"


def test_pronoun_speaker_resolves_to_named_person():
    text = (
        "Governor Rita Alvarez visited the flooded town on Tuesday.\n\n"
        "“The state will pay for every damaged home,” she said."
    )
    quote = quote_with(text, "The state will pay")
    assert quote.speaker == "Rita Alvarez"
    assert quote.speaker_span.text_in(text) == "she"


def test_pronoun_skips_a_person_known_to_take_the_other_pronoun():
    text = (
        "“We cannot afford a second bridge,” Mr. Oskar Dahl told the council. The plan drew criticism from "
        "councillor Vera Lund and others.\n\n"
        "She said the vote should wait until spring."
    )
    assert quote_with(text, "the vote should wait").speaker == "Vera Lund"


def test_pronoun_prefers_the_person_the_previous_sentence_opens_with():
    text = (
        "Harald Berg said the museum would close for repairs. Ines Kohl, who runs the cafe next door, was "
        "unhappy.\n\n"
        "She said half of her customers came from the museum."
    )
    assert quote_with(text, "half of her customers").speaker == "Ines Kohl"


def test_speaker_in_next_sentence():
    text = (
        "Heavy rain hit the valley overnight.\n\n"
        "“Nobody warned us.” Jonas Weber, who runs the village bakery, said the water came within minutes."
    )
    assert quote_with(text, "Nobody warned us").speaker == "Jonas Weber"


def test_uncued_quote_paragraph_keeps_previous_speaker():
    text = (
        "“We will not sign this agreement in its present form,” Foreign Minister Lena Dahl said.\n\n"
        "“Is that clear enough? I hope so.”"
    )
    assert quote_with(text, "Is that clear enough").speaker == "Lena Dahl"


def test_transcript_label_is_not_part_of_the_content():
    text = (
        "Mayor Eva Brandt answered the last question of the evening:\n\n"
        "BRANDT: The ferry will run all year, and the fares will not rise before the election.\n\n"
        "The council meets again in May."
    )
    quote = quote_with(text, "The ferry will run")
    assert quote.speaker == "Eva Brandt"
    assert [s.text_in(text) for s in quote.content] == [
        "The ferry will run all year, and the fares will not rise before the election."
    ]


def test_transcript_label_inside_a_quote_mark_is_not_part_of_the_content():
    text = (
        "The station published part of the interview:\n\n"
        '"HOST: Will the night ferry return this winter?"\n\n'
        '"BRANDT: Not before the new pier is finished, and the council has not yet paid for it."'
    )
    contents = [s.text_in(text) for q in find_quotes(text) for s in q.content]
    assert "Not before the new pier is finished, and the council has not yet paid for it." in contents
    assert "Will the night ferry return this winter?" in contents


def test_quote_signed_with_a_dash_and_a_name():
    text = (
        "We asked readers what the new toll bridge means for them.\n\n"
        "“The bridge cuts my commute in half, but the toll eats what I save in petrol.” ― Hanna Lindqvist.\n\n"
        "“Nobody asked the island schools, and now the buses leave an hour earlier.”\u00a0—\u00a0Jonas de Vries\n\n"
        "The bridge — opened in March — carries 9,000 cars a day."
    )
    first = quote_with(text, "cuts my commute")
    assert first.speaker == "Hanna Lindqvist"
    assert first.speaker_span is not None and first.speaker_span.text_in(text) == "Hanna Lindqvist"
    assert first.cue_span is not None and first.cue_span.text_in(text) == "―"
    second = quote_with(text, "island schools")
    assert second.speaker == "Jonas de Vries"
    assert second.speaker_span is not None and second.speaker_span.text_in(text) == "Jonas de Vries"
    assert second.cue_span is not None and second.cue_span.text_in(text) == "—"


def test_quote_over_two_paragraphs_is_one_quote():
    text = (
        "Harbour master Ole Jensen described the night of the storm.\n\n"
        "“The waves broke over the wall again and again, and the boats were torn from their moorings.\n\n"
        "“By morning nothing was left of the old pier,” Jensen said."
    )
    first = quote_with(text, "The waves broke")
    assert first.speaker == "Ole Jensen"
    assert any("nothing was left" in s.text_in(text) for s in first.content)
    assert first.kind == "direct"


def test_title_resolves_to_named_person():
    text = (
        "Defence Minister Ivo Marek toured the northern base on Friday.\n\n"
        "The minister said the army would receive new radios before the end of the year."
    )
    quote = quote_with(text, "new radios")
    assert quote.speaker == "Ivo Marek"
    assert quote.speaker_span.text_in(text) == "The minister"


def test_title_from_apposition_resolves_to_named_person():
    text = (
        "Anna Berg, the city's mayor, opened the new bridge on Sunday. Crowds lined both banks.\n\n"
        "The mayor said traffic would return to normal within a week."
    )
    assert quote_with(text, "traffic would return").speaker == "Anna Berg"


def test_the_dateline_is_not_part_of_the_source():
    text = ("Harbour Gazette\n\nPORT ELDMOOR - The mayor of Port Eldmoor, Helga Brandt, announced on Monday that "
            "the city will buy a new ferry for the island route before next summer.\n\n"
            "\"The old boat has earned its rest,\" Brandt told reporters at the quay.")
    quote = quote_with(text, "the city will buy")
    assert quote.speaker == "Helga Brandt"
    assert quote.speaker_span is None or not quote.speaker_span.text_in(text).startswith("PORT")
    before_source = ("Harbour Gazette\n\nVALEWICK – The old bridge will close to traffic on Friday after inspectors "
                     "found rusted cables, Mayor Halda Brennick said on Monday.")
    content = quote_with(before_source, "rusted cables").content[0].text_in(before_source)
    assert content.startswith("The old bridge")
    assert _after_dateline("WASHINGTON (Wire) — Officials said", (0, 24)) == (20, 24)
    assert _after_dateline("KYIV, Ukraine - the army said", (0, 24)) == (16, 24)
    assert _after_dateline("NATO officials said", (0, 14)) == (0, 14)


def test_an_occupational_title_resolves_to_the_person_introduced_with_it():
    text = ("Harbour master Ennis Varga, whose office runs the river traffic, joined the mayor at the meeting.\n\n"
            "\"The divers checked every pier of the old bridge this week,\" the harbour master said.")
    assert quote_with(text, "The divers checked").speaker == "Ennis Varga"


def test_a_title_named_whole_later_beats_the_previous_speaker():
    text = ("Mayor Anna Holt said the road to the plant would stay closed until Tuesday.\n\n"
            "\"Nobody was hurt in the blaze,\" the plant manager said on Sunday.\n\n"
            "Plant manager Gerrit Oduya said work on the night shift would resume within a week.")
    assert quote_with(text, "Nobody was hurt").speaker == "Gerrit Oduya"


def test_generic_leader_resolves_to_the_head_of_government_not_the_nearest_name():
    text = (
        "Prime Minister Lena Sorvik opened the summit in Tallport on Monday. Trade Minister Piet Kalm chaired "
        "the first session.\n\n"
        "The government leader said the new tariffs would be dropped by spring."
    )
    assert quote_with(text, "tariffs would be dropped").speaker == "Lena Sorvik"


def test_title_qualified_by_a_country_picks_that_country_s_holder():
    text = (
        "Northland President Aron Vale met Southland President Mira Holt at the border on Tuesday.\n\n"
        "The Northland president said the crossing would reopen next week."
    )
    assert quote_with(text, "crossing would reopen").speaker == "Aron Vale"


def test_spokesperson_for_a_named_person_is_the_speaker():
    text = "“The permit was never signed,” said Nora Quist, a spokeswoman for Mayor Ansel Brandt."
    assert quote_with(text, "The permit was never signed").speaker == "Nora Quist"


def test_an_abbreviated_title_does_not_end_the_sentence_for_a_pronoun():
    text = (
        "“The bridge stays shut,” said Ruth Elm.\n\n"
        "Ansel Brandt wrote to Sens. Liv Moen and Per Aas on Friday. He said the grant would arrive before the "
        "harvest."
    )
    assert quote_with(text, "the grant would arrive").speaker == "Ansel Brandt"


def test_surname_goes_to_the_nearest_earlier_full_name():
    text = (
        "Thomas Berg ran the shipyard for thirty years. His son Jonas Berg took over in 2019.\n\n"
        "Berg said the new dock would open in March."
    )
    assert quote_with(text, "the new dock").speaker == "Jonas Berg"


def test_surname_with_an_honorific_skips_a_full_name_of_the_other_sex():
    text = (
        "Sara Lund took over the bakery from her father, Mr. Henrik Lund, in May.\n\n"
        "Ms. Lund said the ovens would be replaced next year."
    )
    assert quote_with(text, "the ovens would be replaced").speaker == "Sara Lund"


def test_a_given_name_tells_which_namesake_an_honorific_means():
    text = (
        "Karen Holm and her husband Peter Holm opened the ferry cafe in 2015.\n\n"
        "Mrs. Holm said the cafe would stay open through the winter."
    )
    assert quote_with(text, "stay open through the winter").speaker == "Karen Holm"


def test_a_pronoun_skips_a_person_whose_given_name_says_the_other_pronoun():
    text = (
        "Peter Holm praised the harbour plan. Karen Holm, his neighbour, was less sure of it.\n\n"
        "Peter Holm left early. She said the ferry timetable had not been settled."
    )
    assert quote_with(text, "the ferry timetable had not").speaker == "Karen Holm"


def test_a_surname_finds_a_full_name_that_ends_in_a_generational_suffix():
    text = (
        "The mill was sold by Harold P. Ostby III, whose grandfather built it, to a cooperative.\n\n"
        "Mr. Ostby said the looms would stay in the valley."
    )
    assert quote_with(text, "the looms would stay").speaker == "Harold P. Ostby III"


def test_a_bare_surname_held_by_an_office_holder_is_not_given_to_his_junior():
    text = (
        "President Halvorsen opened the port on Monday. His son, Erik Halvorsen Jr., runs the ferry line.\n\n"
        "Mr. Halvorsen said the port would double its traffic by 2030."
    )
    assert quote_with(text, "double its traffic").speaker == "Halvorsen"


def test_a_source_speaking_for_a_named_person_stays_as_written():
    text = (
        "“The permit was never signed,” a lawyer for Mayor Ansel Brandt said.\n\n"
        "Secretary of State Vera Lund said the minutes of the meeting were wrong."
    )
    assert quote_with(text, "never signed").speaker == "a lawyer for Mayor Ansel Brandt"
    assert quote_with(text, "the minutes of the meeting").speaker == "Vera Lund"


def test_people_listed_as_one_source_speak_together():
    text = (
        "Senators Ann Ruiz and Tom Varga said the bridge tolls were unfair.\n\n"
        "Lawyers for both Ida Lund and Per Lund said the appeal would be filed in May.\n\n"
        "Senators Vera Moss of North Dakota and Ola Brekke of Maine said the ferry should run at night. "
        "Reps. Tove Dahl (D-Vt.), Arne Berg (R-Ida.) and Siri Holm (D-Ore.) said the harbour fees were too high."
    )
    assert quote_with(text, "the bridge tolls were unfair").speaker == "Ann Ruiz and Tom Varga"
    assert quote_with(text, "run at night").speaker == "Vera Moss and Ola Brekke"
    assert quote_with(text, "harbour fees").speaker == "Tove Dahl, Arne Berg and Siri Holm"
    assert quote_with(text, "the appeal would be filed").speaker == "Lawyers for both Ida Lund and Per Lund"


def test_a_name_qualifying_a_group_does_not_make_the_person_the_speaker():
    text = (
        "Mayor Ines Halvorsen wants a second bridge.\n\n"
        "Two Halvorsen campaign aides said the bridge would be funded by a toll. Halvorsen spokeswoman Dora "
        "Quist said the mayor had not decided on a toll."
    )
    assert quote_with(text, "funded by a toll").speaker == "Two Halvorsen campaign aides"
    assert quote_with(text, "had not decided").speaker == "Dora Quist"


def test_relative_clause_subject_is_the_speaker():
    text = (
        "Opposition deputy Marco Villa, who has led the inquiry since spring, said the report would be "
        "published next month."
    )
    assert quote_with(text, "report would be").speaker == "Marco Villa"


def test_unresolvable_source_stays_as_written():
    text = "A senior police official said the suspect had left the country two days earlier."
    assert quote_with(text, "the suspect had left").speaker == "A senior police official"
    text = "Mayor Ruth Adler spoke first. Adler's office said the road would reopen on Monday morning."
    assert quote_with(text, "the road would reopen").speaker == "Adler's office"


def test_an_organisation_source_is_named_without_its_article():
    text = "The Harbour Authority said on Monday that the north pier would close for a month."
    assert quote_with(text, "the north pier would close").speaker == "Harbour Authority"
    text = "Harbour Authority staff said the north pier would close for a month."
    assert quote_with(text, "the north pier would close").speaker == "Harbour Authority staff"


def test_a_capitalized_organisation_is_not_taken_for_a_person():
    text = "“The ferry will run all winter,” said a spokesman for Northport City Council."
    assert quote_with(text, "The ferry will run").speaker == "a spokesman for Northport City Council"


def test_a_name_drops_every_word_up_to_its_last_title():
    text = "Harbour Police Capt. Nils Brekke said the coast road was clear again."
    assert quote_with(text, "the coast road was clear").speaker == "Nils Brekke"


def test_quote_ids_are_stable_and_spans_index_the_text():
    text = "“Prices will fall next spring,” said Helen Park, the bank's chief economist."
    first, second = find_quotes(text, article_id="a1"), find_quotes(text, article_id="a1")
    assert [q.id for q in first] == [q.id for q in second]
    quote = first[0]
    assert quote.id == stable_id("a1", str(quote.content[0].start), str(quote.content[-1].end))
    assert quote.content[0].text_in(text).startswith("“Prices") or quote.content[0].text_in(text).startswith("Prices")


def test_sloppy_quote_marks():
    text = "“We stayed until the end. “Then we ran,” she said.\nShe added: \"It was dark"
    regions = [text[s:e] for s, e in quoted_regions(text)]
    assert regions == ["We stayed until the end. “Then we ran,", "It was dark"]


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="bench/train_quotes.py"):
        AttributionTagger(tmp_path)


def test_component_uses_entity_mentions(settings):
    from newsprism.analyze.nlp import load_spacy

    text = "Senator Joan Whitaker spoke to reporters.\n\n“This bill will not pass,” Whitaker said on Thursday."
    analysis = Analysis(article=Article(id="art", text=text))
    start = text.index("Whitaker said")
    first = text.index("Joan Whitaker")
    analysis.mentions = [
        Mention(Span("art", first, first + len("Joan Whitaker")), "Joan Whitaker", "PERSON", "Joan Whitaker"),
        Mention(Span("art", start, start + len("Whitaker")), "Whitaker", "PERSON", "Joan Whitaker"),
    ]
    quotes_component(load_spacy(settings.analyze.spacy_model)(text), analysis, settings)
    quote = next(q for q in analysis.quotes if "will not pass" in q.content[0].text_in(text))
    assert quote.speaker == "Joan Whitaker" and quote.kind == "direct"
    assert quote.article_id == "art" and quote.content[0].article_id == "art"


def test_component_falls_back_to_doc_entities(settings):
    from newsprism.analyze.nlp import load_spacy

    text = "Prime Minister Elena Novak arrived in Oslo.\n\n“We came to listen,” Novak said."
    analysis = Analysis(article=Article(id="b", text=text))
    quotes_component(load_spacy(settings.analyze.spacy_model)(text), analysis, settings)
    assert [q.speaker for q in analysis.quotes] == ["Elena Novak"]


def test_cli_json_offsets_index_the_file(tmp_path):
    path = tmp_path / "a.txt"
    text = "Héllo.\n\n“The bridge stays closed until May,” said Ana Lopez, the city engineer."
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["quotes", "--json", str(path)], catch_exceptions=False)
    assert result.exit_code == 0
    data = json.loads(result.output)
    [record] = data["files"][0]["quotes"]
    assert record["speaker"] == "Ana Lopez" and record["kind"] == "direct"
    start, end = record["content_spans"][0]
    assert "bridge stays closed" in text[start:end]
    assert text[slice(*record["cue_span"])] == "said"
    assert text[slice(*record["source_span"])].startswith("Ana Lopez")


def test_cli_processes_and_encoder_flag_keep_the_output_exact(tmp_path):
    names = ["Ana Lopez", "Bruno Keller", "Chiara Neri", "Dmitri Volkov", "Efua Mensah"]
    paths = []
    for i in range(110):  # enough files for two worker processes
        name = names[i % len(names)]
        text = (f"Harbour notice {i}.\n\n“Berth {i} reopens after the storm,” said {name}, who runs the docks.\n\n"
                f"{name.split()[1]} said the cranes would be checked again in {i % 12 + 1} weeks.")
        path = tmp_path / f"{i:03}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    paths.insert(50, str(tmp_path / "missing.txt"))
    runs = {}
    for flags in (["--jobs", "1"], ["--jobs", "2"], ["--jobs", "2", "--encoder"]):
        result = CliRunner().invoke(cli, ["quotes", "--json", *flags, *paths], catch_exceptions=False)
        assert result.exit_code == 0 and "missing.txt" in result.stderr
        runs[" ".join(flags)] = json.loads(result.stdout)
    assert runs["--jobs 1"] == runs["--jobs 2"]
    files = runs["--jobs 2 --encoder"]["files"]
    assert [f["path"] for f in files] == [p for p in paths if "missing" not in p]
    assert all({q["speaker"] for q in f["quotes"]} == {names[i % len(names)]} for i, f in enumerate(files))


def _workers(pid: int) -> set[int]:
    """Process ids of `pid`'s multiprocessing workers (not its resource tracker)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
            found |= {int(c) for c in children if b"multiprocessing.spawn" in Path(f"/proc/{c}/cmdline").read_bytes()}
        except OSError:  # a thread or child that has just ended
            continue
    return found


@pytest.mark.timeout(180)
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to find the worker processes")
def test_cli_ctrl_c_with_live_workers_aborts_cleanly_and_leaves_no_process(tmp_path):
    paths = []
    for i in range(1500):  # ~500 words each: two workers need ~12 s for them all here
        path = tmp_path / f"{i:04}.txt"
        path.write_text(f"“Lane {i} stays closed,” said Ana Lopez, who runs the works depot.\n\n" * 40, "utf-8")
        paths.append(str(path))
    # A terminal's Ctrl-C goes to the whole process group: the workers get it too and must leave it to the parent.
    process = subprocess.Popen(cli_command("quotes", "--json", "--jobs", "2", *paths), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(_workers(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(2.0)  # past the workers' start-up, into reading files
        workers = _workers(process.pid)
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert len(workers) == 2
    assert process.returncode == 130, err
    assert err.strip().splitlines()[-1] == "aborted" and "Traceback" not in err
    assert out == ""  # nothing half-printed
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def test_cli_reports_unreadable_file(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("“We won,” said Kim Lee.", encoding="utf-8")
    result = CliRunner().invoke(cli, ["quotes", str(tmp_path / "missing.txt"), str(good)])
    assert result.exit_code == 0
    assert "missing.txt" in result.output and "Kim Lee" in result.output


@pytest.mark.parametrize("name", ["000_1436fe9128c89578.txt", "003_0c4b659c7148ffee.txt"])
def test_seed_quotes_are_attributed_to_the_full_name(name):
    text = require(SEEDS / name).read_text("utf-8")
    quoted = [q for q in find_quotes(text) if any(
        len(text[s:e].split()) >= 3 and any(c.start <= s < c.end for c in q.content) for s, e in quoted_regions(text)
    )]
    assert len(quoted) >= 6
    assert {q.speaker for q in quoted} == {"Vladimir Putin"}


def test_a_sentence_opening_with_a_description_is_not_given_to_a_name_after_it():
    text = ("Harbour row\n\n\"The pier will close before winter,\" Mayor Ines Varga said on Monday. The former sailor "
            "also took a swipe at Governor Tom Reed and his deputies, writing \"they have never once visited the "
            "harbour.\"\n")
    assert quote_with(text, "never once visited").speaker == "The former sailor"


def test_a_titled_name_the_ner_misses_is_the_speaker_and_the_next_pronoun_s(settings):
    from newsprism.analyze import analyze_articles

    text = ("Carrow cut off as the bridge closes\n\n"
            "\"The bridge will close at 6 a.m. on Friday,\" chief engineer Oskar Lund told reporters.\n\n"
            "Harbour master Ennis Varga said extra ferries would cross the Esk.\n\n"
            "\"Ferries will run every 20 minutes while the bridge is shut,\" he said.\n")
    [analysis] = analyze_articles([Article(id="rt", text=text, outlet="Rivermouth Times")], settings)
    speakers = {q.content[0].text_in(text)[:12]: q.speaker for q in analysis.quotes}
    assert speakers["extra ferrie"] == speakers["\"Ferries wil"] == "Ennis Varga"
    assert _titled_name("Harbour master Ennis Varga") == "Ennis Varga"
    assert _titled_name("officials at the Carrow Town Council") is None
