"""MinHash signatures (vectorized, datasketch-compatible) and LSH banding."""

from __future__ import annotations

import numpy as np
import pytest

from newsprism.index.minhash_lsh import MinHashLSH, jaccard, minhash_signatures, shingle_hashes

BASE = (
    "The harbour board voted on Tuesday to close the old ferry pier for repairs that will last until spring, "
    "and commuters were told to use the northern terminal while divers inspect the rotten pilings."
)


def test_signatures_match_datasketch_legacy_scheme():
    datasketch = pytest.importorskip("datasketch")
    hashes = shingle_hashes(BASE)
    reference = datasketch.MinHash(num_perm=64, seed=3, hashfunc=lambda x: x, scheme="legacy")
    reference.update_batch([int(h) for h in hashes])
    assert np.array_equal(minhash_signatures([hashes], num_perm=64, seed=3)[0], reference.hashvalues)


def test_batch_equals_one_by_one_and_empty_is_max():
    texts = [BASE, BASE.upper() + " Extra words here.", "", "short text"]
    sets = [shingle_hashes(t) for t in texts]
    batch = minhash_signatures(sets, num_perm=32, chunk=7)
    for row, one in zip(batch, sets, strict=True):
        assert np.array_equal(row, minhash_signatures([one], num_perm=32)[0])
    assert (batch[2] == np.uint64(2**32 - 1)).all()


def test_lsh_finds_near_duplicate_not_unrelated():
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    edited = BASE.replace("Tuesday", "Wednesday")
    other = "A bakery in the valley won a prize for its rye loaf, beating forty rivals from three counties nearby."
    lsh.insert_texts(["orig", "edit", "other"], [BASE, edited, other])
    assert lsh.candidate_pairs() == {("edit", "orig")}
    signature = lsh.signatures([edited])[0]
    assert "orig" in lsh.query(signature) and "other" not in lsh.query(signature)
    assert jaccard(lsh.signatures([BASE])[0], signature) > 0.5


def test_bad_threshold_is_rejected():
    with pytest.raises(ValueError, match="threshold"):
        MinHashLSH(threshold=1.5)


def test_vector_index_returns_nearest_by_cosine():
    from newsprism.index.vectors import VectorIndex

    index = VectorIndex(dim=3, capacity=2)
    index.add(["x", "y", "z"], np.array([[1, 0, 0], [0, 1, 0], [0.9, 0.1, 0]], dtype=np.float32))
    (hits,) = index.query(np.array([[1, 0.05, 0]], dtype=np.float32), k=2)
    assert [key for key, _ in hits] == ["x", "z"] and hits[0][1] > 0.99
