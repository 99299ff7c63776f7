"""Outlet name of a record: declared metadata, else the URL's host, else the file name or the page's masthead."""

from __future__ import annotations

import re
from pathlib import PurePath
from urllib.parse import urlsplit

_HOST_PREFIXES = ("www.", "www2.", "m.", "amp.", "mobile.")
_STEM_SPLIT = re.compile(r"[_\-.\s]+")
_DOMAIN_PREFIX = re.compile(r"^((?:[a-z0-9-]+\.)+[a-z]{2,})[_\-]", re.I)
# words that name what a file is, not who published it ("article-2.txt", "sample_text.txt")
_GENERIC_FILE_WORDS = frozenset({
    "article", "articles", "story", "stories", "text", "txt", "page", "doc", "document", "file", "copy", "draft",
    "sample", "test", "input", "output", "untitled", "example", "item", "record", "data", "tmp", "temp", "new",
})


def outlet_for(declared: str | None, url: str | None, source_ref: str, masthead: str = "") -> str:
    """The outlet name for one record (empty when nothing tells).

    Order: declared metadata, the URL's host, a domain-like file name prefix, the masthead the plain-text
    cleaner found above the title, then a name spelled by the file name (`03-daily-lantern.txt`).

    Example:
        >>> outlet_for(None, None, "/news/03-daily-lantern.txt")
        'Daily Lantern'
    """
    if declared and declared.strip():
        return declared.strip()
    host = host_of(url)
    if host:
        return host
    domain = _domain_from_file_name(source_ref)
    if domain:
        return domain
    if masthead.strip():
        return " ".join(masthead.split())
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
    """A domain-like or word-like part of the file name, else "".

    `bbc.co.uk_2024.html` -> bbc.co.uk; `herald_2024_05_01.txt` -> herald; `03-daily-lantern.txt` -> Daily Lantern
    (two or more words around numbering, none of them a generic word such as "article").
    """
    domain = _domain_from_file_name(source_ref)
    if domain:
        return domain
    tokens = [t for t in _STEM_SPLIT.split(_file_name(source_ref).split(".")[0]) if t]
    # "reuters_2024_05_01" or "guardian-article-17": a leading word followed by numbers names the outlet
    if (len(tokens) >= 2 and tokens[0].isalpha() and any(t.isdigit() for t in tokens[1:])
            and (tokens[1].isdigit() or tokens[1].lower() in _GENERIC_FILE_WORDS)):
        return tokens[0].lower()
    while tokens and tokens[0].isdigit():
        tokens.pop(0)
    while tokens and tokens[-1].isdigit():
        tokens.pop()
    if len(tokens) >= 2 and all(t.isalpha() and t.lower() not in _GENERIC_FILE_WORDS for t in tokens):
        return " ".join(t.capitalize() for t in tokens)
    return ""


def _file_name(source_ref: str) -> str:
    """The file name of a source_ref (`path#L3`, `archive.zip::member.txt`)."""
    return PurePath(source_ref.split("#", 1)[0].split("::")[-1]).name


def _domain_from_file_name(source_ref: str) -> str:
    """`www.tribune.example_2024.html` -> tribune.example; "" when the name does not start with a domain."""
    domain = _DOMAIN_PREFIX.match(_file_name(source_ref))
    return domain.group(1).lower().removeprefix("www.") if domain else ""
