import sqlite3
from datetime import UTC, datetime

import pytest

from newsprism.errors import ConfigError, StoreError
from newsprism.models import Analysis, Article, Finding, Quote, Reuse, Span, Story, article_id_for
from newsprism.settings import load_settings
from newsprism.store.sqlite import MIGRATIONS, SqliteStore, _statements


def _article(text="The harbour bridge reopened on Monday after repairs.", url="https://a.example/x"):
    return Article(id=article_id_for(url, text), text=text, outlet="a.example", url=url, title="Bridge",
                   published=datetime(2026, 3, 2, tzinfo=UTC))


def test_put_article_is_idempotent_and_versions_changes(store):
    a = _article()
    assert store.put_article(a) == "new"
    assert store.put_article(_article()) == "unchanged"
    changed = _article(text="The harbour bridge reopened on Tuesday after repairs.")
    assert changed.id == a.id
    assert store.put_article(changed) == "version"
    assert store.count_articles() == 1
    versions = store.article_versions(a.id)
    assert [v.version for v in versions] == [1, 2]
    assert "Monday" in versions[0].text and "Tuesday" in versions[1].text
    assert store.put_article(_article()) == "unchanged"  # an old version seen again is not a new one


def test_round_trip_analysis_story_reuse_findings(tmp_path):
    path = str(tmp_path / "s.db")
    store = SqliteStore(path)
    a = _article()
    store.put_article(a)
    quote = Quote(id="q1", article_id=a.id, kind="direct", content=[Span(a.id, 4, 17)], speaker="Ann Lee")
    store.put_analysis(Analysis(article=a, sentences=[Span(a.id, 0, len(a.text))], quotes=[quote]))
    store.put_story(Story(id="s1", article_ids=[a.id], first_seen=a.published, last_seen=a.published))
    store.put_reuse([Reuse(a.id, "other", "verbatim", 0.9, [(Span(a.id, 0, 3), Span("other", 0, 3))])])
    store.put_findings("s1", [Finding("unique", [Span(a.id, 0, 3)], {"outlet": "a.example"})])
    store.close()

    again = SqliteStore(path)
    analysis = again.get_analysis(a.id)
    assert analysis is not None and analysis.quotes[0].speaker == "Ann Lee"
    assert again.get_story("s1").article_ids == [a.id]
    assert next(again.iter_reuse()).aligned[0][1].article_id == "other"
    assert again.get_findings("s1")[0].detail == {"outlet": "a.example"}
    assert again.execute("SELECT speaker FROM quotes")[0]["speaker"] == "Ann Lee"
    assert again.execute("PRAGMA journal_mode")[0][0] == "wal"


def test_new_version_drops_stale_analysis(store):
    a = _article()
    store.put_article(a)
    store.put_analysis(Analysis(article=a))
    store.put_article(_article(text="Entirely different words now fill this article body."))
    assert store.get_analysis(a.id) is None


def test_one_wire_copy_from_two_outlets_without_urls_is_two_articles(store):
    wire = "Storm winds closed the harbour road on Tuesday, and the coastguard moved boats to the inner basin."

    def copy(outlet: str, title: str) -> Article:
        return Article(id=article_id_for(None, wire), text=wire, outlet=outlet, title=title)

    first, second = copy("Quay Post", "Storm shuts road"), copy("Bay Daily", "Harbour road closed by storm")
    assert store.put_article(first) == "new"
    assert store.put_article(second) == "new" and second.id != first.id
    assert store.put_article(copy("Bay Daily", "Harbour road closed by storm")) == "unchanged"
    assert store.put_article(copy("Quay Post", "Storm shuts road")) == "unchanged"
    assert store.put_article(copy("Quay Post", "Storm shuts the road")) == "version"  # its own headline edited
    assert {a.outlet: a.title for batch in store.iter_articles() for a in batch} == {
        "Quay Post": "Storm shuts the road", "Bay Daily": "Harbour road closed by storm"}


