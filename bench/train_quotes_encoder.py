"""Fine-tune the attribution encoder (the lowest MiniLM layers as a BILOU token tagger) on PolNeAR `train`.

    python bench/train_quotes_encoder.py [--train DIR] [--out DIR] [--layers 6] [--epochs 4] [--lr 2e-4]
    python bench/train_quotes_encoder.py --layers 2 --teacher encoder.pt --unlabelled news.jsonl ...  # distil

Same labels as the CRF (`train_quotes.py`: BILOU, every annotator's file); chunks of neighbouring paragraphs
(see newsprism.analyze.attribution.encoder); cross-entropy on each word's first piece; AdamW with a linear
warm-up (6 %) and linear decay; the word-embedding table frozen (the artifact leaves it out). Writes
`encoder.pt` (Linear weights int8 with a scale per row, the rest fp16) next to the CRF; at run time the tagger
blends the two with `--weight` on the encoder's log-probabilities, in the paragraphs where the CRF is unsure
(`--gate`).

With `--teacher`, a smaller student learns from a trained encoder as well as from the gold labels: it starts from
the teacher's lowest `--layers` layers and head (with `--fresh`, from MiniLM's weights as a teacher does: a
"born-again" student of the teacher's own size), and its loss adds (weight `--soft`) the cross-entropy against the
teacher's probabilities, on `train` and on the `text` of any `--unlabelled` JSONL records (no gold there).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from finetune import optimizer_step, warmup_then_linear_decay  # noqa: E402
from newsprism.analyze.attribution.encoder import (  # noqa: E402
    ENCODER_FILE,
    AttributionEncoder,
    Chunk,
    batch_tensors,
    build_model,
    paragraph_chunks,
    slot_index,
    wordpiece_tokenizer,
)
from newsprism.analyze.attribution.model import LABELS, artifact_dir  # noqa: E402
from newsprism.analyze.attribution.polnear import read_split  # noqa: E402
from newsprism.analyze.attribution.tokens import paragraphs, tokens_of_text  # noqa: E402
from newsprism.minilm import FROZEN_KEYS, pack_state, unpack_state  # noqa: E402
from train_quotes import DEFAULT_TRAIN, char_roles, to_bilou, token_labels  # noqa: E402

log = logging.getLogger("train_quotes_encoder")
IGNORE = -100


def training_chunks(train: str) -> list[tuple[Chunk, list[int]]]:
    """Every chunk of every annotated article, with the label index at each word's first piece."""
    tok = wordpiece_tokenizer()
    index = {label: i for i, label in enumerate(LABELS)}
    out = []
    for article in read_split(train, all_annotators=True):
        roles, frag_ids = char_roles(article)
        paras = paragraphs(tokens_of_text(article.text))
        labels = [to_bilou(token_labels(para, roles, frag_ids)) for para in paras]
        for chunk in paragraph_chunks(tok, paras):
            targets = [IGNORE] * len(chunk.ids)
            for p_index, w_index, position in chunk.slots:
                targets[position] = index[labels[p_index][w_index]]
            out.append((chunk, targets))
    return out


def unlabelled_chunks(paths: list[str]) -> list[tuple[Chunk, list[int]]]:
    """Every chunk of the `text` of every record of JSONL files, with no gold label anywhere."""
    tok = wordpiece_tokenizer()
    out = []
    for path in paths:
        for line in Path(path).read_text("utf-8").splitlines():
            paras = paragraphs(tokens_of_text(json.loads(line).get("text") or ""))
            for chunk in paragraph_chunks(tok, paras):
                out.append((chunk, [IGNORE] * len(chunk.ids)))
    return out


def teacher_probabilities(teacher: Path, data: list[tuple[Chunk, list[int]]], batch: int = 16) -> list[Any]:
    """The teacher's label probabilities (float16, slots x labels) for each chunk; one pass per distinct chunk
    (every annotator's copy of an article has the same chunks)."""
    import torch

    model = AttributionEncoder.load(teacher).model
    distinct = list({tuple(chunk.ids): chunk for chunk, _ in data}.values())
    found: dict[tuple[int, ...], Any] = {}
    with torch.inference_mode():
        for start in range(0, len(distinct), batch):
            group = distinct[start:start + batch]
            probs = torch.softmax(model(*batch_tensors(group)).float(), dim=-1)[slot_index(group)].half()
            for chunk, words in zip(group, probs.split([len(c.slots) for c in group]), strict=True):
                found[tuple(chunk.ids)] = words
    return [found[tuple(chunk.ids)] for chunk, _ in data]


