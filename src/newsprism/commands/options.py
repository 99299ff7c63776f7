"""Reusable click option decorators shared by the commands."""

from __future__ import annotations

import click

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
