"""Read-only queries behind the web pages and the JSON API: plain dicts, ready for templates or JSON."""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from typing import Any

from newsprism.models import FINDING_KINDS, parse_datetime, to_dict
from newsprism.store.sqlite import SqliteStore

log = logging.getLogger(__name__)

VERDICT_KINDS: tuple[str, ...] = ("verbatim", "variant", "altered")
PAGE_SIZE = 50
MAX_PAGE = 10**9  # beyond any store; a larger page number would overflow SQLite's OFFSET

# Indexes the web pages need on top of the migrations; created at app start, harmless when present.
WEB_INDEXES: tuple[str, ...] = (
    "CREATE INDEX IF NOT EXISTS web_findings_kind ON findings(kind, story_id)",
    "CREATE INDEX IF NOT EXISTS web_findings_speaker ON findings(json_extract(data, '$.detail.speaker'))",
    "CREATE INDEX IF NOT EXISTS web_reuse_derived ON reuse(derived_id)",
    "CREATE INDEX IF NOT EXISTS web_stories_first_seen ON stories(first_seen)",
    "CREATE INDEX IF NOT EXISTS web_quotes_speaker_article ON quotes(speaker, article_id)",
)


def ensure_indexes(store: SqliteStore) -> None:
    """Create the web UI's extra indexes (idempotent)."""
    with store.transaction():
        for statement in WEB_INDEXES:
            store.execute(statement)


def list_stories(
    store: SqliteStore,
    *,
    since: str | None = None,
    until: str | None = None,
    outlet: str | None = None,
    speaker: str | None = None,
    text: str | None = None,
    page: int = 1,
) -> dict[str, Any]:
    """One page of stories, newest first, with outlets, counts and finding tallies; filters are ANDed."""
    where, params = _story_filters(since, until, outlet, speaker, text)
    offset = (max(page, 1) - 1) * PAGE_SIZE
    # With a text filter, count(*) OVER () totals in the same pass, so article texts are scanned once;
    # without one, a separate count lets the page itself walk the first_seen index.
    window = ", count(*) OVER () AS total" if text else ""
    rows = store.execute(
        f"SELECT s.id, s.label, s.first_seen, s.last_seen, s.article_ids{window} "
        f"FROM stories s {where} ORDER BY s.first_seen DESC, s.id LIMIT ? OFFSET ?",
        [*params, PAGE_SIZE, offset],
    )
    if text and rows:
        total = rows[0]["total"]
    else:
        total = store.execute(f"SELECT count(*) FROM stories s {where}", params)[0][0]
    ids = [r["id"] for r in rows]
    tallies = _finding_tallies(store, ids)
    outlets = _story_outlets(store, ids)
    stories = [
        {
            "id": r["id"],
            "label": r["label"] or r["id"],
            "first_seen": r["first_seen"],
            "last_seen": r["last_seen"],
            "article_count": len(json.loads(r["article_ids"])),
            "outlets": outlets.get(r["id"], []),
            "altered": tallies.get(r["id"], {}).get("altered", 0),
            "conflicts": tallies.get(r["id"], {}).get("conflict", 0),
        }
        for r in rows
    ]
    return {"stories": stories, "total": total, "page": max(page, 1), "page_size": PAGE_SIZE}


