"""Real headless Chromium against a real `newsprism serve` subprocess on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import cli_command
from test_web import STORY, build_corpus

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(db: Path) -> Iterator[str]:
    """Run `newsprism serve` on a free port until the test ends; yields its base URL."""
    port = _free_port()
    env = {**os.environ, "NEWSPRISM_TOKEN": ""}
    proc = subprocess.Popen(
        cli_command("serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)),
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
    yield from _serve(db)


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
    server = _serve(db)
    base = next(server)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(base + "/")
        page.locator("a.story-link").first.click()
        page.wait_for_url("**/stories/*")
        assert page.locator("mark.chg").count() >= 1
        _shot(page, "example-story")
        page.close()
    finally:
        server.close()
