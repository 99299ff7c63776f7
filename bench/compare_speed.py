"""Time `compare_articles` per story on BASIL, and what bfloat16 unit embeddings change against float32.

Each story is analyzed, then compared twice: once with the float32 embedder ("minilm-fp32") and once with the
default ("minilm": bfloat16 where the CPU has it), after one warm-up story. The unit texts of all stories are
then embedded both ways and their cosines compared.

Usage: python bench/compare_speed.py [--stories 15] [../shared/data/basil/basil_given.jsonl]
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np

from basil_verdicts import DATA, stories
from newsprism.analyze import analyze_articles
from newsprism.analyze.embed import get_embedder
from newsprism.analyze.entities import resolve_entities
from newsprism.compare import compare_articles
from newsprism.compare.units import build_units
from newsprism.minilm import native_bf16
from newsprism.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", type=Path, default=DATA)
    parser.add_argument("--stories", type=int, default=15)
    args = parser.parse_args()
    settings = load_settings()
    story_analyses = [list(analyze_articles(articles, settings))
                      for articles in list(stories(args.data).values())[: args.stories]]
    n_articles = sum(len(a) for a in story_analyses)
    print(f"{len(story_analyses)} stories, {n_articles} articles; CPU computes bfloat16: {native_bf16()}")
    for embedder in ("minilm-fp32", "minilm"):
        run = dataclasses.replace(settings, analyze=dataclasses.replace(settings.analyze, embedder=embedder))
        compare_articles(story_analyses[0], resolve_entities(story_analyses[0]), run)   # load and warm up
        start = time.perf_counter()
        for analyses in story_analyses:
            compare_articles(analyses, resolve_entities(analyses), run)
        spent = time.perf_counter() - start
        print(f"{embedder:12s} compare {spent:6.1f} s = {n_articles / spent:5.1f} articles/s")
    texts = list(dict.fromkeys(u.text for analyses in story_analyses for u in build_units(analyses)))
    vectors = {}
    for embedder in ("minilm-fp32", "minilm"):
        start = time.perf_counter()
        vectors[embedder] = get_embedder(embedder).embed(texts)
        print(f"{embedder:12s} embeds {len(texts) / (time.perf_counter() - start):5.0f} unit texts/s")
    full, fast = vectors["minilm-fp32"], vectors["minilm"]
    similarities = full @ full.T
    pairs = np.argwhere(np.triu((similarities > 0.5) & (similarities < 0.99), 1))
    difference = np.abs(similarities[pairs[:, 0], pairs[:, 1]] - np.sum(fast[pairs[:, 0]] * fast[pairs[:, 1]], 1))
    print(f"{len(texts)} texts: own cosine min {np.min(np.sum(full * fast, 1)):.5f}; {len(pairs)} pairs of cosine "
          f"0.5-0.99: |difference| mean {difference.mean():.4f}, 99th percentile {np.quantile(difference, 0.99):.4f}, "
          f"max {difference.max():.4f}")


if __name__ == "__main__":
    main()
