"""The number reader's shared front (issue 18, round 4) gives what the plain reading gives: `_number` reads the
folded text, the unit at its end, the zero words and the number token once per (text, unit hint) and the text
around the number once per span, for the three number types; every result equals the reading from scratch."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.readers import read
from extractor.text.normalize import clean_text, fold
from extractor.text.values import (
    _CLOSING,
    _DIGIT_RE,
    _EDGE_RE,
    _MINUS_RE,
    _NUM_RE,
    Q_RANGE,
    Q_UNIT,
    Q_ZERO_SIGN,
    Q_ZERO_WORD,
    TYPES,
    ParsedValue,
    _empty,
    _fail,
    _fkey,
    _lexicon,
    _may_end_with_unit,
    _Notes,
    _number,
    _number_front,
    _number_rest,
    _residue,
    _take_unit,
    _ukey,
    _units,
    parse_value,
    read_number,
)

NUMBER_TYPES = ("integer", "decimal", "percent")
HINTS = [None, "chiếc", "%", "triệu đồng", "người", "đồng", "Mbps", "ngày", "máy"]


def _plain_number(text: str, type_: str, unit_hint: str | None) -> ParsedValue:
    """`_number` as it was: every type read from scratch."""
    lex = _lexicon()
    f = fold(clean_text(text))
    notes = _Notes()
    head, unit = f, None
    tail = _units(unit_hint).before.search(f)
    if tail is not None and tail.start() > 0:
        head, unit = f[:tail.start()].rstrip(" \t([/:"), _units(unit_hint).table[_ukey(tail.group(1))]
        if _units(unit_hint).expected not in (None, unit):
            notes.add("unit_mismatch", Q_UNIT)
    if _fkey(_EDGE_RE.sub("", head)) in lex.zero_words:
        if type_ != "integer":
            notes.add("zero_word", Q_ZERO_WORD)
        return notes.result(0 if type_ == "integer" else 0.0, unit)
    if "".join(head.split()) in lex.zero_signs:
        notes.add("zero_sign", Q_ZERO_SIGN)
        return notes.result(0 if type_ == "integer" else 0.0, unit)
    m = _NUM_RE.search(f)
    if m is None:
        return _fail("no_number")
    token, end = m.group(0), m.end()
    reading = read_number(token, type_)
    if reading is None and " " in token:
        token = token.split(" ")[0]
        end = m.start() + len(token)
        reading = read_number(token, type_)
    if reading is None:
        return _fail("bad_number")
    value, reason, quality = reading
    notes.add(reason, quality)
    prefix, suffix = f[:m.start()], f[end:]
    if _MINUS_RE.search(prefix):
        value, prefix = -value, prefix[:-1]
        notes.add("negative", Q_RANGE)
    unit, prefix, suffix = _take_unit(notes, prefix, suffix, type_, unit_hint)
    _residue(notes, prefix + " " + suffix, zero_value=value == 0)
    if type_ == "integer":
        if not float(value).is_integer():
            return _fail("not_integer", unit=unit)
        return notes.result(int(value), unit)
    value = float(value)
    if type_ == "percent" and not 0 <= value <= 100:
        notes.add("out_of_range_percent", Q_RANGE)
    return notes.result(value, unit)


def _outcome(read: Callable[[str, str, str | None], ParsedValue], text: str, type_: str, hint: str | None,
             ) -> tuple[object, ...]:
    """The reading and the type of its value, or the error raised (both readers raise ValueError on a digit
    `regex` knows and `int` does not, such as U+116D0: the same error either way)."""
    try:
        got = read(text, type_, hint)
    except ValueError as e:
        return ("raised", str(e))
    return got, type(got.value)


def _check(text: str, hint: str | None) -> None:
    for type_ in NUMBER_TYPES:
        expected = _outcome(_plain_number, text, type_, hint)
        assert _outcome(_number, text, type_, hint) == expected, (text, type_, hint)
        assert _outcome(_number, text, type_, hint) == expected, (text, type_, hint)  # now from memory


_PIECES = st.sampled_from(["0", "1", "12", "250", "1.250", "1,250", "12,5", "0,000", "3.125", "1 250", "2019 150",
                           " ", "  ", "-", "−", "- ", "(", ")", "/", ":", ".", ",", "…", "....", "%", " %", "chiếc",
                           "người", "triệu đồng", "đồng", "không", "Không", "có", "khoảng", "và", "x", "Mbps",
                           "ngày", "máy", "máy tính", "0 (không)", "tỷ lệ", "a", "\u00a0", "\u200b"])
_TEXTS = st.one_of(st.lists(_PIECES, max_size=8).map("".join), st.text(max_size=20))


@settings(max_examples=1500, deadline=None)
@given(_TEXTS, st.sampled_from(HINTS))
def test_number_front_equals_the_plain_reading(text: str, hint: str | None) -> None:
    _check(text, hint)


@settings(max_examples=300, deadline=None)
@given(_TEXTS, st.sampled_from(HINTS), st.sampled_from(TYPES))
def test_number_front_memory_does_not_leak_between_types(text: str, hint: str | None, type_: str) -> None:
    """One type read first, then the others: whichever type fills the memory, each gets its own reading."""
    _outcome(parse_value, text, type_, hint)
    _check(text, hint)


@functools.lru_cache(maxsize=1)
def _corpus_texts() -> list[str]:
    """Paragraph and cell texts of a few corpus returns, and their pieces between leaders and colons."""
    texts: set[str] = set()
    for path in sorted(Path("corpora/returns").glob("*.docx"))[::25][:12]:
        doc = read(path)
        for item in doc.items:
            rows = getattr(item, "rows", None)
            blocks = [item] if rows is None else [b for row in rows for cell in row for b in cell.blocks]
            for block in blocks:
                texts.add(block.text)
                for piece in block.text.replace("…", ".").replace(":", "....").split(".."):
                    texts.add(piece)
    return sorted(texts)


def test_number_front_on_corpus_texts() -> None:
    texts = _corpus_texts()
    assert len(texts) > 500
    _number_front.cache_clear()
    _number_rest.cache_clear()
    for text in texts:
        for hint in HINTS:
            _check(text, hint)


def _no_digit_premise(text: str) -> None:
    """`_date` and `_ratio` give up at once on a folded text without a digit: none of their patterns matches it."""
    f = fold(clean_text(text))
    if _DIGIT_RE.search(f) is None:
        lex = _lexicon()
        assert lex.date_re.search(f) is None and lex.ratio_re.search(f) is None and _NUM_RE.search(f) is None, f


@settings(max_examples=1500, deadline=None)
@given(_TEXTS)
def test_texts_without_a_digit_are_no_date_and_no_ratio(text: str) -> None:
    _no_digit_premise(text)
    if _DIGIT_RE.search(fold(clean_text(text))) is None and not _empty(text):
        assert parse_value(text, "date").reason == "no_date" and parse_value(text, "ratio").reason == "no_number"


def test_corpus_texts_without_a_digit_are_no_date_and_no_ratio() -> None:
    for text in _corpus_texts():
        _no_digit_premise(text)


def test_closing_characters_are_all_that_the_unit_pattern_takes_after_a_unit() -> None:
    """`_may_end_with_unit` strips `_CLOSING`: every character `\\s` matches is in it (else a unit followed by
    such a space would be missed)."""
    space = regex.compile(r"\s")
    missing = [hex(c) for c in range(sys.maxunicode + 1) if space.match(chr(c)) and chr(c) not in _CLOSING]
    assert missing == []


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(HINTS), _TEXTS, st.sampled_from(["", " ", ")", " :", "\u3000", "\n", "] ", "\u2028"]))
def test_may_end_with_unit_is_false_only_where_the_pattern_finds_none(hint: str | None, text: str, end: str) -> None:
    units = _units(hint)
    for key in [*list(units.table)[::7], ""]:
        s = fold(text) + key + end
        if not _may_end_with_unit(units, s):
            assert units.before.search(s) is None, s
