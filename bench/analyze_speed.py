"""Time the analyze stage per article on BASIL: spaCy parse, each component, and resolve_entities per story.

Usage: nice -n 10 python bench/analyze_speed.py [../shared/data/basil/basil_given.jsonl]
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from newsprism.analyze import COMPONENT_ORDER, COMPONENTS, _load_components
from newsprism.analyze.entities import resolve_entities
from newsprism.analyze.nlp import load_spacy
from newsprism.models import Analysis, Article, parse_datetime
from newsprism.settings import load_settings

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "basil" / "basil_given.jsonl"


def main(path: Path) -> None:
    import torch

    torch.set_num_threads(1)
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    articles = [Article(id=r["id"], text=r["text"], outlet=r["outlet"], published=parse_datetime(r.get("published")))
                for r in records]
    settings = load_settings()
    _load_components()
    nlp = load_spacy(settings.analyze.spacy_model)
    nlp("warm up")
    t0 = time.perf_counter()
    docs = list(nlp.pipe((a.text for a in articles), batch_size=32))
    parse_s = time.perf_counter() - t0
    spent: dict[str, float] = defaultdict(float)
    analyses = []
    for article, doc in zip(articles, docs, strict=True):
        analysis = Analysis(article=article)
        for name in COMPONENT_ORDER:
            if name in COMPONENTS:
                t = time.perf_counter()
                COMPONENTS[name](doc, analysis, settings)
                spent[name] += time.perf_counter() - t
        analyses.append(analysis)
    by_story: dict[str, list[Analysis]] = defaultdict(list)
    for record, analysis in zip(records, analyses, strict=True):
        by_story[record["story"]].append(analysis)
    t = time.perf_counter()
    merged = 0
    for group in by_story.values():
        merged += sum(1 for e in resolve_entities(group) if len({a for a in e.aliases}) > 1)
    resolve_s = time.perf_counter() - t
    t = time.perf_counter()
    corpus_entities = resolve_entities(analyses)
    corpus_s = time.perf_counter() - t
    n = len(articles)
    chars = sum(len(a.text) for a in articles)
    print(f"{n} articles, {chars / n:.0f} chars/article on average")
    print(f"spaCy parse: {1000 * parse_s / n:.1f} ms/article")
    for name in COMPONENT_ORDER:
        print(f"component {name}: {1000 * spent[name] / n:.2f} ms/article")
    mine = spent["sentences"] + spent["entities"] + spent["facts"]
    print(f"sentences+entities+facts: {1000 * mine / n:.2f} ms/article")
    print(f"resolve_entities per story ({len(by_story)} stories): {1000 * resolve_s / n:.2f} ms/article, "
          f"{merged} entities with several surface forms")
    print(f"resolve_entities over the whole set: {1000 * corpus_s:.0f} ms, {len(corpus_entities)} entities")
    total = parse_s + sum(spent.values())
    print(f"analyze stage total: {n / total:.1f} articles/s")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
