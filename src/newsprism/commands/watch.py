"""`newsprism watch FEED...`: poll feeds on an interval and store their new entries, one line per poll."""

from __future__ import annotations

import importlib.util
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import click

from newsprism.commands.options import config_option, db_option, settings_from_args
from newsprism.models import Article, Skipped
from newsprism.settings import Settings
from newsprism.store import Store, open_store
from newsprism.termination import Terminated, stop_on_sigterm
from newsprism.untrusted import one_line

log = logging.getLogger(__name__)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$", re.I)
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
MAX_INTERVAL_S = 366 * 86400.0


@dataclass(slots=True)
class PollCounts:
    """What one poll over all feeds did."""

    new: int = 0
    versions: int = 0
    unchanged: int = 0
    skipped: int = 0
    changed_ids: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.new} new, {self.versions} updated, {self.unchanged} unchanged/not modified, "
                f"{self.skipped} skipped")


def parse_duration(text: str) -> float:
    """Seconds in `15m`, `30s`, `2h`, `1d`, `500ms` or a plain number of seconds."""
    match = _DURATION.match(text)
    if not match:
        raise click.BadParameter(f"{text!r} is not a duration like 30s, 15m or 2h")
    seconds = float(match.group(1)) * _UNIT_SECONDS[(match.group(2) or "s").lower()]
    if not 0 < seconds <= MAX_INTERVAL_S:  # 0 would poll the feeds back to back; a huge wait overflows sleep
        raise click.BadParameter(f"{text!r}: the interval must be more than 0 and at most 366 days")
    return seconds


def poll_feeds(
    feeds: list[str], store: Store, settings: Settings, report_skip, counts: PollCounts | None = None
) -> PollCounts:
    """Fetch every feed (conditional GET) and store each entry's article; Skipped records go to `report_skip`.

    Each article is committed with its page's HTTP validators in one transaction, and a feed's validators are
    saved only after all its entries are stored, so an interrupted poll never hides an unstored entry. Pass
    `counts` to keep what was done so far when the poll is interrupted.
    """
    from newsprism.ingest import extract_article
    from newsprism.ingest.http import is_transient, pending_validators, read_url, save_validators
    from newsprism.ingest.robots import DEFAULT_ROBOTS

    DEFAULT_ROBOTS.clear()  # robots.txt may change between polls: read it again once per host per poll
    counts = counts if counts is not None else PollCounts()
    for feed in feeds:
        feed_validators: dict[str, str] = {}
        retry_feed = False   # an entry failed for a passing reason: fetch the feed in full next poll
        for record in read_url(feed, settings, store):
            result = record if isinstance(record, Skipped) else extract_article(record, settings)
            if isinstance(result, Skipped):
                if result.reason == "not_modified":
                    counts.unchanged += 1
                else:
                    counts.skipped += 1
                    retry_feed = retry_feed or is_transient(result.reason)
                    report_skip(result)
                continue
            with store.transaction():
                _store(result, store, counts)
                save_validators(store, pending_validators(record))
            feed_validators.update(pending_validators(record, source=True))
        if not retry_feed:
            save_validators(store, sorted(feed_validators.items()))
    return counts


def _store(article: Article, store: Store, counts: PollCounts) -> None:
    status = store.put_article(article)
    if status == "unchanged":
        counts.unchanged += 1
        return
    counts.new += status == "new"
    counts.versions += status == "version"
    counts.changed_ids.append(article.id)


def _process(store: Store, settings: Settings, article_ids: list[str]) -> None:
    """Update stories and findings for new articles, and finish what an interrupted earlier run left, when the
    pipeline module is installed."""
    if importlib.util.find_spec("newsprism.pipeline") is None:
        return
    from newsprism.pipeline import process_articles

    process_articles(store, settings, article_ids)


@click.command("watch")
@click.argument("feeds", nargs=-1, required=True)
@click.option("--every", "every", default="15m", show_default=True, help="Poll interval: 30s, 15m, 2h ...")
@click.option("--max-polls", type=click.IntRange(min=1), default=None, help="Stop after N polls (default: run until Ctrl-C).")
@click.option("--no-process", is_flag=True, help="Only store articles; do not update stories and findings.")
@db_option
@config_option
def watch_command(
    feeds: tuple[str, ...], every: str, max_polls: int | None, no_process: bool, db: str | None, config_file: str | None
) -> None:
    """Poll RSS/Atom feeds (or pages) and ingest new entries into the store; Ctrl-C or SIGTERM stops cleanly."""
    interval = parse_duration(every)
    settings = settings_from_args(config_file, db=db)
    store = open_store(settings.db)
    polls = 0
    total = PollCounts()
    try:
        with stop_on_sigterm():
            while max_polls is None or polls < max_polls:
                if polls:
                    time.sleep(interval)
                polls += 1
                counts = PollCounts()
                try:
                    poll_feeds(list(feeds), store, settings, _report_skip, counts)
                finally:
                    _add(total, counts)
                if not no_process:
                    _process(store, settings, counts.changed_ids)
                stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                click.echo(f"poll {polls} at {stamp}: {counts.line()}")
    except KeyboardInterrupt as exc:
        why = "SIGTERM" if isinstance(exc, Terminated) else "interrupt"
        click.echo(f"watch: stopped after {polls} poll(s) ({why}); in total {total.line()}", err=True)
    finally:
        store.close()


def _add(total: PollCounts, counts: PollCounts) -> None:
    """Add one poll's counts to the running total (for the summary when watch stops)."""
    total.new += counts.new
    total.versions += counts.versions
    total.unchanged += counts.unchanged
    total.skipped += counts.skipped


def _report_skip(skipped: Skipped) -> None:
    click.echo(one_line(f"skipped {skipped.source_ref}: {skipped.reason}"), err=True)


def register(group: click.Group) -> None:
    group.add_command(watch_command)
