"""Blanks in paragraphs (layout `line`) read the way clerks fill them: one test per clerk habit of
`corpora/habits.yaml` that lands on a paragraph line (issue 15). Printed lines are built here, not loaded, so each
test shows the printed form it reads against."""

from __future__ import annotations

from typing import Any

import pytest

from extractor.catalogue import load_catalogue
from extractor.model import Block, Cell, Document, Source, Table
from extractor.printed import build
from extractor.slots import Slot, find_slots

UNITS = load_catalogue().units

PRINTED_LINES = [
    "3. Trình độ chuyên môn (ghi rõ số lượng vào ô tương ứng):",
    "Thạc sỹ: \t\t ☐ Chuyên trách  ☐ Phụ trách  ☐ Kiêm nhiệm",
    "Đại học: \t\t ☐ Chuyên trách  ☐ Phụ trách  ☐ Kiêm nhiệm",
    "- Ứng dụng một cửa điện tử: ☐ Có ☐ Không",
    "- Tổng số hồ sơ tiếp nhận (tính từ 1/10/2019-1/10/2020):…………hồ sơ",
    "+ Tổng số văn bản đi thống kê trên phần mềm QLVB:…............... văn bản. (Văn bản ký số phát hành)",
    "Họ và tên:…………………………….",
    "Ghi chú: Số liệu phần này tính đến 1/10/2020",
]
PRINTED = build(PRINTED_LINES)


def doc(*texts: str) -> Document:
    blocks = [Block(t, location={"part": "body", "block": n}) for n, t in enumerate(texts)]
    return Document(Source("mini.docx", "0" * 64, "docx"), list(blocks))


def slots(*texts: str) -> list[Slot]:
    return find_slots(doc(*texts), UNITS, PRINTED)


def brief(found: list[Slot], *keys: str) -> list[tuple[Any, ...]]:
    return [tuple(getattr(s, k) for k in keys) for s in found]


# -- count boxes: a number typed against a printed box ------------------------------------------------------
TONED = [("Chuyên trách", "Thạc sỹ", "3"), ("Phụ trách", "Thạc sỹ", "0"), ("Kiêm nhiệm", "Thạc sỹ", "1")]


@pytest.mark.parametrize(("line", "expected"), [
    ("Thạc sỹ: \t\t ☐3 Chuyên trách  ☐0 Phụ trách  ☐1 Kiêm nhiệm", TONED),  # after the box
    ("Thạc sỹ: \t\t 3☐ Chuyên trách  0☐ Phụ trách  1☐ Kiêm nhiệm", TONED),  # before it
    ("Thạc sỹ: \t\t 3 Chuyên trách  ☐0 Phụ trách  1 Kiêm nhiệm", TONED),  # over it (the box replaced)
    ("Thạc sỹ 3 Chuyên trách  0 Phụ trách  1 Kiêm nhiệm", TONED),  # boxes and colon deleted
    ("Thac sy:\t\t ☐3 Chuyen trach  ☐0 Phu trach  ☐1 Kiem nhiem",  # typed without tones
     [("Chuyen trach", "Thac sy", "3"), ("Phu trach", "Thac sy", "0"), ("Kiem nhiem", "Thac sy", "1")]),
])
def test_counts_typed_against_printed_boxes(line: str, expected: list[tuple[str, str, str]]) -> None:
    found = slots(line)
    assert {s.kind for s in found} == {"blank"}
    assert brief(found, "label", "column", "raw") == expected


def test_a_zero_word_and_an_empty_box_among_counts() -> None:
    found = slots("Đại học: \t\t ☐không có Chuyên trách  không có☐ Phụ trách  ☐ Kiêm nhiệm")
    assert brief(found, "label", "column", "raw") == [("Chuyên trách", "Đại học", "không có"),
                                                      ("Phụ trách", "Đại học", "không có"),
                                                      ("Kiêm nhiệm", "Đại học", None)]


