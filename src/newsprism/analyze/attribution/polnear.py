"""Reader for PolNeAR-format splits (text/*.txt + attributions/*.ann, brat standoff), for training and scoring.

An article may carry several annotators' .ann files; we use the first by file name, consistently.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from newsprism.errors import InputError

log = logging.getLogger(__name__)

ROLES = ("Source", "Cue", "Content")


@dataclass(slots=True)
class GoldArticle:
    """One article's text and its gold attribution spans by role (each a list of (start, end) fragments)."""

    name: str
    text: str
    spans: dict[str, list[list[tuple[int, int]]]] = field(default_factory=dict)


def _parse_fragments(offsets: str) -> list[tuple[int, int]]:
    """'s e;s e' -> [(s, e), ...]."""
    frags = []
    for part in offsets.split(";"):
        start, end = part.split()
        frags.append((int(start), int(end)))
    return frags


def read_ann(path: Path) -> dict[str, list[list[tuple[int, int]]]]:
    """Source, Cue and Content text-bound annotations of one .ann file."""
    spans: dict[str, list[list[tuple[int, int]]]] = {role: [] for role in ROLES}
    for line in path.read_text("utf-8").splitlines():
        if not line.startswith("T"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        role, _, offsets = parts[1].partition(" ")
        if role in spans:
            spans[role].append(_parse_fragments(offsets))
    return spans


def read_split(split: str | Path, all_annotators: bool = False) -> list[GoldArticle]:
    """Every article of a split directory that has a text and at least one annotation file.

    By default one annotation per article (the first file by name); `all_annotators` gives one `GoldArticle`
    per annotation file (more training data where several people annotated the same text).
    """
    root = Path(split)
    text_dir, ann_dir = root / "text", root / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise InputError(f"{root}: not a PolNeAR split (needs text/ and attributions/)")
    anns: dict[str, list[Path]] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        stem, _, _annotator = ann.stem.rpartition("_")
        anns.setdefault(stem, []).append(ann)
    articles = []
    for txt in sorted(text_dir.glob("*.txt")):
        if txt.stem not in anns:
            log.warning("%s: no annotation file, skipped", txt)
            continue
        text = txt.read_bytes().decode("utf-8")
        chosen = anns[txt.stem] if all_annotators else anns[txt.stem][:1]
        articles.extend(GoldArticle(txt.stem, text, read_ann(ann)) for ann in chosen)
    return articles
