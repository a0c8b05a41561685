"""Darija or MSA: a second look at how a pair of labels shares its probability.

A linear model over a whole sentence weighs all its words alike, so a Darija sentence made
mostly of MSA vocabulary (news, science: FLORES-style text) goes to MSA although one of its
words (كتأثر، اللي، مكتشافش) could only be Darija. The layer reads two numbers per text: the
difference of the pair's calibrated log-scores, and the *peak*: the largest difference of
one of its words scored alone (its summed n-gram weights over the square root of their
number); and how many of its words are Darija function words, Darija verb forms and MSA
function words (:mod:`awal.lid.markers`, each as ``log(1 + count)``). A logistic on them
splits the pair's probability mass in the texts whose best label is one of the pair; every
other label keeps its probability, and texts the base model puts elsewhere keep all their scores
(a Latin or Tifinagh text's Darija-vs-MSA split means nothing, and the token context layer reads it). It is fitted on held-out scores (the cross-validation folds of
:mod:`awal.lid.train`), never on the texts it scores.

>>> layer = Dialect(0, 1, np.array([1.0, 0.5, 0.0, 0.0, 0.0]), -1.0)
>>> z = np.log(np.array([[0.3, 0.6, 0.1]]))
>>> p = np.exp(layer.apply(z, np.array([[8.0, 0, 0, 0]])))
>>> np.round(p, 3).tolist()  # one strongly Darija word: the pair's 0.9 goes mostly to the first label
[[0.818, 0.082, 0.1]]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..lazy import lazy

FEATURES = ("score difference", "peak word difference", "Darija words", "Darija verb forms", "MSA words")
EVIDENCE = 4  # numbers per text besides the scores: the peak and the count of each kind of marker word (markers.KINDS)


def features(z: np.ndarray, evidence: np.ndarray, first: int, second: int) -> np.ndarray:
    """The layer's :data:`FEATURES` per text: ``z[:, first] - z[:, second]``, the peak
    (``evidence[:, 0]``) and ``log(1 + count)`` of each kind of marker word (``evidence[:, 1:]``)."""
    return np.column_stack([z[:, first] - z[:, second], evidence[:, 0], np.log1p(evidence[:, 1:])])


def in_pair(z: np.ndarray, first: int, second: int) -> np.ndarray:
    """The rows of log-scores ``z`` (texts, labels) whose best label (the first largest) is ``first`` or
    ``second``, ascending: the texts the layer reads and changes.

    >>> in_pair(np.array([[0.0, 1.0, 2.0], [3.0, 1.0, 0.0], [1.0, 1.0, 0.0]]), 0, 1).tolist()
    [1, 2]
    """
    top = z.argmax(axis=1) if len(z) else np.zeros(0, dtype=np.int64)
    return np.flatnonzero((top == first) | (top == second))


def logaddexp(a: float, b: float) -> float:
    """``numpy.logaddexp`` of two Python floats.

    >>> logaddexp(0.0, 0.0) == math.log(2.0), round(logaddexp(-1000.0, 0.0), 12)
    (True, 0.0)
    """
    if a == b:
        return a + math.log(2.0)
    return max(a, b) + math.log1p(math.exp(-abs(a - b)))


@dataclass(frozen=True)
class Dialect:
    """The layer for the labels of index ``first`` (e.g. ``ary_Arab``) and ``second`` (``arb_Arab``)."""

    first: int
    second: int
    weights: np.ndarray  # over FEATURES
    bias: float

    @lazy
    def floats(self) -> list[float]:
        """:attr:`weights` as Python floats (for :meth:`apply_one`)."""
        return self.weights.tolist()

    def features(self, z: np.ndarray, evidence: np.ndarray) -> np.ndarray:
        return features(z, evidence, self.first, self.second)

    def apply(self, z: np.ndarray, evidence: np.ndarray) -> np.ndarray:
        """Log-scores ``z`` (texts, labels) with the pair's mass split by the layer (``evidence``: :data:`EVIDENCE`
        per text) in the texts whose best label (``z``'s first largest) is one of the pair: the texts it is fitted
        on (:meth:`awal.lid.train.DialectTable.fit`); the others keep their scores."""
        inside = in_pair(z, self.first, self.second)
        if not len(inside):
            return z
        z_in = z[inside]
        odds = self.features(z_in, evidence[inside]) @ self.weights + self.bias
        mass = np.logaddexp(z_in[:, self.first], z_in[:, self.second])
        out = z.copy()
        out[inside, self.first] = mass - np.logaddexp(0.0, -odds)
        out[inside, self.second] = mass - np.logaddexp(0.0, odds)
        return out

    def apply_one(self, z: list[float], evidence: list[float]) -> list[float]:
        """:meth:`apply` on the log-scores of one text, in plain Python floats (no NumPy call:
        :mod:`awal.lid.one` scores one short text this way).

        >>> layer = Dialect(0, 1, np.array([1.0, 0.5, 0.0, 0.0, 0.0]), -1.0)
        >>> [round(math.exp(v), 3) for v in layer.apply_one([math.log(0.3), math.log(0.6), math.log(0.1)], [8.0, 0, 0, 0])]
        [0.818, 0.082, 0.1]
        >>> [round(math.exp(v), 3) for v in layer.apply_one([math.log(0.2), math.log(0.1), math.log(0.7)], [8.0, 0, 0, 0])]  # not in the pair
        [0.2, 0.1, 0.7]
        """
        first, second = self.first, self.second
        top = z.index(max(z))
        if top != first and top != second:
            return z
        difference, weight, *counted = self.floats
        odds = (z[first] - z[second]) * difference + evidence[0] * weight + self.bias
        for count, factor in zip(evidence[1:], counted):
            if count:
                odds += math.log1p(count) * factor
        mass = logaddexp(z[first], z[second])
        out = list(z)
        out[first] = mass - logaddexp(0.0, -odds)
        out[second] = mass - logaddexp(0.0, odds)
        return out

    @classmethod
    def fit(cls, first: int, second: int, z: np.ndarray, evidence: np.ndarray, is_first: np.ndarray,
            sample_weight: np.ndarray, l2: float = 1e-3, steps: int = 50) -> "Dialect":  # fmt: skip
        """The weighted logistic regression of ``is_first`` on the features (Newton steps from 0,
        ``l2`` on the weights): texts of the two labels, held out from the models that scored them."""
        x = np.column_stack([features(z, evidence, first, second), np.ones(len(z))])
        w = np.asarray(sample_weight, dtype=np.float64) / np.sum(sample_weight)
        t = np.asarray(is_first, dtype=np.float64)
        beta = np.zeros(x.shape[1])
        penalty = np.diag([l2] * (x.shape[1] - 1) + [0.0])
        for _ in range(steps):
            p = 1.0 / (1.0 + np.exp(-(x @ beta)))
            gradient = x.T @ (w * (p - t)) + penalty @ beta
            hessian = (x * (w * p * (1 - p))[:, None]).T @ x + penalty
            step = np.linalg.solve(hessian, gradient)
            beta -= step
            if np.abs(step).max() < 1e-10:
                break
        return cls(first, second, beta[:-1], float(beta[-1]))

    def to_json(self, labels: list[str]) -> dict:
        return {"labels": [labels[self.first], labels[self.second]], "weights": self.weights.tolist(), "bias": self.bias}

    @classmethod
    def from_json(cls, data: dict, labels: list[str]) -> "Dialect":
        first, second = (labels.index(name) for name in data["labels"])
        weights = np.asarray(data["weights"], dtype=np.float64)
        if weights.shape == (2,):  # a layer of round 9 or before: the score difference and the peak only
            weights = np.r_[weights, np.zeros(len(FEATURES) - 2)]
        if weights.shape != (len(FEATURES),):
            raise ValueError(f"dialect layer weights of shape {weights.shape}, expected {(len(FEATURES),)}")
        return cls(first, second, weights, float(data["bias"]))
