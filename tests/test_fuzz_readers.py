"""Fuzz: arbitrary bytes under any supported file name never crash or hang reading and extraction."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from newsprism.ingest import extract_article, read_sources
from newsprism.models import Article, Skipped
from newsprism.settings import load_settings

SETTINGS = load_settings(ingest__min_words=3)
NAMES = ["a.txt", "a.html", "a.jsonl", "a.json", "a.jsonl.gz", "a.zip", "a.tar.gz", "a.md", "a.bin", "a.gz"]
SNIPPETS = [b"<html><body><p>", b"</p>", b'{"text": "', b'"}\n', b"\xef\xbb\xbf", b"\xff\xfe", b"\n\n", b"\x00",
            b"word word word. ", b'"quoted line." ', b"<meta charset=latin-1>", b"\xe9\xe8"]

chunks = st.lists(st.one_of(st.binary(max_size=40), st.sampled_from(SNIPPETS)), max_size=12).map(b"".join)


@hyp_settings(max_examples=250, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(data=chunks, name=st.sampled_from(NAMES), compress=st.booleans())
def test_read_and_extract_never_crash(data: bytes, name: str, compress: bool) -> None:
    if compress and name.endswith(".gz"):
        data = gzip.compress(data)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        for record in read_sources([str(path)], SETTINGS):
            if isinstance(record, Skipped):
                assert record.reason and record.source_ref.startswith(str(path))
                continue
            result = extract_article(record, SETTINGS)
            assert isinstance(result, Article | Skipped)
