"""Arabizi (Latin-script Moroccan Darija with chat digits) <-> Arabic script.

``arabizi2ar`` reads each Latin word through a lattice of weighted rules
(``data/schemes/arabizi2ar.tsv``: chunks such as ``ch``, ``kh``, ``3``, ``9``, ``ou``
with their Arabic readings by position in the word) and picks the best path with an
Arabic character 4-gram model. All unique words of a batch are decoded together by
one vectorised beam search. ``fit`` learns chunk probabilities and the letter model
from (latin, arabic) pairs. ``romanize`` (``ar2arabizi``) writes chat-style Latin.

>>> m = ArabiziModel.default()
>>> m.transliterate(["wach nta mzyan? 3la 9:30", "ddar dyali"])
['واش انتا مزيان? علا 9:30', 'الدار ديالي']
>>> romanize(["واش نتا مزيان؟"])
['wach nta mzyan؟']
"""

from __future__ import annotations

import io
import json
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable

import numpy as np
import regex

__all__ = ["ArabiziModel", "romanize"]


def _data_dir() -> Path:
    """The ``data`` directory: inside the package (wheel) or at the source-tree root."""
    here = Path(__file__).resolve().parent / "data"
    return here if here.is_dir() else Path(__file__).resolve().parents[2] / "data"


# ---------------------------------------------------------------- Arabic letters
_LETTERS = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىيٱڭگپڤکچژ"
_CHAR_ID = {c: i + 2 for i, c in enumerate(_LETTERS)}  # 0: word boundary, 1: other
_A = len(_LETTERS) + 2
_ORDER = 4
_STATES = _A ** (_ORDER - 1)
_SHADDA = "\u0651"
_MARKS = regex.compile(r"[\u064B-\u0652\u0670\u0640]")
_VOWELS = set("aeiouyéèêà")
_FALLBACK_LOGP = -12.0  # an unseen letter mapping, when aligning training pairs
_UNKNOWN_LOGP = -8.0  # a character no rule covers: kept as it is

_LATIN_WORD = regex.compile(r"[\p{Latin}\p{Mn}0-9]+")
_NUMBER_UNIT = regex.compile(
    r"\d+(?:[.,]\d+)*(?:st|nd|rd|th|er|ere|eme|ème|h|min|km|cm|mm|kg|ml|dh|dhs|mad|gb|mb|px)?",
    regex.IGNORECASE,
)


def _strip_arabic(text: str) -> str:
    """Arabic letters only: no harakat, shadda or tatweel."""
    return _MARKS.sub("", text)


def _char_ids(text: str) -> tuple[int, ...]:
    return tuple(_CHAR_ID.get(c, 1) for c in _strip_arabic(text))


def _is_word(token: str) -> bool:
    """True for a Latin token to transliterate; False for numbers like 20, 5km, 2eme."""
    return any(c.isalpha() for c in token) and not _NUMBER_UNIT.fullmatch(token)


def _prep(word: str) -> str:
    """Case-normalise a Latin word: keep the emphatic capitals S T D H Z, lower the rest."""
    word = unicodedata.normalize("NFC", word)
    if not any(c.islower() for c in word):
        return word.lower()
    return "".join(c if c in "STDHZ" else c.lower() for c in word)


def _context(start: int, end: int, length: int) -> str:
    return "I" if start == 0 else ("F" if end == length else "M")


def _display(chunk: str, arabic: str) -> str:
    """Output text for a chunk's reading: a doubled consonant gets a shadda."""
    half = len(chunk) // 2
    if half and chunk[:half] == chunk[half:] and not set(chunk) & _VOWELS and arabic:
        return arabic + _SHADDA
    return arabic


