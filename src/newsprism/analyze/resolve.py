"""Cross-article entity resolution: one `Entity` per person, organisation or place across many analyses.

Every article-local name (the `entity` the entities component gave its mentions) becomes a node with its kind
votes and its context (token keys of the other names in the article). Nodes merge when their transliteration
keys are equal (and kinds agree, or their contexts do), when their keys are close variants (`names_match` of
at least 0.88, same kind, shared context), and a lone last name ("Putin") joins the single full name it ends.
Candidate pairs for the fuzzy step come from Jaro-Winkler over keys in blocks of the same initial sound, so
the cost stays near-linear in the number of distinct names.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cdist

from newsprism.analyze.aliases import SOUND_VARIANT, key_similarity, name_key
from newsprism.models import Analysis, Entity

log = logging.getLogger(__name__)

MIN_SHARED_CONTEXT = 1
KIND_CHANGE_CONTEXT = 2
JW_PREFILTER = 0.8
_BLOCK_ROWS = 512
_KIND_PREFERENCE = {"PLACE": 3, "ORG": 2, "PERSON": 1}
_INITIAL_CLASS = {"g": "k", "q": "k", "c": "k", "w": "v", "f": "v", "z": "s", "j": "y", "i": "y", "e": "y"}


@dataclass(slots=True)
class _Node:
    """One article-local name, or every local name sharing a transliteration key and kind."""

    key: str
    kinds: Counter = field(default_factory=Counter)
    names: Counter = field(default_factory=Counter)
    surfaces: Counter = field(default_factory=Counter)
    context: set[str] = field(default_factory=set)


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def resolve_entities(analyses: list[Analysis]) -> list[Entity]:
    """Cluster the mentions of `analyses` into entities and point mentions and quote speakers at them.

    Sets every `mention.entity` to its entity's canonical name (and `mention.kind` to the entity's kind) and
    every `quote.speaker` that names a resolved person to that person's canonical name.

    Args:
        analyses: analyses whose `mentions` the entities component filled (quotes may be filled too).
    Returns:
        The entities, most-mentioned first; `aliases` holds every surface and local name seen.

    Example:
        >>> [e.canonical for e in resolve_entities(analyses)]  # doctest: +SKIP
        ['Vladimir Putin', 'Kyiv', ...]
    """
    nodes, node_of = _build_nodes(analyses)
    if not nodes:
        return []
    groups = _UnionFind(len(nodes))
    _merge_same_keys(nodes, groups)
    _merge_variants(nodes, groups)
    _merge_short_forms(nodes, groups)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(nodes)):
        members[groups.find(i)].append(i)
    entity_of_root = {root: _entity(nodes, idx) for root, idx in members.items()}
    _apply(analyses, node_of, groups, entity_of_root, nodes)
    return sorted(entity_of_root.values(), key=lambda e: (-len(e.aliases), e.canonical))


def _local_name(mention) -> str:
    return mention.entity or mention.surface


def _build_nodes(analyses: list[Analysis]) -> tuple[list[_Node], dict[tuple[int, str], int]]:
    """One node per (article, local name) with its kind votes, surfaces and context keys."""
    nodes: list[_Node] = []
    node_of: dict[tuple[int, str], int] = {}
    for a_index, analysis in enumerate(analyses):
        local: dict[str, int] = {}
        for mention in analysis.mentions:
            name = _local_name(mention)
            if name not in local:
                key = name_key(name)
                if not key:
                    continue
                local[name] = len(nodes)
                node_of[(a_index, name)] = len(nodes)
                nodes.append(_Node(key))
            node = nodes[local[name]]
            node.kinds[mention.kind] += 1
            node.names[name] += 1
            node.surfaces[mention.surface] += 1
        tokens_of = {i: set(nodes[i].key.split()) for i in local.values()}
        for i in local.values():
            node_context = set()
            for j, toks in tokens_of.items():
                if j != i:
                    node_context |= toks
            nodes[i].context = node_context - tokens_of[i]
    return nodes, node_of


def _kind(node: _Node) -> str:
    return node.kinds.most_common(1)[0][0] if node.kinds else ""


def _merge_same_keys(nodes: list[_Node], groups: _UnionFind) -> None:
    """Equal keys merge when kinds agree, or when contexts overlap enough to overrule a typing error."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, node in enumerate(nodes):
        by_key[node.key].append(i)
    for indices in by_key.values():
        by_kind: dict[str, int] = {}
        context_of: dict[str, set[str]] = defaultdict(set)
        for i in indices:
            kind = _kind(nodes[i])
            context_of[kind] |= nodes[i].context
            if kind in by_kind:
                groups.union(by_kind[kind], i)
            else:
                by_kind[kind] = i
        kinds = sorted(by_kind)
        for a in range(len(kinds)):
            for b in range(a + 1, len(kinds)):
                if len(context_of[kinds[a]] & context_of[kinds[b]]) >= KIND_CHANGE_CONTEXT:
                    groups.union(by_kind[kinds[a]], by_kind[kinds[b]])


def _root_contexts(nodes: list[_Node], groups: _UnionFind) -> dict[int, set[str]]:
    """The union of node contexts per group root."""
    contexts: dict[int, set[str]] = defaultdict(set)
    for i, node in enumerate(nodes):
        contexts[groups.find(i)] |= node.context
    return contexts


