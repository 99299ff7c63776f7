"""Reports over a hand-built comparison: the JSON contract, inert HTML for hostile text, the terminal view."""

from __future__ import annotations

import json
import re

import pytest
from rich.console import Console

from newsprism.compare import Comparison
from newsprism.models import Article, Entity, Finding, Quote, Span, Statement
from newsprism.report import render_html, render_json, render_terminal

HOSTILE = (
    'Mayor Ada Quill opened the market. <script>alert("x")</script> '
    '<img src=x onerror="alert(1)"> <a href="javascript:alert(2)">win a prize</a>\n\n'
    '"We will open the market every Sunday," Quill said.'
)
PLAIN = 'The market opened on Saturday with 40 stalls.\n\n"We will open the market each Sunday," Quill said.'


def _quote_span(text: str, article_id: str, words: str) -> Span:
    start = text.index(words)
    return Span(article_id, start, start + len(words))


@pytest.fixture
def comparison() -> Comparison:
    a = Article(id="aaa", text=HOSTILE, outlet="Evil <b>Outlet</b>", title="<i>t</i>", url="javascript:alert(3)")
    b = Article(id="bbb", text=PLAIN, outlet="Plain Paper", title="Market day")
    qa = Quote("qa", "aaa", "direct", [_quote_span(HOSTILE, "aaa", "We will open the market every Sunday")], "Ada Quill")
    qb = Quote("qb", "bbb", "direct", [_quote_span(PLAIN, "bbb", "We will open the market each Sunday")], "Ada Quill")
    stalls = _quote_span(PLAIN, "bbb", "40")
    return Comparison(
        articles=[a, b],
        entities=[Entity("Ada Quill", "PERSON", ["Ada Quill", "Quill"])],
        quotes=[qa, qb],
        statements=[Statement("st1", "Ada Quill", [qa, qb])],
        findings=[
            Finding("variant", [qa.content[0], qb.content[0]],
                    {"speaker": "Ada Quill", "statement_id": "st1", "article_ids": ["aaa", "bbb"],
                     "changed": [["every", "each"]], "reasons": ["synonym <script>"]}),
            Finding("unique", [stalls], {"what": "fact", "article_id": "bbb", "value": "40", "sentence": "40 stalls"}),
            Finding("unique", [_quote_span(HOSTILE, "aaa", "<script>alert(\"x\")</script>")],
                    {"what": "sentences", "article_id": "aaa", "sentences": ['<script>alert("x")</script>'],
                     "unaligned": 1}),
        ],
    )


def test_json_follows_the_contract(comparison):
    data = json.loads(json.dumps(render_json(comparison)))
    assert [a["id"] for a in data["articles"]] == ["aaa", "bbb"]
    assert {"id", "outlet", "title", "text"} <= set(data["articles"][0])
    assert data["entities"] == [{"canonical": "Ada Quill", "kind": "PERSON", "aliases": ["Ada Quill", "Quill"]}]
    texts = {a["id"]: a["text"] for a in data["articles"]}
    for quote in data["quotes"]:
        assert {"id", "article_id", "kind", "speaker", "text", "start", "end"} <= set(quote)
        assert texts[quote["article_id"]][quote["start"] : quote["end"]] == quote["text"]
    for finding in data["findings"]:
        for ev in finding["evidence"]:
            assert texts[ev["article_id"]][ev["start"] : ev["end"]] == ev["text"]
    assert data["findings"][0]["detail"]["changed"] == [["every", "each"]]


def test_html_is_self_contained_and_inert(comparison):
    page = render_html(comparison)
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert not re.search(r"<[^>]+\son\w+\s*=", page, re.IGNORECASE)
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", page, re.IGNORECASE)
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=" in page
    assert "<b>Outlet</b>" not in page and "Evil &lt;b&gt;Outlet&lt;/b&gt;" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, re.IGNORECASE)


