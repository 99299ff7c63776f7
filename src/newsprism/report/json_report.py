"""The JSON form of a comparison: plain data every other report (terminal, HTML, web, stored corpus) reads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newsprism.models import Quote, Span, to_dict

if TYPE_CHECKING:  # the compare stage uses the reports, never the other way round
    from newsprism.compare import Comparison


def render_json(comparison: Comparison) -> dict[str, Any]:
    """The comparison as JSON-ready data: articles, entities, quotes, statements, findings, and the inputs
    that could not be read (`skipped`).

    Offsets (`start`, `end`) are character offsets into the article's `text` (the cleaned text).

    Example:
        >>> data = render_json(compare_inputs(["a.txt", "b.txt"], load_settings()))  # doctest: +SKIP
        >>> data["findings"][0]["kind"]  # doctest: +SKIP
        'altered'
    """
    texts = {a.id: a.text for a in comparison.articles}
    return {
        "articles": [
            {
                "id": a.id, "outlet": a.outlet, "title": a.title, "url": a.url,
                "published": to_dict(a.published), "source_ref": a.source_ref, "text": a.text,
            }
            for a in comparison.articles
        ],
        "entities": [{"canonical": e.canonical, "kind": e.kind, "aliases": list(e.aliases)} for e in comparison.entities],
        "quotes": [_quote(q, texts) for q in comparison.quotes],
        "statements": [
            {
                "id": s.id,
                "speaker": s.speaker,
                "variants": [_variant(v, texts) for v in s.variants],
            }
            for s in comparison.statements
        ],
        "findings": [
            {
                "kind": f.kind,
                "detail": to_dict(f.detail),
                "confidence": f.confidence,
                "evidence": [_span(s, texts) for s in f.evidence],
            }
            for f in comparison.findings
        ],
        "skipped": [{"source_ref": s.source_ref, "reason": s.reason} for s in comparison.skipped],
    }


def _span(span: Span, texts: dict[str, str]) -> dict[str, Any]:
    return {"article_id": span.article_id, "start": span.start, "end": span.end,
            "text": texts[span.article_id][span.start : span.end]}


def _quote(quote: Quote, texts: dict[str, str]) -> dict[str, Any]:
    return {
        "id": quote.id, "article_id": quote.article_id, "kind": quote.kind, "speaker": quote.speaker,
        "text": texts[quote.article_id][quote.start : quote.end], "start": quote.start, "end": quote.end,
        "content": [_span(s, texts) for s in quote.content], "confidence": quote.confidence,
    }


def _variant(variant: Quote | Span, texts: dict[str, str]) -> dict[str, Any]:
    if isinstance(variant, Quote):
        return {**_span(Span(variant.article_id, variant.start, variant.end), texts), "quote_id": variant.id}
    return _span(variant, texts)


__all__ = ["render_json"]
