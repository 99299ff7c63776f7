"""Fine-tune the attribution encoder (the lowest MiniLM layers as a BILOU token tagger) on PolNeAR `train`.

    python bench/train_quotes_encoder.py [--train DIR] [--out DIR] [--layers 6] [--epochs 4] [--lr 2e-4]

Same labels as the CRF (`train_quotes.py`: BILOU, every annotator's file); chunks of neighbouring paragraphs
(see newsprism.analyze.attribution.encoder); cross-entropy on each word's first piece; AdamW with a linear
warm-up (6 %) and linear decay; the word-embedding table frozen (the artifact leaves it out). Writes
`encoder.pt` (Linear weights int8 with a scale per row, the rest fp16) next to the CRF; at run time the tagger
blends the two with `--weight` on the encoder's log-probabilities, in the paragraphs where the CRF is unsure
(`--gate`).
"""

from __future__ import annotations

import argparse
import logging
import math
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from finetune import optimizer_step, warmup_then_linear_decay  # noqa: E402
from newsprism.analyze.attribution.encoder import (  # noqa: E402
    ENCODER_FILE,
    Chunk,
    batch_tensors,
    build_model,
    chunks,
    word_pieces,
    wordpiece_tokenizer,
)
from newsprism.analyze.attribution.model import LABELS, artifact_dir  # noqa: E402
from newsprism.analyze.attribution.polnear import read_split  # noqa: E402
from newsprism.analyze.attribution.tokens import paragraphs, tokens_of_text  # noqa: E402
from newsprism.minilm import FROZEN_KEYS, pack_state  # noqa: E402
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
        for chunk in chunks(tok, [word_pieces(tok, [t.text for t in para]) for para in paras]):
            targets = [IGNORE] * len(chunk.ids)
            for p_index, w_index, position in chunk.slots:
                targets[position] = index[labels[p_index][w_index]]
            out.append((chunk, targets))
    return out


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
    log.info("%d chunks, %d pieces (%.0fs)", len(data), sum(len(c.ids) for c, _ in data), time.time() - t0)
    model = build_model(args.layers, len(LABELS))
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
            batch = [data[i] for i in order[start:start + args.batch]]
            ids, mask = batch_tensors([c for c, _ in batch])
            targets = torch.full(ids.shape, IGNORE, dtype=torch.long)
            for row, (_, labels) in enumerate(batch):
                targets[row, : len(labels)] = torch.tensor(labels)
            logits = model(ids, mask)
            loss = loss_fn(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))
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
                           "trained_on": Path(args.train).name}},
               out / ENCODER_FILE)
    size = (out / ENCODER_FILE).stat().st_size / 1e6
    log.info("wrote %s (%.1f MB) in %.0fs", out / ENCODER_FILE, size, time.time() - t0)


if __name__ == "__main__":
    main()
