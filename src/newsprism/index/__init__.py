"""Index stage: MinHash + LSH for lexical near-duplicates, hashed TF-IDF and HNSW vectors for semantic neighbours."""

from newsprism.index.minhash_lsh import MinHashLSH, minhash_signatures, shingle_hashes
from newsprism.index.vectors import HashedTfidf, VectorIndex

__all__ = ["HashedTfidf", "MinHashLSH", "VectorIndex", "minhash_signatures", "shingle_hashes"]