def student_of(teacher: Path, layers: int) -> Any:
    """A `layers`-layer encoder holding the teacher's embeddings, head and lowest `layers` layers."""
    import torch

    saved = torch.load(teacher, map_location="cpu", weights_only=True)
    if layers > int(saved["layers"]):
        raise SystemExit(f"{teacher} has {saved['layers']} layers, fewer than the student's {layers}")
    state = {k: v for k, v in unpack_state(saved["state"]).items()
             if not (k.startswith("encoder.encoder.layer.") and int(k.split(".")[3]) >= layers)}
    model = build_model(layers, len(LABELS))
    missing, unexpected = model.load_state_dict(state, strict=False)
    if [k for k in missing if k not in FROZEN_KEYS] or unexpected:
        raise SystemExit(f"{teacher} does not fit a {layers}-layer student: missing {missing}, extra {unexpected}")
    return model


def soft_loss(logits: Any, batch: list[Chunk], probs: list[Any]) -> Any:
    """Mean cross-entropy of the logits at each chunk's slots against the teacher's probabilities there."""
    import torch

    target = torch.cat(probs).float()
    return -(target * torch.log_softmax(logits[slot_index(batch)], dim=-1)).sum(-1).mean()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", default=DEFAULT_TRAIN)
    parser.add_argument("--out", default=str(artifact_dir()))
    parser.add_argument("--layers", type=int, default=6, help="lowest MiniLM layers kept (int8 on 2 cores: ~12k "
                        "pieces/s at all 6, ~23k at 3)")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--weight", type=float, default=0.7, help="weight of the encoder against the CRF")
    parser.add_argument("--gate", type=float, default=1.0, help="the encoder reads a paragraph only when the CRF's "
                        "least sure label there has a marginal below this (1.0: every paragraph)")
    parser.add_argument("--teacher", help="a trained encoder.pt to distil into this (smaller) one")
    parser.add_argument("--unlabelled", nargs="*", default=[], help="JSONL files whose `text` the teacher labels")
    parser.add_argument("--soft", type=float, default=0.5, help="weight of the teacher's probabilities in the "
                        "loss on labelled text (unlabelled text has only them)")
    parser.add_argument("--fresh", action="store_true", help="the student starts from MiniLM's weights, not the "
                        "teacher's")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    import torch

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    t0 = time.time()
    data = training_chunks(args.train)
    data += unlabelled_chunks(args.unlabelled)
    log.info("%d chunks, %d pieces (%.0fs)", len(data), sum(len(c.ids) for c, _ in data), time.time() - t0)
    soft = teacher_probabilities(Path(args.teacher), data) if args.teacher else None
    if soft is not None:
        log.info("teacher probabilities (%.0fs)", time.time() - t0)
    fresh = args.fresh or not args.teacher
    model = build_model(args.layers, len(LABELS)) if fresh else student_of(Path(args.teacher), args.layers)
    for name, param in model.named_parameters():
        param.requires_grad_(name not in FROZEN_KEYS)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    total = args.epochs * math.ceil(len(data) / args.batch)
    warmup = max(1, int(0.06 * total))
    schedule = warmup_then_linear_decay(optimizer, total, warmup)
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=IGNORE)
    step, running = 0, 0.0
    model.train()
    for epoch in range(args.epochs):
        order = list(range(len(data)))
        rng.shuffle(order)
        for start in range(0, len(order), args.batch):
            chosen = order[start:start + args.batch]
            batch = [data[i][0] for i in chosen]
            ids, mask = batch_tensors(batch)
            targets = torch.full(ids.shape, IGNORE, dtype=torch.long)
            for row, i in enumerate(chosen):
                targets[row, : len(data[i][1])] = torch.tensor(data[i][1])
            logits = model(ids, mask)
            loss = loss_fn(logits.reshape(-1, logits.size(-1)), targets.reshape(-1)) if (targets != IGNORE).any() \
                else logits.new_zeros(())
            if soft is not None:
                loss = (1 - args.soft) * loss + args.soft * soft_loss(logits, batch, [soft[i] for i in chosen])
            optimizer_step(loss, optimizer, schedule, params)
            step += 1
            running += loss.item()
            if step % 50 == 0:
                log.info("epoch %d step %d/%d loss %.4f", epoch + 1, step, total, running / 50)
                running = 0.0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.save({"layers": args.layers, "labels": list(LABELS), "weight": args.weight, "gate": args.gate,
                "state": pack_state(model.eval(), FROZEN_KEYS),
                "recipe": {"epochs": args.epochs, "lr": args.lr, "batch": args.batch, "seed": args.seed,
                           "trained_on": Path(args.train).name, "soft": args.soft,
                           "teacher": args.teacher and Path(args.teacher).name, "fresh": args.fresh,
                           "unlabelled": [Path(u).name for u in args.unlabelled]}},
               out / ENCODER_FILE)
    size = (out / ENCODER_FILE).stat().st_size / 1e6
    log.info("wrote %s (%.1f MB) in %.0fs", out / ENCODER_FILE, size, time.time() - t0)


if __name__ == "__main__":
    main()
