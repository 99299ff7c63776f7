"""The one data model every stage reads and writes (see DESIGN.md).

Plain dataclasses with slots. Offsets in every `Span` are character offsets into `Article.text`
(half-open: `text[start:end]`). `to_dict`/`from_dict` give the JSON form used by the store and the reports.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

QuoteKind = Literal["direct", "indirect", "mixed"]
ReuseKind = Literal["verbatim", "near-verbatim", "paraphrase"]
FindingKind = Literal["verbatim", "variant", "altered", "conflict", "unique", "omitted"]
FactKind = Literal["number", "percent", "money", "date", "year", "duration", "age", "ordinal", "time"]

FINDING_KINDS: tuple[str, ...] = ("verbatim", "variant", "altered", "conflict", "unique", "omitted")

_WS = re.compile(r"\s+")


def stable_id(*parts: str, length: int = 16) -> str:
    """A short, stable hex id from strings (sha1); the same input always gives the same id."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


def normalize_text(text: str) -> str:
    """Whitespace-folded, lower-cased text: the basis of content ids and verbatim checks."""
    return _WS.sub(" ", text).strip().lower()


def article_id_for(url: str | None, text: str) -> str:
    """Stable article id: hash of the canonical URL when known, else of the normalized text."""
    if url:
        return stable_id("url", canonical_url(url))
    return stable_id("text", normalize_text(text))


def outlet_text_id(outlet: str, text: str) -> str:
    """The id of a URL-less article whose text another outlet's stored article already carries (one wire copy
    printed by two outlets): the outlet joins the text in the hash, so neither replaces the other."""
    return stable_id("text", outlet, normalize_text(text))


def canonical_url(url: str) -> str:
    """Drop fragment, default ports, tracking parameters and trailing slash; lower-case scheme and host."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port and not (
        (parts.scheme == "http" and parts.port == 80) or (parts.scheme == "https" and parts.port == 443)
    ):
        host = f"{host}:{parts.port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), host, path, urlencode(sorted(query)), ""))


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key.startswith("utm_") or key in {"fbclid", "gclid", "mc_cid", "mc_eid", "ref", "cmpid"}


@dataclass(slots=True, frozen=True)
class Span:
    """A character range `[start, end)` of one article's text."""

    article_id: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad span [{self.start}, {self.end}) in article {self.article_id}")

    def text_in(self, text: str) -> str:
        return text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        return self.article_id == other.article_id and self.start < other.end and other.start < self.end


@dataclass(slots=True)
class Article:
    """One cleaned article. `id` is stable (see `article_id_for`); `text` is the cleaned body."""

    id: str
    text: str
    outlet: str = ""
    url: str | None = None
    title: str = ""
    author: str | None = None
    published: datetime | None = None
    language: str | None = None
    source_ref: str = ""
    version: int = 1
    record_id: str | None = None    # the input record's own id (a JSONL/JSON `id` field), when it had one

    @property
    def content_hash(self) -> str:
        return stable_id("content", normalize_text(self.title), normalize_text(self.text))


@dataclass(slots=True)
class Entity:
    """A person, organisation or place, with every surface form seen for it."""

    canonical: str
    kind: str
    aliases: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Mention:
    """One occurrence of an entity in an article; `entity` is the canonical name once resolved."""

    span: Span
    surface: str
    kind: str
    entity: str | None = None


@dataclass(slots=True)
class Quote:
    """One attribution: who (`speaker`) said what (`content`), marked by which cue."""

    id: str
    article_id: str
    kind: QuoteKind
    content: list[Span]
    speaker: str | None = None
    speaker_span: Span | None = None
    cue_span: Span | None = None
    confidence: float = 1.0

    @property
    def start(self) -> int:
        return min(s.start for s in self.content)

    @property
    def end(self) -> int:
        return max(s.end for s in self.content)


@dataclass(slots=True)
class Fact:
    """A number, percentage, amount or date found in the text, with its normalized value."""

    span: Span
    kind: FactKind
    value: float | str
    unit: str = ""
    sentence: int = -1


