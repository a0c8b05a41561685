"""A token's label from its context: a small softmax layer on the identifier's own scores.

Each word token has five blocks of log-probabilities, one value per label: its own (the
token scored alone), the word before and the word after in its text (zeros at the ends),
the mean over all the words of its text, and the scores of the model's token model
(:attr:`awal.lid.model.Identifier.token_model`, zeros without one). A short word (at most
:data:`SHORT_LETTERS` letters: ``la``, ``l``, ``el``, ``w``, ``et``, ``we``) has the same
five blocks a second time (zeros for longer words), so the layer learns how much less such a
word's own scores say and how much more its context does. Its context scores are
``softmax(blocks @ weights + bias)``. :meth:`Context.rule` is the hand-set layer (own
scores plus a share of the neighbours'); :meth:`Context.fit` learns the layer from
tokens with gold labels, starting from and pulled towards that rule, so labels the
training tokens never show keep the rule's behaviour.

>>> own = np.log(np.array([[0.9, 0.1], [0.3, 0.7], [0.8, 0.2]]))
>>> Context.rule(2).scores(own, np.array([0, 0, 0])).argmax(axis=1).tolist()  # the middle word follows its neighbours
[0, 0, 0]
>>> Context.rule(2).scores(own, np.array([0, 0, 1])).argmax(axis=1).tolist()
[0, 1, 0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BLOCKS = ("own", "before", "after", "text", "token model")  # then the same five again for short words
SHORT_LETTERS = 2  # a word of at most this many letters is short (its second set of blocks is not zero)
NEIGHBOUR_WEIGHT = 0.35  # the rule: own + 0.35 * (before + after)
SCORE_FLOOR = float(np.log(1e-3))  # the lowest log-probability a layer trained since round 11 reads (see awal.lid.tokens.own_scores)
UNFLOORED_UNKNOWN = float(np.log(1e-4))  # what a layer trained on unfloored scores read as the token model's score of a label it lacks


def log_softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise log-softmax (rows of any length, none at all included)."""
    if z.size == 0:
        return z.astype(np.float64)
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


_ONE_THREAD = 4 * 65536  # OpenBLAS runs a product of m * n * k up to this on one thread


