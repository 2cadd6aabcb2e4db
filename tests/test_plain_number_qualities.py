"""A number typed alone in ASCII is read once for the six types `matching._readable` tries (issue 18, round 11):
`values.plain_number_qualities` gives what the six `parse_value` calls give (the same types, in the same order,
with the same qualities), and None for any other text."""

from __future__ import annotations

import functools
import itertools
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import matching
from extractor.catalogue import load_catalogue
from extractor.printed import load_printed
from extractor.readers import read
from extractor.slots import find_slots
from extractor.text import values as V

TYPES = matching.CHECKED_TYPES


def _six_parses(text: str, types: tuple[str, ...] = TYPES) -> dict[str, float]:
    """The slow path: each type's `parse_value`, kept when it reads the text."""
    out = {}
    for t in types:
        parsed = V.parse_value(text, t)
        if parsed.ok:
            out[t] = parsed.quality
    return out


def _check(text: str, types: tuple[str, ...] = TYPES) -> bool:
    """Does the shortcut agree with the six parses (when it answers)? True when it answered."""
    got = V.plain_number_qualities(text, types)
    if got is None:
        return False
    want = _six_parses(text, types)
    assert got == want and list(got) == list(want), (text, got, want)
    return True


_GROUP = st.sampled_from(["0", "1", "00", "01", "10", "12", "31", "99", "100", "101", "125", "250", "500", "000",
                          "1250", "2020", "20", "5", "07"])
_SEP = st.sampled_from([".", ",", " "])
_TOKENS = st.tuples(_GROUP, st.lists(st.tuples(_SEP, _GROUP), max_size=4)).map(
    lambda t: t[0] + "".join(a + b for a, b in t[1]))


@settings(max_examples=600, deadline=None)
@given(_TOKENS)
def test_plain_numbers_read_as_the_six_parses(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789., %/-:", max_size=14))
def test_any_text_of_number_characters(text: str) -> None:
    _check(text)


def test_small_numbers_and_mark_shapes() -> None:
    texts = [str(n) for n in range(0, 1100)] + ["0" * k for k in range(1, 20)] + ["9" * k for k in range(1, 22)]
    heads = ["0", "1", "01", "12", "100", "250", "1000", "31", "1250"]
    tails = ["0", "1", "000", "250", "500", "2020", "20", "12", "5"]
    for a, sep, c in itertools.product(heads, ".,  ", tails):
        texts += [a + sep + c, a + sep + c + "." + c, a + sep + c + "," + c, a + "." + c + "." + c]
    answered = sum(map(_check, texts))
    assert answered > len(texts) // 2


def test_random_digit_and_mark_strings() -> None:
    rng = random.Random(11)
    answered = 0
    for n in range(1, 13):
        for _ in range(1500):
            answered += _check("".join(rng.choice("0123456789.,  ") for _ in range(n)))
    assert answered > 1000


def test_other_texts_are_left_to_the_parses() -> None:
    for text in ["", " 12", "12 ", "12%", "12 %", "-5", "1/2", "1.2.2020", "\u0661\u0662", "１２", "12a", "1..2",
                 "1,,2", "1 2", "2019 150", "1" * 19, "1.250.000.000.000.0", "12\n", "1\u00a0250"]:
        got = V.plain_number_qualities(text, TYPES)
        if got is not None:  # (the shapes it takes: still equal to the parses)
            assert got == _six_parses(text), text
    assert V.plain_number_qualities("12%", TYPES) is None
    assert V.plain_number_qualities("1" * 19, TYPES) is None
    assert V.plain_number_qualities("\u0661\u0662", TYPES) is None
    assert V.plain_number_qualities("12", ("integer", "text")) is None  # a type it does not read


def test_dates_with_dots_are_read_by_the_date_parse() -> None:
    for text in ["1.2.2020", "12.5.20", "31.12.1999", "1.250", "12.5,20"]:
        _check(text)
    assert "date" in V.plain_number_qualities("1.2.2020", TYPES)


def test_subsets_and_orders_of_types() -> None:
    for types in [("integer",), ("boolean", "integer"), ("date", "percent"), TYPES[::-1]]:
        for text in ["0", "1", "101", "1.250", "12,5", "1 250", "1.2.2020", "250,5"]:
            _check(text, types)


def test_the_shipped_words_keep_plain_numbers_apart() -> None:
    """The shortcut is on with the shipped patterns (no unit, zero, boolean, ratio or month word of digits)."""
    assert V._plain_numbers_apart()


def test_off_when_a_word_could_be_found_in_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(V, "_plain_numbers_apart", lambda: False)
    assert V.plain_number_qualities("12", TYPES) is None
    matching._readable.cache_clear()
    try:
        assert matching._readable("12") == _six_parses("12")
    finally:
        matching._readable.cache_clear()


@functools.lru_cache(maxsize=1)
def _corpus_raws() -> list[str]:
    """What was typed in the slots of a sample of corpus returns."""
    cat, printed = load_catalogue(), load_printed()
    raws: set[str] = set()
    for folder in ("returns", "returns_more", "legacy/returns"):
        for path in sorted(Path("corpora", folder).glob("*.docx"))[::4]:
            raws.update(s.raw for s in find_slots(read(path), cat.units, printed) if s.raw)
    return sorted(raws)


def test_corpus_raw_values() -> None:
    raws = _corpus_raws()
    assert len(raws) > 500
    assert sum(map(_check, raws)) > 100
    matching._readable.cache_clear()
    try:
        for raw in raws:
            assert matching._readable(raw) == _six_parses(raw), raw
    finally:
        matching._readable.cache_clear()
