"""Language identification: grouped cross-validation of the model ``python -m awal.lid train`` builds.

One K-fold split covers every training corpus, each with its own grouping so that no
near-copy of a test text is trained on:

* FLORES-200 dev: by sentence number (the translations of one sentence share a fold);
* ``../shared/data/lid``: by source file where a label has several files (a whole source
  is held out: out-of-domain), by line for labels with one source (ary_Arab, ary_Latn,
  arq_Arab, eng_Latn);
* NArabizi: by comment (the comment and its tokens share a fold).

For each fold the model is trained on the other folds exactly as the shipped one (same
data, short windows of the training texts, weights, epochs); only whole texts are scored; scores use the temperature fitted on the out-of-fold logits of
the *other* folds. Reported: per-label precision/recall/F1 and confusions per corpus,
expected calibration error (15 bins, top label), Arabizi recall at its precision against
French/English, per-token accuracy and macro-F1 on NArabizi, and the share of French
tokens ``arabizi2ar`` leaves unchanged. Evaluation-only (never trained on): DODa Latin
Darija sentences (CC BY-NC) for Arabizi recall out of domain.

    PYTHONPATH=src python3 benchmarks/evaluate_lid.py [--folds 5] [--epochs 3]
"""

from __future__ import annotations

import argparse
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from awal.lid.corpus import NARABIZI_TAGS, Examples, narabizi_tokens, originals, with_windows  # noqa: E402
from awal.lid.keep import convert_darija  # noqa: E402
from awal.lid.learn import fit_temperature  # noqa: E402
from awal.lid.model import Identifier  # noqa: E402
from awal.lid.tokens import NEIGHBOUR_WEIGHT, SENTENCE_WEIGHT, token_labels  # noqa: E402
from awal.lid.train import sample_weights, subset  # noqa: E402
from awal.batch import TextBatch  # noqa: E402

ARABIC_LATIN = {"ary_Latn", "arb_Latn"}


def folds_of(examples: Examples, folds: int) -> np.ndarray:
    """The fold of every example (see module doc)."""
    files_of: dict[str, list[str]] = {}
    for group, label in zip(examples.groups, examples.labels):
        if ":" not in group and group not in files_of.setdefault(label, []):
            files_of[label].append(group)
    file_fold = {f: i % folds for files in files_of.values() if len(files) > 1 for i, f in enumerate(sorted(files))}
    out = np.empty(len(examples), dtype=np.int64)
    for i, group in enumerate(examples.groups):
        if group.startswith("flores:"):
            out[i] = int(group.split(":")[1]) % folds
        elif group in file_fold:
            out[i] = file_fold[group]
        else:
            key = group if ":" in group else f"{group}#{i}"
            out[i] = zlib.crc32(key.encode()) % folds
    return out


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


CONTEXT_WEIGHTS = [(0.0, 0.0), (0.1, 0.1), (0.2, 0.2), (0.3, 0.3), (0.5, 0.3), (0.3, 0.5)]


def token_predictions(models: list[Identifier], comments, fold_of_comment, weights: tuple[float, float]):
    """Gold and predicted labels of NArabizi tokens, each comment scored by the model that did not see it."""
    truth, pred = [], []
    for fold, model in enumerate(models):
        picked = [(key, toks, tags) for key, toks, tags in comments if fold_of_comment[key] == fold]
        batch = TextBatch.from_strings([" ".join(toks) for _, toks, _ in picked])
        starts, _, _, label = token_labels(batch, model, *weights)
        names = model.labels + ["und"]
        by_start = dict(zip(starts.tolist(), label.tolist()))
        for (_, toks, tags), base in zip(picked, batch.offsets[:-1].tolist()):
            position = base
            for token, tag in zip(toks, tags):
                if tag in NARABIZI_TAGS:
                    truth.append(NARABIZI_TAGS[tag])
                    pred.append(names[by_start.get(position, len(names) - 1)])
                position += len(token) + 1
    return truth, pred


def macro_f1(truth: list[str], pred: list[str]) -> float:
    f1 = []
    for label in set(truth):
        tp = sum(t == p == label for t, p in zip(truth, pred))
        f1.append(2 * tp / (truth.count(label) + pred.count(label)))
    return float(np.mean(f1))


