"""Clerk habits end to end: small DOCX returns built by recipe from the seed forms' real layouts (tests/docx_xml.py),
read by `extractor.pipeline.extract_path`. Each habit: the value comes back right, or the field is `review` —
never a filled value returned `empty`."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.model import Field
from extractor.pipeline import extract_path
from tests.docx_xml import p, r, tbl, tc, write_docx

# the contact block of seed 001 (Phú Yên, Q3/2019), as printed
CONTACT_001 = [
    ("MỤC 6. THÔNG TIN LIÊN HỆ", True),
    ("1. Họ và tên người thực hiện báo cáo: {name}", False),
    ("2. Đơn vị công tác: {unit}", False),
    ("3. Chức vụ: {position}", False),
    ("4. Điện thoại cố định: {phone}\t\t\t\t\t\tĐiện thoại di động: {mobile}", False),
    ("5. Thư điện tử: {email}", False),
]
DOTS = "….................."


def contact(tmp_path: Path, **typed: str) -> dict[str, Field]:
    values = {k: DOTS for k in ("name", "unit", "position", "phone", "mobile", "email")} | typed
    body = "".join(p(r(text.format(**values), bold=bold)) for text, bold in CONTACT_001)
    return fields_of(write_docx(tmp_path / "r.docx", body))


def fields_of(path: Path) -> dict[str, Field]:
    result = extract_path(path)
    return {f.field_id: f for f in result.fields if f.field_id} | {f"?{f.label}": f for f in result.unmatched}


@pytest.mark.parametrize(("typed", "field", "value"), [
    # value typed before a shortened dot run
    ({"position": "Trưởng phòng ……."}, "contact.position", "Trưởng phòng"),
    # after a dot run that ends the line
    ({"email": "……abc@sotttt.gov.vn"}, "contact.email", "abc@sotttt.gov.vn"),
    # dots deleted, text values that look like numbers: the whole text is kept
    ({"phone": "(0299) 387 7990"}, "contact.phone", "(0299) 387 7990"),
    ({"phone": "0257.3841 234"}, "contact.phone", "0257.3841 234"),
    ({"unit": "168 Lê Duẩn, phường 9, TP. Tuy Hòa"}, "contact.unit", "168 Lê Duẩn, phường 9, TP. Tuy Hòa"),
])
def test_contact_habits_read_the_whole_value(tmp_path: Path, typed: dict[str, str], field: str, value: str) -> None:
    f = contact(tmp_path, **typed)[field]
    assert f.value == value


def test_value_on_the_next_line_under_an_empty_blank(tmp_path: Path) -> None:
    body = "".join([p(r("MỤC 6. THÔNG TIN LIÊN HỆ", bold=True)), p(r("3. Chức vụ: " + DOTS)),
                    p(r("Phó Giám đốc Trung tâm")), p(r("5. Thư điện tử: " + DOTS))])
    f = fields_of(write_docx(tmp_path / "r.docx", body))["contact.position"]
    assert f.value == "Phó Giám đốc Trung tâm"


def test_number_glued_to_its_label_is_read(tmp_path: Path) -> None:
    # seed 000: "Ngày, tháng, năm sinh………………..", typed with no separator and with only a space
    for typed in ("Ngày, tháng, năm sinh28/2/1978", "Ngày, tháng, năm sinh 28/2/1978"):
        body = p(r("2. Thông tin về cán bộ chuyên trách/kiêm nhiệm CNTT của Sở:", bold=True)) + \
            p(r("Họ và tên:…………………………….")) + p(r(typed)) + p(r("Điện thoại liên hệ:…………………...."))
        f = fields_of(write_docx(tmp_path / "r.docx", body))["it_staff.officer.birth_date"]
        assert f.value == "1978-02-28", typed


def test_text_after_the_dots_is_never_a_silent_empty(tmp_path: Path) -> None:
    # a label reworded so that no printed line explains it: the typed text after the dots goes to review
    f = contact(tmp_path, email="……", position="…….. Trưởng phòng kỹ thuật")["contact.position"]
    assert f.value == "Trưởng phòng kỹ thuật" or (f.status == "review" and "Trưởng phòng" in (f.raw or ""))


# -- checkboxes: seed 000 prints each option as a "- " item with its box after the text ----------------------
QLVB_000 = ["C. ỨNG DỤNG CNTT TRONG HOẠT ĐỘNG NỘI BỘ CƠ QUAN", "1. Ứng dụng phần mềm QLVB&HSCV:",
            "1.1. Triển khai phần mềm tại Văn phòng Sở", "1.1.1. Mức độ ứng dụng phần mềm:"]
LEVELS_000 = ["- Chưa cài đặt:", "- Đã cài đặt nhưng chưa sử dụng:",
              "- Sử dụng phần mềm để QLVB đi và đến tại bộ phận văn thư:",
              "- Sử dụng phần mềm để phân văn bản đến, văn bản đi và giao việc trên phần mềm chưa theo dõi điều hành, "
              "trao đổi, giải quyết và điều hành công việc trên phần mềm",
              "- Lập hồ sơ văn bản đến, theo dõi điều hành trao đổi giải quyết công việc trên phần mềm"]


def qlvb_level(tmp_path: Path, boxes: list[str]) -> Field:
    body = "".join(p(r(t, bold=True)) for t in QLVB_000[:1]) + "".join(p(r(t)) for t in QLVB_000[1:])
    body += "".join(p(r(f"{text} {box}")) for text, box in zip(LEVELS_000, boxes, strict=True))
    return fields_of(write_docx(tmp_path / "r.docx", body))["docs.qlvb.level"]


@pytest.mark.parametrize("ticked", ["☒", "☐x", "x☐", "☐ ✓", "☐X"])
def test_box_after_its_option_ticked_every_way(tmp_path: Path, ticked: str) -> None:
    f = qlvb_level(tmp_path, ["☐", "☐", ticked, "☐", "☐"])
    assert f.value == "clerk_only" and f.status != "empty"


def test_two_ticks_in_a_single_choice_go_to_review(tmp_path: Path) -> None:
    f = qlvb_level(tmp_path, ["☒", "☐", "☒", "☐", "☐"])
    assert (f.value, f.status) == (None, "review")


# -- tables ---------------------------------------------------------------------------------------------
def test_a_column_the_catalogue_does_not_know_is_kept_with_its_header(tmp_path: Path) -> None:
    head = [tc(p(r(t))) for t in ("Stt", "Tên thiết bị cơ sở hạ tầng", "Khối Văn phòng Sở",
                                   "Các đơn vị sự nghiệp thuộc Sở", "Tổng số", "Ghi chú của đơn vị")]
    row = [tc(p(r(t))) for t in ("7", "Số máy chiếu", "4 máy", "2 máy", "6", "mượn 2 máy")]
    body = p(r("B. HẠ TẦNG KỸ THUẬT CNTT-TT", bold=True)) + tbl(head, row)
    result = extract_path(write_docx(tmp_path / "r.docx", body))
    kept = [f for f in result.unmatched + result.fields if f.raw == "mượn 2 máy"]
    assert kept and kept[0].column == "Ghi chú của đơn vị"


def test_a_one_cell_table_reads_like_a_paragraph(tmp_path: Path) -> None:
    body = p(r("MỤC 6. THÔNG TIN LIÊN HỆ", bold=True)) + tbl([tc(p(r("5. Thư điện tử: ……abc@sotttt.gov.vn……")))])
    assert fields_of(write_docx(tmp_path / "r.docx", body))["contact.email"].value == "abc@sotttt.gov.vn"


def test_text_no_printed_line_explains_goes_to_review_with_its_reason(tmp_path: Path) -> None:
    # a reworded label (not printed text) with text typed after the dots: review, never `empty`
    body = p(r("MỤC 6. THÔNG TIN LIÊN HỆ", bold=True)) + p(r("5. Thư điện tử liên hệ: ……xem trang web của Sở"))
    f = fields_of(write_docx(tmp_path / "r.docx", body))["contact.email"]
    assert (f.status, f.raw, f.value) == ("review", "xem trang web của Sở", "xem trang web của Sở")
    assert "unparsed: after_blank" in f.reasons


def test_an_address_after_the_dots_of_a_reworded_line_is_its_value(tmp_path: Path) -> None:
    body = p(r("MỤC 6. THÔNG TIN LIÊN HỆ", bold=True)) + p(r("5. Thư điện tử liên hệ: ……abc@sotttt.gov.vn"))
    f = fields_of(write_docx(tmp_path / "r.docx", body))["contact.email"]
    # two lines tell no form: the value is read, whether accepted or put to a reviewer
    assert f.value == "abc@sotttt.gov.vn" and f.status in ("accepted", "review")
