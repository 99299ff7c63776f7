"""Real headless Chromium against a real `newsprism serve` subprocess on 127.0.0.1."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import cli_command, served
from test_web import STORY, build_corpus

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium missing: apt-get install chromium chromium-driver")
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright for Python not installed")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROME_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def fixture_server(tmp_path_factory) -> Iterator[str]:
    db = build_corpus(tmp_path_factory.mktemp("browser") / "web.db")
    with served(db) as base:
        yield base


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_newsroom_walkthrough_in_chromium(browser, fixture_server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(fixture_server + "/")
    assert page.locator("h1").inner_text() == "Stories"
    _shot(page, "stories")
    page.get_by_role("link", name="Millbrook library roof collapse").click()
    page.wait_for_url(f"**/stories/{STORY}")
    changed = page.locator("mark.chg")
    assert "might" in changed.all_inner_texts()
    assert changed.first.is_visible()
    background = changed.first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.locator(".badge.b-altered").count() >= 1
    _shot(page, "story")
    page.locator(".statement h3 a", has_text="Ilse Varga").first.click()
    page.wait_for_url("**/speaker?name=*")
    assert page.locator("h1").inner_text() == "Ilse Varga"
    assert page.locator("tbody tr").count() == 3
    _shot(page, "speaker")
    page.get_by_role("link", name="Valley Herald").first.click()
    page.wait_for_url("**/outlet?name=*")
    assert "ALTERED\n100%" in page.locator(".kpis").inner_text()
    _shot(page, "outlet")
    page.goto(fixture_server + "/outlets")
    assert page.locator("svg.chart rect").count() >= 3
    _shot(page, "outlets")
    page.goto(fixture_server + "/articles/a-herald")
    assert page.locator(".text mark.f-conflict").inner_text() == "90,000"
    _shot(page, "article")
    page.goto(fixture_server + "/articles/a-evil")
    page.goto(fixture_server + "/stories/st-evil")
    page.goto(fixture_server + "/")
    assert dialogs == [], f"hostile article text ran script: {dialogs}"
    page.close()


def test_example_corpus_in_chromium(browser, tmp_path):
    examples = Path(__file__).resolve().parents[1] / "examples" / "harbour-ferry.jsonl"
    db = tmp_path / "examples.db"
    done = subprocess.run(
        cli_command("ingest", str(examples), "--db", str(db)),
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    with served(db) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(base + "/")
        page.locator("a.story-link").first.click()
        page.wait_for_url("**/stories/*")
        assert page.locator("mark.chg").count() >= 1
        _shot(page, "example-story")
        page.close()
