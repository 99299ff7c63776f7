"""Bad input never stops a batch: one stderr line per bad record, good records stored, re-runs store nothing."""

from __future__ import annotations

import gzip
import json
import time

import click
from click.testing import CliRunner

from newsprism.commands.ingest import register
from newsprism.ingest import read_sources
from newsprism.store.sqlite import SqliteStore

GOOD = (
    "Volunteers planted four hundred oak saplings along the disused railway line on Sunday, turning a strip of "
    "gravel into the first stretch of a planned green corridor between the two villages. The parish council "
    "said the trees were donated by a nursery that is closing down, and that schools would help water them "
    "through the first dry summer."
)


@click.group()
def cli() -> None:
    """The ingest commands alone, as `newsprism` registers them (independent of other stages' commands)."""


register(cli)


def _good_record(i: int) -> str:
    return json.dumps({"text": f"{GOOD} Record {i}.", "url": f"https://green.example/{i}"})


def _bad_corpus(root) -> dict[str, str]:
    """Writes one good file per kind and each kind of bad input; returns bad file name -> expected reason."""
    (root / "good.txt").write_text(GOOD + " Plain.", "utf-8")
    (root / "good.html").write_text(f"<html><body><article><p>{GOOD}</p></article></body></html>", "utf-8")
    bad_url = json.dumps({"text": f"{GOOD} Odd address.", "url": "http://[::1"})
    surrogate = json.dumps({"text": f"{GOOD} HALF Half a character.", "url": "https://green.example/half"})
    surrogate = surrogate.replace("HALF", "\\ud800")  # a lone surrogate, as JSON allows
    (root / "lines.jsonl").write_text(
        "\n".join([_good_record(1), "{not json at all", _good_record(2), "[1, 2]", bad_url, surrogate]) + "\n",
        "utf-8",
    )
    full = gzip.compress(("\n".join(_good_record(i) for i in range(10, 400)) + "\n").encode())
    (root / "cut.jsonl.gz").write_bytes(full[: len(full) // 2])
    (root / "latin.txt").write_bytes(GOOD.encode("utf-8") + b" caf\xe9 \xff\xfe\xfd end.")
    (root / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.html").write_text("<html><head><title>x</title></head><body><div></div></body></html>", "utf-8")
    return {
        "lines.jsonl#L2": "bad_json: Expecting property name enclosed in double quotes at column 2",
        "lines.jsonl#L4": "bad_record",
        "lines.jsonl#L5": "bad_url",
        "cut.jsonl.gz": "corrupt",
        "picture.png": "binary",
        "empty.txt": "empty",
        "blank.html": "no_text",
    }


def test_bad_inputs_are_reported_one_line_each_and_good_ones_stored(tmp_path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    expected = _bad_corpus(corpus)
    db = str(tmp_path / "s.db")
    result = CliRunner().invoke(cli, ["ingest", str(corpus), "--db", db, "--no-process", "--quiet"])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("skipped ")]
    for ref, reason in expected.items():
        matching = [ln for ln in lines if f"{corpus}/{ref}:" in ln]
        assert len(matching) == 1 and reason in matching[0], (ref, lines)
    store = SqliteStore(db)
    try:
        stored = store.count_articles()
        refs = {a.source_ref.rsplit("/", 1)[-1] for batch in store.iter_articles() for a in batch}
    finally:
        store.close()
    assert {"good.txt", "good.html", "lines.jsonl#L1", "lines.jsonl#L3", "lines.jsonl#L6", "latin.txt"} <= refs
    assert any(r.startswith("cut.jsonl.gz#L") for r in refs)  # records before the cut are kept
    again = CliRunner().invoke(cli, ["ingest", str(corpus), "--db", db, "--no-process"])
    assert again.exit_code == 0
    assert "stored 0 (+0 versions)" in again.stderr
    store = SqliteStore(db)
    assert store.count_articles() == stored
    store.close()


def test_large_file_is_skipped_without_reading_it(tmp_path, settings) -> None:
    big = tmp_path / "huge.html"
    chunk = ("<p>" + "word " * 200 + "</p>\n").encode()
    with big.open("wb") as handle:
        handle.write(b"<html><body>")
        while handle.tell() < 50_000_000:
            handle.write(chunk * 100)
    started = time.perf_counter()
    [record] = list(read_sources([str(big)], settings))
    assert time.perf_counter() - started < 1.0
    assert record.reason.startswith("too_large")


def test_nothing_readable_exits_2(tmp_path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = CliRunner().invoke(
        cli, ["ingest", str(tmp_path / "missing.txt"), str(tmp_path / "empty.txt"), "--db", str(tmp_path / "d.db")]
    )
    assert result.exit_code == 2
    assert "missing.txt" in result.stderr and "empty.txt" in result.stderr


def test_stdin_jsonl_and_text_are_sniffed(tmp_path) -> None:
    db = str(tmp_path / "d.db")
    jsonl = _good_record(1) + "\n" + _good_record(2) + "\n"
    assert CliRunner().invoke(cli, ["ingest", "-", "--db", db, "--no-process"], input=jsonl).exit_code == 0
    assert CliRunner().invoke(cli, ["ingest", "-", "--db", db, "--no-process"], input=GOOD).exit_code == 0
    store = SqliteStore(db)
    try:
        refs = sorted(a.source_ref for batch in store.iter_articles() for a in batch)
    finally:
        store.close()
    assert refs == ["<stdin>", "<stdin>#L1", "<stdin>#L2"]


def test_a_compressed_giant_is_skipped_without_unpacking_it_into_memory(tmp_path, settings) -> None:
    import tracemalloc
    import zipfile

    settings.ingest.max_bytes = 100_000
    with gzip.open(tmp_path / "giant.jsonl.gz", "wb") as packed:
        packed.write((_good_record(1) + "\n").encode())
        packed.write(b'{"text": "' + b"word " * 6_000_000 + b'"}\n')  # 30 MB of one line
        packed.write((_good_record(2) + "\n").encode())
    with zipfile.ZipFile(tmp_path / "giant.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("inner.txt.gz", gzip.compress(b"word " * 6_000_000))
    tracemalloc.start()
    out = list(read_sources([str(tmp_path / "giant.jsonl.gz"), str(tmp_path / "giant.zip")], settings))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [getattr(r, "reason", "record").split(":")[0] for r in out] == ["record", "too_large", "record", "too_large"]
    assert "30000013 bytes" in out[1].reason
    assert peak < 5_000_000, peak


def test_a_file_name_with_a_line_break_is_still_one_line_of_error(tmp_path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "odd\nname.txt").write_bytes(b"")
    (corpus / "good.txt").write_text(GOOD + " Plain.", "utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(corpus), "--db", str(tmp_path / "s.db"), "--no-process"])
    skipped = [line for line in result.stderr.splitlines() if "name.txt" in line]
    assert skipped == [f"skipped {corpus}/odd\\nname.txt: empty: the file has no content"]
