"""`newsprism quotes FILE...`: who said what in each file, with offsets into the file's text as read."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import click

from newsprism.analyze.quotes import find_quotes
from newsprism.commands.options import config_option, settings_from_args
from newsprism.errors import InputError
from newsprism.models import Quote, Span
from newsprism.settings import Settings
from newsprism.untrusted import strip_controls
from newsprism.workers import parallel_map

log = logging.getLogger(__name__)
# A worker process costs about as much to start (imports, models) as reading this many articles: with the CRF
# alone, and with the encoder (slower to load, far slower per article).
FILES_PER_EXTRA_PROCESS = 50
FILES_PER_EXTRA_PROCESS_ENCODER = 20


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
        click.echo(strip_controls(f"  [{quote.kind}] {quote.speaker or '(unknown)'}: {words}"))


def _quotes_of_file(path: str, settings: Settings) -> tuple[str, str | None, list[Quote] | str]:
    """(path, text, quotes) of one file, or (path, None, the reason it could not be read)."""
    try:
        text = read_text(path)
    except InputError as exc:
        return path, None, str(exc)
    return path, text, find_quotes(text, settings)


def _file_results(files: tuple[str, ...], settings: Settings,
                  jobs: int) -> Iterator[tuple[str, str | None, list[Quote] | str]]:
    """Each file's quotes in the order given, read by up to `jobs` processes when there are files enough."""
    per_process = FILES_PER_EXTRA_PROCESS_ENCODER if settings.analyze.quote_encoder else FILES_PER_EXTRA_PROCESS
    return parallel_map(functools.partial(_quotes_of_file, settings=settings), files, jobs=jobs,
                        min_per_process=per_process, uses_torch=settings.analyze.quote_encoder, chunksize=4)


@click.command("quotes")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with every file's quotes.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help=f"Processes reading files in parallel (one per {FILES_PER_EXTRA_PROCESS} files at most, "
              f"{FILES_PER_EXTRA_PROCESS_ENCODER} with --encoder; default: the jobs setting, one per CPU core).")
@click.option("--encoder/--no-encoder", default=None,
              help="Also read the paragraphs with a fine-tuned MiniLM: more accurate, ~6x slower "
              "(default: the analyze.quote_encoder setting, off).")
@config_option
def quotes_command(files: tuple[str, ...], as_json: bool, jobs: int | None, encoder: bool | None,
                   config_file: str | None) -> None:
    """Quotes and their speakers in each text FILE (offsets are character offsets into the file's text)."""
    settings = settings_from_args(config_file)
    if encoder is not None:
        settings.analyze.quote_encoder = encoder
    results = []
    failed = 0
    for path, text, quotes in _file_results(files, settings, jobs or settings.jobs):
        if text is None:
            click.echo(f"newsprism: skipped: {quotes}", err=True)
            failed += 1
            continue
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