# ---------------------------------------------------------------- letter model
class _CharLM:
    """Arabic character n-gram model (interpolated absolute discounting) on dense tables."""

    def __init__(self, counts: np.ndarray | None = None) -> None:
        self.counts = np.zeros(_A**_ORDER) if counts is None else counts
        self._table: np.ndarray | None = None

    def add(self, words: Iterable[str], weight: float = 1.0) -> "_CharLM":
        idx: list[int] = []
        pad = (0,) * (_ORDER - 1)
        for w in words:
            ids = pad + _char_ids(w) + (0,)
            for k in range(_ORDER - 1, len(ids)):
                g = 0
                for c in ids[k - _ORDER + 1 : k + 1]:
                    g = g * _A + c
                idx.append(g)
        new = self.counts + weight * np.bincount(idx, minlength=_A**_ORDER)
        return _CharLM(new)

    def table(self) -> np.ndarray:
        """log P(c | previous 3 letters) as a flat float32 array indexed state*_A + c."""
        if self._table is None:
            d = 0.75
            c = self.counts.reshape((_A,) * _ORDER)
            p = (c.sum(axis=tuple(range(_ORDER - 1))) + 1.0)
            p = p / p.sum()
            for k in range(2, _ORDER + 1):
                ck = c.sum(axis=tuple(range(_ORDER - k))) if k < _ORDER else c
                tot = ck.sum(-1, keepdims=True)
                n1 = (ck > 0).sum(-1, keepdims=True)
                lower = np.broadcast_to(p, ck.shape)
                with np.errstate(invalid="ignore", divide="ignore"):
                    pk = (np.maximum(ck - d, 0) + d * n1 * lower) / tot
                p = np.where(tot > 0, pk, lower)
            self._table = np.log(p).astype(np.float32).ravel()
        return self._table


# ---------------------------------------------------------------- rule files
def _read_rules(path: Path) -> dict[tuple[str, str], dict[str, float]]:
    """Read ``latin context arabic weight`` lines into {(chunk, ctx): {arabic: prob}}."""
    raw: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 4 or parts[1] not in ("*", "I", "M", "F"):
            raise ValueError(f"{path}:{lineno}: expected 'latin<TAB>*|I|M|F<TAB>arabic<TAB>weight'")
        latin, ctx, arabic, weight = parts
        arabic = "" if arabic == "-" else arabic
        try:
            w = float(weight)
        except ValueError:
            raise ValueError(f"{path}:{lineno}: weight {weight!r} is not a number") from None
        for c in ("IMF" if ctx == "*" else ctx):
            raw[(latin, c)][arabic] = raw[(latin, c)].get(arabic, 0.0) + w
    rules = {key: {a: w / sum(alts.values()) for a, w in alts.items() if w > 0}
             for key, alts in raw.items()}
    # doubled letters: one letter (shown with shadda); word-initial ones may be ال + letter
    consonants = [k for k in rules if k[0].isalnum() and not set(k[0].lower()) & _VOWELS]
    for chunk, ctx in consonants:
        dist = dict(rules[(chunk, ctx)])
        if ctx == "I" and chunk.isalpha():
            dist = {a: 0.5 * p for a, p in dist.items()}
            for a, p in rules[(chunk, ctx)].items():
                dist["ال" + a] = dist.get("ال" + a, 0.0) + 0.5 * p
        rules.setdefault((chunk + chunk, ctx), dist)
    return rules


def _read_lexicon(path: Path) -> dict[str, str]:
    """Read ``arabic<TAB>latin latin ...`` lines into {latin: arabic} (first entry wins)."""
    lex: dict[str, str] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        arabic, sep, variants = line.partition("\t")
        if not sep or not variants.split():
            raise ValueError(f"{path}:{lineno}: expected 'arabic<TAB>latin spellings'")
        for v in variants.split():
            lex.setdefault(_prep(v), arabic)
    return lex


