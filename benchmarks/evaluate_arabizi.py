"""Arabizi -> Arabic: awal (shipped rules, fitted) against peers, on DODa dev, our gold and real text.

Three parts:

* DODa dev words and phrases (``../shared/data/darija``, or ``$AWAL_SHARED/data/darija``;
  CC BY-NC: evaluated here, nothing from it is in the repository): shipped rules, a
  fit on 80% grouped by Arabic form, and arabizikit when installed; the wrong phrases
  counted by error class (vowel letters, article, final a, final ى, word count...).
* ``data/samples/arabizi_gold.tsv``: our own hand-checked sentences in the style of
  social-media comments, word accuracy and CER per error class.
* The Latin Darija of ``../shared/data/lid/ary_Latn.afrisenti.txt`` (CC BY 4.0, real
  tweets, no Arabic side): how many tokens of each error class occur and how they come
  out (numbers and links kept, laughter as ه, function words as in the lexicon).
* Only when ``$AWAL_REAL_GOLD`` names a file: a hand annotation of some of those tweets
  (``line<TAB>latin<TAB>arabic[|alternative...]<TAB>loanwords or empty``, one row a word,
  kept outside the repository: the tweets must not be copied into it), scored word by
  word after aligning each system's output words to the gold words of the line.

Scoring follows ``../shared/reference/anchors.md``: exact word accuracy and CER (edit
distance / reference length, summed over the set) after deleting harakat incl. shadda
(U+064B-0652, U+0670), tatweel and punctuation from both sides and folding أ إ آ ٱ -> ا.

    PYTHONPATH=src python3 benchmarks/evaluate_arabizi.py
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path
from typing import Callable, NamedTuple

import regex

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))  # (tests import this file by path)
from corpus import shared_dir  # noqa: E402

_DROP = regex.compile(r"[\u064B-\u0652\u0670\u0640\p{P}]")
_FOLD = str.maketrans("أإآٱ", "اااا")


def load_pairs(name: str) -> list[tuple[str, str]]:
    """(latin, arabic) rows of ``data/darija/<name>`` (TSV with a header line)."""
    path = shared_dir() / "data" / "darija" / name
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return [(c[0], c[1]) for c in (ln.split("\t") for ln in lines) if len(c) >= 2]


def norm(text: str) -> str:
    """The scoring normalisation (see module docstring); whitespace runs become one space."""
    return " ".join(_DROP.sub("", text).translate(_FOLD).split())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def score(preds: list[str], refs: list[str]) -> tuple[float, float]:
    """(exact accuracy %, CER %) after :func:`norm` on both sides."""
    p = [norm(x) for x in preds]
    r = [norm(x) for x in refs]
    acc = 100.0 * sum(a == b for a, b in zip(p, r)) / max(1, len(r))
    cer = 100.0 * sum(edit_distance(a, b) for a, b in zip(p, r)) / max(1, sum(map(len, r)))
    return acc, cer


ERROR_CLASSES = ("function-words", "pronouns", "capitals", "laughter-elongation", "numbers-units", "loanwords",
                 "context", "general")


class GoldRow(NamedTuple):
    error_class: str
    latin: str
    arabic: str


def load_gold(path: Path = ROOT / "data" / "samples" / "arabizi_gold.tsv") -> list[GoldRow]:
    """Rows of our hand-checked gold (``class<TAB>latin<TAB>arabic``, ``#`` comments); the Arabic has one
    word per Latin word, fewer where a proclitic written apart is attached (``b naja7`` بنجاح)."""
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in ERROR_CLASSES or len(parts[1].split()) < len(parts[2].split()):
            raise ValueError(f"{path}:{lineno}: expected 'class<TAB>latin<TAB>arabic', no more Arabic words than Latin ones")
        rows.append(GoldRow(*parts))
    return rows


def per_class(transliterate: Callable[[list[str]], list[str]], rows: list[GoldRow]) -> dict[str, tuple[float, float, int]]:
    """{class: (word accuracy %, CER %, words)} over the gold rows, and "all"; words aligned one to one."""
    out = transliterate([r.latin for r in rows])
    pairs: dict[str, list[tuple[str, str]]] = {c: [] for c in (*ERROR_CLASSES, "all")}
    for row, pred in zip(rows, out):
        got, ref = pred.split(), row.arabic.split()
        got += [""] * (len(ref) - len(got))
        for g, r in zip(got, ref):
            pairs[row.error_class].append((g, r))
            pairs["all"].append((g, r))
    report = {}
    for cls, items in pairs.items():
        if items:
            acc, cer = score([g for g, _ in items], [r for _, r in items])
            report[cls] = (acc, cer, len(items))
    return report


_HAMZA = str.maketrans({"ء": None, "ئ": "ي", "ؤ": "و"})


def _final_a(word: str) -> str:
    return regex.sub("[ةه]$", "ا", word)


def _no_article(word: str) -> str:
    return regex.sub("^(ال|ل)", "", word)


def _skeleton(word: str) -> str:
    """The word without ا و ي after its first letter."""
    return word[:1] + regex.sub("[اوي]", "", word[1:])


def phrase_error_class(gold: str, got: str) -> str | None:
    """Why a word of a phrase differs from the gold (both normalised), or None when it does not.

    >>> phrase_error_class("علا", "على"), phrase_error_class("فرس", "فاراس"), phrase_error_class("العادة", "لعادة")
    ('final ى / ا', 'vowel letters ا و ي', 'article ال / ل')
    """
    if gold == got:
        return None
    if gold.replace("ى", "ا") == got.replace("ى", "ا"):
        return "final ى / ا"
    if _final_a(gold) == _final_a(got):
        return "final a: ة / ا"
    if _no_article(gold) == _no_article(got) or _no_article(gold) == got or gold == _no_article(got):
        return "article ال / ل"
    if gold.translate(_HAMZA) == got.translate(_HAMZA):
        return "hamza"
    if _skeleton(gold) == _skeleton(got):
        return "vowel letters ا و ي"
    if _skeleton(_final_a(_no_article(gold))) == _skeleton(_final_a(_no_article(got))):
        return "several of vowels / article / final a"
    return "other letters"


def phrase_errors(pairs: list[tuple[str, str]], outputs: list[str]) -> list[tuple[str, int, int, int]]:
    """(class, wrong words, phrases holding it, phrases with no other error) over the wrong phrases,
    word by word where both sides have as many words ("different number of words" otherwise)."""
    words: dict[str, int] = {}
    phrases: dict[str, int] = {}
    alone: dict[str, int] = {}
    for (_, arabic), out in zip(pairs, outputs):
        gold, got = norm(arabic).split(), norm(out).split()
        if gold == got:
            continue
        if len(gold) != len(got):
            classes = ["different number of words"]
        else:
            classes = [c for c in (phrase_error_class(g, o) for g, o in zip(gold, got)) if c]
            for c in classes:
                words[c] = words.get(c, 0) + 1
        for c in set(classes):
            phrases[c] = phrases.get(c, 0) + 1
        if len(set(classes)) == 1:
            alone[classes[0]] = alone.get(classes[0], 0) + 1
    return sorted(((c, words.get(c, 0), n, alone.get(c, 0)) for c, n in phrases.items()), key=lambda r: -r[2])


def real_text_classes(model) -> list[tuple[str, int, float]]:
    """On the real tweets of ary_Latn.afrisenti.txt (no Arabic side): (class, tokens, % handled).

    Handled means: numbers, units and links come out as written; laughter as ه only;
    an elongated word with no run of three letters left; a capitalised first word
    that is in the lexicon read as the lexicon says. The share of all tokens the
    lexicon covers is reported too (the rest goes through the letter model).
    """
    import regex

    from awal.arabizi_words import is_number

    path = shared_dir() / "data" / "lid" / "ary_Latn.afrisenti.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    outs = model.transliterate(lines)
    counts = {k: [0, 0] for k in ("all Latin tokens: read from the lexicon", "numbers, units, links kept",
                                  "laughter written ه", "elongated words without a tripled letter",
                                  "capitalised first words in the lexicon read from it")}
    for line, out in zip(lines, outs):
        toks, got = line.split(), out.split()
        for t in toks:  # every line, joined proclitics or not
            if regex.fullmatch(r"[\p{Latin}0-9]+", t):
                counts["all Latin tokens: read from the lexicon"][0] += 1
                counts["all Latin tokens: read from the lexicon"][1] += t.lower() in model.lexicon
        if len(toks) != len(got):  # a proclitic attached: the classes below need the words one to one
            continue
        for i, (t, g) in enumerate(zip(toks, got)):
            low = t.lower()
            if is_number(t) or regex.match(r"(?:https?://|www\.|[@#])", t):
                counts["numbers, units, links kept"][0] += 1
                counts["numbers, units, links kept"][1] += g == t
            if len(low) > 2 and set(low) == {"h"}:
                counts["laughter written ه"][0] += 1
                counts["laughter written ه"][1] += g == "ه" * len(t)
            elif regex.search(r"(\p{L})\1\1", t):
                counts["elongated words without a tripled letter"][0] += 1
                counts["elongated words without a tripled letter"][1] += not regex.search(r"(\p{Arabic})\1\1", g)
            if i == 0 and t[:1].isupper() and t[1:2].islower() and low in model.lexicon:
                counts["capitalised first words in the lexicon read from it"][0] += 1
                counts["capitalised first words in the lexicon read from it"][1] += g in (
                    model.lexicon[low], *model.homographs.get(low, ()))
    return [(k, n, 100.0 * ok / max(1, n)) for k, (n, ok) in counts.items()]


_REAL_TOKEN = regex.compile(r"\d+(?:[.,:]\d+)+|[\p{L}\p{M}\p{N}'’]+")
_PRONOUNS = frozenset("""ana nta nti nte ntia ntya ntina ntiya nitina inta enta anta enti inti howa hwa hoa huwa
hiya hia hya hya 7na i7na ahna ntoma ntouma ntoum ntuma homa houma huma hom""".split())
_FUNCTION_WORDS = frozenset("""3la 3al li lli elli illi f fi fl fel b bi l el al m3a ma3a dial dyal diyal dyali
diali dyalk dyalo dyalha dyalna dyalhom men mn min man ila ola wla wela walla o w ou u wa had hadi hada hadak hadik
hadok hado hadchi dak dik dakchi rah ra raha rahom rak raki ghir gha ghi ri rir bach bash bla ach chno achno shno
chkon chkoun fin fach mnin mli ta hta 7ta hata la ma machi wach wax ya a lah allah alah llah wlah walah wallah
walahi wllah kif bhal b7al ki daba db 3lach chi shi lik lih liha lia lya liya lina likom lihom 3lih 3liha 3lik
3lina 3likom 3lihom 3lia fih fiha fik fihom bih biha bik m3ak m3ah m3aha m3ana m3ahom 3nd 3and 3ndi 3andi 3ando
3ndo 3andha 3ndha 3ndk 3andk ewa iwa aywa wakha bzaf bzf bezaf bzzaf kolchi kulchi kol kola""".split())


class RealWord(NamedTuple):
    latin: str
    forms: frozenset[str]
    error_class: str


def real_word_class(latin: str, loanword: bool) -> str:
    """The error class of an annotated real word (its last Latin token decides).

    >>> [real_word_class(w, False) for w in ("100dh", "hhhh", "bzaaaf", "Salam", "nta", "f l7adid", "zwin")]
    ['numbers-units', 'laughter-elongation', 'laughter-elongation', 'capitals', 'pronouns', 'function-words', 'general']
    """
    from awal.arabizi_words import is_number

    last = latin.split()[-1]
    low = last.lower()
    if is_number(last) or not regex.search(r"\p{L}", last):
        return "numbers-units"
    if regex.fullmatch(r"h{2,}|(?:ha){2,}h?", low) or regex.search(r"(\p{L})\1\1", low):
        return "laughter-elongation"
    if loanword:
        return "loanwords"
    if last[:1].isupper():
        return "capitals"
    if low in _PRONOUNS:
        return "pronouns"
    if low in _FUNCTION_WORDS or latin.split()[0].lower() in ("f", "b", "l", "bi", "fi", "el", "al"):
        return "function-words"
    return "general"


def load_real_gold(path: Path) -> dict[int, list[RealWord]]:
    """{line number in ary_Latn.afrisenti.txt: its annotated words}, ``#`` lines skipped."""
    lines: dict[int, list[RealWord]] = {}
    for lineno, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not row.strip() or row.startswith("#"):
            continue
        cells = row.split("\t")
        if len(cells) != 4 or not cells[0].isdigit() or not cells[2]:
            raise ValueError(f"{path}:{lineno}: expected 'line<TAB>latin<TAB>arabic[|alt...]<TAB>loanwords or empty'")
        forms = frozenset(norm(a) for a in cells[2].split("|"))
        lines.setdefault(int(cells[0]), []).append(
            RealWord(cells[1], forms, real_word_class(cells[1], cells[3] == "loanwords")))
    return lines


def _join_wa(words: list[tuple[frozenset[str], str]]) -> list[tuple[frozenset[str], str]]:
    """A standalone و joins the next word and takes its class (writers put و apart or not: not scored).

    >>> _join_wa([(frozenset({"و"}), "general"), (frozenset({"لا"}), "pronouns")])
    [(frozenset({'ولا'}), 'pronouns')]
    """
    out: list[tuple[frozenset[str], str]] = []
    for forms, cls in words:
        if out and out[-1][0] == frozenset({"و"}):
            out[-1] = (frozenset("و" + f for f in forms), cls)
        else:
            out.append((forms, cls))
    return out


def align_words(gold: list[frozenset[str]], got: list[str]) -> tuple[list[str | None], list[str]]:
    """For each gold word the output word aligned to it (None when deleted), and the inserted words.

    >>> align_words([frozenset({"a"}), frozenset({"b", "c"})], ["x", "c", "d"])
    (['x', 'c'], ['d'])
    """
    n, m = len(gold), len(got)
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        cost[i][0] = i
    for j in range(m + 1):
        cost[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i][j] = min(cost[i - 1][j] + 1, cost[i][j - 1] + 1, cost[i - 1][j - 1] + (got[j - 1] not in gold[i - 1]))
    pairs: list[str | None] = [None] * n
    extra: list[str] = []
    i, j = n, m
    while i or j:
        if i and j and cost[i][j] == cost[i - 1][j - 1] + (got[j - 1] not in gold[i - 1]):
            pairs[i - 1] = got[j - 1]
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            i -= 1
        else:
            extra.append(got[j - 1])
            j -= 1
    return pairs, extra


def real_gold_scores(transliterate: Callable[[list[str]], list[str]], gold: dict[int, list[RealWord]],
                     lines: list[str]) -> dict[str, tuple[float, float, int]]:
    """{class: (word accuracy %, CER %, words)} over the annotated real tweets, and "all"."""
    numbers = sorted(gold)
    outs = transliterate([lines[n - 1] for n in numbers])
    right: dict[str, list[int]] = {c: [0, 0, 0, 0] for c in (*ERROR_CLASSES, "all")}  # ok, words, edits, chars
    for n, out in zip(numbers, outs):
        got = [norm(t) for t in _REAL_TOKEN.findall(out) if regex.search(r"[\p{L}\p{N}]", t)]
        got = [next(iter(f)) for f, _ in _join_wa([(frozenset({g}), "") for g in got])]
        joined = _join_wa([(w.forms, w.error_class) for w in gold[n]])
        gold_forms, classes = [f for f, _ in joined], [c for _, c in joined]
        pairs, extra = align_words(gold_forms, got)
        for cls, forms_k, pred in zip(classes, gold_forms, pairs):
            ref_len = min(len(f) for f in forms_k)
            edits = ref_len if pred is None else min(edit_distance(pred, f) for f in forms_k)
            for key in (cls, "all"):
                right[key][0] += pred is not None and pred in forms_k
                right[key][1] += 1
                right[key][2] += edits
                right[key][3] += ref_len
        right["all"][2] += sum(map(len, extra))
    return {c: (100.0 * ok / n, 100.0 * e / max(1, ch), n) for c, (ok, n, e, ch) in right.items() if n}


def grouped_split(pairs: list[tuple[str, str]], test: float = 0.2, seed: int = 0):
    """Split pairs so that no (normalised) Arabic form is in both parts."""
    forms = sorted({norm(a) for _, a in pairs})
    random.Random(seed).shuffle(forms)
    held = set(forms[: int(len(forms) * test)])
    train = [p for p in pairs if norm(p[1]) not in held]
    dev = [p for p in pairs if norm(p[1]) in held]
    return train, dev


def speed_words(n: int = 100_000) -> list[str]:
    """``n`` words of real Latin Darija text (with its natural repeats)."""
    words = [w for lat, _ in load_pairs("doda_ongoing_dev.tsv") for w in lat.split()]
    return (words * (n // max(1, len(words)) + 1))[:n]


def words_per_second(fn, words: list[str]) -> float:
    t = time.perf_counter()
    fn(words)
    return len(words) / (time.perf_counter() - t)


def awal_words_per_second(words: list[str], runs: int = 3) -> float:
    """Median speed of ``transliterate`` over ``runs`` fresh shipped models (cold word cache)."""
    from awal.arabizi import ArabiziModel

    speeds = []
    for _ in range(runs):
        model = ArabiziModel.default()
        speeds.append(words_per_second(model.transliterate, words))
    return sorted(speeds)[len(speeds) // 2]


def arabizikit_peer() -> Callable[[list[str]], list[str]] | None:
    """arabizikit word by word over each text (None when it is not installed)."""
    try:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from peers import arabizikit_to_arabic

        arabizikit_to_arabic("salam")
    except ImportError:
        return None

    def peer(texts: list[str]) -> list[str]:
        return [" ".join(arabizikit_to_arabic(w) for w in t.split()) for t in texts]

    return peer


def real_gold_report(systems: dict[str, Callable[[list[str]], list[str]]]) -> None:
    """Print the per-class scores on the annotated real tweets named by $AWAL_REAL_GOLD (or say it is skipped)."""
    path = os.environ.get("AWAL_REAL_GOLD")
    if not path:
        print("\n(real-comment gold skipped: set AWAL_REAL_GOLD to an annotation of lid/ary_Latn.afrisenti.txt)")
        return
    from awal import transliterate

    gold = load_real_gold(Path(path))
    lines = (shared_dir() / "data" / "lid" / "ary_Latn.afrisenti.txt").read_text(encoding="utf-8").splitlines()
    systems = {"awal (transliterate, keep_foreign)": lambda t: transliterate(t, "arabizi2ar"), **systems}
    reports = {name: real_gold_scores(fn, gold, lines) for name, fn in systems.items()}
    words = sum(map(len, gold.values()))
    print(f"\nReal tweets, hand-annotated ({path}: {len(gold)} lines, {words} words, {reports['awal']['all'][2]} once a"
          " standalone و joins the next word, on both sides): word accuracy / CER % per error class\n")
    print("| class | words | " + " | ".join(reports) + " |")
    print("|---|---|" + "---|" * len(reports))
    for cls in (*ERROR_CLASSES, "all"):
        if cls in reports["awal"]:
            cells = [f"{r[cls][0]:.1f} / {r[cls][1]:.1f}" for r in reports.values()]
            print(f"| {cls} | {reports['awal'][cls][2]} | " + " | ".join(cells) + " |")


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from awal.arabizi import ArabiziModel

    words = load_pairs("doda_words_dev.tsv")
    phrases = load_pairs("doda_sentences_dev.tsv")
    train, dev = grouped_split(words)
    rows = []

    shipped = ArabiziModel.default()
    w_acc, w_cer = score(shipped.transliterate([lat for lat, _ in words]), [a for _, a in words])
    phrase_out = shipped.transliterate([lat for lat, _ in phrases])
    p_acc, p_cer = score(phrase_out, [a for _, a in phrases])
    t = time.perf_counter()
    fitted = ArabiziModel.default().fit(train)
    fit_s = time.perf_counter() - t
    f_acc, f_cer = score(fitted.transliterate([lat for lat, _ in dev]), [a for _, a in dev])
    text = speed_words()
    wps = awal_words_per_second(text)
    rows.append(("awal shipped rules", f"{w_acc:.1f} / {w_cer:.1f}", f"{p_acc:.1f} / {p_cer:.1f}", f"{wps:,.0f}"))
    s_acc, s_cer = score(shipped.transliterate([lat for lat, _ in dev]), [a for _, a in dev])
    rows.append((f"awal fitted (80% split, {fit_s:.0f} s)", f"{f_acc:.1f} / {f_cer:.1f} (shipped on the same 20%: "
                 f"{s_acc:.1f} / {s_cer:.1f})", "", ""))

    peer = arabizikit_peer()
    if peer is None:
        print("(arabizikit not importable: peer row skipped)")
    else:
        k_acc, k_cer = score(peer([lat for lat, _ in words]), [a for _, a in words])
        kd_acc, kd_cer = score(peer([lat for lat, _ in dev]), [a for _, a in dev])
        kp_acc, kp_cer = score(peer([lat for lat, _ in phrases]), [a for _, a in phrases])
        kwps = words_per_second(peer, text)  # the same words as awal, one call a word
        rows.append(("arabizikit maghrebi", f"{k_acc:.1f} / {k_cer:.1f} (split {kd_acc:.1f} / {kd_cer:.1f})",
                     f"{kp_acc:.1f} / {kp_cer:.1f}", f"{kwps:,.0f}"))
        rows.append(("speed ratio awal / arabizikit (same words, same run)", "", "", f"{wps / kwps:.1f}x"))

    print(f"DODa dev: {len(words)} words (fitted: {len(train)} train / {len(dev)} test pairs,"
          f" grouped by Arabic form), {len(phrases)} phrases, speed on {len(text):,} words"
          f" ({len(set(text)):,} distinct) of doda_ongoing_dev.tsv, awal: median of 3 fresh models\n")
    print("| system | words acc / CER % | phrases acc / CER % | words/s |")
    print("|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")

    print(f"\nDODa dev phrases: the wrong ones by class (awal shipped rules, {len(phrases)} phrases)\n")
    print("| class | wrong words | in phrases | phrases with no other error |")
    print("|---|---|---|---|")
    for name, n_words, n_phrases, n_alone in phrase_errors(phrases, phrase_out):
        print(f"| {name} | {n_words or '-'} | {n_phrases} | {n_alone} |")

    gold = load_gold()
    systems = {"awal": shipped.transliterate}
    if peer is not None:
        systems["arabizikit"] = peer
    reports = {name: per_class(fn, gold) for name, fn in systems.items()}
    print(f"\nOur gold (data/samples/arabizi_gold.tsv, {len(gold)} sentences): word accuracy / CER % per error class\n")
    print("| class | words | " + " | ".join(reports) + " |")
    print("|---|---|" + "---|" * len(reports))
    for cls in (*ERROR_CLASSES, "all"):
        n = reports["awal"][cls][2]
        cells = [f"{r[cls][0]:.1f} / {r[cls][1]:.1f}" for r in reports.values()]
        print(f"| {cls} | {n} | " + " | ".join(cells) + " |")

    real_gold_report(systems)

    print("\nReal Latin Darija tweets (lid/ary_Latn.afrisenti.txt, no Arabic side): tokens per class, % as intended\n")
    print("| class | tokens | handled |")
    print("|---|---|---|")
    for name, n, pct in real_text_classes(shipped):
        print(f"| {name} | {n} | {pct:.1f}% |")


if __name__ == "__main__":
    main()
