"""How clerks tick boxes, one test per habit and layout, read through the slot finder (`slots.find_slots`) and
the answer reader: a tick against a box, in its place, after its option, in a table cell beside a blank."""

from __future__ import annotations

from typing import Any

import pytest

from extractor.answers import read_answer
from extractor.catalogue import FieldSpec, Keys, OptionSpec, load_catalogue
from extractor.model import Block, Cell, Document, Source, Table
from extractor.slots import Option, Slot, find_slots

UNITS = load_catalogue().units


def doc(*items: Block | Table) -> Document:
    for n, item in enumerate(items):
        item.location = {"part": "body", "block": n}
    return Document(Source("mini.docx", "0" * 64, "docx"), list(items))


def grid(rows: list[list[str]]) -> Table:
    return Table([[Cell(r, c, [Block(t) for t in text.split("\n")]) for c, text in enumerate(row)]
                  for r, row in enumerate(rows)])


def choices(*items: Block | Table) -> list[Slot]:
    return [s for s in find_slots(doc(*items), UNITS) if s.kind == "choice"]


def ticked(slot: Slot) -> list[str]:
    return [o.text for o in slot.options or [] if o.checked]


def spec(id_: str, type_: str, *options: tuple[Any, str]) -> FieldSpec:
    return FieldSpec(id_, type_, options=[OptionSpec(key, [text], [Keys.of(text)]) for key, text in options])


BACKUP = spec("security.backup_device", "multi_choice", ("san", "SAN/NAS/DAS"), ("usb", "USB Box"),
              ("cd", "Đĩa CD/DVD"))


@pytest.mark.parametrize(("line", "expected"), [
    ("SAN/NAS/DAS ☒  USB Box ☒  Đĩa CD/DVD ☐", ["san", "usb"]),  # native
    ("SAN/NAS/DAS ☐X  USB Box ☐  Đĩa CD/DVD ☐x", ["cd", "san"]),  # x_after_box
    ("SAN/NAS/DAS x☐  USB Box ☐  Đĩa CD/DVD ☐", ["san"]),  # x_before_box
    ("SAN/NAS/DAS ☐  USB Box ☐  Đĩa CD/DVD X", ["cd"]),  # typed_x: the box replaced
    ("SAN/NAS/DAS ☐  USB Box ☐  Đĩa CD/DVD [x]", ["cd"]),  # bracket_x
    ("SAN/NAS/DAS ☐  Đĩa CD/DVD ☐", ["cd", "san"]),  # deleted_others: what is left was chosen
])
def test_cell_choice_beside_a_labelled_blank(line: str, expected: list[str]) -> None:
    # a continuation row: the boxes over "Khác (nêu tên): ……" in one cell, the question in the row above
    table = grid([["TT", "Nội dung", "Trả lời"],
                  ["14", "Cơ quan có trang bị hệ thống sao lưu?", "☒ Có  ☐ Không"],
                  ["", "", f"{line}\nKhác (nêu tên): ….Phòng Văn phòng……"]])
    slots = find_slots(doc(table), UNITS)
    boxes = [s for s in slots if s.kind == "choice" and s.row == 2]
    assert len(boxes) == 1 and boxes[0].label == "Cơ quan có trang bị hệ thống sao lưu"
    assert read_answer(boxes[0], BACKUP).value == expected
    other = [s for s in slots if s.row == 2 and s.kind == "cell" and s.label.startswith("Khác")]
    assert [(s.label, s.raw) for s in other] == [("Khác (nêu tên)", "Phòng Văn phòng")]


def test_cell_lines_with_a_box_after_the_option_and_a_blank_of_their_own() -> None:
    table = grid([["TT", "Nội dung", "Trả lời"],
                  ["13", "Mạng LAN có tường lửa?",
                   "Tưởng lửa cứng ☐ Tên thiết bị:…………\nTưởng lửa mềm X  Tên phần mềm:…Kaspersky………"]])
    slots = find_slots(doc(table), UNITS)
    choice = [s for s in slots if s.kind == "choice"]
    assert len(choice) == 1 and ticked(choice[0]) == ["Tưởng lửa mềm"]  # the box follows its option
    assert [(s.label, s.raw) for s in slots if s.kind == "cell"] == [("Tên thiết bị", None),
                                                                    ("Tên phần mềm", "Kaspersky")]


@pytest.mark.parametrize("cell", ["X", "[x]", "✓", "x☐", "☐✓", "☒"])
def test_single_box_cell_ticked_any_way(cell: str) -> None:
    table = grid([["TT", "Nội dung", "Có thực hiện"], ["1", "Thực hiện theo Kế hoạch 5 năm", cell]])
    (choice,) = choices(table)
    answer = read_answer(choice, FieldSpec("policy.plan.applied", "boolean"))
    assert (answer.value, answer.ok) == (True, True)


