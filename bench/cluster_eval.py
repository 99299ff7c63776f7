"""Story clustering quality: B-cubed F1 and ARI of the online clusterer against gold `story` labels.

The gold labels are used only for scoring. Articles stream in publication order (BASIL) or file order (ECB+, no
dates). Run: `python bench/cluster_eval.py [--half first|second|all]`.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from sklearn.metrics import adjusted_rand_score

from newsprism.cluster.stories import StoryClusterer
from newsprism.models import Article, parse_datetime
from newsprism.settings import load_settings

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SETS = {"basil": DATA / "basil" / "basil_given.jsonl", "ecbplus": DATA / "ecbplus" / "ecbplus_given.jsonl"}


def load(path: Path) -> tuple[list[Article], dict[str, str]]:
    """Articles (no labels) and the gold story of each article id."""
    articles, gold = [], {}
    for line in path.read_text("utf-8").splitlines():
        record = json.loads(line)
        article_id = str(record["id"])
        articles.append(Article(
            id=article_id, text=record["text"], outlet=record.get("outlet", ""), title=record.get("title", ""),
            url=record.get("url"), published=parse_datetime(record.get("published")),
            source_ref=f"{path}#{article_id}",
        ))
        gold[article_id] = record["story"]
    return articles, gold


def bcubed(predicted: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1."""
    pred_sizes, gold_sizes = Counter(predicted.values()), Counter(gold.values())
    both = Counter((predicted[i], gold[i]) for i in gold)
    precision = sum(both[(predicted[i], gold[i])] / pred_sizes[predicted[i]] for i in gold) / len(gold)
    recall = sum(both[(predicted[i], gold[i])] / gold_sizes[gold[i]] for i in gold) / len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall)


def halves(articles: list[Article], which: str) -> list[Article]:
    """Every other gold-independent half by position (first = even lines, second = odd lines)."""
    if which == "all":
        return articles
    return articles[0::2] if which == "first" else articles[1::2]


def evaluate(name: str, which: str, **overrides) -> dict:
    settings = load_settings(**{f"cluster__{k}": v for k, v in overrides.items()})
    articles, gold = load(SETS[name])
    articles = halves(articles, which)
    started = time.perf_counter()
    clusterer = StoryClusterer(settings.cluster)
    clusterer.add_articles(articles)
    elapsed = time.perf_counter() - started
    predicted = {a.id: clusterer.story(a.id) for a in articles}
    gold = {a.id: gold[a.id] for a in articles}
    p, r, f = bcubed(predicted, gold)
    ids = list(gold)
    ari = adjusted_rand_score([gold[i] for i in ids], [predicted[i] for i in ids])
    return {"set": name, "half": which, "articles": len(ids), "stories": len(set(predicted.values())),
            "gold_stories": len(set(gold.values())), "bcubed_p": round(p, 4), "bcubed_r": round(r, 4),
            "bcubed_f1": round(f, 4), "ari": round(ari, 4), "seconds": round(elapsed, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--half", default="all", choices=["all", "first", "second"])
    parser.add_argument("--set", action="append", help="name=value cluster setting override", default=[])
    args = parser.parse_args()
    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        overrides[key] = float(value)
    for name in SETS:
        print(json.dumps(evaluate(name, args.half, **overrides)))


if __name__ == "__main__":
    main()
