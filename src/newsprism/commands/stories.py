"""`newsprism stories`, `newsprism story ID`, `newsprism copies`: what the pipeline found, from the store."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from newsprism.commands.options import db_option, existing_store, write_output
from newsprism.errors import InputError
from newsprism.models import Article, Story, parse_datetime, to_dict, to_utc
from newsprism.untrusted import safe_text

_LINE_REF = re.compile(r"^(?P<path>.+)#L(?P<line>\d+)$")


def article_ref(article: Article, records: dict[str, list[str]] | None = None) -> str:
    """The input record's own `id` (kept on the Article at ingest; for older stores looked up at `path#L<line>`),
    else the URL or source path."""
    if article.record_id:
        return article.record_id
    path, sep, fragment = article.source_ref.partition("#")
    match = _LINE_REF.match(article.source_ref)
    if match:
        record_id = _jsonl_record_id(match["path"], int(match["line"]), records if records is not None else {})
        if record_id:
            return record_id
    elif sep and fragment:
        return fragment
    return article.url or article.source_ref


def _jsonl_record_id(path: str, line: int, records: dict[str, list[str]]) -> str | None:
    """The `id` field of line `line` of a local JSONL file (files read once per listing), or None."""
    if path not in records:
        try:
            records[path] = Path(path).read_text("utf-8", errors="replace").splitlines() if path.endswith(
                ".jsonl") else []
        except OSError:
            records[path] = []
    lines = records[path]
    if not 0 < line <= len(lines):
        return None
    try:
        record = json.loads(lines[line - 1])
    except ValueError:
        return None
    return str(record["id"]) if isinstance(record, dict) and record.get("id") is not None else None


def _story_summary(store, story: Story, records: dict[str, list[str]]) -> dict:
    articles = [a for a in (store.get_article(i) for i in story.article_ids) if a is not None]
    return {
        "id": story.id,
        "label": story.label,
        "first_seen": to_dict(story.first_seen),
        "last_seen": to_dict(story.last_seen),
        "articles": [
            {"id": a.id, "ref": article_ref(a, records), "outlet": a.outlet, "published": to_dict(a.published)}
            for a in articles
        ],
    }


def _speakers(store, story: Story) -> set[str]:
    names = set()
    for article_id in story.article_ids:
        analysis = store.get_analysis(article_id)
        if analysis is not None:
            names.update(q.speaker.lower() for q in analysis.quotes if q.speaker)
    return names


def _parse_since(since: str | None) -> datetime | None:
    if since is None:
        return None
    try:
        moment = parse_datetime(since)
    except ValueError as exc:
        raise InputError(f"--since: not a date: {since!r}") from exc
    if moment is None:
        raise InputError(f"--since: not a date: {since!r}")
    return to_utc(moment)


@click.command("stories")
@click.option("--since", default=None, help="Only stories with an article on or after DATE (YYYY-MM-DD).")
@click.option("--outlet", default=None, help="Only stories with an article from this outlet.")
@click.option("--speaker", default=None, help="Only stories quoting this speaker (canonical name, any case).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: [{id, articles: [{id, ref, outlet, published}]}].")
@db_option
def stories(since: str | None, outlet: str | None, speaker: str | None, as_json: bool, db: str | None) -> None:
    """List the stories in the store, newest first."""
    cutoff = _parse_since(since)
    store = existing_store(db)
    try:
        rows, records = [], {}
        for story in store.iter_stories():
            if cutoff is not None and (story.last_seen is None or to_utc(story.last_seen) < cutoff):
                continue
            summary = _story_summary(store, story, records)
            if outlet and not any(a["outlet"] == outlet for a in summary["articles"]):
                continue
            if speaker and speaker.lower() not in _speakers(store, story):
                continue
            rows.append(summary)
    finally:
        store.close()
    rows.sort(key=lambda r: (r["last_seen"] or "", r["id"]), reverse=True)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table("story", "articles", "outlets", "last seen", "label")
    for row in rows:
        outlets = sorted({a["outlet"] for a in row["articles"] if a["outlet"]})
        table.add_row(row["id"], str(len(row["articles"])), safe_text(", ".join(outlets)),
                      (row["last_seen"] or "")[:10], safe_text(row["label"][:60]))
    Console().print(table)


def story_comparison(store, story_id: str):
    """A `Comparison` of a stored story: recomputed from the stored analyses, else the stored findings."""
    from newsprism.analyze.resolve import resolve_entities
    from newsprism.compare import Comparison

    story = store.get_story(story_id)
    if story is None:
        raise InputError(f"no story {story_id!r} in the store")
    articles = [a for a in (store.get_article(i) for i in story.article_ids) if a is not None]
    analyses = [a for a in (store.get_analysis(i) for i in story.article_ids) if a is not None]
    if len(analyses) == len(articles) and len(analyses) > 1:
        # recomputed rather than read back, because aligned statements are not stored (findings are the same)
        from newsprism.compare import compare_articles
        from newsprism.settings import load_settings

        entities = resolve_entities(analyses)
        return compare_articles(analyses, entities, load_settings())
    entities = resolve_entities(analyses) if analyses else []
    quotes = [q for a in analyses for q in a.quotes]
    return Comparison(articles, entities, quotes, [], store.get_findings(story_id))


@click.command("story")
@click.argument("story_id")
@click.option("--json", "as_json", is_flag=True, help="Print the story's comparison as JSON.")
@click.option("--html", "html_path", default=None, type=click.Path(dir_okay=False), help="Write an HTML report.")
@db_option
def story(story_id: str, as_json: bool, html_path: str | None, db: str | None) -> None:
    """Show one story's findings (terminal, JSON or HTML)."""
    from newsprism.report import render_html, render_json, render_terminal

    store = existing_store(db)
    try:
        comparison = story_comparison(store, story_id)
    finally:
        store.close()
    if html_path:
        write_output(html_path, render_html(comparison))
        click.echo(f"newsprism: wrote {html_path}", err=True)
    elif as_json:
        click.echo(json.dumps(render_json(comparison), indent=2, ensure_ascii=False))
    else:
        render_terminal(comparison, Console())


@click.command("copies")
@click.option("--min-score", default=0.0, type=float, show_default=True, help="Only links scoring at least this.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with the aligned spans).")
@db_option
def copies(min_score: float, as_json: bool, db: str | None) -> None:
    """List reuse links: which article copies which (verbatim, near-verbatim, paraphrase)."""
    store = existing_store(db)
    try:
        links = sorted(store.iter_reuse(min_score), key=lambda r: -r.score)
        outlets = {}
        for link in links:
            for article_id in (link.source_id, link.derived_id):
                if article_id not in outlets:
                    article = store.get_article(article_id)
                    outlets[article_id] = article.outlet if article else ""
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps([to_dict(link) for link in links], indent=2))
        return
    table = Table("source", "derived", "kind", "score", "aligned")
    for link in links:
        table.add_row(safe_text(f"{link.source_id} ({outlets[link.source_id]})"),
                      safe_text(f"{link.derived_id} ({outlets[link.derived_id]})"),
                      link.kind, f"{link.score:.2f}", str(len(link.aligned)))
    Console().print(table)


def register(group: click.Group) -> None:
    group.add_command(stories)
    group.add_command(story)
    group.add_command(copies)
