"""fetch_url / read_url against a real HTTP server on 127.0.0.1: timeouts, retries, redirects, limits, robots, 304."""

from __future__ import annotations

import json

import pytest

from httpserver import LocalServer, Reply, Request, etag_route
from newsprism.ingest import extract_article
from newsprism.ingest.http import HTTP_NAMESPACE, fetch_url, pending_validators, read_url, save_validators
from newsprism.ingest.raw import RawDocument
from newsprism.ingest.robots import RobotsCache
from newsprism.models import Article, Skipped
from newsprism.settings import load_settings

PAGE = (
    b"<html><head><title>Harbour ferry returns</title></head><body><article><h1>Harbour ferry returns</h1>"
    b"<p>The small ferry that links the two halves of the harbour town resumed service on Monday after a "
    b"month of repairs to its engine, the operator said in a short statement posted at the pier.</p>"
    b"<p>Commuters who had been driving the long way round the bay welcomed the news, and the first "
    b"crossing of the morning carried forty passengers and six bicycles across the calm water.</p>"
    b"</article></body></html>"
)


@pytest.fixture
def fast_settings():
    # a generous timeout: the machine is shared and a slow answer must not fail the tests that expect a page
    return load_settings(ingest__timeout_s=3.0, ingest__retries=2, ingest__backoff_s=0.01, ingest__max_bytes=50_000)


@pytest.fixture(autouse=True)
def fresh_robots(monkeypatch):
    """Each test gets its own robots.txt cache (servers reuse ports across tests)."""
    monkeypatch.setattr("newsprism.ingest.http.DEFAULT_ROBOTS", RobotsCache())


def test_fetch_page_sends_user_agent_and_extracts(fast_settings):
    with LocalServer({"/ferry": Reply(PAGE)}) as server:
        doc = fetch_url(server.url("/ferry"), fast_settings)
        agent = server.requests_for("/ferry")[0].headers["user-agent"]
    assert isinstance(doc, RawDocument) and doc.content_type == "html"
    assert doc.url == server.url("/ferry")
    assert agent == fast_settings.ingest.user_agent
    article = extract_article(doc, fast_settings)
    assert isinstance(article, Article) and "forty passengers" in article.text


def test_slow_response_times_out():
    impatient = load_settings(ingest__timeout_s=0.3, ingest__retries=0)
    with LocalServer({"/slow": Reply(PAGE, delay_s=1.5)}) as server:
        result = fetch_url(server.url("/slow"), impatient)
    assert isinstance(result, Skipped) and result.reason.startswith("timeout")


def test_server_errors_are_retried_until_success(fast_settings):
    calls = {"n": 0}

    def flaky(request: Request) -> Reply:
        calls["n"] += 1
        return Reply(b"busy", status=503, content_type="text/plain") if calls["n"] <= 2 else Reply(PAGE)

    with LocalServer({"/flaky": flaky}) as server:
        doc = fetch_url(server.url("/flaky"), fast_settings)
        assert server.hits("/flaky") == 3
    assert isinstance(doc, RawDocument) and "ferry" in doc.content


def test_persistent_server_error_gives_up(fast_settings):
    with LocalServer({"/down": Reply(b"", status=500)}) as server:
        result = fetch_url(server.url("/down"), fast_settings)
        assert server.hits("/down") == fast_settings.ingest.retries + 1
    assert isinstance(result, Skipped) and "HTTP 500" in result.reason


def test_connection_refused_is_skipped_after_retries(fast_settings):
    with LocalServer() as server:
        url = server.url("/gone")
    # the server is closed now: connect errors (robots.txt off, else the host is skipped as robots_unreachable)
    no_robots = load_settings(ingest__timeout_s=3.0, ingest__retries=2, ingest__backoff_s=0.01,
                              ingest__respect_robots=False)
    result = fetch_url(url, no_robots)
    assert isinstance(result, Skipped) and result.reason.startswith("fetch_error")
    with_robots = fetch_url(url, fast_settings)
    assert isinstance(with_robots, Skipped) and with_robots.reason.startswith("robots_unreachable")


def test_redirects_followed_and_loops_detected(fast_settings):
    routes = {
        "/old": Reply(status=301, headers={"Location": "/ferry"}),
        "/ferry": Reply(PAGE),
        "/a": Reply(status=302, headers={"Location": "/b"}),
        "/b": Reply(status=302, headers={"Location": "/a"}),
    }
    for step in range(7):
        routes[f"/chain{step}"] = Reply(status=302, headers={"Location": f"/chain{step + 1}"})
    with LocalServer(routes) as server:
        moved = fetch_url(server.url("/old"), fast_settings)
        loop = fetch_url(server.url("/a"), fast_settings)
        chain = fetch_url(server.url("/chain0"), fast_settings)
        assert server.hits("/a") == 1
    assert isinstance(moved, RawDocument) and moved.url.endswith("/ferry")
    assert isinstance(loop, Skipped) and loop.reason.startswith("redirect_loop")
    assert isinstance(chain, Skipped) and chain.reason.startswith("too_many_redirects")


