"""The slot finder's pattern shortcuts (issue 18, round 6) give what the patterns they stand for give: one look-ahead
for the first character before a pattern's alternatives (`ANCHORED_VALUE`, the spaced number, the answer word and
the zero sign after a colon), the qualifier pattern tried only on a text ending with `)`, leaders looked for only in
a text holding a dot, an ellipsis or an underscore, count-line boxes only in a text holding a box, the colon by `re`,
the heading pattern only on a text beginning as a heading can, the labelled-number pattern only with a colon."""

from __future__ import annotations

import sys

import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extractor import blanks, counts
from extractor.blanks import (
    _SPACED_NUMBER,
    ANCHORED_VALUE,
    LEADER,
    NUMBER,
    PHONE,
    QUALIFIER,
    _anchored_answer_word,
    _may_lead,
    _qualifier,
    _zero_sign_value,
    answer_words,
)
from extractor.model import CHECKED_BOX, EMPTY_BOX, UNKNOWN_BOX
from extractor.text.normalize import fold
from extractor.text.vocab import load_vocabulary

_PIECES = st.sampled_from(
    list("0123456789 .,;:()[]/%\t\n-–—=@_…abcdđhklmnoprtuvxyáàảãạăâêôơưĐÂKĐ\u0301\u0323\x1c\u00a0\u3000")
    + [" máy", " người", "là ", "Là", " = ", "khong", "không", "chua có", "co", "da cai dat", "yes", "roi", "x",
       "0257.3841 234", "(0299) 387 7990", "0911773136", "15/08/2019", "1.250", "85 %", "50 / 141/tháng",
       "1308 / 2053", "www.", "http://", "@so.vn", "…", "……", "..", "__", "(Cấp huyện)", "(ghi rõ)", ")  ", ") \n",
       "Tuy Hòa, ", "Điện thoại", ": ", ":-", ": --", ")—"])
_TEXT = st.lists(_PIECES, max_size=16).map("".join)
_EXAMPLES = ["Điện thoại cơ quan0972676431", "Tuy Hòa, 15/08/2019", "Tổng số:…..120…… người, Tỷ lệ: 85 %",
             "văn bản đi1308 / 2053/tháng", "Số điện thoại 0967011931", "Cán bộ phụ trách:Không có người   Kiêm: 5",
             "tính đến 1/10/2020:-dịch vụ", "(Cấp tỉnh)-- (Cấp huyện)…", "Khác (ghi rõ)  ", "đi là 1.250 văn bản"]


def _spans(pattern: regex.Pattern[str], text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]


def _plain_anchored_value() -> regex.Pattern[str]:
    return regex.compile(
        r"(?=[\d(])(?<=(?:[:)\]…\t]|\.\.)\s{0,3})"
        r"(?:\d{1,2}/\d{1,2}/\d{2,4}|" + PHONE + "|" + NUMBER + r"(?:\s?%)?(?:\s?/\s?" + NUMBER + r")?)"
        r"(?=\s*(?:$|[,;](?!\d)|[(\t…%]|\.\.|\.\s*$|\s\S)|\p{L}|/\p{Ll}{2})"
        r"|(?=[\d(])(?<=\p{L})(?:" + PHONE + r"|\d{1,2}/\d{1,2}/\d{4})"
        r"|(?=\d)(?<=,\s{0,3})\d{1,2}/\d{1,2}/\d{4}")


def _plain_spaced_number() -> regex.Pattern[str]:
    return regex.compile(
        r"(?=[\d(])(?<=\p{L}\)?[ \t]+(?:\S+[ \t]+)*?)(?:(?P<addr>" + PHONE + r")|" + NUMBER +
        r"(?:\s?%)?(?:\s?/\s?" + NUMBER + r")?)(?=[\s.,;%]|/\p{L}|$)"
        r"|(?=\d)(?<=\p{Ll})(?!\d{1,2}/(?:19|20)\d\d(?!\d))" + NUMBER + r"\s?/\s?" + NUMBER + r"(?=[\s.,;]|/\p{L}|$)")


def _plain_answer_word() -> regex.Pattern[str]:
    words = sorted(answer_words(), key=len, reverse=True)
    return regex.compile(r"(?<=:[ \t]{0,3})(?:" + "|".join(regex.escape(w) for w in words) + r")(?!\p{L})")


def _plain_zero_sign() -> regex.Pattern[str]:
    signs = "|".join(regex.escape(w) for w in sorted(load_vocabulary().zero_signs, key=len, reverse=True))
    return regex.compile(r"(?<=[:)]\s{0,3})(?<![\d\p{L}]\s{0,3}[-–—])(?:" + (signs or "(?!)") + r")"
                         r"(?![-–—\d])(?=\s{0,3}(?:$|[,;.(…\t]|\p{Ll}))")