def test_transaction_rolls_back_on_error(store):
    with pytest.raises(RuntimeError), store.transaction():
        store.put_article(_article())
        raise RuntimeError("boom")
    assert store.count_articles() == 0


def test_settings_validation_and_overrides(tmp_path):
    assert load_settings(compare__align_threshold=0.7).compare.align_threshold == 0.7
    with pytest.raises(ConfigError):
        load_settings(compare__align_threshold=1.5)
    bad = tmp_path / "bad.toml"
    bad.write_text("[compare]\nnot_a_knob = 1\n")
    with pytest.raises(ConfigError, match="not_a_knob"):
        load_settings(bad)


@pytest.mark.parametrize(("toml", "message"), [
    ('[ingest]\nmin_words = "forty"\n', "ingest.min_words must be a whole number"),
    ('[analyze]\nquote_encoder = "false"\n', "analyze.quote_encoder must be true or false"),
    ("ingest = 5\n", "ingest must be a table"),
    ("db = 5\n", "db must be a string"),
    ("jobs = true\n", "jobs must be a whole number"),
])
def test_a_setting_of_the_wrong_type_is_named_with_its_file(tmp_path, toml, message):
    config = tmp_path / "mine.toml"
    config.write_text(toml)
    with pytest.raises(ConfigError, match=rf"mine\.toml: {message}"):
        load_settings(config)
    config.write_text("[compare]\nalign_threshold = 1\n[cluster]\nyear_penalty = 0\n")
    with pytest.raises(ConfigError, match="align_threshold must be in"):
        load_settings(config)  # an int is taken for a float setting, then range-checked
    config.write_text("[cluster]\nyear_penalty = 0\n")
    assert load_settings(config).cluster.year_penalty == 0.0


def test_key_value_state(store):
    store.put_value("http", "https://a.example/feed", '{"etag": "x1"}')
    store.put_values("sig", [("a1", b"\x00\x01"), ("a2", b"\x02")])
    assert store.get_value("http", "https://a.example/feed") == '{"etag": "x1"}'
    assert dict(store.iter_values("sig")) == {"a1": b"\x00\x01", "a2": b"\x02"}
    assert store.get_value("http", "missing") is None


def _search(store, query):
    rows = store.execute("SELECT a.id FROM articles_search s JOIN articles a ON a.rowid = s.rowid "
                         "WHERE articles_search MATCH ?", (query,))
    return [r["id"] for r in rows]


def test_search_index_follows_new_versions(store):
    first = _article()
    store.put_article(first)
    assert _search(store, "monday") == [first.id]
    store.put_article(_article(text="The harbour bridge reopened on Tuesday after repairs."))
    assert _search(store, "tuesday") == [first.id]
    assert store.execute("SELECT rowid FROM articles_search WHERE articles_search MATCH 'monday'") == []


def _version_3_store(path):
    """A store as newsprism left it before the search index (schema version 3)."""
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:3]:
        for statement in _statements(script):
            db.execute(statement)
    db.execute("PRAGMA user_version = 3")
    return db


def test_opening_an_older_store_indexes_its_articles(tmp_path):
    path = tmp_path / "old.db"
    db = _version_3_store(path)
    db.execute("INSERT INTO articles (id, version, content_hash, title, text, ingested_at) "
               "VALUES ('old', 1, 'h', 'Ferry timetable', 'The night ferry stops running in March.', 'now')")
    db.commit()
    db.close()
    store = SqliteStore(str(path))
    assert _search(store, "ferry") == ["old"] and _search(store, "march") == ["old"]
    assert store.count_articles() == 1
    store.close()


def test_a_failed_upgrade_is_a_clear_error_and_leaves_the_store_as_it_was(tmp_path):
    path = tmp_path / "old.db"
    db = _version_3_store(path)
    db.execute("CREATE TABLE articles_search (x)")  # stands in the index's way
    db.commit()
    db.close()
    with pytest.raises(StoreError, match=r"old\.db: cannot upgrade the store to schema version 4: .*articles_search"):
        SqliteStore(str(path))
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 3
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'articles_search_%'").fetchone()[0] == 0
    db.close()
