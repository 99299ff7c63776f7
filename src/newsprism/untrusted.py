"""Article text on a terminal: it is untrusted, so no markup is read from it and its control characters go."""

from __future__ import annotations

import re

from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def strip_controls(text: str) -> str:
    """The text without control characters: an escape sequence in an article must not retitle, recolour or clear
    the reader's terminal."""
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """A message that must stay on one line (one per bad input): line breaks and other control characters in a
    file name or record shown escaped ("a\\nb.txt")."""
    return _LINE_BREAKING.sub(lambda match: repr(match.group())[1:-1], text)


def safe_text(text: str, style: str = "") -> Text:
    """Untrusted text as a rich `Text`: no markup is read from it ("[/red]" in an outlet's name), no control
    characters."""
    return Text(strip_controls(text), style=style)


__all__ = ["one_line", "safe_text", "strip_controls"]