@pytest.mark.parametrize("line", ["- Ứng dụng một cửa điện tử: ☒ Có ☐ Không",
                                  "Thạc sỹ: \t\t ☒ Chuyên trách  ☐ Phụ trách  ☐ Kiêm nhiệm",
                                  "Thạc sỹ: \t\t ☐ Chuyên trách  ☐ Phụ trách  ☐ Kiêm nhiệm"])
def test_ticked_or_untouched_box_lines_stay_checkbox_groups(line: str) -> None:
    assert [s.kind for s in slots(line)] == ["choice"]


# -- next_line: the value on the paragraph under an empty blank ---------------------------------------------
@pytest.mark.parametrize("value", ["25,538", "4 283", "36 %", "Phần mềm quản lý cấp phép xây dựng"])
def test_value_on_the_next_line_after_a_blank_followed_by_a_unit(value: str) -> None:
    found = slots("- Tổng số hồ sơ tiếp nhận (tính từ 1/10/2019-1/10/2020):…………hồ sơ", value)
    assert brief(found, "raw", "unit_text") == [(value, "hồ sơ")]


def test_value_on_the_next_line_after_a_blank_followed_by_printed_words() -> None:
    line = "+ Tổng số văn bản đi thống kê trên phần mềm QLVB:…............... văn bản. (Văn bản ký số phát hành)"
    found = slots(line, "53")
    assert [s.raw for s in found] == ["53"]


def test_next_line_is_not_printed_words_nor_a_filled_blank() -> None:
    assert slots("Họ và tên:…………………………….", "Ghi chú: Số liệu phần này tính đến 1/10/2020")[0].raw is None
    found = slots("Họ và tên: Nguyễn Văn A ……", "Trần Thị B")
    assert found[0].raw == "Nguyễn Văn A" and all(s.raw != "Trần Thị B" for s in found[:1])


def test_counts_on_a_reworded_line_no_printed_line_needed() -> None:
    found = slots("Tiến sĩ (TS): \t\t ☐0 Chuyên trách CNTT  2☐ Phụ trách  ☐Không có Kiêm nhiệm")
    assert brief(found, "label", "column", "raw") == [("Chuyên trách CNTT", "Tiến sĩ (TS)", "0"),
                                                      ("Phụ trách", "Tiến sĩ (TS)", "2"),
                                                      ("Kiêm nhiệm", "Tiến sĩ (TS)", "Không có")]


@pytest.mark.parametrize("line", ["x☐ Đã triển khai\t☐ Chưa triển khai",  # a tick and options starting with a zero word
                                  "Tốc độ đường truyền: ☐ 10 Mbps ☐ 20 Mbps",  # numbered options (units)
                                  "Thạc sĩ (TS): \t\t x☐ Chuyên trách  ☐ Phụ trách"])
def test_reworded_option_lines_are_not_count_boxes(line: str) -> None:
    assert {s.kind for s in slots(line)} <= {"choice"}


# -- before_short_leader / after_leader on a reworded line (no printed line to read it by) --------------------
@pytest.mark.parametrize(("line", "raw"), [
    ("1. Tên Sở, ban, ngành: Sở Tài chính ……", "Sở Tài chính"),  # value, a space, a shortened dot run
    ("d. Quản lý công tác thi đua (có/không): Có ……", "Có"),
    ("- Cơ quan đã có mạng LAN hay chưa (có/không): …...............Không.", "Không"),  # after the dots
    ("b. Phần mềm kế toán (có/không): ………………..chưa có", "chưa có"),
    ("5. Thư điện tử liên hệ: ……abc@sotttt.gov.vn", "abc@sotttt.gov.vn"),
])
def test_a_value_beside_the_dots_of_a_reworded_line(line: str, raw: str) -> None:
    assert [s.raw for s in slots(line)] == [raw]


def test_printed_words_after_the_dots_are_not_a_value() -> None:
    (slot,) = slots("- Tổng số hồ sơ tiếp nhận (tính từ 1/10/2019-1/10/2020):…………hồ sơ")
    assert (slot.raw, slot.unit_text) == (None, "hồ sơ")


