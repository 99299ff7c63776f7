"""Format readers: each input (directory, file, archive, stdin, URL) becomes a stream of RawDocuments.

Readers stream one record at a time. A bad record or file becomes `Skipped(ref, reason)` and the stream
goes on; nothing here raises on bad input.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import sys
import tarfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from newsprism.ingest.encoding import decode_bytes
from newsprism.ingest.raw import RawDocument
from newsprism.models import Skipped, parse_datetime
from newsprism.settings import Settings
from newsprism.store import Store

log = logging.getLogger(__name__)

Record = RawDocument | Skipped

SNIFF_BYTES = 4096
_HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
_WARC_SUFFIXES = (".warc", ".warc.gz")
_TAR_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz")
_CORRUPT_ERRORS = (OSError, EOFError, zlib.error, tarfile.TarError, zipfile.BadZipFile)


def read_sources(inputs: Iterable[str], settings: Settings, store: Store | None = None) -> Iterator[Record]:
    """Every record of every input, in order; directories are walked recursively in sorted order.

    `store`, when given, lets URL input send conditional requests (cache validators kept in the store).

    Example:
        >>> for record in read_sources(["articles/", "feed.jsonl"], settings): ...
    """
    for source in expand_inputs(inputs):
        yield from read_source(source, settings, store)


def expand_inputs(inputs: Iterable[str]) -> Iterator[str]:
    """Inputs with directories replaced by their files (recursive, sorted, hidden files left out)."""
    for item in inputs:
        path = Path(item)
        if item != "-" and not is_url(item) and path.is_dir():
            # a dangling link is passed on, so reading it names it (silently left out before)
            for child in sorted(p for p in path.rglob("*") if p.is_file() or (p.is_symlink() and not p.exists())):
                if not any(part.startswith(".") for part in child.relative_to(path).parts):
                    yield str(child)
        else:
            yield item


def is_url(item: str) -> bool:
    return item.startswith(("http://", "https://"))


def read_source(source: str, settings: Settings, store: Store | None = None) -> Iterator[Record]:
    """The records of one input: stdin (`-`), an http(s) URL or feed, or a file. A reader's unforeseen failure
    ends this input with one Skipped, never the batch."""
    try:
        if source == "-":
            data = sys.stdin.buffer.read(settings.ingest.max_bytes + 1)
            yield from _records_from_bytes("<stdin>", "", data, settings)
        elif is_url(source):
            yield from _read_url(source, settings, store)
        else:
            yield from read_path(Path(source), settings)
    except Exception as exc:
        log.debug("reading %s failed", source, exc_info=True)
        yield Skipped(source, f"unreadable: {type(exc).__name__}: {exc}")


def _read_url(url: str, settings: Settings, store: Store | None) -> Iterator[Record]:
    """A page or a feed, as the http module decides (imported here: file input does not need httpx)."""
    from newsprism.ingest.http import read_url

    yield from read_url(url, settings, store=store)


def read_path(path: Path, settings: Settings) -> Iterator[Record]:
    """The records of one file, dispatched by its name, else by sniffing its first bytes."""
    ref = str(path)
    name = path.name.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield Skipped(ref, f"unreadable: {exc.strerror or exc}")
        return
    try:
        if name.endswith(_WARC_SUFFIXES):
            from newsprism.ingest.warc import read_warc

            yield from read_warc(str(path), settings)
        elif name.endswith(_TAR_SUFFIXES):
            yield from _read_tar(path, settings)
        elif name.endswith(".zip"):
            yield from _read_zip(path, settings)
        elif name.endswith(tuple(s + ".gz" for s in _JSONL_SUFFIXES)):
            with gzip.open(path, "rb") as stream:
                yield from _read_jsonl(ref, stream, settings)
        elif name.endswith(".json") and size <= settings.ingest.max_bytes and (whole := _whole_json(path)) is not None:
            yield from _json_document(ref, whole)
        elif name.endswith(_JSONL_SUFFIXES):
            with path.open("rb") as stream:
                yield from _read_jsonl(ref, stream, settings)
        elif name.endswith(".gz"):
            with gzip.open(path, "rb") as stream:
                data = stream.read(settings.ingest.max_bytes + 1)
            yield from _records_from_bytes(ref, name.removesuffix(".gz"), data, settings)
        elif size > settings.ingest.max_bytes:
            yield Skipped(ref, f"too_large: {size} bytes > {settings.ingest.max_bytes}")
        elif size == 0:
            yield Skipped(ref, "empty: the file has no content")
        else:
            yield from _records_from_bytes(ref, name, path.read_bytes(), settings)
    except ImportError as exc:
        yield Skipped(ref, f"unsupported: this input kind is not available ({exc})")
    except _CORRUPT_ERRORS as exc:
        yield Skipped(ref, f"corrupt: {type(exc).__name__}: {exc}")


def _records_from_bytes(ref: str, name: str, data: bytes, settings: Settings) -> Iterator[Record]:
    """One in-memory document (a file, an archive member, stdin) by its name, else by sniffing."""
    if len(data) > settings.ingest.max_bytes:
        yield Skipped(ref, f"too_large: more than {settings.ingest.max_bytes} bytes")
        return
    if not data.strip():
        yield Skipped(ref, "empty: the file has no content")
        return
    if name.endswith(_JSONL_SUFFIXES) or (not name.endswith(_HTML_SUFFIXES) and _sniff_jsonl(data)):
        yield from _read_jsonl(ref, io.BytesIO(data), settings)
        return
    if looks_binary(data[:SNIFF_BYTES]):
        yield Skipped(ref, "binary: not a text, HTML or JSON file")
        return
    is_html = name.endswith(_HTML_SUFFIXES) or _sniff_html(data)
    content = decode_bytes(data)
    yield RawDocument(source_ref=ref, content=content, content_type="html" if is_html else "text")


def looks_binary(head: bytes) -> bool:
    """NUL bytes or many control characters in the first bytes: an image, a PDF, an executable."""
    if not head:
        return False
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return control / len(head) > 0.05


def _sniff_html(data: bytes) -> bool:
    head = data[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head or b"<p>" in head


def _sniff_jsonl(data: bytes) -> bool:
    """The first line is a JSON object (a JSON Lines stream)."""
    first = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:SNIFF_BYTES * 16].split(b"\n", 1)[0]
    if not first.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def _read_jsonl(ref: str, stream: IO[bytes], settings: Settings) -> Iterator[Record]:
    """One record per JSON line; bad lines are skipped with their line number."""
    for number, (line, size) in enumerate(_bounded_lines(stream, settings.ingest.max_bytes), start=1):
        line_ref = f"{ref}#L{number}"
        if line is None:
            yield Skipped(line_ref, f"too_large: {size} bytes > {settings.ingest.max_bytes}")
            continue
        if not line.strip():
            continue
        text = decode_bytes(line)
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:  # the record is this line: a column, not "line 1 column N"
            cut = text[exc.pos : exc.pos + 1] in ("\r", "\n")
            yield Skipped(line_ref, f"bad_json: {'the record ends inside a string' if cut else exc.msg}"
                                    f" at column {exc.colno}")
            continue
        yield jsonl_record(line_ref, record)


def _bounded_lines(stream: IO[bytes], limit: int) -> Iterator[tuple[bytes | None, int]]:
    """(line, size) per line; (None, size) for a line over `limit` bytes, which is counted but never held in
    memory (a few MB of gzip can unpack to one line of gigabytes)."""
    while line := stream.readline(limit + 1):
        if len(line) <= limit:
            yield line, len(line)
            continue
        size, rest = len(line), line
        while not rest.endswith(b"\n") and (rest := stream.readline(1 << 20)):
            size += len(rest)
        yield None, size


def _whole_json(path: Path) -> object | None:
    """A `.json` file parsed as one JSON document (object or array), or None when it is JSON Lines."""
    try:
        return json.loads(decode_bytes(path.read_bytes()))
    except ValueError:
        return None


def _json_document(ref: str, document: object) -> Iterator[Record]:
    """One record for an object, one per element (`path#[i]`) for an array."""
    if isinstance(document, list):
        for index, item in enumerate(document):
            yield jsonl_record(f"{ref}#[{index}]", item)
    else:
        yield jsonl_record(ref, document)


def jsonl_record(ref: str, record: object) -> Record:
    """A RawDocument from one JSON object with `text` or `html` and optional metadata."""
    if not isinstance(record, dict):
        return Skipped(ref, f"bad_record: expected a JSON object, got {type(record).__name__}")
    html, text = record.get("html"), record.get("text")
    content, kind = (html, "html") if isinstance(html, str) and html.strip() else (text, "text")
    if not isinstance(content, str) or not content.strip():
        return Skipped(ref, "missing_text: the record has neither a 'text' nor an 'html' string")
    extra = {"record_id": str(record["id"])} if record.get("id") is not None else {}
    return RawDocument(
        source_ref=ref,
        content=content,
        content_type=kind,
        url=_string(record.get("url")),
        outlet=_string(record.get("outlet")),
        title=_string(record.get("title")),
        author=_string(record.get("author")),
        published=_published(record.get("published")),
        extra=extra,
    )


def _string(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _published(value: object) -> object:
    """The record's date as UTC, or None when absent or unparseable (a bad date never drops a record)."""
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value.strip())
    except ValueError:
        return None


