"""The ingest stage: read sources into RawDocuments, clean them into Articles.

`read_sources` streams records from files, archives, stdin and URLs; `extract_article` turns one record into an
`Article` (or a `Skipped` saying why); `ingest_articles` chains the two for a batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from newsprism.ingest.boilerplate import RepeatedLines, clean_plain_text
from newsprism.ingest.encoding import decode_bytes
from newsprism.ingest.extract import extract_article
from newsprism.ingest.raw import RawDocument
from newsprism.ingest.readers import expand_inputs, read_source, read_sources
from newsprism.models import Article, Skipped
from newsprism.settings import Settings


def ingest_articles(inputs: Iterable[str], settings: Settings) -> Iterator[Article | Skipped]:
    """Read and extract every record of `inputs`; short lines repeated across one outlet's documents are dropped.

    Example:
        >>> for item in ingest_articles(["a.txt", "b.html"], load_settings()):
        ...     print(item.id if isinstance(item, Article) else item.reason)
    """
    repeated = RepeatedLines()
    for record in read_sources(list(inputs), settings):
        yield record if isinstance(record, Skipped) else extract_article(record, settings, repeated)


__all__ = [
    "RawDocument",
    "RepeatedLines",
    "clean_plain_text",
    "decode_bytes",
    "expand_inputs",
    "extract_article",
    "ingest_articles",
    "read_source",
    "read_sources",
]
