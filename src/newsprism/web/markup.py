"""HTML fragments built from untrusted text: every piece is escaped before it is joined with markup."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from newsprism.report.highlight import changed_sides, phrase_ranges

SAFE_SCHEMES = ("http", "https")


def safe_url(url: str | None) -> str | None:
    """`url` when it is an http(s) link, else None (shown as text, never as a link)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in SAFE_SCHEMES else None


def marked(text: str, ranges: list[tuple[int, int, str]]) -> Markup:
    """`text` escaped, with each (start, end, css class) range wrapped in <mark>; overlaps merge their classes."""
    points = sorted({0, len(text), *(p for s, e, _ in ranges for p in (s, e) if 0 <= p <= len(text))})
    pieces: list[str] = []
    for start, end in zip(points, points[1:], strict=False):
        classes = sorted({c for s, e, c in ranges if s <= start and end <= e})
        piece = escape(text[start:end])
        if classes:
            pieces.append(f'<mark class="{escape(" ".join(classes))}">{piece}</mark>')
        else:
            pieces.append(piece)
    return Markup("".join(pieces))


def changed_pair(finding: dict[str, Any]) -> tuple[Markup, Markup]:
    """Both texts of a verdict finding, the changed words of each side marked."""
    texts = list(finding["detail"].get("texts") or ["", ""])
    while len(texts) < 2:
        texts.append("")
    first, second = changed_sides(finding["detail"].get("changed") or [])
    return (
        marked(texts[0], [(s, e, "chg") for s, e in phrase_ranges(texts[0], first)]),
        marked(texts[1], [(s, e, "chg") for s, e in phrase_ranges(texts[1], second)]),
    )


def article_marks(text: str, quotes: list[dict[str, Any]], findings: list[dict[str, Any]]) -> Markup:
    """An article's text with its quotes and finding evidence marked."""
    ranges: list[tuple[int, int, str]] = []
    for quote in quotes:
        for span in quote["content"]:
            ranges.append((span["start"], span["end"], "quote"))
    for finding in findings:
        for span in finding["spans"]:
            ranges.append((span["start"], span["end"], f"f-{finding['kind']}"))
    return marked(text, ranges)


# ------------------------------------------------------------------------------------------------ charts

_COLORS = {"verbatim": "#2e7d32", "variant": "#00838f", "altered": "#c62828"}


def timeline_svg(articles: list[dict[str, Any]]) -> Markup:
    """Coverage timeline: one row per outlet, one dot per article at its publication time."""
    dated = [a for a in articles if a.get("published")]
    outlets = list(dict.fromkeys(a.get("outlet") or "(unknown)" for a in articles))
    if not dated or not outlets:
        return Markup('<p class="muted">No publication times to chart.</p>')
    times = sorted(a["published"] for a in dated)
    from newsprism.models import parse_datetime

    start, end = parse_datetime(times[0]), parse_datetime(times[-1])
    span = max((end - start).total_seconds(), 1.0)
    label_w, width, row_h = 190, 760, 26
    height = row_h * len(outlets) + 34
    parts = [
        f'<svg class="chart" role="img" aria-label="coverage timeline" viewBox="0 0 {width} {height}" '
        f'width="{width}" xmlns="http://www.w3.org/2000/svg">'
    ]
    plot_w = width - label_w - 20
    for i, outlet in enumerate(outlets):
        y = 14 + i * row_h
        parts.append(f'<text x="{label_w - 8}" y="{y + 4}" text-anchor="end" class="lbl">{escape(outlet[:28])}</text>')
        parts.append(f'<line x1="{label_w}" x2="{width - 20}" y1="{y}" y2="{y}" class="grid"/>')
    for article in dated:
        row = outlets.index(article.get("outlet") or "(unknown)")
        x = label_w + plot_w * (parse_datetime(article["published"]) - start).total_seconds() / span
        title = escape(f"{article.get('outlet') or ''}: {article.get('title') or ''} ({article['published']})")
        parts.append(f'<circle cx="{x:.1f}" cy="{14 + row * row_h}" r="6" class="dot"><title>{title}</title></circle>')
    axis_y = height - 8
    parts.append(f'<text x="{label_w}" y="{axis_y}" class="axis">{escape(start.strftime("%Y-%m-%d %H:%M"))}</text>')
    parts.append(
        f'<text x="{width - 20}" y="{axis_y}" text-anchor="end" class="axis">'
        f'{escape(end.strftime("%Y-%m-%d %H:%M"))} UTC</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def scoreboard_svg(board: dict[str, dict[str, int]], limit: int = 30) -> Markup:
    """Outlet scoreboard: one stacked bar per outlet, shares of verbatim / variant / altered quote comparisons."""
    rows = [(o, s) for o, s in board.items() if s["verbatim"] + s["variant"] + s["altered"]]
    rows.sort(key=lambda r: (-r[1]["altered"] / max(1, sum(r[1][k] for k in _COLORS)), r[0]))
    rows = rows[:limit]
    if not rows:
        return Markup('<p class="muted">No quote comparisons yet.</p>')
    label_w, width, row_h = 190, 760, 24
    height = row_h * len(rows) + 30
    plot_w = width - label_w - 70
    parts = [
        f'<svg class="chart" role="img" aria-label="outlet scoreboard" viewBox="0 0 {width} {height}" '
        f'width="{width}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (outlet, scores) in enumerate(rows):
        y = 6 + i * row_h
        total = sum(scores[k] for k in _COLORS)
        parts.append(f'<text x="{label_w - 8}" y="{y + 13}" text-anchor="end" class="lbl">{escape(outlet[:28])}</text>')
        x = float(label_w)
        for kind, color in _COLORS.items():
            w = plot_w * scores[kind] / total
            if w > 0:
                tip = escape(f"{outlet}: {scores[kind]} {kind} of {total}")
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="16" fill="{color}"><title>{tip}</title></rect>'
                )
            x += w
        parts.append(f'<text x="{label_w + plot_w + 6}" y="{y + 13}" class="axis">{total}</text>')
    legend_y = height - 6
    x = label_w
    for kind, color in _COLORS.items():
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{x + 14}" y="{legend_y}" class="axis">{kind}</text>')
        x += 90
    parts.append("</svg>")
    return Markup("".join(parts))
