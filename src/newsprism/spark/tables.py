"""The Parquet tables a Spark run writes: the same rows as the local SQLite store, one table per kind.

`load_tables` reads them back with pyarrow (no Spark needed) into any `Store`, so a cluster run can be
browsed with `newsprism serve` on a laptop.
"""

from __future__ import annotations

import json
from pathlib import Path

from newsprism.models import (
    Analysis,
    Article,
    Entity,
    Finding,
    Reuse,
    Story,
    analysis_from_dict,
    finding_from_dict,
    parse_datetime,
    reuse_from_dict,
    to_dict,
)
from newsprism.store import Store

TABLES: tuple[str, ...] = ("articles", "analyses", "quotes", "entities", "stories", "reuse", "findings")

# Column names and Spark SQL types of each table (DDL strings keep pyspark out of this module).
SCHEMAS: dict[str, str] = {
    "articles": (
        "id string, version int, content_hash string, url string, outlet string, title string, author string, "
        "published string, language string, source_ref string, text string, record_id string"
    ),
    "analyses": "article_id string, content_hash string, data string",
    "quotes": "id string, article_id string, kind string, speaker string, start int, end int, text string",
    "entities": "canonical string, kind string, aliases array<string>",
    "stories": "id string, label string, first_seen string, last_seen string, article_ids array<string>",
    "reuse": "source_id string, derived_id string, kind string, score double, data string",
    "findings": "story_id string, position int, kind string, data string",
}


def article_row(article: Article) -> dict:
    return {
        "id": article.id, "version": article.version, "content_hash": article.content_hash, "url": article.url,
        "outlet": article.outlet, "title": article.title, "author": article.author,
        "published": article.published.isoformat() if article.published else None,
        "language": article.language, "source_ref": article.source_ref, "text": article.text,
        "record_id": article.record_id,
    }


def article_from_row(row: dict) -> Article:
    return Article(
        id=row["id"], text=row["text"], outlet=row["outlet"] or "", url=row["url"], title=row["title"] or "",
        author=row["author"], published=parse_datetime(row["published"]), language=row["language"],
        source_ref=row["source_ref"] or "", version=row["version"] or 1, record_id=row.get("record_id"),
    )


def analysis_row(analysis: Analysis) -> dict:
    return {
        "article_id": analysis.article.id,
        "content_hash": analysis.article.content_hash,
        "data": json.dumps(to_dict(analysis)),
    }


def quote_rows(analysis: Analysis) -> list[dict]:
    text = analysis.article.text
    return [
        {"id": q.id, "article_id": q.article_id, "kind": q.kind, "speaker": q.speaker, "start": q.start,
         "end": q.end, "text": text[q.start : q.end]}
        for q in analysis.quotes
    ]


def story_row(story: Story) -> dict:
    data = to_dict(story)
    return {"id": story.id, "label": story.label, "first_seen": data["first_seen"], "last_seen": data["last_seen"],
            "article_ids": list(story.article_ids)}


def reuse_row(link: Reuse) -> dict:
    return {"source_id": link.source_id, "derived_id": link.derived_id, "kind": link.kind, "score": link.score,
            "data": json.dumps(to_dict(link))}


def finding_rows(story_id: str, findings: list[Finding]) -> list[dict]:
    return [{"story_id": story_id, "position": i, "kind": f.kind, "data": json.dumps(to_dict(f))}
            for i, f in enumerate(findings)]


def entity_row(entity: Entity) -> dict:
    return {"canonical": entity.canonical, "kind": entity.kind, "aliases": sorted(entity.aliases)}


def read_table(root: str | Path, name: str) -> list[dict]:
    """All rows of one written table (empty when the run wrote none)."""
    import pyarrow.parquet as pq

    path = Path(root) / name
    if not path.exists():
        return []
    return pq.read_table(path).to_pylist()


def _grown_locally(store: Store, story_id: str, article_ids: list[str]) -> bool:
    """The store's story holds every article of the run's and more: local ingests extended it after a load."""
    stored = store.get_story(story_id)
    return stored is not None and set(article_ids) < set(stored.article_ids)


def load_tables(root: str | Path, store: Store) -> dict[str, int]:
    """Copy every table under `root` into `store`; returns rows loaded per table. Loading twice is a no-op.

    A story that local ingests have extended since an earlier load keeps its local members and findings.
    """
    counts: dict[str, int] = {}
    with store.transaction():
        articles = read_table(root, "articles")
        for row in articles:
            store.put_article(article_from_row(row))
        counts["articles"] = len(articles)
        analyses = read_table(root, "analyses")
        for row in analyses:
            store.put_analysis(analysis_from_dict(json.loads(row["data"])))
        counts["analyses"] = len(analyses)
        entities = read_table(root, "entities")
        store.put_entities(Entity(r["canonical"], r["kind"], list(r["aliases"])) for r in entities)
        counts["entities"] = len(entities)
        stories = read_table(root, "stories")
        grown = {row["id"] for row in stories if _grown_locally(store, row["id"], row["article_ids"])}
        for row in stories:
            if row["id"] not in grown:
                store.put_story(Story(id=row["id"], article_ids=list(row["article_ids"]), label=row["label"] or "",
                                      first_seen=parse_datetime(row["first_seen"]),
                                      last_seen=parse_datetime(row["last_seen"])))
        counts["stories"] = len(stories) - len(grown)
        counts["local stories kept"] = len(grown)
        links = read_table(root, "reuse")
        store.put_reuse(reuse_from_dict(json.loads(r["data"])) for r in links)
        counts["reuse"] = len(links)
        by_story: dict[str, list[tuple[int, Finding]]] = {}
        findings = [row for row in read_table(root, "findings") if row["story_id"] not in grown]
        for row in findings:
            by_story.setdefault(row["story_id"], []).append((row["position"], finding_from_dict(json.loads(row["data"]))))
        for story_id, items in by_story.items():
            store.put_findings(story_id, [f for _, f in sorted(items, key=lambda x: x[0])])
        counts["findings"] = len(findings)
    return counts
