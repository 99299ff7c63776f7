"""`newsprism ingest URL` with conditional GET: 304 is "unchanged" (not a failure), and ETag/Last-Modified are
saved only in the transaction that stores the article, so a failed or killed run never hides an article."""

from __future__ import annotations

import signal
import sqlite3
import subprocess

import pytest
from click.testing import CliRunner

from conftest import cli_command
from httpserver import LocalServer, Reply, article_page, etag_route, signal_on_hit
from newsprism.commands.ingest import ingest_command, run_ingest
from newsprism.ingest.http import HTTP_NAMESPACE
from newsprism.ingest.robots import RobotsCache
from newsprism.settings import load_settings
from newsprism.store.sqlite import SqliteStore

BODY = (
    "<p>{lead} The lantern festival on the old quay drew a slow crowd of walkers who stopped at every stall "
    "and asked the makers how the paper frames were bent and glued.</p><p>By nightfall the organisers had "
    "counted more lanterns than last year, and the quay lights were dimmed so that the river reflected them.</p>"
)


def page(title: str, lead: str) -> bytes:
    return article_page(title, BODY.format(lead=lead))


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Quay Bulletin</title><link>{base}/</link><description>Quay news</description>
<item><title>Lanterns on the quay</title><link>{base}/n/lanterns</link><guid>q1</guid></item>
<item><title>Quay lights dimmed</title><link>{base}/n/lights</link><guid>q2</guid></item>
</channel></rss>"""


@pytest.fixture(autouse=True)
def fresh_robots(monkeypatch):
    monkeypatch.setattr("newsprism.ingest.http.DEFAULT_ROBOTS", RobotsCache())


def _settings(db: str):
    return load_settings(db=db, ingest__timeout_s=5.0, ingest__retries=0, ingest__backoff_s=0.0)


def _invoke(url: str, db: str):
    return CliRunner().invoke(ingest_command, [url, "--db", db, "--no-process"], catch_exceptions=False)


def test_not_modified_url_is_unchanged_not_failed_and_exits_0(tmp_path):
    db = str(tmp_path / "c.db")
    route = etag_route(page("Lanterns on the quay", "Paper lanterns lit the quay."), '"p1"', "text/html")
    with LocalServer({"/n/lanterns": route}) as server:
        first = _invoke(server.url("/n/lanterns"), db)
        second = _invoke(server.url("/n/lanterns"), db)
        assert server.requests_for("/n/lanterns")[1].headers.get("if-none-match") == '"p1"'
    assert first.exit_code == 0 and "stored 1" in first.stderr
    assert second.exit_code == 0, second.stderr
    assert "read 0  stored 0 (+0 versions)  unchanged 1 (1 not modified, not read)" in second.stderr
    assert "failed 0" in second.stderr
    assert not [line for line in second.stderr.splitlines() if line.startswith("skipped")]  # no failure line


def test_not_modified_feed_is_unchanged_not_failed(tmp_path):
    db = str(tmp_path / "f.db")
    with LocalServer() as server:
        server.routes.update({
            "/rss.xml": etag_route(RSS.format(base=server.base).encode(), '"feed-1"', "application/rss+xml"),
            "/n/lanterns": Reply(page("Lanterns on the quay", "Paper lanterns lit the quay.")),
            "/n/lights": Reply(page("Quay lights dimmed", "The quay lights went low.")),
        })
        first = _invoke(server.url("/rss.xml"), db)
        second = _invoke(server.url("/rss.xml"), db)
        assert server.hits("/n/lanterns") == 1
    assert "stored 2" in first.stderr
    assert second.exit_code == 0 and "unchanged 1" in second.stderr and "failed 0" in second.stderr


def test_validators_are_not_saved_when_the_store_write_fails(tmp_path):
    """A real SQLite failure while storing: no validator survives, so the next run fetches and stores the page."""
    db = str(tmp_path / "w.db")
    store = SqliteStore(db)
    store.execute("CREATE TRIGGER refuse BEFORE INSERT ON articles BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
    route = etag_route(page("Lanterns on the quay", "Paper lanterns lit the quay."), '"p1"', "text/html")
    with LocalServer({"/n/lanterns": route}) as server:
        url = server.url("/n/lanterns")
        with pytest.raises(sqlite3.IntegrityError, match="disk says no"):
            run_ingest([url], store, _settings(db), report_failure=lambda skipped: None)
        assert store.get_value(HTTP_NAMESPACE, url) is None
        store.execute("DROP TRIGGER refuse")
        counts = run_ingest([url], store, _settings(db), report_failure=lambda skipped: None)
        assert "if-none-match" not in server.requests_for("/n/lanterns")[1].headers
    try:
        assert counts.stored == 1 and store.count_articles() == 1
        assert store.get_value(HTTP_NAMESPACE, url) is not None  # saved with the article this time
    finally:
        store.close()


def _lights_route(slow: dict):
    """The second quay page: it answers after 30 s while `slow["on"]`, at once afterwards."""

    def lights(request) -> Reply:
        return Reply(page("Quay lights dimmed", "The quay lights went low."), delay_s=30.0 if slow["on"] else 0.0)

    return lights


def _count(db) -> int:
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]


@pytest.mark.timeout(120)
def test_feed_ingest_killed_between_fetch_and_store_loses_nothing(tmp_path):
    """SIGKILL while the second entry's page is loading: the first page was fetched but not committed; the
    re-run must not be answered 304 for the feed or that page, and ends with both articles stored."""
    db = tmp_path / "k.db"
    slow = {"on": True}
    lights = _lights_route(slow)
    with LocalServer() as server:
        server.routes.update({
            "/rss.xml": etag_route(RSS.format(base=server.base).encode(), '"feed-1"', "application/rss+xml"),
            "/n/lanterns": etag_route(page("Lanterns on the quay", "Paper lanterns lit the quay."), '"p1"',
                                      "text/html"),
            "/n/lights": lights,
        })
        command = cli_command("ingest", server.url("/rss.xml"), "--db", str(db), "--no-process", "--quiet")
        signal_on_hit(command, server, "/n/lights", signal.SIGKILL)
        slow["on"] = False
        rerun = subprocess.run(command, capture_output=True, text=True, timeout=90)
        assert rerun.returncode == 0, rerun.stderr
        assert "if-none-match" not in server.requests_for("/rss.xml")[-1].headers
    assert _count(db) == 2


@pytest.mark.timeout(120)
def test_url_ingest_stopped_by_sigterm_keeps_what_it_stored_and_resumes(tmp_path):
    """SIGTERM (a service manager's stop) while the second page loads: exit 143 with one line, the first page
    stays stored with its validators, and the re-run stores only the second (no duplicate, no lost page)."""
    db = tmp_path / "t.db"
    slow = {"on": True}
    lights = _lights_route(slow)
    with LocalServer() as server:
        server.routes.update({
            "/n/lanterns": etag_route(page("Lanterns on the quay", "Paper lanterns lit the quay."), '"p1"',
                                      "text/html"),
            "/n/lights": lights,
        })
        command = cli_command("ingest", server.url("/n/lanterns"), server.url("/n/lights"), "--db", str(db),
                              "--no-process", "--quiet")
        process, err = signal_on_hit(command, server, "/n/lights", signal.SIGTERM)
        assert process.returncode == 143, err
        assert err.strip().splitlines()[-1] == "aborted (SIGTERM)"
        assert _count(db) == 1
        slow["on"] = False
        rerun = subprocess.run(command[:-1], capture_output=True, text=True, timeout=90)
        assert rerun.returncode == 0, rerun.stderr
        assert server.requests_for("/n/lanterns")[-1].headers.get("if-none-match") == '"p1"'
    assert _count(db) == 2


def _flaky_quay_server(healthy: dict) -> LocalServer:
    """The quay feed: the first page always answers, the second answers 503 until `healthy["on"]` is set."""
    server = LocalServer()

    def lights(request) -> Reply:
        if healthy["on"]:
            return Reply(page("Quay lights dimmed", "The quay lights went low."))
        return Reply(b"busy", status=503, content_type="text/plain")

    server.routes.update({
        "/rss.xml": etag_route(RSS.format(base=server.base).encode(), '"feed-1"', "application/rss+xml"),
        "/n/lanterns": etag_route(page("Lanterns on the quay", "Paper lanterns lit the quay."), '"p1"', "text/html"),
        "/n/lights": lights,
    })
    return server


def test_feed_with_a_transiently_failed_entry_is_fetched_in_full_next_time(tmp_path):
    db = str(tmp_path / "t.db")
    healthy = {"on": False}
    with _flaky_quay_server(healthy) as server:
        first = _invoke(server.url("/rss.xml"), db)
        healthy["on"] = True
        second = _invoke(server.url("/rss.xml"), db)
        assert "if-none-match" not in server.requests_for("/rss.xml")[1].headers
        assert server.requests_for("/n/lanterns")[1].headers.get("if-none-match") == '"p1"'  # stored: 304
    assert "stored 1" in first.stderr and "failed 1" in first.stderr and "HTTP 503" in first.stderr
    assert "stored 1" in second.stderr and "unchanged 1" in second.stderr and "failed 0" in second.stderr


def test_watch_retries_a_feed_whose_entry_failed_transiently(tmp_path):
    db = str(tmp_path / "tw.db")
    healthy = {"on": False}
    polls = []

    def report(skipped) -> None:
        polls.append(skipped.reason)
        healthy["on"] = True    # the page recovers before the next poll

    from newsprism.commands.watch import poll_feeds

    store = SqliteStore(db)
    try:
        with _flaky_quay_server(healthy) as server:
            first = poll_feeds([server.url("/rss.xml")], store, _settings(db), report)
            second = poll_feeds([server.url("/rss.xml")], store, _settings(db), report)
        assert (first.new, first.skipped) == (1, 1) and "HTTP 503" in polls[0]
        assert (second.new, second.skipped) == (1, 0)
        assert store.count_articles() == 2
    finally:
        store.close()
