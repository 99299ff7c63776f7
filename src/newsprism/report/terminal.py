"""The comparison in a terminal (rich): articles, statements with verdict badges, conflicts, unique facts."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsprism.report.highlight import changed_sides, phrase_ranges
from newsprism.untrusted import strip_controls

BADGE_STYLES = {
    "altered": "bold white on red",
    "conflict": "bold white on magenta",
    "omitted": "bold black on yellow",
    "variant": "bold black on cyan",
    "verbatim": "bold white on green",
    "unique": "bold white on blue",
}
MAX_UNIQUE_FACTS = 12
MAX_LABEL = 40


def _without_controls(value: Any) -> Any:
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, dict):
        return {key: _without_controls(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_controls(item) for item in value]
    return value


def render_terminal(comparison: Any, console: Console) -> None:
    """Print a comparison (a `Comparison` or its `render_json` form) to a rich console."""
    data = _without_controls(_plain(comparison))
    labels = article_labels(data)
    _articles(data, labels, console)
    for item in data.get("skipped", []):
        console.print(Text(f"Not compared: {item['source_ref']} ({item['reason']})", style="bold red"))
    findings = data["findings"]
    verdicts = [f for f in findings if f["kind"] in ("altered", "variant")]
    verbatim = _verbatim_groups([f for f in findings if f["kind"] == "verbatim"])
    _section(console, f"Quoted statements ({len(verdicts)} changed pairs, {len(verbatim)} word for word)")
    for finding in verdicts:
        _verdict(finding, labels, console)
    for group in verbatim:
        _verbatim(group, labels, console)
    for kind, title in (("conflict", "Conflicts"), ("omitted", "Omitted")):
        chosen = [f for f in findings if f["kind"] == kind]
        if chosen:
            _section(console, f"{title} ({len(chosen)})")
            for finding in chosen:
                _simple(finding, labels, console)
    unique = [f for f in findings if f["kind"] == "unique"]
    if unique:
        _section(console, "Only one outlet")
        facts = [f for f in unique if f["detail"].get("what") == "fact"]
        for finding in facts[:MAX_UNIQUE_FACTS] + [f for f in unique if f["detail"].get("what") != "fact"]:
            _simple(finding, labels, console)
        if len(facts) > MAX_UNIQUE_FACTS:
            console.print(f"  … and {len(facts) - MAX_UNIQUE_FACTS} more numbers (see --json)")
    counts = {}
    for finding in findings:
        counts[finding["kind"]] = counts.get(finding["kind"], 0) + 1
    console.print(Text("Summary: ") + Text(", ".join(f"{n} {k}" for k, n in counts.items()) or "no findings"))


def _plain(comparison: Any) -> dict[str, Any]:
    if isinstance(comparison, dict):
        return comparison
    from newsprism.report.json_report import render_json

    return render_json(comparison)


def article_labels(data: dict[str, Any]) -> dict[str, str]:
    """Short names for the articles: letter plus outlet (or file name, or title)."""
    labels = {}
    for i, article in enumerate(data["articles"]):
        source = PurePath(article.get("source_ref") or "").name
        name = article.get("outlet") or source or article.get("title") or article["id"]
        name = name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "…"
        labels[article["id"]] = f"{chr(65 + i) if i < 26 else i + 1} {name}"
    return labels


def _section(console: Console, title: str) -> None:
    console.print()
    console.rule(Text(title, style="bold"))


def _articles(data: dict[str, Any], labels: dict[str, str], console: Console) -> None:
    table = Table(title="Articles", show_lines=False)
    table.add_column("article")
    table.add_column("title")
    table.add_column("words", justify="right")
    for article in data["articles"]:
        table.add_row(Text(labels[article["id"]]), Text(article.get("title") or ""), str(len(article["text"].split())))
    console.print(table)


def _badge(kind: str) -> Text:
    return Text(f" {kind.upper()} ", style=BADGE_STYLES.get(kind, "bold"))


def _verdict(finding: dict[str, Any], labels: dict[str, str], console: Console) -> None:
    detail = finding["detail"]
    ids = detail.get("article_ids") or []
    first_words, second_words = changed_sides(detail.get("changed"))
    header = _badge(finding["kind"]) + Text(f" {detail.get('speaker') or 'unknown speaker'}", style="bold")
    if detail.get("reasons"):
        header += Text(f"  ({'; '.join(str(r) for r in detail['reasons'][:2])})", style="dim")
    console.print(header)
    for side, (article_id, words) in enumerate(zip(ids, (first_words, second_words), strict=False)):
        spans = [e for e in finding["evidence"] if e["article_id"] == article_id]
        text = " … ".join(e["text"] for e in spans)
        line = Text(f"  {labels.get(article_id, article_id)}: ", style="bold" if side == 0 else "bold dim")
        body = Text(" ".join(text.split()))
        for start, end in phrase_ranges(body.plain, words):
            body.stylize("bold black on yellow", start, end)
        console.print(line + body)


def _verbatim_groups(findings: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Verbatim pairs of one statement together: five outlets carrying one quote is one line, not ten pairs."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:
        key = finding["detail"].get("statement_id") or finding["evidence"][0]["text"]
        groups.setdefault(key, []).append(finding)
    return list(groups.values())


def _verbatim(group: list[dict[str, Any]], labels: dict[str, str], console: Console) -> None:
    ids = list(dict.fromkeys(e["article_id"] for finding in group for e in finding["evidence"]))
    speaker = group[0]["detail"].get("speaker") or "unknown speaker"
    where = ", ".join(labels.get(i, i).split(" ", 1)[0] for i in ids)
    partial = any(f["detail"].get("partial_quote") for f in group)
    note = f"  (same words in {where}" + ("; quoted in part)" if partial else ")")
    console.print(_badge("verbatim") + Text(f" {speaker}", style="bold") + Text(note))
    words = (group[0]["detail"].get("texts") or [group[0]["evidence"][0]["text"]])[0]  # what was compared
    console.print(Text("  " + " ".join(words.split())))


def _simple(finding: dict[str, Any], labels: dict[str, str], console: Console) -> None:
    detail = finding["detail"]
    kind = finding["kind"]
    what = detail.get("what", "")
    if kind == "conflict":
        by_article = detail.get("by_article", {})
        said = "; ".join(f"{labels.get(a, a)}: {v}" for a, v in by_article.items())
        console.print(_badge(kind) + Text(f" {detail.get('about', '')}: ") + Text(said, style="bold"))
    elif kind == "omitted":
        who = labels.get(detail.get("article_id"), detail.get("article_id"))
        console.print(_badge(kind) + Text(f" {who} leaves out {detail.get('what')} by {detail.get('speaker')}: ")
                      + Text(_short(detail.get("text", "")), style="italic"))
    elif what == "fact":
        who = labels.get(detail.get("article_id"), "")
        console.print(_badge(kind) + Text(f" {who}: ") + Text(detail.get("value", ""), style="bold")
                      + Text(f" — {_short(detail.get('sentence', ''))}"))
    elif what == "quote":
        who = labels.get(detail.get("article_id"), "")
        console.print(_badge(kind) + Text(f" {who} quotes {detail.get('speaker') or 'someone'}: ")
                      + Text(_short(detail.get("text", "")), style="italic"))
    else:
        who = labels.get(detail.get("article_id"), "")
        console.print(_badge(kind) + Text(f" {who}: {detail.get('unaligned', 0)} sentence(s) no other outlet has, e.g."))
        for sentence in detail.get("sentences", [])[:3]:
            console.print(Text(f"    · {_short(sentence)}"))


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["article_labels", "render_terminal"]