@pytest.mark.parametrize(("text", "raw", "unit"), [
    ("43 ….... máy", "43", "máy"), ("101,7 ……triệu đồng", "101,7", "triệu đồng"), ("0 ....", "0", None)])
def test_a_number_typed_before_the_dots_that_start_a_cell(text: str, raw: str, unit: str | None) -> None:
    assert brief(slots(text), "raw", "unit_text") == [(raw, unit)]


def test_a_short_typed_word_after_the_dots_is_never_silently_dropped() -> None:
    # "Đã gửi" is a piece of some printed line's words, but a short one: typed text to review, not printed words
    printed = build(["Đã gửi báo cáo kèm theo"])
    (slot,) = find_slots(doc("Ghi chú khác: …… Đã gửi"), UNITS, printed)
    assert slot.extra == "Đã gửi"


# -- phone_formatted, address_house_number ------------------------------------------------------------------
@pytest.mark.parametrize(("line", "raws"), [
    ("Số điện thoại liên lạc:(0257) 3.840.392", ["(0257) 3.840.392"]),
    ("4. Điện thoại cố định: 0257 3 842 554 - 0902 642 322\t\t\tĐiện thoại di động: 0299 3 872 157",
     ["0257 3 842 554 - 0902 642 322", "0299 3 872 157"]),
    ("3. Điện thoại cơ quan0990.366.766 DĐ: (0257) 3.823.941", ["0990.366.766", "(0257) 3.823.941"]),
])
def test_phones_in_every_format_are_kept_whole(line: str, raws: list[str]) -> None:
    assert [s.raw for s in slots(line)] == raws


@pytest.mark.parametrize(("line", "raw"), [
    ("3. Địa chỉ trụ sở cơ quan: …....168 Lê Duẩn, phường 9, TP. Tuy Hòa......", "168 Lê Duẩn, phường 9, TP. Tuy Hòa"),
    ("3. Địa chỉ cơ quan: …..18, Hùng Vương, phường 7, tỉnh Phú Yên........", "18, Hùng Vương, phường 7, tỉnh Phú Yên"),
])
def test_an_address_after_a_house_number_inside_the_dots_is_one_value(line: str, raw: str) -> None:
    assert [s.raw for s in slots(line)] == [raw]


def test_sub_labels_after_a_typed_number_still_split_the_line() -> None:
    found = slots("Thạc sỹ: ……2…… Phụ trách ……3……")
    assert brief(found, "label", "raw") == [("Thạc sỹ", "2"), ("Phụ trách", "3")]
    assert [s.raw for s in slots("+ Trình độ:……Kỹ sư……, chuyên ngành……")] == ["Kỹ sư", None]


# -- qualifier lines under their question --------------------------------------------------------------------
@pytest.mark.parametrize("line", ["(Cấp tỉnh)10 (Cấp huyện)…144……… (Cấp xã)…......151.........",
                                  "(Cấp tỉnh)……10………….. (Cấp huyện)144 (Cấp xã) 151",
                                  "(Cấp tỉnh)10 …… (Cấp huyện)144 …… (Cấp xã)151"])
def test_values_beside_qualifiers_keep_their_qualifier(line: str) -> None:
    found = slots("4. Tổng số máy tính có cài đặt phần mềm diệt virus:", line)
    assert brief(found, "label", "column", "raw")[-3:] == [
        ("Tổng số máy tính có cài đặt phần mềm diệt virus", col, raw)
        for col, raw in (("Cấp tỉnh", "10"), ("Cấp huyện", "144"), ("Cấp xã", "151"))]


# -- space_only: colon and dots deleted, the value after its label and a space ---------------------------------
@pytest.mark.parametrize(("line", "label", "raw", "unit"), [
    ("Số điện thoại di động 0257.3263905", "Số điện thoại di động", "0257.3263905", None),
    ("Số lao động hợp đồng 68 29", "Số lao động hợp đồng 68", "29", None),
    ("- Số DVCTT mức độ 4 tính đến 1/10/2020 190 dịch vụ", "Số DVCTT mức độ 4 tính đến 1/10/2020", "190", "dịch vụ"),
    ("- Tỷ lệ CBCCVC sử dụng phần mềm QLVB 65 %", "Tỷ lệ CBCCVC sử dụng phần mềm QLVB", "65", "%"),
    ("5. Email hoad@soctrang.gov.vn", "Email", "hoad@soctrang.gov.vn", None),
])
def test_a_value_after_its_label_and_a_space(line: str, label: str, raw: str, unit: str | None) -> None:
    assert brief(slots(line), "label", "raw", "unit_text") == [(label, raw, unit)]