def _merge_variants(nodes: list[_Node], groups: _UnionFind) -> None:
    """Distinct keys that are spelling variants (same kind, shared context) merge."""
    rep_of_key: dict[tuple[str, str], int] = {}
    context_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for i, node in enumerate(nodes):
        ident = (node.key, _kind(node))
        rep_of_key.setdefault(ident, i)
        context_of[ident] |= node.context
    blocks: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for ident in rep_of_key:
        key, kind = ident
        blocks[(kind, _INITIAL_CLASS.get(key[0], key[0]))].append(ident)
    for idents in blocks.values():
        if len(idents) < 2:
            continue
        keys = [k for k, _ in idents]
        for row_start in range(0, len(keys), _BLOCK_ROWS):
            rows = keys[row_start : row_start + _BLOCK_ROWS]
            scores = cdist(rows, keys, scorer=JaroWinkler.normalized_similarity, score_cutoff=JW_PREFILTER)
            for r, c in zip(*scores.nonzero(), strict=True):
                a, b = idents[row_start + int(r)], idents[int(c)]
                if a >= b or len(a[0].split()) != len(b[0].split()):
                    continue
                if key_similarity(a[0], b[0]) < SOUND_VARIANT:
                    continue
                if len(context_of[a] & context_of[b]) >= MIN_SHARED_CONTEXT:
                    groups.union(rep_of_key[a], rep_of_key[b])


def _merge_short_forms(nodes: list[_Node], groups: _UnionFind) -> None:
    """A one-word person name joins the one multi-word person name it is the last (or first) word of."""
    full_by_token: dict[str, set[int]] = defaultdict(set)
    for i, node in enumerate(nodes):
        tokens = node.key.split()
        if _kind(node) == "PERSON" and len(tokens) > 1:
            full_by_token[tokens[-1]].add(groups.find(i))
            full_by_token[tokens[0]].add(groups.find(i))
    contexts = _root_contexts(nodes, groups)
    has_full_name = {groups.find(i) for i, node in enumerate(nodes) if _kind(node) == "PERSON" and " " in node.key}
    short_roots = {groups.find(i): node.key for i, node in enumerate(nodes)
                   if _kind(node) == "PERSON" and " " not in node.key}
    for root, key in short_roots.items():
        if root in has_full_name:  # already joined a full name: joining a second would chain two people
            continue
        candidates = {groups.find(r) for r in full_by_token.get(key, ())}
        candidates.discard(root)
        if len(candidates) == 1:
            groups.union(root, candidates.pop())
        elif len(candidates) > 1:
            ranked = sorted(((len(contexts[c] & contexts[root]), c) for c in candidates), reverse=True)
            if ranked[0][0] > ranked[1][0]:
                groups.union(root, ranked[0][1])


def _entity(nodes: list[_Node], indices: list[int]) -> Entity:
    """The entity of a group of nodes: majority kind, fullest frequent name as canonical, every alias."""
    kinds: Counter = Counter()
    names: Counter = Counter()
    surfaces: Counter = Counter()
    for i in indices:
        kinds.update(nodes[i].kinds)
        names.update(nodes[i].names)
        surfaces.update(nodes[i].surfaces)
    node_kinds = Counter(_kind(nodes[i]) for i in indices)
    # a tie between articles goes to the kind the small model rarely invents (it types many places as persons)
    kind = max(node_kinds, key=lambda k: (node_kinds[k], _KIND_PREFERENCE.get(k, 0), kinds[k]))
    if kind == "PERSON":
        canonical = max(names.items(), key=lambda kv: (len(kv[0].split()) > 1, kv[1], len(kv[0])))[0]
    else:
        canonical = max(names.items(), key=lambda kv: (kv[1], len(kv[0].split()), len(kv[0])))[0]
    aliases = sorted(set(names) | set(surfaces))
    return Entity(canonical=canonical, kind=kind, aliases=aliases)


def _apply(
    analyses: list[Analysis],
    node_of: dict[tuple[int, str], int],
    groups: _UnionFind,
    entity_of_root: dict[int, Entity],
    nodes: list[_Node],
) -> None:
    """Point mentions and quote speakers at their entities' canonical names."""
    by_key: dict[str, Entity] = {}
    for i, node in enumerate(nodes):
        by_key.setdefault(node.key, entity_of_root[groups.find(i)])
    for a_index, analysis in enumerate(analyses):
        local: dict[str, Entity] = {}
        for mention in analysis.mentions:
            name = _local_name(mention)
            node_index = node_of.get((a_index, name))
            if node_index is None:
                continue
            entity = entity_of_root[groups.find(node_index)]
            local[name] = entity
            local[mention.surface] = entity
            mention.entity = entity.canonical
            mention.kind = entity.kind
        for quote in analysis.quotes:
            if quote.speaker:
                entity = _speaker_entity(quote.speaker, local, by_key)
                if entity is not None:
                    quote.speaker = entity.canonical


def _speaker_entity(speaker: str, local: dict[str, Entity], by_key: dict[str, Entity]) -> Entity | None:
    """The entity a quote's article-local speaker name refers to, if any."""
    if speaker in local:
        return local[speaker]
    key = name_key(re.sub(r"^(the|a|an)\s+", "", speaker, flags=re.IGNORECASE))
    for name, entity in local.items():
        if name_key(name) == key:
            return entity
    best, best_score = None, 0.0
    for name, entity in local.items():
        if entity.kind != "PERSON":
            continue
        score = key_similarity(key, name_key(name))
        if score > best_score:
            best, best_score = entity, score
    if best is not None and best_score >= 0.85:
        return best
    entity = by_key.get(key)
    return entity if entity is not None and entity.kind == "PERSON" else None