def _read_zip(path: Path, settings: Settings) -> Iterator[Record]:
    """Members of a zip archive, each dispatched by its name."""
    with zipfile.ZipFile(path) as archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir():
                continue
            ref = f"{path}::{info.filename}"
            if info.file_size > settings.ingest.max_bytes:
                yield Skipped(ref, f"too_large: {info.file_size} bytes > {settings.ingest.max_bytes}")
                continue
            try:
                data = archive.read(info)
            except (*_CORRUPT_ERRORS, RuntimeError) as exc:
                yield Skipped(ref, f"corrupt: {type(exc).__name__}: {exc}")
                continue
            yield from _member_records(ref, info.filename, data, settings)


def _read_tar(path: Path, settings: Settings) -> Iterator[Record]:
    """Members of a tar archive (any compression), streamed in archive order."""
    with tarfile.open(path, mode="r:*") as archive:
        for member in archive:
            if not member.isfile():
                continue
            ref = f"{path}::{member.name}"
            if member.size > settings.ingest.max_bytes:
                yield Skipped(ref, f"too_large: {member.size} bytes > {settings.ingest.max_bytes}")
                continue
            handle = archive.extractfile(member)
            if handle is None:
                continue
            yield from _member_records(ref, member.name, handle.read(), settings)


def _member_records(ref: str, name: str, data: bytes, settings: Settings) -> Iterator[Record]:
    """An archive member: gzip-compressed members are unpacked first."""
    lower = name.lower()
    if lower.endswith(".gz"):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as unpacked:
                data = unpacked.read(settings.ingest.max_bytes + 1)  # a bomb stops here, too_large below
        except _CORRUPT_ERRORS as exc:
            yield Skipped(ref, f"corrupt: {type(exc).__name__}: {exc}")
            return
        lower = lower.removesuffix(".gz")
    yield from _records_from_bytes(ref, lower, data, settings)
