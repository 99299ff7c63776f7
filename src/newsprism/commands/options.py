"""Reusable click option decorators shared by the commands."""

from __future__ import annotations

from pathlib import Path

import click

from newsprism.errors import InputError
from newsprism.settings import Settings, load_settings


def db_option(func):
    """`--db FILE` (default ./newsprism.db, or $NEWSPRISM_DB)."""
    return click.option(
        "--db", "db", default=None, metavar="FILE", help="SQLite store (default ./newsprism.db or $NEWSPRISM_DB)."
    )(func)


def config_option(func):
    """`--config FILE`: a TOML file overriding defaults.toml."""
    return click.option(
        "--config", "config_file", default=None, type=click.Path(dir_okay=False), help="Settings TOML file."
    )(func)


def settings_from_args(config_file: str | None = None, db: str | None = None, **overrides) -> Settings:
    """The only bridge from CLI flags to `Settings`."""
    return load_settings(config_file, db=db, **overrides)


def existing_store(db: str | None):
    """The store a read-only command reads: an error, not a new empty store, when the file is not there."""
    from newsprism.store.sqlite import SqliteStore

    path = settings_from_args(None, db=db).db
    if not Path(path).is_file():
        raise InputError(f"{path}: no such store (run `newsprism ingest` first, or pass --db)")
    return SqliteStore(path)


def write_output(path: str, text: str) -> None:
    """Write a report file; a one-line error naming it when it cannot be written."""
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write the report: {exc.strerror or exc}") from exc
