"""The trained attribution tagger: a linear-chain CRF (python-crfsuite) plus its learned cue-word lexicon.

The artifact lives in `newsprism/models_data/quotes/` and is written by `bench/train_quotes.py`.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from newsprism.analyze.attribution.features import Lexicon, paragraph_features
from newsprism.analyze.attribution.quotemarks import inside_mask, quoted_regions
from newsprism.analyze.attribution.tokens import Tok, paragraphs
from newsprism.errors import ModelError

MODEL_FILE = "attribution.crfsuite"
LEXICON_FILE = "lexicon.json"
LABELS = tuple(["O"] + [f"{tag}-{role}" for role in ("SRC", "CUE", "CON") for tag in "BILU"])


def artifact_dir() -> Path:
    """Where the artifact lives: $NEWSPRISM_QUOTES_MODEL (for benchmarking candidates), else the packaged one."""
    override = os.environ.get("NEWSPRISM_QUOTES_MODEL")
    if override:
        return Path(override)
    return Path(str(resources.files("newsprism").joinpath("models_data", "quotes")))


@dataclass(slots=True)
class TaggedParagraph:
    """One paragraph's tokens and their predicted labels, with the marginal of each chosen label (1.0 for O, which
    nothing reads: skipping it saves time)."""

    tokens: list[Tok]
    labels: list[str]
    confidence: list[float]


class AttributionTagger:
    """Tags tokens as source / cue / content with the trained CRF."""

    def __init__(self, directory: Path) -> None:
        model_path, lexicon_path = directory / MODEL_FILE, directory / LEXICON_FILE
        if not model_path.is_file() or not lexicon_path.is_file():
            raise ModelError(
                f"quote attribution model missing in {directory} (train it: python bench/train_quotes.py)"
            )
        try:
            import pycrfsuite
        except ImportError as exc:
            raise ModelError("python-crfsuite is not installed (pip install python-crfsuite)") from exc
        self.lexicon = read_lexicon(lexicon_path)
        self.cue_words: frozenset[str] = self.lexicon.cue_words
        self._model_path = str(model_path)
        self._local = threading.local()
        self._pycrfsuite = pycrfsuite
        self._tagger()  # fail now, not on first use, if the file is corrupt

    def _tagger(self):
        """One crfsuite Tagger per thread (they are not thread-safe)."""
        tagger = getattr(self._local, "tagger", None)
        if tagger is None:
            tagger = self._pycrfsuite.Tagger()
            try:
                tagger.open(self._model_path)
            except OSError as exc:
                raise ModelError(f"{self._model_path}: cannot load the attribution model: {exc}") from exc
            self._local.tagger = tagger
        return tagger

    def tag(self, text: str, tokens: list[Tok]) -> list[TaggedParagraph]:
        """Labels for every paragraph of `text` (tokens carry offsets into it)."""
        inside = inside_mask(len(text), quoted_regions(text))
        tagger = self._tagger()
        out = []
        for para in paragraphs(tokens):
            labels = list(tagger.tag(paragraph_features(para, inside, self.lexicon)))
            conf = [1.0 if label == "O" else tagger.marginal(label, i) for i, label in enumerate(labels)]
            out.append(TaggedParagraph(para, labels, conf))
        return out


def read_lexicon(path: Path) -> Lexicon:
    """The feature lexicon written by training (cue words, cue ratios, word classes, lemmas)."""
    try:
        data = json.loads(path.read_text("utf-8"))
        return Lexicon(
            cue_words=frozenset(data["cue_words"]),
            cue_ratio=dict(data.get("cue_ratio", {})),
            lemma_ratio=dict(data.get("lemma_ratio", {})),
            pos=dict(data.get("pos", {})),
            lemma=dict(data.get("lemma", {})),
            version=int(data.get("features", 1)),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{path}: cannot read the attribution lexicon: {exc}") from exc


@lru_cache(maxsize=2)
def load_tagger(directory: str | None = None) -> AttributionTagger:
    """The tagger from `directory` (default: the packaged artifact), loaded once per process."""
    return AttributionTagger(Path(directory) if directory else artifact_dir())
