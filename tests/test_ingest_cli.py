"""`newsprism ingest` storing versions and `newsprism diff` showing the changed words."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from newsprism.commands.ingest import register, word_changes
from newsprism.commands.options import write_output
from newsprism.errors import InputError

URL = "https://harbour.example/news/ferry"
TEXT_V1 = (
    "The harbour ferry carried 320 passengers on its first day back in service, the operator said on Tuesday. "
    "Engineers spent three months replacing the propeller shaft and repainting the hull in a dry dock further "
    "along the coast, and the town council paid most of the bill from its maintenance reserve."
)
TEXT_V2 = TEXT_V1.replace("320 passengers", "410 passengers").replace("on Tuesday", "on Wednesday")


@click.group()
def cli() -> None:
    """The ingest commands alone, as `newsprism` registers them (independent of other stages' commands)."""


register(cli)


def _ingest(tmp_path, text: str, db: str, name: str):
    path = tmp_path / name
    path.write_text(json.dumps({"url": URL, "text": text, "outlet": "Harbour Post"}) + "\n", "utf-8")
    return CliRunner().invoke(cli, ["ingest", str(path), "--db", db, "--no-process"])


def test_changed_text_under_one_url_is_a_new_version_and_diff_shows_it(tmp_path) -> None:
    db = str(tmp_path / "v.db")
    first = _ingest(tmp_path, TEXT_V1, db, "v1.jsonl")
    assert first.exit_code == 0 and "stored 1 (+0 versions)" in first.stderr
    second = _ingest(tmp_path, TEXT_V2, db, "v2.jsonl")
    assert "stored 0 (+1 versions)" in second.stderr
    same = _ingest(tmp_path, TEXT_V2, db, "v3.jsonl")
    assert "unchanged 1" in same.stderr

    as_json = CliRunner().invoke(cli, ["diff", URL, "--db", db, "--json"])
    assert as_json.exit_code == 0, as_json.output
    payload = json.loads(as_json.stdout)
    assert payload["versions"] == 2
    changes = payload["diffs"][0]["text_changes"]
    assert {(c["old"], c["new"]) for c in changes} == {("320", "410"), ("Tuesday.", "Wednesday.")}

    shown = CliRunner().invoke(cli, ["diff", URL, "--db", db])
    assert shown.exit_code == 0
    assert "v1 → v2" in shown.stdout and "410" in shown.stdout


def test_diff_of_unknown_article_is_a_usage_error(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["diff", "no-such-id", "--db", str(tmp_path / "e.db")])
    assert result.exit_code == 2


def test_word_changes_reports_inserts_and_deletes() -> None:
    changes = word_changes("one two three four", "one three four five")
    assert [(c["op"], c["old"], c["new"]) for c in changes] == [("delete", "two", ""), ("insert", "", "five")]


def _newsprism(*args: str):
    """The whole command as a user runs it (errors as one line on stderr)."""
    import subprocess
    import sys

    code = "import sys; from newsprism.cli import main; main(sys.argv[1:])"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)


def test_read_commands_name_a_missing_or_foreign_store_and_an_unwritable_report(tmp_path) -> None:
    missing = _newsprism("stories", "--db", str(tmp_path / "typo.db"))
    assert missing.returncode == 2 and "typo.db: no such store" in missing.stderr
    assert not (tmp_path / "typo.db").exists()
    foreign = tmp_path / "notes.txt"
    foreign.write_text("not a database, only some notes about the harbour ferry\n" * 40)
    before = foreign.read_bytes()
    for command in (["stories"], ["ingest", str(foreign), "--no-process"]):
        result = _newsprism(*command, "--db", str(foreign))
        assert result.returncode == 2 and "notes.txt: not a newsprism store" in result.stderr
        assert "Traceback" not in result.stderr
    assert foreign.read_bytes() == before
    with pytest.raises(InputError, match=r"r\.html: cannot write the report"):
        write_output(str(tmp_path / "no" / "dir" / "r.html"), "<p>report</p>")
