"""The fine-tuned MiniLM cross-encoder inside the same-meaning judge, on invented sentence pairs."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import transformers_minilm
from newsprism.compare.paraphrase import get_judge
from newsprism.errors import ModelError
from newsprism.minilm import pack_state, unpack_state

PAIRS = [
    ("The lighthouse keeper repainted the tower in June.", "In June the tower was repainted by the lighthouse keeper."),
    ("The lighthouse keeper repainted the tower in June.", "Two goats escaped from the county fair on Sunday."),
    ("The mayor opened the new library.", "The new library was opened by the mayor on a rainy morning."),
]


def test_compact_weights_round_trip_within_one_quantization_step():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(8, 5), torch.nn.LayerNorm(5))
    packed = pack_state(model, ())
    assert packed["0.weight"]["int8"].dtype == torch.int8 and packed["0.bias"].dtype == torch.float16
    restored = unpack_state(packed)
    weight = model.state_dict()["0.weight"]
    step = weight.abs().amax(dim=1, keepdim=True) / 127
    assert torch.all((restored["0.weight"] - weight).abs() <= step / 2 + 1e-7)
    assert torch.allclose(restored["1.weight"], model.state_dict()["1.weight"], atol=1e-3)


def test_shipped_judge_blends_cross_encoder_and_trees():
    judge = get_judge()
    assert judge.cross_encoder is not None and 0 < judge.weight <= 1
    cross = judge.cross_encoder.score_pairs(PAIRS)
    trees = judge.classifier.predict_proba(judge.featurizer.transform(PAIRS))[:, 1]
    assert np.allclose(judge.score_pairs(PAIRS), judge.weight * cross + (1 - judge.weight) * trees, atol=1e-6)
    assert np.all((cross >= 0) & (cross <= 1))
    assert cross[0] > 0.5 > cross[1]


def test_cross_encoder_score_does_not_depend_on_the_batch():
    scorer = get_judge().cross_encoder
    batched = scorer.score_pairs(PAIRS)
    single = np.array([scorer.score_pairs([p])[0] for p in PAIRS])
    assert np.allclose(batched, single, atol=1e-5)
    assert scorer.score_pairs([]).shape == (0,)


def test_missing_cross_encoder_weights_are_a_model_error(tmp_path):
    from newsprism.compare.cross_encoder import CrossEncoderScorer

    with pytest.raises(ModelError, match="train_cross_encoder"):
        CrossEncoderScorer.load(tmp_path / "cross_encoder.pt")


def test_pair_encoding_and_segments_match_transformers():
    """The cross-encoder runs on plain torch and `tokenizers`; transformers is the reference it must equal."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from newsprism.compare.cross_encoder import MAX_LENGTH, encode, tokenizer
    from newsprism.minilm import minilm_layers, minilm_path

    pairs = PAIRS + [("word " * 150, "another " * 120)]       # one pair cut to MAX_LENGTH, longest side first
    ours = encode(tokenizer(), pairs)
    reference = transformers.AutoTokenizer.from_pretrained(str(minilm_path()))(
        [a for a, _ in pairs], [b for _, b in pairs], padding=True, truncation=True, max_length=MAX_LENGTH,
        return_tensors="pt")
    for key in ("input_ids", "attention_mask", "token_type_ids"):
        assert torch.equal(ours[key], reference[key])
    with torch.inference_mode():
        mine = minilm_layers(2).eval()(ours["input_ids"], ours["attention_mask"], ours["token_type_ids"])
        theirs = transformers_minilm(2).eval()(**reference).last_hidden_state
    real = ours["attention_mask"].bool()
    assert torch.allclose(mine[real], theirs[real], atol=1e-5)
