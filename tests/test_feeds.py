"""RSS/Atom feeds and `newsprism watch` against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import signal
import subprocess

import pytest
from click.testing import CliRunner

from conftest import cli_command
from httpserver import LocalServer, Reply, etag_route, signal_on_hit
from httpserver import article_page as page_html
from newsprism.cli import cli
from newsprism.commands.watch import parse_duration
from newsprism.ingest.feeds import read_feed
from newsprism.ingest.http import HTTP_NAMESPACE, pending_validators, read_url, save_validators
from newsprism.ingest.raw import RawDocument
from newsprism.ingest.robots import RobotsCache
from newsprism.models import Skipped
from newsprism.settings import load_settings
from newsprism.store.sqlite import SqliteStore

_BODY = (
    "<p>{lead} The council met in the library hall on Tuesday evening and listened to residents for "
    "nearly three hours before it voted on the plan.</p><p>Several speakers asked for more benches and "
    "better lighting along the river path, while others worried about the cost of upkeep in winter.</p>"
)


def article_page(title: str, lead: str) -> bytes:
    return page_html(title, _BODY.format(lead=lead))


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Valley Gazette</title><link>{base}/</link><description>Local news</description>
<item><title>Council backs river path</title><link>{base}/news/river-path</link>
<author>reporter@example.org (Dana Holt)</author><pubDate>Tue, 03 Mar 2026 18:30:00 GMT</pubDate>
<guid>{base}/news/river-path</guid><description>Short teaser.</description></item>
<item><title>Bakery wins county prize</title><link>{base}/news/missing-page</link>
<pubDate>Wed, 04 Mar 2026 07:00:00 GMT</pubDate><guid>bakery-1</guid>
<description>&lt;p&gt;{fallback}&lt;/p&gt;</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Hill Courier</title><id>urn:hill</id>
<updated>2026-03-05T09:00:00Z</updated>
<entry><title>New bus timetable for the hills</title><id>urn:hill:1</id>
<link href="{base}/story/buses"/><updated>2026-03-05T09:00:00Z</updated><published>2026-03-05T08:15:00Z</published>
<author><name>Rui Alves</name></author><summary>Buses change next month.</summary></entry>
</feed>"""

FALLBACK = ("The family bakery on Mill Street took first place at the county fair on Saturday with a rye loaf "
            "that the judges called light and even, and the owners said they would keep baking it every "
            "morning for as long as the flour mill down the road stays open for business.")


@pytest.fixture
def fast_settings():
    return load_settings(ingest__timeout_s=5.0, ingest__retries=0, ingest__backoff_s=0.0)


@pytest.fixture(autouse=True)
def fresh_robots(monkeypatch):
    monkeypatch.setattr("newsprism.ingest.http.DEFAULT_ROBOTS", RobotsCache())


def gazette_server() -> LocalServer:
    server = LocalServer()
    rss = RSS.format(base=server.base, fallback=FALLBACK).encode()
    server.routes.update({
        "/rss.xml": etag_route(rss, '"feed-1"', "application/rss+xml"),
        "/news/river-path": etag_route(article_page("Council backs river path", "Plans for a new path won."),
                                       '"page-1"', "text/html; charset=utf-8"),
        "/news/missing-page": Reply(b"gone", status=404, content_type="text/plain"),
    })
    return server


def test_rss_entries_use_pages_with_feed_metadata(fast_settings):
    with gazette_server() as server:
        records = list(read_feed(server.url("/rss.xml"), fast_settings))
    assert [type(r) for r in records] == [RawDocument, RawDocument]
    page, fallback = records
    assert page.url == server.url("/news/river-path") and page.extra["from"] == "page"
    assert page.title == "Council backs river path"
    assert "Dana Holt" in page.author
    assert page.published.isoformat() == "2026-03-03T18:30:00+00:00"
    assert "library hall" in page.content
    assert fallback.extra["from"] == "feed" and "rye loaf" in fallback.content
    assert fallback.published.day == 4


def test_atom_feed_is_sniffed_by_read_url(fast_settings):
    server = LocalServer()
    atom = ATOM.format(base=server.base).encode()
    server.routes.update({
        "/atom": Reply(atom, content_type="text/xml"),  # a generic XML type: the feed is recognised by its root
        "/story/buses": Reply(article_page("New bus timetable for the hills", "Routes 4 and 9 will change.")),
    })
    with server:
        records = list(read_url(server.url("/atom"), fast_settings))
    assert len(records) == 1 and isinstance(records[0], RawDocument)
    assert records[0].author == "Rui Alves" and records[0].published.hour == 8
    assert "Routes 4 and 9" in records[0].content


