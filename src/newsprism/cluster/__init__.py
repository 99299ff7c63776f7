"""Cluster stage: online story clustering and copy (reuse) detection with direction."""

from newsprism.cluster.copies import detect_reuse, sentence_spans
from newsprism.cluster.stories import StoryClusterer, salient_keys

__all__ = ["StoryClusterer", "detect_reuse", "salient_keys", "sentence_spans"]
