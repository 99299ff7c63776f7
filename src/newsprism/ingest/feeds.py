"""RSS/Atom feeds: each entry becomes the linked article page, or the entry's own HTML when the page fails.

feedparser only parses bytes we fetched ourselves (never a URL), so timeouts, robots.txt, size limits and
conditional GET of `newsprism.ingest.http` apply to feeds and pages alike.
"""

from __future__ import annotations

import calendar
import html
import io
import logging
from collections.abc import Iterator
from datetime import UTC, datetime

import feedparser
import httpx

from newsprism.ingest.http import (
    SOURCE_VALIDATORS_KEY,
    Fetched,
    fetch_bytes,
    fetch_url,
    make_client,
    validator_items,
)
from newsprism.ingest.raw import RawDocument
from newsprism.models import Skipped
from newsprism.settings import Settings
from newsprism.store import Store

log = logging.getLogger(__name__)

# A page skipped for these reasons is not retried from the feed's summary: nothing new, or forbidden on purpose.
_NO_FALLBACK = ("not_modified",)


def read_feed(url: str, settings: Settings, store: Store | None = None) -> Iterator[RawDocument | Skipped]:
    """One record per entry of the feed at `url`; an unchanged feed (HTTP 304) yields `Skipped(url, "not_modified")`.

    Args:
        url: an RSS or Atom feed URL.
        settings: `settings.ingest` limits for the feed and every linked page.
        store: the saved ETag/Last-Modified of the feed and pages are sent, so a repeated poll fetches nothing
            new; the caller saves new ones after storing (`http.save_validators`).
    Example:
        >>> for record in read_feed("https://example.org/rss.xml", settings, store): ...
    """
    with make_client(settings) as client:
        fetched = fetch_bytes(url, settings, store, client=client)
        if isinstance(fetched, Skipped):
            yield fetched
            return
        yield from feed_entries(fetched, settings, store, client=client)


def feed_entries(
    feed: Fetched, settings: Settings, store: Store | None, *, client: httpx.Client | None = None
) -> Iterator[RawDocument | Skipped]:
    """The entries of an already fetched feed, each with its page (or its own content as a fallback)."""
    parsed = feedparser.parse(io.BytesIO(feed.body), response_headers=_headers_for(feed))
    if parsed.bozo and not parsed.entries:
        yield Skipped(feed.url, f"bad_feed: {type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}")
        return
    feed_title = parsed.feed.get("title")
    feed_validators = validator_items(feed)
    for index, entry in enumerate(parsed.entries):
        record = _entry_record(feed.url, index, entry, feed_title, settings, store, client)
        if isinstance(record, RawDocument):
            # saved by the caller once every entry of this feed is committed (never before)
            record.extra[SOURCE_VALIDATORS_KEY] = feed_validators
        yield record


def _headers_for(feed: Fetched) -> dict[str, str]:
    """The HTTP content type (with charset) so feedparser decodes the bytes as the server declared."""
    charset = f"; charset={feed.charset}" if feed.charset else ""
    return {"content-type": f"{feed.mime or 'application/xml'}{charset}", "content-location": feed.url}


def _entry_record(
    feed_url: str,
    index: int,
    entry: feedparser.FeedParserDict,
    feed_title: str | None,
    settings: Settings,
    store: Store | None,
    client: httpx.Client | None,
) -> RawDocument | Skipped:
    """The linked page with the entry's metadata, else the entry's content/summary HTML, else a Skipped."""
    link = (entry.get("link") or "").strip()
    ref = link or f"{feed_url}#entry{index}"
    page: RawDocument | Skipped | None = fetch_url(link, settings, store, client=client) if link else None
    if isinstance(page, Skipped) and page.reason.startswith(_NO_FALLBACK):
        return page
    if isinstance(page, RawDocument):
        record = page
        record.extra["from"] = "page"
    else:
        fragment = _entry_html(entry)
        if not fragment:
            reason = page.reason if isinstance(page, Skipped) else "no_text: the entry has no link and no content"
            return Skipped(ref, reason)
        if isinstance(page, Skipped):
            log.info("%s: page failed (%s); using the feed entry's own content", link, page.reason)
        record = RawDocument(source_ref=ref, content=_as_document(fragment, entry.get("title") or ""),
                             content_type="html", url=link or None, extra={"from": "feed"})
    record.title = (entry.get("title") or "").strip() or record.title
    record.author = (entry.get("author") or "").strip() or record.author
    record.published = _entry_date(entry) or record.published
    record.extra.update({"feed_url": feed_url, "feed_title": feed_title, "entry_id": entry.get("id")})
    return record


def _entry_html(entry: feedparser.FeedParserDict) -> str:
    """The longest of the entry's content blocks and its summary (HTML or text)."""
    blocks = [c.get("value", "") for c in entry.get("content", [])] + [entry.get("summary", "")]
    return max(blocks, key=len).strip()


def _as_document(fragment: str, title: str) -> str:
    """An entry's HTML fragment wrapped as a page, so the HTML extractor finds a body and an article in it."""
    return (f"<html><head><title>{html.escape(title)}</title></head>"
            f"<body><article>{fragment}</article></body></html>")


def _entry_date(entry: feedparser.FeedParserDict) -> datetime | None:
    """Published (else updated) date of the entry in UTC; feedparser gives it as a UTC struct_time."""
    moment = entry.get("published_parsed") or entry.get("updated_parsed")
    if not moment:
        return None
    return datetime.fromtimestamp(calendar.timegm(moment), tz=UTC)


__all__ = ["feed_entries", "read_feed"]