# ---------------------------------------------------------------- the model
class ArabiziModel:
    """Arabizi -> Arabic transliterator: weighted chunk rules + Arabic letter 4-gram model.

    >>> m = ArabiziModel.default()
    >>> m.candidates("7mar", 3)[0][0]
    'حمار'
    >>> m2 = m.fit([("kalb", "كلب"), ("klab", "كلاب")])
    """

    def __init__(
        self,
        rules: dict[tuple[str, str], dict[str, float]],
        lexicon: dict[str, str] | None = None,
        lm: _CharLM | None = None,
        learned: dict[tuple[str, str], Counter] | None = None,
        lm_weight: float = 1.0,
        beam: int = 8,
    ) -> None:
        self.rules = rules
        self.lexicon = dict(lexicon or {})
        self.lm = lm if lm is not None else _CharLM()
        self.learned: dict[tuple[str, str], Counter] = learned or {}
        self.lm_weight = lm_weight
        self.beam = beam
        self._reset()

    def _reset(self) -> None:
        self._group_of: dict[tuple[str, str], int] = {}
        self._g_start: list[int] = []
        self._g_len: list[int] = []
        self._f_emit: list[int] = []
        self._f_lp: list[float] = []
        self._emit_index: dict[str, int] = {}
        self._emits: list[str] = []
        self._cache: dict[str, str] = {}
        chunk_totals: dict[str, Counter] = defaultdict(Counter)
        for (chunk, _), cnt in self.learned.items():
            chunk_totals[chunk].update(cnt)
        self._chunk_totals = chunk_totals
        chunks = {k[0] for k in self.rules} | {k[0] for k in self.learned}
        self._max_chunk = max(map(len, chunks))
        self._prefixes = {c[:i] for c in chunks for i in range(2, len(c) + 1)}
        self.lm.table()

    # ------------------------------------------------------------ construction
    @classmethod
    def default(cls) -> "ArabiziModel":
        """The shipped model: hand-written rules, lexicon and a letter model of the lexicon."""
        d = _data_dir() / "schemes"
        lexicon = _read_lexicon(d / "darija_lexicon.tsv")
        lm = _CharLM().add(set(lexicon.values()))
        return cls(_read_rules(d / "arabizi2ar.tsv"), lexicon, lm, lm_weight=0.15)

    # ------------------------------------------------------------ emissions
    def _distribution(self, chunk: str, ctx: str) -> dict[str, float]:
        """P(arabic | chunk, context): rules as a prior, smoothed with learned counts."""
        prior = self.rules.get((chunk, ctx), {})
        by_chunk = self._chunk_totals.get(chunk)
        if not by_chunk:
            return prior
        n_chunk = sum(by_chunk.values())
        beta, alpha = 3.0, 3.0
        keys = set(prior) | {a for a, c in by_chunk.items() if c >= 2 or a in prior}
        base = {a: (by_chunk.get(a, 0) + beta * prior.get(a, 0.0)) / (n_chunk + beta * bool(prior))
                for a in keys}
        by_ctx = self.learned.get((chunk, ctx), Counter())
        n_ctx = sum(by_ctx.values())
        dist = {a: (by_ctx.get(a, 0) + alpha * base[a]) / (n_ctx + alpha) for a in keys}
        top = max(dist.values(), default=0.0)
        return {a: p for a, p in dist.items() if p >= 0.002 * top and p > 0}

    def _group(self, chunk: str, ctx: str) -> int:
        """Index of the emission group of (chunk, ctx), -1 if the chunk has no reading."""
        key = (chunk, ctx)
        g = self._group_of.get(key)
        if g is None:
            dist = self._distribution(chunk, ctx)
            if not dist and len(chunk) == 1:
                dist = {chunk: float(np.exp(_UNKNOWN_LOGP))}
            if not dist:
                g = -1
            else:
                g = len(self._g_start)
                self._g_start.append(len(self._f_emit))
                self._g_len.append(len(dist))
                for a, p in dist.items():
                    shown = _display(chunk, a)
                    e = self._emit_index.get(shown)
                    if e is None:
                        e = self._emit_index[shown] = len(self._emits)
                        self._emits.append(shown)
                    self._f_emit.append(e)
                    self._f_lp.append(float(np.log(p)))
            self._group_of[key] = g
        return g

    # ------------------------------------------------------------ decoding
    def _decode(self, words: list[str], beam: int, nbest: int) -> list[list[tuple[str, float]]]:
        """Batched beam search over the rule lattices of prepared ``words``."""
        W = len(words)
        if W == 0:
            return []
        ew: list[int] = []
        es: list[int] = []
        ee: list[int] = []
        eg: list[int] = []
        mc = self._max_chunk
        group, known, prefixes = self._group, self._group_of, self._prefixes
        for wi, w in enumerate(words):
            n = len(w)
            for p in range(n):
                for q in range(p + 1, min(n, p + mc) + 1):
                    if q > p + 1 and w[p:q] not in prefixes:
                        break
                    key = (w[p:q], "I" if p == 0 else ("F" if q == n else "M"))
                    g = known.get(key)
                    if g is None:
                        g = group(*key)
                    if g >= 0:
                        ew.append(wi)
                        es.append(p)
                        ee.append(q)
                        eg.append(g)
        lm = self.lm.table()
        lam = np.float32(self.lm_weight)
        g_start = np.asarray(self._g_start, dtype=np.int64)
        g_len = np.asarray(self._g_len, dtype=np.int64)
        f_emit = np.asarray(self._f_emit, dtype=np.int64)
        f_lp = np.asarray(self._f_lp, dtype=np.float32)
        ids = [_char_ids(e) for e in self._emits]
        K = max(1, max(len(i) for i in ids))
        chars = np.full((len(ids), K), -1, dtype=np.int64)
        for i, t in enumerate(ids):
            chars[i, : len(t)] = t
        # expand chunk occurrences into (edge, reading) rows, sorted by start then word
        eg_a = np.asarray(eg, dtype=np.int64)
        k = g_len[eg_a]
        rep = np.repeat(np.arange(len(eg_a)), k)
        within = np.arange(rep.size) - np.repeat(np.cumsum(k) - k, k)
        flat = g_start[eg_a][rep] + within
        EW = np.asarray(ew, dtype=np.int64)[rep]
        ES = np.asarray(es, dtype=np.int64)[rep]
        EE = np.asarray(ee, dtype=np.int64)[rep]
        EM = f_emit[flat]
        ELP = f_lp[flat]
        order = np.lexsort((EW, ES))
        EW, ES, EE, EM, ELP = EW[order], ES[order], EE[order], EM[order], ELP[order]
        lens = np.fromiter((len(w) for w in words), dtype=np.int64, count=W)
        T = int(lens.max())
        bounds = np.searchsorted(ES, np.arange(T + 2))

        backs = [np.full(W, -1, dtype=np.int64)]
        emits = [np.full(W, -1, dtype=np.int64)]
        offset = W
        fw = np.arange(W, dtype=np.int64)
        fscore = np.zeros(W, dtype=np.float32)
        fstate = np.zeros(W, dtype=np.int64)
        fidx = np.arange(W, dtype=np.int64)
        pools: dict[int, list[tuple[np.ndarray, ...]]] = defaultdict(list)
        finals = []
        for t in range(T + 1):
            if t > 0:
                parts = pools.pop(t, [])
                if not parts:
                    continue
                w_, s_, st_, b_, e_ = (np.concatenate(x) for x in zip(*parts))
                key = w_ * _STATES + st_
                o = np.lexsort((-s_, key))
                keep = np.ones(o.size, dtype=bool)
                keep[1:] = key[o][1:] != key[o][:-1]
                o = o[keep]
                o = o[np.lexsort((-s_[o], w_[o]))]
                wo = w_[o]
                first = np.searchsorted(wo, wo)
                o = o[np.arange(o.size) - first < beam]
                fw, fscore, fstate = w_[o], s_[o], st_[o]
                backs.append(b_[o])
                emits.append(e_[o])
                fidx = offset + np.arange(o.size)
                offset += o.size
            done = lens[fw] == t
            if done.any():
                end = fscore[done] + lam * lm[fstate[done] * _A]
                finals.append((fw[done], end, fidx[done]))
            lo, hi = bounds[t], bounds[t + 1]
            if lo == hi:
                continue
            tw = EW[lo:hi]
            left = np.searchsorted(fw, tw, "left")
            cnt = np.searchsorted(fw, tw, "right") - left
            rep = np.repeat(np.arange(tw.size), cnt)
            hyp = np.repeat(left, cnt) + np.arange(rep.size) - np.repeat(np.cumsum(cnt) - cnt, cnt)
            em = EM[lo:hi][rep]
            score = fscore[hyp] + ELP[lo:hi][rep]
            state = fstate[hyp]
            for j in range(K):
                c = chars[em, j]
                valid = c >= 0
                idx = state * _A + np.where(valid, c, 0)
                score = score + np.where(valid, lam * lm[idx], 0)
                state = np.where(valid, idx % _STATES, state)
            ends = EE[lo:hi][rep]
            for e in np.unique(ends):
                m = ends == e
                pools[int(e)].append((fw[hyp[m]], score[m], state[m], fidx[hyp[m]], em[m]))
        back = np.concatenate(backs)
        emit = np.concatenate(emits)
        fw_, fs_, fi_ = (np.concatenate(x) for x in zip(*finals))
        o = np.lexsort((-fs_, fw_))
        fw_, fs_, fi_ = fw_[o], fs_[o], fi_[o]
        first = np.searchsorted(fw_, fw_)
        sel = np.arange(fw_.size) - first < max(nbest, 1) * 2
        out: list[list[tuple[str, float]]] = [[] for _ in range(W)]
        back_l, emit_l, emits_txt = back.tolist(), emit.tolist(), self._emits
        for w, s, i in zip(fw_[sel].tolist(), fs_[sel].tolist(), fi_[sel].tolist()):
            if len(out[w]) >= nbest:
                continue
            pieces = []
            while emit_l[i] >= 0:
                pieces.append(emits_txt[emit_l[i]])
                i = back_l[i]
            text = "".join(reversed(pieces))
            if all(text != t for t, _ in out[w]):
                out[w].append((text, s))
        return out

    # ------------------------------------------------------------ public API
    def transliterate(self, texts: list[str]) -> list[str]:
        """Convert the Latin words of each text; numbers, Arabic, punctuation and spaces stay.

        >>> ArabiziModel.default().transliterate(["bghit 2 dyal l7lib"])
        ['بغيت 2 ديال لحليب']
        """
        cache = self._cache
        found: set[str] = set()
        for text in texts:
            found.update(_LATIN_WORD.findall(text))
        todo = [tok for tok in found if tok not in cache and _is_word(tok)]
        if todo:
            preps = {tok: _prep(tok) for tok in todo}
            need = sorted({p for p in preps.values() if p not in self.lexicon and p.lower() not in self.lexicon})
            best = dict(zip(need, (c[0][0] for c in self._decode(need, self.beam, 1))))
            for tok, p in preps.items():
                cache[tok] = self.lexicon.get(p) or self.lexicon.get(p.lower()) or best[p]
            if len(cache) > 1_000_000:
                self._cache = cache = {}
        sub = _LATIN_WORD.sub
        return [sub(lambda m: cache.get(m.group(), m.group()), text) for text in texts]

    def candidates(self, word: str, n: int = 5) -> list[tuple[str, float]]:
        """Ranked Arabic spellings of one Latin word with log-scores (a lexicon entry scores 0).

        >>> [a for a, _ in ArabiziModel.default().candidates("sb3", 2)]
        ['سبع', 'صبع']
        """
        if not word or not _is_word(word):
            return [(word, 0.0)]
        p = _prep(word)
        if not regex.fullmatch(r"[\p{Latin}\p{Mn}0-9]+", p):
            return [(self.transliterate([word])[0], 0.0)]
        found = self._decode([p], max(self.beam, 2 * n), n)[0]
        hit = self.lexicon.get(p) or self.lexicon.get(p.lower())
        if hit:
            found = [(hit, 0.0)] + [c for c in found if c[0] != hit]
        return found[:n]

    # ------------------------------------------------------------ learning
    def _align(self, word: str, target: str) -> list[tuple[str, str, str]] | None:
        """Best segmentation of ``word`` whose readings spell ``target``: [(chunk, ctx, arabic)]."""
        n, m = len(word), len(target)
        fwd: list[dict[int, tuple[float, int, int, str]]] = [dict() for _ in range(n + 1)]
        fwd[0][0] = (0.0, -1, -1, "")
        for i in range(n):
            if not fwd[i]:
                continue
            options = []
            for q in range(i + 1, min(n, i + self._max_chunk) + 1):
                chunk = word[i:q]
                ctx = _context(i, q, n)
                for a, p in self._distribution(chunk, ctx).items():
                    options.append((q, a, float(np.log(p))))
            for j, (sc, _, _, _) in list(fwd[i].items()):
                for q, a, lp in options:
                    if target.startswith(a, j):
                        cell = fwd[q].get(j + len(a))
                        if cell is None or cell[0] < sc + lp:
                            fwd[q][j + len(a)] = (sc + lp, i, j, a)
                for ln in range(3):
                    if j + ln <= m:
                        cell = fwd[i + 1].get(j + ln)
                        if cell is None or cell[0] < sc + _FALLBACK_LOGP:
                            fwd[i + 1][j + ln] = (sc + _FALLBACK_LOGP, i, j, target[j : j + ln])
        if m not in fwd[n]:
            return None
        path = []
        q, j = n, m
        while q > 0:
            _, i, pj, a = fwd[q][j]
            path.append((word[i:q], _context(i, q, n), a))
            q, j = i, pj
        return path[::-1]

    def fit(self, pairs: Iterable[tuple[str, str]], iterations: int = 2, tune: bool = True) -> "ArabiziModel":
        """A new model whose chunk readings, letter model and word memory learn from pairs.

        Phrases are split into words when both sides have the same number of words.
        With ``tune``, the letter-model weight is chosen on a tenth of the words
        (grouped by Arabic form, so no Arabic word is in both parts).

        >>> m = ArabiziModel.default().fit([("kalb", "كلب"), ("kelb", "كلب")], tune=False)
        >>> m.transliterate(["kalb"])
        ['كلب']
        """
        data: list[tuple[str, str]] = []
        for latin, arabic in pairs:
            lw = _LATIN_WORD.findall(latin)
            aw = [_strip_arabic(w) for w in regex.findall(r"[\p{Arabic}]+", arabic)]
            aw = [w for w in aw if w]
            if len(lw) == len(aw):
                data += [(_prep(x), y) for x, y in zip(lw, aw) if _is_word(x)]
        base_lm = _CharLM().add(set(self.lexicon.values()))
        model = ArabiziModel(self.rules, self.lexicon, base_lm, dict(self.learned), self.lm_weight, self.beam)
        paths: list[list[tuple[str, str, str]] | None] = []
        for _ in range(iterations):
            paths = [model._align(w, a) for w, a in data]
            model.learned = _count(paths)
            model._reset()
        if tune and len(data) >= 50:
            groups = sorted({a for _, a in data})
            rng = np.random.default_rng(0)
            dev_forms = set(rng.choice(groups, size=max(1, len(groups) // 10), replace=False).tolist())
            train = [i for i, (_, a) in enumerate(data) if a not in dev_forms]
            dev = [(w, a) for w, a in data if a in dev_forms]
            trial = ArabiziModel(self.rules, self.lexicon, base_lm.add(data[i][1] for i in train),
                                 _count(paths[i] for i in train), beam=self.beam)
            words = sorted({w for w, _ in dev})
            best_w, best_acc = model.lm_weight, -1.0
            for lam in (0.3, 0.5, 0.7, 1.0, 1.4):
                trial.lm_weight = lam
                trial._reset()
                out = dict(zip(words, (c[0][0] for c in trial._decode(words, self.beam, 1))))
                acc = sum(_strip_arabic(out[w]) == a for w, a in dev) / len(dev)
                if acc > best_acc:
                    best_w, best_acc = lam, acc
            model.lm_weight = best_w
        model.lm = base_lm.add(a for _, a in data)
        memory: dict[str, Counter] = defaultdict(Counter)
        for w, a in data:
            memory[w][a] += 1
        model.lexicon.update({w: c.most_common(1)[0][0] for w, c in memory.items()})
        model._reset()
        return model

    # ------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> None:
        """Write the model to one ``.npz`` file (rules, lexicon, counts, settings)."""
        nz = np.flatnonzero(self.lm.counts)
        meta = {
            "rules": [[c, x, d] for (c, x), d in self.rules.items()],
            "learned": [[c, x, dict(d)] for (c, x), d in self.learned.items()],
            "lexicon": self.lexicon,
            "lm_weight": self.lm_weight,
            "beam": self.beam,
        }
        buf = io.BytesIO()
        np.savez_compressed(buf, lm_idx=nz, lm_val=self.lm.counts[nz],
                            meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), np.uint8))
        Path(path).write_bytes(buf.getvalue())

    @classmethod
    def load(cls, path: str | Path) -> "ArabiziModel":
        """Read a model written by :meth:`save`."""
        with np.load(path) as z:
            meta = json.loads(z["meta"].tobytes().decode())
            counts = np.zeros(_A**_ORDER)
            counts[z["lm_idx"]] = z["lm_val"]
        rules = {(c, x): d for c, x, d in meta["rules"]}
        learned = {(c, x): Counter(d) for c, x, d in meta["learned"]}
        return cls(rules, meta["lexicon"], _CharLM(counts), learned, meta["lm_weight"], meta["beam"])


def _count(paths: Iterable[list[tuple[str, str, str]] | None]) -> dict[tuple[str, str], Counter]:
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for path in paths:
        for chunk, ctx, a in path or ():
            counts[(chunk, ctx)][a] += 1
    return dict(counts)


# ---------------------------------------------------------------- ar2arabizi
_ROMAN: dict[str, dict[str, str]] | None = None
_SUN_AR = set("تثدذرزسشصضطظلن")


def _roman_table() -> dict[str, dict[str, str]]:
    """{context: {arabic char: latin}} from ``ar2arabizi.tsv``; contexts * I F V."""
    global _ROMAN
    if _ROMAN is None:
        table: dict[str, dict[str, str]] = {"*": {}, "I": {}, "F": {}, "V": {}}
        path = _data_dir() / "schemes" / "ar2arabizi.tsv"
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = line.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 3 or parts[1] not in table:
                raise ValueError(f"{path}:{lineno}: expected 'arabic<TAB>*|I|F|V<TAB>latin'")
            table[parts[1]][parts[0]] = "" if parts[2] == "-" else parts[2]
        _ROMAN = table
    return _ROMAN


def _romanize_word(word: str, table: dict[str, dict[str, str]]) -> str:
    out: list[str] = []
    n = len(word)
    for i, c in enumerate(word):
        if c == _SHADDA:
            if out and len(out[-1]) == 1:
                out.append(out[-1])
            continue
        if i == 0 and word.startswith("ال") and n > 2:
            continue
        if i == 1 and word.startswith("ال") and n > 2:
            nxt = table["*"].get(word[2], "")
            out.append(nxt if word[2] in _SUN_AR and len(nxt) == 1 else "l")
            continue
        latin = None
        if i == 0:
            latin = table["I"].get(c)
        elif i == n - 1:
            latin = table["F"].get(c)
        if latin is None and ((i + 1 < n and word[i + 1] in "اىة") or (i > 0 and word[i - 1] == "ا")):
            latin = table["V"].get(c)
        out.append(table["*"].get(c, c) if latin is None else latin)
    return "".join(out)


def romanize(texts: list[str]) -> list[str]:
    """Arabic script -> chat-style Arabizi (ش ch, خ kh, ع 3, ح 7, ق 9, غ gh, ء 2, ...).

    Only Arabic words change; everything else is kept.

    >>> romanize(["بغيت نشرب أتاي", "خويا 3 ساعات"])
    ['bghit nchrb atay', 'khouya 3 sa3at']
    """
    table = _roman_table()
    cache: dict[str, str] = {}

    def one(m: regex.Match) -> str:
        w = m.group()
        r = cache.get(w)
        if r is None:
            r = cache[w] = _romanize_word(w, table)
        return r

    return [regex.sub(r"[\p{Arabic}\u064B-\u0652\u0670]+", one, t) for t in texts]
