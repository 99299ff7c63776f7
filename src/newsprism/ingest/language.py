"""Language of an article's text (py3langid); non-English articles are kept and marked, never dropped."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

_SAMPLE_CHARS = 1500


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`'s language, or None when there are too few letters to tell."""
    sample = text[:_SAMPLE_CHARS]
    if sum(map(str.isalpha, sample)) < 20:
        return None
    import py3langid

    code, _score = py3langid.classify(sample)
    return str(code)
