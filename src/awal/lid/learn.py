"""Multinomial logistic regression on hashed n-gram features, in NumPy, deterministic.

Each text is the sum of the weight rows of its features divided by the square root of
their number (longer texts speak with more confidence, not linearly more). Training is
mini-batch gradient descent with AdaGrad steps on the rows a batch touches and a small
L2 penalty, over a fixed-seed shuffle; class weights make every label count the same.
Calibration is one temperature fitted on held-out logits (:func:`fit_temperature`).

>>> texts = ["kayn bzaf dyal nas", "il y a beaucoup de gens"] * 20
>>> labels = np.array([0, 1] * 20)
>>> from awal.lid.features import Alphabet, FeatureSpec
>>> alphabet, spec = Alphabet.build(texts), FeatureSpec(orders=(1, 2, 3), bits=12)
>>> weights, bias = train(alphabet, spec, texts, labels, n_labels=2, epochs=3)
>>> feats = extract(alphabet, spec, *flat(["bzaf dyal", "beaucoup de"]))
>>> owner = np.repeat([0, 1], np.diff(feats.starts))
>>> rows = weights[feats.buckets[: feats.starts[-1]]]
>>> (np.stack([np.bincount(owner, rows[:, k]) for k in (0, 1)], axis=1) + bias).argmax(axis=1).tolist()
[0, 1]
"""

from __future__ import annotations

import numpy as np

from .features import Alphabet, FeatureSpec, extract, flat

BATCH = 512


def train(
    alphabet: Alphabet,
    spec: FeatureSpec,
    texts: list[str],
    labels: np.ndarray,
    n_labels: int,
    sample_weight: np.ndarray | None = None,
    epochs: int = 4,
    rate: float = 3.0,
    l2: float = 1e-6,
    seed: int = 13,
) -> tuple[np.ndarray, np.ndarray]:
    """Weights ``(buckets + 1, labels)`` (the last row stays zero) and biases of the model."""
    rng = np.random.default_rng(seed)
    labels = np.asarray(labels, dtype=np.int64)
    if sample_weight is None:  # every label weighs the same in total
        per_label = np.bincount(labels, minlength=n_labels).astype(np.float64)
        sample_weight = (len(labels) / (n_labels * np.maximum(per_label, 1)))[labels]
    columns = np.zeros((n_labels, spec.size + 1), dtype=np.float32)  # label-major: 1-D gathers per label
    bias = np.zeros(n_labels, dtype=np.float64)
    squares = np.full((n_labels, spec.size + 1), 1e-2, dtype=np.float32)
    bias_squares = np.full(n_labels, 1e-2)
    table = alphabet.table()
    order = np.arange(len(texts))
    for _ in range(epochs):
        rng.shuffle(order)
        for start in range(0, len(texts), BATCH):
            picked = order[start : start + BATCH]
            feats = extract(alphabet, spec, *flat([texts[i] for i in picked]), table=table)
            scale = 1.0 / np.sqrt(np.maximum(feats.counts, 1))
            owner = np.repeat(np.arange(len(picked)), np.diff(feats.starts))
            buckets = feats.buckets[: feats.starts[-1]]
            real = buckets != spec.size
            buckets, owner = buckets[real], owner[real]
            z = np.empty((len(picked), n_labels))
            for label in range(n_labels):
                z[:, label] = np.bincount(owner, weights=np.take(columns[label], buckets), minlength=len(picked))
            z = z * scale[:, None] + bias
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(picked)), labels[picked]] -= 1.0
            g = p * (sample_weight[picked] / len(picked))[:, None]
            keys = np.flatnonzero(np.bincount(buckets, minlength=spec.size + 1))
            coefficient = g * scale[:, None]
            grad = np.empty((n_labels, len(keys)))
            for label in range(n_labels):
                grad[label] = np.bincount(buckets, weights=coefficient[owner, label], minlength=spec.size + 1)[keys]
            grad += l2 * columns[:, keys]
            squares[:, keys] += (grad * grad).astype(np.float32)
            columns[:, keys] -= (rate * grad / np.sqrt(squares[:, keys])).astype(np.float32)
            gb = g.sum(axis=0)
            bias_squares += gb * gb
            bias -= rate * gb / np.sqrt(bias_squares)
    weights = np.ascontiguousarray(columns.T)
    return weights, bias


def fit_temperature(z: np.ndarray, labels: np.ndarray) -> float:
    """The temperature ``T`` minimising the log loss of ``softmax(z / T)`` (golden-section search)."""
    labels = np.asarray(labels)

    def loss(t: float) -> float:
        s = z / t
        s = s - s.max(axis=1, keepdims=True)
        return float(np.mean(np.log(np.exp(s).sum(axis=1)) - s[np.arange(len(s)), labels]))

    lo, hi = np.log(0.05), np.log(20.0)
    ratio = (np.sqrt(5) - 1) / 2
    for _ in range(60):
        a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        if loss(np.exp(a)) < loss(np.exp(b)):
            hi = b
        else:
            lo = a
    return float(np.exp((lo + hi) / 2))
