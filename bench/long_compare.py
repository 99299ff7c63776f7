"""Time `newsprism compare --json` on two long articles, and check the output does not depend on string hashing.

The two articles are PolNeAR texts joined in name order (articles 1-20 and 11-30 of the split: half of the text is
shared, so there is plenty to align). The command runs once per PYTHONHASHSEED given, as a user would run it (a
fresh process each time, model loading included); the JSON outputs must be byte-identical.

Usage: python bench/long_compare.py [--split ../shared/data/polnear/dev] [--seeds 1 2 3]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_SPLIT = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "dev"


def joined(texts: list[Path]) -> str:
    return "\n\n".join(path.read_text("utf-8").strip() for path in texts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", type=Path, default=DEFAULT_SPLIT, help="a PolNeAR-format split (text/)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3], help="PYTHONHASHSEED of each run")
    args = parser.parse_args()
    texts = sorted((args.split / "text").glob("*.txt"))
    if len(texts) < 30:
        sys.exit(f"{args.split}: needs 30 articles in text/, found {len(texts)}")
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp) / "first.txt", Path(tmp) / "second.txt"
        first.write_text(joined(texts[:20]), "utf-8")
        second.write_text(joined(texts[10:30]), "utf-8")
        words = [len(p.read_text("utf-8").split()) for p in (first, second)]
        print(f"articles: {words[0]:,} and {words[1]:,} words")
        digests = []
        for seed in args.seeds:
            env = {**os.environ, "PYTHONHASHSEED": str(seed), "HF_HUB_OFFLINE": "1"}
            started = time.perf_counter()
            command = [sys.executable, "-c", "from newsprism.cli import main; main()", "compare", str(first),
                       str(second), "--json"]
            out = subprocess.run(command, env=env, capture_output=True, check=True).stdout
            elapsed = time.perf_counter() - started
            digests.append(hashlib.sha256(out).hexdigest()[:16])
            print(f"PYTHONHASHSEED={seed}: {elapsed:.1f} s, output sha256 {digests[-1]}")
    print("identical outputs" if len(set(digests)) == 1 else "OUTPUTS DIFFER")


if __name__ == "__main__":
    main()