def test_html_marks_changed_words_and_links_statements(comparison):
    page = render_html(comparison)
    assert "<mark>every</mark>" in page and "<mark>each</mark>" in page
    assert 'id="s1-aaa"' in page and 'href="#s1-bbb"' in page and 'href="#s1-aaa"' in page
    assert 'class="badge variant"' in page


def test_html_accepts_the_json_form(comparison):
    assert render_html(render_json(comparison)) == render_html(comparison)


def test_terminal_shows_badges_words_and_facts(comparison):
    console = Console(record=True, width=200, color_system=None)
    render_terminal(comparison, console)
    out = console.export_text()
    assert "VARIANT" in out and "Ada Quill" in out
    assert "every Sunday" in out and "each Sunday" in out
    assert "UNIQUE" in out and "40" in out
    assert '<script>alert("x")</script>' in out   # printed literally, not interpreted as markup


def test_terminal_reads_no_markup_or_escape_codes_from_articles():
    text = 'The \x1b]0;owned\x07pier closed. "We will \x1b[2Jreopen it soon," Quill said.'
    articles = [Article(id="a1", text=text, outlet="[/red]Courier", title="[bold]Pier[/bold] \x1b[31mnews"),
                Article(id="a2", text=text, outlet="[link=http://x.test]Gazette", title="Pier")]
    span = [_quote_span(text, a.id, "We will \x1b[2Jreopen it soon") for a in articles]
    findings = [Finding("verbatim", span, {"speaker": "Ada Quill", "article_ids": ["a1", "a2"]})]
    console = Console(record=True, width=200, color_system=None)
    render_terminal(Comparison(articles=articles, entities=[], quotes=[], statements=[], findings=findings), console)
    out = console.export_text()
    assert "[/red]Courier" in out and "[link=http://x.test]Gazette" in out and "[bold]Pier[/bold]" in out
    assert "\x1b" not in out and "\x07" not in out
    assert "We will [2Jreopen it soon" in out


def test_terminal_prints_a_statement_carried_word_for_word_once():
    quote = '"The ferry will sail again on Monday," Quill said.'
    articles = [Article(id=f"a{i}", text=quote, outlet=f"Paper {i}", title="Ferry") for i in range(3)]
    spans = [_quote_span(quote, a.id, "The ferry will sail again on Monday") for a in articles]
    pairs = [(0, 1), (0, 2), (1, 2)]
    findings = [Finding("verbatim", [spans[i], spans[j]], {"speaker": "Ada Quill", "statement_id": "st9",
                                                           "article_ids": [f"a{i}", f"a{j}"]}) for i, j in pairs]
    console = Console(record=True, width=200, color_system=None)
    render_terminal(Comparison(articles=articles, entities=[], quotes=[], statements=[], findings=findings), console)
    out = console.export_text()
    assert out.count("VERBATIM") == 1
    assert "same words in A, B, C" in out


def test_reports_show_the_words_a_partial_verbatim_pair_shares():
    longer = '"The pier is unsafe. The ferry will sail again on Monday," Quill said.'
    shorter = '"The ferry will sail again on Monday," Quill said.'
    articles = [Article(id="a0", text=longer, outlet="Paper 0", title="Ferry"),
                Article(id="a1", text=shorter, outlet="Paper 1", title="Ferry")]
    spans = [_quote_span(longer, "a0", "The pier is unsafe."), _quote_span(longer, "a0", "The ferry will sail"),
             _quote_span(shorter, "a1", "The ferry will sail")]
    shared = "The ferry will sail again on Monday"
    findings = [Finding("verbatim", spans, {"speaker": "Ada Quill", "statement_id": "st1", "article_ids": ["a0", "a1"],
                                            "texts": [shared, shared], "partial_quote": True})]
    comparison = Comparison(articles=articles, entities=[], quotes=[], statements=[], findings=findings)
    console = Console(record=True, width=200, color_system=None)
    render_terminal(comparison, console)
    out = console.export_text()
    assert "same words in A, B; quoted in part" in out
    assert shared in out and "unsafe" not in out
    assert "<small>quoted in part</small>" in render_html(comparison)