# -- phone_formatted: the next printed label glued after a phone -----------------------------------------------------
@pytest.mark.parametrize("line", ["3. Điện thoại cơ quan0299 3 821 977 DĐ: \t",
                                  "3. Điện thoại cơ quan0299 3 821 977 ………… DĐ: \t"])
def test_the_printed_label_after_a_phone_is_not_typed_text(line: str) -> None:
    """issue 15: `DĐ:` is the printed line's own next label, however short: never glued to the phone as typed text
    (`0299 3 821 977 DĐ` was accepted as the phone)."""
    printed = build(["3. Điện thoại cơ quan…………………………... DĐ:"])
    found = find_slots(doc(line), UNITS, printed)
    assert brief(found, "label", "raw", "extra") == [("Điện thoại cơ quan", "0299 3 821 977", None)]


# -- after_leader: a text answer after the dots that starts with a unit's word ----------------------------------------
def test_a_unit_word_that_starts_a_typed_text_after_the_dots_is_not_a_unit() -> None:
    """issue 15: `Cổng` is a spelling of a unit, but followed by words it starts the typed answer (it was cut off as
    the unit, the rest taken for printed words: silently empty)."""
    line = "g. Ứng dụng khác, nêu rõ tên ứng dụng: ………………..Cổng dịch vụ công trực tuyến"
    assert brief(slots(line), "raw", "extra") == [(None, "Cổng dịch vụ công trực tuyến")]
    # a unit the printed words of the line follow stays a unit
    assert brief(slots("+ Tổng số văn bản đi trên phần mềm:….......... văn bản. (Văn bản ký số phát hành)"),
                 "raw", "unit_text", "extra") == [(None, "văn bản", None)]


# -- ratio_with_unit / replaced_leader: a ratio glued to its reworded label, a rate unit after it --------------------
@pytest.mark.parametrize(("line", "label", "raw", "unit"), [
    ("- Số văn bản đi được cập nật vào phần mềm/Tổng số văn bản đi1308 / 2053/tháng",
     "Số văn bản đi được cập nật vào phần mềm/Tổng số văn bản đi", "1308 / 2053", "/tháng"),
    ("- Văn ban đi nhâp vao phân mêm trên tông sô văn ban đi cua cơ quan16/188 (văn bản/tháng)",
     "Văn ban đi nhâp vao phân mêm trên tông sô văn ban đi cua cơ quan", "16/188", "văn bản/tháng"),
    ("- Số văn bản đi 1308 / 2053/tháng", "Số văn bản đi", "1308 / 2053", "/tháng"),
])
def test_a_ratio_glued_to_a_reworded_label_with_a_rate_unit(line: str, label: str, raw: str, unit: str) -> None:
    """issue 15: the unit is a rate (`/tháng`, `(văn bản/tháng)`), the ratio the value, however close to the label."""
    assert brief(slots(line), "label", "raw", "unit_text") == [(label, raw, unit)]


@pytest.mark.parametrize("line", ["Số liệu tính đến quý3/2019", "Triển khai IPv6", "Đã nâng cấp lên Office365"])
def test_digits_glued_to_a_word_are_no_value(line: str) -> None:
    """A month and year, or digits that are part of a word, glued to the line's last word: no ratio, no value."""
    assert all(s.raw is None for s in slots(line))


@pytest.mark.parametrize("line", ["Số liệu tính đến ngày 01/10/2020",  # a date or a year ends a printed note
                                  "Kế hoạch giai đoạn 2016 - 2020"])
def test_notes_ending_with_a_date_or_a_year_hold_no_value(line: str) -> None:
    assert all(s.raw is None for s in slots(line))