_PLAIN = [(ANCHORED_VALUE, _plain_anchored_value()), (_SPACED_NUMBER, _plain_spaced_number()),
          (_anchored_answer_word(), _plain_answer_word()), (_zero_sign_value(), _plain_zero_sign())]


@settings(max_examples=3000, deadline=None)
@given(_TEXT)
def test_one_look_ahead_before_the_alternatives_finds_the_same_matches(text: str) -> None:
    for t in (text, fold(text)):
        for fast, plain in _PLAIN:
            assert _spans(fast, t) == _spans(plain, t)
    assert [m.group("addr") for m in _SPACED_NUMBER.finditer(text)] == \
        [m.group("addr") for m in _PLAIN[1][1].finditer(text)]


def test_one_look_ahead_on_the_examples() -> None:
    for text in _EXAMPLES:
        for t in (text, fold(text)):
            for fast, plain in _PLAIN:
                assert _spans(fast, t) == _spans(plain, t)
    assert _spans(ANCHORED_VALUE, "Tuy Hòa, 15/08/2019") == [(9, 19, "15/08/2019")]


def test_first_characters_of_no_words_or_an_empty_word_look_ahead_for_nothing() -> None:
    assert blanks._first_of([]) == "" and blanks._first_of(["a", ""]) == ""
    assert blanks._first_of(["-", "–", "]x"]) == "(?=[\\-\\]–])"


@settings(max_examples=3000, deadline=None)
@given(_TEXT)
@example("(Cấp huyện)\x1c")
@example("(ghi rõ) \n")
@example("(ab)\n\n")
def test_qualifier_is_the_pattern_search(text: str) -> None:
    got, want = _qualifier(text), QUALIFIER.search(text)
    assert (got and got.span()) == (want and want.span())


def test_what_the_qualifier_pattern_takes_for_space_str_rstrip_strips() -> None:
    space = regex.compile(r"\s")
    assert all(chr(c).isspace() for c in range(sys.maxunicode + 1) if space.match(chr(c)))


@settings(max_examples=3000, deadline=None)
@given(_TEXT)
def test_a_text_that_may_not_lead_has_no_leader(text: str) -> None:
    if not _may_lead(text):
        assert LEADER.search(text) is None
    assert blanks.has_leader.__wrapped__(text) == any(not blanks._is_ellipsis(text, m) for m in LEADER.finditer(text))


def test_count_boxes_are_the_three_box_characters() -> None:
    assert {chr(c) for c in range(sys.maxunicode + 1) if counts._BOX.match(chr(c))} == \
        {EMPTY_BOX, CHECKED_BOX, UNKNOWN_BOX}


@settings(max_examples=2000, deadline=None)
@given(_TEXT)
@example("http://a.vn: b")
@example("a:// b: c")
def test_colon_in_re_is_the_colon_in_regex(text: str) -> None:
    plain = regex.compile(r":(?!//)")
    assert [m.span() for m in blanks.COLON.finditer(text)] == [m.span() for m in plain.finditer(text)]


_HEAD_TEXT = st.tuples(st.sampled_from(["MỤC 2", "Mục II", "PHẦN 1", "Phần IV", "IV.", "I. ", "A. ", "H: ", "B.x", "X.",
                                        "Mục", "a. ", "1. ", "Đ. ", "\u00a0I.", "\x1cI."]),
                       _TEXT).map("".join)


@settings(max_examples=2000, deadline=None)
@given(st.one_of(_HEAD_TEXT, _TEXT))
def test_a_text_that_may_not_head_is_no_heading(text: str) -> None:
    from extractor.slots import HEADING, _may_head
    stripped = text.strip()
    if not _may_head(stripped):
        assert HEADING.match(stripped) is None


def test_heading_first_characters_over_every_character() -> None:
    """A heading's first character (after `\\s*`, which a stripped text leaves nothing to) is one of `_HEAD_STARTS`:
    every character followed by each alternative's continuations."""
    from extractor.slots import _HEAD_STARTS, HEADING
    tails = ["ỤC 2", "HẦN 2", "ục 2", "hần 2", ". "]
    found = {chr(c) for c in range(sys.maxunicode + 1) if not chr(c).isspace()
             and any(HEADING.match(chr(c) + t) for t in tails)}
    assert found <= _HEAD_STARTS


@settings(max_examples=2000, deadline=None)
@given(_TEXT)
def test_data_text_is_the_plain_test(text: str) -> None:
    from extractor import table_slots as T
    from extractor.slots import has_box
    plain = T._dotted(text) or has_box(text) or T._LABELLED_NUMBER.search(text) is not None
    assert T._data_text.__wrapped__(text) == plain
