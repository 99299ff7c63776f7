"""The `newsprism` command: a click group of thin commands, one module each under `newsprism.commands`."""

from __future__ import annotations

import importlib
import logging
import sys

import click

from newsprism.errors import NewsprismError
from newsprism.termination import Terminated, stop_on_sigterm
from newsprism.untrusted import one_line

# Each module defines one or more click commands and a `register(group)` function.
COMMAND_MODULES: tuple[str, ...] = ("newsprism.commands.quotes", "newsprism.commands.compare",
    "newsprism.commands.serve", "newsprism.commands.report", "newsprism.commands.ingest",
    "newsprism.commands.pairs", "newsprism.commands.watch",
    "newsprism.commands.stories", "newsprism.commands.spark")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.version_option(package_name="newsprism")
def cli(verbose: int) -> None:
    """newsprism: compare how outlets report the same story."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


for _module in COMMAND_MODULES:
    importlib.import_module(_module).register(cli)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: usage and input errors exit 2 with one line on stderr."""
    try:
        with stop_on_sigterm():
            cli.main(args=argv, prog_name="newsprism", standalone_mode=False)
    except click.exceptions.Abort as exc:
        terminated = isinstance(exc.__cause__, Terminated)
        click.echo("aborted (SIGTERM)" if terminated else "aborted", err=True)
        sys.exit(143 if terminated else 130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except NewsprismError as exc:
        click.echo(one_line(f"newsprism: error: {exc}"), err=True)
        sys.exit(2)
