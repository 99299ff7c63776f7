"""Readers (files, archives, JSONL, stdin) and extraction (trafilatura, plain text, metadata)."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsprism.ingest import extract_article, ingest_articles, read_sources
from newsprism.ingest.encoding import decode_bytes
from newsprism.ingest.outlet import outlet_for
from newsprism.ingest.raw import RawDocument
from newsprism.models import Article, Skipped, article_id_for

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

BODY = (
    "The county library will stay open until ten in the evening during the exam season, the head librarian "
    "announced on Thursday, after students complained that the reading rooms closed too early. The extra hours "
    "will be paid for from a fund left to the library by a retired teacher, and volunteers will help staff "
    "the front desk on weekends."
)


def _articles(items) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def test_html_fixture_gives_text_title_author_date_and_outlet(settings) -> None:
    [article] = _articles(ingest_articles([str(FIXTURES / "harbour_ferry.html")], settings))
    assert article.title == "Harbour ferry returns after winter repairs"
    assert article.author == "Mira Okafor"
    assert article.published is not None and article.published.tzinfo is not None
    assert article.published.date() == datetime(2023, 4, 11, tzinfo=UTC).date()
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith("The small passenger ferry")
    assert len(paragraphs) == 4
    assert "Home" not in article.text and "All rights reserved" not in article.text
    assert article.language == "en"
    assert article.id == article_id_for(None, article.text)


def test_latin1_html_with_meta_charset_decodes(settings) -> None:
    [article] = _articles(read_and_extract([str(FIXTURES / "cafe_latin1.html")], settings))
    assert "cafés" in article.text
    assert "\ufffd" not in article.text


def read_and_extract(inputs, settings):
    return [r if isinstance(r, Skipped) else extract_article(r, settings) for r in read_sources(inputs, settings)]


def test_plain_text_fixture_is_cleaned(settings) -> None:
    [article] = _articles(ingest_articles([str(FIXTURES / "bakery_notes.txt")], settings))
    assert article.title == "Bakery cooperative opens second shop"
    paragraphs = article.text.split("\n\n")
    assert "\"Will it pay? We think so.\"" in paragraphs
    assert not any(p.startswith(("By ", "Share", "5 Min")) or p == "Local Produce" for p in paragraphs)


def test_jsonl_records_keep_metadata_and_line_refs(tmp_path, settings) -> None:
    path = tmp_path / "feed.jsonl"
    records = [
        {"id": "rec-7", "text": BODY, "url": "https://www.lib-news.example/a?utm_source=x", "title": "Late hours",
         "author": "A. Reader", "published": "2024-02-03T10:00:00+05:00"},
        {"html": f"<html><body><article><p>{BODY}</p></article></body></html>", "outlet": "Town Crier"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", "utf-8")
    first, second = _articles(ingest_articles([str(path)], settings))
    assert first.source_ref == f"{path}#L1" and second.source_ref == f"{path}#L2"
    assert first.outlet == "lib-news.example" and second.outlet == "Town Crier"
    assert first.published == datetime(2024, 2, 3, 5, 0, tzinfo=UTC)
    assert first.id == article_id_for("https://www.lib-news.example/a", "")
    assert first.title == "Late hours" and first.author == "A. Reader"
    raw = next(iter(read_sources([str(path)], settings)))
    assert raw.extra["record_id"] == "rec-7"


def test_gzip_zip_and_tar_members_are_dispatched_by_name(tmp_path, settings) -> None:
    line = json.dumps({"text": BODY, "url": "https://a.example/1"}) + "\n"
    (tmp_path / "one.jsonl.gz").write_bytes(gzip.compress(line.encode()))
    with zipfile.ZipFile(tmp_path / "two.zip", "w") as archive:
        archive.writestr("inner/page.html", f"<html><body><article><p>{BODY} Zip.</p></article></body></html>")
        archive.writestr("inner/note.txt", BODY + " Zipped text.")
    with tarfile.open(tmp_path / "three.tar.gz", "w:gz") as archive:
        data = (BODY + " Tarred.").encode()
        info = tarfile.TarInfo("member.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    refs = sorted(a.source_ref for a in _articles(ingest_articles([str(tmp_path)], settings)))
    assert refs == sorted([
        f"{tmp_path / 'one.jsonl.gz'}#L1",
        f"{tmp_path / 'three.tar.gz'}::member.txt",
        f"{tmp_path / 'two.zip'}::inner/note.txt",
        f"{tmp_path / 'two.zip'}::inner/page.html",
    ])


def test_directory_is_walked_recursively_in_sorted_order(tmp_path, settings) -> None:
    for name in ("b/z.txt", "a.txt", "b/c.txt", ".hidden/x.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(BODY + " " + name, "utf-8")
    refs = [r.source_ref for r in read_sources([str(tmp_path)], settings)]
    assert refs == [str(tmp_path / "a.txt"), str(tmp_path / "b/c.txt"), str(tmp_path / "b/z.txt")]
    (tmp_path / "b/gone.txt").symlink_to(tmp_path / "removed.txt")
    [dangling] = [r for r in read_sources([str(tmp_path)], settings) if isinstance(r, Skipped)]
    assert dangling.source_ref == str(tmp_path / "b/gone.txt")


def test_unknown_extension_is_sniffed(tmp_path, settings) -> None:
    (tmp_path / "page.dat").write_text(f"<!doctype html><html><body><p>{BODY}</p></body></html>", "utf-8")
    (tmp_path / "lines.dat").write_text(json.dumps({"text": BODY}) + "\n", "utf-8")
    kinds = {r.source_ref.split("/")[-1]: r.content_type for r in read_sources([str(tmp_path)], settings)}
    assert kinds == {"page.dat": "html", "lines.dat#L1": "text"}


def test_non_english_is_kept_and_marked(settings) -> None:
    french = (
        "Le conseil municipal a voté mardi soir la construction d'une nouvelle passerelle au-dessus de la "
        "rivière, après un long débat sur le coût des travaux et la protection des berges. Les habitants du "
        "quartier attendent ce projet depuis plus de dix ans et se disent soulagés par la décision."
    )
    article = extract_article(RawDocument(source_ref="fr.txt", content=french), settings)
    assert isinstance(article, Article)
    assert article.language == "fr"


def test_too_short_is_skipped_with_word_count(settings) -> None:
    result = extract_article(RawDocument(source_ref="tiny.txt", content="Only a few words here."), settings)
    assert isinstance(result, Skipped)
    assert result.reason.startswith("too_short: 5 words")


def test_outlet_fallbacks() -> None:
    assert outlet_for("Declared Name", "https://www.x.example/a", "f.txt") == "Declared Name"
    assert outlet_for(None, "https://www.news.example.org/a", "f.txt") == "news.example.org"
    assert outlet_for(None, None, "/data/www.tribune.example_2024-01-01.html") == "tribune.example"
    assert outlet_for(None, None, "/data/herald_2024_05_01.txt") == "herald"
    assert outlet_for(None, None, "/data/notes.txt") == ""
    assert outlet_for(None, None, "/data/03-quay-beacon.txt") == "Quay Beacon"
    assert outlet_for(None, None, "/data/valley_voice-2031-05.txt") == "Valley Voice"
    assert outlet_for(None, None, "/data/article-0003.txt") == "article"     # the older "word_digits" rule
    assert outlet_for(None, None, "/data/sample-text.txt") == ""             # generic words name no outlet
    assert outlet_for(None, None, "/data/03-quay-beacon.txt", masthead="The Quay Beacon") == "The Quay Beacon"
    assert outlet_for(None, "https://quay.example/a", "q.txt", masthead="The Quay Beacon") == "quay.example"


def test_plain_text_outlet_from_masthead_else_file_name_and_title_skips_menu(tmp_path, settings) -> None:
    with_masthead = tmp_path / "07-anything-goes.txt"
    with_masthead.write_text("Quay Beacon\nHome | Local | Transport | Opinion\n\nLibrary hours extended for exams\n\n"
                             + BODY + "\n", "utf-8")
    without = tmp_path / "08-hill-gazette.txt"
    without.write_text("Home · News · Sport · Weather\n\nLibrary hours extended for exams\n\n" + BODY + "\n", "utf-8")
    first, second = _articles(ingest_articles([str(with_masthead), str(without)], settings))
    assert (first.outlet, first.title) == ("Quay Beacon", "Library hours extended for exams")
    assert (second.outlet, second.title) == ("Hill Gazette", "Library hours extended for exams")
    assert "Home" not in first.text and "Sport" not in second.text


def test_decoding_never_raises() -> None:
    assert decode_bytes("naïve".encode("utf-16")) == "naïve"
    assert decode_bytes(b"\xef\xbb\xbfplain") == "plain"
    assert decode_bytes("Zoë".encode("cp1252") + b" and more ordinary words follow here") .startswith("Zo")
    assert isinstance(decode_bytes(b"\xff\xfe\xfa\x80\x81 broken \xc3"), str)


def test_utf8_with_a_stray_byte_stays_utf8_and_latin1_is_still_detected() -> None:
    text = "Mayor Helga Brändt and Tomás Reyés met the harbour crews at the quay on Monday morning. " * 3
    data = text.encode("utf-8")
    damaged = data[:120] + b"\xff" + data[120:]
    decoded = decode_bytes(damaged)
    assert "Brändt" in decoded and "Reyés" in decoded and decoded.count("\ufffd") == 1
    assert decode_bytes(text.encode("latin-1")) == text


def test_url_input_goes_through_the_http_module(settings) -> None:
    """A page served on 127.0.0.1 is fetched by newsprism.ingest.http and extracted like a file."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    page = (FIXTURES / "harbour_ferry.html").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/ferry"
        [article] = _articles(ingest_articles([url], settings))
    finally:
        server.shutdown()
        server.server_close()
    assert article.url == url and article.title == "Harbour ferry returns after winter repairs"


