"""Language identification: grouped cross-validation of the model ``python -m awal.lid train`` builds.

One K-fold split covers every training corpus, each with its own grouping so that no
near-copy of a test text is trained on:

* FLORES-200 dev: by sentence number (the translations of one sentence share a fold);
* ``../shared/data/lid``: by source file where a label has several files (a whole source
  is held out: out-of-domain), by line for labels with one source (ary_Arab, ary_Latn,
  arq_Arab, eng_Latn);
* NArabizi: by comment (the comment and its tokens share a fold).

For each fold the model is trained on the other folds exactly as the shipped one (same
data, short windows of the training texts, weights, epochs; ``awal.lid.train``); only whole
texts are scored; scores use the temperature fitted on the out-of-fold logits of the
*other* folds, the shipped label offsets and a Darija/MSA layer fitted on the other folds'
held-out scores; tokens use a context layer learnt on the other folds' tokens. Reported: per-label precision/recall/F1 and confusions per corpus,
expected calibration error (15 bins, top label), Arabizi recall at its precision against
French/English, per-token accuracy and macro-F1 on NArabizi, and the share of French
tokens ``arabizi2ar`` leaves unchanged. Evaluation-only (never trained on): DODa Darija
sentences (CC BY-NC), the Latin side for Arabizi recall out of domain, the Arabic side
(written by the dataset's rule script, not by people) for Darija in Arabic script.

    PYTHONPATH=src python3 benchmarks/evaluate_lid.py [--folds 5] [--epochs N]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from awal.batch import TextBatch  # noqa: E402
from awal.lid.context import Context  # noqa: E402
from awal.lid.corpus import NARABIZI_TAGS, narabizi_tokens, originals  # noqa: E402
from awal.lid.keep import MARGIN, convert_darija  # noqa: E402
from awal.lid.learn import fit_temperature  # noqa: E402
from awal.lid.tokens import carried, token_labels  # noqa: E402
from awal.lid.train import LABEL_OFFSETS, calibrate, dialect_table, fold_models, folds_of, tagged_texts, token_table  # noqa: E402
from corpus import shared_dir  # noqa: E402

ARABIC_LATIN = {"ary_Latn", "arb_Latn"}


def report(title: str, truth: list[str], pred: list[str]) -> dict[str, float]:
    """Print per-label P/R/F1 and the main confusions; returns F1 per label."""
    labels = sorted(set(truth))
    print(f"\n### {title} ({len(truth)} texts, accuracy {np.mean(np.array(truth) == np.array(pred)):.4f})\n")
    print("| label | n | precision | recall | F1 |\n|---|---:|---:|---:|---:|")
    f1s = {}
    for label in labels:
        tp = sum(t == label and p == label for t, p in zip(truth, pred))
        n_pred, n_true = sum(p == label for p in pred), sum(t == label for t in truth)
        precision, recall = tp / max(n_pred, 1), tp / max(n_true, 1)
        f1s[label] = 2 * precision * recall / max(precision + recall, 1e-12)
        print(f"| {label} | {n_true} | {precision:.4f} | {recall:.4f} | {f1s[label]:.4f} |")
    confusions = Counter((t, p) for t, p in zip(truth, pred) if t != p).most_common(8)
    print("\nconfusions (true -> predicted): " + ", ".join(f"{t}->{p} {n}" for (t, p), n in confusions))
    return f1s


def ece(probabilities: np.ndarray, truth: np.ndarray, bins: int = 15) -> float:
    """Expected calibration error of the top label."""
    confidence, predicted = probabilities.max(axis=1), probabilities.argmax(axis=1)
    correct = predicted == truth
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, bins - 1)
    total = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def token_predictions(models, comments, fold_of_comment):
    """Gold and predicted labels of NArabizi tokens, and the tokens, each comment scored by the model (and context layer) that did not see it."""
    truth, pred, scored = [], [], []
    for fold, model in enumerate(models):
        picked = [(key, toks, tags) for key, toks, tags in comments if fold_of_comment[key] == fold]
        batch = TextBatch.from_strings([" ".join(toks) for _, toks, _ in picked])
        starts, _, token_offsets, label = token_labels(batch, model)
        names = model.labels + ["und"]
        label = carried(label, token_offsets, len(model.labels))  # as identify_tokens: tokens without letters take their neighbour's label
        by_start = dict(zip(starts.tolist(), label.tolist()))
        for (_, toks, tags), base in zip(picked, batch.offsets[:-1].tolist()):
            position = base
            for token, tag in zip(toks, tags):
                if tag in NARABIZI_TAGS:
                    truth.append(NARABIZI_TAGS[tag])
                    pred.append(names[by_start.get(position, len(names) - 1)])
                    scored.append(token)
                position += len(token) + 1
    return truth, pred, scored


def macro_f1(truth: list[str], pred: list[str]) -> float:
    f1 = []
    for label in set(truth):
        tp = sum(t == p == label for t, p in zip(truth, pred))
        f1.append(2 * tp / (truth.count(label) + pred.count(label)))
    return float(np.mean(f1))


def coarse(label: str) -> str:
    return "ara" if label in ARABIC_LATIN else label


def kept_french(models, comments, fold_of_comment, margin: float = MARGIN) -> None:
    """French (and English) tokens left as written, and Darija/MSA tokens converted, by the Darija-only conversion."""
    french_total, french_kept, darija_total, darija_converted, english_total, english_kept = 0, 0, 0, 0, 0, 0
    for fold, model in enumerate(models):
        picked = [(key, toks, tags) for key, toks, tags in comments if fold_of_comment[key] == fold]
        texts = [" ".join(toks) for _, toks, _ in picked]
        converted = convert_darija(texts, lambda pieces: [p.upper() for p in pieces], model, margin)  # a marker converter
        for (_, toks, tags), out in zip(picked, converted):
            for token, tag, after in zip(toks, tags, out.split(" ")):
                if tag == "fr" and any(ch.isalpha() for ch in token):
                    french_total += 1
                    french_kept += token == after
                if tag == "en" and any(ch.isalpha() for ch in token):
                    english_total += 1
                    english_kept += token == after
                if NARABIZI_TAGS.get(tag) in ARABIC_LATIN and any(ch.islower() for ch in token):
                    darija_total += 1
                    darija_converted += token != after
    print(f"French-tagged tokens left unchanged by Darija-only conversion (margin {margin:+.2f}): {french_kept}/{french_total} = {french_kept / max(french_total, 1):.4f}; "
          f"Arabic-in-Latin tokens (ar_dz, msa; with a lower-case letter) converted: {darija_converted}/{darija_total} = {darija_converted / max(darija_total, 1):.4f}; "
          f"English-tagged tokens left unchanged: {english_kept}/{english_total}")  # fmt: skip


def token_eval(models, comments, fold_of_comment, contexts) -> None:
    """Per-token labels on NArabizi with each comment scored by the model that did not see it."""
    print("\n### NArabizi tokens: context layer -> accuracy / macro-F1 (Arabic in Latin merged)\n")
    for name, layers in (("hand rule (own + 0.35 x each neighbour)", [Context.rule(len(m.labels)) for m in models]), ("learnt (shipped kind)", contexts)):
        for model, layer in zip(models, layers):
            model.state["context"] = layer
        t, p, _ = token_predictions(models, comments, fold_of_comment)
        t2, p2 = [coarse(x) for x in t], [coarse(x) for x in p]
        print(f"- {name}: {np.mean(np.array(t2) == np.array(p2)):.4f} / {macro_f1(t2, p2):.4f}")
        kept_french(models, comments, fold_of_comment)
    for margin in (-1.5, -1.25, -1.0, -0.5, 0.0, 0.5):
        kept_french(models, comments, fold_of_comment, margin)
    truth, pred, tokens = token_predictions(models, comments, fold_of_comment)
    report("NArabizi tokens with the learnt context layer (gold tokenisation, labels as tagged)", truth, pred)
    t2, p2 = [coarse(t) for t in truth], [coarse(p) for p in pred]
    f1 = report("NArabizi tokens, Arabic in Latin script merged (ar_dz + msa = ara)", t2, p2)
    print(f"\ntoken accuracy (merged) {np.mean(np.array(t2) == np.array(p2)):.4f}, macro-F1 (merged) {np.mean(list(f1.values())):.4f}")
    french = [(t, p) for t, p in zip(t2, p2) if t in ("ara", "fra_Latn")]
    print(f"ara/fra tokens only: accuracy {np.mean([t == p for t, p in french]):.4f}, macro-F1 {macro_f1(*map(list, zip(*french))):.4f}")
    lettered = np.array([any(ch.isalpha() for ch in token) for token in tokens])
    print(f"tokens with letters only ({lettered.sum()} of {len(lettered)}): accuracy {np.mean((np.array(t2) == np.array(p2))[lettered]):.4f}, "
          f"macro-F1 {macro_f1(list(np.array(t2)[lettered]), list(np.array(p2)[lettered])):.4f}")  # fmt: skip


def f1_of(truth: np.ndarray, pred: np.ndarray, label: str) -> float:
    return 2 * np.sum((truth == label) & (pred == label)) / max(np.sum(truth == label) + np.sum(pred == label), 1)


def offset_sweep(log_p: np.ndarray, names: list[str], truth: np.ndarray, is_flores: np.ndarray, is_lid: np.ndarray) -> None:
    """How an extra offset on ary_Arab or arq_Arab (over the shipped ones) moves the Darija/MSA figures."""
    print("\n### Extra offset -> FLORES ary_Arab F1 / arb_Arab F1, lid/ ary_Arab recall / precision, lid/ arb_Arab F1, lid/ arq_Arab F1\n")
    for label, extras in (("ary_Arab", (-0.25, 0.0, 0.25, 0.5)), ("arq_Arab", (0.5, 1.0))):
        for extra in extras:
            z = log_p.copy()
            z[:, names.index(label)] += extra
            pred = np.array(names)[z.argmax(axis=1)]
            lid_ary = is_lid & (truth == "ary_Arab")
            print(f"- {label} {extra:+.2f}: {f1_of(truth[is_flores], pred[is_flores], 'ary_Arab'):.4f} / {f1_of(truth[is_flores], pred[is_flores], 'arb_Arab'):.4f}, "
                  f"{np.mean(pred[lid_ary] == 'ary_Arab'):.4f} / {np.mean(truth[is_lid & (pred == 'ary_Arab')] == 'ary_Arab'):.4f}, {f1_of(truth[is_lid], pred[is_lid], 'arb_Arab'):.4f}, "
                  f"{f1_of(truth[is_lid], pred[is_lid], 'arq_Arab'):.4f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=None, help="default: as the shipped model")
    parser.add_argument("--data", type=Path, default=shared_dir() / "data")
    parser.add_argument("--fold-models", type=Path, default=None,
                        help="folder of fold models: read from it if `python -m awal.lid train --keep-folds` (or an earlier run) saved them, else saved there")  # fmt: skip
    args = parser.parse_args()
    examples = originals(args.data)  # scored; training adds the short windows of its own folds
    fold = folds_of(examples, args.folds)
    names = sorted(set(examples.labels))
    y = np.array([names.index(label) for label in examples.labels])
    models = fold_models(examples, fold, **({} if args.epochs is None else {"epochs": args.epochs}), log=sys.stderr, keep=args.fold_models)
    logits = np.zeros((len(examples), len(names)))
    for k, model in enumerate(models):
        test = np.flatnonzero(fold == k)
        z, _ = model.logits([examples.texts[i] for i in test])
        columns = [names.index(label) for label in model.labels]
        logits[np.ix_(test, columns)] = z
        logits[np.ix_(test, [j for j in range(len(names)) if j not in columns])] = -1e9
    for k in range(args.folds):  # temperature from the other folds' out-of-fold logits
        calibrate(models[k], fit_temperature(logits[fold != k], y[fold != k]))
    table = dialect_table(models, examples, fold)
    probabilities = np.zeros_like(logits)
    for k, model in enumerate(models):  # the Darija/MSA layer from the other folds' held-out scores
        model.state["dialect"] = table.fit(without=k)
        test = np.flatnonzero(fold == k)
        columns = [names.index(label) for label in model.labels]
        probabilities[np.ix_(test, columns)] = softmax(model.logits([examples.texts[i] for i in test])[0])
    predicted = np.array(names)[probabilities.argmax(axis=1)]
    groups = np.array(examples.groups)
    is_flores = np.char.startswith(groups, "flores:")
    is_narabizi = np.char.startswith(groups, "narabizi:")
    is_lid = ~is_flores & ~is_narabizi
    truth = np.array(examples.labels)
    offset_sweep(np.log(np.maximum(probabilities, 1e-300)), names, truth, is_flores, is_lid)
    print(f"# Language identification, {args.folds}-fold grouped cross-validation (label offsets {LABEL_OFFSETS})")
    report("FLORES-200 dev, grouped by sentence", truth[is_flores].tolist(), predicted[is_flores].tolist())
    print(f"\nECE (FLORES dev, 15 bins): {ece(probabilities[is_flores], y[is_flores]):.4f}; all corpora: {ece(probabilities, y):.4f}")
    report("../shared/data/lid, grouped by source file (by line for single-source labels)", truth[is_lid].tolist(), predicted[is_lid].tolist())
    arabizi_like = is_lid & np.isin(truth, ["ary_Latn", "fra_Latn", "eng_Latn"])
    hits = (predicted == "ary_Latn") & arabizi_like
    print(f"\nArabizi (lid ary_Latn) vs French/English: recall {np.sum(hits & (truth == 'ary_Latn')) / max(np.sum(truth[arabizi_like] == 'ary_Latn'), 1):.4f}, "
          f"precision {np.sum(hits & (truth == 'ary_Latn')) / max(hits.sum(), 1):.4f}; counting arb_Latn as Arabizi too: recall "
          f"{np.sum(np.isin(predicted, list(ARABIC_LATIN)) & (truth == 'ary_Latn')) / max(np.sum(truth == 'ary_Latn'), 1):.4f}")  # fmt: skip
    comments = narabizi_tokens(args.data)
    first = {key: i for i, key in reversed(list(enumerate(examples.groups)))}
    table = token_table(models, tagged_texts(args.data, examples, fold))
    contexts = [table.without(k).context() for k in range(args.folds)]  # never from the tokens it scores
    token_eval(models, comments, {key: int(fold[first[key]]) for key, _, _ in comments}, contexts)
    doda = [line.split("\t") for line in (args.data / "darija" / "doda_ongoing_dev.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    for column, expected in ((0, ("ary_Latn", "arb_Latn")), (1, ("ary_Arab",))):
        labels = Counter(models[0].identify([row[column] for row in doda]))
        print(f"\nDODa Darija sentences, {'Latin' if column == 0 else 'Arabic (rule-script)'} side (never trained on, fold-0 model): {len(doda)}; "
              f"{expected[0]} {labels[expected[0]] / len(doda):.4f}, any of {expected} {sum(labels[l] for l in expected) / len(doda):.4f}; most common: {labels.most_common(5)}")  # fmt: skip


if __name__ == "__main__":
    main()
