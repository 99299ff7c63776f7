"""Fine-tune the MiniLM cross-encoder on MRPC train: k-fold held-out figures, then the shipped weights.

    nice -n 10 python bench/train_cross_encoder.py                 # 5-fold CV + final model on all pairs
    nice -n 10 python bench/train_cross_encoder.py --folds 5 --only-folds 1 2 --no-save
    nice -n 10 python bench/train_cross_encoder.py --folds 0       # final model only

Every fold trains its own model from the package's all-MiniLM-L6-v2 weights on the other folds (same
stratified folds, seed 13, as bench/train_paraphrase.py). The out-of-fold probabilities are written to
bench/out/cross_encoder_oof.npy (NaN for folds not run) so that the stacked judge can be trained on them.
Seeded (torch, numpy, data order); torch uses 2 threads.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_paraphrase as training  # noqa: E402
from finetune import optimizer_step, warmup_then_linear_decay  # noqa: E402
from newsprism.compare.cross_encoder import (  # noqa: E402
    ARTIFACT_DIR,
    WEIGHTS_FILE,
    build_model,
    encode,
    predict,
    save_packed,
    tokenizer,
)
from newsprism.minilm import FROZEN_KEYS, pack_state, unpack_state  # noqa: E402

OOF_FILE = Path(__file__).resolve().parent / "out" / "cross_encoder_oof.npy"


def train_model(pairs: list[tuple[str, str]], labels: np.ndarray, epochs: float, lr: float, batch: int,
                seed: int, freeze_layers: int = 0, log_every: int = 50):
    """Fine-tune a fresh cross-encoder on `pairs` (AdamW, linear warm-up 10% then linear decay).

    The word-embedding table is always frozen (the artifact leaves it out); `freeze_layers` > 0 also freezes
    all embeddings and the lowest transformer layers, which saves their backward pass (CPU time).
    """
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    tok = tokenizer()
    model = build_model()
    lower = tuple(f"encoder.encoder.layer.{i}." for i in range(freeze_layers))
    for name, param in model.named_parameters():
        if name in FROZEN_KEYS or (freeze_layers and name.startswith(("encoder.embeddings.", *lower))):
            param.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for n, p in model.named_parameters() if p.requires_grad and p.dim() > 1]
    no_decay = [p for n, p in model.named_parameters() if p.requires_grad and p.dim() <= 1]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=lr)
    steps_per_epoch = math.ceil(len(pairs) / batch)
    total = int(round(epochs * steps_per_epoch))
    warmup = max(1, int(0.1 * total))
    schedule = warmup_then_linear_decay(optimizer, total, warmup)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    y = torch.tensor(labels, dtype=torch.float32)
    model.train()
    step, started, running = 0, time.perf_counter(), 0.0
    while step < total:
        order = rng.permutation(len(pairs))
        for start in range(0, len(order), batch):
            if step >= total:
                break
            idx = order[start:start + batch]
            logits = model(**encode(tok, [pairs[i] for i in idx]))
            loss = loss_fn(logits, y[idx])
            optimizer_step(loss, optimizer, schedule, params)
            step += 1
            running += loss.item()
            if step % log_every == 0:
                print(f"  step {step}/{total} loss {running / log_every:.3f} "
                      f"({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
                running = 0.0
    return model.eval(), tok


def packed_copy(model):
    """A model rebuilt from the compact (int8/fp16) weights, as the runtime loads it."""
    copy = build_model()
    copy.load_state_dict(unpack_state(pack_state(model, FROZEN_KEYS)), strict=False)
    return copy.eval()


def main() -> None:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=training.DATA)
    parser.add_argument("--folds", type=int, default=5, help="0 = no CV, only the final model")
    parser.add_argument("--only-folds", type=int, nargs="*", help="run these folds (1-based) only")
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--lr", type=float, default=4e-5)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seed", type=int, default=training.SEED)
    parser.add_argument("--freeze-layers", type=int, default=0, help="freeze embeddings + this many lowest layers")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="use the first N pairs only (timing)")
    parser.add_argument("--no-save", action="store_true", help="do not train the final model on all pairs")
    parser.add_argument("--out", type=Path, default=ARTIFACT_DIR / WEIGHTS_FILE, help="final model's file")
    parser.add_argument("--fold-model-out", type=Path, help="also write each fold's model here (compact form)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    pairs, labels = training.read_mrpc(args.data)
    if args.limit:
        pairs, labels = pairs[:args.limit], labels[:args.limit]
    n = len(pairs)
    print(f"pairs: {n}; epochs {args.epochs}, lr {args.lr}, batch {args.batch}, seed {args.seed}", file=sys.stderr)

    if args.folds:
        from sklearn.model_selection import StratifiedKFold

        oof = np.load(OOF_FILE) if OOF_FILE.exists() and not args.limit else np.full(n, np.nan)
        if len(oof) != n:
            oof = np.full(n, np.nan)
        folds = StratifiedKFold(args.folds, shuffle=True, random_state=training.SEED).split(pairs, labels)
        for k, (train, test) in enumerate(folds, start=1):
            if args.only_folds and k not in args.only_folds:
                continue
            started = time.perf_counter()
            model, tok = train_model([pairs[i] for i in train], labels[train], args.epochs, args.lr, args.batch,
                                     args.seed + k, args.freeze_layers)
            held = [pairs[i] for i in test]
            small = predict(packed_copy(model), tok, held)
            check = slice(0, 64)  # the fp32 model on a sample only: the full pass doubles the evaluation time
            full = predict(model, tok, held[check])
            oof[test] = small
            if args.fold_model_out:
                save_packed(model, args.fold_model_out)
            acc, f1 = training.scores(labels[test], small >= 0.5)
            print(f"fold {k}/{args.folds}: acc {acc:.1f} F1 {f1:.1f} (compact int8/fp16 weights); fp32 vs compact "
                  f"on 64 pairs: max |diff| {np.max(np.abs(full - small[check])):.4f}, same decision "
                  f"{np.mean((full >= 0.5) == (small[check] >= 0.5)):.0%} "
                  f"({time.perf_counter() - started:.0f} s)", flush=True)
            if not args.limit:
                OOF_FILE.parent.mkdir(parents=True, exist_ok=True)
                np.save(OOF_FILE, oof)
        done = ~np.isnan(oof)
        if done.any():
            print("held-out so far ({} of {} pairs): acc {:.1f} F1 {:.1f}".format(
                done.sum(), n, *training.scores(labels[done], oof[done] >= 0.5)), flush=True)

    if args.no_save:
        return
    started = time.perf_counter()
    model, _ = train_model(pairs, labels, args.epochs, args.lr, args.batch, args.seed, args.freeze_layers)
    save_packed(model, args.out)
    print(f"final model on {n} pairs in {time.perf_counter() - started:.0f} s; "
          f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)", flush=True)


if __name__ == "__main__":
    main()
