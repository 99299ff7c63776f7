"""Attribution roles read by a small transformer: the lowest layers of MiniLM fine-tuned as a token tagger.

A paragraph's words are cut into WordPieces (at most four per word) and packed with the neighbouring paragraphs
into chunks of at most `MAX_PIECES`, so a word sees the text around it; a word's label probabilities are those of
its first piece. `model.AttributionTagger` blends them with the CRF's marginals: the CRF brings the cue lexicon
and hand-made features, the encoder the context. Trained by `bench/train_quotes_encoder.py`.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.analyze.attribution.tokens import Tok
from newsprism.errors import ModelError
from newsprism.minilm import fill_packed, native_bf16, wordpiece_tokenizer

ENCODER_FILE = "encoder.pt"
MAX_PIECES = 256
PIECES_PER_WORD = 4


@dataclass(slots=True)
class Chunk:
    """One model input: piece ids with [CLS] and [SEP], and where each word's first piece is."""

    ids: list[int]
    slots: list[tuple[int, int, int]]  # (paragraph, word, position in ids)


def word_pieces(tok: Any, words: list[str]) -> list[list[int]]:
    """Piece ids of each word (at most `PIECES_PER_WORD`; [UNK] for a word with none)."""
    pieces: list[list[int]] = [[] for _ in words]
    encoding = tok.encode(words, is_pretokenized=True, add_special_tokens=False)
    for word, piece in zip(encoding.word_ids, encoding.ids, strict=True):
        if word is not None and len(pieces[word]) < PIECES_PER_WORD:
            pieces[word].append(piece)
    unk = tok.token_to_id("[UNK]")
    return [p or [unk] for p in pieces]


def chunks(tok: Any, paragraphs: list[list[list[int]]]) -> list[Chunk]:
    """Consecutive paragraphs packed into chunks of at most MAX_PIECES ids, a [SEP] after each paragraph; a
    paragraph that does not fit in an empty chunk is cut between words."""
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    out: list[Chunk] = []
    current = Chunk([cls], [])

    def flush() -> None:
        nonlocal current
        if current.slots:
            if current.ids[-1] != sep:
                current.ids.append(sep)
            out.append(current)
        current = Chunk([cls], [])

    for p_index, words in enumerate(paragraphs):
        size = sum(len(p) for p in words) + 1
        if len(current.ids) + size > MAX_PIECES:
            flush()
        for w_index, pieces in enumerate(words):
            if len(current.ids) + len(pieces) + 1 > MAX_PIECES:
                flush()
            current.slots.append((p_index, w_index, len(current.ids)))
            current.ids.extend(pieces)
        current.ids.append(sep)
    flush()
    return out


def paragraph_chunks(tok: Any, paragraphs: list[list[Tok]]) -> list[Chunk]:
    """The chunks of an article's paragraphs of tokens (`word_pieces`, then `chunks`)."""
    return chunks(tok, [word_pieces(tok, [t.text for t in para]) for para in paragraphs])


def slot_index(batch: list[Chunk]) -> tuple[list[int], list[int]]:
    """(row, position) index lists picking every word's first piece out of a batch's outputs, words in order."""
    rows = [row for row, chunk in enumerate(batch) for _ in chunk.slots]
    positions = [position for chunk in batch for _, _, position in chunk.slots]
    return rows, positions


def build_model(layers: int, labels: int) -> Any:
    """The lowest `layers` MiniLM layers (package weights) with a fresh linear head over `labels` classes."""
    import torch

    from newsprism.minilm import minilm_layers

    class EncoderTagger(torch.nn.Module):
        """MiniLM layers, then one linear layer per piece to label logits."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = minilm_layers(layers)
            self.dropout = torch.nn.Dropout(self.encoder.config["hidden_dropout_prob"])
            self.head = torch.nn.Linear(self.encoder.config["hidden_size"], labels)

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.head(self.dropout(self.encoder(input_ids, attention_mask)))

    return EncoderTagger()


def batch_tensors(batch: list[Chunk]) -> tuple[Any, Any]:
    """Padded id and attention-mask tensors of a batch of chunks."""
    import torch

    width = max(len(c.ids) for c in batch)
    ids = torch.zeros(len(batch), width, dtype=torch.long)
    mask = torch.zeros(len(batch), width, dtype=torch.long)
    for row, chunk in enumerate(batch):
        ids[row, : len(chunk.ids)] = torch.tensor(chunk.ids)
        mask[row, : len(chunk.ids)] = 1
    return ids, mask


class AttributionEncoder:
    """The fine-tuned encoder: label probabilities for every word of an article's paragraphs.

    It computes in bfloat16 where the CPU has it, else in float32 (int8 dynamic quantization, as fast as bfloat16,
    cost 1.4 / 0.7 / 0.8 exact F1 on PolNeAR dev); one article's chunks form one batch, so an article's
    probabilities depend on nothing else.
    """

    def __init__(self, model: Any, labels: tuple[str, ...], weight: float, gate: float, layers: int,
                 bf16: bool = False) -> None:
        self.model = model
        self.bf16 = bf16
        self.labels = labels
        self.layers = layers
        self.weight = weight
        self.gate = gate
        self.tok = wordpiece_tokenizer()

    @classmethod
    def load(cls, path: Path) -> AttributionEncoder:
        """The encoder of `path`; ModelError when it cannot be read or does not fit."""
        import torch

        try:
            saved = torch.load(path, map_location="cpu", weights_only=True)
            labels = tuple(saved["labels"])
            layers, weight, gate = int(saved["layers"]), float(saved["weight"]), float(saved["gate"])
        except (OSError, RuntimeError, ValueError, KeyError, TypeError, pickle.UnpicklingError) as exc:
            raise ModelError(f"{path}: cannot load the attribution encoder: {exc}") from exc
        model = fill_packed(build_model(layers, len(labels)), saved["state"], f"attribution encoder {path}")
        return cls(model.eval(), labels, weight, gate, layers, bf16=native_bf16())

    def probabilities(self, paragraphs: list[list[Tok]]) -> np.ndarray:
        """A (words x labels) matrix of label probabilities, the words of all `paragraphs` in order."""
        import torch

        batch = paragraph_chunks(self.tok, paragraphs)
        if not batch:
            return np.zeros((0, len(self.labels)))
        ids, mask = batch_tensors(batch)
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
            probs = torch.softmax(self.model(ids, mask).float(), dim=-1).numpy()
        return probs[slot_index(batch)].astype(np.float64)


__all__ = ["AttributionEncoder", "Chunk", "ENCODER_FILE", "batch_tensors", "build_model", "chunks",
           "paragraph_chunks", "slot_index", "word_pieces", "wordpiece_tokenizer"]
