"""Compare stage: align the articles of one story; classify quote pairs; find conflicts, unique and omitted facts."""

from newsprism.compare.comparison import Comparison, compare_articles, compare_inputs

__all__ = ["Comparison", "compare_articles", "compare_inputs"]
