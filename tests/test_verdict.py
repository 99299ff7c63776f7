"""Verdicts on invented sentence pairs: verbatim, variant, altered, with the changed words and the reasons."""

from __future__ import annotations

import pytest

from newsprism.compare.verdict import (
    PairVerdict,
    classify_pair,
    classify_pairs,
    quoted_by_both,
    reporting_change,
    tokenize,
    word_diff,
)


def _verdicts(pairs, **kwargs) -> list[PairVerdict]:
    return classify_pairs(pairs, **kwargs)


def test_verbatim_ignores_case_punctuation_quote_style_and_spacing():
    v = classify_pair('He said: "the dam  will hold."', "\u201cHe said the Dam will hold\u201d")
    assert v.verdict == "verbatim" and v.same_meaning and v.changed == [] and v.score == 1.0


def test_negation_is_altered_with_the_inserted_word():
    v = classify_pair("The governor will visit the flooded farms.", "The governor will not visit the flooded farms.")
    assert v.verdict == "altered"  # same_meaning is the judge's whole-pair view; the verdict adds the word check
    assert v.changed == [("", "not")]
    assert any(r.startswith("negation") for r in v.reasons)


def test_contracted_negation_counts_too():
    v = classify_pair("The mill can reopen in spring.", "The mill can't reopen in spring.")
    assert v.verdict == "altered"


def test_no_in_an_assertion_or_concession_is_no_negation():
    asserted, negated = _verdicts([
        ("There is no doubt the harbour wall must be rebuilt this year.", "The harbour wall must be rebuilt this year."),
        ("There is no money to rebuild the harbour wall this year.", "There is money to rebuild the harbour wall this year."),
    ])
    assert not any(r.startswith("negation") for r in asserted.reasons)
    assert negated.verdict == "altered" and any(r.startswith("negation") for r in negated.reasons)


def test_number_change_is_altered_but_spelled_out_number_is_not():
    changed, same = _verdicts([
        ("Forty trucks crossed the border at dawn.", "Sixty trucks crossed the border at dawn."),
        ("Three trucks crossed the border at dawn.", "3 trucks crossed the border at dawn."),
    ])
    assert changed.verdict == "altered" and any(r.startswith("number") for r in changed.reasons)
    assert not any(r.startswith("number") for r in same.reasons)


def test_commitment_change_on_an_agreement_is_altered():
    v = classify_pair("The ministers drafted the fishing accord.", "The ministers ratified the fishing accord.")
    assert v.verdict == "altered"
    assert v.changed == [("drafted", "ratified")]
    assert any("commitment" in r for r in v.reasons)


def test_same_stage_wording_is_not_a_commitment_change():
    v = classify_pair("The ministers signed the fishing accord.", "The ministers sealed the fishing accord.")
    assert not any("commitment" in r for r in v.reasons)


def test_a_prefix_negation_against_not_is_no_change_and_alone_it_is_one():
    same = classify_pair('"The cause of the blaze is still unknown," the fire chief said.',
                         '"The cause of the blaze is not yet known," the fire chief said.')
    assert not any(r.startswith("negation") for r in same.reasons)
    flipped = classify_pair("The new timetable is possible this winter.", "The new timetable is impossible this winter.")
    assert flipped.verdict == "altered" and flipped.reasons == ["negation: (nothing) -> 'impossible'"]


def test_reporting_verbs_compare_by_their_first_reporting_word():
    assert reporting_change("said", "acknowledged") == "certainty of the reporting verb: 'said' -> 'acknowledged'"
    assert reporting_change("said in a written statement", "said") is None
    assert reporting_change("is shown saying", "says") is None
    assert reporting_change("told reporters", "added") is None
    assert reporting_change("added", "said Tuesday on the Morning Harbour show") is None


def test_an_infinitive_turned_into_will_adds_no_modality():
    v = classify_pair("We expect the herring stocks to recover by 2030.", "We hope the herring stocks will recover by 2030.")
    assert v.reasons == ["attitude: 'expect' -> 'hope'"]


def test_doubled_and_tripled_are_numbers():
    v = classify_pair("Fuel prices at the island pumps have doubled since spring.",
                      "Fuel prices at the island pumps have tripled since spring.")
    assert v.verdict == "altered" and v.reasons == ["number: 'doubled' -> 'tripled'"]


def test_a_reason_names_the_changed_words_not_the_chunks_the_diff_cut():
    moved = classify_pair("The harbour accord was drafted in March and formally signed at the port office.",
                          "The harbour accord was drafted and formally initialled at the port office in March.")
    assert moved.reasons == ["commitment of the act: 'signed' -> 'initialled'"]
    dropped = classify_pair("Crews will not strike on Monday.", "Crews will strike on Monday.")
    assert dropped.reasons == ["negation: 'not' -> (nothing)"]


def test_do_so_stands_for_the_verb_it_replaces():
    v = classify_pair("We have never refused to negotiate with the dock workers.",
                      "We have never refused to do so with the dock workers.")
    assert not any("commitment" in r for r in v.reasons)
    assert any("commitment" in r for r in classify_pair(
        "We have never refused to negotiate with the dock workers.",
        "We have never refused to sign with the dock workers.").reasons)


