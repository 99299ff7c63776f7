"""robots.txt rules, fetched once per host and cached, so every URL fetch can ask `refusal(url)` cheaply.

Failures follow RFC 9309 section 2.3.1: a 4xx answer means the file is *unavailable* and everything is allowed;
a 5xx answer or a network error means it is *unreachable* and the whole host is disallowed (for this run: the
cache is per process, and `watch` clears it once per poll).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

log = logging.getLogger(__name__)

_MAX_ROBOTS_BYTES = 512_000


@dataclass(frozen=True, slots=True)
class _Unreachable:
    """robots.txt could not be read (5xx or network error): every path of the host is disallowed."""

    reason: str


_Rules = RobotFileParser | _Unreachable | None     # None: unavailable (4xx) or empty, everything allowed


class RobotsCache:
    """Parsed robots.txt per scheme://host:port, with the RFC 9309 meaning of errors (see module doc)."""

    def __init__(self) -> None:
        self._rules: dict[str, _Rules] = {}
        self._lock = threading.Lock()

    def refusal(self, client: httpx.Client, url: str, user_agent: str) -> str | None:
        """None when `user_agent` may fetch `url`, else the Skipped reason (robots_disallowed / robots_unreachable)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            cached = origin in self._rules
            rules = self._rules.get(origin)
        if not cached:
            rules = _load(client, origin, user_agent)
            with self._lock:
                self._rules[origin] = rules
        if isinstance(rules, _Unreachable):
            return f"robots_unreachable: {origin}/robots.txt {rules.reason}; the host is skipped for this run"
        if rules is not None and not rules.can_fetch(_agent_token(user_agent), url):
            return f"robots_disallowed: robots.txt forbids {url}"
        return None

    def allowed(self, client: httpx.Client, url: str, user_agent: str) -> bool:
        """True when robots.txt of `url`'s host lets `user_agent` fetch it (an unreachable file allows nothing)."""
        return self.refusal(client, url, user_agent) is None

    def clear(self) -> None:
        """Forget every host's rules (a long `watch` run refreshes them this way)."""
        with self._lock:
            self._rules.clear()


def _agent_token(user_agent: str) -> str:
    """The product token robots.txt groups match against: `newsprism/0.1 (+...)` -> `newsprism`."""
    return user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else "*"


def _load(client: httpx.Client, origin: str, user_agent: str) -> _Rules:
    """robots.txt of one origin: parsed rules, None (4xx: allow all) or _Unreachable (5xx, network error)."""
    robots_url = f"{origin}/robots.txt"
    try:
        response = client.get(robots_url, headers={"User-Agent": user_agent}, follow_redirects=True)
    except httpx.TooManyRedirects:
        log.debug("%s: too many redirects (unavailable); allowing all paths", robots_url)
        return None
    except httpx.HTTPError as exc:
        log.info("%s: unreachable (%s); disallowing the host", robots_url, type(exc).__name__)
        return _Unreachable(f"unreachable ({type(exc).__name__})")
    status = response.status_code
    if status >= 500:
        log.info("%s: HTTP %d; disallowing the host", robots_url, status)
        return _Unreachable(f"answered HTTP {status}")
    if 400 <= status < 500:
        log.debug("%s: HTTP %d (unavailable); allowing all paths", robots_url, status)
        return None
    if status != 200:
        # a 3xx left over after the redirects httpx follows, or a 1xx/2xx without a body: nothing to obey
        log.debug("%s: HTTP %d; allowing all paths", robots_url, status)
        return None
    parser = RobotFileParser(robots_url)
    parser.parse(response.content[:_MAX_ROBOTS_BYTES].decode("utf-8", "replace").splitlines())
    return parser


DEFAULT_ROBOTS = RobotsCache()

__all__ = ["DEFAULT_ROBOTS", "RobotsCache"]
