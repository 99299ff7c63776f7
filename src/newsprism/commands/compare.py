"""`newsprism compare A B [C ...]`: files or URLs -> what differs between them, without a database."""

from __future__ import annotations

import json
import logging

import click
from rich.console import Console

from newsprism.commands.options import config_option, settings_from_args, write_output
from newsprism.errors import InputError
from newsprism.models import Skipped
from newsprism.untrusted import one_line

log = logging.getLogger(__name__)

FAIL_ON = ("altered", "conflict")


@click.command("compare")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as one JSON object.")
@click.option("--html", "html_file", default=None, type=click.Path(dir_okay=False), help="Write a self-contained HTML report.")
@click.option("--fail-on", "fail_on", type=click.Choice(FAIL_ON), default=None,
              help="Exit 1 when a finding of this kind is present.")
@config_option
def compare_command(inputs: tuple[str, ...], as_json: bool, html_file: str | None, fail_on: str | None,
                    config_file: str | None) -> None:
    """Compare how two or more articles (text/HTML files or URLs) report the same story.

    An input that cannot be read is named on stderr and left out; the rest are compared (exit status 2).
    """
    from newsprism.compare import compare_inputs
    from newsprism.report import render_html, render_json, render_terminal

    if len(inputs) < 2:
        raise InputError("compare needs at least two articles")
    skipped: list[Skipped] = []

    def report_skip(item: Skipped) -> None:
        click.echo(one_line(f"newsprism: skipped {item.source_ref}: {item.reason}"), err=True)
        skipped.append(item)

    settings = settings_from_args(config_file)
    comparison = compare_inputs(list(inputs), settings, on_skip=report_skip)
    data = render_json(comparison)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        render_terminal(data, Console(highlight=False))
    if html_file:
        write_output(html_file, render_html(data))
        if not as_json:
            click.echo(f"HTML report written to {html_file}", err=True)
    if skipped:
        raise SystemExit(2)  # compared without the inputs named on stderr
    if fail_on and any(f["kind"] == fail_on for f in data["findings"]):
        raise SystemExit(1)


def register(group: click.Group) -> None:
    group.add_command(compare_command)
