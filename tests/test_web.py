"""Web app over a real SQLite store: pages, JSON API, token-guarded ingest, escaping, the standalone report."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import served
from newsprism.models import Analysis, Article, Finding, Quote, Reuse, Span, Story
from newsprism.store.sqlite import SqliteStore
from newsprism.web import create_app, render_story_report

STORY = "st-library"
EVIL_STORY = "st-evil"
XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'
EVIL_URL = "javascript:alert(3)"

# Three invented reports of one invented event, in our own words.
ARTICLES = [
    ("a-gazette", "Millbrook Gazette", "https://gazette.example/library-roof", "2025-05-02T08:00:00",
     "Library roof gives way after storm",
     'The roof of the Millbrook library collapsed on Friday night. Nobody was inside. '
     'Mayor Ilse Varga said: "We will rebuild the reading room before winter." '
     'Repairs are expected to cost 40,000 euros.'),
    ("a-herald", "Valley Herald", "https://herald.example/news/roof", "2025-05-02T10:30:00",
     "Mayor promises new library roof",
     'Part of the Millbrook library roof fell in during Friday\'s storm. '
     'Mayor Ilse Varga said: "We might rebuild the reading room before next winter." '
     'Repairs are expected to cost 90,000 euros.'),
    ("a-post", "Evening Post", "https://post.example/roof", "2025-05-02T15:45:00",
     "Storm damages town library",
     'A storm damaged the Millbrook library on Friday. '
     'Mayor Ilse Varga said: "We will rebuild the reading room before winter." '
     'The fire brigade closed the street for two hours.'),
]


def _span(text: str, article_id: str, piece: str) -> Span:
    start = text.index(piece)
    return Span(article_id, start, start + len(piece))


def _quote(article_id: str, text: str, piece: str) -> Quote:
    return Quote(f"q-{article_id}", article_id, "direct", [_span(text, article_id, piece)], speaker="Ilse Varga")


def build_corpus(path: Path) -> Path:
    """An invented three-outlet story with every finding kind, plus a story whose article is hostile HTML."""
    store = SqliteStore(str(path))
    texts = {}
    for aid, outlet, url, published, title, text in ARTICLES:
        article = Article(aid, text, outlet, url, title, published=datetime.fromisoformat(published).replace(tzinfo=UTC))
        store.put_article(article)
        quoted = re.search(r'"([^"]+)"', text).group(1)
        store.put_analysis(Analysis(article, quotes=[_quote(aid, text, quoted)]))
        texts[aid] = text
    store.put_story(Story(STORY, [a[0] for a in ARTICLES], datetime(2025, 5, 2, 8, tzinfo=UTC),
                          datetime(2025, 5, 2, 15, 45, tzinfo=UTC), "Millbrook library roof collapse"))
    g, h, p = (texts[a] for a in ("a-gazette", "a-herald", "a-post"))
    q_g = "We will rebuild the reading room before winter."
    q_h = "We might rebuild the reading room before next winter."
    store.put_findings(STORY, [
        Finding("altered", [_span(g, "a-gazette", q_g), _span(h, "a-herald", q_h)],
                {"speaker": "Ilse Varga", "statement_id": "s1", "article_ids": ["a-gazette", "a-herald"],
                 "changed": [["will", "might"], [[], ["next"]]], "reasons": ["certainty changed"],
                 "texts": [q_g, q_h]}),
        Finding("verbatim", [_span(g, "a-gazette", q_g), _span(p, "a-post", q_g)],
                {"speaker": "Ilse Varga", "statement_id": "s1", "article_ids": ["a-gazette", "a-post"],
                 "changed": [], "texts": [q_g, q_g]}),
        Finding("conflict", [_span(g, "a-gazette", "40,000"), _span(h, "a-herald", "90,000")],
                {"what": "number", "about": "euros", "values": [40000, 90000],
                 "by_article": {"a-gazette": "40,000 euros", "a-herald": "90,000 euros"},
                 "sentences": ["Repairs are expected to cost 40,000 euros.", "Repairs are expected to cost 90,000 euros."]}),
        Finding("unique", [_span(p, "a-post", "The fire brigade closed the street for two hours.")],
                {"what": "sentences", "article_id": "a-post", "outlet": "Evening Post",
                 "sentences": ["The fire brigade closed the street for two hours."]}),
        Finding("omitted", [_span(g, "a-gazette", "Nobody was inside.")],
                {"what": "sentence", "article_id": "a-herald", "outlet": "Valley Herald",
                 "carried_by": ["a-gazette"], "text": "Nobody was inside."}),
    ])
    store.put_reuse([Reuse("a-gazette", "a-post", "near-verbatim", 0.81)])
    evil_text = f'Intro {XSS} and a link <a href="{EVIL_URL}">click</a>. Chief {XSS} said "fine words here".'
    evil = Article("a-evil", evil_text, f"Outlet {XSS}", EVIL_URL, f"Title {XSS}",
                   published=datetime(2025, 6, 1, 9, tzinfo=UTC))
    store.put_article(evil)
    ev_q = Quote("q-evil", "a-evil", "direct", [_span(evil_text, "a-evil", "fine words here")], speaker=f"Chief {XSS}")
    store.put_analysis(Analysis(evil, quotes=[ev_q]))
    store.put_story(Story(EVIL_STORY, ["a-evil"], evil.published, evil.published, f"Story {XSS}"))
    store.put_findings(EVIL_STORY, [
        Finding("unique", [_span(evil_text, "a-evil", "fine words here")],
                {"what": "quote", "article_id": "a-evil", "outlet": evil.outlet, "speaker": f"Chief {XSS}",
                 "text": f"fine {XSS} words"}),
        Finding("altered", [_span(evil_text, "a-evil", "fine words here")],
                {"speaker": f"Chief {XSS}", "statement_id": "s9", "article_ids": ["a-evil", "a-gazette"],
                 "changed": [[XSS, "x"]], "texts": [f"said {XSS}", "said x"]}),
    ])
    store.close()
    return path


@pytest.fixture
def corpus_db(tmp_path) -> Path:
    return build_corpus(tmp_path / "web.db")


@pytest.fixture
def client(corpus_db) -> TestClient:
    return TestClient(create_app(str(corpus_db), token="s3cret-token"))


def assert_inert(html: str) -> None:
    """No article-derived markup survived as live HTML."""
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html.lower()
    assert "&lt;script&gt;" in html


def test_story_list_shows_outlets_counts_and_filters(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "Millbrook library roof collapse" in page.text
    assert "Valley Herald" in page.text
    data = client.get("/api/stories").json()
    row = next(s for s in data["stories"] if s["id"] == STORY)
    assert (row["article_count"], row["altered"], row["conflicts"]) == (3, 1, 1)
    assert row["outlets"] == ["Evening Post", "Millbrook Gazette", "Valley Herald"]
    only = lambda **kw: [s["id"] for s in client.get("/api/stories", params=kw).json()["stories"]]  # noqa: E731
    assert only(outlet="Valley Herald") == [STORY]
    assert only(speaker="Ilse Varga") == [STORY]
    assert only(q="fire brigade") == [STORY]
    assert only(q="brigade, FIRE") == only(q="brig") == only(q="\"brigade*") == [STORY]  # words, any order, prefixes
    assert only(since="2025-05-20") == [EVIL_STORY]
    assert only(until="2025-05-03") == [STORY]
    assert only(q="no such words anywhere") == only(q="?! –") == []
    assert only(q="%") == only(q="_") == []  # characters, not LIKE wildcards
    assert only(since="2025-05-20T04:00:00+05:00") == [EVIL_STORY]  # the same moment as 2025-05-19T23:00Z
    assert client.get("/api/stories", params={"since": "2025/05/20"}).status_code == 422
    assert client.get("/api/stories", params={"page": 10**9}).json()["stories"] == []
    for path in ("/api/stories", "/"):  # a page number past SQLite's integers is refused, not a server error
        assert client.get(path, params={"page": "99999999999999999999"}).status_code == 422


def test_story_page_marks_changed_words_and_lists_findings(client):
    html = client.get(f"/stories/{STORY}").text
    assert '<mark class="chg">might</mark>' in html
    assert '<mark class="chg">next</mark>' in html
    assert '<mark class="chg">will</mark>' in html
    assert "90,000 euros" in html and "40,000 euros" in html
    assert "The fire brigade closed the street" in html
    assert "Nobody was inside." in html
    assert "near-verbatim" in html
    assert "<svg" in html and "<circle" in html
    api = client.get(f"/api/stories/{STORY}").json()
    assert [s["worst"] for s in api["statements"]] == ["altered"]
    assert api["reuse"][0]["derived_id"] == "a-post"
    assert client.get("/stories/nope").status_code == 404


def test_speaker_outlet_and_article_pages(client):
    speaker = client.get("/speaker", params={"name": "Ilse Varga"})
    assert speaker.status_code == 200
    times = [q["published"] for q in client.get("/api/speaker", params={"name": "Ilse Varga"}).json()["quotes"]]
    assert len(times) == 3 and times == sorted(times)
    board = client.get("/api/outlets").json()["scoreboard"]
    assert board["Valley Herald"]["altered"] == 1
    assert board["Millbrook Gazette"] == {"verbatim": 1, "variant": 0, "altered": 2, "copies": 0}  # one from the hostile story
    assert board["Evening Post"]["copies"] == 1
    outlet = client.get("/outlet", params={"name": "Valley Herald"}).text
    assert "100%" in outlet and f'/stories/{STORY}' in outlet
    article = client.get("/articles/a-herald").text
    assert '<a href="https://herald.example/news/roof"' in article
    assert '<mark class="f-conflict">90,000</mark>' in article
    assert "<mark class=\"f-altered quote\">We might rebuild" in article
    assert client.get("/api/articles/a-herald").json()["story_id"] == STORY


def test_hostile_article_renders_inert_on_every_page(client, corpus_db, tmp_path):
    pages = [
        "/", f"/stories/{EVIL_STORY}", "/articles/a-evil", "/speakers", "/outlets",
        "/speaker?name=" + requote(f"Chief {XSS}"), "/outlet?name=" + requote(f"Outlet {XSS}"),
        "/?outlet=" + requote(f"Outlet {XSS}"),
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.text)
    article = client.get("/articles/a-evil").text
    assert "javascript:alert(3)" in article and 'href="javascript' not in article
    store = SqliteStore(str(corpus_db))
    report = render_story_report(store, EVIL_STORY)
    store.close()
    assert_inert(report)


def requote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def test_ingest_needs_the_token_and_stores_nothing_without_it(corpus_db):
    body = {"articles": [{"text": "A short invented note about a bridge opening in town.", "outlet": "Tiny Times",
                          "url": "https://tiny.example/bridge", "title": "Bridge opens"}]}
    open_app = TestClient(create_app(str(corpus_db), token=None))
    assert open_app.post("/api/ingest", json=body).status_code == 403
    guarded = TestClient(create_app(str(corpus_db), token="s3cret-token"))
    assert guarded.post("/api/ingest", json=body).status_code == 401
    assert guarded.post("/api/ingest", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert guarded.post("/api/ingest", json=body, headers={"Authorization": "s3cret-token"}).status_code == 401
    store = SqliteStore(str(corpus_db))
    assert store.execute("SELECT count(*) FROM articles WHERE outlet = 'Tiny Times'")[0][0] == 0
    store.close()


def test_ingest_with_token_stores_articles(corpus_db):
    text = ("The new footbridge over the canal opened on Monday morning. " * 4).strip()
    body = {"articles": [{"id": "tt-17", "text": text, "outlet": "Tiny Times", "url": "https://tiny.example/bridge",
                          "title": "Bridge opens", "published": "2025-07-01T09:00:00Z"}, {"outlet": "Empty"}]}
    app = TestClient(create_app(str(corpus_db), token="s3cret-token"))
    result = app.post("/api/ingest", json=body, headers={"Authorization": "Bearer s3cret-token"})
    assert result.status_code == 200, result.text
    data = result.json()
    assert len(data["stored"]) == 1 and len(data["skipped"]) == 1
    store = SqliteStore(str(corpus_db))
    row = store.execute("SELECT outlet, record_id FROM articles WHERE id = ?", (data["stored"][0]["id"],))[0]
    assert tuple(row) == ("Tiny Times", "tt-17")
    store.close()


def test_an_article_stored_but_never_processed_is_processed_when_posted_again(tmp_path):
    """A request that failed after storing (before processing) must not leave its article outside every story."""
    from newsprism.ingest import extract_article
    from newsprism.ingest.readers import jsonl_record
    from newsprism.settings import load_settings

    text = ("The new footbridge over the canal opened on Monday morning, and the council said the old ferry "
            "across the canal would stop running at the end of the month. ") * 3
    record = {"text": text, "outlet": "Tiny Times", "url": "https://tiny.example/footbridge"}
    db = str(tmp_path / "half.db")
    store = SqliteStore(db)
    article = extract_article(jsonl_record("api#0", record), load_settings())
    assert store.put_article(article) == "new"   # stored, as by a request that then failed
    store.close()
    app = TestClient(create_app(db, token="s3cret-token"))
    answer = app.post("/api/ingest", json={"articles": [record]}, headers={"Authorization": "Bearer s3cret-token"})
    assert answer.status_code == 200 and answer.json()["stored"][0]["status"] == "unchanged"
    assert app.get(f"/api/articles/{article.id}").json()["story_id"] is not None


def test_openapi_documents_the_api(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/stories", "/api/stories/{story_id}", "/api/speaker", "/api/outlets", "/api/outlet",
                 "/api/articles/{article_id}", "/api/ingest"):
        assert path in paths


def test_report_command_writes_a_self_contained_file(corpus_db, tmp_path):
    from click.testing import CliRunner

    from newsprism.cli import cli

    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["report", STORY, "--db", str(corpus_db), "--html", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    assert '<mark class="chg">might</mark>' in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html.replace('xmlns="http://www.w3.org/2000/svg"', ""))
    assert "<script" not in html and "<link" not in html
    assert "href=" not in html  # the site's own pages (/articles/..., /speaker?...) do not exist next to a file
    assert "Ilse Varga" in html
    evil_out = tmp_path / "evil.html"
    CliRunner().invoke(cli, ["report", EVIL_STORY, "--db", str(corpus_db), "--html", str(evil_out)])
    assert_inert(evil_out.read_text("utf-8"))
    missing = CliRunner().invoke(cli, ["report", "nope", "--db", str(corpus_db), "--html", str(out)])
    assert missing.exit_code != 0


def test_api_returns_json_serialisable_story(client):
    assert json.loads(client.get(f"/api/stories/{EVIL_STORY}").text)["story"]["label"].startswith("Story <script>")


def test_api_reference_page_lists_every_endpoint_without_outside_assets(client):
    html = client.get("/api").text
    for path in ("/api/stories", "/api/stories/{story_id}", "/api/speaker", "/api/ingest"):
        assert f"<code>{path}</code>" in html
    assert "https://" not in html and "http://" not in html
    assert client.get("/docs").status_code == 404
    assert "/api/outlets" in client.get("/openapi.json").json()["paths"]


def test_ingest_requests_at_once_build_the_same_stories_as_one_after_another(tmp_path):
    """A real server answers requests on a thread pool; two clustering side by side used to split one story."""
    import threading
    import urllib.request

    base = ("Storm winds tore the roof from the lighthouse keeper's cottage on Gull Point late on Tuesday, and the "
            "coastguard closed the harbour road until engineers can check the sea wall. \"We have never seen the "
            "water come this far up the slipway,\" harbour master Ennis Varga said. The council will meet on "
            "Friday to decide how to pay for the repairs to the cottage and the wall.")
    bodies = [{"articles": [{"text": base + f" Reported by desk {n}-{k}.", "outlet": f"Coast Paper {n}{k}",
                             "url": f"https://coast{n}{k}.example/storm"} for k in range(3)]} for n in range(3)]
    answers: list[int] = []
    with served(tmp_path / "fresh.db", "--token", "s3cret-token") as server:
        def post(body: dict) -> None:
            request = urllib.request.Request(server + "/api/ingest", data=json.dumps(body).encode(), headers={
                "Authorization": "Bearer s3cret-token", "Content-Type": "application/json"})
            answers.append(urllib.request.urlopen(request, timeout=300).status)

        threads = [threading.Thread(target=post, args=(body,)) for body in bodies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stories = json.load(urllib.request.urlopen(server + "/api/stories"))["stories"]
    assert answers == [200, 200, 200]
    assert [s["article_count"] for s in stories] == [9]
