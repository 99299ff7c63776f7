"""`newsprism ingest` (sources -> store, resumable) and `newsprism diff` (what changed between versions)."""

from __future__ import annotations

import difflib
import importlib.util
import json
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from newsprism.commands.options import config_option, db_option, settings_from_args
from newsprism.models import Article, Skipped, article_id_for
from newsprism.settings import Settings
from newsprism.store import Store, open_store
from newsprism.untrusted import one_line, strip_controls

if TYPE_CHECKING:
    from newsprism.ingest import RepeatedLines

log = logging.getLogger(__name__)

BATCH_SIZE = 50
DONE = "done"
# Skipped on purpose, not failures: too little text, or robots.txt forbids the fetch / could not be read (RFC 9309)
_DELIBERATE_SKIPS = ("too_short", "no_text", "robots_disallowed", "robots_unreachable")


@dataclass(slots=True)
class IngestCounts:
    """What one ingest run did, for the progress line and the summary."""

    read: int = 0
    stored: int = 0
    versions: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    not_modified: int = 0       # URLs answered 304: counted in `unchanged`, never a failure
    sources_done_before: int = 0
    sources_total: int = 0
    sources_seen: int = 0
    changed_ids: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"read {self.read}  stored {self.stored} (+{self.versions} versions)  unchanged {self.unchanged}"
            + (f" ({self.not_modified} not modified, not read)" if self.not_modified else "")
            + f"  skipped {self.skipped}  failed {self.failed}"
        )


class _Batch:
    """Articles and finished-source marks written together in one transaction (crash-safe resume)."""

    def __init__(self, store: Store, counts: IngestCounts) -> None:
        self.store, self.counts = store, counts
        self.articles: list[Article] = []
        self.done_sources: list[str] = []
        self.validators: list[tuple[str, str]] = []

    def add(self, article: Article, validators: list[tuple[str, str]] | None = None) -> None:
        """Queue `article`; the HTTP validators of its page are saved in the same transaction as the article."""
        self.articles.append(article)
        self.validators.extend(validators or [])
        if len(self.articles) >= BATCH_SIZE:
            self.flush()

    def add_validators(self, validators: list[tuple[str, str]]) -> None:
        """Validators of a whole source (a feed), saved with the last of its articles at the next flush."""
        self.validators.extend(validators)

    def source_finished(self, key: str) -> None:
        self.done_sources.append(key)
        if not self.articles:
            self.flush()

    def flush(self) -> None:
        with self.store.transaction():
            for article in self.articles:
                status = self.store.put_article(article)
                if status == "unchanged":
                    self.counts.unchanged += 1
                    continue
                self.counts.stored += status == "new"
                self.counts.versions += status == "version"
                self.counts.changed_ids.append(article.id)
            for key in self.done_sources:
                self.store.mark_source(key, DONE)
            if self.validators:
                from newsprism.ingest.http import save_validators

                save_validators(self.store, self.validators)
        self.articles, self.done_sources, self.validators = [], [], []


def source_key(source: str) -> str | None:
    """Resume key of a file input: path, size and mtime (a changed file is read again); None for others."""
    if source == "-" or source.startswith(("http://", "https://")):
        return None
    try:
        stat = Path(source).stat()
    except OSError:
        return None
    return f"file:{Path(source).resolve()}@{stat.st_size}:{stat.st_mtime_ns}"


def run_ingest(
    inputs: list[str], store: Store, settings: Settings, report_failure, advance=lambda counts: None
) -> IngestCounts:
    """Read, extract and store every record of `inputs`; files finished in an earlier run are skipped."""
    from newsprism.ingest import RepeatedLines, expand_inputs

    counts = IngestCounts()
    batch = _Batch(store, counts)
    repeated = RepeatedLines()
    own_files = _store_files(settings.db)
    sources = [s for s in expand_inputs(inputs) if s not in own_files and str(Path(s).resolve()) not in own_files]
    counts.sources_total = len(sources)
    try:
        for source in sources:
            counts.sources_seen += 1
            _ingest_source(source, store, settings, batch, repeated, report_failure, advance)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: keep the articles read in full; the current record is read again
        batch.flush()
        raise
    batch.flush()
    advance(counts)
    return counts


