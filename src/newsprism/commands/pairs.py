"""`newsprism pairs FILE.tsv`: same meaning or not, and the verdict, for each row of a two-text TSV."""

from __future__ import annotations

import codecs
import csv
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from newsprism.errors import InputError

log = logging.getLogger(__name__)

BATCH = 256


def read_pairs(path: Path, col_a: str | None, col_b: str | None) -> Iterator[tuple[int, tuple[str, str] | str]]:
    """(line number, (text a, text b)) per row, or (line number, reason) for a row that cannot be read.

    Each line is decoded on its own, so a bad byte costs its row only. The header may start with a UTF-8 BOM;
    fields are taken as written (QUOTE_NONE), since MRPC-style files carry quote marks inside fields.
    """
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with open(path, "rb") as handle:
        lines = enumerate(handle, start=1)
        try:
            header = _fields(next(lines)[1].removeprefix(codecs.BOM_UTF8).decode("utf-8"))
        except StopIteration:
            raise InputError(f"{path}: empty file, expected a header line") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: line 1: not UTF-8 text ({exc.reason})") from exc
        index_a = _column(path, header, col_a, len(header) - 2)
        index_b = _column(path, header, col_b, len(header) - 1)
        for line, raw in lines:
            try:
                row = _fields(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield line, f"not UTF-8 text ({exc.reason} at byte {exc.start})"
                continue
            if not row or all(not f.strip() for f in row):
                continue
            if len(row) != len(header):
                yield line, f"{len(row)} fields, the header has {len(header)}"
            elif not row[index_a].strip() or not row[index_b].strip():
                yield line, "an empty text"
            else:
                yield line, (row[index_a], row[index_b])


def _fields(line: str) -> list[str]:
    return next(csv.reader([line.rstrip("\r\n")], delimiter="\t", quoting=csv.QUOTE_NONE), [])


def _column(path: Path, header: list[str], name: str | None, default: int) -> int:
    """Index of column `name` in the header, else the default position."""
    if name is None:
        if default < 0:
            raise InputError(f"{path}: the header has {len(header)} column(s); two text columns are needed")
        return default
    names = [h.strip() for h in header]
    if name not in names:
        raise InputError(f"{path}: no column {name!r} in the header ({', '.join(names)})")
    return names.index(name)


def _flush(batch: list[tuple[int, tuple[str, str]]]) -> None:
    from newsprism.compare.verdict import classify_pairs  # loads the models: not at CLI start-up

    for (line, _), verdict in zip(batch, classify_pairs([pair for _, pair in batch]), strict=True):
        record = {"line": line, "verdict": verdict.verdict, "same_meaning": verdict.same_meaning,
                  "score": round(verdict.score, 4)}
        click.echo(json.dumps(record))
    batch.clear()


@click.command("pairs")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--a", "col_a", default=None, help="Column of the first text (default: the second-to-last).")
@click.option("--b", "col_b", default=None, help="Column of the second text (default: the last).")
def pairs_command(file: Path, col_a: str | None, col_b: str | None) -> None:
    """Print one JSON line per row of FILE.tsv: line, verdict, same_meaning, score.

    A row that cannot be read gets one line on stderr naming it, and the rest go on (no JSON line for it).
    """
    batch: list[tuple[int, tuple[str, str]]] = []
    for line, item in read_pairs(file, col_a, col_b):
        if isinstance(item, str):
            _flush(batch)
            sys.stdout.flush()
            click.echo(f"newsprism pairs: {file}: line {line}: skipped: {item}", err=True)
            continue
        batch.append((line, item))
        if len(batch) >= BATCH:
            _flush(batch)
    _flush(batch)


def register(group: click.Group) -> None:
    """Add `pairs` to the newsprism command group."""
    group.add_command(pairs_command)