def test_json_array_and_pretty_printed_object(tmp_path, settings) -> None:
    (tmp_path / "many.json").write_text(json.dumps([{"text": BODY + " One."}, {"text": BODY + " Two."}], indent=2))
    (tmp_path / "one.json").write_text(json.dumps({"text": BODY, "title": "Library hours"}, indent=2))
    refs = sorted(r.source_ref.rsplit("/", 1)[-1] for r in read_sources([str(tmp_path)], settings))
    assert refs == ["many.json#[0]", "many.json#[1]", "one.json"]


def test_example_plain_text_files_get_masthead_outlets_and_real_titles(settings) -> None:
    """examples/harbour-ferry/*.txt have no metadata: the outlet is each file's masthead, never empty, and no
    title is a menu line."""
    files = sorted((Path(__file__).resolve().parents[1] / "examples" / "harbour-ferry").glob("*.txt"))
    if not files:
        pytest.skip("examples/harbour-ferry is not present")
    articles = _articles(ingest_articles([str(f) for f in files], settings))
    assert len(articles) == len(files)
    for path, article in zip(files, articles, strict=True):
        first_line = path.read_text("utf-8").splitlines()[0].strip()
        assert article.outlet == first_line, path.name
        assert article.title and "|" not in article.title and len(article.title.split()) >= 4, path.name
