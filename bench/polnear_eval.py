"""Score quote attribution on a PolNeAR-format split: exact and overlap P/R/F1 for source, cue and content spans.

    python bench/polnear_eval.py --split /work/shared/data/polnear/dev [--encoder [--gate G] [--weight W]] [--limit N]

Spans: each contiguous fragment is one span (gold fragments separated only by whitespace are joined first, as are
predicted ones); both sides are trimmed of surrounding whitespace and punctuation (quote marks included) before
comparing. Exact: identical trimmed ranges. Overlap: the trimmed ranges share a character. Precision counts
predicted spans matching some gold span, recall gold spans matched by some prediction (same role, same article).
Gold: the first annotator's .ann file by name for each article. Prediction: `find_quotes` (what `newsprism
quotes` runs; `--encoder` as `newsprism quotes --encoder`; `--gate`/`--weight` try blend settings other than the
artifact's), timed per article after the model is loaded. A candidate artifact directory is scored with
NEWSPRISM_QUOTES_MODEL=DIR.
"""

from __future__ import annotations

import argparse
import string
import time
from collections import defaultdict

from newsprism.analyze.attribution.model import load_tagger
from newsprism.analyze.attribution.polnear import ROLES, read_split
from newsprism.analyze.quotes import find_quotes
from newsprism.settings import Settings, load_settings

_STRIP = set(string.whitespace + string.punctuation + "“”‘’„«»—–…")


def trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The range without surrounding whitespace and punctuation; None when nothing is left."""
    while start < end and text[start] in _STRIP:
        start += 1
    while end > start and text[end - 1] in _STRIP:
        end -= 1
    return (start, end) if end > start else None


def join_fragments(text: str, frags: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted fragments, neighbours separated only by whitespace joined into one span."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(frags):
        if out and not text[out[-1][1] : start].strip():
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def normalized(text: str, frags: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [r for r in (trim(text, s, e) for s, e in join_fragments(text, frags)) if r is not None]


def predicted_spans(text: str, settings: Settings) -> dict[str, list[tuple[int, int]]]:
    """Source, cue and content spans of `find_quotes`."""
    spans: dict[str, list[tuple[int, int]]] = {role: [] for role in ROLES}
    for quote in find_quotes(text, settings):
        if quote.speaker_span is not None:
            spans["Source"] += normalized(text, [(quote.speaker_span.start, quote.speaker_span.end)])
        if quote.cue_span is not None:
            spans["Cue"] += normalized(text, [(quote.cue_span.start, quote.cue_span.end)])
        spans["Content"] += normalized(text, [(s.start, s.end) for s in quote.content])
    return spans


def _matches(span: tuple[int, int], others: list[tuple[int, int]], exact: bool) -> bool:
    if exact:
        return span in others
    return any(span[0] < e and s < span[1] for s, e in others)


def prf(tp_p: int, n_p: int, tp_g: int, n_g: int) -> tuple[float, float, float]:
    p = tp_p / n_p if n_p else 0.0
    r = tp_g / n_g if n_g else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", required=True, help="PolNeAR-format split directory (text/ + attributions/)")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N articles")
    parser.add_argument("--encoder", action="store_true", help="blend in the transformer (analyze.quote_encoder)")
    parser.add_argument("--gate", type=float, help="with --encoder: the artifact's gate replaced (tuning)")
    parser.add_argument("--weight", type=float, help="with --encoder: the artifact's blend weight replaced (tuning)")
    args = parser.parse_args()
    settings = load_settings()
    settings.analyze.quote_encoder = args.encoder
    articles = read_split(args.split)
    if args.limit:
        articles = articles[: args.limit]
    encoder = load_tagger(None, args.encoder).encoder
    if encoder is not None:
        encoder.gate = encoder.gate if args.gate is None else args.gate
        encoder.weight = encoder.weight if args.weight is None else args.weight
        print(f"encoder: {encoder.layers} layers, gate {encoder.gate}, weight {encoder.weight}")
    find_quotes("“Warm-up,” she said.", settings)  # loads the tokenizer, so the timing below is per article only
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    elapsed = 0.0
    for article in articles:
        t0 = time.perf_counter()
        pred = predicted_spans(article.text, settings)
        elapsed += time.perf_counter() - t0
        for role in ROLES:
            gold = [span for frags in article.spans[role] for span in normalized(article.text, frags)]
            for mode in ("exact", "overlap"):
                c = counts[(role, mode)]
                c[0] += sum(_matches(s, gold, mode == "exact") for s in pred[role])
                c[1] += len(pred[role])
                c[2] += sum(_matches(g, pred[role], mode == "exact") for g in gold)
                c[3] += len(gold)
    print(f"split: {args.split}  articles: {len(articles)}")
    print(f"{'role':<8} {'match':<8} {'P':>6} {'R':>6} {'F1':>6}  (pred/gold spans)")
    for role in ROLES:
        for mode in ("exact", "overlap"):
            c = counts[(role, mode)]
            p, r, f = prf(*c)
            print(f"{role:<8} {mode:<8} {100 * p:6.1f} {100 * r:6.1f} {100 * f:6.1f}  ({c[1]}/{c[3]})")
    mode = "CRF + encoder" if args.encoder else "CRF"
    print(f"throughput: {len(articles) / elapsed:.1f} articles/s (find_quotes, {mode}, 1 process, model loaded)")


if __name__ == "__main__":
    main()
