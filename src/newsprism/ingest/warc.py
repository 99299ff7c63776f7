"""WARC files (.warc, .warc.gz), streamed record by record: HTML responses become RawDocuments.

Requests, metadata, warcinfo and revisit records are counted and logged; non-200 and non-HTML responses are
yielded as Skipped. A corrupt record (bad header, truncated gzip member) yields one Skipped, then reading resumes
at the next record boundary found in the file, so the readable records before and after it still come out.
"""

from __future__ import annotations

import logging
import zlib
from collections import Counter
from collections.abc import Iterator
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from newsprism.ingest.encoding import decode_bytes
from newsprism.ingest.http import HTML_TYPES
from newsprism.ingest.raw import RawDocument
from newsprism.models import Skipped
from newsprism.settings import Settings

log = logging.getLogger(__name__)

_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."
_SCAN_CHUNK = 1 << 16
# warcio fails on some damaged headers with AttributeError / TypeError / IndexError from inside its parser
_CORRUPT = (ArchiveLoadFailed, zlib.error, EOFError, ValueError, OSError, AttributeError, TypeError, IndexError)


def read_warc(path: str, settings: Settings) -> Iterator[RawDocument | Skipped]:
    """Every HTML response of the WARC at `path` as a RawDocument; other responses as Skipped.

    Args:
        path: a .warc or .warc.gz file (gzip per record, as WARC writers produce).
        settings: bodies above `settings.ingest.max_bytes` are skipped as "too_large".
    Returns:
        an iterator of RawDocument(content_type="html", url=WARC-Target-URI, extra["warc_date"]) and Skipped.
    Example:
        >>> for record in read_warc("crawl.warc.gz", load_settings()): ...
    """
    counts: Counter[str] = Counter()
    with open(path, "rb") as stream:
        start = 0
        while start is not None:
            start = yield from _read_from(stream, start, path, settings, counts)
    log.info("%s: %s", path, ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())) or "no records")


def _read_from(
    stream: IO[bytes], start: int, path: str, settings: Settings, counts: Counter[str]
) -> Iterator[RawDocument | Skipped]:
    """Records from byte `start` on; returns where to resume after a corrupt record, or None at the end."""
    stream.seek(start)
    good_end = start
    iterator = ArchiveIterator(stream)
    try:
        for record in iterator:
            item = _record_item(record, path, settings, counts)
            if item is not None:
                yield item
            iterator.read_to_end(record)
            good_end = iterator.offset if iterator.offset > good_end else good_end
    except _CORRUPT as exc:
        counts["corrupt"] += 1
        yield Skipped(f"{path}@{good_end}", f"corrupt: {type(exc).__name__}: {_first_line(exc)}")
        return _next_boundary(stream, good_end + 1)
    if _unread_tail(stream, good_end):
        # warcio ends quietly at a truncated last gzip member; the bytes left over say it was cut short
        counts["corrupt"] += 1
        yield Skipped(f"{path}@{good_end}", "corrupt: truncated: the file ends inside a record")
        return _next_boundary(stream, good_end + 1)
    return None


def _unread_tail(stream: IO[bytes], good_end: int) -> bool:
    """True when non-blank bytes follow the end of the last record read completely."""
    stream.seek(good_end)
    while chunk := stream.read(_SCAN_CHUNK):
        if chunk.strip():
            return True
    return False


def _record_item(
    record: ArcWarcRecord, path: str, settings: Settings, counts: Counter[str]
) -> RawDocument | Skipped | None:
    """One WARC record: a RawDocument for an HTML 200 response, Skipped for other responses, None otherwise."""
    if record.format != "warc":
        raise ArchiveLoadFailed(f"not a WARC record (read as {record.format}): bad WARC header")
    kind = record.rec_type
    if kind != "response":
        counts[kind or "unknown"] += 1
        return None
    target = record.rec_headers.get_header("WARC-Target-URI") or ""
    ref = f"{path}::{record.rec_headers.get_header('WARC-Record-ID') or target}"
    if record.http_headers is None:
        counts["not_http"] += 1
        return Skipped(ref, "not_http: the response record has no HTTP headers")
    status = record.http_headers.get_statuscode()
    if status != "200":
        counts["http_error"] += 1
        return Skipped(ref, f"http_error: HTTP {status} for {target}")
    content_type = record.http_headers.get_header("Content-Type") or ""
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime not in HTML_TYPES:
        counts["not_html"] += 1
        return Skipped(ref, f"not_html: {mime or 'no content type'} at {target}")
    body = record.content_stream().read(settings.ingest.max_bytes + 1)
    if len(body) > settings.ingest.max_bytes:
        counts["too_large"] += 1
        return Skipped(ref, f"too_large: more than {settings.ingest.max_bytes} bytes")
    counts["html"] += 1
    return RawDocument(
        source_ref=ref,
        content=decode_bytes(body, declared=_charset(content_type)),
        content_type="html",
        url=target or None,
        extra={"warc_date": record.rec_headers.get_header("WARC-Date"), "http_content_type": mime},
    )


def _charset(content_type: str) -> str | None:
    """The `charset=` parameter of a Content-Type header, if any."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None


def _next_boundary(stream: IO[bytes], position: int) -> int | None:
    """Offset of the next gzip member or `WARC/1.` line at or after `position`, scanning in fixed-size chunks."""
    stream.seek(position)
    overlap = b""
    offset = position
    while chunk := stream.read(_SCAN_CHUNK):
        window = overlap + chunk
        hits = [i for i in (window.find(_GZIP_MAGIC), _line_start(window, _WARC_MAGIC)) if i >= 0]
        if hits:
            return offset - len(overlap) + min(hits)
        overlap = window[-8:]
        offset += len(chunk)
    return None


def _line_start(window: bytes, marker: bytes) -> int:
    """Index of `marker` at the start of a line in `window`, or -1."""
    index = window.find(b"\n" + marker)
    return index + 1 if index >= 0 else -1


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable record"


__all__ = ["read_warc"]