def test_a_printed_line_ending_with_a_number_is_not_a_value_nor_is_a_table_cell() -> None:
    printed = build(["- Số lao động hợp đồng 68"])
    assert find_slots(doc("- Số lao động hợp đồng 68"), UNITS, printed) == []
    # a row label ending with a number stays the row's label (the table finder splits cells with `split_line`)
    label = "Triển khai Kiến trúc Chính phủ điện tử theo Quyết định số 3769"
    table = Table([[Cell(0, 0, [Block("Nội dung")]), Cell(0, 1, [Block("Số")])],
                   [Cell(1, 0, [Block(label)]), Cell(1, 1, [Block("12")])]])
    found = find_slots(Document(Source("mini.docx", "0" * 64, "docx"), [table]), UNITS, PRINTED)
    assert brief(found, "kind", "label") == [("label", label)]


def test_value_on_the_next_line_of_a_pdf_page() -> None:
    """PDF blocks are located by page and box, not by block number."""
    lines = ["- Tổng số hồ sơ tiếp nhận (tính từ 1/10/2019-1/10/2020):…………hồ sơ", "25,538"]
    blocks = [Block(t, location={"page": 6, "bbox": [85.2, 164.8 + 70 * n, 532.8, 229.2 + 70 * n]})
              for n, t in enumerate(lines)]
    found = find_slots(Document(Source("mini.pdf", "0" * 64, "pdf"), list(blocks)), UNITS, PRINTED)
    assert [s.raw for s in found] == ["25,538"]
    assert found[0].location["next_line"] == blocks[1].location


@pytest.mark.parametrize(("line", "raw"), [("d. Quản lý công tác thi đua, khen thưởng (có/không) Không", "Không"),
                                           ("- Kết nối phần mềm QLVBĐH đến cấp xã (Có/Không) có.", "có")])
def test_a_yes_no_word_after_the_bracketed_options(line: str, raw: str) -> None:
    assert [s.raw for s in slots(line)] == [raw]


@pytest.mark.parametrize(("line", "label", "extra"), [
    ("Họ và tên người cung cấp thông tin Huỳnh Ngọc Thủy", "Họ và tên người cung cấp thông tin", "Huỳnh Ngọc Thủy"),
    ("2. Nơi công tác Vụ Pháp chế", "Nơi công tác", "Vụ Pháp chế"),
])
def test_a_text_value_after_its_label_and_a_space_goes_to_review(line: str, label: str, extra: str) -> None:
    (slot,) = slots(line)
    assert (slot.label, slot.raw, slot.extra, slot.weak) == (label, None, extra, True)


@pytest.mark.parametrize("line", ["Ghi chú: Số liệu phần này tính đến 1/10/2020",  # printed
                                  "Triển khai phần mềm tại các cơ quan thuộc Sở"])  # one word: the label's own
def test_printed_or_label_only_paragraphs_are_not_review_items(line: str) -> None:
    assert all(s.extra is None for s in slots(line))


@pytest.mark.parametrize("answer", ["Có.", "Không", "không có"])
def test_a_yes_no_word_on_the_next_line_although_printed_options_spell_it(answer: str) -> None:
    printed = build(["a. Quản lý nhân sự (có/không): …………", "Có", "Không"])  # a table's option cells print them
    found = find_slots(doc("a. Quản lý nhân sự (có/không): …………", answer), UNITS, printed)
    assert [s.raw for s in found] == [answer]