def test_plural_act_nouns_sit_on_the_act_scale():
    v = classify_pair("The mayor welcomed the agreements on the ferry fares.",
                      "The mayor welcomed the signatures on the ferry fares.")
    assert v.reasons == ["commitment of the act: 'agreements' -> 'signatures'"]


def test_reporting_verb_certainty_and_modality_and_quantifier():
    claim, modal, quant = _verdicts([
        ("The agency claimed the reservoir was clean.", "The agency confirmed the reservoir was clean."),
        ("The board may sell the stadium.", "The board must sell the stadium."),
        ("All the lighthouse keepers stayed.", "Few of the lighthouse keepers stayed."),
    ])
    assert claim.verdict == modal.verdict == quant.verdict == "altered"
    assert any("reporting verb" in r for r in claim.reasons)
    assert any(r.startswith("modality") for r in modal.reasons)
    assert any(r.startswith("quantifier") for r in quant.reasons)


def test_only_restricts_but_just_stresses():
    restricted, stressed = _verdicts([
        ("The ferry stops at the island pier.", "The ferry only stops at the island pier."),
        ("That plan is a pile of wishful sums.", "That plan is just a pile of wishful sums."),
    ])
    assert any(r.startswith("quantifier") for r in restricted.reasons)
    assert stressed.verdict == "variant"


def test_name_change_is_altered_unless_same_name_says_they_match():
    pairs = [("The envoy met Brandvold in Tromso.", "The envoy met Brandvold in Tromsoe.")]
    assert classify_pairs(pairs)[0].verdict == "altered"
    matched = classify_pairs(pairs, same_name=lambda x, y: {x, y} == {"Tromso", "Tromsoe"})[0]
    assert matched.verdict == "variant" and matched.changed == [("Tromso", "Tromsoe")]
    scored = classify_pairs(pairs, same_name=lambda x, y: 0.93)[0]  # a names_match-style score works too
    assert scored.verdict == "variant"


def test_synonym_is_variant():
    a, b = _verdicts([
        ("Guarding these hills is our solemn obligation.", "Guarding these hills is our sacred obligation."),
        ("These are merely passing complaints.", "These are merely fleeting complaints."),
    ])
    assert a.verdict == b.verdict == "variant" and a.same_meaning and b.same_meaning
    assert a.changed == [("solemn", "sacred")]


def test_translation_with_many_changed_words_stays_variant():
    a = ("We shall never forget our fishermen, and each harbour that was damaged will be rebuilt "
         "before the first frost arrives.")
    b = ("Our fishermen will never be forgotten by us, and every harbour that suffered damage is going to be "
         "rebuilt before the first frost comes.")
    v = classify_pair(a, b)
    assert len(v.changed) >= 4
    assert v.verdict == "variant", v.reasons


def test_low_judge_score_alone_makes_a_pair_altered():
    v = classify_pair("The orchestra rehearsed the new symphony all night.",
                      "Tax receipts from the copper mines fell sharply.")
    assert v.verdict == "altered" and v.score < 0.3 and not v.same_meaning
    assert any(r.startswith("judge") for r in v.reasons)


def test_word_diff_merges_adjacent_edits_and_marks_pure_insertions():
    a, b = tokenize("the old red barn burned down"), tokenize("the new blue barn burned down quickly")
    chunks = [(" ".join(t.text for t in x), " ".join(t.text for t in y)) for x, y in word_diff(a, b)]
    assert chunks == [("old red", "new blue"), ("", "quickly")]


@pytest.mark.parametrize("month", ["May", "March"])
def test_month_names_are_dates_not_modals(month):
    v = classify_pair(f"The vote was held in {month}.", "The vote was held in June.")
    assert any(r.startswith("date") for r in v.reasons)
    assert not any(r.startswith("modality") for r in v.reasons)


def test_short_fragment_synonym_is_variant_whatever_the_judge_says():
    v = classify_pair("a solemn task", "a grave task")
    assert v.verdict == "variant" and v.changed == [("solemn", "grave")]


def test_degree_counts_only_when_replaced():
    replaced = classify_pair("The bridge was partly repaired last autumn.", "The bridge was fully repaired last autumn.")
    inserted = classify_pair("They rejected the plan outright.", "They rejected the whole plan outright.")
    assert any(r.startswith("degree") for r in replaced.reasons)
    assert not any(r.startswith(("degree", "quantifier")) for r in inserted.reasons)


def test_degree_word_swapped_for_an_earlier_stage_is_altered():
    result = classify_pair(
        "The canal levy was fully agreed by the council in June, the treasurer told the meeting.",
        "The canal levy was agreed in outline by the council in June, the treasurer told the meeting.",
    )
    assert result.verdict == "altered"
    assert any(reason.startswith("extent") for reason in result.reasons)


