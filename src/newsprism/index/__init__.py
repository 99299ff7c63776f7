"""Index stage: MinHash + LSH for lexical near-duplicates, hashed TF-IDF and HNSW vectors for semantic neighbours."""

from newsprism.index.minhash_lsh import (
    MinHashLSH,
    minhash_signatures,
    minhash_signatures_flat,
    shingle_hashes,
    shingle_hashes_many,
)
from newsprism.index.vectors import HashedTfidf, SemanticIndex, VectorIndex

__all__ = [
    "HashedTfidf", "MinHashLSH", "SemanticIndex", "VectorIndex", "minhash_signatures",
    "minhash_signatures_flat", "shingle_hashes", "shingle_hashes_many",
]