def test_labelled_numbers_beside_a_count_line_are_blanks_not_counts() -> None:
    """issue 15: `Chuyên trách:2 người   Phụ trách:1 người …` two lines above the `☐ Chuyên trách ☐ Phụ trách` count
    boxes was read as a count line (each number given to the option after it): each number is its label's blank."""
    found = slots("Chuyên trách:2 người      Phụ trách:1 người      Kiêm nhiệm:0 người",
                  "4. Trình độ chuyên môn:",
                  "Thạc sỹ: \t\t ☐2 Chuyên trách  ☐0 Phụ trách  ☐1 Kiêm nhiệm")
    assert brief(found[:3], "label", "raw", "unit_text") == [
        ("Chuyên trách", "2", "người"), ("Phụ trách", "1", "người"), ("Kiêm nhiệm", "0", "người")]
    # a line whose every box the clerk typed over, one label: still counts
    counted = slots("Đại học: 0 Chuyên trách  0 Phụ trách  1 Kiêm nhiệm",
                    "Thạc sỹ: \t\t ☐2 Chuyên trách  ☐0 Phụ trách  ☐1 Kiêm nhiệm")
    assert brief(counted[:3], "label", "raw", "column") == [
        ("Chuyên trách", "0", "Đại học"), ("Phụ trách", "0", "Đại học"), ("Kiêm nhiệm", "1", "Đại học")]


# -- a signature line's date frame (`……, ngày ...... tháng  8 năm 2019`, as the seed forms print it) ---------------
SIGNATURES = ("5. Thư điện tử: abc@sotttt.gov.vn", "{first}", "Người khai", "(Ký và ghi rõ họ, tên)", "{second}",
              "Thủ trưởng cơ quan", "(Ký tên, đóng dấu)")


@pytest.mark.parametrize(("first", "second", "expected"), [
    ("\tTuy Hòa, ngày ...18... tháng  8 năm 2019", "\t…….., ngày ...... tháng ...... năm ......",
     [("Người khai (ngày tháng năm)", "ngày 18 tháng 8 năm 2019"), ("Thủ trưởng cơ quan (ngày tháng năm)", None)]),
    ("\t……, ngày ...... tháng  8 năm 2019", "\tSông Cầu, ngày .20..... tháng .10..... năm .2018.....",
     [("Người khai (ngày tháng năm)", None), ("Thủ trưởng cơ quan (ngày tháng năm)", "ngày 20 tháng 10 năm 2018")]),
    ("\tPhú Yên, 26/10/2017", "\tTP. Tuy Hòa, ngày 20/8/2019",
     [("Người khai (ngày tháng năm)", "26/10/2017"), ("Thủ trưởng cơ quan (ngày tháng năm)", "20/8/2019")]),
])
def test_a_signature_date_is_labelled_by_the_signer_under_it(first: str, second: str,
                                                             expected: list[tuple[str, str | None]]) -> None:
    lines = [t.format(first=first, second=second) for t in SIGNATURES]
    found = [s for s in slots(*lines) if s.location["block"] in (1, 4)]
    assert [(s.label, s.raw or None) for s in found] == expected


def test_a_date_typed_under_an_empty_frame_is_its_value() -> None:
    lines = ["\t……, ngày ...... tháng  8 năm 2019", "31/8/2019", "Người khai", "(Ký và ghi rõ họ, tên)"]
    found = slots(*lines)
    assert [(s.label, s.raw) for s in found] == [("Người khai (ngày tháng năm)", "31/8/2019")]


@pytest.mark.parametrize(("lines", "label", "raw"), [
    (["Họ tên Hồ Văn Khánh"], "Họ tên", "Hồ Văn Khánh"),  # `Họ và tên:……` reworded, colon and dots deleted
    (["2. Thông tin cán bộ phụ trách CNTT:", "Ho va ten Tran Van Binh"], "Ho va ten", "Tran Van Binh"),  # no tones
    (["2. Người báo cáo Dương Minh Tuấn"], "Người báo cáo", "Dương Minh Tuấn"),  # a label printed with no dots
])
def test_a_text_value_after_a_printed_label_and_a_space(lines: list[str], label: str, raw: str) -> None:
    printed = build([*PRINTED_LINES, "2. Người báo cáo:"])
    found = [s for s in find_slots(doc(*lines), UNITS, printed) if s.raw]
    assert brief(found, "label", "raw", "extra") == [(label, raw, None)]


