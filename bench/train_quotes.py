"""Train the quote attribution tagger on PolNeAR `train` and write it into newsprism/models_data/quotes/.

    python bench/train_quotes.py [--train DIR] [--out DIR] [--iterations N] [--c1 X] [--c2 X]

A linear-chain CRF over token features (see newsprism.analyze.attribution.features); the lexicon the features
use is learned from the same training split: cue words and how often each word / lemma is a cue, and a word class
(spaCy's fine tag) and lemma per word, from tagging the training texts once with the installed spaCy model (so no
spaCy at run time). BILOU labels, and every annotator's file of an article (train has 919 files for 840 texts);
`--no-bilou --no-all-annotators` gives the earlier BIO, first-annotator model.

`--pseudo-labelled FILE.jsonl ...` adds the `text` of every record, labelled by the artifact in `--teacher`
with its encoder (self-training: the CRF learns from the blend's labels on news with no gold).
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections import Counter
from pathlib import Path

from newsprism.analyze.attribution.features import Lexicon, paragraph_features
from newsprism.analyze.attribution.model import LEXICON_FILE, MODEL_FILE, artifact_dir
from newsprism.analyze.attribution.polnear import GoldArticle, read_split
from newsprism.analyze.attribution.quotemarks import inside_mask, quoted_regions
from newsprism.analyze.attribution.tokens import Tok, paragraphs, tokens_of_text

log = logging.getLogger("train_quotes")
ROLE_TAGS = {"Source": "SRC", "Cue": "CUE", "Content": "CON"}
DEFAULT_TRAIN = "/work/shared/data/polnear/train"


def char_roles(article: GoldArticle) -> tuple[list[str | None], list[int]]:
    """Per character: the role tag and the fragment number covering it (-1 when none)."""
    n = len(article.text)
    roles: list[str | None] = [None] * n
    frag_ids = [-1] * n
    frag_no = 0
    for role, spans in article.spans.items():
        for fragments in spans:
            for start, end in fragments:
                frag_no += 1
                for i in range(start, min(end, n)):
                    roles[i] = ROLE_TAGS[role]
                    frag_ids[i] = frag_no
    return roles, frag_ids


def token_labels(para: list[Tok], roles: list[str | None], frag_ids: list[int]) -> list[str]:
    """BIO labels of one paragraph's tokens from the character roles."""
    labels = []
    previous_frag = -1
    for tok in para:
        role, frag = None, -1
        for i in range(tok.start, tok.end):
            if roles[i] is not None:
                role, frag = roles[i], frag_ids[i]
                break
        if role is None:
            labels.append("O")
            previous_frag = -1
            continue
        labels.append(("I-" if frag == previous_frag else "B-") + role)
        previous_frag = frag
    return labels


def to_bilou(labels: list[str]) -> list[str]:
    """BIO labels rewritten as BILOU: the last token of a span is L-, a one-token span U-."""
    out = list(labels)
    for i, label in enumerate(labels):
        if label == "O":
            continue
        continues = i + 1 < len(labels) and labels[i + 1] == "I-" + label[2:]
        if not continues:
            out[i] = ("U-" if label.startswith("B-") else "L-") + label[2:]
    return out


def labelled_paragraphs(articles: list[GoldArticle]) -> list[tuple[str, list[Tok], list[str]]]:
    """(article text, paragraph tokens, gold labels) for every paragraph of every article."""
    out = []
    for article in articles:
        roles, frag_ids = char_roles(article)
        for para in paragraphs(tokens_of_text(article.text)):
            out.append((article.text, para, token_labels(para, roles, frag_ids)))
    return out


def pseudo_labelled_paragraphs(paths: list[str], teacher: str) -> list[tuple[str, list[Tok], list[str]]]:
    """(text, paragraph tokens, BILOU labels) for every paragraph of the JSONL records' texts, as the teacher
    artifact (CRF blended with its encoder) labels them."""
    from newsprism.analyze.attribution.model import load_tagger

    tagger = load_tagger(teacher, use_encoder=True)
    out = []
    for path in paths:
        for line in Path(path).read_text("utf-8").splitlines():
            text = json.loads(line).get("text") or ""
            for para in tagger.tag(text, tokens_of_text(text)):
                out.append((text, para.tokens, para.labels))
    return out


def learn_cue_words(data: list[tuple[str, list[Tok], list[str]]], min_count: int, min_ratio: float) -> list[str]:
    """Lower-cased words that are tagged as cue often enough in training."""
    total: Counter[str] = Counter()
    cue: Counter[str] = Counter()
    for _text, para, labels in data:
        for tok, label in zip(para, labels, strict=True):
            word = tok.text.lower()
            total[word] += 1
            if label.endswith("CUE") and word.isalpha():
                cue[word] += 1
    return sorted(w for w, c in cue.items() if c >= min_count and c / total[w] >= min_ratio)


def word_classes(articles: list[GoldArticle], model: str) -> tuple[dict[str, str], dict[str, str]]:
    """Most frequent fine tag and lemma of each lower-cased word seen at least twice in the training texts."""
    from newsprism.analyze.nlp import load_spacy

    nlp = load_spacy(model)
    tags: dict[str, Counter[str]] = {}
    lemmas: dict[str, Counter[str]] = {}
    texts = list(dict.fromkeys(a.text for a in articles))
    wanted = [name for name in ("tok2vec", "tagger", "attribute_ruler", "lemmatizer") if name in nlp.pipe_names]
    with nlp.select_pipes(enable=wanted):
        docs = list(nlp.pipe(texts, batch_size=16))
    for doc in docs:
        for tok in doc:
            if tok.is_space:
                continue
            word = tok.text.lower()
            tags.setdefault(word, Counter())[tok.tag_] += 1
            lemmas.setdefault(word, Counter())[tok.lemma_.lower()] += 1
    pos, lemma = {}, {}
    for word, counts in tags.items():
        if sum(counts.values()) < 2:
            continue
        pos[word] = counts.most_common(1)[0][0]
        best = lemmas[word].most_common(1)[0][0]
        if best != word:
            lemma[word] = best
    return pos, lemma


