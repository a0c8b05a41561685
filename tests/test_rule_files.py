"""Malformed, hostile or odd profile files: a clear RuleError naming file, rule and key, never a hang."""

from __future__ import annotations

import os
import threading

import pytest

import awal
from awal import Normalizer, RuleError
from forking import in_forked_child


def profile(tmp_path, text):
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("limit", [2**63 - 1, 10**20, 0, -1])
def test_collapse_limit_out_of_range(tmp_path, limit):
    path = profile(tmp_path, f'[[rule]]\nname = "long"\nkind = "collapse"\nlimit = {limit}\n')
    with pytest.raises(RuleError, match=rf"{path}:1 \(rule 'long'\): .*'limit'.* from 1 to"):
        Normalizer.from_file(path)


def test_largest_collapse_limit_runs_fast(tmp_path):
    path = profile(tmp_path, f'[[rule]]\nname = "long"\nkind = "collapse"\nlimit = {2**30}\n')
    assert Normalizer.from_file(path)("aaaa" * 10) == "aaaa" * 10  # no loop up to the limit


def test_exponential_expansion_is_refused(tmp_path):
    rules = "".join(f'[[rule]]\nname = "double{i}"\nkind = "map"\nmap = {{ "a" = "aa" }}\n\n' for i in range(40))
    path = profile(tmp_path, rules)
    with pytest.raises(RuleError, match=r"p\.toml:\d+ \(rule 'double1[23]'\): after rules .* more than 4096 characters"):
        Normalizer.from_file(path)("a")


def test_a_few_doublings_still_work(tmp_path):
    rules = "".join(f'[[rule]]\nname = "double{i}"\nkind = "map"\nmap = {{ "a" = "aa" }}\n\n' for i in range(5))
    assert Normalizer.from_file(profile(tmp_path, rules))("a") == "a" * 32


@pytest.mark.parametrize("shape", ["x = " + "[" * 5000 + "]" * 5000, "x = " + "{a = " * 3000 + "1" + "}" * 3000])
def test_deep_nesting(tmp_path, shape):
    path = profile(tmp_path, shape + "\n")
    with pytest.raises(RuleError, match=str(path)):
        Normalizer.from_file(path)


@pytest.mark.parametrize(
    "text, key, expected",
    [
        ('extends = ["default"]\n', "extends", "a string"),
        ("drop = 5\n", "drop", "a list of strings"),
        ('drop = [1]\n', "drop", "a list of strings"),
        ("description = 3\n", "description", "a string"),
        ('insert_before = true\n', "insert_before", "a string"),
        ('[[rule]]\nname = "x"\nkind = "delete"\nchars = 5\n', "chars", "a string or a list"),
        ('[[rule]]\nname = "x"\nkind = "collapse"\nlimit = "2"\n', "limit", "a whole number"),
        ('[[rule]]\nname = "x"\nkind = "collapse"\nlimit = true\n', "limit", "a whole number"),
        ('[[rule]]\nname = "x"\nkind = "collapse"\nlimit = 2.5\n', "limit", "a whole number"),
        ('[[rule]]\nname = "x"\nkind = "map"\nmap = { a = "b" }\nlossy = "yes"\n', "lossy", "true or false"),
        ('[[rule]]\nname = "x"\nkind = "map"\nmap = "ab"\n', "map", "a table"),
        ('[[rule]]\nname = 7\nkind = "nfc"\n', "name", "a string"),
        ('[[rule]]\nname = "x"\nkind = "context"\nmap = { a = "b" }\nnext = ["letter"]\n', "next", "a string"),
    ],
)
def test_wrong_types_name_file_key_and_type(tmp_path, text, key, expected):
    path = profile(tmp_path, text)
    with pytest.raises(RuleError) as e:
        Normalizer.from_file(path)
    message = str(e.value)
    assert str(path) in message and repr(key) in message and expected in message, message


def test_extends_unknown_profile_suggests(tmp_path):
    path = profile(tmp_path, 'extends = "defualt"\n')
    with pytest.raises(RuleError, match=rf"{path}:1: extends: unknown profile 'defualt'; did you mean 'default'"):
        Normalizer.from_file(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "profile.toml"
    os.mkfifo(fifo)
    result: list[BaseException] = []

    def load():
        try:
            Normalizer.from_file(fifo)
        except BaseException as e:  # noqa: BLE001 - reported to the main thread
            result.append(e)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # unblock it, then fail
        with open(fifo, "w"):
            pass
        pytest.fail("Normalizer.from_file blocked on a FIFO")
    assert isinstance(result[0], RuleError) and "not a regular file" in str(result[0])


def test_folder_is_refused(tmp_path):
    with pytest.raises(RuleError, match="not a regular file|cannot read"):
        Normalizer.from_file(tmp_path)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: awal.normalize("x", "serch"), "did you mean 'search'"),
        (lambda: awal.Normalizer("defualt"), "did you mean 'default'"),
        (lambda: awal.transliterate("x", "ar2bww"), "did you mean 'ar2bw'"),
        (lambda: awal.Transliterator("tfng2lat"), "did you mean 'tfng2latn'"),
    ],
)
def test_unknown_names_suggest_close_ones(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_fork_while_another_thread_compiles():
    stop = threading.Event()

    def compile_forever():
        while not stop.is_set():
            Normalizer("search")("x")  # a fresh Normalizer: compiles its passes

    worker = threading.Thread(target=compile_forever, daemon=True)
    worker.start()
    try:
        for _ in range(5):  # the child compiles too, then leaves at once
            in_forked_child(lambda: Normalizer("search")("ﻻ"))
    finally:
        stop.set()
        worker.join()


def test_unknown_rule_in_drop_suggests(tmp_path):
    path = profile(tmp_path, 'extends = "default"\ndrop = ["tatwel"]\n')
    with pytest.raises(RuleError, match=rf"{path}: no rule 'tatwel' in the base profile; did you mean 'tatweel'\?"):
        Normalizer.from_file(path)


def test_nesting_is_refused_before_parsing_and_brackets_in_strings_do_not_count(tmp_path):
    from awal.rules import MAX_NESTING, parse_profile

    deep = "a = " + "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1) + "\n"
    with pytest.raises(RuleError, match=rf"deep\.toml: arrays or tables nested more than {MAX_NESTING} deep"):
        parse_profile(deep, "deep.toml")
    quoted = '[[rule]]\nname = "x"\nkind = "delete"\nchars = "' + "[" * 100 + '"  # ' + "{" * 100 + "\n"
    assert parse_profile(quoted, "quoted.toml")[1][0].name == "x"
