"""Analyze stage: one spaCy parse per article, then named components fill the `Analysis`.

Components are registered by name (`@component("facts")`) and run in the order `COMPONENT_ORDER`.
Each takes `(doc, analysis, settings)`, reads the parse and writes only its own fields of `analysis`.
Cross-article work (entity alias resolution) runs after, over a list of analyses.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator

from newsprism.analyze.nlp import load_spacy
from newsprism.models import Analysis, Article
from newsprism.settings import Settings

Component = Callable[..., None]
COMPONENTS: dict[str, Component] = {}
COMPONENT_ORDER: tuple[str, ...] = ("sentences", "entities", "facts", "quotes")
_COMPONENT_MODULES = (
    "newsprism.analyze.sentences",
    "newsprism.analyze.entities",
    "newsprism.analyze.facts",
    "newsprism.analyze.quotes",
)


def component(name: str) -> Callable[[Component], Component]:
    """Register an analyze component under `name`."""

    def register(func: Component) -> Component:
        COMPONENTS[name] = func
        return func

    return register


def _load_components() -> None:
    for module in _COMPONENT_MODULES:
        importlib.import_module(module)


def analyze_articles(articles: Iterable[Article], settings: Settings, batch_size: int = 32) -> Iterator[Analysis]:
    """Analyses of `articles`, in order; spaCy parses them in batches."""
    _load_components()
    nlp = load_spacy(settings.analyze.spacy_model)
    articles = list(articles) if not isinstance(articles, list) else articles
    texts = (a.text for a in articles)
    for article, doc in zip(articles, nlp.pipe(texts, batch_size=batch_size), strict=True):
        analysis = Analysis(article=article)
        for name in COMPONENT_ORDER:
            if name in COMPONENTS:
                COMPONENTS[name](doc, analysis, settings)
        yield analysis


def analyze_article(article: Article, settings: Settings) -> Analysis:
    """The analysis of one article."""
    return next(analyze_articles([article], settings))


__all__ = ["COMPONENTS", "COMPONENT_ORDER", "analyze_article", "analyze_articles", "component"]
