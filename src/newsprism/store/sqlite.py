"""The default store: one SQLite file in WAL mode, so readers (web UI) never block the writer (ingest)."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from newsprism.errors import StoreError
from newsprism.models import (
    Analysis,
    Article,
    Entity,
    Finding,
    Reuse,
    Story,
    analysis_from_dict,
    article_from_dict,
    finding_from_dict,
    outlet_text_id,
    parse_datetime,
    reuse_from_dict,
    story_from_dict,
    to_dict,
)
from newsprism.store import PutStatus

# Each entry upgrades the schema by one version; never edit a released entry, append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY, version INTEGER NOT NULL, content_hash TEXT NOT NULL,
        url TEXT, outlet TEXT, title TEXT, author TEXT, published TEXT, language TEXT,
        source_ref TEXT, text TEXT NOT NULL, ingested_at TEXT NOT NULL
    );
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_outlet ON articles(outlet);
    CREATE TABLE article_versions (
        id TEXT NOT NULL, version INTEGER NOT NULL, content_hash TEXT NOT NULL,
        data TEXT NOT NULL, ingested_at TEXT NOT NULL, PRIMARY KEY (id, version)
    );
    CREATE TABLE analyses (article_id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, data TEXT NOT NULL);
    CREATE TABLE quotes (
        id TEXT PRIMARY KEY, article_id TEXT NOT NULL, kind TEXT NOT NULL, speaker TEXT,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL
    );
    CREATE INDEX quotes_speaker ON quotes(speaker);
    CREATE INDEX quotes_article ON quotes(article_id);
    CREATE TABLE entities (canonical TEXT PRIMARY KEY, kind TEXT NOT NULL, aliases TEXT NOT NULL);
    CREATE TABLE stories (
        id TEXT PRIMARY KEY, label TEXT, first_seen TEXT, last_seen TEXT, article_ids TEXT NOT NULL
    );
    CREATE TABLE story_articles (article_id TEXT PRIMARY KEY, story_id TEXT NOT NULL);
    CREATE INDEX story_articles_story ON story_articles(story_id);
    CREATE TABLE reuse (
        source_id TEXT NOT NULL, derived_id TEXT NOT NULL, kind TEXT NOT NULL, score REAL NOT NULL,
        data TEXT NOT NULL, PRIMARY KEY (source_id, derived_id)
    );
    CREATE TABLE findings (
        id INTEGER PRIMARY KEY AUTOINCREMENT, story_id TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL
    );
    CREATE INDEX findings_story ON findings(story_id);
    CREATE TABLE sources (source_ref TEXT PRIMARY KEY, status TEXT NOT NULL, reason TEXT, seen_at TEXT NOT NULL);
    """,
    """
    CREATE TABLE kv (namespace TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (namespace, key));
    """,
    """
    ALTER TABLE articles ADD COLUMN record_id TEXT;
    """,
    # Word search over titles and texts; the index holds no copy of the text (external content, kept by triggers).
    """
    CREATE VIRTUAL TABLE articles_search USING fts5(
        title, text, content='articles', tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_search(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_search(articles_search, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    END;
    CREATE TRIGGER articles_search_update AFTER UPDATE ON articles BEGIN
        INSERT INTO articles_search(articles_search, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
        INSERT INTO articles_search(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    INSERT INTO articles_search(articles_search) VALUES ('rebuild');
    """,
)


