"""Outlet name of a record: declared metadata, else the URL's host, else a guess from the file name."""

from __future__ import annotations

import re
from pathlib import PurePath
from urllib.parse import urlsplit

_HOST_PREFIXES = ("www.", "www2.", "m.", "amp.", "mobile.")
_STEM_SPLIT = re.compile(r"[_\-.\s]+")
_DOMAIN_PREFIX = re.compile(r"^((?:[a-z0-9-]+\.)+[a-z]{2,})[_\-]", re.I)


def outlet_for(declared: str | None, url: str | None, source_ref: str) -> str:
    """The outlet name for one record (empty when nothing tells)."""
    if declared and declared.strip():
        return declared.strip()
    host = host_of(url)
    if host:
        return host
    return outlet_from_file_name(source_ref)


def host_of(url: str | None) -> str:
    """Lower-cased host of `url` without a leading www./m./amp. label."""
    if not url:
        return ""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            return host[len(prefix):]
    return host


def outlet_from_file_name(source_ref: str) -> str:
    """A domain-like or word-like prefix of the file name (`bbc.co.uk_2024.html` -> bbc.co.uk), else ""."""
    name = PurePath(source_ref.split("#", 1)[0].split("::")[-1]).name
    domain = _DOMAIN_PREFIX.match(name)
    if domain:
        return domain.group(1).lower().removeprefix("www.")
    tokens = [t for t in _STEM_SPLIT.split(name.split(".")[0]) if t]
    # "reuters_2024_05_01" or "guardian-article-17": a leading word followed by numbers names the outlet
    if len(tokens) >= 2 and tokens[0].isalpha() and any(t.isdigit() for t in tokens[1:]):
        return tokens[0].lower()
    return ""
