"""`newsprism quotes FILE...`: who said what in each file, with offsets into the file's text as read."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click

from newsprism.analyze.quotes import find_quotes
from newsprism.commands.options import config_option, settings_from_args
from newsprism.errors import InputError
from newsprism.models import Quote, Span

log = logging.getLogger(__name__)


def _pair(span: Span | None) -> list[int] | None:
    return None if span is None else [span.start, span.end]


def quote_record(quote: Quote) -> dict:
    """The JSON form of one quote in `newsprism quotes --json`."""
    return {
        "kind": quote.kind,
        "speaker": quote.speaker,
        "source_span": _pair(quote.speaker_span),
        "cue_span": _pair(quote.cue_span),
        "content_spans": [[s.start, s.end] for s in quote.content],
        "confidence": quote.confidence,
    }


def read_text(path: str) -> str:
    """The file's text exactly as stored (UTF-8, no cleaning), or InputError naming the file."""
    try:
        return Path(path).read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _show(path: str, text: str, quotes: list[Quote]) -> None:
    """Human-readable listing of one file's quotes."""
    click.echo(click.style(f"{path}: {len(quotes)} quote(s)", bold=True))
    for quote in quotes:
        words = " … ".join(" ".join(s.text_in(text).split()) for s in quote.content)
        click.echo(f"  [{quote.kind}] {quote.speaker or '(unknown)'}: {words}")


@click.command("quotes")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with every file's quotes.")
@config_option
def quotes_command(files: tuple[str, ...], as_json: bool, config_file: str | None) -> None:
    """Quotes and their speakers in each text FILE (offsets are character offsets into the file's text)."""
    settings = settings_from_args(config_file)
    results = []
    failed = 0
    for path in files:
        try:
            text = read_text(path)
        except InputError as exc:
            click.echo(f"newsprism: skipped: {exc}", err=True)
            failed += 1
            continue
        quotes = find_quotes(text, settings)
        if as_json:
            results.append({"path": path, "quotes": [quote_record(q) for q in quotes]})
        else:
            _show(path, text, quotes)
    if as_json:
        click.echo(json.dumps({"files": results}, ensure_ascii=False))
    if failed and failed == len(files):
        raise InputError(f"none of the {failed} file(s) could be read")


def register(group: click.Group) -> None:
    group.add_command(quotes_command)
