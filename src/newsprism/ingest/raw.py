"""What format readers yield: the raw bytes or text of one record, before extraction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class RawDocument:
    """One record as read: HTML or plain text plus whatever metadata the container gave."""

    source_ref: str                 # file path, "path#line", archive member, WARC record id or URL
    content: str                    # decoded text or HTML
    content_type: str = "text"      # "text" | "html"
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    extra: dict = field(default_factory=dict)   # reader-specific metadata (e.g. the JSONL record's own id)