def test_list_lines_with_the_mark_glued_before_the_box() -> None:
    (choice,) = choices(Block("Cơ quan có ban hành quy chế?"), Block("☐ Có"), Block("x☐ Không"))
    assert [(o.text, o.checked) for o in choice.options or []] == [("Có", False), ("Không", True)]


def test_box_after_lines_one_box_replaced_by_a_mark() -> None:
    (choice,) = choices(Block("Mức độ sử dụng phần mềm:"),
                        Block("- Chưa triển khai cài đặt:       ☐"),
                        Block("- Chỉ sử dụng để quản lý văn bản đi, đến tại văn thư: X"),
                        Block("- Sử dụng phần mềm để giao việc  ☐"))
    assert ticked(choice) == ["Chỉ sử dụng để quản lý văn bản đi, đến tại văn thư"]
    assert len(choice.options or []) == 3


def test_a_trailing_mark_without_boxes_nearby_is_no_choice() -> None:
    assert choices(Block("Ghi chú"), Block("MỤC X"), Block("Số máy chủ: ……5……")) == []


def test_several_ticks_in_a_single_choice_stay_review() -> None:
    (choice,) = choices(Block("Cơ quan có ban hành quy chế?"), Block("x☐ Có"), Block("☐X Không"))
    answer = read_answer(choice, spec("policy.rules", "boolean", (True, "Có"), (False, "Không")))
    assert (answer.value, answer.ok, answer.reason) == (None, False, "several_marked")


@pytest.mark.parametrize(("line", "expected"), [
    ("Có ☐ ✓  Không ☐", [("Có", True), ("Không", False)]),  # check_after_option: ✓ right after the box
    ("Tham gia đầy đủ  ☐     Tham gia không đầy đủ  ☐ ✓     Không tham gia  ☐",
     [("Tham gia đầy đủ", False), ("Tham gia không đầy đủ", True), ("Không tham gia", False)]),
    ("☐ KT < 10 Mb\t☐x10 Mb ≤ KT ≤ 20 Mb\t☐ KT > 20 Mb",  # x_after_box glued to an option starting with a digit
     [("KT < 10 Mb", False), ("10 Mb ≤ KT ≤ 20 Mb", True), ("KT > 20 Mb", False)]),
])
def test_a_tick_beside_a_box(line: str, expected: list[tuple[str, bool]]) -> None:
    (choice,) = choices(Block("Câu hỏi:"), Block(line))
    assert [(o.text, o.checked) for o in choice.options or []] == expected


def test_a_lone_yes_no_option_left_answers_the_question_above() -> None:
    # deleted_others on a box-after line: "Không ☐" is what is left of "Có ☐  Không ☐", not an item of its own
    (choice,) = choices(Block("1. Nội quy, quy chế về an toàn thông tin:"), Block("Không ☐"))
    assert choice.label == "Nội quy, quy chế về an toàn thông tin"
    (item,) = choices(Block("Các ứng dụng:"), Block("Ứng dụng một cửa điện tử ☐"))
    assert item.label == "Ứng dụng một cửa điện tử"


YES_NO = spec("apps.accounting", "boolean", (True, "Có sử dụng"), (False, "Không sử dụng"))


@pytest.mark.parametrize(("text", "value"), [("Chaư sử dụng", False), ("Đng sử dụng", True)])
def test_a_mistyped_reworded_yes_no_option(text: str, value: bool) -> None:
    slot = Slot("choice", "Sử dụng phần mềm kế toán", options=[Option(text, True, "box")])
    assert read_answer(slot, YES_NO).value is value


def test_options_known_by_their_letter_and_unknown_options_go_to_review() -> None:
    types = spec("esign.other_types", "multi_choice", ("own", "A. Chữ ký số chuyên dùng"),
                 ("public", "B. Chữ ký số công cộng"), ("foreign", "C. Chữ ký số nước ngoài"))
    slot = Slot("choice", "Loại chữ ký số", options=[
        Option("B. Chữ ký số của tổ chức cung cấp dịch vụ chứng thực công cộng", True, "box")])
    assert read_answer(slot, types).value == ["public"]
    slot.options = [Option("B. Chữ ký số công cộng", True, "box"), Option("Mạng xã hội nội bộ", True, "box")]
    answer = read_answer(slot, types)
    assert (answer.value, answer.ok, answer.reason) == (["public"], False, "unknown_option")


def test_a_run_of_lines_each_box_replaced_by_x() -> None:
    (choice,) = choices(Block("1.3. Loại văn bản trao đổi qua thư điện tử:"), Block("X Lịch công tác"),
                        Block("X Tài liệu họp"), Block("X Văn bản để biết"), Block("X Tài liệu trao đổi"),
                        Block("☐ Khác (ghi rõ)"))
    assert ticked(choice) == ["Lịch công tác", "Tài liệu họp", "Văn bản để biết", "Tài liệu trao đổi"]
