"""Checkbox lines read as tokens by the option grammar (`extractor.options`): every layout and every way a clerk
ticks a box."""

from __future__ import annotations

import pytest

from extractor.options import parse, tokens


def read(text: str) -> tuple[str, str, list[tuple[str, bool | None, str]]]:
    line = parse(text)
    assert line is not None
    return line.layout, line.label, [(o.text, o.checked, o.mark) for o in line.options]


@pytest.mark.parametrize(("text", "options"), [
    ("☐xKhông ☐ Có", [("Không", True, "typed_x"), ("Có", False, "box")]),  # glued to the box and the option
    ("☐x Có ☐ Không", [("Có", True, "typed_x"), ("Không", False, "box")]),
    ("☐X Có ☐ Không", [("Có", True, "typed_x"), ("Không", False, "box")]),
    ("x☐ Có ☐ Không", [("Có", True, "typed_x"), ("Không", False, "box")]),  # glued before the box
    ("☒ Có ☐ Không", [("Có", True, "box"), ("Không", False, "box")]),  # ☒ typed in place of ☐
    ("☐ Có ✓ ☐ Không", [("Có", True, "typed_x"), ("Không", False, "box")]),  # ✓ after the option
    ("☐ Có ☐ Không ✓", [("Có", False, "box"), ("Không", True, "typed_x")]),
    ("X Có   ☐ Không", [("Có", True, "typed_x"), ("Không", False, "box")]),  # the box replaced by a mark
    ("☐ Có\t[x] Không", [("Có", False, "box"), ("Không", True, "typed_x")]),
    ("☐Xây dựng ☒ Cấp xã", [("Xây dựng", False, "box"), ("Cấp xã", True, "box")]),  # words, not ticks
    ("x ☐ Có\t☐ Không", [("Có", True, "typed_x"), ("Không", False, "box")]),  # PDF text: a space after the mark
    ("☐ Có\tx ☐ Không", [("Có", False, "box"), ("Không", True, "typed_x")]),
])
def test_ticks_typed_against_a_box_or_an_option(text: str, options: list[tuple[str, bool, str]]) -> None:
    assert read(text) == ("before", "", options)


@pytest.mark.parametrize(("text", "expected"), [
    ("- Chưa cài đặt: ☐", ("single", "Chưa cài đặt", [("Chưa cài đặt", False, "box")])),
    ("- Đã cài đặt: ☐ ✓", ("single", "Đã cài đặt", [("Đã cài đặt", True, "typed_x")])),
    ("Ứng dụng một cửa điện tử ☒", ("single", "Ứng dụng một cửa điện tử", [("Ứng dụng một cửa điện tử", True, "box")])),
    ("Câu hỏi: Có ☐ Không ☒", ("after", "Câu hỏi", [("Có", False, "box"), ("Không", True, "box")])),
    ("☒", ("single", "", [("", True, "box")])),  # a table cell holding only its row's yes/no box
    ("x☐", ("single", "", [("", True, "typed_x")])),
    ("☐", ("single", "", [("", False, "box")])),
    ("Thạc sỹ: ☐ Chuyên trách ☒ Phụ trách", ("before", "Thạc sỹ",
                                              [("Chuyên trách", False, "box"), ("Phụ trách", True, "box")])),
])
def test_box_after_its_text_a_single_box_and_a_label_before_the_boxes(text: str, expected: tuple) -> None:
    assert read(text) == expected


def test_a_box_after_its_option_then_a_blank_of_its_own() -> None:
    line = parse("Tưởng lửa mềm ☒  Tên phần mềm: Kaspersky ……")
    assert line is not None and line.layout == "after"
    o = line.options[0]
    assert (o.text, o.checked, o.blank_label, o.blank) == ("Tưởng lửa mềm", True, "Tên phần mềm", "Kaspersky")


def test_a_blank_inside_an_option_line() -> None:
    line = parse("☒ Khác (nêu tên): Misa ……")
    assert line is not None
    o = line.options[0]
    assert (o.text, o.checked, o.blank, o.has_blank) == ("Khác (nêu tên)", True, "Misa", True)
    empty = parse("☐ Khác (nêu rõ): ……")
    assert empty is not None and (empty.options[0].blank, empty.options[0].has_blank) == (None, True)


def test_a_line_without_boxes_or_marks_is_no_option_line() -> None:
    assert parse("Số máy chủ: 5") is None
    assert [k for k, _, _ in tokens("☐x Có")] == ["BOX", "MARK", "TEXT"]


@pytest.mark.parametrize(("text", "expected"), [
    # a mark typed where the box after an option was (box-after lines), the boxes telling the layout
    ("SAN/NAS/DAS ☐  USB Box ☐  Đĩa CD/DVD X",
     ("after", "", [("SAN/NAS/DAS", False, "box"), ("USB Box", False, "box"), ("Đĩa CD/DVD", True, "typed_x")])),
    ("SAN/NAS/DAS X  USB Box ☐  Đĩa CD/DVD ☐",
     ("after", "", [("SAN/NAS/DAS", True, "typed_x"), ("USB Box", False, "box"), ("Đĩa CD/DVD", False, "box")])),
    ("Câu hỏi: Có ☐  Không X", ("after", "Câu hỏi", [("Có", False, "box"), ("Không", True, "typed_x")])),
    # no box left on the line: a single box replaced (the slot finder asks the neighbouring lines)
    ("- Chỉ sử dụng phần mềm tại văn thư: X",
     ("single", "", [("Chỉ sử dụng phần mềm tại văn thư", True, "typed_x")])),
    ("X", ("single", "", [("", True, "typed_x")])),  # a table cell holding only the mark
    ("[x]", ("single", "", [("", True, "typed_x")])),
    # box-before lines keep a mark after an option as a tick of that option's box
    ("☐ Có ☐ Không ✓", ("before", "", [("Có", False, "box"), ("Không", True, "typed_x")])),
    ("X Có   ☐ Không", ("before", "", [("Có", True, "typed_x"), ("Không", False, "box")])),
])
def test_a_mark_in_the_place_of_a_box_after_its_option(text: str, expected: tuple) -> None:
    assert read(text) == expected
