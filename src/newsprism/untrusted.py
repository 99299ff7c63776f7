"""Article text on a terminal: it is untrusted, so no markup is read from it and its control characters go."""

from __future__ import annotations

import re

from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """The text without control characters: an escape sequence in an article must not retitle, recolour or clear
    the reader's terminal."""
    return _CONTROL.sub("", text)


def safe_text(text: str, style: str = "") -> Text:
    """Untrusted text as a rich `Text`: no markup is read from it ("[/red]" in an outlet's name), no control
    characters."""
    return Text(strip_controls(text), style=style)


__all__ = ["safe_text", "strip_controls"]