def _story_filters(
    since: str | None, until: str | None, outlet: str | None, speaker: str | None, text: str | None
) -> tuple[str, list[Any]]:
    """SQL WHERE clause and parameters for the story list filters."""
    clauses: list[str] = []
    params: list[Any] = []
    if since:
        clauses.append("coalesce(s.last_seen, s.first_seen) >= ?")
        params.append(utc_bound("since", since))
    if until:
        clauses.append("s.first_seen <= ?")
        params.append(utc_bound("until", until, end_of_day=True))
    if outlet:
        clauses.append(
            "s.id IN (SELECT sa.story_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
            "WHERE a.outlet = ?)"
        )
        params.append(outlet)
    if speaker:
        clauses.append(
            "s.id IN (SELECT sa.story_id FROM story_articles sa JOIN quotes q ON q.article_id = sa.article_id "
            "WHERE q.speaker = ?)"
        )
        params.append(speaker)
    if text:
        match = search_expression(text)
        in_articles = (
            " OR s.id IN (SELECT sa.story_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
            "WHERE a.rowid IN (SELECT rowid FROM articles_search WHERE articles_search MATCH ?))"
        )
        clauses.append(f"(s.label LIKE ? ESCAPE '\\'{in_articles if match else ''})")
        label = "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"  # "%" and "_" are characters, not wildcards
        params.extend([label, match] if match else [label])
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def utc_bound(name: str, value: str, end_of_day: bool = False) -> str:
    """A date or ISO 8601 time as the stored form of a UTC time ("2026-03-10T15:00:00+00:00"), so comparing
    strings compares moments; a date alone as `until` means its last second. ValueError naming `name` if not a date."""
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError(f"{name}: not a date: {value!r} (use YYYY-MM-DD or an ISO 8601 time)")
    if end_of_day and len(value.strip()) == 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment.isoformat()


def search_expression(text: str) -> str:
    """An FTS5 query asking for every word of `text` as a word or word prefix ('kyi' finds 'Kyiv'); '' if none."""
    return " ".join(f'"{word}"*' for word in re.findall(r"\w+", text))


def _finding_tallies(store: SqliteStore, story_ids: list[str]) -> dict[str, dict[str, int]]:
    """Finding counts by kind for each story."""
    if not story_ids:
        return {}
    marks = ",".join("?" * len(story_ids))
    rows = store.execute(
        f"SELECT story_id, kind, count(*) AS n FROM findings WHERE story_id IN ({marks}) GROUP BY story_id, kind",
        story_ids,
    )
    tallies: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        tallies[r["story_id"]][r["kind"]] = r["n"]
    return tallies


def _story_outlets(store: SqliteStore, story_ids: list[str]) -> dict[str, list[str]]:
    """Distinct outlets of each story, sorted."""
    if not story_ids:
        return {}
    marks = ",".join("?" * len(story_ids))
    rows = store.execute(
        f"SELECT DISTINCT sa.story_id, a.outlet FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
        f"WHERE sa.story_id IN ({marks}) ORDER BY a.outlet",
        story_ids,
    )
    outlets: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        outlets[r["story_id"]].append(r["outlet"] or "(unknown outlet)")
    return outlets


def story_detail(store: SqliteStore, story_id: str) -> dict[str, Any] | None:
    """A story's articles, findings grouped for display, and reuse links among its articles."""
    story = store.get_story(story_id)
    if story is None:
        return None
    articles = [a for a in (store.get_article(i) for i in story.article_ids) if a is not None]
    articles.sort(key=lambda a: (a.published is None, a.published or 0, a.outlet))
    by_id = {a.id: a for a in articles}
    findings = [to_dict(f) for f in store.get_findings(story_id)]
    grouped: dict[str, list[dict[str, Any]]] = {k: [] for k in FINDING_KINDS}
    for finding in findings:
        grouped.setdefault(finding["kind"], []).append(finding)
    marks = ",".join("?" * len(by_id)) or "''"
    reuse_rows = store.execute(f"SELECT data FROM reuse WHERE derived_id IN ({marks}) ORDER BY score DESC", list(by_id))
    reuse = [json.loads(r["data"]) for r in reuse_rows]
    reuse = [r for r in reuse if r["source_id"] in by_id]
    return {
        "story": to_dict(story),
        "articles": [_article_summary(a) for a in articles],
        "outlets_by_id": {a.id: a.outlet or a.id for a in articles},
        "findings": grouped,
        "statements": _statements(grouped),
        "unique_shown": _distinct_unique(grouped.get("unique", [])),
        "reuse": [{k: r[k] for k in ("source_id", "derived_id", "kind", "score")} for r in reuse],
    }


