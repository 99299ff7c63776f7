"""RawDocument -> Article: trafilatura for HTML, boilerplate-line removal for plain text, then metadata."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import UTC, datetime

from newsprism.ingest.boilerplate import RepeatedLines, clean_plain_text, strip_title_suffix
from newsprism.ingest.language import detect_language
from newsprism.ingest.outlet import outlet_for
from newsprism.ingest.raw import RawDocument
from newsprism.models import Article, Skipped, article_id_for, canonical_url, to_utc
from newsprism.settings import Settings

log = logging.getLogger(__name__)

_WORDS = re.compile(r"\w+", re.UNICODE)
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SURROGATE = re.compile("[\ud800-\udfff]")


def extract_article(raw: RawDocument, settings: Settings, repeated: RepeatedLines | None = None) -> Article | Skipped:
    """Clean one raw record into an Article, or say why it was skipped.

    Args:
        raw: one record as a reader yielded it.
        settings: `settings.ingest.min_words` / `max_bytes` apply.
        repeated: shared across a batch, drops short lines recurring in documents of one outlet.
    Returns:
        the Article (id from URL or text, `published` in UTC or None, `language` detected),
        or `Skipped(source_ref, reason)` ("too_large", "no_text", "too_short: N words").
    """
    if len(raw.content) > settings.ingest.max_bytes:
        return Skipped(raw.source_ref, f"too_large: {len(raw.content)} characters > {settings.ingest.max_bytes}")
    raw = _without_surrogates(raw)
    if raw.url is not None and not _valid_url(raw.url):
        return Skipped(raw.source_ref, f"bad_url: {raw.url!r} is not a valid URL")
    outlet = outlet_for(raw.outlet, raw.url, raw.source_ref)
    if raw.content_type == "html":
        parsed = _from_html(raw)
        if parsed is None:
            return Skipped(raw.source_ref, "no_text: no article text found in the HTML")
        text, title, author, published = parsed
    else:
        cleaned = clean_plain_text(raw.content, outlet, repeated)
        text, title, author, published = cleaned.text, cleaned.title, None, None
        if cleaned.masthead:
            outlet = outlet_for(raw.outlet, raw.url, raw.source_ref, cleaned.masthead)
    text = text.strip()
    words = len(_WORDS.findall(text))
    if words == 0:
        return Skipped(raw.source_ref, "no_text: the record has no text")
    if words < settings.ingest.min_words:
        return Skipped(raw.source_ref, f"too_short: {words} words < {settings.ingest.min_words}")
    return Article(
        id=article_id_for(raw.url, text),
        text=text,
        outlet=outlet,
        url=raw.url,
        title=(raw.title or title or "").strip(),
        author=raw.author or author,
        published=to_utc(raw.published) if raw.published else published,
        language=detect_language(text),
        source_ref=raw.source_ref,
        record_id=raw.extra.get("record_id"),
    )


def _without_surrogates(raw: RawDocument) -> RawDocument:
    """The record with lone UTF-16 surrogates (a JSON "\\ud800") as U+FFFD: they cannot be stored or hashed."""
    fields = {name: _SURROGATE.sub("\ufffd", value) for name in ("content", "url", "outlet", "title", "author")
              if isinstance(value := getattr(raw, name), str) and _SURROGATE.search(value)}
    return replace(raw, **fields) if fields else raw


def _valid_url(url: str) -> bool:
    try:
        canonical_url(url)
    except ValueError:  # "http://[::1" and other addresses urllib cannot split
        return False
    return True


def _from_html(raw: RawDocument) -> tuple[str, str, str | None, datetime | None] | None:
    """Main text (paragraphs split by blank lines), title, author and date of an HTML page; None if no text."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            raw.content, url=raw.url, with_metadata=True, include_comments=False, include_tables=False
        )
    except (ValueError, TypeError, AttributeError) as exc:
        # trafilatura raises these on markup lxml cannot build a tree from
        log.debug("%s: trafilatura failed: %s", raw.source_ref, exc)
        return None
    if doc is None or not (doc.text or "").strip():
        return None
    title = strip_title_suffix(doc.title or "")
    paragraphs = [" ".join(p.split()) for p in doc.text.split("\n") if p.strip()]
    if paragraphs and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    published = _parse_date(doc.date) or _htmldate(raw.content)
    return "\n\n".join(paragraphs), title, doc.author or None, published


def _htmldate(html: str) -> datetime | None:
    """Publication date by htmldate's original-date search, when trafilatura found none."""
    from htmldate import find_date

    try:
        found = find_date(html, original_date=True, extensive_search=False, outputformat="%Y-%m-%dT%H:%M:%S%z")
    except (ValueError, TypeError):
        return None
    return _parse_date(found)


def _parse_date(value: str | None) -> datetime | None:
    """An ISO date or datetime as UTC; a bare date is taken as midnight UTC."""
    if not value:
        return None
    try:
        if _DATE_ONLY.match(value):
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        return to_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None
