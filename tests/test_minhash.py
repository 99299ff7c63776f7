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


def _flat(sets: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.concatenate([[0], np.cumsum([len(s) for s in sets])]).astype(np.int64)
    return np.concatenate(sets).astype(np.uint64), offsets


def test_fused_kernel_equals_numpy_path_and_datasketch_on_wrapping_values():
    """Hashes near 2^64 make `a*h + b` wrap; the compiled kernel must wrap exactly like numpy uint64."""
    pytest.importorskip("numba")
    datasketch = pytest.importorskip("datasketch")
    from newsprism.index.minhash_lsh import _kernels, _permutations, _signatures_numpy

    rng = np.random.default_rng(11)
    sets = [rng.integers(0, 2**32, size=n, dtype=np.uint64) for n in (1, 7, 300, 0, 64)]
    sets.append(np.array([2**64 - 1, 2**63, 2**61 - 1, 2**61, 0], dtype=np.uint64))
    flat, offsets = _flat(sets)
    a, b = _permutations(96, 5)
    compiled = np.empty((len(sets), 96), dtype=np.uint64)
    _kernels().signatures_into(flat, offsets, a, b, compiled)
    assert np.array_equal(compiled, _signatures_numpy(flat, offsets, a, b, chunk=5))
    for row, hashes in zip(compiled, sets, strict=True):
        reference = datasketch.MinHash(num_perm=96, seed=5, hashfunc=lambda x: x, scheme="legacy")
        reference.update_batch([int(h) for h in hashes])
        assert np.array_equal(row, reference.hashvalues)


def test_batched_shingling_equals_per_text_with_and_without_numba(monkeypatch):
    from newsprism.index import minhash_lsh
    from newsprism.index.minhash_lsh import (
        _shingle_hashes_numpy,
        minhash_signatures_flat,
        shingle_hashes_many,
    )

    texts = [
        BASE, "", "Zorvath", "quibble wren plonk",
        "Ünter-Blåvik grüßt ĲSSEL_mark 42 ²³ 日本語 ok \U0001F600 fin",
        "glorpfizzlewhangdoodlesnickersnackery-and-more-flumph " * 3, "one, two. three! four? five six seven",
    ] * 3
    for numba_off, min_work in (("0", 0), ("0", 10**9), ("1", 0)):  # parallel kernel, serial kernel, numpy
        monkeypatch.setenv("NEWSPRISM_NO_NUMBA", numba_off)
        monkeypatch.setattr(minhash_lsh, "_PARALLEL_MIN_WORK", min_work)
        for size in (1, 3, 5):
            flat, offsets = shingle_hashes_many(texts, size, batch=4)
            assert len(offsets) == len(texts) + 1
            for i, text in enumerate(texts):
                got = np.unique(flat[offsets[i] : offsets[i + 1]])
                assert np.array_equal(got, _shingle_hashes_numpy(text, size)), (numba_off, size, text)
                assert np.array_equal(shingle_hashes(text, size), got)
        signatures = minhash_signatures_flat(flat, offsets, num_perm=32)
        a, b = minhash_lsh._permutations(32, 1)
        assert np.array_equal(signatures, minhash_lsh._signatures_numpy(flat, offsets, a, b, chunk=50))


def test_signatures_identical_with_numba_disabled(monkeypatch):
    lsh = MinHashLSH(threshold=0.5, num_perm=64)
    texts = [BASE, BASE.replace("spring", "autumn"), "", "brindle kettle"]
    compiled = lsh.signatures(texts)
    monkeypatch.setenv("NEWSPRISM_NO_NUMBA", "1")
    assert np.array_equal(lsh.signatures(texts), compiled)


def test_incremental_inserts_and_query_many_match_one_shot():
    words = ["amber", "brisk", "cobalt", "dune", "ember", "fjord", "gale", "heron", "islet", "juniper",
             "kelp", "lumen", "marsh", "nook"]
    rng = np.random.default_rng(2)
    texts = [" ".join(rng.choice(words, size=30)) for _ in range(40)]
    texts += [t + " vexil" for t in texts[:10]]  # near copies
    keys = [f"k{i}" for i in range(len(texts))]
    one_shot = MinHashLSH(threshold=0.5, num_perm=64)
    one_shot.insert_texts(keys, texts)
    stepwise = MinHashLSH(threshold=0.5, num_perm=64)
    for start in range(0, len(texts), 7):
        stepwise.insert_texts(keys[start : start + 7], texts[start : start + 7])
        stepwise.query(stepwise.signatures(texts[:1])[0])  # merges pending keys between inserts
    assert stepwise.candidate_pairs() == one_shot.candidate_pairs()
    assert ("k0", "k40") in one_shot.candidate_pairs()
    signatures = one_shot.signatures(texts)
    assert one_shot.query_many(signatures) == [one_shot.query(s) for s in signatures]