@pytest.mark.parametrize(("line", "expected"), [
    ("- Số CCVC được cấp hộp thư điện tử riêng của cơ quan 67 người,\tTỉ lệ: 83 %",
     [("Số CCVC được cấp hộp thư điện tử riêng của cơ quan", "67", "người"), ("Tỉ lệ", "83", "%")]),
    ("Chuyên trách không có người      Phụ trách công nghệ thông tin:……0………người",
     [("Chuyên trách", "không có", "người"), ("Phụ trách công nghệ thông tin", "0", "người")]),
    ("3. Điện thoại cơ quan 0957352361 DĐ: (0257) 3.803.935",  # a phone needs no separator before a short label
     [("Điện thoại cơ quan", "0957352361", None), ("DĐ", "(0257) 3.803.935", None)]),
])
def test_a_value_after_its_label_and_a_space_before_the_next_blank(line: str, expected: list[tuple[str, ...]]) -> None:
    """The first blank of a line typed space-only, the next one left with its colon and dots."""
    assert brief(slots(line), "label", "raw", "unit_text") == expected


@pytest.mark.parametrize(("line", "expected"), [
    ("- Số cán bộ cấp huyện có tài khoản thư điện tử 1358 người, tỷ lệ 33,7 %",
     [("Số cán bộ cấp huyện có tài khoản thư điện tử", "1358", "người"), ("tỷ lệ", "33,7", "%")]),
    ("Tiến sỹ: …2… người\t\tThạc sĩ 5 người", [("Tiến sỹ", "2", "người"), ("Thạc sĩ", "5", "người")]),
    ("- Số CBCCVC cấp xã có tài khoản thư điện tử: 481 người,\t Tỉ lệ 22 %",
     [("Số CBCCVC cấp xã có tài khoản thư điện tử", "481", "người"), ("Tỉ lệ", "22", "%")]),
])
def test_every_blank_of_a_line_typed_space_only(line: str, expected: list[tuple[str, ...]]) -> None:
    """Values after their labels and a space, each blank of the line: before, after or between other blanks."""
    assert brief(slots(line), "label", "raw", "unit_text") == expected


def test_value_on_the_next_line_after_printed_words_before_the_dots() -> None:
    """`…):Liệt kê……` left as printed: the form's words before the dots are no value; the line under them is."""
    printed = build([*PRINTED_LINES, "- Phần mềm đơn (chỉ sử dụng nội bộ cơ quan):Liệt kê……………………"])
    found = find_slots(doc("- Phần mềm đơn (chỉ sử dụng nội bộ cơ quan):Liệt kê…………………………………",
                           "Phần mềm quản lý cấp phép xây dựng"), UNITS, printed)
    assert [s.raw for s in found] == ["Phần mềm quản lý cấp phép xây dựng"]
    # a typed value with a figure is never taken for printed words
    printed = build([*PRINTED_LINES, "1) Quý báo cáo: ……", "(Ví dụ: Quý III/2019)"])
    found = find_slots(doc("1) Quý báo cáo: Quý III/2019", "Sở Tài nguyên và Môi trường"), UNITS, printed)
    assert found[0].raw == "Quý III/2019"


def test_return_f002_r001_email_on_the_next_line_under_an_email_label() -> None:
    """`5. Email: ……` / `hap@gmail.com` on a reworded return: the label `Email` (patterns/aliases.yaml) is the
    contact e-mail's, the value the line under it."""
    from pathlib import Path

    from extractor.pipeline import extract_path

    result = extract_path(Path(__file__).resolve().parent.parent / "corpora" / "returns" / "f002_r001.docx")
    (email,) = [f for f in result.fields if f.field_id == "contact.email"]
    assert email.value == "hap@gmail.com"


@pytest.mark.parametrize(("answer", "raws"), [
    ("UBND phường 7", ["UBND phường 7"]),  # a typed name ending with a number: no label, the answer above
    ("Số điện thoại di động 0257.3263905", [None, "0257.3263905"]),  # a label of the form: its own blank
])
def test_a_name_ending_with_a_number_on_the_next_line(answer: str, raws: list[str | None]) -> None:
    printed = build([*PRINTED_LINES, "2. Tên cơ quan báo cáo: ………………..", "Số điện thoại di động: ……"])
    found = find_slots(doc("2. Tên cơ quan báo cáo: ………………..", answer), UNITS, printed)
    assert [s.raw for s in found] == raws