def _statements(script: str) -> Iterator[str]:
    """The complete SQL statements of `script`, in order (a trigger body's semicolons do not end its statement)."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                yield pending
            pending = ""


def _now() -> str:
    return datetime.now(UTC).isoformat()


# A new version updates the row in place (an UPDATE keeps its rowid, which the search index refers to).
_UPDATE_ARTICLE = ", ".join(
    f"{column} = excluded.{column}"
    for column in ("version", "content_hash", "url", "outlet", "title", "author", "published", "language",
                   "source_ref", "text", "ingested_at", "record_id")
)


class SqliteStore:
    """`Store` on one SQLite file. Thread-safe for one writer; open one per process."""

    def __init__(self, path: str) -> None:
        self.path = str(path)
        try:
            self._db = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open store: {exc}") from exc
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._depth = 0
        try:
            self._db.execute("PRAGMA busy_timeout = 30000")
            if self.path != ":memory:":
                self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:  # another kind of file given as the store: left as it is
            self._db.close()
            raise StoreError(f"{self.path}: not a newsprism store ({exc})") from exc
        self._migrate()

    # ------------------------------------------------------------------------------------ plumbing

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path}: schema version {version} is newer than this newsprism knows")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            try:
                with self.transaction():
                    for statement in _statements(script):
                        self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version = {number}")
            except sqlite3.Error as exc:  # e.g. an SQLite built without FTS5; the store stays as it was
                raise StoreError(f"{self.path}: cannot upgrade the store to schema version {number}: {exc}") from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes into one transaction (nested calls join the outer one)."""
        with self._lock:
            if self._depth == 0:
                self._db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if self._depth == 0:
                self._db.execute("COMMIT")

    def execute(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        """Run a read query (for the web UI and reports); returns all rows."""
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ------------------------------------------------------------------------------------ articles

    def put_article(self, article: Article) -> PutStatus:
        """Store `article`; the same content again is a no-op, changed content under one id a new version. A
        URL-less article whose text another outlet's URL-less article has is stored under its own id
        (`outlet_text_id`, set on `article`), so one wire copy from two outlets stays two articles."""
        content_hash = article.content_hash
        with self.transaction():
            row = self._db.execute(
                "SELECT version, content_hash, outlet, url FROM articles WHERE id = ?", (article.id,)
            ).fetchone()
            if row is not None and article.url is None and row["url"] is None and row["outlet"] != article.outlet:
                # the same text without a URL from another outlet: its own article, not a version of this one
                article.id = outlet_text_id(article.outlet, article.text)
                row = self._db.execute(
                    "SELECT version, content_hash, outlet, url FROM articles WHERE id = ?", (article.id,)
                ).fetchone()
            if row is not None and row["content_hash"] == content_hash:
                return "unchanged"
            if row is not None:
                known = self._db.execute(
                    "SELECT version FROM article_versions WHERE id = ? AND content_hash = ?",
                    (article.id, content_hash),
                ).fetchone()
                if known is not None:
                    return "unchanged"
                article.version = row["version"] + 1
            else:
                article.version = 1
            self._db.execute(
                "INSERT INTO articles (id, version, content_hash, url, outlet, title, author, published, language,"
                " source_ref, text, ingested_at, record_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT (id) DO UPDATE SET " + _UPDATE_ARTICLE,
                (
                    article.id, article.version, content_hash, article.url, article.outlet, article.title,
                    article.author, article.published.isoformat() if article.published else None,
                    article.language, article.source_ref, article.text, _now(), article.record_id,
                ),
            )
            self._db.execute(
                "INSERT OR IGNORE INTO article_versions VALUES (?,?,?,?,?)",
                (article.id, article.version, content_hash, json.dumps(to_dict(article)), _now()),
            )
            if row is not None:
                self._db.execute("DELETE FROM analyses WHERE article_id = ?", (article.id,))
            return "new" if row is None else "version"

    def get_article(self, article_id: str) -> Article | None:
        rows = self.execute("SELECT * FROM articles WHERE id = ?", (article_id,))
        return _article_from_row(rows[0]) if rows else None

    def article_versions(self, article_id: str) -> list[Article]:
        rows = self.execute("SELECT data FROM article_versions WHERE id = ? ORDER BY version", (article_id,))
        return [article_from_dict(json.loads(r["data"])) for r in rows]

    def iter_articles(self, batch_size: int = 500) -> Iterator[list[Article]]:
        """All articles in publication order (unknown dates last), in batches."""
        last_key: tuple[str, str] = ("", "")
        while True:
            rows = self.execute(
                "SELECT * FROM articles WHERE (coalesce(published, '9999'), id) > (?, ?) "
                "ORDER BY coalesce(published, '9999'), id LIMIT ?",
                (*last_key, batch_size),
            )
            if not rows:
                return
            yield [_article_from_row(r) for r in rows]
            last_key = (rows[-1]["published"] or "9999", rows[-1]["id"])

    def count_articles(self) -> int:
        return self.execute("SELECT count(*) FROM articles")[0][0]

    # ------------------------------------------------------------------------------------ analyses

    def put_analysis(self, analysis: Analysis) -> None:
        article = analysis.article
        text = article.text
        with self.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO analyses VALUES (?,?,?)",
                (article.id, article.content_hash, json.dumps(to_dict(analysis))),
            )
            self._db.execute("DELETE FROM quotes WHERE article_id = ?", (article.id,))
            self._db.executemany(
                "INSERT OR REPLACE INTO quotes VALUES (?,?,?,?,?,?,?)",
                [
                    (q.id, q.article_id, q.kind, q.speaker, q.start, q.end, text[q.start : q.end])
                    for q in analysis.quotes
                ],
            )

    def get_analysis(self, article_id: str) -> Analysis | None:
        rows = self.execute(
            "SELECT a.data FROM analyses a JOIN articles r ON r.id = a.article_id "
            "WHERE a.article_id = ? AND a.content_hash = r.content_hash",
            (article_id,),
        )
        return analysis_from_dict(json.loads(rows[0]["data"])) if rows else None

    def put_entities(self, entities: Iterable[Entity]) -> None:
        with self.transaction():
            for entity in entities:
                row = self._db.execute(
                    "SELECT aliases FROM entities WHERE canonical = ?", (entity.canonical,)
                ).fetchone()
                aliases = set(entity.aliases) | set(json.loads(row["aliases"]) if row else [])
                self._db.execute(
                    "INSERT OR REPLACE INTO entities VALUES (?,?,?)",
                    (entity.canonical, entity.kind, json.dumps(sorted(aliases))),
                )

    def get_entities(self) -> list[Entity]:
        rows = self.execute("SELECT * FROM entities ORDER BY canonical")
        return [Entity(r["canonical"], r["kind"], json.loads(r["aliases"])) for r in rows]

    # ------------------------------------------------------------------------------------ stories

    def put_story(self, story: Story) -> None:
        data = to_dict(story)
        with self.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO stories VALUES (?,?,?,?,?)",
                (story.id, story.label, data["first_seen"], data["last_seen"], json.dumps(story.article_ids)),
            )
            self._db.execute("DELETE FROM story_articles WHERE story_id = ?", (story.id,))
            self._db.executemany(
                "INSERT OR REPLACE INTO story_articles VALUES (?,?)", [(a, story.id) for a in story.article_ids]
            )

    def delete_story(self, story_id: str) -> None:
        with self.transaction():
            for table, column in (("stories", "id"), ("story_articles", "story_id"), ("findings", "story_id")):
                self._db.execute(f"DELETE FROM {table} WHERE {column} = ?", (story_id,))

    def get_story(self, story_id: str) -> Story | None:
        rows = self.execute("SELECT * FROM stories WHERE id = ?", (story_id,))
        return _story_from_row(rows[0]) if rows else None

    def iter_stories(self) -> Iterator[Story]:
        for row in self.execute("SELECT * FROM stories ORDER BY coalesce(first_seen, '9999'), id"):
            yield _story_from_row(row)

    # ------------------------------------------------------------------------------------ reuse, findings

    def put_reuse(self, links: Iterable[Reuse]) -> None:
        with self.transaction():
            for link in links:
                self._db.execute(
                    "INSERT OR REPLACE INTO reuse VALUES (?,?,?,?,?)",
                    (link.source_id, link.derived_id, link.kind, link.score, json.dumps(to_dict(link))),
                )

    def iter_reuse(self, min_score: float = 0.0) -> Iterator[Reuse]:
        rows = self.execute("SELECT data FROM reuse WHERE score >= ? ORDER BY score DESC", (min_score,))
        for row in rows:
            yield reuse_from_dict(json.loads(row["data"]))

    def put_findings(self, story_id: str, findings: list[Finding]) -> None:
        """Replace the findings of `story_id` with `findings`."""
        with self.transaction():
            self._db.execute("DELETE FROM findings WHERE story_id = ?", (story_id,))
            self._db.executemany(
                "INSERT INTO findings (story_id, kind, data) VALUES (?,?,?)",
                [(story_id, f.kind, json.dumps(to_dict(f))) for f in findings],
            )

    def get_findings(self, story_id: str) -> list[Finding]:
        rows = self.execute("SELECT data FROM findings WHERE story_id = ? ORDER BY id", (story_id,))
        return [finding_from_dict(json.loads(r["data"])) for r in rows]

    # ------------------------------------------------------------------------------------ ingest log

    def mark_source(self, source_ref: str, status: str, reason: str = "") -> None:
        with self.transaction():
            self._db.execute("INSERT OR REPLACE INTO sources VALUES (?,?,?,?)", (source_ref, status, reason, _now()))

    def source_status(self, source_ref: str) -> str | None:
        rows = self.execute("SELECT status FROM sources WHERE source_ref = ?", (source_ref,))
        return rows[0]["status"] if rows else None

    # ------------------------------------------------------------------------------------ key-value

    def put_value(self, namespace: str, key: str, value: str | bytes) -> None:
        """Stage-private state (HTTP cache validators, signatures, index state) under `namespace`."""
        with self.transaction():
            self._db.execute("INSERT OR REPLACE INTO kv VALUES (?,?,?)", (namespace, key, value))

    def put_values(self, namespace: str, items: Iterable[tuple[str, str | bytes]]) -> None:
        with self.transaction():
            self._db.executemany("INSERT OR REPLACE INTO kv VALUES (?,?,?)", [(namespace, k, v) for k, v in items])

    def get_value(self, namespace: str, key: str) -> str | bytes | None:
        rows = self.execute("SELECT value FROM kv WHERE namespace = ? AND key = ?", (namespace, key))
        return rows[0]["value"] if rows else None

    def iter_values(self, namespace: str) -> Iterator[tuple[str, str | bytes]]:
        for row in self.execute("SELECT key, value FROM kv WHERE namespace = ? ORDER BY key", (namespace,)):
            yield row["key"], row["value"]


def _article_from_row(row: sqlite3.Row) -> Article:
    return Article(
        id=row["id"],
        text=row["text"],
        outlet=row["outlet"] or "",
        url=row["url"],
        title=row["title"] or "",
        author=row["author"],
        published=parse_datetime(row["published"]),
        language=row["language"],
        source_ref=row["source_ref"] or "",
        version=row["version"],
        record_id=row["record_id"],
    )


def _story_from_row(row: sqlite3.Row) -> Story:
    return story_from_dict(
        {
            "id": row["id"],
            "label": row["label"],
            "first_seen": row["first_seen"],
            "last_seen": row["last_seen"],
            "article_ids": json.loads(row["article_ids"]),
        }
    )
