"""MiniLM's BERT encoder in plain torch, for every MiniLM model newsprism runs: same layers, same parameter names
and the same numbers as `transformers.BertModel`, without importing transformers (2-5 s of start-up here).

Only what the sentence embedder, the taggers and the pair cross-encoder use: absolute positions, GELU, an attention
mask for padding, segment ids for a pair.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional


class _Embeddings(nn.Module):
    def __init__(self, config: dict) -> None:
        super().__init__()
        hidden = config["hidden_size"]
        self.word_embeddings = nn.Embedding(config["vocab_size"], hidden, padding_idx=config.get("pad_token_id", 0))
        self.position_embeddings = nn.Embedding(config["max_position_embeddings"], hidden)
        self.token_type_embeddings = nn.Embedding(config["type_vocab_size"], hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=config["layer_norm_eps"])  # noqa: N815 (BertModel's name)
        self.dropout = nn.Dropout(config["hidden_dropout_prob"])

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor | None = None) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        summed = self.word_embeddings(input_ids) + self.position_embeddings(positions)[None]
        if token_type_ids is None:
            summed = summed + self.token_type_embeddings.weight[0]
        else:
            summed = summed + self.token_type_embeddings(token_type_ids)
        return self.dropout(self.LayerNorm(summed))


class _SelfAttention(nn.Module):
    def __init__(self, hidden: int) -> None:
        super().__init__()
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)


class _Output(nn.Module):
    """A projection, dropout, then LayerNorm over the residual sum (BertModel's `*Output` blocks)."""

    def __init__(self, size_in: int, hidden: int, eps: float, dropout: float) -> None:
        super().__init__()
        self.dense = nn.Linear(size_in, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=eps)  # noqa: N815 (BertModel's name)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class _Attention(nn.Module):
    def __init__(self, config: dict) -> None:
        super().__init__()
        hidden = config["hidden_size"]
        self.heads = config["num_attention_heads"]
        self.attention_dropout = config["attention_probs_dropout_prob"]
        self.self = _SelfAttention(hidden)
        self.output = _Output(hidden, hidden, config["layer_norm_eps"], config["hidden_dropout_prob"])

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        batch, length, hidden = x.shape

        def heads(t: torch.Tensor) -> torch.Tensor:
            return t.view(batch, length, self.heads, hidden // self.heads).transpose(1, 2)

        mixed = functional.scaled_dot_product_attention(
            heads(self.self.query(x)), heads(self.self.key(x)), heads(self.self.value(x)), attn_mask=bias,
            dropout_p=self.attention_dropout if self.training else 0.0,
        )
        return self.output(mixed.transpose(1, 2).reshape(batch, length, hidden), x)


class _Intermediate(nn.Module):
    def __init__(self, config: dict) -> None:
        super().__init__()
        self.dense = nn.Linear(config["hidden_size"], config["intermediate_size"])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return functional.gelu(self.dense(x))


class _Layer(nn.Module):
    def __init__(self, config: dict) -> None:
        super().__init__()
        self.attention = _Attention(config)
        self.intermediate = _Intermediate(config)
        self.output = _Output(config["intermediate_size"], config["hidden_size"], config["layer_norm_eps"],
                              config["hidden_dropout_prob"])

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        attended = self.attention(x, bias)
        return self.output(self.intermediate(attended), attended)


class _Layers(nn.Module):
    def __init__(self, config: dict, count: int) -> None:
        super().__init__()
        self.layer = nn.ModuleList(_Layer(config) for _ in range(count))


class BertEncoder(nn.Module):
    """Token vectors (batch x length x hidden) of a BERT encoder; parameter names as in `BertModel`."""

    def __init__(self, config: dict, layers: int | None = None) -> None:
        super().__init__()
        if config.get("hidden_act", "gelu") != "gelu" or config.get("position_embedding_type",
                                                                     "absolute") != "absolute":
            raise ValueError("only absolute positions and GELU are supported")
        self.config = config
        self.embeddings = _Embeddings(config)
        self.encoder = _Layers(config, config["num_hidden_layers"] if layers is None else layers)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor | None = None) -> torch.Tensor:
        hidden = self.embeddings(input_ids, token_type_ids)
        # padding positions get -inf-like scores; the same additive form BertModel uses
        bias = (1.0 - attention_mask[:, None, None, :].to(hidden.dtype)) * torch.finfo(hidden.dtype).min
        for layer in self.encoder.layer:
            hidden = layer(hidden, bias)
        return hidden


def read_config(folder: Path) -> dict:
    """The model's config.json as a dict."""
    return json.loads((folder / "config.json").read_text("utf-8"))


__all__ = ["BertEncoder", "read_config"]
