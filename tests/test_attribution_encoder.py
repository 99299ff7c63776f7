"""The attribution encoder and its blend with the CRF: chunking, BILOU decoding, loading, on invented text."""

from __future__ import annotations

import itertools
import shutil

import numpy as np
import pytest

from conftest import transformers_minilm
from newsprism.analyze.attribution.encoder import (
    ENCODER_FILE,
    MAX_PIECES,
    chunks,
    word_pieces,
    wordpiece_tokenizer,
)
from newsprism.analyze.attribution.model import (
    LABELS,
    AttributionTagger,
    artifact_dir,
    bilou_viterbi,
    load_tagger,
)
from newsprism.analyze.attribution.tokens import paragraphs, tokens_of_text
from newsprism.analyze.quotes import find_quotes
from newsprism.errors import ModelError
from newsprism.minilm import minilm_layers
from newsprism.settings import load_settings

TEXT = (
    "“The ferry will run again on Friday,” the harbour master, Ines Moreau, told reporters.\n\n"
    "She said the repairs had cost less than expected, according to the port's own figures.\n\n"
    + " ".join(["The gulls circled the empty quay while the crews painted the hull once more."] * 30)
)


def valid_bilou(labels: list[str]) -> bool:
    """Every span opens with B (or is a U) and closes with L, one role per span."""
    open_role = None
    for label in labels:
        tag, role = (label, None) if label == "O" else label.split("-")
        if open_role is None and tag not in ("O", "B", "U") or open_role is not None and (
                tag not in ("I", "L") or role != open_role):
            return False
        open_role = role if tag in ("B", "I") else None
    return open_role is None


def test_viterbi_finds_the_best_valid_sequence():
    rng = np.random.default_rng(3)
    for _ in range(5):
        scores = rng.normal(size=(3, len(LABELS)))
        best = max((seq for seq in itertools.product(range(len(LABELS)), repeat=3)
                    if valid_bilou([LABELS[j] for j in seq])),
                   key=lambda seq: sum(scores[i, j] for i, j in enumerate(seq)))
        assert bilou_viterbi(scores).tolist() == list(best)
    assert len(bilou_viterbi(np.zeros((0, len(LABELS))))) == 0


def test_viterbi_never_returns_a_broken_span():
    rng = np.random.default_rng(4)
    scores = rng.normal(size=(200, len(LABELS))) * 5
    scores[:, LABELS.index("I-CON")] += 4  # the unconstrained choice would be a run of I- with no B-
    assert valid_bilou([LABELS[j] for j in bilou_viterbi(scores)])


def test_chunks_hold_every_word_once_within_the_length_limit():
    tok = wordpiece_tokenizer()
    paras = paragraphs(tokens_of_text(TEXT))
    pieces = [word_pieces(tok, [t.text for t in para]) for para in paras]
    batch = chunks(tok, pieces)
    assert len(batch) > 1  # the long last paragraph is cut between words
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    seen = []
    for chunk in batch:
        assert len(chunk.ids) <= MAX_PIECES and chunk.ids[0] == cls and chunk.ids[-1] == sep
        for p_index, w_index, position in chunk.slots:
            assert chunk.ids[position] == pieces[p_index][w_index][0]
            seen.append((p_index, w_index))
    assert seen == [(p, w) for p, para in enumerate(paras) for w in range(len(para))]


def test_shipped_tagger_blends_encoder_and_crf():
    shipped = load_tagger(None, True)
    assert shipped.encoder is not None and 0 < shipped.encoder.weight < 1 and 0 < shipped.encoder.gate <= 1
    tagger = AttributionTagger(artifact_dir(), use_encoder=True)  # a copy whose gate this test may change
    tagger.encoder.gate = 1.01  # every paragraph through the blend
    tokens = tokens_of_text(TEXT)
    tagged = tagger.tag(TEXT, tokens)
    probs = tagger.encoder.probabilities(paragraphs(tokens))
    assert probs.shape == (sum(len(t.tokens) for t in tagged), len(LABELS))
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-4)
    for para in tagged:
        assert valid_bilou(para.labels) and all(0 < c <= 1 for c in para.confidence)
    first = dict(zip((t.text for t in tagged[0].tokens), tagged[0].labels, strict=True))
    assert first["told"].endswith("CUE") and first["ferry"].endswith("CON")
    # one article's labels do not depend on what was tagged before it
    again = tagger.tag(TEXT, tokens)
    assert [p.labels for p in again] == [p.labels for p in tagged]


