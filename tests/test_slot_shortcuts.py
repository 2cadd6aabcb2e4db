"""The slot finder's first-sight shortcuts (issue 18, round 4) give what the plain computations give: the option
tokens read at the few characters that can start a token, the printed-line key positions read a word at a time,
printed heads looked up only at the lengths of the heads that begin like the line, units tried only when they
begin with the text's first letter."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import blanks, options
from extractor import printed as printed_module
from extractor.blanks import _unit_at, stable_units
from extractor.options import BOX_STATES, _is_mark, _marks, tokens
from extractor.printed import (
    _KEPT_RUN,
    Blank,
    Printed,
    _blank,
    _Boundaries,
    _fits,
    _masked,
    _match,
    _positions,
    build,
    line_key,
)
from extractor.text.normalize import fold
from tests.test_slots import UNITS

_KEPT = regex.compile(_KEPT_RUN.pattern[:-1])  # one kept character


def _plain_tokens_loop(text: str) -> list[tuple[str, int, int]]:
    """The first pass of `tokens` as it was: every character looked at."""
    out: list[tuple[str, int, int]] = []
    start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        width = 3 if ch in "[(" and i + 2 < len(text) and text[i + 2] == {"[": "]", "(": ")"}[ch] \
            and text[i + 1].lower() in _marks() else 1
        kind = "BOX" if ch in BOX_STATES else "MARK" if width == 3 or _is_mark(text, i) else None
        if kind is None:
            i += 1
            continue
        if start < i:
            out.append(("TEXT", start, i))
        out.append((kind, i, i + width))
        start = i = i + width
    if start < len(text):
        out.append(("TEXT", start, len(text)))
    return out


_CHARS = st.sampled_from(list("xXvV✓✔☐☒▢[]() \tabcÝđĐăâơưếà.…:;,1203") + ["İ", "Σ", "ß", "ﬁ"])
_LINES = ["☐ Có ☒ Không", "Câu hỏi: ☐ Có ☐x Không", "X Có   ☐ Không", "☐ Có\t[x] Không", "Đĩa CD/DVD X",
          "☐Xây dựng", "x☐ Có", "☐xKhông", "(x) Khác", "Xã Vĩnh Xuân: vv", "ΣΣ x Σ", "İx ☐ Có", ""]


@settings(max_examples=400, deadline=None)
@given(st.lists(_CHARS, max_size=24).map("".join))
def test_tokens_first_pass_looks_at_every_possible_token_start(text: str) -> None:
    # the second pass only turns some MARKs into TICKs
    assert [(k if k != "TICK" else "MARK", a, b) for k, a, b in tokens(text)] == _plain_tokens_loop(text)


def test_tokens_of_typical_lines_equal_the_character_loop() -> None:
    for text in _LINES:
        assert [(k if k != "TICK" else "MARK", a, b) for k, a, b in tokens(text)] == _plain_tokens_loop(text), text


def test_stop_characters_cover_every_character_that_lower_cases_to_a_mark_or_is_a_box() -> None:
    """Over all of Unicode: a character `tokens` must look at is found by the regex on the lower-cased text."""
    pattern = options._stop_chars()
    for cp in range(0x110000):
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF:
            continue
        low = ch.lower()
        if ch in BOX_STATES or ch in "[(" or low in _marks():
            assert len(low) != 1 or pattern.fullmatch(low), hex(cp)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("Số máy tính: …… ☐ 1. a) - (Cấp tỉnh) đ Đ\t.,;_‥") + ["\uf0a8"]), max_size=30)
       .map("".join))
def test_key_positions_by_words_equal_the_character_positions(text: str) -> None:
    pos = _positions(text)
    assert pos == [m.start() for m in _KEPT.finditer(_masked(text))]
    assert "".join(_masked(text)[p] for p in pos) == line_key(text)


_PRINTED_LINES = ["Số máy tính: ……… chiếc", "Số máy tính để bàn: ……… chiếc, xách tay: ……… chiếc", "Họ và tên: ………",
                  "Họ và tên người báo cáo: ……… Chức vụ: ………", "Số máy chủ đang sử dụng: ……… máy",
                  "Tổng số cán bộ: ……… người, trong đó nữ: ……… người", "Thư điện tử: ………", "ADSL: ……",
                  "Kính gửi: Sở Thông tin và Truyền thông"]


def _plain_align(printed: Printed, text: str, spaced: bool = False) -> list[Blank] | None:
    """`Printed._align` as it was: every head length tried."""
    key, pos = line_key(text), _positions(text)
    if key[:4] not in printed.starts:
        return None
    for n in printed.head_lengths:
        if n > len(key):
            continue
        for pieces in printed.heads.get(key[:n]) or ():
            found = _match(key, pieces, _Boundaries(text, pos))
            if found is None:
                continue
            blanks = [_blank(text, pos, a, b) for a, b in found]
            if all(_fits(text, b, spaced) for b in blanks):
                return blanks
    return None


def test_head_lengths_by_start_are_those_of_the_heads_that_begin_so() -> None:
    printed = build(_PRINTED_LINES)
    for start, lengths in printed.starts.items():
        assert list(lengths) == sorted({len(h) for h in printed.heads if h[:4] == start}, reverse=True)
    assert set(printed.starts) == {h[:4] for h in printed.heads}


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_PRINTED_LINES), st.sampled_from(["", "12", "Nguyễn Văn A", " 5 ", "abc@x.vn"]),
       st.sampled_from(["", "……", ": ", " "]), st.booleans())
def test_align_over_the_heads_that_begin_like_the_line_equals_every_head(line: str, value: str, glue: str,
                                                                          spaced: bool) -> None:
    printed = build(_PRINTED_LINES)
    text = line.replace("………", glue + value, 1)
    assert printed._align(text, spaced) == _plain_align(printed, text, spaced)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["", " ", "người", "Người, Tỷ lệ", "máy chủ", "%", "/tháng", "văn bản/tháng", "x", "đ"]),
       st.sampled_from(["", " ", ",", "a", ":", " Tỷ lệ: 5"]))
def test_units_by_first_letter_equal_the_loop_over_every_unit(head: str, tail: str) -> None:
    units = stable_units(tuple(UNITS))
    assert _unit_at(head + tail, units) == _unit_at(head + tail, list(units))


def test_units_by_first_letter_keep_an_empty_unit_everywhere() -> None:
    units = stable_units(("người", "", "máy"))
    for body in ("máy", "người", "x", ""):
        assert _unit_at(body, units) == _unit_at(body, list(units))


def _plain_spans(text: str, units: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """`blanks._spans` as it was: every value pattern run over every line."""
    spans = [(m.start(), m.end(), "leader") for m in blanks.LEADER.finditer(text) if not blanks._is_ellipsis(text, m)]
    plain_anchored = regex.compile(blanks.ANCHORED_VALUE.pattern.replace("(?=[\\d(])", "").replace("(?=\\d)", ""))
    found = [*plain_anchored.finditer(text), *blanks._after_anchor_word().finditer(text),
             *blanks._answer_words_after_colon(text, units), *blanks._zero_sign_value().finditer(text)]
    for m in found:
        if not any(a <= m.start() < b for a, b, _ in spans):
            spans.append((m.start(), m.end(), "value"))
    return sorted(spans)


_VALUE_LINES = ["Số máy tính: 12 chiếc", "Tổng số:…..120…… người, Tỷ lệ: 85 %", "Điện thoại cơ quan0972676431",
                "Tuy Hòa, 15/08/2019", "Cán bộ phụ trách:Không có người      Cán bộ kiêm nhiệm:…5…người",
                "(Cấp tỉnh)-- (Cấp huyện)……", "tính đến 1/10/2020:-dịch vụ", "Số lượng là 15 máy", "Ghi chú: - Các …",
                "(0299) 387 7990", "Số văn bản: 50 / 141/tháng", "Không có", "", "Thư điện tử: abc@x.gov.vn"]
_VALUE_PIECES = st.sampled_from(["Số máy", " ", ":", "…", "..", ")", "(", ",", "12", "0257 3 842 554", "15/08/2019",
                                 "Không", "có", "-", "%", "/", "người", "\t", "là", "x", "A"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_VALUE_PIECES, max_size=10).map("".join))
def test_value_spans_skip_only_patterns_that_cannot_match(text: str) -> None:
    units = stable_units(tuple(UNITS))
    assert blanks._spans(text, units) == _plain_spans(text, units)


def test_value_spans_of_typical_lines_equal_every_pattern_run() -> None:
    units = stable_units(tuple(UNITS))
    for text in _VALUE_LINES:
        assert blanks._spans(text, units) == _plain_spans(text, units), text


def test_only_a_colon_folds_to_a_colon_and_a_comma_to_a_comma() -> None:
    """The answer-word pattern looks for a colon in the folded line, the sub-label pattern for a comma: a line with
    no colon (comma) has none folded, nor decomposed."""
    for cp in range(0x110000):
        if not 0xD800 <= cp <= 0xDFFF:
            folded = fold.__wrapped__(chr(cp))
            assert ":" not in folded or chr(cp) == ":", hex(cp)
            assert "," not in folded or chr(cp) == ",", hex(cp)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Trình độ", ": ", "……", "Đại học", ", chuyên ngành", "CNTT", " ", ",", "5"]),
                max_size=8).map("".join))
def test_a_line_without_a_comma_splits_the_same_without_sub_labels(text: str) -> None:
    units = stable_units(tuple(UNITS))
    subs = frozenset({"chuyen nganh"})
    assert blanks.split_line(text, units, sub_labels=subs) == blanks._split_line(text, units, sub_labels=subs)


_SPACED_LINES = ["Số điện thoại 0967011931", "Số lao động hợp đồng 68 29", "… tính đến 1/10/2020 190 dịch vụ",
                 "Thư điện tử lên hệ thuyh@soctrang.gov.vn", "Trang web www.soctrang.gov.vn", "Cổng http://a.vn/x 5",
                 "… văn bản đi1308 / 2053/tháng", "… quý 3/2019", "Điện thoại (0299) 387 7990 - 0902 642 322",
                 "Số CCVC (người) 67", "abc@x.vn 12", "Tỷ lệ 85 %", "Số 1.250,5 triệu"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Số", "máy", " ", "\t", "12", "0967011931", "(0299) 387 7990", "a@b.vn", "www.",
                                 "http://", "x", "/", "%", ".", ",", ")", "3/2019", "đi1308 / 2053"]), max_size=10)
       .map("".join))
def test_spaced_values_without_an_address_pattern_equal_the_full_pattern(text: str) -> None:
    def spans(ms: object) -> list[tuple[tuple[int, int], str | None]]:
        return [(m.span(), m.group("addr")) for m in ms]  # type: ignore[attr-defined]

    plain = regex.compile(blanks._SPACED_VALUE.pattern.replace("(?=\\d)", ""))  # the pattern as it was
    assert "(?=" not in plain.pattern.split("(?P<addr>")[0]
    assert spans(blanks._spaced_values(text)) == spans(plain.finditer(text))
    for line in _SPACED_LINES:
        assert spans(blanks._spaced_values(line)) == spans(plain.finditer(line)), line


def test_noise_characters_deleted_are_those_the_noise_pattern_matches() -> None:
    for cp in range(0x110000):
        if not 0xD800 <= cp <= 0xDFFF:
            assert (printed_module._NOISE.fullmatch(chr(cp)) is not None) == (cp in printed_module._NOISE_DELETED)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("Số máy: …… ☐ 1. a) - (Cấp) \t.,;_\"'“”?![]\\•+*—–\u00a0\n") + ["ab", "12"]),
                max_size=30).map("".join))
def test_line_key_by_translate_equals_the_noise_regex(text: str) -> None:
    assert line_key.__wrapped__(text) == printed_module._NOISE.sub("", _masked(text))


def test_sub_labels_of_one_length_keep_the_row_order() -> None:
    """`Khac:` and `Khác:` in two cells of a row: the first cell's label comes first, whatever the string hashing."""
    from extractor.table_slots import _sub_labels_of

    units = stable_units(tuple(UNITS))
    for first, second in (("Khac", "Khác"), ("Khác", "Khac")):
        assert _sub_labels_of((f"{first}:......23.......", f"{second}:…………74,1…….."), units) == (first, second)
