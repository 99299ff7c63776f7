"""Shared fixtures: a fresh SQLite store per test, default settings, paths to shared data."""

from __future__ import annotations

import os
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


def require(path: Path) -> Path:
    """Skip the test with a clear reason when shared data is absent (fresh clone without ../shared)."""
    if not path.exists():
        pytest.skip(f"shared data not present: {path}")
    return path
