"""read_warc on real WARC files written here with warcio's WARCWriter (gzip and plain), including corrupt ones."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsprism.ingest import extract_article
from newsprism.ingest.raw import RawDocument
from newsprism.ingest.readers import read_path
from newsprism.ingest.warc import read_warc
from newsprism.models import Article, Skipped
from newsprism.settings import load_settings

STORY = (
    "<html><head><meta charset='{charset}'><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>Volunteers planted two hundred young oak trees along the northern edge of the town common on "
    "Sunday, finishing a project that began with a school essay contest three years ago.</p>"
    "<p>The parks office said the saplings would be watered by hand through the dry summer months and "
    "that a small plaque naming the pupils would be placed near the gate by the end of the year.</p>"
    "{extra}</article></body></html>"
)


def story(title: str, charset: str = "utf-8", extra: str = "") -> bytes:
    return STORY.format(title=title, charset=charset, extra=extra).encode(charset)


def write_records(stream, records: list[tuple], gzip: bool) -> list[int]:
    """Write (kind, url, status, content_type, body) records; returns the byte offset where each begins."""
    writer = WARCWriter(stream, gzip=gzip)
    offsets = []
    for kind, url, status, content_type, body in records:
        offsets.append(stream.tell())
        if kind == "request":
            headers = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example")], is_http_request=True)
            record = writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=headers)
        else:
            headers = StatusAndHeaders(f"{status} X", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
        writer.write_record(record)
    return offsets


GOOD = [
    ("request", "http://news.example/oaks", None, None, None),
    ("response", "http://news.example/oaks", "200 OK", "text/html; charset=utf-8", story("Oaks for the common")),
    ("response", "http://news.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    ("response", "http://news.example/nothing", "404 Not Found", "text/html", b"<html>missing</html>"),
    ("response", "http://news.example/latin", "200 OK", "text/html; charset=iso-8859-1",
     story("Café on the common", charset="iso-8859-1", extra="<p>Crème brûlée was served.</p>")),
]


@pytest.fixture
def settings_small():
    return load_settings(ingest__max_bytes=4000)


@pytest.mark.parametrize("gzip", [True, False])
def test_html_responses_become_documents(tmp_path: Path, settings_small, gzip: bool):
    path = tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc")
    with path.open("wb") as stream:
        write_records(stream, GOOD, gzip)
    records = list(read_warc(str(path), settings_small))
    docs = [r for r in records if isinstance(r, RawDocument)]
    skipped = [r for r in records if isinstance(r, Skipped)]
    assert [d.url for d in docs] == ["http://news.example/oaks", "http://news.example/latin"]
    assert all(d.content_type == "html" and d.published is None and d.extra["warc_date"] for d in docs)
    assert "Crème brûlée" in docs[1].content  # decoded with the HTTP charset, not as UTF-8
    assert sorted(s.reason.split(":")[0] for s in skipped) == ["http_error", "not_html"]
    article = extract_article(docs[0], settings_small)
    assert isinstance(article, Article) and "oak trees" in article.text and article.outlet == "news.example"


def test_oversize_body_is_skipped(tmp_path: Path):
    path = tmp_path / "big.warc.gz"
    with path.open("wb") as stream:
        write_records(stream, GOOD[:2], gzip=True)
    records = list(read_warc(str(path), load_settings(ingest__max_bytes=300)))
    assert len(records) == 1 and records[0].reason.startswith("too_large")


@pytest.mark.parametrize("gzip", [True, False])
def test_corrupt_record_in_the_middle(tmp_path: Path, settings_small, gzip: bool):
    """A damaged third record: the records before and after it come out, plus one Skipped naming the offset."""
    records = [
        ("response", "http://news.example/one", "200 OK", "text/html", story("First story")),
        ("response", "http://news.example/two", "200 OK", "text/html", story("Second story")),
        ("response", "http://news.example/three", "200 OK", "text/html", story("Third story")),
        ("response", "http://news.example/four", "200 OK", "text/html", story("Fourth story")),
    ]
    buffer = io.BytesIO()
    offsets = write_records(buffer, records, gzip)
    data = bytearray(buffer.getvalue())
    start, end = offsets[2], offsets[3]
    if gzip:
        data[start + 40:end] = b""        # truncated gzip member: its tail is gone
    else:
        data[start:start + 12] = b"GARBAGE-JUNK"  # the WARC version line is destroyed
    path = tmp_path / ("damaged.warc.gz" if gzip else "damaged.warc")
    path.write_bytes(bytes(data))
    out = list(read_warc(str(path), settings_small))
    urls = [r.url for r in out if isinstance(r, RawDocument)]
    problems = [r for r in out if isinstance(r, Skipped)]
    assert urls[:2] == ["http://news.example/one", "http://news.example/two"]
    assert "http://news.example/three" not in urls
    assert urls[-1] == "http://news.example/four"
    assert len(problems) == 1 and problems[0].reason.startswith("corrupt")
    assert problems[0].source_ref.startswith(str(path))


def test_truncated_file_end_yields_earlier_records(tmp_path: Path, settings_small):
    buffer = io.BytesIO()
    offsets = write_records(buffer, GOOD[:2] + GOOD[4:], gzip=True)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(buffer.getvalue()[: offsets[2] + 50])
    out = list(read_warc(str(path), settings_small))
    assert [r.url for r in out if isinstance(r, RawDocument)] == ["http://news.example/oaks"]
    assert [r.reason.split(":")[0] for r in out if isinstance(r, Skipped)] == ["corrupt"]


def test_not_a_warc_is_one_skipped(tmp_path: Path, settings_small):
    path = tmp_path / "notes.warc"
    path.write_bytes(b"just some notes, not an archive\n" * 4)
    out = list(read_warc(str(path), settings_small))
    assert len(out) == 1 and isinstance(out[0], Skipped) and out[0].reason.startswith("corrupt")


def test_read_path_dispatches_warc(tmp_path: Path, settings_small):
    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as stream:
        write_records(stream, GOOD[:2], gzip=True)
    out = list(read_path(path, settings_small))
    assert len(out) == 1 and isinstance(out[0], RawDocument)


def test_a_response_without_a_target_uri_is_one_skipped_and_reading_goes_on(tmp_path: Path, settings_small):
    """warcio's HTTP header parser fails inside such a record (an AttributeError of its own)."""
    buffer = io.BytesIO()
    write_records(buffer, GOOD[:2], gzip=False)
    body = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\nhi\r\n"
    buffer.write(b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
                 b"Content-Type: application/http; msgtype=response\r\n"
                 + f"Content-Length: {len(body)}\r\n\r\n".encode() + body + b"\r\n\r\n")
    write_records(buffer, GOOD[4:], gzip=False)
    path = tmp_path / "odd.warc"
    path.write_bytes(buffer.getvalue())
    out = list(read_warc(str(path), settings_small))
    assert [r.url for r in out if isinstance(r, RawDocument)] == ["http://news.example/oaks", "http://news.example/latin"]
    assert [r.reason.split(":")[0] for r in out if isinstance(r, Skipped)] == ["corrupt"]
