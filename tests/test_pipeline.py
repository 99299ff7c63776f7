"""process_articles over a real SQLite store: stories, copies, findings; re-processing is a no-op."""

from __future__ import annotations

import json
import os

from tests.test_copies import ORIGINAL, SPUN, make
from tests.test_stories import LATE_NORTH, QUAKE_NORTH, QUAKE_SOUTH

from conftest import EXAMPLES
from newsprism import pipeline
from newsprism.models import Article
from newsprism.pipeline import NS_ARTICLE, process_articles
from newsprism.store.sqlite import SqliteStore
from newsprism.workers import parallel_map


def story_sets(store) -> set[frozenset[str]]:
    return {frozenset(s.article_ids) for s in store.iter_stories()}


def test_stories_copies_findings_and_idempotent_rerun(store, settings):
    articles = QUAKE_NORTH + QUAKE_SOUTH + [make("agency", ORIGINAL, 2), make("spinner", SPUN, 3)]
    for article in articles:
        store.put_article(article)
    process_articles(store, settings, [a.id for a in articles])
    assert story_sets(store) == {
        frozenset({"north-1", "north-2"}), frozenset({"south-1", "south-2"}), frozenset({"agency", "spinner"})
    }
    links = {(r.source_id, r.derived_id): r for r in store.iter_reuse()}
    assert ("agency", "spinner") in links, links
    assert links[("agency", "spinner")].kind == "paraphrase"
    assert store.get_analysis("north-1") is not None
    north = next(s for s in store.iter_stories() if "north-1" in s.article_ids)
    assert north.label and north.first_seen is not None
    findings = store.get_findings(north.id)
    assert all(f.story_id == north.id for f in findings)

    before = {s.id: list(s.article_ids) for s in store.iter_stories()}
    state_before = dict(store.iter_values(NS_ARTICLE))
    process_articles(store, settings, [a.id for a in articles])
    assert {s.id: list(s.article_ids) for s in store.iter_stories()} == before
    assert dict(store.iter_values(NS_ARTICLE)) == state_before


def test_late_article_in_a_later_run_joins_its_story(store, settings):
    for article in QUAKE_NORTH + QUAKE_SOUTH:
        store.put_article(article)
    process_articles(store, settings, [a.id for a in QUAKE_NORTH + QUAKE_SOUTH], with_findings=False)
    store.put_article(LATE_NORTH)
    process_articles(store, settings, [LATE_NORTH.id], with_findings=False)
    assert frozenset({"north-1", "north-2", "north-late"}) in story_sets(store)
    state = json.loads(store.get_value(NS_ARTICLE, "north-late"))
    assert state["story"] == json.loads(store.get_value(NS_ARTICLE, "north-1"))["story"]


def test_interrupted_run_is_resumed(store, settings):
    for article in QUAKE_SOUTH:
        store.put_article(article)
    store.put_value("pipeline.state", "running", "1")  # as a run killed before finishing leaves it
    process_articles(store, settings, [], with_findings=False, with_analysis=False)
    assert frozenset({"south-1", "south-2"}) in story_sets(store)


def test_stories_and_copies_commands_read_the_store(tmp_path, settings):
    from click.testing import CliRunner

    from newsprism.cli import cli
    from newsprism.store.sqlite import SqliteStore

    db = str(tmp_path / "cli.db")
    records = tmp_path / "feed.jsonl"
    records.write_text("\n".join(json.dumps({"id": f"rec-{a.id}"}) for a in QUAKE_SOUTH) + "\n", "utf-8")
    store = SqliteStore(db)
    for line, article in enumerate(QUAKE_SOUTH, start=1):
        article.source_ref = f"{records}#L{line}"
        store.put_article(article)
    process_articles(store, settings, [a.id for a in QUAKE_SOUTH], with_findings=False, with_analysis=False)
    store.close()
    runner = CliRunner()
    listed = json.loads(runner.invoke(cli, ["stories", "--json", "--db", db], catch_exceptions=False).output)
    assert [sorted(a["ref"] for a in s["articles"]) for s in listed] == [["rec-south-1", "rec-south-2"]]
    assert json.loads(runner.invoke(cli, ["stories", "--json", "--outlet", "nowhere", "--db", db]).output) == []
    assert runner.invoke(cli, ["copies", "--json", "--db", db], catch_exceptions=False).output.strip() == "[]"
    assert runner.invoke(cli, ["story", "missing", "--db", db]).exit_code != 0


