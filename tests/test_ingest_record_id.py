"""The input record's own id travels on the Article into the store, so `stories --json` prints it as `ref` even
when the input was compressed or is gone."""

from __future__ import annotations

import gzip
import json

from click.testing import CliRunner
from tests.test_stories import QUAKE_NORTH

from newsprism.cli import cli
from newsprism.commands.ingest import run_ingest
from newsprism.models import article_from_dict, to_dict
from newsprism.pipeline import process_articles
from newsprism.store.sqlite import SqliteStore


def test_record_id_is_stored_and_listed_as_ref_after_the_input_is_gone(tmp_path, settings):
    db = str(tmp_path / "r.db")
    source = tmp_path / "wire.jsonl.gz"
    records = [{"id": f"wire-{n}", "title": a.title, "text": a.text, "outlet": a.outlet,
                "published": a.published.isoformat()} for n, a in enumerate(QUAKE_NORTH, start=1)]
    source.write_bytes(gzip.compress(("\n".join(json.dumps(r) for r in records) + "\n").encode()))
    store = SqliteStore(db)
    try:
        counts = run_ingest([str(source)], store, settings, report_failure=lambda skipped: None)
        assert counts.stored == 2
        [batch] = list(store.iter_articles())
        assert sorted(a.record_id for a in batch) == ["wire-1", "wire-2"]
        assert {article_from_dict(to_dict(a)).record_id for a in batch} == {"wire-1", "wire-2"}
        process_articles(store, settings, [a.id for a in batch], with_findings=False, with_analysis=False)
    finally:
        store.close()
    source.unlink()   # the ref must not depend on reading the input again
    listed = json.loads(CliRunner().invoke(cli, ["stories", "--json", "--db", db], catch_exceptions=False).output)
    assert [sorted(a["ref"] for a in s["articles"]) for s in listed] == [["wire-1", "wire-2"]]


def test_records_without_an_id_fall_back_to_their_source(tmp_path, settings):
    db = str(tmp_path / "n.db")
    source = tmp_path / "plain.jsonl"
    source.write_text(json.dumps({"text": QUAKE_NORTH[0].text, "url": "https://quake.example/a"}) + "\n", "utf-8")
    store = SqliteStore(db)
    try:
        run_ingest([str(source)], store, settings, report_failure=lambda skipped: None)
        [[article]] = list(store.iter_articles())
    finally:
        store.close()
    assert article.record_id is None and article.url == "https://quake.example/a"