@dataclass(slots=True)
class Analysis:
    """Everything the analyze stage learned about one article."""

    article: Article
    sentences: list[Span] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)

    def sentence_text(self, index: int) -> str:
        return self.sentences[index].text_in(self.article.text)

    def sentence_index_at(self, offset: int) -> int:
        """Index of the sentence holding character `offset`, or -1."""
        for i, sent in enumerate(self.sentences):
            if sent.start <= offset < sent.end:
                return i
        return -1


@dataclass(slots=True)
class Story:
    """Articles about one event."""

    id: str
    article_ids: list[str]
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    label: str = ""


@dataclass(slots=True)
class Reuse:
    """`derived_id` copies `source_id`; `aligned` pairs the passages that match."""

    source_id: str
    derived_id: str
    kind: ReuseKind
    score: float
    aligned: list[tuple[Span, Span]] = field(default_factory=list)


@dataclass(slots=True)
class Statement:
    """The same utterance or claim as each outlet carries it."""

    id: str
    speaker: str | None
    variants: list[Quote | Span] = field(default_factory=list)


@dataclass(slots=True)
class Finding:
    """One thing a reader should know, with the exact spans it rests on."""

    kind: FindingKind
    evidence: list[Span]
    detail: dict[str, Any] = field(default_factory=dict)
    confidence: float = 1.0
    story_id: str | None = None


@dataclass(slots=True)
class Skipped:
    """A record ingest did not store, and why (a value, never a bare None)."""

    source_ref: str
    reason: str


# ---------------------------------------------------------------------------------------------- JSON form


def to_dict(obj: Any) -> Any:
    """JSON-ready form of any model object (datetimes as ISO 8601 UTC)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, datetime):
        return to_utc(obj).isoformat()
    if isinstance(obj, list | tuple):
        return [to_dict(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


def to_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_datetime(value: str | datetime | None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return to_utc(value)
    return to_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))


def span_from_dict(d: dict[str, Any] | None) -> Span | None:
    return None if d is None else Span(d["article_id"], d["start"], d["end"])


def article_from_dict(d: dict[str, Any]) -> Article:
    return Article(
        id=d["id"],
        text=d["text"],
        outlet=d.get("outlet") or "",
        url=d.get("url"),
        title=d.get("title") or "",
        author=d.get("author"),
        published=parse_datetime(d.get("published")),
        language=d.get("language"),
        source_ref=d.get("source_ref") or "",
        version=d.get("version", 1),
        record_id=d.get("record_id"),
    )


def quote_from_dict(d: dict[str, Any]) -> Quote:
    return Quote(
        id=d["id"],
        article_id=d["article_id"],
        kind=d["kind"],
        content=[span_from_dict(s) for s in d["content"]],
        speaker=d.get("speaker"),
        speaker_span=span_from_dict(d.get("speaker_span")),
        cue_span=span_from_dict(d.get("cue_span")),
        confidence=d.get("confidence", 1.0),
    )


def analysis_from_dict(d: dict[str, Any]) -> Analysis:
    article = article_from_dict(d["article"])
    return Analysis(
        article=article,
        sentences=[span_from_dict(s) for s in d["sentences"]],
        mentions=[
            Mention(span_from_dict(m["span"]), m["surface"], m["kind"], m.get("entity")) for m in d["mentions"]
        ],
        quotes=[quote_from_dict(q) for q in d["quotes"]],
        facts=[Fact(span_from_dict(f["span"]), f["kind"], f["value"], f.get("unit", ""), f.get("sentence", -1))
               for f in d["facts"]],
    )


def finding_from_dict(d: dict[str, Any]) -> Finding:
    return Finding(
        kind=d["kind"],
        evidence=[span_from_dict(s) for s in d["evidence"]],
        detail=d.get("detail") or {},
        confidence=d.get("confidence", 1.0),
        story_id=d.get("story_id"),
    )


def story_from_dict(d: dict[str, Any]) -> Story:
    return Story(
        id=d["id"],
        article_ids=list(d["article_ids"]),
        first_seen=parse_datetime(d.get("first_seen")),
        last_seen=parse_datetime(d.get("last_seen")),
        label=d.get("label") or "",
    )


def reuse_from_dict(d: dict[str, Any]) -> Reuse:
    return Reuse(
        source_id=d["source_id"],
        derived_id=d["derived_id"],
        kind=d["kind"],
        score=d["score"],
        aligned=[(span_from_dict(a), span_from_dict(b)) for a, b in d.get("aligned", [])],
    )