def _ingest_source(source: str, store: Store, settings: Settings, batch: _Batch, repeated: RepeatedLines,
                   report_failure: Callable[[Skipped], None], advance: Callable[[IngestCounts], None]) -> None:
    """Read one source into `batch`, unless an earlier run finished it; its validators and done-mark go last."""
    from newsprism.ingest import extract_article, read_source
    from newsprism.ingest.http import is_transient, pending_validators

    counts = batch.counts
    key = source_key(source)
    if key is not None and store.source_status(key) == DONE:
        counts.sources_done_before += 1
        advance(counts)
        return
    source_validators: dict[str, str] = {}
    retry_source = False    # an entry failed for a passing reason: the feed must be fetched in full next time
    for record in read_source(source, settings, store):
        result = record if isinstance(record, Skipped) else extract_article(record, settings, repeated)
        if not isinstance(record, Skipped):
            counts.read += 1
        if isinstance(result, Article):
            batch.add(result, pending_validators(record))
            source_validators.update(pending_validators(record, source=True))
        elif result.reason == "not_modified":
            counts.unchanged += 1
            counts.not_modified += 1
            log.info("%s: not modified since the last fetch", result.source_ref)
        elif not result.reason.startswith(_DELIBERATE_SKIPS):
            counts.failed += 1
            retry_source = retry_source or is_transient(result.reason)
            report_failure(result)
        else:
            counts.skipped += 1
            report_failure(result)
        advance(counts)
    if not retry_source:
        batch.add_validators(sorted(source_validators.items()))
    if key is not None:
        batch.source_finished(key)


def _store_files(db: str) -> set[str]:
    """The store's own files (database, WAL, shared memory), never read as input when inside an input folder."""
    base = str(Path(db).resolve())
    return {base, base + "-wal", base + "-shm", base + "-journal"}


def _process(store: Store, settings: Settings, article_ids: list[str], console: Console) -> None:
    """Hand new and changed articles to the pipeline (stories, copies, findings) when it is installed, and finish
    what an interrupted earlier run left."""
    if importlib.util.find_spec("newsprism.pipeline") is None:
        console.print("note: newsprism.pipeline is not available; articles stored without processing")
        return
    from newsprism.pipeline import process_articles

    process_articles(store, settings, article_ids)


@click.command("ingest")
@click.argument("inputs", nargs=-1, required=True)
@db_option
@config_option
@click.option("--no-process", is_flag=True, help="Only store articles; do not update stories and findings.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary; failures still go to stderr.")
def ingest_command(inputs: tuple[str, ...], db: str | None, config_file: str | None, no_process: bool, quiet: bool):
    """Read files, directories, archives, URLs, feeds or - (stdin) into the store."""
    settings = settings_from_args(config_file, db=db)
    store = open_store(settings.db)
    err = Console(stderr=True, soft_wrap=True, highlight=False)
    try:
        counts = _ingest_with_progress(list(inputs), store, settings, err, quiet)
        if not quiet:
            err.print(
                f"ingest: {counts.line()}  already done {counts.sources_done_before} file(s)  -> {settings.db}",
                markup=False,
            )
        if not no_process:
            _process(store, settings, counts.changed_ids, err)
    finally:
        store.close()
    if counts.read == 0 and counts.sources_done_before == 0 and counts.not_modified == 0:
        raise SystemExit(2)   # nothing could be read (an unchanged URL was read before: not an error)


