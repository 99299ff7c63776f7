"""MinHash + LSH stage: newsprism's vectorized index vs datasketch.MinHashLSH on the same documents.

Both get the same 32-bit shingle hashes (word 5-grams), the same 128 permutations (datasketch's legacy scheme,
seed 1, which newsprism reproduces exactly) and the same bands x rows (datasketch's choice for the threshold).
Reported: time of each (signatures + insert + all candidate pairs), and recall of datasketch's pairs.

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

from newsprism.index.minhash_lsh import MinHashLSH, minhash_signatures, shingle_hashes

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
    ours_lsh = MinHashLSH(args.threshold, args.perm, bands=(reference.b, reference.r))
    signatures = minhash_signatures(shingles, args.perm, seed=1)
    ours_lsh.insert_many(keys, signatures)
    ours = ours_lsh.candidate_pairs()
    ours_s = time.perf_counter() - t0

    same_signatures = all(np.array_equal(signatures[i], minhashes[i].hashvalues) for i in range(0, len(keys), 97))
    recall = len(theirs & ours) / max(1, len(theirs))
    print(json.dumps({
        "docs": len(texts), "threshold": args.threshold, "num_perm": args.perm, "bands_rows": [reference.b, reference.r],
        "shingling_s": round(shingle_s, 2), "datasketch_s": round(datasketch_s, 2), "newsprism_s": round(ours_s, 2),
        "speedup": round(datasketch_s / ours_s, 1), "datasketch_pairs": len(theirs), "newsprism_pairs": len(ours),
        "recall_of_datasketch_pairs": round(recall, 5), "signatures_identical_sampled": same_signatures,
    }))


if __name__ == "__main__":
    main()
