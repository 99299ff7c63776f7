"""Shared fixtures: a fresh SQLite store per test, default settings, paths to shared data, PolNeAR records."""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from newsprism.settings import Settings, load_settings
from newsprism.store.sqlite import SqliteStore

REPO = Path(__file__).resolve().parents[1]
# The shared data sits next to the checkout; NEWSPRISM_SHARED points elsewhere (e.g. a clone in /tmp).
SHARED = Path(os.environ.get("NEWSPRISM_SHARED", REPO.parent / "shared"))
DATA = SHARED / "data"
SEEDS = SHARED / "seeds"
EXAMPLES = REPO / "examples"


@pytest.fixture
def settings() -> Settings:
    return load_settings()


@pytest.fixture
def store(tmp_path):
    s = SqliteStore(str(tmp_path / "test.db"))
    yield s
    s.close()


def cli_command(*args: str) -> list[str]:
    """A command line running `newsprism ARGS` in a fresh Python, with Ctrl-C working as in a terminal (a test run
    started in the background inherits SIGINT ignored, and Python would keep ignoring it)."""
    program = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
               "from newsprism.cli import main; main(sys.argv[1:])")
    return [sys.executable, "-c", program, *args]


@contextmanager
def served(db: Path, *args: str) -> Iterator[str]:
    """A real `newsprism serve` over `db` on a free 127.0.0.1 port while the block runs; yields its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "NEWSPRISM_TOKEN": ""}
    proc = subprocess.Popen(
        cli_command("serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port), *args),
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/api/speakers", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"newsprism serve did not start: {proc.stderr.read().decode()[-800:]}") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def require(path: Path) -> Path:
    """Skip the test with a clear reason when shared data is absent (fresh clone without ../shared)."""
    if not path.exists():
        pytest.skip(f"shared data not present: {path}")
    return path


def polnear_records(root: Path, start: str, end: str) -> list[dict]:
    """PolNeAR train texts published in [start, end] as JSONL records (outlet, title, date from metadata)."""
    texts = {p.stem: p for p in (root / "train" / "text").glob("*.txt")}
    records = []
    with (root / "metadata.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            path = texts.get(row["filename"])
            if path is None or not start <= row["publication_date"] <= end:
                continue
            records.append({"url": f"https://{row['publisher']}.example/{row['filename']}", "outlet": row["publisher"],
                            "title": row["title"], "published": f"{row['publication_date']}T12:00:00Z",
                            "text": path.read_text("utf-8", errors="replace")})
    return sorted(records, key=lambda r: r["url"])


def transformers_minilm(layers: int) -> object:
    """The reference the plain-torch MiniLM is tested against: a transformers `BertModel` (dev extra only) with the
    package's weights of its lowest `layers` layers; skips the test when transformers is not installed."""
    transformers = pytest.importorskip("transformers")
    from newsprism.minilm import minilm_path, with_package_weights

    config = transformers.BertConfig.from_pretrained(str(minilm_path()), num_hidden_layers=layers)
    # loaded by hand: from_pretrained would report the unused pooler and layers on stderr
    return with_package_weights(transformers.BertModel(config, add_pooling_layer=False), layers)
