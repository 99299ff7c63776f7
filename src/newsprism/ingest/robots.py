"""robots.txt rules, fetched once per host and cached, so every URL fetch can ask `allowed(url)` cheaply."""

from __future__ import annotations

import logging
import threading
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

log = logging.getLogger(__name__)

_MAX_ROBOTS_BYTES = 512_000


class RobotsCache:
    """Parsed robots.txt per scheme://host:port; a missing or unreadable file allows everything."""

    def __init__(self) -> None:
        self._parsers: dict[str, RobotFileParser | None] = {}
        self._lock = threading.Lock()

    def allowed(self, client: httpx.Client, url: str, user_agent: str) -> bool:
        """True when robots.txt of `url`'s host lets `user_agent` fetch it."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            cached = origin in self._parsers
            parser = self._parsers.get(origin)
        if not cached:
            parser = _load(client, origin, user_agent)
            with self._lock:
                self._parsers[origin] = parser
        return parser is None or parser.can_fetch(_agent_token(user_agent), url)

    def clear(self) -> None:
        """Forget every host's rules (a long `watch` run refreshes them this way)."""
        with self._lock:
            self._parsers.clear()


def _agent_token(user_agent: str) -> str:
    """The product token robots.txt groups match against: `newsprism/0.1 (+...)` -> `newsprism`."""
    return user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else "*"


def _load(client: httpx.Client, origin: str, user_agent: str) -> RobotFileParser | None:
    """robots.txt of one origin; None (allow all) when it is absent, an error page or unreachable."""
    robots_url = f"{origin}/robots.txt"
    try:
        response = client.get(robots_url, headers={"User-Agent": user_agent}, follow_redirects=True)
    except httpx.HTTPError as exc:
        log.info("%s: unreachable (%s); allowing all paths", robots_url, type(exc).__name__)
        return None
    if response.status_code != 200:
        log.debug("%s: HTTP %d; allowing all paths", robots_url, response.status_code)
        return None
    parser = RobotFileParser(robots_url)
    parser.parse(response.content[:_MAX_ROBOTS_BYTES].decode("utf-8", "replace").splitlines())
    return parser


DEFAULT_ROBOTS = RobotsCache()

__all__ = ["DEFAULT_ROBOTS", "RobotsCache"]
