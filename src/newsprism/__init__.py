"""newsprism: many outlets, one story — did everyone report the same thing?"""

import logging

from newsprism.models import Analysis, Article, Entity, Finding, Quote, Reuse, Span, Statement, Story
from newsprism.settings import Settings, load_settings

__version__ = "0.1.0"
__all__ = [
    "Analysis", "Article", "Entity", "Finding", "Quote", "Reuse", "Settings", "Span", "Statement", "Story",
    "load_settings",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
