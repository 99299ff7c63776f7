"""Bytes to text: BOM, then a declared HTML/XML charset, then UTF-8 (strict, or with a few stray bytes), then
charset-normalizer."""

from __future__ import annotations

import codecs
import logging
import re

log = logging.getLogger(__name__)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode `data` without ever raising: undecodable bytes become U+FFFD as a last resort."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    for candidate in (declared, _declared_charset(data)):
        if candidate and _known_codec(candidate):
            try:
                return data.decode(candidate)
            except (UnicodeDecodeError, LookupError):
                log.debug("declared charset %s does not fit the bytes", candidate)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _mostly_utf8(data) or _detected(data)


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few stray bytes, decoded as UTF-8 (the stray bytes as U+FFFD), else None: a guessed
    charset would garble every accented name of the file ("Brändt" -> "BrÃ¤ndt") to save one byte."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = sum(1 for char in text if char > "\x7f" and char != "\ufffd")
    return text if good >= max(1, 2 * bad) else None


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML meta tag or XML declaration names in the first 4 KB, if any."""
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    return (match.group(1) or match.group(2)).decode("ascii", "ignore").lower()


def _known_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _detected(data: bytes) -> str:
    """charset-normalizer's best guess; UTF-8 with replacement characters when it has none."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        return data.decode(best.encoding, errors="replace")
    return data.decode("utf-8", errors="replace")