def test_bracketed_insertion_by_the_reporter_does_not_alter_the_quote():
    plain = "Our engineers have secured the pumping station and restored the supply."
    clarified = "Our engineers have secured the pumping station [in Velmora] and restored the supply."
    result = classify_pair(plain, clarified)
    assert result.verdict == "variant"
    assert ("", "in Velmora") in result.changed
    in_speech = classify_pair(plain.replace("station", "station in Velmora"), plain.replace("station", "station in Dorsk"))
    in_brackets = classify_pair(plain.replace("station", "station [in Velmora]"), plain.replace("station", "station [in Dorsk]"))
    assert in_speech.verdict == "altered" and in_brackets.verdict == "variant"


@pytest.mark.parametrize("ellipsis", ["…", "...", ". . ."])
def test_words_one_outlet_skips_with_an_ellipsis_are_left_out_not_changed(ellipsis):
    fuller = "We will reopen the harbour this spring and we will never sell the harbour. The ferries will run every hour"
    skipping = f"We will reopen the harbour this spring {ellipsis} The ferries will run every hour"
    skipped = classify_pair(skipping, fuller)
    assert skipped.verdict == "variant" and skipped.reasons == []
    assert ("", "and we will never sell the harbour") in skipped.changed
    without_mark = classify_pair(skipping.replace(ellipsis, "."), fuller)
    assert without_mark.verdict == "altered" and without_mark.reasons[0].startswith("negation")
    # the judge reads whole texts: however low it scores a pair whose only changes were skipped, that is no change
    unjudged = classify_pairs([(skipping, fuller)], judge_scores=[0.05])[0]
    assert unjudged.verdict == "variant" and unjudged.reasons == []
    changed_elsewhere = classify_pair(skipping, fuller.replace("will run", "will not run"))
    assert changed_elsewhere.verdict == "altered"
    # what fills the gap was skipped, not moved: a sentence only one side quotes at the end is still left out,
    # although it shares a word ("harbour") with the filling
    longer = skipping + ". The harbour will stay open"
    assert quoted_by_both(longer, fuller)[0].endswith("every hour")


def test_whole_sentences_one_outlet_skips_are_left_out_not_changed():
    shorter = "We will reopen the harbour this spring. The ferries will run every hour"
    skipped = classify_pair(shorter, shorter.replace("spring.", "spring. We will never sell it."))
    assert skipped.verdict == "variant" and ("", "We will never sell it") in skipped.changed
    inside_a_sentence = classify_pair(shorter, shorter.replace("spring.", "spring and will never sell it."))
    assert inside_a_sentence.verdict == "altered"
    assert classify_pair("We will sign it. We will pay.", "We will sign it. We will not pay.").verdict == "altered"


def test_never_rephrased_as_not_keeps_the_meaning_and_reasons_read_old_to_new():
    moved = classify_pair("We will never forget the sailors of the lost trawler.",
                          "The sailors of the lost trawler will not be forgotten.")
    assert not any(r.startswith(("quantifier", "negation")) for r in moved.reasons)
    swapped = classify_pair("The canal levy was fully agreed by the council in June.",
                            "The canal levy was agreed in outline by the council in June.")
    assert swapped.reasons == ["extent: 'fully' -> 'outline'"]


def test_only_the_words_both_sides_quote_are_compared():
    longer = ("As I told the council last week, the old ferry pier is unsafe and must close. "
              "From Monday the ferry will dock at the north quay, and we will keep the fares as they are.")
    shorter = "From Monday the ferry will dock at the north quay"
    assert quoted_by_both(longer, shorter) == ("From Monday the ferry will dock at the north quay", shorter)
    assert classify_pair(*quoted_by_both(longer, shorter)).verdict == "verbatim"


def test_a_changed_word_at_the_end_is_not_trimmed_away():
    a = "The board approved the harbour plan in June and fully paid the builders"
    b = "The board approved the harbour plan and partly paid the builders in June"
    assert quoted_by_both(a, b) == (a, b)
    assert quoted_by_both("The pier closes", "The pier closes next year") == (
        "The pier closes", "The pier closes next year")  # too little shared to trim


def test_an_extra_sentence_repeating_words_of_the_shared_one_is_still_trimmed():
    longer = "We will keep the night ferry for the islands. We are not cutting the ferry to pay for the bridge."
    shorter = "We will keep the night ferry for the islands"
    assert quoted_by_both(longer, shorter) == ("We will keep the night ferry for the islands", shorter)


def test_house_styles_of_a_title_are_the_same_word():
    assert classify_pair("Sen. Ruiz backs the toll, he said.", "Senator Ruiz backs the toll, he said.").verdict == (
        "verbatim")


def test_words_at_an_ellipsis_that_stand_elsewhere_were_moved_not_left_out():
    # One outlet gives the two halves in the other order: the words at the ellipsis are its first half, so the
    # first half's "don't" on the other side is matched by a rewording, not a dropped negation.
    first = ("I don't back the toll if it's the same as a tax, and I don't back a tax on the ferry crossings. … "
             "If a toll is the same as a tax other than in name")
    second = ("I gave my view, which is I do not back a tax on the ferry crossings, and I do not back the toll if it "
              "is the same as a tax other than by name")
    assert classify_pair(first, second).verdict == "variant"
