"""POST /api/ingest: JSON records -> RawDocument -> extract_article -> store (+ the pipeline when present)."""

from __future__ import annotations

import inspect
import logging
from typing import Any

from newsprism.errors import NewsprismError
from newsprism.ingest.raw import RawDocument
from newsprism.models import Article, Skipped, parse_datetime
from newsprism.settings import load_settings
from newsprism.store.sqlite import SqliteStore

log = logging.getLogger(__name__)


def ingest_records(store: SqliteStore, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Extract and store each record; a bad record is reported and skipped, the batch goes on."""
    extract = _extractor()
    stored: list[dict[str, str]] = []
    skipped: list[dict[str, str]] = []
    for number, record in enumerate(records):
        ref = f"api#{number}"
        try:
            raw = _raw_document(ref, record)
            article = extract(raw)
        except (NewsprismError, ValueError) as exc:
            skipped.append({"ref": ref, "reason": str(exc)})
            continue
        if isinstance(article, Skipped):
            skipped.append({"ref": ref, "reason": article.reason})
            continue
        status = store.put_article(article)
        stored.append({"ref": ref, "id": article.id, "status": status})
    processed = _run_pipeline(store, [s["id"] for s in stored if s["status"] != "unchanged"])
    return {"stored": stored, "skipped": skipped, "pipeline": processed}


def _raw_document(ref: str, record: dict[str, Any]) -> RawDocument:
    """A RawDocument from one JSON record (html wins over text when both are given)."""
    content, content_type = (record.get("html"), "html") if record.get("html") else (record.get("text"), "text")
    if not content or not str(content).strip():
        raise ValueError(f"{ref}: record has neither text nor html")
    return RawDocument(
        source_ref=ref,
        content=str(content),
        content_type=content_type,
        url=record.get("url"),
        outlet=record.get("outlet"),
        title=record.get("title"),
        author=record.get("author"),
        published=parse_datetime(record.get("published")),
    )


def _extractor():
    """`newsprism.ingest.extract_article`, called with settings when it takes them."""
    try:
        from newsprism.ingest import extract_article
    except ImportError as exc:
        raise NewsprismError("ingest stage (newsprism.ingest.extract_article) is not available") from exc
    settings = load_settings()
    takes_settings = len(inspect.signature(extract_article).parameters) > 1

    def extract(raw: RawDocument) -> Article | Skipped:
        return extract_article(raw, settings) if takes_settings else extract_article(raw)

    return extract


def _run_pipeline(store: SqliteStore, ids: list[str]) -> str:
    """Run the corpus pipeline over new articles when that stage is installed."""
    if not ids:
        return "nothing new"
    try:
        from newsprism.pipeline import process_articles
    except ImportError:
        log.info("pipeline not available; %d articles stored without analysis", len(ids))
        return "not available"
    process_articles(store, load_settings(), ids)
    return "done"
