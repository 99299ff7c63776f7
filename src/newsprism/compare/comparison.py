"""The compare stage: align the articles of one story and list what differs, as a `Comparison`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from newsprism.analyze import analyze_articles
from newsprism.analyze.embed import get_embedder
from newsprism.analyze.entities import names_match, resolve_entities
from newsprism.compare.align import Alignment, align_units, unit_groups
from newsprism.compare.findings import (
    conflict_findings,
    group_speaker,
    name_conflict_findings,
    omitted_findings,
    unique_fact_findings,
    unique_unit_findings,
    verdict_findings,
)
from newsprism.compare.names import name_conflicts
from newsprism.compare.numbers import conflicts, find_numbers, unique_numbers
from newsprism.compare.units import Unit, build_units
from newsprism.compare.verdict import classify_pairs
from newsprism.errors import InputError
from newsprism.ingest import ingest_articles
from newsprism.models import (
    Analysis,
    Article,
    Entity,
    Finding,
    Quote,
    Skipped,
    Statement,
    outlet_text_id,
    stable_id,
)
from newsprism.settings import Settings

log = logging.getLogger(__name__)

FINDING_ORDER = {"altered": 0, "conflict": 1, "omitted": 2, "variant": 3, "unique": 4, "verbatim": 5}


@dataclass(slots=True)
class Comparison:
    """Everything compare found about a set of articles on one story."""

    articles: list[Article]
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)   # inputs that could not be read, so were not compared


def compare_articles(analyses: list[Analysis], entities: list[Entity], settings: Settings) -> Comparison:
    """Align the analysed articles of one story and derive the findings.

    Args:
        analyses: one per article, with speakers already resolved across articles (`resolve_entities`).
        entities: the resolved entities, carried into the comparison for the reports.
        settings: `settings.compare.align_threshold` decides what counts as the same statement.
    Returns:
        The `Comparison`: articles, entities, quotes, statements (aligned groups) and findings.

    Example:
        >>> comparison = compare_articles(analyses, entities, load_settings())  # doctest: +SKIP
        >>> sorted({f.kind for f in comparison.findings})  # doctest: +SKIP
        ['altered', 'conflict', 'unique', 'verbatim']
    """
    articles = [a.article for a in analyses]
    quotes = [q for a in analyses for q in a.quotes]
    if len(analyses) < 2:
        return Comparison(articles, entities, quotes)
    units = build_units(analyses)
    vectors = _embed([u.text for u in units], settings)
    same_name = names_match
    alignment = align_units(units, vectors, len(analyses), settings.compare.align_threshold, same_name)
    classify = _classifier(same_name)
    groups, statements, findings, unrelated = _judged_groups(units, alignment, analyses, classify)
    if unrelated:   # quotes aligned only by their subject are each their own outlet's: group again without them
        alignment = alignment.without(unrelated)
        groups, statements, findings, _ = _judged_groups(units, alignment, analyses, classify)
    partners = alignment.partners()
    texts = [a.article.text for a in analyses]
    numbers = find_numbers(analyses)
    conflicting = conflicts(numbers, texts)
    conflicting_values = {(n.article, n.value) for group in conflicting for n in group}
    in_conflict = {id(n) for n in numbers if (n.article, n.value) in conflicting_values}
    findings += conflict_findings(conflicting, analyses)
    findings += name_conflict_findings(name_conflicts(units, alignment.links, analyses, same_name), analyses)
    facts = unique_fact_findings(unique_numbers(numbers, in_conflict, texts), analyses)
    findings += facts
    findings += unique_unit_findings(groups, partners, analyses, cited=[s for f in facts for s in f.evidence])
    findings += omitted_findings(groups, partners, analyses)
    findings.sort(key=lambda f: FINDING_ORDER.get(f.kind, 9))
    log.info("compared %d articles: %d statements, %d findings", len(analyses), len(statements), len(findings))
    return Comparison(articles, entities, quotes, statements, findings)


def _judged_groups(units: list[Unit], alignment: Alignment, analyses: list[Analysis], classify: Callable[..., list[Any]]
                   ) -> tuple[list[list[Unit]], list[Statement], list[Finding], list[tuple[int, int]]]:
    """Groups of aligned units, their statements, the quote verdicts and the links of pairs that got none."""
    groups = unit_groups(units, alignment)
    statements, statement_ids = _statements(groups)
    findings, unrelated = verdict_findings(groups, statement_ids, alignment.partners(), analyses, classify,
                                           alignment.score)
    return groups, statements, findings, unrelated


def _statements(groups: list[list[Unit]]) -> tuple[list[Statement], list[str]]:
    """One `Statement` per group carried by two or more articles; ids for every group (in order)."""
    statements, ids = [], []
    for group in groups:
        ordered = sorted(group, key=lambda u: (u.article, u.span.start))
        sid = stable_id("statement", *(f"{u.span.article_id}:{u.span.start}" for u in ordered))
        ids.append(sid)
        if len({u.article for u in group}) < 2:
            continue
        variants: list[Quote | Any] = []
        for unit in ordered:
            variant = unit.quote if unit.quote is not None else unit.span
            if variant not in variants:
                variants.append(variant)
        statements.append(Statement(sid, group_speaker(group), variants))
    return statements, ids


def _embed(texts: list[str], settings: Settings) -> np.ndarray:
    """Embeddings of the units, each text embedded once."""
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    unique = list(dict.fromkeys(texts))
    vectors = get_embedder(settings.analyze.embedder).embed(unique)
    row = {t: i for i, t in enumerate(unique)}
    return vectors[[row[t] for t in texts]]


def _classifier(same_name: Callable[[str, str], float]) -> Callable[..., list[Any]]:
    """The verdict stage's pair classifier with this comparison's name matcher; a pair is judged once."""
    judged: dict[tuple[str, str, float | None], Any] = {}

    def classify(pairs: list[tuple[str, str]], min_score: float | None = None) -> list[Any]:
        new = [pair for pair in dict.fromkeys(pairs) if (*pair, min_score) not in judged]
        if new:
            extra = {} if min_score is None else {"min_score": min_score}
            judged.update(zip([(*pair, min_score) for pair in new],
                              classify_pairs(new, same_name=same_name, **extra), strict=True))
        return [judged[(*pair, min_score)] for pair in pairs]

    return classify


def compare_inputs(inputs: list[str], settings: Settings,
                   on_skip: Callable[[Skipped], None] | None = None) -> Comparison:
    """Ingest, analyze, resolve entities and compare files or URLs (no store involved).

    An input that cannot be read, has no article text or repeats an article given before (same id, text and
    outlet) is passed to `on_skip`, left out and listed in the comparison's `skipped`; without `on_skip` it
    is an error.

    Raises:
        InputError: an input was skipped and there is no `on_skip`, or fewer than two articles were read.
    """
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for item in ingest_articles(list(inputs), settings):
        if isinstance(item, Article):
            first = next((a for a in articles if a.id == item.id), None)
            if first is None:
                articles.append(item)
                continue
            if first.text != item.text or first.outlet != item.outlet:  # two versions of a URL, or two outlets
                articles.append(replace(item, id=f"{outlet_text_id(item.outlet, item.text)}-{len(articles)}"))
                continue
            item = Skipped(item.source_ref, f"the same article as {first.source_ref}, compared once")
        if on_skip is None:
            raise InputError(f"{item.source_ref}: {item.reason}")
        else:
            on_skip(item)
            skipped.append(item)
    if len(articles) < 2:
        raise InputError(f"compare needs at least two articles; {len(articles)} of {len(inputs)} could be read")
    analyses = list(analyze_articles(articles, settings))
    comparison = compare_articles(analyses, resolve_entities(analyses), settings)
    comparison.skipped = skipped
    return comparison


__all__ = ["Comparison", "compare_articles", "compare_inputs"]
