"""Fuzz: arbitrary bytes under any supported file name never crash or hang reading and extraction.

hypothesis runs a fixed number of examples (bounded); atheris, when installed, runs coverage-guided in a
subprocess with bounded -runs and -max_total_time (skipped with a reason when it is not installed).
"""

from __future__ import annotations

import gzip
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
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


@pytest.mark.timeout(240)
def test_atheris_coverage_guided_fuzz_is_bounded_and_clean(tmp_path) -> None:
    """libFuzzer-driven inputs (atheris) for a bounded number of runs and seconds: no exception, no hang."""
    if importlib.util.find_spec("atheris") is None:
        pytest.skip("atheris is not installed (pip install atheris; it needs a CPython with libFuzzer wheels)")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for index, seed in enumerate([b"<html><body><p>word word word.</p></body></html>", b'{"text": "a b c d"}\n',
                                  b"Masthead Name\n\nHome | News | Sport\n\nA title line here\n\nword word word."]):
        (corpus / f"seed{index}").write_bytes(seed)
    target = Path(__file__).with_name("fuzz_readers_atheris.py")
    result = subprocess.run(
        [sys.executable, str(target), "-runs=1500", "-max_total_time=60", "-timeout=20", "-max_len=4096",
         f"-artifact_prefix={tmp_path}/", str(corpus)],
        capture_output=True, text=True, timeout=200, cwd=tmp_path,
        env={**os.environ, "NEWSPRISM_FUZZ_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Done" in result.stderr or "DONE" in result.stderr, result.stderr[-1000:]