def test_repeated_poll_fetches_nothing_new(fast_settings, store):
    with gazette_server() as server:
        first = list(read_feed(server.url("/rss.xml"), fast_settings, store))
        for record in first:  # as the caller does once the articles are committed
            save_validators(store, pending_validators(record) + pending_validators(record, source=True))
        page_hits = server.hits("/news/river-path")
        second = list(read_feed(server.url("/rss.xml"), fast_settings, store))
        assert server.hits("/news/river-path") == page_hits  # the feed was 304: no entry page requested again
        assert server.requests_for("/rss.xml")[1].headers["if-none-match"] == '"feed-1"'
    assert len(first) == 2
    assert second == [Skipped(server.url("/rss.xml"), "not_modified")]


def test_broken_feed_is_one_skipped(fast_settings):
    with LocalServer({"/bad.xml": Reply(b"<rss><channel><item><title>x", content_type="application/rss+xml")}) as server:
        records = list(read_feed(server.url("/bad.xml"), fast_settings))
    assert len(records) == 1 and isinstance(records[0], Skipped)


def test_parse_duration():
    assert parse_duration("15m") == 900 and parse_duration("2h") == 7200 and parse_duration("0.05s") == 0.05
    with pytest.raises(Exception, match="not a duration"):
        parse_duration("soon")
    for text in ("0s", "99999999999999999999d"):
        with pytest.raises(Exception, match="more than 0 and at most 366 days"):
            parse_duration(text)


def test_watch_two_polls_stores_once(tmp_path):
    db = tmp_path / "watch.db"
    with gazette_server() as server:
        result = CliRunner().invoke(
            cli, ["watch", server.url("/rss.xml"), "--every", "0.05s", "--max-polls", "2", "--db", str(db),
                  "--no-process"],
            catch_exceptions=False,
        )
        feed_requests = server.hits("/rss.xml")
        page_requests = server.hits("/news/river-path")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("poll ")]
    assert len(lines) == 2
    assert "2 new" in lines[0]
    assert "0 new, 0 updated, 1 unchanged" in lines[1]
    assert feed_requests == 2 and page_requests == 1
    store = SqliteStore(str(db))
    try:
        assert store.count_articles() == 2
    finally:
        store.close()


@pytest.mark.timeout(60)
def test_watch_stops_cleanly_on_ctrl_c(tmp_path):
    """A real process gets SIGINT while sleeping between polls: it prints why it stopped and exits 0."""
    with gazette_server() as server:
        process = _watch_process(server.url("/rss.xml"), tmp_path / "w.db", "60s")
        try:
            first = process.stdout.readline()
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
    assert first.startswith("poll 1 ")
    assert process.returncode == 0
    assert "stopped after 1 poll" in err


def _watch_command(feed_url: str, db, every: str) -> list[str]:
    return cli_command("watch", feed_url, "--every", every, "--db", str(db), "--no-process")


def _watch_process(feed_url: str, db, every: str) -> subprocess.Popen:
    return subprocess.Popen(_watch_command(feed_url, db, every), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


@pytest.mark.timeout(60)
def test_watch_stops_cleanly_on_sigterm_between_polls(tmp_path):
    """SIGTERM (as a service manager sends) stops watch like Ctrl-C: exit 0 and a summary line."""
    with gazette_server() as server:
        process = _watch_process(server.url("/rss.xml"), tmp_path / "t.db", "60s")
        try:
            first = process.stdout.readline()
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
    assert first.startswith("poll 1 ")
    assert process.returncode == 0, err
    assert "stopped after 1 poll(s) (SIGTERM)" in err and "2 new" in err


@pytest.mark.timeout(90)
def test_watch_sigterm_mid_poll_keeps_stored_entries_and_no_feed_validators(tmp_path):
    """SIGTERM while an entry's page is loading: the entry before it stays stored, the feed's ETag is not saved
    (the next poll must see the unstored entry), and watch still exits 0 with a summary."""
    db = tmp_path / "m.db"
    with LocalServer() as server:
        rss = RSS.format(base=server.base, fallback=FALLBACK).encode()
        server.routes.update({
            "/rss.xml": etag_route(rss, '"feed-1"', "application/rss+xml"),
            "/news/river-path": Reply(article_page("Council backs river path", "Plans for a new path won.")),
            "/news/missing-page": Reply(article_page("Bakery wins county prize", "The rye loaf won."), delay_s=30),
        })
        process, err = signal_on_hit(_watch_command(server.url("/rss.xml"), db, "60s"), server,
                                     "/news/missing-page", signal.SIGTERM)
    assert process.returncode == 0, err
    assert "stopped after 1 poll(s) (SIGTERM)" in err and "1 new" in err
    store = SqliteStore(str(db))
    try:
        assert store.count_articles() == 1
        assert store.get_value(HTTP_NAMESPACE, server.url("/rss.xml")) is None
    finally:
        store.close()