def test_oversize_body_is_cut_off(fast_settings):
    big = b"<html><body>" + b"<p>word</p>" * 10_000 + b"</body></html>"
    routes = {"/declared": Reply(big), "/streamed": Reply(big, send_length=False)}
    with LocalServer(routes) as server:
        declared = fetch_url(server.url("/declared"), fast_settings)
        streamed = fetch_url(server.url("/streamed"), fast_settings)
    assert isinstance(declared, Skipped) and declared.reason.startswith("too_large: Content-Length")
    assert isinstance(streamed, Skipped) and streamed.reason.startswith("too_large: more than")


@pytest.mark.parametrize("content_type", ["image/png", "application/pdf", "application/octet-stream"])
def test_wrong_content_type_is_skipped(fast_settings, content_type):
    with LocalServer({"/file": Reply(b"\x89PNG\r\n\x1a\n\x00\x00", content_type=content_type)}) as server:
        result = fetch_url(server.url("/file"), fast_settings)
    assert isinstance(result, Skipped) and result.reason == f"unsupported_type: {content_type}"


def test_robots_txt_disallow_is_respected_and_cached(fast_settings):
    robots = b"User-agent: newsprism\nDisallow: /private/\n\nUser-agent: *\nDisallow:\n"
    routes = {"/robots.txt": Reply(robots, content_type="text/plain"), "/private/x": Reply(PAGE), "/ferry": Reply(PAGE)}
    with LocalServer(routes) as server:
        blocked = fetch_url(server.url("/private/x"), fast_settings)
        allowed = fetch_url(server.url("/ferry"), fast_settings)
        assert server.hits("/private/x") == 0
        assert server.hits("/robots.txt") == 1
    assert isinstance(blocked, Skipped) and blocked.reason.startswith("robots_disallowed")
    assert isinstance(allowed, RawDocument)


def test_conditional_get_second_fetch_is_not_modified(fast_settings, store):
    route = etag_route(PAGE, '"v1"', "text/html", last_modified="Mon, 02 Mar 2026 08:00:00 GMT")
    with LocalServer({"/ferry": route}) as server:
        first = fetch_url(server.url("/ferry"), fast_settings, store)
        # fetching alone saves nothing: validators are saved by whoever commits the article
        assert store.get_value(HTTP_NAMESPACE, server.url("/ferry")) is None
        save_validators(store, pending_validators(first))
        second = fetch_url(server.url("/ferry"), fast_settings, store)
        sent = server.requests_for("/ferry")[1].headers
    assert isinstance(first, RawDocument)
    assert isinstance(second, Skipped) and second.reason == "not_modified"
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Mon, 02 Mar 2026 08:00:00 GMT"
    saved = json.loads(store.get_value(HTTP_NAMESPACE, server.url("/ferry")))
    assert saved["etag"] == '"v1"'


def test_charset_from_http_header_is_used(fast_settings):
    body = "<html><body><p>Café façade near the old mill</p></body></html>".encode("latin-1")
    with LocalServer({"/latin": Reply(body, content_type="text/html; charset=iso-8859-1")}) as server:
        doc = fetch_url(server.url("/latin"), fast_settings)
    assert isinstance(doc, RawDocument) and "Café façade" in doc.content


def test_read_url_yields_a_plain_page_once(fast_settings):
    with LocalServer({"/ferry": Reply(PAGE)}) as server:
        records = list(read_url(server.url("/ferry"), fast_settings))
    assert len(records) == 1 and isinstance(records[0], RawDocument)


def test_bad_url_scheme_is_skipped(fast_settings):
    result = fetch_url("ftp://127.0.0.1/file", fast_settings)
    assert isinstance(result, Skipped) and result.reason.startswith("bad_url")


# ---------------------------------------------------------------------------------------------- robots.txt errors


@pytest.mark.parametrize("status", [404, 403, 410])
def test_robots_txt_unavailable_4xx_allows_everything(fast_settings, status):
    routes = {"/robots.txt": Reply(b"nope", status=status, content_type="text/plain"), "/ferry": Reply(PAGE)}
    with LocalServer(routes) as server:
        page = fetch_url(server.url("/ferry"), fast_settings)
    assert isinstance(page, RawDocument)


@pytest.mark.parametrize("robots_reply", [Reply(b"busy", status=503, content_type="text/plain"),
                                          Reply(b"", status=500), Reply(drop=True)],
                         ids=["503", "500", "connection-dropped"])
def test_robots_txt_unreachable_disallows_the_host_for_the_run(fast_settings, robots_reply):
    """RFC 9309: a 5xx or a network error reading robots.txt means complete disallow, asked once per host."""
    routes = {"/robots.txt": robots_reply, "/ferry": Reply(PAGE), "/other": Reply(PAGE)}
    with LocalServer(routes) as server:
        first = fetch_url(server.url("/ferry"), fast_settings)
        second = fetch_url(server.url("/other"), fast_settings)
        assert server.hits("/ferry") == 0 and server.hits("/other") == 0
        assert server.hits("/robots.txt") == 1
    for result in (first, second):
        assert isinstance(result, Skipped) and result.reason.startswith("robots_unreachable")


def test_robots_txt_is_ignored_when_disabled(fast_settings):
    settings = load_settings(ingest__timeout_s=3.0, ingest__retries=0, ingest__respect_robots=False)
    routes = {"/robots.txt": Reply(b"", status=503), "/ferry": Reply(PAGE)}
    with LocalServer(routes) as server:
        page = fetch_url(server.url("/ferry"), settings)
        assert server.hits("/robots.txt") == 0
    assert isinstance(page, RawDocument)
