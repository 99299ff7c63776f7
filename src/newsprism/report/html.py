"""One self-contained HTML page: the texts side by side, aligned statements linked, changed words marked.

No script, no external resource: the page works offline and from a file. Every piece of article text, title,
outlet and URL is escaped; article URLs are shown as text, never as links.
"""

from __future__ import annotations

from html import escape
from typing import Any

from newsprism.report.highlight import changed_sides, phrase_ranges
from newsprism.report.terminal import article_labels

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header,section{padding:12px 20px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:17px;margin:18px 0 8px}
.cols{display:grid;grid-auto-flow:column;grid-auto-columns:minmax(320px,1fr);gap:14px;overflow-x:auto;padding:0 20px 20px}
.art{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 14px}
.art h3{font-size:15px;margin:0 0 6px}.meta{color:#666;font-size:12px;word-break:break-all}
.text{white-space:pre-wrap}
.stmt{background:#eef4ff;border-bottom:1px solid #9bb7ee}
.ref{font-size:11px;color:#2451b3;text-decoration:none;vertical-align:super;margin-right:2px}
:target{outline:2px solid #e08a00}
mark{background:#ffe066;padding:0 1px}
.badge{display:inline-block;font-size:11px;font-weight:700;color:#fff;border-radius:3px;padding:1px 6px;margin-right:6px}
.altered{background:#c62828}.conflict{background:#8e24aa}.omitted{background:#b7791f}
.variant{background:#00838f}.verbatim{background:#2e7d32}.unique{background:#1565c0}
ul.findings{list-style:none;padding:0}ul.findings li{background:#fff;border:1px solid #e3e3e3;border-radius:5px;margin:6px 0;padding:6px 10px}
.side{margin:2px 0 2px 12px}.who{font-weight:600}
.skipped{color:#b71c1c;font-weight:600}
"""


def render_html(comparison: Any) -> str:
    """The whole report page for a comparison (a `Comparison` or its `render_json` form)."""
    data = _plain(comparison)
    labels = article_labels(data)
    numbers = {s["id"]: i + 1 for i, s in enumerate(data.get("statements", []))}
    marks = _marks_by_article(data)
    columns = "".join(_article_column(a, data, labels, numbers, marks) for a in data["articles"])
    findings = "".join(_finding_item(f, labels, numbers) for f in data["findings"])
    counts: dict[str, int] = {}
    for finding in data["findings"]:
        counts[finding["kind"]] = counts.get(finding["kind"], 0) + 1
    summary = ", ".join(f"{n} {escape(k)}" for k, n in counts.items()) or "no findings"
    skipped = "".join(f"<div class=\"skipped\">Not compared: {escape(item['source_ref'])} ({escape(item['reason'])})</div>"
                      for item in data.get("skipped", []))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>newsprism comparison of {len(data['articles'])} articles</title><style>{_CSS}</style></head><body>"
        f"<header><h1>newsprism: {len(data['articles'])} articles compared</h1><div>{summary}</div>{skipped}</header>"
        f"<section><h2>Findings</h2><ul class=\"findings\">{findings}</ul></section>"
        f"<h2 style=\"padding:0 20px\">Texts</h2><div class=\"cols\">{columns}</div></body></html>\n"
    )


def _plain(comparison: Any) -> dict[str, Any]:
    if isinstance(comparison, dict):
        return comparison
    from newsprism.report.json_report import render_json

    return render_json(comparison)


def _marks_by_article(data: dict[str, Any]) -> dict[str, list[tuple[int, int]]]:
    """Ranges of changed words to <mark>, per article, from the verdict findings."""
    marks: dict[str, list[tuple[int, int]]] = {}
    texts = {a["id"]: a["text"] for a in data["articles"]}
    for finding in data["findings"]:
        ids = finding["detail"].get("article_ids") or []
        if finding["kind"] not in ("altered", "variant") or len(ids) != 2:
            continue
        for article_id, words in zip(ids, changed_sides(finding["detail"].get("changed")), strict=True):
            spans = [e for e in finding["evidence"] if e["article_id"] == article_id]
            marks.setdefault(article_id, []).extend(_ranges_in_spans(texts[article_id], spans, words))
    return marks


def _ranges_in_spans(text: str, spans: list[dict[str, Any]], words: list[str]) -> list[tuple[int, int]]:
    """Article offsets of the changed phrases, searched in order through the evidence pieces joined."""
    joined, starts = "", []
    for span in spans:
        starts.append((len(joined), span["start"]))
        joined += text[span["start"] : span["end"]] + "\n"
    out = []
    for s, e in phrase_ranges(joined, words):
        base, offset = max((b for b in starts if b[0] <= s), key=lambda b: b[0])
        out.append((offset + s - base, offset + e - base))
    return out


def _anchor(statement: int, article_id: str) -> str:
    return f"s{statement}-{article_id}"


def _article_column(
    article: dict[str, Any], data: dict[str, Any], labels: dict[str, str], numbers: dict[str, int],
    marks: dict[str, list[tuple[int, int]]],
) -> str:
    """One article's column: header and its text with statements and marks."""
    aid = article["id"]
    starts: dict[int, list[str]] = {}
    spans: list[tuple[int, int]] = []
    for statement in data.get("statements", []):
        variants = statement["variants"]
        mine = [v for v in variants if v["article_id"] == aid]
        others = [v["article_id"] for v in variants if v["article_id"] != aid]
        if not mine or not others:
            continue
        n = numbers[statement["id"]]
        target = _anchor(n, others[0])
        for i, variant in enumerate(mine):
            anchor_id = f' id="{_anchor(n, aid)}"' if i == 0 else ""
            starts.setdefault(variant["start"], []).append(
                f'<a class="ref"{anchor_id} href="#{escape(target)}" title="statement {n}: go to {escape(labels[others[0]])}">S{n}</a>'
            )
            spans.append((variant["start"], variant["end"]))
    body = _marked_text(article["text"], spans, marks.get(aid, []), starts)
    meta = " · ".join(escape(str(x)) for x in (article.get("url"), article.get("published")) if x)
    return (
        f'<div class="art" id="{escape(aid)}"><h3>{escape(labels[aid])}</h3>'
        f'<div class="meta">{escape(article.get("title") or "")}<br>{meta}</div>'
        f'<div class="text">{body}</div></div>'
    )


def _marked_text(text: str, spans: list[tuple[int, int]], marks: list[tuple[int, int]], starts: dict[int, list[str]]) -> str:
    """Escaped text cut at every boundary; statement pieces and changed words wrapped."""
    cuts = sorted({0, len(text), *(p for s in spans for p in s), *(p for m in marks for p in m), *starts})
    out = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        out.extend(starts.get(start, []))
        piece = escape(text[start:end])
        if any(s <= start and end <= e for s, e in marks):
            piece = f"<mark>{piece}</mark>"
        if any(s <= start and end <= e for s, e in spans):
            piece = f'<span class="stmt">{piece}</span>'
        out.append(piece)
    return "".join(out)


def _finding_item(finding: dict[str, Any], labels: dict[str, str], numbers: dict[str, int]) -> str:
    """One finding: badge, what it says, and the words it rests on."""
    kind = finding["kind"]
    detail = finding["detail"]
    head = f'<span class="badge {escape(kind)}">{escape(kind.upper())}</span>'
    if kind in ("altered", "variant", "verbatim"):
        n = numbers.get(detail.get("statement_id", ""))
        ids = detail.get("article_ids") or []
        words = changed_sides(detail.get("changed"))
        sides = []
        for article_id, changed in zip(ids, words, strict=False):
            text = " … ".join(e["text"] for e in finding["evidence"] if e["article_id"] == article_id)
            link = f'<a href="#{_anchor(n, article_id)}">{escape(labels.get(article_id, article_id))}</a>' if n else escape(labels.get(article_id, article_id))
            sides.append(f'<div class="side"><span class="who">{link}:</span> {_mark_phrases(text, changed)}</div>')
        notes = [*detail.get("reasons", []), *(["quoted in part"] if detail.get("partial_quote") else [])]
        reasons = "; ".join(escape(str(r)) for r in notes)
        return f"<li>{head}<b>{escape(str(detail.get('speaker') or 'unknown speaker'))}</b> <small>{reasons}</small>{''.join(sides)}</li>"
    if kind == "conflict":
        said = "; ".join(f"{escape(labels.get(a, a))}: <b>{escape(str(v))}</b>" for a, v in detail.get("by_article", {}).items())
        sentences = "".join(f'<div class="side">{escape(s)}</div>' for s in detail.get("sentences", []))
        return f"<li>{head}{escape(str(detail.get('about', '')))}: {said}{sentences}</li>"
    who = escape(labels.get(detail.get("article_id"), str(detail.get("article_id", ""))))
    if kind == "omitted":
        return (f"<li>{head}<b>{who}</b> leaves out {escape(str(detail.get('what')))} by "
                f"{escape(str(detail.get('speaker')))}: <i>{escape(str(detail.get('text', '')))}</i></li>")
    what = detail.get("what")
    if what == "fact":
        return f"<li>{head}<b>{who}</b> alone states <b>{escape(str(detail.get('value')))}</b>: {escape(str(detail.get('sentence', '')))}</li>"
    if what == "quote":
        return f"<li>{head}<b>{who}</b> alone quotes {escape(str(detail.get('speaker') or 'someone'))}: <i>{escape(str(detail.get('text', '')))}</i></li>"
    items = "".join(f'<div class="side">{escape(s)}</div>' for s in detail.get("sentences", []))
    return f"<li>{head}<b>{who}</b>: {int(detail.get('unaligned', 0))} sentence(s) no other outlet has{items}</li>"


def _mark_phrases(text: str, phrases: list[str]) -> str:
    """Escaped text with the given phrases in <mark>."""
    out, cursor = [], 0
    for start, end in phrase_ranges(text, phrases):
        out.append(escape(text[cursor:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)


__all__ = ["render_html"]
