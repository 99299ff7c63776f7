"""Polite HTTP fetching: timeouts, retries with backoff, bounded redirects, size and type limits, robots.txt, ETags.

`fetch_url` returns one page as a RawDocument (or a Skipped saying why); `read_url` also expands RSS/Atom feeds
into their entries. Validators (ETag / Last-Modified) live in the store's kv table under namespace "http", so a
repeated fetch of an unchanged URL costs one 304 and yields `Skipped(url, "not_modified")`.

Validators are never written while fetching: a record carries them in `extra[VALIDATORS_KEY]` (its own page)
and `extra[SOURCE_VALIDATORS_KEY]` (the feed it came from), and the caller saves them with `save_validators`
in the transaction that commits the article (a feed's once all its entries are committed). A crash between
fetch and store therefore never leaves a validator for an article that was not stored.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from newsprism.ingest.encoding import decode_bytes
from newsprism.ingest.raw import RawDocument
from newsprism.ingest.robots import DEFAULT_ROBOTS, RobotsCache
from newsprism.models import Skipped
from newsprism.settings import Settings
from newsprism.store import Store

log = logging.getLogger(__name__)

HTTP_NAMESPACE = "http"
VALIDATORS_KEY = "http_validators"                 # extra: validators of the record's own page
SOURCE_VALIDATORS_KEY = "http_source_validators"   # extra: validators of the feed the record came from
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
TEXT_TYPES = HTML_TYPES | FEED_TYPES | {"text/plain", "text/xml", "application/xml", ""}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.I)
_HTML_ROOT = re.compile(rb"<(?:!doctype\s+html|html|body)[\s>]", re.I)


@dataclass(slots=True)
class Fetched:
    """A successful fetch: the body as bytes plus what the response said about it."""

    requested_url: str
    url: str                    # after redirects
    body: bytes
    mime: str
    charset: str | None
    validators: dict[str, str] = field(default_factory=dict)

    @property
    def is_feed(self) -> bool:
        """An RSS/Atom/RDF feed by its declared type, else by its root element."""
        if self.mime in FEED_TYPES:
            return True
        if self.mime in HTML_TYPES:
            return False
        head = self.body[:2048]
        return bool(_FEED_ROOT.search(head)) and not _HTML_ROOT.search(head)

    def text(self) -> str:
        """The body decoded with the HTTP charset, else the meta/XML charset, else detection."""
        return decode_bytes(self.body, declared=self.charset)


@dataclass(slots=True)
class _Redirect:
    location: str


class _Retryable(Exception):
    """A failure worth another attempt (connect error, 5xx); the message becomes the Skipped reason."""


def make_client(settings: Settings) -> httpx.Client:
    """One httpx client with our timeouts and User-Agent; redirects are followed by hand (bounded, loop-checked)."""
    return httpx.Client(
        timeout=httpx.Timeout(settings.ingest.timeout_s),
        headers={"User-Agent": settings.ingest.user_agent},
        follow_redirects=False,
    )


def fetch_url(
    url: str, settings: Settings, store: Store | None = None, *, client: httpx.Client | None = None
) -> RawDocument | Skipped:
    """Fetch one page as a RawDocument, or say why not.

    Args:
        url: an http(s) URL.
        settings: `settings.ingest` timeouts, retries, size limit, User-Agent, robots switch.
        store: where ETag/Last-Modified are remembered for conditional GET (None: always a full GET).
        client: a shared httpx client (one is made and closed per call when absent).
    Returns:
        RawDocument(content_type "html" or "text", url = final URL), or Skipped with a reason starting with
        not_modified, robots_disallowed, robots_unreachable, too_large, unsupported_type, timeout, redirect_loop, too_many_redirects,
        http_error, fetch_error or bad_url.

    Example:
        >>> fetch_url("https://example.org/a.html", load_settings())
    """
    result = fetch_bytes(url, settings, store, client=client)
    return result if isinstance(result, Skipped) else raw_document(result)


def read_url(url: str, settings: Settings, store: Store | None = None) -> Iterator[RawDocument | Skipped]:
    """A page as one record, or a feed (by content type or sniffing) as one record per entry."""
    with make_client(settings) as client:
        result = fetch_bytes(url, settings, store, client=client)
        if isinstance(result, Skipped):
            yield result
        elif result.is_feed:
            from newsprism.ingest.feeds import feed_entries

            yield from feed_entries(result, settings, store, client=client)
        else:
            yield raw_document(result)


def raw_document(fetched: Fetched) -> RawDocument:
    """The fetched body as a RawDocument: HTML by type or by sniffing, plain text otherwise."""
    is_html = fetched.mime in HTML_TYPES or (
        fetched.mime not in FEED_TYPES and bool(_HTML_ROOT.search(fetched.body[:4096]))
    )
    return RawDocument(
        source_ref=fetched.url,
        content=fetched.text(),
        content_type="html" if is_html else "text",
        url=fetched.url,
        extra={
            "http_content_type": fetched.mime,
            "requested_url": fetched.requested_url,
            VALIDATORS_KEY: validator_items(fetched),
        },
    )


def fetch_bytes(
    url: str,
    settings: Settings,
    store: Store | None = None,
    *,
    client: httpx.Client | None = None,
    robots: RobotsCache | None = None,
) -> Fetched | Skipped:
    """The body of `url` after bounded redirects, or Skipped; validators are sent, not saved (see module doc)."""
    robots = robots or DEFAULT_ROBOTS
    if urlsplit(url).scheme not in ("http", "https"):
        return Skipped(url, "bad_url: only http and https URLs can be fetched")
    with contextlib.ExitStack() as stack:
        if client is None:
            client = stack.enter_context(make_client(settings))
        seen = {url}
        current = url
        for _hop in range(settings.ingest.max_redirects + 1):
            if settings.ingest.respect_robots:
                refusal = robots.refusal(client, current, settings.ingest.user_agent)
                if refusal is not None:
                    return Skipped(url, refusal)
            outcome = _get_with_retries(client, current, settings, _validators(store, current))
            if isinstance(outcome, Skipped):
                return Skipped(url, outcome.reason)
            if isinstance(outcome, Fetched):
                outcome.requested_url = url
                return outcome
            target = urljoin(current, outcome.location)
            if target in seen:
                return Skipped(url, f"redirect_loop: {current} redirects back to {target}")
            seen.add(target)
            current = target
        return Skipped(url, f"too_many_redirects: more than {settings.ingest.max_redirects}")


def _get_with_retries(
    client: httpx.Client, url: str, settings: Settings, conditional: dict[str, str]
) -> Fetched | _Redirect | Skipped:
    """One GET, repeated after connect errors and 5xx with exponential backoff."""
    attempts = settings.ingest.retries + 1
    for attempt in range(attempts):
        try:
            return _get_once(client, url, settings, conditional)
        except _Retryable as exc:
            if attempt + 1 == attempts:
                return Skipped(url, f"{exc} (after {attempts} attempts)")
            delay = settings.ingest.backoff_s * 2**attempt
            log.info("%s: %s; retrying in %.2fs", url, exc, delay)
            time.sleep(delay)
    raise AssertionError("unreachable: the loop returns on its last attempt")


def _get_once(client: httpx.Client, url: str, settings: Settings, conditional: dict[str, str]) -> Fetched | _Redirect | Skipped:
    """One streamed GET: status, type and size are checked before and while the body is read."""
    try:
        with client.stream("GET", url, headers=conditional) as response:
            return _read_response(response, url, settings)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError) as exc:
        raise _Retryable(f"fetch_error: {type(exc).__name__}: {exc}") from exc
    except httpx.TimeoutException:
        return Skipped(url, f"timeout: no complete response within {settings.ingest.timeout_s}s")
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        return Skipped(url, f"bad_url: {exc}")
    except httpx.HTTPError as exc:
        return Skipped(url, f"fetch_error: {type(exc).__name__}: {exc}")


def _read_response(response: httpx.Response, url: str, settings: Settings) -> Fetched | _Redirect | Skipped:
    """Interpret one response; the body is read only for a 200 of an accepted type, and only up to max_bytes."""
    status = response.status_code
    if status == 304:
        return Skipped(url, "not_modified")
    if status in _REDIRECTS and response.headers.get("location"):
        return _Redirect(response.headers["location"])
    if status in _RETRY_STATUSES:
        raise _Retryable(f"http_error: HTTP {status}")
    if status != 200:
        return Skipped(url, f"http_error: HTTP {status}")
    mime = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if mime not in TEXT_TYPES:
        return Skipped(url, f"unsupported_type: {mime}")
    limit = settings.ingest.max_bytes
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return Skipped(url, f"too_large: Content-Length {declared} > {limit} bytes")
    body = _read_limited(response, url, settings)
    if isinstance(body, Skipped):
        return body
    if mime == "" and body[:4].startswith((b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8")):
        return Skipped(url, "unsupported_type: binary content without a Content-Type")
    validators = {k: response.headers[h] for k, h in (("etag", "etag"), ("last_modified", "last-modified"))
                  if response.headers.get(h)}
    return Fetched(url, str(response.url), body, mime, response.charset_encoding, validators)


def _read_limited(response: httpx.Response, url: str, settings: Settings) -> bytes | Skipped:
    """The body in chunks: stop at max_bytes (too_large) or when the whole read outlasts the timeout."""
    limit, deadline = settings.ingest.max_bytes, time.monotonic() + settings.ingest.timeout_s
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            return Skipped(url, f"too_large: more than {limit} bytes")
        if time.monotonic() > deadline:
            return Skipped(url, f"timeout: body not complete within {settings.ingest.timeout_s}s")
        chunks.append(chunk)
    return b"".join(chunks)


def _validators(store: Store | None, url: str) -> dict[str, str]:
    """If-None-Match / If-Modified-Since headers from the validators saved for `url`."""
    if store is None:
        return {}
    saved = store.get_value(HTTP_NAMESPACE, url)
    if not saved:
        return {}
    try:
        values = json.loads(saved)
    except ValueError:
        log.warning("%s: unreadable saved HTTP validators; fetching in full", url)
        return {}
    headers = {}
    if values.get("etag"):
        headers["If-None-Match"] = values["etag"]
    if values.get("last_modified"):
        headers["If-Modified-Since"] = values["last_modified"]
    return headers


def is_transient(reason: str) -> bool:
    """A skip worth retrying on the next run (timeout, network error, 5xx/429, robots.txt unreachable).

    A feed with such an entry must not be remembered as seen, or the next conditional GET (304) would hide it.
    """
    if reason.startswith(("timeout", "fetch_error", "robots_unreachable")):
        return True
    status = re.match(r"http_error: HTTP (\d+)", reason)
    return status is not None and int(status.group(1)) in _RETRY_STATUSES


def validator_items(fetched: Fetched) -> list[tuple[str, str]]:
    """(URL, saved validators) pairs for the final URL and the requested one; empty without ETag/Last-Modified."""
    if not fetched.validators:
        return []
    value = json.dumps(fetched.validators)
    return [(u, value) for u in sorted({fetched.url, fetched.requested_url})]


def pending_validators(record: RawDocument, *, source: bool = False) -> list[tuple[str, str]]:
    """The validators `record` carries: its own page's, or (source=True) those of the feed it came from."""
    items = record.extra.get(SOURCE_VALIDATORS_KEY if source else VALIDATORS_KEY) or []
    return [(str(key), str(value)) for key, value in items]


def save_validators(store: Store, items: list[tuple[str, str]]) -> None:
    """Remember validators for the next conditional GET; call it inside the transaction that stores the article."""
    if items:
        store.put_values(HTTP_NAMESPACE, items)


__all__ = [
    "HTTP_NAMESPACE",
    "SOURCE_VALIDATORS_KEY",
    "VALIDATORS_KEY",
    "Fetched",
    "fetch_bytes",
    "fetch_url",
    "is_transient",
    "make_client",
    "pending_validators",
    "raw_document",
    "read_url",
    "save_validators",
    "validator_items",
]
