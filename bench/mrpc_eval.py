"""Same meaning or not on MRPC: accuracy and F1 of the judge alone and of the full verdict (`same_meaning`).

    python bench/mrpc_eval.py --cv            # held-out: 5-fold CV on MRPC train (judge refitted per fold)
    python bench/mrpc_eval.py --data FILE     # the shipped judge on another MRPC file (e.g. the test split)

Never run the second form on MRPC train: the shipped judge was fitted on it. `same_meaning` (what `newsprism pairs` prints)
is the judge's decision. The verdict is also "altered" when a changed word carries meaning (negation, number,
name, modality, quantifier, commitment); MRPC pairs come from different articles and differ in such words even
when labelled "same", so "not altered" is a much stricter test than MRPC's label.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_paraphrase as training  # noqa: E402
from newsprism.compare.paraphrase import _embed, get_judge  # noqa: E402
from newsprism.compare.verdict import MIN_SAME_SCORE, classify_pairs  # noqa: E402


def report(labels: np.ndarray, probability: np.ndarray, pairs: list[tuple[str, str]], threshold: float) -> None:
    """Print the figures of the judge and of the verdict built on its probabilities."""
    verdicts = classify_pairs(pairs, judge_scores=list(probability))
    same = np.array([v.same_meaning for v in verdicts])
    kinds = {k: sum(v.verdict == k for v in verdicts) for k in ("verbatim", "variant", "altered")}
    print("| decision | accuracy | F1 |\n|---|---|---|")
    print("| always 'same' | {:.1f} | {:.1f} |".format(*training.scores(labels, np.ones(len(labels), dtype=bool))))
    print("| judge, p >= {:.2f} | {:.1f} | {:.1f} |".format(threshold, *training.scores(labels, probability >= threshold)))
    print("| `newsprism pairs` same_meaning | {:.1f} | {:.1f} |".format(*training.scores(labels, same)))
    kept = np.array([v.verdict != "altered" for v in verdicts])
    print("| verdict not 'altered' (judge floor {:.2f} + word-level rules) | {:.1f} | {:.1f} |".format(
        MIN_SAME_SCORE, *training.scores(labels, kept)))
    print(f"verdicts: {kinds}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=training.DATA)
    parser.add_argument("--cv", action="store_true", help="cross-validated on --data instead of the shipped judge")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()

    pairs, labels = training.read_mrpc(args.data)
    started = time.perf_counter()
    if args.cv:
        embeddings = _embed([a for a, _ in pairs] + [b for _, b in pairs])
        probability = training.cross_validate(pairs, labels, embeddings, args.folds)
        threshold = 0.5
        print(f"{args.folds}-fold CV on {args.data.name} ({len(pairs)} pairs), held-out figures:")
    else:
        judge = get_judge()
        probability = judge.score_pairs(pairs)
        threshold = judge.threshold
        print(f"shipped judge on {args.data.name} ({len(pairs)} pairs):")
    report(labels, probability, pairs, threshold)
    print(f"time: {time.perf_counter() - started:.0f} s for {len(pairs)} pairs")


if __name__ == "__main__":
    main()