@pytest.mark.parametrize("line", [
    "- Tổng số hồ sơ tiếp nhận (tính từ 1/10/2019-1/10/2020):…………hồ sở",  # the unit mistyped
    "- Tổng số hồ sơ tiếp nhận (tính từ 1/10/2019-1/10/2020):   hồ sơ",  # spaces for dots
])
def test_value_on_the_next_line_after_a_mistyped_unit_or_a_blank_of_spaces(line: str) -> None:
    found = slots(line, "25,538")
    assert [s.raw for s in found] == ["25,538"]


@pytest.mark.parametrize(("line", "label", "raw", "unit"), [
    ("Tổng số CBCC của tỉnh theo phạm vi thống kê 3,983 (người). Trong đó:",  # a sentence ends before the next label
     "Tổng số CBCC của tỉnh theo phạm vi thống kê", "3,983", "người"),
    ("+ Số văn bản phát hành có chữ ký số 1479 văn bản. (Văn bản ký số phát hành theo trục liên thông)",  # a note
     "Số văn bản phát hành có chữ ký số", "1479", "văn bản"),
    ("+ Số văn bản gửi có chữ ký số của tổ chức Không có văn bản",  # a zero word and its unit
     "Số văn bản gửi có chữ ký số của tổ chức", "Không có", "văn bản"),
    ("2) Tổng số TTHC của cơ quan 58 dcịh vụ", "Tổng số TTHC của cơ quan", "58", None),  # the unit mistyped
])
def test_a_value_after_its_label_and_a_space_then_a_unit_and_more(line: str, label: str, raw: str,
                                                                  unit: str | None) -> None:
    assert brief([s for s in slots(line) if s.raw], "label", "raw", "unit_text") == [(label, raw, unit)]


def test_an_address_after_a_reworded_label_and_a_space_keeps_the_label_words_out() -> None:
    """`Thư điện tử lên hệ thuyh@…` over the printed `Thư điện tử: ……`: the words before the address are the
    label's (reworded), not the value's."""
    printed = build([*PRINTED_LINES, "4. Thư điện tử: ……………"])
    found = find_slots(doc("4. Thư điện tử lên hệ thuyh@tnmt.phuyen.gov.vn"), UNITS, printed)
    assert brief(found, "label", "raw") == [("Thư điện tử lên hệ", "thuyh@tnmt.phuyen.gov.vn")]


def test_the_second_blank_of_a_printed_line_typed_space_only() -> None:
    """`…(…):……, chuyên ngành……` with the second blank's dots deleted: the value after `chuyên ngành` and a space."""
    printed = build([*PRINTED_LINES, "+ Trình độ CNTT (chính quy hay tại chức):……………, chuyên ngành……………"])
    found = find_slots(doc("+ Trình độ CNTT (chính quy hay tại chức):Đại học, chuyên ngành Kỹ sư phần mềm."), UNITS,
                       printed)
    assert [s.raw for s in found] == ["Đại học", "Kỹ sư phần mềm"]
    # words after the label's words, not capitalised, are not told from the label's: the colon's text stays whole
    found = find_slots(doc("+ Trình độ CNTT (chính quy hay tại chức):Đại học, chuyên ngành khác"), UNITS, printed)
    assert [s.raw for s in found] == ["Đại học, chuyên ngành khác"]


def test_a_typed_value_that_is_printed_somewhere_is_no_empty_blank() -> None:
    """`Chức vụ: Chuyên viên` (`Chuyên viên` printed elsewhere): the line under it is no answer to it."""
    printed = build([*PRINTED_LINES, "3. Chức vụ: ……………", "☐ Chuyên viên ☐ Lãnh đạo"])
    found = find_slots(doc("3. Chức vụ: Chuyên viên", "Phụ trách công nghệ thông tin của Sở từ năm 2019"), UNITS,
                       printed)
    assert found[0].raw == "Chuyên viên"