def token_eval(models: list[Identifier], comments, fold_of_comment) -> None:
    """Per-token labels on NArabizi with each comment scored by the model that did not see it."""
    print("\n### NArabizi tokens: context weights (sentence, neighbours) -> accuracy / macro-F1 (Arabic in Latin merged)\n")
    coarse = lambda label: "ara" if label in ARABIC_LATIN else label  # noqa: E731
    for weights in CONTEXT_WEIGHTS:
        t, p = token_predictions(models, comments, fold_of_comment, weights)
        t2, p2 = [coarse(x) for x in t], [coarse(x) for x in p]
        print(f"- {weights}: {np.mean(np.array(t2) == np.array(p2)):.4f} / {macro_f1(t2, p2):.4f}")
    truth, pred = token_predictions(models, comments, fold_of_comment, (SENTENCE_WEIGHT, NEIGHBOUR_WEIGHT))
    french_total, french_kept = 0, 0
    for fold, model in enumerate(models):
        picked = [(key, toks, tags) for key, toks, tags in comments if fold_of_comment[key] == fold]
        texts = [" ".join(toks) for _, toks, _ in picked]
        converted = convert_darija(texts, lambda pieces: [p.upper() for p in pieces], model)  # a marker converter
        for (_, toks, tags), out in zip(picked, converted):
            for token, tag in zip(toks, tags):
                if tag == "fr" and any(ch.isalpha() for ch in token):
                    french_total += 1
            out_tokens = out.split(" ")
            for token, tag, after in zip(toks, tags, out_tokens):
                if tag == "fr" and any(ch.isalpha() for ch in token):
                    french_kept += token == after
    report(f"NArabizi tokens with the shipped context weights {(SENTENCE_WEIGHT, NEIGHBOUR_WEIGHT)} (gold tokenisation, labels as tagged)", truth, pred)
    t2, p2 = [coarse(t) for t in truth], [coarse(p) for p in pred]
    f1 = report("NArabizi tokens, Arabic in Latin script merged (ar_dz + msa = ara)", t2, p2)
    print(f"\ntoken accuracy (merged) {np.mean(np.array(t2) == np.array(p2)):.4f}, macro-F1 (merged) {np.mean(list(f1.values())):.4f}")
    print(f"French-tagged tokens left unchanged by Darija-only conversion: {french_kept}/{french_total} = {french_kept / max(french_total, 1):.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    examples = originals(args.data)  # scored; training adds the short windows of its own folds
    fold = folds_of(examples, args.folds)
    names = sorted(set(examples.labels))
    y = np.array([names.index(label) for label in examples.labels])
    logits = np.zeros((len(examples), len(names)))
    models = []
    started = time.time()
    for k in range(args.folds):
        train = with_windows(subset(examples, fold != k))
        model = Identifier().fit(train.texts, train.labels, sample_weight=sample_weights(train), epochs=args.epochs)
        test = np.flatnonzero(fold == k)
        z, _ = model.logits([examples.texts[i] for i in test])
        columns = [names.index(label) for label in model.labels]
        logits[np.ix_(test, columns)] = z
        logits[np.ix_(test, [j for j in range(len(names)) if j not in columns])] = -1e9
        models.append(model)
        print(f"fold {k}: trained on {len(train)} texts, {time.time() - started:.0f} s", file=sys.stderr)
    probabilities = np.zeros_like(logits)
    for k in range(args.folds):  # temperature from the other folds' out-of-fold logits
        other, this = fold != k, fold == k
        t = fit_temperature(logits[other], y[other])
        probabilities[this] = softmax(logits[this] / t)
        models[k].state["temperature"] = t
    predicted = np.array(names)[probabilities.argmax(axis=1)]
    groups = np.array(examples.groups)
    is_flores = np.char.startswith(groups, "flores:")
    is_narabizi = np.char.startswith(groups, "narabizi:")
    is_lid = ~is_flores & ~is_narabizi
    print(f"# Language identification, {args.folds}-fold grouped cross-validation ({args.epochs} epochs)")
    truth = np.array(examples.labels)
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
    token_eval(models, comments, {key: int(fold[first[key]]) for key, _, _ in comments})
    doda = [line.split("\t")[0] for line in (args.data / "darija" / "doda_ongoing_dev.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    labels = Counter(models[0].identify(doda))
    print(f"\nDODa Latin Darija sentences (never trained on, fold-0 model): {len(doda)}; ary_Latn {labels['ary_Latn'] / len(doda):.4f}, "
          f"any Arabic in Latin script {sum(labels[l] for l in ARABIC_LATIN) / len(doda):.4f}; most common: {labels.most_common(5)}")  # fmt: skip


if __name__ == "__main__":
    main()