def _ingest_with_progress(inputs: list[str], store: Store, settings: Settings, err: Console, quiet: bool):
    """`run_ingest` under a rich progress display on stderr; one stderr line per failed record."""

    def report_failure(skipped: Skipped) -> None:
        err.print(one_line(f"skipped {skipped.source_ref}: {skipped.reason}"), markup=False)

    if quiet or not err.is_terminal:
        return run_ingest(inputs, store, settings, report_failure)
    progress = Progress(
        SpinnerColumn(), TextColumn("ingest {task.completed}/{task.total} inputs"), BarColumn(),
        TextColumn("{task.description}"), TimeElapsedColumn(),
        console=err, transient=True,
    )
    with progress:
        task = progress.add_task("starting", total=None)

        def advance(counts: IngestCounts) -> None:
            progress.update(
                task, description=escape(counts.line()), total=counts.sources_total, completed=counts.sources_seen
            )

        return run_ingest(inputs, store, settings, report_failure, advance)


# ---------------------------------------------------------------------------------------------- diff

_TOKENS = re.compile(r"\S+|\n\n")
_OP_NAMES = {"replace": "replaced", "delete": "deleted", "insert": "inserted"}


def word_changes(old: str, new: str, context: int = 6) -> list[dict[str, str]]:
    """Word-level changes from `old` to `new`: op (replace/delete/insert), old/new words, words around them."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    changes = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        changes.append({
            "op": op,
            "old": " ".join(a[i1:i2]),
            "new": " ".join(b[j1:j2]),
            "before": " ".join(a[max(0, i1 - context):i1]),
            "after": " ".join(a[i2:i2 + context]),
        })
    return changes


def version_diffs(versions: list[Article]) -> list[dict]:
    """The changes between each pair of consecutive versions (title and text)."""
    return [
        {
            "from_version": old.version,
            "to_version": new.version,
            "title_changes": word_changes(old.title, new.title),
            "text_changes": word_changes(old.text, new.text),
        }
        for old, new in zip(versions, versions[1:], strict=False)
    ]


@click.command("diff")
@click.argument("url_or_id")
@db_option
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
def diff_command(url_or_id: str, db: str | None, config_file: str | None, as_json: bool) -> None:
    """Show what changed between the stored versions of one article (by URL or id)."""
    settings = settings_from_args(config_file, db=db)
    store = open_store(settings.db)
    try:
        article_id = article_id_for(url_or_id, "") if "://" in url_or_id else url_or_id
        versions = store.article_versions(article_id)
    finally:
        store.close()
    if not versions:
        raise click.UsageError(f"no stored article with id or URL {url_or_id}")
    diffs = version_diffs(versions)
    if as_json:
        click.echo(json.dumps({"article_id": article_id, "versions": len(versions), "diffs": diffs}, indent=2))
        return
    _print_diffs(versions[-1], len(versions), diffs)


def _print_diffs(latest: Article, count: int, diffs: list[dict]) -> None:
    """Each change as one line: context, deleted words struck through in red, inserted words in green."""
    out = Console(highlight=False)
    out.print(f"[bold]{_safe(latest.title or latest.id)}[/] ({_safe(latest.outlet)}) — {count} version(s)")
    if not diffs:
        out.print("only one version stored: nothing changed")
    for diff in diffs:
        total = Counter(c["op"] for c in diff["title_changes"] + diff["text_changes"])
        summary = ", ".join(f"{n} {_OP_NAMES[op]}" for op, n in sorted(total.items())) or "no word changes"
        out.print(f"\n[bold]v{diff['from_version']} → v{diff['to_version']}[/]  {summary}")
        for where, changes in (("title", diff["title_changes"]), ("text", diff["text_changes"])):
            for change in changes:
                old = f"[red strike]{_safe(change['old'])}[/]" if change["old"] else ""
                new = f"[green]{_safe(change['new'])}[/]" if change["new"] else ""
                out.print(f"  {where}: …{_safe(change['before'])} {old} {new} {_safe(change['after'])}…")


def _safe(text: str) -> str:
    """Untrusted text inside rich markup: escaped, control characters dropped."""
    return escape(strip_controls(text))


def register(group: click.Group) -> None:
    group.add_command(ingest_command)
    group.add_command(diff_command)
