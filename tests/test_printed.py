"""The blank forms' printed text (`extractor.printed`): line keys, printed-or-typed, and reading a typed line
against the printed line it was typed over."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.printed import PRINTED_DIR, build, line_key, lines_of, load_printed, main

PRINTED = build([
    "3. Chức vụ: ….................",
    "5. Thư điện tử: ….................",
    "4. Điện thoại cố định: ….................\t\t\tĐiện thoại di động: ….................",
    "- Tổng số văn bản đi nhập vào phần mềm/Tổng số văn bản đi của cơ quan: ………/……….",
    "Ngày, tháng, năm sinh………………..",
    "Chuyên trách:.............người      Phụ trách:............người      Kiêm nhiệm:..............người",
    "+ Trình độ CNTT (ghi rõ 1 bằng cấp cao nhất: Thạc sĩ, Đại học, Cao đẳng....; chính quy hay tại chức):"
    "…………………, chuyên ngành………………….",
    "Số máy chủ: ………",
    "Kính gửi: Trung tâm tin học - Văn phòng UBND tỉnh.",
    "Ghi chú: Số liệu phần này tính đến 1/10/2020",
])


def raws(text: str) -> list[str] | None:
    found = PRINTED.align(text)
    return None if found is None else [b.raw for b in found]


def test_line_key_ignores_tones_case_leaders_numbering_and_spacing() -> None:
    assert line_key("3. Chức vụ: ….................") == line_key("Chuc vu :") == "chucvu"
    assert line_key("☐ Có") == "co" and line_key("……  …") == ""


def test_printed_text_is_recognised_whole_or_in_part() -> None:
    assert PRINTED.is_printed("Kính gửi: Trung tâm tin học - Văn phòng UBND tỉnh.")
    assert PRINTED.is_printed("3. Chức vụ: …………")  # a dot run of another length is the same line
    assert not PRINTED.is_printed("3. Chức vụ: Trưởng phòng")
    assert PRINTED.in_printed("Số liệu phần này") and not PRINTED.in_printed("Trưởng phòng kỹ thuật")


@pytest.mark.parametrize(("typed", "expected"), [
    ("3. Chức vụ: Trưởng phòng …….", ["Trưởng phòng"]),  # before a shortened dot run
    ("5. Thư điện tử: ……abc@sotttt.gov.vn", ["abc@sotttt.gov.vn"]),  # after a dot run ending the line
    ("Ngày, tháng, năm sinh28/2/1978", ["28/2/1978"]),  # glued to the label
    ("Ngày, tháng, năm sinh 28/2/1978", ["28/2/1978"]),  # after the label with only a space
    ("- Tổng số văn bản đi nhập vào phần mềm/Tổng số văn bản đi của cơ quan1026/3238", ["1026/3238"]),
    ("- Tổng số văn bản đi nhập vào phần mềm/Tổng số văn bản đi của cơ quan: …12…/…40….", ["12 / 40"]),
    ("4. Điện thoại cố định: (0299) 387 7990\t\t\tĐiện thoại di động: 0257.3841 234",
     ["(0299) 387 7990", "0257.3841 234"]),
    ("Chuyên trách:....2.........người      Phụ trách:...3.........người      Kiêm nhiệm:....người", ["2", "3", ""]),
    # a dot run closing a printed list ("Cao đẳng....;") is no blank
    ("+ Trình độ CNTT (ghi rõ 1 bằng cấp cao nhất: Thạc sĩ, Đại học, Cao đẳng....; chính quy hay tại chức):"
     "…Kỹ sư, chính quy…, chuyên ngành…Mạng máy tính…", ["Kỹ sư, chính quy", "Mạng máy tính"]),
])
def test_a_typed_line_is_read_against_its_printed_line(typed: str, expected: list[str]) -> None:
    assert raws(typed) == [" ".join(x.split()) for x in expected]


@pytest.mark.parametrize("typed", [
    "Số máy chủ đang sử dụng: 5",  # a longer label: another line's words, not a value
    "Số máy chủyếu: 5",  # the printed words end inside a word
    "Kính gửi: Sở Tài chính",  # no blank in the printed line
    "Thư điện tử công vụ",  # words after the head with no colon or dots: a heading
])
def test_lines_no_printed_line_explains_are_not_aligned(typed: str) -> None:
    assert raws(typed) is None


def test_every_known_form_has_its_printed_lines() -> None:
    forms = {p.stem for p in Path(PRINTED_DIR).parent.joinpath("forms").glob("*.yaml")}
    assert forms and forms <= {p.stem for p in PRINTED_DIR.glob("*.yaml")}
    assert load_printed().is_printed("Kính gửi: Trung tâm tin học - Văn phòng UBND tỉnh.")


def test_generator_writes_the_lines_of_a_blank_form(tmp_path: Path) -> None:
    blank = tmp_path / "blank.txt"
    blank.write_text("PHIẾU KHẢO SÁT\n\n1. Họ tên: ………\n\tStt\n", encoding="utf-8")
    assert lines_of(blank) == ["PHIẾU KHẢO SÁT", "1. Họ tên: ………", "Stt"]
    out = tmp_path / "printed" / "f9.yaml"
    assert main([str(blank), "--form-id", "f9", "-o", str(out)]) == 0
    loaded = load_printed(str(out.parent))
    assert loaded.is_printed("PHIẾU KHẢO SÁT") and [b.raw for b in loaded.align("1. Họ tên: Lê Văn B")] == ["Lê Văn B"]


@pytest.mark.parametrize(("typed", "expected"), [
    ("+ Trình độ CNTT (ghi rõ 1 bằng cấp cao nhất: Thạc sĩ, Đại học, Cao đẳng....; chính quy hay tại chức):"
     "Kỹ sư, chính quy, chuyên ngànhMạng máy tính.", ["Kỹ sư, chính quy", "Mạng máy tính"]),  # a capital glued on
    ("Ngày, tháng, năm sinhngày 19 tháng 8 năm 1980", ["ngày 19 tháng 8 năm 1980"]),  # a date glued on
])
def test_a_value_glued_to_the_printed_words(typed: str, expected: list[str]) -> None:
    assert raws(typed) == expected


def test_sub_labels_are_the_few_words_a_separator_brings_in_between_two_blanks() -> None:
    printed = build(["+ Trình độ CNTT (Thạc sĩ, Đại học…; chính quy hay tại chức):……………, chuyên ngành………………",
                     "Tuy Hòa, ………, ngày …… tháng …… năm 2019",
                     "Tổng số: ……, trong đó có 12 cán bộ chuyên trách, còn lại: ……",  # a number: no sub-label
                     "Họ tên:……"])
    assert printed.sub_labels == frozenset({"chuyen nganh", "ngay"})
    assert load_printed().sub_labels >= {"chuyen nganh"}
