"""Quote verdicts on real stories told by three outlets: BASIL's NYT / Fox News / HuffPost triples, compared story
by story (the gold `story` label only groups the articles; nothing scores them).

There is no gold verdict, so the use is comparative: dump the verdict findings of one revision, run another with
`--diff` against the dump, and read the pairs whose verdict changed. `--conflicts` prints every conflict finding
(the fact, each outlet's value, the sentences) to be read too. `--data` takes any JSONL with `story` and `text`
(ECB+ has no outlet: each article is its own).

    python bench/basil_verdicts.py --out before.json            # e.g. with PYTHONPATH=<older checkout>/src
    python bench/basil_verdicts.py --out after.json --diff before.json --show 40
    python bench/basil_verdicts.py --conflicts
    python bench/basil_verdicts.py --config encoder.toml --diff before.json   # e.g. analyze.quote_encoder = true
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from rich.progress import track

from newsprism.analyze import analyze_articles
from newsprism.analyze.entities import resolve_entities
from newsprism.compare import compare_articles
from newsprism.models import Article
from newsprism.settings import Settings, load_settings

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "basil" / "basil_given.jsonl"
VERDICTS = ("verbatim", "variant", "altered")


def stories(path: Path) -> dict[str, list[Article]]:
    """The articles of each gold story, in file order."""
    grouped: dict[str, list[Article]] = defaultdict(list)
    for line in path.read_text("utf-8").splitlines():
        record = json.loads(line)
        grouped[record["story"]].append(Article(id=str(record["id"]), text=record["text"],
                                                outlet=record.get("outlet") or str(record["id"]),
                                                title=record.get("title") or "", source_ref=str(record["id"])))
    return grouped


def story_findings(articles: list[Article], settings: Settings) -> tuple[list[dict], list[dict]]:
    """The verbatim / variant / altered findings of one story, with the texts they judged, and its conflicts."""
    analyses = list(analyze_articles(articles, settings))
    comparison = compare_articles(analyses, resolve_entities(analyses), settings)
    outlets = {a.id: a.outlet for a in articles}
    verdicts = [{"kind": f.kind, "articles": sorted(f.detail["article_ids"]),
                 "evidence": sorted([e.article_id, e.start, e.end] for e in f.evidence),
                 "texts": f.detail["texts"], "reasons": f.detail["reasons"]}
                for f in comparison.findings if f.kind in VERDICTS]
    conflicts = [{"what": f.detail["what"], "about": f.detail["about"], "sentences": f.detail["sentences"],
                  "values": {outlets[a]: v for a, v in f.detail["by_article"].items()}}
                 for f in comparison.findings if f.kind == "conflict"]
    return verdicts, conflicts


def overlapping(a: dict, b: dict) -> bool:
    """Two findings judge the same article pair on overlapping words."""
    return a["articles"] == b["articles"] and any(
        x[0] == y[0] and x[1] < y[2] and y[1] < x[2] for x in a["evidence"] for y in b["evidence"])


def transitions(before: dict[str, list[dict]], after: dict[str, list[dict]]) -> list[tuple[str, str, dict]]:
    """(old kind, new kind, finding) for every finding of either run; "-" when the other run has no counterpart."""
    out = []
    for story in sorted(set(before) | set(after)):
        old, new = before.get(story, []), after.get(story, [])
        for finding in new:
            match = next((f for f in old if overlapping(f, finding)), None)
            out.append((match["kind"] if match else "-", finding["kind"], finding))
        out += [(f["kind"], "-", f) for f in old if not any(overlapping(f, g) for g in new)]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, help="write the verdict findings of every story here (JSON)")
    parser.add_argument("--diff", type=Path, help="an earlier --out to compare with")
    parser.add_argument("--show", type=int, default=0, help="print this many changed verdicts with their texts")
    parser.add_argument("--conflicts", action="store_true", help="print every conflict finding")
    parser.add_argument("--config", type=Path, help="a settings file, as for the CLI's --config")
    args = parser.parse_args()
    settings = load_settings(args.config)
    found, conflicts = {}, {}
    for story, articles in track(list(stories(args.data).items()), description="stories"):
        found[story], conflicts[story] = story_findings(articles, settings)
    print("verdicts:", dict(Counter(f["kind"] for fs in found.values() for f in fs)))
    print("conflicts:", dict(Counter(f["what"] for fs in conflicts.values() for f in fs)))
    if args.conflicts:
        for story, found_conflicts in conflicts.items():
            for conflict in found_conflicts:
                print(f"\n{story}  {conflict['what']} about {conflict['about']!r}: {conflict['values']}")
                for sentence in conflict["sentences"]:
                    print("   ", " ".join(sentence.split())[:240])
    if args.out:
        args.out.write_text(json.dumps(found, indent=1), "utf-8")
    if args.diff:
        moves = transitions(json.loads(args.diff.read_text("utf-8")), found)
        print("old -> new:", dict(Counter(f"{a} -> {b}" for a, b, _ in moves)))
        for old, new, finding in [m for m in moves if m[0] != m[1]][: args.show]:
            print(f"\n{old} -> {new}  {finding['reasons'][:2]}")
            for text in finding["texts"]:
                print("   ", " ".join(text.split())[:240])


if __name__ == "__main__":
    main()