def test_encoder_in_bfloat16_gives_the_float32_probabilities():
    """bfloat16 (where the CPU has it) must not move the labels the way int8 quantization did."""
    tagger = AttributionTagger(artifact_dir(), use_encoder=True)
    words = paragraphs(tokens_of_text(TEXT))
    tagger.encoder.bf16 = False
    full = tagger.encoder.probabilities(words)
    tagger.encoder.bf16 = True
    fast = tagger.encoder.probabilities(words)
    assert np.abs(full - fast).max() < 0.05
    assert (full.argmax(axis=1) == fast.argmax(axis=1)).mean() > 0.99


def test_encoder_relabels_only_where_the_crf_is_unsure():
    text = ("Local fishermen have long argued that the quota is unfair, and several of them told the radio station "
            "they would protest.")
    tokens = tokens_of_text(text)
    crf_alone = [p.labels for p in load_tagger().tag(text, tokens)]
    tagger = AttributionTagger(artifact_dir(), use_encoder=True)
    tagger.encoder.gate = 0.0  # the CRF counts as sure everywhere: its labels stand
    assert [p.labels for p in tagger.tag(text, tokens)] == crf_alone
    tagger.encoder.gate = 1.01  # every paragraph through the blend: it finds the second attribution
    blended = dict(zip((t.text for t in tokens), tagger.tag(text, tokens)[0].labels, strict=True))
    crf = dict(zip((t.text for t in tokens), crf_alone[0], strict=True))
    assert blended["told"].endswith("CUE") and not crf["told"].endswith("CUE")


def test_encoder_is_off_by_default_and_a_setting_turns_it_on():
    assert load_tagger().encoder is None
    on = load_settings()
    on.analyze.quote_encoder = True
    plain, blended = find_quotes(TEXT), find_quotes(TEXT, on)
    assert load_tagger(None, True).encoder is not None
    speakers = {q.speaker for q in blended}
    assert "Ines Moreau" in speakers and {q.speaker for q in plain} >= {"Ines Moreau"}


def test_artifact_without_encoder_tags_with_the_crf_alone(tmp_path):
    for name in ("attribution.crfsuite", "lexicon.json"):
        shutil.copy(artifact_dir() / name, tmp_path / name)
    tagger = AttributionTagger(tmp_path, use_encoder=True)
    assert tagger.encoder is None
    tagged = tagger.tag(TEXT, tokens_of_text(TEXT))
    assert any(label.endswith("CUE") for label in tagged[0].labels)


def test_corrupt_encoder_is_a_model_error_naming_the_file(tmp_path):
    for name in ("attribution.crfsuite", "lexicon.json"):
        shutil.copy(artifact_dir() / name, tmp_path / name)
    (tmp_path / ENCODER_FILE).write_bytes(b"not a model")
    with pytest.raises(ModelError, match=ENCODER_FILE):
        AttributionTagger(tmp_path, use_encoder=True)


def test_truncated_minilm_keeps_the_lowest_layers():
    assert len(minilm_layers(2).encoder.layer) == 2 and len(minilm_layers().encoder.layer) == 6


def test_plain_torch_layers_compute_what_transformers_computes():
    torch = pytest.importorskip("torch")
    ours, reference = minilm_layers(2).eval(), transformers_minilm(2).eval()
    tok = wordpiece_tokenizer()
    rows = [tok.encode("The pier closes at dusk, the warden said.").ids, tok.encode("Rain again.").ids]
    ids = torch.zeros(2, len(rows[0]), dtype=torch.long)
    mask = torch.zeros_like(ids)
    for r, row in enumerate(rows):
        ids[r, : len(row)] = torch.tensor(row)
        mask[r, : len(row)] = 1
    with torch.inference_mode():
        mine = ours(ids, mask)
        theirs = reference(input_ids=ids, attention_mask=mask).last_hidden_state
    real = mask.bool()
    assert torch.allclose(mine[real], theirs[real], atol=1e-5)
