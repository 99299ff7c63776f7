"""`newsprism report STORY --html FILE`: one story's findings as a self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from newsprism.commands.options import db_option, settings_from_args


@click.command("report")
@click.argument("story_id")
@db_option
@click.option("--html", "html_path", required=True, type=click.Path(dir_okay=False), help="Output HTML file.")
def report(story_id: str, db: str | None, html_path: str) -> None:
    """Write STORY_ID's findings to one HTML file (inline CSS and SVG, no script, no network)."""
    from newsprism.store.sqlite import SqliteStore
    from newsprism.web.report import render_story_report

    store = SqliteStore(settings_from_args(None, db=db).db)
    try:
        page = render_story_report(store, story_id)
    finally:
        store.close()
    Path(html_path).write_text(page, encoding="utf-8")
    click.echo(f"newsprism: wrote {html_path}", err=True)


def register(group: click.Group) -> None:
    group.add_command(report)
