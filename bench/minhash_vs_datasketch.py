"""MinHash + LSH stage: newsprism's vectorized index vs datasketch.MinHashLSH on the same documents.

Both get the same 32-bit shingle hashes (word 5-grams), the same 128 permutations (datasketch's legacy scheme,
seed 1, which newsprism reproduces exactly) and the same bands x rows (datasketch's choice for the threshold).
Reported: time of each stage (signatures + insert + all candidate pairs, given the shingle hashes), the same
end to end (texts -> pairs: datasketch is fed by the per-text `shingle_hashes`, newsprism shingles in batches
with `shingle_hashes_many`), recall of datasketch's pairs, and whether signatures are identical (sampled).
numba's one-time JIT compile (cached on disk afterwards) is timed apart, before the timed runs.

Run: `nice -n 10 python bench/minhash_vs_datasketch.py --docs 100000`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from datasketch import MinHash
from datasketch import MinHashLSH as DatasketchLSH

from newsprism.index.minhash_lsh import (
    MinHashLSH,
    _kernels,
    minhash_signatures_flat,
    shingle_hashes,
    shingle_hashes_many,
)

sys.path.insert(0, str(Path(__file__).parent))
from corpus_speed import synthetic_corpus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--perm", type=int, default=128)
    args = parser.parse_args()
    texts = [r["text"] for r in synthetic_corpus(args.docs)]
    keys = [str(i) for i in range(len(texts))]
    t0 = time.perf_counter()
    _kernel_warm = minhash_signatures_flat(np.arange(8, dtype=np.uint64), np.array([0, 8]), args.perm, seed=1)
    compile_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    shingles = [shingle_hashes(t) for t in texts]
    shingle_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    reference = DatasketchLSH(threshold=args.threshold, num_perm=args.perm)
    template = MinHash(num_perm=args.perm, seed=1, hashfunc=lambda x: x, scheme="legacy")
    minhashes = []
    for key, hashes in zip(keys, shingles, strict=True):
        m = MinHash(num_perm=args.perm, seed=1, hashfunc=lambda x: x, scheme="legacy",
                    permutations=template.permutations)
        m.update_batch(hashes.tolist())
        reference.insert(key, m)
        minhashes.append(m)
    theirs = set()
    for key, m in zip(keys, minhashes, strict=True):
        theirs.update((min(key, o), max(key, o)) for o in reference.query(m) if o != key)
    datasketch_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    flat, offsets = shingle_hashes_many(texts)
    batch_shingle_s = time.perf_counter() - t0
    signatures = minhash_signatures_flat(flat, offsets, args.perm, seed=1)
    signature_s = time.perf_counter() - t0 - batch_shingle_s
    ours_lsh = MinHashLSH(args.threshold, args.perm, bands=(reference.b, reference.r))
    ours_lsh.insert_many(keys, signatures)
    ours = ours_lsh.candidate_pairs()
    end_to_end_s = time.perf_counter() - t0
    ours_s = end_to_end_s - batch_shingle_s

    sample = range(0, len(keys), 97)
    same_signatures = all(np.array_equal(signatures[i], minhashes[i].hashvalues) for i in sample)
    recall = len(theirs & ours) / max(1, len(theirs))
    print(json.dumps({
        "docs": len(texts), "threshold": args.threshold, "num_perm": args.perm, "bands_rows": [reference.b, reference.r],
        "kernel": "numba" if _kernels() else "numpy", "jit_compile_s": round(compile_s, 2),
        "shingling_per_text_s": round(shingle_s, 2), "shingling_batched_s": round(batch_shingle_s, 2),
        "datasketch_stage_s": round(datasketch_s, 2), "newsprism_stage_s": round(ours_s, 2),
        "newsprism_signatures_s": round(signature_s, 2), "stage_speedup": round(datasketch_s / ours_s, 1),
        "datasketch_end_to_end_s": round(datasketch_s + shingle_s, 2), "newsprism_end_to_end_s": round(end_to_end_s, 2),
        "end_to_end_speedup": round((datasketch_s + shingle_s) / end_to_end_s, 1),
        "datasketch_pairs": len(theirs), "newsprism_pairs": len(ours), "recall_of_datasketch_pairs": round(recall, 5),
        "signatures_identical_sampled": same_signatures, "signatures_sampled": len(sample),
    }))


if __name__ == "__main__":
    main()
