"""POST /api/ingest: JSON records, read exactly like JSONL lines, extracted, stored and run through the pipeline."""

from __future__ import annotations

from typing import Any

from newsprism.ingest import extract_article
from newsprism.ingest.readers import jsonl_record
from newsprism.models import Skipped
from newsprism.pipeline import process_articles
from newsprism.settings import Settings
from newsprism.store.sqlite import SqliteStore


def ingest_records(store: SqliteStore, settings: Settings, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Extract and store each record; a bad record is reported and skipped, the batch goes on."""
    stored: list[dict[str, str]] = []
    skipped: list[dict[str, str]] = []
    for number, record in enumerate(records):
        ref = f"api#{number}"
        raw = jsonl_record(ref, record)
        article = raw if isinstance(raw, Skipped) else extract_article(raw, settings)
        if isinstance(article, Skipped):
            skipped.append({"ref": ref, "reason": article.reason})
            continue
        status = store.put_article(article)
        stored.append({"ref": ref, "id": article.id, "status": status})
    new_ids = [s["id"] for s in stored if s["status"] != "unchanged"]
    # unchanged ids go too: one stored by a request that failed before processing is processed now (the
    # pipeline skips articles whose processed state matches)
    process_articles(store, settings, [s["id"] for s in stored])
    return {"stored": stored, "skipped": skipped, "pipeline": "done" if new_ids else "nothing new"}
