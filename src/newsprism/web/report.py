"""A self-contained HTML report of one stored story: inline CSS and SVG, no script, no network request."""

from __future__ import annotations

from newsprism.errors import NewsprismError
from newsprism.store.sqlite import SqliteStore
from newsprism.web import queries


def render_story_report(store: SqliteStore, story_id: str) -> str:
    """The story page as one standalone file (links between pages become plain text)."""
    from newsprism.web.app import template_env

    data = queries.story_detail(store, story_id)
    if data is None:
        raise NewsprismError(f"{store.path}: no story {story_id!r}")
    return template_env().get_template("report.html").render(data=data, standalone=True, request_path="")
