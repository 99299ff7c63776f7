"""The Spark run (real local[2] Spark) against the local run: same stories, reuse links and findings.

Parity corpus: the bundled examples (5) plus the 37 PolNeAR train texts published 2016-03-01..2016-03-10 (all
seven outlets, dense enough in time to form multi-outlet stories) when `../shared/data` is present.
The sample is bounded for two reasons: the test must finish in CI in a few minutes on 2 cores with findings
(spaCy + MiniLM on both paths), and the local run must see the corpus as one chunk (`pipeline.CHUNK`, 256
articles): the local pipeline updates document frequencies chunk by chunk, the Spark run uses the run's
global document frequencies, which equal the local ones only for a single chunk (see docs/spark.md).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import DATA, EXAMPLES, polnear_records

from newsprism.models import to_dict
from newsprism.settings import load_settings
from newsprism.spark.tables import read_table
from newsprism.store.sqlite import SqliteStore

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -e '.[spark]')")
pytestmark = pytest.mark.spark

POLNEAR_FROM, POLNEAR_TO = "2016-03-01", "2016-03-10"


def _java_available() -> bool:
    try:
        return subprocess.run(["java", "-version"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture(scope="module")
def spark():
    if not _java_available():
        pytest.skip("no Java runtime: Spark needs Java 17 (apt-get install openjdk-17-jre-headless)")
    from newsprism.spark.session import spark_session

    session = spark_session("local[2]", app_name="newsprism-tests")
    yield session
    session.stop()


def run_local(corpus: Path, db: Path):
    """The local path: ingest the corpus folder into SQLite, then process_articles (stories, copies, findings)."""
    from newsprism.commands.ingest import run_ingest
    from newsprism.pipeline import process_articles

    settings = load_settings(db=str(db))
    store = SqliteStore(str(db))
    counts = run_ingest([str(corpus)], store, settings, lambda skipped: None)
    process_articles(store, settings, counts.changed_ids)
    return store


def local_results(store) -> tuple[dict, set, dict]:
    stories = {s.id: list(s.article_ids) for s in store.iter_stories()}
    reuse = {(r.source_id, r.derived_id, r.kind, r.score, json.dumps(to_dict(r.aligned))) for r in store.iter_reuse()}
    findings = {sid: [json.dumps(to_dict(f), sort_keys=True) for f in store.get_findings(sid)] for sid in stories}
    return stories, reuse, {k: v for k, v in findings.items() if v}


def spark_results(out: Path) -> tuple[dict, set, dict]:
    stories = {r["id"]: list(r["article_ids"]) for r in read_table(out, "stories")}
    reuse = set()
    for row in read_table(out, "reuse"):
        data = json.loads(row["data"])
        reuse.add((row["source_id"], row["derived_id"], row["kind"], row["score"], json.dumps(data["aligned"])))
    findings: dict[str, list[str]] = {}
    for row in sorted(read_table(out, "findings"), key=lambda r: (r["story_id"], r["position"])):
        findings.setdefault(row["story_id"], []).append(json.dumps(json.loads(row["data"]), sort_keys=True))
    return stories, reuse, findings


@pytest.mark.timeout(1500)  # 533 s measured at load average 10-12 on the 2 shared cores; idle CI is faster
def test_spark_run_equals_local_run(spark, tmp_path):
    from newsprism.pipeline import CHUNK
    from newsprism.spark.job import run_pipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(EXAMPLES / "harbour-ferry.jsonl", corpus / "harbour-ferry.jsonl")
    if (DATA / "polnear").exists():
        records = polnear_records(DATA / "polnear", POLNEAR_FROM, POLNEAR_TO)
        (corpus / "polnear.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    store = run_local(corpus, tmp_path / "local.db")
    assert store.count_articles() <= CHUNK, "the parity corpus must fit one local chunk (see module docstring)"
    local = local_results(store)
    store.close()

    out = tmp_path / "tables"
    counts = run_pipeline(spark, [str(corpus)], str(out), load_settings())
    remote = spark_results(out)

    assert remote[0] == local[0], "stories differ"
    assert remote[1] == local[1], "reuse links differ"
    assert remote[2] == local[2], "findings differ"
    # the comparison is not vacuous: multi-outlet stories, copies and findings exist
    assert any(len(ids) > 1 for ids in local[0].values())
    assert local[1] and local[2]
    assert counts["articles"] == sum(len(ids) for ids in local[0].values())


def test_parquet_input_bad_records_and_load(spark, tmp_path):
    """Parquet records in, a record without text skipped (the rest go on), tables loaded by `spark load`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from newsprism.cli import cli
    from newsprism.commands.ingest import run_ingest
    from newsprism.pipeline import process_articles
    from newsprism.spark.job import run_pipeline

    body = ("The Velmora glassworks reopened its western furnace on Tuesday after the Quillon river flood. "
            "Foreman Tobiah Renwick said that 140 workers returned to the Velmora site this week. ")
    rows = [
        {"id": "brindle-17", "url": "https://brindle.example/velmora-furnace", "outlet": "Brindle Gazette",
         "title": "Velmora furnace lit",
         "published": "2031-05-06T09:00:00Z", "text": body * 3},
        {"id": None, "url": "https://ostrava.example/velmora-copy", "outlet": "Ostrava Ledger", "title": "Velmora furnace relit",
         "published": "2031-05-06T15:00:00Z", "text": body * 3 + "Renwick thanked the Quillon volunteers."},
        {"id": None, "url": "https://brindle.example/empty", "outlet": "Brindle Gazette", "title": "No text",
         "published": "2031-05-07T09:00:00Z", "text": None},
    ]
    source = tmp_path / "records.parquet"
    pq.write_table(pa.Table.from_pylist(rows), source)
    out = tmp_path / "tables"
    counts = run_pipeline(spark, [str(source)], str(out), load_settings(), with_findings=False)
    assert counts["articles"] == 2
    stories = read_table(out, "stories")
    assert [len(s["article_ids"]) for s in stories] == [2]
    links = read_table(out, "reuse")
    assert len(links) == 1 and links[0]["kind"] in ("verbatim", "near-verbatim")

    db = tmp_path / "loaded.db"
    result = CliRunner().invoke(cli, ["spark", "load", str(out), "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    again = CliRunner().invoke(cli, ["spark", "load", str(out), "--db", str(db)], catch_exceptions=False)
    assert again.exit_code == 0 and "adopted 0" in again.output
    store = SqliteStore(str(db))
    try:
        assert store.count_articles() == 2
        assert sorted(str(a.record_id) for batch in store.iter_articles() for a in batch) == ["None", "brindle-17"]
        assert [s.article_ids for s in store.iter_stories()] == [stories[0]["article_ids"]]
        assert len(list(store.iter_reuse())) == 1
        assert "adopted 2" in result.output
        # a later local run extends the loaded story: the new article joins it and is checked as a copy
        later = tmp_path / "later.jsonl"
        later.write_text(json.dumps({"url": "https://kestrel.example/velmora", "outlet": "Kestrel Post",
                                     "title": "Velmora furnace burns again", "published": "2031-05-07T08:00:00Z",
                                     "text": body * 3 + "A second furnace may follow in June."}) + "\n")
        counts = run_ingest([str(later)], store, load_settings(db=str(db)), lambda skipped: None)
        process_articles(store, load_settings(db=str(db)), counts.changed_ids, with_findings=False,
                         with_analysis=False)
        (story,) = store.iter_stories()
        assert story.id == stories[0]["id"] and len(story.article_ids) == 3
        assert any(counts.changed_ids[0] in (r.source_id, r.derived_id) for r in store.iter_reuse())
    finally:
        store.close()
    # loading the same tables again keeps the story as the local run extended it
    third = CliRunner().invoke(cli, ["spark", "load", str(out), "--db", str(db)], catch_exceptions=False)
    assert third.exit_code == 0 and "stories 0, local stories kept 1" in third.output, third.output
    store = SqliteStore(str(db))
    try:
        (story,) = store.iter_stories()
        assert len(story.article_ids) == 3 and counts.changed_ids[0] in story.article_ids
    finally:
        store.close()


def test_connected_components_of_a_long_chain(spark):
    """Blocks: a 40-link chain and a separate pair come out as two components labelled by their smallest id."""
    from newsprism.spark.job import connected_components

    chain = [(f"n{i:02d}", f"n{i + 1:02d}") for i in range(40)]
    edges = spark.createDataFrame(chain[::-1] + [("x1", "x2")], "a string, b string")
    labels = {r["id"]: r["block"] for r in connected_components(edges).collect()}
    assert set(labels) == {f"n{i:02d}" for i in range(41)} | {"x1", "x2"}
    assert {labels[f"n{i:02d}"] for i in range(41)} == {"n00"}
    assert labels["x2"] == "x1"


def _components(pairs: list[tuple[str, str]]) -> set[frozenset[str]]:
    """Connected components of `pairs`, by scipy (an independent reference for the Spark/star versions)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components as scipy_components

    nodes = sorted({n for pair in pairs for n in pair})
    index = {n: i for i, n in enumerate(nodes)}
    graph = coo_matrix(([1] * len(pairs), ([index[a] for a, _ in pairs], [index[b] for _, b in pairs])),
                       shape=(len(nodes), len(nodes)))
    _, labels = scipy_components(graph, directed=False)
    groups: dict[int, set[str]] = {}
    for node, label in zip(nodes, labels, strict=True):
        groups.setdefault(int(label), set()).add(node)
    return {frozenset(g) for g in groups.values()}


def test_star_edges_keep_the_components(spark):
    """Per-bucket stars: same components as the pairs (alone and after the global rounds), one edge per member."""
    import random

    from newsprism.spark.job import connected_components
    from newsprism.spark.stages import star_edges

    rng = random.Random(7)
    names = [f"w{rng.randrange(10**6):06d}" for _ in range(120)]
    tasks = [[tuple(rng.sample(names[lo:lo + 50], 2)) for _ in range(45)] for lo in (0, 35, 70)]  # overlapping
    pairs = [p for task in tasks for p in task]
    stars = [s for task in tasks for s in star_edges(task)]
    for task in tasks:
        local = star_edges(task)
        assert _components(local) == _components(task)
        assert len(local) == len({n for p in task for n in p}) - len(_components(task))
        hubs = {n: min(c) for c in _components(task) for n in c}
        assert all(hub == hubs[member] != member for hub, member in local)
    assert _components(stars) == _components(pairs)
    labels = {r["id"]: r["block"] for r in connected_components(
        spark.createDataFrame(stars, "a string, b string")).collect()}
    assert {frozenset(n for n in labels if labels[n] == b) for b in set(labels.values())} == _components(pairs)
    assert all(labels[n] == min(c) for c in _components(pairs) for n in c)


def test_local_session_driver_memory(spark):
    """Local mode gets a 4g driver heap unless told otherwise (Spark's 1g default overflowed at 10k)."""
    import os

    expected = os.environ.get("NEWSPRISM_SPARK_DRIVER_MEMORY", "4g")
    assert spark.sparkContext.getConf().get("spark.driver.memory") == expected


def test_missing_input_is_a_clear_error(spark, tmp_path):
    from newsprism.spark.job import SparkRunError, run_pipeline

    with pytest.raises(SparkRunError, match="no such input"):
        run_pipeline(spark, [str(tmp_path / "absent")], str(tmp_path / "out"), load_settings())
