"""`newsprism report STORY --html FILE`: one story's findings as a self-contained HTML page."""

from __future__ import annotations

import click

from newsprism.commands.options import db_option, existing_store, write_output


@click.command("report")
@click.argument("story_id")
@db_option
@click.option("--html", "html_path", required=True, type=click.Path(dir_okay=False), help="Output HTML file.")
def report(story_id: str, db: str | None, html_path: str) -> None:
    """Write STORY_ID's findings to one HTML file (inline CSS and SVG, no script, no network)."""
    from newsprism.web.report import render_story_report

    store = existing_store(db)
    try:
        page = render_story_report(store, story_id)
    finally:
        store.close()
    write_output(html_path, page)
    click.echo(f"newsprism: wrote {html_path}", err=True)


def register(group: click.Group) -> None:
    group.add_command(report)
