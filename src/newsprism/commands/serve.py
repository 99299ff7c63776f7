"""`newsprism serve`: the web UI and JSON API on 127.0.0.1."""

from __future__ import annotations

import click

from newsprism.commands.options import config_option, db_option, settings_from_args


@click.command("serve")
@db_option
@config_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@click.option("--token", default=None, envvar="NEWSPRISM_TOKEN", help="Bearer token enabling POST /api/ingest.")
def serve(db: str | None, config_file: str | None, host: str, port: int, token: str | None) -> None:
    """Serve stories, speakers, outlets and articles as web pages and JSON (API reference at /api)."""
    import uvicorn

    from newsprism.web.app import create_app

    settings = settings_from_args(config_file, db=db)
    db_path = settings.db
    app = create_app(db_path, token=token or None, settings=settings)
    click.echo(f"newsprism: serving {db_path} on http://{host}:{port}/ (ingest {'on' if token else 'off'})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(group: click.Group) -> None:
    group.add_command(serve)