def _statements(grouped: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Verdict findings grouped by statement, worst verdict first."""
    order = {"altered": 0, "variant": 1, "verbatim": 2}
    statements: dict[str, dict[str, Any]] = {}
    for kind in VERDICT_KINDS:
        for finding in grouped.get(kind, []):
            detail = finding["detail"]
            key = str(detail.get("statement_id") or id(finding))
            entry = statements.setdefault(key, {"id": key, "speaker": detail.get("speaker"), "pairs": []})
            entry["pairs"].append(finding)
    result = list(statements.values())
    for entry in result:
        entry["pairs"].sort(key=lambda p: order.get(p["kind"], 9))
        entry["worst"] = entry["pairs"][0]["kind"]
    result.sort(key=lambda s: (order.get(s["worst"], 9), s["speaker"] or ""))
    return result


def _distinct_unique(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Unique findings with one card per outlet and passage (several facts of one sentence share a card)."""
    shown: dict[tuple, dict[str, Any]] = {}
    for finding in findings:
        detail = finding["detail"]
        passage = detail.get("text") or detail.get("sentence") or tuple(detail.get("sentences") or ())
        key = (detail.get("article_id"), passage)
        if key not in shown:
            shown[key] = finding
    return list(shown.values())


def _article_summary(article: Any) -> dict[str, Any]:
    """An article's metadata without its text."""
    data = to_dict(article)
    data.pop("text", None)
    return data


def speaker_detail(store: SqliteStore, speaker: str) -> dict[str, Any]:
    """Every quote attributed to `speaker`, in time order, with its story and the verdicts about it."""
    rows = store.execute(
        "SELECT q.id, q.kind, q.text, q.article_id, q.start, q.\"end\", a.outlet, a.title, a.published, "
        "sa.story_id FROM quotes q JOIN articles a ON a.id = q.article_id "
        "LEFT JOIN story_articles sa ON sa.article_id = q.article_id WHERE q.speaker = ? "
        "ORDER BY coalesce(a.published, '9999'), q.article_id, q.start LIMIT 500",
        (speaker,),
    )
    verdicts = store.execute(
        "SELECT story_id, kind, count(*) AS n FROM findings WHERE json_extract(data, '$.detail.speaker') = ? "
        "GROUP BY story_id, kind",
        (speaker,),
    )
    tally: dict[str, int] = defaultdict(int)
    for r in verdicts:
        tally[r["kind"]] += r["n"]
    return {"speaker": speaker, "quotes": [dict(r) for r in rows], "verdicts": dict(tally)}


def list_speakers(store: SqliteStore, limit: int = 200) -> list[dict[str, Any]]:
    """Speakers with the most quotes first."""
    rows = store.execute(
        "SELECT speaker, count(*) AS quotes, count(DISTINCT article_id) AS articles FROM quotes "
        "WHERE speaker IS NOT NULL AND speaker != '' GROUP BY speaker ORDER BY quotes DESC, speaker LIMIT ?",
        (limit,),
    )
    return [dict(r) for r in rows]


def list_outlets(store: SqliteStore) -> list[dict[str, Any]]:
    """Every outlet with its article count."""
    rows = store.execute(
        "SELECT coalesce(outlet, '') AS outlet, count(*) AS articles, min(published) AS first, "
        "max(published) AS last FROM articles GROUP BY coalesce(outlet, '') ORDER BY articles DESC, outlet"
    )
    return [dict(r) for r in rows]


def outlet_names(store: SqliteStore) -> list[str]:
    """Distinct outlet names (walks the outlet index only): the story filter's choices."""
    return [r[0] for r in store.execute("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY outlet")]


def outlet_scoreboard(store: SqliteStore) -> dict[str, dict[str, int]]:
    """For each outlet: how many quote comparisons involving it came out verbatim, variant or altered, and copies."""
    rows = store.execute(
        "SELECT a.outlet AS outlet, f.kind AS kind, count(*) AS n FROM findings f, "
        "json_each(f.data, '$.detail.article_ids') j JOIN articles a ON a.id = j.value "
        "WHERE f.kind IN ('verbatim', 'variant', 'altered') GROUP BY a.outlet, f.kind"
    )
    board: dict[str, dict[str, int]] = defaultdict(lambda: {"verbatim": 0, "variant": 0, "altered": 0, "copies": 0})
    for r in rows:
        board[r["outlet"] or ""][r["kind"]] = r["n"]
    copies = store.execute(
        "SELECT a.outlet AS outlet, count(*) AS n FROM reuse r JOIN articles a ON a.id = r.derived_id GROUP BY a.outlet"
    )
    for r in copies:
        board[r["outlet"] or ""]["copies"] = r["n"]
    return dict(board)


def outlet_detail(store: SqliteStore, outlet: str, board: dict[str, dict[str, int]]) -> dict[str, Any]:
    """One outlet's scoreboard line, its altered/variant cases and the copies it made, with story links."""
    scores = board.get(outlet, {"verbatim": 0, "variant": 0, "altered": 0, "copies": 0})
    compared = scores["verbatim"] + scores["variant"] + scores["altered"]
    shares = {k: (scores[k] / compared if compared else 0.0) for k in VERDICT_KINDS}
    cases = _outlet_cases(store, outlet)
    copies = store.execute(
        "SELECT r.source_id, r.derived_id, r.kind, r.score, src.outlet AS source_outlet, sa.story_id "
        "FROM reuse r JOIN articles a ON a.id = r.derived_id JOIN articles src ON src.id = r.source_id "
        "LEFT JOIN story_articles sa ON sa.article_id = r.derived_id WHERE a.outlet = ? "
        "ORDER BY r.score DESC LIMIT 200",
        (outlet,),
    )
    articles = store.execute(
        "SELECT id, title, published FROM articles WHERE outlet = ? ORDER BY coalesce(published, '') DESC LIMIT 100",
        (outlet,),
    )
    return {
        "outlet": outlet,
        "scores": scores,
        "compared": compared,
        "shares": shares,
        "cases": cases,
        "copies": [dict(r) for r in copies],
        "articles": [dict(r) for r in articles],
    }


def _outlet_cases(store: SqliteStore, outlet: str, limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    """Altered, then variant, quote comparisons involving one of the outlet's articles (story by story)."""
    own = {r["id"] for r in store.execute("SELECT id FROM articles WHERE outlet = ?", (outlet,))}
    rows = store.execute(
        "SELECT f.story_id, f.kind, f.data FROM findings f WHERE f.kind IN ('altered', 'variant') AND f.story_id IN "
        "(SELECT sa.story_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id WHERE a.outlet = ?) "
        "ORDER BY f.kind, f.id",
        (outlet,),
    )
    cases = []
    for row in rows:
        detail = json.loads(row["data"])["detail"]
        if own.intersection(detail.get("article_ids") or []):
            cases.append({"story_id": row["story_id"], "kind": row["kind"], "detail": detail})
            if len(cases) >= limit:
                break
    ids = sorted({i for c in cases for i in c["detail"].get("article_ids") or []})
    names = {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        rows = store.execute(f"SELECT id, outlet FROM articles WHERE id IN ({','.join('?' * len(part))})", part)
        names.update({r["id"]: r["outlet"] or r["id"] for r in rows})
    for case in cases:
        case["outlets"] = [names.get(i, i) for i in case["detail"].get("article_ids") or []]
    return cases


def article_detail(store: SqliteStore, article_id: str) -> dict[str, Any] | None:
    """An article with its quotes and the findings whose evidence falls in it."""
    article = store.get_article(article_id)
    if article is None:
        return None
    analysis = store.get_analysis(article_id)
    story_rows = store.execute("SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,))
    story_id = story_rows[0]["story_id"] if story_rows else None
    findings = []
    if story_id:
        for finding in store.get_findings(story_id):
            spans = [s for s in finding.evidence if s.article_id == article_id]
            if spans:
                findings.append({"kind": finding.kind, "detail": finding.detail, "spans": to_dict(spans)})
    return {
        "article": to_dict(article),
        "story_id": story_id,
        "quotes": to_dict(analysis.quotes) if analysis else [],
        "findings": findings,
    }
