"""`newsprism compare` on the bundled harbour-ferry corpus finds what was planted in it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES
from newsprism.cli import cli

CORPUS = EXAMPLES / "harbour-ferry"
FILES = sorted(str(p) for p in CORPUS.glob("*.txt"))
FURNITURE = ("Share this story", "min read", "Advertisement", "Subscribe to our newsletter", "Home | Local")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    html = tmp_path_factory.mktemp("report") / "harbour.html"
    args = ["compare", *FILES, "--json", "--html", str(html), "--fail-on", "conflict"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout), html.read_text("utf-8")


@pytest.fixture(scope="module")
def data(run):
    return run[1]


def outlet_of(data, article_id: str) -> str:
    """The file name stem of an article (its outlet in the corpus)."""
    article = next(a for a in data["articles"] if a["id"] == article_id)
    return Path(article.get("source_ref") or "").stem or article["outlet"]


def by_file(data, finding) -> dict[str, str]:
    return {outlet_of(data, e["article_id"])[:2]: e["text"] for e in finding["evidence"]}


def test_corpus_has_five_outlets_and_a_jsonl_twin():
    assert len(FILES) == 5
    records = [json.loads(line) for line in (EXAMPLES / "harbour-ferry.jsonl").read_text().splitlines()]
    assert len(records) == 5 and all({"url", "outlet", "title", "published"} <= set(r) for r in records)


def test_fail_on_conflict_exits_one(run):
    assert run[0] == 1


def test_html_report_shows_the_texts_side_by_side(run):
    page = run[2]
    assert page.count('class="art"') == 5
    assert "<mark>in draft</mark>" in page
    assert "<script" not in page.lower() and "http" not in page.replace("http-equiv", "")


def test_page_furniture_is_stripped(data):
    for article in data["articles"]:
        for line in article["text"].splitlines():
            assert not any(f.lower() in line.lower() for f in FURNITURE), line


def test_passenger_count_conflict(data):
    conflicts = [f for f in data["findings"] if f["kind"] == "conflict" and "221" in f["detail"]["values"]]
    assert len(conflicts) == 1
    assert sorted(conflicts[0]["detail"]["values"]) == ["212", "221"]
    sides = {outlet_of(data, a)[:2]: v for a, v in conflicts[0]["detail"]["by_article"].items()}
    assert "221" in sides["04"] and "212" in sides["01"]


def test_spun_quote_loses_in_draft(data):
    pairs = [f for f in data["findings"] if f["kind"] in ("altered", "variant")
             and {"01", "02"} <= set(by_file(data, f)) and "safety plan" in by_file(data, f)["01"]]
    assert len(pairs) == 1
    assert any("in draft" in " ".join(pair) for pair in pairs[0]["detail"]["changed"])
    assert pairs[0]["kind"] == "altered"


def test_translated_quote_is_a_variant(data):
    pairs = [f for f in data["findings"] if {"01", "03"} <= set(by_file(data, f))
             and "accounted for" in by_file(data, f)["01"]]
    assert len(pairs) == 1 and pairs[0]["kind"] == "variant"
    assert pairs[0]["detail"]["speaker"] and "Kovalchuk" in pairs[0]["detail"]["speaker"]


def test_identical_quotes_are_verbatim(data):
    inquiry = [f for f in data["findings"] if f["kind"] == "verbatim" and "inquiry" in " ".join(by_file(data, f).values())]
    assert len(inquiry) == 6   # four outlets carry it: every pair of them


def test_quote_left_out_by_one_outlet_is_omitted(data):
    omitted = [f for f in data["findings"] if f["kind"] == "omitted"]
    assert any(outlet_of(data, f["detail"]["article_id"]).startswith("05") and "inquiry" in f["detail"]["text"]
               for f in omitted)


def test_facts_only_one_outlet_has(data):
    facts = [f for f in data["findings"] if f["kind"] == "unique" and f["detail"]["what"] == "fact"]
    where = {(outlet_of(data, f["detail"]["article_id"])[:2], f["evidence"][0]["text"]) for f in facts}
    assert any(o == "05" and "14" in t for o, t in where)
    assert any(o == "03" and "50" in t for o, t in where)
    assert not any("212" in t or "221" in t for _, t in where)


def test_minister_name_variants_are_one_entity(data):
    people = [e for e in data["entities"] if any("Kovalchuk" in a for a in e["aliases"])]
    if not people:
        pytest.skip("entity resolution not installed yet")
    assert len(people) == 1
    assert {"Irina Kovalchuk", "Iryna Kovalchuk"} <= set(people[0]["aliases"])


def test_one_readable_file_is_an_input_error(tmp_path, capsys):
    from newsprism.cli import main

    missing = str(tmp_path / "nope.txt")
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", FILES[0], missing])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and missing in err[0] and "1 of 2" in err[1]


def test_unreadable_inputs_are_named_and_the_rest_compared(tmp_path, capsys):
    from newsprism.cli import main

    missing, empty = str(tmp_path / "nope.txt"), tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", FILES[0], missing, str(empty), FILES[1], "--json"])
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"newsprism: skipped {missing}: ") and lines[1].startswith(f"newsprism: skipped {empty}: ")
    data = json.loads(out)
    assert [a["source_ref"] for a in data["articles"]] == FILES[:2]
    assert [s["source_ref"] for s in data["skipped"]] == [missing, str(empty)]


def test_the_same_article_given_twice_is_compared_once(tmp_path, capsys):
    from newsprism.cli import main

    copy = tmp_path / "copy.txt"
    copy.write_bytes(Path(FILES[0]).read_bytes())
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", FILES[0], str(copy), FILES[1], "--json"])
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert err.strip() == f"newsprism: skipped {copy}: the same article as {FILES[0]}, compared once"
    data = json.loads(out)
    assert [a["source_ref"] for a in data["articles"]] == FILES[:2]
    with pytest.raises(SystemExit):
        main(["compare", FILES[0], FILES[0]])
    assert "1 of 2 could be read" in capsys.readouterr().err


def test_the_html_report_names_what_was_not_compared(tmp_path, capsys):
    from newsprism.cli import main

    odd = tmp_path / "odd<i>.txt"
    odd.write_bytes(b"")
    html = tmp_path / "report.html"
    with pytest.raises(SystemExit):
        main(["compare", FILES[0], str(odd), FILES[1], "--html", str(html)])
    terminal = "".join(capsys.readouterr().out.split())   # the terminal report says it too (lines wrapped)
    assert f"Notcompared:{odd}(empty" in terminal
    page = html.read_text("utf-8")
    assert "Not compared: " in page and "odd&lt;i&gt;.txt" in page and "odd<i>" not in page