def _square_in_worker(number: int) -> tuple[int, int]:
    return number * number, os.getpid()


def test_parallel_map_keeps_the_order_and_runs_in_workers_only_for_enough_items():
    results = list(parallel_map(_square_in_worker, range(10), jobs=2, min_per_process=3, uses_torch=False))
    assert [square for square, _ in results] == [n * n for n in range(10)]
    assert os.getpid() not in {pid for _, pid in results}
    few = list(parallel_map(_square_in_worker, range(5), jobs=2, min_per_process=3, uses_torch=False))
    assert {pid for _, pid in few} == {os.getpid()}


def _store_state(store) -> dict:
    """Everything the pipeline wrote that a second process could get wrong, by article ids (not story ids)."""
    stories = {s.id: frozenset(s.article_ids) for s in store.iter_stories()}
    return {
        "analyses": {i: repr(store.get_analysis(i)) for ids in stories.values() for i in sorted(ids)},
        "findings": {members: sorted(repr((f.kind, f.detail, f.evidence)) for f in store.get_findings(story_id))
                     for story_id, members in stories.items()},
        "reuse": sorted((r.source_id, r.derived_id, r.kind) for r in store.iter_reuse()),
        "entities": sorted(repr(e) for e in store.get_entities()),
    }


def test_worker_processes_store_what_one_process_stores(tmp_path, settings, monkeypatch):
    harbour = [Article(id=path.stem, text=path.read_text("utf-8"), outlet=path.stem)
               for path in sorted((EXAMPLES / "harbour-ferry").glob("*.txt"))]
    articles = QUAKE_NORTH + QUAKE_SOUTH + [make("agency", ORIGINAL, 2), make("spinner", SPUN, 3)] + harbour
    states, pools = [], []

    def spied(func, items, *, min_per_process, **kwargs):
        pools.append(len(items) // min_per_process)   # the processes the work was worth
        return parallel_map(func, items, min_per_process=min_per_process, **kwargs)

    monkeypatch.setattr(pipeline, "parallel_map", spied)
    for jobs in (1, 2):
        settings.jobs = jobs
        monkeypatch.setattr(pipeline, "ARTICLES_PER_PROCESS", 1)   # every batch is worth a worker
        monkeypatch.setattr(pipeline, "ANALYSIS_BATCH", 2)
        store = SqliteStore(str(tmp_path / f"jobs{jobs}.db"))
        for article in articles:
            store.put_article(article)
        process_articles(store, settings, [a.id for a in articles])
        states.append(_store_state(store))
        store.close()
    single, workers = states
    assert len(single["findings"]) == 4 and any(single["findings"].values())
    assert workers == single
    assert pools and min(pools) >= 2   # the analysis was worth two workers


def test_rerunning_an_ingest_finishes_what_an_interrupted_run_left(tmp_path):
    """Ctrl-C during the processing after an ingest leaves every article stored; running the same ingest again
    stores nothing new, but must still build the stories the first run did not get to."""
    from click.testing import CliRunner

    from newsprism.cli import cli

    db = str(tmp_path / "resume.db")
    feed = tmp_path / "quake.jsonl"
    feed.write_text("\n".join(json.dumps({"id": a.id, "title": a.title, "text": a.text, "outlet": a.outlet,
                                          "published": a.published.isoformat()}) for a in QUAKE_SOUTH) + "\n", "utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", "--db", db, "--no-process", "-q", str(feed)]).exit_code == 0
    store = SqliteStore(db)
    store.put_value("pipeline.state", "running", "1")   # as a run stopped during analysis leaves it
    assert list(store.iter_stories()) == [] and pipeline.unfinished(store)
    store.close()

    assert runner.invoke(cli, ["ingest", "--db", db, "-q", str(feed)], catch_exceptions=False).exit_code == 0
    store = SqliteStore(db)
    ids = {a.id for batch in store.iter_articles() for a in batch}
    assert story_sets(store) == {frozenset(ids)} and len(ids) == 2
    assert all(store.get_analysis(i) is not None for i in ids) and not pipeline.unfinished(store)
    store.close()
