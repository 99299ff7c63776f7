"""The trained attribution tagger: a linear-chain CRF (python-crfsuite) with its learned cue-word lexicon, blended
with a small fine-tuned transformer when the artifact has one.

Blend: in a paragraph where the CRF is unsure (its least sure label's marginal is below the encoder's `gate`),
per word w * log P_encoder + (1 - w) * log P_crf (the CRF's marginals), then the best label sequence that is
valid BILOU (Viterbi with only the allowed transitions); elsewhere the CRF's own labels. The gate keeps the
encoder to about half of the words, hence the speed. The artifact lives in `newsprism/models_data/quotes/` and
is written by `bench/train_quotes.py` (CRF) and `bench/train_quotes_encoder.py` (encoder).
"""

from __future__ import annotations

import itertools
import json
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from newsprism.analyze.attribution.encoder import ENCODER_FILE, AttributionEncoder
from newsprism.analyze.attribution.features import Lexicon, paragraph_features
from newsprism.analyze.attribution.quotemarks import inside_mask, quoted_regions
from newsprism.analyze.attribution.tokens import Tok, paragraphs
from newsprism.analyze.attribution.viterbi import best_path, bilou_moves
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
    """One paragraph's tokens and their predicted labels, with the probability of each chosen label (1.0 for O,
    which nothing reads: skipping it saves time)."""

    tokens: list[Tok]
    labels: list[str]
    confidence: list[float]


class AttributionTagger:
    """Tags tokens as source / cue / content with the trained CRF, blended with the encoder when there is one."""

    def __init__(self, directory: Path, use_encoder: bool = False) -> None:
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
        encoder_path = directory / ENCODER_FILE
        self.encoder = AttributionEncoder.load(encoder_path) if use_encoder and encoder_path.is_file() else None
        if self.encoder is not None and self.encoder.labels != LABELS:
            raise ModelError(f"{encoder_path}: labels {self.encoder.labels} differ from the CRF's {LABELS}")

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
        paras = paragraphs(tokens)
        gate = self.encoder.gate if self.encoder is not None else 0.0
        out, unsure, crf_probs = [], [], []
        for p_index, para in enumerate(paras):
            labels = list(tagger.tag(paragraph_features(para, inside, self.lexicon)))
            conf = [tagger.marginal(label, i) if gate or label != "O" else 1.0 for i, label in enumerate(labels)]
            if min(conf, default=1.0) < gate:
                unsure.append(p_index)
                crf_probs.append([tagger.marginal(label, i) for i in range(len(para)) for label in LABELS])
            conf = [1.0 if label == "O" else c for label, c in zip(labels, conf, strict=True)]
            out.append(TaggedParagraph(para, labels, conf))
        if unsure:
            crf = np.fromiter(itertools.chain.from_iterable(crf_probs), dtype=np.float64).reshape(-1, len(LABELS))
            self._blend(out, unsure, crf)
        return out

    def _blend(self, out: list[TaggedParagraph], unsure: list[int], crf: np.ndarray) -> None:
        """Relabel the `unsure` paragraphs of `out` from the encoder's and the CRF's (`crf`) label probabilities."""
        weight = self.encoder.weight
        encoder_probs = self.encoder.probabilities([out[p].tokens for p in unsure])
        scores = weight * np.log(encoder_probs + 1e-9) + (1 - weight) * np.log(crf + 1e-9)
        start = 0
        for p_index in unsure:
            para = out[p_index].tokens
            end = start + len(para)
            path = bilou_viterbi(scores[start:end])
            chosen = np.where(path == 0, 1.0, np.exp(scores[np.arange(start, end), path]))
            out[p_index] = TaggedParagraph(para, [LABELS[j] for j in path], chosen.tolist())
            start = end


_MOVES = bilou_moves(LABELS)


def bilou_viterbi(scores: np.ndarray) -> np.ndarray:
    """The label indices with the highest total score (words x labels) that form valid BILOU spans."""
    return best_path(np.ascontiguousarray(scores, dtype=np.float64), *_MOVES)


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


@lru_cache(maxsize=4)
def load_tagger(directory: str | None = None, use_encoder: bool = False) -> AttributionTagger:
    """The tagger from `directory` (default: the packaged artifact), loaded once per process; `use_encoder` adds
    the artifact's encoder when it has one (`analyze.quote_encoder`)."""
    return AttributionTagger(Path(directory) if directory else artifact_dir(), use_encoder)
