"""The line splitter's shortcuts (issue 18, round 5) give what the patterns they stand for give: the unit at the end
of a value by a set look-up per unit length, the spaced-value and separator patterns skipped on a text that cannot
hold a match, and a unit looked for at the start of a text only when its first character begins one."""

from __future__ import annotations

import functools

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extractor import blanks
from extractor.blanks import (
    _DIGIT,
    _SEPARATOR,
    _SPACED_NUMBER,
    _SPACED_VALUE,
    _may_separate,
    _spaced_values,
    _unit_at,
    _unit_suffix,
    _unit_suffix_length,
    stable_units,
)
from extractor.catalogue import load_catalogue
from extractor.text.normalize import fold


@functools.lru_cache(maxsize=1)
def _units() -> tuple[str, ...]:
    return tuple(stable_units(load_catalogue().units))  # type: ignore[arg-type]


_ALPHABET = st.sampled_from(list("0123456789 .,;:()/%％\t-@abcdđhmnptvwxyáàảãạăâêôơưĐÂ\u0301\u0323ΣσİＡ한")
                            + [" máy", " người", " văn bản", " tr.đ", "www.", "http", "@so.vn", "   ", ", ", ". V"])
_TEXT = st.lists(_ALPHABET, max_size=14).map("".join)


@settings(max_examples=600, deadline=None)
@given(_TEXT)
@example("150 chiếc")
@example("12 tr.đ")
@example("50%")
@example("máy")
@example("x máy")
def test_unit_suffix_length_is_the_pattern_match(text: str) -> None:
    units = _units()
    folded = fold(text)
    m = _unit_suffix(units).search(folded)
    assert _unit_suffix_length(folded, units) == (len(m.group()) if m else 0)


@pytest.mark.parametrize("units", [("", "máy"), ("may", "")])
def test_unit_suffix_length_with_an_empty_unit_uses_the_pattern(units: tuple[str, ...]) -> None:
    for text in ("1 may", "1 ", "máy", ""):
        m = _unit_suffix(units).search(text)
        assert _unit_suffix_length(text, units) == (len(m.group()) if m else 0)


@settings(max_examples=600, deadline=None)
@given(_TEXT)
@example("Số điện thoại 0967011931")
@example("Thư điện tử abc@so.vn")
@example("Họ và tên Nguyễn Văn A")
def test_spaced_values_skip_only_texts_without_a_match(text: str) -> None:
    plain = _SPACED_VALUE if ("@" in text or "http" in text or "www." in text) else _SPACED_NUMBER
    assert [m.span() for m in _spaced_values(text)] == [m.span() for m in plain.finditer(text)]
    if _DIGIT.search(text) is None and "@" not in text and "http" not in text and "www." not in text:
        assert not list(_SPACED_NUMBER.finditer(text))


@settings(max_examples=600, deadline=None)
@given(_TEXT)
@example("a.  b")
@example("Ab. Cd")
def test_separator_prefilter_never_hides_a_match(text: str) -> None:
    if not _may_separate(text):
        assert _SEPARATOR.search(text) is None


def _plain_unit_at(body: str, units: tuple[str, ...]) -> int:
    """`_unit_at` as it was: the whole text folded, then the units of its first character."""
    low = fold(body)
    by_first = blanks._units_by_first(units)
    for ul in by_first.get(low[:1], by_first[""]):
        if low.startswith(ul) and (len(low) == len(ul) or not low[len(ul)].isalnum()):
            if blanks._NEXT_LABEL.match(body[len(ul):]):
                continue
            return len(ul)
    return 0


@settings(max_examples=600, deadline=None)
@given(_TEXT)
@example("\u0301máy")
@example("Σ")
@example("한 máy")
@example("người, Tỷ lệ: ")
def test_unit_at_first_character_test(text: str) -> None:
    units = _units()
    assert _unit_at(text, units) == _plain_unit_at(text, units)


def test_unit_at_with_an_empty_unit() -> None:
    units = ("", "máy")
    for text in ("máy", "z", ".", ""):
        assert _unit_at(text, units) == _plain_unit_at(text, units)


def _plain_masked(text: str) -> str:
    """`printed._masked` as it was: both substitutions on every line."""
    from extractor import printed

    masked = printed._MARKS.sub(printed._spaces, printed._LEADER.sub(printed._spaces, fold(text)))
    numbering = printed._NUMBERING.match(masked)
    return " " * numbering.end() + masked[numbering.end():] if numbering else masked


_LINE = st.lists(st.sampled_from(list("0123456789 .,;:()_-abcđĐáạ…‥⋯☐☒■✓\uf0a8\uf071") +
                                 ["……", "..", ". .", "1.2.", "a)", " - ", "Số máy", "tổng"]), max_size=14).map("".join)


@settings(max_examples=800, deadline=None)
@given(_LINE)
@example("1.2. Số máy: ……12…… máy")
@example("Có ☐ Không ☒")
@example("a)")
def test_masked_skips_only_substitutions_that_find_nothing(text: str) -> None:
    from extractor import printed

    printed._masked.cache_clear()
    assert printed._masked(text) == _plain_masked(text)


_DATE_LINE = st.lists(st.sampled_from(["ngày", "Ngày", "NGÀY", "tháng", "năm", " ", "……", "..", "12", "8", "2019",
                                       ",", "Tuy Hòa", "15/08/2019", "\t", "ngay", "x"]), max_size=10).map("".join)


@settings(max_examples=600, deadline=None)
@given(_DATE_LINE)
@example("……, ngày ...... tháng  8 năm 2019")
@example("Tuy Hòa, ngày 15 tháng 8 năm 2019")
def test_date_frames_skip_only_lines_without_a_day_word(text: str) -> None:
    folded = fold(text)
    plain = [m.span() for m in blanks._date_frame().finditer(folded)
             if blanks.LEADER.search(m.group().rstrip(" .…_")) or blanks._PLACE.search(text[:m.start()])]
    assert [m.span() for m in blanks._frames(text)] == plain


@settings(max_examples=400, deadline=None)
@given(_TEXT)
@example("(có/không) Không.")
def test_answer_after_bracket_needs_the_bracket(text: str) -> None:
    if ")" not in text:
        assert blanks._ANSWER_AFTER_BRACKET.search(text) is None


_OPTION_LINE = st.lists(st.sampled_from(["☐", "☒", "■", "X", "x", "[x]", "(x)", "✓", " ", "  ", "\t", "Có", "Không",
                                         "xã", "Đĩa CD", ":", "……", "Khác"]), max_size=10).map("".join)


@settings(max_examples=600, deadline=None)
@given(_OPTION_LINE)
@example("X Có   ☐ Không")
@example("Đĩa CD/DVD X")
@example("USB Box ☐  Đĩa CD/DVD ☐")
def test_tokens_ask_box_order_only_at_a_mark(text: str) -> None:
    """Which boxes follow their text is a property of the boxes alone: asked at the first mark, it is what it was
    before the loop (the loop turns marks into ticks and never touches a box)."""
    from extractor import options

    toks = options.tokens(text)
    first_pass = [("MARK", a, b) if kind == "TICK" else (kind, a, b) for kind, a, b in toks]
    assert options._boxes_follow_text(text, first_pass) == options._boxes_follow_text(text, toks)
