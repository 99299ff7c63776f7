"""Coverage-guided fuzz target (atheris/libFuzzer) for the readers and extraction: any bytes under any supported
file name must give Articles or Skipped, never an exception.

Run by tests/test_fuzz_readers.py in a subprocess with bounded `-runs` and `-max_total_time`; by hand:
    .venv/bin/python tests/fuzz_readers_atheris.py -runs=5000 -max_total_time=60
"""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["newsprism"]):
    from newsprism.ingest import extract_article, read_sources
    from newsprism.models import Article, Skipped
    from newsprism.settings import load_settings

SETTINGS = load_settings(ingest__min_words=3, ingest__max_bytes=200_000)
NAMES = ["a.txt", "a.html", "a.jsonl", "a.json", "a.jsonl.gz", "a.zip", "a.tar.gz", "a.warc", "a.md", "a.gz"]
# where each input is written; the test passes its own tmp_path (libFuzzer exits without running cleanups)
WORKDIR = Path(os.environ.get("NEWSPRISM_FUZZ_DIR") or tempfile.mkdtemp(prefix="newsprism-atheris-"))


def one_input(data: bytes) -> None:
    """Write the fuzzed bytes under a fuzzed name, then read and extract every record."""
    provider = atheris.FuzzedDataProvider(data)
    name = NAMES[provider.ConsumeIntInRange(0, len(NAMES) - 1)]
    compress = provider.ConsumeBool()
    body = provider.ConsumeBytes(provider.remaining_bytes())
    if compress and name.endswith(".gz"):
        body = gzip.compress(body)
    path = WORKDIR / name
    path.write_bytes(body)
    for record in read_sources([str(path)], SETTINGS):
        if isinstance(record, Skipped):
            if not record.reason or not record.source_ref.startswith(str(path)):
                raise AssertionError(f"bad Skipped: {record}")
            continue
        result = extract_article(record, SETTINGS)
        if not isinstance(result, Article | Skipped):
            raise AssertionError(f"extract_article returned {type(result).__name__}")


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
