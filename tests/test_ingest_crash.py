"""Crash safety: an ingest killed with SIGKILL resumes and stores every article exactly once; readers see WAL."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time

import pytest

SUBJECTS = ["The ferry", "A school", "The museum", "A bakery", "The council", "A choir", "The clinic", "A brewery"]
VERBS = ["opened", "closed", "expanded", "moved", "renovated", "celebrated", "announced", "postponed"]


def _write_corpus(root, count: int) -> None:
    """`count` small distinct articles, one file each, in invented words."""
    root.mkdir()
    for i in range(count):
        subject, verb = SUBJECTS[i % len(SUBJECTS)], VERBS[(i // len(SUBJECTS)) % len(VERBS)]
        text = (
            f"{subject} in district {i} {verb} its doors on a quiet morning, according to residents who gathered "
            f"outside to watch. Item number {i} was noted by the local paper, which said that the change had "
            f"been planned for {i % 12 + 1} months and that neighbours had been told in advance. Nobody expected "
            f"a crowd, yet more than {i + 20} people came to see what would happen next."
        )
        (root / f"article_{i:04d}.txt").write_text(text, "utf-8")


def _ingest_cmd(corpus, db) -> list[str]:
    # the ingest command alone (not the whole CLI group) keeps start-up short
    program = "from newsprism.commands.ingest import ingest_command; ingest_command()"
    return [sys.executable, "-c", program, str(corpus), "--db", str(db), "--no-process", "--quiet"]


def _count(db) -> int:
    with sqlite3.connect(db, timeout=30) as conn:
        try:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return 0
            raise


@pytest.mark.timeout(120)
def test_sigkill_mid_run_then_resume_stores_each_article_once(tmp_path) -> None:
    corpus, db, total = tmp_path / "corpus", tmp_path / "store.db", 300
    _write_corpus(corpus, total)
    proc = subprocess.Popen(_ingest_cmd(corpus, db), stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists() and _count(db) >= 60:
            break
        time.sleep(0.02)
    if proc.poll() is not None:
        pytest.fail(f"ingest finished before it could be killed: {proc.stderr.read().decode()}")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = _count(db)
    assert 0 < partial < total
    rerun = subprocess.run(_ingest_cmd(corpus, db), capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == total
        assert conn.execute("SELECT COUNT(*) FROM article_versions").fetchone()[0] == total
        assert conn.execute("SELECT MAX(version) FROM articles").fetchone()[0] == 1
        refs = {r[0] for r in conn.execute("SELECT source_ref FROM articles")}
    assert len(refs) == total


@pytest.mark.timeout(120)
def test_second_connection_reads_while_ingest_writes(tmp_path) -> None:
    corpus, db = tmp_path / "corpus", tmp_path / "store.db"
    _write_corpus(corpus, 200)
    proc = subprocess.Popen(_ingest_cmd(corpus, db), stderr=subprocess.PIPE)
    seen: list[int] = []
    while proc.poll() is None:
        if db.exists():
            seen.append(_count(db))  # raises OperationalError on "database is locked"
        time.sleep(0.01)
    assert proc.returncode == 0, proc.stderr.read().decode()
    assert _count(db) == 200
    assert any(0 < n < 200 for n in seen), "no read happened while the ingest was writing"