def single_thread_product(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``x @ w`` by blocks of rows small enough for one BLAS thread: for a tall ``x`` and a small
    ``w`` the threads' start and spin cost several times the CPU time of the product itself.

    >>> x, w = np.arange(60000.0).reshape(-1, 6) / 7, np.arange(24.0).reshape(6, 4)
    >>> bool(np.allclose(single_thread_product(x, w), x @ w)), single_thread_product(x[:0], w).shape
    (True, (0, 4))
    """
    rows = max(1, _ONE_THREAD // max(1, w.shape[0] * w.shape[1]))
    if len(x) <= rows:
        return x @ w
    return np.concatenate([x[i : i + rows] @ w for i in range(0, len(x), rows)])


def short_words(letters: np.ndarray | None, n: int) -> np.ndarray:
    """Which of ``n`` words are short (``letters``: the letters of each; ``None``: none is short)."""
    return np.zeros(n, dtype=bool) if letters is None else np.asarray(letters) <= SHORT_LETTERS


def blocks(own: np.ndarray, text_of: np.ndarray, local: np.ndarray | None = None, letters: np.ndarray | None = None) -> np.ndarray:
    """``(words, 10 * labels)``: the :data:`BLOCKS` of every word, then the same for short words
    and zeros for the others (``own``: log-probabilities of the words in text order, ``text_of``:
    the text of each, ascending, ``local``: the token model's log-probabilities, if any,
    ``letters``: the letters of each word, if known)."""
    n, k = own.shape
    same_before = np.zeros(n, dtype=bool)
    same_before[1:] = text_of[1:] == text_of[:-1]
    same_after = np.zeros(n, dtype=bool)
    same_after[:-1] = same_before[1:]
    out = np.zeros((n, len(BLOCKS) * k))
    out[:, :k] = own
    out[1:, k : 2 * k] = np.where(same_before[1:, None], own[:-1], 0.0)
    out[:-1, 2 * k : 3 * k] = np.where(same_after[:-1, None], own[1:], 0.0)
    if n:  # the words of a text are consecutive
        firsts = np.flatnonzero(np.r_[True, ~same_before[1:]])
        counts = np.diff(np.r_[firsts, n])
        means = np.add.reduceat(own, firsts, axis=0) / counts[:, None]
        out[:, 3 * k : 4 * k] = np.repeat(means, counts, axis=0)
    if local is not None:
        out[:, 4 * k :] = local
    return np.hstack([out, np.where(short_words(letters, n)[:, None], out, 0.0)])


@dataclass(frozen=True)
class Context:
    """The layer: ``weights`` ``(10 * labels, labels)`` (see :func:`blocks`) and ``bias`` ``(labels,)``;
    ``floor``: the lowest log-probability it reads, the one it was trained with (``None``: a layer
    trained on unfloored scores, saved before round 11; a model file stores it)."""

    weights: np.ndarray
    bias: np.ndarray
    floor: float | None = SCORE_FLOOR

    @classmethod
    def rule(cls, n_labels: int, neighbour: float = NEIGHBOUR_WEIGHT) -> "Context":
        eye = np.eye(n_labels)
        return cls(np.vstack([eye, neighbour * eye, neighbour * eye, 0 * eye, 0 * eye, np.zeros((5 * n_labels, n_labels))]), np.zeros(n_labels))

    def scores(self, own: np.ndarray, text_of: np.ndarray, local: np.ndarray | None = None, letters: np.ndarray | None = None) -> np.ndarray:
        """Context log-probabilities ``(words, labels)`` (arguments as :func:`blocks`):
        ``log_softmax(blocks(own, text_of, local, letters) @ weights + bias)`` without building the
        blocks: each block's product is computed once per word (per text for the text block) and
        shifted to its neighbours; the short words' second set is gathered and multiplied for them alone.

        >>> own = np.log(np.array([[0.9, 0.1], [0.3, 0.7], [0.8, 0.2], [0.5, 0.5]]))
        >>> layer = Context(np.random.default_rng(0).normal(size=(20, 2)), np.array([0.1, -0.1]))
        >>> direct = log_softmax(blocks(own, np.array([0, 0, 0, 1]), own[::-1], np.array([1, 4, 2, 3])) @ layer.weights + layer.bias)
        >>> bool(np.allclose(layer.scores(own, np.array([0, 0, 0, 1]), own[::-1], np.array([1, 4, 2, 3])), direct))
        True
        """
        n, k = own.shape
        if not n:
            return log_softmax(np.zeros((0, k)))
        w = self.weights
        products = single_thread_product(own, np.hstack([w[:k], w[k : 2 * k], w[2 * k : 3 * k]]))
        z = products[:, :k] + self.bias
        same = text_of[1:] == text_of[:-1]  # a word and the one after it are in one text
        z[1:] += np.where(same[:, None], products[:-1, k : 2 * k], 0.0)
        z[:-1] += np.where(same[:, None], products[1:, 2 * k :], 0.0)
        firsts = np.flatnonzero(np.r_[True, ~same])
        counts = np.diff(np.r_[firsts, n])
        means = own if len(firsts) == n else np.add.reduceat(own, firsts, axis=0) / counts[:, None]  # one word per text: its own
        z += np.repeat(single_thread_product(means, w[3 * k : 4 * k]), counts, axis=0)
        if local is not None:
            z += single_thread_product(local, w[4 * k : 5 * k])
        short = np.flatnonzero(short_words(letters, n))
        if len(short):  # their second set of blocks, gathered for them alone
            before = (short > 0) & (text_of[short - 1] == text_of[short])  # a word before them in their text
            after = (short < n - 1) & (text_of[np.minimum(short + 1, n - 1)] == text_of[short])
            parts = [
                own[short],
                np.where(before[:, None], own[short - 1], 0.0),
                np.where(after[:, None], own[np.minimum(short + 1, n - 1)], 0.0),
                means[np.searchsorted(firsts, short, side="right") - 1],
            ]
            if local is not None:
                parts.append(local[short])
            z[short] += single_thread_product(np.hstack(parts), w[5 * k : (5 + len(parts)) * k])
        return log_softmax(z)

    @classmethod
    def fit(
        cls, own: np.ndarray, text_of: np.ndarray, local: np.ndarray | None, gold: np.ndarray,
        sample_weight: np.ndarray | None = None, steps: int = 400, rate: float = 0.05, l2: float = 1e-3,
        letters: np.ndarray | None = None,
    ) -> "Context":  # fmt: skip
        """The layer minimising the weighted log loss of ``gold`` (label index per word, ``-1``:
        context only, no loss) plus ``l2`` times the squared distance to :meth:`rule`; full-batch
        Adam steps from the rule, so the same tokens give the same layer (``letters``: as :func:`blocks`)."""
        n_labels = own.shape[1]
        x = blocks(own, text_of, local, letters)
        scored = gold >= 0
        x, y = x[scored], gold[scored]
        w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)[scored]
        w = w / w.sum()
        start = cls.rule(n_labels)
        params = [start.weights.copy(), start.bias.copy()]
        moments = [[np.zeros_like(p), np.zeros_like(p)] for p in params]
        for step in range(1, steps + 1):
            p = np.exp(log_softmax(x @ params[0] + params[1]))
            p[np.arange(len(y)), y] -= 1.0
            g = p * w[:, None]
            grads = [x.T @ g + l2 * (params[0] - start.weights), g.sum(axis=0) + l2 * params[1]]
            for param, grad, (m, v) in zip(params, grads, moments):
                m *= 0.9
                m += 0.1 * grad
                v *= 0.999
                v += 0.001 * grad * grad
                param -= rate * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
        return cls(params[0], params[1])