def cue_ratios(data: list[tuple[str, list[Tok], list[str]]], lemma: dict[str, str],
               min_count: int = 2) -> tuple[dict[str, float], dict[str, float]]:
    """Share of its occurrences each word (and each lemma) is tagged cue, for those tagged cue `min_count`+ times."""
    total: Counter[str] = Counter()
    cue: Counter[str] = Counter()
    for _text, para, labels in data:
        for tok, label in zip(para, labels, strict=True):
            word = tok.text.lower()
            if not word.isalpha():
                continue
            for key in (word, "L:" + lemma.get(word, word)):
                total[key] += 1
                if label.endswith("CUE"):
                    cue[key] += 1
    words = {w: round(c / total[w], 3) for w, c in cue.items() if c >= min_count and not w.startswith("L:")}
    lemmas = {w[2:]: round(c / total[w], 3) for w, c in cue.items() if c >= min_count and w.startswith("L:")}
    return words, lemmas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", default=DEFAULT_TRAIN)
    parser.add_argument("--out", default=str(artifact_dir()))
    parser.add_argument("--iterations", type=int, default=250)
    parser.add_argument("--c1", type=float, default=2.0)
    parser.add_argument("--c2", type=float, default=0.01)
    parser.add_argument("--min-freq", type=float, default=2.0)
    parser.add_argument("--spacy-model", default="en_core_web_sm", help="tags the training texts once (word classes)")
    parser.add_argument("--word-classes", help="reuse the pos/lemma maps of an earlier lexicon.json")
    parser.add_argument("--features", type=int, default=1, help="feature set version (2 adds sentence "
                        "bounds, neighbour lemmas and nearest-cue lemmas)")
    parser.add_argument("--bilou", action=argparse.BooleanOptionalAction, default=True,
                        help="BILOU labels (--no-bilou: plain BIO)")
    parser.add_argument("--all-annotators", action=argparse.BooleanOptionalAction, default=True,
                        help="every annotator's file of an article (--no-all-annotators: the first by name)")
    parser.add_argument("--pseudo-labelled", nargs="*", default=[],
                        help="JSONL files whose `text` the --teacher artifact labels for training")
    parser.add_argument("--teacher", default=str(artifact_dir()), help="artifact (with encoder.pt) that labels "
                        "the --pseudo-labelled texts")
    args = parser.parse_args()
    if args.pseudo_labelled and not args.bilou:
        parser.error("--pseudo-labelled needs BILOU labels (the teacher's)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    import pycrfsuite

    t0 = time.time()
    articles = read_split(args.train, all_annotators=args.all_annotators)
    data = labelled_paragraphs(articles)
    cue_words = learn_cue_words(data, min_count=3, min_ratio=0.15)
    if args.word_classes:
        cached = json.loads(Path(args.word_classes).read_text("utf-8"))
        pos, lemma = cached["pos"], cached["lemma"]
    else:
        pos, lemma = word_classes(articles, args.spacy_model)
    word_ratio, lemma_ratio = cue_ratios(data, lemma)
    lexicon = Lexicon(frozenset(cue_words), word_ratio, lemma_ratio, pos, lemma, args.features)
    log.info("%d paragraphs, %d cue words, %d word classes, %.0fs", len(data), len(cue_words), len(pos),
             time.time() - t0)
    trainer = pycrfsuite.Trainer(verbose=False)
    inside_by_text: dict[str, bytearray] = {}
    for text, para, labels in data:
        if text not in inside_by_text:
            inside_by_text = {text: inside_mask(len(text), quoted_regions(text))}
        features = paragraph_features(para, inside_by_text[text], lexicon)
        trainer.append(features, to_bilou(labels) if args.bilou else labels)
    trainer.set_params({
        "c1": args.c1,
        "c2": args.c2,
        "max_iterations": args.iterations,
        "feature.minfreq": args.min_freq,
        "feature.possible_transitions": True,
    })
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.pseudo_labelled:
        pseudo = pseudo_labelled_paragraphs(args.pseudo_labelled, args.teacher)
        log.info("%d pseudo-labelled paragraphs, %.0fs", len(pseudo), time.time() - t0)
        for text, para, labels in pseudo:
            if text not in inside_by_text:
                inside_by_text = {text: inside_mask(len(text), quoted_regions(text))}
            trainer.append(paragraph_features(para, inside_by_text[text], lexicon), labels)
    log.info("training CRF (%d iterations)", args.iterations)
    trainer.train(str(out / MODEL_FILE))
    (out / LEXICON_FILE).write_text(
        json.dumps({"cue_words": cue_words, "trained_on": Path(args.train).name,
                    "c1": args.c1, "c2": args.c2, "iterations": args.iterations,
                    "features": args.features, "pseudo_labelled": [Path(p).name for p in args.pseudo_labelled],
                    "cue_ratio": word_ratio, "lemma_ratio": lemma_ratio,
                    "pos": pos, "lemma": lemma},
                   indent=0, sort_keys=False) + "\n",
        "utf-8",
    )
    size = (out / MODEL_FILE).stat().st_size / 1e6
    log.info("wrote %s (%.1f MB) in %.0fs", out / MODEL_FILE, size, time.time() - t0)


if __name__ == "__main__":
    main()
